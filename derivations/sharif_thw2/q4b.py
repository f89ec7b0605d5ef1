"""Sharif THW2, Question 4 b: Adam's first moment m_t unrolled, its bias towards zero, and what
the bias correction 1 / (1 - beta_1^t) does as t grows.

Source: 002_f457ea5a82bac99a.txt, Question 4, part b. The solution unrolls
m_t = beta_1 m_{t-1} + (1 - beta_1) g_t from m_0 = 0 and writes the general term as
beta_1^t m_0 + sum_{i=0}^{t-1} beta_1^i (1 - beta_1) g_{t-i-1}: the index is one too low (its
own i = 0 term is (1 - beta_1) g_t, not g_{t-1}). The unrolling is checked at t = 5 with
m_1..m_5 defined by the recursion (g_0 is declared so that the solution's formula can be
evaluated); the closed form for every t by induction; and, under stationary gradients (g_i
i.i.d. with mean mu), E[m_t] = (1 - beta_1^t) E[g], the bias that the correction removes.
"beta_1^t m_0 tends to zero" is checked as the limit t -> oo (taken by SymPy at each sampled
beta_1 in (0, 1) and m_0). Its last claim, that the denominator 1 - beta_1^t approaches zero as
t grows, is refuted: the limit is 1, and 1 - beta_1^t grows with t, so the correction matters
in the first steps and fades later.
"""
import sympy as sp

from engine import Derivation, Scope, Source, REFUTED, eq, fact
from engine.distributions import Normal
from engine.ops import E

i = sp.Symbol("i", integer=True, nonnegative=True)


def sum_written(beta, t, g_of):
    """sum_{i=0}^{t-1} beta^i (1 - beta) g_of(i)."""
    return sp.Sum(beta**i * (1 - beta) * g_of(i), (i, 0, t - 1))


# -- the unrolling, at t = 5 ----------------------------------------------------------------
S = Scope()
beta_1 = S.scalar("beta_1", "real", interval=(0, 1))
m_0 = S.scalar("m_0")
T = 5
g = S.sequence("g", T + 1, first=0)                   # g_0 (only for the solution's formula)..g_5
m = {0: m_0}
for step_t in range(1, T + 1):
    m[step_t] = S.define(f"m_{step_t}", beta_1 * m[step_t - 1] + (1 - beta_1) * g[step_t])


def solution_sum(t):
    return sum_written(beta_1, t, lambda k: g[t - k - 1])


def right_sum(t):
    return sum_written(beta_1, t, lambda k: g[t - k])


unrolled = Derivation(
    id="sharif-thw2/q4b-unrolled",
    title=r"Adam: $m_t$ unrolled from $m_0$ ($t = 5$)",
    source=Source("002_f457ea5a82bac99a.txt", "Question 4 b"),
    scope=S,
    notes=r"$t = 5$: $m_1, \dots, m_5$ defined by $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$ "
          r"from $m_0$; $g_0$ is declared only so that the solution's index $t - i - 1$ can be "
          r"evaluated at $i = t - 1$.",
    chain=[
        m[5],
        eq(beta_1 * m[4] + (1 - beta_1) * g[5],
           r"$m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$: starting with $m_0 = 0$, we can express "
           r"$m_t$ recursively"),
        eq(beta_1 * (beta_1 * m[3] + (1 - beta_1) * g[4]) + (1 - beta_1) * g[5],
           r"$= \beta_1 (\beta_1 m_{t-2} + (1 - \beta_1) g_{t-1}) + (1 - \beta_1) g_t$"),
        eq(beta_1**2 * m[3] + beta_1 * (1 - beta_1) * g[4] + (1 - beta_1) * g[5],
           r"$= \beta_1^2 m_{t-2} + \beta_1 (1 - \beta_1) g_{t-1} + (1 - \beta_1) g_t$"),
        eq(beta_1**3 * m[2] + beta_1**2 * (1 - beta_1) * g[3] + beta_1 * (1 - beta_1) * g[4]
           + (1 - beta_1) * g[5],
           r"$= \beta_1^3 m_{t-3} + \beta_1^2 (1 - \beta_1) g_{t-2} + \beta_1 (1 - \beta_1) "
           r"g_{t-1} + (1 - \beta_1) g_t$"),
        eq(beta_1**T * m_0 + solution_sum(T),
           r"$\vdots$ $= \beta_1^t m_0 + \sum_{i=0}^{t-1} \beta_1^i (1 - \beta_1) g_{t-i-1}$",
           expect=REFUTED,
           note=r"Off by one: the $i = 0$ term of the line above is $(1 - \beta_1) g_t$, but the "
                r"formula gives $(1 - \beta_1) g_{t-1}$; it uses $g_0, \dots, g_{t-1}$ where the "
                r"recursion uses $g_1, \dots, g_t$. The index should be $t - i$.",
           correction=[eq(beta_1**T * m_0 + right_sum(T),
                          r"$= \beta_1^t m_0 + \sum_{i=0}^{t-1} \beta_1^i (1 - \beta_1) "
                          r"g_{t-i}$")]),
        fact(m[5] / (1 - beta_1**T), "=", (beta_1**T * m_0 + solution_sum(T)) / (1 - beta_1**T),
             r"$\hat{m}_t = \frac{m_t}{1 - \beta_1^t} = \frac{\beta_1^t m_0 + \sum_{i=0}^{t-1} "
             r"\beta_1^i (1 - \beta_1) g_{t-i-1}}{1 - \beta_1^t}$",
             expect=REFUTED,
             note="The same off-by-one index as the unrolled formula.",
             correction=[eq((beta_1**T * m_0 + right_sum(T)) / (1 - beta_1**T),
                            r"with the index $t - i$")]),
    ],
)

