"""Soundness of the checker: how many wrong steps it catches, and how often it cries wolf.

`python -m engine.soundness mutants [--seed N] [--limit K] [--jobs J]`
    Every entry of the corpus that the checker accepts (proved or verified) is mutated the way
    a tired author slips: a sign, a factor 2 or a dimension, an exponent, a summation bound, a
    dropped transpose, inverse or term, swapped matrix factors. One mutation per mutant, built by
    replacing one subtree (`xreplace`, so equal copies of that subtree change together). A
    separate filter evaluates the original and the mutant on random instances and keeps only
    mutants that really differ; the checker must refute ("kill") each of them. Entries with
    E[.], Var or Cov are skipped and counted (the filter cannot evaluate them at a point).
`python -m engine.soundness sweep [--seeds 200]`
    `check all` under many seeds: no entry that should hold may be refuted, and no verdict may
    depend on the seed.

Library functions return plain results; only `main` prints.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy as sp

from .budget import Pool, TimedOut, register
from .check import CheckSettings, check_derivations, check_relation, plan, step_rng
from .errors import DeclarationError, NotEvaluable
from .evaluate import ShapeError, evaluate
from .model import Relation, Verdict
from .checkers.statistical import has_moments as _has_moments
from .ops import Inner
from .results import Outcome
from .sampling import DomainError, needed_declarations, sample_instance
from .scope import Dim

# What the non-equivalence filter concluded about a mutant.
DIFFERENT = "different"        # some instance separates it from the original: must be killed
EQUIVALENT = "equivalent"      # agreed with the original on every instance: dropped
INVALID = "invalid"            # cannot be evaluated (shapes, out-of-range index): checked apart
UNDEFINED = "undefined"        # outside its domain wherever the original is defined: dropped
UNDECIDED = "undecided"        # too few instances (or the original is not evaluable): dropped

FILTER_INSTANCES = 8
FILTER_GAP = 1e-6              # the checker's own refutation margin


@dataclass(frozen=True)
class Mutant:
    kind: str                  # e.g. "flip the sign of a term"
    expr: Any


@dataclass(frozen=True)
class MutantResult:
    """One mutant of entry `index` of `derivation`, and what the checker said about it."""

    derivation: str
    index: int
    group: str                 # how the original entry was decided: "numeric", "expand", ...
    kind: str
    mutant: str
    filtered: str              # DIFFERENT or INVALID
    verdict: Verdict
    method: str
    detail: str = ""

    @property
    def killed(self) -> bool:
        return self.verdict == Verdict.REFUTED


@dataclass(frozen=True)
class MutationReport:
    results: tuple[MutantResult, ...]            # mutants the filter found different
    invalid: tuple[MutantResult, ...]            # mutants that cannot be evaluated
    entries: int                                 # accepted entries that were mutated
    not_accepted: int                            # entries refuted, unknown or error: not mutated
    skipped_expectation: int                     # entries with E[.], Var, Cov: out of scope
    skipped_mutants: int                         # mutants those entries would have given
    skipped_relation: int = 0                    # entries with ≈, =>, <=> or holds: not mutated
    dropped: dict = field(default_factory=dict)  # EQUIVALENT/UNDEFINED/UNDECIDED -> count
    equivalent: tuple = ()                       # (id, index, kind, mutant) the filter dropped
    seconds: float = 0.0

    def kill_rates(self) -> dict:
        """{group: (killed, total)} for each way the originals were decided, and "overall"."""
        rates: dict = defaultdict(lambda: [0, 0])
        for result in self.results:
            for group in (result.group, "overall"):
                rates[group][0] += result.killed
                rates[group][1] += 1
        return {group: tuple(counts) for group, counts in sorted(rates.items())}

    @property
    def survivors(self) -> tuple[MutantResult, ...]:
        return tuple(r for r in self.results if not r.killed)


# -- making mutants ----------------------------------------------------------------------

def mutants_of(expr, dims=()) -> list[Mutant]:
    """Every single-mutation variant of `expr` in a fixed order, without duplicates (two mutants
    that print alike count once) and without the original. `dims` are the dimension symbols a
    term may be scaled by."""
    expr = sp.sympify(expr)
    found: dict = {}
    for node in _nodes(expr):
        for kind, replacement in _safe(_mutations(node, expr, dims)):
            try:
                mutant = replacement if node is expr else expr.xreplace({node: replacement})
                text = str(mutant)
            except (TypeError, ValueError, AttributeError, NotImplementedError, IndexError):
                continue       # SymPy rejects it outright (e.g. a shape check): not a mutant
            if mutant != expr and text != str(expr) and text not in found:
                found[text] = Mutant(kind, mutant)
    return list(found.values())


def _safe(mutations):
    """The mutations a generator yields, skipping one SymPy refuses to build (a swap of
    factors whose shapes do not align raises inside the generator)."""
    while True:
        try:
            yield next(mutations)
        except StopIteration:
            return
        except (TypeError, ValueError, AttributeError, NotImplementedError, IndexError):
            continue


def _nodes(expr):
    """The subtrees a mutation may replace, in preorder; not inside symbols' shapes, indices
    or summation limits (bounds are mutated through their Sum)."""
    yield expr
    if isinstance(expr, (sp.MatrixSymbol, sp.Identity, sp.ZeroMatrix, sp.OneMatrix, sp.Indexed,
                         sp.IndexedBase, sp.Symbol)):
        return
    children = [expr.function] if isinstance(expr, (sp.Sum, sp.Product)) else expr.args
    for child in children:
        yield from _nodes(child)


def _mutations(node, whole, dims):
    """(kind, replacement of `node`) pairs; the whole side also gets a sign flip and scaling."""
    if node is whole:
        yield "flip the sign of the whole side", -node
        if not isinstance(node, (sp.Add, sp.MatAdd, sp.Tuple)):
            for factor in (2, *dims):
                yield f"scale a term by {factor}", factor * node
    if isinstance(node, (sp.Add, sp.MatAdd)):
        terms = node.args
        for k, term in enumerate(terms):
            yield "flip the sign of a term", _replaced(node, k, -term)
            for factor in (2, *dims):
                yield f"scale a term by {factor}", _replaced(node, k, factor * term)
            rest = terms[:k] + terms[k + 1:]
            yield "drop a term", rest[0] if len(rest) == 1 else node.func(*rest)
    elif isinstance(node, sp.Pow):
        yield "raise an exponent by 1", sp.Pow(node.base, node.exp + 1)
        yield "lower an exponent by 1", sp.Pow(node.base, node.exp - 1)
        if node.exp.is_negative:
            yield "drop an inverse", sp.Pow(node.base, -node.exp)
    elif isinstance(node, sp.MatPow):
        yield "raise an exponent by 1", sp.MatPow(node.base, node.exp + 1)
        yield "lower an exponent by 1", sp.MatPow(node.base, node.exp - 1)
        if node.exp.is_negative:
            yield "drop an inverse", (node.base if node.exp == -1
                                      else sp.MatPow(node.base, -node.exp))
    elif isinstance(node, sp.Inverse):
        yield "drop an inverse", node.arg
        yield "lower an exponent by 1", sp.MatPow(node.arg, -2)
        yield "raise an exponent by 1", sp.MatPow(node.arg, 0)
    elif isinstance(node, sp.Transpose):
        yield "drop a transpose", node.arg
    elif isinstance(node, sp.MatMul):
        places = [k for k, arg in enumerate(node.args) if arg.is_Matrix]
        for p, q in zip(places, places[1:]):
            args = list(node.args)
            args[p], args[q] = args[q], args[p]
            try:
                swapped = node.func(*args)
            except ValueError:          # the swapped shapes do not align: no such mutant
                continue
            yield "swap two matrix factors", swapped
    elif isinstance(node, (sp.Sum, sp.Product)):
        for k, limit in enumerate(node.limits):
            for position, name in ((1, "lower"), (2, "upper")):
                for delta in (1, -1):
                    changed = list(limit)
                    changed[position] = changed[position] + delta
                    limits = list(node.limits)
                    limits[k] = tuple(changed)
                    yield f"{name} summation bound {delta:+d}", node.func(node.function, *limits)


def _replaced(node, k, new):
    args = list(node.args)
    args[k] = new
    return node.func(*args)


# -- the non-equivalence filter ----------------------------------------------------------

def classify(original, mutant, scope, rng: np.random.Generator,
             instances: int = FILTER_INSTANCES) -> str:
    """DIFFERENT if some of `instances` random instances of the scope (half of them at the
    largest declared sizes) separates `mutant` from `original` by more than FILTER_GAP
    (relative), EQUIVALENT if all of them agree; INVALID if
    the mutant is ill-formed (mismatched shapes, also when only some sizes reveal it),
    UNDEFINED or UNDECIDED when too few instances can be evaluated. Uses the evaluator only,
    never the checkers."""
    if not _well_formed(mutant):
        return INVALID
    try:
        declarations = needed_declarations(scope, [original, mutant])
    except DeclarationError:
        return INVALID
    largest = {name: decl.high for name, decl in declarations if isinstance(decl, Dim)}
    agreed = differed = undefined = 0
    for kind, left, right in _pairs(original, mutant, scope, declarations, rng, 5 * instances,
                                    largest):
        if kind != "pair":
            if kind == UNDEFINED:
                undefined += 1
                continue
            return kind
        gap = _gap(left, right)
        if gap is None:
            return INVALID
        differed += gap > FILTER_GAP
        agreed += gap <= FILTER_GAP
        if agreed + differed == instances:
            break
    if differed:
        return DIFFERENT
    if agreed == instances:
        return EQUIVALENT
    return UNDEFINED if undefined and not agreed else UNDECIDED


def _pairs(first, second, scope, declarations, rng, attempts: int, largest=None):
    """("pair", first, second) evaluated at random instances (every other one at the `largest`
    sizes when given: small ones hide differences); (UNDEFINED, None, None) where only `second`
    is outside its domain; a last (UNDECIDED or INVALID, None, None) when `first` or `second`
    cannot be evaluated at all."""
    for attempt in range(attempts):
        try:
            values = sample_instance(scope, declarations, rng,
                                     dims=largest if largest and attempt % 2 else None)
            left = evaluate(first, values)
        except DomainError:
            continue
        except (NotEvaluable, ShapeError, DeclarationError):
            yield UNDECIDED, None, None
            return
        try:
            right = evaluate(second, values)
        except DomainError:
            yield UNDEFINED, None, None
            continue
        except (NotEvaluable, ShapeError, DeclarationError):
            yield INVALID, None, None
            return
        yield "pair", left, right


_HOLDS = {Relation.LE: lambda a, b, m: a <= b + m, Relation.LT: lambda a, b, m: a < b + m,
          Relation.GE: lambda a, b, m: a + m >= b, Relation.GT: lambda a, b, m: a + m > b}


def classify_inequality(relation: Relation, lhs, mutant, scope, rng: np.random.Generator,
                        instances: int = FILTER_INSTANCES * 4) -> str:
    """For an inequality entry `lhs relation rhs`: DIFFERENT if at some random instance
    `lhs relation mutant` fails by more than FILTER_GAP (relative), so the mutant makes the
    step really wrong; EQUIVALENT if it holds at every instance tried; INVALID, UNDEFINED or
    UNDECIDED as `classify`. Uses the evaluator only."""
    if not _well_formed(mutant):
        return INVALID
    try:
        declarations = needed_declarations(scope, [lhs, mutant])
    except DeclarationError:
        return INVALID
    held = undefined = 0
    for kind, left, right in _pairs(lhs, mutant, scope, declarations, rng, 5 * instances):
        if kind != "pair":
            if kind == UNDEFINED:
                undefined += 1
                continue
            return kind
        try:
            a, b = float(np.asarray(left, dtype=float).reshape(())), \
                float(np.asarray(right, dtype=float).reshape(()))
        except (TypeError, ValueError):
            return INVALID
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        margin = FILTER_GAP * max(1.0, abs(a), abs(b))
        if not _HOLDS[relation](a, b, margin):
            return DIFFERENT
        held += 1
        if held == instances:
            return EQUIVALENT
    return UNDEFINED if undefined and not held else UNDECIDED


def _well_formed(expr) -> bool:
    """False when a product or sum inside `expr` has operands whose symbolic shapes differ
    (SymPy builds such products without complaint)."""
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatMul):
            factors = [arg for arg in node.args if arg.is_Matrix]
            if any(sp.sympify(a.cols - b.rows) != 0 for a, b in zip(factors, factors[1:])):
                return False
        elif isinstance(node, sp.MatAdd):
            if len({tuple(arg.shape) for arg in node.args}) > 1:
                return False
        elif isinstance(node, Inner):
            row, column = node.args
            if row.shape[0] != 1 or column.shape[1] != 1 or sp.sympify(
                    row.shape[1] - column.shape[0]) != 0:
                return False
    return True


def _gap(left, right):
    """Relative entrywise gap, or None when the shapes differ (a 1 x 1 matrix is a scalar)."""
    if isinstance(left, tuple) or isinstance(right, tuple):
        if not (isinstance(left, tuple) and isinstance(right, tuple)) or len(left) != len(right):
            return None
        gaps = [_gap(a, b) for a, b in zip(left, right)]
        return None if None in gaps else max(gaps, default=0.0)
    a, b = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
    if a.shape != b.shape:
        if a.size != 1 or b.size != 1:
            return None
        a, b = a.reshape(()), b.reshape(())
    scale = max(1.0, float(np.max(np.abs(a), initial=0)), float(np.max(np.abs(b), initial=0)))
    return float(np.max(np.abs(a - b), initial=0)) / scale


# -- mutation testing --------------------------------------------------------------------

def method_group(method: str) -> str:
    """The kind of evidence in a method string: "numeric", "exact moments", or the symbolic
    form that decided ("expand", "identical", ...), without trial counts and qualifiers."""
    return method.split(":")[0].split(" (")[0]


@dataclass(frozen=True)
class _Candidate:
    """Mutant `number` of entry `index`: the checker must decide `lhs = mutant.expr`."""
    derivation: Any
    index: int
    group: str
    lhs: Any
    rhs: Any
    number: int
    mutant: Mutant

    relation: Relation = Relation.EQ

    def classify(self, seed: int):
        rng = np.random.default_rng(_seed(seed, self.derivation.id, self.index, self.number))
        if self.relation in _HOLDS:
            return lambda: classify_inequality(self.relation, self.lhs, self.mutant.expr,
                                               self.derivation.scope, rng)
        return lambda: classify(self.rhs, self.mutant.expr, self.derivation.scope, rng)

    def check(self, settings: CheckSettings):
        rng = step_rng(settings.seed, f"{self.derivation.id}@{self.index}~{self.number}", 1)
        return lambda: check_relation(self.relation, self.lhs, self.mutant.expr,
                                      self.derivation.scope, rng, settings)


def run_mutation(derivations, settings: CheckSettings = CheckSettings(), *,
                 limit: int | None = None, jobs: int = 1) -> MutationReport:
    """Mutate every accepted entry of `derivations` and check the mutants that really differ.

    A claim entry is mutated at its right side and checked against the chain's last
    expression. `limit` keeps at most that many mutants per entry (a seeded choice, in order).
    Filter and checker run in worker processes under `settings.timeout` each."""
    began = time.perf_counter()
    run = check_derivations(derivations, settings, jobs=jobs)
    verdicts = {(d.id, s.index): s for d in run.derivations for s in d.steps}
    candidates, not_accepted, skipped, skipped_mutants, skipped_relation = [], 0, 0, 0, 0
    for derivation in derivations:
        dims = [d.symbol for d in derivation.scope.declarations.values() if isinstance(d, Dim)]
        for entry in plan(derivation):
            lhs, rhs = (entry.lhs[1], entry.rhs[1]) if entry.kind == "claim" else (entry.lhs,
                                                                                 entry.rhs)
            relation = (entry.claim_relation or entry.relation) if entry.kind == "claim" \
                else entry.relation
            if relation not in (Relation.EQ, *_HOLDS) or lhs is sp.true:
                skipped_relation += 1      # approximations and statements: not mutated
                continue
            mutants = mutants_of(rhs, dims)
            if _has_moments(lhs) or _has_moments(rhs):
                skipped += 1
                skipped_mutants += len(mutants)
                continue
            result = verdicts.get((derivation.id, entry.index))
            if result is None or not result.verdict.holds:
                not_accepted += 1
                continue
            if limit is not None and len(mutants) > limit:
                rng = np.random.default_rng(_seed(settings.seed, derivation.id, entry.index))
                mutants = [mutants[k] for k in sorted(rng.choice(len(mutants), limit, False))]
            group = method_group(result.method)
            if relation != Relation.EQ:
                group = f"{relation.value} {group}"
            candidates += [_Candidate(derivation, entry.index, group, lhs, rhs, number, mutant,
                                      relation)
                           for number, mutant in enumerate(mutants)]
    labels = [label if isinstance(label, str) else UNDECIDED     # a filter that timed out
              for label in _run_all([c.classify(settings.seed) for c in candidates],
                                    settings.timeout, jobs)]
    kept = [(c, label) for c, label in zip(candidates, labels) if label in (DIFFERENT, INVALID)]
    outcomes = _run_all([c.check(settings) for c, _ in kept], settings.timeout, jobs)
    results = [MutantResult(c.derivation.id, c.index, c.group, c.mutant.kind, str(c.mutant.expr),
                            label, o.verdict, o.method, o.detail)
               for (c, label), o in zip(kept, outcomes)]
    return MutationReport(
        results=tuple(r for r in results if r.filtered == DIFFERENT),
        invalid=tuple(r for r in results if r.filtered == INVALID),
        entries=len({(c.derivation.id, c.index) for c in candidates}),
        not_accepted=not_accepted, skipped_expectation=skipped, skipped_mutants=skipped_mutants,
        skipped_relation=skipped_relation,
        dropped=dict(Counter(label for label in labels if label not in (DIFFERENT, INVALID))),
        equivalent=tuple((c.derivation.id, c.index, c.mutant.kind, str(c.mutant.expr))
                         for c, label in zip(candidates, labels) if label == EQUIVALENT),
        seconds=time.perf_counter() - began)


def _run_all(works, seconds: float, jobs: int) -> list:
    """The works' results in order, each under the time budget in a worker process; a timeout
    or a crash becomes an `unknown`/`error` Outcome."""
    handles = [register(work) for work in works]
    with Pool(seconds, jobs) as pool:
        done = pool.run(handles)
    values = []
    for handle in handles:
        value, _ = done[handle]
        if isinstance(value, TimedOut):
            value = Outcome(Verdict.UNKNOWN, "timeout", str(value))
        elif isinstance(value, Exception):
            value = Outcome(Verdict.ERROR, "none", f"checking failed: {value}")
        values.append(value)
    return values


def _seed(*parts) -> int:
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little")


# -- the false-alarm sweep ---------------------------------------------------------------

@dataclass(frozen=True)
class SweepReport:
    seeds: tuple[int, ...]
    verdicts: dict             # (derivation id, index) -> tuple of verdicts, one per seed
    expected: dict             # (derivation id, index) -> expected Verdict or None
    seconds: float
    methods: dict = field(default_factory=dict)   # (derivation id, index) -> set of methods
    alpha: float | None = None                    # designed Monte Carlo false-alarm rate

    @property
    def monte_carlo(self) -> list:
        """(id, index) of the entries some seed decided by a Monte Carlo test."""
        return [key for key, methods in sorted(self.methods.items())
                if any(m.startswith("Monte Carlo") for m in methods)]

    def monte_carlo_summary(self) -> str:
        """One line: the Monte Carlo tests' designed false-alarm rate against what was seen."""
        if self.alpha is None:
            return "designed Monte Carlo false-alarm rate: not applicable (no statistical checker)"
        decided = self.monte_carlo
        if not decided:
            return (f"designed Monte Carlo false-alarm rate: alpha {self.alpha:g} per step; not "
                    "exercised (no entry was decided by a Monte Carlo test; the other checkers "
                    "compare float64 evaluations deterministically)")
        runs = len(decided) * len(self.seeds)
        observed = sum(1 for ident, index, _ in self.false_alarms if (ident, index) in decided)
        return (f"designed Monte Carlo false-alarm rate: alpha {self.alpha:g} per step; "
                f"{len(decided)} entries decided by Monte Carlo x {len(self.seeds)} seeds = "
                f"{runs} tests, expected false alarms <= {self.alpha * runs:.2g}, observed "
                f"{observed}")

    @property
    def false_alarms(self) -> list:
        """(id, index, seed) for each refutation of an entry that should hold."""
        return [(key[0], key[1], seed) for key, verdicts in sorted(self.verdicts.items())
                if self.expected[key] in (None, Verdict.PROVED, Verdict.VERIFIED)
                for seed, verdict in zip(self.seeds, verdicts) if verdict == Verdict.REFUTED]

    @property
    def flaky(self) -> dict:
        """(id, index) -> {verdict: number of seeds} for entries whose verdict varies."""
        return {key: dict(Counter(v.value for v in verdicts))
                for key, verdicts in sorted(self.verdicts.items()) if len(set(verdicts)) > 1}

    @property
    def missed(self) -> list:
        """(id, index, seed) where an expected refutation did not happen."""
        return [(key[0], key[1], seed) for key, verdicts in sorted(self.verdicts.items())
                if self.expected[key] == Verdict.REFUTED
                for seed, verdict in zip(self.seeds, verdicts) if verdict != Verdict.REFUTED]


