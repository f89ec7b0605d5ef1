"""Sharif THW2, Question 1 c: why initializing a sigmoid network with large positive weights is
a poor start (the question text was lost in conversion; the answer is "No").

Source: 002_f457ea5a82bac99a.txt, Question 1 c. The answer's two bullets are prose; the facts
they rest on are checked here: the sigmoid squashes its input into (0, 1), its derivative is
sigma(z)(1 - sigma(z)), at most 1/4, and it saturates: the derivative is below e^{-|z|}, so a
pre-activation made large by large weights gives a vanishing gradient.
"""
import sympy as sp

from engine import Derivation, Scope, Source, fact, holds
from engine.ops import jacobian, scalar_of

S = Scope()
z = S.scalar("z")


def sigma(u):
    return 1 / (1 + sp.exp(-u))


derivative = scalar_of(jacobian(sigma(z), z))

saturation = Derivation(
    id="sharif-thw2/q1c",
    title="Sigmoid saturation: outputs in (0, 1), derivative at most 1/4 and vanishing for large |z|",
    source=Source("002_f457ea5a82bac99a.txt", "Question 1 c"),
    scope=S,
    chain=[
        holds(sp.And(sigma(z) > 0, sigma(z) < 1),
              "Sigmoid activation functions squash their input values to a range between 0 and 1"),
        fact(derivative, "=", sigma(z) * (1 - sigma(z)),
             "the gradient through a sigmoid is sigma(z)(1 - sigma(z))"),
        holds(sigma(z) * (1 - sigma(z)) <= sp.Rational(1, 4),
              "so every gradient through a sigmoid is scaled by at most 1/4"),
        holds(sigma(z) * (1 - sigma(z)) <= sp.exp(-sp.Abs(z)),
              "The sigmoid function has a tendency to saturate, leading to small gradients: "
              "with large weights |z| is large and the gradient is below e^{-|z|}"),
    ],
)
