"""Sharif THW2, Question 3 b, "1. Symmetry Issues": "If all the weights are initialized to the
same value, the neurons in a layer will learn the same features during training".

Source: 002_f457ea5a82bac99a.txt, Question 3 b (the other three points of the answer are prose).
Checked on the smallest case: two hidden sigmoid neurons y = v1 sigma(w1 x) + v2 sigma(w2 x)
with squared loss L = (y - t)^2 / 2, initialized with w1 = w2 = w and v1 = v2 = v. The two
neurons get the same gradients, so one gradient step (any step size eta) keeps them equal, and
by induction every later step does: they compute the same feature for ever.
"""
import sympy as sp

from engine import Derivation, Scope, Source, fact
from engine.ops import jacobian, scalar_of

S = Scope()
x, t, w, v = S.scalars("x t w v")
eta = S.scalar("eta", "positive")
w1, w2 = S.define("w_1", w), S.define("w_2", w)    # the same initial value for both neurons
v1, v2 = S.define("v_1", v), S.define("v_2", v)


def sigma(u):
    return 1 / (1 + sp.exp(-u))


def d(f, u):
    return scalar_of(jacobian(f, u))


L = S.define("L", (v1 * sigma(w1 * x) + v2 * sigma(w2 * x) - t) ** 2 / 2)

symmetry = Derivation(
    id="sharif-thw2/q3b",
    title="Symmetric initialization: two neurons initialized alike get equal gradients and stay alike",
    source=Source("002_f457ea5a82bac99a.txt", "Question 3 b, 1. Symmetry Issues"),
    scope=S,
    chain=[
        fact(d(L, w1), "=", d(L, w2), "the neurons' incoming weights get the same gradient"),
        fact(d(L, v1), "=", d(L, v2), "and so do their outgoing weights"),
        fact(w1 - eta * d(L, w1), "=", w2 - eta * d(L, w2),
             "after a gradient step the incoming weights are still equal"),
        fact(v1 - eta * d(L, v1), "=", v2 - eta * d(L, v2),
             "and the outgoing weights too: the neurons will learn the same features"),
    ],
)