def sweep(derivations, seeds, *, timeout: float = 10.0, jobs: int = 1) -> SweepReport:
    """`check all` once per seed; every entry's verdicts across the seeds."""
    began = time.perf_counter()
    verdicts: dict = defaultdict(list)
    methods: dict = defaultdict(set)
    expected: dict = {}
    for seed in seeds:
        run = check_derivations(derivations, CheckSettings(seed=seed, timeout=timeout), jobs=jobs)
        for derivation in run.derivations:
            for step in derivation.steps:
                key = (derivation.id, step.index)
                verdicts[key].append(step.verdict)
                methods[key].add(step.method)
                expected[key] = step.expected
    return SweepReport(tuple(seeds), {k: tuple(v) for k, v in verdicts.items()}, expected,
                       time.perf_counter() - began, dict(methods),
                       CheckSettings().statistical.alpha)


# -- command line ------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.soundness", description=__doc__
                                     .split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    mutants = commands.add_parser("mutants", help="mutation testing of the checker")
    mutants.add_argument("--seed", type=int, default=CheckSettings().seed)
    mutants.add_argument("--limit", type=int, default=None, metavar="K",
                         help="at most K mutants per entry (default: all)")
    mutants.add_argument("--all", action="store_true",
                         help="list killed and equivalent mutants too")
    swept = commands.add_parser("sweep", help="check all under many seeds: false alarms, flakiness")
    swept.add_argument("--seeds", type=int, default=200, metavar="N")
    swept.add_argument("--first-seed", type=int, default=1)
    for sub in (mutants, swept):
        sub.add_argument("--path", default=None, metavar="DIR",
                         help="folder of derivation modules (default: the bundled derivations/)")
        sub.add_argument("--jobs", "-j", type=int, default=1)
        sub.add_argument("--timeout", type=float, default=10.0, help="seconds per check")
    args = parser.parse_args(argv)

    from .registry import BUNDLED, collect
    collection = collect(args.path or BUNDLED)
    for error in collection.errors:
        print(f"error: {error}", file=sys.stderr)
    if args.command == "mutants":
        report = run_mutation(collection.derivations,
                              CheckSettings(seed=args.seed, timeout=args.timeout),
                              limit=args.limit, jobs=args.jobs)
        print("\n".join(_mutation_lines(report, args.all)))
        return 0 if not report.survivors else 1
    report = sweep(collection.derivations, range(args.first_seed, args.first_seed + args.seeds),
                   timeout=args.timeout, jobs=args.jobs)
    print("\n".join(_sweep_lines(report)))
    return 0 if not report.false_alarms else 1


