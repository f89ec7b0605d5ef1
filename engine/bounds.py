"""Bounds on the work reading an expression may start: numbers are built eagerly by SymPy
(10**10**10 is computed when it is written), so both readers (engine.expressions and
engine.latex) build powers, factorials, binomials and literals through these functions, which
refuse, with a one-line ExpressionError, what would take more than a moment or more memory than
a step deserves. Declared matrix sizes are bounded in engine.scope (MAX_DIMENSION, MAX_ENTRIES).
"""
from __future__ import annotations

import math

import sympy as sp

from .errors import ExpressionError

MAX_DIGITS = 1000            # of an exact integer or rational the reader builds
MAX_LITERAL_DIGITS = 400     # of a number as written
MAX_SYMBOLIC_EXPONENT = 10_000    # integer exponent of a non-numeric base ((x+1)^n expands)
MAX_FACTORIAL = 1000         # n! of a number n (1000! has 2568 digits, but is cheap)


def _log10_magnitude(value) -> float | None:
    """log10 |value| of a finite nonzero real number, None when it is not one."""
    if not (value.is_number and value.is_real and value.is_finite) or value == 0:
        return None
    if value.is_Rational:
        p, q = abs(value.p), value.q
        return (p.bit_length() - q.bit_length()) * math.log10(2)
    try:
        return math.log10(abs(float(value)))
    except (OverflowError, ValueError, TypeError):
        return None


def literal(text: str) -> sp.Rational:
    """The exact number written as `text` (digits, with a decimal point or not)."""
    digits = sum(ch.isdigit() for ch in text)
    if digits > MAX_LITERAL_DIGITS:
        raise ExpressionError(f"a number with {digits} digits: at most {MAX_LITERAL_DIGITS} are "
                              "read")
    return sp.Rational(text) if "." in text else sp.Integer(text)


def float_literal(value: float) -> sp.Rational:
    """A Python float literal as the exact decimal it was written as (1e-1 is 1/10)."""
    if not math.isfinite(value):
        raise ExpressionError(f"the number {value!r} is not finite (a literal above 1.8e308 "
                              "overflows; write it as a power, 10**400)")
    return sp.Rational(repr(value))


def power(base, exponent):
    """base ** exponent, refused when both are numbers and the exact result would have more
    than MAX_DIGITS digits (10**10**10), or when an integer exponent of a non-numeric base is
    above MAX_SYMBOLIC_EXPONENT (expanding (x+1)**(10**9) would not finish)."""
    base, exponent = sp.sympify(base), sp.sympify(exponent)
    if exponent.is_number and exponent.is_Rational and base.is_number:
        size, scale = _log10_magnitude(base), _log10_magnitude(exponent)
        if size is not None and size != 0 and scale is not None and \
                math.log10(abs(size)) + scale > math.log10(MAX_DIGITS):
            raise ExpressionError(f"{_short(base)}^{_short(exponent)} has more than {MAX_DIGITS} "
                                  "digits: not computed")
        if base.is_Rational and exponent.is_Integer and abs(exponent) > MAX_DIGITS * 4:
            if abs(base) not in (0, 1):
                raise ExpressionError(f"{_short(base)}^{_short(exponent)}: the exponent is too "
                                      "large to compute")
    elif exponent.is_Integer and abs(exponent) > MAX_SYMBOLIC_EXPONENT:
        raise ExpressionError(f"the exponent {_short(exponent)} is above {MAX_SYMBOLIC_EXPONENT}: "
                              "such a power is not read")
    return base ** exponent


def factorial(value):
    """value!, refused for a number above MAX_FACTORIAL (4!!! is (24!)!, 6e23 factors)."""
    value = sp.sympify(value)
    if value.is_number and value.is_real and value.is_finite is not False and \
            value > MAX_FACTORIAL:
        raise ExpressionError(f"the factorial of {_short(value)} is not computed (at most "
                              f"{MAX_FACTORIAL}!)")
    if value.is_number and value.is_infinite:
        raise ExpressionError("the factorial of infinity")
    return sp.factorial(value)


def binomial(top, bottom):
    """binomial(top, bottom), refused for numbers whose value would have more than MAX_DIGITS
    digits (binomial(10**9, 10**8))."""
    top, bottom = sp.sympify(top), sp.sympify(bottom)
    if top.is_number and bottom.is_number and top.is_real and bottom.is_real:
        try:
            n, k = float(top), float(bottom)
        except (TypeError, ValueError):
            n = k = 0.0
        if math.isfinite(n) and math.isfinite(k) and 0 <= k <= n:
            digits = (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)) \
                / math.log(10)
            if digits > MAX_DIGITS or min(k, n - k) > 100_000:
                raise ExpressionError(f"binomial({_short(top)}, {_short(bottom)}) has about "
                                      f"{digits:.3g} digits: not computed")
        elif not (math.isfinite(n) and math.isfinite(k)):
            raise ExpressionError("a binomial coefficient of a number too large to read")
    return sp.binomial(top, bottom)


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 30 else text[:12] + "..." + text[-6:]
