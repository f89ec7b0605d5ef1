"""Operators the sources write that SymPy lacks: E[.], squared norms, rows and columns.

They stay unevaluated in steps (so a chain prints like its source) and the numeric evaluator
knows how to evaluate each of them. Their LaTeX is printed by engine.render.latex_printer
(one printer per target), their MathML by engine.render.mathml.
"""
from __future__ import annotations

import sympy as sp
from sympy.core.symbol import Str
from sympy.logic.boolalg import Boolean
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.matexpr import MatrixExpr



class Expectation(sp.Function):
    """E[x]: kept unevaluated; steps containing it are decided by the probability checker."""

    is_commutative = True

    def _sympystr(self, printer):
        return "E[%s]" % printer._print(self.args[0])


class ConditionalExpectation(sp.Function):
    """E[x | y]: the expectation of x given y (one random quantity or a tuple of them), itself
    a random quantity, a function of y. The probability checker decides steps with it by
    holding y's random sources fixed; see engine/checkers/conditional.py for when that is
    exactly E[x | y] and what it does otherwise."""

    is_commutative = True

    @property
    def integrand(self):
        return self.args[0]

    @property
    def given(self) -> tuple:
        return tuple(self.args[1]) if isinstance(self.args[1], sp.Tuple) else (self.args[1],)

    def _sympystr(self, printer):
        return "E[%s | %s]" % (printer._print(self.args[0]),
                               ", ".join(printer._print(y) for y in self.given))


class Variance(sp.Function):
    """Var(x) = E[x^2] - E[x]^2 of a scalar; the probability checker rewrites it that way."""

    is_commutative = True

    def in_expectations(self):
        x = self.args[0]
        return Expectation(x**2) - Expectation(x)**2


class Covariance(sp.Function):
    """Cov(x, y) = E[x y] - E[x] E[y] of scalars."""

    is_commutative = True

    def in_expectations(self):
        x, y = self.args
        return Expectation(x * y) - Expectation(x) * Expectation(y)


class SquaredNorm(sp.Function):
    """||v||^2 of a column vector (sum of squares of its entries); real and nonnegative."""

    is_real = True
    is_nonnegative = True

    def _sympystr(self, printer):
        return "||%s||^2" % printer._print(self.args[0])

    def doit(self, **hints):
        vector = self.args[0].doit(**hints) if hints.get("deep", True) else self.args[0]
        if isinstance(vector, sp.MatrixBase):
            return sum(entry**2 for entry in vector)
        return self.func(vector)


class Inner(sp.Function):
    """The scalar u v of a row u (1 x n) and a column v (n x 1), written as juxtaposition."""

    is_real = True


class AsScalar(sp.Function):
    """The entry of a 1 x 1 matrix expression (w^T A w) as a scalar."""

    is_real = True


def scalar_of(expr):
    """expr as a scalar: the entry of a 1 x 1 matrix expression, or expr itself."""
    if getattr(expr, "is_Matrix", False) and expr.shape == (1, 1):
        return AsScalar(expr)
    return expr


class _Slice(MatrixExpr):
    """Column or row `index` (counted from 1, as the sources count) of a matrix expression."""

    def __new__(cls, matrix, index):
        return sp.Basic.__new__(cls, matrix, sp.sympify(index))

    @property
    def matrix(self):
        return self.args[0]

    @property
    def index(self):
        return self.args[1]


class Col(_Slice):
    @property
    def shape(self):
        return (self.matrix.shape[0], sp.S.One)

    def _entry(self, i, j, **kwargs):
        return self.matrix[i, self.index - 1]


class Row(_Slice):
    @property
    def shape(self):
        return (sp.S.One, self.matrix.shape[1])

    def _entry(self, i, j, **kwargs):
        return self.matrix[self.index - 1, j]


class Gradient(MatrixExpr):
    """The gradient of a scalar expression with respect to a vector or matrix symbol, kept
    unevaluated (printed as nabla); `doit` differentiates with SymPy's matrix calculus. Built
    by `grad` only for expressions that calculus gets right (`_calculus_is_exact`); `doit` of
    any other expression gives the finite-difference `NumericGradient` instead."""

    def __new__(cls, expr, wrt):
        return sp.Basic.__new__(cls, sp.sympify(expr), wrt)

    @property
    def shape(self):
        return self.args[1].shape

    def doit(self, **hints):
        expr, wrt = _as_matrix_calculus(self.args[0]), self.args[1]
        if not _calculus_is_exact(expr, wrt):
            return NumericGradient(self.args[0], wrt)
        return expr.diff(wrt)


# Nodes through which SymPy's matrix calculus (MatrixExpr.diff) differentiates correctly. Other
# nodes that depend on the variable (an entry w[i, 0], a Sum over entries, ||w||^2 as a
# function, exp of a 1 x 1 product) are differentiated as constants by it: d/dw ||w||^2 = 0.
_EXACT_CALCULUS = (sp.MatrixSymbol, sp.MatMul, sp.MatAdd, sp.Transpose, sp.Inverse, sp.Trace,
                   sp.Mul, sp.Add)


