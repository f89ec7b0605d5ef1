"""Numeric evidence: both sides evaluated at instances honouring every assumption.

Instances: a grid of special values (0, +-1, +-2, +-1/2, interval ends, the kinks of
max/min/abs/floor/Piecewise solved by SymPy) the same on every seed, then random ones over many
decades, structured matrices in each structural class. Every float64 agreement is re-checked in
exact or 50-digit arithmetic where SymPy can (engine.checkers.exact), and so is every
disagreement before it refutes; one side defined and the other not is a domain mismatch.
`verified` states the instances, ranges and confirmations; `refuted` shows a counterexample
shrunk towards simple values (engine.shrink) with both sides recomputed there; `unknown` when too
few instances fall in the domain or float64 disagrees where no exact value can settle it.
"""
from __future__ import annotations

import itertools
import time

import numpy as np
import sympy as sp

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import ShapeError, evaluate
from ..model import Verdict
from ..results import Outcome
from ..sampling import (DomainError, at_endpoint, kinks_of, needed_declarations, ranges_tested,
                        sample_instance, scalar_grid)
from .exact import divides_by_zero, precise_compare
from ..scope import Definition, Dim, Eigendecomposition, Matrix
from ..settings import NumericSettings


Settings = NumericSettings


CONFIRMATIONS = 12      # agreeing instances re-checked in exact / 50-digit arithmetic
CONFIRM_SECONDS = 1.0   # time spent confirming agreements, per check
UNCONFIRMED_MARGIN = 1e-3   # a float64-only disagreement must exceed this to refute


