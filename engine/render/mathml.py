"""Presentation MathML for expressions, for the HTML report (browsers render MathML Core).

SymPy's MathML printer, taught the engine's own operators (E[.], ||v||^2, nabla, Var, Cov,
columns and rows, computations) and the derivation's `notation` (symbol name -> the LaTeX the
source writes, such as w_{\\text{true}}). Every function here returns markup that parses as XML
or raises `MathMLError`, so a caller can always fall back to showing the LaTeX source.
"""
from __future__ import annotations

import html
import re
from html.entities import html5 as _ENTITIES
from xml.etree import ElementTree

import sympy as sp
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty_symbology import greek_unicode

from .. import ops

MINUS = "\u2212"          # the minus sign, wider than a hyphen

RELATIONS = {"=": "=", "<=": "≤", "<": "&lt;", ">=": "≥", ">": "&gt;", "≈": "≈",
             "=>": "⇒", "<=>": "⇔", "claim": "="}


class MathMLError(ValueError):
    """An expression (or a notation entry) that cannot be printed as MathML."""


# -- expressions ------------------------------------------------------------------------

def expression(expr, notation: dict | None = None) -> str:
    """The MathML of a SymPy expression or number (one element, without <math>): symbols
    named in `notation` print as the LaTeX given there. Raises MathMLError when the
    expression holds something the printer cannot show."""
    try:
        printer = Printer(notation)
        markup = printer.doprint(sp.sympify(expr) if not isinstance(expr, sp.Basic) else expr)
    except MathMLError:
        raise
    except Exception as exc:            # a construct SymPy's printer does not know
        raise MathMLError(f"cannot print {type(expr).__name__} as MathML: {exc}") from None
    return checked(markup)


def math(*parts: str, display: bool = False) -> str:
    """`parts` (MathML elements) in a <math> element, a block of its own when `display`."""
    attributes = ' display="block"' if display else ""
    return f"<math{attributes}>{''.join(parts)}</math>"


def fenced(*parts: str, left: str = "(", right: str = ")") -> str:
    """`parts` between fences, in an <mrow> of their own so the fences take no operator
    spacing (an <mo> in the middle of a row is an infix operator) and keep their natural
    size (stretched over a subscript they leave gaps, as in _fixed_fences)."""
    return (f'<mrow><mo stretchy="false">{left}</mo>{"".join(parts)}'
            f'<mo stretchy="false">{right}</mo></mrow>')


def relation(text: str) -> str:
    """The <mo> of a step's relation ('=', '<=', '≈', '=>', 'claim', ...); for 'holds' (a
    statement true for all values) the words the writeups use."""
    if text == "holds":
        return '<mtext>for all values in their domains:</mtext><mspace width="0.5em"/>'
    return f"<mo>{RELATIONS.get(text, html.escape(text))}</mo>"


def checked(markup: str) -> str:
    """`markup` with HTML's named character references replaced by characters (so it is XML
    too) and ASCII minus signs made typographic; MathMLError if it is not well-formed."""
    def character(match):
        name = match.group(1)
        if name in ("lt", "gt", "amp", "quot", "apos"):
            return match.group(0)
        text = _ENTITIES.get(name + ";")
        if text is None:
            raise MathMLError(f"unknown character reference &{name};")
        return html.escape(text, quote=False)
    markup = re.sub(r"&([A-Za-z][A-Za-z0-9]*);", character, markup)
    markup = markup.replace("<mo>-</mo>", f"<mo>{MINUS}</mo>")
    try:
        ElementTree.fromstring(f"<math>{markup}</math>")
    except ElementTree.ParseError as exc:
        raise MathMLError(f"the printed MathML is not well-formed: {exc}") from None
    return markup


# -- numbers, vectors and matrices (counterexample values) ------------------------------

