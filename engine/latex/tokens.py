"""Tokens of LaTeX math: the guards that refuse, before any parsing, what is too long, too deep
or not allowed; pylatexenc's node tree flattened into tokens that keep their column, with
delimiters and relations merged; and a derivation's notation matched as one `name` token."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ExpressionError

MAX_LENGTH = 10_000          # characters of one expression or one line of a derivation
MAX_NESTING = 40             # nested groups, brackets and \left ... \right

# Control sequences that read or write files, run commands or reprogram TeX: never accepted
# anywhere (the engine never acts on them; refusing them keeps the answer obvious).
_FORBIDDEN = ("input", "include", "includeonly", "InputIfFileExists", "write", "write18",
              "immediate", "openout", "openin", "closeout", "closein", "read", "readline",
              "catcode", "csname", "endcsname", "expandafter", "usepackage", "RequirePackage",
              "documentclass", "special", "jobname", "shipout", "newwrite", "newread",
              "scantokens", "directlua", "luaexec", "ShellEscape", "pdfprimitive", "loop",
              "everyjob", "everypar", "afterassignment", "lowercase", "uppercase",
              "makeatletter", "verbatiminput", "lstinputlisting", "includegraphics", "import",
              "subimport", "bibliography", "addbibresource")
_FORBIDDEN_RE = re.compile(r"\\(%s)(?![A-Za-z@])" % "|".join(_FORBIDDEN))

_SPACING = frozenset({",", ";", ":", "!", " ", ">", "displaystyle", "textstyle", "scriptstyle",
                      "limits", "nolimits", "nonumber", "notag", "relax", "allowbreak",
                      "hfill", "strut", "thinspace", "medspace", "thickspace", "negthinspace"})
_SIZES = frozenset({"big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
                    "biggr", "Biggl", "Biggr", "bigm", "Bigm"})
_DELIMITER_MACROS = {"|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖", "vert": "|",
                     "lvert": "|", "rvert": "|", "lbrack": "[", "rbrack": "]", "{": "{",
                     "}": "}", "lbrace": "{", "rbrace": "}", "langle": "⟨", "rangle": "⟩",
                     "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉"}
_RELATIONS = {"=": "=", "<": "<", ">": ">", "neq": "≠", "ne": "≠", "le": "<=", "leq": "<=",
              "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">=", "approx": "≈",
              "simeq": "≈", "iff": "<=>", "Leftrightarrow": "<=>", "Longleftrightarrow": "<=>",
              "implies": "=>", "Rightarrow": "=>", "Longrightarrow": "=>", "rightarrow": "=>",
              "longrightarrow": "=>", "to": "=>", "therefore": "=>", "triangleq": "def",
              "coloneqq": "def", "eqqcolon": "def", "leftarrow": "def",
              "gets": "def", "doteq": "def", "defeq": "def", "equiv": "≡"}
LOGICAL = frozenset({"=>", "<=>"})
# A negated order between reals is the opposite order: not (a <= b) is a > b.
_NOT = {"=": "≠", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_NEGATED = {"nleq": ">", "nleqslant": ">", "nless": ">=", "ngeq": "<", "ngeqslant": "<",
            "ngtr": "<=", "neq": "≠"}
# Relations the checkers have no meaning for: read as the relation "?", so that the line is a
# step reported as not checked (with this reason), never a line that vanishes.
_UNCHECKED_RELATIONS = {
    "lesssim": "\\lesssim (at most up to a constant) is not checkable",
    "gtrsim": "\\gtrsim (at least up to a constant) is not checkable",
    "ll": "\\ll (much less than) is not checkable", "gg": "\\gg (much greater) is not checkable",
    "asymp": "\\asymp (same order) is not checkable",
    "propto": "\\propto is not checked yet",
    "cong": "\\cong is not checkable",
    "lessapprox": "\\lessapprox is not checkable", "gtrapprox": "\\gtrapprox is not checkable",
    "preceq": "\\preceq is not checked yet", "succeq": "\\succeq is not checked yet",
    "prec": "\\prec is not checked yet", "succ": "\\succ is not checked yet",
    "subseteq": "set inclusion is not checkable", "subset": "set inclusion is not checkable",
    "notin": "set membership is not checkable",
    "parallel": "\\parallel is not checkable", "perp": "\\perp is not checkable",
    "models": "\\models is not checkable", "vdash": "\\vdash is not checkable"}
_CONNECTIVES = {"wedge": "and", "land": "and", "vee": "or", "lor": "or", "neg": "not",
                "lnot": "not"}


# -- tokens ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Token:
    """One piece of math: `kind` is num, letter, sym, macro, group, env, open, close, norm, rel,
    amp, rowsep; `text` the digits, letter, symbol, macro or environment name, delimiter or
    relation; `children` the tokens of a group or environment; `args` a macro's arguments."""
    kind: str
    text: str
    pos: int
    end: int
    children: tuple = ()
    args: tuple = ()          # for a macro: token tuples, None where an argument is absent
    note: str = ""            # a relation's annotation (\overset{(a)}{=})

    def is_sym(self, *texts) -> bool:
        return self.kind == "sym" and self.text in texts

    def is_macro(self, *names) -> bool:
        return self.kind == "macro" and self.text in names


