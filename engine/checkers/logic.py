"""Evidence for statements: `A => B` and `A <=> B` between boolean SymPy expressions
(relationals, And, Or, Not, Implies, Equivalent, true, false), and "for all" facts: `holds(P)`
is the standalone fact `true => P`, over the domains the scope declares.

1. truth values: statements without free symbols are decided exactly; an implication whose
   conclusion is true (or whose premise is false) holds outright; a for-all fact stating one
   inequality goes to the inequality checker (sign proof, else falsification);
2. instances: both statements at `points` instances that probe the domain's edges (interval
   endpoints, 0, magnitudes 1e-6 and 1e6, smallest dimensions) besides random ones. An
   instance where A holds and B does not (for <=>: where they differ), confirmed in exact
   arithmetic where SymPy can, is the witness of `refuted`; an implication needs at least
   MIN_PREMISES instances where A holds to be `verified`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.logic.boolalg import Boolean

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import IndexRangeError, ShapeError, evaluate
from ..model import Relation, Verdict
from ..ops import MatrixEq
from ..results import Outcome
from ..sampling import (DomainError, at_endpoint, kinks_of, needed_declarations, probe_plans,
                        ranges_tested, sample_instance, solutions)
from ..settings import NumericSettings
from . import inequality
from .exact import _exact_value
from .numeric import _readable_values, shrink
from .symbolic import _substitute

POINTS = 64
MIN_PREMISES = 8
_ORDER = {sp.LessThan: Relation.LE, sp.StrictLessThan: Relation.LT,
          sp.GreaterThan: Relation.GE, sp.StrictGreaterThan: Relation.GT}


def is_statement(expr) -> bool:
    """Whether expr is a boolean statement (not a number, symbol or matrix)."""
    return isinstance(expr, Boolean) and not isinstance(expr, (sp.Expr, sp.MatrixExpr))


def check_statement(relation: Relation, premise, conclusion, scope, rng: np.random.Generator,
                    settings: NumericSettings = NumericSettings(), *, full: bool = False,
                    points: int = POINTS) -> Outcome:
    """A verdict for `premise => conclusion` (relation IMPLIES) or `premise <=> conclusion`
    (IFF) under the scope's assumptions; `error` when a side is not a statement."""
    premise, conclusion = sp.sympify(premise), sp.sympify(conclusion)
    for side in (premise, conclusion):
        if not is_statement(side):
            return Outcome(Verdict.ERROR, "logic", f"{relation.value} relates statements "
                           f"(relationals, And, Or, Not, true, false); {side} is not one")
    if relation == Relation.IMPLIES and premise == sp.true and isinstance(conclusion, sp.Implies):
        premise, conclusion = conclusion.args
    decided = _by_truth_values(relation, premise, conclusion, scope.definitions())
    if decided is not None:
        return decided
    if relation == Relation.IMPLIES and premise == sp.true and type(conclusion) in _ORDER:
        return inequality.check_inequality(_ORDER[type(conclusion)], conclusion.lhs,
                                           conclusion.rhs, scope, rng, settings, full=full,
                                           points=points)
    return _on_instances(relation, premise, conclusion, scope, rng, settings, points)


def _by_truth_values(relation, premise, conclusion, definitions) -> Outcome | None:
    """The verdict when the truth values are known without instances, else None."""
    if relation == Relation.IMPLIES and conclusion == sp.true:
        return Outcome(Verdict.PROVED, "truth values", "the conclusion is true")
    if relation == Relation.IMPLIES and premise == sp.false:
        return Outcome(Verdict.PROVED, "truth values",
                       "the premise is false, so the implication holds vacuously")
    truths = []
    for side in (premise, conclusion):
        if _keeps_a_free_symbol(side, definitions):     # cheap: no substitution needed
            return None
        side = _substitute(side, definitions)
        if side.free_symbols or side.has(sp.MatrixSymbol, sp.Indexed):
            return None
        side = side.doit()
        if side not in (sp.true, sp.false):
            return None
        truths.append(side == sp.true)
    if _witness(relation, *truths):
        return Outcome(Verdict.REFUTED, "truth values",
                       f"both statements are constant: {premise} is {truths[0]} and "
                       f"{conclusion} is {truths[1]}",
                       {"values": {}, "lhs": truths[0], "rhs": truths[1], "exact": True})
    return Outcome(Verdict.PROVED, "truth values", f"both statements are constant: {premise} is "
                   f"{truths[0]} and {conclusion} is {truths[1]}")


