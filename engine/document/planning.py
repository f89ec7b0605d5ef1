r"""Planning a document's chains: every relation of every formula becomes a planned step with
its line, its role and the names it rests on.

Scope. Each display is read in a copy of the document's scope, so a name the reader had to
guess in one display (a free j, a z used as z^T) never leaks into the next one; definitions
are written back to the document's scope, so later displays read through them.

Chains. A line `a = b = c` is a chain of two steps. A line that starts with a relation
(`&= ...` in align, or a `$$= ...$$` block right after another display with only blanks
between) continues the chain above it; so does a line after a lone expression (`a \\ = b`) or
after a line that ends in a relation (`$$a = b =$$ $$= c$$`). A line that starts with + or -
continues the expression of the line above. Statements joined by \Rightarrow / \iff are
chains of their own and the connective is a step decided by the logic checker. A relation the
reader does not know (\propto, \preceq, ...) or a line it cannot read is an `unparsed` step
with the reason: nothing is dropped silently.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from ..errors import ExpressionError
from . import meaning

_OPERATOR_START = re.compile(r"^\s*(?:&\s*)?(?:[+\-]|\\cdot(?![A-Za-z])|\\times(?![A-Za-z]))")
_OPERATOR_END = re.compile(r"(?:[+\-]|\\cdot|\\times)\s*(?:&\s*)?$")
_LEADING_PROSE = re.compile(r"^\s*&?\s*\\(?:text\w*|mbox|mathrm)\s*\{([^{}]*)\}\s*&?\s*[=<>]")
_RELATION_TEXT = re.compile(r"(?<![\\{])[=<>]|\\(?:le|leq|ge|geq|neq|ne|approx|propto|preceq|"
                            r"succeq|prec|succ|sim|simeq|cong|equiv|leqslant|geqslant|ll|gg|"
                            r"coloneqq|triangleq|doteq)(?![A-Za-z])")
_UNREAD_RELATIONS = re.compile(r"\\(?:propto|preceq|succeq|prec|succ|sim|simeq|cong|doteq|ll|gg)"
                               r"(?![A-Za-z])")


@dataclass
class Planned:
    line: int
    relation: str
    lhs: object                  # latex.statements.Side, or a string for a connective's statement
    rhs: object
    annotation: str = ""
    expected: object = None
    note: str = ""
    problem: str = ""            # set when the step cannot be checked as read
    role: str = meaning.STEP
    because: str = ""            # why the role (shown with definitions and assumptions)
    undeclared: frozenset = frozenset()   # names guessed as real scalars the step may rest on
    scope: object = None         # the scope the step is checked in
    work: int | None = None


@dataclass
class Chain:
    line: int
    steps: list = field(default_factory=list)
    last: object = None          # the side the next `= ...` continues from
    scope: object = None         # the declarations its lines were read with


@dataclass
class Plan:
    """The chains of a document, the names guessed (name -> what was inferred), and the
    definitions the document made (name -> line)."""
    chains: list
    inferred: dict
    defined: dict
    displays: int = 0


def _joined(lines: list) -> list:
    """Lines that only continue an expression (start with + or -, or the line above ends with
    one) are joined to the line above."""
    from .reading import Line
    out: list = []
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


def plan_document(text: str, scope, *, strict: bool, expects: dict, sections: tuple = (),
                  timings: list | None = None, inline: bool = True,
                  progress=None, skip: frozenset = frozenset()) -> Plan:
    """The chains of a document's math, each a list of planned steps. `sections` are (first
    line, last line, scope): lines in that range are read with that scope. `timings`, when
    given, receives each step's share (ms) of the time its line took to read. `progress`, a
    shared integer, is set to the index of the line being read (so a reader that hangs can be
    named), and the lines whose index is in `skip` are not read."""
    from ..latex_input import Side, expand_macros, read_statements
    from ..model import Verdict
    from ..scope import Scope
    from .reading import expand_document_macros, read_math

    macros, text = expand_document_macros(text)
    displays, raw = read_math(text, inline=inline)
    plan = Plan([], {}, {}, len(displays))
    declared = set(scope.declarations)
    for _, _, own in sections:
        declared |= set(own.declarations)
    seen: set = set()                      # names met in earlier displays
    carried: set = set()                   # guessed names definitions wrote into the scope
    outer = scope
    documents = {id(outer): outer}          # each section's growing scope
    chain: Chain | None = None
    local = None
    current_display = None
    display_guessed: set = set()
    seen_last: set = set()
    steps_so_far = 0
    for number, line in enumerate(_joined(raw)):
        if progress is not None:
            progress.value = number
        if timings is not None:
            _share_line_time(timings, steps_so_far)
        base = next((own for first, last, own in sections if first <= line.line <= last), outer)
        documents.setdefault(id(base), base)
        display = displays[line.display]
        if line.display != current_display:
            seen |= display_guessed
            seen_last, display_guessed = display_guessed, set()
            if chain is not None and (chain.scope is not base or not display.adjacent):
                chain = None
            declarations = dict(base.declarations)
            continues = re.match(r"\s*&?\s*(?:[=<>]|\\(?:le|leq|ge|geq|approx|neq)(?![A-Za-z]))",
                                 line.text)
            if chain is not None and local is not None and continues:
                # the display continues the chain above: its guesses hold here too
                for name, declaration in local.declarations.items():
                    declarations.setdefault(name, declaration)
                display_guessed = set(seen_last)
            local = Scope(declarations)
            current_display = line.display
        role = meaning.display_role(display.prose, display.role)
        expected = [(Verdict(v), note) for v, note in line.expect] + \
                   [(Verdict(v), note) for v, note in expects.get(line.line, ())]
        expectation = expected[0] if expected else (None, "")
        if role is not None and role.kind == "skip":
            continue

        def add(target: Chain, step: Planned) -> None:
            nonlocal steps_so_far
            target.steps.append(step)
            steps_so_far += 1

        def unreadable(reason: str) -> None:
            nonlocal chain
            display_guessed.update(meaning.names_in_text(line.text))
            side = Side(line.text.strip(), 1, None, reason)
            target = chain if chain is not None and re.match(r"\s*&?\s*[=<>]", line.text) \
                else None
            if target is None:
                target = Chain(line.line, scope=base)
                plan.chains.append(target)
            add(target, Planned(line.line, "?", target.last or side, side,
                                expected=expectation[0], note=expectation[1],
                                problem=f"line {line.line} cannot be read: {reason}"))
            target.last = side
            chain = target

        if number in skip:
            unreadable("reading it did not finish within the time budget")
            continue
        try:
            source = expand_macros(line.text, macros)
            statements = read_statements(source, local, strict=strict)
        except ExpressionError as exc:
            unreadable(exc.message)
            continue
        integral = _integer_names(statements, declared)
        transposed = _transposed_names(source, statements, declared | set(plan.defined))
        if integral or transposed:
            # a guessed summation bound or free index is a positive integer, not a real; a
            # guessed name written X^T is a matrix (x^T, lower case, a column vector)
            for st in statements:              # forget this line's guesses, then read again
                for side in st.sides:
                    for name in side.assumed:
                        local.declarations.pop(name.split(" ")[0], None)
            for name in integral:
                local.dim(name)
                plan.inferred[name] = f"positive integer 1..5 (a summation bound or an index, " \
                                      f"line {line.line})"
            if transposed:
                size = next(n for n in ("n", "d", "m", "p", "n_dim") if n not in local.declarations
                            and not re.search(r"(?<![\\A-Za-z])%s(?![A-Za-z])" % n, source))
                dimension = local.lookup(size) if size in local.declarations else local.dim(size)
                for name in transposed:
                    local.declarations.pop(name, None)
                    vector = name[:1].islower()
                    local.matrix(name, dimension, 1 if vector else dimension)
                    display_guessed.add(name)
                    plan.inferred[name] = (f"{'column vector of length' if vector else 'square matrix of size'}"
                                           f" {size} (written {name}^T, line {line.line})")
                display_guessed.add(size)
                plan.inferred.setdefault(size, f"positive integer 1..5 (the size of "
                                               f"{', '.join(sorted(transposed))})")
            try:
                statements = read_statements(source, local, strict=strict)
            except ExpressionError as exc:
                unreadable(exc.message)
                continue
        for statement in statements:
            for side in statement.sides:
                display_guessed.update(n.split(" ")[0] for n in side.assumed)
                for name in side.assumed:
                    plan.inferred.setdefault(name.split(" ")[0], _guess(name, line.line))
        unread = _UNREAD_RELATIONS.search(source)
        if unread:
            unreadable(f"{unread.group()} is not a relation the reader checks yet; not checked")
            continue
        if not any(st.relations or st.leading for st in statements) and \
                _RELATION_TEXT.search(_without_scripts(source)):
            unreadable("a relation the reader could not split into two sides; not checked")
            continue
        guess = frozenset(display_guessed | carried)
        if not any(st.relations or st.leading for st in statements):
            chain = _lone_expression(source, local, strict, line, base, plan, chain)
            for name in getattr(chain.last, "assumed", ()):
                display_guessed.add(name.split(" ")[0])
                plan.inferred.setdefault(name.split(" ")[0], _guess(name, line.line))
            continue
        if any(st.connective for st in statements[1:]) and not any(st.leading
                                                                  for st in statements):
            chain = Chain(line.line, scope=base)
            plan.chains.append(chain)
            for before, after in zip(statements, statements[1:]):
                if after.connective:
                    add(chain, Planned(line.line, after.connective, _as_statement(before),
                                       _as_statement(after), after.annotation, expectation[0],
                                       expectation[1], undeclared=guess, scope=local))
            chain.last = None
            continue
        previous_statement = None
        for statement in statements:
            if statement.leading:
                if chain is None or chain.last is None:
                    chain = Chain(line.line, scope=base)
                    plan.chains.append(chain)
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
                    add(chain, Planned(line.line, statement.connective,
                                       _statement_text(previous_statement),
                                       _statement_text(statement), statement.annotation,
                                       expectation[0], expectation[1], undeclared=guess,
                                       scope=local))
                chain = Chain(line.line, scope=base)
                plan.chains.append(chain)
                relations, sides = statement.relations, statement.sides
            dangling = len(sides) > 1 and not sides[-1].text and sides[-1].expr is None
            if dangling:                         # `a = b =` continued on the next display
                relations, sides = relations[:-1], sides[:-1]
            for k, relation in enumerate(relations):
                step = Planned(line.line, relation, sides[k], sides[k + 1],
                               statement.annotation if k == len(relations) - 1 else "",
                               expectation[0], expectation[1], undeclared=guess, scope=local)
                carried |= _give_role(step, k, statement, role, source, base, local, plan,
                                      seen, declared)
                add(chain, step)
            chain.last = sides[-1]
            previous_statement = statement
    seen |= display_guessed
    if timings is not None:
        _share_line_time(timings, steps_so_far)
    plan.chains = [c for c in plan.chains if c.steps]
    for name in list(plan.inferred):
        if name in plan.defined or name in declared:
            del plan.inferred[name]
    return plan


_TRANSPOSED = re.compile(r"(?<![A-Za-z\\])(\\?[A-Za-z]+)\s*\^\s*(?:\{\s*)?(?:T|\\top|\\intercal|"
                         r"\\mathsf\s*\{T\}|\\mathrm\s*\{T\}|\\mathsf T)(?![A-Za-z])")


def _transposed_names(source: str, statements, known: set) -> set:
    """Guessed names the line writes with a transpose (X^T, x^\top)."""
    guessed = {n.split(" ")[0] for st in statements for side in st.sides for n in side.assumed}
    found = {m.group(1).lstrip("\\") for m in _TRANSPOSED.finditer(source)}
    return {name for name in found if name in guessed and name not in known}


def _integer_names(statements, declared: set) -> set:
    """Guessed names that a line uses as a summation bound or as an index (so integers)."""
    import sympy as sp
    guessed = {n.split(" ")[0] for st in statements for side in st.sides for n in side.assumed}
    found = set()
    for statement in statements:
        for side in statement.sides:
            expr = side.expr
            if not isinstance(expr, sp.Basic):
                continue
            for total in expr.atoms(sp.Sum, sp.Product):
                for _, low, high in total.limits:
                    found |= {s.name for s in (low.free_symbols | high.free_symbols)}
            for entry in expr.atoms(sp.Indexed):
                found |= {s.name for index in entry.indices for s in index.free_symbols
                          if not s.is_integer}
    return {name for name in found if name in guessed and name not in declared}


def _guess(assumed: str, line: int) -> str:
    name, _, kind = assumed.partition(" ")
    what = kind.strip("()") or "real scalar"
    return f"{what} (first met on line {line})"


def _without_scripts(source: str) -> str:
    """The text without sub/superscripts and braces' contents that hold ranges (i = 1 in a
    sum's subscript is no relation)."""
    return re.sub(r"[_^]\s*\{[^{}]*\}", " ", source)