def _guard(text: str, what: str = "expression") -> None:
    """Reject, before any parsing, what is too long, too deep or not allowed."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the {what} is {len(text)} characters long; at most {MAX_LENGTH} "
                              "are read")
    forbidden = _FORBIDDEN_RE.search(text)
    if forbidden:
        raise ExpressionError(f"\\{forbidden.group(1)} is not allowed (the engine never reads "
                              f"or writes files or runs commands): at column {forbidden.start() + 1}")
    depth = 0
    for match in re.finditer(r"\\left(?![a-zA-Z])|\\right(?![a-zA-Z])|\\[{}]|[{}()\[\]]", text):
        token = match.group()
        if token in ("{", "(", "[", r"\left"):
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(f"the {what} nests deeper than {MAX_NESTING} levels: at "
                                      f"column {match.start() + 1}")
        elif token in ("}", ")", "]", r"\right"):
            depth -= 1


def tokens(text: str, notation: dict | None = None) -> list[Token]:
    """The tokens of `text` (math mode); ExpressionError for text that is not LaTeX.
    `notation` maps symbol names to the LaTeX that stands for them (a derivation's notation,
    {"w": r"w^{[l]}"}): every occurrence of that LaTeX becomes one `name` token."""
    raw = _tokens(text)
    return _named(raw, _notation_patterns(notation)) if notation else raw


def _tokens(text: str) -> list[Token]:
    from pylatexenc import latexwalker
    _guard(text)
    walker = latexwalker.LatexWalker(text, tolerant_parsing=False)
    try:
        nodes, _, _ = walker.get_latex_nodes(
            pos=0, parsing_state=walker.make_parsing_state(in_math_mode=True))
    except latexwalker.LatexWalkerError as exc:
        message = str(exc).splitlines()[0]
        message = re.sub(r"\s*@\s*\(\d+,\s*\d+\)\s*$", "", message)
        position = getattr(exc, "pos", None)
        where = f" at column {position + 1}" if isinstance(position, int) else ""
        raise ExpressionError(f"cannot read the LaTeX: {message}{where}") from None
    except RecursionError:
        raise ExpressionError("the expression nests too deeply") from None
    return _delimiters(_thousands(_flatten(nodes, text)), text)


def _flatten(nodes, text: str) -> list[Token]:
    from pylatexenc import latexwalker as lw
    out: list[Token] = []
    for node in nodes or ():
        if node is None or isinstance(node, lw.LatexCommentNode):
            continue
        start = node.pos
        if isinstance(node, lw.LatexCharsNode):
            out.extend(_chars(node.chars, start))
        elif isinstance(node, lw.LatexGroupNode):
            out.append(Token("group", "{}", start, start + node.len,
                             children=tuple(_flatten(node.nodelist, text))))
        elif isinstance(node, lw.LatexSpecialsNode):
            if node.specials_chars == "&":
                out.append(Token("amp", "&", start, start + node.len))
            elif node.specials_chars != "~":
                out.extend(_chars(node.specials_chars, start))
        elif isinstance(node, lw.LatexMacroNode):
            name = node.macroname
            args = ()
            if node.nodeargd is not None and node.nodeargd.argnlist:
                args = tuple(None if a is None else tuple(_flatten(
                    a.nodelist if isinstance(a, lw.LatexGroupNode) else [a], text))
                    for a in node.nodeargd.argnlist)
            if name == "\\":
                out.append(Token("rowsep", "\\\\", start, start + node.len))
            else:
                out.append(Token("macro", name, start, start + node.len, args=args))
        elif isinstance(node, lw.LatexEnvironmentNode):
            out.append(Token("env", node.environmentname, start, start + node.len,
                             children=tuple(_flatten(node.nodelist, text))))
        elif isinstance(node, lw.LatexMathNode):
            raise ExpressionError(f"a $ inside math: at column {start + 1}")
        else:
            raise ExpressionError(f"cannot read {text[start:start + node.len]!r}: at column "
                                  f"{start + 1}")
    return out


def _thousands(items: list) -> list:
    """1{,}000{,}000: one number (the braces keep TeX from spacing the comma). Only groups of
    exactly three digits join; anything else stays as written."""
    out: list[Token] = []
    i = 0
    while i < len(items):
        token = items[i]
        if token.kind == "group":
            token = Token("group", token.text, token.pos, token.end,
                          children=tuple(_thousands(list(token.children))))
        if token.kind == "num" and "." not in token.text:
            digits, end, j = token.text, token.end, i + 1
            while j + 1 < len(items) and items[j].kind == "group" and \
                    len(items[j].children) == 1 and items[j].children[0].is_sym(",") and \
                    items[j + 1].kind == "num" and re.fullmatch(r"\d{3}(\.\d+)?", items[j + 1].text) \
                    and items[j].pos == end and items[j + 1].pos == items[j].end:
                digits, end = digits + items[j + 1].text, items[j + 1].end
                j += 2
            if j > i + 1:
                out.append(Token("num", digits, token.pos, end))
                i = j
                continue
        out.append(token)
        i += 1
    return out


def _chars(chars: str, start: int) -> list[Token]:
    out = []
    chars = chars.replace("\u2212", "-")     # the Unicode minus sign, as - (same length)
    for match in re.finditer(r"\d+(?:\.\d+)?|\.\d+|[A-Za-z]|\S", chars):
        piece = match.group()
        kind = "num" if piece[0].isdigit() or (piece[0] == "." and len(piece) > 1) else \
            "letter" if piece.isalpha() and piece.isascii() else "sym"
        out.append(Token(kind, piece, start + match.start(), start + match.end()))
    return out


def _delimiters(raw: list[Token], text: str) -> list[Token]:
    """Merge \\left( into one `open` token, \\right) into `close`, \\| into `norm`; turn
    relation symbols and macros into `rel` tokens; drop spacing, \\label, \\tag."""
    out: list[Token] = []
    i = 0
    while i < len(raw):
        token = raw[i]
        if token.kind in ("group", "env"):
            token = Token(token.kind, token.text, token.pos, token.end,
                          children=tuple(_delimiters(list(token.children), text)))
        if token.kind == "macro":
            name = token.text
            args = tuple(None if a is None else tuple(_delimiters(list(a), text))
                         for a in token.args)
            token = Token("macro", name, token.pos, token.end, args=args)
            if name in ("left", "right", "middle") or name in _SIZES:
                if i + 1 >= len(raw):
                    raise ExpressionError(f"\\{name} without a delimiter: at column "
                                          f"{token.pos + 1}")
                following = raw[i + 1]
                mark = _delimiter_of(following)
                if mark is None:
                    raise ExpressionError(f"\\{name} must be followed by a delimiter: "
                                          f"{text[token.pos:following.end]!r} at column "
                                          f"{token.pos + 1}")
                if name == "middle":
                    if mark != "|":
                        raise ExpressionError(f"only \\middle| (given) is read: at column "
                                              f"{token.pos + 1}")
                    out.append(Token("given", "|", token.pos, following.end))
                    i += 2
                    continue
                kind = {"left": "open", "right": "close"}.get(name)
                if kind is None:        # \big( and friends: a plain delimiter
                    kind = "norm" if mark == "‖" else "sym"
                out.append(Token(kind, mark, token.pos, following.end))
                i += 2
                continue
            if name == "mid":
                out.append(Token("given", "|", token.pos, token.end))
                i += 1
                continue
            if name in ("label", "tag"):
                if not token.args and i + 1 < len(raw) and raw[i + 1].kind == "group":
                    i += 1                      # the argument came as a separate group
                i += 1
                continue
            if name in _SPACING or name in ("nonumber", "notag"):
                i += 1
                continue
            if name in _DELIMITER_MACROS:
                mark = _DELIMITER_MACROS[name]
                out.append(Token("norm" if mark == "‖" else "sym", mark, token.pos, token.end))
                i += 1
                continue
            if name in _RELATIONS:
                out.append(Token("rel", _RELATIONS[name], token.pos, token.end))
                i += 1
                continue
            if name in _CONNECTIVES:
                out.append(Token("bool", _CONNECTIVES[name], token.pos, token.end))
                i += 1
                continue
            if name in _NEGATED:
                out.append(Token("rel", _NEGATED[name], token.pos, token.end))
                i += 1
                continue
            if name in _UNCHECKED_RELATIONS:
                out.append(Token("rel", "?", token.pos, token.end, note=_UNCHECKED_RELATIONS[name]))
                i += 1
                continue
            if name in ("overset", "stackrel", "underset"):
                args, used = token.args, 0
                if len([a for a in args if a]) < 2:      # pylatexenc left the groups outside
                    following = raw[i + 1:i + 3]
                    if len(following) == 2 and all(t.kind == "group" for t in following):
                        args = tuple(tuple(_delimiters(list(t.children), text))
                                     for t in following)
                        used = 2
                args = [a for a in args if a is not None]
                if len(args) >= 2 and args[1]:
                    inner = [t for t in args[1] if t.kind != "group"]
                    if len(inner) == 1 and inner[0].kind == "rel":
                        note = text[args[0][0].pos:args[0][-1].end] if args[0] else ""
                        end = raw[i + used].end if used else token.end
                        out.append(Token("rel", inner[0].text, token.pos, end, note=note))
                        i += 1 + used
                        continue
                raise ExpressionError(f"\\{name} is read only over a relation "
                                      f"(\\{name}{{(a)}}{{=}}): at column {token.pos + 1}")
            if name == "not":
                operand, used = None, 0
                if token.args and token.args[0]:
                    operand = token.args[0][0] if len(token.args[0]) == 1 else None
                elif i + 1 < len(raw):
                    following = raw[i + 1]
                    operand = _delimiters([following], text)[0] if following.kind == "macro" \
                        else following
                    used = 1
                relation = None
                if operand is not None and operand.kind == "rel":
                    relation = operand.text
                elif operand is not None and operand.kind == "sym" and operand.text in "=<>":
                    relation = operand.text
                if relation in _NOT:
                    out.append(Token("rel", _NOT[relation], token.pos,
                                     raw[i + used].end if used else token.end))
                    i += 1 + used
                    continue
                raise ExpressionError(f"\\not is read only before = < > \\le \\ge (its negation "
                                      f"is then checked): at column {token.pos + 1}")
        elif token.kind == "sym":
            if token.text == ":" and i + 1 < len(raw) and raw[i + 1].is_sym("="):
                out.append(Token("rel", "def", token.pos, raw[i + 1].end))
                i += 2
                continue
            if token.text in ("<", ">") and i + 1 < len(raw) and raw[i + 1].is_sym("=") \
                    and raw[i + 1].pos == token.end:
                out.append(Token("rel", token.text + "=", token.pos, raw[i + 1].end))
                i += 2
                continue
            if token.text in ("=", "<", ">"):
                out.append(Token("rel", token.text, token.pos, token.end))
                i += 1
                continue
        out.append(token)
        i += 1
    return out


_PATTERNS: dict = {}


def _notation_patterns(notation: dict) -> list:
    """(tokens, name) for each notation entry, the longest first, so that w_* is matched
    before w. Entries whose LaTeX is not math (or is the plain name) are left out."""
    key = tuple(sorted(notation.items()))
    if key not in _PATTERNS:
        patterns = []
        for name, latex in notation.items():
            try:
                pattern = _tokens(latex)
            except ExpressionError:
                continue
            if not pattern or (len(pattern) == 1 and pattern[0].text == name
                               and pattern[0].kind in ("letter", "macro")):
                continue
            patterns.append((tuple(pattern), name))
        patterns.sort(key=lambda p: -_size(p[0]))
        _PATTERNS[key] = patterns
    return _PATTERNS[key]


def _size(items) -> int:
    return sum(1 + _size(t.children) + sum(_size(a) for a in t.args if a) for t in items)


def _alike(a: Token, b: Token) -> bool:
    """The same LaTeX token, wherever it stands."""
    if a.kind != b.kind or a.text != b.text or len(a.children) != len(b.children) \
            or len(a.args) != len(b.args):
        return False
    if not all(_alike(x, y) for x, y in zip(a.children, b.children)):
        return False
    for x, y in zip(a.args, b.args):
        if (x is None) != (y is None) or x is not None and (
                len(x) != len(y) or not all(_alike(p, q) for p, q in zip(x, y))):
            return False
    return True


def _named(items: list, patterns: list) -> list:
    """`items` with every run of tokens that spells a notation entry replaced by a `name`
    token for its symbol (inside groups, environments and macro arguments too)."""
    out: list[Token] = []
    i = 0
    while i < len(items):
        for pattern, name in patterns:
            size = len(pattern)
            if i + size <= len(items) and all(_alike(items[i + k], pattern[k])
                                               for k in range(size)):
                out.append(Token("name", name, items[i].pos, items[i + size - 1].end))
                i += size
                break
        else:
            token = items[i]
            if token.children or token.args:
                token = Token(token.kind, token.text, token.pos, token.end,
                              children=tuple(_named(list(token.children), patterns)),
                              args=tuple(None if a is None else tuple(_named(list(a), patterns))
                                         for a in token.args), note=token.note)
            out.append(token)
            i += 1
    return out


def _delimiter_of(token: Token) -> str | None:
    if token.kind == "sym" and token.text in "()[]|./":
        return token.text
    if token.kind == "macro" and token.text in _DELIMITER_MACROS:
        return _DELIMITER_MACROS[token.text]
    return None
