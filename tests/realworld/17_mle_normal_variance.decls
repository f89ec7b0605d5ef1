# What 17_mle_normal_variance.md states: N(mu, sigma^2) with sigma > 0; n observations x_i; l the log-likelihood.
mu: real
sigma: positive
n: positive_integer
