# What 07_variance_of_product.md states: X and Y are independent random variables; V is the variance
# and E the expectation. Their laws are not stated; the reader may only assume independence.
E: expectation
V: variance
