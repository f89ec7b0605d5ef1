# What 05_bias_variance.md states: E is the expectation; Var the variance ("\Var" is "\rm Var");
# epsilon has mean 0 and variance sigma^2 and is independent (its law is not stated, so not declared).
E: expectation
Var: variance
sigma: positive
