"""Conditional expectations E[f | y], rewritten into plain E[.] before the moments are taken.

E[f | y] is computed as the expectation over the random declarations f depends on that y does
not (W), with those y depends on (its random sources S) held fixed. That is E[f | S]; it is
E[f | y] itself when f depends on S only through y, f = g(y, W), which is checked on the
expression: with y taken out of f, no source of y may be left. Otherwise the step is unknown
(a written-out f that names y's sources directly cannot be told apart from one that uses
more of S than y; declaring y with `Scope.define`, or writing its entries as
MatrixElement(y, i, j), keeps y visible).

Two rewritings, both exact:
* inside an outer E[.] (the tower property E[E[f | y]] = E[f] and its relatives): each
  occurrence of E[g(y, W) | y] becomes g(y, W') with W' a fresh independent copy of W, since
  E[g(y, W') | everything else] = E[g(y, W) | y]. A power E[. | y]^k takes k independent
  copies; any other non-polynomial use of E[. | y] inside E[.] is unknown.
* outside every E[.], the step equates random quantities (E[A_ij | y] = E[A_ij]): y's sources
  become fixed declarations (`Conditioned`), sampled once per instance from their laws, in the
  conditional expectations and in every random quantity outside E[.]; the plain E[.] of the
  step still average over them. A random quantity outside E[.] that is not a function of what
  is conditioned on makes the step unknown.
"""
from __future__ import annotations

import itertools

import sympy as sp

from ..ops import ConditionalExpectation, Expectation
from ..scope import Conditioned, Definition, Random, Scope


class NotConditionable(Exception):
    """The step's conditional expectations cannot be rewritten exactly; the message says why."""


def has_conditioning(*exprs) -> bool:
    return any(isinstance(e, sp.Basic) and e.has(ConditionalExpectation) for e in exprs)


def without_conditioning(lhs, rhs, scope: Scope):
    """(lhs, rhs, scope') with every E[. | y] rewritten as above; scope' adds the copies and
    the fixed sources. Raises NotConditionable when no exact rewriting applies."""
    rewriter = _Rewriter(scope)
    sides = [rewriter.nested(side) for side in (lhs, rhs)]
    outermost = _outermost(sides[0]) + _outermost(sides[1])
    for conditional in outermost:
        for symbol in rewriter.through_given(conditional)[1]:
            rewriter.fix(symbol)
    if outermost:
        sides = [rewriter.fixed_outside(side) for side in sides]
    return (*sides, rewriter.scope)


