"""Solution writeups: the run rendered through Jinja2 LaTeX templates, one .tex per source
document plus an index.

A function of the results, and of the derivations only for what the results do not hold (the
declared symbols, the claim's relation, notes); nothing here checks. Every text value a template
prints is escaped for LaTeX (pylatexenc) unless it is `Latex` (math from SymPy's printer, markup
built here), so a title or justification cannot break or inject into the document.
"""
from __future__ import annotations

import re
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError
from ..model import Verdict
from ..results import DerivationResult, RunResult, StepResult



def _bundled_templates() -> Path:
    """The templates shipped in the package (engine/templates, read with importlib.resources),
    or templates/ of a source checkout, where pyproject.toml maps them from."""
    from importlib.resources import files
    packaged = Path(str(files("engine") / "templates"))
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = _bundled_templates()
REPORT_TEMPLATE = "report.tex.j2"
INDEX_TEMPLATE = "index.tex.j2"

# How much display math fits on one line, in the rough units of `math_width` (about one
# character of 11pt math; measured against the PDFs, 42 units break where 58 overflowed).
LINE_BUDGET = 42.0


class Latex(str):
    """Text that is already LaTeX: printed as it is, never escaped."""


@dataclass(frozen=True)
class Report:
    """One rendered document: `name` is the file stem (``technion-hw2`` -> technion-hw2.tex)."""

    name: str
    title: str
    tex: str


# -- escaping ---------------------------------------------------------------------------

_encoder = None


def escape(value) -> str:
    """`value` as LaTeX text that prints literally: every special character
    (\\ % & _ # { } ~ ^ $) and non-ASCII character encoded, runs of whitespace (including
    blank lines) made one space."""
    global _encoder
    if _encoder is None:
        from pylatexenc.latexencode import UnicodeToLatexEncoder
        _encoder = UnicodeToLatexEncoder(non_ascii_only=False, unknown_char_policy="unihex",
                                         replacement_latex_protection="braces-all")
    text = " ".join(str(value).split())
    # {} between -- and between quotes keeps TeX's ligatures (en dash, curly quotes) from
    # changing text that must read literally, such as `--seed`.
    return re.sub(r"(?<=[-`'])(?=[-`'])", "{}", _encoder.unicode_to_latex(text))


def _finalize(value):
    """Applied by Jinja2 to every \\VAR{...}: text is escaped (its $...$ math typeset, see
    engine.render.prose), `Latex` passes through."""
    if isinstance(value, Latex):
        return value
    if isinstance(value, str) and "$" in value:     # inline math in a text field
        from . import prose
        return prose.to_latex(value, escape)
    return escape(value)


def breakable(value) -> Latex:
    """`value` escaped, with a permitted line break after each / and - (long identifiers such as
    technion-hw2/q2-floor-T-corrected in a narrow table column)."""
    text = escape(value)
    return Latex(re.sub(r"([/-])(?!\{\})", r"\1\\allowbreak{}", text).replace("-{}", "-{}\\allowbreak{}"))


def environment(templates: Path | str = TEMPLATES):
    """The Jinja2 environment for LaTeX templates: \\VAR{..}, \\BLOCK{..}, \\#{..} comments,
    %% line statements, StrictUndefined, and escaping of every printed text value."""
    import jinja2
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        line_statement_prefix="%%", line_comment_prefix="%#",
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False, undefined=jinja2.StrictUndefined, finalize=_finalize)
    env.filters["breakable"] = breakable
    return env


# -- rendering --------------------------------------------------------------------------

