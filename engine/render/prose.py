"""Text fields (justifications, notes, titles, hints) with inline math between dollar signs,
for each target: LaTeX (the math typeset), HTML (the math as MathML), the terminal (the math as
readable Unicode).

A piece between `$...$` counts as math only when the shared vocabulary of engine.render.mathml
reads it (letters, digits, Greek, operators, scripts, \\frac, \\sqrt, \\text, ...); anything else,
an unmatched `$` included, is shown literally as text. So a text field can never inject LaTeX
commands (\\input, \\def) into a writeup, nor markup into a page.
"""
from __future__ import annotations

import re

from . import mathml

_MATH = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")


def segments(text) -> list[tuple[str, str]]:
    """`text` as ("text", ...) and ("math", latex) pieces, in order; "math" only for pieces
    the MathML vocabulary reads."""
    text = " ".join(str(text).split())
    pieces, start = [], 0
    for match in _MATH.finditer(text):
        try:
            mathml.inline(match.group(1))
        except mathml.MathMLError:
            continue
        if match.start() > start:
            pieces.append(("text", text[start:match.start()]))
        pieces.append(("math", match.group(1).strip()))
        start = match.end()
    if start < len(text):
        pieces.append(("text", text[start:]))
    return pieces


def to_latex(text, escape) -> str:
    """`text` as LaTeX: its text escaped with `escape`, its math as $...$."""
    def spaced(piece: str) -> str:       # escape() trims: keep the spaces around the math
        return (" " if piece[:1] == " " else "") + escape(piece) + \
            (" " if piece[-1:] == " " and piece.strip() else "")
    return "".join(spaced(piece) if kind == "text" else f"${piece}$"
                   for kind, piece in segments(text))


def to_html(text):
    """`text` as HTML (markupsafe.Markup): its text escaped, its math as inline MathML."""
    from markupsafe import Markup, escape
    return Markup("").join(escape(piece) if kind == "text"
                           else Markup(mathml.math(mathml.inline(piece)))
                           for kind, piece in segments(text))


def to_terminal(text) -> str:
    """`text` for a terminal: its math as Unicode (σ_w²/d), its text as it is."""
    from .latex import to_text
    return "".join(piece if kind == "text" else to_text(piece) for kind, piece in segments(text))
