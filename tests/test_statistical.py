"""The probability checker: exact moments, pointwise linearity, Monte Carlo, symmetric families.
Each true step is mutated the way a tired author would, and every mutant must be refuted."""
import numpy as np
import pytest
import sympy as sp

from engine import Relation, Scope, Verdict
from engine.check import check_relation
from engine.distributions import (Bernoulli, Laplace, Normal, Symmetric, SymmetricDiscrete,
                                  Uniform)
from engine.ops import Cov, E, Var, sqnorm, tr


def decide(lhs, rhs, S, seed=0):
    return check_relation(Relation.EQ, lhs, rhs, S, np.random.default_rng(seed))


def ridge_scope():
    S = Scope()
    d, N = S.dims("d N")
    A, B = S.matrix("A", d, d), S.matrix("B", d, N)
    sigma_w, sigma_e = S.scalars("sigma_w sigma_e", "positive")
    w = S.random_vector("w", d, Normal(0, sigma_w**2 / d))
    e = S.random_vector("e", N, Normal(0, sigma_e**2))
    return S, d, A, B, w, e, sigma_w, sigma_e


def test_gaussian_quadratic_form_is_decided_exactly():
    S, d, A, B, w, e, sw, se = ridge_scope()
    truth = sw**2 / d * tr(A.T * A) + se**2 * tr(B.T * B)
    outcome = decide(E(sqnorm(A * w + B * e)), truth, S)
    assert outcome.verdict == Verdict.VERIFIED and outcome.method.startswith("exact moments")


@pytest.mark.parametrize("mutant", ["drop 1/d", "drop term", "sign", "factor 2", "transpose"])
def test_mutated_quadratic_form_is_refuted(mutant):
    S, d, A, B, w, e, sw, se = ridge_scope()
    wrong = {
        "drop 1/d": sw**2 * tr(A.T * A) + se**2 * tr(B.T * B),
        "drop term": sw**2 / d * tr(A.T * A),
        "sign": sw**2 / d * tr(A.T * A) - se**2 * tr(B.T * B),
        "factor 2": 2 * sw**2 / d * tr(A.T * A) + se**2 * tr(B.T * B),
        "transpose": sw**2 / d * tr(A * A) + se**2 * tr(B.T * B),
    }[mutant]
    outcome = decide(E(sqnorm(A * w + B * e)), wrong, S)
    assert outcome.verdict == Verdict.REFUTED, outcome
    assert outcome.counterexample["values"]["d"] <= 3


def test_dropping_a_cross_term_with_zero_mean_is_verified():
    S, d, A, B, w, e, sw, se = ridge_scope()
    outcome = decide(E(sqnorm(A * w + B * e)), E(sqnorm(A * w)) + E(sqnorm(B * e)), S)
    assert outcome.verdict == Verdict.VERIFIED


def test_identical_integrands_under_linearity_are_pointwise():
    S, d, A, B, w, e, sw, se = ridge_scope()
    outcome = decide(E(sqnorm(A * w)) + 3, E(w.T * A.T * A * w) + 3, S)
    assert outcome.verdict == Verdict.VERIFIED and outcome.method.startswith("pointwise")


def relu_scope(distribution):
    """z with the given law and u ~ N(0, 1): E[max(z u, 0)^2] = E[z^2 u^2] / 2 = E[z^2] / 2
    (u is symmetric) is of two random scalars and does not factor, so Monte Carlo decides it."""
    S = Scope()
    z = S.random("z", distribution)
    u = S.random("u", Normal(0, 1))
    return S, z, sp.Max(z * u, 0)**2


def test_monte_carlo_decides_non_polynomial_integrands():
    S, z, relu_u = relu_scope(Normal(0, 1))
    outcome = decide(E(relu_u), sp.Rational(1, 2), S)
    assert outcome.verdict == Verdict.VERIFIED and "Monte Carlo" in outcome.method
    assert "threshold" in outcome.detail and "1e-06" in outcome.detail


