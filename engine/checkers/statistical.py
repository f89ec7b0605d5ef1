"""Evidence for steps with E[.], Var(.) and Cov(.,.) over declared random variables.

Routes, cheapest and strongest first:
1. pointwise: both sides are linear in E[.] with deterministic coefficients and the integrands
   agree for every outcome, so the expectations agree by linearity of E;
2. exact moments: on random instances of the deterministic symbols, every E[f] is computed
   exactly from the distributions' means and variances, which is possible when f is a
   polynomial of degree <= 2 in each random declaration (fitted, then confirmed at extra
   points); both sides are then compared like the numeric checker does;
3. Monte Carlo: otherwise `samples` draws per instance and a z-test of lhs - rhs (delta
   method), two-sided, with a per-step false-alarm probability of `alpha` (normal
   approximation) split over instances, outputs and distributions.
A definite integral of a deterministic integrand (E[z^2] = int z^2 f_z(z) dz, with the density
written out) is evaluated on each instance by quadrature, so it can be set against E[.].
"""
from __future__ import annotations

import functools
import itertools
from statistics import NormalDist

import numpy as np
import sympy as sp

from ..errors import DeclarationError, NotEvaluable
from ..evaluate import ShapeError, evaluate
from ..model import Verdict
from ..ops import ConditionalExpectation, Covariance, Expectation, Variance, scalar_of
from ..results import Outcome
from ..sampling import (DomainError, concrete, draw_random, needed_declarations,
                        sample_instance)
from ..scope import Definition, Dim, Eigendecomposition, Random
from ..settings import StatisticalSettings
from . import conditional, integrands, numeric


Settings = StatisticalSettings


class NotPolynomial(Exception):
    """An integrand is not a polynomial of degree <= 2 in some random declaration."""


class GridTooLarge(NotPolynomial):
    """The exact-moment grid (the product of the declarations' point counts) is too large to
    evaluate within a step's budget; Monte Carlo decides instead."""


MAX_GRID_POINTS = 400_000   # the exact grid of E[(y_2)_1^2] in Ryu P2 has about 150 000


def has_moments(expr) -> bool:
    return isinstance(expr, sp.Basic) and expr.has(Expectation, ConditionalExpectation,
                                                   Variance, Covariance)


def check_expectations(lhs, rhs, scope, rng, numeric_settings: numeric.Settings,
                       settings: Settings = Settings()) -> Outcome:
    """A verdict for `lhs = rhs` where the sides take expectations over the scope's randoms."""
    lhs, rhs = in_expectations(sp.sympify(lhs)), in_expectations(sp.sympify(rhs))
    if conditional.has_conditioning(lhs, rhs):
        try:
            lhs, rhs, scope = conditional.without_conditioning(lhs, rhs, scope)
        except conditional.NotConditionable as exc:
            return Outcome(Verdict.UNKNOWN, "conditional expectation", str(exc))
    for side in (lhs, rhs):
        for term in side.atoms(Expectation):
            if term.args[0].has(Expectation):
                return Outcome(Verdict.UNKNOWN, "none", "E[.] of an integrand that holds "
                               "another E[.] (write the inner one as a number or as E[. | y])")
    try:
        declarations = needed_declarations(scope, [lhs, rhs])
    except DeclarationError as exc:
        return Outcome(Verdict.ERROR, "statistical", exc.message)
    random_names = _random_names(scope, declarations)
    lhs, rhs = (_hoist(side, random_names) for side in (lhs, rhs))
    pointwise = _pointwise(lhs, rhs, scope, random_names, rng, numeric_settings)
    if pointwise is not None:
        return pointwise
    randoms = [decl for name, decl in declarations if isinstance(decl, Random)]
    families = max((len(d.distribution.members()) for d in randoms), default=1)
    outcomes = []
    for member in range(families):
        outcome = _by_moments(lhs, rhs, scope, declarations, random_names, rng,
                              numeric_settings, settings, member, families)
        if families > 1:
            names = ", ".join(f"{d.symbol} ~ {concrete(d, member).describe()}" for d in randoms)
            outcome = Outcome(outcome.verdict, outcome.method,
                              f"{outcome.detail} [with {names}]".strip(), outcome.counterexample)
        if outcome.verdict != Verdict.VERIFIED:
            return outcome
        outcomes.append(outcome)
    if families == 1:
        return outcomes[0]
    described = "; ".join(", ".join(f"{d.symbol} ~ {concrete(d, m).describe()}" for d in randoms)
                          for m in range(families))
    methods = sorted({o.method.split(":")[0] for o in outcomes})
    return Outcome(Verdict.VERIFIED, " + ".join(methods) + f": {families} distributions",
                   f"holds for each of {families} symmetric distributions: {described}")


def in_expectations(expr):
    """expr with Var and Cov written as expectations."""
    if not isinstance(expr, sp.Basic):
        return expr
    return expr.replace(lambda e: isinstance(e, (Variance, Covariance)),
                        lambda e: e.in_expectations())


def _random_names(scope, declarations) -> set:
    """Names of the random declarations among `declarations` (those the step needs) and of the
    definitions among them that depend on one (only those are recomputed per draw: a definition
    the step does not use may depend on a random it does not draw)."""
    names = set()
    needed = {name for name, _ in declarations}
    for name, decl in scope.declarations.items():
        if name not in needed:
            continue
        if isinstance(decl, Random):
            names.add(name)
        elif isinstance(decl, Definition):
            used = {getattr(a, "name", str(a)) for a in decl.expr.free_symbols} | {
                a.name for a in decl.expr.atoms(sp.MatrixSymbol)}
            if used & names:
                names.add(name)
    return names


def _mentions(expr, names: set) -> bool:
    atoms = expr.atoms(sp.Symbol, sp.MatrixSymbol)
    return any(getattr(a, "name", None) in names for a in atoms)


# -- route 1: pointwise -------------------------------------------------------------------

