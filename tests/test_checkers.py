"""Checkers on their own: true identities hold, false ones are refuted with a counterexample
that SymPy's own arithmetic confirms separates the two sides."""
import re

import numpy as np
import pytest
import sympy as sp

from engine import Relation, Scope, Verdict
from engine.check import check_relation
from engine.checkers import numeric, symbolic
from engine.ops import col, grad, inner, sqnorm, tr

from helpers import sympy_value


def scope_with_matrices():
    S = Scope()
    n, m = S.dims("n m")
    names = dict(n=n, m=m, S=S,
                 A=S.matrix("A", n, m), B=S.matrix("B", m, n), C=S.matrix("C", n, n),
                 H=S.matrix("H", n, n, "symmetric", "positive_definite"),
                 Q=S.matrix("Q", n, n, "orthogonal"), D=S.matrix("D", n, n, "diagonal"),
                 P=S.matrix("P", n, n, "positive_semidefinite"),
                 G=S.matrix("G", n, n, "invertible"), v=S.vector("v", n),
                 a=S.scalar("a"), b=S.scalar("b"), mu=S.scalar("mu", "positive"),
                 k=S.scalar("k", "positive_integer"))
    return names


def decide(lhs, rhs, S, seed=0):
    return check_relation(Relation.EQ, lhs, rhs, S, np.random.default_rng(seed))


def true_identities(x):
    A, B, C, H, Q, D, G, v, a, b, mu, n = (x[k] for k in "A B C H Q D G v a b mu n".split())
    I = sp.Identity(n)
    return [
        ((a + b)**2, a**2 + 2*a*b + b**2),
        (sp.sqrt(mu**2), mu),
        ((mu**2 - 1) / (mu - 1), mu + 1),
        (tr(A * B), tr(B * A)),
        ((A * B).T, B.T * A.T),
        (Q * Q.T, I),
        (tr(Q * H * Q.T), tr(H)),
        (D * H * D, D * H * D),
        (tr(D * C), tr(C * D)),
        (D * D.T, D**2),
        ((H + mu * I)**-1 * H, H * (H + mu * I)**-1),
        (G**-1 * G, I),
        ((G.T)**-1, (G**-1).T),
        (sqnorm(Q * v), sqnorm(v)),
        (sp.Sum(inner(col(C, x["k"]).T, col(C, x["k"])), (x["k"], 1, n)), tr(C.T * C)),
        (grad(v.T * H * v, v), 2 * H * v),
        (sp.Sum(x["k"], (x["k"], 1, n)), n * (n + 1) / 2),
        (grad((C * v).T * (C * v) / 2 + mu / 2 * (v.T * v), v), C.T * C * v + mu * v),  # a sum
    ]


def false_identities(x):
    A, B, C, H, Q, D, P, G, v, a, b, mu, n = (x[k] for k in "A B C H Q D P G v a b mu n".split())
    I = sp.Identity(n)
    return [
        ((a + b)**2, a**2 + b**2),                      # dropped cross term
        (-(a - b), a - b),                              # sign flip
        (tr(A * B), 2 * tr(B * A)),                     # factor 2
        (tr(C), n * tr(C)),                             # factor of a dimension
        ((A * B).T, A.T * B.T),                         # wrong transpose order (shape differs)
        (C * H, H * C),                                 # non-commuting product swapped
        (tr(H * H), tr(H)**2),
        (H**-1 * C, C * H**-1),
        (sqnorm(C * v), sqnorm(v)),                     # C is not orthogonal
        (P * P, P),                                     # PSD is not idempotent
        (tr(G**2), tr(G)**2),
        (sp.Sum(x["k"]**2, (x["k"], 1, n)), n * (n + 1) / 2),
        (grad(v.T * C * v, v), 2 * C * v),              # C not symmetric
        (mu**2, mu**3),                                 # exponent off by one
        (grad(v.T * H * v + v.T * v, v), 2 * H * v),    # the gradient of v^T v dropped
    ]


@pytest.mark.parametrize("index", range(18))
def test_true_identity_is_proved_or_verified(index):
    x = scope_with_matrices()
    lhs, rhs = true_identities(x)[index]
    outcome = decide(lhs, rhs, x["S"])
    assert outcome.verdict in (Verdict.PROVED, Verdict.VERIFIED), outcome


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("index", range(15))
def test_false_identity_is_refuted_with_a_counterexample_sympy_confirms(index, seed):
    x = scope_with_matrices()
    lhs, rhs = false_identities(x)[index]
    outcome = decide(lhs, rhs, x["S"], seed)
    assert outcome.verdict == Verdict.REFUTED, outcome
    example = outcome.counterexample
    assert example is not None and example["values"] or example["exact"]
    left = sympy_value(lhs, x["S"], example["values"])
    right = sympy_value(rhs, x["S"], example["values"])
    if np.shape(left) != np.shape(right):
        return                                  # different shapes: separated by construction
    assert not np.allclose(left, right, rtol=1e-6, atol=1e-9), (left, right)
    assert np.allclose(left, example["lhs"]) and np.allclose(right, example["rhs"])


