"""WPI CS/DS 541 HW3, Problem 1: deriving He's initialization (parts 1, 2 and 3 (a)-(e)).

Source: 003_8dae48258750efc8.txt, "Problem 1: Deriving He's initialization" and its answers.
He initialization draws every weight of layer l from N(0, 2/n_l).

Models (all random declarations are mutually independent, which is the independence the
answers assume: weights independent of inputs, weights independent of each other; inputs are
i.i.d. too, the answers' "identically distributed"):
- parts 1 and 2: weights w_j ~ N(0, 2/n_l) i.i.d., inputs x_j ~ N(mu_x, sigma_x^2) i.i.d. with
  a nonzero mean (an input of layer l is a ReLU output, so its mean is not 0); part 1 samples
  n_l in 2..5 (the cross term j != k is written for j = 1, k = 2; "any j" is written j = 1);
- part 3 statement and (a): z_{l-1} = sum_k w_k x_k (b_{l-1} = 0) with w_k i.i.d. from "any
  symmetric distribution with variance 2/n_{l-1}" and x_k ~ N(mu_x, sigma_x^2) i.i.d.;
- parts 3 (b)-(e): as the guide says, x_{l-1} is a constant (positive here: it is a ReLU output,
  and the change of variables needs x_{l-1} != 0) and z_{l-1} = w_{l-1} x_{l-1}, with
  w_{l-1} ~ N(0, sigma^2) as (c) assumes; the densities are written out for that normal.

(b)'s change of variables, stated for any density, is checked for three laws of w_{l-1} (two of
them asymmetric or off-centre) and x_{l-1} of either sign, through probabilities of intervals.
The links E[.] = integral of the density in (d) and (e) are checked with the normal
density written out: E[.] exactly (or by Monte Carlo), the integral by quadrature.
"""
import sympy as sp

from engine import Derivation, Refutation, Scope, Source, REFUTED, eq, fact
from engine.distributions import Laplace, Normal, Symmetric
from engine.ops import E, Var, row, scalar_of

j, k = sp.symbols("j k", integer=True, positive=True)
oo = sp.oo


def el(vector, index):
    """Entry `index` (from 1) of a column vector, as a scalar."""
    return scalar_of(row(vector, index))


def times_zero(*factors):
    """0 * factors, kept as written."""
    return sp.Mul(0, *factors, evaluate=False)


def minus_zero_squared(expr):
    """expr - 0^2, kept as written."""
    return sp.Add(expr, sp.Mul(-1, sp.Pow(0, 2, evaluate=False), evaluate=False),
                  evaluate=False)


SUMMAND_TYPO = (r"(the source's $\sum_{i=1}^{n_l}$ over a summand in $j$ is a typo for "
                r"$\sum_{j=1}^{n_l}$; read literally it would be $n_l$ times one summand)")


# -- Part 1: Var[sum_j w_j x_j] = n_l Var[w_l x_l] ------------------------------------------
S1 = Scope()
n = S1.dim("n_l", low=2, high=5)
mu_x = S1.scalar("mu_x")
sigma_x = S1.scalar("sigma_x", "positive")
w = S1.random_vector("w", n, Normal(0, 2 / n))             # He: w_j ~ N(0, 2/n_l)
x = S1.random_vector("x", n, Normal(mu_x, sigma_x**2))
notation = {"w": r"w^{[l]}", "x": r"x^{[l]}"}

wx = lambda i: el(w, i) * el(x, i)
total = sp.Sum(wx(j), (j, 1, n))