def render(run: RunResult, derivations=(), *, templates: Path | str = TEMPLATES,
           document_names: dict | None = None, coverage: list | None = None) -> list[Report]:
    """One report per source document (derivations grouped by `document`), then the index.

    `derivations` (model objects, matched by id) supply the assumptions; without them a
    derivation is rendered from its results alone. `document_names` maps a document's file
    name to a readable name; `coverage` holds the rows of engine.coverage.rows (every question
    of every document, encoded or why not). Raises EngineError naming the template and line when a template
    is missing, malformed or refers to a field that does not exist."""
    by_id = {d.id: d for d in derivations}
    names = document_names or {}
    groups: dict[str, list[DerivationResult]] = {}
    for result in run.derivations:
        groups.setdefault(result.document, []).append(result)
    stems = _stems(groups)
    env = environment(templates)
    settings = {"engine_version": run.engine_version, "seed": run.seed}
    documents = []
    for document, results in groups.items():
        entries = [_derivation(r, by_id.get(r.id), run.seed) for r in results]
        documents.append({
            "file": document, "name": names.get(document, document), "report": stems[document],
            "derivations": entries, "summary": _summary(results),
            "coverage": [row for row in coverage or () if row["document"] == document] or None,
        })
    reports = []
    for document in documents:
        tex = _render_template(env, REPORT_TEMPLATE, document=document, run=settings,
                               plots=any(d["plots"] for d in document["derivations"]))
        reports.append(Report(document["report"], document["name"], tex))
    index = _render_template(env, INDEX_TEMPLATE, documents=documents, run=settings,
                             summary=_summary(run.derivations),
                             load_errors=list(run.load_errors), plots=False)
    reports.append(Report("index", "index", index))
    return reports


def _render_template(env, name: str, **context) -> str:
    import jinja2
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise EngineError(f"template {exc.name} not found in {_folder(env)}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise EngineError(f"template {exc.filename or exc.name}, line {exc.lineno}: "
                          f"{exc.message}") from None
    except jinja2.TemplateError as exc:
        raise EngineError(f"{_template_line(exc) or 'template ' + name}: {exc}") from None


def _folder(env) -> str:
    return ", ".join(getattr(env.loader, "searchpath", [])) or "the template folder"


def _template_line(exc: BaseException) -> str:
    """'template FILE, line N' of the innermost template frame of `exc`, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return f"template {frames[-1].filename}, line {frames[-1].lineno}" if frames else ""


def _stems(groups) -> dict[str, str]:
    """A file stem per document: its derivations' common id prefix (technion-hw2) when they
    share one, else the document's name; never 'index', never twice the same."""
    stems, used = {}, {"index"}
    for document, results in groups.items():
        prefixes = {r.id.split("/", 1)[0] for r in results if "/" in r.id}
        stem = prefixes.pop() if len(prefixes) == 1 else Path(document).stem
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "document"
        candidate, n = stem, 2
        while candidate in used:
            candidate, n = f"{stem}-{n}", n + 1
        used.add(candidate)
        stems[document] = candidate
    return stems


def refutation_kind(step: StepResult) -> str:
    """What a refuted step that the derivation expects to be refuted is: "source error" (the
    source's own mistake, boxed as such) or "illustration" (a counterexample the derivation
    builds on purpose, refuted as intended); "" for any other step."""
    if step.expected != Verdict.REFUTED or step.verdict != Verdict.REFUTED:
        return ""
    return "illustration" if step.refutation == "illustration" else "source error"


def _summary(results) -> dict:
    steps = [s for r in results for s in r.steps]
    counts = Counter(s.verdict.value for s in steps)
    kinds = Counter(refutation_kind(s) for s in steps)
    return {"derivations": len(results), "entries": len(steps),
            "counts": {v.value: counts.get(v.value, 0) for v in Verdict},
            "source_errors": kinds["source error"], "illustrations": kinds["illustration"],
            "unexpected": sum(1 for s in steps if not s.as_expected)}


# -- one derivation ---------------------------------------------------------------------

