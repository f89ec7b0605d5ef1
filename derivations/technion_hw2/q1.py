"""Technion ECE 046211 HW2, Question 1: the Bayes risk of ridge regression (teacher-student).

Source: 000_c66762b86c6c83bf.txt, "Question 1" and "Solution 1". The teacher draws
w_true ~ N(0, sigma_w^2/d I) and noise epsilon ~ N(0, sigma_epsilon^2 I); the student is ridge
regression w_mu = H_mu^{-1} X^T y with H = X^T X and H_mu = H + mu I.

The solution's chain ends at sum (sigma_w^2 mu^2 + ...) / (lambda_i + mu)^2, not at the claimed
(sigma_w^2/d) mu^2: the factor 1/d of Cov(w_true) is lost where E[w_i w_j] is replaced by
sigma_w^2 delta_ij. The corrected chain carries sigma_w^2/d from there on.
"""
import sympy as sp

from engine import Derivation, Scope, Source, REFUTED, claim, eq
from engine.distributions import Normal
from engine.ops import E, col, inner, row, sqnorm, tr

S = Scope()
d, N = S.dims("d N")
X = S.matrix("X", N, d)
mu = S.scalar("mu", "positive")
sigma_w, sigma_epsilon = S.scalars("sigma_w sigma_epsilon", "positive")
w_true = S.random_vector("w_true", d, Normal(0, sigma_w**2 / d))
epsilon = S.random_vector("epsilon", N, Normal(0, sigma_epsilon**2))
y = S.define("y", X * w_true + epsilon)
I = sp.Identity(d)
H = S.define("H", X.T * X, "symmetric", "positive_semidefinite")
H_mu = S.define("H_mu", H + mu * I, "symmetric", "positive_definite")
w_mu = S.define("w_mu", H_mu**-1 * X.T * y)
U, Lambda, lam = S.eigendecomposition(H, "U", "Lambda", "lambda")
i, j = sp.symbols("i j", integer=True, positive=True)

A = H_mu**-1 * H - I          # the bias operator (H_mu^{-1} H - I)
B = H_mu**-1 * X.T            # the noise operator H_mu^{-1} X^T

def double_sum(summand, upper):
    return sp.Sum(summand, (i, 1, upper), (j, 1, upper))


risk = Derivation(
    id="technion-hw2/q1-risk",
    title=r"Ridge regression: the excess risk $\|w_\mu - w_{\mathrm{true}}\|^2$ as the "
          r"question writes it",
    source=Source("000_c66762b86c6c83bf.txt", "Question 1, definition of R(w_mu)"),
    scope=S,
    chain=[
        sqnorm(w_mu - w_true),
        eq(sqnorm(A * w_true + B * epsilon),
           r"$R(w_\mu) = \|w_\mu - w_{\mathrm{true}}\|^2 = \|(H_\mu^{-1} H - I) "
           r"w_{\mathrm{true}} + H_\mu^{-1} X^\intercal \epsilon\|^2$ "
           r"($w_\mu = H_\mu^{-1} X^\intercal y$ with $y = X w_{\mathrm{true}} + \epsilon$)"),
    ],
)

# The chain from the line where the source replaces E[w_i w_j] by sigma_w^2 delta_ij, written
# once for the source's coefficient and once for the right one (sigma_w^2 / d).
def after_second_moments(c):
    """Lines 6-15 of the solution with E[w_i w_j] = c delta_ij."""
    return [
        eq(c * sp.Sum(inner(col(A, i).T, col(A, i)), (i, 1, d))
           + sp.Sum(sigma_epsilon**2 * inner(row(X * H_mu**-1, i), col(H_mu**-1 * X.T, i)),
                    (i, 1, N)),
           r"the $\delta_{ij}$ keeps only the terms $i = j$"),
        eq(c * tr(A**2) + sigma_epsilon**2 * tr(X * H_mu**-2 * X.T),
           r"a sum of $(A)_i^\intercal (A)_i$ is a trace; hint: $\sum_i (X H_\mu^{-1})_i "
           r"(H_\mu^{-1} X^\intercal)_i = \mathrm{Tr}[X H_\mu^{-2} X^\intercal]$"),
        eq(c * tr(A**2) + sigma_epsilon**2 * tr(X.T * X * H_mu**-2),
           "cyclic property of the trace"),
        eq(c * tr(((H + mu * I)**-1 * H - I)**2) + sigma_epsilon**2 * tr(H * (H + mu * I)**-2),
           r"$H_\mu = H + \mu I$ and $X^\intercal X = H$"),
        eq(c * tr(((U * Lambda * U.T + mu * I)**-1 * U * Lambda * U.T - I)**2)
           + sigma_epsilon**2 * tr(U * Lambda * U.T * (U * Lambda * U.T + mu * I)**-2),
           r"eigendecomposition $H = U \Lambda U^\intercal$"),
        eq(c * tr((U * (Lambda + mu * I)**-1 * U.T * U * Lambda * U.T - I)**2)
           + sigma_epsilon**2 * tr(U * Lambda * U.T * U * (Lambda + mu * I)**-2 * U.T),
           r"$(U \Lambda U^\intercal + \mu I)^{-1} = U (\Lambda + \mu I)^{-1} U^\intercal$ "
           r"since $U U^\intercal = I$"),
        eq(c * tr((U * (Lambda + mu * I)**-1 * Lambda * U.T - I)**2)
           + sigma_epsilon**2 * tr(U * Lambda * (Lambda + mu * I)**-2 * U.T),
           r"$U^\intercal U = I$"),
        eq(c * tr(U * ((Lambda + mu * I)**-1 * Lambda - I)**2 * U.T)
           + sigma_epsilon**2 * tr(U * Lambda * (Lambda + mu * I)**-2 * U.T),
           r"$I = U U^\intercal$, so the square is $U (\dots)^2 U^\intercal$"),
        eq(c * tr(((Lambda + mu * I)**-1 * Lambda - I)**2)
           + sigma_epsilon**2 * tr(Lambda * (Lambda + mu * I)**-2),
           r"cyclic property of the trace and $U^\intercal U = I$"),
        eq(c * sp.Sum((lam[i] / (lam[i] + mu) - 1)**2, (i, 1, d))
           + sigma_epsilon**2 * sp.Sum(lam[i] / (lam[i] + mu)**2, (i, 1, d)),
           r"the matrices are diagonal with entries $\lambda_i$"),
    ]


