"""Sharif THW2, Question 5 a-d: gradient descent and Newton's method on J(w) = w^T H w.

Source: 002_f457ea5a82bac99a.txt, Question 5, parts a, b, c, d (a student's solution; the
question text was lost in conversion). Setting read off the solution: H is a symmetric d x d
matrix (positive definite from part c on) with eigendecomposition H = Q Lambda Q^T, Q
orthogonal, Lambda = diag(lambda_1, ..., lambda_d); gradient descent uses step size epsilon,
Newton's method step size eta.
a: the gradient 2Hw in the eigenbasis and the gradient-descent update.
b: the closed form w_t = Q (I - 2 eps Lambda)^t Q^T w_0.
c: the step-size condition 0 < eps < 1 / lambda_max (implications and equivalences on instances).
d: one Newton step scales w by (1 - eta).
"""
import sympy as sp

from engine import Derivation, Scope, Source, eq, fact, holds
from engine.ops import grad

DOCUMENT = "002_f457ea5a82bac99a.txt"


def times(*factors):
    """A product kept as the source writes it (e.g. eta I w, which SymPy would shorten)."""
    return sp.MatMul(*factors, evaluate=False)


def plus(*terms):
    return sp.MatAdd(*terms, evaluate=False)


# -- a: the gradient and the update rule ------------------------------------------------------
S = Scope()
d = S.dim("d")
H = S.matrix("H", d, d, "symmetric")
Q, Lam, lam = S.eigendecomposition(H, "Q", "Lambda", "lambda")
eps = S.scalar("epsilon")
w = S.vector("w", d)
w_old = S.vector("w_old", d)
w_new = S.define("w_new", plus(w_old, times(-eps, grad(w_old.T * H * w_old, w_old))))

gradient = Derivation(
    id="sharif-thw2/q5a",
    title="Gradient of w^T H w in the eigenbasis of H, and the gradient-descent update",
    source=Source(DOCUMENT, "Question 5 a"),
    scope=S,
    chain=[
        grad(w.T * H * w, w),
        eq(2 * H * w, "The gradient of J with respect to w is given by: nabla J(w) = 2Hw"),
        eq(2 * (Q * Lam * Q.T) * w,
           "substitute the eigenvalue decomposition of H into the expression for the gradient"),
        eq(times(2, Q, Lam, times(Q.T, w)),
           "Using the fact that Q^T Q = I ... we can simplify this expression (only the "
           "brackets move: associativity, Q^T Q = I is not used)"),
        fact(w_new, "=", plus(w_old, times(-eps, grad(w_old.T * H * w_old, w_old))),
             "the update rule for the gradient descent method: "
             "w_new = w_old - epsilon nabla J(w_old)"),
        eq(plus(w_old, times(-2 * eps, Q, Lam, times(Q.T, w_old))),
           "Substitute the expression for the gradient"),
    ],
)

# -- b: the closed form after t steps ---------------------------------------------------------
S = Scope()
d = S.dim("d")
H = S.matrix("H", d, d, "symmetric")
Q, Lam, lam = S.eigendecomposition(H, "Q", "Lambda", "lambda")
eps = S.scalar("epsilon")
t = S.scalar("t", "positive_integer")
I = sp.Identity(d)
w_0 = S.vector("w_0", d)
w_1 = S.define("w_1", w_0 - 2 * eps * Q * Lam * Q.T * w_0)    # w_t = w_{t-1} - 2 eps Q Lambda (Q^T w_{t-1})
w_2 = S.define("w_2", w_1 - 2 * eps * Q * Lam * Q.T * w_1)
step_matrix = Q * (I - 2 * eps * Lam) * Q.T                          # Q (I - 2 eps Lambda) Q^T