def _hoist(expr, random_names):
    """Sums of E-terms with deterministic coefficients rewritten as one E of the sum
    (sum_i c_i E[f_i] = E[sum_i c_i f_i]), so no E-term depends on a summation index."""
    def movable(e):
        return (isinstance(e, sp.Sum) and e.function.has(Expectation)
                and _linear_in_expectations(e.function, random_names)
                and not any(_mentions(sp.Tuple(*limit[1:]), random_names) for limit in e.limits))

    def hoisted(e):
        strip = {t: scalar_of(t.args[0]) for t in e.function.atoms(Expectation)}
        return Expectation(sp.Sum(e.function.xreplace(strip), *e.limits))

    return expr.replace(movable, hoisted) if isinstance(expr, sp.Basic) else expr

def _linear_in_expectations(expr, random_names) -> bool:
    if isinstance(expr, Expectation):
        return True
    if not expr.has(Expectation):
        return not _mentions(expr, random_names)
    if isinstance(expr, sp.Add):
        return all(_linear_in_expectations(a, random_names) for a in expr.args)
    if isinstance(expr, sp.Mul):
        with_e = [a for a in expr.args if a.has(Expectation)]
        others = [a for a in expr.args if not a.has(Expectation)]
        return (len(with_e) == 1 and _linear_in_expectations(with_e[0], random_names)
                and not any(_mentions(a, random_names) for a in others))
    if isinstance(expr, sp.Sum):
        return _linear_in_expectations(expr.function, random_names)
    return False


def _pointwise(lhs, rhs, scope, random_names, rng, settings) -> Outcome | None:
    if not all(_linear_in_expectations(sp.sympify(s), random_names) for s in (lhs, rhs)):
        return None
    strip = {e: scalar_of(e.args[0]) for side in (lhs, rhs) for e in side.atoms(Expectation)}
    left, right = lhs.xreplace(strip), rhs.xreplace(strip)
    if getattr(left, "is_Matrix", False) != getattr(right, "is_Matrix", False):
        return None        # a scalar against a matrix: the moment routes report the shapes
    if left == right:
        return Outcome(Verdict.PROVED, "pointwise: identical integrands",
                       "the integrands are identical, and E is linear")
    randoms = [d.symbol for d in scope.randoms() if d.symbol.name in random_names]
    if integrands.switches_on(sp.Tuple(left, right), randoms, scope):
        # integrands that switch branch (indicators, max, abs) may differ on an event that
        # sampled outcomes miss; the moment routes weigh the difference by its probability
        return None
    if _differ_at_one_instance(left, right, scope, settings):
        return None
    outcome = numeric.test_equal(left, right, scope, rng, settings)
    if outcome.verdict.holds:
        return Outcome(outcome.verdict, f"pointwise: {outcome.method}",
                       "the integrands agree for every outcome, and E is linear; "
                       + outcome.detail)
    return None


def _differ_at_one_instance(left, right, scope, settings) -> bool:
    """Whether the integrands differ clearly at one instance (fixed seed, so the step's random
    stream is untouched): then the pointwise route cannot apply, and the numeric checker's
    search for a shrunk counterexample, which nothing would use, is skipped."""
    try:
        values = sample_instance(scope, needed_declarations(scope, [left, right]),
                                 np.random.default_rng(0))
        gap = numeric._relative_gap(evaluate(left, values), evaluate(right, values))
    except Exception:       # any failure: let the full numeric comparison decide
        return False
    return gap > settings.refute_margin


# -- routes 2 and 3: moments ----------------------------------------------------------------

def _indexed_inside(expr) -> bool:
    """Whether some E[.] sits inside a sum and depends on its index (E[A_ij] summed over j):
    such terms only have values once the sum is written out for concrete dimensions."""
    return any(isinstance(node, sp.Sum) and any(
        term.has(limit[0]) for term in node.function.atoms(Expectation) for limit in node.limits)
        for node in sp.preorder_traversal(expr))


def _dimensions(values) -> dict:
    """The instance's integer scalars (its dimensions) as SymPy integers."""
    return {symbol: sp.Integer(int(value)) for symbol, value in values.items()
            if isinstance(symbol, sp.Symbol) and symbol.is_integer and np.ndim(value) == 0
            and float(value) == int(value)}


def _written_out(side, values):
    """side with the dimensions of `values` substituted and every sum holding an E[.]
    written out term by term."""
    dims = _dimensions(values)
    def written(e):     # only the bounds: matrix symbols keep their symbolic shapes
        terms = _terms(e.function, list(e.limits), dims)
        return e if terms is None else _written_out(sp.Add(*terms), values)
    return side.replace(lambda e: isinstance(e, sp.Sum) and e.function.has(Expectation),
                        written)


def _terms(function, limits, dims):
    """The terms of a sum of `function` over `limits` (innermost first, as in sp.Sum) once
    `dims` are substituted; None when a bound is still symbolic (it names an enclosing sum's
    index, so the enclosing sum is written out first). Term by term, not Sum.doit(), whose
    search for a closed form costs far more than adding a few terms."""
    if not limits:
        return [function]
    *inner, (index, low, high) = limits
    low, high = low.xreplace(dims), high.xreplace(dims)
    if not (low.is_Integer and high.is_Integer):
        return None
    out = []
    for value in range(int(low), int(high) + 1):
        at = {index: sp.Integer(value)}
        terms = _terms(function.xreplace(at),
                       [(v, a.xreplace(at), b.xreplace(at)) for v, a, b in inner], dims)
        if terms is None:
            return None
        out += terms
    return out


