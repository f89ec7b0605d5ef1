# Declarations for grading 002_f457ea5a82bac99a.txt (Sharif Deep Learning THW2, a student's solution)
#   python -m engine grade ../shared/seeds/002_f457ea5a82bac99a.txt

# Question 1 e: softmax versus logistic regression; sigma is the logistic sigmoid
n: dim
x w_l w_s1 w_s2: vector(n)
b_l b_s1 b_s2: real
W_l: define(w_l.T)                   # the solution writes W_l x and w_l . x for the same logit
sigma: function(lambda t: 1/(1 + exp(-t)))

# Question 5: gradient descent on J(w) = w^T H w with H = Q Lambda Q^T
Q: matrix(n, n, orthogonal)
Lambda: matrix(n, n, diagonal)
H: define(Q*Lambda*Q.T, symmetric)
epsilon eta: positive
w_0 w_old: vector(n)
w_1: define(w_0 - 2*epsilon*H*w_0)   # one step of w_t = w_{t-1} - epsilon grad J(w_{t-1}), grad J = 2 H w
w_2: define(w_1 - 2*epsilon*H*w_1)

# Question 4: Adam's moment estimates
beta_1 beta_2: interval(0, 1)
t: positive_integer                   # the iteration counter (w_t, beta^t)
