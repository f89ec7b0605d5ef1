# Declarations for grading 001_13a39b0b72803044.txt (Ryu, Mathematical Foundations of DNNs, HW6)
#   python -m engine grade ../shared/seeds/001_13a39b0b72803044.txt
# sigma is ReLU in problem 1 (a, c), the sigmoid in 1 (b) and the identity or a generic
# activation elsewhere: one declaration cannot say all of that, so it stays an uninterpreted
# function (sigma(x) is an application, never the product sigma * x).
sigma: function
c: nonnegative                       # "for any c >= 0"
L: dim                               # the depth
n: sequence(L, 0)                    # widths n_0 .. n_{L-1}