def _by_moments(lhs, rhs, scope, declarations, random_names, rng, numeric_settings, settings,
                member, families) -> Outcome:
    indexed = _indexed_inside(lhs) or _indexed_inside(rhs)
    terms = sorted({e for side in (lhs, rhs) for e in side.atoms(Expectation)}, key=sp.srepr)
    holders = {term: _holder(k, term) for k, term in enumerate(terms)}
    try:
        outer = (lhs.xreplace(holders), rhs.xreplace(holders))
    except (TypeError, ValueError) as exc:       # a matrix E[.] inside scalar algebra
        return Outcome(Verdict.UNKNOWN, "statistical", f"cannot stand E[.] in for its value: {exc}")
    if not indexed and _grid_too_large(terms, scope, declarations, member):
        # decided before any exact work, so a step that would fall back on its largest
        # instance does not pay for the exact grids of the smaller ones first
        return _monte_carlo(terms, holders, outer, scope, declarations, random_names, rng,
                            settings, member, families)
    exact, used = 0, set()
    for trial in range(numeric_settings.trials):
        try:
            values = sample_instance(scope, declarations, rng, member=member)
        except DomainError:
            continue
        except DeclarationError as exc:
            return Outcome(Verdict.ERROR, "statistical", exc.message)

        def sides(values):
            if indexed:
                concrete = [_written_out(side, values) for side in (lhs, rhs)]
                found = sorted({e for side in concrete for e in side.atoms(Expectation)},
                               key=sp.srepr)
                marks = {term: _holder(k, term) for k, term in enumerate(found)}
                written = [side.xreplace(marks) for side in concrete]
            else:
                found, marks, written = terms, holders, outer
            expectations = {marks[t]: _exact(t.args[0], values, scope, random_names, rng,
                                             member, used) for t in found}
            return tuple(evaluate(_integrals_valued(side, values, random_names),
                                  {**values, **expectations}) for side in written)

        try:
            left, right = sides(values)
        except NoExpectation as exc:
            return Outcome(Verdict.UNKNOWN, "exact moments + quadrature", str(exc))
        except NotPolynomial:
            if indexed:
                return Outcome(Verdict.UNKNOWN, "statistical",
                               "E[.] inside a sum over a symbolic range of an integrand of "
                               "degree > 2: no Monte Carlo route for it yet")
            return _monte_carlo(terms, holders, outer, scope, declarations, random_names, rng,
                                settings, member, families)
        except (DomainError, NotEvaluable, ShapeError) as exc:
            return _failure(exc)
        gap = numeric._relative_gap(left, right)
        if gap > numeric_settings.rtol:
            if gap < numeric_settings.refute_margin:
                return Outcome(Verdict.UNKNOWN, "exact moments",
                               f"sides differ by a relative {gap:.2g}, too close to rounding error")
            simpler = numeric.shrink(sides, scope, declarations, rng, numeric_settings, member)
            if simpler is not None:
                values, left, right, gap = simpler
            shown = {k: v for k, v in numeric._readable_values(values, declarations).items()
                     if k not in random_names}
            differ = (f"have different shapes here: {numeric._shape(left)} and "
                      f"{numeric._shape(right)}" if gap == float("inf") else
                      f"differ by a relative {gap:.3g}")
            return Outcome(Verdict.REFUTED, "exact moments",
                           f"with E[.] computed exactly from the distributions' moments the sides "
                           f"{differ}",
                           {"values": shown, "lhs": numeric._plain(left),
                            "rhs": numeric._plain(right),
                            "relative_difference": None if gap == float("inf") else gap,
                            "exact": False})
        exact += 1
    if exact == 0:
        return Outcome(Verdict.UNKNOWN, "exact moments", "no sampled instance was in the domain")
    by_rule = "quadrature" in used
    return Outcome(Verdict.VERIFIED, f"exact moments{' + quadrature' * by_rule}: {exact} "
                   f"instances, rtol {numeric_settings.rtol:g}"
                   + _QUADRATURE_NOTE * _has_integral(outer),
                   "E[.] computed exactly from the distributions' means and variances "
                   "(integrands found symbolically to be polynomials of degree <= 2 in each "
                   "random variable)"
                   + ("; other summands, and factors of independent variables, by "
                      "Gauss-Legendre quadrature against one random scalar's density with "
                      "panel boundaries at its kinks and jumps (found symbolically), 64 and "
                      f"128 panels agreeing to {QUADRATURE_AGREEMENT:g} and the tails beyond "
                      f"the range below {TAIL_SHARE:g}" if by_rule else "")
                   + f"; sides compared to a relative {numeric_settings.rtol:g} on {exact} "
                   "random instances of the other symbols")


def _failure(exc) -> Outcome:
    if isinstance(exc, ShapeError):
        return Outcome(Verdict.ERROR, "statistical", str(exc))
    if isinstance(exc, NotEvaluable):
        return Outcome(Verdict.UNKNOWN, "statistical", f"cannot evaluate: {exc}")
    return Outcome(Verdict.UNKNOWN, "statistical", f"outside the domain: {exc}")


def _with_randoms(values, scope, random_names, assignment: dict) -> dict:
    """values with the random declarations set to `assignment` (possibly batched) and every
    definition that depends on them recomputed."""
    result = {**values, **assignment}
    for name, decl in scope.declarations.items():
        if name not in random_names:
            continue
        if isinstance(decl, Definition):
            result[decl.symbol] = evaluate(decl.expr, result)
        elif isinstance(decl, Eigendecomposition):
            raise NotEvaluable("an eigendecomposition of a random matrix")
    return result


def _exact(integrand, values, scope, random_names, rng, member, used: set):
    """E[integrand] given the deterministic `values`: exactly for integrands that are (decided
    symbolically) polynomials of degree <= 2 in each random declaration; else summand by summand,
    a product of factors of independent declarations as the product of their expectations, each
    exact or by quadrature against one random scalar's density (adds "quadrature" to `used`).
    Raises NotPolynomial when neither applies, NoExpectation when E[.] may not exist."""
    groups = [d for d in scope.randoms() if scope.depends_on(integrand, d.symbol)]
    failure = NotPolynomial()
    if _quadratic_in_each(integrand, groups, scope):
        try:
            return _polynomial_expectation(integrand, values, scope, random_names, rng, member)
        except NotPolynomial as exc:        # GridTooLarge, which Monte Carlo needs to know
            failure = exc
    try:
        total = 0.0
        for term in _summands(integrand, values):
            total += _product_expectation(term, values, scope, random_names, rng, member, used)
    except NotPolynomial:
        raise failure from None
    return total


