"""The HTML report: the run as a static site (an index and one page per derivation) rendered
through Jinja2 HTML templates, with the math as presentation MathML.

A function of the results, and of the derivations for what the results do not hold: the
SymPy expressions (re-planned with engine.check.plan, matched to the results by index), the
declared symbols, the claim's relation, the notation. Nothing here checks. Templates autoescape
every value; only `Markup` built here (MathML, which escapes its own text) passes through. The
pages load nothing: no script, no style sheet or font from elsewhere, links only between pages
of the same folder, so the site works opened from disk.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError
from ..model import Verdict
from ..results import DerivationResult, RunResult, StepResult
from . import latex_report, mathml, prose

TEMPLATES = latex_report.TEMPLATES          # the HTML templates are in its html/ folder
HTML_FOLDER = "html"
INDEX_TEMPLATE = "index.html.j2"
DERIVATION_TEMPLATE = "derivation.html.j2"

# How much math fits on one line of a page, in the units of latex_report.math_width (about
# one character); longer sides are broken before a top-level + or -, the rest scrolls.
LINE_BUDGET = 84.0


@dataclass(frozen=True)
class Page:
    """One page of the site: `name` is its file name in the site's folder."""

    name: str
    title: str
    html: str


def environment(templates: Path | str = TEMPLATES):
    """The Jinja2 environment for the HTML templates in `templates`/html/: autoescaping on,
    StrictUndefined so a missing field fails loudly."""
    import jinja2
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(templates) / HTML_FOLDER)),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(run: RunResult, derivations=(), *, templates: Path | str = TEMPLATES,
           document_names: dict | None = None, coverage: list | None = None) -> list[Page]:
    """The index page, then one page per derivation result.

    `derivations` (model objects, matched by id) supply the expressions for MathML, the
    assumptions and the notation; a derivation without one is shown with its LaTeX source.
    `document_names` maps a document's file name to a readable name; `coverage` holds the
    rows of engine.coverage.rows (every question of every document). Raises EngineError
    naming the template and line when a template is missing, malformed or refers to a field
    that does not exist."""
    by_id = {d.id: d for d in derivations}
    names = document_names or {}
    groups: dict[str, list[DerivationResult]] = {}
    for result in run.derivations:
        groups.setdefault(result.document, []).append(result)
    stems = latex_report._stems(groups)
    pages = _page_names(run.derivations)
    env = environment(templates)
    settings = {"engine_version": run.engine_version, "seed": run.seed}
    documents = []
    for document, results in groups.items():
        documents.append({
            "file": document, "name": names.get(document, document),
            "anchor": "document-" + stems[document],
            "derivations": [_derivation(r, by_id.get(r.id), run.seed, pages[r.id])
                            for r in results],
            "summary": _summary(results),
            "coverage": _coverage(coverage, document, pages),
        })
    shown = set(groups)
    for document in dict.fromkeys(row["document"] for row in coverage or ()):
        if document not in shown:        # a source with no derivation in this run
            documents.append({
                "file": document, "name": names.get(document, document),
                "anchor": "document-" + _slug(Path(document).stem), "derivations": [],
                "summary": _summary([]),
                "coverage": _coverage(coverage, document, pages)})
    result = [Page("index.html", "Machine-checked derivations", _render_template(
        env, INDEX_TEMPLATE, documents=documents, run=settings,
        summary=_summary(run.derivations), load_errors=list(run.load_errors)))]
    for document in documents:
        for derivation in document["derivations"]:
            html = _render_template(env, DERIVATION_TEMPLATE, derivation=derivation,
                                    document=document, run=settings)
            result.append(Page(derivation["page"], derivation["title"], html))
    return result


