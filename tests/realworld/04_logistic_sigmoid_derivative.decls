# What 04_logistic_sigmoid_derivative.md states: g(z) = 1/(1 + e^{-z}) ("Assuming:"); z is its argument.
g: function(lambda t: 1/(1 + exp(-t)))
z: real
