"""Numeric evidence: both sides evaluated at random instances honouring every assumption.

`verified` after `trials` agreeing instances; `refuted` with the simplest counterexample found
(small dimensions, small integers); `unknown` when too few instances fall in the domain.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import ShapeError, evaluate
from ..model import Verdict
from ..results import Outcome
from ..sampling import DomainError, needed_declarations, sample_instance
from .exact import divides_by_zero, exact_gap
from ..scope import Definition, Dim, Eigendecomposition
from ..settings import NumericSettings


Settings = NumericSettings


def test_equal(lhs, rhs, scope, rng: np.random.Generator, settings: Settings = Settings()) -> Outcome:
    """Compare lhs and rhs on `settings.trials` random instances of the scope."""
    try:
        declarations = needed_declarations(scope, [lhs, rhs])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "numeric", exc.message)
    agreed = attempts = rescued = 0
    trials = settings.trials if declarations else 1     # nothing to vary: one evaluation
    sizes = set()
    largest = {name: d.high for name, d in declarations if isinstance(d, Dim)}
    while agreed < trials and attempts < 10 * trials:
        attempts += 1
        try:    # the first instance takes every dimension at its largest declared size
            values = sample_instance(scope, declarations, rng,
                                     dims=largest if attempts == 1 else None)
            left, right = evaluate(lhs, values), evaluate(rhs, values)
        except DomainError:
            continue
        except NotEvaluable as exc:
            return Outcome(Verdict.UNKNOWN, "numeric", f"cannot evaluate numerically: {exc}")
        except (ShapeError, DeclarationError) as exc:
            return Outcome(Verdict.ERROR, "numeric", _message(exc))
        gap = _relative_gap(left, right)
        if gap > settings.rtol:
            exact = exact_gap(lhs, rhs, scope, values) if gap != float("inf") else None
            if exact is not None and exact <= settings.rtol:
                rescued += 1        # float64 rounding, the exact values agree
            else:
                return _refute(lhs, rhs, scope, declarations, rng, settings, values, left, right,
                               gap)
        agreed += 1
        sizes.add(tuple(int(values[d.symbol]) for _, d in declarations if isinstance(d, Dim)))
    names = [name for name, d in declarations if isinstance(d, Dim)]
    if not declarations and agreed:
        return Outcome(Verdict.VERIFIED, "numeric: evaluated (no free symbols)",
                       "both sides computed" + (" (float64 rounding separated them; exact "
                                                "arithmetic showed them equal)" if rescued else ""))
    if agreed < settings.trials:
        return Outcome(Verdict.UNKNOWN, "numeric",
                       f"only {agreed} of {attempts} sampled instances were in the domain "
                       f"(singular matrices, logs of negatives, overflow)")
    shown = "" if sizes == {()} else f"; ({', '.join(names)}) in {_sizes_text(sizes)}"
    if rescued:
        shown += (f"; on {rescued} of them float64 rounding separated the sides and exact "
                  "arithmetic showed them equal")
    from sympy import Basic, Limit
    if any(isinstance(side, Basic) and side.has(Limit) for side in (lhs, rhs)):
        shown += "; each limit taken by SymPy at the instance's values (as exact rationals)"
    return Outcome(Verdict.VERIFIED, f"numeric: {agreed} trials, rtol {settings.rtol:g}",
                   f"agreed on {agreed} random instances{shown}")


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


def _refute(lhs, rhs, scope, declarations, rng, settings, values, left, right, gap) -> Outcome:
    def confirmed(v) -> bool:
        exact = exact_gap(lhs, rhs, scope, v)
        return exact is None or exact > settings.refute_margin
    best = shrink(lambda v: (evaluate(lhs, v), evaluate(rhs, v)), scope, declarations, rng,
                  settings, confirm=confirmed)
    if best is None:
        if gap < settings.refute_margin:
            return Outcome(Verdict.UNKNOWN, "numeric",
                           f"sides differ by a relative {gap:.2g} at one instance, too close to "
                           "rounding error to call a refutation")
        best = (values, left, right, gap)
    values, left, right, gap = best
    exact = exact_gap(lhs, rhs, scope, values) if gap != float("inf") else None
    if exact is not None and exact <= settings.rtol:
        return Outcome(Verdict.UNKNOWN, "numeric",
                       "float64 evaluation separates the sides but exact arithmetic does not; "
                       "no counterexample found")
    if gap == float("inf"):
        detail = f"the sides have different shapes here: {_shape(left)} and {_shape(right)}"
    else:
        detail = f"the sides differ by a relative {gap:.3g} (float64 evaluation)"
    counterexample = {
        "values": _readable_values(values, declarations),
        "lhs": _plain(left), "rhs": _plain(right),
        "relative_difference": float(gap) if gap != float("inf") else None,
        "exact": exact is not None,
    }
    if exact is not None:
        detail += "; confirmed in exact arithmetic"
    return Outcome(Verdict.REFUTED, "numeric counterexample", detail, counterexample)


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