def write(pages: list[Page], out: Path) -> list[Path]:
    """Write `pages` into the folder `out` (created if needed); the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        path = out / page.name
        path.write_text(page.html, encoding="utf-8")
        written.append(path)
    return written


def _render_template(env, name: str, **context) -> str:
    import jinja2
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise EngineError(f"template {exc.name} not found in "
                          f"{latex_report._folder(env)}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise EngineError(f"template {exc.filename or exc.name}, line {exc.lineno}: "
                          f"{exc.message}") from None
    except jinja2.TemplateError as exc:
        raise EngineError(f"{latex_report._template_line(exc) or 'template ' + name}: "
                          f"{exc}") from None


def _summary(results) -> dict:
    """The verdict counts of `results` (as the writeups count them) and how many of the
    entries are approximations (≈), which are counted apart from equalities everywhere."""
    return {**latex_report._summary(results),
            "approximations": sum(1 for r in results for s in r.steps if s.relation == "≈")}


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "page"


def _page_names(results) -> dict[str, str]:
    """A file name per derivation id (technion-hw2/q1 -> technion-hw2.q1.html), never
    index.html, never twice the same."""
    names, used = {}, {"index.html"}
    for result in results:
        stem = _slug(result.id.replace("/", "."))
        candidate, n = f"{stem}.html", 2
        while candidate.lower() in used:
            candidate, n = f"{stem}-{n}.html", n + 1
        used.add(candidate.lower())
        names[result.id] = candidate
    return names


def _coverage(rows, document: str, pages: dict) -> list[dict] | None:
    """The coverage rows of `document`, each encoded row's derivations as links where the
    run has a page for them."""
    mine = [row for row in rows or () if row["document"] == document]
    if not mine:
        return None
    shown = []
    for row in mine:
        links = []
        if row["state"] == "encoded":
            for part in row["detail"].split(", "):
                match = re.fullmatch(r"(\S+?)(?: \((\w+)\))?", part)
                if not match:
                    links = []
                    break
                links.append({"id": match.group(1), "status": match.group(2),
                              "page": pages.get(match.group(1))})
        shown.append({**row, "links": links})
    return shown


# -- one derivation ---------------------------------------------------------------------

def _derivation(result: DerivationResult, derivation, seed: int, page: str) -> dict:
    notation = dict(getattr(derivation, "notation", None) or {})
    planned = _planned(derivation, result)
    chains: dict[str, list[StepResult]] = {}
    for step in result.steps:
        chains.setdefault(step.chain, []).append(step)
    corrected = {int(m.group(1)) for label in chains
                 if (m := re.fullmatch(r"correction of step (\d+)", label))}
    counts = Counter(s.verdict.value for s in result.steps)
    broken = [s for s in result.steps if s.index == 0]
    entries = {"id": result.id, "page": page, "title": result.title,
               "where": result.where, "file": result.file, "status": result.status,
               "entries": len(result.steps),
               "counts": {v.value: counts.get(v.value, 0) for v in Verdict},
               "unexpected": sum(1 for s in result.steps if not s.as_expected),
               "statement": _statement(derivation, result, notation),
               "assumptions": _assumptions(derivation, notation)
               if derivation is not None else None,
               "notes": prose.to_html(getattr(derivation, "notes", "") or ""),
               "broken": broken[0].detail if broken else "",
               "expressions": bool(planned),
               "chains": [] if broken else [
                   _chain(label, steps, result.id, seed, corrected, planned, notation)
                   for label, steps in chains.items()],
               "plots": [_plot(p, n) for n, p in enumerate(latex_report._plots(derivation), 1)]}
    entries["attention"] = [{"index": s.index, "verdict": s.verdict.value,
                             "as_expected": s.as_expected, "kind": s.kind,
                             "source_error": latex_report.refutation_kind(s) == "source error",
                             "illustration": latex_report.refutation_kind(s) == "illustration"}
                            for s in result.steps if s.index and (
                                not s.as_expected or not s.verdict.holds)]
    return entries


def _planned(derivation, result: DerivationResult) -> dict:
    """The planned entries of `derivation` by index, when they line up with the results
    (same number, kinds and chains); {} otherwise (then the LaTeX of the results is shown)."""
    if derivation is None or any(s.index == 0 for s in result.steps):
        return {}
    from ..check import plan
    try:
        entries = {e.index: e for e in plan(derivation)}
    except Exception:                 # a derivation that cannot be planned is shown as LaTeX
        return {}
    lined_up = len(entries) == len(result.steps) and all(
        s.index in entries and entries[s.index].kind == s.kind
        and entries[s.index].chain == s.chain for s in result.steps)
    return entries if lined_up else {}


def _chain(label, steps, ident, seed, corrected, planned, notation) -> dict:
    """One chain: a row per step (with its math and verdict) and the claim check closing it."""
    corrects = re.fullmatch(r"correction of step (\d+)", label)
    rows, previous = [], None
    for step in steps:
        if step.kind == "claim":
            continue
        entry = planned.get(step.index)
        fresh = step.lhs != previous
        rows.append({**_entry(step, ident, seed, notation), "fresh": fresh,
                     "corrected": step.index in corrected,
                     "approximation": step.relation == "≈",
                     "limit": _limit(entry, notation),
                     "math": _step_math(step, entry, notation, fresh)})
        previous = step.rhs
    claim = [_entry(s, ident, seed, notation) for s in steps if s.kind == "claim"]
    return {"label": label, "corrects": int(corrects.group(1)) if corrects else None,
            "anchor": "correction-of-step-" + corrects.group(1) if corrects else "solution",
            "steps": rows, "claim_check": claim[0] if claim else None}


def _entry(step: StepResult, ident: str, seed: int, notation: dict) -> dict:
    """What a template shows about one verdict: the badge, the evidence, the source error."""
    return {
        "index": step.index, "kind": step.kind, "anchor": f"step-{step.index}",
        "justification": prose.to_html(step.justification), "verdict": step.verdict.value,
        "method": step.method, "evidence": latex_report.evidence(step),
        "expected": step.expected.value if step.expected else None,
        "as_expected": step.as_expected,
        "expected_refutation": step.expected == Verdict.REFUTED,
        "source_error": latex_report.refutation_kind(step) == "source error",
        "illustration": latex_report.refutation_kind(step) == "illustration",
        "corrected": False, "approximation": False, "limit": None,
        "note": prose.to_html(step.note), "detail": step.detail,
        "counterexample": _counterexample(step.counterexample, notation),
        "reproduce": (f"python -m engine check {ident} --seed {seed}"
                      if step.verdict == Verdict.REFUTED else ""),
    }


def _limit(entry, notation) -> "Markup | None":
    """'x → 0' for an approximation that holds in a limit."""
    limit = getattr(entry, "limit", None)
    if not limit or getattr(entry, "kind", "") != "step":
        return None
    try:
        symbol, point = limit
        return _markup(mathml.math(mathml.expression(symbol, notation), "<mo>→</mo>",
                                   mathml.expression(point, notation)))
    except (mathml.MathMLError, TypeError, ValueError):
        return _code(str(limit))


# -- math: MathML from the expressions, the LaTeX source where that fails ---------------

def _markup(text: str):
    from markupsafe import Markup
    return Markup(text)


def _code(latex: str):
    """The fallback for math that cannot be shown as MathML: its LaTeX source."""
    from markupsafe import Markup
    return Markup('<code class="latex" title="LaTeX source">{}</code>').format(latex)


def _width(expr, notation) -> float:
    from .latex import to_latex
    return latex_report.math_width(to_latex(expr, notation))


def _lines(expr, notation, first: float = 0.0) -> list[str]:
    """The MathML of `expr` as one or more lines of about LINE_BUDGET width, broken before
    top-level terms of a sum (or statements of a conjunction or disjunction); later lines
    start with their sign (or ∧, ∨). `first` is the width already taken on the first line."""
    import sympy as sp
    if first + _width(expr, notation) <= LINE_BUDGET:
        return [mathml.expression(expr, notation)]
    if isinstance(expr, (sp.Implies, sp.Equivalent)) and len(expr.args) == 2:
        return _implication_lines(expr, notation, first)
    if not isinstance(expr, (sp.Add, sp.And, sp.Or)):
        return [mathml.expression(expr, notation)]
    if isinstance(expr, sp.Add):
        terms = mathml.Printer(notation)._as_ordered_terms(expr)
    else:                     # a conjunction or disjunction, in the order SymPy prints it
        from sympy.core.sorting import default_sort_key
        terms = sorted(expr.args, key=default_sort_key)
    lines, current, width = [], [], first
    for i, term in enumerate(terms):
        negative = isinstance(expr, sp.Add) and term.could_extract_minus_sign()
        shown = -term if negative and i else term
        if isinstance(expr, sp.Add):
            sign = (f"<mo>{mathml.MINUS}</mo>" if negative else "<mo>+</mo>") if i else ""
        else:
            sign = ("<mo>∧</mo>" if isinstance(expr, sp.And) else "<mo>∨</mo>") if i else ""
        w = _width(shown, notation) + 1.7
        if current and width + w > LINE_BUDGET:
            lines.append("".join(current))
            current, width = [], 0.0
        shown = mathml.expression(shown, notation)
        if isinstance(term, (sp.And, sp.Or)):
            shown = mathml.fenced(shown)
        current.append(sign + shown)
        width += w
    lines.append("".join(current))
    return ["<mrow>" + line + "</mrow>" for line in lines]


def _implication_lines(expr, notation, first: float) -> list[str]:
    """A ⇒ B (or A ⇔ B) too wide for a line: A's lines (in parentheses when A is a
    conjunction or disjunction, as the printer writes it), then ⇒ B's lines."""
    import sympy as sp
    premise, conclusion = expr.args
    arrow = "<mo>⇒</mo>" if isinstance(expr, sp.Implies) else "<mo>⇔</mo>"
    left = _lines(premise, notation, first + 1)
    if isinstance(premise, (sp.And, sp.Or)):
        left[0], left[-1] = "<mo>(</mo>" + left[0], left[-1] + "<mo>)</mo>"
        left = [line if line.startswith("<mrow>") else "<mrow>" + line + "</mrow>"
                for line in left]
    right = _lines(conclusion, notation, 2)
    if isinstance(conclusion, (sp.Implies, sp.Equivalent)) and len(right) == 1:
        right = [mathml.fenced(right[0])]
    return left + ["<mrow>" + arrow + right[0] + "</mrow>"] + right[1:]


