"""Checking derivations: every step of every chain, plus the claim, each under a time budget.

`check_relation` decides one relation: an equality by cheap symbolic forms, then random
instances, then the slow symbolic route if allowed; an inequality, approximation or statement by
its own checker. `check_derivations` turns derivations into results.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import __version__, ops
from .budget import Pool, TimedOut, WorkerCrashed, WorkFailed, attempt, register
from . import finite
from .checkers import (asymptotic, enumeration, inequality, logic, numeric, statistical,
                       symbolic)
from .errors import EngineError
from .model import Claim, Derivation, Relation, Step, Verdict
from .results import DerivationResult, Outcome, RunResult, StepResult

from .settings import DEFAULT_SEED, CheckSettings  # noqa: F401  (re-exported)


FINITE_DIFFERENCES_RTOL = 1e-5     # central differences agree to about 1e-10; room to spare


PROOF_SHARE = 0.5     # of a step's budget, what --prove may spend on its proof attempt


def check_relation(relation: Relation, lhs, rhs, scope, rng: np.random.Generator,
                   settings: CheckSettings = CheckSettings(), *, limit=None) -> Outcome:
    """One verdict for `lhs relation rhs` under the scope's assumptions; `limit` (symbol,
    point) is where an approximation holds.

    With `settings.prove`, a slow proof is attempted only after the evidence is in, within part
    of the step's budget, and its result is taken only if it proves: a proof attempt can upgrade
    a verdict, never lose one."""
    outcome = _decide(relation, lhs, rhs, scope, rng, settings, prove=False, limit=limit)
    if not settings.prove or outcome.verdict not in (Verdict.VERIFIED, Verdict.UNKNOWN):
        return outcome
    seconds = settings.timeout * PROOF_SHARE
    proof = attempt(seconds, lambda: _decide(relation, lhs, rhs, scope, rng, settings,
                                             prove=True, limit=limit))
    if proof is not None and proof.verdict == Verdict.PROVED:
        return proof
    why = "no proof found" if proof is not None else f"no proof within {seconds:g} s"
    return dataclasses.replace(outcome, detail=f"{outcome.detail}; --prove: {why}"
                               if outcome.detail else f"--prove: {why}")


def _decide(relation, lhs, rhs, scope, rng, settings, *, prove, limit) -> Outcome:
    """The checkers in order; `prove` adds the slow symbolic routes."""
    settings = dataclasses.replace(settings, prove=prove)
    problem = symbolic.shape_problem(lhs) or symbolic.shape_problem(rhs)
    if problem:
        return Outcome(Verdict.ERROR, "shapes", problem)
    if lhs == rhs and relation in (Relation.EQ, Relation.LE, Relation.GE, Relation.IFF,
                                   Relation.IMPLIES, Relation.APPROX):
        return Outcome(Verdict.PROVED, "identical")
    if finite.has_finite_quantifier(lhs, rhs):
        return enumeration.check_exhaustive(relation, lhs, rhs)
    if relation in (Relation.LE, Relation.LT, Relation.GE, Relation.GT):
        return inequality.check_inequality(relation, lhs, rhs, scope, rng, settings.numeric,
                                           full=settings.prove)
    if relation == Relation.APPROX:
        return asymptotic.check_approximation(lhs, rhs, limit, scope, rng)
    if relation in (Relation.IMPLIES, Relation.IFF) or (logic.is_statement(lhs)
                                                        and logic.is_statement(rhs)):
        relation = Relation.IMPLIES if relation == Relation.IMPLIES else Relation.IFF
        return logic.check_statement(relation, lhs, rhs, scope, rng, settings.numeric,
                                     full=settings.prove)
    if statistical.has_moments(lhs) or statistical.has_moments(rhs):
        return statistical.check_expectations(lhs, rhs, scope, rng, settings.numeric,
                                              settings.statistical)
    if any(isinstance(side, sp.Basic) and side.has(ops.Jacobian) for side in (lhs, rhs)):
        return _by_finite_differences(lhs, rhs, scope, rng, settings)
    definitions = scope.definitions()
    outcome = _meaningful(symbolic.prove_equal(lhs, rhs, definitions), lhs, rhs, scope, rng)
    if outcome is not None:
        return outcome
    evidence = numeric.test_equal(lhs, rhs, scope, rng, settings.numeric)
    if evidence.verdict in (Verdict.VERIFIED, Verdict.UNKNOWN) and (
            settings.prove or evidence.verdict == Verdict.UNKNOWN):
        proof = symbolic.prove_equal(lhs, rhs, definitions, full=True)
        if proof is not None:
            return _meaningful(proof, lhs, rhs, scope, rng)
    return evidence


def _meaningful(outcome, lhs, rhs, scope, rng) -> Outcome | None:
    """A proof of an identity neither side of which can be evaluated anywhere says nothing."""
    if outcome is None or outcome.verdict != Verdict.PROVED:
        return outcome
    if numeric.defined_somewhere(lhs, rhs, scope, rng):
        return outcome
    return Outcome(Verdict.UNKNOWN, outcome.method,
                   "SymPy reduces lhs - rhs to zero, but neither side can be evaluated on any "
                   "sampled instance (e.g. a division by an expression that is identically "
                   "zero), so the identity says nothing")


def _by_finite_differences(lhs, rhs, scope, rng, settings) -> Outcome:
    """An equality involving jacobian(...). Derivatives of scalar expressions by scalar
    symbols are taken symbolically (SymPy's diff, with the definitions the evaluator would
    substitute), and the equality is then checked like any other, in exact arithmetic where it
    can; other Jacobians are evaluated by central finite differences, at the looser tolerance
    they allow (a counterexample must still differ by a relative 1e-3)."""
    exact_lhs, exact_rhs = (_symbolic_derivatives(side, scope) for side in (lhs, rhs))
    if not any(isinstance(side, sp.Basic) and side.has(ops.Jacobian)
               for side in (exact_lhs, exact_rhs)):
        outcome = symbolic.prove_equal(exact_lhs, exact_rhs, scope.definitions())
        if outcome is None:
            outcome = numeric.test_equal(exact_lhs, exact_rhs, scope, rng, settings.numeric)
        return dataclasses.replace(outcome, method=f"symbolic derivative, {outcome.method}")
    loose = dataclasses.replace(settings.numeric, rtol=FINITE_DIFFERENCES_RTOL,
                                refute_margin=max(settings.numeric.refute_margin, 1e-3))
    evidence = numeric.test_equal(lhs, rhs, scope, rng, loose)
    method = evidence.method
    if method.startswith("numeric"):
        method = "finite differences" + method[len("numeric"):]
    return dataclasses.replace(evidence, method=method)


def _symbolic_derivatives(expr, scope):
    """expr with each jacobian(f, x) of a scalar f by a scalar symbol x replaced by the 1 x 1
    matrix [df/dx] (definitions other than x's own substituted into f first, as the
    finite-difference evaluator does); other Jacobians are left as they are."""
    if not isinstance(expr, sp.Basic) or not expr.has(ops.Jacobian):
        return expr
    definitions = scope.definitions()

    def derivative(node):
        f, x = node.expr, node.wrt
        if not isinstance(x, sp.Symbol) or getattr(f, "is_Matrix", False):
            return node
        rule = {k: v for k, v in definitions.items() if k != x}
        for _ in range(len(rule) + 1):
            replaced = f.xreplace(rule)
            if replaced == f:
                break
            f = replaced
        if f.has(ops.Jacobian, sp.MatrixSymbol, sp.Indexed) or any(
                not isinstance(a, (sp.exp, sp.log, sp.sin, sp.cos, sp.tan, sp.tanh, sp.Abs,
                                   sp.Max, sp.Min, sp.sqrt, sp.erf, sp.Pow))
                for a in f.atoms(sp.Function)):
            return node
        try:
            return sp.ImmutableMatrix([[sp.diff(f, x)]])
        except (TypeError, ValueError, NotImplementedError, AttributeError):
            return node
    try:
        return expr.replace(lambda e: isinstance(e, ops.Jacobian), derivative)
    except (TypeError, ValueError, AttributeError):
        return expr


def step_rng(seed: int, derivation_id: str, index: int) -> np.random.Generator:
    """An RNG that depends on the seed, the derivation and the step only (not on hash seeds,
    run order or which other derivations are checked)."""
    digest = hashlib.sha256(f"{seed}:{derivation_id}:{index}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


# -- planning: what to check in a derivation --------------------------------------------

@dataclass
class _Entry:
    index: int
    kind: str
    chain: str
    relation: Relation
    lhs: object
    rhs: object
    why: str
    expected: Verdict | None
    note: str
    refutation: object = None     # an expected refutation's kind (model.Refutation)
    work: object = None       # handle of the registered work
    limit: tuple | None = None      # where an approximation holds (a step, or a chain of them)
    claim_relation: Relation | None = None     # a claim entry: the claim's own relation
    problem: str = ""         # a claim entry: why the chain's steps compose to no relation
    carried_by: tuple = ()    # a claim entry: the indices of the steps that carry it


def plan(derivation: Derivation) -> list[_Entry]:
    """The entries (steps and claim checks) of a derivation, numbered from 1."""
    entries: list[_Entry] = []
    chain = list(derivation.chain)
    if not any(isinstance(link, Step) for link in chain):
        raise EngineError("the chain has no step, so nothing would be checked: give it an "
                          "expression followed by steps (eq(...), step(...)) or facts "
                          "(fact(...), holds(...))", derivation=derivation.id)
    start = None if chain and isinstance(chain[0], Step) else chain.pop(0) if chain else None
    _plan_chain(derivation, chain, start, "source", entries)
    return entries


def _plan_chain(derivation, steps, start, label, entries, origin=None, prefix=()) -> None:
    """Plan `steps` continuing from `start`; `origin` is where the whole chain began (a
    correction continues a chain that began earlier), checked against the claim's left side,
    and `prefix` holds the (index, step) pairs of that chain before `start`.

    Only connected links carry a claim: a standalone fact whose left side is not the running
    expression starts a new segment, and the claim is checked against the last segment alone
    (its start, its end, and the relation its steps compose to). A claim always gets its entry,
    even when no segment reaches it."""
    previous = start
    first = start if origin is None else origin
    corrections = []
    planned = list(prefix)
    for step in steps:
        if not isinstance(step, Step):
            raise EngineError(f"the chain holds {type(step).__name__} {step!r} where a step "
                              "(eq(...), step(...), fact(...)) is expected",
                              derivation=derivation.id)
        lhs = step.lhs if step.lhs is not None else previous
        if lhs is None:
            raise EngineError("the chain's first step has nothing to start from: begin the "
                              "chain with an expression or use fact(lhs, relation, rhs)",
                              derivation=derivation.id, step=len(entries) + 1)
        index = len(entries) + 1
        entries.append(_Entry(index, "step", label, step.relation, lhs, step.expr, step.why,
                              step.expect, step.note, refutation=step.refutation,
                              limit=step.limit))
        if step.lhs is sp.true:                    # holds(P): a statement, no expression
            first, planned = None, []
        elif step.lhs is not None and not _continues(step.lhs, previous):
            first, planned = step.lhs, []          # a standalone fact: a new segment
        if step.correction:
            corrections.append((index, lhs, step.correction, tuple(planned), first))
        planned.append((index, step))
        previous = step.expr
    if derivation.claim is not None:
        _plan_claim(derivation, label, entries, first, previous, planned,
                    corrected=bool(corrections) and label == "source")
    for index, lhs, correction, before, origin in corrections:    # after the chain they correct
        _plan_chain(derivation, list(correction), lhs, f"correction of step {index}", entries,
                    origin=origin, prefix=before)


def _continues(lhs, previous) -> bool:
    """Whether a fact's left side is the running expression (so it extends the chain)."""
    try:
        return previous is not None and bool(lhs == previous)
    except TypeError:
        return False


