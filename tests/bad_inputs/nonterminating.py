"""A step whose numeric evaluation does not end in any reasonable time: a sum of 10^12 terms."""
import sympy as sp

from engine import Derivation, Scope, Source, eq

S = Scope()
x = S.scalar("x")
k = sp.Symbol("k", integer=True, positive=True)

nonterminating = Derivation(
    id="bad/nonterminating",
    title="a sum with 10^12 terms",
    source=Source("bad_inputs", "non-terminating evaluation"),
    scope=S,
    chain=[sp.Sum(x / k**2, (k, 1, 10**12)), eq(x * sp.Sum(1 / k**2, (k, 1, 10**12)),
                                                   "take x out of the sum")],
)