@pytest.mark.parametrize("wrong", [1, sp.Rational(1, 4), -sp.Rational(1, 2), sp.Rational(3, 5)])
def test_monte_carlo_catches_a_wrong_factor_or_sign(wrong):
    S, z, relu_u = relu_scope(Normal(0, 1))
    outcome = decide(E(relu_u), wrong, S)
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["z"] > 5


def test_monte_carlo_has_no_false_alarm_over_many_seeds():
    S, z, relu_u = relu_scope(Uniform(-1, 2))
    truth = sp.Rational(1, 2)            # E[z^2] / 2, E[z^2] = int_-1^2 z^2 / 3 dz = 1
    refuted = [seed for seed in range(40)
               if decide(E(relu_u), truth, S, seed).verdict == Verdict.REFUTED]
    assert refuted == []


@pytest.mark.parametrize("law, truth", [(Normal(0, 1), sp.Rational(1, 2)),
                                        (Uniform(-1, 2), sp.Integer(8) / 9),
                                        (Laplace(0, 1), sp.Integer(1)),
                                        (SymmetricDiscrete((1, 3)), sp.Rational(5, 2))])
def test_a_function_of_one_random_scalar_is_integrated_by_quadrature(law, truth):
    """E[max(z, 0)^2] against its density (or atoms): deterministic, so a wrong factor is
    refuted with the relative difference, not a z-score."""
    S, z, _ = relu_scope(law)
    outcome = decide(E(sp.Max(z, 0)**2), truth, S)
    assert outcome.verdict == Verdict.VERIFIED and "quadrature" in outcome.method, outcome
    wrong = decide(E(sp.Max(z, 0)**2), truth * sp.Rational(11, 10), S)
    assert wrong.verdict == Verdict.REFUTED and wrong.method.startswith("exact moments")
    assert wrong.counterexample["lhs"] == pytest.approx(float(truth), rel=1e-9)


def test_an_entry_of_a_random_vector_is_integrated_alone():
    S = Scope()
    n = S.dim("n", 2, 4)
    u = S.random_vector("u", n, Normal(0, 4))
    j = sp.Symbol("j", integer=True, positive=True)
    total = sp.Sum(E(sp.Max(u[j - 1, 0], 0)**2), (j, 1, n))
    outcome = decide(total, 2 * n, S)                  # n times E[max(0, u_j)^2] = 4 / 2
    assert outcome.verdict == Verdict.VERIFIED and "quadrature" in outcome.method, outcome
    assert decide(total, 4 * n, S).verdict == Verdict.REFUTED


def test_any_symmetric_distribution_is_checked_for_several_and_says_which():
    S, z, _ = relu_scope(Symmetric(1))
    outcome = decide(E(sp.Max(z, 0)**2), E(z**2) / 2, S)
    assert outcome.verdict == Verdict.VERIFIED
    for name in ("Normal", "Uniform", "Laplace", "SymmetricDiscrete"):
        assert name in outcome.detail


def test_a_gaussian_only_fact_is_refuted_for_another_symmetric_distribution():
    S, z, _ = relu_scope(Symmetric(1))
    outcome = decide(E(z**4), 3, S)              # true for the normal only
    assert outcome.verdict == Verdict.REFUTED
    assert "Uniform" in outcome.detail or "Laplace" in outcome.detail


def test_variance_and_covariance_are_rewritten_as_expectations():
    S = Scope()
    u = S.random("u", Uniform(0, 1))
    v = S.random("v", Normal(2, 3))
    assert decide(Var(u), sp.Rational(1, 12), S).verdict == Verdict.VERIFIED
    assert decide(Var(u), sp.Rational(1, 3), S).verdict == Verdict.REFUTED
    assert decide(Var(2 * v + 1), 12, S).verdict == Verdict.VERIFIED
    assert decide(Cov(u, v), 0, S).verdict == Verdict.VERIFIED
    assert decide(Cov(u, u + v), sp.Rational(1, 12), S).verdict == Verdict.VERIFIED