def value(item, digits: int = 6) -> str:
    """A counterexample value as MathML: a number, true or false, a sequence (a, b, c), a
    matrix in brackets; MathMLError for anything else (text, None)."""
    if isinstance(item, bool):          # the value of a statement (a side of => or <=>)
        return f"<mtext>{'true' if item else 'false'}</mtext>"
    if item is None or isinstance(item, str):
        raise MathMLError(f"{item!r} is not a number")
    if isinstance(item, (int, float)):
        return _number(item, digits)
    if isinstance(item, (list, tuple)) and item:
        if all(_is_number(x) for x in item):
            return "<mrow><mo>(</mo>" + "<mo>,</mo>".join(_number(x, digits) for x in item) \
                + "<mo>)</mo></mrow>"
        if all(isinstance(row, (list, tuple)) and row and all(_is_number(x) for x in row)
               for row in item):
            rows = "".join("<mtr>" + "".join(f"<mtd>{_number(x, digits)}</mtd>" for x in row)
                           + "</mtr>" for row in item)
            return f"<mrow><mo>[</mo><mtable>{rows}</mtable><mo>]</mo></mrow>"
    raise MathMLError(f"{item!r} is not a number, vector or matrix")


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _number(x, digits: int) -> str:
    if x != x:
        return "<mi>NaN</mi>"
    if abs(x) == float("inf"):
        return f"<mrow><mo>{MINUS}</mo><mi>∞</mi></mrow>" if x < 0 else "<mi>∞</mi>"
    text = str(abs(x)) if isinstance(x, int) else f"{abs(x):.{digits}g}"
    mantissa, _, exponent = text.partition("e")
    body = f"<mn>{mantissa}</mn>"
    if exponent:
        power = int(exponent)
        shown = f"<mn>{power}</mn>" if power >= 0 else \
            f"<mrow><mo>{MINUS}</mo><mn>{-power}</mn></mrow>"
        body = f"<mrow>{body}<mo>×</mo><msup><mn>10</mn>{shown}</msup></mrow>"
    return f"<mrow><mo>{MINUS}</mo>{body}</mrow>" if x < 0 else body


def name(text: str, notation: dict | None = None) -> str:
    """A counterexample's name for a value as MathML: a symbol name (sigma_w, as SymPy
    prints it or as `notation` says) or, for anything else, the text."""
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):
        return expression(sp.Symbol(text), notation)
    return f"<mtext>{html.escape(text, quote=False)}</mtext>"


# -- the printer ------------------------------------------------------------------------