def test_equal(lhs, rhs, scope, rng: np.random.Generator, settings: Settings = Settings()) -> Outcome:
    """Compare lhs and rhs on a grid of special values (0, +-1, +-2, +-1/2, interval ends, the
    kinks of max/min/abs/floor/Piecewise) and on `settings.trials` random instances over many
    decades. Every float64 agreement is re-checked in exact or 50-digit arithmetic where SymPy
    can (up to CONFIRMATIONS instances), and so is every disagreement before it refutes; an
    instance where one side is defined and the other is not refutes (a domain mismatch)."""
    try:
        declarations = needed_declarations(scope, [lhs, rhs])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "numeric", exc.message)
    judge = _EqualityJudge(lhs, rhs, scope, settings)
    if not declarations:
        return _constant_sides(judge, scope, rng)
    kinks = kinks_of([lhs, rhs], declarations)
    has_matrices = any(isinstance(d, Matrix) for _, d in declarations)
    grid = scalar_grid(declarations, kinks, cap=12 if has_matrices else 160)
    largest = {name: d.high for name, d in declarations if isinstance(d, Dim)}
    smallest = {name: d.low for name, d in declarations if isinstance(d, Dim)}
    agreed = random_agreed = attempts = 0
    sizes, edges = set(), set()
    plans = [(None, largest)] + [(scalars, smallest if k % 2 else None) for k, scalars in
                                 enumerate(grid)]
    budget = len(plans) + 10 * settings.trials
    while random_agreed < settings.trials and attempts < budget:
        scalars, dims = plans[attempts] if attempts < len(plans) else (None, None)
        on_grid = 0 < attempts < len(plans)
        attempts += 1
        try:
            values = sample_instance(scope, declarations, rng, dims=dims, scalars=scalars,
                                     variant=attempts, wide=True)
        except DomainError:
            continue
        except NotEvaluable as exc:
            return Outcome(Verdict.UNKNOWN, "numeric", f"cannot evaluate numerically: {exc}")
        except (ShapeError, DeclarationError) as exc:
            return Outcome(Verdict.ERROR, "numeric", _message(exc))
        try:
            status = judge.status(values)
        except NotEvaluable as exc:
            if at_endpoint(declarations, values):     # (a limit at beta = 0 of beta in (0, 1))
                edges.update(at_endpoint(declarations, values))
                continue
            return Outcome(Verdict.UNKNOWN, "numeric", f"cannot evaluate numerically: {exc}")
        except (ShapeError, DeclarationError) as exc:
            return Outcome(Verdict.ERROR, "numeric", _message(exc))
        if status == _OUTSIDE:
            continue
        if judge.unsettled and judge.unsettled[-1][0] is values and has_matrices \
                and attempts % 3 != 0:
            judge.unsettled.pop()       # an ill-conditioned class (near-singular): float64 noise
            continue
        if status == _DIFFER and at_endpoint(declarations, values):
            edges.update(at_endpoint(declarations, values))
            continue
        if status == _DIFFER:
            return _refute_at(judge, scope, declarations, rng, settings, values)
        agreed += 1
        random_agreed += not on_grid
        sizes.add(tuple(int(values[d.symbol]) for _, d in declarations if isinstance(d, Dim)))
    names = [name for name, d in declarations if isinstance(d, Dim)]
    if judge.unsettled:
        values, gap = judge.unsettled[0]
        return Outcome(Verdict.UNKNOWN, "numeric",
                       f"the sides differ by a relative {gap:.2g} in float64 at "
                       f"{len(judge.unsettled)} instance(s), and neither exact nor 50-digit "
                       "arithmetic could evaluate them there to tell rounding from a real "
                       f"difference (e.g. {_shown(values, declarations)})")
    if random_agreed < settings.trials:
        return Outcome(Verdict.UNKNOWN, "numeric",
                       f"only {agreed} of {attempts} sampled instances were in the domain "
                       f"(singular matrices, logs of negatives, overflow)")
    shown = "" if sizes == {()} else f"; ({', '.join(names)}) in {_sizes_text(sizes)}"
    grid_count = agreed - random_agreed
    detail = (f"agreed on {agreed} instances ({grid_count} on a grid of special values"
              + (" and kinks" if kinks else "") + f", {random_agreed} random){shown}")
    ranges = ranges_tested(declarations)
    if ranges:
        detail += f"; {ranges}"
    if kinks:
        detail += "; kinks at " + ", ".join(f"{n} = {', '.join(f'{v:g}' for v in vs)}"
                                            for n, vs in kinks.items())
    detail += "; " + judge.confirmation_text()
    if edges:
        detail += (f"; the sides differ or cannot be evaluated when {', '.join(sorted(edges))} "
                   "sits on an endpoint of its interval, which counts only if the endpoint "
                   "belongs to the domain (the scope does not say)")
    from sympy import Basic, Limit
    if any(isinstance(side, Basic) and side.has(Limit) for side in (lhs, rhs)):
        detail += "; each limit taken by SymPy at the instance's values (as exact rationals)"
    return Outcome(Verdict.VERIFIED, f"numeric: {random_agreed} trials, rtol {settings.rtol:g}",
                   detail)


_AGREE, _DIFFER, _OUTSIDE = "agree", "differ", "outside"


