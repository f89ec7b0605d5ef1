"""The recursive-descent parser: `_Parser` reads tokens into SymPy objects, node by node. This
module holds its entry points and the expression grammar (sums, products, factors, scripts,
brackets, bars and norms, matrix environments); the rest of the grammar comes from its mixins,
one module each: names.py, operators.py, calculus.py, relations.py, arithmetic.py."""
from __future__ import annotations

import re

import sympy as sp

from .. import bounds
from ..errors import ExpressionError
from ..scope import Scope
from .arithmetic import _Arithmetic
from .calculus import _Calculus
from .names import _Names
from .operators import _Operators
from .relations import _Relations
from .tokens import LOGICAL, Token
from .values import _Applicable, _Eye, _Name, _Norm, _Ones, _Slice, _Stream, _is_matrix, _same
from .vocabulary import GREEK, _ACCENTS, _BOLD, _MATRIX_ENVIRONMENTS, _MULTIPLY, _SCRIPT


# -- the parser -----------------------------------------------------------------------------

class _Parser(_Names, _Operators, _Calculus, _Relations, _Arithmetic):
    def __init__(self, text: str, scope: Scope, strict: bool, index_base: int, like=None,
                 functions: dict | None = None):
        self.text, self.scope, self.strict, self.index_base = text, scope, strict, index_base
        self.like = like                    # the other side: sizes a lone I
        self.functions = functions or {}    # name -> SymPy function applied to its arguments
        self.bound: list[dict] = []         # summation indices in scope: name -> (symbol, lo, hi)
        self.bars: list[str] = []           # open | and ‖ (a bar inside them closes)
        self.assumed: list[str] = []
        self.in_exponent_of_e = 0           # > 0 while reading e^{...} or \exp(...)

    # -- errors --------------------------------------------------------------------------
    def fail(self, token, message: str):
        if token is None:
            raise ExpressionError(f"{message} at the end of the expression")
        fragment = self.text[token.pos:token.end]
        if len(fragment) > 60:
            fragment = fragment[:57] + "..."
        raise ExpressionError(f"{message}: {fragment!r} at column {token.pos + 1}")

    def bounded(self, build, *args, token):
        """build(*args) (an engine.bounds builder), its refusal naming `token`."""
        try:
            return build(*args)
        except ExpressionError as exc:
            self.fail(token, exc.message)

    def fragment(self, items) -> str:
        return self.text[items[0].pos:items[-1].end] if items else ""

    # -- entry points --------------------------------------------------------------------
    def whole(self, items) -> object:
        """The expression that `items` spell, all of them."""
        stream = _Stream([t for t in items if t.kind != "amp"])
        if stream.at_end():
            raise ExpressionError("empty expression")
        value = self.expression(stream)
        if not stream.at_end():
            extra = stream.peek()
            if extra.kind == "rel":
                self.fail(extra, "a relation inside an expression")
            self.fail(extra, "cannot read what follows the expression")
        return self.finish(value, items[0])

    def finish(self, value, token):
        value = self.resolve(value)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Eye):
            shape = getattr(self.like, "shape", None) if _is_matrix(self.like) else None
            if shape is not None and _same(*shape):
                return value.coefficient * sp.Identity(shape[0])
            self.fail(token, "the size of the identity I cannot be told from the matrices "
                             "around it")
        if isinstance(value, _Ones):
            shape = getattr(self.like, "shape", None) if _is_matrix(self.like) else None
            wanted = 0 if value.transposed else 1
            if shape is not None and not isinstance(self.like, (_Eye, _Slice, _Ones)) and \
                    shape[wanted] == 1:
                return value.coefficient * sp.OneMatrix(*shape)
            self.fail(token, "the length of the ones vector \\mathbf{1} cannot be told from "
                             "the matrices around it: write \\mathbf{1}_{n \\times 1}")
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if value == 0 and _is_matrix(self.like) and not isinstance(self.like, (_Eye, _Slice)) \
                and self.like.shape != (1, 1):
            return sp.ZeroMatrix(*self.like.shape)     # A - A = 0: the zero matrix
        return value

    def sub_expression(self, items, token):
        if not items:
            self.fail(token, "an empty argument")
        stream = _Stream(items)
        value = self.expression(stream)
        if not stream.at_end():
            self.fail(stream.peek(), "cannot read this")
        return self.resolve(value)

    # -- grammar -------------------------------------------------------------------------
    def expression(self, s: _Stream):
        value = self.term(s)
        while True:
            token = s.peek()
            if token is not None and token.is_sym("+", "-"):
                s.next()
                right = self.term(s)
                value = self.add(value, self.negate(right, token) if token.text == "-" else right,
                                 token)
            else:
                return value

    def term(self, s: _Stream):
        value = self.signed(s)
        while True:
            token = s.peek()
            if token is None:
                return value
            operator = self.multiplication(token)
            if operator:
                s.next()
                right = self.signed(s)
                value = self.combine(operator, value, right, token)
            elif self.starts_factor(token):
                right = self.postfix(s)
                value = self.multiply(value, right, token)
            else:
                return value

    def signed(self, s: _Stream):
        token = s.peek()
        if token is not None and token.is_sym("-"):
            s.next()
            return self.negate(self.signed(s), token)
        if token is not None and token.is_sym("+"):
            s.next()
            return self.signed(s)
        if token is None or not self.starts_factor(token):
            self.fail(token, "expected a term")
        return self.postfix(s)

    def multiplication(self, token) -> str | None:
        if token.kind == "sym" and token.text in ("*", "/"):
            return _MULTIPLY[token.text]
        if token.kind == "macro" and token.text in _MULTIPLY:
            return _MULTIPLY[token.text]
        return None

    def starts_factor(self, token) -> bool:
        kind = token.kind
        if kind in ("num", "letter", "name", "group", "open", "env"):
            return True
        if kind == "sym":
            if token.text in "([":
                return True
            if token.text in "|⌊⌈":
                return not (token.text == "|" and self.bars and self.bars[-1] == "|")
            return False
        if kind == "norm":
            return not (self.bars and self.bars[-1] == "‖")
        if kind == "macro":
            name = token.text
            return not (name in _MULTIPLY or name in ("quad", "qquad"))
        return False

    # -- factors -------------------------------------------------------------------------
    def postfix(self, s: _Stream):
        start = s.peek()
        base = self.primary(s)
        sub = sup = None
        while True:
            token = s.peek()
            if token is None:
                break
            if token.is_sym("'") and isinstance(base, _Name):
                s.next()
                derivative = self.derivative_of_function(base)
                base = derivative if derivative is not None else \
                    _Name(base.text + "_prime", base.token, base.bold)
            elif token.is_sym("_") and sub is None:
                s.next()
                sub = self.script(s, token)
                if isinstance(base, _Name) and base.text == "P" and self.is_sampling(sub) \
                        and not self.is_bound("P") and "P" not in self.scope.declarations:
                    return self.probability(base.token, s, sub)
            elif token.is_sym("^") and sup is None:
                s.next()
                sup = self.script(s, token)
                if isinstance(base, _Name) and self.is_label(sup):
                    base = _Name(base.text + self.label(sup), base.token, base.bold)
                    sup = None
            else:
                break
        if sub is not None:
            base = self.subscript(base, sub, start)
        value = self.resolve(base)
        if isinstance(value, _Applicable) and value.nullary and not self.opens_arguments(s):
            value = value.apply([], None)
        elif isinstance(value, _Applicable):
            value = self.apply_declared(value, s)
        if sup is not None:
            value = self.superscript(value, sup, start)
        elif isinstance(value, _Norm):
            value = self.norm(value, None)
        while s.peek() is not None and s.peek().is_sym("!"):
            token = s.next()
            if s.peek() is not None and s.peek().is_sym("!") and s.peek().pos == token.end:
                self.fail(token, "n!! is ambiguous (the double factorial, or (n!)!): write "
                                 "(n!)! for the factorial of a factorial")
            value = self.bounded(bounds.factorial, self.scalar(value, token), token=token)
        return value

    def opens_arguments(self, s: _Stream) -> bool:
        following = s.peek()
        return following is not None and (following.kind == "open" and following.text in "(["
                                          or following.is_sym("(", "["))

    def derivative_of_function(self, base: _Name):
        r"""\sigma' of a declared function: the function t -> d sigma(t)/dt (of a declared
        body, its derivative; of an uninterpreted function, SymPy's Derivative); None when
        the name is not a declared function."""
        from ..expressions import FunctionDeclaration
        declared = self.scope.declarations.get(base.text)
        if isinstance(declared, FunctionDeclaration) and (
                declared.body is None or isinstance(declared.body, sp.Lambda)):
            def apply(args, fail):
                if len(args) != 1:
                    fail(f"{base.text}' takes one argument")
                if _is_matrix(args[0]):
                    fail(f"{base.text}' of a matrix (write it entrywise)")
                t = sp.Dummy("t", real=True)
                slope = sp.diff(declared.apply([t], fail), t)
                return slope.subs(t, args[0])
            return _Applicable(base.text + "'", apply, base.token)
        return None

    def script(self, s: _Stream, mark) -> list:
        token = s.next()
        if token is None:
            self.fail(mark, f"{mark.text} without an argument")
        if token.kind == "group":
            if not token.children:
                self.fail(token, "an empty script")
            return list(token.children)
        if token.kind == "num" and len(token.text) > 1 and "." not in token.text:
            # x^23 is x^2 3 in TeX: only the first digit is the script
            rest = Token("num", token.text[1:], token.pos + 1, token.end)
            s.items.insert(s.index, rest)
            return [Token("num", token.text[0], token.pos, token.pos + 1)]
        if token.kind == "macro" and token.args:
            return [token]
        if token.kind in ("rel", "amp", "rowsep") or token.is_sym("^", "_"):
            self.fail(token, f"cannot read the script after {mark.text}")
        return [token]

    def is_label(self, items) -> bool:
        if len(items) == 1 and (items[0].is_sym("*", "'") or items[0].is_macro("ast", "star",
                                                                                  "prime")):
            return True
        return len(items) >= 3 and items[0].is_sym("(", "[") and items[-1].is_sym(")", "]")

    def label(self, items) -> str:
        if len(items) == 1:
            return "_prime" if items[0].is_sym("'") or items[0].is_macro("prime") else "_star"
        return "^" + re.sub(r"\s+", "", self.fragment(items))

    def primary(self, s: _Stream):
        token = s.next()
        if token is None:
            self.fail(None, "expected a term")
        kind = token.kind
        if kind == "num":
            return bounds.literal(token.text)
        if kind == "letter":
            return self.letters(token, s)
        if kind == "name":
            return _Name(token.text, token)
        if kind == "group":
            return self.group(token)
        if kind == "open":
            return self.delimited(token, s)
        if kind == "sym":
            if token.text in "([":
                inner = self.expression(s)
                if token.text == "(" and s.peek() is not None and s.peek().is_sym(","):
                    return self.tuple_rest(inner, s, token, ")")
                self.expect(s, ")" if token.text == "(" else "]", token)
                return inner
            if token.text == "|":
                return self.bars_of(token, s, "|")
            if token.text in "⌊⌈":
                inner = self.expression(s)
                self.expect(s, "⌋" if token.text == "⌊" else "⌉", token)
                return (sp.floor if token.text == "⌊" else sp.ceiling)(self.scalar(inner, token))
        if kind == "norm":
            return self.bars_of(token, s, "‖")
        if kind == "macro":
            return self.macro(token, s)
        if kind == "env":
            return self.environment(token)
        self.fail(token, "unexpected")

    def tuple_rest(self, first, s: _Stream, opening, closing: str):
        """(a, b, c): a tuple of numbers (a shape, say), closed by `closing`."""
        items = [first]
        while s.peek() is not None and s.peek().is_sym(","):
            s.next()
            following = s.peek()
            if following is not None and following.text == closing and \
                    following.kind in ("sym", "close"):
                break                                 # (4096,): a tuple of one
            items.append(self.expression(s))
        token = s.next()
        if token is None or token.text != closing:
            self.fail(token, f"expected {closing!r} to close the tuple opened at column "
                             f"{opening.pos + 1}")
        return sp.Tuple(*(self.scalar(item, opening) for item in items))

    def expect(self, s: _Stream, closing: str, opening):
        token = s.next()
        if token is not None and token.kind == "rel" and token.text not in LOGICAL:
            self.fail(token, "a relation inside parentheses (an event is read only as "
                             "\\Pr(...), \\mathbb{P}(...) or P_{x \\sim D}(...))")
        if token is None or not ((token.kind in ("sym", "close")) and token.text == closing):
            self.fail(token if token is not None else None,
                      f"expected {closing!r} to close {self.text[opening.pos:opening.end]!r} "
                      f"(column {opening.pos + 1})")

    def letters(self, token, s: _Stream):
        run = [token]
        while True:
            following = s.peek(len(run) - 1)
            if following is None or following.kind != "letter" or following.pos != run[-1].end:
                break
            run.append(following)
        for length in range(len(run), 1, -1):
            word = "".join(t.text for t in run[:length])
            if word in self.scope.declarations or self.is_bound(word) or \
                    word in self.functions:
                s.index += length - 1
                return _Name(word, Token("letter", word, token.pos, run[length - 1].end))
        return _Name(token.text, token)

    def group(self, token):
        items = list(token.children)
        if not items:
            self.fail(token, "an empty group {}")
        lambda_ = self.lambda_of(items)
        if lambda_ is not None:
            return lambda_
        if len(items) == 1 and (items[0].kind in ("letter", "name") or items[0].kind == "macro" and (
                items[0].text in GREEK or items[0].text in _ACCENTS or items[0].text in _BOLD
                or items[0].text in _SCRIPT)):
            return self.primary(_Stream(items))      # {\lambda}_{i}: still a name
        stream = _Stream(items)
        value = self.expression(stream)
        if not stream.at_end():
            self.fail(stream.peek(), "cannot read this inside the group")
        return value

    def delimited(self, token, s: _Stream):
        mark = token.text
        if mark in "|‖":
            self.bars.append(mark)
        try:
            inner = self.expression(s)
        finally:
            if mark in "|‖":
                self.bars.pop()
        if mark == "(" and s.peek() is not None and s.peek().is_sym(","):
            return self.tuple_rest(inner, s, token, ")")
        closing = s.next()
        pairs = {"(": ")", "[": "]", "|": "|", "‖": "‖", "{": "}", "⌊": "⌋", "⌈": "⌉"}
        if closing is None or closing.kind != "close":
            self.fail(closing, f"expected \\right to close {self.text[token.pos:token.end]!r} "
                               f"(column {token.pos + 1})")
        if mark != "." and closing.text != "." and closing.text != pairs.get(mark):
            self.fail(closing, f"{self.text[closing.pos:closing.end]!r} does not close "
                               f"{self.text[token.pos:token.end]!r}")
        if mark == "|":
            return self.absolute(inner, token)
        if mark == "‖":
            return _Norm(self.resolve(inner))
        if mark == "⌊":
            return sp.floor(self.scalar(inner, token))
        if mark == "⌈":
            return sp.ceiling(self.scalar(inner, token))
        return inner

    def bars_of(self, token, s: _Stream, mark: str):
        self.bars.append(mark)
        try:
            inner = self.expression(s)
        finally:
            self.bars.pop()
        closing = s.next()
        if closing is None or closing.text != mark or closing.kind not in ("sym", "norm"):
            self.fail(token, f"unclosed {mark}")
        if mark == "|":
            return self.absolute(inner, token)
        return _Norm(self.resolve(inner))

    def absolute(self, inner, token):
        inner = self.resolve(inner)
        if isinstance(inner, _Slice):
            inner = self.slice_default(inner)
        if _is_matrix(inner) and not isinstance(inner, _Eye):
            rows, cols = inner.shape
            if rows == 1 and cols == 1:
                return sp.Abs(self.scalar(inner, token))
            if _same(rows, cols):
                return sp.Determinant(inner)
            self.fail(token, "|x| of a non-square matrix (for a norm write \\|x\\|)")
        return sp.Abs(self.scalar(inner, token))

    def norm(self, value: _Norm, exponent):
        from ..ops import sqnorm
        vector = value.vector
        if isinstance(vector, _Slice):
            vector = self.slice_default(vector)
        squared = sqnorm(vector) if _is_matrix(vector) else vector ** 2
        if exponent is not None and exponent == 2:
            return squared
        root = sp.sqrt(squared) if _is_matrix(vector) else sp.Abs(vector)
        return root if exponent is None else root ** exponent

    def environment(self, token):
        if token.text == "cases":
            return self.cases(token)
        if token.text not in _MATRIX_ENVIRONMENTS:
            self.fail(token, f"the environment {token.text} is not supported")
        rows = self.rows_of(token)
        if not rows or len({len(r) for r in rows}) != 1:
            self.fail(token, "a matrix needs rows of equal length")
        entries = [[self.scalar(self.sub_expression(c, token), token) for c in row]
                   for row in rows]
        return sp.ImmutableMatrix(entries)

    def lambda_of(self, items):
        r"""(x \mapsto body), as SymPy prints the function of an entrywise application: a
        Lambda whose variable is bound in its body; None when `items` is not one."""
        if len(items) < 4 or not (items[0].kind == "open" or items[0].is_sym("(")) or \
                not (items[-1].kind == "close" or items[-1].is_sym(")")):
            return None
        arrows = [k for k, t in enumerate(items) if t.is_macro("mapsto")]
        if len(arrows) != 1 or arrows[0] != 2:
            return None
        variable = items[1]
        if not (variable.kind in ("letter", "name") or variable.kind == "macro"
                and variable.text in GREEK):
            self.fail(variable, "cannot read the variable of this function")
        symbol = sp.Dummy(variable.text)
        self.bound.append({variable.text: (symbol, None, None)})
        try:
            body = self.scalar(self.sub_expression(list(items[3:-1]), items[2]), items[2])
        finally:
            self.bound.pop()
        return sp.Lambda(symbol, body)
