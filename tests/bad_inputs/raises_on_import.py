"""A module whose own code raises while it is imported."""
from engine import Derivation, Scope, Source, eq

S = Scope()
x = S.scalar("x")
weights = {"x": x}

raises_on_import = Derivation(
    id="bad/raises-on-import",
    title="a module with a KeyError at import",
    source=Source("bad_inputs", "raises on import"),
    scope=S,
    chain=[weights["x"] * 2, eq(weights["y"], "no such key")],
)