# -- the closed form for every t, by induction ----------------------------------------------
R = Scope()
b = R.scalar("beta_1", "real", interval=(0, 1))
mu_0 = R.scalar("m_0")
t = R.dim("t", 1, 8)
gs = R.sequence("g", t + 2, first=0)


def source_form(n):
    return b**n * mu_0 + sum_written(b, n, lambda k: gs[n - k - 1])


def right_form(n):
    return b**n * mu_0 + sum_written(b, n, lambda k: gs[n - k])


induction = Derivation(
    id="sharif-thw2/q4b-closed-form",
    title=r"Adam: the unrolled $m_t$ for every $t$, by induction on the recursion",
    source=Source("002_f457ea5a82bac99a.txt", "Question 4 b ('... = beta_1^t m_0 + sum ...')"),
    scope=R,
    notes=r"The recursion $m_t = \beta_1 m_{t-1} + (1 - \beta_1) g_t$ applied to the "
          r"solution's formula at $t$ gives its formula at $t + 1$ only if the index is $t - i$.",
    chain=[
        fact(source_form(0), "=", mu_0, r"base case $t = 0$: the formula is $m_0$"),
        fact(b * source_form(t) + (1 - b) * gs[t + 1], "=", source_form(t + 1),
             r"induction step with the solution's index $t - i - 1$",
             expect=REFUTED,
             note=r"$\beta_1 \cdot (\text{formula at } t) + (1 - \beta_1) g_{t+1}$ has the new "
                  r"term $(1 - \beta_1) g_{t+1}$, while the formula at $t + 1$ has "
                  r"$(1 - \beta_1) g_t$ there (and every other $g$ shifted the same way).",
             correction=[
                 fact(b * right_form(t) + (1 - b) * gs[t + 1], "=", right_form(t + 1),
                      r"induction step with the index $t - i$: the closed form satisfies the "
                      r"recursion"),
             ]),
    ],
)

# -- the bias: E[m_t] = (1 - beta_1^t) E[g] under stationary gradients ----------------------
P = Scope()
bp = P.scalar("beta_1", "real", interval=(0, 1))
mu = P.scalar("mu")
s = P.scalar("s", "positive")
tp = P.dim("t", 1, 6)
m_0p = P.scalar("m_0")
t_large = sp.Symbol("t", integer=True, positive=True)     # bound by lim_{t -> oo}
gr = P.random_vector("g", tp, Normal(mu, s))          # g_1..g_t i.i.d., E[g] = mu
m_t = sum_written(bp, tp, lambda k: gr[tp - k - 1, 0])   # m_0 = 0; g_(t-i) is entry t - i

