"""The public reader: `parse_latex` (one expression), `parse_statement` (one statement) and
`read_statements` (a line of a derivation split into its relation chains, each side read on
its own, as `python -m engine grade` reads a document), with the `Side` and `Statement` it
returns."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from ..errors import ExpressionError
from ..scope import Scope
from .parser import _Parser
from .tokens import LOGICAL, tokens
from .values import _is_computation
from .vocabulary import _TEXT, _is_prose, _operator_text


# -- public: expressions and statements -----------------------------------------------------

def parse_latex(text: str, scope: Scope, *, strict: bool = False, index_base: int = 1,
                assumed: list | None = None, like=None, notation: dict | None = None,
                functions: dict | None = None) -> sp.Basic:
    """The SymPy expression written in LaTeX `text`. Undeclared names become real scalars in
    `scope` (appended to `assumed` when given); with `strict` they are an ExpressionError, as is
    anything outside the grammar (the message names the fragment and its column). `like` is
    the other side of the relation: a lone identity I takes its size. `notation` maps symbol
    names to the LaTeX written for them (a derivation's notation); `functions` maps names to
    SymPy functions applied to their arguments (f(x)), besides the scope's declarations."""
    parser = _Parser(text, scope, strict, index_base, like, functions)
    items = _strip_annotations(tokens(text, _with_computations(notation, functions)), parser)
    relation = next(_top_level_relations(items), None)
    if relation is not None:
        parser.fail(relation, "a relation inside an expression (give each side separately)")
    if any(t.kind == "rowsep" for t in items):
        parser.fail(next(t for t in items if t.kind == "rowsep"), "a line break \\\\ inside "
                                                                  "an expression")
    return _read(parser.whole, items, parser, assumed, "expression")


def parse_statement(text: str, scope: Scope, *, strict: bool = False, index_base: int = 1,
                    assumed: list | None = None, notation: dict | None = None,
                    functions: dict | None = None) -> sp.Basic:
    """The SymPy statement (a Boolean: relations joined by \\wedge \\vee \\neg \\Rightarrow
    \\Leftrightarrow, a chain a < b < c, \\text{True}) written in `text`; the sides are read as
    parse_latex reads an expression. ExpressionError as for parse_latex."""
    parser = _Parser(text, scope, strict, index_base, None, functions)
    items = tokens(text, _with_computations(notation, functions))
    if any(t.kind == "rowsep" for t in items):
        parser.fail(next(t for t in items if t.kind == "rowsep"), "a line break \\\\ inside "
                                                                  "a statement")
    return _read(parser.whole_statement, items, parser, assumed, "statement")


def _top_level_relations(items):
    """The relation tokens outside any parentheses or brackets (those inside belong to an
    event, \\Pr(x > 0), or a set)."""
    depth = 0
    for token in items:
        if token.kind == "open" or token.is_sym("(", "["):
            depth += 1
        elif token.kind == "close" or token.is_sym(")", "]"):
            depth -= 1
        elif token.kind == "rel" and depth <= 0:
            yield token


def _read(whole, items, parser, assumed, what: str):
    """`whole(items)`, with any slip inside the reader turned into a one-line ExpressionError;
    the names the parser assumed are appended to `assumed`."""
    try:
        value = whole(items)
    except RecursionError:
        raise ExpressionError(f"the {what} nests too deeply") from None
    except (TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
        raise ExpressionError(f"cannot read this {what} ({type(exc).__name__}: "
                              f"{str(exc)[:120]})") from None
    if assumed is not None:
        assumed.extend(parser.assumed)
    return value


def _strip_annotations(items: list, parser) -> list:
    """Drop the \\text{...} / \\quad annotation at the end of a formula, and trailing , . ;
    A \\text{name} applied to parentheses is not an annotation (the parser reads or refuses
    it); an annotation that states a condition (\\quad\\text{for } x \\ge 0) is refused: one
    side of a relation cannot carry it."""
    cut = len(items)
    for i, token in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        if token.kind == "macro" and token.text in _TEXT and following is not None and \
                following.is_sym("(") and following.pos == token.end:
            continue
        if token.is_macro("quad", "qquad") or (token.kind == "macro" and token.text in _TEXT
                                               and not _operator_text(token)):
            cut = i
            break
    rest = items[cut:]
    if any(t.kind == "rel" for t in rest):
        words = " ".join(_plain(parser.text[t.pos:t.end]) for t in rest if _is_prose(t))
        parser.fail(rest[0], f"a condition ({words or 'math'} ...) after the expression: it "
                             "cannot be attached to one side (state it as a premise, e.g. "
                             "--relation '=>' with the condition as the left side)")
    items = items[:cut]
    while items and items[-1].is_sym(",", ".", ";"):
        items = items[:-1]
    return items


@dataclass(frozen=True)
class Side:
    """One side of a relation chain: its LaTeX, its column, and the expression or the reason
    it could not be read."""
    text: str
    column: int
    expr: object = None
    error: str = ""
    assumed: tuple = ()
    seconds: float = 0.0


@dataclass(frozen=True)
class Statement:
    """`sides[0] relations[0] sides[1] ...` as written on one line. `leading` is the relation a
    line starts with (`&= ...`: it continues the chain above); `connective` how the statement
    follows the one before it on the line (`=>`, `<=>` or ''); `annotation` the \\text{...}
    justification written after it."""
    sides: tuple
    relations: tuple
    leading: str = ""
    connective: str = ""
    annotation: str = ""
    condition: object = None      # the Side of a condition written after it (for x \ge 0)


def read_statements(text: str, scope: Scope, *, strict: bool = False,
                    index_base: int = 1) -> list[Statement]:
    """The relation chains written on one line of a derivation (alignment & dropped), each
    side parsed on its own: a side that cannot be read carries its error and the other sides
    are still read. Raises ExpressionError only when the line itself is not LaTeX."""
    import time
    items = [t for t in tokens(text) if t.kind not in ("amp", "rowsep")]
    statements = []
    connective = ""
    for segment, annotation, following, condition_items in _segments(items, text):
        pieces, relations, leading = [], [], ""
        current: list = []
        depth = 0
        for token in segment:
            if token.kind == "open" or token.is_sym("(", "["):
                depth += 1
            elif token.kind == "close" or token.is_sym(")", "]"):
                depth -= 1
            if token.kind == "rel" and depth == 0:
                if not current and not pieces:
                    leading = token.text
                else:
                    pieces.append(current)
                    relations.append(token.text)
                current = []
            else:
                current.append(token)
        pieces.append(current)
        if not relations and not leading:
            connective = following or connective
            continue
        sides = []
        for piece in pieces:
            piece = [t for t in piece if not t.is_sym(".")] if piece and \
                piece[-1].is_sym(".") else piece
            started = time.perf_counter()
            fragment = text[piece[0].pos:piece[-1].end] if piece else ""
            column = piece[0].pos + 1 if piece else 0
            if not piece:
                sides.append(Side("", column, None, "nothing on this side of the relation"))
                continue
            previous = sides[-1].expr if sides else None
            parser = _Parser(text, scope, strict, index_base, previous)
            try:
                expr = parser.whole(piece)
                sides.append(Side(fragment, column, expr, "", tuple(parser.assumed),
                                  time.perf_counter() - started))
            except ExpressionError as exc:
                sides.append(Side(fragment, column, None, exc.message, (),
                                  time.perf_counter() - started))
            except RecursionError:
                sides.append(Side(fragment, column, None, "the expression nests too deeply"))
            except Exception as exc:          # a reader bug must not stop the document
                sides.append(Side(fragment, column, None, "cannot read this side (internal "
                                  f"error {type(exc).__name__}: {exc})"))
        relations = [_equivalence(r, k, sides, scope) for k, r in enumerate(relations)]
        condition = None
        if condition_items:
            condition, sides = _condition(condition_items, text, scope, strict, index_base, sides)
        statements.append(Statement(tuple(sides), tuple(relations), leading, connective,
                                    annotation, condition))
        connective = following
    return statements


def _condition(items, text, scope, strict, index_base, sides) -> tuple:
    """(the condition's Side, the statement's sides refused) for a statement written with a
    condition (x^2 = |x|^2 \\quad\\text{for } x \\ge 0): the identity holds only under it,
    and checking it unconditionally would refute a true step, so its sides carry the reason
    (the condition, read, is kept on the Statement for a checker that takes premises)."""
    fragment = text[items[0].pos:items[-1].end]
    parser = _Parser(text, scope, strict, index_base)
    try:
        condition = Side(fragment, items[0].pos + 1, parser.whole_statement(items), "",
                         tuple(parser.assumed))
    except (ExpressionError, RecursionError) as exc:
        condition = Side(fragment, items[0].pos + 1, None, getattr(exc, "message", str(exc)))
    reason = (f"the step is stated under the condition '{fragment}', which is not checked as a "
              "premise here: not checked (checking it without the condition could refute a "
              "true step)")
    return condition, [Side(side.text, side.column, None, reason, side.assumed, side.seconds)
                       for side in sides]


_CONDITION_WORDS = ("for", "if", "when", "whenever", "where", "provided", "assuming", "given",
                    "with", "as", "since", "on", "unless", "iff", "for all", "s.t.", "such that")


def _is_condition_prose(words: str) -> bool:
    words = words.strip().lower().rstrip(":,")
    return any(words == w or words.startswith(w + " ") for w in _CONDITION_WORDS) or \
        words.startswith(("for", "if ", "when", "where", "provided", "assum", "given"))


def _equivalence(relation: str, k: int, sides: list, scope: Scope) -> str:
    """\\equiv between sides k and k+1: a definition when its left side is a name met for the
    first time on this line (assumed, not declared), else an equality that is checked."""
    if relation != "≡":
        return relation
    left = sides[k]
    if k == 0 and left.expr is not None and isinstance(left.expr, (sp.Symbol, sp.MatrixSymbol)) \
            and str(left.expr) in left.assumed:
        return "def"
    return "="


def _segments(items: list, text: str):
    """Split a line at top-level separators: , ; \\quad \\text{prose} and the logical
    connectives (=> <=>). Yields (tokens, annotation, connective to the next segment,
    condition tokens): a condition is math after \\quad or prose that reads as one (for, if,
    where, when, provided, ...), or an order or \\neq written after a comma (y = 1, x > 0)."""
    depth = 0
    current: list = []
    out = []                           # [tokens, connective, condition tokens]
    annotation_parts: list = []
    i = 0
    pending_condition = False          # the segment being read follows condition prose

    def close(connective=""):
        nonlocal current, pending_condition
        if pending_condition and not current and not connective:
            return                               # `, \quad x > 0`: still the condition
        if pending_condition and out and current:
            out[-1][2] = out[-1][2] + current    # the condition of the statement before
        else:
            out.append([current, connective, []])
        current = []
        pending_condition = False

    while i < len(items):
        token = items[i]
        if token.kind in ("open",) or token.is_sym("(", "["):
            depth += 1
        elif token.kind == "close" or token.is_sym(")", "]"):
            depth -= 1
        if depth == 0:
            if token.is_macro("quad", "qquad"):
                rest = items[i + 1:]
                if rest and (_is_prose(rest[0]) or (rest[0].is_sym("(") or
                                                    rest[0].kind == "open")
                             and len(rest) > 1 and _is_prose(rest[1])):
                    words = _plain(text[rest[0].pos:rest[0].end])
                    math = [t for t in rest if not _is_prose(t)]
                    if _is_prose(rest[0]) and _is_condition_prose(words) and \
                            any(t.kind == "rel" for t in math):
                        close()
                        if out:
                            out[-1][2] = out[-1][2] + _condition_math(math)
                        annotation_parts.append(_plain(text[rest[0].pos:rest[-1].end]))
                        break
                    annotation_parts.append(_plain(text[rest[0].pos:rest[-1].end]))
                    break
                close()
                i += 1
                continue
            if _is_prose(token):
                following = items[i + 1] if i + 1 < len(items) else None
                words = _plain(text[token.pos:token.end])
                if following is not None and following.is_sym("(", "[") and \
                        following.pos == token.end and words and not words[-1].isspace():
                    current.append(token)        # \text{sign}(x): the parser names it
                    i += 1
                    continue
                if not current and not out or following is None:
                    annotation_parts.append(words)
                close()
                if _is_condition_prose(words) and out and any(
                        t.kind == "rel" for t in items[i + 1:]):
                    pending_condition = True
                i += 1
                continue
            if token.is_sym(",", ";"):
                close()
                if token.is_sym(",") and out and _is_order_condition(items[i + 1:]):
                    pending_condition = True
                i += 1
                continue
            if token.kind == "rel" and token.text in LOGICAL:
                close(token.text)
                i += 1
                continue
        current.append(token)
        i += 1
    close()
    annotation = " ".join(p for p in annotation_parts if p).strip()
    segments = [(segment, "", connective, condition) for segment, connective, condition in out]
    while segments and not segments[-1][0]:
        last = segments.pop()
        if segments:
            segment, _, _, condition = segments[-1]
            segments[-1] = (segment, "", last[2] or segments[-1][2], condition + last[3])
    if segments:
        segment, _, connective, condition = segments[-1]
        segments[-1] = (segment, annotation, connective, condition)
    return [s for s in segments if s[0]] or []


def _condition_math(items: list) -> list:
    """The math of a condition, without trailing punctuation."""
    while items and items[-1].is_sym(",", ".", ";"):
        items = items[:-1]
    return items


def _is_order_condition(rest: list) -> bool:
    """After a comma: a statement up to the next comma whose relations are all orders or
    \\neq (x > 0, 0 < t \\le 1): a condition on the statement before, not a claim."""
    relations = []
    depth = 0
    while rest and rest[0].is_macro("quad", "qquad"):
        rest = rest[1:]
    for token in rest:
        if token.kind == "open" or token.is_sym("(", "["):
            depth += 1
        elif token.kind == "close" or token.is_sym(")", "]"):
            depth -= 1
        elif depth == 0 and (token.is_sym(",", ";") or _is_prose(token)
                             or token.is_macro("quad", "qquad")):
            break
        elif depth == 0 and token.kind == "rel":
            relations.append(token.text)
    return bool(relations) and all(r in ("<", "<=", ">", ">=", "≠") for r in relations)


def _plain(latex: str) -> str:
    text = re.sub(r"\\(?:text\w*|mbox|mathrm|emph)\s*\{([^{}]*)\}", r"\1", latex)
    text = re.sub(r"\\q?quad", " ", text)
    return " ".join(text.split())


def _with_computations(notation: dict | None, functions: dict | None) -> dict | None:
    """`notation` plus, for each @computation among `functions`, the LaTeX it prints as
    (its display, else \\operatorname{name}): that LaTeX then reads as the function's name."""
    shown = {name: function._display or r"\operatorname{%s}" % name.replace("_", r"\_")
             for name, function in (functions or {}).items() if _is_computation(function)}
    return {**(notation or {}), **shown} if shown else notation
