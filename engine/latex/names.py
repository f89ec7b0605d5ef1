r"""Names, subscripts and superscripts, the `_Names` part of the parser (engine.latex.parser):
a name looked up in the bound indices, the declarations and the functions, or assumed; a
subscript that extends a name or indexes a declared sequence, vector or matrix; a superscript
that labels, transposes, inverts or raises."""
from __future__ import annotations

import re

import sympy as sp

from .. import bounds

from .values import (_Applicable, _Eye, _Name, _Norm, _Ones, _Slice, _Stream, _element, _elementwise,
                     _is_computation, _is_matrix, _same, scalar_of)
from .vocabulary import GREEK, _BOLD, _TEXT, _UPRIGHT


class _Names:
    # -- names ---------------------------------------------------------------------------
    def is_bound(self, name: str) -> bool:
        return any(name in frame for frame in self.bound)

    def resolve(self, value):
        if not isinstance(value, _Name):
            return value
        name = value.text
        for frame in reversed(self.bound):
            if name in frame:
                return frame[name][0]
        if name in self.functions:
            function = self.functions[name]
            return _Applicable(name, lambda args, fail: function(*args), value.token,
                               nullary=_is_computation(function))
        candidates = ([name + "_bold"] if value.bold else []) + [name]
        for candidate in candidates:
            declared = self.scope.declarations.get(candidate)
            if declared is None:
                continue
            from ..expressions import FunctionDeclaration
            if isinstance(declared, FunctionDeclaration):
                return _Applicable(candidate, declared.apply, value.token)
            found = self.scope.lookup(candidate)
            if isinstance(found, sp.IndexedBase):
                self.fail(value.token, f"{candidate} is a sequence: write {candidate}_i")
            return found
        if name == "e":
            return sp.E
        if name == "i" and self.in_exponent_of_e:
            return sp.I          # e^{i\pi}: the imaginary unit (i is neither bound nor declared)
        if name == "pi":
            return sp.pi
        if name == "I":
            return _Eye()
        if self.strict:
            self.fail(value.token, f"unknown name {name} (declare it, e.g. --where "
                                   f"'{name}: real')")
        self.assumed.append(name)
        return self.scope.scalar(name, "real")

    def script_name(self, items) -> str | None:
        """The subscript as part of a name (w_{\\text{true}} -> 'true'), or None if compound."""
        parts = []
        for token in items:
            if token.kind in ("letter", "num") and "." not in token.text:
                parts.append(token.text)
            elif token.kind == "macro" and token.text in GREEK:
                parts.append(token.text)
            elif token.kind == "macro" and token.text in _TEXT + _UPRIGHT + _BOLD and token.args:
                word = self.text_word(token)
                if not re.fullmatch(r"[A-Za-z0-9]+", word or ""):
                    return None
                parts.append(word)
            elif token.kind == "group":
                inner = self.script_name(list(token.children))
                if inner is None:
                    return None
                parts.append(inner)
            elif token.is_sym(","):
                parts.append("")
            else:
                return None
        if not parts or not parts[0]:
            return None
        joined = "_".join(p for p in parts if p) if any(len(p) > 1 for p in parts) or \
            "" in parts else "".join(parts)
        return joined

    def subscript(self, base, items, start):
        if isinstance(base, _Applicable) and base.name == "E":
            self.fail(start, "E with a subscript is not supported; declare the random "
                             "variables instead")
        if isinstance(base, _Name):
            return self.name_subscript(base, items)
        if isinstance(base, sp.Lambda):
            if len(items) == 1 and items[0].is_macro("circ"):
                return _Applicable("elementwise", _elementwise(base), start)
            self.fail(start, "a function (x \\mapsto ...) applies entrywise only as "
                             "(x \\mapsto ...)_{\\circ}(M)")
        if isinstance(base, _Norm):
            if len(items) == 1 and items[0].text in ("2", "F"):
                return base
            self.fail(start, "only the Euclidean norm \\|x\\|_2 (or _F) is supported")
        value = self.resolve(base)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if _is_matrix(value) and not isinstance(value, _Eye):
            if any(t.is_sym(",") for t in items):            # {A_1}_{i,j}: an entry
                return self.entry(value, items)
            return _Slice(value, self.index_expression(items))
        self.fail(start, "a subscript on something that is neither a name nor a matrix")

    def name_subscript(self, base: _Name, items):
        if len(items) == 1 and (items[0].is_sym("*") or items[0].is_macro("ast", "star")):
            return _Name(base.text + "_star", base.token, base.bold)
        simple = self.script_name(items)
        if simple is not None:
            full = f"{base.text}_{simple}"
            if self.is_bound(full) or full in self.scope.declarations or \
                    (base.bold and full + "_bold" in self.scope.declarations):
                return _Name(full, base.token, base.bold)
        labelled = self.labelled_entry(base, items)
        if labelled is not None:
            return labelled
        declared = None if self.is_bound(base.text) else self.scope.lookup(base.text)
        if isinstance(declared, sp.IndexedBase):
            return declared[self.index_expression(items)]
        if isinstance(declared, sp.MatrixExpr):
            return self.entry(declared, items)
        if base.text == "delta" and declared is None:
            indices = self.split_indices(items)
            if len(indices) == 2:
                return sp.KroneckerDelta(*indices)
        if declared is None and self.mentions_bound(items):
            return self.implied_sequence(base, items)
        if simple is not None:
            return _Name(f"{base.text}_{simple}", base.token, base.bold)
        written = re.sub(r"\s+", "", self.fragment(items))
        return _Name(f"{base.text}_{{{written}}}", base.token, base.bold)

    def labelled_entry(self, base: _Name, items):
        """w_{i,\\text{true}}: entry i of the declared vector w_true (the label names it)."""
        commas = [k for k, t in enumerate(items) if t.is_sym(",")]
        if len(commas) != 1:
            return None
        for index_part, label_part in ((items[:commas[0]], items[commas[0] + 1:]),
                                       (items[commas[0] + 1:], items[:commas[0]])):
            label = self.script_name(label_part) if label_part else None
            if label is None or not index_part:
                continue
            target = self.scope.lookup(f"{base.text}_{label}")
            if isinstance(target, sp.MatrixExpr) and target.shape[1] == 1:
                return self.entry(target, index_part)
        return None

    def mentions_bound(self, items) -> bool:
        for token in items:
            if token.kind == "letter" and self.is_bound(token.text):
                return True
            if token.kind == "macro" and self.is_bound(token.text):
                return True
            if token.kind == "group" and self.mentions_bound(list(token.children)):
                return True
        return False

    def implied_sequence(self, base: _Name, items):
        index = self.index_expression(items)
        ranges = [entry for frame in self.bound for entry in frame.values()
                  if entry[0] in index.free_symbols and entry[1] is not None]
        if not ranges:
            self.fail(base.token, f"{base.text} is indexed by a variable without a range: "
                                  f"declare it, e.g. '{base.text}: sequence(n)'")
        if self.strict:
            self.fail(base.token, f"{base.text} is indexed by a summation index: declare it, "
                                  f"e.g. '{base.text}: sequence(n)'")
        _, low, high = ranges[0]
        first = int(low) if low.is_Integer else 1
        length = high - first + 1
        sequence = self.scope.sequence(base.text, length, first)
        self.assumed.append(f"{base.text} (sequence)")
        return sequence[index]

    def entry(self, matrix, items):
        rows, cols = matrix.shape
        indices = self.split_indices(items)
        shift = self.index_base
        if cols == 1 and len(indices) == 1:
            return _element(matrix, indices[0] - shift, 0)
        if len(indices) == 2:
            return _element(matrix, indices[0] - shift, indices[1] - shift)
        self.fail(items[0], f"{matrix} is a {rows} x {cols} matrix: index it with two indices "
                            "(A_{ij} or A_{i,j})")

    def split_indices(self, items) -> list:
        parts, current = [], []
        for token in items:
            if token.is_sym(","):
                parts.append(current)
                current = []
            else:
                current.append(token)
        parts.append(current)
        if len(parts) == 1 and all(t.kind in ("letter", "num") and len(t.text) == 1
                                   for t in items) and len(items) == 2:
            parts = [[items[0]], [items[1]]]      # A_{ij}
        return [self.index_expression(part) for part in parts if part]

    def index_expression(self, items):
        stream = _Stream(items)
        value = self.scalar(self.expression(stream), items[0])
        if not stream.at_end():
            self.fail(stream.peek(), "cannot read this index")
        return value

    # -- superscripts --------------------------------------------------------------------
    def superscript(self, value, items, start):
        if isinstance(value, _Norm):
            exponent = self.index_expression(items)
            return self.norm(value, exponent)
        transpose = len(items) == 1 and (
            items[0].is_macro("top", "intercal", "T", "mathsf", "mathrm", "text", "mathbf")
            and (items[0].text in ("top", "intercal", "T") or self.text_word(items[0]) == "T"))
        letter_t = len(items) == 1 and items[0].kind == "letter" and items[0].text == "T" \
            and "T" not in self.scope.declarations
        if isinstance(value, _Ones):
            if transpose or letter_t:
                return _Ones(not value.transposed, value.coefficient)
            self.fail(start, "a power of the ones vector \\mathbf{1}")
        if transpose or (letter_t and _is_matrix(value)):
            if isinstance(value, _Slice):
                return _Slice(value.matrix, value.index, not value.transposed,
                              value.coefficient)
            if isinstance(value, _Eye):
                return value
            return value.T if _is_matrix(value) else value
        if len(items) == 1 and items[0].is_macro("dagger", "ast", "star", "prime"):
            self.fail(items[0], "this superscript is not supported")
        if value == sp.E:
            self.in_exponent_of_e += 1
            try:
                exponent = self.index_expression(items)
            finally:
                self.in_exponent_of_e -= 1
        else:
            exponent = self.index_expression(items)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Eye):
            if exponent.is_Integer:
                return _Eye(value.coefficient ** exponent)
            self.fail(start, "I to a non-integer power")
        if _is_matrix(value):
            rows, cols = value.shape
            if rows == 1 and cols == 1:
                return self.bounded(bounds.power, scalar_of(value), exponent, token=start)
            if not _same(rows, cols):
                self.fail(start, f"a power of a non-square ({rows} x {cols}) matrix")
            if exponent == -1:
                return sp.Inverse(value)
            if exponent.is_integer:
                return sp.MatPow(value, exponent)
            self.fail(start, "a matrix to a power that is not declared an integer")
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        if isinstance(value, sp.Tuple):
            self.fail(start, "a power of a tuple (a, b)")
        return self.bounded(bounds.power, value, exponent, token=start)
