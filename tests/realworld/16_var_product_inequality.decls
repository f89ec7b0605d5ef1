# What 16_var_product_inequality.md states: X and Y are independent random variables (laws not stated);
# E (and \mathbb E) the expectation, Var (and \text{Var}) the variance.
E: expectation
Var: variance
