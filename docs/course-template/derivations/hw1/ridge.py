"""HW1 Q1: the expected squared norm of X w for w ~ N(0, I/d) is tr(X^T X) / d."""
from engine import Derivation, Scope, Source, claim, eq
from engine.distributions import Normal
from engine.ops import E, sqnorm, tr

S = Scope()                                        # the symbols of this derivation
d, N = S.dims("d N")                               # dimensions: sampled in 1..5
X = S.matrix("X", N, d)                            # any N x d matrix
H = S.define("H", X.T * X, "symmetric")            # an abbreviation
w = S.random_vector("w", d, Normal(0, 1 / d))      # i.i.d. N(0, 1/d) entries

ridge = Derivation(
    id="hw1/ridge", title="Expected squared norm of a random projection",
    source=Source("homework/hw1.tex", "Q1"),
    scope=S,
    claim=claim(E(sqnorm(X * w)), "=", tr(H) / d),
    chain=[
        E(sqnorm(X * w)),
        eq(tr(X * X.T) / d, "E[w^T A w] = tr(A) / d for w ~ N(0, I/d)"),
        eq(tr(H) / d, "cyclic property of the trace"),
    ],
)
