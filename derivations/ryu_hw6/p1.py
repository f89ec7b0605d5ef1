"""Ryu, Mathematical Foundations of DNNs, HW6 Problem 1: do dropout and the activation commute?

Source: 001_13a39b0b72803044.txt, "Problem 1" and its Solution. The layer is linear-sigma-dropout
against linear-dropout-sigma; dropout with drop probability p is Dropout(y) = H * y with H a
random mask whose entries are 0 (probability p) or 1/(1 - p) (the solution's "random
0-(1/(1-p)) mask"); * is the elementwise product.

(a), (c): ReLU and LeakyReLU are positively homogeneous, sigma(c x) = c sigma(x) for c >= 0
(checked for all c >= 0 and real x, edge values included), so sigma(H * y) = H * sigma(y) for
every random mask H and pre-activation y (checked on random masks, random p and widths).
LeakyReLU is PyTorch's default, negative slope 0.01.
(b): the solution's witness: a 1-dimensional layer with weight a, zero bias, p = 0.4 and the
neuron kept, where the two orders give sigma(a x)/0.6 and sigma(a x/0.6); they differ at
every input (checked for all a, x), so any input is a witness that the orders are not equivalent.
"""
import sympy as sp

from engine import Derivation, Scope, Source, eq, fact, holds
from engine.distributions import Bernoulli
from engine.ops import entrywise

DOCUMENT = "001_13a39b0b72803044.txt"

S = Scope()
n = S.dim("n")
p = S.scalar("p", "positive", interval=(0, 1))        # the drop probability
c = S.scalar("c", "nonnegative")
t = S.scalar("t")                                      # any real input of sigma
y = S.vector("y", n)                                   # the pre-activation linear(x)
keep = S.random_vector("m", n, Bernoulli(1 - p))       # 1 where the unit is kept
H = S.define("H", keep / (1 - p))                      # the dropout mask: 0 or 1/(1 - p)


relu = entrywise("ReLU", lambda u: sp.Max(u, 0), latex=r"\mathrm{ReLU}")
# nn.LeakyReLU(), negative_slope 0.01
leaky_relu = entrywise("LeakyReLU", lambda u: sp.Max(u, sp.Rational(1, 100) * u),
                       latex=r"\mathrm{LeakyReLU}")


def dropout(v):
    """Dropout(v) = H * v, the elementwise product with the mask."""
    return sp.HadamardProduct(H, v)


commute = Derivation(
    id="ryu-hw6/p1",
    title="Dropout commutes with ReLU and LeakyReLU (positive homogeneity)",
    source=Source(DOCUMENT, "Problem 1, Solution"),
    scope=S,
    notes=r"$\mathrm{Dropout}(y) = H * y$ with $H = m / (1 - p)$, "
          r"$m_i \sim \mathrm{Bernoulli}(1 - p)$ independent. "
          "Positive homogeneity is checked as a 'for all' statement (interval endpoints, 0, tiny "
          "and huge magnitudes probed); the commuting identities on random masks and widths. "
          "Sigmoid, case (b), is ryu-hw6/p1b.",
    chain=[
        holds(sp.Eq(relu(c * t), c * relu(t)),
              r"The ReLU and LeakyReLU are nonnegative homogeneous, i.e., "
              r"$\sigma(cx) = c \sigma(x)$ for any $c \ge 0$ and $x \in \mathbb{R}$ (ReLU)"),
        holds(sp.Eq(leaky_relu(c * t), c * leaky_relu(t)), "(LeakyReLU)"),
        fact(relu(dropout(y)), "=", dropout(relu(y)),
             r"$\mathrm{Dropout}(y)$ can be expressed as $H*y$ where $*$ is elementwise "
             r"multiplication and $H$ is random $0$-$(1/(1-p))$ mask. Since the elements of $H$ "
             r"are nonnegative, $\sigma(H*y) = H*\sigma(y)$ (a: ReLU)"),
        fact(leaky_relu(dropout(y)), "=", dropout(leaky_relu(y)),
             r"So dropout and $\sigma$ commute in cases (a) and (c) (c: LeakyReLU)"),
    ],
)

# -- (b): the solution's one-dimensional witness ----------------------------------------------
S = Scope()
a = S.scalar("a")                                      # the weight; the bias is zero
x = S.scalar("x")                                      # the input
kept = sp.Rational(6, 10)                              # 1 - p = 0.6 for p = 0.4: a kept unit is scaled by 1/0.6


def sig(u):
    return 1 / (1 + sp.exp(-u))


witness = Derivation(
    id="ryu-hw6/p1b",
    title=r"Sigmoid and dropout: the solution's one-dimensional witness ($p = 0.4$, unit kept)",
    source=Source(DOCUMENT, "Problem 1, Solution (b)"),
    scope=S,
    notes=r"$\sigma$ is the logistic sigmoid; with $p = 0.4$ a kept unit is scaled by $1/0.6$. "
          r"'Not equivalent for all $x$' is checked in the stronger form the two formulas give: "
          r"$\sigma(ax)/0.6 > \sigma(ax/0.6)$ for all $a, x$ (for $ax < 0$, "
          r"$\sigma(ax/0.6) < \sigma(ax) < \sigma(ax)/0.6$; for $ax \ge 0$ the left side is at "
          r"least $5/6$ and exceeds 1 once the right side reaches $5/6$), so any input is a "
          r"witness that the orders differ.",
    chain=[
        sig(a * x) / kept,
        eq(1 / (kept * (1 + sp.exp(-a * x))),
           r"$\mathrm{dropout}(\sigma(\mathrm{linear})) = \sigma(ax)/0.6 = 1/(0.6(1+e^{-ax}))$"),
        fact(sig(a * x / kept), "=", 1 / (1 + sp.exp(-a * x / kept)),
             r"$\sigma(\mathrm{dropout}(\mathrm{linear})) = \sigma(ax/0.6) = 1/(1+e^{-ax/0.6})$"),
        holds(1 / (kept * (1 + sp.exp(-a * x))) > 1 / (1 + sp.exp(-a * x / kept)),
              r"The two are not equivalent for all $x$ (they differ at every $ax$: the first is "
              r"the larger)"),
    ],
)