def test_counterexample_is_small():
    x = scope_with_matrices()
    outcome = decide(x["C"] * x["H"], x["H"] * x["C"], x["S"])
    values = outcome.counterexample["values"]
    assert values["n"] == 2                     # 1 x 1 matrices commute, so 2 is the smallest
    assert all(float(e).is_integer() and abs(e) <= 4 for row in values["C"] for e in row)


def test_counterexample_shrinks_dimensions_and_values():
    x = scope_with_matrices()
    outcome = decide(tr(x["C"]), x["n"] * tr(x["C"]), x["S"])
    assert outcome.counterexample["values"]["n"] == 2


def test_constants_are_decided_by_exact_arithmetic():
    S = Scope()
    assert symbolic.prove_equal(sp.Integer(213504), sp.Integer(213504), {}).verdict == Verdict.PROVED
    refuted = symbolic.prove_equal(sp.Integer(213054), sp.Integer(213504), {})
    assert refuted.verdict == Verdict.REFUTED and refuted.counterexample["exact"]


def test_numeric_checker_states_trials_and_tolerance():
    x = scope_with_matrices()
    outcome = numeric.test_equal(tr(x["A"] * x["B"]), tr(x["B"] * x["A"]), x["S"],
                                 np.random.default_rng(0), numeric.Settings(trials=5, rtol=1e-9))
    assert outcome.verdict == Verdict.VERIFIED
    assert outcome.method == "numeric: 5 trials, rtol 1e-09"


def test_numeric_checker_samples_non_square_sizes():
    x = scope_with_matrices()
    outcome = numeric.test_equal(tr(x["A"] * x["B"]), tr(x["B"] * x["A"]), x["S"],
                                 np.random.default_rng(0))
    pairs = re.findall(r"\((\d+), (\d+)\)", outcome.detail)
    assert len(pairs) >= 3 and any(a != b for a, b in pairs), outcome.detail


def test_domain_errors_are_resampled_not_counted():
    S = Scope()
    a = S.scalar("a", "real")
    # log(a) only exists for a > 0: half the draws are discarded, the rest agree
    outcome = decide(sp.log(a**2), 2 * sp.log(sp.Abs(a)), S)
    assert outcome.verdict in (Verdict.PROVED, Verdict.VERIFIED)
    # the left side has no real value anywhere while the right side does: a domain mismatch
    never = decide(sp.log(-a**2 - 1), sp.Integer(0), S)
    assert never.verdict == Verdict.REFUTED and "domain mismatch" in never.detail


def test_undefined_symbol_is_an_error():
    S = Scope()
    a = S.scalar("a")
    stray = sp.Symbol("zeta")
    outcome = decide(a + stray, a, S)
    assert outcome.verdict == Verdict.ERROR and "zeta" in outcome.detail


def test_invalid_product_is_an_error():
    x = scope_with_matrices()
    outcome = decide(tr(x["A"] * x["A"].T * x["B"].T), tr(x["B"] * x["A"]), x["S"])
    assert outcome.verdict in (Verdict.ERROR, Verdict.REFUTED)
    bad = sp.MatMul(x["A"], x["B"], x["B"])                # n x m, m x n, m x n: invalid
    outcome = decide(tr(bad), tr(x["C"]), x["S"])
    assert outcome.verdict == Verdict.ERROR and "shape mismatch" in outcome.detail


def test_structure_declared_on_a_definition_is_confirmed():
    S = Scope()
    n = S.dim("n")
    X = S.matrix("X", n, n)
    Y = S.define("Y", X + X.T, "positive_definite")    # false: X + X^T need not be PD
    outcome = decide(tr(Y), tr(Y), S)
    assert outcome.verdict == Verdict.PROVED             # identical needs no sampling
    outcome = decide(tr(Y * Y), tr(Y)**2 + 1, S)
    assert outcome.verdict in (Verdict.UNKNOWN, Verdict.ERROR, Verdict.REFUTED)


def test_limits_are_taken_at_each_instance_and_a_wrong_limit_is_refuted():
    S = Scope()
    beta = S.scalar("beta", "real", interval=(0, 1))
    m = S.scalar("m")
    t = sp.Symbol("t", integer=True, positive=True)        # bound by the limit: not declared
    rng = np.random.default_rng(0)
    fades = check_relation(Relation.EQ, sp.Limit(beta**t * m, t, sp.oo), 0, S, rng)
    assert fades.verdict == Verdict.VERIFIED and "limit taken by SymPy" in fades.detail
    wrong = check_relation(Relation.EQ, sp.Limit(1 - beta**t, t, sp.oo), 0, S, rng)
    assert wrong.verdict == Verdict.REFUTED
    assert (wrong.counterexample["lhs"], wrong.counterexample["rhs"]) == (1, 0)
    # a limit that does not exist (the sign of (-1)^t oscillates) is never called equal to 0
    oscillates = check_relation(Relation.EQ, sp.Limit((-1)**t * (1 + beta), t, sp.oo), 0, S, rng)
    assert not oscillates.verdict.holds, oscillates


