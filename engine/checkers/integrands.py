"""What an integrand of E[.] is, decided symbolically: its degree in a random declaration, and,
for an integrand of one random scalar, the points where it switches branch (kinks and jumps of
max, min, abs, sign, Heaviside, Piecewise, floor) or may be unbounded (zeros of a denominator,
of a log's argument). The probability checker picks its route from these facts and never
infers them from sampled values.
"""
from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.core.relational import Relational
from sympy.matrices.expressions.matexpr import MatrixElement

from ..ops import AsScalar, Col, Inner, Row, SquaredNorm

# functions whose value switches branch where an argument (or a difference of two) changes sign
SWITCHES = (sp.Max, sp.Min, sp.Abs, sp.sign, sp.Heaviside, sp.Piecewise, sp.floor, sp.ceiling,
            sp.frac, Relational, sp.DiracDelta)

_LINEAR = (sp.Add, sp.MatAdd, sp.Transpose, sp.Trace, AsScalar, Row, Col)
_PRODUCTS = (sp.Mul, sp.MatMul, sp.HadamardProduct, Inner)


def degree(expr, symbol, scope) -> int | None:
    """An upper bound of the degree of `expr` as a polynomial in the entries of `symbol`
    (definitions in `scope` followed), or None when `expr` is not a polynomial in them (a
    Max, abs, indicator, exp, division or inverse of something that depends on `symbol`)."""
    return _Degree(symbol, scope).of(expr)


class _Degree:
    def __init__(self, symbol, scope):
        self.symbol, self.scope, self.memo = symbol, scope, {}
        self.definitions = scope.definitions()

    def of(self, expr):
        if expr in self.memo:
            return self.memo[expr]
        found = self._of(expr)
        self.memo[expr] = found
        return found

    def _of(self, expr):
        if not isinstance(expr, sp.Basic) or not self.scope.depends_on(expr, self.symbol):
            return 0
        if expr == self.symbol:
            return 1
        if expr in self.definitions:
            return self.of(self.definitions[expr])
        if isinstance(expr, MatrixElement):
            if expr.parent == self.symbol:
                return 1
            if self.scope.depends_on(sp.Tuple(expr.i, expr.j), self.symbol):
                return None
            return self.of(expr.parent)
        if isinstance(expr, _LINEAR):
            return self._combine(expr.args, max)
        if isinstance(expr, _PRODUCTS):
            return self._combine(expr.args, sum)
        if isinstance(expr, SquaredNorm):
            inner = self.of(expr.args[0])
            return None if inner is None else 2 * inner
        if isinstance(expr, (sp.Pow, sp.MatPow)):
            base, exponent = expr.args
            if self.scope.depends_on(exponent, self.symbol) or not (
                    exponent.is_Integer and exponent >= 0):
                return None
            inner = self.of(base)
            return None if inner is None else int(exponent) * inner
        if isinstance(expr, sp.Sum):
            if any(self.scope.depends_on(sp.Tuple(*limit[1:]), self.symbol)
                   for limit in expr.limits):
                return None
            return self.of(expr.function)
        return None

    def _combine(self, args, how):
        degrees = [self.of(a) for a in args]
        return None if any(d is None for d in degrees) else how(degrees)


def switches_on(expr, randoms, scope) -> bool:
    """Whether a switching function (max, abs, an indicator, ...) sits on a quantity that
    depends on one of `randoms`: sampled agreement then says nothing about agreement with
    probability one, and quadrature needs the switching points."""
    return _found_on(expr, randoms, scope, lambda node: isinstance(node, SWITCHES))


def poles_on(expr, randoms, scope) -> bool:
    """Whether a division or a log acts on a quantity that depends on one of `randoms`."""
    return _found_on(expr, randoms, scope, lambda node: isinstance(node, sp.log) or (
        isinstance(node, sp.Pow) and node.exp.is_negative))


def _found_on(expr, randoms, scope, predicate) -> bool:
    definitions = scope.definitions()
    seen = set()

    def walk(node):
        if node in seen:
            return False
        seen.add(node)
        if predicate(node) and any(scope.depends_on(node, r) for r in randoms):
            return True
        if node in definitions and walk(definitions[node]):
            return True
        return any(walk(arg) for arg in node.args if isinstance(arg, sp.Basic))

    return walk(expr)