def _derivation(result: DerivationResult, derivation, seed: int) -> dict:
    chains: dict[str, list[StepResult]] = {}
    for step in result.steps:
        chains.setdefault(step.chain, []).append(step)
    relation = _claim_relation(derivation)
    corrected = {int(m.group(1)) for label in chains
                 if (m := re.fullmatch(r"correction of step (\d+)", label))}
    claims = [s for s in result.steps if s.kind == "claim"]
    statement = _statement(claims[0], relation) if claims else None
    counts = Counter(s.verdict.value for s in result.steps)
    broken = [s for s in result.steps if s.index == 0]
    return {
        "id": result.id, "anchor": "derivation:" + re.sub(r"[^A-Za-z0-9]+", "-", result.id),
        "title": result.title, "document": result.document,
        "where": result.where, "file": result.file, "status": result.status,
        "entries": len(result.steps), "counts": {v.value: counts.get(v.value, 0) for v in Verdict},
        "unexpected": sum(1 for s in result.steps if not s.as_expected),
        "statement": statement,
        "assumptions": _assumptions(derivation) if derivation is not None else None,
        "notes": getattr(derivation, "notes", "") or "",
        "broken": broken[0].detail if broken else "",
        "chains": [] if broken else [_chain(label, steps, result.id, seed, corrected)
                                     for label, steps in chains.items()],
        "plots": _plots(derivation),
    }


def _chain(label: str, steps: list[StepResult], ident: str, seed: int, corrected: set) -> dict:
    """One chain: its math rows (a row starts afresh where a step's left side is not the
    previous right side) and the claim check that closes it."""
    corrects = re.fullmatch(r"correction of step (\d+)", label)
    rows, previous = [], None
    for step in steps:
        if step.kind == "claim":
            continue
        rows.append(_row(step, fresh=step.lhs != previous, ident=ident, seed=seed,
                         corrected=step.index in corrected))
        previous = step.rhs
    claim = [_entry(s, ident, seed) for s in steps if s.kind == "claim"]
    return {"label": label, "corrects": int(corrects.group(1)) if corrects else None,
            "steps": rows, "claim_check": claim[0] if claim else None}


def _row(step: StepResult, *, fresh: bool, ident: str, seed: int, corrected: bool) -> dict:
    relation = Latex(_RELATIONS.get(step.relation, "="))
    lhs_lines = _lines(step.lhs) if fresh else []
    # "for all values in their domains:" takes about 16 characters of the first line
    rhs_lines = _lines(step.rhs, LINE_BUDGET - (16 if step.relation == "holds" else 0))
    inline = (fresh and len(lhs_lines) == 1 and len(rhs_lines) == 1
              and math_width(step.lhs) + math_width(step.rhs) + 2 <= LINE_BUDGET)
    return {**_entry(step, ident, seed), "fresh": fresh, "inline": inline, "corrected": corrected,
            "relation": relation, "lhs_lines": lhs_lines, "rhs_lines": rhs_lines}


def _entry(step: StepResult, ident: str, seed: int) -> dict:
    """What a template shows about one verdict: the mark, the evidence, the source error."""
    kind = refutation_kind(step)
    return {
        "index": step.index, "kind": step.kind, "justification": step.justification,
        "verdict": step.verdict.value, "method": step.method, "evidence": evidence(step),
        "expected": step.expected.value if step.expected else None,
        "as_expected": step.as_expected,
        "source_error": kind == "source error", "illustration": kind == "illustration",
        "corrected": False,
        "note": step.note, "detail": step.detail,
        "counterexample": _counterexample(step.counterexample),
        "reproduce": (f"python -m engine check {ident} --seed {seed}"
                      if step.verdict == Verdict.REFUTED else ""),
    }


_RELATIONS = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">", "≈": r"\approx",
              "=>": r"\Rightarrow", "<=>": r"\Leftrightarrow", "claim": "=",
              "holds": r"\text{for all values in their domains:}\;"}


def _claim_relation(derivation) -> str:
    """The claim's relation as LaTeX (results record claim entries as 'claim')."""
    claim = getattr(derivation, "claim", None)
    relation = getattr(claim, "relation", None)
    return _RELATIONS.get(getattr(relation, "value", "="), "=")


def _statement(claim: StepResult, relation: str) -> dict:
    lhs_lines, rhs_lines = _lines(claim.lhs), _lines(claim.rhs)
    fits = math_width(claim.lhs) + math_width(claim.rhs) + 2 <= LINE_BUDGET
    return {"lhs_lines": lhs_lines, "rhs_lines": rhs_lines, "relation": Latex(relation),
            "inline": fits and len(lhs_lines) == 1 and len(rhs_lines) == 1}