def test_exact_confirmation_declines_powers_too_costly_to_take_exactly():
    """(1 - p)^T at T = 1e6 or T = 0.7 (a root of degree 2^52) would take SymPy minutes in
    exact arithmetic: the exact gap is then unavailable (the float evidence stands), not a hang."""
    from engine.checkers.exact import exact_gap
    S = Scope()
    p = S.scalar("p", "real", interval=(0, 1))
    T = S.scalar("T", "positive")
    for t in (1e6, 0.7):
        assert exact_gap((1 - p)**T, (1 - p)**(T + 1), S, {p: 0.3, T: t}) is None
    assert exact_gap((1 - p)**T, (1 - p)**(T + 1), S, {p: 0.5, T: 3.0}) == pytest.approx(1 / 16)


# -- soundness at the edges (issue 16, items 3, 4, 6, 10) ----------------------------------------

def _real(*names):
    S = Scope()
    return S, [S.scalar(n) for n in names]


def test_tiny_constant_difference_is_refuted_outright():
    S, (x,) = _real("x")
    outcome = decide(x**2 + sp.Rational(1, 10**9), x**2, S)
    assert outcome.verdict == Verdict.REFUTED and "1/1000000000" in outcome.detail


def test_tiny_relative_difference_is_refuted_in_exact_arithmetic():
    S, (x,) = _real("x")
    outcome = decide(x * (1 + sp.Rational(1, 10**10)), x, S)
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["exact"]
    assert outcome.counterexample["values"]["x"] != 0


def test_float_agreement_is_confirmed_exactly_before_verified():
    S, (x,) = _real("x")
    outcome = numeric.test_equal(sp.expand((1 + x) ** 30), (1 + x) ** 30, S,
                                 np.random.default_rng(3))
    assert outcome.verdict == Verdict.VERIFIED and "confirmed in exact" in outcome.detail


def test_min_with_a_far_kink_is_refuted_at_the_kink():
    S, (x,) = _real("x")
    outcome = numeric.test_equal(sp.Min(x, 20), x, S, np.random.default_rng(0))
    assert outcome.verdict == Verdict.REFUTED
    assert outcome.counterexample["values"]["x"] == 21      # shrunk to the nearest integer


@pytest.mark.parametrize("seed", range(4))
def test_ceiling_minus_floor_is_refuted_at_integers_on_every_seed(seed):
    S, (x,) = _real("x")
    outcome = numeric.test_equal(sp.ceiling(x) - sp.floor(x), sp.Integer(1), S,
                                 np.random.default_rng(seed))
    assert outcome.verdict == Verdict.REFUTED
    assert float(outcome.counterexample["values"]["x"]).is_integer()


def test_one_side_defined_is_a_domain_mismatch_not_a_skipped_instance():
    S, (x, y) = _real("x", "y")
    outcome = numeric.test_equal(sp.log(x * y), sp.log(x) + sp.log(y), S,
                                 np.random.default_rng(0))
    assert outcome.verdict == Verdict.REFUTED and "domain mismatch" in outcome.detail
    P = Scope()
    u, v = P.scalar("u", "positive"), P.scalar("v", "positive")
    assert numeric.test_equal(sp.log(u * v), sp.log(u) + sp.log(v), P,
                              np.random.default_rng(0)).verdict == Verdict.VERIFIED


def test_power_of_power_is_refuted_for_real_bases():
    S, (x, y, z) = _real("x", "y", "z")
    outcome = numeric.test_equal((x**y)**z, x**(y * z), S, np.random.default_rng(0))
    assert outcome.verdict == Verdict.REFUTED


def test_verified_detail_states_the_ranges_tested():
    S, (x,) = _real("x")
    outcome = numeric.test_equal(sp.Abs(x) ** 2, x**2, S, np.random.default_rng(0))
    assert outcome.verdict == Verdict.VERIFIED and "1e12" in outcome.detail


def test_binomial_trick_in_an_integer_sequence_is_refuted():
    S = Scope()
    n = S.scalar("n", "positive_integer")
    k = sp.Symbol("k", integer=True)
    outcome = numeric.test_equal(sp.Sum(k, (k, 1, n)), n * (n + 1) / 2 + sp.binomial(n, 8), S,
                                 np.random.default_rng(0))
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["values"]["n"] >= 8


def test_cancellation_in_float64_is_not_reported_as_a_counterexample():
    S = Scope()
    x = S.scalar("x", "real", interval=(0.999, 1.001))
    outcome = numeric.test_equal(sp.expand((x - 1) ** 20), (x - 1) ** 20, S,
                                 np.random.default_rng(0))
    assert outcome.verdict == Verdict.VERIFIED


def test_counterexample_shrinks_to_simple_values():
    from engine.shrink import shrink_instance
    from engine.sampling import needed_declarations
    S, (x, z) = _real("x", "z")
    declarations = needed_declarations(S, [x, z])
    values = {x: 3.7, z: -0.10869}
    fails = lambda v: float(v[z]) < 0        # noqa: E731 - only z's sign matters
    shrunk = shrink_instance(values, declarations, S, np.random.default_rng(0), fails)
    assert shrunk[z] == -1.0 and shrunk[x] == 0.0