def _plan_claim(derivation, label, entries, first, previous, planned, corrected) -> None:
    """The claim entry of one chain. It is carried by the steps of the chain's last segment; a
    source chain carried through a step expected to be refuted is expected not to carry the
    claim when a correction of that chain exists (the correction's own entry must carry it)."""
    claim: Claim = derivation.claim
    expected = claim.expect if label == "source" else None
    note = claim.note if label == "source" else ""
    refutation = claim.refutation if label == "source" else None
    carried_by = tuple(index for index, _ in planned)
    broken = [index for index, step in planned if step.expect is not None]
    if broken and corrected and expected is None:
        expected = Verdict.UNKNOWN
        note = note or (f"the source's chain reaches the claim through step {broken[0]}, which "
                        "is wrong; its correction carries the claim")
    if first is None or previous is None or not planned:
        problem = ("no chain of connected steps leads from the claim's left side to its right "
                   "side (a chain of standalone facts carries no claim)")
        entries.append(_Entry(len(entries) + 1, "claim", label, claim.relation,
                              (first, previous), (claim.lhs, claim.rhs),
                              "the chain starts at the claim's left side and ends at its right side",
                              expected, note, refutation=refutation,
                              claim_relation=claim.relation, problem=problem))
        return
    relation, limit, problem = _composed(planned)
    entries.append(_Entry(len(entries) + 1, "claim", label, relation or claim.relation,
                          (first, previous), (claim.lhs, claim.rhs),
                          "the chain starts at the claim's left side and ends at its right side",
                          expected, note, refutation=refutation, limit=limit,
                          claim_relation=claim.relation, problem=problem,
                          carried_by=carried_by))


