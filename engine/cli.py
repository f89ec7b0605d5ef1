"""`python -m engine`: list, check and equal. Errors a user causes are one line, never a traceback."""
from __future__ import annotations

import argparse
import enum
import sys
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0                # every verdict is the expected one
    CHECK_FAILED = 1      # some verdict differs from what the derivation expects
    USAGE_ERROR = 2       # bad arguments, unknown target, broken derivation module


def program_name(argv0: str | None = None) -> str:
    """How the user ran the engine: `python -m engine` or the script's name
    (`derivation-engine`), for usage lines and reproduce commands."""
    name = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else "")).name
    return "python -m engine" if name in ("__main__.py", "", "-c") else name


def positive_int(text: str) -> int:
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    parser = argparse.ArgumentParser(
        prog=program_name(),
        description="Machine-check derivations: every step proved, verified or refuted.",
        epilog="Exit status: 0 every verdict as expected, 1 some verdict unexpected, "
               "2 usage or input error.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="list the derivations")
    _add_path(listing)

    check = commands.add_parser("check", help="check derivations: TARGET is an id "
                                "(technion-hw2/q1), a source (technion-hw2), a short name (q1) or all")
    check.add_argument("targets", nargs="+", metavar="TARGET")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--junit", type=Path, default=None, metavar="FILE",
                       help="also write JUnit XML (one test case per derivation) to FILE")
    check.add_argument("--quiet", "-q", action="store_true",
                       help="text: show only the derivations that are not OK, then the summary")
    check.add_argument("--wide", action="store_true",
                       help="text: never cut expressions to the terminal's width")
    _add_path(check)
    _add_checking(check)
    _add_running(check)

    coverage = commands.add_parser("coverage", help="every question of the source documents: "
                                   "encoded (with its derivations' status) or why not")
    coverage.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    coverage.add_argument("--no-status", action="store_true",
                          help="do not check the derivations to show their status")
    _add_path(coverage)
    _add_checking(coverage)
    _add_running(coverage)

    render = commands.add_parser("render", help="check TARGETs and write the solution writeups: "
                                 "one LaTeX report per source document and an index")
    render.add_argument("targets", nargs="+", metavar="TARGET")
    render.add_argument("--pdf", action="store_true",
                        help="also compile the reports to PDF (latexmk or pdflatex)")
    render.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="where the .tex and .pdf files go (default: ./reports)")
    render.add_argument("--templates", type=Path, default=None, metavar="DIR",
                        help="Jinja2 LaTeX templates to use (default: the ones shipped with the engine)")
    render.add_argument("--html", action="store_true",
                        help="write a static HTML site (index.html and a page per derivation, "
                             "math as MathML) instead of the LaTeX writeups; default --out "
                             "./reports/html")
    _add_path(render)
    _add_checking(render)
    _add_running(render)

    equal = commands.add_parser("equal", help="check one identity LHS = RHS typed here")
    equal.add_argument("lhs")
    equal.add_argument("rhs")
    equal.add_argument("--where", default="", metavar="DECLS",
                       help='declarations, e.g. "A: matrix(n, m); mu: positive"')
    equal.add_argument("--format", choices=("text", "json"), default="text")
    equal.add_argument("--relation", default="=", metavar="REL",
                       help="the relation LHS REL RHS: = <= < >= > => <=> (default =)")
    _add_checking(equal)
    equal.add_argument("--latex", action="store_true",
                       help="LHS and RHS are LaTeX (engine/latex_input.py lists what it reads)")
    equal.add_argument("--strict", action="store_true",
                       help="undeclared names are an error instead of real scalars")
    equal.add_argument("--decls", type=Path, default=None, metavar="FILE",
                       help="also read declarations from FILE (the syntax of --where)")

    grade = commands.add_parser("grade", help="check the display-math chains of .tex and .md "
                                "files step by step, with their line numbers")
    grade.add_argument("files", nargs="+", type=Path, metavar="FILE")
    grade.add_argument("--where", default="", metavar="DECLS",
                       help='declarations, e.g. "A: matrix(n, m); mu: positive"')
    grade.add_argument("--decls", type=Path, default=None, metavar="FILE",
                       help="declarations file (default: FILE.decls beside the document, else "
                            "derivations/latex_decls/<name>.decls)")
    grade.add_argument("--strict", action="store_true",
                       help="undeclared names are an error instead of real scalars")
    grade.add_argument("--display-only", action="store_true",
                       help="read display math only (skip inline $...$ and \\(...\\))")
    grade.add_argument("--allow-empty", action="store_true",
                       help="a document with no step, or none decided, still passes the gate")
    grade.add_argument("--format", choices=("text", "json"), default="text")
    grade.add_argument("--junit", type=Path, default=None, metavar="FILE",
                       help="also write JUnit XML (one test case per chain) to FILE")
    grade.add_argument("--jobs", "-j", type=positive_int, default=1, metavar="N",
                       help="worker processes (default 1); results do not depend on it")
    _add_checking(grade)
    return parser


