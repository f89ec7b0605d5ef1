# Declarations for grading 001_13a39b0b72803044.txt (Ryu, Mathematical Foundations of DNNs, HW6)
#   python -m engine grade ../shared/seeds/001_13a39b0b72803044.txt
# sigma is ReLU in problem 1 (a) ("The ReLU and LeakyReLU are nonnegative homogeneous"), the
# sigmoid in 1 (b), and a generic activation from problem 2 on: an uninterpreted function there
# (sigma(x) is an application, never the product sigma * x).
lines 29-33: sigma: function(lambda t: max(0, t))
lines 34-45: sigma: function(lambda t: 1/(1 + exp(-t)))
lines 46-330: sigma: function
c: nonnegative                       # "for any c >= 0"
L: dim                               # the depth
n: sequence(L, 0)                    # widths n_0 .. n_{L-1}
