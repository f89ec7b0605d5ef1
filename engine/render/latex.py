"""LaTeX for expressions (SymPy's printer) and a readable Unicode form of it (pylatexenc)."""
from __future__ import annotations

import re


def to_latex(expr, notation: dict | None = None) -> str:
    """LaTeX of a SymPy expression or number; `str` for anything else. `notation` maps symbol
    names to the LaTeX the source uses for them ({"w_true": r"w_{\text{true}}"})."""
    import sympy as sp
    if expr is None:
        return ""
    try:
        names = {}
        if notation and isinstance(expr, sp.Basic):
            names = {atom: notation[atom.name] for atom in expr.atoms(sp.Symbol, sp.MatrixSymbol)
                     if atom.name in notation}
        return _printer(names).doprint(expr)
    except Exception:                 # a foreign object in a step: show it as text
        return str(expr)


def _printer(names: dict):
    """The project's LaTeX printer (engine.render.latex_printer), with `names` for symbols."""
    from .latex_printer import Printer
    return Printer({"symbol_names": names} if names else None)


_converter = None


def to_text(latex: str) -> str:
    """The LaTeX as Unicode text for a terminal (σ_w², ∑_i=1^d …)."""
    global _converter
    if _converter is None:
        from pylatexenc.latex2text import LatexNodes2Text
        _converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
    latex = latex.replace(r"\left\|", "‖").replace(r"\right\|", "‖")
    # a macro eats the space after it (a \wedge b would read a ∧b): keep one after an operator
    latex = _OPERATOR_MACRO.sub(lambda m: m.group(0).rstrip() + "{} ", latex)
    text = _converter.latex_to_text(_group(latex))
    return re.sub(r"\s+", " ", text).strip()


_OPERATOR_MACRO = re.compile(
    r"\\(?:wedge|vee|land|lor|Rightarrow|Leftarrow|Leftrightarrow|implies|iff|to|mapsto|"
    r"rightarrow|leftarrow|leq|le|geq|ge|neq|ne|approx|sim|in|notin|subset|subseteq|cdot|times|"
    r"circ|pm|mp|propto|equiv)(?![A-Za-z])\s+")


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the brace group opening at text[start], and the index after it."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i], i + 1
    return text[start + 1:], len(text)


def _simple(text: str) -> bool:
    return bool(re.fullmatch(r"\\?[A-Za-z]+|[A-Za-z0-9.]+|-?\d+", text.strip()))


def _group(latex: str) -> str:
    """Make the grouping that braces express visible before pylatexenc drops the braces:
    \\frac{a+b}{c} -> (a+b)/c and e^{-x+1} -> e^(-x+1)."""
    out, i = [], 0
    while i < len(latex):
        if latex.startswith(("\\frac{", "\\dfrac{", "\\tfrac{"), i):
            top, i = _braced(latex, latex.index("{", i))
            bottom, i = _braced(latex, i) if latex.startswith("{", i) else ("", i)
            top, bottom = _group(top), _group(bottom)
            out.append("{" + _wrap(top) + "/" + _wrap(bottom) + "}")
        elif latex[i] in "^_" and latex.startswith("{", i + 1):
            mark = latex[i]
            inner, i = _braced(latex, i + 1)
            out.append(mark + "{" + _wrap(_group(inner)) + "}")
        else:
            out.append(latex[i])
            i += 1
    return "".join(out)


def _wrap(text: str) -> str:
    return text if _simple(text) else "(" + text + ")"