def _quadratic_in_each(integrand, groups, scope) -> bool:
    """Whether the integrand is, symbolically, a polynomial of degree <= 2 in the entries of
    each of the declarations `groups`."""
    for decl in groups:
        found = integrands.degree(integrand, decl.symbol, scope)
        if found is None or found > 2:
            return False
    return True


def _product_expectation(term, values, scope, random_names, rng, member, used: set):
    """E[term] for one summand: a constant; exact moments for a polynomial of degree <= 2 in
    each declaration; quadrature for a function of one random scalar; and for a product whose
    factors depend on disjoint sets of (independent) declarations, the product of the factors'
    expectations. NotPolynomial otherwise."""
    groups = [d for d in scope.randoms() if scope.depends_on(term, d.symbol)]
    if not groups:
        value = np.asarray(evaluate(term, values), dtype=float)
        if value.size != 1:
            if getattr(term, "is_Matrix", False):
                return value
            raise NotPolynomial()
        return float(value.reshape(-1)[0])
    if _quadratic_in_each(term, groups, scope):
        return _polynomial_expectation(term, values, scope, random_names, rng, member)
    if len(groups) == 1:
        used.add("quadrature")
        return _by_quadrature(term, values, scope, random_names, member)
    parts = _independent_parts(term, groups, scope)
    if len(parts) < 2:
        raise NotPolynomial()
    product = 1.0
    for part in parts:
        product = product * np.asarray(
            _product_expectation(part, values, scope, random_names, rng, member, used))
    return product if np.ndim(product) else float(product)


def _independent_parts(term, groups, scope) -> list:
    """The factors of a scalar product grouped so that no two groups share a random
    declaration (their expectations then multiply); [term] when it does not split."""
    if isinstance(term, sp.MatMul):       # scalar factors, then the matrix product as one
        matrices = [a for a in term.args if getattr(a, "is_Matrix", False)]
        factors = [a for a in term.args if not getattr(a, "is_Matrix", False)]
        factors.append(sp.MatMul(*matrices) if len(matrices) > 1 else matrices[0])
    elif isinstance(term, sp.Mul):
        factors = list(term.args)
    else:
        return [term]
    parts = []          # [(declaration names, factors)]
    for factor in factors:
        names = {d.symbol for d in groups if scope.depends_on(factor, d.symbol)}
        merged = [p for p in parts if p[0] & names]
        for p in merged:
            parts.remove(p)
            names |= p[0]
        parts.append((names, [factor, *(f for p in merged for f in p[1])]))
    def product(factors):
        matrices = [f for f in factors if getattr(f, "is_Matrix", False)]
        scalars = sp.Mul(*(f for f in factors if not getattr(f, "is_Matrix", False)))
        return scalars * sp.MatMul(*matrices) if matrices else scalars

    random_parts = [product(factors) for names, factors in parts if names]
    constant = [f for names, factors in parts if not names for f in factors]
    if random_parts:
        random_parts[0] = product([*constant, random_parts[0]])
    return random_parts


def _one_scalar_each(integrand, values, scope) -> bool:
    """Whether every summand of the integrand depends on at most one random scalar."""
    try:
        for term in _summands(integrand, values):
            groups = [d for d in scope.randoms() if scope.depends_on(term, d.symbol)]
            if len(groups) > 1:
                return False
            if groups:
                _single_entry(term, groups[0], values, scope)
    except (NotPolynomial, NotEvaluable, ShapeError, TypeError, ValueError):
        return False
    return True


def _summands(integrand, values) -> list:
    """The terms of the integrand as a sum, with sums over ranges written out at the
    instance's dimensions."""
    dims = tuple(sorted(_dimensions(values).items(), key=str))
    return list(_summands_at(integrand, dims))


@functools.lru_cache(maxsize=256)
def _summands_at(integrand, dims: tuple) -> tuple:
    """_summands at the dimensions `dims` ((symbol, value) pairs), remembered: writing a sum
    out rebuilds its terms, which is slow for Max/Min, and the instances of a step share sizes."""
    out = []
    for term in sp.Add.make_args(integrand):
        if isinstance(term, sp.Sum):
            written = _terms(term.function, list(term.limits), dict(dims))
            if written is not None:
                out += [t for w in written for t in _summands_at(w, dims)]
                continue
        out.append(term)
    return tuple(out)


QUADRATURE_AGREEMENT = 1e-10
TAIL_SHARE = 1e-13      # the largest |f| x density x reach allowed at the ends of the range
SPREADS = (1.0, 2.0, 3.0)   # the quadrature range, in units of the usual one (12 sd, 80 scales)


class NoExpectation(Exception):
    """E[.] of an integrand may not exist (a pole inside the support, tails that do not
    vanish): no route may give it a value."""


def _by_quadrature(integrand, values, scope, random_names, member):
    """E[integrand] when it depends on one random scalar (a scalar declaration or one entry of
    a matrix one): the distribution's quadrature rule with panel boundaries at the integrand's
    kinks and jumps (found symbolically), at 64 and at 128 panels, which must agree to
    QUADRATURE_AGREEMENT (relative), else NotPolynomial. For an unbounded support the range
    widens until |f| x density is negligible at its ends and falls beyond them; NoExpectation
    when it does not, or when the integrand may be unbounded inside the support."""
    groups = [d for d in scope.randoms() if scope.depends_on(integrand, d.symbol)]
    if len(groups) != 1:
        raise NotPolynomial()
    decl = groups[0]
    entry = _single_entry(integrand, decl, values, scope)
    distribution = concrete(decl, member)
    params = [float(evaluate(p, values)) for p in distribution.params]

    def at(points):
        if entry is None:
            assignment = points
        else:
            rows, cols, i, j = entry
            assignment = np.zeros((len(points), rows, cols))
            assignment[:, i, j] = points
        batched = _with_randoms(values, scope, random_names, {decl.symbol: assignment})
        with np.errstate(all="ignore"):
            f = np.asarray(evaluate(integrand, batched), dtype=float)
        if f.ndim >= 2 and f.shape[-2:] == (1, 1):
            f = f[..., 0, 0]
        if f.ndim > 1:
            raise NotPolynomial()
        return np.broadcast_to(f, points.shape)

    try:
        distribution.rule(1, *params)
    except NotImplementedError:
        raise NotPolynomial() from None
    for spread in SPREADS:
        breaks = _breaks(integrand, decl, entry, values, scope, distribution, params, spread)
        results = []
        for panels in (64, 128):
            points, weights, exact = distribution.rule(panels, *params, breaks=breaks,
                                                       spread=spread)
            try:
                results.append(float(weights @ at(points)))
            except DomainError:         # overflow far out: the tails are not negligible
                if spread == SPREADS[0]:
                    raise NotPolynomial() from None
                results = [np.inf]
                break
            if exact:
                break
        if spread != SPREADS[0] and not np.all(np.isfinite(results)):
            break
        if not np.all(np.isfinite(results)) or abs(results[-1] - results[0]) > \
                QUADRATURE_AGREEMENT * max(1.0, abs(results[-1])):
            raise NotPolynomial()
        if exact or not distribution.unbounded() or \
                _tails_negligible(at, distribution, params, spread, results[-1]):
            return results[-1]
    raise NoExpectation(f"E[{integrand}]: |integrand| x density does not vanish in "
                        f"{decl.symbol}'s tails (ranges up to {SPREADS[-1]:g} times the usual "
                        "one tried): the expectation may be infinite")


