# Declarations for grading 000_c66762b86c6c83bf.txt (Technion ECE 046211 HW2) from its raw text:
#   python -m engine grade ../shared/seeds/000_c66762b86c6c83bf.txt
# Same syntax as `equal --where`; one or more per line. Names are those the LaTeX reads as
# (\mathbf{H}_\mu -> H_mu, w_{\text{true}} -> w_true, \boldsymbol{\epsilon} -> epsilon).

d N: dim
# Question 1 / Solution 1 (lines 20-60): ridge regression in a teacher-student setup. Only
# there is epsilon the noise vector: in Question 2 it is the generalization error, a number.
lines 20-60: X: matrix(N, d); mu: positive; sigma_w sigma_epsilon: positive
lines 20-60: w_true: vector(d, normal(0, sigma_w**2/d)); epsilon: vector(N, normal(0, sigma_epsilon**2))
lines 20-60: y: define(X*w_true + epsilon); H: define(X.T*X, symmetric, positive_semidefinite)
lines 20-60: H_mu: define(H + mu*eye(d), symmetric, positive_definite); w_mu: define(H_mu**-1*X.T*y)
lines 20-60: U Lambda lambda: eigendecomposition(H)
# the risk and the Bayes risk, defined in the prose
lines 20-60: R_cal R_cal_bar: function

# Question 2 (lines 70-130): epsilon, delta, eta are the bound's error and confidences
lines 70-130: epsilon delta eta: interval(0, 1)

# Question 4: z ~ N(0, 1) in "E[max(0, z^2)] = 1/2 E[z^2]"
z: normal(0, 1)

# Known error of the solution (the hand-encoded technion-hw2/q1 refutes its step 4 as well):
# E[w_i w_j] = sigma_w^2 delta_ij, but w_true ~ N(0, sigma_w^2/d I) gives sigma_w^2/d delta_ij.
expect 49 refuted  the factor 1/d of Cov(w_true) is lost here
