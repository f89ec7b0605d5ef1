# What 09_ridge_derivative.md states: X is the design matrix (rows phi(x_i)^T), y the responses, beta
# the k coefficients, lambda the regularization weight, I the identity.
n k: dim
X: matrix(n, k)
y: vector(n)
beta: vector(k)
lambda: real