class Printer(MathMLPresentationPrinter):
    """SymPy's presentation MathML printer with the engine's operators and notation."""

    def __init__(self, notation: dict | None = None):
        super().__init__()
        self._notation = dict(notation or {})

    def _as_ordered_terms(self, expr, order=None):
        """The same term order as the LaTeX printer: as built when built unevaluated, else
        SymPy's, never opening with a minus sign when a term is positive."""
        from .latex_printer import _built_unevaluated, _positive_first
        if _built_unevaluated(expr):
            return list(expr.args)
        return _positive_first(super()._as_ordered_terms(expr, order=order))

    def doprint(self, expr) -> str:
        element = self._print(expr)
        _fixed_fences(element)
        element = _tidied(element)
        return element.toxml().encode("ascii", "xmlcharrefreplace").decode()

    # -- building blocks
    def _element(self, tag: str, *children, **attributes):
        element = self.dom.createElement(tag)
        for key, val in attributes.items():
            element.setAttribute(key, val)
        for child in children:
            element.appendChild(child)
        return element

    def _token(self, tag: str, text: str, **attributes):
        # SymPy's printer writes text nodes raw: escape here.
        return self._element(tag, self.dom.createTextNode(html.escape(text, quote=False)),
                             **attributes)

    def _fenced(self, left: str, inner, right: str):
        return self._element("mrow", self._token("mo", left), inner, self._token("mo", right))

    def _applied(self, operator: str, *args):
        """operator(arg, ...) with an upright operator name."""
        row = self._element("mrow")
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._token("mo", ","))
            row.appendChild(self._print(arg))
        return self._element("mrow", self._token("mi", operator, mathvariant="normal"),
                             self._token("mo", "\u2061"), self._fenced("(", row, ")"))

    # -- symbols: the derivation's notation first
    def _print_Symbol(self, sym, style="plain"):
        if sym.name in self._notation:
            return self._import(latex_name(self._notation[sym.name]))
        return super()._print_Symbol(sym, style)

    def _print_MatrixSymbol(self, sym):
        return self._print_Symbol(sym, style=self._settings["mat_symbol_style"])

    _print_RandomSymbol = _print_Symbol

    def _import(self, markup: str):
        """`markup` (well-formed MathML) as nodes of this printer's document."""
        from xml.dom import minidom
        parsed = minidom.parseString(f"<math>{markup}</math>").documentElement
        # SymPy's printer writes text nodes unescaped: parsing undid the escaping (&lt;)
        for node in _text_nodes(parsed):
            node.data = html.escape(node.data, quote=False)
        row = self._element("mrow")
        for child in list(parsed.childNodes):
            row.appendChild(self.dom.importNode(child, True))
        return row.firstChild if len(row.childNodes) == 1 else row

    def _print_Exp1(self, e):
        return self._token("mi", "e", mathvariant="normal")

    def _print_ZeroMatrix(self, z):
        return self._token("mn", "\U0001D7D8")

    def _print_OneMatrix(self, z):
        """𝟙 with its shape below (n×m), as the LaTeX writes \\mathbf{1}_{n \\times m}."""
        rows, cols = z.shape
        shape = self._element("mrow", self._print(rows), self._token("mo", "×"),
                              self._print(cols))
        return self._element("msub", self._token("mn", "\U0001D7D9"), shape)

    def _print_Transpose(self, expr):
        base = expr.arg
        shown = self._print(base) if isinstance(base, (sp.MatrixSymbol, _slice_classes())) \
            else self._fenced("(", self._print(base), ")")
        return self._element("msup", shown, self._token("mi", "T"))

    def _print_Relational(self, expr):
        # SymPy writes < and > unescaped here.
        symbol = html.unescape(self.mathml_tag(expr))
        return self._element("mrow", self._print(expr.lhs), self._token("mo", symbol),
                             self._print(expr.rhs))

    def _print_MatrixEq(self, expr):
        return self._element("mrow", self._print(expr.lhs), self._token("mo", "="),
                             self._print(expr.rhs))

    def _print_Mul(self, expr):
        """A product written unevaluated (Mul(256, 128, evaluate=False), a product holding
        another product, 100 * (213054/78592)) prints its factors as given, with a dot between
        numbers and a fraction where it divides, as the LaTeX printer does; any other product
        as SymPy prints it (which would flatten the nesting and show 1/78592 on its own)."""
        args = expr.args
        if not (args[0] is sp.S.One or any(isinstance(a, sp.Number) for a in args[1:])
                or any(isinstance(a, sp.Mul) for a in args)
                or any(a.is_number and b.is_number for a, b in zip(args, args[1:]))):
            return super()._print_Mul(expr)
        numerator, denominator = sp.fraction(expr, exact=True)
        if denominator is not sp.S.One:
            return self._element("mfrac", self._print(numerator), self._print(denominator))
        row = self._element("mrow")
        for i, arg in enumerate(args):
            if i:
                dot = args[i - 1].is_number and arg.is_number
                row.appendChild(self._token("mo", "·" if dot else "\u2062"))
            row.appendChild(self.parenthesize(arg, PRECEDENCE["Mul"], strict=True))
        return row

    def _print_MatMul(self, expr):
        """As the LaTeX printer: a leading minus sign, scalar factors unparenthesized."""
        args = list(expr.args)
        row = self._element("mrow")
        if expr.could_extract_minus_sign():
            args = args[1:] if args[0] == -1 else [-args[0], *args[1:]]
            row.appendChild(self._token("mo", MINUS))
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._token("mo", "\u2062"))
            scalar = isinstance(arg, sp.Mul) and not isinstance(arg, sp.MatMul)
            row.appendChild(self._print(arg) if scalar
                            else self.parenthesize(arg, PRECEDENCE["Mul"], False))
        return row

    def _print_Integer(self, expr):
        if expr < 0:
            return self._element("mrow", self._token("mo", MINUS), self._token("mn", str(-expr)))
        return self._token("mn", str(expr))

    # -- SymPy constructs printed as the LaTeX writeups print them
    def _print_Trace(self, expr):
        return self._applied("tr", expr.arg)

    def _print_ElementwiseApplyFunction(self, expr):
        """f applied entrywise, as LaTeX prints it: phi(W x) under the source's name, else
        (u ↦ u²)∘(W x)."""
        if isinstance(expr.function, ops.EntrywiseFunction):
            return self._element("mrow", self._import(latex_name(expr.function.latex)),
                                 self._token("mo", "\u2061"),
                                 self._fenced("(", self._print(expr.expr), ")"))
        shown = self._print(expr.function)           # a Lambda prints in parentheses
        if not isinstance(expr.function, sp.Lambda):
            shown = self._fenced("(", shown, ")")
        function = self._element("msub", shown, self._token("mo", "∘"))
        return self._element("mrow", function, self._fenced("(", self._print(expr.expr), ")"))

    def _print_KroneckerDelta(self, expr):
        indices = self._element("mrow", self._print(expr.args[0]), self._print(expr.args[1]))
        return self._element("msub", self._token("mi", "δ"), indices)

    def _print_Sum(self, expr):
        """One sigma per limit, each with its range; the summand in parentheses when it is
        a sum."""
        row = self._element("mrow")
        for variable, low, high in expr.limits:
            below = self._element("mrow", self._print(variable), self._token("mo", "="),
                                  self._print(low))
            row.appendChild(self._element("munderover", self._token("mo", "∑"), below,
                                          self._print(high)))
        body = expr.function
        row.appendChild(self._fenced("(", self._print(body), ")") if isinstance(body, sp.Add)
                        else self._print(body))
        return row

    # -- the engine's operators (engine/ops.py, engine/nets.py, engine/computed.py)
    def _print_Expectation(self, expr):
        return self._element("mrow", self._token("mi", "𝔼"),
                             self._fenced("[", self._print(expr.args[0]), "]"))

    def _print_MatrixElement(self, expr):
        """(b_2)_{0,0} with the parentheses when the matrix's name has a subscript of its own;
        the parent in parentheses when it is a sum or product."""
        parent = self._print(expr.parent)
        if not isinstance(expr.parent, sp.MatrixSymbol) or parent.nodeName in ("msub", "msubsup"):
            parent = self._fenced("(", parent, ")")
        index = self._element("mrow", self._print(expr.i), self._token("mo", ","),
                              self._print(expr.j))
        return self._element("msub", parent, index)

    def _print_ConditionalExpectation(self, expr):
        inner = self._element("mrow", self._print(expr.integrand),
                              self._token("mo", "|", stretchy="true"))
        for k, given in enumerate(expr.given):
            if k:
                inner.appendChild(self._token("mo", ","))
            inner.appendChild(self._print(given))
        return self._element("mrow", self._token("mi", "𝔼"), self._fenced("[", inner, "]"))

    def _print_Limit(self, expr):
        function, variable, point, direction = expr.args
        target = self._print(point)
        if not point.is_infinite and str(direction) in "+-":
            target = self._element("msup", target, self._token("mo", str(direction)))
        below = self._element("mrow", self._print(variable), self._token("mo", "→"), target)
        body = self._print(function)
        if isinstance(function, (sp.Add, sp.Mul)):
            body = self._fenced("(", body, ")")
        return self._element("mrow", self._element("munder", self._token("mi", "lim"), below),
                             body)

    def _print_Variance(self, expr):
        return self._applied("Var", expr.args[0])

    def _print_Covariance(self, expr):
        return self._applied("Cov", *expr.args)

    def _print_SquaredNorm(self, expr):
        return self._element("msup", self._fenced("‖", self._print(expr.args[0]), "‖"),
                             self._token("mn", "2"))

    def _print_Inner(self, expr):
        row = self._element("mrow")
        for i, arg in enumerate(expr.args):
            if i:
                row.appendChild(self._token("mo", "\u2062"))
            row.appendChild(self._print(arg))
        return row

    def _print_AsScalar(self, expr):
        return self._print(expr.args[0])

    def _print__Slice(self, expr):
        return self._element("msub", self._fenced("(", self._print(expr.args[0]), ")"),
                             self._print(expr.args[1]))

    _print_Col = _print_Row = _print__Slice

    def _print_Gradient(self, expr):
        nabla = self._element("msub", self._token("mo", "∇"), self._print(expr.args[1]))
        return self._element("mrow", nabla, self._fenced("(", self._print(expr.args[0]), ")"))

    def _print_Jacobian(self, expr):
        top = self._element("mrow", self._token("mo", "∂"),
                            self.parenthesize(expr.args[0], PRECEDENCE["Atom"]))
        bottom = self._element("mrow", self._token("mo", "∂"), self._print(expr.args[1]))
        return self._element("mfrac", top, bottom)

    def _print_WrittenSum(self, expr):
        row = self._element("mrow")
        for i, term in enumerate(expr.args):
            if i:
                row.appendChild(self._token("mo", "+"))
            row.appendChild(self._print(term))
        return row

    def _print_Computed(self, expr):
        display = getattr(expr, "_display", "")
        head = self._import(latex_name(display)) if display else \
            self._token("mi", type(expr).__name__, mathvariant="normal")
        args = self._element("mrow")
        for i, arg in enumerate(expr.args):
            if i:
                args.appendChild(self._token("mo", ","))
            args.appendChild(self._print(arg))
        return self._element("mrow", head, self._token("mo", "\u2061"),
                             self._fenced("(", args, ")"))


