"""Chains and claims written to pass the gate while establishing nothing (issue 16, item 2).

Each module is checked with `check all --path`; a false one must not exit 0. The truth of each
is the truth of its claim *as carried by its chain*: a chain that does not carry its claim is
false even when the claim happens to hold, because the gate would certify a derivation that
does not derive it."""
from engine.adversary import derivation

HEAD = '''
import sympy as sp
from engine import Derivation, Scope, Source, claim, eq, fact, holds, step
S = Scope()
x, y = S.scalars("x y")
n = S.scalar("n", "positive_integer")
SRC = Source("adversarial", "chains")
'''


def module(body: str) -> str:
    return HEAD + body


CASES = [
    derivation("chain-fact-resets-running-expression", module('''
d = Derivation(id="adv/c1", title="t", source=SRC, scope=S,
               claim=claim(x, "=", x + 1), chain=[x, fact(x + 1, "=", x + 1)])
'''), truth=False, how="x = x + 1 has no solution; the fact x+1 = x+1 is not a link from x"),
    derivation("chain-facts-alone-with-claim", module('''
d = Derivation(id="adv/c2", title="t", source=SRC, scope=S,
               claim=claim(x**2, "=", -1), chain=[fact(x**2, ">=", 0), fact(y, "=", y)])
'''), truth=False, how="x^2 = -1 has no real solution"),
    derivation("chain-only-through-uncorrected-refutation", module('''
d = Derivation(id="adv/c3", title="t", source=SRC, scope=S,
               claim=claim(x + x, "=", 3 * x),
               chain=[x + x, step("=", 3 * x, "slip", expect="refuted", note="wrong")])
'''), truth=False, how="2x = 3x fails at x = 1; the only link is marked wrong and nothing corrects it"),
    derivation("chain-claim-via-holds-only", module('''
d = Derivation(id="adv/c4", title="t", source=SRC, scope=S,
               claim=claim(x, "=", x + 1), chain=[x, holds(x**2 >= 0)])
'''), truth=False, how="x = x + 1 is false; holds(...) is not a link of a chain"),
    derivation("chain-empty", module('''
d = Derivation(id="adv/c5", title="t", source=SRC, scope=S, chain=[])
'''), truth=False, how="an empty chain checks nothing; a gate must not pass it"),
    derivation("chain-start-only", module('''
d = Derivation(id="adv/c6", title="t", source=SRC, scope=S, chain=[x**2],
               claim=claim(x**2, "=", x**3))
'''), truth=False, how="x^2 = x^3 fails at x = 2; the chain has no step"),
    derivation("chain-no-derivation-in-module", '''
import sympy as sp
X = sp.Symbol("x")
''', truth=False, how="a folder with no derivation checks nothing; a gate must not pass it"),
    derivation("chain-le-then-ge-claims-equality", module('''
d = Derivation(id="adv/c8", title="t", source=SRC, scope=S,
               claim=claim(x**2, "=", x**2 + 1),
               chain=[x**2, step("<=", x**2 + 1, "up"), step(">=", x**2 + 1, "same")])
'''), truth=False, how="x^2 < x^2 + 1 for every x; <= then >= composes to nothing"),
    derivation("chain-strict-claim-from-weak-steps", module('''
d = Derivation(id="adv/c9", title="t", source=SRC, scope=S,
               claim=claim(x**2, "<", x**2),
               chain=[x**2, step("<=", x**2, "trivially")])
'''), truth=False, how="x^2 < x^2 is false for every x"),
    derivation("chain-approximation-claims-equality", module('''
d = Derivation(id="adv/c10", title="t", source=SRC, scope=S,
               claim=claim(sp.sin(x), "=", x),
               chain=[sp.sin(x), step("≈", x, "small angle", limit=(x, 0))])
'''), truth=False, how="sin(1) = 0.841... != 1; an approximation does not give an equality"),
    derivation("chain-implication-claims-iff", module('''
d = Derivation(id="adv/c11", title="t", source=SRC, scope=S,
               claim=claim(sp.Gt(x, 2), "<=>", sp.Gt(x, 1)),
               chain=[sp.Gt(x, 2), step("=>", sp.Gt(x, 1), "weaker")])
'''), truth=False, how="x = 1.5 satisfies x > 1 but not x > 2"),
    derivation("chain-correction-misses-claim", module('''
d = Derivation(id="adv/c12", title="t", source=SRC, scope=S,
               claim=claim((x + 1)**2, "=", x**2 + 1),
               chain=[(x + 1)**2, step("=", x**2 + 1, "forgot 2x", expect="refuted", note="2x lost",
                                       correction=[eq(x**2 + 2*x + 1, "right")])])
'''), truth=False, how="(x+1)^2 = x^2 + 2x + 1 != x^2 + 1 at x = 1; the correction ends elsewhere"),
    derivation("chain-two-compensating-slips", module('''
d = Derivation(id="adv/c13", title="t", source=SRC, scope=S,
               claim=claim(2 * x, "=", 3 * x),
               chain=[2 * x, step("=", 2 * x + 1, "slip", expect="refuted", note="+1"),
                      step("=", 3 * x, "another slip", expect="refuted", note="?")])
'''), truth=False, how="2x = 3x fails at x = 1"),
    derivation("chain-segment-after-fact-ends-at-claim", module('''
d = Derivation(id="adv/c14", title="t", source=SRC, scope=S,
               claim=claim(x**2, "=", y + 1),
               chain=[x**2, eq(x * x), fact(y, "=", y), eq(y + 1 - 1 + 1)])
'''), truth=False, how="x^2 = y + 1 fails at x = 0, y = 0; the last segment starts at y"),
    derivation("chain-sum-formula-off-by-binomial", module('''
k = S.scalar("k", "integer")
d = Derivation(id="adv/c15", title="t", source=SRC, scope=S,
               claim=claim(sp.Sum(k, (k, 1, n)), "=", n * (n + 1) / 2 + sp.binomial(n, 8)),
               chain=[sp.Sum(k, (k, 1, n)), eq(n * (n + 1) / 2 + sp.binomial(n, 8), "Gauss")])
'''), truth=False, how="at n = 8 the left side is 36 and the right side 37"),
    # true chains that must not be refuted
    derivation("chain-true-binomial", module('''
d = Derivation(id="adv/t1", title="t", source=SRC, scope=S,
               claim=claim((x + y)**2, "=", x**2 + 2*x*y + y**2),
               chain=[(x + y)**2, eq((x + y) * (x + y), "square"),
                      eq(x**2 + 2*x*y + y**2, "expand")])
'''), truth=True, how="polynomial identity, by expansion"),
    derivation("chain-true-fact-continues", module('''
d = Derivation(id="adv/t2", title="t", source=SRC, scope=S,
               claim=claim(sp.cos(x)**2, "=", 1 - sp.sin(x)**2),
               chain=[sp.cos(x)**2, fact(sp.cos(x)**2, "=", 1 - sp.sin(x)**2, "Pythagoras")])
'''), truth=True, how="sin^2 + cos^2 = 1"),
    derivation("chain-true-inequality-chain", module('''
p = S.scalar("p", "positive")
d = Derivation(id="adv/t3", title="t", source=SRC, scope=S,
               claim=claim(p + 1 / p, ">=", 2),
               chain=[p + 1 / p, eq((p**2 + 1) / p, "common denominator"),
                      step(">=", 2 * p / p, "p^2 + 1 >= 2p"), eq(2, "cancel")])
'''), truth=True, how="AM-GM: p^2 + 1 - 2p = (p - 1)^2 >= 0"),
    derivation("chain-true-strict-from-mixed", module('''
d = Derivation(id="adv/t4", title="t", source=SRC, scope=S,
               claim=claim(x**2, "<", x**2 + 2),
               chain=[x**2, step("<", x**2 + 1, "plus one"), step("<=", x**2 + 2, "plus one")])
'''), truth=True, how="< then <= composes to <"),
    derivation("chain-true-corrected", module('''
d = Derivation(id="adv/t5", title="t", source=SRC, scope=S,
               claim=claim((x + 1)**2, "=", x**2 + 2*x + 1),
               chain=[(x + 1)**2, step("=", x**2 + 1, "forgot 2x", expect="refuted", note="2x",
                                       correction=[eq(x**2 + 2*x + 1, "right")]),
                      step("=", x**2 + 2*x + 1, "and back", expect="refuted", note="from x^2+1")])
'''), truth=True, how="(x+1)^2 = x^2 + 2x + 1; the source's slips are marked and corrected"),
    derivation("chain-true-fact-table", module('''
d = Derivation(id="adv/t6", title="t", source=SRC, scope=S,
               chain=[fact(3 * 3 * 64 + 64, "=", 640, "conv params"),
                      fact(640 + 1, "=", 641, "plus one")])
'''), truth=True, how="arithmetic: 576 + 64 = 640"),
]
