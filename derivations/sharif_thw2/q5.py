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
    title=r"Gradient of $w^\intercal H w$ in the eigenbasis of $H$, and the gradient-descent "
          r"update",
    source=Source(DOCUMENT, "Question 5 a"),
    scope=S,
    chain=[
        grad(w.T * H * w, w),
        eq(2 * H * w, r"The gradient of $J$ with respect to $w$ is given by: "
                      r"$\nabla J(w) = 2Hw$"),
        eq(2 * (Q * Lam * Q.T) * w,
           r"substitute the eigenvalue decomposition of $H$ into the expression for the "
           r"gradient"),
        eq(times(2, Q, Lam, times(Q.T, w)),
           r"Using the fact that $Q^\intercal Q = I$ ... we can simplify this expression (only "
           r"the brackets move: associativity, $Q^\intercal Q = I$ is not used)"),
        fact(w_new, "=", plus(w_old, times(-eps, grad(w_old.T * H * w_old, w_old))),
             r"the update rule for the gradient descent method: "
             r"$w_{\text{new}} = w_{\text{old}} - \epsilon \nabla J(w_{\text{old}})$"),
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
    title=r"Gradient descent on $w^\intercal H w$ after $t$ steps: "
          r"$w_t = Q (I - 2 \epsilon \Lambda)^t Q^\intercal w_0$",
    source=Source(DOCUMENT, "Question 5 b"),
    scope=S,
    chain=[
        fact(w_1, "=", w_0 - 2 * eps * Q * Lam * Q.T * w_0,
             r"We know that: $w_t = w_{t-1} - 2\epsilon Q\Lambda(Q^\intercal w_{t-1})$. So: "
             r"($t = 1$)"),
        eq((I - 2 * eps * Q * Lam * Q.T) * w_0, r"factor out $w_0$"),
        eq(step_matrix * w_0, r"$= Q(I - 2\epsilon \Lambda) Q^\intercal w_0$ "
                              r"($I = Q Q^\intercal$, $Q$ orthogonal)"),
        fact(w_2, "=", step_matrix * w_1,
             r"$w_2 = Q(I - 2\epsilon \Lambda) Q^\intercal w_1$ ($t = 2$)"),
        eq(times(step_matrix, step_matrix, w_0), r"substitute $w_1$"),
        eq(Q * (I - 2 * eps * Lam) ** 2 * Q.T * w_0, r"$Q^\intercal Q = I$ in the middle"),
        fact(sp.MatPow(I - 2 * eps * H, t) * w_0, "=", Q * sp.MatPow(I - 2 * eps * Lam, t) * Q.T * w_0,
             r"$w_t = Q(I - 2\epsilon \Lambda)^t Q^\intercal w_0$ ($\vdots$: "
             r"$w_t = (I - 2\epsilon H) w_{t-1}$ unrolled $t$ times is "
             r"$(I - 2\epsilon H)^t w_0$)"),
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
    title=r"Gradient descent on $w^\intercal H w$ converges for "
          r"$0 < \epsilon < 1 / \lambda_{\max}$",
    source=Source(DOCUMENT, "Question 5 c"),
    scope=S,
    notes=r"The conclusion is right for $J = w^\intercal H w$ with $H$ positive definite. The "
          r"source's condition $-1 < 1 - 2\epsilon\lambda_i < 1$ is meant for every eigenvalue "
          r"$i$; it is checked here at the largest eigenvalue $\lambda_{\max}$ (which gives "
          r"$\epsilon < 1/\lambda_{\max}$) and, for the converse, at every eigenvalue "
          r"$\lambda_i = r \lambda_{\max}$ with $0 < r \le 1$. The middle step "
          r"'$\Rightarrow \epsilon < 1/\lambda_{\max}$' keeps only the upper bound: the "
          r"right-hand inequality $1 - 2\epsilon\lambda_i < 1$ gives $\epsilon > 0$, which the "
          r"final condition restores. The equalities that make the condition the right one (the "
          r"iteration matrix is $Q(I - 2\epsilon\Lambda)Q^\intercal$, and in the eigenbasis "
          r"each coordinate of $w_t$ is scaled by $(1 - 2\epsilon\lambda_i)^t$) are implicit in "
          r"the source and checked below.",
    chain=[
        fact(w.T * H * w, ">", 0,
             r"The matrix $H$ must be positive definite. This condition ensures that the "
             r"objective function has a unique minimum ($J(w) > J(0) = 0$ for $w \ne 0$)"),
        fact(sp.And(sp.Lt(-1, entry), sp.Lt(entry, 1)), "=>", per_eigenvalue,
             r"$-1 < (I - 2\epsilon\Lambda) < 1 \Rightarrow -1 < 1 - 2\epsilon\lambda_i < 1$ "
             r"(the diagonal matrix read entrywise: $\Lambda_{ii} = \lambda_i$)"),
        fact(condition(lambda_max), "=>", sp.Lt(eps, 1 / lambda_max),
             r"$\Rightarrow \epsilon < \frac{1}{\lambda_{\max}}$ (the condition for every $i$, "
             r"in particular for the largest eigenvalue $\lambda_{\max}$)"),
        fact(condition(lambda_max), "<=>", sp.And(sp.Lt(0, eps), sp.Lt(eps, 1 / lambda_max)),
             r"So the step size must be chosen such that it satisfies "
             r"$0 < \epsilon < \frac{1}{\lambda_{\max}}$, where $\lambda_{\max}$ is the maximum "
             r"eigenvalue of $H$"),
        holds(sp.Implies(sp.And(sp.Lt(0, eps), sp.Lt(eps, 1 / lambda_max)),
                         condition(r * lambda_max)),
              r"implicit: $0 < \epsilon < 1/\lambda_{\max}$ then gives the condition for every "
              r"eigenvalue $\lambda_i = r \lambda_{\max}$, $0 < r \le 1$, not only the largest"),
        fact(I - 2 * eps * H, "=", Q * (I - 2 * eps * Lam) * Q.T,
             r"implicit: the iteration matrix of part b, $w_t = (I - 2\epsilon H) w_{t-1}$, has "
             r"the eigenvalues $1 - 2\epsilon\lambda_i$ on the diagonal of "
             r"$I - 2\epsilon\Lambda$"),
        fact(Q.T * w_t, "=", sp.MatPow(I - 2 * eps * Lam, t) * (Q.T * w_0),
             r"implicit: in the eigenbasis, each coordinate of $w_t$ is scaled by "
             r"$(1 - 2\epsilon\lambda_i)^t$, so $w_t \to 0$ iff every "
             r"$|1 - 2\epsilon\lambda_i| < 1$"),
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
    title=r"Newton's method on $w^\intercal H w$: "
          r"$w_{\text{new}} = (1 - \eta) w_{\text{old}}$",
    source=Source(DOCUMENT, "Question 5 d"),
    scope=S,
    notes=r"The source writes the Newton update as $w_{\text{old}} - \eta H^{-1} \nabla "
          r"J(w_{\text{old}})$ with $H$ the Hessian of $J$, then says the Hessian of "
          r"$w^\intercal H w$ is $2H$: the same letter names two matrices. Here the Hessian is "
          r"$H_J = 2H$, a definition; that it is the Hessian is checked in the form "
          r"$\nabla_w (v^\intercal \nabla J(w)) = 2H v$ for every $v$ (the engine has no Hessian "
          r"operator). $H$ positive definite makes $2H$ invertible. With $\eta = 1$ one Newton "
          r"step lands on the minimum $w = 0$; the closing remarks on the choice of $\eta$ are "
          r"prose.",
    chain=[
        fact(grad(w.T * H * w, w), "=", 2 * H * w,
             r"the objective function is $w^\intercal H w$: $\nabla J(w) = 2Hw$ (part a)"),
        fact(grad(v.T * (2 * H * w), w), "=", 2 * H * v,
             r"so the Hessian matrix is simply $2H$ (the derivative of $\nabla J(w) = 2Hw$ along "
             r"any direction $v$ is $2H v$)"),
        fact(w_new, "=", newton_step(sp.Inverse(hessian)),
             r"In Newton's method, the update rule for the weight vector $w$ is given by: "
             r"$w_{\text{new}} = w_{\text{old}} - \eta(H^{-1}\nabla J(w_{\text{old}}))$, $H$ "
             r"the Hessian"),
        eq(newton_step(sp.Inverse(two_H)),
           r"$w_{\text{new}} = w_{\text{old}} - \eta((2H)^{-1}\nabla J(w_{\text{old}}))$"),
        eq(plus(w_old, times(-eta, sp.Inverse(two_H), two_H, w_old)),
           r"$\Rightarrow w_{\text{new}} = w_{\text{old}} - \eta((2H)^{-1}2Hw_{\text{old}})$"),
        eq(plus(w_old, times(-eta, I, w_old)),
           r"$\Rightarrow w_{\text{new}} = w_{\text{old}} - \eta I w_{\text{old}}$"),
        eq(times(plus(I, times(-eta, I)), w_old),
           r"$w_{\text{new}} = (I - \eta I) w_{\text{old}}$"),
        eq((1 - eta) * w_old, r"$w_{\text{new}} = (1 - \eta) w_{\text{old}}$"),
    ],
)
