"""A correct derivation beside the broken ones: it must still be checked, and pass."""
import sympy as sp

from engine import Derivation, Scope, Source, claim, eq

S = Scope()
n = S.dim("n")
A, B = S.matrix("A", n, n), S.matrix("B", n, n)
a, b = S.scalars("a b")

good = Derivation(
    id="bad/good",
    title="a correct chain among broken ones",
    source=Source("bad_inputs", "good"),
    scope=S,
    claim=claim((a + b)**2, "=", a**2 + 2*a*b + b**2),
    chain=[(a + b)**2,
           eq(a**2 + 2*a*b + b**2, "binomial square"),
           ],
)

trace = Derivation(
    id="bad/good-trace",
    title="cyclic trace",
    source=Source("bad_inputs", "good"),
    scope=S,
    chain=[sp.Trace(A * B), eq(sp.Trace(B * A), "cyclic property")],
)
