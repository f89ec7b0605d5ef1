r"""Macros, the `_Operators` part of the parser (engine.latex.parser): macro arguments, fonts
and accents, \frac \sqrt \binom, operators (tr, det, diag, E, Var, Cov), probabilities
(\Pr, \mathbb{P}, P_{x \sim D}), declared functions and the elementary functions."""
from __future__ import annotations

import re

import sympy as sp

from .. import bounds

from .tokens import Token
from .values import (_Applicable, _Eye, _Name, _Norm, _Ones, _Slice, _Stream, _is_matrix, _same,
                     _shape_text, scalar_of)
from .vocabulary import (GREEK, _ACCENTS, _BOLD, _DEFINING, _ELEMENTARY, _ELLIPSES, _INVERSES,
                         _OPERATOR_WORDS,
                         _SCRIPT, _TEXT, _UNSUPPORTED, _UPRIGHT)


class _Operators:
    # -- macros --------------------------------------------------------------------------
    def argument(self, token, s: _Stream, index: int = 0, optional: bool = False):
        """The tokens of argument `index` of a macro: parsed by pylatexenc when it knows the
        macro, else the next group or token."""
        if token.args:
            mandatory = [a for a in token.args if a is not None]
            if len(token.args) > index and token.args[index] is not None:
                return list(token.args[index])
            if optional:
                return None
            if index < len(mandatory):
                return list(mandatory[index])
        if optional:
            return None
        following = s.next()
        if following is None:
            self.fail(token, f"\\{token.text} needs an argument")
        if following.kind == "group":
            return list(following.children)
        if following.kind == "num" and len(following.text) > 1 and "." not in following.text:
            s.items.insert(s.index, Token("num", following.text[1:], following.pos + 1,
                                          following.end))
            return [Token("num", following.text[0], following.pos, following.pos + 1)]
        return [following]

    def text_word(self, token) -> str:
        """The text of a macro's last argument (\\text{Var} -> 'Var')."""
        items = [a for a in token.args if a is not None] if token.args else []
        if not items or not items[-1]:
            return ""
        return self.text[items[-1][0].pos:items[-1][-1].end].strip()

    def arguments_of(self, token, s: _Stream, *, parentheses_only=False) -> list:
        """The arguments after a function name: (a, b), [a], {a}, \\left(..\\right), or
        (when allowed) the next factor."""
        following = s.peek()
        if following is None:
            self.fail(token, f"{self.text[token.pos:token.end]} needs an argument")
        if following.kind == "group" and len(following.children) >= 2 and \
                following.children[0].kind == "open" and following.children[-1].kind == "close":
            inner = _Stream(following.children)      # f{\left(x \right)}, as SymPy prints it
            values = self.arguments_of(token, inner, parentheses_only=parentheses_only)
            if inner.at_end():
                s.next()
                return values
        if following.kind == "open" and following.text in "([":
            s.next()
            values = self.comma_list(s)
            closing = s.next()
            if closing is None or closing.kind != "close":
                self.fail(following, "expected \\right to close")
            return values
        if following.is_sym("(", "["):
            s.next()
            values = self.comma_list(s)
            self.expect(s, ")" if following.text == "(" else "]", following)
            return values
        if parentheses_only:
            self.fail(following, f"{self.text[token.pos:token.end]} is a declared function: "
                                 "write its arguments in parentheses or brackets")
        if following.kind == "group":
            s.next()
            return [self.group(following)]
        return [self.postfix(s)]

    def comma_list(self, s: _Stream) -> list:
        values = [self.resolve(self.expression(s))]
        while s.peek() is not None and s.peek().is_sym(","):
            s.next()
            values.append(self.resolve(self.expression(s)))
        return values

    def apply_declared(self, value: _Applicable, s: _Stream):
        args = self.arguments_of(value.token, s, parentheses_only=True)
        if value.name == "elementwise":
            args = [self.resolve(a) for a in args]
            if len(args) != 1 or not _is_matrix(args[0]) or isinstance(args[0], (_Eye, _Slice)):
                self.fail(value.token, "(x \\mapsto ...)_{\\circ} applies to one matrix")
        else:
            args = [self.function_argument(a, value.token) for a in args]

        def fail(message):
            self.fail(value.token, message)
        try:
            return value.apply(args, fail)
        except (TypeError, ValueError, AttributeError) as exc:
            self.fail(value.token, f"cannot apply {value.name}: {exc}")

    def function_argument(self, value, token):
        value = self.resolve(value)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if isinstance(value, (_Eye, _Applicable)):
            self.fail(token, "this argument cannot be read")
        if _is_matrix(value) and value.shape == (1, 1):
            return scalar_of(value)
        return value

    def macro(self, token, s: _Stream):
        name = token.text
        if name in GREEK:
            return _Name(name, token)
        if name == "infty":
            return sp.oo
        if name in ("imath", "iu"):
            return sp.I
        if name in _ACCENTS:
            inner = self.name_argument(token, s)
            return _Name(f"{inner.text}_{_ACCENTS[name]}", token)
        if name in _BOLD or name in _UPRIGHT or name in _TEXT or name == "operatorname":
            return self.styled(token, s)
        if name in _SCRIPT:
            inner = self.name_argument(token, s)
            return _Name(f"{inner.text}_{_SCRIPT[name]}", token)
        if name == "mathbb":
            return self.blackboard(token, s)
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator = self.argument(token, s, 0)
            denominator = self.argument(token, s, 1)
            derivative = self.derivative_fraction(token, numerator, denominator, s)
            if derivative is not None:
                return derivative
            top = self.sub_expression(numerator, token)
            bottom = self.sub_expression(denominator, token)
            return self.divide(top, bottom, token)
        if name == "sqrt":
            degree = self.argument(token, s, 0, optional=True) if token.args else None
            body = self.sub_expression(self.argument(token, s, 1 if token.args else 0), token)
            body = self.scalar(body, token)
            if degree:
                return sp.root(body, self.sub_expression(degree, token))
            return sp.sqrt(body)
        if name == "binom":
            top = self.sub_expression(self.argument(token, s, 0), token)
            bottom = self.sub_expression(self.argument(token, s, 1), token)
            return self.bounded(bounds.binomial, self.scalar(top, token),
                                self.scalar(bottom, token), token=token)
        if name in _ELEMENTARY or name in ("max", "min", "det"):
            return self.function(name, token, s)
        if name in ("sum", "prod"):
            return self.big_operator(token, s)
        if name == "int":
            return self.integral(token, s)
        if name == "lim":
            return self.limit(token, s)
        if name == "nabla":
            return self.gradient(token, s)
        if name == "#":
            return self.count(token, s)
        if name == "Pr":
            return self.probability(token, s)
        if name in ("lfloor", "lceil"):
            inner = self.expression(s)
            self.expect(s, "⌋" if name == "lfloor" else "⌉", token)
            return (sp.floor if name == "lfloor" else sp.ceiling)(self.scalar(inner, token))
        if name in _ELLIPSES:
            self.fail(token, "an ellipsis cannot be checked")
        if name in _UNSUPPORTED:
            self.fail(token, _UNSUPPORTED[name])
        if name in _DEFINING:
            self.fail(token, "a definition inside math")
        if name in ("quad", "qquad"):
            self.fail(token, "an annotation inside a formula")
        self.fail(token, f"unknown macro \\{name}")

    def name_argument(self, token, s: _Stream) -> _Name:
        items = self.argument(token, s)
        if len(items) == 1:
            inner = items[0]
            if inner.kind == "letter":
                return _Name(inner.text, inner)
            if inner.kind == "macro" and (inner.text in GREEK or inner.text in _BOLD
                                          or inner.text in _UPRIGHT or inner.text in _SCRIPT
                                          or inner.text in _ACCENTS):
                value = self.macro(inner, _Stream([]))
                if isinstance(value, _Name):
                    return value
            if inner.kind == "group":
                return self.name_argument(Token("macro", token.text, token.pos, token.end,
                                                args=(inner.children,)), s)
        word = self.fragment(items)
        if re.fullmatch(r"[A-Za-z]+", word):
            return _Name(word, token)
        self.fail(token, f"\\{token.text} of something that is not a name")

    def styled(self, token, s: _Stream):
        """\\mathbf{x}, \\mathrm{Tr}, \\text{Var}, \\operatorname{tr}: a name or an operator."""
        name = token.text
        if name == "operatorname" and not token.args:
            items = self.argument(token, s)
            if items and items[0].is_sym("*"):
                items = self.argument(token, s)
            word = self.fragment(items).strip()
        else:
            items = self.argument(token, s)
            word = self.fragment(items).strip()
        if word in _OPERATOR_WORDS and not (name in _BOLD and len(word) == 1):
            if word not in self.scope.declarations:
                return self.operator(_OPERATOR_WORDS[word], token, s)
        if word in self.scope.declarations or word in self.functions:
            return _Name(word, token)
        if name in _TEXT or name == "operatorname":
            if re.fullmatch(r"[A-Za-z]", word):
                return _Name(word, token)
            self.fail(token, f"unknown operator {word!r} (declare it, e.g. '{word}: function')"
                      if re.fullmatch(r"[A-Za-z]\w*", word) else "prose inside a formula")
        if name in _UPRIGHT and word == "i" and "i" not in self.scope.declarations:
            if self.is_bound("i"):
                self.fail(token, "\\mathrm{i} beside an index i: rename the index")
            return sp.I                     # \mathrm{i}: the imaginary unit
        if len(items) == 1 and items[0].kind in ("letter", "macro") and (
                items[0].kind == "letter" or items[0].text in GREEK):
            inner = items[0].text
            return _Name(inner, token, bold=name in _BOLD)
        if name in _BOLD and word == "1" and s.peek() is not None and s.peek().is_sym("_"):
            return self.ones(token, s)
        if name in _BOLD and word == "1":
            return _Ones()          # the ones vector, sized by the matrix it multiplies
        if len(items) == 1 and items[0].kind == "num":
            return self.bounded(bounds.literal, items[0].text, token=token)
        if re.fullmatch(r"[A-Za-z]+", word):
            if self.strict or len(word) > 1 and s.peek() is not None and \
                    (s.peek().is_sym("(") or s.peek().kind == "open"):
                self.fail(token, f"unknown operator {word!r} (declare it, e.g. "
                                 f"'{word}: function')")
            return _Name(word, token)
        self.fail(token, f"cannot read \\{name} of this")

    def ones(self, token, s: _Stream):
        r"""\mathbf{1}_{n \times m}: the n x m matrix of ones (as engine.render.latex prints it)."""
        script = self.script(s, s.next())
        cut = [k for k, t in enumerate(script) if t.is_macro("times")]
        if len(cut) != 1 or not script[:cut[0]] or not script[cut[0] + 1:]:
            self.fail(token, "a matrix of ones is written with its shape, \\mathbf{1}_{n \\times m}")
        rows = self.index_expression(script[:cut[0]])
        cols = self.index_expression(script[cut[0] + 1:])
        return sp.OneMatrix(rows, cols)

    def blackboard(self, token, s: _Stream):
        items = self.argument(token, s)
        letter = self.fragment(items).strip()
        if letter == "E":
            return self.operator("expectation", token, s)
        if letter == "I":
            return _Eye()
        if letter == "1":
            return _Ones()
        if letter == "P":
            return self.probability(token, s)
        self.fail(token, f"\\mathbb{{{letter}}} is not supported (only \\mathbb{{E}}, "
                         "\\mathbb{P} and \\mathbb{I})")

    def operator(self, kind: str, token, s: _Stream):
        from ..ops import Cov, E, Var
        if kind in ("max", "min") or kind in _ELEMENTARY or kind == "det":
            return self.function(kind, token, s)
        if kind == "expectation" and s.peek() is not None and s.peek().is_sym("_"):
            mark = s.next()
            sub = self.script(s, mark)
            if not self.is_sampling(sub):
                self.fail(mark, "E with a subscript reads only E_{x \\sim D}: declare the random "
                                "variables instead")
            self.sampled(sub, mark)
        if s.peek() is not None and s.peek().is_sym("_"):
            self.fail(s.peek(), f"{self.text[token.pos:token.end]} with a subscript is not "
                                "supported; declare the random variables instead")
        if kind == "expectation":
            given = self.given(s)
            args = [given[0]] if given else self.arguments_of(token, s)
            if len(args) != 1:
                self.fail(token, "E takes one argument")
            inner = self.random_quantity(args[0])
            if given:
                conditions = [self.random_quantity(y) for y in given[1]]
                return E(inner, given=tuple(conditions))
            return E(inner)
        args = self.arguments_of(token, s)
        if kind == "trace":
            (inner,) = self.one(args, token)
            inner = self.resolve(inner)
            if isinstance(inner, _Slice):
                inner = self.slice_default(inner)
            if not _is_matrix(inner) or isinstance(inner, _Eye):
                self.fail(token, "the trace of something that is not a matrix")
            if not _same(*inner.shape):
                self.fail(token, f"the trace of a non-square ({_shape_text(inner)}) matrix")
            return sp.Trace(inner)
        if kind == "var":
            (inner,) = self.one(args, token)
            return Var(self.function_argument(inner, token))
        if kind == "diag":
            from sympy.matrices.expressions.diagonal import DiagMatrix
            (inner,) = self.one(args, token)
            inner = self.resolve(inner)
            if isinstance(inner, _Slice):
                inner = self.slice_default(inner)
            if not _is_matrix(inner) or isinstance(inner, _Eye) or inner.shape[1] != 1:
                self.fail(token, "diag of something that is not a column vector")
            return DiagMatrix(inner)
        if kind == "cov":
            if len(args) != 2:
                self.fail(token, "Cov takes two arguments")
            return Cov(*(self.function_argument(a, token) for a in args))
        self.fail(token, "unknown operator")

    def given(self, s: _Stream):
        r"""[x \middle| y, z] or [x \mid y] after \mathbb{E}: (x, [y, z]); None (nothing
        consumed) when the brackets hold no condition."""
        opening = s.peek()
        if opening is None or not (opening.kind == "open" or opening.is_sym("[", "(")):
            return None
        saved = s.index
        s.next()
        inner = self.expression(s)
        if s.peek() is None or s.peek().kind != "given":
            s.index = saved
            return None
        s.next()
        conditions = self.comma_list(s)
        closing = s.next()
        if closing is None or closing.kind not in ("close", "sym") or closing.text not in ")]":
            self.fail(closing, f"expected the bracket opened at column {opening.pos + 1} to close")
        return inner, conditions

    def random_quantity(self, value):
        value = self.resolve(value)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        return value

    def is_sampling(self, items) -> bool:
        return any(t.is_macro("sim") for t in items)

    def sampled(self, items, token) -> None:
        r"""The subscript x \sim D (or x, y \sim D) of E or P: each x must be declared random,
        and its declared distribution is the one used (D is not read: the declarations say
        what x is, never the subscript)."""
        from ..scope import Random
        cut = next(k for k, t in enumerate(items) if t.is_macro("sim"))
        names, current = [], []
        for item in list(items[:cut]) + [Token("sym", ",", 0, 0)]:
            if not item.is_sym(","):
                current.append(item)
                continue
            stream = _Stream(current)
            name = self.primary(stream) if current else None
            if stream.peek() is not None and stream.peek().is_sym("_") and \
                    isinstance(name, _Name):
                name = self.name_subscript(name, self.script(stream, stream.next()))
            if not isinstance(name, _Name) or not stream.at_end():
                self.fail(token, "write the sampled variable before \\sim")
            names.append(name.text)
            current = []
        for name in names:
            if not isinstance(self.scope.declarations.get(name), Random):
                self.fail(token, f"{name} is sampled here (\\sim): declare its distribution, "
                                 f"e.g. '{name}: normal(0, 1)'")

    def probability(self, token, s: _Stream, sub=None):
        r"""\Pr(A), \mathbb{P}(A), P_{x \sim D}(A): the probability of the event A (a
        statement), read as E[1_A] over the declared random variables."""
        from ..ops import E
        if sub is None and s.peek() is not None and s.peek().is_sym("_"):
            mark = s.next()
            sub = self.script(s, mark)
        if sub is not None:
            if not self.is_sampling(sub):
                self.fail(token, "a probability's subscript reads only x \\sim D")
            self.sampled(sub, token)
        opening = s.next()
        if opening is None or not (opening.kind == "open" and opening.text in "([") and \
                not (opening is not None and opening.is_sym("(", "[")):
            self.fail(opening or token, "write the event of a probability in parentheses: "
                                        "\\Pr(x > 0)")
        event = self.statement(s)
        closing = s.next()
        if closing is None or closing.kind not in ("close", "sym") or closing.text not in ")]":
            self.fail(closing or opening, f"expected the parenthesis opened at column "
                                          f"{opening.pos + 1} to close the event")
        return E(sp.Piecewise((sp.S.One, event), (sp.S.Zero, True)))

    def opens_group_call(self, s: _Stream) -> bool:
        """f{\\left(x \\right)}, as SymPy prints an application."""
        following = s.peek()
        return following is not None and following.kind == "group" and \
            len(following.children) >= 2 and following.children[0].kind == "open" and \
            following.children[-1].kind == "close"

    def argument_run(self, token, s: _Stream):
        r"""The argument of a function written without parentheses, by the usual convention:
        the product of the factors that follow (\sin 2x is sin(2x), \log xy is log(xy)), up to
        + - a relation, an explicit \cdot \times / or the next function (\sin x \cos x is
        sin(x) cos(x)). A parenthesis, fraction, root or number after the first factor makes
        the reading ambiguous (\sin x (y+1), \log x \frac{1}{2}): refused."""
        if s.peek() is None or not self.starts_factor(s.peek()):
            self.fail(token, f"{self.text[token.pos:token.end]} needs an argument")
        value = self.postfix(s)
        while s.peek() is not None and self.starts_factor(s.peek()) and \
                not self.ends_argument(s.peek()):
            following = s.peek()
            if following.kind in ("open", "num", "env") or following.is_sym("(", "[", "|") or \
                    following.is_macro("frac", "dfrac", "tfrac", "sqrt", "binom") or \
                    following.kind == "group" and self.opens_group_call(s):
                self.fail(following, f"the argument of {self.text[token.pos:token.end]} "
                                     "without parentheses is ambiguous here: write "
                                     f"{self.text[token.pos:token.end]}(...)")
            value = self.multiply(value, self.postfix(s), following)
        return value

    def ends_argument(self, token) -> bool:
        """A function, operator or big operator: it starts a new factor of the product."""
        if token.kind != "macro":
            return False
        name = token.text
        if name in _ELEMENTARY or name in ("max", "min", "det", "sum", "prod", "int", "lim",
                                           "nabla", "Pr", "partial"):
            return True
        if name in _TEXT or name == "operatorname" or name in _UPRIGHT:
            word = self.text_word(token) if token.args else ""
            return word in _OPERATOR_WORDS
        return name == "mathbb"

    def one(self, args, token) -> list:
        if len(args) != 1:
            self.fail(token, "takes one argument")
        return args

    def function(self, name: str, token, s: _Stream):
        base = None
        if name == "log" and s.peek() is not None and s.peek().is_sym("_"):
            s.next()
            base = self.index_expression(self.script(s, token))
        power = None
        if s.peek() is not None and s.peek().is_sym("^"):
            mark = s.next()
            power = self.index_expression(self.script(s, mark))
        if s.peek() is not None and s.peek().is_sym("_"):
            self.fail(s.peek(), f"\\{name} with a subscript is not supported")
        inverse = None
        if power is not None and power == -1 and name in _INVERSES:
            inverse, power = _INVERSES[name], None     # \sin^{-1} x is arcsin x
        elif power is not None and power.is_number and power < 0:
            self.fail(token, f"\\{name}^{{{power}}} is ambiguous (the inverse function, or a "
                             f"power of \\{name}): write it with parentheses")
        self.in_exponent_of_e += name == "exp"
        try:
            if name in _ELEMENTARY and not self.opens_arguments(s) and \
                    not self.opens_group_call(s):
                args = [self.argument_run(token, s)]
            else:
                args = self.arguments_of(token, s)
        finally:
            self.in_exponent_of_e -= name == "exp"
        if name in ("max", "min"):
            values = [self.function_argument(a, token) for a in args]
            if any(_is_matrix(v) for v in values):
                self.fail(token, f"\\{name} of a matrix")
            # kept as written: SymPy's simplification of max/min compares every pair of
            # arguments (factor_terms of each difference), hundreds of ms on long ones; the
            # checker decides what it equals. Numbers are still evaluated.
            function = sp.Max if name == "max" else sp.Min
            value = function(*values) if all(v.is_number for v in values) else \
                function(*values, evaluate=False)
        elif name == "det":
            (inner,) = self.one(args, token)
            inner = self.resolve(inner)
            if not _is_matrix(inner) or isinstance(inner, _Eye) or not _same(*inner.shape):
                self.fail(token, "\\det of something that is not a square matrix")
            value = sp.Determinant(inner)
        else:
            (inner,) = self.one(args, token)
            inner = self.scalar(self.function_argument(inner, token), token)
            if inverse is not None:
                value = inverse(inner)
            else:
                value = _ELEMENTARY[name](inner) if base is None else sp.log(inner, base)
        return value if power is None else self.bounded(bounds.power, value, power, token=token)