def evidence(step: StepResult) -> str:
    """How the verdict was reached: the method, which for evidence states the number of
    random trials and the tolerance ('numeric: 8 trials, rtol 1e-08'); 'by expand' for a
    proof."""
    if step.verdict == Verdict.PROVED:
        return f"by {step.method}"
    return step.method if step.method and step.method != "none" else ""


# -- counterexamples --------------------------------------------------------------------

def _counterexample(example: dict | None) -> dict | None:
    if not example:
        return None
    values = []
    for name, value in example.get("values", {}).items():
        defined = name.endswith(" (defined)")
        values.append({"name": _name(name.replace(" (defined)", "")), "defined": defined,
                       "value": _value(value)})
    return {"values": values, "lhs": _value(example.get("lhs"), digits=12),
            "rhs": _value(example.get("rhs"), digits=12), "exact": bool(example.get("exact"))}


def _name(name: str) -> Latex:
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        import sympy as sp
        return Latex(sp.latex(sp.Symbol(name)))
    return Latex(r"\text{%s}" % escape(name))


def _value(value, digits: int = 6) -> Latex:
    """A number, vector or matrix as inline math."""
    if isinstance(value, bool) or value is None:
        return Latex(r"\text{%s}" % escape(value))
    if isinstance(value, (int, float)):
        return Latex(_number(value, digits))
    if isinstance(value, (list, tuple)):
        rows = [row if isinstance(row, (list, tuple)) else [row] for row in value]
        if all(isinstance(x, (int, float)) and not isinstance(x, bool)
               for row in rows for x in row):
            if not any(isinstance(row, (list, tuple)) for row in value):   # a sequence
                return Latex(r"\left(%s\right)" % ", ".join(_number(x, digits) for x in value))
            body = r" \\ ".join(" & ".join(_number(x, digits) for x in row) for row in rows)
            return Latex(r"\left[\begin{smallmatrix}%s\end{smallmatrix}\right]" % body)
    return Latex(r"\text{%s}" % escape(value))


def _number(x, digits: int) -> str:
    if isinstance(x, int):
        return str(x)
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


# -- assumptions: the scope's declarations, readably ------------------------------------

_KINDS = {"real": r"\in \mathbb{R}", "positive": "> 0", "nonnegative": r"\ge 0",
          "integer": r"\in \mathbb{Z}", "positive_integer": r"\in \mathbb{Z}_{>0}"}


