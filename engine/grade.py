r"""Grading documents: every relation in the math of a .tex or .md file, checked step by step.

Data flows one way: the file -> engine.document.reading (its math, prose, comments and side
files of declarations) -> engine.document.planning and .meaning (roles, the growing scope,
chains of planned steps; run in a worker under the time budget, so a formula that makes the
reader hang costs that line only) -> each step decided by engine.check.check_relation (or, for
a step about an unknown function, engine.document.generic) in a worker under the time budget
-> a GradeReport, which engine.render.grade shows.

Undeclared names. In a document a name nobody declared usually stands for something the prose
defines, not for any real number. It is read as a real scalar (and listed as inferred), but a
refutation that rests on one, or an E[.] / Var(.) verdict that treats one as a constant, is
reported `unknown` with the names to declare: never a false alarm from a guess. Exceptions,
because the document itself says what they are: a name the document defines, an unknown
function it differentiates, and the variables it is differentiated with respect to.

Declarations (engine.expressions.parse_declarations) come from, in order: a declarations file
(--decls FILE, else FILE.decls beside the document, else derivations/latex_decls/<name>.decls),
the document's own comment lines `% engine: DECLS` (or `<!-- engine: DECLS -->` in Markdown),
and --where. A declarations file may also hold `expect LINE refuted [note]` lines and
`lines A-B: DECLS` lines, declarations that hold only for the math on lines A to B.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .document.reading import (declaration_sections, declarations_for, engine_comments,
                               read_declarations_file)
from .errors import EngineError

__all__ = ["grade_files", "GradeReport", "DocumentStats", "read_declarations_file"]

MAX_DOCUMENT = 2_000_000            # characters of one document
MAX_READING_RETRIES = 20            # lines that may hang the reader before the file is given up


@dataclass(frozen=True)
class DocumentStats:
    """What grading found in one document (figures for the README)."""
    file: str
    declarations: str
    steps: int
    parsed: int
    decided: int
    refuted: int
    parse_seconds: float
    sides: int
    check_seconds: float
    assumed: tuple                   # "name: what was inferred"
    step_parse_ms: tuple = ()        # each step's share of its line's reading time
    defined: tuple = ()              # "name (line N)"
    empty: str = ""                  # why the document is not OK for the gate though no step failed

    @property
    def parse_ms_per_step(self) -> float:
        return 1000 * self.parse_seconds / self.steps if self.steps else 0.0

    @property
    def parse_ms_median(self) -> float:
        import statistics
        return statistics.median(self.step_parse_ms) if self.step_parse_ms else 0.0


@dataclass(frozen=True)
class GradeReport:
    run: object                  # engine.results.RunResult
    lines: dict                  # (chain id, step index) -> line of the file
    documents: tuple             # DocumentStats per document graded
    seconds: float
    roles: dict = None           # (chain id, step index) -> (role, why)

    @property
    def ok(self) -> bool:
        """The gate: every step as expected, and every document had a decided step."""
        return (not self.run.load_errors and not any(d.empty for d in self.documents)
                and all(d.status == "ok" for d in self.run.derivations))


# -- grading --------------------------------------------------------------------------------

def grade_files(paths, settings, *, where: str = "", decls: Path | None = None,
                strict: bool = False, jobs: int = 1, notes: list | None = None,
                inline: bool = True, allow_empty: bool = False) -> GradeReport:
    """Grade every file; a file that cannot be read or declared is a load error and the others
    are still graded. Unless `allow_empty`, a document with no step, or none decided, is marked
    `empty` (not OK for the gate)."""
    from . import __version__
    from .budget import Pool
    from .results import RunResult

    started = time.perf_counter()
    _warm_up()
    prepared, load_errors = [], []
    for path in paths:
        path = Path(path)
        try:
            prepared.append(_prepare(path, settings, where, decls, strict, notes, inline))
        except (EngineError, OSError, UnicodeDecodeError) as exc:
            message = exc.one_line() if isinstance(exc, EngineError) else str(exc)
            load_errors.append(f"{path}: {message}")
    handles = [step.work for document in prepared for chain in document["plan"].chains
               for step in chain.steps if step.work is not None]
    with Pool(settings.timeout, jobs) as pool:
        outcomes = pool.run(handles)
    derivations, lines, roles, documents = [], {}, {}, []
    for document in prepared:
        results, stats = _assemble(document, outcomes, lines, roles, allow_empty)
        derivations.extend(results)
        documents.append(stats)
    run = RunResult(__version__, settings.seed, tuple(derivations), tuple(load_errors))
    return GradeReport(run, lines, tuple(documents), time.perf_counter() - started, roles)


def _warm_up() -> None:
    """Load pylatexenc's tables and SymPy's printing and matrix modules once, so that a
    document's parse time measures parsing, not imports."""
    from .latex_input import parse_latex
    from .scope import Scope
    scope = Scope()
    scope.matrix("A", 2, 2)
    parse_latex(r"\frac{1}{2} \operatorname{tr}(A^\top A) + \sum_{i=1}^{2} x^{i}", scope)


