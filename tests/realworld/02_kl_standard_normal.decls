# What 02_kl_standard_normal.md states: P(x) = N(mu, sigma^2), Q(x) = N(0, 1); V(x) and E(x) are
# the variance and expectation of x under P (the question asks whether int x^2 P(x) dx = E(x^2)).
mu: real
sigma: positive
x: normal(mu, sigma**2)
E: expectation
V: variance
