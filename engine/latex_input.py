r"""Reading LaTeX math into SymPy, without eval, sympify or parse_expr of any text.

pylatexenc's `latexwalker` turns the text into a node tree (groups, macros with their arguments,
environments, comments), `_tokens` flattens it into tokens that keep their column, and a
recursive-descent parser of our own builds SymPy objects node by node. Anything outside the
grammar below is an `ExpressionError` naming the fragment and its column: never a guess.

Public: `parse_latex` (one expression), `read_statements` (a line of a derivation: its relation
chains, each side parsed on its own), `collect_macros` / `expand_macros` (a document's own
\newcommand, \renewcommand, \def, with bounds on depth and size).

What it reads
  numbers, + - \cdot \times * / \frac \dfrac \tfrac, implicit products (2x, \sigma_w^2 d),
  ( ) [ ] { } \left( \right) \big( ..., powers and subscripts with or without braces,
  |x| (a square matrix: its determinant, as SymPy prints it), \|x\| (\|x\|^2 is the squared
  norm engine.ops.sqnorm, \|x\| alone its square root), \sqrt{x} \sqrt[n]{x}, \exp \log \log_b
  \ln, trigonometric and hyperbolic functions, \max \min, \lfloor \rfloor \lceil \rceil \binom,
  \sum and \prod with limits (i=1 / i,j=1 with an upper limit, 1 \le i \le n, \substack),
  \operatorname{tr} \mathrm{Tr} \text{Tr} (trace), \det, \mathbb{E}[x] or \mathbb{E} x (E),
  \operatorname{Var}(x) \operatorname{Cov}(x, y), \nabla_{w} J (gradient), \odot \circ
  (Hadamard), \otimes (Kronecker), \delta_{ij} (Kronecker delta unless delta is declared),
  \begin{bmatrix}...\end{bmatrix} (and pmatrix, matrix), spacing (\, \; \! ~), \label \tag
  \nonumber \notag (dropped), and between sides the relations = \neq < > \le \leq \ge \geq
  \approx, \iff \implies \Rightarrow \to (between statements), := \triangleq \coloneqq
  \leftarrow (definitions, not checked). \text{...} and \quad annotations end a formula: they
  are kept as the step's justification, never read as math.
  Also: \mathbb{E}[x \middle| y] and [x \mid y] (conditional expectation), \mathbb{E}_{x \sim D}
  and \Pr(A), \mathbb{P}(A), P_{x \sim D}(A) (E of the event's indicator; x must be declared
  random), f'(x) of a declared function f (its derivative), \mathbf{1}_{n \times m} (a matrix of
  ones), \forall x \in \{a, \dots, b\}, y \in \{1, 2\}^{k}:\ statement and
  \#\{x \in S :\ condition\} (engine.finite.ForAll / Count), and an @computation passed in
  `functions` from the LaTeX it prints as.

Names
  A letter is a name; adjacent letters are a product (`ax` is a*x) unless together they spell a
  declared name (`Var`, `softmax`). Greek letters are names (\sigma -> sigma). A simple
  subscript extends the name: \sigma_w and \sigma_{w} are `sigma_w`, w_{\text{true}} is
  `w_true`, H_\mu is `H_mu`; a compound one is kept as written (`d_{l-1}`). Accents make their
  own symbol: \hat{w} is `w_hat`, \tilde{X} `X_tilde`, \bar{x} and \overline{x} `x_bar`, w^* and
  w_* `w_star`, w' `w_prime`; \mathcal{R} is `R_cal`. Bold and upright fonts (\mathbf{x},
  \boldsymbol{\theta}, \bm, \mathrm) name the plain symbol (`x`, `theta`), unless `x_bold` is
  declared. A superscript label x^{(i)} or x^{[l]} is part of the name. `e` is Euler's number,
  `\pi` is pi and `I` (also \mathbf{I}, \mathbb{I}) the identity, sized by the matrices around
  it, unless declared otherwise.

Declarations decide, never guesses
  Declarations are those of `equal --where` (engine.expressions.parse_declarations).
  Function application versus product: `f(x)` applies f only when f is declared a function
  (`f: function`, `sigma: function(lambda z: 1/(1+exp(-z)))`); otherwise `f(x)`, `\sigma(x)`
  and `x(y+1)` are products. A declared name followed by a subscript indexes it: a sequence
  (`lambda: sequence(d)`, eigenvalues) gives lambda[i]; a vector x_i and a matrix A_{ij} (or
  A_{i,j}) give entries counted from 1 (`index_base=0` counts from 0, as SymPy prints them).
  `(M)_i` of a matrix expression is row i or column i, whichever makes the product it stands
  in well-formed (a row on the left of a product, a column on the right; (M)_i^T is a column
  transposed); of a vector it is entry i. `A B` of declared matrices is the matrix product in
  that order (never reordered), `u \cdot v` of two vectors their inner product, and a 1 x 1
  product such as w^T A w is a scalar where a scalar is needed. x^T of a matrix is its
  transpose, of a scalar the power x**T; x^{-1} of a matrix is its inverse.
  An undeclared name becomes a real scalar, listed in `assumed`; with strict=True it is an
  error. An undeclared x_i inside a sum over i becomes a sequence over the sum's range.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from .errors import ExpressionError
from .scope import Scope

MAX_LENGTH = 10_000          # characters of one expression or one line of a derivation
MAX_NESTING = 40             # nested groups, brackets and \left ... \right
MAX_MACRO_DEPTH = 32         # nested macro expansions
MAX_EXPANSIONS = 20_000      # macro expansions in one document
MAX_EXPANDED = 2_000_000     # characters a document may grow to by macro expansion

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
_DEFINING = ("def", "edef", "gdef", "xdef", "let", "futurelet", "newcommand", "renewcommand",
             "providecommand", "DeclareMathOperator", "newenvironment", "renewenvironment")

GREEK = frozenset("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa
    lambda mu nu xi omicron varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell pi""".split())