def _as_matrix_calculus(expr):
    """expr with the engine's scalar wrappers of a 1 x 1 product written as that product
    (w^T w for ||w||^2, u v for Inner(u, v)), at the top level only, where the gradient of
    the product is the gradient of the scalar."""
    if isinstance(expr, AsScalar):
        return expr.args[0]
    if isinstance(expr, Inner):
        return sp.MatMul(*expr.args)
    if isinstance(expr, SquaredNorm) and _is_matrix(expr.args[0]) and expr.args[0].shape[1] == 1:
        vector = expr.args[0]
        return sp.MatMul(vector.T, vector)
    if isinstance(expr, sp.MatrixBase) and expr.shape == (1, 1):
        return expr[0, 0]
    return expr


def _calculus_is_exact(expr, wrt) -> bool:
    """Whether every node of expr that depends on wrt is one SymPy's matrix calculus
    differentiates correctly (and the scalar factors that multiply them do not depend on it)."""
    if not isinstance(expr, sp.Basic):
        return False
    for node in sp.preorder_traversal(expr):
        if not node.has(wrt):
            continue
        if not isinstance(node, _EXACT_CALCULUS):
            return False
        if isinstance(node, (sp.Mul, sp.Add)) and not _is_matrix(node):
            # a scalar Add/Mul: only products of constants and 1 x 1 matrix expressions
            if any(arg.has(wrt) and not _is_matrix(arg) for arg in node.args):
                return False
    return True


class Jacobian(MatrixExpr):
    """The derivative of `expr` with respect to the declared symbol `wrt`, evaluated numerically
    (central finite differences) by the evaluator; never differentiated symbolically.

    Layouts: for a scalar or column-vector expr (m entries) and a scalar or column-vector wrt
    (n entries), the m x n Jacobian (1 x n for a scalar expr); for a scalar expr and a matrix
    wrt, the gradient with wrt's shape (entry (i, j) is d expr / d wrt_ij)."""

    def __new__(cls, expr, wrt):
        expr = sp.sympify(expr)
        if not isinstance(wrt, (sp.Symbol, sp.MatrixSymbol)):
            raise ValueError(f"jacobian(f, x): x must be a declared scalar, vector or matrix "
                             f"symbol, got {wrt}")
        if _is_matrix(expr) and expr.shape[1] != 1 and expr.shape != (1, 1):
            raise ValueError(f"jacobian(f, x): f must be a scalar or a column vector, got a "
                             f"{expr.shape[0]} x {expr.shape[1]} matrix")
        if _is_matrix(wrt) and wrt.shape[1] != 1 and _is_matrix(expr) and expr.shape != (1, 1):
            raise ValueError(f"jacobian(f, {wrt}): with respect to a matrix, f must be a scalar")
        return sp.Basic.__new__(cls, expr, wrt)

    @property
    def expr(self):
        return self.args[0]

    @property
    def wrt(self):
        return self.args[1]

    @property
    def is_gradient(self) -> bool:
        """Whether the result has wrt's shape (wrt is a matrix that is not a column vector)."""
        return _is_matrix(self.wrt) and self.wrt.shape[1] != 1

    @property
    def shape(self):
        if self.is_gradient:
            return self.wrt.shape
        rows = self.expr.shape[0] if _is_matrix(self.expr) else sp.S.One
        cols = self.wrt.shape[0] if _is_matrix(self.wrt) else sp.S.One
        return (rows, cols)

    def _sympystr(self, printer):
        return "d(%s)/d%s" % (printer._print(self.expr), printer._print(self.wrt))


class NumericGradient(Jacobian):
    """nabla_wrt expr with wrt's shape (a column for a vector), evaluated like `Jacobian` by
    central finite differences; printed as nabla. What `grad` gives for an expression SymPy's
    matrix calculus would get wrong."""

    def __new__(cls, expr, wrt):
        expr = sp.sympify(expr)
        if not isinstance(wrt, sp.MatrixSymbol):
            raise ValueError(f"grad(f, w): w must be a declared vector or matrix symbol, got {wrt}")
        if _is_matrix(expr) and expr.shape != (1, 1):
            raise ValueError(f"grad(f, {wrt}): f must be a scalar, got a {expr.shape[0]} x "
                             f"{expr.shape[1]} matrix")
        return sp.Basic.__new__(cls, expr, wrt)

    @property
    def is_gradient(self) -> bool:
        return True

    @property
    def shape(self):
        return self.wrt.shape

    def _sympystr(self, printer):
        return "grad_%s(%s)" % (printer._print(self.wrt), printer._print(self.expr))


