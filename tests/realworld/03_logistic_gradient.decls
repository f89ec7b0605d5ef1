# What 03_logistic_gradient.md states: s is the sigmoid s(x) = 1/(e^{-x} + 1); the weights w and the
# inputs x_i enter as w^T x_i (vectors of one dimension); y is a label.
s: function(lambda t: 1/(exp(-t) + 1))
d: dim
w x_i: vector(d)
y: real
N: positive_integer
