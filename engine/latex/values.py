"""What the parser passes around besides SymPy objects (a name not yet looked up, a lone
identity I, a row-or-column slice, a norm before its exponent, a function waiting for its
arguments), small helpers on shapes, and the token stream the parser reads."""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .tokens import Token

# -- values the parser passes around besides SymPy objects ----------------------------------

@dataclass(frozen=True)
class _Name:
    """A name not yet looked up: subscripts and accents may still extend it."""
    text: str
    token: Token
    bold: bool = False          # written in a bold font: `x_bold` if declared, else `x`


@dataclass(frozen=True)
class _Eye:
    """coefficient * I, whose size the matrices around it will tell."""
    coefficient: object = sp.S.One


@dataclass(frozen=True)
class _Ones:
    """coefficient * \\mathbf{1}, the ones vector (a row when transposed), whose length the
    matrix it multiplies will tell."""
    transposed: bool = False
    coefficient: object = sp.S.One


@dataclass(frozen=True)
class _Slice:
    """(M)_index: row or column of M, decided by the product it stands in."""
    matrix: object
    index: object
    transposed: bool = False
    coefficient: object = sp.S.One


@dataclass(frozen=True)
class _Norm:
    """\\|x\\| before its exponent is known."""
    vector: object


@dataclass(frozen=True)
class _Applicable:
    """A declared function (or E, Var) waiting for its arguments."""
    name: str
    apply: object
    token: Token
    nullary: bool = False     # may stand without arguments (a computation of nothing)


def _element(matrix, i, j):
    """(matrix)_{ij}. An entry of a sum or product of matrices stays an entry of it, as the
    text writes it (and SymPy prints it), not the formula SymPy's indexing writes out: the
    probability checker needs to see (A x + b)_j to know that E[. | A x + b] conditions on it."""
    if isinstance(matrix, (sp.MatAdd, sp.MatMul, sp.HadamardProduct)):
        from sympy.matrices.expressions.matexpr import MatrixElement
        return MatrixElement(matrix, i, j)
    return matrix[i, j]


def _is_matrix(value) -> bool:
    return isinstance(value, (_Eye, _Slice)) or bool(getattr(value, "is_Matrix", False))


def _same(a, b) -> bool:
    return sp.expand(sp.sympify(a) - sp.sympify(b)) == 0


def _shape_text(value) -> str:
    if isinstance(value, _Eye):
        return "I"
    rows, cols = value.shape
    return f"{rows} x {cols}"


def _is_computation(function) -> bool:
    from ..computed import Computed
    return isinstance(function, type) and issubclass(function, Computed)


def scalar_of(value):
    from ..ops import scalar_of as to_scalar
    return to_scalar(value)


def _elementwise(function):
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    return lambda args, fail: ElementwiseApplyFunction(function, args[0])


class _Stream:
    def __init__(self, items):
        self.items = list(items)
        self.index = 0

    def peek(self, ahead: int = 0):
        position = self.index + ahead
        return self.items[position] if position < len(self.items) else None

    def next(self):
        token = self.peek()
        self.index += 1
        return token

    def at_end(self) -> bool:
        return self.index >= len(self.items)