def _lone_expression(source, local, strict, line, base, plan, chain):
    """A line without a relation: the expression a following `= ...` line continues from."""
    from ..latex_input import Side, parse_latex
    target = Chain(line.line, scope=base)
    plan.chains.append(target)
    assumed: list = []
    try:
        expr = parse_latex(source, local, strict=strict, assumed=assumed)
        target.last = Side(source.strip().strip("&").strip(), 1, expr, "", tuple(assumed))
    except ExpressionError as exc:
        target.last = Side(source.strip(), 1, None, exc.message)
    return target


def _give_role(step: Planned, k: int, statement, role, source: str, base, local, plan: Plan,
               seen: set, declared: set) -> set:
    """Set the step's role; a definition of a new name is written into the document's scope.
    Returns the guessed names that definition carried into the scope."""
    lhs, rhs = getattr(step.lhs, "expr", None), getattr(step.rhs, "expr", None)
    if role is not None and role.kind == meaning.ASSUMPTION:
        step.role, step.because = meaning.ASSUMPTION, role.because
        return set()
    if role is not None and role.kind == meaning.STEP:
        step.role, step.because = meaning.STEP, role.because
        return set()
    first = k == 0 and not statement.leading
    name = meaning.defined_name(lhs) if first and rhs is not None else None
    new = name is not None and name not in declared and name not in seen \
        and name not in plan.defined and not _mentions(rhs, name)
    if step.relation == "def" and "\\equiv" in source and not new:
        step.relation = "="                          # \equiv between known names: a claim
        return set()
    explicit = step.relation == "def" or (role is not None and role.kind == meaning.DEFINITION
                                          and first)
    if explicit and step.relation not in ("=", "def"):
        # "where the part $y < 0$ ...": a condition, never a definition of y
        step.role = meaning.ASSUMPTION
        step.because = "a condition: " + role.because.split(": ", 1)[-1]
        return set()
    if explicit and step.relation == "=" and (name is None or name in declared):
        explicit = False     # "where V[y] = ..." defines nothing, and a declared name is never
                             # redefined: the line is checked
    if explicit or (new and step.relation == "="):
        step.role = meaning.DEFINITION
        step.because = role.because if role is not None else (
            f"{name} is a new name" if step.relation == "=" else "written with :=")
        if name is not None and rhs is not None and not _mentions(rhs, name):
            carried = meaning.add_definition(base, name, rhs, local)
            if carried is None:
                step.because += f" (not used later: it rests on a name indexed by a free letter)"
                return set()
            plan.defined[name] = step.line
            for other in carried:
                plan.inferred.setdefault(other, f"real scalar (used in the definition of "
                                                f"{name}, line {step.line})")
            return set(carried)
        return set()
    if rhs is not None and lhs is not None and meaning.is_eigen_equation(lhs, rhs):
        step.role, step.because = meaning.ASSUMPTION, "an eigen-equation: a condition"
    return set()


def _mentions(expr, name: str) -> bool:
    return hasattr(expr, "free_symbols") and any(getattr(s, "name", None) == name
                                                 for s in expr.free_symbols)


def _share_line_time(timings: list, count: int) -> None:
    """Close the line being timed: its reading time split evenly over the steps it added.
    `timings` holds the per-step shares and, last, the line's (start time, steps before)."""
    now = time.perf_counter()
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

    from ..latex_input import Side
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