class _Rewriter:
    def __init__(self, scope: Scope):
        self.scope = Scope(declarations=dict(scope.declarations))
        self.original = scope
        self.fixed: dict = {}          # source symbol -> its Conditioned symbol
        self.names = itertools.count(1)
        self.copies: dict = {}         # copy symbol -> the random symbol it copies

    # -- inside E[.]: independent copies ---------------------------------------------------
    def nested(self, expr, inside: bool = False):
        """expr with every E[. | y] that sits inside an E[.] (or inside another E[. | .])
        replaced by its integrand on fresh copies; the outermost ones are left for fixed_outside."""
        if not isinstance(expr, sp.Basic) or not expr.has(ConditionalExpectation):
            return expr
        if isinstance(expr, Expectation):
            _polynomial_use(expr.args[0])
            return Expectation(self.uncopied(self.nested(expr.args[0], True)))
        if isinstance(expr, ConditionalExpectation):
            _polynomial_use(expr.integrand)
            inner = ConditionalExpectation(self.nested(expr.integrand, True), expr.args[1])
            return self.copy(inner) if inside else inner
        if inside and isinstance(expr, sp.Pow) and isinstance(expr.base, ConditionalExpectation):
            return sp.Mul(*[self.nested(expr.base, True) for _ in range(int(expr.exp))])
        return expr.func(*[self.nested(arg, inside) for arg in expr.args])

    def copy(self, conditional):
        """The integrand of E[g | y] on fresh independent copies of the randoms y does not
        depend on."""
        integrand, sources = self.through_given(conditional)
        integrand = _expanded(integrand, self.scope, keep=set(conditional.given))
        renames = {}
        for decl in self.scope.randoms():
            if decl.symbol in sources or not integrand.has(decl.symbol):
                continue
            name = f"{decl.symbol.name}'{next(self.names)}"
            symbol = (sp.MatrixSymbol(name, *decl.symbol.shape)
                      if isinstance(decl.symbol, sp.MatrixSymbol) else sp.Symbol(name, real=True))
            self.scope.declarations[name] = Random(symbol, decl.distribution)
            renames[decl.symbol] = symbol
            self.copies[symbol] = decl.symbol
        return integrand.xreplace(renames)

    def uncopied(self, integrand):
        """The integrand of one E[.] with each copy renamed back to its original where
        neither the original nor another copy of it appears there: the copy was not needed
        (E[E[g | y]] = E[g]), and the original keeps the exact-moment grid small and lets
        identical integrands be recognised. Terms of a sum are integrated apart (E is
        linear), so each is looked at on its own."""
        if isinstance(integrand, sp.Add):
            return sp.Add(*[self.uncopied(term) for term in integrand.args])
        if isinstance(integrand, sp.Sum):
            return sp.Sum(self.uncopied(integrand.function), *integrand.limits)
        present = [c for c in self.copies if integrand.has(c)]
        back = {}
        for copy in present:
            original = self.copies[copy]
            twins = [c for c in present if self.copies[c] == original]
            if len(twins) == 1 and not integrand.has(original):
                back[copy] = original
        return integrand.xreplace(back)

    # -- outside E[.]: fixed sources --------------------------------------------------------
    def fix(self, symbol):
        """Hold the random declaration `symbol` fixed (a Conditioned declaration with its law)."""
        if symbol in self.fixed:
            return
        decl = next(d for d in self.original.randoms() if d.symbol == symbol)
        name = f"{symbol.name}|given"
        fixed = (sp.MatrixSymbol(name, *symbol.shape) if isinstance(symbol, sp.MatrixSymbol)
                 else sp.Symbol(name, real=True))
        self.scope.declarations[name] = Conditioned(fixed, decl.distribution)
        self.fixed[symbol] = fixed

    def fixed_outside(self, expr):
        """expr with its outermost E[g | y] as E[g] over the randoms y does not fix, and its
        random quantities outside E[.] on the fixed values."""
        if isinstance(expr, Expectation) or not isinstance(expr, sp.Basic):
            return expr
        if isinstance(expr, ConditionalExpectation):
            return Expectation(self.uncopied(
                _expanded(expr.integrand, self.scope).xreplace(self.fixed)))
        if isinstance(expr, (sp.Symbol, sp.MatrixSymbol)) and _random(expr, self.scope):
            fixed = _expanded(expr, self.scope).xreplace(self.fixed)
            loose = sorted(str(d.symbol) for d in self.scope.randoms()
                           if self.scope.depends_on(fixed, d.symbol))
            if loose:
                raise NotConditionable(
                    f"{', '.join(loose)} appear outside E[.] but are not determined by what "
                    "the step conditions on: the step equates random quantities the "
                    "conditioning does not fix")
            return fixed
        if not expr.args:
            return expr
        return expr.func(*[self.fixed_outside(arg) for arg in expr.args])

    # -- the condition: f depends on y's sources only through y -------------------------------
    def through_given(self, conditional) -> tuple:
        """(integrand, the random symbols y depends on), after checking that the integrand
        depends on them only through y."""
        given = conditional.given
        sources = {d.symbol for d in self.original.randoms()
                   if any(self.original.depends_on(y, d.symbol) for y in given)}
        integrand = _expanded(conditional.integrand, self.original, keep=set(given))
        placeholders = {y: (sp.MatrixSymbol(f"given{k}", *y.shape) if getattr(y, "is_Matrix", False)
                            else sp.Dummy(f"given{k}")) for k, y in enumerate(given)}
        rest = integrand.xreplace(placeholders)
        left = sorted(str(s) for s in sources if self.original.depends_on(rest, s))
        if left:
            shown = ", ".join(str(y) for y in given)
            raise NotConditionable(
                f"E[{conditional.integrand} | {shown}]: the integrand depends on "
                f"{', '.join(left)} other than through {shown}, so holding {shown}'s random "
                f"sources fixed would not give E[. | {shown}] (name {shown} in the integrand: "
                "Scope.define, or its entries as MatrixElement)")
        return conditional.integrand, sources


def _outermost(expr) -> list:
    """The E[. | .] of expr that are not inside an E[.] or another E[. | .]."""
    if not isinstance(expr, sp.Basic) or isinstance(expr, Expectation):
        return []
    if isinstance(expr, ConditionalExpectation):
        return [expr]
    return [c for arg in expr.args for c in _outermost(arg)]


def _polynomial_use(integrand) -> None:
    """Raises NotConditionable unless the E[. | .] directly inside `integrand` enter it
    polynomially (sums, products, positive integer powers, finite sums), where independent
    copies give the expectation exactly."""
    def ok(e) -> bool:
        if isinstance(e, ConditionalExpectation) or not e.has(ConditionalExpectation):
            return True
        if isinstance(e, (sp.Add, sp.Mul)):
            return all(ok(a) for a in e.args)
        if isinstance(e, sp.Pow):
            return e.exp.is_Integer and e.exp > 0 and ok(e.base)
        if isinstance(e, sp.Sum):
            return ok(e.function) and not sp.Tuple(*e.limits).has(ConditionalExpectation)
        return False
    if not ok(integrand):
        raise NotConditionable(f"E[. | .] inside {integrand} enters it other than as a "
                               "polynomial, where independent copies would not give its value")


def _expanded(expr, scope: Scope, keep: set = frozenset()):
    """expr with every definition that depends on a random declaration written out, except
    the symbols in `keep`."""
    definitions = {d.symbol: d.expr for d in scope.declarations.values()
                   if isinstance(d, Definition) and d.symbol not in keep and _random(d.symbol, scope)}
    for _ in range(len(definitions) + 1):
        if not definitions or not expr.has(*definitions):
            return expr
        expr = expr.xreplace(definitions)
    return expr


def _random(symbol, scope: Scope) -> bool:
    """Whether a symbol is a random declaration or a definition that depends on one."""
    decl = scope.declarations.get(getattr(symbol, "name", None))
    if isinstance(decl, Random):
        return decl.symbol == symbol
    if isinstance(decl, Definition):
        return any(scope.depends_on(decl.expr, r.symbol) for r in scope.randoms())
    return False