_ACCENTS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde",
            "bar": "bar", "overline": "bar", "dot": "dot", "ddot": "ddot", "vec": "vec",
            "check": "check", "breve": "breve", "acute": "acute", "grave": "grave",
            "mathring": "ring", "underline": "underline"}
_BOLD = ("mathbf", "boldsymbol", "bm", "pmb", "mathbfit")
_UPRIGHT = ("mathrm", "mathit", "mathsf", "mathtt", "mathnormal", "rm", "it")
_SCRIPT = {"mathcal": "cal", "mathscr": "scr", "mathfrak": "frak"}
_TEXT = ("text", "textrm", "textit", "textbf", "textsf", "texttt", "textnormal", "mbox",
         "hbox", "textup", "emph")
_ELEMENTARY = {"exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin, "cos": sp.cos,
               "tan": sp.tan, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc, "arcsin": sp.asin,
               "arccos": sp.acos, "arctan": sp.atan, "sinh": sp.sinh, "cosh": sp.cosh,
               "tanh": sp.tanh, "coth": sp.coth}
_OPERATOR_WORDS = {"tr": "trace", "Tr": "trace", "trace": "trace", "Trace": "trace",
                   "diag": "diag", "DiagMatrix": "diag",
                   "det": "det", "Var": "var", "var": "var", "Cov": "cov", "cov": "cov",
                   "E": "expectation", "max": "max", "min": "min", **{k: k for k in _ELEMENTARY}}
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
              "coloneqq": "def", "eqqcolon": "def", "equiv": "def", "leftarrow": "def",
              "gets": "def", "doteq": "def", "defeq": "def"}
LOGICAL = frozenset({"=>", "<=>"})
_CONNECTIVES = {"wedge": "and", "land": "and", "vee": "or", "lor": "or", "neg": "not",
                "lnot": "not"}
_UNSUPPORTED = {"partial": "derivatives (\\partial) are not supported",
                "iint": "multiple integrals are not supported",
                "oint": "integrals are not supported",
                "sup": "sup is not supported", "inf": "inf is not supported",
                "limsup": "limsup is not supported", "liminf": "liminf is not supported",
                "arg": "arg is not supported", "argmin": "argmin is not supported",
                "argmax": "argmax is not supported", "pm": "± is not supported",
                "mp": "∓ is not supported",
                "sim": "a distribution (\\sim) is read only in E_{x \\sim D} and P_{x \\sim D}",
                "in": "set membership is read only in \\forall x \\in S: and \\#\\{x \\in S: ...\\}",
                "exists": "quantifiers are not supported", "perp": "\\perp is not supported",
                "cases": "cases are not supported", "prime": "derivatives (') are not supported",
"cup": "sets are not supported",
                "cap": "sets are not supported", "subset": "sets are not supported",
                "propto": "\\propto is not a checkable relation", "ll": "\\ll is not checkable",
                "gg": "\\gg is not checkable", "rightsquigarrow": "\\rightsquigarrow",
                "mapsto": "\\mapsto is not supported", "star": "\\star is not supported"}
_ELLIPSES = frozenset({"dots", "ldots", "cdots", "vdots", "ddots", "dotsb", "dotsc", "dotsm"})
_MULTIPLY = {"cdot": "mul", "times": "mul", "*": "mul", "ast": "mul", "div": "div", "/": "div",
             "odot": "hadamard", "circ": "hadamard", "otimes": "kronecker"}
_MATRIX_ENVIRONMENTS = frozenset({"bmatrix", "pmatrix", "matrix", "Bmatrix", "smallmatrix"})


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
    return _delimiters(_flatten(nodes, text), text)


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


def _chars(chars: str, start: int) -> list[Token]:
    out = []
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
            if name in ("overset", "stackrel") and len(token.args) >= 2 and token.args[1]:
                inner = [t for t in token.args[1] if t.kind != "group"]
                if len(inner) == 1 and inner[0].kind == "rel":
                    note = text[token.args[0][0].pos:token.args[0][-1].end] if token.args[0] else ""
                    out.append(Token("rel", inner[0].text, token.pos, token.end, note=note))
                    i += 1
                    continue
            if name == "not" and i + 1 < len(raw) and raw[i + 1].is_sym("="):
                out.append(Token("rel", "≠", token.pos, raw[i + 1].end))
                i += 2
                continue
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


