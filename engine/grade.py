r"""Grading documents: every display-math chain of a .tex or .md file, checked step by step.

Data flows one way: the document's text -> its own macros expanded -> display math ($$..$$,
\[..\], equation, align, gather, multline, with aligned/split inside) -> lines (split at \\,
with the file's line numbers) -> statements (engine.latex_input) -> chains -> steps, each
decided by engine.check.check_relation in a worker under the time budget -> a RunResult with
one DerivationResult per chain, which the usual renderers (JSON, JUnit) and `render_text` show.

Chains. A line `a = b = c` is a chain of two steps. A line that starts with a relation
(`&= ...` in align, or a `$$= ...$$` block right after another display with only blank lines
between) continues the chain above it. A line that starts with + or - continues the expression
of the line above. Statements joined by \Rightarrow / \iff are chains of their own and the
connective is a step decided by the logic checker: its sides are the statements (a < b < c
read as a < b and b < c), never checked as claims themselves. Definitions (:=, \triangleq, \leftarrow) are
listed, expected unknown, not checked. A side that cannot be read makes its steps `error`
(method `unparsed`, the reason in the detail); the rest of the document is still graded.

Undeclared names. In a document a name nobody declared usually stands for something the prose
defines (R, w_new, a random x_j), not for any real number. It is read as a real scalar (and
listed), but a refutation that rests on one, or an E[.] / Var(.) verdict that treats one as a
constant (other than identical sides or identical integrands, which hold for any distribution),
is reported `unknown` with the names to declare: never a false alarm from a guess.

Declarations (engine.expressions.parse_declarations) come from, in order: a declarations file
(--decls FILE, else FILE.decls beside the document, else derivations/latex_decls/<name>.decls),
the document's own comment lines `% engine: DECLS` (or `<!-- engine: DECLS -->` in Markdown),
and --where. A declarations file may also hold `expect LINE refuted [note]` lines (as may a
`% engine: expect refuted [note]` comment on the line itself): the steps on that line are then
expected to be refuted, like a derivation's `expect=REFUTED`; and `lines A-B: DECLS` lines,
declarations that hold only for the display math on lines A to B (a document that reuses a
name per question: y_hat is a softmax output in one, a sigmoid in the next).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import EngineError, ExpressionError

BUNDLED_DECLARATIONS = Path(__file__).resolve().parent.parent / "derivations" / "latex_decls"
MAX_DOCUMENT = 2_000_000            # characters of one document

_DISPLAY = re.compile(
    r"\$\$(?P<dollars>.*?)\$\$"
    r"|\\\[(?P<brackets>.*?)\\\]"
    r"|\\begin\{(?P<env>equation|align|gather|multline|flalign|eqnarray|displaymath|alignat|"
    r"math)(?P<star>\*?)\}(?P<body>.*?)\\end\{(?P=env)(?P=star)\}", re.S)
_WRAPPERS = re.compile(r"\\(?:begin|end)\{(?:aligned|alignedat|split|gathered|multlined)\}"
                       r"(?:\{\d+\})?")
_ENGINE_COMMENT = re.compile(r"(?<!\\)%\s*engine:(?P<text>[^\n]*)|<!--\s*engine:(?P<html>.*?)-->",
                             re.S)
_LEADING_PROSE = re.compile(r"^\s*&?\s*\\(?:text\w*|mbox|mathrm)\s*\{([^{}]*)\}\s*&?\s*[=<>]")
_SECTION = re.compile(r"lines\s+(?P<first>\d+)\s*-\s*(?P<last>\d+)\s*:(?P<decls>.*)$", re.I)
_EXPECT = re.compile(r"expect\s+(?:line\s+)?(?P<line>\d+)?\s*:?\s*(?P<verdict>refuted|unknown|"
                     r"error)\b\s*(?:[-:]+\s*)?(?P<note>.*)$", re.I)


@dataclass(frozen=True)
class Line:
    """One line of display math: its text (alignment marks kept) and where it starts."""
    text: str
    line: int
    display: int
    expect: tuple = ()           # (Verdict, note) from a `% engine: expect` comment


@dataclass
class _Planned:
    line: int
    relation: str
    lhs: object                  # latex_input.Side, or a string for a connective's statement
    rhs: object
    annotation: str = ""
    expected: object = None
    note: str = ""
    problem: str = ""            # set when the step cannot be checked as read
    work: int | None = None


@dataclass
class _Chain:
    line: int
    steps: list = field(default_factory=list)
    last: object = None          # the side the next `= ...` continues from
    scope: object = None         # the declarations its lines were read with


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
    assumed: tuple
    step_parse_ms: tuple = ()    # each step's share of its line's reading time

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


# -- reading a document ---------------------------------------------------------------------

def display_lines(text: str) -> list[Line]:
    """The lines of every display formula in `text` (comments blanked, line numbers kept)."""
    lines: list[Line] = []
    for number, match in enumerate(_DISPLAY.finditer(text)):
        group = next(g for g in ("dollars", "brackets", "body") if match.group(g) is not None)
        start = match.start(group)
        body = match.group(group)
        if match.group("env") == "alignat":
            body = re.sub(r"^\s*\{\d+\}", lambda m: " " * len(m.group()), body)
        for piece, offset, expect in _split_lines(body):
            if piece.strip():
                lead = offset + len(piece) - len(piece.lstrip())
                line = text.count("\n", 0, start + lead) + 1
                lines.append(Line(piece, line, number, expect))
    return lines


def _split_lines(body: str):
    """(text, offset, expectations) for each line of a display, split at top-level \\\\."""
    expects = []
    for comment in re.finditer(r"(?<!\\)%[^\n]*", body):
        found = _EXPECT.search(comment.group().lstrip("% ").replace("engine:", "", 1).strip())
        if "engine:" in comment.group() and found:
            expects.append((comment.start(), found))
    body = re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group()), body)
    body = _WRAPPERS.sub(lambda m: " " * len(m.group()), body)
    pieces, depth, environments, start, i = [], 0, 0, 0, 0
    while i < len(body):
        if body.startswith("\\begin{", i):
            environments += 1
        elif body.startswith("\\end{", i):
            environments -= 1
        char = body[i]
        if char == "\\" and body.startswith("\\\\", i) and depth == 0 and environments == 0:
            pieces.append((body[start:i], start))
            i += 2
            spacing = re.match(r"\s*\[[^\]]*\]", body[i:])
            if spacing:
                i += spacing.end()
            start = i
            continue
        if char == "\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        i += 1
    pieces.append((body[start:], start))
    out = []
    for piece, offset in pieces:
        mine = tuple((found.group("verdict").lower(), found.group("note").strip())
                     for position, found in expects if offset <= position <= offset + len(piece))
        out.append((piece, offset, mine))
    return out


def engine_comments(text: str) -> tuple[str, list]:
    """The declarations in `% engine:` / `<!-- engine: -->` comments, and the `expect` lines."""
    declarations, expects = [], []
    for match in _ENGINE_COMMENT.finditer(text):
        content = (match.group("text") if match.group("text") is not None
                   else match.group("html")).strip()
        if content.lower().startswith("expect"):
            found = _EXPECT.match(content)
            if found and found.group("line"):
                expects.append((int(found.group("line")), found.group("verdict").lower(),
                                found.group("note").strip()))
            continue
        declarations.append(content)
    return "; ".join(d for d in declarations if d), expects


def read_declarations_file(path: Path) -> tuple[str, list]:
    """The declarations of a side file (`#` comments, any number per line) and its expects."""
    declarations, expects = [], []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        if content.lower().startswith("expect"):
            found = _EXPECT.match(content)
            if not found or not found.group("line"):
                raise ExpressionError(f"{path}:{number}: write 'expect LINE refuted [note]'")
            note = raw.split("#", 1)[1].strip() if "#" in raw and not found.group("note") \
                else found.group("note").strip()
            expects.append((int(found.group("line")), found.group("verdict").lower(), note))
            continue
        if _SECTION.match(content):
            continue                           # declaration_sections reads these
        declarations.append(content.rstrip(";"))
    return "; ".join(declarations), expects


def declaration_sections(path: Path) -> list[tuple[int, int, str]]:
    """The `lines A-B: DECLS` entries of a declarations file: (A, B, DECLS), the entries of
    one range joined in the file's order."""
    sections: dict = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        found = _SECTION.match(raw.split("#", 1)[0].strip())
        if found:
            span = (int(found.group("first")), int(found.group("last")))
            sections.setdefault(span, []).append(found.group("decls").strip().rstrip(";"))
    return [(first, last, "; ".join(parts)) for (first, last), parts in sections.items()]