part1 = Derivation(
    id="wpi-hw3/p1-1",
    title=r"He initialization, part 1: $\mathrm{Var}[\sum_j w_j x_j] = n_l \mathrm{Var}[w_l x_l]$ "
          r"and its assumptions",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 1 and its answer"),
    scope=S1,
    notation=notation,
    notes=r"$w_j \sim \mathcal{N}(0, 2/n_l)$ and $x_j \sim \mathcal{N}(\mu_x, \sigma_x^2)$, all "
          r"independent (Assumptions 1-3).",
    chain=[
        fact(Var(scalar_of(w.T * x)), "=", Var(total),
             r"We will start from: $\mathrm{Var}[z^{[l]}] = \mathrm{Var}[w^{[l]} x^{[l]}] = "
             r"\mathrm{Var}[\sum_{i=1}^{n_l} w_j x_j]$ ($z^{[l]} = w^{[l]} x^{[l]}$ is written out "
             r"as the row $w^{[l]}$ times the column $x^{[l]}$) "
             + SUMMAND_TYPO),
        fact(Var(total), "=", n * Var(wx(1)),
             r"the equality to explain: $\mathrm{Var}[\sum_j w_j x_j] = n_l \mathrm{Var}[w_l x_l]$ "
             r"($w_l x_l$ written as $w_1 x_1$)"),
        fact(E(el(w, 1)), "=", 0, r"$E[w_j] = 0$ (definition of $\mathcal{N}(\mu, \sigma^2)$; "
                                  r"written for $j = 1$)"),
        fact(Var(el(w, 1)), "=", 2 / n, r"$\mathrm{Var}[w_j] = 2/n_l$ (definition of "
                                        r"$\mathcal{N}(\mu, \sigma^2)$)"),
        fact(Var(total), "=", E(total**2) - E(total)**2,
             r"Definition of Variance: $\mathrm{Var}[Y] = E[Y^2] - (E[Y])^2$"),
        # Assumption 1: w_j independent of all x_k
        fact(E(total), "=", sp.Sum(E(wx(j)), (j, 1, n)), "Linearity of Expectation"),
        eq(sp.Sum(E(el(w, j)) * E(el(x, j)), (j, 1, n)),
           r"Independence Theorem: $X \perp Y \Rightarrow E[XY] = E[X] E[Y]$ " + SUMMAND_TYPO),
        eq(sp.Sum(times_zero(E(el(x, j))), (j, 1, n)),
           r"$= \sum_{i=1}^{n_l} 0 \cdot E[x_j]$ ($E[w_j] = 0$)"),
        eq(sp.Integer(0), "$= 0$"),
        fact(Var(total), "=", minus_zero_squared(E(total**2)),
             r"$\mathrm{Var}[\sum_j w_j x_j] = E[(\sum_j w_j x_j)^2] - 0^2$"),
        eq(E(sp.Sum(wx(j) * wx(k), (j, 1, n), (k, 1, n))),
           r"Expanding $(a_1 + \dots + a_n)^2 = \sum_j \sum_k a_j a_k$"),
        eq(sp.Sum(E(wx(j) * wx(k)), (j, 1, n), (k, 1, n)),
           "Linearity of Expectation " + SUMMAND_TYPO),
        # Assumption 2: w_j independent of w_k for j != k
        fact(Var(total), "=", E((sp.HadamardProduct(w, x)).T * sp.HadamardProduct(w, x)),
             r"$\mathrm{Var}[\sum_j w_j x_j] = E[[w_1 x_1 \cdots w_{n_l} x_{n_l}] [w_1 x_1; "
             r"\dots; w_{n_l} x_{n_l}]]$ (row times column)",
             note=r"The row times the column is $\sum_j (w_j x_j)^2$, the diagonal of the double "
                  r"sum only; it equals the variance here because the cross terms vanish (shown "
                  r"next), not in general."),
        eq(E(sp.HadamardProduct(w, x) * sp.HadamardProduct(w, x).T),
           r"$=$ the $n_l \times n_l$ matrix with $\mathrm{Var}[w_1 x_1], \dots, "
           r"\mathrm{Var}[w_{n_l} x_{n_l}]$ on the diagonal and $E[w_j x_j w_k x_k]$ off it, i.e. "
           r"$E[a a^\intercal]$ for $a = (w_j x_j)_j$",
           expect=REFUTED,
           note=r"A scalar (the variance, $E[a^\intercal a]$) is equated with an $n_l \times n_l$ "
                r"matrix: the shapes differ for $n_l \ge 2$. What is meant is that the variance is "
                r"the sum of that matrix's entries, $\sum_{jk} E[w_j x_j w_k x_k]$ (the double sum "
                r"above).",
           correction=[
               eq(sp.Sum(E(wx(j) * wx(k)), (j, 1, n), (k, 1, n)),
                  r"$=$ the sum of the entries of $E[a a^\intercal]$, "
                  r"$\sum_{jk} E[(w_j x_j)(w_k x_k)]$ (its off-diagonal entries are 0, shown next)"),
           ]),
        fact(E(wx(1) * wx(2)), "=", E(el(w, 1)) * E(el(x, 1)) * E(el(w, 2)) * E(el(x, 2)),
             r"for $j \ne k$ ($j = 1$, $k = 2$): $E[w_j x_j w_k x_k] = E[w_j] E[x_j] E[w_k] "
             r"E[x_k]$ (Independence of all four random variables; in this model all inputs are "
             r"independent, see wpi-hw3/p1-1-hidden-inputs for inputs that are not)"),
        eq(times_zero(E(el(x, 1)), 0, E(el(x, 2))), r"$= 0 \cdot E[x_j] \cdot 0 \cdot E[x_k]$"),
        eq(sp.Integer(0), "$= 0$"),
        fact(sp.Sum(E(wx(j) * wx(k)), (j, 1, n), (k, 1, n)), "=",
             sp.Sum(E(el(w, j)**2 * el(x, j)**2), (j, 1, n)),
             r"$= \sum_j E[(w_j)^2 (x_j)^2]$ (only diagonal terms $j = k$ survive)"),
        eq(sp.Sum(E(wx(j)**2), (j, 1, n)), r"$= \sum_j E[(w_j x_j)^2]$"),
        eq(sp.Sum(Var(wx(j)) + E(wx(j))**2, (j, 1, n)),
           r"Variance-Mean Relation: $E[Y^2] = \mathrm{Var}[Y] + (E[Y])^2$"),
        eq(sp.Sum(Var(wx(j)), (j, 1, n)),
           r"since $E[w_j x_j] = E[w_j] E[x_j] = 0$ " + SUMMAND_TYPO),
        # Assumption 3: identically distributed
        eq(n * Var(wx(1)), r"$= n_l \mathrm{Var}[w^{[l]} x^{[l]}]$ (Identical Distribution: all "
                           r"terms equal)"),
    ],
)


