# What 08_ridge_identity.md states: X is a matrix (X^T X is "a matrix"), lambda a scalar, I the identity,
# beta the coefficient vector and Y the response vector (||X beta - Y||).
n p: dim
X: matrix(n, p)
beta: vector(p)
Y: vector(n)
lambda: real
