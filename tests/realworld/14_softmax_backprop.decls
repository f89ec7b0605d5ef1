# What 14_softmax_backprop.md states: o = softmax(z) over the output neurons (three, a, b, c, in the example);
# E is the cross-entropy -sum_j t_j log o_j (E here is the error, not an expectation); z_j = sum_i w_ij o_i + b.
