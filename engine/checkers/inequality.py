"""Evidence for inequalities `lhs <= rhs` (and `<`, `>=`, `>`) between scalars.

Routes, strongest first:
1. sign: SymPy decides the sign of the difference (rhs - lhs for `<=`) from the symbols'
   assumptions, as written, with definitions substituted, expanded or factored (cheap forms;
   `simplify` only with --prove) -> `proved`;
2. falsification: both sides at `points` instances that probe the domain's edges (interval
   endpoints, 0, magnitudes 1e-6 and 1e6, smallest dimensions) besides random ones. A
   violation, confirmed in exact arithmetic where SymPy can evaluate the sides, is `refuted`
   with the simplest violating instance found; none is `verified`, which is weaker than a proof.

Equality within rtol is no violation of `<=`; for `<` it is one only when exact arithmetic
shows the sides equal (else `unknown`). A violation with a scalar on an endpoint of its interval
is never a refutation (the scope does not say whether the endpoint belongs to the domain); it is
mentioned in the detail of the verdict.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import IndexRangeError, ShapeError, evaluate
from ..model import Relation, Verdict
from ..results import Outcome
from ..sampling import (DomainError, at_endpoint, kinks_of, needed_declarations, probe_plans,
                        ranges_tested, sample_instance)
from ..scope import Dim
from ..settings import NumericSettings
from .exact import SAME, precise_compare
from .numeric import UNCONFIRMED_MARGIN
from .numeric import _plain, _readable_values, shrink
from .symbolic import _substitute

POINTS = 64           # instances a falsification tries
_CHEAP_SIZE = 80      # operations beyond which factoring the difference is not tried


@dataclass(frozen=True)
class Order:
    """`lhs relation rhs` read as `small <= big` (strict for < and >)."""

    relation: Relation

    @property
    def strict(self) -> bool:
        return self.relation in (Relation.LT, Relation.GT)

    @property
    def flipped(self) -> bool:
        return self.relation in (Relation.GE, Relation.GT)

    def small_big(self, lhs, rhs) -> tuple:
        return (rhs, lhs) if self.flipped else (lhs, rhs)

    @property
    def difference(self) -> str:
        """The quantity that must be nonnegative (positive), in words."""
        return "lhs - rhs" if self.flipped else "rhs - lhs"

    @property
    def sign(self) -> str:
        return ">" if self.strict else ">="


def check_inequality(relation: Relation, lhs, rhs, scope, rng: np.random.Generator,
                     settings: NumericSettings = NumericSettings(), *, full: bool = False,
                     points: int = POINTS) -> Outcome:
    """A verdict for `lhs relation rhs` (relation one of <=, <, >=, >) under the scope's
    assumptions; `error` when a side is not a scalar (a 1 x 1 matrix counts as one)."""
    order = Order(relation)
    for side in (lhs, rhs):
        problem = _not_scalar(side)
        if problem:
            return Outcome(Verdict.ERROR, "inequality", problem)
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    definitions = scope.definitions()
    proof = prove_sign(order, lhs, rhs, definitions)
    if proof is not None:
        return proof
    evidence = _falsify(order, lhs, rhs, scope, rng, settings, points)
    if evidence.verdict in (Verdict.VERIFIED, Verdict.UNKNOWN) and full:
        proof = prove_sign(order, lhs, rhs, definitions, full=True)
        if proof is not None:
            return proof
    return evidence


def _not_scalar(side) -> str | None:
    if isinstance(side, sp.Tuple):
        return f"an inequality compares scalars; {side} is a tuple"
    if getattr(side, "is_Matrix", False) and side.shape != (1, 1):
        return (f"an inequality compares scalars; {side} is a {side.shape[0]} x {side.shape[1]} "
                "matrix")
    if isinstance(side, sp.logic.boolalg.Boolean) and not isinstance(side, sp.Expr):
        return f"an inequality compares scalars; {side} is a statement"
    return None


# -- route 1: the sign of the difference ----------------------------------------------------

def prove_sign(order: Order, lhs, rhs, definitions: dict, *, full: bool = False) -> Outcome | None:
    """`proved` when SymPy's assumptions show the difference is nonnegative (positive for a
    strict relation); `refuted` when both sides are constants in the wrong order; else None."""
    small, big = order.small_big(lhs, rhs)
    if any(getattr(side, "is_Matrix", False) for side in (small, big)):
        return None
    diff = big - small
    if all(_is_constant(side) for side in (small, big)):
        return _constants(order, lhs, rhs, diff)
    if _is_constant(diff):
        wrong = diff.is_nonpositive if order.strict else diff.is_negative
        if wrong:
            return Outcome(Verdict.REFUTED, "exact difference",
                           f"{order.difference} = {diff} for every value of the symbols, so "
                           f"{order.difference} {order.sign} 0 fails wherever both sides are "
                           "defined", {"values": {}, "lhs": str(lhs), "rhs": str(rhs),
                                       "difference": str(diff), "exact": True})
    candidates = [("assumptions", diff)]
    substituted = _substitute(diff, definitions)
    if substituted != diff:
        candidates.append(("definitions substituted", substituted))
    forms = [("", lambda e: e), ("expand", sp.expand)]
    for _, candidate in candidates:
        if sp.count_ops(candidate) <= _CHEAP_SIZE and not candidate.has(sp.MatrixExpr, sp.Sum):
            forms.append(("factor", sp.factor))
            break
    if full:
        forms.append(("simplify", lambda e: sp.simplify(e.doit())))
    for form_name, form in forms:
        for candidate_name, candidate in candidates:
            try:
                value = form(candidate)
                decided = value.is_positive if order.strict else value.is_nonnegative
            except (TypeError, ValueError, NotImplementedError, AttributeError):
                continue
            if decided:
                how = ", ".join(n for n in (form_name, candidate_name) if n != "assumptions" and n)
                return Outcome(Verdict.PROVED, f"sign: {order.difference} {order.sign} 0"
                               + (f" ({how})" if how else ""),
                               f"SymPy shows {order.difference} {order.sign} 0 from the "
                               "symbols' assumptions")
    return None


def _is_constant(expr) -> bool:
    return not expr.free_symbols and not expr.has(sp.MatrixSymbol, sp.Indexed)


def _constants(order: Order, lhs, rhs, diff) -> Outcome | None:
    holds = diff.is_positive if order.strict else diff.is_nonnegative
    if holds is None:
        return None
    if holds:
        return Outcome(Verdict.PROVED, "arithmetic", f"both sides are constants: {lhs} "
                       f"{order.relation.value} {rhs}")
    return Outcome(Verdict.REFUTED, "arithmetic",
                   f"both sides are constants and {lhs} {order.relation.value} {rhs} is false",
                   {"values": {}, "lhs": _number(lhs), "rhs": _number(rhs), "exact": True})


def _number(value):
    value = sp.sympify(value)
    if value.is_Integer:
        return int(value)
    return str(value) if value.is_Rational else float(value)


# -- route 2: falsification at edge and random instances ------------------------------------

HOLDS, VIOLATED, TIE, EDGE_TIE = "holds", "violated", "tie", "fails at an interval endpoint"


class _Judge:
    """Decides at one instance whether `lhs relation rhs` holds, is violated, or is a tie
    (sides equal within rtol, which only matters for a strict relation)."""

    def __init__(self, order, lhs, rhs, scope, declarations, settings):
        self.order, self.lhs, self.rhs, self.scope = order, lhs, rhs, scope
        self.declarations, self.settings = declarations, settings
        self.exact = False        # whether the last verdict was settled in exact arithmetic
        self.unconfirmed = 0      # float64 ties counted as holding without an exact value

    def sides(self, values) -> tuple:
        return tuple(float(np.asarray(evaluate(side, values), dtype=float).reshape(()))
                     for side in (self.lhs, self.rhs))

    def status(self, values, left: float, right: float) -> str:
        small, big = self.order.small_big(left, right)
        margin = big - small
        tol = self.settings.rtol * max(abs(left), abs(right))
        self.exact = False
        if margin > tol:
            return HOLDS
        exact = self._exact_margin(values)       # a near-tie or a violation: settle it exactly
        if exact is not None:
            self.exact = True
            if exact > 0 or (exact == 0 and not self.order.strict):
                return HOLDS
            return self._violated_unless_at_endpoint(values)
        if margin < -UNCONFIRMED_MARGIN * max(1.0, abs(left), abs(right)):
            return self._violated_unless_at_endpoint(values)
        if margin >= -tol and not self.order.strict:
            self.unconfirmed += 1           # a float64 tie that no exact value could settle
            return HOLDS
        return TIE

    def _violated_unless_at_endpoint(self, values) -> str:
        """A violation where an interval scalar sits on an endpoint proves nothing: the scope
        does not say whether the endpoint belongs to the domain."""
        return EDGE_TIE if at_endpoint(self.declarations, values) else VIOLATED

    def violated(self, values) -> bool:
        left, right = self.sides(values)
        return self.status(values, left, right) == VIOLATED

    def _exact_margin(self, values):
        """big - small in 40-digit arithmetic at `values`, or None if SymPy cannot get it."""
        try:
            small, big = self.order.small_big(self.lhs, self.rhs)
            precise = precise_compare(big, small, self.scope, values)
            if precise.gap is None or precise.undefined:
                return None
            if precise.gap <= SAME:
                return 0
            return 1 if precise.left > precise.right else -1
        except Exception:          # SymPy cannot evaluate exactly: the float evidence stands
            return None


def _entry(value):
    """The entry of a 1 x 1 matrix, or value itself."""
    return value[0, 0] if isinstance(value, sp.MatrixBase) else value


def _falsify(order, lhs, rhs, scope, rng, settings, points) -> Outcome:
    try:
        declarations = needed_declarations(scope, [lhs, rhs])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "falsification", exc.message)
    judge = _Judge(order, lhs, rhs, scope, declarations, settings)
    target = points if declarations else 1
    plans = probe_plans(declarations, rng, kinks_of([lhs, rhs], declarations))
    tried = attempts = edges = 0
    ties, edge_ties = [], []
    while tried < target and attempts < 4 * target:
        attempts += 1
        scalars, dims = next(plans)
        try:
            values = sample_instance(scope, declarations, rng, dims=dims, scalars=scalars,
                                     variant=attempts, wide=True)
            left, right = judge.sides(values)
        except (DomainError, IndexRangeError):     # outside the statement's domain
            continue
        except NotEvaluable as exc:
            return Outcome(Verdict.UNKNOWN, "falsification", f"cannot evaluate numerically: {exc}")
        except (ShapeError, DeclarationError) as exc:
            return Outcome(Verdict.ERROR, "falsification", getattr(exc, "message", str(exc)))
        tried += 1
        edges += bool(scalars) or _smallest(dims, declarations)
        status = judge.status(values, left, right)
        if status == VIOLATED:
            return _refute(order, judge, scope, declarations, rng, settings, values, left, right,
                           edge=bool(scalars))
        if status == TIE:
            ties.append(values)
        elif status == EDGE_TIE:
            edge_ties.append(values)
    if tried < min(target, 8):
        return Outcome(Verdict.UNKNOWN, "falsification",
                       f"only {tried} of {attempts} sampled instances were in the domain")
    method = f"falsification: {tried} points incl. boundary and extremes"
    if not declarations:            # one evaluation (a computed experiment): show its values
        method = f"evaluated (no free symbols): left {left:.6g}, right {right:.6g}"
    if ties:
        shown = ", ".join(f"{k} = {v}" for k, v in _readable_values(ties[0], declarations).items())
        return Outcome(Verdict.UNKNOWN, method,
                       f"no violation, but at {len(ties)} of {tried} points the sides agree "
                       f"within rtol {settings.rtol:g} and exact arithmetic could not separate "
                       f"them, so {order.relation.value} is not established there (e.g. {shown})")
    detail = (f"no violation at {tried} instances ({edges} with a scalar at a boundary or "
              f"extreme value or dimensions at their smallest); evidence, weaker than a proof")
    ranges = ranges_tested(declarations)
    if ranges:
        detail += f"; {ranges}, extremes +-1e12 (integers +-10^9)"
    if judge.unconfirmed:
        detail += (f"; at {judge.unconfirmed} instances the sides tie in float64 and no exact "
                   "value could confirm the order")
    if not declarations:
        detail = f"left side = {left:.12g}, right side = {right:.12g}"
    if edge_ties:
        names = sorted({n for v in edge_ties for n in at_endpoint(declarations, v)})
        detail += (f"; {order.relation.value} fails (or the sides tie) when {', '.join(names)} "
                   "sits on an endpoint of its interval, which counts only if the endpoint "
                   "belongs to the domain (the scope does not say)")
    return Outcome(Verdict.VERIFIED, method, detail)


def _safe(test):
    def safe(values) -> bool:
        try:
            return test(values)
        except (DomainError, NotEvaluable, ShapeError, DeclarationError):
            return False
    return safe


def _smallest(dims: dict, declarations) -> bool:
    return any(isinstance(d, Dim) and dims.get(name) == d.low < d.high
               for name, d in declarations)


def _refute(order, judge, scope, declarations, rng, settings, values, left, right, *,
            edge: bool) -> Outcome:
    from ..shrink import shrink_instance
    best = shrink(lambda v: (1.0 if judge.violated(v) else 0.0, 0.0), scope, declarations, rng,
                  settings)
    if best is not None:
        values = best[0]
        edge = False
    values = shrink_instance(values, declarations, scope, rng, _safe(judge.violated))
    left, right = judge.sides(values)
    judge.status(values, left, right)
    relation = order.relation.value
    how = "confirmed in exact arithmetic" if judge.exact else "float64 evaluation"
    where = " at a boundary/extreme point of the domain" if edge else ""
    return Outcome(Verdict.REFUTED, "falsification counterexample",
                   f"lhs {relation} rhs fails{where}: left side {left:.6g}, right side "
                   f"{right:.6g} ({how})",
                   {"values": _readable_values(values, declarations), "lhs": _plain(left),
                    "rhs": _plain(right), "exact": judge.exact})