def _keeps_a_free_symbol(statement, definitions) -> bool:
    """Whether the statement has a declared scalar or matrix that is no definition, so that it
    stays free after the definitions are substituted (substituting large definitions into
    Max, Piecewise, ... costs seconds). Dimensions appearing only in shapes do not count."""
    matrices = statement.atoms(sp.MatrixSymbol)
    if any(m not in definitions for m in matrices):
        return True
    in_shapes = set().union(*(sp.Tuple(*m.shape).free_symbols for m in matrices))
    return any(s not in definitions and s not in in_shapes for s in statement.free_symbols
               if not isinstance(s, sp.MatrixSymbol))


ROUNDED_EXACT = 8


def _witness(relation, premise: bool, conclusion: bool) -> bool:
    return premise and not conclusion if relation == Relation.IMPLIES else premise != conclusion


class _Instances:
    """Truth values of both statements at instances, float64 first, exact where they would
    make a witness (a comparison at a tie can go either way in float64)."""

    def __init__(self, relation, premise, conclusion, scope):
        self.relation, self.premise, self.conclusion, self.scope = (relation, premise,
                                                                    conclusion, scope)
        self.exact = False
        self.matrix_equalities = [m for side in (premise, conclusion)
                                  for m in side.atoms(MatrixEq)]
        self.rounded = 0            # instances re-judged exactly for MatrixEq's tolerance

    def truths(self, values) -> tuple:
        """The truth values (float64; a would-be witness re-judged exactly, and so is an
        instance where matrices agree only up to rounding, MatrixEq's tolerance, which must not
        hide a real difference). An instance exact arithmetic cannot settle is reported as
        None in place of the truth values."""
        floats = tuple(bool(evaluate(side, values)) for side in (self.premise, self.conclusion))
        self.exact = False
        if not _witness(self.relation, *floats) and not self._rounded_agreement(values):
            return floats
        exact = tuple(_exact_truth(side, self.scope, values)
                      for side in (self.premise, self.conclusion))
        if None in exact:
            return None
        self.exact = True
        return exact

    def _rounded_agreement(self, values) -> bool:
        """Whether a matrix equality holds here in float64 only up to its rounding tolerance,
        on one of the first ROUNDED_EXACT such instances (a difference the tolerance hides is
        a term of the statement, present on every instance, so the first ones show it;
        re-judging all of them exactly would cost the step its time budget)."""
        if self.rounded >= ROUNDED_EXACT:
            return False
        for equality in self.matrix_equalities:
            left, right = (np.asarray(evaluate(side, values), dtype=float)
                           for side in (equality.lhs, equality.rhs))
            if not np.array_equal(left, right) and evaluate(equality, values):
                self.rounded += 1
                return True
        return False

    def is_witness(self, values) -> bool:
        try:
            truths = self.truths(values)
        except (DomainError, IndexRangeError, NotEvaluable, ShapeError, DeclarationError):
            return False
        return truths is not None and _witness(self.relation, *truths)

    def is_inner_witness(self, declarations, values) -> bool:
        """A witness with no interval scalar on an endpoint (the scope does not say whether
        endpoints belong to the domain, so a witness there proves nothing)."""
        return self.is_witness(values) and not at_endpoint(declarations, values)


def _exact_truth(statement, scope, values) -> bool | None:
    """The statement's truth value in exact arithmetic (50 digits where an exact power is too
    costly), or None when SymPy cannot settle it."""
    for floats in (False, True):
        try:
            value = _exact_value(statement, scope, values, floats=floats)
        except Exception:    # SymPy cannot evaluate it this way
            continue
        if value in (sp.true, sp.false):
            return bool(value)
        try:                 # comparisons SymPy left unevaluated: decide them at 50 digits
            value = value.xreplace({r: _decide(r) for r in value.atoms(
                sp.core.relational.Relational)})
            value = sp.simplify_logic(value) if value not in (sp.true, sp.false) else value
        except Exception:    # not decidable here
            continue
        if value in (sp.true, sp.false):
            return bool(value)
    return None


