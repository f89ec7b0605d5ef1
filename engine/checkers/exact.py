"""Exact re-evaluation of both sides at one instance, with SymPy's arithmetic instead of
float64: confirms a numeric refutation (or exposes it as rounding error, as when an expanded
polynomial cancels catastrophically). Every float of the instance is taken as the exact
rational it represents."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..sampling import first_index_key
from ..scope import Definition, Dim, Eigendecomposition, Matrix, Random, Scalar, Sequence


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
            a, b = sp.N(a, 40), sp.N(b, 40)
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


def _exact_value(expr, scope, values):
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
                symbols[decl.symbol] = _rational(values[decl.symbol])
        elif isinstance(decl, Matrix) and decl.symbol in values:
            matrices[decl.symbol] = values[decl.symbol]
        elif isinstance(decl, Sequence) and decl.base in values:
            sequences[decl.base] = (values[decl.base], decl.first)
        elif isinstance(decl, Eigendecomposition) and decl.U in values:
            matrices[decl.U] = values[decl.U]
            matrices[decl.Lambda] = values[decl.Lambda]
            sequences[decl.eigenvalues] = (values[decl.eigenvalues],
                                           values.get(first_index_key(decl.eigenvalues), 1))
    for power in expr.atoms(sp.Pow):
        exponent = power.exp.xreplace(sizes).xreplace(symbols)
        if exponent.is_Rational and (abs(exponent) > MAX_EXACT_EXPONENT
                                     or exponent.q > MAX_EXACT_ROOT):
            raise ValueError(f"an exponent of {sp.N(exponent, 6)}: too costly to take exactly")
    expr = expr.xreplace(sizes).xreplace(symbols)
    expr = expr.xreplace({symbol.xreplace(sizes): sp.ImmutableMatrix(
        [[_rational(v) for v in row] for row in np.atleast_2d(value)])
        for symbol, value in matrices.items()})
    expr = expr.doit()
    if sequences:
        expr = expr.replace(
            lambda e: isinstance(e, sp.Indexed) and e.base in sequences,
            lambda e: _rational(sequences[e.base][0][int(e.indices[0]) - sequences[e.base][1]]))
        expr = expr.doit()
    return expr


def _rational(value) -> sp.Rational:
    value = float(value)
    return sp.Integer(int(value)) if value.is_integer() else sp.Rational(value)