# -- Part 2: Var[w_l x_l] = Var[w_l] E[x_l^2] --------------------------------------------
S2 = Scope()
n2 = S2.dim("n_l")
mu_x2 = S2.scalar("mu_x")
sigma_x2 = S2.scalar("sigma_x", "positive")
w2 = S2.random("w", Normal(0, 2 / n2))                      # w^[l] ~ N(0, 2/n_l)
x2 = S2.random("x", Normal(mu_x2, sigma_x2**2))             # x^[l], independent of w^[l]
mu_A, mu_B = S2.scalars("mu_A mu_B")
sigma_A, sigma_B = S2.scalars("sigma_A sigma_B", "positive")
A = S2.random("A", Normal(mu_A, sigma_A**2))               # the question's independent A, B
B = S2.random("B", Normal(mu_B, sigma_B**2))

part2 = Derivation(
    id="wpi-hw3/p1-2",
    title=r"He initialization, part 2: $\mathrm{Var}[w_l x_l] = \mathrm{Var}[w_l] E[x_l^2]$",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 2 and its answer"),
    scope=S2,
    notation={"w": r"w^{[l]}", "x": r"x^{[l]}"},
    notes=r"$w \sim \mathcal{N}(0, 2/n_l)$ and $x \sim \mathcal{N}(\mu_x, \sigma_x^2)$ "
          r"independent; $A$, $B$ independent normals with arbitrary means for the question's "
          r"identities (0.0.1) and (0.0.2).",
    chain=[
        fact(Var(A * B), "=", Var(A) * Var(B) + Var(A) * E(B)**2 + Var(B) * E(A)**2,
             r"(0.0.1) the variance of the product of two mutually independent $A$ and $B$"),
        fact(Var(B), "=", E(B**2) - E(B)**2, "(0.0.2) variance and second moment"),
        fact(Var(w2 * x2), "=", E((w2 * x2)**2) - E(w2 * x2)**2, "Definition of Variance"),
        fact(E(w2 * x2), "=", E(w2) * E(x2), "Independence Theorem"),
        eq(times_zero(E(x2)), r"$= 0 \cdot E[x^{[l]}]$ (using $E[w^{[l]}] = 0$ from He "
                              r"initialization)"),
        eq(sp.Integer(0), "$= 0$"),
        fact(Var(w2 * x2), "=", minus_zero_squared(E((w2 * x2)**2)),
             r"$\mathrm{Var}[w x] = E[(w x)^2] - 0^2$"),
        eq(E(w2**2 * x2**2), r"$= E[(w^{[l]})^2 (x^{[l]})^2]$"),
        eq(E(w2**2) * E(x2**2), "Independence Theorem for products"),
        fact(E(w2**2), "=", Var(w2) + E(w2)**2, "Variance-Mean Relation"),
        eq(Var(w2) + sp.Pow(0, 2, evaluate=False), r"$= \mathrm{Var}[w^{[l]}] + 0^2$"),
        eq(Var(w2), r"$= \mathrm{Var}[w^{[l]}]$"),
        fact(Var(w2 * x2), "=", Var(w2) * E(x2**2),
             r"$\mathrm{Var}[w^{[l]} x^{[l]}] = \mathrm{Var}[w^{[l]}] E[(x^{[l]})^2]$ (the source "
             r"opens it with a stray quote mark)"),
    ],
)


