"""The one LaTeX printer of the project: SymPy's LatexPrinter with a `_print_<Class>` method for
each operator of engine.ops and for the SymPy constructs the sources write in their own notation.

What it prints, and why:
- E[x], E[x | y], Var(x), Cov(x, y), ||v||^2, nabla, d f / d x, rows and columns of engine.ops
  as the sources write them (a symbol differentiated prints without parentheses: dy_3/db_1).
- diag(v) for DiagMatrix(v); a function applied entrywise under the source's name
  (ops.entrywise) as phi(v); any other as SymPy's (u -> f(u))_o(v), which the LaTeX reader reads
  back (every printed side must read back). A statement u = v between matrices as u = v.
- A sum in the order it was built when it was built unevaluated (1 + 0 stays 1 + 0); otherwise
  SymPy's order, except that it does not open with a minus sign when a term is positive
  (E[z^2] - E[z]^2, not -E[z]^2 + E[z^2]).
- A matrix of ones with its shape (SymPy prints a bare 1, which reads back as the number), an
  entry of a subscripted matrix as (b_2)_{0,0}.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.latex import LatexPrinter

from .. import ops


def _powered(text: str, exp) -> str:
    """`text` raised to `exp` (SymPy passes the exponent of f(x)**2 to the printer of f)."""
    return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)


class Printer(LatexPrinter):
    """SymPy's LaTeX printer with the project's notation (see the module docstring)."""

    # -- engine.ops ----------------------------------------------------------------------

    def _print_Expectation(self, expr, exp=None):
        return _powered(r"\mathbb{E}\left[%s\right]" % self._print(expr.args[0]), exp)

    def _print_ConditionalExpectation(self, expr, exp=None):
        given = ", ".join(self._print(y) for y in expr.given)
        return _powered(r"\mathbb{E}\left[%s \,\middle|\, %s\right]"
                        % (self._print(expr.args[0]), given), exp)

    def _print_Variance(self, expr, exp=None):
        return _powered(r"\operatorname{Var}\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_Covariance(self, expr, exp=None):
        return _powered(r"\operatorname{Cov}\left(%s, %s\right)"
                        % tuple(self._print(a) for a in expr.args), exp)

    def _print_SquaredNorm(self, expr, exp=None):
        return _powered(r"\left\|%s\right\|^{2}" % self._print(expr.args[0]), exp)

    def _print_Inner(self, expr, exp=None):
        def show(arg):
            if isinstance(arg, sp.Transpose) and isinstance(arg.arg, ops._Slice):
                return self._print(arg.arg) + "^{T}"
            return self._print(arg)
        return _powered(" ".join(show(arg) for arg in expr.args), exp)

    def _print_AsScalar(self, expr, exp=None):
        return _powered(self._print(expr.args[0]), exp)

    def _print_Col(self, expr, exp=None):
        return _powered(r"\left(%s\right)_{%s}" % (self._print(expr.matrix),
                                                   self._print(expr.index)), exp)

    _print_Row = _print_Col

    def _print_Gradient(self, expr, exp=None):
        return _powered(r"\nabla_{%s} %s" % (self._print(expr.args[1]),
                                             self.parenthesize(expr.args[0], 1000)), exp)

    def _print_Jacobian(self, expr, exp=None):
        return _powered(r"\frac{\partial %s}{\partial %s}" % (self._differentiated(expr.expr),
                                                              self._print(expr.wrt)), exp)

    def _print_NumericGradient(self, expr, exp=None):
        return _powered(r"\nabla_{%s} %s" % (self._print(expr.wrt),
                                             self.parenthesize(expr.expr, 1000)), exp)

    def _differentiated(self, expr) -> str:
        """What d/dx applies to: a symbol bare (dy_3), anything else in parentheses."""
        if isinstance(expr, (sp.Symbol, sp.MatrixSymbol)):
            return self._print(expr)
        return r"\left(%s\right)" % self._print(expr)

    # -- SymPy constructs in the sources' notation ---------------------------------------

    def _print_DiagMatrix(self, expr, exp=None):
        return _powered(r"\operatorname{diag}\left(%s\right)" % self._print(expr.args[0]), exp)

    def _print_ElementwiseApplyFunction(self, expr):
        if isinstance(expr.function, ops.EntrywiseFunction):    # phi(W x), the source's name
            return r"%s\left(%s\right)" % (expr.function.latex, self._print(expr.expr))
        return super()._print_ElementwiseApplyFunction(expr)

    def _print_EntrywiseFunction(self, expr):
        return expr.latex

    def _print_MatrixEq(self, expr):
        return "%s = %s" % (self._print(expr.lhs), self._print(expr.rhs))

    def _print_OneMatrix(self, expr):
        rows, cols = expr.shape
        return r"\mathbf{1}_{%s \times %s}" % (self._print(rows), self._print(cols))

    def _print_MatrixElement(self, expr):
        # (b_2)_{0,0}, as the sources write it: SymPy's {b_{2}}_{0,0} typesets as b_{20,0}
        parent = self._print(expr.parent)
        if isinstance(expr.parent, sp.MatrixSymbol) and "_" in parent:
            return r"\left(%s\right)_{%s,%s}" % (parent, self._print(expr.i),
                                                self._print(expr.j))
        return super()._print_MatrixElement(expr)

    def _print_Mul(self, expr):
        # a quotient written unevaluated, Mul(1, Pow(27, -1)), prints as the fraction 1/27
        # (SymPy writes 1 \cdot \frac{1}{27}), as the MathML printer does
        if expr.args[0] is sp.S.One and len(expr.args) > 1:
            numerator, denominator = sp.fraction(expr, exact=True)
            if denominator is not sp.S.One:
                return r"\frac{%s}{%s}" % (self._print(numerator), self._print(denominator))
        return super()._print_Mul(expr)

    # -- term order ----------------------------------------------------------------------

    def _as_ordered_terms(self, expr, order=None):
        terms = list(expr.args)
        if _built_unevaluated(expr):
            return terms
        terms = super()._as_ordered_terms(expr, order=order)
        return _positive_first(terms)


def _built_unevaluated(expr) -> bool:
    """Whether a sum was built with evaluate=False: building it again from its terms gives
    another expression (1 + 0 becomes 1; E[z^2] - E[z]^2 in that order is not SymPy's)."""
    if not isinstance(expr, (sp.Add, sp.MatAdd)):
        return False
    try:
        return expr.func(*expr.args) != expr
    except Exception:              # a sum SymPy cannot rebuild: keep its terms as they are
        return True


def _positive_first(terms: list) -> list:
    """The terms with the first one that does not carry a minus sign moved to the front, when
    the first carries one: y - t, not -t + y."""
    if len(terms) < 2 or not _negative(terms[0]):
        return terms
    for i, term in enumerate(terms):
        if not _negative(term):
            return [term] + terms[:i] + terms[i + 1:]
    return terms


def _negative(term) -> bool:
    try:
        return bool(term.could_extract_minus_sign())
    except Exception:
        return False