def _prepare(path: Path, settings, where: str, decls: Path | None, strict: bool,
             notes: list | None, inline: bool) -> dict:
    from .model import Relation
    from .scope import Scope

    if not path.is_file():
        raise EngineError("no such file")
    text = path.read_text(encoding="utf-8")
    if len(text) > MAX_DOCUMENT:
        raise EngineError(f"the document is longer than {MAX_DOCUMENT} characters")
    scope = Scope()
    expects: dict = {}
    decl_file = declarations_for(path, decls)
    if decl_file is not None:
        if not decl_file.is_file():
            raise EngineError(f"{decl_file}: no such declarations file")
        declared, listed = read_declarations_file(decl_file)
        _declare(declared, scope, str(decl_file))
        for line, verdict, note in listed:
            expects.setdefault(line, []).append((verdict, note))
        if notes is not None and decls is None:
            notes.append(f"{path.name}: declarations from {decl_file}")
    in_document, listed = engine_comments(text)
    _declare(in_document, scope, f"{path} (% engine: comments)")
    for line, verdict, note in listed:
        expects.setdefault(line, []).append((verdict, note))
    _declare(where, scope, "--where")
    sections = []
    for first, last, declared in declaration_sections(decl_file) if decl_file else ():
        own = Scope(dict(scope.declarations))
        _declare(declared, own, f"{decl_file} (lines {first}-{last})")
        sections.append((first, last, own))
    # parse_seconds is the reader's own time, in the worker (not the fork or the transfer)
    plan, timings, parse_seconds, skipped = _plan_within_budget(
        text, scope, strict, expects, tuple(sections), inline, settings.timeout)
    if notes is not None and skipped:
        notes.append(f"{path.name}: {len(skipped)} line(s) could not be read within the "
                     f"{settings.timeout:g} s budget")
    for chain in plan.chains:
        for index, step in enumerate(chain.steps, 1):
            step.work = _register(path, index, step, settings, Relation)
    return {"path": path, "plan": plan, "parse_seconds": parse_seconds,
            "declarations": str(decl_file or ""), "step_parse_ms": tuple(timings)}