_FENCES = {"(": ")", "[": "]", "‖": "‖", "|": "|", "{": "}", "⌊": "⌋", "⌈": "⌉"}
_TALL = {"mfrac", "munderover", "munder", "mover", "mtable", "msqrt", "mroot"}


def _fixed_fences(element) -> None:
    """Fences around flat content (no fraction, sum, matrix or root inside) keep their
    natural size: browsers would stretch them over any superscript, which leaves wide
    gaps inside (Q ( Q^T w ) instead of Q(Q^T w)); LaTeX's \\left( does not."""
    children = [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]
    if (element.tagName == "mrow" and len(children) >= 3
            and all(c.tagName == "mo" for c in (children[0], children[-1]))):
        left, right = (c.firstChild.data if c.firstChild else "" for c in (children[0],
                                                                            children[-1]))
        if _FENCES.get(left) == right and not any(
                node.tagName in _TALL for child in children[1:-1]
                for node in [child, *child.getElementsByTagName("*")]):
            children[0].setAttribute("stretchy", "false")
            children[-1].setAttribute("stretchy", "false")
    for child in children:
        _fixed_fences(child)


def _text_nodes(node):
    for child in node.childNodes:
        if child.nodeType == child.TEXT_NODE:
            yield child
        else:
            yield from _text_nodes(child)


