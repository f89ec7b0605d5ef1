"""The LaTeX words the reader knows: Greek letters, accents, fonts, operator names, elementary
functions, multiplication signs, matrix environments, and what it refuses (with the reason)."""
from __future__ import annotations

import sympy as sp

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
               "tanh": sp.tanh, "coth": sp.coth, "arcsinh": sp.asinh, "arccosh": sp.acosh,
               "arctanh": sp.atanh, "arccot": sp.acot, "arcsec": sp.asec, "arccsc": sp.acsc,
               "erf": sp.erf, "erfc": sp.erfc, "sgn": sp.sign, "sign": sp.sign}
# f^{-1} of a trigonometric or hyperbolic f is its inverse function (\sin^{-1} x = arcsin x)
_INVERSES = {"sin": sp.asin, "cos": sp.acos, "tan": sp.atan, "cot": sp.acot, "sec": sp.asec,
             "csc": sp.acsc, "sinh": sp.asinh, "cosh": sp.acosh, "tanh": sp.atanh,
             "coth": sp.acoth}
_OPERATOR_WORDS = {"tr": "trace", "Tr": "trace", "trace": "trace", "Trace": "trace",
                   "diag": "diag", "DiagMatrix": "diag",
                   "det": "det", "Var": "var", "var": "var", "Cov": "cov", "cov": "cov",
                   "E": "expectation", "max": "max", "min": "min", **{k: k for k in _ELEMENTARY}}
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


def _operator_text(token) -> bool:
    """\\text{Tr} and friends name an operator; any other \\text is prose."""
    inner = [a for a in token.args if a is not None] if token.args else []
    word = "".join(t.text for t in inner[-1]) if inner else ""
    return word in _OPERATOR_WORDS


def _is_prose(token) -> bool:
    return token.kind == "macro" and token.text in _TEXT and not _operator_text(token)
