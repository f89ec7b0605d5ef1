# Declarations for grading 002_f457ea5a82bac99a.txt (Sharif Deep Learning THW2, a student's solution)
#   python -m engine grade ../shared/seeds/002_f457ea5a82bac99a.txt

# Question 1 e: softmax versus logistic regression; sigma is the logistic sigmoid
n: dim
# (x, w_l and b_l are scoped to the lines of Question 1 e: Question 3 a uses x, w, b for scalars)
lines 96-96: x w_l: vector(n); b_l: real; W_l: define(w_l.T)
lines 102-102: x w_l: vector(n); b_l: real; W_l: define(w_l.T)   # W_l x and w_l . x: the same logit
lines 106-106: x w_l: vector(n); b_l: real; W_l: define(w_l.T)
sigma: function(lambda t: 1/(1 + exp(-t)))
# softmax regression, before the substitution: independent weights and biases
lines 96-96: w_s1 w_s2: vector(n); b_s1 b_s2: real
# logistic regression: y_hat is its output here
lines 102-102: y_hat: define(sigma(tr(w_l.T*x) + b_l))
# "let's define w_s1 = w_l, w_s2 = -w_l, b_s1 = b_l, and b_s2 = -b_l"; Z is the normalization
# term defined after the softmax display
lines 106-106: w_s1: define(w_l); w_s2: define(-w_l); b_s1: define(b_l); b_s2: define(-b_l); Z: define(exp(tr(w_s1.T*x) + b_s1) + exp(tr(w_s2.T*x) + b_s2))

# Question 5: gradient descent on J(w) = w^T H w with H = Q Lambda Q^T
Q: matrix(n, n, orthogonal)
Lambda: matrix(n, n, diagonal)
H: define(Q*Lambda*Q.T, symmetric)
epsilon eta: positive
w_0 w_old: vector(n)
# (b) one gradient-descent step, grad J(w) = 2 H w: w_new is that step in these lines
lines 239-243: w_new: define(w_old - 2*epsilon*H*w_old)
# (d) Newton's method with the Hessian 2 H: w_new is its step in these lines
lines 281-289: w_new: define(w_old - eta*(2*H)**-1*(2*H*w_old))
w_1: define(w_0 - 2*epsilon*H*w_0)   # one step of w_t = w_{t-1} - epsilon grad J(w_{t-1}), grad J = 2 H w
w_2: define(w_1 - 2*epsilon*H*w_1)

# Question 4: Adam's moment estimates
beta_1 beta_2: interval(0, 1)
# t is the iteration counter (w_t, beta^t) everywhere but in Question 3 a, where it is the target
lines 1-124: t: positive_integer
lines 126-100000: t: positive_integer

# Question 3 a (the question text is lost): the solution's own values fix the unit: dz/dw = x, dz/dx = w,
# dz/db = 1 (z = wx + b), dy/dz = sigma(z)(1 - sigma(z)) (y = sigma(z)), dL/dy = y - t (L = (y - t)^2/2),
# dL_reg/dL = dL_reg/dR = 1 (L_reg = L + R). R itself is not given; the solution's dR/dw = lambda w (line
# 125) gives R = lambda w^2/2 up to a constant, which no derivative sees. (Declared as an independent real,
# R had dR/dw = 0 and the true dL_reg/dw line was refuted: a false alarm of the declarations.)
lines 125-125: w x b t lambda: real; z: define(w*x + b); y: define(sigma(z)); L: define((y - t)**2/2); R: define(lamda*w**2/2); L_reg: define(L + R)