bias = Derivation(
    id="sharif-thw2/q4b-bias",
    title=r"Adam: $E[m_t] = (1 - \beta_1^t) E[g]$ under stationary gradients, and the "
          r"correction",
    source=Source("002_f457ea5a82bac99a.txt", "Question 4 b ('m_t tends to zero with bias', "
                  "'as t becomes larger')"),
    scope=P,
    notes=r"$g_1, \dots, g_t$ i.i.d. $N(\mu, s)$ (stationary gradients), $m_0 = 0$ as the "
          r"solution starts; $m_t$ written with the corrected index $t - i$.",
    chain=[
        fact(E(m_t), "=", sp.Sum(bp**i * (1 - bp) * E(gr[tp - i - 1, 0]), (i, 0, tp - 1)),
             r"'$m_t$ tends to zero with bias': with $m_0 = 0$, "
             r"$E[m_t] = \sum_i \beta_1^i (1 - \beta_1) E[g_{t-i}]$"),
        eq((1 - bp**tp) * mu, r"$= (1 - \beta_1^t) E[g]$ (geometric sum; stationary gradients)"),
        fact(E(m_t / (1 - bp**tp)), "=", mu,
             r"the bias-corrected $\hat{m}_t = m_t / (1 - \beta_1^t)$ has $E[\hat{m}_t] = E[g]$"),
        fact(sp.Abs((1 - bp**tp) * mu), "<=", sp.Abs(mu),
             r"what 'tends to zero with bias' can mean: "
             r"$|E[m_t]| = (1 - \beta_1^t) |E[g]| \le |E[g]|$"),
        fact(E(bp**tp * mu + m_t), "=", (1 - bp**tp) * mu,
             r"'This is why $m_t$ tends to zero with bias - the exponentially decaying factor "
             r"$\beta_1^t$ reduces the influence of past gradients on $m_t$': were the decay the "
             r"cause, the bias would stay from any start, also from $m_0 = E[g]$",
             expect=REFUTED,
             note=r"The decay is not what biases $m_t$: started at $m_0 = E[g]$ the same "
                  r"recursion gives $E[m_t] = E[g]$ for every $t$. The bias "
                  r"$E[m_t] - E[g] = \beta_1^t (m_0 - E[g])$ comes from the start $m_0 = 0$: the "
                  r"weights $\beta_1^i (1 - \beta_1)$ of the gradients sum to $1 - \beta_1^t$, "
                  r"and the missing $\beta_1^t$ is the weight of $m_0 = 0$.",
             correction=[eq(mu, r"from $m_0 = E[g]$: $\beta_1^t E[g] + (1 - \beta_1^t) E[g]$"),
                         fact(sp.Sum(bp**i * (1 - bp), (i, 0, tp - 1)), "=", 1 - bp**tp,
                              r"the gradients' weights sum to $1 - \beta_1^t$; the rest, "
                              r"$\beta_1^t$, is $m_0$'s")]),
        fact(sp.Abs((1 - bp**(tp + 1)) * mu), "<", sp.Abs((1 - bp**tp) * mu),
             r"'... causing it to diminish': $|E[m_{t+1}]| < |E[m_t]|$",
             expect=REFUTED,
             note=r"$E[m_t] = (1 - \beta_1^t) E[g]$ grows in size with $t$ towards $E[g]$; "
                  r"$m_t$ does not diminish. The bias is largest at $t = 1$ and fades.",
             correction=[fact(sp.Abs((1 - bp**(tp + 1)) * mu), ">=", sp.Abs((1 - bp**tp) * mu),
                              r"$|E[m_{t+1}]| \ge |E[m_t]|$")]),
        fact(sp.Limit(bp**t_large * m_0p, t_large, sp.oo), "=", 0,
             r"'As $t$ becomes larger, the term $\beta_1^t m_0$ tends to zero'"),
        fact(sp.Limit(1 - bp**t_large, t_large, sp.oo), "=", 0,
             r"'As $t$ becomes larger, $\beta_1^t$ dominates the denominator, making it approach "
             r"zero'",
             expect=REFUTED,
             note=r"The denominator $1 - \beta_1^t$ grows with $t$ ($\beta_1^t$ shrinks), from "
                  r"$1 - \beta_1$ at $t = 1$ towards 1; it never approaches zero. The correction "
                  r"$1/(1 - \beta_1^t)$ is largest at $t = 1$ and tends to 1: it matters early and "
                  r"fades, which is why it 'prevents $\hat{m}_t$ from becoming too small' in the "
                  r"first steps.",
             correction=[
                 fact(sp.Limit(1 - bp**t_large, t_large, sp.oo), "=", 1,
                      r"the denominator $1 - \beta_1^t$ tends to 1"),
                 fact(1 - bp**(tp + 1), ">=", 1 - bp**tp,
                      r"the denominator $1 - \beta_1^t$ increases with $t$"),
                 fact(1 - bp**tp, ">=", 1 - bp,
                      r"$1 - \beta_1^t \ge 1 - \beta_1 > 0$ for every $t \ge 1$"),
             ]),
    ],
)
