"""Ryu, Mathematical Foundations of DNNs, HW6 Problem 2: mean and variance of the output of a
linear MLP (sigma(z) = z) under PyTorch's default initialization.

Source: 001_13a39b0b72803044.txt, "Problem 2", Solution parts (i) and (ii).
The network is written out for depth 3: y_1 = A_1 x + b_1, y_2 = A_2 y_1 + b_2,
y_3 = A_3 y_2 + b_3 with n_3 = 1, so y_3 is the output y_L of an L = 3 network, and (y_l)_i
for l = 1, 2, 3 is what the solution's statements for 1 <= l <= L are about (an L-layer network
is the first L layers of this one with n_L = 1). Entries of A_l and b_l are
Uniform[-1/sqrt(n_{l-1}), 1/sqrt(n_{l-1})] and x_j ~ N(0, 1), all independent, as the solution
states. The widths are dims sampled in 1..2 (the exact-moment checker's grid grows with the
number of random entries); the identities are polynomial in the widths.

The conditional expectations E[. | x], E[. | y_{l-1}] are written as the source writes them
(engine.ops.E(f, given=y)); entries (y_l)_i are MatrixElement's of the written-out y_l, so
the checker sees that E[. | y_{l-1}] conditions on y_{l-1} itself. The general-l steps are
encoded for l = 2 (i = 1, j~ = 1); the
recursion and the closed form are checked on the network for l = 1, 2, 3 (exact moments for
l = 1, 2; at l = 3 the exact-moment grid is too large for the step budget and the checker decides
by Monte Carlo), the closed form against the recursion for L = 1..6 and for general L by
induction (ryu-hw6/p2-closed-form), and the result against a NumPy simulation of networks
with PyTorch's default init for L = 1..6 (ryu-hw6/p2-simulation).
"""
import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from engine import Derivation, Scope, Source, eq, fact
from engine.computed import computation
from engine.distributions import Normal, Uniform
from engine.nets import written_sum
from engine.ops import E, Var

S = Scope()
n_0, n_1, n_2 = S.dims("n_0 n_1 n_2", 1, 2)
n_3 = 1                                                  # n_L = 1


def default_init(fan_in):
    """PyTorch's nn.Linear default: Uniform[-1/sqrt(fan_in), 1/sqrt(fan_in)]."""
    return Uniform(-1 / sp.sqrt(fan_in), 1 / sp.sqrt(fan_in))


x = S.random_vector("x", n_0, Normal(0, 1))                # x_j ~ N(0, 1)
A_1 = S.random("A_1", default_init(n_0), n_1, n_0)
b_1 = S.random_vector("b_1", n_1, default_init(n_0))
A_2 = S.random("A_2", default_init(n_1), n_2, n_1)
b_2 = S.random_vector("b_2", n_2, default_init(n_1))
A_3 = S.random("A_3", default_init(n_2), n_3, n_2)
b_3 = S.random_vector("b_3", n_3, default_init(n_2))
# y_l written out, not S.define'd (see the module docstring)
y_1 = A_1 * x + b_1                                       # sigma(z) = z
y_2 = A_2 * y_1 + b_2
y_3 = A_3 * y_2 + b_3                                     # y_L, L = 3

ys = [x, y_1, y_2, y_3]                                   # y_0 = x
As = [None, A_1, A_2, A_3]
bs = [None, b_1, b_2, b_3]
ns = [n_0, n_1, n_2, n_3]

j, k = sp.symbols("j k", integer=True, positive=True)


def entry(v, i):
    """(v)_i, counted from 1, kept as an entry of v (not expanded into v's formula)."""
    return MatrixElement(v, i - 1, 0)


def frac(num, den):
    return sp.Mul(num, sp.Pow(den, -1, evaluate=False), evaluate=False)