def test_inverted_dropout_keeps_the_mean():
    S = Scope()
    n = S.dim("n")
    p = S.scalar("p", "real", interval=(0.2, 0.9))
    x = S.matrix("x", n, 1)
    m = S.random_vector("m", n, Bernoulli(p))
    ones = sp.OneMatrix(1, n)
    assert decide(E((ones * sp.HadamardProduct(m, x))[0, 0] / p), (ones * x)[0, 0],
                  S).verdict == Verdict.VERIFIED
    assert decide(E((ones * sp.HadamardProduct(m, x))[0, 0]), (ones * x)[0, 0],
                  S).verdict == Verdict.REFUTED


def test_expectations_of_entries_inside_a_sum_over_a_symbolic_range():
    S = Scope()
    n = S.dim("n", 1, 3)
    u = S.random_vector("u", n, Uniform(-1, 1))
    x = S.random_vector("x", n, Normal(1, 1))
    j = sp.Symbol("j", integer=True, positive=True)
    total = E(sp.Sum(u[j - 1, 0] * x[j - 1, 0], (j, 1, n)))
    split = sp.Sum(E(u[j - 1, 0]) * E(x[j - 1, 0]), (j, 1, n))
    assert decide(total, split, S).verdict == Verdict.VERIFIED
    wrong = sp.Sum(E(u[j - 1, 0] ** 2) * E(x[j - 1, 0]), (j, 1, n))     # n/3, not 0
    outcome = decide(total, wrong, S)
    assert outcome.verdict == Verdict.REFUTED
    assert outcome.counterexample["rhs"] != 0 and outcome.counterexample["lhs"] == 0


def test_a_polynomial_whose_exact_grid_is_too_large_goes_to_monte_carlo():
    S = Scope()
    n = S.dim("n", 3, 3)
    A, B, C = (S.random(name, Normal(0, 1), n, n) for name in "ABC")
    x = S.random_vector("x", n, Normal(0, 1))
    outcome = decide(E(sqnorm(A * B * C * x)), n**4, S)    # E||Mv||^2 = n ||v||^2, four times
    assert outcome.verdict == Verdict.VERIFIED and "Monte Carlo" in outcome.method
    for wrong in (n**3, 2 * n**4):
        assert decide(E(sqnorm(A * B * C * x)), wrong, S).verdict == Verdict.REFUTED


def test_the_grid_is_sized_before_any_exact_work_at_the_largest_dimensions():
    """A step whose exact grid fits at small sizes but not at the largest goes to Monte Carlo
    at once (the plan's point count is the one _quadratic_plan builds)."""
    from engine.checkers import statistical
    for k in (1, 2, 5):
        points, *_ = statistical._quadratic_plan(
            _one_random(k), {},
            np.random.default_rng(0), 0)
        assert len(points) == statistical._plan_size(k)
    S = Scope()
    n = S.dim("n", 1, 3)
    A, B, C = (S.random(name, Normal(0, 1), n, n) for name in "ABC")
    x = S.random_vector("x", n, Normal(0, 1))
    terms = [E(sqnorm(A * B * C * x))]
    assert statistical._grid_too_large(terms, S, _declarations(S, terms), 0)
    small = [E(sqnorm(A * x))]
    assert not statistical._grid_too_large(small, S, _declarations(S, small), 0)
    outcome = decide(terms[0], n**4, S)
    assert outcome.verdict == Verdict.VERIFIED and "Monte Carlo" in outcome.method


def _one_random(k):
    S = Scope()
    S.random_vector("v", k, Normal(0, 1))
    return S.randoms()[0]


def _declarations(S, exprs):
    from engine.sampling import needed_declarations
    return needed_declarations(S, exprs)


