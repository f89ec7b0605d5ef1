"""The command line: exit statuses, the JSON schema, bad targets and inputs, `equal`."""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args, cwd=ROOT, timeout=120):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def write_module(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(body))
    return path


GOOD = """
    import sympy as sp
    from engine import Derivation, Scope, Source, claim, eq, REFUTED
    S = Scope()
    n = S.dim("n")
    A = S.matrix("A", n, n)
    B = S.matrix("B", n, n)
    derivation = Derivation(
        id="demo/trace", title="cyclic trace", source=Source("demo.txt", "Q1"), scope=S,
        claim=claim(sp.Trace(A * B), "=", sp.Trace(B * A)),
        chain=[sp.Trace(A * B), eq(sp.Trace(B * A), "cyclic property")],
    )
    """

WRONG = """
    import sympy as sp
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    a, b = S.scalars("a b")
    derivation = Derivation(
        id="demo/square", title="a wrong square", source=Source("demo.txt", "Q2"), scope=S,
        chain=[(a + b)**2, eq(a**2 + b**2, "freshman's dream")],
    )
    """


@pytest.fixture
def course(tmp_path):
    write_module(tmp_path, "demo/trace.py", GOOD)
    return tmp_path


def test_help_exits_zero_without_importing_sympy():
    result = subprocess.run([sys.executable, "-c",
                             "import sys, runpy; sys.argv=['engine','--help'];\n"
                             "try: runpy.run_module('engine', run_name='__main__')\n"
                             "except SystemExit: pass\n"
                             "print('sympy' in sys.modules)"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


def test_check_passing_derivation_exits_zero(course):
    result = run("check", "all", "--path", str(course))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "demo/trace" in result.stdout and "OK:" in result.stdout


def test_unexpected_refutation_exits_one_and_shows_counterexample(course):
    write_module(course, "demo/square.py", WRONG)
    result = run("check", "demo/square", "--path", str(course))
    assert result.returncode == 1
    assert "refuted" in result.stdout and "counterexample: a = " in result.stdout
    assert "left side = " in result.stdout


def test_expected_refutation_that_holds_is_a_failure(course):
    write_module(course, "demo/strict.py", GOOD.replace(
        'eq(sp.Trace(B * A), "cyclic property")',
        'eq(sp.Trace(B * A), "cyclic property", expect=REFUTED, note="not really wrong")').replace(
        "demo/trace", "demo/strict"))
    result = run("check", "demo/strict", "--path", str(course))
    assert result.returncode == 1
    assert "verified (expected refuted)" in result.stdout


def test_unknown_target_is_a_usage_error_with_one_line(course):
    result = run("check", "demo/nope", "--path", str(course))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "unknown target" in result.stderr
    assert "Traceback" not in result.stderr


def test_short_name_and_source_prefix_select_derivations(course):
    write_module(course, "other/trace.py", GOOD.replace("demo/trace", "other/trace"))
    result = run("check", "trace", "--path", str(course))
    assert result.returncode == 0
    assert "demo/trace" in result.stdout and "other/trace" in result.stdout
    assert "matches 2 derivations" in result.stderr
    result = run("check", "other", "--path", str(course))
    assert "other/trace" in result.stdout and "demo/trace" not in result.stdout


def test_broken_module_is_one_line_and_others_still_checked(course):
    write_module(course, "demo/broken.py", "import sympy\nraise RuntimeError('oops')\n")
    result = run("check", "all", "--path", str(course))
    assert result.returncode == 2
    assert "-> OK" in result.stdout.split("demo/trace", 1)[1]
    assert "broken.py: cannot import: RuntimeError: oops (line 2)" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_json_has_the_fixed_schema(course):
    write_module(course, "demo/square.py", WRONG)
    result = run("check", "all", "--path", str(course), "--format", "json")
    data = json.loads(result.stdout)
    assert set(data) >= {"engine_version", "seed", "derivations", "summary"}
    assert set(data["summary"]) >= {"derivations", "steps", "proved", "verified", "refuted",
                                    "unknown", "error", "unexpected"}
    by_id = {d["id"]: d for d in data["derivations"]}
    assert by_id["demo/trace"]["status"] == "ok" and by_id["demo/square"]["status"] == "failed"
    for derivation in data["derivations"]:
        assert set(derivation) >= {"id", "title", "source", "status", "steps"}
        assert set(derivation["source"]) == {"document", "where"}
        for step in derivation["steps"]:
            assert set(step) >= {"index", "relation", "lhs", "rhs", "justification", "verdict",
                                 "method", "expected", "detail", "counterexample", "seconds"}
            assert step["verdict"] in ("proved", "verified", "refuted", "unknown", "error")
    claims = [s for s in by_id["demo/trace"]["steps"] if s["relation"] == "claim"]
    assert len(claims) == 1
    refuted = by_id["demo/square"]["steps"][0]
    assert refuted["verdict"] == "refuted" and refuted["counterexample"]["values"]
    assert data["summary"]["unexpected"] == 1


def test_list_shows_ids_titles_sources_and_step_counts(course):
    result = run("list", "--path", str(course))
    assert result.returncode == 0
    line = next(l for l in result.stdout.splitlines() if l.startswith("demo/trace"))
    assert "cyclic trace" in line and "demo.txt" in line and " 1 " in line


def test_equal_proves_verifies_and_refutes():
    proved = run("equal", "(a+b)^2", "a^2 + 2*a*b + b^2")
    assert proved.returncode == 0 and "proved" in proved.stdout
    verified = run("equal", "tr(A*B)", "tr(B*A)", "--where", "A: matrix(n, m); B: matrix(m, n)")
    assert verified.returncode == 0 and "verified" in verified.stdout
    refuted = run("equal", "inv(H)*A", "A*inv(H)",
                  "--where", "H: matrix(n, n, symmetric, positive_definite), A: matrix(n, n)")
    assert refuted.returncode == 1 and "refuted" in refuted.stdout
    assert "counterexample: n = 2" in refuted.stdout and "--seed" in refuted.stdout


@pytest.mark.parametrize("text", ["__import__('os').system('true')", "a.__class__", "lambda: 1",
                                  "[1, 2]", "'text'", "a if b else c", "open('x')"])
def test_equal_rejects_anything_but_arithmetic_without_evaluating_it(text):
    result = run("equal", text, "1")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1


def test_equal_reports_bad_declarations():
    result = run("equal", "A", "A", "--where", "A: matrix(n, n, squarish)")
    assert result.returncode == 2 and "unknown structure" in result.stderr


def test_seed_is_recorded_and_reproducible(course):
    write_module(course, "demo/square.py", WRONG)
    first = json.loads(run("check", "all", "--path", str(course), "--format", "json",
                           "--seed", "7", "--no-cache").stdout)
    second = json.loads(run("check", "all", "--path", str(course), "--format", "json",
                            "--seed", "7", "--no-cache").stdout)
    assert first["seed"] == 7
    strip = lambda data: [[{k: v for k, v in s.items() if k != "seconds"} for s in d["steps"]]
                          for d in data["derivations"]]
    assert strip(first) == strip(second)


def test_hanging_step_costs_its_budget_only(course):
    write_module(course, "demo/hang.py", """
        import sympy as sp
        from engine import Derivation, Scope, Source, eq, UNKNOWN
        S = Scope()
        a = S.scalar("a")
        k = sp.Symbol("k", integer=True)
        derivation = Derivation(
            id="demo/hang", title="a sum too long to evaluate", source=Source("demo.txt", "Q3"),
            scope=S,
            chain=[sp.Sum(sp.sin(a * k) ** 2, (k, 1, 10**12)),
                   eq(sp.Sum(sp.sin(a * k) ** 2, (k, 1, 10**12)) + 0 * a + sp.Sum(0 * k, (k, 1, 2)),
                      "a step that takes forever")],
        )
        """)
    result = run("check", "all", "--path", str(course), "--timeout", "2", "--format", "json",
                 timeout=60)
    data = json.loads(result.stdout)
    by_id = {d["id"]: d for d in data["derivations"]}
    hang = by_id["demo/hang"]["steps"][0]
    assert hang["verdict"] == "unknown" and hang["method"] == "timeout"
    assert 1.5 < hang["seconds"] < 10
    assert by_id["demo/trace"]["status"] == "ok"


# -- papercuts (issue 20) -------------------------------------------------------------------

LONG = """
    import sympy as sp
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    x = S.scalar("x")
    long = sum(x**k / sp.factorial(k) for k in range(12))
    derivation = Derivation(
        id="demo/long", title="a long polynomial", source=Source("demo.txt", "Q5"), scope=S,
        chain=[long, eq(sp.expand(long), "expand")],
    )
    """


def many_steps(count: int) -> str:
    """A derivation whose JSON report is far larger than a pipe's buffer."""
    steps = ", ".join(f'eq(x + {k} - {k}, "step {k}")' for k in range(count))
    return f"""
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    x = S.scalar("x")
    derivation = Derivation(id="demo/many", title="many steps", source=Source("demo.txt", "Q6"),
                            scope=S, chain=[x, {steps}])
    """


def test_usage_names_the_program_the_user_ran():
    from engine.cli import program_name
    assert program_name("/venv/bin/derivation-engine") == "derivation-engine"
    assert program_name("/src/engine/__main__.py") == "python -m engine"
    script = ("import sys; sys.argv = ['/venv/bin/derivation-engine', 'check']\n"
              "from engine.cli import main; sys.exit(main())")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and result.stderr.startswith("usage: derivation-engine check")


def test_version_prints_the_engine_version():
    import engine
    result = run("--version")
    assert result.returncode == 0 and result.stdout.strip().endswith(engine.__version__)


@pytest.mark.parametrize("command", [["check", "all"], ["coverage"], ["render", "all"],
                                     ["grade", "missing.tex"]])
@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_below_one_is_a_usage_error(command, jobs):
    result = run(*command, "--jobs", jobs, "--no-cache")
    assert result.returncode == 2 and "--jobs" in result.stderr
    assert "Traceback" not in result.stderr


def test_render_pdf_without_tex_fails_with_one_line(course, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": str(tmp_path / "no-tex-here")}
    result = subprocess.run([sys.executable, "-m", "engine", "render", "all", "--pdf", "--path",
                             str(course), "--out", str(out), "--no-cache"], capture_output=True,
                            text=True, cwd=course, env=env, timeout=120)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--pdf needs LaTeX" in result.stderr


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_check_piped_into_head_ends_without_a_traceback(course, fmt):
    write_module(course, "demo/many.py", many_steps(400))
    command = (f"{sys.executable} -m engine check all --path {course} --no-cache --format {fmt}"
               " | head -n 1; exit ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.returncode == 0            # every verdict as expected, though unread


def test_grade_piped_into_head_ends_without_a_traceback(tmp_path):
    document = tmp_path / "long.md"
    document.write_text("\n\n".join(f"$$\n(a+b)^2 = a^2 + 2ab + b^2 + {k} - {k}\n$$"
                                    for k in range(150)) + "\n")
    command = (f"{sys.executable} -m engine grade {document} --format json"
               " | head -n 1; exit ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert len(result.stdout.splitlines()) == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_text_cuts_long_expressions_unless_wide(course):
    write_module(course, "demo/long.py", LONG)
    env_columns = {"COLUMNS": "80"}
    cut = run_env(env_columns, "check", "demo/long", "--path", str(course), "--no-cache")
    wide = run_env(env_columns, "check", "demo/long", "--path", str(course), "--no-cache",
                   "--wide")
    assert cut.returncode == wide.returncode == 0
    assert "…" in cut.stdout and "…" not in wide.stdout
    assert "x^11" in wide.stdout.replace("x^{11}", "x^11") or "x**11" in wide.stdout


def run_env(extra: dict, *args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_quiet_shows_only_derivations_that_are_not_ok(course):
    write_module(course, "demo/square.py", WRONG)
    result = run("check", "all", "--path", str(course), "--quiet", "--no-cache")
    assert result.returncode == 1
    assert "demo/square" in result.stdout and "demo/trace" not in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("FAILED: 2 derivations")


def test_one_derivation_is_singular(course):
    result = run("check", "all", "--path", str(course), "--no-cache")
    assert "OK: 1 derivation, " in result.stdout
    assert "derivations" not in result.stdout.splitlines()[-1]


def test_documents_get_readable_names_and_keep_their_file_names(course):
    (course / "documents.toml").write_text('"demo.txt" = "Demo Homework 1"\n')
    checked = run("check", "all", "--path", str(course), "--no-cache")
    assert "[Demo Homework 1, Q1]" in checked.stdout
    listed = run("list", "--path", str(course))
    assert "Demo Homework 1 (demo.txt) Q1" in listed.stdout
    data = json.loads(run("check", "all", "--path", str(course), "--no-cache",
                          "--format", "json").stdout)
    assert data["derivations"][0]["source"]["document"] == "demo.txt"


def test_unreadable_document_names_are_one_line(course):
    (course / "documents.toml").write_text('"demo.txt" = 3\n')
    result = run("check", "all", "--path", str(course), "--no-cache")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "documents.toml" in result.stderr and "not a string" in result.stderr


def test_the_bundled_documents_have_names():
    from engine import coverage
    from engine.registry import BUNDLED, document_names
    assert set(document_names(BUNDLED)) == set(coverage.load(BUNDLED).documents)
    assert document_names(BUNDLED)["000_c66762b86c6c83bf.txt"] == "Technion HW2"


def test_commands_default_to_the_derivations_and_reports_of_the_current_folder(tmp_path):
    write_module(tmp_path, "derivations/demo/trace.py", GOOD)
    checked = run("check", "all", "--no-cache", cwd=tmp_path)
    assert checked.returncode == 0 and "demo/trace" in checked.stdout
    rendered = run("render", "all", "--html", "--no-cache", cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr
    assert (tmp_path / "reports" / "html" / "index.html").is_file()
    rendered = run("render", "all", "--no-cache", cwd=tmp_path)
    assert rendered.returncode == 0 and list((tmp_path / "reports").glob("*.tex"))
