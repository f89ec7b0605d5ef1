"""Steps undefined on the whole sampled (real) domain: the log of a number that is always
negative, and a division by an expression that is identically zero."""
import sympy as sp

from engine import Derivation, Scope, Source, eq

S = Scope()
a = S.scalar("a", "real")
zero = (a + 1)**2 - a**2 - 2*a - 1          # 0 for every a, but SymPy keeps it unexpanded

log_of_negative = Derivation(
    id="bad/log-of-negative",
    title="2 log(-1 - a^2) = log((1 + a^2)^2)",
    source=Source("bad_inputs", "log of a negative number"),
    scope=S,
    chain=[2 * sp.log(-1 - a**2), eq(sp.log((1 + a**2)**2), "log of a square")],
)

division_by_zero = Derivation(
    id="bad/division-by-zero",
    title="a / 0 = 2a / (2 * 0)",
    source=Source("bad_inputs", "division by zero"),
    scope=S,
    chain=[a / zero, eq(2 * a / (2 * (a + 1)**2 - 2*a**2 - 4*a - 2),
                        "multiply above and below by 2")],
)