def test_sums_holding_expectations_are_written_out_term_by_term_with_dependent_bounds():
    from engine.checkers.statistical import _written_out
    S = Scope()
    n = S.dim("n")
    u = S.random_vector("u", n, Normal(0, 1))
    j, k = sp.symbols("j k", integer=True, positive=True)
    triangle = sp.Sum(E(u[j - 1, 0] * u[k - 1, 0]), (j, 1, k), (k, 1, n))
    written = _written_out(triangle, {n: 3})
    assert not written.has(sp.Sum)
    assert written == sum(E(u[a, 0] * u[b, 0]) for b in range(3) for a in range(b + 1))


def density_scope():
    S = Scope()
    sigma, a = S.scalars("sigma a", "positive")
    z = S.scalar("z")
    w = S.random("w", Normal(0, sigma**2))
    f = sp.exp(-z**2 / (2 * sigma**2 * a**2)) / (sp.sqrt(2 * sp.pi) * sigma * a)   # of w a
    return S, w * a, z, f


def test_expectation_against_the_integral_of_its_density_by_quadrature():
    S, y, z, f = density_scope()
    outcome = decide(E(y**2), sp.Integral(z**2 * f, (z, -sp.oo, sp.oo)), S)
    assert outcome.verdict == Verdict.VERIFIED and "quadrature" in outcome.method
    half = sp.Integral(z**2 * f, (z, 0, sp.oo))
    assert decide(E(sp.Max(0, y)**2), half, S).verdict == Verdict.VERIFIED
    assert decide(E(y**2), half, S).verdict == Verdict.REFUTED            # the factor 2 lost
    wrong_density = f * S.declarations["a"].symbol                          # 1/|a| dropped
    assert decide(E(y**2), sp.Integral(z**2 * wrong_density, (z, -sp.oo, sp.oo)),
                  S).verdict == Verdict.REFUTED


def test_an_integral_of_an_unspecified_density_stays_unknown():
    S, y, z, f = density_scope()
    g = sp.Function("g")
    outcome = decide(E(y**2), sp.Integral(z**2 * g(z), (z, -sp.oo, sp.oo)), S)
    assert outcome.verdict == Verdict.UNKNOWN


# -- conditional expectations E[. | y] --------------------------------------------------------

def layer_scope():
    """y = A x + b, and a second layer's weights a and bias c, all independent."""
    from sympy.matrices.expressions.matexpr import MatrixElement
    S = Scope()
    n, m = S.dims("n m", 1, 2)
    x = S.random_vector("x", n, Normal(0, 1))
    A = S.random("A", Uniform(-1, 1), m, n)
    b = S.random_vector("b", m, Uniform(-1, 1))
    a = S.random("a", Uniform(-1, 1), 1, m)
    c = S.random("c", Normal(0, 1))
    y = A * x + b
    j = sp.Symbol("j", integer=True, positive=True)
    out = sp.Sum(a[0, j - 1] * MatrixElement(y, j - 1, 0), (j, 1, m)) + c
    return S, x, y, a, c, j, m, out, MatrixElement


def test_tower_property_holds_for_any_conditioning():
    S, x, y, a, c, j, m, out, _ = layer_scope()
    for given in (x, y, (x, y)):
        outcome = decide(E(out**2), E(E(out**2, given=given)), S)
        assert outcome.verdict.holds, (given, outcome)


def test_conditioning_on_what_is_independent_gives_the_plain_expectation():
    S, x, y, a, c, j, m, out, entry = layer_scope()
    assert decide(E(a[0, 0], given=y), 0, S).verdict.holds
    assert decide(E(c**2, given=y), 1, S).verdict.holds
    # E[out^2 | y] = ||y||^2 / 3 + 1: a random quantity, checked on fixed draws of y's sources
    truth = sp.Sum(entry(y, j - 1, 0)**2, (j, 1, m)) / 3 + 1
    assert decide(E(out**2, given=y), truth, S).verdict.holds