def _step_math(step: StepResult, entry, notation: dict, fresh: bool) -> list:
    """The step as display-math lines: 'lhs relation rhs' (the left side only where the
    chain starts afresh), long sides broken into lines; LaTeX where MathML fails."""
    relation = mathml.relation(step.relation)
    fresh = fresh and step.relation != "holds"         # holds P has no left side to show
    if entry is not None:
        try:
            return _sides(entry.lhs if fresh else None, relation, entry.rhs, notation)
        except mathml.MathMLError:
            pass
    latex_relation = latex_report._RELATIONS.get(step.relation, "=")
    return [{"math": _code(f"{step.lhs} {latex_relation} {step.rhs}" if fresh
                           else f"{latex_relation} {step.rhs}"), "continued": False}]


def _sides(lhs, relation: str, rhs, notation) -> list[dict]:
    """Display-math lines for '[lhs] relation rhs'; raises MathMLError."""
    lines = []
    used = 0.0
    if lhs is not None:
        left = _lines(lhs, notation)
        used = _width(lhs, notation) + 2
        if len(left) > 1 or used + _width(rhs, notation) > LINE_BUDGET:
            lines += [{"math": _markup(mathml.math(line, display=True)), "continued": i > 0}
                      for i, line in enumerate(left)]
            lhs, used = None, 0.0
        else:
            relation = left[0] + relation
    if "<mtext>" in relation:        # "for all values in their domains:" before the statement
        used += 16
    right = _lines(rhs, notation, used)
    lines.append({"math": _markup(mathml.math(relation + right[0], display=True)),
                  "continued": bool(lines)})
    lines += [{"math": _markup(mathml.math(line, display=True)), "continued": True}
              for line in right[1:]]
    return lines


