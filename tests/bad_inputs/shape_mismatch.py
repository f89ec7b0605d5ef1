"""Matrix products of incompatible symbolic shapes, built with sp.MatMul so SymPy does not
reject them when the module is imported: an (n x m) matrix times an (n x m) matrix, n != m."""
import sympy as sp

from engine import Derivation, Scope, Source, eq

S = Scope()
n = S.dim("n", 2, 3)
m = S.dim("m", 4, 5)
A = S.matrix("A", n, m)
B = S.matrix("B", n, m)

shape_mismatch = Derivation(
    id="bad/shape-mismatch",
    title="the trace of an n x m matrix times an n x m matrix",
    source=Source("bad_inputs", "shape mismatch"),
    scope=S,
    chain=[sp.Trace(sp.MatMul(A, B)), eq(sp.Trace(sp.MatMul(B, A)), "cyclic property")],
)

# The same mismatch where both sides are the same SymPy expression (A B + A B = 2 A B).
shape_mismatch_identical = Derivation(
    id="bad/shape-mismatch-identical",
    title="A B + A B = 2 A B with A B undefined",
    source=Source("bad_inputs", "shape mismatch"),
    scope=S,
    chain=[sp.MatMul(A, B) + sp.MatMul(A, B), eq(2 * sp.MatMul(A, B), "collect")],
)
