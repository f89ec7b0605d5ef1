"""Shrinking a counterexample, like Hypothesis's shrinker: one scalar at a time is replaced by
a simpler value (0, +-1, +-2, +-1/2, +-3, its rounding, a smaller magnitude) while the instance
still fails, until no pass changes anything. Matrices, sequences and dimensions are kept;
defined quantities are recomputed from the changed values.

Public: `shrink_instance(values, declarations, scope, rng, fails)`; `fails(values)` is the
checker's own judge and must be True for the instance given.
"""
from __future__ import annotations

import math

from .errors import DeclarationError, NotEvaluable
from .sampling import DEFINITIONS_KEY, DomainError, _kind_test, sample_instance
from .scope import Definition, Eigendecomposition, Scalar

_SIMPLE = (0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0)
MAX_PASSES = 4
MAX_CALLS = 200          # calls of `fails` in one shrink (each may take exact arithmetic)


def shrink_instance(values: dict, declarations, scope, rng, fails) -> dict:
    """The simplest instance found that still fails, starting from `values` (returned unchanged
    when nothing simpler fails)."""
    calls = 0
    scalars = [(name, d) for name, d in declarations if isinstance(d, Scalar)]
    for _ in range(MAX_PASSES):
        changed = False
        for name, decl in scalars:
            current = float(values[decl.symbol])
            allowed = _kind_test(decl.kind, decl.interval)
            for candidate in _candidates(current):
                if calls >= MAX_CALLS:
                    return values
                if not allowed(candidate) or _simplicity(candidate) >= _simplicity(current):
                    continue
                trial = _with(values, declarations, scope, rng, decl.symbol, candidate)
                if trial is None:
                    continue
                calls += 1
                if fails(trial):
                    values, current, changed = trial, candidate, True
                    break
        if not changed:
            break
    for name, decl in scalars:       # the smallest failing integer magnitude, by bisection
        current = float(values[decl.symbol])
        if not current.is_integer() or abs(current) <= 3:
            continue
        sign, low, high = (1.0 if current > 0 else -1.0), 0, int(abs(current))
        allowed = _kind_test(decl.kind, decl.interval)
        while high - low > 1 and calls < MAX_CALLS:
            middle = (low + high) // 2
            trial = _with(values, declarations, scope, rng, decl.symbol, sign * middle) \
                if allowed(sign * middle) else None
            calls += 1
            if trial is not None and fails(trial):
                values, high = trial, middle
            else:
                low = middle
    return values


def _candidates(value: float) -> list:
    """Simpler values to try instead of `value`, simplest first."""
    found = list(_SIMPLE)
    if math.isfinite(value):
        found += [float(round(value)), float(math.floor(value)), float(math.ceil(value)),
                  float(round(value * 2) / 2)]
        magnitude = abs(value)
        if magnitude >= 1:           # smaller magnitudes of the same sign: 10^k, then halving
            sign = 1.0 if value > 0 else -1.0
            k = 1
            while 10.0 ** k < magnitude:
                found.append(sign * 10.0 ** k)
                k += 1
            found += [sign * float(round(magnitude / 2 ** j)) for j in range(1, 40)
                      if magnitude / 2 ** j >= 1]
            found += [value - sign, value - sign * 0.5]
        elif magnitude > 0:
            found += [float(f"{value:.1g}")]
    return sorted(dict.fromkeys(found), key=_simplicity)


def _simplicity(value: float) -> tuple:
    """Smaller is simpler: integers before halves before other numbers, then by magnitude."""
    if value.is_integer():
        kind = 0
    elif (2 * value).is_integer():
        kind = 1
    else:
        kind = 2
    return (kind, abs(value), value < 0)


def _with(values, declarations, scope, rng, symbol, value):
    """`values` with `symbol` set to `value` and the definitions recomputed, or None when the
    new instance is outside the domain."""
    fixed = {k: v for k, v in values.items() if k != DEFINITIONS_KEY and not isinstance(k, tuple)}
    for _, decl in declarations:
        if isinstance(decl, (Definition, Eigendecomposition)):
            for key in (getattr(decl, "symbol", None), getattr(decl, "U", None)):
                fixed.pop(key, None)
    fixed[symbol] = value
    try:
        return sample_instance(scope, declarations, rng, fixed=fixed)
    except (DomainError, NotEvaluable, DeclarationError, ValueError, ArithmeticError):
        return None
