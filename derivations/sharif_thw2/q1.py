"""Sharif THW2, Question 1 d and e (a student's solution; the question texts were lost).

Source: 002_f457ea5a82bac99a.txt, Question 1, parts d and e.
d: the parameter count of an MLP with a 20-dimensional input, five hidden layers of 10 neurons
   and one output (read off the solution's formula).
e: softmax regression with two outputs against logistic regression. The solution substitutes
   w_s1 = w_l, w_s2 = -w_l, b_s1 = b_l, b_s2 = -b_l and stops, implying the two models then
   agree. They do not: the first softmax output becomes sigma(2(w_l . x + b_l)). Any
   substitution with w_s1 - w_s2 = w_l and b_s1 - b_s2 = b_l does give sigma(w_l . x + b_l).
"""
import sympy as sp

from engine import Derivation, Scope, Source, eq, fact, REFUTED
from engine.ops import inner

DOCUMENT = "002_f457ea5a82bac99a.txt"


def unevaluated(*factors):
    return sp.Mul(*factors, evaluate=False)


def plus(*terms):
    return sp.Add(*terms, evaluate=False)


widths = [20, 10, 10, 10, 10, 10, 1]                       # input, five hidden layers, output
per_layer = [unevaluated(plus(n_in, 1), n_out) for n_in, n_out in zip(widths, widths[1:])]

count = Derivation(
    id="sharif-thw2/q1d",
    title="Parameter count of a 20-10-10-10-10-10-1 MLP",
    source=Source(DOCUMENT, "Question 1 d"),
    scope=Scope(),
    chain=[
        fact(sp.Add(*per_layer, evaluate=False), "=",
             plus(unevaluated(plus(20, 1), 10), unevaluated(4, plus(10, 1), 10),
                  unevaluated(plus(10, 1), 1)),
             "Total = (input + 1) x first hidden + 4 x (hidden + 1) x hidden + (last hidden + 1)"
             " x output, one (inputs + 1) x outputs block per layer"),
        eq(plus(unevaluated(21, 10), unevaluated(4, 11, 10), 11), "arithmetic"),
        eq(plus(210, 440, 11), "arithmetic"),
        eq(sp.Integer(661), "Total Params = 661"),
    ],
)

S = Scope()
n = S.dim("n")
x = S.vector("x", n)
w_l, w_s1, w_s2 = (S.vector(name, n) for name in ("w_l", "w_s1", "w_s2"))
b_l = S.scalar("b_l")


def sigmoid(z):
    return 1 / (1 + sp.exp(-z))


a = inner(w_l.T, x) + b_l                                   # the logistic logit w_l . x + b_l
Z = sp.exp(a) + sp.exp(-a)                                  # softmax normaliser after substitution

softmax_vs_logistic = Derivation(
    id="sharif-thw2/q1e",
    title="Softmax regression with two outputs vs logistic regression",
    source=Source(DOCUMENT, "Question 1 e"),
    scope=S,
    chain=[
        fact(2 * n + 2, "=", 2 * (n + 1),
             "the second method has twice the number of parameters: softmax has two weight "
             "vectors and two biases, logistic regression one of each"),
        fact(sp.exp(inner(w_l.T, x) + b_l) / (sp.exp(inner(w_l.T, x) + b_l)
                                              + sp.exp(inner((-w_l).T, x) - b_l)),
             "=", sp.exp(a) / Z,
             r"with $w_{s1} = w_l$, $w_{s2} = -w_l$, $b_{s1} = b_l$, $b_{s2} = -b_l$ the first "
             r"output is $e^{w_l \cdot x + b_l} / Z$"),
        fact(sp.exp(a) / Z, "=", sigmoid(a),
             "implied by the solution: with these substitutions softmax regression is logistic "
             "regression",
             expect=REFUTED,
             note=r"The substitution doubles the logit: $e^a / (e^a + e^{-a}) = 1 / (1 + e^{-2a}) "
                  r"= \sigma(2a)$, not $\sigma(a)$. Softmax only depends on the difference of its "
                  r"logits, so the substitution must make $w_{s1} - w_{s2} = w_l$ and "
                  r"$b_{s1} - b_{s2} = b_l$.",
             correction=[eq(sigmoid(2 * a), r"the first output is "
                                            r"$\sigma(2(w_l \cdot x + b_l))$")]),
        fact(sp.exp(inner(w_l.T, x) + b_l) / (sp.exp(inner(w_l.T, x) + b_l) + sp.exp(0)), "=",
             sigmoid(a),
             r"corrected substitution: $w_{s1} = w_l$, $b_{s1} = b_l$, $w_{s2} = 0$, $b_{s2} = 0$ "
             r"gives $e^a / (e^a + 1) = \sigma(a)$, so logistic regression is softmax regression "
             r"with one logit pinned to zero"),
    ],
)
