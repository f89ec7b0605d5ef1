"""Checking derivations: every step of every chain, plus the claim, each under a time budget.

`check_relation` decides one relation (cheap symbolic forms, then random instances, then the
slow symbolic route if allowed). `check_derivations` turns derivations into results.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import numpy as np

from . import __version__
from .budget import Pool, TimedOut, WorkerCrashed, WorkFailed, register
from .checkers import numeric, statistical, symbolic
from .errors import EngineError
from .model import Claim, Derivation, Relation, Step, Verdict
from .results import DerivationResult, Outcome, RunResult, StepResult

from .settings import DEFAULT_SEED, CheckSettings  # noqa: F401  (re-exported)


def check_relation(relation: Relation, lhs, rhs, scope, rng: np.random.Generator,
                   settings: CheckSettings = CheckSettings()) -> Outcome:
    """One verdict for `lhs relation rhs` under the scope's assumptions."""
    problem = symbolic.shape_problem(lhs) or symbolic.shape_problem(rhs)
    if problem:
        return Outcome(Verdict.ERROR, "shapes", problem)
    if lhs == rhs and relation in (Relation.EQ, Relation.LE, Relation.GE, Relation.IFF,
                                   Relation.IMPLIES, Relation.APPROX):
        return Outcome(Verdict.PROVED, "identical")
    if relation != Relation.EQ:
        return Outcome(Verdict.UNKNOWN, "none",
                       f"no checker for the relation {relation.value} yet; not checked")
    if statistical.has_moments(lhs) or statistical.has_moments(rhs):
        return statistical.check_expectations(lhs, rhs, scope, rng, settings.numeric,
                                              settings.statistical)
    definitions = scope.definitions()
    outcome = symbolic.prove_equal(lhs, rhs, definitions)
    if outcome is not None:
        if outcome.verdict == Verdict.PROVED and not numeric.defined_somewhere(lhs, rhs, scope,
                                                                                rng):
            return Outcome(Verdict.UNKNOWN, outcome.method,
                           "SymPy reduces lhs - rhs to zero, but neither side can be evaluated "
                           "on any sampled instance (e.g. a division by an expression that is "
                           "identically zero), so the identity says nothing")
        return outcome
    evidence = numeric.test_equal(lhs, rhs, scope, rng, settings.numeric)
    if evidence.verdict in (Verdict.VERIFIED, Verdict.UNKNOWN) and (
            settings.prove or evidence.verdict == Verdict.UNKNOWN):
        proof = symbolic.prove_equal(lhs, rhs, definitions, full=True)
        if proof is not None:
            return proof
    return evidence


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
    work: object = None       # handle of the registered work


def plan(derivation: Derivation) -> list[_Entry]:
    """The entries (steps and claim checks) of a derivation, numbered from 1."""
    entries: list[_Entry] = []
    chain = list(derivation.chain)
    start = None if chain and isinstance(chain[0], Step) else chain.pop(0) if chain else None
    _plan_chain(derivation, chain, start, "source", entries)
    return entries


def _plan_chain(derivation, steps, start, label, entries, origin=None) -> None:
    """Plan `steps` continuing from `start`; `origin` is where the whole chain began (a
    correction continues a chain that began earlier), checked against the claim's left side."""
    previous = start
    first = start if origin is None else origin
    corrections = []
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
                              step.expect, step.note))
        if step.correction:
            corrections.append((index, lhs, step.correction))
        previous = step.expr
    if derivation.claim is not None and first is not None and previous is not None:
        claim: Claim = derivation.claim
        relation = _composed(steps, claim, derivation)
        expected = claim.expect if label == "source" else None
        note = claim.note if label == "source" else ""
        entries.append(_Entry(len(entries) + 1, "claim", label, relation,
                              (first, previous), (claim.lhs, claim.rhs),
                              "the chain starts at the claim's left side and ends at its right side",
                              expected, note))
    for index, lhs, correction in corrections:     # after the chain they correct
        _plan_chain(derivation, list(correction), lhs, f"correction of step {index}", entries,
                    origin=first)


def _composed(steps, claim, derivation) -> Relation:
    relations = {s.relation for s in steps} - {Relation.EQ}
    if not relations:
        return Relation.EQ
    if relations == {claim.relation}:
        return claim.relation
    return Relation(sorted(r.value for r in relations)[0])


def _claim_outcome(relation, ends, claim_sides, scope, rng, settings) -> Outcome:
    (first, last), (claim_lhs, claim_rhs) = ends, claim_sides
    start = check_relation(Relation.EQ, first, claim_lhs, scope, rng, settings)
    end = check_relation(relation, last, claim_rhs, scope, rng, settings)
    order = [Verdict.ERROR, Verdict.REFUTED, Verdict.UNKNOWN, Verdict.VERIFIED, Verdict.PROVED]
    worst = min((start, end), key=lambda o: order.index(o.verdict))
    detail = (f"start: {start.verdict.value} ({start.method}); "
              f"end: {end.verdict.value} ({end.method})")
    if worst.detail:
        detail += f"; {'start' if worst is start else 'end'}: {worst.detail}"
    return Outcome(worst.verdict, worst.method, detail, worst.counterexample)


# -- running ----------------------------------------------------------------------------

def check_derivations(derivations, settings: CheckSettings = CheckSettings(),
                      load_errors=(), *, jobs: int = 1, cache=None) -> RunResult:
    """Check every derivation; one broken derivation never stops the others.

    `jobs` worker processes share the entries; results do not depend on it. `cache` (a
    ResultCache) supplies verdicts computed before with the same key and stores new ones."""
    from .cache import ResultCache, entry_key, scope_fingerprint
    cache = cache or ResultCache(None)
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
            key = entry_key(derivation, entry, settings, scope_hash) if cache.enabled else None
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


def _work(derivation, entry, settings):
    """The work for one entry, run in a worker: its outcome and both sides' LaTeX."""
    def work() -> tuple:
        rng = step_rng(settings.seed, derivation.id, entry.index)
        if entry.kind == "claim":
            outcome = _claim_outcome(entry.relation, entry.lhs, entry.rhs, derivation.scope,
                                     rng, settings)
            sides = entry.rhs
        else:
            outcome = check_relation(entry.relation, entry.lhs, entry.rhs, derivation.scope,
                                     rng, settings)
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
    return DerivationResult(derivation.id, derivation.title, derivation.source.document,
                            derivation.source.where, derivation.file, tuple(steps))


def _from_cache(entry: _Entry, cached: dict) -> StepResult:
    return StepResult(entry.index, entry.kind, entry.chain,
                      "claim" if entry.kind == "claim" else entry.relation.value,
                      cached["lhs"], cached["rhs"], entry.why, Verdict(cached["verdict"]),
                      cached["method"], entry.expected, cached["detail"],
                      cached["counterexample"], cached["seconds"], entry.note, cached=True)


def _result(entry: _Entry, outcome: Outcome, seconds: float, notation: dict,
            latex=None) -> StepResult:
    if latex:
        lhs, rhs = latex
    elif entry.kind == "claim":
        lhs, rhs = (_latex(side, notation) for side in entry.rhs)
    else:
        lhs, rhs = _latex(entry.lhs, notation), _latex(entry.rhs, notation)
    return StepResult(entry.index, entry.kind, entry.chain,
                      "claim" if entry.kind == "claim" else entry.relation.value,
                      lhs, rhs, entry.why, outcome.verdict, outcome.method, entry.expected,
                      outcome.detail, outcome.counterexample, round(seconds, 4), entry.note)


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