# -- values the parser passes around besides SymPy objects ----------------------------------

@dataclass(frozen=True)
class _Name:
    """A name not yet looked up: subscripts and accents may still extend it."""
    text: str
    token: Token
    bold: bool = False          # written in a bold font: `x_bold` if declared, else `x`


@dataclass(frozen=True)
class _Eye:
    """coefficient * I, whose size the matrices around it will tell."""
    coefficient: object = sp.S.One


@dataclass(frozen=True)
class _Slice:
    """(M)_index: row or column of M, decided by the product it stands in."""
    matrix: object
    index: object
    transposed: bool = False
    coefficient: object = sp.S.One


@dataclass(frozen=True)
class _Norm:
    """\\|x\\| before its exponent is known."""
    vector: object


@dataclass(frozen=True)
class _Applicable:
    """A declared function (or E, Var) waiting for its arguments."""
    name: str
    apply: object
    token: Token
    nullary: bool = False     # may stand without arguments (a computation of nothing)


def _element(matrix, i, j):
    """(matrix)_{ij}. An entry of a sum or product of matrices stays an entry of it, as the
    text writes it (and SymPy prints it), not the formula SymPy's indexing writes out: the
    probability checker needs to see (A x + b)_j to know that E[. | A x + b] conditions on it."""
    if isinstance(matrix, (sp.MatAdd, sp.MatMul, sp.HadamardProduct)):
        from sympy.matrices.expressions.matexpr import MatrixElement
        return MatrixElement(matrix, i, j)
    return matrix[i, j]


def _is_matrix(value) -> bool:
    return isinstance(value, (_Eye, _Slice)) or bool(getattr(value, "is_Matrix", False))


def _same(a, b) -> bool:
    return sp.expand(sp.sympify(a) - sp.sympify(b)) == 0


def _shape_text(value) -> str:
    if isinstance(value, _Eye):
        return "I"
    rows, cols = value.shape
    return f"{rows} x {cols}"


# -- the parser -----------------------------------------------------------------------------

class _Stream:
    def __init__(self, items):
        self.items = list(items)
        self.index = 0

    def peek(self, ahead: int = 0):
        position = self.index + ahead
        return self.items[position] if position < len(self.items) else None

    def next(self):
        token = self.peek()
        self.index += 1
        return token

    def at_end(self) -> bool:
        return self.index >= len(self.items)


