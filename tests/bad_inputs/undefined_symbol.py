"""A step uses a SymPy symbol `z` that the scope never declares."""
import sympy as sp

from engine import Derivation, Scope, Source, eq

S = Scope()
a = S.scalar("a")
z = sp.Symbol("z", real=True)          # not declared in S

undefined_symbol = Derivation(
    id="bad/undefined-symbol",
    title="a step with an undeclared symbol",
    source=Source("bad_inputs", "undefined symbol"),
    scope=S,
    chain=[a * (a + 1), eq(a**2 + a * z, "z should have been 1")],
)