def declarations_for(document: Path, explicit: Path | None) -> Path | None:
    """The declarations file of a document: --decls, else FILE.decls beside it, else the
    bundled derivations/latex_decls/<name>.decls; None if there is none."""
    if explicit is not None:
        return explicit
    for candidate in (document.with_name(document.name + ".decls"),
                      BUNDLED_DECLARATIONS / f"{document.name}.decls",
                      BUNDLED_DECLARATIONS / f"{document.stem}.decls"):
        if candidate.is_file():
            return candidate
    return None


# -- chains ---------------------------------------------------------------------------------

_OPERATOR_START = re.compile(r"^\s*(?:&\s*)?(?:[+\-]|\\cdot(?![A-Za-z])|\\times(?![A-Za-z]))")
_OPERATOR_END = re.compile(r"(?:[+\-]|\\cdot|\\times)\s*(?:&\s*)?$")


def _joined(lines: list[Line]) -> list[Line]:
    """Lines that only continue an expression (start with + or -, or the line above ends with
    one) are joined to the line above."""
    out: list[Line] = []
    for line in lines:
        if out and out[-1].display == line.display and (
                _OPERATOR_START.match(line.text) or _OPERATOR_END.search(out[-1].text)):
            previous = out.pop()
            text = line.text.replace("&", " ", 1) if _OPERATOR_START.match(line.text) \
                else line.text
            out.append(Line(previous.text + " " + text, previous.line, previous.display,
                            previous.expect + line.expect))
        else:
            out.append(line)
    return out