class _Parser:
    def __init__(self, text: str, scope: Scope, strict: bool, index_base: int, like=None,
                 functions: dict | None = None):
        self.text, self.scope, self.strict, self.index_base = text, scope, strict, index_base
        self.like = like                    # the other side: sizes a lone I
        self.functions = functions or {}    # name -> SymPy function applied to its arguments
        self.bound: list[dict] = []         # summation indices in scope: name -> (symbol, lo, hi)
        self.bars: list[str] = []           # open | and ‖ (a bar inside them closes)
        self.assumed: list[str] = []

    # -- errors --------------------------------------------------------------------------
    def fail(self, token, message: str):
        if token is None:
            raise ExpressionError(f"{message} at the end of the expression")
        fragment = self.text[token.pos:token.end]
        if len(fragment) > 60:
            fragment = fragment[:57] + "..."
        raise ExpressionError(f"{message}: {fragment!r} at column {token.pos + 1}")

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
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if value == 0 and _is_matrix(self.like) and not isinstance(self.like, (_Eye, _Slice)) \
                and self.like.shape != (1, 1):
            return sp.ZeroMatrix(*self.like.shape)     # A - A = 0: the zero matrix
        return value

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
            value = sp.factorial(self.scalar(value, token))
        return value

    def opens_arguments(self, s: _Stream) -> bool:
        following = s.peek()
        return following is not None and (following.kind == "open" and following.text in "(["
                                          or following.is_sym("(", "["))

    def derivative_of_function(self, base: _Name):
        r"""\sigma' of a declared function: the function t -> d sigma(t)/dt (of a declared
        body, its derivative; of an uninterpreted function, SymPy's Derivative); None when
        the name is not a declared function."""
        from .expressions import FunctionDeclaration
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
            return sp.Rational(token.text) if "." in token.text else sp.Integer(token.text)
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
        from .ops import sqnorm
        vector = value.vector
        if isinstance(vector, _Slice):
            vector = self.slice_default(vector)
        squared = sqnorm(vector) if _is_matrix(vector) else vector ** 2
        if exponent is not None and exponent == 2:
            return squared
        root = sp.sqrt(squared) if _is_matrix(vector) else sp.Abs(vector)
        return root if exponent is None else root ** exponent

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
            from .expressions import FunctionDeclaration
            if isinstance(declared, FunctionDeclaration):
                return _Applicable(candidate, declared.apply, value.token)
            found = self.scope.lookup(candidate)
            if isinstance(found, sp.IndexedBase):
                self.fail(value.token, f"{candidate} is a sequence: write {candidate}_i")
            return found
        if name == "e":
            return sp.E
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
        if transpose or (letter_t and _is_matrix(value)):
            if isinstance(value, _Slice):
                return _Slice(value.matrix, value.index, not value.transposed,
                              value.coefficient)
            if isinstance(value, _Eye):
                return value
            return value.T if _is_matrix(value) else value
        if len(items) == 1 and items[0].is_macro("dagger", "ast", "star", "prime"):
            self.fail(items[0], "this superscript is not supported")
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
                return scalar_of(value) ** exponent
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
        return value ** exponent

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
            if len(numerator) == 1 and numerator[0].is_macro("partial"):
                # operator form, as SymPy prints Derivative: \frac{\partial}{\partial x} f,
                # f being the rest of the product
                denominator = self.argument(token, s, 1)
                return self.derivative(token, numerator, denominator, body=self.term(s))
            if numerator and numerator[0].is_macro("partial"):
                return self.derivative(token, numerator, self.argument(token, s, 1))
            top = self.sub_expression(numerator, token)
            bottom = self.sub_expression(self.argument(token, s, 1), token)
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
            return sp.binomial(self.scalar(top, token), self.scalar(bottom, token))
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
        if word in self.scope.declarations:
            return _Name(word, token)
        if name in _TEXT or name == "operatorname":
            if re.fullmatch(r"[A-Za-z]", word):
                return _Name(word, token)
            self.fail(token, f"unknown operator {word!r} (declare it, e.g. '{word}: function')"
                      if re.fullmatch(r"[A-Za-z]\w*", word) else "prose inside a formula")
        if len(items) == 1 and items[0].kind in ("letter", "macro") and (
                items[0].kind == "letter" or items[0].text in GREEK):
            inner = items[0].text
            return _Name(inner, token, bold=name in _BOLD)
        if name in _BOLD and word == "1" and s.peek() is not None and s.peek().is_sym("_"):
            return self.ones(token, s)
        if len(items) == 1 and items[0].kind == "num":
            return sp.Integer(items[0].text) if "." not in items[0].text else \
                sp.Rational(items[0].text)
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
        if letter == "P":
            return self.probability(token, s)
        self.fail(token, f"\\mathbb{{{letter}}} is not supported (only \\mathbb{{E}}, "
                         "\\mathbb{P} and \\mathbb{I})")

    def operator(self, kind: str, token, s: _Stream):
        from .ops import Cov, E, Var
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
        from .scope import Random
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
        from .ops import E
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
        args = self.arguments_of(token, s)
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
            value = _ELEMENTARY[name](inner) if base is None else sp.log(inner, base)
        return value if power is None else value ** power

    def big_operator(self, token, s: _Stream):
        sub = sup = None
        while s.peek() is not None and (s.peek().is_sym("_") and sub is None
                                        or s.peek().is_sym("^") and sup is None):
            mark = s.next()
            if mark.text == "_":
                sub = self.script(s, mark)
            else:
                sup = self.script(s, mark)
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
        from .ops import grad
        if s.peek() is None or not s.peek().is_sym("_"):
            self.fail(token, "write the gradient with its variable: \\nabla_{w} J")
        mark = s.next()
        wrt = self.resolve(self.sub_expression(self.script(s, mark), token))
        if not isinstance(wrt, sp.MatrixSymbol):
            self.fail(token, "\\nabla_{w}: w must be a declared vector or matrix")
        body = self.resolve(self.postfix(s))
        if isinstance(body, _Norm):
            body = self.norm(body, None)
        if isinstance(body, (_Eye, _Slice, _Applicable)) or \
                (_is_matrix(body) and body.shape != (1, 1)):
            self.fail(token, "\\nabla_{w} of something that is not a scalar")
        return grad(body, wrt)       # a 1 x 1 product such as w^T A w is differentiated as is

    def environment(self, token):
        if token.text == "cases":
            return self.cases(token)
        if token.text not in _MATRIX_ENVIRONMENTS:
            self.fail(token, f"the environment {token.text} is not supported")
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

    def derivative(self, token, numerator, denominator, body=None):
        r"""\frac{\partial f}{\partial x} (or \frac{\partial}{\partial x} f, `body` given):
        engine.ops.jacobian(f, x), x a declared symbol."""
        from .ops import jacobian
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
        sub = sup = None
        while s.peek() is not None and (s.peek().is_sym("_") and sub is None
                                        or s.peek().is_sym("^") and sup is None):
            mark = s.next()
            if mark.text == "_":
                sub = self.script(s, mark)
            else:
                sup = self.script(s, mark)
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

    def cases(self, token):
        r"""\begin{cases} value & condition \\ ... \end{cases}: a Piecewise; `otherwise` is
        the last condition."""
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
        from .finite import ForAll
        token = s.next()
        ranges = self.finite_ranges(token, s)
        try:
            return ForAll(self.statement(s), *ranges)
        finally:
            del self.bound[-len(ranges):]

    def count(self, token, s: _Stream):
        r"""\#\{x \in S :\ condition\}: how many x in the finite spaces satisfy it."""
        from .finite import Count
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
        from .finite import Integers, Vectors
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

    def comparison(self, s: _Stream):
        """a < b <= c: each relation between neighbours, all of them holding."""
        sides = [self.finish(self.expression(s), s.peek())]
        relations = []
        while s.peek() is not None and s.peek().kind == "rel" and s.peek().text not in LOGICAL:
            relations.append(s.next())
            sides.append(self.finish(self.expression(s), s.peek()))
        if not relations:
            self.fail(s.peek(), "a statement needs a relation (=, <, \\le, ...)")
        makers = {"=": sp.Eq, "≠": sp.Ne, "<": sp.Lt, ">": sp.Gt, "<=": sp.Le, ">=": sp.Ge}
        parts = []
        for relation, left, right in zip(relations, sides, sides[1:]):
            if relation.text not in makers:
                self.fail(relation, "this relation cannot be part of a statement")
            left, right = (scalar_of(v) if _is_matrix(v) and v.shape == (1, 1) else v
                           for v in (left, right))
            if relation.text in ("=", "≠"):
                parts.append(makers[relation.text](left, right, evaluate=False))
            else:
                if _is_matrix(left) or _is_matrix(right):
                    self.fail(relation, "an inequality between matrices")
                parts.append(makers[relation.text](left, right, evaluate=False))
        return sp.And(*parts) if len(parts) > 1 else parts[0]

    def sub_expression(self, items, token):
        if not items:
            self.fail(token, "an empty argument")
        stream = _Stream(items)
        value = self.expression(stream)
        if not stream.at_end():
            self.fail(stream.peek(), "cannot read this")
        return self.resolve(value)

    # -- arithmetic with shapes ----------------------------------------------------------
    def scalar(self, value, token):
        value = self.resolve(value)
        if isinstance(value, _Slice):
            value = self.slice_default(value)
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        if isinstance(value, _Eye):
            self.fail(token, "the identity I where a number is needed")
        if _is_matrix(value):
            if value.shape == (1, 1):
                return scalar_of(value)
            self.fail(token, f"a {_shape_text(value)} matrix where a number is needed")
        return value

    def operand(self, value, token):
        value = self.resolve(value)
        if isinstance(value, sp.Tuple):
            self.fail(token, "a tuple (a, b) where a number or a matrix is needed")
        if isinstance(value, _Norm):
            value = self.norm(value, None)
        if isinstance(value, _Applicable):
            self.fail(value.token, f"{value.name} is a function: give it its arguments")
        return value

    def slice_default(self, value: _Slice):
        """The reading of (M)_i outside a product: entry i of a vector, else column i."""
        from .ops import col, row
        rows, cols = value.matrix.shape
        piece = row(value.matrix, value.index) if cols == 1 else col(value.matrix, value.index)
        return value.coefficient * (piece.T if value.transposed else piece)

    def slice_readings(self, value: _Slice, left: bool) -> list:
        """The readings of (M)_i to try in a product, the usual one first: on the left a
        row-shaped one (row i, or column i transposed), on the right a column-shaped one."""
        from .ops import col, row
        as_row, as_col = row(value.matrix, value.index), col(value.matrix, value.index)
        if value.matrix.shape[1] == 1:
            return [as_row.T if value.transposed else as_row]
        if value.transposed:
            return [as_col.T, as_row.T] if left else [as_row.T, as_col.T]
        return [as_row, as_col] if left else [as_col, as_row]

    def negate(self, value, token):
        value = self.operand(value, token)
        if isinstance(value, _Eye):
            return _Eye(-value.coefficient)
        if isinstance(value, _Slice):
            return _Slice(value.matrix, value.index, value.transposed, -value.coefficient)
        return -value

    def add(self, left, right, token):
        left, right = self.operand(left, token), self.operand(right, token)
        if isinstance(left, _Slice):
            left = self.slice_default(left)
        if isinstance(right, _Slice):
            right = self.slice_default(right)
        if isinstance(left, _Eye) and isinstance(right, _Eye):
            return _Eye(left.coefficient + right.coefficient)
        if isinstance(left, _Eye) or isinstance(right, _Eye):
            eye, other = (left, right) if isinstance(left, _Eye) else (right, left)
            if not _is_matrix(other) or not _same(*other.shape):
                self.fail(token, "I added to something that is not a square matrix")
            sized = eye.coefficient * sp.Identity(other.shape[0])
            return _matrix_sum(sized, other) if eye is left else _matrix_sum(other, sized)
        left_matrix, right_matrix = _is_matrix(left), _is_matrix(right)
        if left_matrix and right_matrix:
            if not (_same(left.shape[0], right.shape[0]) and _same(left.shape[1],
                                                                    right.shape[1])):
                if left.shape == (1, 1) or right.shape == (1, 1):
                    pass
                else:
                    self.fail(token, f"cannot add a {_shape_text(left)} and a "
                                     f"{_shape_text(right)} matrix")
            else:
                return _matrix_sum(left, right)
        if left_matrix and left.shape == (1, 1):
            left = scalar_of(left)
        if right_matrix and right.shape == (1, 1):
            right = scalar_of(right)
        if _is_matrix(left) or _is_matrix(right):
            if right == 0 or left == 0:
                return left if right == 0 else right
            self.fail(token, "cannot add a matrix and a number")
        return left + right

    def combine(self, operator: str, left, right, token):
        if operator == "mul":
            return self.multiply(left, right, token, dot=token.is_macro("cdot"))
        if operator == "div":
            return self.divide(left, right, token)
        left, right = self.operand(left, token), self.operand(right, token)
        left = self.slice_default(left) if isinstance(left, _Slice) else left
        right = self.slice_default(right) if isinstance(right, _Slice) else right
        if not (_is_matrix(left) and _is_matrix(right)) or isinstance(left, _Eye) \
                or isinstance(right, _Eye):
            self.fail(token, "\\odot, \\circ and \\otimes need two matrices")
        if operator == "hadamard":
            if not (_same(left.shape[0], right.shape[0]) and _same(left.shape[1],
                                                                    right.shape[1])):
                self.fail(token, f"a Hadamard product of a {_shape_text(left)} and a "
                                 f"{_shape_text(right)} matrix")
            return sp.HadamardProduct(left, right)
        return sp.KroneckerProduct(left, right)

    def divide(self, top, bottom, token):
        top, bottom = self.operand(top, token), self.operand(bottom, token)
        bottom = self.scalar(bottom, token) if not (_is_matrix(bottom) and
                                                    bottom.shape != (1, 1)) else bottom
        if _is_matrix(bottom):
            self.fail(token, "division by a matrix (write its inverse, M^{-1})")
        if bottom == 0:
            self.fail(token, "division by zero")
        if isinstance(top, _Eye):
            return _Eye(top.coefficient / bottom)
        if isinstance(top, _Slice):
            return _Slice(top.matrix, top.index, top.transposed, top.coefficient / bottom)
        return top / bottom

    def multiply(self, left, right, token, dot: bool = False):
        from .ops import inner
        left, right = self.operand(left, token), self.operand(right, token)
        if isinstance(left, _Eye) or isinstance(right, _Eye):
            if isinstance(left, _Eye) and isinstance(right, _Eye):
                return _Eye(left.coefficient * right.coefficient)
            eye, other = (left, right) if isinstance(left, _Eye) else (right, left)
            if isinstance(other, _Slice):
                other = self.slice_default(other)
            if _is_matrix(other):
                return eye.coefficient * other
            return _Eye(eye.coefficient * other)
        slices = isinstance(left, _Slice) or isinstance(right, _Slice)
        coefficient = sp.S.One
        if slices:
            if not _is_matrix(left) or not _is_matrix(right):    # a number times (M)_i
                number, piece = (left, right) if isinstance(right, _Slice) else (right, left)
                return _Slice(piece.matrix, piece.index, piece.transposed,
                              piece.coefficient * number)
            for value in (left, right):
                if isinstance(value, _Slice):
                    coefficient = coefficient * value.coefficient
            left_readings = self.slice_readings(left, True) if isinstance(left, _Slice) \
                else [left]
            right_readings = self.slice_readings(right, False) if isinstance(right, _Slice) \
                else [right]
            left, right = left_readings[0], right_readings[0]
            for a in left_readings:
                chosen = next((b for b in right_readings if _same(a.shape[1], b.shape[0])), None)
                if chosen is not None:
                    left, right = a, chosen
                    break
        if _is_matrix(left) and _is_matrix(right):
            if dot and left.shape[1] == 1 and right.shape[1] == 1 and \
                    _same(left.shape[0], right.shape[0]):
                return coefficient * inner(left.T, right)
            if not _same(left.shape[1], right.shape[0]):
                if left.shape == (1, 1):
                    return coefficient * scalar_of(left) * right
                if right.shape == (1, 1):
                    return coefficient * left * scalar_of(right)
                self.fail(token, f"cannot multiply a {_shape_text(left)} by a "
                                 f"{_shape_text(right)} matrix")
            if slices and _same(left.shape[0], 1) and _same(right.shape[1], 1):
                return coefficient * inner(left, right)
            return coefficient * _matrix_product(left, right)
        return left * right