_ENTAILS = {(Relation.EQ, r) for r in Relation} | {
    (Relation.LT, Relation.LE), (Relation.GT, Relation.GE), (Relation.IFF, Relation.IMPLIES)}


def entails(stronger: Relation, weaker: Relation) -> bool:
    """Whether `a stronger b` gives `a weaker b` (a < b gives a <= b; a = b gives any)."""
    return stronger == weaker or (stronger, weaker) in _ENTAILS


def compose(first: Relation, second: Relation) -> Relation | None:
    """The relation between a and c that `a first b` and `b second c` give, or None when they
    give none (<= with >=, an inequality with an approximation, ...)."""
    if first == Relation.EQ or first == second:
        return second
    if second == Relation.EQ:
        return first
    for family, strict in (({Relation.LE, Relation.LT}, Relation.LT),
                           ({Relation.GE, Relation.GT}, Relation.GT)):
        if {first, second} <= family:
            return strict
    if {first, second} == {Relation.IMPLIES, Relation.IFF}:
        return Relation.IMPLIES
    return None


def _composed(planned) -> tuple:
    """(relation, limit, problem): what the chain's steps give between its ends, the limit its
    approximations share, and why there is no relation (relation None) if so."""
    relation, limit, last = Relation.EQ, None, None
    for index, step in planned:
        combined = compose(relation, step.relation)
        if combined is None:
            return None, None, (f"the chain's steps compose to no relation: step {last} gives "
                                f"{relation.value} and step {index} gives {step.relation.value}, "
                                "so nothing follows between the chain's ends; make the steps "
                                "go one way")
        if step.relation == Relation.APPROX:
            if limit is not None and step.limit is not None and step.limit != limit:
                return None, None, (f"the chain's approximations hold in different limits "
                                    f"({limit[0]} -> {limit[1]} and, at step {index}, "
                                    f"{step.limit[0]} -> {step.limit[1]}), so they do not "
                                    "compose")
            limit = limit or step.limit
        if step.relation != Relation.EQ:
            last = index
        relation = combined
    return relation, limit, ""