class _EqualityJudge:
    """Decides at one instance whether lhs = rhs: float64 first, exact or 50-digit arithmetic
    to confirm agreements (up to CONFIRMATIONS) and every disagreement, and domain mismatches
    (one side defined, the other not) count as disagreements."""

    def __init__(self, lhs, rhs, scope, settings):
        self.lhs, self.rhs, self.scope, self.settings = lhs, rhs, scope, settings
        self.confirmed = self.rescued = self.float_only = 0
        self.can_confirm = True
        self.confirm_seconds = 0.0
        self.unsettled: list = []
        self.last = None          # (left, right, gap, precise) at the last instance judged

    def sides(self, values) -> tuple:
        return tuple(_value_or_none(side, values) for side in (self.lhs, self.rhs))

    def status(self, values) -> str:
        left, right = self.sides(values)
        if left is None and right is None:      # both undefined, or both beyond float64
            if not self.can_confirm or self.confirm_seconds > CONFIRM_SECONDS:
                return _OUTSIDE
            started = time.monotonic()
            precise = precise_compare(self.lhs, self.rhs, self.scope, values)
            self.confirm_seconds += time.monotonic() - started
            self.last = (None, None, None, precise)
            if precise.undefined or precise.gap is None:
                return _DIFFER if precise.differ else _OUTSIDE
            if precise.same:
                self.rescued += 1
                return _AGREE
            return _DIFFER
        if left is None or right is None:
            precise = precise_compare(self.lhs, self.rhs, self.scope, values)
            self.last = (left, right, None, precise)
            if precise.differ:
                return _DIFFER
            if precise.same:        # float64 overflow or underflow on one side only
                self.rescued += 1
                return _AGREE
            return _OUTSIDE
        gap = _relative_gap(left, right)
        self.last = (left, right, gap, None)
        if gap == float("inf"):
            return _DIFFER
        if gap > self.settings.rtol:
            precise = precise_compare(self.lhs, self.rhs, self.scope, values)
            self.last = (left, right, gap, precise)
            if precise.differ:
                return _DIFFER
            if precise.same:
                self.rescued += 1
                return _AGREE
            if gap > UNCONFIRMED_MARGIN:
                return _DIFFER
            self.unsettled.append((values, gap))
            return _AGREE
        if self.can_confirm and self.confirmed < CONFIRMATIONS:
            started = time.monotonic()
            precise = precise_compare(self.lhs, self.rhs, self.scope, values)
            self.confirm_seconds += time.monotonic() - started
            if self.confirm_seconds > CONFIRM_SECONDS:
                self.can_confirm = False     # exact arithmetic too slow here: float64 stands
            if precise.differ:
                self.last = (left, right, gap, precise)
                return _DIFFER
            if precise.same:
                self.confirmed += 1
                return _AGREE
            self.can_confirm = False
        self.float_only += 1
        return _AGREE

    def differs(self, values, declarations=()) -> bool:
        if declarations and at_endpoint(declarations, values):
            return False
        try:
            return self.status(values) == _DIFFER
        except (NotEvaluable, ShapeError, DeclarationError):
            return False

    def confirmation_text(self) -> str:
        parts = []
        if self.confirmed:
            parts.append(f"{self.confirmed} agreements confirmed in exact or 50-digit arithmetic")
        if self.float_only:
            parts.append(f"{self.float_only} in float64 only" + (
                "" if self.can_confirm else " (no exact value available)"))
        if self.rescued:
            parts.append(f"at {self.rescued} float64 rounding or overflow separated the sides "
                         "and exact arithmetic showed them equal")
        return ", ".join(parts) or "float64 only"


def _value_or_none(side, values):
    """The float64 value of a side, or None where it is undefined in float64."""
    try:
        return evaluate(side, values)
    except DomainError:
        return None


def _shown(values, declarations) -> str:
    return ", ".join(f"{k} = {v}" for k, v in _readable_values(values, declarations).items())


def _constant_sides(judge, scope, rng) -> Outcome:
    """No free symbols: one evaluation, confirmed exactly."""
    try:
        values = sample_instance(scope, [], rng)
        status = judge.status(values)
    except NotEvaluable as exc:
        return Outcome(Verdict.UNKNOWN, "numeric", f"cannot evaluate numerically: {exc}")
    except (ShapeError, DeclarationError) as exc:
        return Outcome(Verdict.ERROR, "numeric", _message(exc))
    except DomainError:
        status = _OUTSIDE
    if status == _OUTSIDE:
        return Outcome(Verdict.UNKNOWN, "numeric", "neither side has a value (outside the domain)")
    if status == _DIFFER:
        return _refute_at(judge, scope, [], rng, judge.settings, values)
    if judge.unsettled:
        return Outcome(Verdict.UNKNOWN, "numeric", "float64 separates the sides and no exact "
                       "value could tell rounding from a real difference")
    return Outcome(Verdict.VERIFIED, "numeric: evaluated (no free symbols)",
                   "both sides computed; " + judge.confirmation_text())