def _decide(relational):
    difference = sp.N(relational.lhs - relational.rhs, 50)
    if not difference.is_number or difference.has(sp.I, sp.zoo, sp.nan):
        raise ValueError("undecidable comparison")
    if abs(difference) <= 1e-40 and not isinstance(relational, (sp.Eq, sp.Ne)):
        raise ValueError("a tie too close to call")
    return relational.func(difference, 0)


def _on_instances(relation, premise, conclusion, scope, rng, settings, points) -> Outcome:
    try:
        declarations = needed_declarations(scope, [premise, conclusion])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "logic", exc.message)
    judge = _Instances(relation, premise, conclusion, scope)
    target = points if declarations else 1
    needed = MIN_PREMISES if declarations and relation == Relation.IMPLIES else 0
    found = solutions([premise, conclusion], declarations)
    kinks = kinks_of([premise, conclusion], declarations)
    plans = _witness_plans(found, declarations, scope, rng, probe_plans(declarations, rng, kinks))
    tried = attempts = unconfirmed = 0
    counts = {True: 0, False: 0}         # instances by the premise's truth value
    edges: set = set()                   # interval scalars at whose endpoints a witness sat
    while (tried < target or counts[True] < needed) and attempts < 8 * target:
        attempts += 1
        scalars, dims = next(plans)
        try:
            values = sample_instance(scope, declarations, rng, dims=dims, scalars=scalars,
                                     variant=attempts, wide=True)
            truths = judge.truths(values)
        except (DomainError, IndexRangeError):     # outside the statement's domain
            continue
        except NotEvaluable as exc:
            return Outcome(Verdict.UNKNOWN, "logic", f"cannot evaluate numerically: {exc}")
        except (ShapeError, DeclarationError) as exc:
            return Outcome(Verdict.ERROR, "logic", getattr(exc, "message", str(exc)))
        if truths is None:          # a float64 witness exact arithmetic could not confirm
            unconfirmed += 1
            continue
        if _witness(relation, *truths) and at_endpoint(declarations, values):
            edges.update(at_endpoint(declarations, values))
            continue
        tried += 1
        counts[truths[0]] += 1
        if _witness(relation, *truths):
            return _refute(relation, judge, scope, declarations, rng, settings, values)
    method = f"instances: {tried} points incl. boundary and extremes"
    if unconfirmed:
        return Outcome(Verdict.UNKNOWN, "logic",
                       f"no confirmed witness in {tried} instances, but at {unconfirmed} float64 "
                       "makes one and exact arithmetic could not settle it")
    ranges = ranges_tested(declarations)
    if ranges:
        method_ranges = f"; {ranges}, extremes +-1e12 (integers +-10^9)"
    else:
        method_ranges = ""
    if found:
        method_ranges += (f"; {len(found)} solved boundary/witness plans "
                          "(the equations and kinks solved by SymPy)")
    edge_note = (f"; a witness exists when {', '.join(sorted(edges))} sits on an endpoint of "
                 "its interval, which counts only if the endpoint belongs to the domain (the "
                 "scope does not say)") if edges else ""
    if relation == Relation.IMPLIES:
        if counts[True] < needed:
            return Outcome(Verdict.UNKNOWN, "logic", f"could not sample instances satisfying A: "
                           f"only {counts[True]} of {tried} instances satisfied the premise "
                           f"(at least {needed} are needed)")
        return Outcome(Verdict.VERIFIED, method,
                       f"the conclusion held on all {counts[True]} of {tried} instances where "
                       "the premise held; evidence, weaker than a proof" + method_ranges
                       + edge_note)
    detail = (f"the statements agreed on all {tried} instances (A true on {counts[True]}, false "
              f"on {counts[False]}); evidence, weaker than a proof")
    if not (counts[True] and counts[False]) and declarations:
        only = counts[True] > 0
        return Outcome(Verdict.UNKNOWN, "logic",
                       f"A was {only} on every one of {tried} instances, so only "
                       f"{'A => B' if only else 'not A => not B'} was tested; the other "
                       "direction decides nothing without instances" + edge_note)
    return Outcome(Verdict.VERIFIED, method, detail + method_ranges + edge_note)