def _plan_within_budget(text, scope, strict, expects, sections, inline, seconds):
    """plan_document run in a forked worker: a line on which the reader makes no progress for
    `seconds` is skipped (an unparsed step) and the document read again without it. Returns
    the plan, the per-step reading times, the reader's seconds and the skipped lines."""
    import multiprocessing

    from .document.planning import plan_document

    def plan_here(progress=None, skip=frozenset()):
        timings: list = []
        started = time.perf_counter()
        plan = plan_document(text, scope, strict=strict, expects=expects, sections=sections,
                             timings=timings, inline=inline, progress=progress, skip=skip)
        return plan, [t for t in timings if not isinstance(t, tuple)], \
            time.perf_counter() - started

    if "fork" not in multiprocessing.get_all_start_methods():
        return (*plan_here(), frozenset())
    context = multiprocessing.get_context("fork")
    skip: frozenset = frozenset()
    for _ in range(MAX_READING_RETRIES + 1):
        progress = context.Value("l", -1, lock=False)
        receiver, sender = context.Pipe(duplex=False)

        def serve(progress=progress, skip=skip, sender=sender):
            try:
                result = ("ok", plan_here(progress, skip))
            except Exception as exc:    # noqa: BLE001 - reported to the parent as one line
                result = ("raised", f"{type(exc).__name__}: {exc}")
            progress.value = -2
            try:
                sender.send(result)
            except Exception as exc:    # noqa: BLE001 - e.g. an object that cannot be pickled
                sender.send(("raised", f"{type(exc).__name__}: {exc}"))

        worker = context.Process(target=serve, daemon=True)
        worker.start()
        sender.close()
        last, since, stuck = None, time.perf_counter(), None
        while True:
            if receiver.poll(0.05):
                try:
                    status, value = receiver.recv()
                except (EOFError, OSError):
                    status, value = "raised", "the reading process died"
                worker.join()
                receiver.close()
                if status == "ok":
                    return (*value, skip)
                raise EngineError(f"the document could not be read: {value}")
            now = time.perf_counter()
            if progress.value != last:
                last, since = progress.value, now
            budget = seconds if last != -2 else 10 * seconds
            if not worker.is_alive() and not receiver.poll(0):
                receiver.close()
                raise EngineError("the reading process died")
            if now - since > budget:
                stuck = last
                worker.kill()
                worker.join()
                receiver.close()
                break
        if stuck is None or stuck < 0:
            raise EngineError(f"reading the document took longer than {seconds:g} s")
        skip = skip | {stuck}
    raise EngineError(f"more than {MAX_READING_RETRIES} lines could not be read in time")


def _declare(text: str, scope, where: str) -> None:
    from .expressions import parse_declarations
    if not text.strip():
        return
    try:
        parse_declarations(text, scope)
    except EngineError as exc:
        raise EngineError(f"declarations in {where}: {exc.one_line()}") from None


def _register(path, index, step, settings, Relation):
    """Register the check of one step (None when it is decided without checking)."""
    from .budget import register
    from .check import check_relation, step_rng
    from .document import generic, meaning

    if step.problem or step.relation in ("def", "≠", "?") or step.role != meaning.STEP:
        return None
    if getattr(step.lhs, "expr", None) is None or getattr(step.rhs, "expr", None) is None:
        return None
    relation = Relation.parse(step.relation)
    rng_key = f"{path.name}:{step.line}"
    lhs, rhs = step.lhs.expr, step.rhs.expr
    functions = generic.unknown_functions(lhs, rhs, step.scope, set(step.undeclared),
                                          _declared_functions(step.scope))
    own = _scope_for(step.scope, lhs, rhs)
    if functions:
        exempt = {f.name for f in functions} | _differentiated_by(lhs, rhs, functions)
        step.undeclared = frozenset(step.undeclared - exempt)
        return register(lambda: generic.check_generic(
            relation, lhs, rhs, own, functions, step_rng(settings.seed, rng_key, index),
            settings))
    return register(lambda: check_relation(relation, lhs, rhs, own,
                                           step_rng(settings.seed, rng_key, index), settings))


def _declared_functions(scope) -> dict:
    from .scope import UnknownFunction
    return {name: d.arguments for name, d in scope.declarations.items()
            if isinstance(d, UnknownFunction)}


def _differentiated_by(lhs, rhs, functions) -> set:
    """The variables the unknown functions are differentiated with respect to."""
    import sympy as sp

    from .ops import Jacobian
    names = {f.name for f in functions}
    found = set()
    for side in (lhs, rhs):
        if isinstance(side, sp.Basic):
            for jacobian in side.atoms(Jacobian):
                if getattr(jacobian.expr, "name", None) in names:
                    found.add(getattr(jacobian.wrt, "name", str(jacobian.wrt)))
    return found


