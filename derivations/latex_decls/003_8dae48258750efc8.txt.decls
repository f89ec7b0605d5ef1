# Declarations for grading 003_8dae48258750efc8.txt (WPI CS/DS 541 Deep Learning, HW3)
#   python -m engine grade ../shared/seeds/003_8dae48258750efc8.txt
# The solution writes expectations and variances with plain letters: E[.] and Var[.].
E: expectation
Var: variance
# "the variance of the product of two mutually independent random variables A and B" and the
# variance-mean relation for a random variable B (Y): checked with two independent variables of
# different families and symbolic parameters.
mu_A mu_B: real
s_A s_B: positive
A: normal(mu_A, s_A)
B: laplace(mu_B, s_B)
Y: normal(mu_A, s_B)

# the width of layer l: the summation bound of sum_{j=1}^{n_l}
n_l: dim