closed_form = Derivation(
    id="sharif-thw2/q5b",
    title="Gradient descent on w^T H w after t steps: w_t = Q (I - 2 eps Lambda)^t Q^T w_0",
    source=Source(DOCUMENT, "Question 5 b"),
    scope=S,
    chain=[
        fact(w_1, "=", w_0 - 2 * eps * Q * Lam * Q.T * w_0,
             "We know that: w_t = w_{t-1} - 2 epsilon Q Lambda (Q^T w_{t-1}). So: (t = 1)"),
        eq((I - 2 * eps * Q * Lam * Q.T) * w_0, "factor out w_0"),
        eq(step_matrix * w_0, "= Q (I - 2 epsilon Lambda) Q^T w_0 (I = Q Q^T, Q orthogonal)"),
        fact(w_2, "=", step_matrix * w_1, "w_2 = Q (I - 2 epsilon Lambda) Q^T w_1 (t = 2)"),
        eq(times(step_matrix, step_matrix, w_0), "substitute w_1"),
        eq(Q * (I - 2 * eps * Lam) ** 2 * Q.T * w_0, "Q^T Q = I in the middle"),
        fact(sp.MatPow(I - 2 * eps * H, t) * w_0, "=", Q * sp.MatPow(I - 2 * eps * Lam, t) * Q.T * w_0,
             "w_t = Q (I - 2 epsilon Lambda)^t Q^T w_0 (vdots: w_t = (I - 2 epsilon H) w_{t-1} "
             "unrolled t times is (I - 2 epsilon H)^t w_0)"),
    ],
)

# -- c: which step sizes make gradient descent converge --------------------------------------
S = Scope()
d = S.dim("d")
H = S.matrix("H", d, d, "symmetric", "positive_definite")
Q, Lam, lam = S.eigendecomposition(H, "Q", "Lambda", "lambda")
eps = S.scalar("epsilon")
t = S.scalar("t", "positive_integer")
i = S.scalar("i", "positive_integer")                  # an eigenvalue index, 1 <= i <= d
lambda_max = S.scalar("lambda_max", "positive")        # max_i lambda_i
I = sp.Identity(d)
w = S.vector("w", d)
w_0 = S.vector("w_0", d)
w_t = S.define("w_t", sp.MatPow(I - 2 * eps * H, t) * w_0)   # the iterate of part b
entry = (I - 2 * eps * Lam)[i - 1, i - 1]               # the i-th diagonal entry (SymPy counts from 0)
r = S.scalar("r", "positive", interval=(0, 1))          # lambda_i / lambda_max, in (0, 1]


def condition(eigenvalue):
    """-1 < 1 - 2 epsilon lambda < 1 for one eigenvalue lambda."""
    return sp.And(sp.Lt(-1, 1 - 2 * eps * eigenvalue), sp.Lt(1 - 2 * eps * eigenvalue, 1))


per_eigenvalue = condition(lam[i])

step_size = Derivation(
    id="sharif-thw2/q5c",
    title="Gradient descent on w^T H w converges for 0 < eps < 1 / lambda_max",
    source=Source(DOCUMENT, "Question 5 c"),
    scope=S,
    notes="The conclusion is right for J = w^T H w with H positive definite. The source's "
          "condition -1 < 1 - 2 eps lambda_i < 1 is meant for every eigenvalue i; it is checked "
          "here at the largest eigenvalue lambda_max (which gives eps < 1 / lambda_max) and, "
          "for the converse, at every eigenvalue lambda_i = r lambda_max with 0 < r <= 1. The "
          "middle step '=> eps < 1 / lambda_max' keeps only the upper bound: the right-hand "
          "inequality 1 - 2 eps lambda_i < 1 gives eps > 0, which the final condition restores. "
          "The equalities that make the condition the right one (the iteration matrix is "
          "Q (I - 2 eps Lambda) Q^T, and in the eigenbasis each coordinate of w_t is scaled by "
          "(1 - 2 eps lambda_i)^t) are implicit in the source and checked below.",
    chain=[
        fact(w.T * H * w, ">", 0,
             "The matrix H must be positive definite. This condition ensures that the "
             "objective function has a unique minimum (J(w) > J(0) = 0 for w != 0)"),
        fact(sp.And(sp.Lt(-1, entry), sp.Lt(entry, 1)), "=>", per_eigenvalue,
             "-1 < (I - 2 epsilon Lambda) < 1 => -1 < 1 - 2 epsilon lambda_i < 1 "
             "(the diagonal matrix read entrywise: Lambda_ii = lambda_i)"),
        fact(condition(lambda_max), "=>", sp.Lt(eps, 1 / lambda_max),
             "=> epsilon < 1 / lambda_max (the condition for every i, in particular for the "
             "largest eigenvalue lambda_max)"),
        fact(condition(lambda_max), "<=>", sp.And(sp.Lt(0, eps), sp.Lt(eps, 1 / lambda_max)),
             "So the step size must be chosen such that it satisfies 0 < epsilon < "
             "1 / lambda_max, where lambda_max is the maximum eigenvalue of H"),
        holds(sp.Implies(sp.And(sp.Lt(0, eps), sp.Lt(eps, 1 / lambda_max)),
                         condition(r * lambda_max)),
              "implicit: 0 < epsilon < 1 / lambda_max then gives the condition for every "
              "eigenvalue lambda_i = r lambda_max, 0 < r <= 1, not only the largest"),
        fact(I - 2 * eps * H, "=", Q * (I - 2 * eps * Lam) * Q.T,
             "implicit: the iteration matrix of part b, w_t = (I - 2 epsilon H) w_{t-1}, has "
             "the eigenvalues 1 - 2 epsilon lambda_i on the diagonal of I - 2 epsilon Lambda"),
        fact(Q.T * w_t, "=", sp.MatPow(I - 2 * eps * Lam, t) * (Q.T * w_0),
             "implicit: in the eigenbasis, each coordinate of w_t is scaled by "
             "(1 - 2 epsilon lambda_i)^t, so w_t -> 0 iff every |1 - 2 epsilon lambda_i| < 1"),
    ],
)