def _tails_negligible(at, distribution, params, spread, result) -> bool:
    """Whether |f| x density, times the range's half-width, is below TAIL_SHARE (relative to
    the result) at the range's ends and at 1.25 and 1.5 times as far, and falls outwards."""
    low, high = distribution.span(*params, spread=spread)
    middle, half = (low + high) / 2, (high - low) / 2
    reach = np.array([1.0, 1.25, 1.5])
    points = np.concatenate([middle - half * reach, middle + half * reach])
    try:
        with np.errstate(all="ignore"):
            g = np.abs(at(points)) * distribution.density(points, *params) * half
    except DomainError:
        return False
    if not np.all(np.isfinite(g)):
        return False
    g = g.reshape(2, 3)
    return bool(np.all(g <= TAIL_SHARE * max(1.0, abs(result))) and np.all(np.diff(g) <= 0))


def _breaks(integrand, decl, entry, values, scope, distribution, params, spread) -> list:
    """The integrand's kinks and jumps within the rule's range, found symbolically; raises
    NoExpectation at a possible pole inside the range and NotPolynomial when the integrand
    switches branch at points that cannot be located."""
    randoms = [decl.symbol]
    if not integrands.switches_on(integrand, randoms, scope) and \
            not integrands.poles_on(integrand, randoms, scope):
        return []
    x = sp.Dummy("x", real=True)
    if entry is None:
        if isinstance(decl.symbol, sp.MatrixSymbol):
            raise NotPolynomial()

        def to_symbol(expr):
            return expr.xreplace({decl.symbol: x})
    else:
        from sympy.matrices.expressions.matexpr import MatrixElement

        from ..ops import Col, Row

        def to_symbol(expr):
            expr = expr.replace(lambda e: isinstance(e, MatrixElement)
                                and e.parent == decl.symbol, lambda e: x)
            expr = expr.replace(lambda e: isinstance(e, (Row, Col)) and e.matrix == decl.symbol,
                                lambda e: sp.ImmutableMatrix([[x]]))
            return None if expr.has(decl.symbol) else expr
    numbers = {s: sp.Float(float(v), 30) for s, v in values.items()
               if isinstance(s, sp.Symbol) and np.ndim(v) == 0 and np.isreal(v)}
    form = integrands.scalar_form(integrand, x, scope, numbers, to_symbol)
    if form is None:
        raise NotPolynomial()
    low, high = distribution.span(*params, spread=spread)
    try:
        switches, poles = integrands.special_points(form, x, low, high)
    except ValueError:
        raise NotPolynomial() from None
    if poles:
        raise NoExpectation(f"E[{integrand}]: the integrand may be unbounded near "
                            f"{decl.symbol} = {poles[0]:.6g}, inside the support, so the "
                            "expectation may not exist")
    return switches


def _single_entry(integrand, decl, values, scope):
    """None when `decl` is a scalar; (rows, cols, i, j) when the integrand uses only the entry
    (i, j) of the matrix `decl`; NotPolynomial otherwise (several entries, or the declaration
    reached through a definition)."""
    if not isinstance(decl.symbol, sp.MatrixSymbol):
        return None
    rows, cols = (int(evaluate(v, values)) for v in decl.symbol.shape)
    if rows * cols == 1:
        return rows, cols, 0, 0
    from sympy.matrices.expressions.matexpr import MatrixElement

    from ..ops import Col, Row
    uses = {e for e in sp.preorder_traversal(integrand)
            if isinstance(e, MatrixElement) and e.parent == decl.symbol
            or isinstance(e, (Row, Col)) and e.matrix == decl.symbol}
    if len(uses) != 1:
        raise NotPolynomial()
    (use,) = uses
    if _mentioned_outside(integrand, use, decl.symbol):
        raise NotPolynomial()
    if isinstance(use, MatrixElement):
        i, j = use.i, use.j
    elif (cols if isinstance(use, Row) else rows) == 1:     # the slice of a vector is an entry
        i, j = (use.index - 1, 0) if isinstance(use, Row) else (0, use.index - 1)
    else:
        raise NotPolynomial()
    if not (sp.sympify(i).is_Integer and sp.sympify(j).is_Integer):
        raise NotPolynomial()
    return rows, cols, int(i), int(j)


def _mentioned_outside(expr, use, symbol) -> bool:
    """Whether `symbol` occurs in expr other than inside `use` (walked, not rebuilt: rebuilding
    Max and Min re-evaluates them, which is slow)."""
    if expr == use:
        return False
    if expr == symbol:
        return True
    return any(_mentioned_outside(arg, use, symbol) for arg in expr.args)


