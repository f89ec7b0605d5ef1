# What 06_vae_kl_unit_gaussian.md states: the KL divergence between N(mu_1, sigma_1^2) and N(mu_2, sigma_2^2);
# "If we assume our prior is a unit gaussian i.e. mu_2 = 0 and sigma_2 = 1" (an assumption the reader takes from the text).
mu_1 mu_2: real
sigma_1 sigma_2: positive