def test_a_wrong_conditional_expectation_is_refuted_with_the_values_conditioned_on():
    S, x, y, a, c, j, m, out, entry = layer_scope()
    dropped = sp.Sum(entry(y, j - 1, 0)**2, (j, 1, m)) / 3      # the bias's + 1 lost
    outcome = decide(E(out**2, given=y), dropped, S)
    assert outcome.verdict == Verdict.REFUTED
    assert {"x|given", "A|given", "b|given"} <= set(outcome.counterexample["values"])


def test_each_power_of_a_conditional_expectation_gets_its_own_copy():
    """E[E[c | y]^2] = E[c]^2 = 0, not E[c^2] = 1: one shared copy would give 1."""
    S, x, y, a, c, j, m, out, _ = layer_scope()
    assert decide(E(E(c, given=y)**2), 0, S).verdict.holds
    assert decide(E(E(c, given=y)**2), 1, S).verdict == Verdict.REFUTED
    assert decide(E(E(out, given=y) * c), 0, S).verdict.holds


def test_an_integrand_using_more_than_the_conditioning_stays_unknown():
    S, x, y, a, c, j, m, out, _ = layer_scope()
    outcome = decide(E(x[0, 0] * out, given=y), 0, S)
    assert outcome.verdict == Verdict.UNKNOWN and "other than through" in outcome.detail
    outcome = decide(E(sp.exp(E(c, given=y))), 1, S)
    assert outcome.verdict == Verdict.UNKNOWN and "polynomial" in outcome.detail
    outcome = decide(E(a[0, 0], given=y) + c, c, S)        # c is random and not conditioned on
    assert outcome.verdict == Verdict.UNKNOWN and "not determined" in outcome.detail


# -- matrix-valued E[.] ---------------------------------------------------------------------

def matrix_scope():
    S = Scope()
    n = S.dim("n", 1, 3)
    sigma = S.scalar("sigma", "positive")
    w = S.random_vector("w", n, Normal(0, sigma**2))
    c = S.random("c", Normal(0, 1))
    A = S.matrix("A", n, n)
    return S, n, sigma, w, c, A


def test_the_expectation_of_a_matrix_is_taken_entry_by_entry():
    S, n, sigma, w, c, A = matrix_scope()
    assert decide(E(w * w.T), sigma**2 * sp.Identity(n), S).verdict == Verdict.VERIFIED
    assert decide(E(A * w), sp.ZeroMatrix(n, 1), S).verdict == Verdict.VERIFIED
    wrong = decide(E(w * w.T), sigma * sp.Identity(n), S)
    assert wrong.verdict == Verdict.REFUTED and wrong.counterexample["values"]["sigma"] != 1


def test_a_scalar_equated_with_the_expectation_of_a_matrix_is_refuted_for_its_shape():
    S, n, sigma, w, c, A = matrix_scope()
    outcome = decide(E((w.T * w)[0, 0]), E(w * w.T), S)
    assert outcome.verdict == Verdict.REFUTED and "different shapes" in outcome.detail
    assert outcome.counterexample["values"]["n"] == 2


def test_a_scalar_factor_independent_of_a_matrix_one_factors_out_of_the_expectation():
    S, n, sigma, w, c, A = matrix_scope()
    truth = sp.exp(sp.Rational(1, 2)) * sigma**2 * sp.Identity(n)       # E[e^c] = e^(1/2)
    outcome = decide(E(sp.exp(c) * w * w.T), truth, S)
    assert outcome.verdict == Verdict.VERIFIED and "quadrature" in outcome.method
    outcome = decide(E(sp.exp(c) * w * w.T), sigma**2 * sp.Identity(n), S)
    assert outcome.verdict == Verdict.REFUTED