def _assumptions(derivation) -> list[dict]:
    """The declarations grouped by what they are: [{"heading", "declarations": [Latex]}]."""
    from .. import scope as s
    from .latex import to_latex
    notation = getattr(derivation, "notation", {}) or {}
    declarations = getattr(getattr(derivation, "scope", None), "declarations", {}) or {}

    def m(expr) -> str:
        return to_latex(expr, notation)

    groups: dict[str, list[str]] = {}
    dims: dict[tuple, list[str]] = {}
    scalars: dict[tuple, list[str]] = {}
    seen = set()
    for decl in declarations.values():
        if id(decl) in seen:
            continue
        seen.add(id(decl))
        if isinstance(decl, s.Dim):
            dims.setdefault((decl.low, decl.high), []).append(m(decl.symbol))
        elif isinstance(decl, s.Scalar):
            scalars.setdefault((decl.kind, decl.interval), []).append(m(decl.symbol))
        elif isinstance(decl, s.Matrix):
            rows, cols = decl.symbol.shape
            space = m(rows) if cols == 1 else f"{m(rows)} \\times {m(cols)}"
            groups.setdefault("Matrices and vectors", []).append(
                f"${m(decl.symbol)} \\in \\mathbb{{R}}^{{{space}}}$" + _structure(decl.structure))
        elif isinstance(decl, s.Random):
            groups.setdefault("Random variables (independent of each other)", []).append(
                _random(decl, m))
        elif isinstance(decl, s.Definition):
            groups.setdefault("Definitions", []).append(
                f"${m(decl.symbol)} \\coloneqq {m(decl.expr)}$" + _structure(decl.structure))
        elif isinstance(decl, s.Sequence):
            last = decl.length + decl.first - 1
            groups.setdefault("Sequences", []).append(
                f"${m(decl.base[decl.first])}, \\dots, {m(decl.base[last])} "
                f"{_KINDS.get(decl.kind, '')}$")
        elif isinstance(decl, s.Eigendecomposition):
            n = decl.matrix.shape[0]
            values = f"{m(decl.eigenvalues[decl.first])}, \\dots, " \
                     f"{m(decl.eigenvalues[n + decl.first - 1])}"
            groups.setdefault("Eigendecompositions", []).append(
                f"${m(decl.matrix)} = {m(decl.U)} {m(decl.Lambda)} {m(decl.U.T)}$ with "
                f"${m(decl.U)}$ orthogonal and "
                f"${m(decl.Lambda)} = \\operatorname{{diag}}({values})$")
        else:
            groups.setdefault("Other declarations", []).append(escape(decl))
    result = []
    if dims:
        result.append({"heading": "Dimensions", "declarations": [Latex(
            f"${', '.join(names)}$: positive integers (sizes sampled in ${low}, \\dots, {high}$)")
            for (low, high), names in dims.items()]})
    if scalars:
        result.append({"heading": "Scalars",
                       "declarations": [Latex(_scalars(names, kind, interval))
                                        for (kind, interval), names in scalars.items()]})
    result += [{"heading": heading, "declarations": [Latex(i) for i in items]}
               for heading, items in groups.items()]
    return result


def _scalars(names, kind, interval) -> str:
    text = f"${', '.join(names)} {_KINDS.get(kind, '')}$"
    if interval is not None:
        low, high = interval
        text = f"${', '.join(names)} \\in ({low}, {high})$"
        if kind != "real":
            text += f" ({escape(kind.replace('_', ' '))})"
    return text


def _structure(structure) -> str:
    if not structure:
        return ""
    return " (" + escape(", ".join(sorted(w.replace("_", " ") for w in structure))) + ")"


def _random(decl, m) -> str:
    from .. import distributions as dist
    law = decl.distribution
    symbol = decl.symbol
    if isinstance(law, dist.Normal):
        text = rf"\mathcal{{N}}\left({m(law.params[0])}, {m(law.params[1])}\right)"
        hint = "(mean, variance)"
    elif isinstance(law, dist.Uniform):
        text = rf"\mathcal{{U}}\left({m(law.params[0])}, {m(law.params[1])}\right)"
        hint = ""
    elif isinstance(law, dist.Bernoulli):
        text, hint = rf"\operatorname{{Bernoulli}}\left({m(law.params[0])}\right)", ""
    elif isinstance(law, dist.Laplace):
        text = rf"\operatorname{{Laplace}}\left({m(law.params[0])}, {m(law.params[1])}\right)"
        hint = "(mean, scale)"
    else:
        text, hint = None, ""
    if getattr(symbol, "is_Matrix", False):
        rows, cols = symbol.shape
        space = m(rows) if cols == 1 else f"{m(rows)} \\times {m(cols)}"
        head = f"${m(symbol)} \\in \\mathbb{{R}}^{{{space}}}$ with i.i.d. entries"
    else:
        head = f"${m(symbol)}$"
    if text is None:
        return f"{head}: {escape(law.describe())}"
    return f"{head} $\\sim {text}$" + (f" {escape(hint)}" if hint else "")


# -- math layout ------------------------------------------------------------------------

def _plots(derivation) -> list:
    """Data series a derivation provides for pgfplots: [{"title", "xlabel", "ylabel",
    "series": [{"label", "points": [(x, y), ...]}]}] (the derivation's `plots` field)."""
    return list(getattr(derivation, "plots", ()) or ())


