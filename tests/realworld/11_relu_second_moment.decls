# What 11_relu_second_moment.md states: x = max(0, y); E the expectation, Var (and V) the variance; y has zero
# mean and is symmetric around it (its variance is not given; p is its density); I(.) an indicator.
E: expectation
Var: variance
V: variance
v: positive
y: symmetric(v)
x: define(max(0, y))
