"""Sharif THW2, Question 4 a: Adam's update written out, and what its bias corrections promise.

Source: 002_f457ea5a82bac99a.txt, Question 4, part a (steps 1-6 of the solution). The steps are
definitions; what they claim is that dividing by 1 - beta^t removes the bias of the moment
estimates ("This prevents bias towards zero", "This ensures unbiased estimates"). Under
stationary gradients (g_1, ..., g_t i.i.d. with mean mu and variance s) that holds exactly for
every t: E[m_hat_t] = E[g] and E[v_hat_t] = E[g^2]. It is checked here for t = 1, ..., 4 from
the recursions themselves (m_0 = v_0 = 0), with E computed exactly.
"""
import sympy as sp

from engine import Derivation, Scope, Source, fact
from engine.distributions import Normal
from engine.ops import E

S = Scope()
beta_1 = S.scalar("beta_1", "real", interval=(0, 1))
beta_2 = S.scalar("beta_2", "real", interval=(0, 1))
mu = S.scalar("mu")
s = S.scalar("s", "positive")
T = 4
g = S.random_vector("g", T, Normal(mu, s))          # stationary gradients g_1..g_T


def moments_after(t):
    """m_t and v_t from m_t = beta_1 m_{t-1} + (1 - beta_1) g_t (and the same for v with
    beta_2 and g_t^2), starting at m_0 = v_0 = 0."""
    m, v = sp.Integer(0), sp.Integer(0)
    for i in range(t):
        m = beta_1 * m + (1 - beta_1) * g[i, 0]
        v = beta_2 * v + (1 - beta_2) * g[i, 0] ** 2
    return m, v


facts = []
for t in range(1, T + 1):
    m_t, v_t = moments_after(t)
    facts.append(fact(E(m_t / (1 - beta_1 ** t)), "=", mu,
                      f"$t = {t}$: " + r"$\hat{m}_t = m_t / (1 - \beta_1^t)$ 'prevents bias "
                      r"towards zero': $E[\hat{m}_t] = E[g]$"))
    facts.append(fact(E(v_t / (1 - beta_2 ** t)), "=", s + mu ** 2,
                      f"$t = {t}$: " + r"$\hat{v}_t = v_t / (1 - \beta_2^t)$ 'ensures unbiased "
                      r"estimates': $E[\hat{v}_t] = E[g^2]$"))

adam = Derivation(
    id="sharif-thw2/q4a",
    title="Adam: the bias-corrected moment estimates are unbiased under stationary gradients",
    source=Source("002_f457ea5a82bac99a.txt", "Question 4 a"),
    scope=S,
    chain=facts,
)