def _statement(derivation, result: DerivationResult, notation: dict) -> list | None:
    """The claim as display math; None when the derivation states no claim."""
    claim = getattr(derivation, "claim", None)
    relation = getattr(getattr(claim, "relation", None), "value", "=")
    if claim is not None:
        try:
            return _sides(claim.lhs, mathml.relation(relation), claim.rhs, notation)
        except mathml.MathMLError:
            pass
    entries = [s for s in result.steps if s.kind == "claim"]
    if not entries:
        return None
    latex_relation = latex_report._RELATIONS.get(relation, "=")
    return [{"math": _code(f"{entries[0].lhs} {latex_relation} {entries[0].rhs}"),
             "continued": False}]


# -- counterexamples --------------------------------------------------------------------

def _counterexample(example: dict | None, notation: dict) -> dict | None:
    if not example:
        return None
    values = []
    for name, value in example.get("values", {}).items():
        defined = name.endswith(" (defined)")
        values.append({"name": _math_or_text(lambda: mathml.name(
                           name.replace(" (defined)", ""), notation), name),
                       "defined": defined, "value": _value(value)})
    return {"values": values, "lhs": _value(example.get("lhs"), digits=12),
            "rhs": _value(example.get("rhs"), digits=12), "exact": bool(example.get("exact"))}