def _add_path(parser) -> None:
    parser.add_argument("--path", type=Path, default=None, metavar="DIR",
                        help="folder of derivation modules (default: ./derivations)")


def _add_running(parser) -> None:
    parser.add_argument("--jobs", "-j", type=positive_int, default=1, metavar="N",
                        help="worker processes (default 1); results do not depend on it")
    parser.add_argument("--no-cache", action="store_true",
                        help="check every step again instead of re-using cached verdicts")
    parser.add_argument("--cache-dir", type=Path, default=Path(".engine_cache"), metavar="DIR",
                        help="where verdicts are cached (default %(default)s)")


def _run(args, chosen, load_errors, cache=None):
    """Check `chosen` with the options every checking command shares."""
    from .cache import ResultCache
    from .check import check_derivations
    cache = cache or ResultCache(None if args.no_cache else args.cache_dir)
    return check_derivations(chosen, _settings(args), load_errors, jobs=args.jobs, cache=cache)


def _add_checking(parser) -> None:
    from_check = "default %(default)s"
    parser.add_argument("--seed", type=int, default=20261125, help=f"random seed ({from_check})")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help=f"seconds per step before it is unknown ({from_check})")
    parser.add_argument("--trials", type=int, default=8,
                        help=f"random instances per numeric check ({from_check})")
    parser.add_argument("--prove", action="store_true",
                        help="also try SymPy's simplify on numerically verified steps (slower)")


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # argparse already printed its message
        return ExitCode.OK if exc.code == 0 else ExitCode.USAGE_ERROR
    from .errors import EngineError
    try:
        return {"list": _list, "check": _check, "equal": _equal, "grade": _grade,
                "coverage": _coverage, "render": _render}[args.command](args)
    except BrokenPipeError:            # `... | head` closed the pipe: stop quietly
        _silence_stdout()
        return ExitCode.OK
    except EngineError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.USAGE_ERROR