def plan_document(text: str, scope, *, strict: bool, expects: dict,
                  sections: tuple = (), timings: list | None = None) -> tuple[list, list]:
    """The chains of a document's display math, each a list of planned steps; and the names
    assumed to be real scalars. `sections` are (first line, last line, scope): lines in that
    range are read with that scope instead of `scope`. `timings`, when given, receives each
    step's share (ms) of the time its line took to read."""
    from .latex_input import Side, collect_macros, expand_macros, read_statements
    from .model import Verdict

    macros, text = collect_macros(text)
    raw = display_lines(text)
    chains: list[_Chain] = []
    assumed: list[str] = []
    spans = [(m.start(), m.end()) for m in _DISPLAY.finditer(text)]
    previous_display = None
    chain: _Chain | None = None
    outer = scope
    for line in _joined(raw):
        if timings is not None:
            _share_line_time(timings, chains)
        scope = next((own for first, last, own in sections if first <= line.line <= last),
                     outer)
        if chain is not None and chain.scope is not scope:
            chain = None                       # a chain does not cross into other declarations
        if line.display != previous_display:
            joinable = previous_display is not None and line.display == previous_display + 1 \
                and not text[spans[previous_display][1]:spans[line.display][0]].strip()
            if not joinable:
                chain = None
            previous_display = line.display
        expected = [(Verdict(v), note) for v, note in line.expect] + \
                   [(Verdict(v), note) for v, note in expects.get(line.line, ())]
        expectation = expected[0] if expected else (None, "")
        try:
            source = expand_macros(line.text, macros)
            statements = read_statements(source, scope, strict=strict)
        except ExpressionError as exc:
            # the line is not readable LaTeX: one unparsed step, and nothing to continue from
            unreadable = Side(line.text.strip(), 1, None, exc.message)
            target = chain if chain is not None and re.match(r"\s*&?\s*[=<>]", line.text) \
                else None
            if target is None:
                target = _Chain(line.line, scope=scope)
                chains.append(target)
            target.steps.append(_Planned(line.line, "?", target.last or unreadable, unreadable,
                                         expected=expectation[0], note=expectation[1],
                                         problem=f"line {line.line} cannot be read: "
                                                 f"{exc.message}"))
            target.last = unreadable
            chain = target
            continue
        if any(st.connective for st in statements[1:]) and not any(st.leading
                                                                  for st in statements):
            # A => B <=> C: the statements are premises and conclusions, not claims; only the
            # connectives are steps, decided by the logic checker.
            for side in (sd for st in statements for sd in st.sides):
                assumed.extend(name for name in side.assumed if name not in assumed)
            chain = _Chain(line.line, scope=scope)
            chains.append(chain)
            for before, after in zip(statements, statements[1:]):
                if after.connective:
                    chain.steps.append(_Planned(line.line, after.connective,
                                                _as_statement(before), _as_statement(after),
                                                after.annotation, expectation[0],
                                                expectation[1]))
            chain.last = None
            continue
        previous_statement = None
        for statement in statements:
            for side in statement.sides:
                assumed.extend(name for name in side.assumed if name not in assumed)
            if statement.leading:
                if chain is None or chain.last is None:
                    chain = _Chain(line.line, scope=scope)
                    chains.append(chain)
                    prose = _LEADING_PROSE.match(line.text)
                    lhs = Side("", 0, None, f"the left side is prose ({prose.group(1)!r}), "
                                            "not read as math") if prose else \
                        Side("", 0, None, "the line continues a chain, but there is no "
                                          "expression above it to continue from")
                else:
                    lhs = chain.last
                relations = (statement.leading,) + statement.relations
                sides = (lhs,) + statement.sides
            else:
                if statement.connective and previous_statement is not None and chain is not None:
                    chain.steps.append(_Planned(
                        line.line, statement.connective, _statement_text(previous_statement),
                        _statement_text(statement), statement.annotation, expectation[0],
                        expectation[1]))
                chain = _Chain(line.line, scope=scope)
                chains.append(chain)
                relations, sides = statement.relations, statement.sides
            for k, relation in enumerate(relations):
                chain.steps.append(_Planned(line.line, relation, sides[k], sides[k + 1],
                                            statement.annotation if k == len(relations) - 1
                                            else "", expectation[0], expectation[1]))
            chain.last = sides[-1]
            previous_statement = statement
    if timings is not None:
        _share_line_time(timings, chains)
    return [c for c in chains if c.steps], assumed


