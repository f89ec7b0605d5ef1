# What 15_softmax_jacobian.md states: S is the softmax, S_i(z) = e^{z_i} / sum_k e^{z_k} ("recall the definition");
# z is a vector; i, j index its entries.