def scalar_form(integrand, symbol, scope, numbers: dict, to_symbol):
    """The integrand as a SymPy expression in `symbol` alone (definitions followed, then the
    random quantity put as `symbol` by `to_symbol(expr)`, every other symbol replaced by its
    number in `numbers`, a 1 x 1 matrix read as its entry), or None when it cannot be written
    so (it keeps matrix algebra or other unknowns)."""
    definitions = scope.definitions()
    expr = integrand
    for _ in range(20):
        replaced = expr.xreplace(definitions)
        if replaced == expr:
            break
        expr = replaced
    expr = to_symbol(expr)
    if expr is None:
        return None
    expr = expr.replace(lambda e: isinstance(e, AsScalar), lambda e: e.args[0][0, 0]
                        if isinstance(e.args[0], sp.MatrixBase) else e.args[0])
    if getattr(expr, "is_Matrix", False):
        if expr.shape != (1, 1):
            return None
        expr = expr[0, 0]
    try:
        expr = expr.xreplace({s: v for s, v in numbers.items() if s != symbol})
    except (TypeError, ValueError):
        return None
    if not isinstance(expr, sp.Expr) or expr.free_symbols - {symbol} or \
            expr.atoms(sp.MatrixSymbol) or expr.atoms(sp.core.function.AppliedUndef):
        return None
    return expr


def special_points(expr, x, low: float, high: float, scan: int = 4001):
    """(switches, poles): the points of [low, high] where a switching function in expr changes
    branch, and where expr may be unbounded (zeros of denominators and of log arguments).
    Roots of polynomials are found exactly (numerically refined); other arguments by a sign
    scan on `scan` points refined by bisection. Raises ValueError when a switch cannot be
    located (floor with too many jumps, an argument that cannot be evaluated)."""
    switch_args, pole_args = [], []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Max, sp.Min)):
            args = [a for a in node.args]
            switch_args += [a - b for i, a in enumerate(args) for b in args[i + 1:]]
        elif isinstance(node, (sp.Abs, sp.sign, sp.Heaviside, sp.DiracDelta)):
            switch_args.append(node.args[0])
        elif isinstance(node, Relational):
            switch_args.append(node.lhs - node.rhs)
        elif isinstance(node, (sp.floor, sp.ceiling, sp.frac)):
            switch_args += _integer_crossings(node.args[0], x, low, high)
        elif isinstance(node, sp.Pow) and node.exp.is_negative:
            pole_args.append(node.base)
        elif isinstance(node, sp.Pow) and not node.exp.is_integer:
            switch_args.append(node.base)       # sqrt(x - a): a branch point
        elif isinstance(node, sp.log):
            pole_args.append(node.args[0])
        elif isinstance(node, (sp.tan, sp.cot, sp.sec, sp.csc)):
            raise ValueError(f"{node} may have poles")
    switches = sorted({p for a in switch_args for p in _zeros(a, x, low, high, scan)})
    poles = sorted({p for a in pole_args for p in _zeros(a, x, low, high, scan)})
    return switches, poles


def _integer_crossings(arg, x, low, high) -> list:
    """arg - k for every integer k that arg crosses on [low, high] (at most 200)."""
    f = sp.lambdify(x, arg, "numpy")
    grid = np.linspace(low, high, 4001)
    with np.errstate(all="ignore"):
        values = np.asarray(f(grid), dtype=float) * np.ones_like(grid)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"cannot locate the jumps of {arg}")
    first, last = int(np.floor(values.min())), int(np.ceil(values.max()))
    if last - first > 200:
        raise ValueError(f"{arg} crosses more than 200 integers")
    return [arg - k for k in range(first, last + 1)]


def _zeros(arg, x, low, high, scan) -> list[float]:
    """The real zeros of arg (an expression in x) on [low, high]: exact for polynomials,
    else the sign changes on a grid of `scan` points, refined by bisection."""
    if not arg.has(x):
        return []
    if arg.is_polynomial(x):
        poly = sp.Poly(arg, x)
        if poly.degree() > 64:
            raise ValueError(f"a polynomial of degree {poly.degree()} to solve")
        roots = [complex(r) for r in poly.nroots(n=30, maxsteps=200)] if poly.degree() else []
        return [r.real for r in roots
                if abs(r.imag) <= 1e-12 * max(1.0, abs(r)) and low <= r.real <= high]
    f = sp.lambdify(x, arg, "numpy")
    grid = np.linspace(low, high, scan)
    with np.errstate(all="ignore"):
        values = np.asarray(f(grid), dtype=float) * np.ones_like(grid)
    if not np.all(np.isfinite(values)):
        bad = grid[~np.isfinite(values)]
        return [float(b) for b in bad[:50]]        # undefined there: a break (and suspicious)
    found = [float(g) for g, v in zip(grid, values) if v == 0]
    for i in np.nonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)[0]:
        a, b = grid[i], grid[i + 1]
        fa = values[i]
        for _ in range(80):
            m = (a + b) / 2
            fm = float(f(m))
            if fm == 0:
                a = b = m
                break
            if np.sign(fm) == np.sign(fa):
                a, fa = m, fm
            else:
                b = m
        found.append(float((a + b) / 2))
    return found
