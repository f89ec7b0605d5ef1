"""Symbolic evidence: SymPy shows lhs - rhs is zero (cheap canonical forms first).

Returns `proved` or, for two different constants, `refuted`; otherwise None (undecided).
"""
from __future__ import annotations

import sympy as sp

from .. import ops
from ..model import Verdict
from ..results import Outcome

# Cheap canonical forms, tried in order before anything expensive. They are fast on rational
# functions of scalars; on expressions holding matrices, sums or other unevaluated operators
# they are slow and rarely succeed, so only `expand` is tried there (see _forms_for).
_SCALAR_FORMS = (
    ("expand", sp.expand),
    ("cancel", sp.cancel),
    ("together", lambda e: sp.cancel(sp.together(e))),
    ("powsimp", lambda e: sp.expand(sp.powsimp(e, force=False))),
)
_STRUCTURED_FORMS = ()       # numeric evidence first; `expand` on these comes with --prove
_FULL_FORMS = (
    ("doit+expand", lambda e: sp.expand(e.doit())),
    ("simplify", lambda e: sp.simplify(e.doit())),
)
_CHEAP_SIZE = 80     # operations in lhs - rhs beyond which rational-function forms get slow


def prove_equal(lhs, rhs, definitions: dict, *, full: bool = False) -> Outcome | None:
    """`proved` when SymPy reduces lhs - rhs to zero, with the form that did it.

    Constants that differ are refuted outright. `definitions` ({symbol: expr}) are
    substituted when the plain forms fail; `full` also tries `simplify` (slow)."""
    if isinstance(lhs, sp.Tuple) or isinstance(rhs, sp.Tuple):
        return _prove_tuple(lhs, rhs, definitions, full=full)
    if lhs == rhs:
        return Outcome(Verdict.PROVED, "identical")
    if _is_matrix(lhs) or _is_matrix(rhs):
        return _prove_matrix(lhs, rhs, definitions, full=full)
    diff = sp.sympify(lhs) - sp.sympify(rhs)
    if diff.is_Number:
        if sp.sympify(lhs).is_number and sp.sympify(rhs).is_number:
            return _constants(lhs, rhs, diff)
    if diff.is_number and diff.is_zero is False:
        return _constant_difference(lhs, rhs, diff)
    if definitions and _flatten(_substitute(sp.sympify(lhs), definitions)) == _flatten(
            _substitute(sp.sympify(rhs), definitions)):
        return Outcome(Verdict.PROVED, "identical (definitions substituted)")
    forms = _forms_for(diff)
    outcome = _try_forms(diff, forms)
    if outcome is None and definitions:
        expanded = _substitute(diff, definitions)
        if expanded != diff:
            outcome = _try_forms(expanded, forms, suffix=" (definitions substituted)")
    if outcome is None and full:
        outcome = _try_forms(_substitute(diff, definitions), _SCALAR_FORMS + _FULL_FORMS)
    return outcome


def _flatten(expr):
    """expr with nested matrix products and sums merged: (A B) C and A (B C) become A B C."""
    if not expr.args or isinstance(expr, sp.MatrixSymbol):
        return expr
    args = [_flatten(arg) for arg in expr.args]
    if isinstance(expr, (sp.MatMul, sp.MatAdd)):
        merged = []
        for arg in args:
            merged.extend(arg.args if type(arg) is type(expr) else [arg])
        return type(expr)(*merged)
    return expr.func(*args) if args != list(expr.args) else expr


def _forms_for(diff):
    elementary = (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.Abs, sp.floor, sp.ceiling)
    structured = diff.has(sp.MatrixExpr, sp.Sum, sp.Product) or any(
        not isinstance(f, elementary) for f in diff.atoms(sp.Function))
    if structured or sp.count_ops(diff) > _CHEAP_SIZE:
        return _STRUCTURED_FORMS
    return _SCALAR_FORMS


def _constants(lhs, rhs, diff) -> Outcome:
    if diff == 0:
        return Outcome(Verdict.PROVED, "arithmetic")
    return Outcome(Verdict.REFUTED, "arithmetic",
                   f"both sides are constants: {sp.sympify(lhs)} != {sp.sympify(rhs)}",
                   {"values": {}, "lhs": _number(lhs), "rhs": _number(rhs), "exact": True})


def _constant_difference(lhs, rhs, diff) -> Outcome:
    """lhs - rhs is a nonzero constant: wherever both sides are defined they differ by it."""
    shown = diff if diff.is_Rational else f"{diff} = {sp.N(diff, 6)}"
    return Outcome(Verdict.REFUTED, "exact difference",
                   f"lhs - rhs = {shown}, a nonzero constant: the sides differ by it at every "
                   "value of the symbols where both are defined",
                   {"values": {}, "lhs": str(sp.sympify(lhs)), "rhs": str(sp.sympify(rhs)),
                    "difference": str(diff), "exact": True})


