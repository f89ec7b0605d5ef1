"""Ryu HW6, Problem 5: regularization mitigates double descent (a numerical experiment).

Source: 001_13a39b0b72803044.txt, Problem 5 (the solution is only "See ddescent_sol.py", which
the document does not contain; the hint's figure was lost in conversion).
Setting as stated: X_i ~ N(0, I_d), Y_i = X_i^T beta* + N(0, sigma^2), d = 35, sigma = 0.5,
N_train = 300, N_val = 60, N_test = 30; features ReLU(W x) with W_ij ~ N(0, 1/p) fixed; theta by
ridge in closed form; lambda tuned "roughly" in [1e-2, 1e2] on the validation set, separately
for each p. Not stated in the text, chosen here: beta* ~ N(0, I_d / d), widths
p = 25, 50, ..., 600, the tuning grid of 21 values log-spaced in [1e-2, 1e2], test error the mean
squared error on the test set.

Two kinds of claims:
1. The closed form theta = (X~^T X~ + lambda I)^{-1} X~^T Y minimizes the objective: the gradient
   vanishes there, and the Hessian X~^T X~ + lambda I is positive definite.
2. The experiment, for seeds 0..4: with lambda = 0.01 the test error peaks near p = N_train
   (the largest test error over p lies in [0.75 N_train, 1.25 N_train]); with lambda tuned per p
   the peak disappears (the largest tuned test error is at the smallest widths, p <= 50, and at
   the width of the fixed-lambda peak tuning lowers the test error at least two-fold).
"""
from functools import lru_cache

import numpy as np
import sympy as sp

from engine import Derivation, Scope, Source, fact, holds
from engine.computed import Lazy, computation
from engine.ops import grad, inner, jacobian, sqnorm

DOCUMENT = "001_13a39b0b72803044.txt"
D, SIGMA, N_TRAIN, N_VAL, N_TEST = 35, 0.5, 300, 60, 30
FIXED_LAMBDA = 0.01
WIDTHS = np.arange(25, 601, 25)
LAMBDAS = np.logspace(-2, 2, 21)
SEEDS = range(5)
PLOTTED_SEED = 0

# -- 1. the closed form is the minimizer ----------------------------------------------------
S = Scope()
N, p = S.dims("N p")
X = S.matrix("Xt", N, p)                  # X~, the ReLU features of the training inputs
Y = S.vector("Y", N)
lam = S.scalar("lambda", "positive")
theta = S.vector("theta", p)
v = S.vector("v", p)
I = sp.Identity(p)
theta_star = S.define("theta_star", (X.T * X + lam * I) ** -1 * X.T * Y)
hessian = X.T * X + lam * I


def objective(t):
    """1/2 ||X~ t - Y||^2 + lambda/2 ||t||^2, the problem as the source writes it."""
    return ((X * t - Y).T * (X * t - Y)) / 2 + lam / 2 * (t.T * t)


gradient = X.T * (X * theta - Y) + lam * theta

minimizer = Derivation(
    id="ryu-hw6/p5-closed-form",
    title="Ridge on random ReLU features: the closed form is the global minimizer",
    source=Source(DOCUMENT, "Problem 5, 'compute the global minimum by linear algebra'"),
    scope=S,
    notation={"Xt": r"\tilde{X}", "theta_star": r"\theta^{\star}"},
    chain=[
        fact(grad(objective(theta), theta), "=", gradient,
             r"gradient of $\frac{1}{2} \|\tilde{X} \theta - Y\|^2 + \frac{\lambda}{2} "
             r"\|\theta\|^2$"),
        fact(gradient.xreplace({theta: theta_star}), "=", sp.ZeroMatrix(p, 1),
             r"the gradient vanishes at $\theta^\star = (\tilde{X}^\intercal \tilde{X} + "
             r"\lambda I)^{-1} \tilde{X}^\intercal Y$"),
        fact(jacobian(gradient, theta), "=", hessian,
             r"the Hessian is $\tilde{X}^\intercal \tilde{X} + \lambda I$ (derivative of the "
             r"gradient)"),
        holds(inner(v.T, hessian * v) >= lam * sqnorm(v),
              r"$v^\intercal (\tilde{X}^\intercal \tilde{X} + \lambda I) v = \|\tilde{X} v\|^2 + "
              r"\lambda \|v\|^2 \ge \lambda \|v\|^2 > 0$ for $v \ne 0$: the Hessian is positive "
              r"definite"),
        fact(objective(theta_star + v) - objective(theta_star), "=", v.T * hessian * v / 2,
             r"the objective is quadratic with zero gradient at $\theta^\star$: moving by $v$ "
             r"adds $\frac{1}{2} v^\intercal H v > 0$, so $\theta^\star$ is the unique global "
             r"minimum"),
    ],
)