def _matrix_sum(left, right):
    """left + right of matrices, canonical as SymPy's + makes it, without re-simplifying
    the operands (built canonical already): SymPy's + runs doit() through every entry of an
    explicit matrix, which re-evaluates each max/min in it."""
    if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return left + right
    return sp.MatAdd(left, right).doit(deep=False)


def _matrix_product(left, right):
    """left * right of matrices (in this order), as _matrix_sum."""
    if isinstance(left, sp.MatrixBase) and isinstance(right, sp.MatrixBase):
        return left * right
    return sp.MatMul(left, right).doit(deep=False)


def _is_computation(function) -> bool:
    from .computed import Computed
    return isinstance(function, type) and issubclass(function, Computed)


def _with_computations(notation: dict | None, functions: dict | None) -> dict | None:
    """`notation` plus, for each @computation among `functions`, the LaTeX it prints as
    (its display, else \\operatorname{name}): that LaTeX then reads as the function's name."""
    shown = {name: function._display or r"\operatorname{%s}" % name.replace("_", r"\_")
             for name, function in (functions or {}).items() if _is_computation(function)}
    return {**(notation or {}), **shown} if shown else notation


def scalar_of(value):
    from .ops import scalar_of as to_scalar
    return to_scalar(value)


def _elementwise(function):
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    return lambda args, fail: ElementwiseApplyFunction(function, args[0])


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
    items = _strip_annotations(tokens(text, _with_computations(notation, functions)))
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