def final_line(c):
    return eq(sp.Sum((c * mu**2 + sigma_epsilon**2 * lam[i]) / (lam[i] + mu)**2, (i, 1, d)),
              r"$\frac{\lambda_i}{\lambda_i + \mu} - 1 = -\frac{\mu}{\lambda_i + \mu}$; "
              r"combine the sums")


bayes_risk = Derivation(
    id="technion-hw2/q1",
    title="Bayes risk of ridge regression in a teacher-student setup",
    source=Source("000_c66762b86c6c83bf.txt", "Question 1, Solution 1"),
    scope=S,
    claim=claim(E(sqnorm(A * w_true + B * epsilon)), "=",
                sp.Sum(((sigma_w**2 / d) * mu**2 + sigma_epsilon**2 * lam[i]) / (lam[i] + mu)**2,
                       (i, 1, d)),
                expect=REFUTED,
                note=r"The source's chain ends at $\sigma_w^2 \mu^2$ where the claim has "
                     r"$(\sigma_w^2/d) \mu^2$: with $d \ge 2$ the two differ. The $1/d$ is "
                     r"dropped at step 4 ($E[w_i w_j] = \sigma_w^2 \delta_{ij}$; it is "
                     r"$\frac{\sigma_w^2}{d} \delta_{ij}$ for $w_{\mathrm{true}} \sim "
                     r"\mathcal{N}(0, \frac{\sigma_w^2}{d} I)$); the correction of step 4 reaches "
                     r"the claim."),
    chain=[
        E(sqnorm(A * w_true + B * epsilon)),
        eq(E(sqnorm(A * w_true)) + E(sqnorm(B * epsilon)),
           r"expand the square; the cross term has zero mean ($w_{\mathrm{true}}$ and "
           r"$\epsilon$ are independent and centred)"),
        eq(E(w_true.T * A * A * w_true) + E(epsilon.T * X * H_mu**-1 * H_mu**-1 * X.T * epsilon),
           r"$\|v\|^2 = v^\intercal v$, and $H_\mu^{-1}$, $A$ are symmetric"),
        eq(double_sum(E(inner(row(w_true, i), row(w_true, j)))
                      * inner(col(A, i).T, col(A, j)), d)
           + double_sum(E(inner(row(epsilon, i), row(epsilon, j)))
                        * inner(row(X * H_mu**-1, i), col(H_mu**-1 * X.T, j)), N),
           r"write the quadratic forms as double sums; hint: $E[\epsilon^\intercal X H^{-1} "
           r"H^{-1} X^\intercal \epsilon] = \sum_{ij} E[\epsilon_i \epsilon_j] (X H^{-1})_i "
           r"(H^{-1} X^\intercal)_j$"),
        eq(double_sum(sigma_w**2 * sp.KroneckerDelta(i, j) * inner(col(A, i).T, col(A, j)), d)
           + double_sum(sigma_epsilon**2 * sp.KroneckerDelta(i, j)
                        * inner(row(X * H_mu**-1, i), col(H_mu**-1 * X.T, j)), N),
           r"$E[w_i w_j] = \sigma_w^2 \delta_{ij}$; hint: $E[\epsilon_i \epsilon_j] = "
           r"\sigma_\epsilon^2 \delta_{ij}$",
           expect=REFUTED,
           note=r"The source's error: $w_{\mathrm{true}} \sim \mathcal{N}(0, "
                r"\frac{\sigma_w^2}{d} I)$ gives $E[w_i w_j] = \frac{\sigma_w^2}{d} "
                r"\delta_{ij}$, so the factor $1/d$ is lost here (the sides differ whenever "
                r"$d \ge 2$). The correction keeps it and reaches the claim.",
           correction=[
               eq(double_sum((sigma_w**2 / d) * sp.KroneckerDelta(i, j)
                             * inner(col(A, i).T, col(A, j)), d)
                  + double_sum(sigma_epsilon**2 * sp.KroneckerDelta(i, j)
                               * inner(row(X * H_mu**-1, i), col(H_mu**-1 * X.T, j)), N),
                  r"$E[w_i w_j] = \frac{\sigma_w^2}{d} \delta_{ij}$ since "
                  r"$\mathrm{Cov}(w_{\mathrm{true}}) = \frac{\sigma_w^2}{d} I$; "
                  r"$E[\epsilon_i \epsilon_j] = \sigma_\epsilon^2 \delta_{ij}$"),
               *after_second_moments(sigma_w**2 / d),
               final_line(sigma_w**2 / d),
           ]),
        *after_second_moments(sigma_w**2),
        final_line(sigma_w**2),
    ],
)