def _polynomial_expectation(integrand, values, scope, random_names, rng, member):
    """E[integrand] exactly for integrands of degree <= 2 in each random declaration: fitted
    on a grid of points per declaration, confirmed at extra points. Raises NotPolynomial."""
    groups = [d for name, d in scope.declarations.items()
              if isinstance(d, Random) and scope.depends_on(integrand, d.symbol)]
    plans = [_quadratic_plan(decl, values, rng, member) for decl in groups]
    sizes = [len(points) for points, *_ in plans]
    if int(np.prod(sizes, dtype=float)) > MAX_GRID_POINTS:
        raise GridTooLarge()
    grid = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), int)
    assignment = {}
    for (points, *_), decl, index in zip(plans, groups, grid):
        assignment[decl.symbol] = points[index] if points.ndim > 1 else points[index]
    batched = _with_randoms(values, scope, random_names, assignment)
    f = np.asarray(evaluate(integrand, batched), dtype=float)
    entry = f.shape[-2:] if _matrix_valued(integrand) else ()     # a matrix's entries
    if not entry and f.ndim >= 2 and f.shape[-2:] == (1, 1):
        f = f[..., 0, 0]
    f = np.broadcast_to(f, (grid.shape[1], *entry)).reshape(*sizes, *entry) if sizes else f
    for axis, (points, fit_count, predict, weights) in enumerate(plans):
        moved = np.moveaxis(f, axis, 0)
        fitted, checks = moved[:fit_count], moved[fit_count:]
        predicted = np.tensordot(predict, fitted, axes=(1, 0))
        scale = 1e-7 * max(1.0, float(np.max(np.abs(moved))))
        if np.max(np.abs(predicted - checks), initial=0) > scale:
            raise NotPolynomial()
    for axis in reversed(range(len(plans))):
        _, fit_count, _, weights = plans[axis]
        f = np.tensordot(np.moveaxis(f, axis, -1)[..., :fit_count], weights, axes=(-1, 0))
    return np.asarray(f, dtype=float) if entry else float(f)


def _grid_too_large(terms, scope, declarations, member) -> bool:
    """Whether the exact-moment grid of some E-term exceeds MAX_GRID_POINTS when every
    dimension takes the largest value it is sampled at (a private generator: the step's random
    stream is untouched)."""
    largest = {name: decl.high for name, decl in declarations if isinstance(decl, Dim)}
    try:
        values = sample_instance(scope, declarations, np.random.default_rng(0), dims=largest,
                                 member=member)
    except (DomainError, DeclarationError, NotEvaluable, ShapeError):
        return False
    for term in terms:
        if _one_scalar_each(term.args[0], values, scope):
            continue                        # quadrature, summand by summand
        points = 1
        for decl in scope.randoms():
            if scope.depends_on(term.args[0], decl.symbol):
                shape = [int(evaluate(v, values)) for v in getattr(decl.symbol, "shape", ())]
                points *= _plan_size(int(np.prod(shape)) if shape else 1)
        if points > MAX_GRID_POINTS:
            return True
    return False


def _plan_size(k: int) -> int:
    """Points of _quadratic_plan for k entries: 1 + 2k + k(k-1)/2 to fit, 2 to check."""
    return 1 + 2 * k + k * (k - 1) // 2 + 2


def _matrix_valued(integrand) -> bool:
    return getattr(integrand, "is_Matrix", False) and integrand.shape != (1, 1)


def _holder(k: int, term):
    """What stands in for the value of E-term `term`: a real scalar, or for a matrix-valued
    integrand a matrix symbol of its shape."""
    if _matrix_valued(term.args[0]):
        return sp.MatrixSymbol(f"E[{k}]", *term.args[0].shape)
    return sp.Dummy(f"E{k}", real=True)


def _rows(value, batch: int) -> np.ndarray:
    """A side's value at `batch` points as a (batch, entries) array: a scalar or an
    unbatched matrix is repeated, a 1 x 1 matrix is a scalar."""
    value = np.asarray(value, dtype=float)
    if value.ndim >= 2 and value.shape[-2:] == (1, 1):
        value = value[..., 0, 0]
    if value.ndim in (0, 2):                 # not batched: a scalar, or one r x c matrix
        value = np.broadcast_to(value, (batch, *value.shape))
    return value.reshape(batch, -1)


def _quadratic_plan(decl, values, rng, member):
    """Points at which to evaluate, and the linear maps that turn the values there into the
    prediction at the check points and into E[.] under the declaration's distribution."""
    shape = tuple(int(evaluate(v, values)) for v in decl.symbol.shape) \
        if isinstance(decl.symbol, sp.MatrixSymbol) else ()
    k = int(np.prod(shape)) if shape else 1
    distribution = concrete(decl, member)
    mean, variance = distribution.moments(*[float(evaluate(p, values))
                                            for p in distribution.params])
    pairs = list(itertools.combinations(range(k), 2))
    eye = np.eye(k)
    fit = [np.zeros(k)] + [s * eye[i] for i in range(k) for s in (1, -1)] + \
          [eye[i] + eye[j] for i, j in pairs]
    checks = [rng.standard_normal(k) * 1.5 for _ in range(2)]

    def features(z):     # the monomials 1, z_i, z_i^2, z_i z_j
        return np.concatenate([[1.0], z, z**2, [z[i] * z[j] for i, j in pairs]])

    design = np.array([features(z) for z in fit])            # square and invertible
    to_coefficients = np.linalg.inv(design)
    predict = np.array([features(z) for z in checks]) @ to_coefficients
    second = variance + mean**2
    expected_features = np.concatenate([[1.0], np.full(k, mean), np.full(k, second),
                                        np.full(len(pairs), mean * mean)])
    weights = expected_features @ to_coefficients
    points = np.array(fit + checks)
    points = points.reshape((len(points), *shape)) if shape else points[:, 0]
    return points, len(fit), predict, weights


MC_GROWTH = (1, 4, 16)       # sample sizes tried, in units of settings.samples; not 64:
# at 1.28M draws an infinite-variance integrand passed the tail diagnostics and the true
# E[exp(0.9 X Y)] = 1/sqrt(0.19) was refuted (adversarial suite, seed 20261129)
MC_POWER = 0.9               # the power at which the detectable difference is stated
MC_RESOLUTION = 0.05         # the largest detectable difference (relative) a `verified` allows
MAX_TERM_SHARE = 0.1         # the largest squared deviation's share of their sum
MAX_BATCH_RATIO = 8.0        # the largest batch variance over the median batch variance
BATCHES = 20