def test_monte_carlo_tests_every_entry_of_a_matrix_expectation():
    S, n, sigma, w, c, A = matrix_scope()
    # c + w_1 ~ N(0, 1 + sigma^2) mixes two declarations inside max, so Monte Carlo decides;
    # E[max(c + w_1, 0)^2] = (1 + sigma^2) / 2
    relu = sp.Max(c + w[0, 0], 0)**2
    truth = (1 + sigma**2) / 2 * sp.Identity(n)
    outcome = decide(E(relu * sp.Identity(n)), truth, S)
    assert outcome.verdict in (Verdict.VERIFIED, Verdict.UNKNOWN), outcome
    assert "Monte Carlo" in outcome.method
    outcome = decide(E(relu * sp.Identity(n)), 2 * truth, S)
    assert outcome.verdict == Verdict.REFUTED and "standard errors" in outcome.detail


def test_conditioning_on_a_defined_quantity_and_on_a_constant():
    S = Scope()
    n = S.dim("n", 1, 3)
    x = S.random_vector("x", n, Normal(0, 1))
    A = S.random("A", Uniform(-1, 1), n, n)
    y = S.define("y", A * x)                    # named, so E[. | y] can see it is used whole
    a = S.random("a", Normal(0, 1), 1, n)
    out = (a * y)[0, 0]
    assert decide(E(out**2, given=y), (y.T * y)[0, 0], S).verdict == Verdict.VERIFIED
    assert decide(E(out**2, given=y), 2 * (y.T * y)[0, 0], S).verdict == Verdict.REFUTED
    assert decide(E(out**2, given=x), E(out**2), S).verdict == Verdict.REFUTED   # random vs constant
    c = S.scalar("c")
    assert decide(E(out**2, given=c), E(out**2), S).verdict.holds             # given a constant


# -- issue 16: soundness at the edges ------------------------------------------------------

from engine.checkers import integrands  # noqa: E402


def one_scalar(distribution):
    S = Scope()
    return S, S.random("X", distribution)


def test_polynomiality_is_decided_symbolically_not_by_fitting():
    S, X = one_scalar(Normal(0, 1))
    Y = S.random("Y", Normal(0, 1))
    assert integrands.degree(X**2 * Y + 3 * X, X, S) == 2
    assert integrands.degree(sp.Max(X, 5), X, S) is None
    assert integrands.degree(sp.Abs(X - 8), X, S) is None
    assert integrands.degree(1 / (X + 2), X, S) is None
    H = S.define("H", sp.Max(X, 0))
    assert integrands.degree(H * Y, X, S) is None and integrands.degree(H * Y, Y, S) == 1


def test_max_above_a_uniform_support_is_its_mean_not_the_constant():
    S, X = one_scalar(Uniform(10, 20))
    wrong = decide(E(sp.Max(X, 5)), 5, S)
    assert wrong.verdict == Verdict.REFUTED and wrong.counterexample["lhs"] == pytest.approx(15)
    assert decide(E(sp.Max(X, 5)), 15, S).verdict == Verdict.VERIFIED


def test_a_kink_inside_the_support_is_a_panel_boundary():
    S, X = one_scalar(Uniform(10, 20))
    assert decide(E(sp.Abs(X - 13)), sp.Rational(29, 10), S).verdict == Verdict.VERIFIED
    assert decide(E(sp.Abs(X - 13)), sp.Rational(5, 2), S).verdict == Verdict.REFUTED
    assert decide(E(sp.Abs(X - 8)), -7, S).verdict == Verdict.REFUTED


def test_kinks_and_poles_are_located_symbolically():
    x = sp.Symbol("x", real=True)
    switches, poles = integrands.special_points(sp.Max(x, 5) + sp.Abs(x**2 - 2) + 1 / (x - 3),
                                                x, 0, 10)
    assert switches == pytest.approx([np.sqrt(2), 5]) and poles == pytest.approx([3])


def indicator(condition):
    return sp.Piecewise((1, condition), (0, True))


def test_a_probability_of_one_half_is_not_zero():
    S, X = one_scalar(Uniform(0, 10))
    assert decide(E(indicator(X > 5)), 0, S).verdict == Verdict.REFUTED
    assert decide(E(indicator(X > 5)), sp.Rational(1, 2), S).verdict == Verdict.VERIFIED