def defined_somewhere(lhs, rhs, scope, rng, tries: int = 20) -> bool:
    """Whether both sides evaluate at some sampled instance (True when they cannot be
    evaluated numerically at all: then nothing can be said either way)."""
    try:
        declarations = needed_declarations(scope, [lhs, rhs])
    except DeclarationError:
        return True
    for _ in range(tries):
        try:
            values = sample_instance(scope, declarations, rng)
            evaluate(lhs, values), evaluate(rhs, values)
            if divides_by_zero(lhs, scope, values) or divides_by_zero(rhs, scope, values):
                continue
            return True
        except DomainError:
            continue
        except (NotEvaluable, ShapeError, DeclarationError):
            return True
    return False


def _refute_at(judge, scope, declarations, rng, settings, values) -> Outcome:
    """`refuted` at `values` (where judge.status said the sides differ), shrunk towards
    small integers and simple values, with both sides recomputed at the shown instance."""
    from ..shrink import shrink_instance
    if any(isinstance(d, Dim) for _, d in declarations):    # smallest dimensions first
        best = shrink(lambda v: (1.0 if judge.differs(v, declarations) else 0.0, 0.0), scope,
                      declarations, rng, settings)
        values = best[0] if best is not None else values
    if declarations:
        values = shrink_instance(values, declarations, scope, rng,
                                 lambda v: judge.differs(v, declarations))
    judge.status(values)
    left, right, gap, precise = judge.last
    if precise is not None and precise.undefined:
        defined = "rhs" if precise.undefined == ("lhs",) else "lhs"
        shown = left if defined == "lhs" else right
        detail = (f"domain mismatch: {precise.undefined[0]} has no real value here (a log of "
                  f"a negative, a division by zero, an even root of a negative, ...) while "
                  f"{defined} is {_describe(shown, precise, defined)} ({precise.how})")
        counterexample = {"values": _readable_values(values, declarations),
                          "lhs": _plain(left) if left is not None else "undefined",
                          "rhs": _plain(right) if right is not None else "undefined",
                          "relative_difference": None, "exact": True}
        return Outcome(Verdict.REFUTED, "numeric counterexample", detail, counterexample)
    if gap == float("inf"):
        detail = f"the sides have different shapes here: {_shape(left)} and {_shape(right)}"
        exact = False
    elif precise is not None and precise.gap is not None:
        gap, exact = precise.gap, True
        detail = (f"the sides differ by a relative {gap:.3g}; confirmed in {precise.how}")
        if precise.distinct and not isinstance(precise.left, list):
            difference = precise.left - precise.right
            shown = difference if len(str(difference)) < 60 else sp.N(difference, 6)
            detail = f"lhs - rhs = {shown} here exactly (a relative {gap:.3g}); {precise.how}"
        if left is None or right is None:
            left, right = (_plain_or_text(v) for v in (precise.left, precise.right))
    else:
        exact = False
        detail = (f"the sides differ by a relative {gap:.3g} (float64 evaluation only: no "
                  "exact or 50-digit value available; far beyond rounding)")
    counterexample = {
        "values": _readable_values(values, declarations),
        "lhs": _plain(left), "rhs": _plain(right),
        "relative_difference": float(gap) if gap != float("inf") else None,
        "exact": exact,
    }
    return Outcome(Verdict.REFUTED, "numeric counterexample", detail, counterexample)


def _describe(value, precise, side) -> str:
    if value is not None:
        return f"{_plain(value)}"
    number = precise.left if side == "lhs" else precise.right
    return "defined" if number is None else f"{_float_of(number):.6g}"


def _plain_or_text(number):
    """A 50-digit value for a counterexample: a float where float64 holds it, else its text."""
    try:
        value = _float_of(number)
        if value is None or np.all(np.isfinite(value)):
            return value
        return str(sp.N(number, 15)) if not isinstance(number, list) else \
            [str(sp.N(v, 15)) for v in number]
    except (OverflowError, TypeError, ValueError):
        return str(sp.N(number, 15)) if not isinstance(number, list) else [str(v) for v in number]


def _float_of(number):
    if isinstance(number, list):
        return [float(v) for v in number]
    return float(number) if number is not None else None


