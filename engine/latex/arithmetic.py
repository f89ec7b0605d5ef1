r"""Arithmetic with shapes, the `_Arithmetic` part of the parser (engine.latex.parser): sums,
products, quotients, Hadamard and Kronecker products that follow the shapes of their operands
(a lone I sized by its neighbour, (M)_i read as a row or a column as the product needs)."""
from __future__ import annotations

import sympy as sp

from .values import (_Applicable, _Eye, _Norm, _Ones, _Slice, _is_matrix, _same, _shape_text,
                     scalar_of)

_ONES_SIZE = ("the length of the ones vector \\mathbf{1} cannot be told here (it is read only "
              "beside a matrix it multiplies, 1^T M or M 1): write \\mathbf{1}_{n \\times 1}")


class _Arithmetic:
    # -- arithmetic with shapes ----------------------------------------------------------
    def scalar(self, value, token):
        value = self.resolve(value)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        if isinstance(value, _Eye):
            self.fail(token, "the identity I where a number is needed")
        if isinstance(value, _Ones):
            self.fail(token, "the ones vector \\mathbf{1} where a number is needed")
        if _is_matrix(value):
            if value.shape == (1, 1):
                return scalar_of(value)
            self.fail(token, f"a {_shape_text(value)} matrix where a number is needed")
        return value

    def operand(self, value, token, ones: bool = False):
        value = self.resolve(value)
        if isinstance(value, _Ones) and not ones:
            self.fail(token, _ONES_SIZE)
        if isinstance(value, sp.Tuple):
            self.fail(token, "a tuple (a, b) where a number or a matrix is needed")
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        return value

    def slice_default(self, value: _Slice):
        """The reading of (M)_i outside a product: entry i of a vector, else column i."""
        from ..ops import col, row
        rows, cols = value.matrix.shape
        piece = row(value.matrix, value.index) if cols == 1 else col(value.matrix, value.index)
        return value.coefficient * (piece.T if value.transposed else piece)

    def slice_readings(self, value: _Slice, left: bool) -> list:
        """The readings of (M)_i to try in a product, the usual one first: on the left a
        row-shaped one (row i, or column i transposed), on the right a column-shaped one."""
        from ..ops import col, row
        as_row, as_col = row(value.matrix, value.index), col(value.matrix, value.index)
        if value.matrix.shape[1] == 1:
            return [as_row.T if value.transposed else as_row]
        if value.transposed:
            return [as_col.T, as_row.T] if left else [as_row.T, as_col.T]
        return [as_row, as_col] if left else [as_col, as_row]

    def negate(self, value, token):
        value = self.operand(value, token, ones=True)
        if isinstance(value, _Ones):
            return _Ones(value.transposed, -value.coefficient)
        if isinstance(value, _Eye):
            return _Eye(-value.coefficient)
        if isinstance(value, _Slice):
            return _Slice(value.matrix, value.index, value.transposed, -value.coefficient)
        return -value

    def add(self, left, right, token):
        left, right = self.operand(left, token), self.operand(right, token)
        if isinstance(left, _Slice):
            left = self.slice_default(left)
        if isinstance(right, _Slice):
            right = self.slice_default(right)
        if isinstance(left, _Eye) and isinstance(right, _Eye):
            return _Eye(left.coefficient + right.coefficient)
        if isinstance(left, _Eye) or isinstance(right, _Eye):
            eye, other = (left, right) if isinstance(left, _Eye) else (right, left)
            if not _is_matrix(other) or not _same(*other.shape):
                self.fail(token, "I added to something that is not a square matrix")
            sized = eye.coefficient * sp.Identity(other.shape[0])
            return _matrix_sum(sized, other) if eye is left else _matrix_sum(other, sized)
        left_matrix, right_matrix = _is_matrix(left), _is_matrix(right)
        if left_matrix and right_matrix:
            if not (_same(left.shape[0], right.shape[0]) and _same(left.shape[1],
                                                                    right.shape[1])):
                if left.shape == (1, 1) or right.shape == (1, 1):
                    pass
                else:
                    self.fail(token, f"cannot add a {_shape_text(left)} and a "
                                     f"{_shape_text(right)} matrix")
            else:
                return _matrix_sum(left, right)
        if left_matrix and left.shape == (1, 1):
            left = scalar_of(left)
        if right_matrix and right.shape == (1, 1):
            right = scalar_of(right)
        if _is_matrix(left) or _is_matrix(right):
            if right == 0 or left == 0:
                return left if right == 0 else right
            self.fail(token, "cannot add a matrix and a number")
        return left + right

    def combine(self, operator: str, left, right, token):
        if operator == "mul":
            return self.multiply(left, right, token, dot=token.is_macro("cdot"))
        if operator == "div":
            return self.divide(left, right, token)
        left, right = self.operand(left, token), self.operand(right, token)
        left = self.slice_default(left) if isinstance(left, _Slice) else left
        right = self.slice_default(right) if isinstance(right, _Slice) else right
        if not (_is_matrix(left) and _is_matrix(right)) or isinstance(left, _Eye) \
                or isinstance(right, _Eye):
            self.fail(token, "\\odot, \\circ and \\otimes need two matrices")
        if operator == "hadamard":
            if not (_same(left.shape[0], right.shape[0]) and _same(left.shape[1],
                                                                    right.shape[1])):
                self.fail(token, f"a Hadamard product of a {_shape_text(left)} and a "
                                 f"{_shape_text(right)} matrix")
            return sp.HadamardProduct(left, right)
        return sp.KroneckerProduct(left, right)

    def divide(self, top, bottom, token):
        top, bottom = self.operand(top, token), self.operand(bottom, token)
        bottom = self.scalar(bottom, token) if not (_is_matrix(bottom) and
                                                    bottom.shape != (1, 1)) else bottom
        if _is_matrix(bottom):
            self.fail(token, "division by a matrix (write its inverse, M^{-1})")
        if bottom == 0:
            self.fail(token, "division by zero")
        if isinstance(top, _Eye):
            return _Eye(top.coefficient / bottom)
        if isinstance(top, _Slice):
            return _Slice(top.matrix, top.index, top.transposed, top.coefficient / bottom)
        return top / bottom

    def ones_product(self, left, right, token):
        """A product with the ones vector: 1^T M (a row of M's height), M 1 (a column of M's
        width), or a number times it; anything else cannot size it."""
        if isinstance(left, _Slice):
            left = self.slice_default(left)
        if isinstance(right, _Slice):
            right = self.slice_default(right)
        ones, other = (left, right) if isinstance(left, _Ones) else (right, left)
        if not isinstance(other, _Ones) and not isinstance(other, _Eye) and \
                not _is_matrix(other):
            return _Ones(ones.transposed, ones.coefficient * other)
        if isinstance(left, _Ones) and left.transposed and _is_matrix(right) and \
                not isinstance(right, (_Eye, _Ones)):
            return self.multiply(left.coefficient * sp.OneMatrix(1, right.shape[0]), right, token)
        if isinstance(right, _Ones) and not right.transposed and _is_matrix(left) and \
                not isinstance(left, (_Eye, _Ones)):
            return self.multiply(left, right.coefficient * sp.OneMatrix(left.shape[1], 1), token)
        self.fail(token, _ONES_SIZE)

    def multiply(self, left, right, token, dot: bool = False):
        from ..ops import inner
        left, right = self.operand(left, token, ones=True), self.operand(right, token, ones=True)
        if isinstance(left, _Ones) or isinstance(right, _Ones):
            return self.ones_product(left, right, token)
        if isinstance(left, _Eye) or isinstance(right, _Eye):
            if isinstance(left, _Eye) and isinstance(right, _Eye):
                return _Eye(left.coefficient * right.coefficient)
            eye, other = (left, right) if isinstance(left, _Eye) else (right, left)
            if isinstance(other, _Slice):
                other = self.slice_default(other)
            if _is_matrix(other):
                return eye.coefficient * other
            return _Eye(eye.coefficient * other)
        slices = isinstance(left, _Slice) or isinstance(right, _Slice)
        coefficient = sp.S.One
        if slices:
            if not _is_matrix(left) or not _is_matrix(right):    # a number times (M)_i
                number, piece = (left, right) if isinstance(right, _Slice) else (right, left)
                return _Slice(piece.matrix, piece.index, piece.transposed,
                              piece.coefficient * number)
            for value in (left, right):
                if isinstance(value, _Slice):
                    coefficient = coefficient * value.coefficient
            left_readings = self.slice_readings(left, True) if isinstance(left, _Slice) \
                else [left]
            right_readings = self.slice_readings(right, False) if isinstance(right, _Slice) \
                else [right]
            left, right = left_readings[0], right_readings[0]
            for a in left_readings:
                chosen = next((b for b in right_readings if _same(a.shape[1], b.shape[0])), None)
                if chosen is not None:
                    left, right = a, chosen
                    break
        if _is_matrix(left) and _is_matrix(right):
            if dot and left.shape[1] == 1 and right.shape[1] == 1 and \
                    _same(left.shape[0], right.shape[0]):
                return coefficient * inner(left.T, right)
            if not _same(left.shape[1], right.shape[0]):
                if left.shape == (1, 1):
                    return coefficient * scalar_of(left) * right
                if right.shape == (1, 1):
                    return coefficient * left * scalar_of(right)
                self.fail(token, f"cannot multiply a {_shape_text(left)} by a "
                                 f"{_shape_text(right)} matrix")
            if slices and _same(left.shape[0], 1) and _same(right.shape[1], 1):
                return coefficient * inner(left, right)
            return coefficient * _matrix_product(left, right)
        return left * right


def _matrix_sum(left, right):
    """left + right of matrices, canonical as SymPy's + makes it, without re-simplifying
    the operands (built canonical already): SymPy's + runs doit() through every entry of an
    explicit matrix, which re-evaluates each max/min in it."""
    if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return left + right
    return sp.MatAdd(left, right).doit(deep=False)


def _matrix_product(left, right):
    """left * right of matrices (in this order), as _matrix_sum."""
    if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return left * right
    return sp.MatMul(left, right).doit(deep=False)