def _mutation_lines(report: MutationReport, every: bool) -> list[str]:
    lines = [f"mutated {report.entries} accepted entries; not mutated: {report.not_accepted} "
             f"entries refuted/unknown/error, {report.skipped_expectation} entries with E[.] "
             f"(out of scope, {report.skipped_mutants} mutants not made), "
             f"{report.skipped_relation} approximations and statements (not mutated)",
             "dropped by the non-equivalence filter: " + (", ".join(
                 f"{n} {label}" for label, n in sorted(report.dropped.items())) or "none")]
    for group, (killed, total) in report.kill_rates().items():
        lines.append(f"kill rate {group:<16} {killed}/{total} = {100 * killed / total:.1f}%")
    accepted = [r for r in report.invalid if r.verdict.holds]
    lines.append(f"invalid mutants (shapes, indices): {len(report.invalid)}, of which accepted "
                 f"by the checker: {len(accepted)}")
    shown = report.results if every else report.survivors + tuple(accepted)
    for r in shown:
        lines.append(f"{'killed ' if r.killed else 'SURVIVED'} {r.derivation} #{r.index} "
                     f"[{r.group}] {r.kind}: {r.verdict.value} ({r.method})"
                     + (f" {r.detail}" if r.detail and not r.killed else ""))
        lines.append(f"    {r.mutant}")
    if every:
        lines += [f"equivalent (dropped) {ident} #{index} {kind}: {mutant}"
                  for ident, index, kind, mutant in report.equivalent]
    lines.append(f"{len(report.results)} mutants checked in {report.seconds:.1f} s; "
                 f"{len(report.survivors)} survived")
    return lines


def _sweep_lines(report: SweepReport) -> list[str]:
    lines = [f"{len(report.seeds)} seeds ({report.seeds[0]}..{report.seeds[-1]}), "
             f"{len(report.verdicts)} entries each, {report.seconds:.1f} s "
             f"({report.seconds / max(1, len(report.seeds)):.2f} s per seed)",
             f"false alarms (entries expected to hold, refuted): {len(report.false_alarms)}"]
    lines += [f"    {ident} #{index} refuted with seed {seed}"
              for ident, index, seed in report.false_alarms]
    lines.append(f"flaky entries (verdict depends on the seed): {len(report.flaky)}")
    lines += [f"    {ident} #{index}: {counts}" for (ident, index), counts in report.flaky.items()]
    lines.append(f"expected refutations missed: {len(report.missed)}")
    lines.append(report.monte_carlo_summary())
    return lines


if __name__ == "__main__":
    sys.exit(main())