def emit(text: str) -> None:
    """Print `text`; a reader that stopped early (`| head`) is no error, and the exit status
    still says what the run found."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit raises no second
    BrokenPipeError (the recipe of the `signal` module's documentation)."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _settings(args):
    from .settings import CheckSettings, NumericSettings
    if args.trials < 1 or args.timeout <= 0:
        from .errors import EngineError
        raise EngineError("--trials must be at least 1 and --timeout positive")
    return CheckSettings(seed=args.seed, timeout=args.timeout, prove=args.prove,
                         numeric=NumericSettings(trials=args.trials))


def _derivations_folder(args) -> Path:
    """--path, else ./derivations of the current folder (in this repository: its corpus)."""
    from .registry import DEFAULT
    return args.path or DEFAULT


def _collect(args):
    from .registry import collect
    return collect(_derivations_folder(args))


def _list(args) -> int:
    from .check import plan
    from .registry import document_names
    collection = _collect(args)
    names = document_names(_derivations_folder(args))
    rows = []
    for d in collection.derivations:
        try:
            count = str(sum(1 for e in plan(d) if e.kind == "step"))
        except Exception:
            count = "?"
        document = (f"{names[d.source.document]} ({d.source.document})"
                    if d.source.document in names else d.source.document)
        rows.append((d.id, d.title, f"{document} {d.source.where}", count))
    width = max((len(r[0]) for r in rows), default=2)
    print(f"{'id':<{width}}  steps  title  [source]")
    for ident, title, source, count in rows:
        print(f"{ident:<{width}}  {count:>5}  {title}  [{source}]")
    for error in collection.errors:
        print(f"error: {error}", file=sys.stderr)
    return ExitCode.USAGE_ERROR if collection.errors else ExitCode.OK


def _check(args) -> int:
    run, notes = _checked_run(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    from .registry import document_names
    if args.format == "json":
        from .render import json_report
        emit(json_report.render(run))
    else:                  # the terminal's inline math reader imports SymPy: only when needed
        from .render import terminal
        emit(terminal.render(run, wide=args.wide, quiet=args.quiet,
                             document_names=document_names(_derivations_folder(args))))
    if args.junit:
        from .render import junit
        junit.write(run, args.junit)
    if run.load_errors:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK if run.ok else ExitCode.CHECK_FAILED


def _render(args) -> int:
    from .errors import EngineError
    from .registry import document_names, select
    from .render import latex_report, pdf
    from .render.terminal import summary_line
    if args.pdf and not args.html and pdf.compiler() is None:
        raise EngineError(f"--pdf needs LaTeX, and neither latexmk nor pdflatex is installed "
                          f"({pdf.INSTALL_HINT}); without --pdf only the .tex files are written")
    run, notes = _checked_run(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    collection = _collect(args)
    chosen, _ = select(collection.derivations, args.targets)
    names, rows = document_names(_derivations_folder(args)), None
    try:
        from . import coverage
        loaded = coverage.load(_derivations_folder(args))
        if loaded:
            names = {**names, **loaded.documents}
            rows = coverage.rows(loaded, {d.id: d.status for d in run.derivations})
    except EngineError:                # a broken coverage table: `coverage` reports it
        pass
    templates = args.templates or latex_report.TEMPLATES
    if not Path(templates).is_dir():
        raise EngineError(f"{templates}: no such folder of templates")
    if args.html:
        return _render_html(args, run, chosen, templates, names, rows)
    reports = latex_report.render(run, chosen, templates=templates, document_names=names,
                                  coverage=rows)
    out = args.out or Path("reports")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        path = out / f"{report.name}.tex"
        path.write_text(report.tex, encoding="utf-8")
        written.append(path)
        print(f"wrote {path}")
    if args.pdf:
        for path in written:
            try:
                print(f"wrote {pdf.compile_pdf(path, out)}")
            except pdf.CompilationError as exc:
                print(f"error: {exc.one_line()}\n{exc.excerpt}", file=sys.stderr)
                return ExitCode.USAGE_ERROR
    for error in run.load_errors:
        print(f"error: {error}", file=sys.stderr)
    print(summary_line(run))
    if run.load_errors:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK if run.ok else ExitCode.CHECK_FAILED


def _render_html(args, run, chosen, templates, names, rows) -> int:
    """The HTML site of `run` written into --out (default reports/html/)."""
    from .errors import EngineError
    from .render import html_report
    from .render.terminal import summary_line
    if args.pdf:
        raise EngineError("--pdf and --html are separate runs: the site has no PDFs")
    pages = html_report.render(run, chosen, templates=templates, document_names=names,
                               coverage=rows)
    out = args.out or Path("reports") / "html"
    written = html_report.write(pages, out)
    print(f"wrote {len(written)} pages to {out} (open {out / 'index.html'})")
    for error in run.load_errors:
        print(f"error: {error}", file=sys.stderr)
    print(summary_line(run))
    if run.load_errors:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK if run.ok else ExitCode.CHECK_FAILED


def _checked_run(args):
    """The run the targets ask for, replayed from the run cache when nothing changed (the
    derivations folder, the engine, the libraries, and every helper file the last run imported);
    else only the modules without a current record are imported and checked (`incremental`)."""
    from .cache import ResultCache, hash_files, helper_files, replay_is_current, run_key
    from .render.json_report import run_dict, run_from_dict
    cache = ResultCache(None if args.no_cache else args.cache_dir)
    key = run_key(_derivations_folder(args), _settings(args), args.targets) \
        if cache.enabled else None
    replay = cache.get(key) if key else None
    if replay is not None and replay_is_current(replay):      # SymPy is not even imported
        cache.close()
        return run_from_dict(replay["run"]), replay["notes"]
    import dataclasses

    from . import incremental
    from .registry import select
    from .render.json_report import derivation_from_dict
    loaded = incremental.collect_replaying(_derivations_folder(args), _settings(args), cache)
    chosen, notes = select(loaded.collection.derivations, args.targets)
    live = [d for d in chosen if not isinstance(d, incremental.Replayed)]
    run = _run(args, live, loaded.collection.errors, cache)
    replayed = {d.id: derivation_from_dict(d.result) for d in chosen
                if isinstance(d, incremental.Replayed)}
    if replayed:
        merged = sorted([*run.derivations, *replayed.values()], key=lambda d: d.id)
        run = dataclasses.replace(run, derivations=tuple(merged))
    if key:
        again = ResultCache(args.cache_dir)
        stored = run_dict(run)
        incremental.store(again, loaded, stored)
        again.put(key, {"run": stored, "notes": notes,
                        "files": {**loaded.files, **hash_files(helper_files())}})
        again.close()
    return run, notes


def _coverage(args) -> int:
    import json

    from . import coverage as table
    from .errors import EngineError
    from .registry import document_names
    collection = _collect(args)
    loaded = table.load(_derivations_folder(args))
    names = document_names(_derivations_folder(args))
    if loaded is None:
        raise EngineError("no coverage.toml in the derivations folder")
    statuses = None
    if not args.no_status:
        run = _run(args, list(collection.derivations), collection.errors)
        statuses = {d.id: d.status for d in run.derivations}
    rows = table.rows(loaded, statuses)
    issues = table.problems(loaded, [d.id for d in collection.derivations])
    if args.format == "json":
        print(json.dumps({"questions": rows, "problems": issues}, indent=2))
    elif args.format == "markdown":
        print("| source | question | title | state | derivations / reason |")
        print("|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['source']} | {r['question']} | {r['title']} | {r['state']} | {r['detail']} |")
    else:
        width = max((len(names.get(r["document"], r["document"][:3])) for r in rows), default=3)
        for r in rows:
            name = names.get(r["document"], r["document"][:3])
            print(f"{name:<{width}}  {r['question']:<22} {r['state']:<17} {r['title']}")
            print(f"{'':<{width}}  {'':<22} {'':<17} -> {r['detail']}")
    counts = {state: sum(1 for r in rows if r["state"] == state)
              for state in table.STATES if any(r["state"] == state for r in rows)}
    if args.format != "json":
        print(f"\n{len(rows)} questions: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for problem in issues:
        print(f"error: {problem}", file=sys.stderr)
    return ExitCode.USAGE_ERROR if issues or collection.errors else ExitCode.OK


def _equal(args) -> int:
    import json

    from .budget import Pool, TimedOut, WorkerCrashed, WorkFailed, register
    from .errors import EngineError
    from .model import Relation, Verdict
    from .render.terminal import counterexample_lines
    from .results import Outcome

    settings = _settings(args)
    try:
        relation = Relation.parse(args.relation)
    except ValueError as exc:
        raise EngineError(str(exc)) from None
    declarations = _declarations_file(args.decls) if args.decls is not None else None
    # reading builds numbers and matrices eagerly: it runs in the budgeted worker with the
    # check, so that no input costs more than the budget (or the main process's memory)
    handle = register(lambda: _read_and_check_equal(args, relation, declarations, settings))
    with Pool(settings.timeout) as pool:
        result, _ = pool.run([handle])[handle]
    if isinstance(result, TimedOut):          # reading or checking: either way undecided
        result = {"lhs": args.lhs, "rhs": args.rhs, "lhs_text": args.lhs, "rhs_text": args.rhs,
                  "assumed": [], "outcome": Outcome(Verdict.UNKNOWN, "timeout", str(result))}
    elif isinstance(result, (WorkerCrashed, WorkFailed)):
        result = {"lhs": args.lhs, "rhs": args.rhs, "lhs_text": args.lhs, "rhs_text": args.rhs,
                  "assumed": [], "outcome": Outcome(Verdict.ERROR, "none", str(result))}
    if "error" in result:
        print(f"error: {result['error']}", file=sys.stderr)
        return ExitCode.USAGE_ERROR
    lhs, rhs, assumed, outcome = result["lhs"], result["rhs"], result["assumed"], \
        result["outcome"]
    if args.format == "json":
        print(json.dumps({"lhs": lhs, "rhs": rhs, "seed": settings.seed,
                          "assumed_real": assumed,
                          "assumed_dims": result.get("assumed_dims", []), "verdict": outcome.verdict.value,
                          "method": outcome.method, "detail": outcome.detail,
                          "counterexample": outcome.counterexample}, indent=2))
    else:
        print(f"{result['lhs_text']}  {relation.value}  {result['rhs_text']}")
        if result.get("assumed_dims"):
            print(f"assumed dimensions: {', '.join(result['assumed_dims'])}")
        if assumed:
            print(f"assumed real scalars: {', '.join(assumed)}")
        print(f"{outcome.verdict.value}  ({outcome.method})" +
              (f": {outcome.detail}" if outcome.detail else ""))
        if outcome.counterexample:
            for line in counterexample_lines(outcome.counterexample):
                print("  " + line)
            print(f"  reproduce: python -m engine equal {'--latex ' if args.latex else ''}"
                  f"{_quote(args.lhs)} {_quote(args.rhs)}"
                  + (f" --decls {_quote(str(args.decls))}" if args.decls else "")
                  + (f" --where {_quote(args.where)}" if args.where else "")
                  + (f" --relation {_quote(relation.value)}" if relation != Relation.EQ else "")
                  + f" --seed {settings.seed}")
    if outcome.verdict == Verdict.ERROR:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK if outcome.verdict.holds else ExitCode.CHECK_FAILED


def _read_and_check_equal(args, relation, declarations, settings) -> dict:
    """In the worker: the declarations and both sides read, the relation checked, and the
    sides printed; {"error": one line} for input that cannot be read."""
    from .check import check_relation, step_rng
    from .errors import EngineError
    from .expressions import parse_declarations, parse_expression
    from .model import Relation, Verdict
    from .render.latex import to_latex, to_text
    from .results import Outcome
    from .scope import Scope
    try:
        scope = Scope()
        dims = []                             # declared as dimensions because a shape used them
        if declarations is not None:
            dims += parse_declarations(declarations, scope)
        dims += parse_declarations(args.where, scope)
        declared = set(scope.declarations)
        if args.latex and relation in (Relation.IMPLIES, Relation.IFF):
            from .latex_input import parse_statement      # statements: x \ge 0 => ...
            lhs = parse_statement(args.lhs, scope, strict=args.strict)
            rhs = parse_statement(args.rhs, scope, strict=args.strict)
        elif args.latex:
            from .latex_input import parse_latex
            lhs = parse_latex(args.lhs, scope, strict=args.strict)
            rhs = parse_latex(args.rhs, scope, strict=args.strict, like=lhs)
        else:
            lhs = parse_expression(args.lhs, scope, declare_unknown=not args.strict)
            rhs = parse_expression(args.rhs, scope, declare_unknown=not args.strict)
    except EngineError as exc:
        return {"error": exc.one_line()}
    except RecursionError:
        return {"error": "the expression nests too deeply"}
    assumed = [name for name in scope.declarations if name not in declared]
    try:
        outcome = check_relation(relation, lhs, rhs, scope, step_rng(settings.seed, "equal", 1),
                                 settings)
    except RecursionError:
        outcome = Outcome(Verdict.ERROR, "none", "the expression nests too deeply to check")
    try:
        lhs_latex, rhs_latex = to_latex(lhs), to_latex(rhs)
        lhs_text, rhs_text = to_text(lhs_latex), to_text(rhs_latex)
    except (RecursionError, ValueError):
        lhs_latex = lhs_text = args.lhs
        rhs_latex = rhs_text = args.rhs
    return {"lhs": lhs_latex, "rhs": rhs_latex, "lhs_text": lhs_text, "rhs_text": rhs_text,
            "assumed": assumed, "assumed_dims": dims, "outcome": outcome}


def _quote(text: str) -> str:
    import shlex
    return shlex.quote(text)


def _declarations_file(path: Path) -> str:
    from .errors import EngineError
    from .grade import read_declarations_file
    if not path.is_file():
        raise EngineError(f"{path}: no such declarations file")
    declarations, _ = read_declarations_file(path)
    return declarations


def _grade(args) -> int:
    import json

    from .grade import grade_files
    from .render.grade import render_text, report_dict
    if args.jobs < 1:
        from .errors import EngineError
        raise EngineError("--jobs must be at least 1")
    notes: list = []
    report = grade_files(args.files, _settings(args), where=args.where, decls=args.decls,
                         strict=args.strict, jobs=args.jobs, notes=notes,
                         inline=not args.display_only, allow_empty=args.allow_empty)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.format == "json":
        emit(json.dumps(report_dict(report), indent=2, ensure_ascii=False))
    else:
        emit(render_text(report))
    if args.junit:
        from .render import junit
        junit.write(report.run, args.junit)
    if report.run.load_errors:
        return ExitCode.USAGE_ERROR
    return ExitCode.OK if report.ok else ExitCode.CHECK_FAILED
