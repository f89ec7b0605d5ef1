"""Evidence for approximations `lhs ≈ rhs` as x -> a, read as lhs / rhs -> 1 (asymptotic
equivalence).

1. SymPy's `limit` of lhs / rhs (definitions substituted; only for cheap scalar expressions, as
   it can be slow) -> `proved` when it is 1, `refuted` when it is another definite value;
2. otherwise the ratio at x = a ± 10^-1 .. 10^-7 (or x = ±10 .. ±10^7 for a = ±oo) on several
   instances of the other symbols, computed in 50-digit arithmetic where SymPy can (so
   cancellation near the limit does not fake a trend): approaching 1 on every instance is
   `verified`, settling elsewhere (or at 0 or infinity) on one is `refuted`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import ShapeError, evaluate
from ..model import Verdict
from ..results import Outcome
from ..sampling import DomainError, needed_declarations, sample_instance
from ..scope import Scalar
from .exact import _exact_value
from .numeric import _plain, _readable_values
from .symbolic import _substitute

INSTANCES = 4          # instances of the other symbols for the numeric route
EXPONENTS = range(1, 8)
_CHEAP_SIZE = 80       # operations in lhs / rhs beyond which SymPy's limit is not tried
CLOSE = 1e-3           # |ratio - 1| at the closest point for the ratio to count as -> 1
NO_LIMIT = ("an approximation needs the limit in which it holds "
            "(step(..., limit=(x, 0)))")


def check_approximation(lhs, rhs, limit, scope, rng: np.random.Generator,
                        ) -> Outcome:
    """A verdict for `lhs ≈ rhs` as limit[0] -> limit[1]; `unknown` without a limit."""
    if limit is None:
        return Outcome(Verdict.UNKNOWN, "asymptotic", NO_LIMIT)
    symbol, point = limit[0], sp.sympify(limit[1])
    decl = scope.declarations.get(getattr(symbol, "name", None))
    if not isinstance(decl, Scalar) or decl.symbol != symbol:
        return Outcome(Verdict.ERROR, "asymptotic", f"the limit's variable {symbol} must be a "
                       "scalar declared in the scope (S.scalar(...))")
    for side in (lhs, rhs):
        if getattr(side, "is_Matrix", False) and side.shape != (1, 1):
            return Outcome(Verdict.ERROR, "asymptotic", f"an approximation compares scalars; "
                           f"{side} is a {side.shape[0]} x {side.shape[1]} matrix")
    if not (point.is_number and (point.is_finite or point in (sp.oo, -sp.oo))):
        return Outcome(Verdict.ERROR, "asymptotic", f"the limit point {point} must be a number "
                       "or ±oo")
    definitions = scope.definitions()
    lhs, rhs = (_substitute(sp.sympify(side), definitions) for side in (lhs, rhs))
    direction = _direction(decl, point)
    where = f"{symbol} -> {point}"
    side = {"+": " from above", "-": " from below", "+-": ""}[direction] if point.is_finite else ""
    symbolic = _sympy_limit(lhs, rhs, symbol, point, direction)
    if symbolic == 1:
        return Outcome(Verdict.PROVED, f"asymptotic: lhs/rhs -> 1 as {where} (SymPy limit)",
                       f"SymPy's limit of lhs/rhs as {where}{side} is 1")
    numeric = _ratio_trend(lhs, rhs, symbol, point, direction, decl, scope, rng, where)
    if symbolic is None:
        return numeric
    if numeric.verdict == Verdict.VERIFIED:
        return Outcome(Verdict.UNKNOWN, "asymptotic", f"SymPy's limit of lhs/rhs as {where} is "
                       f"{symbolic}, but numerically the ratio approaches 1: undecided")
    return Outcome(Verdict.REFUTED, f"asymptotic: lhs/rhs -> {symbolic} as {where} (SymPy limit)",
                   f"SymPy's limit of lhs/rhs as {where}{side} is {symbolic}, not 1"
                   + (f"; {numeric.detail}" if numeric.counterexample else ""),
                   numeric.counterexample)


def _direction(decl: Scalar, point) -> str:
    """The side from which the symbol can approach `point` within its declared domain."""
    if point == sp.oo:
        return "-"
    if point == -sp.oo:
        return "+"
    low, high = decl.interval if decl.interval is not None else (
        (0, sp.oo) if decl.kind in ("positive", "nonnegative", "positive_integer") else
        (-sp.oo, sp.oo))
    if sp.sympify(low) == point:
        return "+"
    if sp.sympify(high) == point:
        return "-"
    return "+-"


def _sympy_limit(lhs, rhs, symbol, point, direction):
    """SymPy's limit of lhs / rhs if it is a definite constant (oo counts), else None."""
    if any(getattr(side, "is_Matrix", False) or side.has(sp.MatrixExpr, sp.Sum, sp.Indexed)
           for side in (lhs, rhs)):
        return None
    ratio = lhs / rhs
    if sp.count_ops(ratio) > _CHEAP_SIZE:
        return None
    try:
        value = sp.limit(ratio, symbol, point, direction if point.is_finite else "+")
    except (NotImplementedError, ValueError, TypeError, AttributeError, RecursionError):
        return None
    if value.has(sp.Limit, sp.AccumBounds, sp.nan) or value.free_symbols or not value.is_number:
        return None
    return value


