# What 10_he_init.md states: w (W) has zero mean; w and x are independent (the product formula); y_{l-1} has
# zero mean and a symmetric distribution around zero; x_l = max(0, y_{l-1}); n terms in the sum. No law is
# stated for any of them, so none is declared.
Var: variance
E: expectation
n: positive_integer
