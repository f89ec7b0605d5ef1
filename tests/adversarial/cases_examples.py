"""Examples from the issue that found the problems, kept as they were reported."""
from engine.adversary import derivation, equal, latex

CASES = [
    equal("max-of-uniform-above-support", "E(Max(X, 5))", "5", where="X: uniform(10, 20)",
          truth=False, how="X >= 10 > 5, so max(X, 5) = X and E = 15 exactly"),
    equal("tiny-constant-difference", "x**2 + 10**-9", "x**2", truth=False,
          how="the difference is the exact rational 1/10^9, nonzero"),
    latex("sin-double-angle", r"\sin 2x", r"2 \sin x \cos x", truth=True,
          how="the double-angle identity"),
    derivation("fact-in-the-middle", '''
from engine import Derivation, Scope, Source, claim, fact
S = Scope()
x = S.scalar("x")
case = Derivation(id="adv/fact-middle", title="fact in the middle", source=Source("adv", "1"),
                  scope=S, claim=claim(x, "=", x + 1), chain=[x, fact(x + 1, "=", x + 1)])
''', truth=False, how="x = x + 1 has no real solution"),
]