def _tidied(element):
    """`element` with SymPy's negative numbers (<mn>-1</mn>, an exponent of an inverse) written
    with a minus sign, and a superscript on a subscripted symbol stacked above the subscript
    as LaTeX's H_\\mu^{-1} is (<msubsup>), not set after it."""
    for child in [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]:
        replacement = _tidied(child)
        if replacement is not child:
            element.replaceChild(replacement, child)
    document = element.ownerDocument
    if element.tagName == "mn" and element.firstChild is not None \
            and element.firstChild.data.startswith("-"):
        row = document.createElement("mrow")
        sign, number = document.createElement("mo"), document.createElement("mn")
        sign.appendChild(document.createTextNode(MINUS))
        number.appendChild(document.createTextNode(element.firstChild.data[1:]))
        row.appendChild(sign)
        row.appendChild(number)
        return row
    children = [c for c in element.childNodes if c.nodeType == c.ELEMENT_NODE]
    if element.tagName == "msup" and len(children) == 2 and children[0].tagName == "msub":
        base, sub = [c for c in children[0].childNodes if c.nodeType == c.ELEMENT_NODE]
        stacked = document.createElement("msubsup")
        for part in (base, sub, children[1]):
            stacked.appendChild(part)
        return stacked
    return element


def _slice_classes() -> tuple:
    from .. import ops
    return (ops.Col, ops.Row)


