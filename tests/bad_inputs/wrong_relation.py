"""A step written with a relation the engine does not know: fails when the module is imported."""
from engine import Derivation, Scope, Source, step

S = Scope()
x = S.scalar("x")

wrong_relation = Derivation(
    id="bad/wrong-relation",
    title="a step with the relation '=!'",
    source=Source("bad_inputs", "wrong relation"),
    scope=S,
    chain=[x + x, step("=!", 2 * x, "typo for =")],
)
