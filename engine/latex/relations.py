r"""Statements, the `_Relations` part of the parser (engine.latex.parser): relation chains,
the connectives (\wedge \vee \neg \Rightarrow \Leftrightarrow), cases (a Piecewise) and the
finite quantifiers \forall and \# (engine.finite)."""
from __future__ import annotations

import sympy as sp

from ..errors import ExpressionError
from .tokens import LOGICAL, Token
from .values import _Stream, _is_matrix, scalar_of
from .vocabulary import _ELLIPSES, _TEXT, _is_prose


class _Relations:
    @staticmethod
    def rows_of(token) -> list:
        """The rows of an environment (cases, matrices): lists of cells split at & and \\\\,
        each cell a list of tokens; empty rows dropped."""
        rows, current, cell = [], [], []
        for item in list(token.children) + [Token("rowsep", "", token.end, token.end)]:
            if item.kind == "amp":
                current.append(cell)
                cell = []
            elif item.kind == "rowsep":
                current.append(cell)
                if any(current):
                    rows.append(current)
                current, cell = [], []
            else:
                cell.append(item)
        return rows

    def cases(self, token):
        r"""\begin{cases} value & condition \\ ... \end{cases}: a Piecewise; `otherwise` is
        the last condition."""
        rows = self.rows_of(token)
        pieces = []
        for row in rows:
            if len(row) != 2 or not row[0]:
                self.fail(token, "each case needs a value & a condition")
            value = self.sub_expression(row[0], token)
            words = [t for t in row[1] if _is_prose(t)]
            condition = [t for t in row[1] if not _is_prose(t)]
            if not condition:
                said = " ".join(self.text_word(t) for t in words)
                if said not in ("otherwise", "else", "True"):
                    self.fail(token, f"cannot read the condition {said!r}")
                pieces.append((value, sp.true))
            else:
                pieces.append((value, self.statement(_Stream(condition))))
        return sp.Piecewise(*pieces)

    # -- finite quantifiers (engine.finite), as engine.render.latex prints them ----------------
    def forall(self, s: _Stream):
        r"""\forall x \in S,\ y \in T:\ statement: ForAll over the finite spaces."""
        from ..finite import ForAll
        token = s.next()
        ranges = self.finite_ranges(token, s)
        try:
            return ForAll(self.statement(s), *ranges)
        finally:
            del self.bound[-len(ranges):]

    def count(self, token, s: _Stream):
        r"""\#\{x \in S :\ condition\}: how many x in the finite spaces satisfy it."""
        from ..finite import Count
        opening = s.next()
        if opening is None or opening.text != "{" or opening.kind not in ("open", "sym"):
            self.fail(token, "\\# counts a set: write \\#\\{x \\in S : condition\\}")
        ranges = self.finite_ranges(token, s)
        try:
            condition = self.statement(s)
        finally:
            del self.bound[-len(ranges):]
        closing = s.next()
        if closing is None or closing.text != "}" or closing.kind not in ("close", "sym"):
            self.fail(closing, f"expected \\}} to close the set opened at column "
                               f"{opening.pos + 1}")
        return Count(condition, *ranges)

    def finite_ranges(self, token, s: _Stream) -> list:
        r"""x \in S, y \in T, ... up to the colon: (symbol, space) pairs, each variable bound
        (an integer symbol) for the spaces and the statement that follow."""
        ranges = []
        try:
            while True:
                names = []
                while s.peek() is not None and not s.peek().is_macro("in") and \
                        not s.peek().is_sym(":"):
                    names.append(s.next())
                if s.peek() is None or not s.peek().is_macro("in") or not names:
                    self.fail(token, "a quantifier is read only over finite spaces, "
                                     "x \\in \\{a, \\dots, b\\}:")
                s.next()
                found = self.index_names(names)
                if len(found) != 1:
                    self.fail(names[0], "one variable before \\in")
                name = found[0]
                space = self.finite_space(token, s)
                symbol = sp.Symbol(name, integer=True)
                ranges.append((symbol, space))
                self.bound.append({name: (symbol, None, None)})
                separator = s.next()
                if separator is not None and separator.is_sym(":"):
                    return ranges
                if separator is None or not separator.is_sym(","):
                    self.fail(separator or token, "expected , or : after the space")
        except ExpressionError:
            del self.bound[len(self.bound) - len(ranges):]
            raise

    def finite_space(self, token, s: _Stream):
        r"""\{a, b, c\} (a FiniteSet), \{a, \dots, b\} (Integers a..b), either to the power
        ^{k} (Vectors: every k-tuple)."""
        from ..finite import Integers, Vectors
        opening = s.next()
        if opening is None or opening.text != "{" or opening.kind not in ("open", "sym"):
            self.fail(opening or token, "a finite space is written \\{a, b\\} or "
                                        "\\{a, \\dots, b\\}")
        elements = []
        while True:
            following = s.peek()
            if following is not None and following.kind == "macro" and \
                    following.text in _ELLIPSES:
                s.next()
                elements.append(None)
            else:
                elements.append(self.scalar(self.expression(s), opening))
            separator = s.next()
            if separator is not None and separator.text == "}" and \
                    separator.kind in ("close", "sym"):
                break
            if separator is None or not separator.is_sym(","):
                self.fail(separator or opening, "expected , or \\} in the space")
        if None in elements:
            if len(elements) != 3 or elements[1] is not None or None in (elements[0],
                                                                          elements[2]):
                self.fail(opening, "a range of integers is written \\{a, \\dots, b\\}")
            space = Integers(elements[0], elements[2])
        else:
            space = sp.FiniteSet(*elements)
        if s.peek() is not None and s.peek().is_sym("^"):
            mark = s.next()
            space = Vectors(space, self.index_expression(self.script(s, mark)))
        return space

    # -- statements ----------------------------------------------------------------------
    def whole_statement(self, items):
        stream = _Stream([t for t in items if t.kind != "amp"])
        if stream.at_end():
            raise ExpressionError("empty statement")
        value = self.statement(stream)
        if not stream.at_end():
            self.fail(stream.peek(), "cannot read what follows the statement")
        return value

    def statement(self, s: _Stream):
        r"""A <=> B, A => B, A \vee B, A \wedge B, \neg A, relation chains, True / False."""
        value = self.implication(s)
        while s.peek() is not None and s.peek().kind == "rel" and s.peek().text == "<=>":
            s.next()
            value = sp.Equivalent(value, self.implication(s))
        return value

    def implication(self, s: _Stream):
        value = self.disjunction(s)
        if s.peek() is not None and s.peek().kind == "rel" and s.peek().text == "=>":
            s.next()
            return sp.Implies(value, self.implication(s))
        return value

    def disjunction(self, s: _Stream):
        terms = [self.conjunction(s)]
        while s.peek() is not None and s.peek().kind == "bool" and s.peek().text == "or":
            s.next()
            terms.append(self.conjunction(s))
        return sp.Or(*terms) if len(terms) > 1 else terms[0]

    def conjunction(self, s: _Stream):
        terms = [self.negation(s)]
        while s.peek() is not None and s.peek().kind == "bool" and s.peek().text == "and":
            s.next()
            terms.append(self.negation(s))
        return sp.And(*terms) if len(terms) > 1 else terms[0]

    def negation(self, s: _Stream):
        token = s.peek()
        if token is not None and token.kind == "bool" and token.text == "not":
            s.next()
            return sp.Not(self.negation(s))
        return self.atom_statement(s)

    def atom_statement(self, s: _Stream):
        token = s.peek()
        if token is None:
            self.fail(token, "expected a statement")
        if token.is_macro("forall"):
            return self.forall(s)
        if token.kind == "macro" and token.text in _TEXT and \
                self.text_word(token) in ("True", "False"):
            s.next()
            return sp.true if self.text_word(token) == "True" else sp.false
        if token.kind == "open" or token.is_sym("("):
            saved = s.index
            try:
                s.next()
                inner = self.statement(s)
                closing = s.next()
                if closing is None or closing.text != ")" or \
                        closing.kind not in ("close", "sym"):
                    raise ExpressionError("not a parenthesized statement")
                following = s.peek()
                if following is None or following.kind == "bool" or \
                        following.kind == "rel" and following.text in LOGICAL or \
                        following.kind == "close" or following.is_sym(")"):
                    return inner
            except ExpressionError:
                pass
            s.index = saved
        return self.comparison(s)

    def matrices_equal(self, left, right, relation):
        """u = v between matrices of one shape, as a statement (ops.MatrixEq)."""
        from ..ops import MatrixEq
        if left.shape != right.shape:
            self.fail(relation, f"= between matrices of shapes {left.shape} and {right.shape}")
        return MatrixEq(left, right)

    def comparison(self, s: _Stream):
        """a < b <= c: each relation between neighbours, all of them holding."""
        sides = [self.finish(self.expression(s), s.peek())]
        relations = []
        while s.peek() is not None and s.peek().kind == "rel" and s.peek().text not in LOGICAL:
            relations.append(s.next())
            sides.append(self.finish(self.expression(s), s.peek()))
        if not relations:
            self.fail(s.peek(), "a statement needs a relation (=, <, \\le, ...)")
        makers = {"=": sp.Eq, "≡": sp.Eq, "≠": sp.Ne, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge}
        parts = []
        for relation, left, right in zip(relations, sides, sides[1:]):
            if relation.text not in makers:
                self.fail(relation, "this relation cannot be part of a statement")
            left, right = (scalar_of(v) if _is_matrix(v) and v.shape == (1, 1) else v
                           for v in (left, right))
            if relation.text in ("=", "≡") and all(getattr(v, "is_Matrix", False)
                                                   for v in (left, right)):
                parts.append(self.matrices_equal(left, right, relation))
            elif relation.text in ("=", "≡", "≠"):
                parts.append(makers[relation.text](left, right, evaluate=False))
            else:
                if _is_matrix(left) or _is_matrix(right):
                    self.fail(relation, "an inequality between matrices")
                parts.append(makers[relation.text](left, right, evaluate=False))
        return sp.And(*parts) if len(parts) > 1 else parts[0]
