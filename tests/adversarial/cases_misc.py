"""Classes invented beside the issue's: matrix algebra that holds only for special matrices,
branch cuts of real functions, inequalities true only on part of the line, approximations,
finite quantifiers and derivatives at kinks. Truth by the argument in `how`."""
from engine.adversary import derivation, equal

SQ = "A: matrix(n, n); B: matrix(n, n)"
PD = "A: matrix(n, n, positive_definite); B: matrix(n, n, positive_definite)"

HEAD = '''
import sympy as sp
from engine import Derivation, Scope, Source, claim, eq, fact, holds, step
from engine.ops import jacobian, scalar_of
S = Scope()
x, y = S.scalars("x y")
SRC = Source("adversarial", "misc")
'''

CASES = [
    # matrices: true for commuting or special matrices only
    equal("mat-commute", "A*B", "B*A", where=SQ, truth=False,
          how="[[0,1],[0,0]] and [[0,0],[1,0]] do not commute"),
    equal("mat-trace-noncyclic", "trace(A*B*C)", "trace(B*A*C)",
          where=SQ + "; C: matrix(n, n)", truth=False,
          how="only cyclic permutations preserve the trace; 2x2 integer example by hand"),
    equal("mat-trace-cyclic", "trace(A*B*C)", "trace(C*A*B)", where=SQ + "; C: matrix(n, n)",
          truth=True, how="tr(XY) = tr(YX) with X = AB, Y = C"),
    equal("mat-inverse-of-sum", "inv(A+B)", "inv(A)+inv(B)", where=PD, truth=False,
          how="A = B = I: (2I)^-1 = I/2 but I + I = 2I"),
    equal("mat-det-of-sum", "det(A+B)", "det(A)+det(B)", where=SQ, truth=False,
          how="A = B = I (2x2): det(2I) = 4, det I + det I = 2"),
    equal("mat-det-product-rect", "det(A*B)", "det(B*A)", where="A: matrix(n, m); B: matrix(m, n)",
          truth=False, how="n = 1, m = 2: A B is 1x1 (any value), B A is 2x2 of rank 1, det 0"),
    equal("mat-transpose-product", "(A*B).T", "B.T*A.T", where="A: matrix(n, m); B: matrix(m, k)",
          truth=True, how="(AB)^T = B^T A^T"),
    equal("mat-quadratic-form-symmetric-not-psd", "x.T*A*x", "0", relation=">=",
          where="A: matrix(n, n, symmetric); x: vector(n)", truth=False,
          how="A = -I, x = e_1 gives -1"),
    equal("mat-quadratic-form-psd", "x.T*A*x", "0", relation=">=",
          where="A: matrix(n, n, positive_semidefinite); x: vector(n)", truth=True,
          how="definition of positive semidefinite"),
    equal("mat-inverse-transpose", "inv(A).T", "inv(A.T)", where="A: matrix(n, n, invertible)",
          truth=True, how="(A^-1)^T A^T = (A A^-1)^T = I"),
    equal("mat-inverse-product-order", "inv(A*B)", "inv(A)*inv(B)",
          where="A: matrix(n, n, invertible); B: matrix(n, n, invertible)", truth=False,
          how="(AB)^-1 = B^-1 A^-1, which differs for non-commuting A, B (2x2 example by hand)"),
    equal("mat-orthogonal-inverse", "Q.T*Q", "eye(n)", where="Q: matrix(n, n, orthogonal)",
          truth=True, how="definition of orthogonal"),
    equal("mat-orthogonal-symmetric", "Q.T", "Q", where="Q: matrix(n, n, orthogonal)",
          truth=False, how="the rotation by 90 degrees [[0,-1],[1,0]] is orthogonal, not symmetric"),
    equal("mat-diagonal-commute", "D*E", "E*D", where="D: matrix(n, n, diagonal); E: matrix(n, n, diagonal)",
          truth=True, how="diagonal matrices commute"),
    equal("mat-diagonal-general-commute", "D*A", "A*D", where="D: matrix(n, n, diagonal); A: matrix(n, n)",
          truth=False, how="D = diag(1, 2), A = [[0,1],[0,0]]: DA = [[0,1],[0,0]], AD = [[0,2],[0,0]]"),
    # real functions and their branch cuts
    equal("real-sqrt-product", "sqrt(x*y)", "sqrt(x)*sqrt(y)", truth=False,
          how="x = y = -1: sqrt(1) = 1 but sqrt(-1) sqrt(-1) = -1 (undefined over the reals)"),
    equal("real-sqrt-product-positive", "sqrt(x*y)", "sqrt(x)*sqrt(y)", where="x: positive; y: positive",
          truth=True, how="sqrt is multiplicative on positive reals"),
    equal("real-log-square", "log(x**2)", "2*log(x)", truth=False,
          how="x = -1: log 1 = 0, log(-1) is undefined over the reals"),
    equal("real-log-square-abs", "log(x**2)", "2*log(abs(x))", truth=True,
          how="x^2 = |x|^2 and log is defined for x != 0 on both sides"),
    equal("real-max-product", "max(x, y)*min(x, y)", "x*y", truth=True,
          how="{max, min} = {x, y} as a multiset"),
    equal("real-max-minus-min", "max(x, y) - min(x, y)", "abs(x - y)", truth=True,
          how="the larger minus the smaller is the distance"),
    equal("real-max-with-one", "max(x, 1)", "(x + abs(x))/2", truth=False,
          how="x = 0: max = 1, right side 0"),
    equal("real-max-at-large-kink", "max(x, 1000)", "x", truth=False,
          how="x = 0 gives 1000"),
    equal("real-abs-of-sum", "abs(x + y)", "abs(x) + abs(y)", truth=False,
          how="x = 1, y = -1: 0 vs 2"),
    equal("real-cos-double", "cos(2*x)", "1 - 2*sin(x)**2", truth=True, how="double-angle formula"),
    equal("real-tan-periodic-half", "tan(x + pi/2)", "tan(x)", truth=False,
          how="x = pi/4: tan(3pi/4) = -1, tan(pi/4) = 1"),
    # inequalities true only on part of the line
    equal("ineq-exp-tangent", "exp(x)", "1 + x", relation=">=", truth=True,
          how="exp is convex and 1 + x is its tangent at 0"),
    equal("ineq-exp-quadratic", "exp(x)", "1 + x + x**2/2", relation=">=", truth=False,
          how="x = -1: e^-1 = 0.3679 < 1 - 1 + 1/2 = 0.5"),
    equal("ineq-sin-below-x", "sin(x)", "x", relation="<=", truth=False,
          how="x = -1: sin(-1) = -0.841 > -1"),
    equal("ineq-logistic-bound", "x*(1 - x)", "1/4", relation="<=", truth=True,
          how="1/4 - x + x^2 = (x - 1/2)^2 >= 0"),
    equal("ineq-cubic-far", "x**3", "1000000*x**2", relation="<=", truth=False,
          how="x = 2*10^6: 8e18 > 4e18"),
    equal("ineq-large-threshold", "x", "10**9", relation="<=", truth=False,
          how="x = 2*10^9 violates it"),
    equal("ineq-reciprocal", "1/x", "x", relation="<=", where="x: positive", truth=False,
          how="x = 1/2: 2 > 1/2"),
    equal("ineq-amgm-two", "(x + y)/2", "sqrt(x*y)", relation=">=", where="x: positive; y: positive",
          truth=True, how="(sqrt x - sqrt y)^2 >= 0"),
    # approximations and derivatives
    derivation("approx-sin-small-angle-wrong-limit", HEAD + '''
d = Derivation(id="adv/m1", title="t", source=SRC, scope=S,
               chain=[sp.sin(x), step("≈", x, "small angle", limit=(x, sp.oo))])
''', truth=False, how="sin(x)/x -> 0 as x -> oo, not 1"),
    derivation("approx-log1p", HEAD + '''
d = Derivation(id="adv/m2", title="t", source=SRC, scope=S,
               chain=[sp.log(1 + x), step("≈", x, "first order", limit=(x, 0))])
''', truth=True, how="log(1+x)/x -> 1 as x -> 0"),
    derivation("approx-offset-constant", HEAD + '''
d = Derivation(id="adv/m3", title="t", source=SRC, scope=S,
               chain=[x + sp.Rational(1, 10**4), step("≈", x, "drop the constant", limit=(x, 0))])
''', truth=False, how="(x + 1e-4)/x -> oo as x -> 0+"),
    derivation("approx-stirling-wrong-factor", HEAD + '''
m = S.scalar("m", "positive")
d = Derivation(id="adv/m4", title="t", source=SRC, scope=S,
               chain=[sp.gamma(m + 1), step("≈", sp.sqrt(sp.pi * m) * (m / sp.E)**m, "Stirling",
                                            limit=(m, sp.oo))])
''', truth=False, how="Stirling has sqrt(2 pi m): the ratio tends to sqrt(2)"),
    derivation("deriv-sigmoid", HEAD + '''
s = 1 / (1 + sp.exp(-x))
d = Derivation(id="adv/m5", title="t", source=SRC, scope=S,
               chain=[fact(scalar_of(jacobian(s, x)), "=", s * (1 - s), "sigmoid derivative")])
''', truth=True, how="d/dx (1+e^-x)^-1 = e^-x/(1+e^-x)^2 = s(1-s)"),
    derivation("deriv-sigmoid-wrong-sign", HEAD + '''
s = 1 / (1 + sp.exp(-x))
d = Derivation(id="adv/m6", title="t", source=SRC, scope=S,
               chain=[fact(scalar_of(jacobian(s, x)), "=", s * (1 + s), "sigmoid derivative")])
''', truth=False, how="at x = 0: 1/4 vs 3/4"),
    derivation("deriv-tanh-tiny-error", HEAD + '''
d = Derivation(id="adv/m7", title="t", source=SRC, scope=S,
               chain=[fact(scalar_of(jacobian(sp.tanh(x), x)), "=",
                           1 - sp.tanh(x)**2 + sp.Rational(1, 10**7), "tanh derivative")])
''', truth=False, how="the derivative is exactly 1 - tanh^2; the extra 1e-7 is a nonzero constant"),
    derivation("deriv-product-rule-wrong", HEAD + '''
d = Derivation(id="adv/m8", title="t", source=SRC, scope=S,
               chain=[fact(scalar_of(jacobian(x**2 * sp.sin(x), x)), "=",
                           2 * x * sp.cos(x), "product rule")])
''', truth=False, how="d/dx x^2 sin x = 2x sin x + x^2 cos x; at x = pi/2: pi vs 0"),
]
