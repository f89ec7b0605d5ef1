"""Cases from the faithfulness pass over the four source documents (issue 19): the statements
the corpus now checks, and one the statistical checker gets wrong."""
from engine.adversary import derivation

CASES = [
    derivation("interval-probability-of-a-negatively-scaled-uniform", '''
import sympy as sp
from engine import Derivation, Scope, Source, fact
from engine.distributions import Uniform
from engine.ops import E
S = Scope()
c = S.scalar("c", "positive")
a, b, z = S.scalars("a b z")
w = S.random("w", Uniform(-1, 1))
inside = sp.Piecewise((1, sp.And(-c * w > a, -c * w < a + sp.Abs(b))), (0, True))
density = sp.Piecewise((1 / (2 * c), (z / c >= -1) & (z / c <= 1)), (0, True))   # of z = -c w
case = Derivation(id="adv/uniform-interval", title="P(a < -cw < a + |b|)",
                  source=Source("adv", "1"), scope=S,
                  chain=[fact(E(inside), "=", sp.Integral(density, (z, a, a + sp.Abs(b))))])
''', truth=True, how="z = -c w is uniform on (-c, c) with density 1/(2c) there, so both sides are "
                     "the length of (a, a + |b|) within (-c, c) over 2c; at c = 3, a = 0, b = -2 "
                     "both are (2/6) = 1/3, while the engine reports the left side as 0"),
    derivation("relu-outputs-of-one-activation-are-independent", '''
import sympy as sp
from engine import Derivation, Scope, Source, fact
from engine.distributions import Normal
from engine.ops import E
S = Scope()
s = S.random("s", Normal(0, 1))
x_1, x_2 = sp.Max(0, s), sp.Max(0, 2 * s)
case = Derivation(id="adv/relu-dependent", title="E[x1 x2] = E[x1] E[x2]", source=Source("adv", "1"),
                  scope=S, chain=[fact(E(x_1 * x_2), "=", E(x_1) * E(x_2))])
''', truth=False, how="E[2 max(0,s)^2] = 1 while E[max(0,s)] E[max(0,2s)] = 2/(2 pi) = 1/pi "
                      "(E[max(0,s)] = 1/sqrt(2 pi), E[max(0,s)^2] = 1/2)"),
    derivation("ratio-213504-over-78592-to-two-decimals-is-2.71", '''
import sympy as sp
from engine import Derivation, Scope, Source, fact
ratio = sp.Rational(213504, 78592)
case = Derivation(id="adv/two-decimals", title="2.71", source=Source("adv", "1"), scope=Scope(),
                  chain=[fact(sp.floor(100 * ratio + sp.Rational(1, 2)) / 100, "=",
                              sp.Rational(271, 100))])
''', truth=False, how="213504/78592 = 2.71656..., 100 x + 1/2 = 272.16, floor 272: it rounds "
                      "to 2.72"),
    derivation("gaussian-dropout-expected-gradient-with-inputs-fixed", '''
import sympy as sp
from engine import Derivation, Scope, Source, fact
from engine.distributions import Normal
from engine.ops import E
S = Scope()
alpha = S.scalar("alpha", "positive")
y, w_1, w_2, x_1, x_2 = S.scalars("y w_1 w_2 x_1 x_2")
e_1, e_2 = (S.random(f"e_{i}", Normal(0, 1)) for i in (1, 2))
r = sp.sqrt(alpha)
J = (y - (w_1 + r * w_1 * e_1) * x_1 - (w_2 + r * w_2 * e_2) * x_2)**2 / 2
case = Derivation(id="adv/dropout-gradient", title="E[dJ/dw_1]", source=Source("adv", "1"),
                  scope=S, chain=[fact(E(sp.diff(J, w_1)), "=",
                                       -(y - w_1 * x_1 - w_2 * x_2) * x_1 + alpha * w_1 * x_1**2)])
''', truth=True, how="dJ/dw_1 = -(y - sum_j w_j (1 + r e_j) x_j)(1 + r e_1) x_1; with E[e] = 0, "
                     "E[e_i e_j] = [i = j] the cross terms vanish and r^2 w_1 x_1 E[e_1^2] x_1 = "
                     "alpha w_1 x_1^2 remains"),
]
