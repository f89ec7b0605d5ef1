"""Sharif THW2, Question 3 a and c: the gradients of an L2-regularized sigmoid unit, and one SGD
step.

Source: 002_f457ea5a82bac99a.txt, Question 3, parts a and c (a student's solution; the question
text was lost in conversion). Setting read off the solution: a scalar input x, weight w and bias
b, z = w x + b, y = sigma(z) (logistic), the loss L = (y - t)^2 / 2 with target t (dL/dy =
y - t), a regularizer R with dR/dw = lambda w, i.e. R = lambda w^2 / 2, and L_reg = L + R
(dL_reg/dR = 1, as the solution's first line says). In the common statement of this exercise
(Grosse's CSC321 notes: L_reg = L + lambda R with R = w^2 / 2) dL_reg/dR would be lambda instead;
every other gradient is the same in both readings.

Each line "dL_reg/du = (chain-rule product) = value" is a derivative fact (central finite
differences, engine.ops.jacobian) followed by the value. A derivative with respect to a node of
the computation (y, z, L, R) holds that node as the variable, as backprop does.
"""
import sympy as sp

from engine import Derivation, REFUTED, Scope, Source, eq, fact, holds
from engine.ops import jacobian, scalar_of

DOCUMENT = "002_f457ea5a82bac99a.txt"


def sigma(u):
    return 1 / (1 + sp.exp(-u))


def d(f, u):
    """df/du as a scalar (jacobian gives a 1 x 1 matrix for scalars)."""
    return scalar_of(jacobian(f, u))


def times(*factors):
    return sp.Mul(*factors, evaluate=False)


def dd(f, u):
    """The LaTeX of the partial derivative of f by u, for the justifications."""
    return r"\frac{\partial %s}{\partial %s}" % (f, u)


UPSTREAM = r"$= (y - t) \times \sigma(z) \times (1 - \sigma(z))$"


# -- a: every gradient ------------------------------------------------------------------------
S = Scope()
w, x, b, t = S.scalars("w x b t")
lam = S.scalar("lambda", "positive")
z = S.define("z", w * x + b)
y = S.define("y", sigma(z))
L = S.define("L", (y - t) ** 2 / 2)
R = S.define("R", lam * w ** 2 / 2)
L_reg = S.define("L_reg", L + R)
sigma_prime = times(sigma(z), 1 - sigma(z))              # sigma(z) x (1 - sigma(z))
upstream = times(y - t, sigma(z), 1 - sigma(z))          # (y - t) x sigma(z) x (1 - sigma(z))
through_z = times(d(L_reg, L), d(L, y), d(y, z))         # dL_reg/dL dL/dy dy/dz

gradients = Derivation(
    id="sharif-thw2/q3a",
    title=r"Gradients of an $L_2$-regularized sigmoid unit (backprop through $z = wx + b$, "
          r"$y = \sigma(z)$)",
    source=Source(DOCUMENT, "Question 3 a"),
    scope=S,
    notes=r"$z = wx + b$, $y = \sigma(z)$, $L = (y - t)^2/2$, $R = \lambda w^2/2$, "
          r"$L_{reg} = L + R$ (read off the solution, see the module docstring). Derivatives by "
          r"central finite differences; with respect to a node ($L$, $R$, $y$, $z$) the node is "
          r"held as the variable.",
    chain=[
        fact(d(L_reg, R), "=", 1, "$" + dd("L_{reg}", "R") + " = 1$"),
        fact(d(L_reg, y), "=", times(lam, d(L, y)),
             r"$\frac{\partial L_{reg}}{\partial y} = \frac{\lambda}{\partial L} "
             r"\frac{\partial L}{\partial y}$, read as $\lambda \frac{\partial L}{\partial y}$ "
             r"(the $\partial L$ cancelling)",
             expect=REFUTED,
             note=r"As written, $\frac{\lambda}{\partial L} \frac{\partial L}{\partial y}$ is "
                  r"no chain-rule product: read literally it is $\lambda (y - t)$, which is not "
                  r"$\partial L_{reg}/\partial y = y - t$ (the regularizer does not depend on "
                  r"$y$). Probably $\frac{\partial L_{reg}}{\partial L}$ garbled, in the "
                  r"solution or its conversion; the value the line gives, $y - t$, is right.",
             correction=[eq(times(d(L_reg, L), d(L, y)),
                            r"$\frac{\partial L_{reg}}{\partial L} "
                            r"\frac{\partial L}{\partial y}$"),
                         eq(y - t, r"$= y - t$")]),
        fact(d(L_reg, y), "=", y - t, r"$\frac{\partial L_{reg}}{\partial y} = y - t$"),
        fact(d(L_reg, z), "=", times(d(L_reg, L), d(L, y)),
             "$" + dd("L_{reg}", "z") + " = " + dd("L_{reg}", "L") + dd("L", "y") + " = y - t$",
             expect=REFUTED,
             note=r"As written, this line repeats the product and value of "
                  r"$\partial L_{reg}/\partial y$ under the label $\partial L_{reg}/\partial z$: "
                  r"$\partial L_{reg}/\partial z$ lacks the factor $\partial y/\partial z = "
                  r"\sigma(z)(1 - \sigma(z))$, which is at most $1/4$, so the two never agree "
                  r"when $y \ne t$. Probably a slip of the student or of the conversion (the next "
                  r"line gives the right $\partial L_{reg}/\partial z$); the correction is that "
                  r"next line.",
             correction=[eq(through_z, "$" + dd("L_{reg}", "z") + " = " + dd("L_{reg}", "L")
                            + dd("L", "y") + dd("y", "z") + "$"),
                         eq(upstream, UPSTREAM)]),
        eq(y - t, "$= y - t$ (the value of the product written, "
                  "$" + dd("L_{reg}", "L") + dd("L", "y") + "$)"),
        fact(d(L_reg, z), "=", through_z,
             "$" + dd("L_{reg}", "z") + " = " + dd("L_{reg}", "L") + dd("L", "y") + dd("y", "z")
             + "$"),
        eq(upstream, UPSTREAM),
        fact(d(L_reg, w), "=", times(d(L_reg, L), d(L, y), d(y, z), d(z, w))
             + times(d(L_reg, R), d(R, w)),
             "$" + dd("L_{reg}", "w") + " = " + dd("L_{reg}", "L") + dd("L", "y") + dd("y", "z")
             + dd("z", "w") + " + " + dd("L_{reg}", "R") + dd("R", "w") + "$"),
        eq(times(y - t, sigma(z), 1 - sigma(z), x) + times(lam, w),
           r"$= (y - t) \times \sigma(z) \times (1 - \sigma(z)) \times x + \lambda \times w$"),
        fact(d(L_reg, x), "=", times(d(L_reg, L), d(L, y), d(y, z), d(z, x)),
             "$" + dd("L_{reg}", "x") + " = " + dd("L_{reg}", "L") + dd("L", "y") + dd("y", "z")
             + dd("z", "x") + "$"),
        eq(times(y - t, sigma(z), 1 - sigma(z), w),
           r"$= (y - t) \times \sigma(z) \times (1 - \sigma(z)) \times w$"),
        fact(d(L_reg, b), "=", times(d(L_reg, L), d(L, y), d(y, z), d(z, b)),
             "$" + dd("L_{reg}", "b") + " = " + dd("L_{reg}", "L") + dd("L", "y") + dd("y", "z")
             + dd("z", "b") + "$"),
        eq(times(y - t, sigma(z), 1 - sigma(z), 1),
           r"$= (y - t) \times \sigma(z) \times (1 - \sigma(z)) \times 1$"),
        eq(upstream, UPSTREAM),
    ],
)