def _number(value):
    value = sp.sympify(value)
    if value.is_Integer:
        return int(value)
    return str(value) if value.is_Rational else float(value)


def _try_forms(diff, forms, suffix: str = "") -> Outcome | None:
    for name, form in forms:
        try:
            if form(diff) == 0:
                return Outcome(Verdict.PROVED, name + suffix)
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            continue
    return None


def _is_matrix(expr) -> bool:
    return bool(getattr(expr, "is_Matrix", False))


def _prove_matrix(lhs, rhs, definitions, *, full) -> Outcome | None:
    if not (_is_matrix(lhs) and _is_matrix(rhs)):
        return None       # a scalar beside a matrix: the numeric checker reports the shapes
    if lhs.shape != rhs.shape:
        return None
    diff = lhs - rhs
    forms = (("doit", lambda e: e.doit()), ("expand", lambda e: e.doit().expand()))
    for candidate, suffix in ((diff, ""), (_substitute(diff, definitions), " (definitions substituted)")):
        for name, form in forms:
            try:
                if _is_zero_matrix(form(candidate)):
                    return Outcome(Verdict.PROVED, name + suffix)
            except (TypeError, ValueError, NotImplementedError, AttributeError):
                continue
        if not definitions:
            break
    if full:
        try:
            if _is_zero_matrix(sp.simplify(diff.doit())):
                return Outcome(Verdict.PROVED, "simplify")
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            pass
    return None


def _is_zero_matrix(expr) -> bool:
    if isinstance(expr, sp.ZeroMatrix) or expr == 0:
        return True
    return isinstance(expr, sp.MatrixBase) and expr.is_zero_matrix is True


def _prove_tuple(lhs, rhs, definitions, *, full) -> Outcome | None:
    if not (isinstance(lhs, sp.Tuple) and isinstance(rhs, sp.Tuple)) or len(lhs) != len(rhs):
        return None
    methods = []
    for left, right in zip(lhs, rhs):
        outcome = prove_equal(left, right, definitions, full=full)
        if outcome is None:
            return None
        if outcome.verdict == Verdict.REFUTED:
            return outcome
        methods.append(outcome.method)
    return Outcome(Verdict.PROVED, "/".join(dict.fromkeys(methods)) + " (each entry)")


def _substitute(expr, definitions: dict):
    """expr with every defined symbol replaced by its definition, repeatedly; not inside a
    derivative jacobian(f, x), whose x must stay a symbol (the evaluator substitutes f's
    definitions itself)."""
    for _ in range(len(definitions) + 1):
        replaced = _replace_outside_derivatives(expr, definitions)
        if replaced == expr:
            return expr
        expr = replaced
    return expr


def _replace_outside_derivatives(expr, rule: dict):
    if expr in rule:
        return rule[expr]
    if isinstance(expr, ops.Jacobian) or not expr.args:
        return expr
    args = [_replace_outside_derivatives(arg, rule) for arg in expr.args]
    return expr.func(*args) if args != list(expr.args) else expr


def shape_problem(expr) -> str | None:
    """A description of the first ill-formed matrix operation in expr (a product whose inner
    dimensions differ, a sum of differently shaped terms), or None. Dimensions are compared as
    expressions: `n` and `m` differ even if they might take the same value."""
    if not isinstance(expr, sp.Basic):
        return None
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatMul):
            factors = [a for a in node.args if getattr(a, "is_Matrix", False)]
            for left, right in zip(factors, factors[1:]):
                if _differ(left.shape[1], right.shape[0]):
                    return (f"shape mismatch: {left} is {_shape(left)} and {right} is "
                            f"{_shape(right)}, so {left}*{right} is not defined")
        elif isinstance(node, (sp.MatPow, sp.Inverse, sp.Trace, sp.Determinant)):
            inner = node.args[0]
            if getattr(inner, "is_Matrix", False) and _differ(*inner.shape):
                what = {sp.MatPow: "a power", sp.Inverse: "an inverse", sp.Trace: "a trace",
                        sp.Determinant: "a determinant"}[type(node)]
                return f"shape mismatch: {what} of {inner}, which is {_shape(inner)}, not square"
        elif isinstance(node, sp.MatAdd):
            shapes = {tuple(a.shape) for a in node.args}
            if len(shapes) > 1 and any(_differ(a, b) for s1 in shapes for s2 in shapes
                                       for a, b in zip(s1, s2)):
                return f"shape mismatch: adding terms of shapes {', '.join(map(str, shapes))}"
    return None


def _differ(a, b) -> bool:
    if a == b:
        return False
    return sp.expand(sp.sympify(a) - sp.sympify(b)) != 0


def _shape(matrix) -> str:
    return f"{matrix.shape[0]} x {matrix.shape[1]}"