def _is_matrix(expr) -> bool:
    return bool(getattr(expr, "is_Matrix", False))


def jacobian(f, x):
    """df/dx for a scalar or column-vector f and a declared scalar or column-vector symbol x
    (m x n, 1 x n for a scalar f); for a scalar f and a matrix symbol x, the gradient with x's
    shape. Checked numerically by finite differences (definitions depending on x included)."""
    return Jacobian(f, x)


def grad(expr, wrt):
    """nabla_wrt expr, for a scalar expr (a 1 x 1 product such as w^T H w counts as scalar),
    wrt a declared vector or matrix symbol: a `Gradient` (proved by SymPy's matrix calculus)
    when that calculus is exact for expr, else a `NumericGradient` (finite differences), so
    that no node it cannot differentiate is taken for a constant. ValueError as `jacobian`."""
    expr = sp.sympify(expr)
    if _calculus_is_exact(_as_matrix_calculus(expr), wrt):
        return Gradient(expr, wrt)
    return NumericGradient(expr, wrt)


def E(expr, given=None):
    """The expectation E[expr], or the conditional expectation E[expr | given] when `given` is
    a random quantity or a tuple of them (E(f, given=(x, y)) is E[f | x, y])."""
    if given is None:
        return Expectation(expr)
    if isinstance(given, (tuple, list)):
        given = sp.Tuple(*given) if len(given) != 1 else given[0]
    return ConditionalExpectation(expr, given)


def Var(x):
    """The variance Var(x) of a scalar."""
    return Variance(x)


def Cov(x, y):
    """The covariance Cov(x, y) of two scalars."""
    return Covariance(x, y)


def sqnorm(vector):
    """||vector||^2."""
    return SquaredNorm(vector)


def tr(matrix):
    """The trace Tr[matrix], kept unevaluated."""
    return sp.Trace(matrix)


def inner(row, column):
    """row * column as a scalar (row is 1 x n, column is n x 1)."""
    return Inner(row, column)


def col(matrix, index):
    return Col(matrix, index)


def row(matrix, index):
    return Row(matrix, index)


class EntrywiseFunction(sp.Lambda):
    """A function of one real variable with the source's name (phi, sigma'): applied to a
    matrix it acts entry by entry and prints as phi(W x), not as SymPy's (u -> ...)_o(W x).
    Everything else (evaluation, differentiation) uses its body, as for any Lambda."""

    def __new__(cls, signature, expr, name, latex):
        plain = sp.Lambda(signature, expr)
        return sp.Basic.__new__(cls, plain.signature, plain.expr, Str(str(name)),
                                Str(str(latex)))

    @property
    def name(self) -> str:
        """The name the LaTeX reader knows it by (phi, sigma_prime)."""
        return self.args[2].name

    @property
    def latex(self) -> str:
        return self.args[3].name

    def __call__(self, *args):
        if len(args) == 1 and _is_matrix(args[0]):
            return ElementwiseApplyFunction(self, args[0])
        return super().__call__(*args)


def entrywise(name: str, function, latex: str | None = None) -> EntrywiseFunction:
    r"""`function` (a Python function of one SymPy scalar) under the source's name: phi(v) of
    a matrix v is phi applied entry by entry, kept unevaluated and printed as `latex`
    (default \name, e.g. \phi); `name` is what the LaTeX reader reads it as (\sigma' reads as
    sigma_prime)."""
    u = sp.Dummy("u", real=True)
    return EntrywiseFunction((u,), function(u), name, latex or "\\" + name)


class MatrixEq(Boolean, sp.Basic):
    """The statement u = v between two matrices of one shape. A numeric instance compares
    them in float64 up to rounding, ||u - v||^2 <= 1e-20 (||u||^2 + ||v||^2) (a relative
    1e-10: the two sides may sum the same terms in different orders); it prints as u = v."""

    TOLERANCE = sp.Rational(1, 10**20)

    def __new__(cls, lhs, rhs):
        lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
        if not (_is_matrix(lhs) and _is_matrix(rhs)) or lhs.shape != rhs.shape:
            raise ValueError(f"MatrixEq relates two matrices of one shape, not {lhs} and {rhs}")
        if all(isinstance(m, sp.MatrixBase) and all(e.is_number for e in m)
               for m in (lhs, rhs)):        # explicit numbers: decided exactly, as Eq does
            equal = [sp.Eq(a, b) for a, b in zip(lhs, rhs)]
            if all(e in (sp.true, sp.false) for e in equal):
                return sp.true if all(e == sp.true for e in equal) else sp.false
        return sp.Basic.__new__(cls, lhs, rhs)

    @property
    def lhs(self):
        return self.args[0]

    @property
    def rhs(self):
        return self.args[1]

    def _sympystr(self, printer):
        return "%s = %s" % (printer._print(self.lhs), printer._print(self.rhs))
