# What 18_pca_lagrangian.md states: S is the (covariance) matrix of W = v_1^T S v_1, v_1 a vector, lambda the
# Lagrange multiplier, I the identity. "principal component analysis ... maximize the variance": S is the
# covariance matrix of the data, hence symmetric.
d: dim
S: matrix(d, d, symmetric)
v_1: vector(d)
lambda: real