def _approach(point, direction) -> list:
    """Values of the symbol approaching `point`, farthest first, for each allowed side."""
    if point == sp.oo:
        return [[10.0 ** k for k in EXPONENTS]]
    if point == -sp.oo:
        return [[-10.0 ** k for k in EXPONENTS]]
    a = float(point)
    signs = {"+": (1,), "-": (-1,), "+-": (1, -1)}[direction]
    return [[a + sign * 10.0 ** -k for k in EXPONENTS] for sign in signs]


def _ratio_trend(lhs, rhs, symbol, point, direction, decl, scope, rng, where) -> Outcome:
    method = f"asymptotic: lhs/rhs -> 1 as {where} (numeric)"
    try:
        declarations = needed_declarations(scope, [lhs, rhs, symbol])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "asymptotic", exc.message)
    others = [d for _, d in declarations if d is not decl]
    instances = INSTANCES if others else 1
    settled = attempts = 0
    while settled < instances and attempts < 10 * instances:
        attempts += 1
        try:
            base = sample_instance(scope, declarations, rng, simple=attempts % 2 == 1)
        except DomainError:
            continue
        for path in _approach(point, direction):
            try:
                series = _ratios(lhs, rhs, symbol, base, path, scope)
            except NotEvaluable as exc:
                return Outcome(Verdict.UNKNOWN, "asymptotic", f"cannot evaluate numerically: {exc}")
            except (ShapeError, DeclarationError) as exc:
                return Outcome(Verdict.ERROR, "asymptotic", getattr(exc, "message", str(exc)))
            if len(series) < 3:
                break
            trend = _trend([r for _, r, _, _ in series])
            if trend == "elsewhere":
                return _refute(series, base, declarations, decl, where)
            if trend != "one":
                return Outcome(Verdict.UNKNOWN, "asymptotic",
                               f"the ratio lhs/rhs does not settle as {where}: "
                               + ", ".join(f"{r:.6g}" for _, r, _, _ in series[-4:]))
        else:
            settled += 1
    if settled < instances:
        return Outcome(Verdict.UNKNOWN, "asymptotic", f"only {settled} of {attempts} sampled "
                       f"instances could be evaluated near {point}")
    closest = ", ".join(f"{t:g}" for t in (path[-1] for path in _approach(point, direction)))
    return Outcome(Verdict.VERIFIED, method,
                   f"the ratio approaches 1 on {settled} instance(s) of the other symbols "
                   f"({symbol} as close as {closest}; |ratio - 1| < {CLOSE:g} there and shrinking); "
                   "evidence, weaker than a proof")


def _ratios(lhs, rhs, symbol, base, path, scope) -> list:
    """(t, ratio, lhs, rhs) at each t of `path` where both sides are defined and rhs != 0."""
    series = []
    for t in path:
        values = {**base, symbol: t}
        try:
            left, right = (_precise(side, scope, values) for side in (lhs, rhs))
        except DomainError:
            continue
        if right == 0 or not (np.isfinite(left) and np.isfinite(right)):
            continue
        series.append((t, left / right, left, right))
    return series


def _precise(side, scope, values) -> float:
    """The side at `values` in 50-digit arithmetic where SymPy can, else in float64."""
    try:
        value = _exact_value(side, scope, values)
        if isinstance(value, sp.MatrixBase):
            value = value[0, 0]
        value = sp.N(value, 50)
        if value.is_number and value.is_real and value.is_finite:
            return float(value)
    except Exception:          # SymPy cannot: float64 evaluation below
        pass
    return float(np.asarray(evaluate(side, values), dtype=float).reshape(()))


def _trend(ratios: list) -> str:
    """"one" when the ratio approaches 1, "elsewhere" when it settles away from 1 (its last
    change is far smaller than its distance from 1) or runs off to 0 or infinity,
    "unsettled" otherwise."""
    errors = [abs(r - 1) for r in ratios]
    if errors[-1] < 1e-12 or (errors[-1] < CLOSE and errors[-1] <= 0.1 * errors[0]):
        return "one"
    if abs(ratios[-1] - ratios[-2]) <= 1e-3 * errors[-1]:
        return "elsewhere"
    magnitudes = [abs(r) for r in ratios[-3:]]
    growing = magnitudes[0] < magnitudes[1] < magnitudes[2] and magnitudes[2] > 1e3
    vanishing = magnitudes[0] > magnitudes[1] > magnitudes[2] and magnitudes[2] < 1e-3
    return "elsewhere" if growing or vanishing else "unsettled"


def _refute(series, base, declarations, decl, where) -> Outcome:
    t, ratio, left, right = series[-1]
    values = _readable_values({**base, decl.symbol: t}, declarations)
    shown = ", ".join(f"{s:g}: {r:.6g}" for s, r, _, _ in series[-3:])
    return Outcome(Verdict.REFUTED, f"asymptotic: lhs/rhs does not tend to 1 as {where} "
                   "(numeric)", f"the ratio lhs/rhs tends to about {ratio:.6g}, not 1 "
                   f"({decl.symbol} = {shown})",
                   {"values": values, "lhs": _plain(left), "rhs": _plain(right),
                    "ratios": [[_plain(s), _plain(r)] for s, r, _, _ in series],
                    "exact": False})
