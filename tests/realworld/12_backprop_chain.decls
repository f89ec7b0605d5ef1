# What 12_backprop_chain.md states: sigma is the sigmoid activation; Co = (a_L - y)^2, z_L = w_L a_{L-1},
# a_L = sigma(z_L) ("where:"); the layers are scalar here (w_L * a_{L-1}).
sigma: function(lambda t: 1/(1 + exp(-t)))