def _claim_outcome(entry, scope, rng, settings) -> Outcome:
    """The claim entry: the chain starts at the claim's left side (equality), ends at its right
    side (equality, or the claim's relation closing the gap), and the relation the steps
    compose to gives the claim's relation."""
    if entry.problem:
        verdict = Verdict.UNKNOWN if not entry.carried_by else Verdict.ERROR
        return Outcome(verdict, "composition", entry.problem)
    (first, last), (claim_lhs, claim_rhs) = entry.lhs, entry.rhs
    chain, claimed = entry.relation, entry.claim_relation or entry.relation
    start = check_relation(Relation.EQ, first, claim_lhs, scope, rng, settings)
    overall = compose(chain, claimed)
    if entails(chain, claimed):
        end = check_relation(Relation.EQ, last, claim_rhs, scope, rng, settings)
        if not end.verdict.holds and claimed != Relation.EQ:
            closing = check_relation(claimed, last, claim_rhs, scope, rng, settings,
                                     limit=entry.limit)
            end = closing if closing.verdict.holds else end
    elif overall is not None and entails(overall, claimed):
        end = check_relation(claimed, last, claim_rhs, scope, rng, settings, limit=entry.limit)
        if not end.verdict.holds:
            end = Outcome(Verdict.UNKNOWN, "composition",
                          f"the steps compose to {chain.value}, which does not give the claim's "
                          f"{claimed.value} (a strict claim needs a strict step), and the chain's "
                          f"end is not {claimed.value} the claim's right side "
                          f"({end.verdict.value}: {end.method})")
    else:
        end = Outcome(Verdict.ERROR, "composition",
                      f"the steps compose to {chain.value}, which does not give the claim's "
                      f"{claimed.value}")
    order = [Verdict.ERROR, Verdict.REFUTED, Verdict.UNKNOWN, Verdict.VERIFIED, Verdict.PROVED]
    worst = min((start, end), key=lambda o: order.index(o.verdict))
    detail = (f"start: {start.verdict.value} ({start.method}); "
              f"end: {end.verdict.value} ({end.method})")
    if chain != Relation.EQ:
        detail += f"; the steps compose to {chain.value}, the claim states {claimed.value}"
    if worst.detail:
        detail += f"; {'start' if worst is start else 'end'}: {worst.detail}"
    return Outcome(worst.verdict, worst.method, detail, worst.counterexample)