# -- notation: the few LaTeX a symbol's display name uses, as MathML --------------------

_GREEK = {**{key: value for key, value in greek_unicode.items() if key != "lamda"},
          "varepsilon": "ε", "epsilon": "ϵ", "vartheta": "ϑ", "varphi": "φ", "phi": "ϕ",
          "varrho": "ϱ", "varpi": "ϖ", "varsigma": "ς", "ell": "ℓ", "infty": "∞", "star": "⋆",
          "ast": "∗", "prime": "′", "nabla": "∇", "partial": "∂"}
_TEXT = {"text": None, "mathrm": "normal", "operatorname": "normal", "textrm": None,
         "mathit": "italic", "mathbf": "bold", "boldsymbol": "bold", "textbf": "bold",
         "mathbb": "double-struck", "mathcal": "script"}
_ACCENTS = {"hat": "^", "widehat": "^", "tilde": "~", "widetilde": "~", "bar": "¯",
            "overline": "¯", "vec": "→", "dot": "˙", "ddot": "¨"}
_OPERATORS = {"leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠",
              "lt": "&lt;", "gt": "&gt;", "approx": "≈", "sim": "∼", "cdot": "·",
              "times": "×", "in": "∈", "to": "→", "mid": "∣", "ldots": "…", "dots": "…",
              "cdots": "⋯", "pm": "±", "lvert": "|", "rvert": "|", "langle": "⟨",
              "rangle": "⟩", "sum": "∑", "prod": "∏", "int": "∫", "intercal": "⊺",
              "top": "⊤", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
              "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹",
              "iff": "⟺", "rightarrow": "→", "leftarrow": "←", "mapsto": "↦", "perp": "⊥",
              "propto": "∝", "preceq": "⪯", "succeq": "⪰", "equiv": "≡", "ll": "≪",
              "gg": "≫", "circ": "∘", "odot": "⊙", "otimes": "⊗", "subset": "⊂",
              "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃",
              "setminus": "∖", "neg": "¬", "wedge": "∧", "vee": "∨"}
# function names LaTeX sets upright (\log, \max, ...): inline math shows them as such
_FUNCTION_NAMES = frozenset("log ln exp sin cos tan tanh sinh cosh arctan max min sup inf "
                            "lim det arg Pr deg dim ker".split())