# ---- (i) E[y_L] = 0 -----------------------------------------------------------------------
l, i = 2, 1                       # the general step, written for l = 2, i = 1
A, b, y_prev, n_prev = As[l], bs[l], ys[l - 1], ns[l - 1]
linear_sum = sp.Sum(A[i - 1, j - 1] * entry(y_prev, j), (j, 1, n_prev))

mean = Derivation(
    id="ryu-hw6/p2-mean",
    title=r"Default PyTorch init, linear MLP: $E[(y_\ell)_i] = 0$, hence $E[y_L] = 0$",
    source=Source("001_13a39b0b72803044.txt", "Problem 2, Solution (i)"),
    scope=S,
    notes=r"General step written for $\ell = 2$, $i = 1$; the conclusion checked for "
          r"$\ell = 1, 2, 3$ (exactly for $\ell = 1, 2$, by Monte Carlo at $\ell = 3 = L$, where "
          r"the exact-moment grid is too large) and by simulation for $L = 1, \dots, 6$ in "
          r"ryu-hw6/p2-simulation.",
    chain=[
        E(entry(y_2, i)),
        eq(E(E(entry(y_2, i), given=x)), r"$= E[E[(y_\ell)_i \mid x]]$"),
        eq(E(E(linear_sum + entry(b, i), given=y_prev)),
           r"$= E[E[\sum_j (A_\ell)_{ij} (y_{\ell-1})_j + (b_\ell)_i \mid y_{\ell-1}]]$"),
        eq(E(sp.Sum(E(A[i - 1, j - 1], given=y_prev) * entry(y_prev, j), (j, 1, n_prev))
             + E(entry(b, i), given=y_prev)),
           r"$= E[\sum_j E[(A_\ell)_{ij} \mid y_{\ell-1}] (y_{\ell-1})_j + "
           r"E[(b_\ell)_i \mid y_{\ell-1}]]$"),
        eq(sp.Integer(0), "= 0."),
    ] + [
        fact(E(entry(ys[m], 1)), "=", 0,
             f"for all $1 \\le \\ell \\le L$ and $1 \\le i \\le n_\\ell$: $\\ell = {m}$"
             + (" $= L$, 'Especially for $\\ell = L$, we have $E[y_L] = 0$'" if m == 3 else ""))
        for m in (1, 2, 3)
    ],
)

# ---- (ii) Var(y_L) = 1/3^L + sum_{k=0}^{L-1} 1/(3^{L-k} n_k) -------------------------------
y_i = entry(ys[l], i)
j_tilde = 1
A_row_sum = sp.Sum(A[i - 1, j - 1] * entry(y_prev, j), (j, 1, n_prev))


def closed_form(m):
    """1/3^m E[(y_0)_j^2] ... with E[x_j^2] = 1 plugged in: 1/3^m + sum_k 1/(3^{m-k} n_k)."""
    return written_sum(frac(1, 3**m), *[frac(1, sp.Mul(3**(m - q), ns[q], evaluate=False))
                                        for q in range(m)])


def closed_form_with_x(m):
    return written_sum(frac(1, 3**m) * E(entry(x, 1)**2),
                       *[frac(1, sp.Mul(3**(m - q), ns[q], evaluate=False)) for q in range(m)])


def one_step(prev_second_moment, m):
    """(1/3)(E[(y_{m-1})_j~^2] + 1/n_{m-1})."""
    return sp.Rational(1, 3) * (prev_second_moment + frac(1, ns[m - 1]))