def _value(value, digits: int = 6):
    return _math_or_text(lambda: mathml.value(value, digits), value)


def _math_or_text(build, fallback):
    try:
        return _markup(mathml.math(build()))
    except mathml.MathMLError:
        return _code(str(fallback))


# -- assumptions: the scope's declarations, readably ------------------------------------

_KINDS = {"real": "<mo>∈</mo><mi>ℝ</mi>", "positive": "<mo>&gt;</mo><mn>0</mn>",
          "nonnegative": "<mo>≥</mo><mn>0</mn>", "integer": "<mo>∈</mo><mi>ℤ</mi>",
          "positive_integer": "<mo>∈</mo><msub><mi>ℤ</mi><mrow><mo>&gt;</mo><mn>0</mn>"
                              "</mrow></msub>"}


def _assumptions(derivation, notation: dict) -> list[dict]:
    """The declarations grouped by what they are: [{"heading", "declarations": [Markup]}];
    a declaration whose math cannot be shown as MathML is shown as its Python form."""
    from markupsafe import Markup, escape

    from .. import scope as s
    declarations = getattr(getattr(derivation, "scope", None), "declarations", {}) or {}

    def m(expr) -> str:
        return mathml.expression(expr, notation)

    def names(symbols) -> str:
        return "<mo>,</mo>".join(m(x) for x in symbols)

    def structure(words) -> Markup:
        return escape(" (" + ", ".join(sorted(w.replace("_", " ") for w in words)) + ")"
                      if words else "")

    groups: dict[str, list] = {}
    dims: dict[tuple, list] = {}
    scalars: dict[tuple, list] = {}
    seen = set()
    for decl in declarations.values():
        if id(decl) in seen:
            continue
        seen.add(id(decl))
        try:
            if isinstance(decl, s.Dim):
                dims.setdefault((decl.low, decl.high), []).append(decl.symbol)
                continue
            if isinstance(decl, s.Scalar):
                scalars.setdefault((decl.kind, decl.interval), []).append(decl.symbol)
                continue
            if isinstance(decl, s.Matrix):
                heading = "Matrices and vectors"
                item = Markup(mathml.math(m(decl.symbol), "<mo>∈</mo>", _space(decl.symbol, m))
                              ) + structure(decl.structure)
            elif isinstance(decl, s.Random):
                heading = "Random variables (independent of each other)"
                item = _random(decl, m)
            elif isinstance(decl, s.Definition):
                heading = "Definitions"
                item = Markup(mathml.math(m(decl.symbol), "<mo>≔</mo>", m(decl.expr))
                              ) + structure(decl.structure)
            elif isinstance(decl, s.Sequence):
                heading = "Sequences"
                last = decl.length + decl.first - 1
                item = Markup(mathml.math(m(decl.base[decl.first]), "<mo>,</mo><mo>…</mo>"
                                          "<mo>,</mo>", m(decl.base[last]),
                                          _KINDS.get(decl.kind, "")))
            elif isinstance(decl, s.Eigendecomposition):
                heading = "Eigendecompositions"
                n = decl.matrix.shape[0]
                item = Markup(
                    mathml.math(m(decl.matrix), "<mo>=</mo>", m(decl.U), m(decl.Lambda),
                                m(decl.U.T))
                    + " with " + mathml.math(m(decl.U)) + " orthogonal and "
                    + mathml.math(m(decl.Lambda), "<mo>=</mo><mi>diag</mi><mo>⁡</mo>",
                                  mathml.fenced(m(decl.eigenvalues[decl.first]),
                                                "<mo>,</mo><mo>…</mo><mo>,</mo>",
                                                m(decl.eigenvalues[n + decl.first - 1]))))
            else:
                heading, item = "Other declarations", escape(str(decl))
        except mathml.MathMLError:
            heading, item = "Other declarations", Markup("<code>{}</code>").format(repr(decl))
        groups.setdefault(heading, []).append(item)
    result = []
    if dims:
        result.append({"heading": "Dimensions", "declarations": [
            _fallback(lambda: Markup(mathml.math(names(symbols))) + escape(
                f": positive integers (sizes sampled in {low}, …, {high})"), symbols)
            for (low, high), symbols in dims.items()]})
    if scalars:
        result.append({"heading": "Scalars", "declarations": [
            _fallback(lambda: _scalars(names(symbols), kind, interval), symbols)
            for (kind, interval), symbols in scalars.items()]})
    return result + [{"heading": heading, "declarations": items}
                     for heading, items in groups.items()]