# -- c: one SGD step with learning rate 0.1 ---------------------------------------------------
S = Scope()
w_0, x_0, b_0, t = S.scalars("w_0 x_0 b_0 t")
x = S.scalar("x")                                             # the 'x' the w-update writes
lam = S.scalar("lambda", "positive")
rate = sp.Rational(1, 10)
z_0 = w_0 * x_0 + b_0
L_reg_0 = (sigma(z_0) - t) ** 2 / 2 + lam * w_0 ** 2 / 2      # L_reg at (w_0, b_0, x_0)
w_step = w_0 - rate * d(L_reg_0, w_0)                         # one SGD step at the example (x_0, t)


def w_update(input_):
    return w_0 - rate * (times(sigma(z_0) - t, sigma(z_0), 1 - sigma(z_0), input_)
                         + times(lam, w_0))


sgd = Derivation(
    id="sharif-thw2/q3c",
    title="One SGD step (learning rate 0.1) for the L2-regularized sigmoid unit",
    source=Source(DOCUMENT, "Question 3 c"),
    scope=S,
    notes=r"One SGD step $w_1 = w_0 - 0.1\, \partial L_{reg}/\partial w$, "
          r"$b_1 = b_0 - 0.1\, \partial L_{reg}/\partial b$ at the example $(x_0, t)$, the "
          r"derivatives by finite differences, against the solution's formulas. The $w$-update "
          r"as written multiplies by $x$, a symbol of its own here; 't is the output of network "
          r"for input $x_0$' is checked as the statement $t = \sigma(w_0 x_0 + b_0)$.",
    chain=[
        fact(w_step, "=", w_update(x),
             r"Update rule for $w$: $w_1 = w_0 - 0.1 \times ((\sigma(w_0 x_0 + b_0) - t) \times "
             r"\sigma(w_0 x_0 + b_0) \times (1 - \sigma(w_0 x_0 + b_0)) \times x + \lambda "
             r"\times w_0)$",
             expect=REFUTED,
             note=r"The update multiplies by $x$, but the step is taken at the example's input "
                  r"$x_0$ (every other factor is evaluated at $x_0$); with $x \ne x_0$ the "
                  r"formula is not the gradient step. A slip for $x_0$.",
             correction=[eq(w_update(x_0), r"with $x_0$ in place of $x$")]),
        fact(b_0 - rate * d(L_reg_0, b_0), "=",
             b_0 - rate * times(sigma(z_0) - t, sigma(z_0), 1 - sigma(z_0)),
             r"Update rule for $b$: $b_1 = b_0 - 0.1 \times (\sigma(w_0 x_0 + b_0) - t) \times "
             r"\sigma(w_0 x_0 + b_0) \times (1 - \sigma(w_0 x_0 + b_0))$"),
        fact(t, "=", sigma(z_0), r"$t$ is the output of network for input $x_0$",
             expect=REFUTED,
             note=r"$t$ is the target of the example $(x_0, t)$, which the loss "
                  r"$L = (y - t)^2/2$ compares the network's output $y = \sigma(w_0 x_0 + b_0)$ "
                  r"with; it is free, not the output. Were it the output, the loss would be 0 "
                  r"and both updates would lose their data term, as the correction shows.",
             correction=[holds(sp.Implies(sp.Eq(t, sigma(z_0)),
                                          sp.Eq(w_update(x_0), w_0 - rate * lam * w_0)),
                               r"were $t$ the output $\sigma(w_0 x_0 + b_0)$, the $w$-update "
                               r"would be $w_0 - 0.1 \lambda w_0$: the example would teach "
                               r"nothing")]),
    ],
)