recursion_facts = [
    fact(E(entry(ys[m], 1)**2), "=", one_step(E(entry(ys[m - 1], j_tilde)**2), m),
         f"the recursion $E[(y_\\ell)_i^2] = \\frac{{1}}{{3}}(E[(y_{{\\ell-1}})_{{\\tilde{{j}}}}^2] "
         f"+ 1/n_{{\\ell-1}})$ at $\\ell = {m}$, on the network itself")
    for m in (1, 2, 3)
]
unrolled_facts = [
    fact(E(entry(ys[2], 1)**2), "=", one_step(one_step(E(entry(ys[0], j_tilde)**2), 1), 2),
         r"'Applying above equation inductively': two steps, at $\ell = 2$")
]
closed_facts = [
    fact(E(entry(ys[m], 1)**2), "=", closed_form_with_x(m),
         f"$= \\dots = \\frac{{1}}{{3^\\ell}} E[(y_0)_j^2] + \\sum_{{k=0}}^{{\\ell-1}} "
         f"\\frac{{1}}{{3^{{\\ell-k}} n_k}}$, at $\\ell = {m}$")
    for m in (1, 2, 3)
]
final_facts = [
    fact(Var(entry(ys[m], 1)), "=", closed_form(m),
         f"'Plugging in $E[(y_0)_j^2] = E[x_j^2] = 1$, for $\\ell = L$ we conclude "
         f"$\\mathrm{{Var}}(y_L) = E[y_L^2] = \\frac{{1}}{{3^L}} + \\sum_{{k=0}}^{{L-1}} "
         f"\\frac{{1}}{{3^{{L-k}} n_k}}$': $L = {m}$ (the first $L$ layers, the entry $(y_L)_1$)")
    for m in (1, 2, 3)
]

# The closed form for every depth: the recursion v_l = (1/3)(v_(l-1) + 1/n_(l-1)), v_0 = 1,
# unrolled for L = 1..6 (symbolic), and for general L by induction.
R = Scope()
L = R.dim("L", 1, 8)
width = R.sequence("n", L + 1, first=0, kind="positive_integer")     # n_0, ..., n_L
q = sp.Symbol("k", integer=True, nonnegative=True)


def closed(depth):
    """1/3^depth + sum_(k=0)^(depth-1) 1/(3^(depth-k) n_k)."""
    return 1 / sp.Integer(3)**depth + sp.Sum(1 / (3**(depth - q) * width[q]), (q, 0, depth - 1))


def unrolled(depth):
    value = sp.Integer(1)                                     # v_0 = E[x_j^2] = 1
    for level in range(1, depth + 1):
        value = sp.Rational(1, 3) * (value + 1 / width[level - 1])
    return value


closed_form_facts = [
    fact(unrolled(depth), "=", closed(depth).doit(),
         f"the recursion applied {depth} times from $E[x_j^2] = 1$ gives the closed form, "
         f"$L = {depth}$")
    for depth in range(1, 7)
] + [
    fact(closed(1).doit(), "=", sp.Rational(1, 3) * (1 + 1 / width[0]),
         r"induction, base case $L = 1$: the closed form is one step of the recursion from 1"),
    fact(sp.Rational(1, 3) * (closed(L) + 1 / width[L]), "=", closed(L + 1),
         r"induction step: one step of the recursion maps the closed form at $L$ to the one at "
         r"$L + 1$"),
]

closed_form = Derivation(
    id="ryu-hw6/p2-closed-form",
    title=r"$\mathrm{Var}(y_L) = \frac{1}{3^L} + \sum_k \frac{1}{3^{L-k} n_k}$ solves the "
          r"one-layer recursion, for every $L$",
    source=Source("001_13a39b0b72803044.txt", "Problem 2, Solution (ii), 'applying above "
                  "equation inductively'"),
    scope=R,
    notes=r"The recursion of ryu-hw6/p2-variance, $v_\ell = \frac{1}{3}(v_{\ell-1} + "
          r"1/n_{\ell-1})$ with $v_0 = E[x_j^2] = 1$, unrolled symbolically for "
          r"$L = 1, \dots, 6$, and the closed form proved for general $L$ by induction (base "
          r"case and step).",
    chain=closed_form_facts,
)