def test_integrands_that_differ_on_a_rare_event_are_not_pointwise_equal():
    S, X = one_scalar(Normal(0, 1))
    outcome = decide(E(X + indicator(X > 3)), E(X), S)
    assert outcome.verdict == Verdict.REFUTED, outcome
    tail = float((1 - sp.erf(3 / sp.sqrt(2))) / 2)
    assert decide(E(indicator(X > 3)), tail, S).verdict == Verdict.VERIFIED


def test_sign_inside_an_expectation():
    S, X = one_scalar(Normal(0, 1))
    assert decide(E(sp.sign(X)), 0, S).verdict == Verdict.VERIFIED
    assert decide(E(sp.sign(X - 1)), 0, S).verdict == Verdict.REFUTED


def test_a_pole_inside_the_support_leaves_the_expectation_unknown():
    S, X = one_scalar(Normal(0, 1))
    outcome = decide(E(1 / (X - sp.Rational(1, 2))), 0, S)
    assert outcome.verdict == Verdict.UNKNOWN and "may not exist" in outcome.detail


def test_quadrature_does_not_make_a_divergent_expectation_finite():
    S, X = one_scalar(Normal(0, 1))
    outcome = decide(E(sp.exp(sp.Rational(3, 5) * X**2)), sp.sqrt(5), S)
    assert outcome.verdict == Verdict.UNKNOWN and "infinite" in outcome.detail


def test_a_slowly_decaying_tail_is_followed_beyond_twelve_standard_deviations():
    S, X = one_scalar(Normal(0, 1))     # E exp(0.4 X^2) = sqrt(5); the 12-sd tail is 1e-7
    assert decide(E(sp.exp(sp.Rational(2, 5) * X**2)), sp.sqrt(5), S).verdict == \
        Verdict.VERIFIED
    assert decide(E(sp.exp(sp.Rational(2, 5) * X**2)), 2.2361, S).verdict == Verdict.REFUTED


def test_a_half_percent_error_in_a_product_of_independent_relus_is_refuted():
    S, X = one_scalar(Normal(0, 1))
    Y = S.random("Y", Normal(0, 1))
    relus = sp.Max(X, 0) * sp.Max(Y, 0)
    assert decide(E(relus), 1 / (2 * sp.pi), S).verdict == Verdict.VERIFIED
    assert decide(E(relus), sp.Rational(201, 200) / (2 * sp.pi), S).verdict == Verdict.REFUTED


@pytest.mark.parametrize("seed", range(4))
def test_monte_carlo_says_unknown_for_an_expectation_with_infinite_variance(seed):
    S, X = one_scalar(Normal(0, 1))
    Y = S.random("Y", Normal(0, 1))
    truth = 1 / sp.sqrt(sp.Rational(19, 100))        # E exp(0.9XY), but E exp(1.8XY) = oo
    outcome = decide(E(sp.exp(sp.Rational(9, 10) * X * Y)), truth, S, seed)
    assert outcome.verdict == Verdict.UNKNOWN and "heavy-tailed" in outcome.detail


def test_monte_carlo_does_not_verify_a_ratio_without_a_mean():
    S, X = one_scalar(Normal(0, 1))
    Y = S.random("Y", Normal(0, 1))
    assert decide(E(X / Y), 0, S).verdict == Verdict.UNKNOWN


def test_monte_carlo_states_the_difference_it_could_have_detected():
    S, X = one_scalar(Normal(0, 1))
    Y = S.random("Y", Normal(0, 1))
    truth = 1 / (2 * sp.pi) + sp.Rational(3, 8)     # bivariate normal, rho = 1/sqrt 2
    outcome = decide(E(sp.Max(X, 0) * sp.Max(X + Y, 0)), truth, S)
    assert outcome.verdict == Verdict.VERIFIED and "would have been detected" in outcome.detail
    assert decide(E(sp.Max(X, 0) * sp.Max(X + Y, 0)), sp.Rational(3, 8), S).verdict == \
        Verdict.REFUTED
