"""Every step holds, but the chain ends somewhere other than the claimed right side."""
from engine import Derivation, Scope, Source, claim, eq

S = Scope()
x = S.scalar("x")

misses_claim = Derivation(
    id="bad/misses-claim",
    title="a chain that does not reach its claim",
    source=Source("bad_inputs", "chain misses claim"),
    scope=S,
    claim=claim((x + 1)**2, "=", x**2 + 1),
    chain=[(x + 1)**2, eq(x**2 + 2*x + 1, "expand")],
)
