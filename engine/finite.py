"""Claims over finite spaces, decided by enumerating every case (`engine.checkers.enumeration`).

    x, k = sp.symbols("x k", integer=True)
    holds(ForAll(sp.Eq(Count(sp.Ge(x, 0), (x, Integers(-k, k))), k + 1), (k, Integers(0, 5))),
          "k + 1 of the integers -k..k are nonnegative")

`ForAll(statement, (var, space), ...)` is a statement: `statement` holds for every assignment
of the bound variables; `Count(condition, (var, space), ...)` is the number of assignments
that satisfy `condition`. A space may depend on the variables bound before it. Spaces: a list
or tuple of values (kept as a `sp.FiniteSet`: in increasing order, once each), `sp.FiniteSet`,
a constant `sp.Range`, `Integers(a, b)` (a..b inclusive) and `Vectors(space, k)` (every
k-tuple of elements of `space`). A bound variable is a plain SymPy symbol, not a scope
declaration; the step holding these nodes must have no other free symbol.
Python experiments (`engine.computed.computation`) may take the bound values, tuples included,
and must return int, bool or `fractions.Fraction` (the enumeration is exact arithmetic).
"""
from __future__ import annotations

import sympy as sp
from sympy.logic.boolalg import Boolean


def _ranges(ranges) -> tuple:
    """`(var, space)` pairs as SymPy Tuples; TypeError naming the bad one."""
    out = []
    for pair in ranges:
        if not (isinstance(pair, (tuple, list, sp.Tuple)) and len(pair) == 2
                and isinstance(pair[0], sp.Symbol)):
            raise TypeError(f"a bound variable is written (symbol, space); got {pair!r}")
        var, space = pair
        if isinstance(space, (list, tuple)):
            space = sp.FiniteSet(*space)
        out.append(sp.Tuple(var, space))
    if not out:
        raise TypeError("ForAll and Count need at least one (symbol, space) pair")
    return tuple(out)


def _bound_free_symbols(body, ranges) -> set:
    """The free symbols of `body` and of the spaces, less the variables bound before them."""
    free, bound = set(), set()
    for var, space in ranges:
        free |= space.free_symbols - bound
        bound.add(var)
    return free | (body.free_symbols - bound)


def _latex_ranges(printer, ranges) -> str:
    return ",\\ ".join(f"{printer._print(var)} \\in {printer._print(space)}"
                       for var, space in ranges)


class Integers(sp.Basic):
    """The integers a, a+1, ..., b (empty when b < a); a and b may use earlier bound variables."""

    def __new__(cls, low, high):
        return sp.Basic.__new__(cls, sp.sympify(low), sp.sympify(high))

    @property
    def free_symbols(self):
        return self.args[0].free_symbols | self.args[1].free_symbols

    def _latex(self, printer):
        low, high = (printer._print(a) for a in self.args)
        return r"\left\{%s, \dots, %s\right\}" % (low, high)

    def _sympystr(self, printer):
        return "{%s..%s}" % tuple(printer._print(a) for a in self.args)


class Vectors(sp.Basic):
    """Every `length`-tuple of elements of `space` (the product space^length), in
    lexicographic order."""

    def __new__(cls, space, length):
        if isinstance(space, (list, tuple)):
            space = sp.FiniteSet(*space)
        return sp.Basic.__new__(cls, space, sp.sympify(length))

    @property
    def free_symbols(self):
        return self.args[0].free_symbols | self.args[1].free_symbols

    def _latex(self, printer):
        return r"%s^{%s}" % (printer._print(self.args[0]), printer._print(self.args[1]))

    def _sympystr(self, printer):
        return "%s^%s" % (printer._print(self.args[0]), printer._print(self.args[1]))


class ForAll(Boolean):
    """`statement` holds for every assignment of the bound variables (decided exhaustively)."""

    def __new__(cls, statement, *ranges):
        return Boolean.__new__(cls, sp.sympify(statement), *_ranges(ranges))

    @property
    def statement(self):
        return self.args[0]

    @property
    def ranges(self) -> tuple:
        return self.args[1:]

    @property
    def free_symbols(self):
        return _bound_free_symbols(self.statement, self.ranges)

    def _latex(self, printer):
        return r"\forall %s:\ %s" % (_latex_ranges(printer, self.ranges),
                                     printer._print(self.statement))

    def _sympystr(self, printer):
        return "ForAll(%s, %s)" % (printer._print(self.statement),
                                   ", ".join(printer._print(r) for r in self.ranges))


class Count(sp.Expr):
    """The number of assignments of the bound variables that satisfy `condition`."""

    is_integer = True
    is_nonnegative = True
    is_commutative = True

    def __new__(cls, condition, *ranges):
        return sp.Expr.__new__(cls, sp.sympify(condition), *_ranges(ranges))

    @property
    def condition(self):
        return self.args[0]

    @property
    def ranges(self) -> tuple:
        return self.args[1:]

    @property
    def free_symbols(self):
        return _bound_free_symbols(self.condition, self.ranges)

    def _eval_subs(self, old, new):       # bound variables are not substituted into
        if old in {var for var, _ in self.ranges}:
            return self
        return None

    def _latex(self, printer, exp=None):
        body = r"\#\left\{%s :\ %s\right\}" % (_latex_ranges(printer, self.ranges),
                                               printer._print(self.condition))
        return body if exp is None else r"\left(%s\right)^{%s}" % (body, exp)

    def _sympystr(self, printer):
        return "Count(%s, %s)" % (printer._print(self.condition),
                                  ", ".join(printer._print(r) for r in self.ranges))


def has_finite_quantifier(*exprs) -> bool:
    """Whether any of the expressions holds a ForAll or a Count."""
    return any(isinstance(e, sp.Basic) and e.has(ForAll, Count) for e in exprs)
