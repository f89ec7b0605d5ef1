# What 13_xavier_variance.md states: X_i, W_i have mean 0 and are iid (no law is stated); n terms; Var, Cov, E.
Var: variance
E: expectation
n: positive_integer