# -- Part 3: Var[z_{l-1}] = 2 E[x_l^2] for ReLU; statement and (a) -------------------------
S3 = Scope()
m = S3.dim("n_{l-1}")
mu_3 = S3.scalar("mu_x")
sigma_3 = S3.scalar("sigma_x", "positive")
w3 = S3.random_vector("w_{l-1}", m, Symmetric(2 / m))      # symmetric around 0, He variance
x3 = S3.random_vector("x_{l-1}", m, Normal(mu_3, sigma_3**2))
z3 = S3.define("z_{l-1}", scalar_of(w3.T * x3))            # w_{l-1} x_{l-1} + b_{l-1}, b = 0
x_next = S3.define("x_l", sp.Max(0, z3))                    # x_l = ReLU(z_{l-1})
wx3 = lambda i: el(w3, i) * el(x3, i)

part3 = Derivation(
    id="wpi-hw3/p1-3",
    title=r"He initialization, part 3: the relationship $\mathrm{Var}[z_{l-1}] = 2 E[x_l^2]$ to "
          r"prove",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (statement) and (e)'s conclusion"),
    scope=S3,
    notes=r"$w_k$ i.i.d. from any symmetric distribution with variance $2/n_{l-1}$ (normal, "
          r"uniform, Laplace, two-atom), $x_k \sim \mathcal{N}(\mu_x, \sigma_x^2)$ i.i.d., "
          r"independent; $b_{l-1} = 0$.",
    chain=[
        fact(x_next, "=", sp.Max(0, scalar_of(w3.T * x3)),
             r"$x_l = \mathrm{ReLU}(z_{l-1}) = \mathrm{ReLU}(w_{l-1} x_{l-1} + b_{l-1})$ with "
             r"$b_{l-1} = 0$"),
        fact(Var(z3), "=", 2 * E(x_next**2),
             r"the relationship to prove: $\mathrm{Var}[z_{l-1}] = 2 E[x_l^2]$ ($w_{l-1}$ "
             r"symmetric around 0, $b_{l-1} = 0$)"),
    ],
)

part3a = Derivation(
    id="wpi-hw3/p1-3a",
    title=r"He initialization, part 3 (a): $E[z_{l-1}] = 0$, whatever $x_{l-1}$ is",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (a)"),
    scope=S3,
    chain=[
        fact(z3, "=", sp.Sum(wx3(k), (k, 1, m)),
             r"Given: $b_{l-1} = 0$, $z_{l-1} = \sum_k w_k x_k$"),
        fact(E(z3), "=", E(sp.Sum(wx3(k), (k, 1, m))),
             r"$E[z_{l-1}] = E[\sum_k w_k x_k]$"),
        eq(sp.Sum(E(wx3(k)), (k, 1, m)), "Linearity of Expectation"),
        eq(sp.Sum(E(el(w3, k)) * E(el(x3, k)), (k, 1, m)), "Independence Theorem"),
        eq(sp.Sum(times_zero(E(el(x3, k))), (k, 1, m)),
           r"$= \sum_k 0 \cdot E[x_k]$ (He initialization: $E[w_k] = 0$)"),
        eq(sp.Integer(0), "$= 0$"),
    ],
)


# -- Part 3 (b)-(e): x_{l-1} a constant, z_{l-1} = w_{l-1} x_{l-1} -------------------------
S4 = Scope()
xc = S4.scalar("x_{l-1}", "positive")          # "think of x_{l-1} as a constant"
sigma = S4.scalar("sigma", "positive")
wr = S4.random("w_{l-1}", Normal(0, sigma**2))   # (c): w_{l-1} ~ N(0, sigma^2)
zr = S4.define("z_{l-1}", wr * xc)
xr = S4.define("x_l", sp.Max(0, zr))
zv, uv, wv = S4.scalar("z"), S4.scalar("u"), S4.scalar("w")   # density arguments, integration


