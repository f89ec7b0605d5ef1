"""Sharif THW2, Question 1 c: why initializing a sigmoid network with large positive weights is
a poor start (the question text was lost in conversion; the answer is "No").

Source: 002_f457ea5a82bac99a.txt, Question 1 c. The answer's two bullets are prose; the facts
they rest on are checked here: the sigmoid squashes its input into (0, 1), its derivative is
sigma(z)(1 - sigma(z)), at most 1/4, and it saturates: the derivative is below e^{-|z|}, so a
pre-activation made large by large weights gives a vanishing gradient.
"""
import sympy as sp

from engine import Derivation, REFUTED, Scope, Source, fact, holds
from engine.ops import jacobian, scalar_of

S = Scope()
z = S.scalar("z")
p = S.scalar("p", "real", interval=(0, 1))


def sigma(u):
    return 1 / (1 + sp.exp(-u))


derivative = scalar_of(jacobian(sigma(z), z))

saturation = Derivation(
    id="sharif-thw2/q1c",
    title=r"Sigmoid saturation: outputs in $(0, 1)$, derivative at most $1/4$ and vanishing for "
          r"large $|z|$",
    source=Source("002_f457ea5a82bac99a.txt", "Question 1 c"),
    scope=S,
    chain=[
        holds(sp.And(sigma(z) > 0, sigma(z) < 1),
              "Sigmoid activation functions squash their input values to a range between 0 and 1"),
        fact(derivative, "=", sigma(z) * (1 - sigma(z)),
             r"the gradient through a sigmoid is $\sigma(z)(1 - \sigma(z))$"),
        holds(sigma(z) * (1 - sigma(z)) <= sp.Rational(1, 4),
              "so every gradient through a sigmoid is scaled by at most 1/4"),
        holds(sigma(z) * (1 - sigma(z)) <= sp.exp(-sp.Abs(z)),
              "The sigmoid function has a tendency to saturate, leading to small gradients: "
              r"with large weights $|z|$ is large and the gradient is below $e^{-|z|}$"),
        holds(sp.Ne(sigma(sp.log(p / (1 - p))), p, evaluate=False),
              r"Output Range Issues: Sigmoid functions output values in the range of (0, 1). In a "
              r"classification task, where the goal is often to predict probabilities, this might "
              r"not be ideal: checked as 'no $z$ gives $\sigma(z) = p$' for a probability "
              r"$p \in (0, 1)$",
              expect=REFUTED,
              note=r"The range $(0, 1)$ is exactly the open set of probabilities: every "
                   r"$p \in (0, 1)$ is $\sigma(z)$ at $z = \log(p/(1 - p))$, which is why "
                   r"logistic outputs are read as probabilities. Confident predictions near 0 or "
                   r"1 only need a large $|z|$; the real drawback is the saturation of the first "
                   r"bullet.",
              correction=[holds(sp.Eq(sigma(sp.log(p / (1 - p))), p, evaluate=False),
                                r"$\sigma(\log(p/(1 - p))) = p$ for every $p \in (0, 1)$")]),
    ],
)