def _scope_for(scope, lhs, rhs):
    """The step's scope cut down to what the step uses: the probability checker evaluates
    every definition built on a random variable, so one the step never mentions (y = X w + e
    in another question) must not be there to fail."""
    from .errors import DeclarationError
    from .expressions import FunctionDeclaration
    from .sampling import needed_declarations
    from .scope import Scope, UnknownFunction
    try:
        needed = dict(needed_declarations(scope, [lhs, rhs]))
    except DeclarationError:
        return scope
    kept = {name: decl for name, decl in scope.declarations.items()
            if name in needed or isinstance(decl, (FunctionDeclaration, UnknownFunction))}
    return Scope(kept)


def _assemble(document: dict, outcomes: dict, lines: dict, roles: dict, allow_empty: bool):
    from .budget import TimedOut, WorkerCrashed, WorkFailed
    from .document import meaning
    from .model import Verdict
    from .results import DerivationResult, Outcome, StepResult

    path = document["path"]
    plan = document["plan"]
    results = []
    found = parsed = decided = refuted = sides = 0
    check_seconds = 0.0
    for chain in plan.chains:
        chain_id = f"{path.name}:{chain.line}"
        steps = []
        for index, step in enumerate(chain.steps, 1):
            seconds = 0.0
            expected = step.expected
            if step.work is not None:
                value, seconds = outcomes[step.work]
                check_seconds += seconds
                if isinstance(value, TimedOut):
                    outcome = Outcome(Verdict.UNKNOWN, "timeout", str(value))
                elif isinstance(value, (WorkerCrashed, WorkFailed)):
                    outcome = Outcome(Verdict.ERROR, "none", f"checking failed: {value}")
                else:
                    outcome = _unless_assumed(value, step)
            else:
                outcome = _unchecked(step)
                if step.role != meaning.STEP and not step.problem and expected is None:
                    expected = Verdict.UNKNOWN
            found += 1
            parsed += _readable(step)
            decided += outcome.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED)
            refuted += outcome.verdict == Verdict.REFUTED
            why = f"line {step.line}" + (f": {step.annotation}" if step.annotation else "")
            steps.append(StepResult(index, "step", "source", step.relation, _side_text(step.lhs),
                                    _side_text(step.rhs), why, outcome.verdict, outcome.method,
                                    expected, outcome.detail, outcome.counterexample,
                                    round(seconds, 4), step.note))
            lines[(chain_id, index)] = step.line
            roles[(chain_id, index)] = (step.role, step.because)
        for step in chain.steps:
            for side in (step.lhs, step.rhs):
                if hasattr(side, "seconds"):
                    sides += 1
        title = _side_text(chain.steps[0].lhs)
        results.append(DerivationResult(chain_id, title[:70] + ("…" if len(title) > 70 else ""),
                                        path.name, f"line {chain.line}", str(path),
                                        tuple(steps)))
    empty = ""
    if not allow_empty:
        if not found:
            empty = (f"{path}: no relation found in its math "
                     f"({plan.displays} formulas); nothing was checked (--allow-empty accepts it)")
        elif not decided:
            empty = (f"{path}: none of its {found} steps was decided (proved, verified or "
                     "refuted); nothing was checked (--allow-empty accepts it)")
    stats = DocumentStats(str(path), document["declarations"], found, parsed, decided, refuted,
                          document["parse_seconds"], sides, check_seconds,
                          tuple(f"{n}: {what}" for n, what in plan.inferred.items()),
                          document["step_parse_ms"],
                          tuple(f"{n} (line {line})" for n, line in plan.defined.items()), empty)
    return results, stats


