r"""Big operators and calculus, the `_Calculus` part of the parser (engine.latex.parser): \sum
and \prod with their ranges, \lim, \nabla_{w}, \frac{\partial f}{\partial x} and definite
integrals, each variable bound in its body."""
from __future__ import annotations

import sympy as sp

from .tokens import Token
from .values import _Applicable, _Eye, _Norm, _Slice, _Stream, _is_matrix, scalar_of
from .vocabulary import GREEK


class _Calculus:
    def scripts(self, s: _Stream) -> tuple:
        """(subscript, superscript) after a big operator or an integral, in either order;
        None for one that is absent."""
        sub = sup = None
        while s.peek() is not None and (s.peek().is_sym("_") and sub is None
                                        or s.peek().is_sym("^") and sup is None):
            mark = s.next()
            if mark.text == "_":
                sub = self.script(s, mark)
            else:
                sup = self.script(s, mark)
        return sub, sup

    def big_operator(self, token, s: _Stream):
        sub, sup = self.scripts(s)
        if sub is None:
            self.fail(token, f"\\{token.text} needs its range, e.g. \\{token.text}_{{i=1}}^{{n}}")
        limits = self.limits(sub, sup, token)
        self.bound.append({str(symbol): (symbol, low, high) for symbol, low, high in limits})
        try:
            body = self.term(s)
        finally:
            self.bound.pop()
        body = self.resolve(body)
        if isinstance(body, _Slice):
            body = self.slice_default(body)
        if isinstance(body, _Norm):
            body = self.norm(body, None)
        if _is_matrix(body):
            if body.shape == (1, 1):
                body = scalar_of(body)
            else:
                self.fail(token, f"a \\{token.text} of matrices is not supported")
        return (sp.Sum if token.text == "sum" else sp.Product)(body, *limits)

    def limit(self, token, s: _Stream):
        r"""\lim_{t \to a} f, a a number, \infty or -\infty, approached from one side with a^+
        or a^-: sp.Limit(f, t, a); t is bound in f, as SymPy prints Limit."""
        mark = s.next() if s.peek() is not None and s.peek().is_sym("_") else None
        if mark is None:
            self.fail(token, "\\lim needs its variable and point, e.g. \\lim_{t \\to \\infty}")
        sub = self.script(s, mark)
        arrows = [k for k, t in enumerate(sub) if t.kind == "rel" and t.text == "=>"]   # \\to
        if len(arrows) != 1 or arrows[0] != 1 or not (
                sub[0].kind in ("letter", "name") or sub[0].kind == "macro" and sub[0].text in GREEK):
            self.fail(mark, "cannot read the limit: write \\lim_{t \\to a}")
        point, direction = list(sub[2:]), "+-"
        if len(point) >= 2 and point[-2].is_sym("^"):
            side = point[-1].children if point[-1].kind == "group" else [point[-1]]
            if len(side) != 1 or side[0].text not in "+-":
                self.fail(point[-1], "a one-sided limit is written a^+ or a^-")
            direction, point = side[0].text, point[:-2]
        if not point:
            self.fail(mark, "the limit has no point")
        target = self.scalar(self.sub_expression(point, sub[1]), sub[1])
        if target.free_symbols:
            self.fail(sub[1], "a limit's point must be a number, \\infty or -\\infty")
        symbol = sp.Symbol(sub[0].text, real=True)
        self.bound.append({sub[0].text: (symbol, None, None)})
        try:
            body = self.scalar(self.resolve(self.term(s)), token)
        finally:
            self.bound.pop()
        if target.is_infinite:
            direction = "-" if target == sp.oo else "+"
        return sp.Limit(body, symbol, target, direction)

    def limits(self, sub, sup, token) -> list:
        rows = [list(sub)]
        if sub and sub[0].is_macro("substack"):
            rows, current = [], []
            for item in self.argument(sub[0], _Stream(sub[1:]), 0):
                if item.kind == "rowsep":
                    rows.append(current)
                    current = []
                else:
                    current.append(item)
            rows.append(current)
        found = []
        for row in rows:
            if not row:
                continue
            relations = [i for i, t in enumerate(row) if t.kind == "rel"]
            if len(relations) == 1 and row[relations[0]].text == "=":
                names = self.index_names(row[:relations[0]])
                if sup is None:
                    self.fail(token, f"\\{token.text} needs an upper limit")
                low = self.index_expression(row[relations[0] + 1:])
                high = self.index_expression(sup)
                found.extend((self.index_symbol(name, low), low, high) for name in names)
            elif len(relations) == 2 and row[relations[0]].text in ("<=", "<") \
                    and row[relations[1]].text in ("<=", "<"):
                first, second = relations
                names = row[first + 1:second]
                if len(names) != 1 or not (names[0].kind == "letter" or names[0].text in GREEK):
                    self.fail(row[0], "cannot read the summation index")
                low = self.index_expression(row[:first])
                high = self.index_expression(row[second + 1:])
                low = low + 1 if row[first].text == "<" else low
                high = high - 1 if row[second].text == "<" else high
                found.append((self.index_symbol(names[0].text, low), low, high))
            else:
                self.fail(row[0], f"cannot read the range of \\{token.text} (write i=1 with an "
                                  "upper limit, or 1 \\le i \\le n)")
        return found

    def index_names(self, items) -> list[str]:
        """The summation indices before `=`: i, (i, j), i_{1} (named i_1)."""
        names, current = [], []
        for token in list(items) + [Token("sym", ",", 0, 0)]:
            if not token.is_sym(","):
                current.append(token)
                continue
            first = current[0] if current else None
            if first is None or not (first.kind in ("letter", "name") or first.text in GREEK):
                self.fail(first or items[0] if items else None, "cannot read the summation index")
            if len(current) == 1:
                names.append(first.text)
            elif len(current) == 3 and current[1].is_sym("_"):
                label = self.script_name(list(current[2].children) if current[2].kind == "group"
                                         else [current[2]])
                if label is None:
                    self.fail(first, "cannot read the summation index")
                names.append(f"{first.text}_{label}")
            else:
                self.fail(first, "cannot read the summation index")
            current = []
        return names

    def index_symbol(self, name: str, low) -> sp.Symbol:
        positive = bool(getattr(low, "is_Integer", False) and low >= 1)
        return sp.Symbol(name, integer=True, positive=True) if positive else \
            sp.Symbol(name, integer=True)

    def gradient(self, token, s: _Stream):
        from ..ops import grad
        if s.peek() is None or not s.peek().is_sym("_"):
            self.fail(token, "write the gradient with its variable: \\nabla_{w} J")
        mark = s.next()
        wrt = self.resolve(self.sub_expression(self.script(s, mark), token))
        if not isinstance(wrt, sp.MatrixSymbol):
            self.fail(token, "\\nabla_{w}: w must be a declared vector or matrix")
        body = self.resolve(self.term(s))       # the product that follows, up to + or -
        if isinstance(body, _Norm):
            body = self.norm(body, None)
        if isinstance(body, (_Eye, _Slice, _Applicable)) or \
                (_is_matrix(body) and body.shape != (1, 1)):
            self.fail(token, "\\nabla_{w} of something that is not a scalar")
        return grad(body, wrt)       # a 1 x 1 product such as w^T A w is differentiated as is

    def is_differential_d(self, token) -> bool:
        """The d of d/dx: the letter d, or an upright d (\\mathrm{d}, \\mathrm d, \\text{d},
        \\operatorname{d})."""
        if token.kind == "letter" and token.text == "d":
            return True
        if token.kind == "macro" and token.text in ("mathrm", "text", "operatorname",
                                                     "textrm", "mathit") and token.args:
            return self.text_word(token) == "d"
        return False

    def derivative_fraction(self, token, numerator, denominator, s: _Stream):
        r"""\frac{d}{dx} f, \frac{df}{dx}, \frac{d^2 f}{dx^2}, and the same with \partial: the
        derivative, or None when the fraction is not written as one (the numerator does not
        start with d or \partial). A d that is also a declared or bound name is ambiguous
        (d/(d x) or the derivative) and refused."""
        if not numerator or not denominator:
            return None
        first = numerator[0]
        partial = first.is_macro("partial")
        if not partial and not self.is_differential_d(first):
            return None
        below = denominator[0]
        if partial != below.is_macro("partial") or (not partial and
                                                    not self.is_differential_d(below)):
            if partial:
                self.fail(token, "a derivative needs \\partial x (one variable) below")
            return None                          # d over something else: a plain fraction
        if not partial and first.kind == "letter" and (
                "d" in self.scope.declarations or self.is_bound("d")):
            self.fail(token, "d is a declared name here, so d/dx is ambiguous (the derivative "
                             "or d divided by d x): write \\mathrm{d} for the derivative")
        order, body_items = self.derivative_order(numerator[1:], token)
        variable, below_order = self.derivative_order_below(denominator[1:], token)
        if order != below_order:
            self.fail(token, f"the orders above ({order}) and below ({below_order}) differ")
        if body_items:
            body = self.resolve(self.sub_expression(body_items, token))
        else:
            body = self.term(s)                  # the operator form: the product that follows
        value = body
        for _ in range(order):
            value = self.derivative(token, [Token("macro", "partial", token.pos, token.pos)],
                                    variable, body=value)
        return value

    def derivative_order(self, items, token) -> tuple:
        """(n, the rest) for the items after d in d^n f; n is 1 without a superscript."""
        if items and items[0].is_sym("^"):
            if len(items) < 2:
                self.fail(token, "d^ without an order")
            script = list(items[1].children) if items[1].kind == "group" else [items[1]]
            if len(script) != 1 or script[0].kind != "num" or not script[0].text.isdigit() \
                    or not 1 <= int(script[0].text) <= 4:
                self.fail(token, "the order of a derivative must be 1, 2, 3 or 4")
            return int(script[0].text), list(items[2:])
        return 1, list(items)

    def derivative_order_below(self, items, token) -> tuple:
        """(the variable's tokens, n) for dx^n (or d x^{n}) below the fraction."""
        marks = [k for k, t in enumerate(items) if t.is_sym("^")]
        if not marks:
            if not items:
                self.fail(token, "a derivative needs its variable below (dx)")
            return [Token("macro", "partial", token.pos, token.pos)] + list(items), 1
        k = marks[-1]
        order, rest = self.derivative_order(items[k:], token)
        if rest or k == 0:
            self.fail(token, "cannot read the variable of this derivative")
        return [Token("macro", "partial", token.pos, token.pos)] + list(items[:k]), order

    def derivative(self, token, numerator, denominator, body=None):
        r"""\frac{\partial f}{\partial x} (or \frac{\partial}{\partial x} f, `body` given):
        engine.ops.jacobian(f, x), x a declared symbol."""
        from ..ops import jacobian
        if body is None and (len(numerator) < 2 or numerator[1].is_sym("^")):
            self.fail(token, "write a first derivative as \\frac{\\partial f}{\\partial x}")
        if len(denominator) < 2 or not denominator[0].is_macro("partial") or \
                any(t.is_sym("^") for t in denominator):
            self.fail(token, "a derivative needs \\partial x (one variable) below")
        if body is None:
            body = self.resolve(self.sub_expression(numerator[1:], token))
        wrt = self.resolve(self.sub_expression(denominator[1:], token))
        if isinstance(body, _Norm):
            body = self.norm(body, None)
        if isinstance(body, (_Eye, _Slice, _Applicable)):
            self.fail(token, "cannot differentiate this")
        if not isinstance(wrt, (sp.Symbol, sp.MatrixSymbol)) or isinstance(wrt, sp.Dummy):
            self.fail(token, "a derivative with respect to something that is not a declared "
                             "symbol")
        try:
            return jacobian(body, wrt)
        except ValueError as exc:
            self.fail(token, str(exc))

    def integral(self, token, s: _Stream):
        r"""\int_a^b f \, dx: a definite integral; the variable is bound in the body and is the
        declared scalar of that name if there is one."""
        sub, sup = self.scripts(s)
        if sub is None or sup is None:
            self.fail(token, "only definite integrals \\int_{a}^{b} f \\, dx are supported")
        low, high = self.index_expression(sub), self.index_expression(sup)
        end = self.differential(s, token)
        variable = s.items[end + 1]
        name = variable.text
        symbol = self.scope.lookup(name) if name in self.scope.declarations else None
        if not isinstance(symbol, sp.Symbol):
            symbol = sp.Symbol(name, real=True)
        self.bound.append({name: (symbol, low, high)})
        try:
            body = self.scalar(self.sub_expression(s.items[s.index:end], token), token) \
                if end > s.index else sp.S.One
        finally:
            self.bound.pop()
        s.index = end + 2
        return sp.Integral(body, (symbol, low, high))

    def differential(self, s: _Stream, token) -> int:
        """Where the integral's `dx` stands in the stream: the first letter d followed by a
        name and then by nothing that continues a product."""
        items = s.items
        for k in range(s.index, len(items) - 1):
            d, variable = items[k], items[k + 1]
            if not (d.kind == "letter" and d.text == "d"):
                continue
            if not (variable.kind in ("letter", "name") or variable.kind == "macro"
                    and variable.text in GREEK):
                continue
            after = items[k + 2] if k + 2 < len(items) else None
            if after is None or after.is_sym("+", "-", ",", ")", "]") or \
                    after.kind in ("rel", "close", "bool", "amp", "rowsep"):
                return k
        self.fail(token, "the integral has no differential (write \\, dx after its body)")