def f_w(t):
    """The N(0, sigma^2) density of w_{l-1}."""
    return sp.exp(-t**2 / (2 * sigma**2)) / sp.sqrt(2 * sp.pi * sigma**2)


def f_z(t):
    """(b)'s density of z_{l-1} = w_{l-1} x_{l-1}: f_w(t / x) / |x|."""
    return f_w(t / xc) / sp.Abs(xc, evaluate=False)


def integral(integrand, low, high, var=zv):
    return sp.Integral(integrand, (var, low, high))


half_integral = integral(zv**2 * f_z(zv), 0, oo)
INTEGRAL_CHECK = (r"$E[\cdot]$ on the left (exact moments, or Monte Carlo for the ReLU) "
                  r"against the integral of the written-out density on the right (quadrature), on "
                  r"random $\sigma$ and $x_{l-1}$.")

# (b)'s change of variables, checked for a family of densities: P(a < w x < a + |b|) (E of the
# indicator) against the integral of f_w(z/x)/|x| over (a, a + |b|), for x = c and x = -c
SB = Scope()
c_b = SB.scalar("c", "positive")
a_b, b_b = SB.scalars("a b")
z_b = SB.scalar("z")
_t = sp.Symbol("t", real=True)
FAMILIES = [
    (r"$w_{l-1} \sim \mathcal{N}(0, 1)$", Normal(0, 1),
     sp.exp(-_t**2 / 2) / sp.sqrt(2 * sp.pi)),
    (r"$w_{l-1} \sim \mathrm{Laplace}(0, 1)$", Laplace(0, 1), sp.exp(-sp.Abs(_t)) / 2),
    (r"$w_{l-1} \sim \mathcal{N}(1, 1)$, not symmetric about 0", Normal(1, 1),
     sp.exp(-(_t - 1)**2 / 2) / sp.sqrt(2 * sp.pi)),
]


def probability_in(w, x):
    """P(a < w x < a + |b|) as the expectation of the indicator."""
    return E(sp.Piecewise((1, sp.And(w * x > a_b, w * x < a_b + sp.Abs(b_b))), (0, True)))


def integral_of(f, x, scale):
    """The integral over (a, a + |b|) of f(z / x) / scale."""
    return sp.Integral(f.subs(_t, z_b / x) / scale, (z_b, a_b, a_b + sp.Abs(b_b)))


family_facts, family_ws = [], []
for k, (label, distribution, f) in enumerate(FAMILIES):
    w_k = SB.random(f"w_{k + 1}", distribution)
    family_ws.append(w_k)
    for x_value, sign in ((c_b, "x_{l-1} = c > 0"), (-c_b, "x_{l-1} = -c < 0")):
        family_facts.append(fact(
            probability_in(w_k, x_value), "=", integral_of(f, x_value, sp.Abs(x_value)),
            r"$z_{l-1} = w_{l-1} \cdot x_{l-1}$ (treating $x_{l-1}$ as constant scalar), "
            r"$f_{z_{l-1}|x_{l-1}}(z) = \frac{1}{|x_{l-1}|} f_{w_{l-1}}(z/x_{l-1})$ (Change of "
            r"Variables Formula): " + label + f", ${sign}$, as probabilities of intervals"))
family_facts.append(fact(
    probability_in(family_ws[0], -c_b), "=",
    integral_of(FAMILIES[0][2], -c_b, -c_b),
    r"(contrast, not in the source) without the absolute value, "
    r"$\frac{1}{x_{l-1}} f_{w_{l-1}}(z/x_{l-1})$ at $x_{l-1} < 0$",
    expect=REFUTED, refutation=Refutation.ILLUSTRATION,
    note=r"Built on purpose to show the check can fail: for $x_{l-1} < 0$ the factor "
         r"$1/x_{l-1}$ is negative, so the 'density' integrates to a negative probability; the "
         r"$|x_{l-1}|$ of the solution's formula is needed.",
    correction=[eq(integral_of(FAMILIES[0][2], -c_b, sp.Abs(-c_b)), r"with $|x_{l-1}|$")]))