def _strip_annotations(items: list) -> list:
    """Drop the \\text{...} / \\quad annotation at the end of a formula, and trailing , . ;"""
    cut = len(items)
    for i, token in enumerate(items):
        if token.is_macro("quad", "qquad") or (token.kind == "macro" and token.text in _TEXT
                                               and not _operator_text(token)):
            cut = i
            break
    items = items[:cut]
    while items and items[-1].is_sym(",", ".", ";"):
        items = items[:-1]
    return items


def _operator_text(token) -> bool:
    """\\text{Tr} and friends name an operator; any other \\text is prose."""
    inner = [a for a in token.args if a is not None] if token.args else []
    word = "".join(t.text for t in inner[-1]) if inner else ""
    return word in _OPERATOR_WORDS


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


def read_statements(text: str, scope: Scope, *, strict: bool = False,
                    index_base: int = 1) -> list[Statement]:
    """The relation chains written on one line of a derivation (alignment & dropped), each
    side parsed on its own: a side that cannot be read carries its error and the other sides
    are still read. Raises ExpressionError only when the line itself is not LaTeX."""
    import time
    items = [t for t in tokens(text) if t.kind not in ("amp", "rowsep")]
    statements = []
    connective = ""
    for segment, annotation, following in _segments(items, text):
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
        statements.append(Statement(tuple(sides), tuple(relations), leading, connective,
                                    annotation))
        connective = following
    return statements