def _share_line_time(timings: list, chains: list) -> None:
    """Close the line being timed: its reading time split evenly over the steps it added.
    `timings` holds the per-step shares and, last, the line's (start time, steps before)."""
    now = time.perf_counter()
    count = sum(len(c.steps) for c in chains)
    if timings and isinstance(timings[-1], tuple):
        started, before = timings.pop()
        added = count - before
        if added:                  # a line with no step (prose, a lone expression) adds none
            timings.extend([1000 * (now - started) / added] * added)
    timings.append((time.perf_counter(), count))


_RELATIONALS = {"=": "Eq", "<": "Lt", "<=": "Le", ">": "Gt", ">=": "Ge", "≠": "Ne"}


def _as_statement(statement):
    """The statement `a < b <= c` as one Side whose expression is the SymPy boolean
    a < b & b <= c (its error says which part could not be read)."""
    import sympy as sp
    from sympy.logic.boolalg import Boolean

    from .latex_input import Side
    text = _statement_text(statement)
    sides = statement.sides
    unread = [side for side in sides if side.expr is None]
    if unread:
        return Side(text, sides[0].column, None, unread[0].error or "cannot be read")
    if not statement.relations:
        expr = sides[0].expr
        if isinstance(expr, Boolean) and not isinstance(expr, sp.Expr):
            return Side(text, sides[0].column, expr)
        return Side(text, sides[0].column, None, "not a statement (no relation)")
    parts = []
    for relation, left, right in zip(statement.relations, sides, sides[1:]):
        if relation not in _RELATIONALS:
            return Side(text, sides[0].column, None,
                        f"the relation {relation} cannot be part of a statement")
        try:
            parts.append(getattr(sp, _RELATIONALS[relation])(left.expr, right.expr))
        except (TypeError, ValueError) as exc:     # e.g. an ordering between matrices
            return Side(text, sides[0].column, None, f"not a statement SymPy can form: {exc}")
    return Side(text, sides[0].column, sp.And(*parts))


