# What 01_kl_univariate_gaussians.md states: p = N(mu_1, sigma_1), q = N(mu_2, sigma_2) (sigma the
# standard deviation, as its formulas use it; normal(mean, variance) here); integration over the real line; <.> is the expectation
# under p, so x is distributed as p.
mu_1 mu_2: real
sigma_1 sigma_2: positive
x: normal(mu_1, sigma_1**2)