def _fallback(build, symbols):
    from markupsafe import Markup
    try:
        return build()
    except mathml.MathMLError:
        return Markup("<code>{}</code>").format(", ".join(str(x) for x in symbols))


def _scalars(names: str, kind: str, interval):
    from markupsafe import Markup, escape
    if interval is None:
        return Markup(mathml.math(names, _KINDS.get(kind, "")))
    low, high = (mathml.expression(x) for x in interval)
    text = Markup(mathml.math(names, "<mo>∈</mo>", mathml.fenced(low, "<mo>,</mo>", high)))
    return text + (escape(f" ({kind.replace('_', ' ')})") if kind != "real" else "")


def _space(symbol, m) -> str:
    """ℝ^n or ℝ^{rows × cols} for a matrix symbol."""
    rows, cols = symbol.shape
    size = m(rows) if cols == 1 else f"<mrow>{m(rows)}<mo>×</mo>{m(cols)}</mrow>"
    return f"<msup><mi>ℝ</mi>{size}</msup>"


def _random(decl, m):
    from markupsafe import Markup, escape

    from .. import distributions as dist
    law, symbol = decl.distribution, decl.symbol
    laws = {dist.Normal: ("<mi>𝒩</mi>", "(mean, variance)"), dist.Uniform: ("<mi>𝒰</mi>", ""),
            dist.Bernoulli: ("<mi>Bernoulli</mi>", ""),
            dist.Laplace: ("<mi>Laplace</mi>", "(mean, scale)")}
    if getattr(symbol, "is_Matrix", False):
        head = Markup(mathml.math(m(symbol), "<mo>∈</mo>", _space(symbol, m))) + \
            " with i.i.d. entries"
    else:
        head = Markup(mathml.math(m(symbol)))
    shown = laws.get(type(law))
    if shown is None:
        return head + escape(": " + law.describe())
    name, hint = shown
    params = "<mo>,</mo>".join(m(p) for p in law.params)
    text = head + " " + Markup(mathml.math("<mo>∼</mo>", name, "<mo>⁡</mo>",
                                           mathml.fenced(params)))
    return text + (escape(" " + hint) if hint else "")