def _heavy_tail(samples) -> str | None:
    """Why the draws (n x columns) do not look like ones with a finite variance, or None:
    a non-finite draw, one draw holding more than MAX_TERM_SHARE of the sum of squared
    deviations, or batch variances that spread by more than MAX_BATCH_RATIO."""
    if not np.all(np.isfinite(samples)):
        return "some draws of the integrand are not finite"
    centred = samples - samples.mean(axis=0)
    squares = centred ** 2
    total = squares.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, squares.max(axis=0) / total, 0.0)
    if np.max(share, initial=0) > MAX_TERM_SHARE:
        return (f"one draw holds {np.max(share):.0%} of the sum of squared deviations "
                f"(more than {MAX_TERM_SHARE:.0%})")
    variances = np.array([b.var(axis=0, ddof=1) for b in np.array_split(samples, BATCHES)])
    middle = np.median(variances, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(middle > 0, variances.max(axis=0) / middle, 1.0)
    if np.max(ratio, initial=1) > MAX_BATCH_RATIO:
        return (f"the variances of {BATCHES} batches spread by a factor {np.max(ratio):.0f} "
                f"(more than {MAX_BATCH_RATIO:g})")
    return None


def _monte_carlo(terms, holders, outer, scope, declarations, random_names, rng, settings,
                 member, families) -> Outcome:
    """The z-test of lhs - rhs, entry by entry for matrix-valued sides (Bonferroni over the
    entries, the instances, the distributions and the sample sizes tried), the E-values'
    covariance carried through the sides by the delta method. The sample grows (MC_GROWTH)
    until the difference detectable at power MC_POWER is at most MC_RESOLUTION of the sides'
    scale; `verified` only then, `unknown` (stating the detectable difference) otherwise, and
    `unknown` when the draws still look heavy-tailed at the largest sample (the variance, or E
    itself, may not exist); no z-test is trusted while they do."""
    worst, z_needed, n, resolved = 0.0, None, settings.samples, 0.0
    tests_per_entry = settings.instances * families * len(MC_GROWTH)
    for trial in range(settings.instances):
        try:
            values = sample_instance(scope, declarations, rng, member=member)
            valued = [_integrals_valued(side, values, random_names) for side in outer]
        except (DomainError, NotEvaluable, ShapeError) as exc:
            return _failure(exc)
        except DeclarationError as exc:
            return Outcome(Verdict.ERROR, "statistical", exc.message)
        shown = {k: v for k, v in numeric._readable_values(values, declarations).items()
                 if k not in random_names}
        chunks = []
        for growth in MC_GROWTH:
            n = settings.samples * growth
            try:
                more, shapes = _draw_terms(terms, values, scope, declarations, random_names,
                                           rng, n - sum(len(c) for c in chunks), member)
            except (DomainError, NotEvaluable, ShapeError) as exc:
                return _failure(exc)
            chunks.append(more)
            samples = np.concatenate(chunks, axis=0)
            heavy = _heavy_tail(samples)
            if heavy is not None and growth != MC_GROWTH[-1]:
                continue            # a finite variance shows as the sample grows
            if heavy is not None:
                return Outcome(Verdict.UNKNOWN, f"Monte Carlo: {n} samples",
                               f"the integrand looks heavy-tailed ({heavy}), so its variance, "
                               "or E[.] itself, may not exist; no verdict from sampling")
            judged = _z_test(samples, terms, holders, shapes, values, valued, tests_per_entry,
                             settings)
            if isinstance(judged, Outcome):        # different shapes
                return Outcome(judged.verdict, judged.method, judged.detail,
                               {"values": shown, **judged.counterexample})
            z, at, z_needed, lefts, rights, errors, detectable, scale, where = judged
            if z[at] > z_needed:
                return Outcome(Verdict.REFUTED, f"Monte Carlo: {n} samples",
                               f"the sides differ by {z[at]:.1f} standard errors{where} "
                               f"(threshold {z_needed:.2f}, false-alarm probability <= "
                               f"{settings.alpha:g} under the normal approximation)",
                               {"values": shown, "lhs": round(float(lefts[0, at]), 6),
                                "rhs": round(float(rights[0, at]), 6),
                                "standard_error": float(errors[at]),
                                "z": round(float(z[at]), 2), "exact": False})
            relative = float(np.max(detectable / scale))
            if relative <= MC_RESOLUTION:
                break
        else:
            return Outcome(Verdict.UNKNOWN, f"Monte Carlo: {n} samples",
                           f"no difference found (largest |z| {float(z[at]):.2f}, threshold "
                           f"{z_needed:.2f}), but with {n} samples only a difference of "
                           f"{float(np.max(detectable)):.3g} (relative {relative:.2g}) or more "
                           f"would be detected at power {MC_POWER:g}, and a verdict needs "
                           f"{MC_RESOLUTION:g}")
        worst = max(worst, float(z[at]))
        resolved = max(resolved, relative)
    return Outcome(Verdict.VERIFIED,
                   f"Monte Carlo: {settings.instances} instances, up to {n} samples, alpha "
                   f"{settings.alpha:g}" + _QUADRATURE_NOTE * _has_integral(outer),
                   f"largest |z| {worst:.2f} over {settings.instances} instances (threshold "
                   f"{z_needed:.2f}: false-alarm probability <= {settings.alpha:g} under the "
                   f"normal approximation); a relative difference of {resolved:.2g} or more "
                   f"would have been detected with probability {MC_POWER:g}; no heavy tails "
                   f"seen (largest-draw share <= {MAX_TERM_SHARE:g}, batch variances within "
                   f"a factor {MAX_BATCH_RATIO:g})")


def _draw_terms(terms, values, scope, declarations, random_names, rng, n, member):
    """n draws of every E-term's integrand as an (n, entries) array, and the terms' shapes."""
    draws = {d.symbol: draw_random(d, values, rng, n, member)
             for _, d in declarations if isinstance(d, Random)}
    batched = _with_randoms(values, scope, random_names, draws)
    columns, shapes = [], []
    for term in terms:
        sample = np.asarray(evaluate(term.args[0], batched), dtype=float)
        shape = sample.shape[-2:] if _matrix_valued(term.args[0]) else ()
        if not shape and sample.ndim >= 2 and sample.shape[-2:] == (1, 1):
            sample = sample[..., 0, 0]
        columns.append(np.broadcast_to(sample, (n, *shape)).reshape(n, -1))
        shapes.append(shape)
    return np.concatenate(columns, axis=1), shapes


def _z_test(samples, terms, holders, shapes, values, valued, tests_per_entry, settings):
    """The sides' difference at the sample means, its standard error (delta method), |z| per
    entry and the threshold; or a REFUTED Outcome when the sides have different shapes."""
    n = len(samples)
    means = samples.mean(axis=0)
    centred = samples - means       # np.cov's own product, without its overhead
    covariance = np.atleast_2d(centred.T @ centred / (n - 1))
    # the sides at the means and at the means moved by +-h along each sampled entry, in one
    # batched evaluation: the difference, and its gradient by central differences
    m = len(means)
    steps = 1e-6 * np.maximum(1.0, np.abs(means))
    points = means + np.concatenate([np.zeros((1, m)), np.diag(steps), -np.diag(steps)])
    point, offset = dict(values), 0
    for term, shape in zip(terms, shapes):
        size = int(np.prod(shape)) if shape else 1
        block = points[:, offset:offset + size]
        point[holders[term]] = block.reshape(len(points), *shape) if shape else block[:, 0]
        offset += size
    raw = [evaluate(side, point) for side in valued]
    lefts, rights = (_rows(value, len(points)) for value in raw)
    if lefts.shape != rights.shape:
        return Outcome(Verdict.REFUTED, f"Monte Carlo: {n} samples",
                       f"the sides have different shapes here: "
                       f"{numeric._shape(_first(raw[0]))} and {numeric._shape(_first(raw[1]))}",
                       {"lhs": numeric._plain(_first(raw[0])),
                        "rhs": numeric._plain(_first(raw[1])), "exact": False})
    gaps = lefts - rights                                  # (points, entries)
    gradient = (gaps[1:m + 1] - gaps[m + 1:]) / (2 * steps[:, None])     # (m, entries)
    errors = np.sqrt(np.maximum(np.einsum("ie,ij,je->e", gradient, covariance, gradient),
                                0.0) / n)
    tests = tests_per_entry * gaps.shape[1]
    z_needed = NormalDist().inv_cdf(1 - settings.alpha / (2 * tests))
    detectable = (z_needed + NormalDist().inv_cdf(MC_POWER)) * errors
    scale = np.maximum(1.0, np.maximum(np.abs(lefts[0]), np.abs(rights[0])))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(errors < 1e-12 * scale,
                     np.where(np.abs(gaps[0]) <= 1e-9 * scale, 0.0, np.inf),
                     np.abs(gaps[0]) / errors)
    at = int(np.argmax(z))
    row, column = (int(i) for i in np.unravel_index(at, _first(raw[0]).shape[-2:])) \
        if gaps.shape[1] > 1 else (0, 0)
    where = f" at entry [{row}, {column}]" if gaps.shape[1] > 1 else ""
    return z, at, z_needed, lefts, rights, errors, detectable, scale, where


def _first(value):
    """A side's value at the first of a batch of points (the means), for display."""
    value = np.asarray(value, dtype=float)
    return value[0] if value.ndim in (1, 3) else value


# -- definite integrals of densities ----------------------------------------------------------

_QUADRATURE_NOTE = "; integrals by quadrature"
QUADRATURE_RTOL = 1e-10


def _has_integral(sides) -> bool:
    return any(isinstance(side, sp.Basic) and side.has(sp.Integral) for side in sides)


def _integrals_valued(expr, values, random_names):
    """expr with every one-variable definite integral replaced by its value at the instance
    `values` (mpmath's tanh-sinh quadrature, split at 0 where ReLU-type integrands have their
    kink). Raises NotEvaluable when an integrand mentions a random variable or an undefined
    function, or when the quadrature's error estimate exceeds QUADRATURE_RTOL (relative)."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Integral):
        return expr
    import mpmath

    def value(integral):
        if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
            raise NotEvaluable(f"an integral that is not one-variable and definite ({integral})")
        var, low, high = integral.limits[0]
        if _mentions(integral, random_names):
            raise NotEvaluable(f"an integral of a random quantity ({integral})")
        numbers = {symbol: sp.Float(float(values[symbol]), 30)
                   for symbol in integral.free_symbols if symbol in values and symbol != var}
        integrand, low, high = (e.xreplace(numbers) for e in (integral.function, low, high))
        if integrand.free_symbols - {var} or low.free_symbols or high.free_symbols or \
                integrand.atoms(sp.core.function.AppliedUndef):
            raise NotEvaluable(f"no numeric meaning for the integral {integral}")
        ends = [mpmath.mpf(float(bound)) if bound.is_finite else
                (mpmath.inf if bound == sp.oo else -mpmath.inf) for bound in (low, high)]
        points = [ends[0], mpmath.mpf(0), ends[1]] if ends[0] < 0 < ends[1] else ends
        try:
            function = sp.lambdify(var, integrand, modules="mpmath")
            result, error = mpmath.quad(function, points, error=True)
        except (TypeError, ValueError, ZeroDivisionError, NameError) as exc:
            raise NotEvaluable(f"quadrature failed for {integral}: {exc}") from exc
        if not mpmath.isfinite(result) or error > QUADRATURE_RTOL * max(1.0, abs(result)):
            raise NotEvaluable(f"quadrature of {integral} did not converge (error estimate "
                               f"{float(error):.2g})")
        return sp.Float(float(result))

    return expr.replace(lambda e: isinstance(e, sp.Integral), value)