def _simulated_outputs(depth, seed, draws=200_000):
    """y_L of `draws` independent linear MLPs of depth `depth`, widths 3, 4, 2, 5, 3, 2, ...
    (n_L = 1), initialised as nn.Linear does (weights and biases Uniform[-1/sqrt(fan_in),
    1/sqrt(fan_in)]), each on its own input x ~ N(0, I); and the widths."""
    import numpy as np
    widths = [3, 4, 2, 5, 3, 2][:depth] + [1]
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((draws, widths[0]))
    for fan_in, fan_out in zip(widths, widths[1:]):
        bound = 1 / np.sqrt(fan_in)
        A = rng.uniform(-bound, bound, (draws, fan_out, fan_in))
        b = rng.uniform(-bound, bound, (draws, fan_out))
        y = np.einsum("noi,ni->no", A, y) + b
    return y[:, 0], widths


@computation(latex=r"z_{\mathrm{sim}}(\mathbb{E}[y_L])")
def simulated_mean_z(depth, seed):
    """|z| of the Monte Carlo mean of y_L against E[y_L] = 0."""
    import numpy as np
    out, _ = _simulated_outputs(int(depth), int(seed))
    return float(abs(out.mean()) / (out.std() / np.sqrt(out.size)))


@computation(latex=r"z_{\mathrm{sim}}(\operatorname{Var} y_L)")
def simulated_variance_z(depth, seed):
    """|z| of the Monte Carlo variance of y_L against the closed form, for a linear MLP of
    depth `depth` with widths 3, 4, 2, 5, 3, 2, ... (n_L = 1) initialised as nn.Linear does
    (weights and biases Uniform[-1/sqrt(fan_in), 1/sqrt(fan_in)]), inputs x ~ N(0, I)."""
    import numpy as np
    depth = int(depth)
    out, widths = _simulated_outputs(depth, int(seed))
    draws = out.size
    exact = 3.0**-depth + sum(1 / (3.0**(depth - k) * widths[k]) for k in range(depth))
    second = out**2
    standard_error = np.sqrt(np.var(second - 2 * out * out.mean()) / draws)
    return float(abs(np.var(out) - exact) / standard_error)


simulation = Derivation(
    id="ryu-hw6/p2-simulation",
    title=r"Mean and variance of $y_L$ of simulated linear MLPs with PyTorch's default init",
    source=Source("001_13a39b0b72803044.txt", "Problem 2, Solution (ii), conclusion"),
    scope=Scope(),
    notes=r"An independent check written in NumPy (no PyTorch): 200000 networks and inputs per "
          r"depth (the same draws for both), widths $n_0, \dots, n_{L-1} = 3, 4, 2, 5, 3, 2$ and "
          r"$n_L = 1$; the sample mean of $y_L$ is compared with 0 and its sample variance with "
          r"$\frac{1}{3^L} + \sum_k \frac{1}{3^{L-k} n_k}$, each by its z-score (delta-method "
          r"standard error for the variance). $|z| \le 5.3$ has a false-alarm probability of "
          r"about $1.2 \cdot 10^{-7}$ per fact.",
    chain=[fact(simulated_mean_z(depth, 0), "<=", sp.Rational(53, 10),
                f"$L = {depth}$: the simulated mean agrees with $E[y_L] = 0$")
           for depth in range(1, 7)]
    + [fact(simulated_variance_z(depth, 0), "<=", sp.Rational(53, 10),
            f"$L = {depth}$: the simulated variance agrees with the closed form")
       for depth in range(1, 7)],
)