# -- 2. the experiment ------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _curves(seed: int):
    """Test errors over WIDTHS with lambda = 0.01 and with lambda tuned on the validation set."""
    rng = np.random.default_rng(seed)
    beta = rng.standard_normal(D) / np.sqrt(D)

    def data(n):
        x = rng.standard_normal((n, D))
        return x, x @ beta + SIGMA * rng.standard_normal(n)

    (x_tr, y_tr), (x_va, y_va), (x_te, y_te) = data(N_TRAIN), data(N_VAL), data(N_TEST)
    fixed, tuned = [], []
    for width in WIDTHS:
        w = rng.standard_normal((width, D)) / np.sqrt(width)      # W_ij ~ N(0, 1/p)
        f_tr, f_va, f_te = (np.maximum(x @ w.T, 0) for x in (x_tr, x_va, x_te))
        # theta(lambda) = (X~^T X~ + lambda I)^-1 X~^T Y = X~^T (X~ X~^T + lambda I)^-1 Y: one
        # eigendecomposition of the smaller Gram matrix serves every lambda
        lambdas = np.concatenate([[FIXED_LAMBDA], LAMBDAS])[:, None]
        if width <= N_TRAIN:
            eig, vec = np.linalg.eigh(f_tr.T @ f_tr)
            thetas = ((vec.T @ (f_tr.T @ y_tr)) / (eig + lambdas)) @ vec.T
        else:
            eig, vec = np.linalg.eigh(f_tr @ f_tr.T)
            thetas = ((vec.T @ y_tr) / (eig + lambdas)) @ vec.T @ f_tr   # (1 + len(LAMBDAS), width)
        test = np.mean((thetas @ f_te.T - y_te) ** 2, axis=1)
        best = 1 + int(np.argmin(np.mean((thetas[1:] @ f_va.T - y_va) ** 2, axis=1)))
        fixed.append(test[0])
        tuned.append(test[best])
    return np.array(fixed), np.array(tuned)


@computation(latex=r"\operatorname{argmax}_p \mathrm{TestErr}_{\lambda=0.01}")
def peak_width_fixed(seed):
    """The width p at which the test error with lambda = 0.01 is largest."""
    return float(WIDTHS[int(np.argmax(_curves(int(seed))[0]))])


@computation(latex=r"\operatorname{argmax}_p \mathrm{TestErr}_{\lambda^\star(p)}")
def peak_width_tuned(seed):
    """The width p at which the test error with lambda tuned per p is largest."""
    return float(WIDTHS[int(np.argmax(_curves(int(seed))[1]))])


@computation(latex=r"\frac{\max_p \mathrm{TestErr}_{\lambda=0.01}}"
                   r"{\mathrm{TestErr}_{\lambda^\star(p)}\big|_{p = \operatorname{argmax}}}")
def peak_reduction(seed):
    """Test error with lambda = 0.01 over the tuned one, at the width of the fixed-lambda peak."""
    fixed, tuned = _curves(int(seed))
    at = int(np.argmax(fixed))
    return float(fixed[at] / tuned[at])


def _plots():
    """The double-descent curves of one seed, for the writeups."""
    fixed, tuned = _curves(PLOTTED_SEED)
    return [{"title": f"Test error against the number of random features p (seed {PLOTTED_SEED}, "
                      f"N_train = {N_TRAIN}, tuning grid of {len(LAMBDAS)} values in [0.01, 100])",
             "xlabel": "p", "ylabel": "test error (mean squared error)",
             "series": [{"label": "λ = 0.01", "points": list(zip(WIDTHS.tolist(), fixed.tolist()))},
                        {"label": "λ tuned per p", "points": list(zip(WIDTHS.tolist(), tuned.tolist()))}]}]


experiment_facts = []
for seed in SEEDS:
    experiment_facts += [
        fact(peak_width_fixed(seed), ">=", sp.Rational(3, 4) * N_TRAIN,
             f"seed {seed}: with $\\lambda = 0.01$ the test error peaks near "
             r"$p = N_{\mathrm{train}}$"),
        fact(peak_width_fixed(seed), "<=", sp.Rational(5, 4) * N_TRAIN,
             f"seed {seed}: ... and not beyond " + r"$1.25 N_{\mathrm{train}}$"),
        fact(peak_width_tuned(seed), "<=", 50,
             f"seed {seed}: with $\\lambda$ tuned per $p$ the peak disappears (the largest test "
             "error is at the smallest widths)"),
        fact(peak_reduction(seed), ">=", 2,
             f"seed {seed}: at the peak width, tuning $\\lambda$ lowers the test error at least "
             "two-fold"),
    ]

experiment = Derivation(
    id="ryu-hw6/p5-experiment",
    title=r"Regularization mitigates double descent ($d = 35$, $N_{\mathrm{train}} = 300$, "
          r"5 seeds)",
    source=Source(DOCUMENT, "Problem 5"),
    scope=Scope(),
    chain=experiment_facts,
    plots=Lazy(_plots),
)