_DOUBLE_STRUCK = {c: chr(0x1D538 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_DOUBLE_STRUCK.update({"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"})


def latex_name(latex: str) -> str:
    """The MathML of a symbol's display name written in LaTeX: letters, digits, Greek
    letters, \\text{...} and friends, accents, subscripts and superscripts (H_\\mu,
    w_{\\text{true}}, \\hat{\\sigma}^2). MathMLError for anything else."""
    parser = _NameParser(latex)
    items = parser.sequence(stop=None)
    if not items:
        raise MathMLError(f"empty notation {latex!r}")
    return checked(items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>")


def inline(latex: str) -> str:
    """The MathML of a short piece of inline math from a text field ($\\sigma_w^2/d$): the
    vocabulary of `latex_name` with \\frac, \\sqrt and \\left/\\right. MathMLError for
    anything else, so that only this vocabulary ever reaches a page or a writeup."""
    parser = _NameParser(latex, inline=True)
    items = parser.sequence(stop=None)
    if not items:
        raise MathMLError(f"empty math {latex!r}")
    return checked(items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>")


class _NameParser:
    def __init__(self, text: str, inline: bool = False):
        self.text, self.i, self.inline = text, 0, inline

    def error(self, what: str):
        return MathMLError(f"notation {self.text!r}: {what}")

    def sequence(self, stop) -> list[str]:
        items = []
        while True:
            self.skip()
            if self.i >= len(self.text):
                if stop is not None:
                    raise self.error("unbalanced braces")
                return items
            if self.text[self.i] == stop:
                self.i += 1
                return items
            if self.text[self.i] in "_^":
                if not items:
                    items.append("<mrow/>")
                items[-1] = self.scripts(items[-1])
                continue
            items.append(self.atom())

    def skip(self):
        while self.i < len(self.text) and self.text[self.i] == " ":
            self.i += 1

    def group(self) -> str:
        """A braced group or the next single atom, as one element."""
        self.skip()
        if self.text.startswith("{", self.i):
            self.i += 1
            items = self.sequence("}")
            return items[0] if len(items) == 1 else "<mrow>" + "".join(items) + "</mrow>"
        return self.atom()

    def raw_group(self) -> str:
        self.skip()
        if not self.text.startswith("{", self.i):
            raise self.error("expected {")
        end = self.text.find("}", self.i)
        if end < 0:
            raise self.error("unbalanced braces")
        body, self.i = self.text[self.i + 1:end], end + 1
        return body

    def scripts(self, base: str) -> str:
        sub = sup = None
        while self.i < len(self.text) and self.text[self.i] in "_^":
            mark = self.text[self.i]
            self.i += 1
            if mark == "_":
                sub = self.group()
            else:
                sup = self.group()
        if sub is not None and sup is not None:
            return f"<msubsup>{base}{sub}{sup}</msubsup>"
        if sub is not None:
            return f"<msub>{base}{sub}</msub>"
        return f"<msup>{base}{sup}</msup>"

    def atom(self) -> str:
        c = self.text[self.i]
        if c == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", self.text[self.i:])
            self.i += len(match.group(0))
            return self.command(match.group(1))
        if c == "{":
            return self.group()
        self.i += 1
        if c.isalpha():
            return f"<mi>{html.escape(c)}</mi>"
        if c.isdigit():
            while self.i < len(self.text) and (self.text[self.i].isdigit()
                                               or self.text[self.i] == "."):
                c += self.text[self.i]
                self.i += 1
            return f"<mn>{c}</mn>"
        if c == "'":
            return "<mo>′</mo>"
        if c in "()[],;+-*/|=<>!":
            return f"<mo>{html.escape(c, quote=False)}</mo>"
        raise self.error(f"cannot show {c!r}")

    def command(self, word: str) -> str:
        if word in _GREEK:
            tag = "mi" if word not in ("star", "ast", "prime", "nabla", "partial") else "mo"
            return f"<{tag}>{_GREEK[word]}</{tag}>"
        if word in _OPERATORS:
            return f"<mo>{_OPERATORS[word]}</mo>"
        if word in _FUNCTION_NAMES and self.inline:
            return f'<mi mathvariant="normal">{word}</mi>'
        if word in _TEXT:
            body = self.raw_group()
            variant = _TEXT[word]
            if variant == "double-struck":
                return "<mi>" + "".join(_DOUBLE_STRUCK.get(c, c) for c in body) + "</mi>"
            shown = html.escape(body.replace("\\_", "_").replace("\\ ", " "), quote=False)
            if word in ("text", "textrm"):
                return f"<mtext>{shown}</mtext>"
            attribute = f' mathvariant="{variant}"' if variant else ""
            return f"<mi{attribute}>{shown}</mi>"
        if word in _ACCENTS:
            return f'<mover accent="true">{self.group()}<mo>{_ACCENTS[word]}</mo></mover>'
        if word == "frac" and self.inline:
            return f"<mfrac>{self.group()}{self.group()}</mfrac>"
        if word == "sqrt" and self.inline:
            return f"<msqrt>{self.group()}</msqrt>"
        if word in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big") \
                and self.inline:
            self.skip()
            if self.text.startswith(".", self.i):        # \left. shows nothing
                self.i += 1
                return "<mrow/>"
            return self.atom()
        if word in (",", ";", " ", "!", ":", "quad"):
            return "<mspace width=\"0.2em\"/>"
        if word in ("{", "}", "_", "|", "&", "%", "#", "$"):
            return f"<mo>{html.escape(word, quote=False)}</mo>"
        raise self.error(f"\\{word} is not supported")
