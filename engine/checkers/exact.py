"""Exact re-evaluation of both sides at one instance, with SymPy's arithmetic instead of
float64: confirms a numeric refutation (or exposes it as rounding error, as when an expanded
polynomial cancels catastrophically). Every float of the instance is taken as the exact
rational it represents."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..sampling import first_index_key
from ..scope import Definition, Dim, Eigendecomposition, Matrix, Random, Scalar, Sequence


DIGITS = 50                 # the precision of the confirmation
SAME = 1e-30                # relative gap below which two 50-digit values count as equal


class Precise:
    """Both sides at one instance in exact / 50-digit arithmetic: `gap` is the relative gap
    (None when it could not be computed), `undefined` names a side that has no real value there
    (a log of a negative, a division by zero, a complex power), `how` says which arithmetic."""

    def __init__(self, gap=None, undefined=(), how="", left=None, right=None, distinct=False):
        self.gap, self.undefined, self.how = gap, tuple(undefined), how
        self.left, self.right = left, right
        self.distinct = distinct      # two exact rationals that differ, however little

    @property
    def known(self) -> bool:
        return self.gap is not None or bool(self.undefined)

    @property
    def differ(self) -> bool:
        """The sides really differ here: different values, or one defined and the other not."""
        if self.undefined:
            return len(self.undefined) == 1
        return self.distinct or (self.gap is not None and self.gap > SAME)

    @property
    def same(self) -> bool:
        return self.gap is not None and not self.undefined and not self.distinct \
            and self.gap <= SAME


def precise_compare(lhs, rhs, scope, values: dict) -> Precise:
    """Both sides at `values` exactly (the instance's floats as exact rationals), or, where an
    exact power or root is too costly, at 50 significant digits (mpmath through SymPy's evalf).
    Never raises; an unknown answer has `known` False."""
    sides, how = [], "exact arithmetic"
    for side in (lhs, rhs):
        value, side_how = _precise_side(side, scope, values)
        if value is _FAILED:
            return Precise()
        if side_how != "exact arithmetic":
            how = side_how
        sides.append(value)
    undefined = tuple(name for name, value in zip(("lhs", "rhs"), sides) if value is _UNDEFINED)
    if undefined:
        return Precise(None, undefined, how)
    left, right = (v[0] if isinstance(v, list) and len(v) == 1 else v for v in sides)
    if isinstance(left, list) != isinstance(right, list):
        return Precise()
    pairs = list(zip(left, right)) if isinstance(left, list) else [(left, right)]
    if isinstance(left, list) and len(left) != len(right):
        return Precise()
    gap, scale = sp.Integer(0), sp.Integer(1)
    distinct = any(a.is_Rational and b.is_Rational and a != b for a, b in pairs)
    for a, b in pairs:
        gap = max(gap, abs(a - b))
        scale = max(scale, abs(a), abs(b))
    gap = float(gap / scale)
    if _approximate_inputs(scope, values):
        # an orthogonal or eigen-decomposed matrix holds its structure only to float64
        # precision, so exact arithmetic on it is no better than float64: gaps at that level
        # are noise, and only a clear gap counts as a difference
        how += f" (structured matrices exact only to {APPROXIMATE:g})"
        gap = 0.0 if gap <= APPROXIMATE else gap
        distinct = distinct and gap > 0
    return Precise(gap, (), how, left, right, distinct)


MAX_DIGITS = 600        # working precision evalf may raise to before it gives up on a value
APPROXIMATE = 1e-9      # the gap a float64-structured instance can show in exact arithmetic


def _approximate_inputs(scope, values) -> bool:
    """Whether the instance holds matrices whose declared structure (orthogonal, symmetric,
    definite, an eigendecomposition) holds only to float64 precision."""
    for decl in scope.declarations.values():
        if isinstance(decl, Matrix) and decl.structure and decl.symbol in values:
            return True
        if isinstance(decl, Eigendecomposition) and decl.U in values:
            return True
        if isinstance(decl, Definition) and getattr(decl, "structure", None) \
                and decl.symbol in values:
            return True
    return False


_FAILED, _UNDEFINED = object(), object()


def _precise_side(expr, scope, values):
    """(value, how): a 50-digit real number, a list of them (a matrix's entries), _UNDEFINED
    or _FAILED."""
    how = "exact arithmetic"
    try:
        value = _exact_value(expr, scope, values)
    except _TooCostly:
        try:
            value = _exact_value(expr, scope, values, floats=True)
            how = f"{DIGITS}-digit arithmetic"
        except Exception:       # SymPy cannot evaluate it at all: no precise value
            return _FAILED, how
    except Exception:           # SymPy cannot evaluate it exactly: no precise value
        return _FAILED, how
    try:
        entries = list(value) if isinstance(value, sp.MatrixBase) else None
        numbers = []
        for entry in (entries if entries is not None else [value]):
            if isinstance(entry, sp.logic.boolalg.Boolean) and not isinstance(entry, sp.Expr):
                return _FAILED, how
            if entry.has(sp.zoo, sp.nan) or entry in (sp.oo, -sp.oo):
                return _UNDEFINED, how
            if entry.is_Rational:        # exact: compared exactly, however large or close
                numbers.append(entry)
                continue
            # strict: a value whose digits cancelled away (cosh(183)^2 - sinh(183)^2) raises
            # instead of coming back as a confident 0
            number = sp.N(entry, DIGITS, maxn=MAX_DIGITS, strict=True)
            if not number.is_number or number.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
                return (_UNDEFINED if number.is_number else _FAILED), how
            real, imag = number.as_real_imag()
            if abs(imag) > SAME * max(1, abs(real)):
                return _UNDEFINED, how
            if not real.is_number or real.has(sp.Symbol):
                return _FAILED, how
            numbers.append(real)
        return (numbers if entries is not None else numbers[0]), how
    except Exception:           # evalf failed on this form: no precise value
        return _FAILED, how


class _TooCostly(ValueError):
    """An exact power or root, or a sum, too costly to take exactly."""


def exact_gap(lhs, rhs, scope, values: dict) -> float | None:
    """max |lhs - rhs| / max(1, |lhs|, |rhs|) computed exactly at `values`; None when SymPy
    cannot evaluate the sides there (an operator it cannot expand, a shape it cannot build)."""
    try:
        left, right = (_exact_value(side, scope, values) for side in (lhs, rhs))
        if isinstance(left, sp.MatrixBase) != isinstance(right, sp.MatrixBase):
            return None
        if isinstance(left, sp.MatrixBase):
            if left.shape != right.shape:
                return None
            pairs = list(zip(left, right))
        else:
            pairs = [(left, right)]
        gap, scale = 0.0, 1.0
        for a, b in pairs:
            a, b = (sp.N(v, 40, maxn=MAX_DIGITS, strict=True) for v in (a, b))
            if not (a.is_number and b.is_number) or a.has(sp.zoo, sp.nan, sp.oo):
                return None
            gap = max(gap, float(abs(a - b)))
            scale = max(scale, float(abs(a)), float(abs(b)))
        return gap / scale
    except Exception:        # SymPy cannot do it exactly: the caller keeps the float evidence
        return None


def divides_by_zero(expr, scope, values: dict) -> bool:
    """Whether some denominator of the scalar expression is exactly zero at `values` (float
    evaluation cannot tell: rounding leaves a tiny nonzero number)."""
    if not isinstance(expr, sp.Basic):
        return False
    bases = [p.base for p in expr.atoms(sp.Pow) if p.exp.is_negative and not p.base.is_Matrix]
    for base in bases:
        try:
            value = sp.N(_exact_value(base, scope, values), 30)
        except Exception:
            continue
        if value.is_number and value == 0:
            return True
    return False


# An instance's floats are exact rationals of ~55 digits: a power beyond MAX_EXACT_EXPONENT, or a
# root of a degree beyond MAX_EXACT_ROOT (a float exponent such as 0.7 is p/2^52), takes SymPy
# seconds to minutes (T = 1e6 took 23 s); the float evaluation then stands unconfirmed.
MAX_EXACT_EXPONENT = 1000
MAX_EXACT_ROOT = 64


MAX_EXACT_TERMS = 2000      # a sum or product with more terms is not taken exactly


def _exact_value(expr, scope, values, floats: bool = False):
    """expr at `values` in SymPy's arithmetic: the instance's floats as exact rationals, or as
    DIGITS-digit Floats when `floats` (then no power is too costly)."""
    expr = sp.sympify(expr)
    definitions = {d.symbol: d.expr for d in scope.declarations.values()
                   if isinstance(d, Definition)}
    for _ in range(len(definitions) + 1):
        replaced = expr.xreplace(definitions)
        if replaced == expr:
            break
        expr = replaced
    sizes, symbols, matrices, sequences = {}, {}, {}, {}
    for decl in scope.declarations.values():
        if isinstance(decl, Dim) and decl.symbol in values:
            sizes[decl.symbol] = sp.Integer(int(values[decl.symbol]))
        elif isinstance(decl, (Scalar, Random)) and decl.symbol in values:
            if isinstance(decl.symbol, sp.MatrixSymbol):
                matrices[decl.symbol] = values[decl.symbol]
            else:
                symbols[decl.symbol] = _number(values[decl.symbol], floats)
        elif isinstance(decl, Matrix) and decl.symbol in values:
            matrices[decl.symbol] = values[decl.symbol]
        elif isinstance(decl, Sequence) and decl.base in values:
            sequences[decl.base] = (values[decl.base], decl.first)
        elif isinstance(decl, Eigendecomposition) and decl.U in values:
            matrices[decl.U] = values[decl.U]
            matrices[decl.Lambda] = values[decl.Lambda]
            sequences[decl.eigenvalues] = (values[decl.eigenvalues],
                                           values.get(first_index_key(decl.eigenvalues), 1))
    for power in ([] if floats else expr.atoms(sp.Pow)):
        exponent = power.exp.xreplace(sizes).xreplace(symbols)
        if exponent.is_Rational and (abs(exponent) > MAX_EXACT_EXPONENT
                                     or exponent.q > MAX_EXACT_ROOT):
            raise _TooCostly(f"an exponent of {sp.N(exponent, 6)}: too costly to take exactly")
    for total in expr.atoms(sp.Sum, sp.Product):
        for _, low, high in total.limits:
            span = (high - low).xreplace(sizes).xreplace(symbols)
            if span.is_number and abs(span) > MAX_EXACT_TERMS:
                raise ValueError("a sum with too many terms to take exactly")
    expr = expr.xreplace(sizes).xreplace(symbols)
    expr = expr.xreplace({symbol.xreplace(sizes): sp.ImmutableMatrix(
        [[_number(v, floats) for v in row] for row in np.atleast_2d(value)])
        for symbol, value in matrices.items()})
    expr = expr.doit()
    if sequences:
        expr = expr.replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in sequences,
            lambda e: _number(sequences[e.base][0][int(e.indices[0]) - sequences[e.base][1]],
                              floats))
        expr = expr.doit()
    return expr


def _number(value, floats: bool = False):
    """The exact value of a sampled number: a Rational, or a DIGITS-digit Float (exact too:
    a double's binary expansion fits)."""
    if floats and not float(value).is_integer():
        return sp.Float(float(value), DIGITS + 10)
    return _rational(value)


def _rational(value) -> sp.Rational:
    value = float(value)
    return sp.Integer(int(value)) if value.is_integer() else sp.Rational(value)