# -- plots: a data series a derivation provides, as an inline SVG ----------------------

PLOT_WIDTH, PLOT_HEIGHT = 640, 360
_MARGIN = {"left": 64, "right": 16, "top": 16, "bottom": 48}
# Series differ by dash pattern and marker as well as colour, so they read in grey too.
_STYLES = [("#2166AC", "", "circle"), ("#B2182B", "6 3", "square"),
           ("#1B7837", "2 3", "triangle"), ("#762A83", "8 3 2 3", "diamond")]


def _plot(plot: dict, number: int) -> dict:
    """The data of a plot ({"title", "xlabel", "ylabel", "series": [{"label", "points"}]})
    placed on an SVG canvas: axes with ticks, a polyline and markers per series. Points that
    are not finite numbers are left out of the drawing and listed in the data table."""
    series = [s for s in plot.get("series", ()) if s.get("points")]
    runs = [_finite_runs(s["points"]) for s in series]
    finite = [[point for run in series_runs for point in run] for series_runs in runs]
    xs = [x for points in finite for x, _ in points] or [0.0, 1.0]
    ys = [y for points in finite for _, y in points] or [0.0, 1.0]
    x_ticks, y_ticks = _ticks(min(xs), max(xs)), _ticks(min(ys), max(ys))
    x0, x1, y0, y1 = x_ticks[0], x_ticks[-1], y_ticks[0], y_ticks[-1]
    left, top = _MARGIN["left"], _MARGIN["top"]
    width = PLOT_WIDTH - left - _MARGIN["right"]
    height = PLOT_HEIGHT - top - _MARGIN["bottom"]

    def sx(x):
        return round(left + (x - x0) / (x1 - x0) * width, 2)

    def sy(y):
        return round(top + height - (y - y0) / (y1 - y0) * height, 2)

    shown = []
    for i, (s, points, series_runs) in enumerate(zip(series, finite, runs)):
        colour, dash, marker = _STYLES[i % len(_STYLES)]
        placed = [(sx(x), sy(y)) for x, y in points]
        shown.append({"label": str(s.get("label", f"series {i + 1}")), "colour": colour,
                      "dash": dash, "marker": marker, "points": placed,
                      "polylines": [" ".join(f"{sx(x)},{sy(y)}" for x, y in run)
                                    for run in series_runs if len(run) > 1],
                      "data": [(_tick_label(x), _tick_label(y)) for x, y in s["points"]],
                      "left_out": len(s["points"]) - len(points)})
    legend_width = 40 + 7 * max((len(s["label"]) for s in shown), default=0)
    return {"id": f"plot-{number}", "title": str(plot.get("title", "")),
            "xlabel": str(plot.get("xlabel", "")), "ylabel": str(plot.get("ylabel", "")),
            "width": PLOT_WIDTH, "height": PLOT_HEIGHT, "left": left, "top": top,
            "right": left + width, "bottom": top + height,
            "legend_x": max(left + 8, left + width - legend_width), "legend_width": legend_width,
            "x_ticks": [{"at": sx(t), "label": _tick_label(t)} for t in x_ticks],
            "y_ticks": [{"at": sy(t), "label": _tick_label(t)} for t in y_ticks],
            "series": shown}


def _finite_runs(points) -> list[list[tuple[float, float]]]:
    """The points as runs of finite (x, y) pairs: a line is drawn along each run, never
    across a point that is left out."""
    runs = [[]]
    for x, y in points:
        if _finite(x) and _finite(y):
            runs[-1].append((float(x), float(y)))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def _finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (at least two distinct)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(f for f in (1, 2, 2.5, 5, 10) if f * step >= raw)
    first = math.floor(low / step) * step
    ticks = [first]
    while ticks[-1] < high - 1e-12 * step:
        ticks.append(ticks[-1] + step)
    return [round(t, 12) for t in ticks]


def _tick_label(value) -> str:
    """A number with at most 6 significant digits; anything else as its text."""
    try:
        return f"{float(value):.6g}"
    except (TypeError, ValueError):
        return str(value)