def shrink(sides, scope, declarations, rng, settings, member: int = 0, confirm=None):
    """The simplest instance that clearly separates the sides (`sides(values)` computes both):
    smallest dimensions first, small-integer values before random floats, and among the
    refuting small-integer instances the one with the smallest entries. Returns
    (values, left, right, gap), or None if nothing clears the margin."""
    dims = [(name, d) for name, d in declarations if isinstance(d, Dim)]
    ranges = [range(d.low, min(d.high, d.low + 2) + 1) for _, d in dims]
    combos = sorted(itertools.product(*ranges), key=lambda c: (sum(c), max(c, default=0), c))
    fallback = None
    for combo in combos:
        fixed = {name: size for (name, _), size in zip(dims, combo)}
        simple_hits = []
        for simple, tries in ((True, 16), (False, 3)):
            for _ in range(tries):
                try:
                    values = sample_instance(scope, declarations, rng, simple=simple, dims=fixed,
                                             member=member)
                    left, right = sides(values)
                except (DomainError, NotEvaluable, ShapeError, DeclarationError):
                    continue
                gap = _relative_gap(left, right)
                if gap > settings.refute_margin and (confirm is None or gap == float("inf")
                                                     or confirm(values)):
                    if simple:
                        simple_hits.append((values, left, right, gap))
                    else:
                        fallback = fallback or (values, left, right, gap)
            if simple_hits:
                return min(simple_hits, key=lambda hit: _size_of(hit[0], declarations))
        if fallback:
            return fallback
    return fallback


def _size_of(values, declarations) -> float:
    """How hard an instance is to read: the magnitude of its free values, fractions costing more."""
    total = 0.0
    for _, decl in declarations:
        if isinstance(decl, (Definition, Eigendecomposition, Dim)):
            continue
        value = np.asarray(values[getattr(decl, "symbol", None) or decl.base], dtype=float)
        total += float(np.sum(np.abs(value))) + 3.0 * float(np.sum(value != np.round(value)))
    return total


def _relative_gap(left, right) -> float:
    """max |left - right| / max(1, |left|, |right|) entrywise; infinite if the shapes differ."""
    if isinstance(left, tuple) or isinstance(right, tuple):
        if not (isinstance(left, tuple) and isinstance(right, tuple)) or len(left) != len(right):
            return float("inf")
        return max((_relative_gap(a, b) for a, b in zip(left, right)), default=0.0)
    a, b = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
    if a.shape != b.shape:
        if a.size == 1 and b.size == 1:        # a 1 x 1 matrix such as w^T A w is a scalar
            a, b = a.reshape(()), b.reshape(())
        else:
            return float("inf")
    scale = max(1.0, float(np.max(np.abs(a), initial=0)), float(np.max(np.abs(b), initial=0)))
    return float(np.max(np.abs(a - b), initial=0)) / scale


def _readable_values(values: dict, declarations) -> dict:
    shown = {}
    for name, decl in declarations:
        if isinstance(decl, Eigendecomposition):
            for symbol in (decl.U, decl.Lambda, decl.eigenvalues):
                shown[str(symbol)] = _plain(values[symbol])
            continue
        key = name + (" (defined)" if isinstance(decl, Definition) else "")
        shown[key] = _plain(values[decl.symbol] if hasattr(decl, "symbol") else values[decl.base])
    return shown


def _plain(value):
    """JSON-friendly: ints for integral floats, nested lists for arrays, lists for tuples."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()] if value.ndim else _plain(value.item())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value
    value = float(value) if not isinstance(value, int) else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return round(value, 12) if isinstance(value, float) else value


def _shape(value) -> str:
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    shape = np.shape(value)
    return "a scalar" if shape == () else "x".join(map(str, shape))


def _sizes_text(sizes) -> str:
    shown = ", ".join("(" + ", ".join(map(str, s)) + ")" for s in sorted(sizes)[:5])
    return "{" + shown + (", …}" if len(sizes) > 5 else "}")


def _message(exc) -> str:
    return getattr(exc, "message", None) or str(exc)