def _witness_plans(found, declarations, scope, rng, plans, draws: int = 2, cap: int = 12):
    """Plans (scalars, dims): first each solved scalar walked across the cells its solutions
    cut the line into, then `plans` interleaved with more draws on the solutions themselves.

    On each of `draws` draws of the other scalars, the solutions of one scalar (x = -2 for
    x^2 = 4; y = -x and y = x for x^2 = y^2, with x drawn) are evaluated and sorted; the plan
    tries the midpoint between neighbours, a point beyond either end and each solution. A
    statement built from these relations keeps its truth value inside a cell, so a witness band
    such as 1/(2 lam) <= eps < 1/lam is entered at its inside, not only at a tie that float64
    rounding can move to either side. Afterwards every other plan sits on a solution again (on
    a new draw): a premise that is an equation holds nowhere else, and needs MIN_PREMISES
    instances."""
    by_name: dict = {}
    for name, root in found:
        by_name.setdefault(name, []).append(root)
    solved = []                               # scalars with a solution in the others
    for name, roots in by_name.items():
        if all(isinstance(root, float) for root in roots):   # numeric kinks only: the probes
            yield from (({name: root}, {}) for root in roots if np.isfinite(root))  # walk them
        else:
            solved.append((name, roots))
    for name, roots in solved:
        for _ in range(draws):
            drawn = _solutions_on_a_draw(name, roots, declarations, scope, rng)
            if drawn is None:
                continue
            others, at = drawn
            cells = [(a + b) / 2 for a, b in zip(at, at[1:])]       # inside each cell first
            cells += [at[0] - max(1.0, abs(at[0])), at[-1] + max(1.0, abs(at[-1]))] + at
            for value in cells[:cap]:
                yield ({**others, name: value}, {})
    turn = 0
    for plan in plans:
        yield plan
        if solved:
            name, roots = solved[turn % len(solved)]
            turn += 1
            drawn = _solutions_on_a_draw(name, roots, declarations, scope, rng)
            if drawn is not None:
                others, at = drawn
                yield ({**others, name: at[turn % len(at)]}, {})


def _solutions_on_a_draw(name, roots, declarations, scope, rng):
    """(the other scalars drawn, the sorted finite values of `name`'s solutions there), or
    None when the draw or every solution fails."""
    from ..evaluate import evaluate as value_of
    try:
        values = sample_instance(scope, declarations, rng, wide=False)
        others = {n: float(values[d.symbol]) for n, d in declarations
                  if hasattr(d, "kind") and d.symbol in values and n != name}
    except Exception:            # no instance on this draw
        return None
    at = []
    for root in roots:
        try:
            at.append(root if isinstance(root, float) else float(value_of(root, values)))
        except Exception:        # the solution has no value on this draw
            continue
    at = sorted({v for v in at if np.isfinite(v)})
    return (others, at) if at else None


def _refute(relation, judge, scope, declarations, rng, settings, values) -> Outcome:
    from ..shrink import shrink_instance
    best = shrink(lambda v: (1.0 if judge.is_inner_witness(declarations, v) else 0.0, 0.0),
                  scope, declarations, rng, settings)
    if best is not None:
        values = best[0]
    values = shrink_instance(values, declarations, scope, rng,
                             lambda v: judge.is_inner_witness(declarations, v))
    premise, conclusion = judge.truths(values)
    how = "confirmed in exact arithmetic" if judge.exact else "float64 evaluation"
    what = ("the premise holds and the conclusion does not" if relation == Relation.IMPLIES
            else f"the statements differ (A is {premise}, B is {conclusion})")
    return Outcome(Verdict.REFUTED, "logic: witness", f"{what} here ({how})",
                   {"values": _readable_values(values, declarations), "lhs": premise,
                    "rhs": conclusion, "exact": judge.exact})