part3b = Derivation(
    id="wpi-hw3/p1-3b",
    title=r"He initialization, part 3 (b): the density of $z_{l-1}$ given $x_{l-1}$",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (b)"),
    scope=SB,
    notes=r"The solution's formula holds for any density $f_{w_{l-1}}$ and $x_{l-1} \ne 0$; a "
          r"density is checked through what it means, probabilities of intervals: "
          r"$P(a < z_{l-1} < a + |b|)$, the expectation of the indicator, against the integral "
          r"of $\frac{1}{|x_{l-1}|} f_{w_{l-1}}(z/x_{l-1})$ over the interval, for random $a$, "
          r"$b$, $c$, with $x_{l-1} = \pm c$ and three laws of $w_{l-1}$ (normal, Laplace, a "
          r"normal off centre). A uniform $w_{l-1}$ and an off-centre Laplace are not decided by "
          r"the engine (its quadrature does not converge on the kinks) and are left out.",
    chain=family_facts,
)

part3c = Derivation(
    id="wpi-hw3/p1-3c",
    title=r"He initialization, part 3 (c): the distribution of $z_{l-1}$ is symmetric around 0",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (c)"),
    scope=S4,
    notes=r"Given $w_{l-1} \sim N(0, \sigma^2)$. The question assumes only that the density of "
          r"$w_{l-1}$ is symmetric, $f_{w_{l-1}}(w) = f_{w_{l-1}}(-w)$; the answer specialises "
          r"to a Gaussian, which the question does not give, so as written it covers the normal "
          r"case only. The symmetry holds for every symmetric density, "
          r"$f_z(-z) = f_w(-z/x)/|x| = f_w(z/x)/|x| = f_z(z)$ (not checked for an unspecified "
          r"$f_w$). SymPy writes the Gaussian density through $t^2$, so $f(-t)$ and $f(t)$ are "
          r"the same expression and the symmetry steps are proved as identical.",
    chain=[
        fact(f_w(wv), "=", f_w(sp.Mul(-1, wv, evaluate=False)),
             r"$f_w(w) = \frac{1}{\sqrt{2\pi\sigma^2}} e^{-w^2/(2\sigma^2)} = f_w(-w)$ (Gaussian "
             r"PDF is symmetric about its mean)"),
        fact(f_z(zv), "=", f_z(sp.Mul(-1, zv, evaluate=False)),
             r"$f_z(z) = f_z(-z)$ (Linear transformation preserves symmetry; $f_z$ from (b))"),
    ],
)

part3d = Derivation(
    id="wpi-hw3/p1-3d",
    title=r"He initialization, part 3 (d): $\mathrm{Var}[z_{l-1}] = 2 \int_0^\infty z^2 f_z(z)\,dz$",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (d)"),
    scope=S4,
    notes=r"$f_z$ is (b)'s density for (c)'s normal $w_{l-1}$; $x_{l-1} > 0$ is a constant.",
    chain=[
        Var(zr),
        eq(E(zr**2) - E(zr)**2, "Definition of Variance"),
        eq(sp.Add(E(zr**2), sp.Mul(-1, 0, evaluate=False), evaluate=False),
           r"$= E[z_{l-1}^2] - 0$ ($E[z_{l-1}] = 0$ from (a))"),
        fact(E(zr**2), "=", integral(zv**2 * f_z(zv), -oo, oo),
             "Definition of Expectation for continuous RV", note=INTEGRAL_CHECK),
        eq(integral(zv**2 * f_z(zv), -oo, 0) + half_integral, "Additivity of Integrals"),
        eq(integral(uv**2 * f_z(sp.Mul(-1, uv, evaluate=False)), 0, oo, uv) + half_integral,
           r"U-Substitution Rule for Integrals: let $u = -z$ in the first integral, $du = -dz$"),
        eq(integral(uv**2 * f_z(uv), 0, oo, uv) + half_integral,
           r"Using symmetry: $f_z(-u) = f_z(u)$"),
        eq(2 * half_integral, "Both integrals are identical"),
    ],
)