# -- d: one step of Newton's method -----------------------------------------------------------
S = Scope()
d = S.dim("d")
H = S.matrix("H", d, d, "symmetric", "positive_definite")      # hence invertible
eta = S.scalar("eta")
I = sp.Identity(d)
w = S.vector("w", d)
v = S.vector("v", d)                                            # any direction
w_old = S.vector("w_old", d)
J_old = w_old.T * H * w_old
hessian = S.define("H_J", 2 * H, "symmetric")    # the Hessian of J, which the source also calls H
two_H = times(2, H)


def newton_step(inverse_hessian):
    """w_old - eta (inverse_hessian nabla J(w_old)), kept as written."""
    return plus(w_old, times(-eta, inverse_hessian, grad(J_old, w_old)))


w_new = S.define("w_new", newton_step(sp.Inverse(hessian)))

newton = Derivation(
    id="sharif-thw2/q5d",
    title="Newton's method on w^T H w: w_new = (1 - eta) w_old",
    source=Source(DOCUMENT, "Question 5 d"),
    scope=S,
    notes="The source writes the Newton update as w_old - eta H^{-1} nabla J(w_old) with H the "
          "Hessian of J, then says the Hessian of w^T H w is 2H: the same letter names two "
          "matrices. Here the Hessian is H_J = 2H, a definition; that it is the Hessian is "
          "checked in the form nabla_w (v^T nabla J(w)) = 2H v for every v (the engine has no "
          "Hessian operator). H positive definite makes 2H invertible. With eta = 1 one Newton "
          "step lands on the minimum w = 0; the closing remarks on the choice of eta are prose.",
    chain=[
        fact(grad(w.T * H * w, w), "=", 2 * H * w,
             "the objective function is w^T H w: nabla J(w) = 2Hw (part a)"),
        fact(grad(v.T * (2 * H * w), w), "=", 2 * H * v,
             "so the Hessian matrix is simply 2H (the derivative of nabla J(w) = 2Hw along any "
             "direction v is 2H v)"),
        fact(w_new, "=", newton_step(sp.Inverse(hessian)),
             "In Newton's method, the update rule for the weight vector w is given by: "
             "w_new = w_old - eta (H^{-1} nabla J(w_old)), H the Hessian"),
        eq(newton_step(sp.Inverse(two_H)), "w_new = w_old - eta ((2H)^{-1} nabla J(w_old))"),
        eq(plus(w_old, times(-eta, sp.Inverse(two_H), two_H, w_old)),
           "=> w_new = w_old - eta ((2H)^{-1} 2H w_old)"),
        eq(plus(w_old, times(-eta, I, w_old)), "=> w_new = w_old - eta I w_old"),
        eq(times(plus(I, times(-eta, I)), w_old), "w_new = (I - eta I) w_old"),
        eq((1 - eta) * w_old, "w_new = (1 - eta) w_old"),
    ],
)