# -- running ----------------------------------------------------------------------------

def check_derivations(derivations, settings: CheckSettings = CheckSettings(),
                      load_errors=(), *, jobs: int = 1, cache=None) -> RunResult:
    """Check every derivation; one broken derivation never stops the others.

    `jobs` worker processes share the entries; results do not depend on it. `cache` (a
    ResultCache) supplies verdicts computed before with the same key and stores new ones."""
    from .cache import ResultCache, entry_key, environment_fingerprint, scope_fingerprint
    cache = cache or ResultCache(None)
    environment = environment_fingerprint() if cache.enabled else None
    planned, handles = [], []
    for derivation in derivations:
        try:
            entries = plan(derivation)
        except EngineError as exc:
            exc.file = exc.file or derivation.file
            planned.append((derivation, exc))
            continue
        scope_hash = scope_fingerprint(derivation.scope) if cache.enabled else None
        rows = []
        for entry in entries:
            key = _entry_key(entry_key, derivation, entry, settings, scope_hash, environment) \
                if cache.enabled else None
            cached = cache.get(key) if key else None
            if cached is None:
                entry.work = register(_work(derivation, entry, settings))
                handles.append(entry.work)
            rows.append((entry, key, cached))
        planned.append((derivation, rows))
    with Pool(settings.timeout, jobs) as pool:
        outcomes = pool.run(handles)
    results = [_assemble(derivation, rows, outcomes, cache) for derivation, rows in planned]
    cache.close()
    return RunResult(__version__, settings.seed, tuple(results), tuple(load_errors))


def _entry_key(entry_key, derivation, entry, settings, scope_hash, environment=None) -> str:
    """The cache key of an entry, covering the limit and claim relation it carries."""
    from .cache import digest
    key = entry_key(derivation, entry, settings, scope_hash, environment)
    if entry.limit is None and entry.claim_relation is None:
        return key
    extra = (sp.srepr(sp.Tuple(*entry.limit)) if entry.limit is not None else "",
             entry.claim_relation.value if entry.claim_relation else "", entry.problem)
    return digest(f"{key}:{extra}")


def _work(derivation, entry, settings):
    """The work for one entry, run in a worker: its outcome and both sides' LaTeX."""
    def work() -> tuple:
        rng = step_rng(settings.seed, derivation.id, entry.index)
        if entry.kind == "claim":
            outcome = _claim_outcome(entry, derivation.scope, rng, settings)
            sides = entry.rhs
        else:
            outcome = check_relation(entry.relation, entry.lhs, entry.rhs, derivation.scope,
                                     rng, settings, limit=entry.limit)
            sides = (entry.lhs, entry.rhs)
        return (outcome, *(_latex(side, derivation.notation) for side in sides))
    return work


def _assemble(derivation, rows, outcomes, cache) -> DerivationResult:
    if isinstance(rows, EngineError):
        broken = StepResult(0, "step", "source", "", "", "", "", Verdict.ERROR, "none", None,
                            rows.one_line(), None, 0.0)
        return DerivationResult(derivation.id, derivation.title, derivation.source.document,
                                derivation.source.where, derivation.file, (broken,))
    steps = []
    for entry, key, cached in rows:
        if cached is not None:
            steps.append(_from_cache(entry, cached))
            continue
        value, seconds = outcomes[entry.work]
        latex = None
        if isinstance(value, TimedOut):
            outcome = Outcome(Verdict.UNKNOWN, "timeout", str(value))
        elif isinstance(value, (WorkerCrashed, WorkFailed)):
            outcome = Outcome(Verdict.ERROR, "none", f"checking failed: {value}")
        else:
            outcome, *latex = value
        result = _result(entry, outcome, seconds, derivation.notation, latex)
        if key and not isinstance(value, WorkerCrashed):
            cache.put(key, {"verdict": result.verdict.value, "method": result.method,
                            "detail": result.detail, "counterexample": result.counterexample,
                            "lhs": result.lhs, "rhs": result.rhs, "seconds": result.seconds})
        steps.append(result)
    by_index = {step.index: step for step in steps}
    steps = [_carried(step, entry, by_index) for step, (entry, _, _) in zip(steps, rows)]
    return DerivationResult(derivation.id, derivation.title, derivation.source.document,
                            derivation.source.where, derivation.file, tuple(steps))