def _statement_text(statement) -> str:
    parts = [statement.leading] if statement.leading else []
    for k, side in enumerate(statement.sides):
        if k:
            parts.append(statement.relations[k - 1])
        parts.append(side.text)
    return " ".join(p for p in parts if p)


# -- grading --------------------------------------------------------------------------------

def grade_files(paths, settings, *, where: str = "", decls: Path | None = None,
                strict: bool = False, jobs: int = 1, notes: list | None = None) -> GradeReport:
    """Grade every file; a file that cannot be read or declared is a load error and the others
    are still graded."""
    from . import __version__
    from .budget import Pool
    from .results import RunResult

    started = time.perf_counter()
    _warm_up()
    prepared, load_errors = [], []
    for path in paths:
        path = Path(path)
        try:
            prepared.append(_prepare(path, settings, where, decls, strict, notes))
        except (EngineError, OSError, UnicodeDecodeError) as exc:
            message = exc.one_line() if isinstance(exc, EngineError) else str(exc)
            load_errors.append(f"{path}: {message}")
    handles = [step.work for document in prepared for chain in document["chains"]
               for step in chain.steps if step.work is not None]
    with Pool(settings.timeout, jobs) as pool:
        outcomes = pool.run(handles)
    derivations, lines, documents = [], {}, []
    for document in prepared:
        results, stats = _assemble(document, outcomes, lines)
        derivations.extend(results)
        documents.append(stats)
    run = RunResult(__version__, settings.seed, tuple(derivations), tuple(load_errors))
    return GradeReport(run, lines, tuple(documents), time.perf_counter() - started)


def _warm_up() -> None:
    """Load pylatexenc's tables and SymPy's printing and matrix modules once, so that a
    document's parse time measures parsing, not imports."""
    from .latex_input import parse_latex
    from .scope import Scope
    scope = Scope()
    scope.matrix("A", 2, 2)
    parse_latex(r"\frac{1}{2} \operatorname{tr}(A^\top A) + \sum_{i=1}^{2} x^{i}", scope)


def _prepare(path: Path, settings, where: str, decls: Path | None, strict: bool,
             notes: list | None) -> dict:
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
    parse_started = time.perf_counter()
    timings: list = []
    chains, assumed = plan_document(text, scope, strict=strict, expects=expects,
                                    sections=tuple(sections), timings=timings)
    parse_seconds = time.perf_counter() - parse_started
    timings = [t for t in timings if not isinstance(t, tuple)]
    for number, chain in enumerate(chains, 1):
        for index, step in enumerate(chain.steps, 1):
            step.work = _register(path, chain, index, step, chain.scope or scope, settings,
                                  Relation)
    return {"path": path, "chains": chains, "assumed": assumed, "scope": scope,
            "parse_seconds": parse_seconds, "declarations": str(decl_file or ""),
            "step_parse_ms": tuple(timings)}


def _declare(text: str, scope, where: str) -> None:
    from .expressions import parse_declarations
    if not text.strip():
        return
    try:
        parse_declarations(text, scope)
    except EngineError as exc:
        raise EngineError(f"declarations in {where}: {exc.one_line()}") from None


def _register(path, chain, index, step: _Planned, scope, settings, Relation):
    """Register the check of one step (None when it is decided without checking)."""
    from .budget import register
    from .check import check_relation, step_rng

    if step.problem or step.relation in ("def", "≠", "?"):
        return None
    if step.lhs.expr is None or step.rhs.expr is None:
        return None
    relation = Relation.parse(step.relation)
    rng_key = f"{path.name}:{step.line}"
    lhs, rhs = step.lhs.expr, step.rhs.expr
    own = _scope_for(scope, lhs, rhs)
    return register(lambda: check_relation(relation, lhs, rhs, own,
                                           step_rng(settings.seed, rng_key, index), settings))