def _lines(latex: str, budget: float = LINE_BUDGET) -> list[Latex]:
    """`latex` broken at top-level + and - into lines of about `budget` width; a line after
    the first starts with `{}+` so the operator keeps its binary spacing."""
    terms = [piece for term in split_terms(latex) for piece in _opened(term, budget)]
    lines, current, width = [], "", 0.0
    for term in terms:
        w = math_width(term)
        if current and width + w > budget:
            lines.append(current)
            current, width = "", 0.0
        current = current + term if current else ("{}" + term if lines else term)
        width += w
    if current or not lines:
        lines.append(current)
    return [Latex(line.strip()) for line in lines]


_DELIMITERS = {"(": ")", "[": "]", r"\{": r"\}", "|": "|", r"\|": r"\|"}


def _opened(term: str, budget: float) -> list[str]:
    r"""A term too wide for a line whose width sits inside one \left...\right pair
    (E[a + b + c], (a + b)^2): the pair becomes fixed-size \Bigg delimiters, which a line
    break may fall between, and the inside is cut at its own top level. Other terms whole."""
    if math_width(term) <= budget:
        return [term]
    start = term.find(r"\left")
    prefix = re.sub(r"\\[{}]", "", term[:max(start, 0)])
    if start < 0 or prefix.count("{") != prefix.count("}") or r"\begin" in prefix:
        return [term]           # the pair sits inside a brace group (\frac{...}): left whole
    opening = term[start + 5:]
    opener = next((d for d in sorted(_DELIMITERS, key=len, reverse=True)
                   if opening.startswith(d)), None)
    if opener is None:
        return [term]
    depth, i = 0, start
    while i < len(term):
        if term.startswith(r"\left", i):
            depth += 1
        elif term.startswith(r"\right", i):
            depth -= 1
            if depth == 0:
                break
        i += 1
    closer = _DELIMITERS[opener]
    if depth or not term.startswith(r"\right" + closer, i) or \
            math_width(term[i + 6 + len(closer):]) > budget / 4:
        return [term]
    inside = term[start + 5 + len(opener):i]
    pieces = split_terms(inside)
    if len(pieces) < 2 or any(r"\middle" in piece and _top_level_middle(piece)
                              for piece in pieces):     # \middle needs its \left...\right
        return [term]
        return [term]
    head = term[:start] + r"\Bigg" + opener + " "
    tail = r" \Bigg" + closer + term[i + 6 + len(closer):]
    pieces = [head + pieces[0]] + pieces[1:-1] + [pieces[-1] + tail]
    return [piece for part in pieces for piece in _opened(part, budget)]


def _top_level_middle(latex: str) -> bool:
    r"""Whether `latex` holds a \middle outside every \left...\right pair of its own."""
    depth = 0
    for match in re.finditer(r"\\(left|right|middle)(?![A-Za-z])", latex):
        word = match.group(1)
        if word == "middle" and depth == 0:
            return True
        depth += {"left": 1, "right": -1}.get(word, 0)
    return False


# Where a long display may break: before a sign, a connective or a relation at the top level,
# and between factors written side by side (\right) \left(), as a careful author would.
_BREAK_BEFORE = ("+", "-", r"\wedge", r"\vee", r"\Rightarrow", r"\Leftrightarrow", r"\leq",
                 r"\geq", r"\le", r"\ge", "=", "<", ">", r"\cdot", r"\left")


def _after_factor(before: str) -> bool:
    """Whether `before` ends with a closed factor (\\right), a brace group, a letter or a
    digit), so that a \\left opened next multiplies it: a place to break a product."""
    before = before.rstrip()
    return bool(re.search(r"(\\right\S*|[}A-Za-z0-9])$", before)) and \
        not re.search(r"\\(sum|prod|int|frac|sqrt|operatorname\{\w+\}|[A-Za-z]+_\{[^}]*\})$",
                      before) and not re.search(r"(\\sum|\\prod)_\{[^}]*\}(\^\{[^}]*\})?$", before)