part3e = Derivation(
    id="wpi-hw3/p1-3e",
    title=r"He initialization, part 3 (e): $E[x_l^2] = \int_0^\infty z^2 f_z(z)\,dz$, so "
          r"$\mathrm{Var}[z_{l-1}] = 2 E[x_l^2]$",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 3 (e)"),
    scope=S4,
    notes=r"$f_z$ is (b)'s density for (c)'s normal $w_{l-1}$; $x_{l-1} > 0$ is a constant.",
    chain=[
        fact(xr, "=", sp.Piecewise((zr, zr > 0), (0, True)), "Definition of ReLU"),
        fact(E(xr**2), "=", integral(sp.Max(0, zv)**2 * f_z(zv), -oo, oo),
             "Definition of Expectation", note=INTEGRAL_CHECK),
        eq(integral(sp.Mul(sp.Pow(0, 2, evaluate=False), f_z(zv), evaluate=False), -oo, 0)
           + half_integral,
           r"$\mathrm{ReLU}(z) = 0$ for $z \le 0$, $\mathrm{ReLU}(z) = z$ for $z > 0$"),
        eq(sp.Add(0, half_integral, evaluate=False), r"$= 0 + \int_0^\infty z^2 f_z(z)\,dz$"),
        eq(half_integral, r"$= \int_0^\infty z^2 f_z(z)\,dz$"),
        fact(Var(zr), "=", 2 * half_integral,
             r"From part (d): $\mathrm{Var}[z_{l-1}] = 2 \int_0^\infty z^2 f_z(z)\,dz$",
             note=INTEGRAL_CHECK),
        fact(Var(zr), "=", 2 * E(xr**2), r"Therefore $\mathrm{Var}[z_{l-1}] = 2 E[x_l^2]$"),
    ],
)


# -- Part 1's "Independence of all four random variables", with inputs of a hidden layer -------
SU = Scope()
n_u = SU.dim("n_l", low=2, high=5)
a_1, a_2 = SU.scalars("a_1 a_2", "positive")                    # upstream weights, held fixed
s_up = SU.random("s", Normal(0, 1))                              # the shared upstream activation
w_1, w_2 = (SU.random(f"w_{i}", Normal(0, 2 / n_u)) for i in (1, 2))
x_1 = SU.define("x_1", sp.Max(0, a_1 * s_up))                  # x_j = ReLU(a_j s)
x_2 = SU.define("x_2", sp.Max(0, a_2 * s_up))

shared_upstream = Derivation(
    id="wpi-hw3/p1-1-hidden-inputs",
    title=r"He initialization, part 1: the cross term with dependent inputs "
          r"$x_j = \mathrm{ReLU}(a_j s)$ of a hidden layer",
    source=Source("003_8dae48258750efc8.txt", "Problem 1, part 1 ('Independence of all four "
                  "random variables')"),
    scope=SU,
    notes=r"The part 1 model (wpi-hw3/p1-1) makes every input independent and so cannot see "
          r"this. Here two inputs of layer $l$ are ReLU outputs of one upstream activation "
          r"$s \sim N(0, 1)$ through upstream weights $a_1, a_2 > 0$: "
          r"$x_j = \max(0, a_j s)$, dependent; $w_1, w_2 \sim N(0, 2/n_l)$ independent of each "
          r"other and of the inputs.",
    chain=[
        fact(E(w_1 * x_1 * w_2 * x_2), "=", E(w_1) * E(x_1) * E(w_2) * E(x_2),
             r"for $j \ne k$: $E[w_j x_j w_k x_k] = E[w_j] E[x_j] E[w_k] E[x_k]$: the value "
             r"holds, both sides are 0"),
        fact(E(x_1 * x_2), "=", E(x_1) * E(x_2),
             r"(Independence of all four random variables): with $x_j \perp x_k$, "
             r"$E[x_j x_k] = E[x_j] E[x_k]$",
             expect=REFUTED,
             note=r"The inputs of a hidden layer share their upstream activations and are not "
                  r"independent: here $E[x_1 x_2] = a_1 a_2 / 2$ while "
                  r"$E[x_1] E[x_2] = a_1 a_2 / (2\pi)$. Nor is $x_j \perp x_k$ needed: the cross "
                  r"term vanishes because the weights are independent of each other and of the "
                  r"inputs, with mean 0.",
             correction=[
                 fact(E(w_1 * x_1 * w_2 * x_2), "=", E(w_1) * E(w_2) * E(x_1 * x_2),
                      r"$w_j$, $w_k$ independent of each other and of the inputs: "
                      r"$E[w_j x_j w_k x_k] = E[w_j] E[w_k] E[x_j x_k]$"),
                 eq(sp.Integer(0), r"$E[w_j] = 0$"),
             ]),
    ],
)