def _scope_for(scope, lhs, rhs):
    """The document's scope cut down to what the step uses: the probability checker evaluates
    every definition built on a random variable, so one the step never mentions (y = X w + e
    in another question) must not be there to fail."""
    from .errors import DeclarationError
    from .expressions import FunctionDeclaration
    from .sampling import needed_declarations
    from .scope import Scope
    try:
        needed = dict(needed_declarations(scope, [lhs, rhs]))
    except DeclarationError:
        return scope
    kept = {name: decl for name, decl in scope.declarations.items()
            if name in needed or isinstance(decl, FunctionDeclaration)}
    return Scope(kept)


def _assemble(document: dict, outcomes: dict, lines: dict):
    from .budget import TimedOut, WorkerCrashed, WorkFailed
    from .model import Verdict
    from .results import DerivationResult, Outcome, StepResult

    path = document["path"]
    results = []
    found = parsed = decided = refuted = sides = 0
    check_seconds = 0.0
    for chain in document["chains"]:
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
                    outcome = _unless_assumed(value, step, document["assumed"])
            else:
                outcome = _unchecked(step)
                if step.relation == "def" and expected is None:
                    expected = Verdict.UNKNOWN
            found += 1
            readable = _readable(step)
            parsed += readable
            decided += outcome.verdict in (Verdict.PROVED, Verdict.VERIFIED, Verdict.REFUTED)
            refuted += outcome.verdict == Verdict.REFUTED
            lhs, rhs = (_side_text(step.lhs), _side_text(step.rhs))
            why = f"line {step.line}" + (f": {step.annotation}" if step.annotation else "")
            steps.append(StepResult(index, "step", "source", step.relation, lhs, rhs, why,
                                    outcome.verdict, outcome.method, expected, outcome.detail,
                                    outcome.counterexample, round(seconds, 4), step.note))
            lines[(chain_id, index)] = step.line
        for step in chain.steps:
            for side in (step.lhs, step.rhs):
                if hasattr(side, "seconds"):
                    sides += 1
        title = _side_text(chain.steps[0].lhs)
        results.append(DerivationResult(chain_id, title[:70] + ("…" if len(title) > 70 else ""),
                                        path.name, f"line {chain.line}", str(path),
                                        tuple(steps)))
    stats = DocumentStats(str(path), document["declarations"], found, parsed, decided, refuted,
                          document["parse_seconds"], sides, check_seconds,
                          tuple(document["assumed"]), document["step_parse_ms"])
    return results, stats


def _unless_assumed(outcome, step: _Planned, assumed: list):
    """A refutation that rests on names nobody declared is no refutation: in a document such a
    name usually stands for something defined in the prose, not for any real number."""
    from .model import Verdict
    from .results import Outcome
    if not assumed:
        return outcome
    undeclared = {name.split(" ")[0] for name in assumed}
    if outcome.verdict.holds and not outcome.method.startswith(("identical", "pointwise")):
        # E[x] of an undeclared x treats x as a constant: only the routes that hold for every
        # distribution (identical sides, identical integrands) say anything about the source
        constant = sorted(_names_in_moments(step.lhs.expr) & undeclared
                          | _names_in_moments(step.rhs.expr) & undeclared)
        if constant:
            return Outcome(Verdict.UNKNOWN, outcome.method,
                           f"{outcome.verdict.value} only by treating the undeclared "
                           f"{', '.join(constant)} as constant{'s' if len(constant) > 1 else ''}"
                           " inside E[.] / Var(.); declare the random variables to decide")
        return outcome
    if outcome.verdict != Verdict.REFUTED:
        return outcome
    used = sorted(_names(step.lhs.expr) & undeclared | _names(step.rhs.expr) & undeclared)
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


def _names_in_moments(expr) -> set:
    from .ops import Covariance, Expectation, Variance
    if not hasattr(expr, "atoms"):
        return set()
    found = set()
    for moment in expr.atoms(Expectation, Variance, Covariance):
        for argument in moment.args:
            found |= _names(argument)
    return found


def _readable(step: _Planned) -> bool:
    if step.problem:
        return False
    if step.relation in ("=>", "<=>") and isinstance(step.lhs, str):
        return True
    return getattr(step.lhs, "expr", None) is not None and \
        getattr(step.rhs, "expr", None) is not None