variance = Derivation(
    id="ryu-hw6/p2-variance",
    title=r"Default PyTorch init, linear MLP: $\mathrm{Var}(y_L) = \frac{1}{3^L} + "
          r"\sum_k \frac{1}{3^{L-k} n_k}$",
    source=Source("001_13a39b0b72803044.txt", "Problem 2, Solution (ii)"),
    scope=S,
    notes=r"General step written for $\ell = 2$, $i = 1$, $\tilde{j} = 1$. Recursion, its "
          r"two-step unrolling, the closed form and the conclusion checked as facts on the "
          r"network for $\ell = 1, 2, 3$; every depth in ryu-hw6/p2-closed-form and "
          r"ryu-hw6/p2-simulation.",
    chain=[
        Var(y_i),
        eq(E(y_i**2) - E(y_i)**2,
           r"$\mathrm{Var}((y_\ell)_i) = E[(y_\ell)_i^2] - E[(y_\ell)_i]^2$"),
        eq(E(y_i**2), r"$= E[(y_\ell)_i^2]$, since from (i) $E[(y_\ell)_i] = 0$"),
        eq(E(E(y_i**2, given=y_prev)),
           r"$E[(y_\ell)_i^2] = E[E[(y_\ell)_i^2 \mid y_{\ell-1}]]$"),
        eq(E(E((A_row_sum + entry(b, i))**2, given=y_prev)),
           r"$= E[E[(\sum_j (A_\ell)_{ij} (y_{\ell-1})_j + (b_\ell)_i)^2 \mid y_{\ell-1}]]$"),
        eq(E(sp.Add(E(A_row_sum**2, given=y_prev), 2 * E(A_row_sum * entry(b, i), given=y_prev),
                    E(entry(b, i)**2, given=y_prev), evaluate=False)),     # the source's order
           r"$= E[E[(\sum_j \dots)^2 \mid y_{\ell-1}] + 2 E[(\sum_j \dots)(b_\ell)_i \mid "
           r"y_{\ell-1}] + E[(b_\ell)_i^2 \mid y_{\ell-1}]]$"),
        eq(E(sp.Sum(E(A[i - 1, j - 1] * A[i - 1, k - 1], given=y_prev)
                    * entry(y_prev, j) * entry(y_prev, k), (j, 1, n_prev), (k, 1, n_prev)))
           + 2 * E(sp.Sum(E(A[i - 1, j - 1] * entry(b, i), given=y_prev) * entry(y_prev, j),
                          (j, 1, n_prev)))
           + frac(1, 3 * n_prev),
           r"$= E[\sum_j \sum_k E[(A_\ell)_{ij} (A_\ell)_{ik} \mid y_{\ell-1}] (y_{\ell-1})_j "
           r"(y_{\ell-1})_k] + 2 E[\sum_j E[(A_\ell)_{ij} (b_\ell)_i \mid y_{\ell-1}] "
           r"(y_{\ell-1})_j] + \frac{1}{3 n_{\ell-1}}$"),
        eq(E(sp.Sum(frac(1, 3 * n_prev) * sp.KroneckerDelta(j, k)
                    * entry(y_prev, j) * entry(y_prev, k),
                    (j, 1, n_prev), (k, 1, n_prev))) + 0 + frac(1, 3 * n_prev),
           r"$= E[\sum_j \sum_k \frac{1}{3 n_{\ell-1}} \delta_{jk} (y_{\ell-1})_j "
           r"(y_{\ell-1})_k] + 0 + \frac{1}{3 n_{\ell-1}}$"),
        eq(n_prev * frac(1, 3 * n_prev) * E(entry(y_prev, j_tilde)**2) + frac(1, 3 * n_prev),
           r"$= n_{\ell-1} \times \frac{1}{3 n_{\ell-1}} E[(y_{\ell-1})_{\tilde{j}}^2] + "
           r"\frac{1}{3 n_{\ell-1}}$"),
        eq(one_step(E(entry(y_prev, j_tilde)**2), l),
           r"$= \frac{1}{3}(E[(y_{\ell-1})_{\tilde{j}}^2] + 1/n_{\ell-1})$."),
    ] + recursion_facts + unrolled_facts + closed_facts + [
        fact(E(entry(x, 1)**2), "=", 1, r"Plugging in $E[(y_0)_j^2] = E[x_j^2] = 1$"),
    ] + final_facts,
)
