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
        return sp.latex(expr, symbol_names=names) if names else sp.latex(expr)
    except Exception:                 # a foreign object in a step: show it as text
        return str(expr)


_converter = None


def to_text(latex: str) -> str:
    """The LaTeX as Unicode text for a terminal (σ_w², ∑_i=1^d …)."""
    global _converter
    if _converter is None:
        from pylatexenc.latex2text import LatexNodes2Text
        _converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
    latex = latex.replace(r"\left\|", "‖").replace(r"\right\|", "‖")
    text = _converter.latex_to_text(latex)
    return re.sub(r"\s+", " ", text).strip()