def _side_text(side) -> str:
    return side if isinstance(side, str) else side.text


def _unchecked(step: _Planned):
    from .model import Verdict
    from .results import Outcome
    if step.problem:
        return Outcome(Verdict.ERROR, "unparsed", step.problem)
    if step.relation == "def":
        return Outcome(Verdict.UNKNOWN, "definition", "a definition (:=, \\triangleq, "
                                                      "\\leftarrow): not a claim, not checked")
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


# -- rendering ------------------------------------------------------------------------------

def render_text(report: GradeReport, width: int = 120) -> str:
    """One line per step (the file's line number, relation, verdict, method, right side), the
    reason under unparsed and unknown steps, the counterexample under refuted ones."""
    from .model import Verdict
    from .render.latex import to_text
    from .render.terminal import counterexample_lines

    out = []
    by_file: dict = {}
    for derivation in report.run.derivations:
        by_file.setdefault(derivation.file, []).append(derivation)
    for stats in report.documents:
        out.append(f"{stats.file}" + (f"  [declarations: {stats.declarations}]"
                                      if stats.declarations else ""))
        for derivation in by_file.get(stats.file, []):
            out.append(f"  chain at {derivation.where}: {_clip(_unicode(derivation.title, to_text), 80)}")
            for step in derivation.steps:
                line = report.lines.get((derivation.id, step.index), 0)
                mark = " " if step.as_expected else "✗"
                verdict = step.verdict.value + (f" (expected {step.expected.value})"
                                                if step.expected else "")
                head = f"  {mark} L{line:<5} {step.relation:<3} {verdict:<28} {step.method:<30} "
                out.append(head + _clip(_unicode(step.rhs, to_text), max(20, width - len(head))))
                indent = " " * 12
                if step.verdict in (Verdict.REFUTED, Verdict.UNKNOWN, Verdict.ERROR) \
                        and step.detail and step.method != "definition":
                    out.append(indent + _clip(step.detail, width - 12))
                if step.counterexample:
                    out.extend(indent + l for l in counterexample_lines(step.counterexample))
                if step.note:
                    out.append(indent + "note: " + step.note)
        if stats.assumed:
            out.append(f"  assumed real scalars: {', '.join(stats.assumed)}")
        out.append(f"  -> {stats.steps} steps: {stats.parsed} parsed, {stats.decided} decided "
                   f"({stats.refuted} refuted), {stats.steps - stats.parsed} unparsed; parsing "
                   f"{stats.parse_ms_per_step:.2f} ms per step (median "
                   f"{stats.parse_ms_median:.2f}), checking {stats.check_seconds:.1f} s")
        out.append("")
    for error in report.run.load_errors:
        out.append(f"error: {error}")
    summary = report.run.summary()
    verdicts = ", ".join(f"{summary[v.value]} {v.value}" for v in Verdict)
    out.append(f"{'OK' if report.run.ok else 'FAILED'}: {len(report.documents)} documents, "
               f"{summary['steps']} steps ({verdicts}); {summary['unexpected']} unexpected; "
               f"{report.seconds:.1f} s")
    return "\n".join(out)


def _unicode(latex: str, to_text) -> str:
    try:
        return to_text(latex)
    except Exception:                  # pylatexenc could not render it: show the LaTeX
        return latex


def _clip(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[:room - 1] + "…"


def report_dict(report: GradeReport) -> dict:
    """The JSON of `check --format json`, each step with its `line`, plus per-document figures."""
    from .render.json_report import run_dict
    data = run_dict(report.run)
    for derivation in data["derivations"]:
        for step in derivation["steps"]:
            step["line"] = report.lines.get((derivation["id"], step["index"]))
    data["documents"] = [{"file": s.file, "declarations": s.declarations, "steps": s.steps,
                          "parsed": s.parsed, "decided": s.decided, "refuted": s.refuted,
                          "parse_ms_per_step": round(s.parse_ms_per_step, 3),
                          "parse_ms_median": round(s.parse_ms_median, 3),
                          "check_seconds": round(s.check_seconds, 3),
                          "assumed_real": list(s.assumed)} for s in report.documents]
    data["seconds"] = round(report.seconds, 3)
    return data