def _segments(items: list, text: str):
    """Split a line at top-level separators: , ; \\quad \\text{prose} and the logical
    connectives (=> <=>). Yields (tokens, annotation, connective to the next segment)."""
    depth = 0
    current: list = []
    out = []
    annotation_parts: list = []
    i = 0

    def close(connective=""):
        nonlocal current
        out.append([current, connective])
        current = []

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
                i += 1
                continue
            if token.is_sym(",", ";"):
                close()
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
    segments = [(segment, "", connective) for segment, connective in out]
    while segments and not segments[-1][0]:
        last = segments.pop()
        if segments:
            segment, _, _ = segments[-1]
            segments[-1] = (segment, "", last[2] or segments[-1][2])
    if segments:
        segment, _, connective = segments[-1]
        segments[-1] = (segment, annotation, connective)
    return [s for s in segments if s[0]] or []


def _is_prose(token) -> bool:
    return token.kind == "macro" and token.text in _TEXT and not _operator_text(token)


def _plain(latex: str) -> str:
    text = re.sub(r"\\(?:text\w*|mbox|mathrm|emph)\s*\{([^{}]*)\}", r"\1", latex)
    text = re.sub(r"\\q?quad", " ", text)
    return " ".join(text.split())


# -- macros of a document -------------------------------------------------------------------

@dataclass(frozen=True)
class Macro:
    name: str
    parameters: int
    default: str | None       # the first parameter's default (\newcommand{\x}[2][d]{...})
    body: str


_DEFINITION = re.compile(r"\\(newcommand|renewcommand|providecommand|DeclareMathOperator|def)"
                         r"(?![A-Za-z])\*?")