_STRENGTH = (Verdict.ERROR, Verdict.REFUTED, Verdict.UNKNOWN, Verdict.VERIFIED, Verdict.PROVED)


def _carried(result: StepResult, entry: _Entry, by_index: dict) -> StepResult:
    """A claim is never stronger than the weakest step that carries it: a claim whose ends
    match but whose chain passes through a step that does not hold is not carried (unknown),
    and one proved at its ends through verified steps is verified."""
    if entry.kind != "claim" or not entry.carried_by or not result.verdict.holds:
        return result
    links = [by_index[index] for index in entry.carried_by]
    weakest = min(links, key=lambda link: _STRENGTH.index(link.verdict))
    if _STRENGTH.index(weakest.verdict) >= _STRENGTH.index(result.verdict):
        return result
    if weakest.verdict.holds:
        return dataclasses.replace(
            result, verdict=weakest.verdict,
            detail=f"{result.detail}; no stronger than step {weakest.index}, "
                   f"{weakest.verdict.value} ({weakest.method})")
    return dataclasses.replace(
        result, verdict=Verdict.UNKNOWN, method="not carried",
        detail=f"the chain's ends match the claim, but step {weakest.index} is "
               f"{weakest.verdict.value}, so the chain does not carry the claim; {result.detail}",
        counterexample=None)


def _from_cache(entry: _Entry, cached: dict) -> StepResult:
    return StepResult(entry.index, entry.kind, entry.chain, _shown_relation(entry),
                      "" if _is_holds(entry) else cached["lhs"], cached["rhs"], entry.why,
                      Verdict(cached["verdict"]),
                      cached["method"], entry.expected, cached["detail"],
                      cached["counterexample"], cached["seconds"], entry.note, cached=True,
                      claim_relation=_claim_relation(entry), refutation=_refutation(entry))


def _result(entry: _Entry, outcome: Outcome, seconds: float, notation: dict,
            latex=None) -> StepResult:
    if latex:
        lhs, rhs = latex
    elif entry.kind == "claim":
        lhs, rhs = (_latex(side, notation) for side in entry.rhs)
    else:
        lhs, rhs = _latex(entry.lhs, notation), _latex(entry.rhs, notation)
    if _is_holds(entry):
        lhs = ""
    return StepResult(entry.index, entry.kind, entry.chain, _shown_relation(entry),
                      lhs, rhs, entry.why, outcome.verdict, outcome.method, entry.expected,
                      outcome.detail, outcome.counterexample, round(seconds, 4), entry.note,
                      claim_relation=_claim_relation(entry), refutation=_refutation(entry))


def _refutation(entry: _Entry) -> str:
    return entry.refutation.value if entry.refutation is not None else ""


def _is_holds(entry: _Entry) -> bool:
    """A `holds(P)` fact: stored as `true => P`, shown as "holds P"."""
    return entry.kind == "step" and entry.relation == Relation.IMPLIES and entry.lhs is sp.true


def _shown_relation(entry: _Entry) -> str:
    if entry.kind == "claim":
        return "claim"
    return "holds" if _is_holds(entry) else entry.relation.value


def _claim_relation(entry: _Entry) -> str:
    if entry.kind != "claim":
        return ""
    return (entry.claim_relation or entry.relation).value


_LATEX_MEMO: dict = {}


def _latex(expr, notation) -> str:
    """LaTeX of a side, remembered: a step's left side is the previous step's right side."""
    from .render.latex import to_latex
    try:
        key = (expr, tuple(sorted(notation.items())))
        if key not in _LATEX_MEMO:
            _LATEX_MEMO[key] = to_latex(expr, notation)
        return _LATEX_MEMO[key]
    except TypeError:                     # an unhashable foreign object
        return to_latex(expr, notation)
