r"""What a document's formulas mean: each display's role (definition, assumption, step), the
scope that grows from top to bottom, and the unknown functions a step differentiates.

Roles. A `% engine: role ...` comment (Markdown `<!-- engine: role ... -->`) decides. Otherwise
prose just before a display that states a hypothesis ("suppose", "assume", "setting ... to
zero", "subject to", "s.t.", "the true model is", "first-order condition") makes its relations
assumptions; an eigen-equation `A u = \lambda u` is an assumption; `:=`, `\coloneqq`,
`\triangleq`, "let / define / denote / where" before it, or an equation whose left side is a
name the document has not used yet, is a definition, which later displays read through.
`\equiv` defines only a new name; between known names it is checked as `=`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

DEFINITION, ASSUMPTION, STEP = "definition", "assumption", "step"

_HYPOTHESIS = re.compile(
    r"\b(?:suppose|supposing|assume|assuming|assumption|hypothes[ie]s|"
    r"(?:set(?:ting)?|equat(?:e|es|ing))\b[^.:;]{0,80}?(?:\b(?:to|equal to|equals?)\s+|=\s*)"
    r"(?:zero|0)\b|"
    r"subject to|s\.\s?t\.|such that|the true model is|first[- ]order (?:optimality )?condition|"
    r"optimality condition|we require|is required|constraint|"
    r"for (?:all|every|each|any|some)\b|\b(?:for|if|when|whenever|with|given|unless)\s*$)", re.I)
_DEFINING = re.compile(r"\b(?:let|define|defining|denote|denoting|where|we write|call)\b", re.I)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


@dataclass(frozen=True)
class Role:
    """A display's role and why (`because` is shown beside the steps)."""
    kind: str
    because: str = ""


def display_role(prose: str, override: str) -> Role | None:
    """The role the prose before a display (or an override comment) gives all its relations;
    None when the relations decide (a new name on the left is a definition)."""
    if override == "skip":
        return Role("skip", "% engine: role skip")
    if override:
        return Role(override, f"% engine: role {override}")
    sentence = _last_sentence(prose)
    found = _HYPOTHESIS.search(sentence)
    if found:
        return Role(ASSUMPTION, f"a hypothesis: \"{found.group().strip()}\" before it")
    found = _DEFINING.search(sentence)
    if found and sentence.rstrip().endswith((":", ",", found.group())) or \
            found and len(sentence) - found.end() < 40:
        return Role(DEFINITION, f"a definition: \"{found.group()}\" before it")
    return None


_ABBREVIATION = re.compile(r"\b(?:i\.\s?e|e\.\s?g|cf|viz|resp|vs|eq|eqs)\.", re.I)


def _last_sentence(prose: str) -> str:
    """The last sentence of `prose`; "i.e.", "e.g.", "cf." ... end none ("if we assume ... i.e.
    $\\mu_2 = 0$ and $\\sigma_2 = 1$": both are the assumption)."""
    prose = _ABBREVIATION.sub(lambda m: m.group().replace(".", "\u2024"), prose)
    parts = [p for p in _SENTENCE_END.split(prose) if p.strip()]
    return parts[-1] if parts else ""


def defined_name(lhs) -> str | None:
    """The name a definition `NAME = ...` introduces, if its left side is a lone name."""
    if isinstance(lhs, (sp.Symbol, sp.MatrixSymbol)) and not isinstance(lhs, sp.Dummy):
        return lhs.name
    return None


def is_eigen_equation(lhs, rhs) -> bool:
    r"""`A u = \lambda u` (a product ending in u equal to a scalar name times u): a condition
    on u and lambda, never an identity."""
    left, right = _factors(lhs), _factors(rhs)
    if len(left) < 2 or len(right) != 2 or left[-1] != right[-1]:
        return False
    scalar = right[0]
    return isinstance(scalar, (sp.Symbol, sp.Indexed)) and \
        str(getattr(scalar, "base", scalar)).startswith(("lambda", "mu", "sigma"))


def _factors(expr) -> list:
    if isinstance(expr, (sp.Mul, sp.MatMul)):
        return [a for a in expr.args if not a.is_number]
    return [expr] if isinstance(expr, sp.Basic) else []


def add_definition(scope, name: str, expr, local) -> list[str]:
    """Define `name` as `expr` in the document's `scope` (replacing a guess that it was a real
    scalar); the names `expr` uses that only the display's `local` scope knew are carried over.
    Returns those carried names, or None (nothing defined) when the definition rests on a name
    that looks indexed by a free letter (w_j), which must not become one scalar for the file."""
    from ..scope import Definition
    from ..sampling import needed_declarations
    carried = []
    try:
        needed = needed_declarations(local, [expr])
    except Exception:                      # noqa: BLE001 - an unusual expression: keep it local
        return None
    if any(_INDEXED_NAME.search(n) for n, _ in needed if n not in scope.declarations):
        return None                        # w_j with a free j: not one scalar for the whole file
    for needed_name, declaration in needed:
        if needed_name not in scope.declarations and needed_name != name:
            scope.declarations[needed_name] = declaration
            carried.append(needed_name)
    if getattr(expr, "is_Matrix", False):
        symbol = sp.MatrixSymbol(name, *expr.shape)
    else:
        symbol = sp.Symbol(name, real=True)
    scope.declarations.pop(name, None)
    scope.declarations[name] = Definition(symbol, expr)
    return carried


def names_in_text(latex: str) -> set[str]:
    """The names a formula that could not be read seems to use (letters and Greek macros): a
    name first met there is not new later, and is not taken for declared."""
    from ..latex.vocabulary import _TEXT  # noqa: F401  (the reader's own vocabulary is loaded)
    names = set(re.findall(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])", latex))
    names |= {m for m in re.findall(r"\\([A-Za-z]+)", latex) if m in _GREEK}
    return names


_INDEXED_NAME = re.compile(r"_\{?[a-z]\}?$")

_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
          "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
          "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta",
          "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"}
