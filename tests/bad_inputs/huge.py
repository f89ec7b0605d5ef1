"""Huge expressions: (x + 1)^2000 against its expansion (2001 terms, 600-digit coefficients),
and (x + 1)^32 against its expansion, where float64 evaluation of the expanded side cancels
catastrophically."""
import sympy as sp

from engine import Derivation, Scope, Source, eq

S = Scope()
x = S.scalar("x")

huge = Derivation(
    id="bad/huge-expansion",
    title="(x + 1)^2000 expanded",
    source=Source("bad_inputs", "huge expression"),
    scope=S,
    chain=[(x + 1)**2000, eq(sp.expand((x + 1)**2000), "binomial theorem")],
)

cancellation = Derivation(
    id="bad/expansion-cancellation",
    title="(x + 1)^32 expanded",
    source=Source("bad_inputs", "huge expression"),
    scope=S,
    chain=[(x + 1)**32, eq(sp.expand((x + 1)**32), "binomial theorem")],
)