def split_terms(latex: str) -> list[str]:
    """`latex` cut before each + or - (and each connective, relation, or factor opened by
    \\left written after a closed factor) that is outside every brace group, \\left...\\right pair
    and environment; the pieces concatenate back to `latex`."""
    cuts, depth, i = [], 0, 0
    while i < len(latex):
        c = latex[i]
        spaced = latex[i - 1:i] == " " and latex[:i].strip()
        if c == "\\":
            name = re.match(r"\\([A-Za-z]+|.)", latex[i:])
            word = name.group(1) if name else ""
            if depth == 0 and spaced and "\\" + word in _BREAK_BEFORE \
                    and (word != "left" or _after_factor(latex[:i])):
                cuts.append(i)
            if word in ("left", "begin"):
                depth += 1
            elif word in ("right", "end"):
                depth -= 1
            i += len(name.group(0)) if name else 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c in "+-=<>" and spaced and latex[i + 1:i + 2] == " ":
            cuts.append(i)
        i += 1
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(latex[start:cut])
        start = cut
    pieces.append(latex[start:])
    return [p for p in pieces if p]


_NO_WIDTH = {"left", "right", "mathbb", "mathrm", "mathcal", "mathbf", "operatorname", "text",
             "displaystyle", "limits", "boldsymbol", "mathit", "big", "Big", "bigg", "Bigg"}
_WIDE = {"sum": 1.8, "prod": 1.8, "int": 1.2, "quad": 2.0, "qquad": 4.0, ",": 0.3, ";": 0.4,
         " ": 0.4, "cdot": 1.2, "times": 1.6, "leq": 1.8, "geq": 1.8, "le": 1.8, "ge": 1.8,
         "approx": 1.8, "Rightarrow": 2.2, "Leftrightarrow": 2.6, "infty": 1.2, "|": 0.4}


def math_width(latex: str) -> float:
    """A rough width of display math in characters (fractions count their wider part,
    scripts count smaller, limits of sums sit under them)."""
    total, i, n = 0.0, 0, len(latex)
    after_operator = False
    while i < n:
        c = latex[i]
        if c == "\\":
            match = re.match(r"\\([A-Za-z]+|.)", latex[i:])
            word = match.group(1) if match else ""
            i += len(match.group(0)) if match else 1
            if word in ("frac", "dfrac", "tfrac"):
                top, i = _group(latex, i)
                bottom, i = _group(latex, i)
                total += max(math_width(top), math_width(bottom)) + 0.6
            elif word == "substack":
                body, i = _group(latex, i)
                total += 0.7 * max(math_width(part) for part in body.split(r"\\"))
            elif word in ("begin", "end"):
                _, i = _group(latex, i)
            elif word in _NO_WIDTH:
                pass
            else:
                total += _WIDE.get(word, 1.0)
            after_operator = word in ("sum", "prod", "int")
            continue
        if c in "^_":
            body, i = _group(latex, i + 1)
            width = 0.7 * math_width(body)
            total += max(0.0, width - 1.8) if after_operator else width
            continue
        after_operator = False
        if c == "{":
            body, i = _group(latex, i)
            total += math_width(body)
            continue
        if c in "+-=<>":
            total += 1.7
        elif c not in " }&":
            total += 1.0
        i += 1
    return total


def _group(latex: str, i: int) -> tuple[str, int]:
    """The brace group (or single token) at latex[i], skipping spaces, and the index after."""
    while i < len(latex) and latex[i] == " ":
        i += 1
    if i >= len(latex):
        return "", i
    if latex[i] == "\\":
        match = re.match(r"\\([A-Za-z]+|.)", latex[i:])
        return match.group(0), i + len(match.group(0))
    if latex[i] != "{":
        return latex[i], i + 1
    depth = 0
    for j in range(i, len(latex)):
        if latex[j] == "\\":
            continue
        if latex[j] == "{" and latex[j - 1:j] != "\\":
            depth += 1
        elif latex[j] == "}" and latex[j - 1:j] != "\\":
            depth -= 1
            if depth == 0:
                return latex[i + 1:j], j + 1
    return latex[i + 1:], len(latex)