def collect_macros(text: str) -> tuple[dict, str]:
    """The macros `text` defines (\\newcommand, \\renewcommand, \\providecommand, \\def,
    \\DeclareMathOperator) and the text with each definition blanked out (newlines kept, so
    line numbers do not move). ExpressionError for a definition that cannot be read."""
    macros: dict = {}
    out = []
    position = 0
    for match in _DEFINITION.finditer(text):
        if match.start() < position:
            continue
        kind = match.group(1)
        i = match.end()
        try:
            name, i = _macro_name(text, i)
            parameters, default = 0, None
            if kind == "def":
                spec = re.match(r"(?:#\d)*", text[i:])
                parameters = len(spec.group()) // 2
                if text[i + spec.end():i + spec.end() + 1] != "{":
                    raise ExpressionError(f"\\def\\{name}: only #1#2... parameters are supported")
                i += spec.end()
            elif kind != "DeclareMathOperator":
                counted = re.match(r"\s*\[(\d)\]", text[i:])
                if counted:
                    parameters = int(counted.group(1))
                    i += counted.end()
                    optional = re.match(r"\s*\[", text[i:])
                    if optional:
                        default, i = _balanced(text, i + optional.end() - 1, "[", "]")
            body, i = _braced_at(text, i)
        except ExpressionError as exc:
            line = text.count("\n", 0, match.start()) + 1
            raise ExpressionError(f"line {line}: cannot read the definition "
                                  f"{text[match.start():match.start() + 40]!r}: {exc.message}") \
                from None
        if kind == "DeclareMathOperator":
            body = r"\operatorname{%s}" % body
        if kind != "providecommand" or name not in macros:
            macros[name] = Macro(name, parameters, default, body)
        out.append(text[position:match.start()])
        out.append(re.sub(r"[^\n]", " ", text[match.start():i]))
        position = i
    out.append(text[position:])
    return macros, "".join(out)


def _macro_name(text: str, i: int) -> tuple[str, int]:
    match = re.match(r"\s*(?:\{\s*\\([A-Za-z@]+)\s*\}|\\([A-Za-z@]+|.))", text[i:])
    if not match:
        raise ExpressionError("expected the macro's name")
    return match.group(1) or match.group(2), i + match.end()


def _braced_at(text: str, i: int) -> tuple[str, int]:
    match = re.match(r"\s*\{", text[i:])
    if not match:
        raise ExpressionError("expected {")
    return _balanced(text, i + match.end() - 1, "{", "}")


def _balanced(text: str, start: int, opening: str, closing: str) -> tuple[str, int]:
    """The content of the group opening at text[start] and the index after it."""
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return text[start + 1:i], i + 1
        i += 1
    raise ExpressionError(f"unbalanced {opening}{closing}")


_CONTROL_WORD = re.compile(r"\\([A-Za-z@]+|.)")


def expand_macros(text: str, macros: dict) -> str:
    """`text` with every use of `macros` expanded (arguments substituted, then expanded again).
    ExpressionError when expansion nests deeper than MAX_MACRO_DEPTH (a recursive macro), grows
    beyond MAX_EXPANDED characters or takes more than MAX_EXPANSIONS expansions."""
    if not macros:
        return text
    budget = {"expansions": 0, "size": len(text)}
    return _expand(text, macros, 0, budget, None)


def _expand(text: str, macros: dict, depth: int, budget: dict, within: str | None) -> str:
    if depth > MAX_MACRO_DEPTH:
        raise ExpressionError(f"macro \\{within} expands more than {MAX_MACRO_DEPTH} levels deep "
                              "(a recursive definition?)")
    out = []
    i = 0
    while True:
        match = _CONTROL_WORD.search(text, i)
        if match is None:
            out.append(text[i:])
            break
        out.append(text[i:match.start()])
        name = match.group(1)
        macro = macros.get(name)
        if macro is None:
            out.append(match.group())
            i = match.end()
            continue
        budget["expansions"] += 1
        if budget["expansions"] > MAX_EXPANSIONS:
            raise ExpressionError(f"more than {MAX_EXPANSIONS} macro expansions (\\{name} "
                                  "expands forever?)")
        args, i = _macro_arguments(text, match.end(), macro)
        body = macro.body
        body = re.sub(r"#(\d)", lambda m: args[int(m.group(1)) - 1]
                      if 0 < int(m.group(1)) <= len(args) else m.group(), body)
        budget["size"] += len(body)
        if budget["size"] > MAX_EXPANDED:
            raise ExpressionError(f"macro \\{name} makes the text grow beyond {MAX_EXPANDED} "
                                  "characters (an exploding definition?)")
        expanded = _expand(body, macros, depth + 1, budget, name)
        # a control word at the end, then a letter: keep the space TeX swallowed
        if re.search(r"\\[A-Za-z@]+$", expanded) and i < len(text) and text[i].isalpha():
            expanded += " "
        out.append(expanded)
    return "".join(out)


def _macro_arguments(text: str, i: int, macro: Macro) -> tuple[list, int]:
    args = []
    for index in range(macro.parameters):
        if index == 0 and macro.default is not None:
            optional = re.match(r"\s*\[", text[i:])
            if optional:
                value, i = _balanced(text, i + optional.end() - 1, "[", "]")
                args.append(value)
            else:
                args.append(macro.default)
            continue
        j = i
        while j < len(text) and text[j].isspace():
            j += 1
        if j >= len(text):
            raise ExpressionError(f"macro \\{macro.name} is missing argument {index + 1}")
        if text[j] == "{":
            value, i = _balanced(text, j, "{", "}")
        elif text[j] == "\\":
            word = _CONTROL_WORD.match(text, j)
            value, i = word.group(), word.end()
        else:
            value, i = text[j], j + 1
        args.append(value)
    return args, i