def _unless_assumed(outcome, step):
    """A refutation that rests on names nobody declared is no refutation: in a document such a
    name usually stands for something defined in the prose, not for any real number."""
    from .model import Verdict
    from .results import Outcome
    undeclared = set(step.undeclared)
    if not undeclared:
        return outcome
    if outcome.verdict.holds and not outcome.method.startswith(("identical", "pointwise")):
        # E[x] of an undeclared x treats x as a constant: only the routes that hold for every
        # distribution (identical sides, identical integrands) say anything about the source
        inside = _through_definitions(_names_in_moments(step.lhs.expr)
                                      | _names_in_moments(step.rhs.expr), step.scope)
        constant = sorted(inside & undeclared)
        if constant:
            return Outcome(Verdict.UNKNOWN, outcome.method,
                           f"{outcome.verdict.value} only by treating the undeclared "
                           f"{', '.join(constant)} as constant{'s' if len(constant) > 1 else ''}"
                           " inside E[.] / Var(.); declare the random variables to decide")
        return outcome
    if outcome.verdict != Verdict.REFUTED:
        return outcome
    used = sorted(_through_definitions(_names(step.lhs.expr) | _names(step.rhs.expr),
                                       step.scope) & undeclared)
    if not used:
        return outcome
    return Outcome(Verdict.UNKNOWN, outcome.method,
                   f"refuted only if the undeclared {', '.join(used)} may be any real "
                   f"number{'s' if len(used) > 1 else ''}; declare "
                   f"{'them' if len(used) > 1 else 'it'} to decide ({outcome.detail})")


def _names(expr) -> set:
    import sympy as sp
    if not isinstance(expr, sp.Basic):
        return set()
    names = {str(getattr(atom, "name", atom)) for atom in expr.free_symbols
             if isinstance(atom, (sp.Symbol, sp.MatrixSymbol))}
    return names | {str(atom.base.label) for atom in expr.atoms(sp.Indexed)}


def _through_definitions(names: set, scope) -> set:
    """`names` and every name the definitions among them rest on, transitively."""
    from .scope import Definition
    if scope is None:
        return set(names)
    out, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        out.add(name)
        declaration = scope.declarations.get(name)
        if isinstance(declaration, Definition):
            todo.extend(_names(declaration.expr))
    return out


def _names_in_moments(expr) -> set:
    from .ops import Covariance, Expectation, Variance
    if not hasattr(expr, "atoms"):
        return set()
    found = set()
    for moment in expr.atoms(Expectation, Variance, Covariance):
        for argument in moment.args:
            found |= _names(argument)
    return found


def _readable(step) -> bool:
    if step.problem:
        return False
    if step.relation in ("=>", "<=>") and isinstance(step.lhs, str):
        return True
    return getattr(step.lhs, "expr", None) is not None and \
        getattr(step.rhs, "expr", None) is not None


def _side_text(side) -> str:
    return side if isinstance(side, str) else side.text


def _unchecked(step):
    from .document import meaning
    from .model import Verdict
    from .results import Outcome
    if step.problem:
        return Outcome(Verdict.ERROR, "unparsed", step.problem)
    if step.role == meaning.DEFINITION or step.relation == "def":
        return Outcome(Verdict.UNKNOWN, "definition", f"a definition ({step.because or ':='}): "
                                                      "not a claim, not checked")
    if step.role == meaning.ASSUMPTION:
        return Outcome(Verdict.UNKNOWN, "assumption", f"an assumption ({step.because}): not a "
                                                      "claim, not checked")
    if step.relation in ("=>", "<=>") and isinstance(step.lhs, str):
        return Outcome(Verdict.UNKNOWN, "none", f"no checker for the relation {step.relation} "
                                                "between statements yet; not checked")
    problems = []
    for name, side in (("left side", step.lhs), ("right side", step.rhs)):
        if getattr(side, "expr", None) is None:
            problems.append(f"{name} {side.text[:50]!r}: {side.error}" if side.text
                            else f"{name}: {side.error}")
    if problems:
        return Outcome(Verdict.ERROR, "unparsed", "; ".join(problems))
    return Outcome(Verdict.UNKNOWN, "none", f"no checker for the relation {step.relation} yet; "
                                            "not checked")
