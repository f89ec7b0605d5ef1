"""Relations beyond equality: inequalities, approximations, implications and equivalences,
"for all" facts, derivatives by finite differences, and how a chain's relations compose into
the relation its claim states. True statements hold; false ones are refuted with a
counterexample that SymPy's own arithmetic confirms."""
import numpy as np
import pytest
import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from engine import Derivation, Relation, Scope, Source, Step, Verdict, claim, eq, holds, step
from engine.check import CheckSettings, check_derivations, check_relation, compose, entails
from engine.ops import jacobian, sqnorm, tr

from helpers import sympy_value

HOLDS = (Verdict.PROVED, Verdict.VERIFIED)


def symbols():
    S = Scope()
    n = S.dim("n")
    names = dict(S=S, n=n, x=S.scalar("x"), y=S.scalar("y"), mu=S.scalar("mu", "positive"),
                 z=S.scalar("z", "nonnegative"), p=S.scalar("p", "positive", interval=(0, 1)),
                 v=S.vector("v", n), P=S.matrix("P", n, n, "positive_semidefinite"))
    return names


def decide(relation, lhs, rhs, S, seed=0, **options):
    return check_relation(Relation.parse(relation), lhs, rhs, S, np.random.default_rng(seed),
                          **options)


def violates(relation, left, right) -> bool:
    """Whether `left relation right` is false for these numbers."""
    return not {"<=": left <= right, "<": left < right, ">=": left >= right,
                ">": left > right}[relation]


# -- inequalities ---------------------------------------------------------------------------

def true_inequalities(s):
    x, y, mu, z, p, v, P = (s[k] for k in "x y mu z p v P".split())
    return [
        ("<=", 2 * x * y, x**2 + y**2),
        ("<=", (x + y)**2, 2 * (x**2 + y**2)),
        ("<", sp.log(1 + mu), mu),
        ("<=", sp.log(1 + z), z),
        (">=", sp.exp(x), 1 + x),
        (">=", mu + 1 / mu, 2),
        (">", p * (1 - p), 0),
        ("<=", p * (1 - p), sp.Rational(1, 4)),
        (">=", sqnorm(v), 0),
        (">=", v.T * P * v, 0),                   # a 1 x 1 matrix counts as a scalar
        (">=", tr(P), 0),
    ]


def false_inequalities(s):
    x, y, mu, z, p, v, P = (s[k] for k in "x y mu z p v P".split())
    return [
        ("<=", x, x**2),                          # fails for 0 < x < 1
        ("<=", mu**2, mu**3),
        (">=", sp.log(1 + mu), mu),               # the direction flipped
        ("<=", (x + y)**2, x**2 + y**2),          # dropped cross term
        ("<", p * (1 - p), sp.Rational(1, 4)),    # equality at p = 1/2
        ("<=", v.T * v, 0),
        ("<=", tr(P), 0),
    ]


@pytest.mark.parametrize("index", range(11))
def test_true_inequality_is_proved_or_verified(index):
    s = symbols()
    relation, lhs, rhs = true_inequalities(s)[index]
    outcome = decide(relation, lhs, rhs, s["S"])
    assert outcome.verdict in HOLDS, outcome


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("index", range(7))
def test_false_inequality_is_refuted_with_a_counterexample_that_violates_it(index, seed):
    s = symbols()
    relation, lhs, rhs = false_inequalities(s)[index]
    outcome = decide(relation, lhs, rhs, s["S"], seed)
    assert outcome.verdict == Verdict.REFUTED, outcome
    example = outcome.counterexample
    left = float(np.ravel(sympy_value(lhs, s["S"], example["values"]))[0])
    right = float(np.ravel(sympy_value(rhs, s["S"], example["values"]))[0])
    assert violates(relation, left, right) or (relation in "<>" and np.isclose(left, right))
    assert np.isclose(left, example["lhs"]) and np.isclose(right, example["rhs"])


def test_inequality_sympy_can_sign_is_proved_and_says_how():
    s = symbols()
    outcome = decide("<=", 2 * s["x"] * s["y"], s["x"]**2 + s["y"]**2, s["S"])
    assert outcome.verdict == Verdict.PROVED
    assert outcome.method.startswith("sign") and "factor" in outcome.method


def test_falsification_states_the_points_and_that_it_is_no_proof():
    s = symbols()
    outcome = decide("<", sp.log(1 + s["mu"]), s["mu"], s["S"])
    assert outcome.verdict == Verdict.VERIFIED
    assert outcome.method == "falsification: 64 points incl. boundary and extremes"
    assert "weaker than a proof" in outcome.detail


@pytest.mark.parametrize("relation, lhs, rhs, where", [
    ("<=", "mu", sp.Integer(10)**5, 100001.0),       # only huge values break it (shrunk)
    (">=", "mu", sp.Rational(1, 10**5), 1e-6),       # only tiny values break it
    (">=", "x**2", sp.Rational(1, 10**8), None),     # only near 0
    ("<", "log(1 + z)", "z", 0),                     # equal only at z = 0, a boundary
])
def test_inequality_false_only_at_a_boundary_or_extreme_is_refuted(relation, lhs, rhs, where):
    s = symbols()
    names = {k: s[k] for k in ("x", "mu", "z")}
    lhs, rhs = (sp.sympify(side, locals=names) for side in (lhs, rhs))
    outcome = decide(relation, lhs, rhs, s["S"])
    assert outcome.verdict == Verdict.REFUTED, outcome
    values = outcome.counterexample["values"]
    if where is not None:
        assert where in values.values()
    left, right = (sympy_value(side, s["S"], values) for side in (lhs, rhs))
    assert violates(relation, left, right)


def test_strict_inequality_equal_only_at_an_interval_endpoint_is_not_refuted():
    s = symbols()     # p in (0, 1): whether the endpoints belong is not declared
    outcome = decide(">", s["p"] * (1 - s["p"]), 0, s["S"])
    assert outcome.verdict == Verdict.VERIFIED
    assert "endpoint" in outcome.detail


def test_equality_is_no_violation_of_a_non_strict_inequality():
    s = symbols()
    assert decide("<=", sp.log(1 + s["z"]), s["z"], s["S"]).verdict in HOLDS
    assert decide(">=", s["x"]**2, 0, s["S"]).verdict in HOLDS


def test_inequality_between_non_scalars_is_an_error():
    s = symbols()
    outcome = decide("<=", s["v"], 2 * s["v"], s["S"])
    assert outcome.verdict == Verdict.ERROR and "scalar" in outcome.detail


def test_inequality_between_constants_is_decided_exactly():
    S = Scope()
    assert decide(">", sp.Integer(2)**10, 1000, S).verdict == Verdict.PROVED
    wrong = decide("<", sp.pi, 3, S)
    assert wrong.verdict == Verdict.REFUTED and wrong.counterexample["exact"]


# -- approximations -------------------------------------------------------------------------

def test_approximation_with_a_limit_sympy_can_take_is_proved():
    s = symbols()
    p = s["p"]
    outcome = decide("≈", sp.log(1 - p), -p, s["S"], limit=(p, 0))
    assert outcome.verdict == Verdict.PROVED
    assert outcome.method == "asymptotic: lhs/rhs -> 1 as p -> 0 (SymPy limit)"


def test_approximation_off_by_a_factor_is_refuted():
    s = symbols()
    p = s["p"]
    outcome = decide("≈", sp.log(1 - p), -2 * p, s["S"], limit=(p, 0))
    assert outcome.verdict == Verdict.REFUTED and "asymptotic" in outcome.method
    assert "1/2" in outcome.method


def test_approximation_without_its_limit_is_unknown():
    s = symbols()
    outcome = decide("≈", sp.log(1 - s["p"]), -s["p"], s["S"])
    assert outcome.verdict == Verdict.UNKNOWN and "limit=(x, 0)" in outcome.detail


def test_approximation_sympy_cannot_take_is_decided_by_the_ratio():
    s = symbols()
    p, v = s["p"], s["v"]
    right = decide("≈", sqnorm(v) * sp.log(1 + p), sqnorm(v) * p, s["S"], limit=(p, 0))
    assert right.verdict == Verdict.VERIFIED and "asymptotic" in right.method
    wrong = decide("≈", sqnorm(v) * sp.log(1 + p), sqnorm(v) * p / 2, s["S"], limit=(p, 0))
    assert wrong.verdict == Verdict.REFUTED
    assert abs(wrong.counterexample["ratios"][-1][1] - 2) < 1e-3


def test_approximation_at_infinity():
    s = symbols()
    mu = s["mu"]
    good = decide("≈", sp.sqrt(mu**2 + mu), mu, s["S"], limit=(mu, sp.oo))
    bad = decide("≈", sp.sqrt(mu**2 + mu), 2 * mu, s["S"], limit=(mu, sp.oo))
    assert good.verdict == Verdict.PROVED and bad.verdict == Verdict.REFUTED


# -- statements: =>, <=>, for all -------------------------------------------------------------

def confirm_witness(outcome, premise, conclusion, S, relation):
    """The witness, re-evaluated by SymPy, really breaks the statement."""
    values = outcome.counterexample["values"]
    subs = {S.lookup(name): sp.nsimplify(value, rational=True) for name, value in values.items()}
    truths = [bool(side.subs(subs)) for side in (premise, conclusion)]
    assert truths == [outcome.counterexample["lhs"], outcome.counterexample["rhs"]]
    assert (truths[0] and not truths[1]) if relation == "=>" else truths[0] != truths[1]


def test_true_implication_is_verified():
    s = symbols()
    x, y = s["x"], s["y"]
    outcome = decide("=>", sp.And(x > 0, y > 0), x * y > 0, s["S"])
    assert outcome.verdict == Verdict.VERIFIED
    assert "where the premise held" in outcome.detail


@pytest.mark.parametrize("seed", range(3))
def test_false_implication_is_refuted_with_a_witness(seed):
    s = symbols()
    x, y = s["x"], s["y"]
    premise, conclusion = x * y > 0, sp.And(x > 0, y > 0)
    outcome = decide("=>", premise, conclusion, s["S"], seed)
    assert outcome.verdict == Verdict.REFUTED
    confirm_witness(outcome, premise, conclusion, s["S"], "=>")


@pytest.mark.parametrize("seed", range(30))
def test_a_witness_band_between_two_solved_boundaries_is_entered_on_every_seed(seed):
    # 0 < eps lam < 1 => eps < 1/(2 lam) fails on 1/(2 lam) <= eps < 1/lam (lam = 1,
    # eps = 3/4). Its one-sided boundary eps = 1/(2 lam), solved and rounded to float64, could
    # land on the side where the conclusion holds: the band's inside must be tried too.
    S = Scope()
    eps, lam = S.scalar("epsilon"), S.scalar("lambda", "positive")
    premise = sp.And(0 < eps * lam, eps * lam < 1)
    wrong = decide("=>", premise, eps < 1 / (2 * lam), S, seed)
    assert wrong.verdict == Verdict.REFUTED
    confirm_witness(wrong, premise, eps < 1 / (2 * lam), S, "=>")
    assert decide("=>", premise, eps < 2 / lam, S, seed).verdict == Verdict.VERIFIED


def test_equivalence_true_and_false():
    s = symbols()
    x = s["x"]
    right = decide("<=>", x**2 < 1, sp.And(x > -1, x < 1), s["S"])
    assert right.verdict == Verdict.VERIFIED
    premise, conclusion = x**2 <= 1, sp.And(x > -1, x < 1)   # differ only at x = +-1
    wrong = decide("<=>", premise, conclusion, s["S"])
    assert wrong.verdict == Verdict.REFUTED
    confirm_witness(wrong, premise, conclusion, s["S"], "<=>")


def test_equivalence_tested_on_one_truth_value_only_says_so():
    s = symbols()
    x = s["x"]
    outcome = decide("<=>", x**2 + 1 > x, x**2 >= x - 1, s["S"])      # both always true
    assert outcome.verdict == Verdict.UNKNOWN and "only" in outcome.detail


def test_witness_only_at_an_interval_endpoint_is_no_refutation():
    s = symbols()
    p, mu = s["p"], s["mu"]          # p positive in (0, 1): p = 0 and p = 1 may not belong
    outcome = decide("=>", mu > 0, sp.And(p * mu > 0, p < 1), s["S"])
    assert outcome.verdict == Verdict.VERIFIED
    assert "endpoint" in outcome.detail


def test_positive_scalar_in_an_interval_is_never_sampled_at_zero():
    from engine.sampling import extreme_scalars
    assert 0.0 not in extreme_scalars("positive", (0, 1))
    assert 0.0 in extreme_scalars("nonnegative", (0, 1))
    assert 0.0 in extreme_scalars("real", (-1, 1))


def test_false_implication_near_an_endpoint_is_still_refuted():
    s = symbols()
    p = s["p"]
    outcome = decide("=>", p > 0, p < sp.Rational(9, 10), s["S"])
    assert outcome.verdict == Verdict.REFUTED
    assert 0.9 <= outcome.counterexample["values"]["p"] < 1


def test_implication_whose_premise_is_never_sampled_is_unknown():
    s = symbols()
    x = s["x"]
    # a premise true only on (1, 1 + 10^-20), which no float64 instance reaches
    outcome = decide("=>", sp.And(x > 1, x < 1 + sp.Rational(1, 10**20)), x > 0, s["S"])
    assert outcome.verdict == Verdict.UNKNOWN
    assert "could not sample instances satisfying A" in outcome.detail


def test_holds_states_a_for_all_fact():
    s = symbols()
    x = s["x"]
    fact_step = holds(sp.Implies(x > 1, x**2 > 1), "squares grow past 1")
    assert isinstance(fact_step, Step) and fact_step.relation == Relation.IMPLIES
    assert fact_step.lhs == sp.true
    assert decide("=>", fact_step.lhs, fact_step.expr, s["S"]).verdict == Verdict.VERIFIED
    wrong = sp.Implies(x > -1, x**2 < 1)
    outcome = decide("=>", sp.true, wrong, s["S"])
    assert outcome.verdict == Verdict.REFUTED
    confirm_witness(outcome, *wrong.args, s["S"], "=>")


def test_for_all_inequality_goes_to_the_inequality_checker():
    s = symbols()
    x, y = s["x"], s["y"]
    assert decide("=>", sp.true, 2 * x * y <= x**2 + y**2, s["S"]).verdict == Verdict.PROVED
    strict = decide("=>", sp.true, 2 * x * y < x**2 + y**2, s["S"])
    assert strict.verdict == Verdict.REFUTED                 # equal wherever x = y


def test_statements_without_free_symbols_are_decided_exactly():
    S = Scope()
    assert decide("=>", sp.true, sp.Eq(sp.factorial(5), 120), S).verdict == Verdict.PROVED
    wrong = decide("=>", sp.true, sp.Eq(sp.factorial(5), 121), S)
    assert wrong.verdict == Verdict.REFUTED and wrong.counterexample["exact"]


# -- derivatives ------------------------------------------------------------------------------

def layer():
    S = Scope()
    n, m = S.dims("n m")
    W, x, b = S.matrix("W", m, n), S.vector("x", n), S.vector("b", m)
    return S, W, x, b


def test_jacobian_of_a_tanh_layer_is_verified_by_finite_differences():
    S, W, x, b = layer()
    z = W * x + b
    claimed = DiagMatrix(z.applyfunc(lambda t: 1 - sp.tanh(t)**2)) * W
    outcome = decide("=", jacobian(z.applyfunc(sp.tanh), x), claimed, S)
    assert outcome.verdict == Verdict.VERIFIED
    assert outcome.method.startswith("finite differences") and "rtol 1e-05" in outcome.method


@pytest.mark.parametrize("seed", range(3))
def test_jacobian_missing_the_activation_derivative_is_refuted(seed):
    S, W, x, b = layer()
    outcome = decide("=", jacobian((W * x + b).applyfunc(sp.tanh), x), W, S, seed)
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["values"]


def test_jacobian_follows_definitions_that_depend_on_the_variable():
    S, W, x, b = layer()
    h = S.define("h", W * x + b)                 # the pre-activation, moving with x
    claimed = DiagMatrix(h.applyfunc(lambda t: 1 - sp.tanh(t)**2)) * W
    assert decide("=", jacobian(h.applyfunc(sp.tanh), x), claimed, S).verdict == Verdict.VERIFIED


def test_gradient_with_respect_to_a_matrix_has_its_shape():
    S = Scope()
    n = S.dim("n")
    A, u, v = S.matrix("A", n, n), S.vector("u", n), S.vector("v", n)
    assert jacobian(u.T * A * v, A).shape == (n, n)
    assert decide("=", jacobian(u.T * A * v, A), u * v.T, S).verdict == Verdict.VERIFIED
    wrong = decide("=", jacobian(u.T * A * v, A), v * u.T, S)
    assert wrong.verdict == Verdict.REFUTED
    left = sympy_value(u * v.T, S, wrong.counterexample["values"])
    right = sympy_value(v * u.T, S, wrong.counterexample["values"])
    assert not np.allclose(left, right)


def test_derivative_with_respect_to_a_scalar():
    S = Scope()
    t = S.scalar("t")
    assert decide("=", jacobian(t * sp.sin(t), t), sp.sin(t) + t * sp.cos(t), S).verdict \
        == Verdict.VERIFIED
    assert decide("=", jacobian(t * sp.sin(t), t), t * sp.cos(t), S).verdict == Verdict.REFUTED


# -- composing a chain's relations -------------------------------------------------------------

def test_relations_compose_and_entail_as_order_relations_do():
    LE, LT, GE, EQ = Relation.LE, Relation.LT, Relation.GE, Relation.EQ
    assert compose(EQ, LE) == LE and compose(LE, EQ) == LE
    assert compose(LE, LT) == LT and compose(LE, LE) == LE
    assert compose(LE, GE) is None and compose(LE, Relation.APPROX) is None
    assert compose(Relation.IFF, Relation.IMPLIES) == Relation.IMPLIES
    assert entails(LT, LE) and entails(EQ, LE) and not entails(LE, LT) and not entails(LE, GE)


def claim_entry(chain, stated, scope):
    derivation = Derivation(id="t/chain", title="chain", source=Source("t", "t"), scope=scope,
                            claim=stated, chain=chain)
    run = check_derivations([derivation], CheckSettings())
    steps = run.derivations[0].steps
    return [s for s in steps if s.kind == "claim"][0], steps


def square_chain(last_relation):
    s = symbols()
    x, y = s["x"], s["y"]
    chain = [(x + y)**2, eq(x**2 + 2 * x * y + y**2, "expand"),
             step(last_relation, 2 * x**2 + 2 * y**2, "2xy <= x^2 + y^2")]
    return s, chain, (x + y)**2, 2 * (x**2 + y**2)


def test_chain_of_equalities_and_le_proves_a_le_claim():
    s, chain, lhs, rhs = square_chain("<=")
    entry, steps = claim_entry(chain, claim(lhs, "<=", rhs), s["S"])
    assert all(step.verdict in HOLDS for step in steps), steps
    assert "compose to <=" in entry.detail


def test_le_chain_does_not_prove_a_strict_claim():
    s, chain, lhs, rhs = square_chain("<=")
    entry, _ = claim_entry(chain, claim(lhs, "<", rhs), s["S"])
    assert entry.verdict not in HOLDS
    assert "does not give the claim's <" in entry.detail


def test_strict_chain_proves_a_non_strict_claim():
    s = symbols()
    mu = s["mu"]
    chain = [sp.log(1 + mu), step("<", mu, "log(1 + x) < x"), eq(mu, "nothing changes")]
    entry, _ = claim_entry(chain, claim(sp.log(1 + mu), "<=", mu), s["S"])
    assert entry.verdict in HOLDS, entry


def test_chain_mixing_le_and_ge_is_an_error():
    s = symbols()
    mu = s["mu"]
    chain = [sp.log(1 + mu), step("<=", mu, "log(1 + x) <= x"), step(">=", mu / 2, "halve")]
    entry, _ = claim_entry(chain, claim(sp.log(1 + mu), "<=", mu / 2), s["S"])
    assert entry.verdict == Verdict.ERROR and "compose to no relation" in entry.detail


def test_approximation_steps_show_as_asymptotic():
    s = symbols()
    p = s["p"]
    chain = [sp.log(1 - p), step("≈", -p, "first-order Taylor", limit=(p, 0)),
             eq(-p, "rewrite")]
    entry, steps = claim_entry(chain, claim(sp.log(1 - p), "≈", -p), s["S"])
    assert steps[0].relation == "≈" and "asymptotic" in steps[0].method
    assert steps[0].verdict == Verdict.PROVED and entry.verdict in HOLDS


def test_correction_inherits_the_relations_of_the_steps_before_it():
    s = symbols()
    mu = s["mu"]
    chain = [sp.log(1 + mu), step("<", mu, "log(1 + x) < x"),
             eq(2 * mu, "double", expect=Verdict.REFUTED, note="wrong",
                correction=[eq(mu + 0, "unchanged")])]
    derivation = Derivation(id="t/correction", title="c", source=Source("t", "t"),
                            scope=s["S"], claim=claim(sp.log(1 + mu), "<", mu), chain=chain)
    steps = check_derivations([derivation], CheckSettings()).derivations[0].steps
    corrected = [s for s in steps if s.kind == "claim" and s.chain != "source"][0]
    assert corrected.verdict in HOLDS and "compose to <" in corrected.detail


# -- soundness at the edges (issue 16, items 3, 4, 10) -------------------------------------------

def test_inequality_violated_by_a_tiny_constant_is_refuted():
    S = Scope()
    x = S.scalar("x")
    outcome = decide("<=", x**2 + 1, x**2 + 1 - sp.Rational(1, 10**9), S)
    assert outcome.verdict == Verdict.REFUTED


def test_inequality_tie_within_tolerance_is_settled_exactly():
    S = Scope()
    x = S.scalar("x", "positive")
    outcome = decide("<=", sp.log(x), x - 1 - sp.Rational(1, 10**9), S)
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["exact"]


@pytest.mark.parametrize("seed", range(3))
def test_integer_bound_is_probed_far_beyond_1000(seed):
    S = Scope()
    n = S.scalar("n", "positive_integer")
    outcome = decide("<=", n, sp.Integer(1000), S, seed)
    assert outcome.verdict == Verdict.REFUTED
    assert outcome.counterexample["values"]["n"] == 1001     # bisected to the smallest


def _statement(relation, premise, conclusion, S, seed=0):
    return check_relation(Relation(relation), premise, conclusion, S, np.random.default_rng(seed))


@pytest.mark.parametrize("seed", range(4))
def test_implication_between_thresholds_is_refuted_between_them(seed):
    S = Scope()
    x = S.scalar("x")
    outcome = _statement("=>", x > 7, x > 8, S, seed)
    assert outcome.verdict == Verdict.REFUTED
    assert 7 < outcome.counterexample["values"]["x"] <= 8
    assert _statement("=>", x > 8, x > 7, S, seed).verdict == Verdict.VERIFIED


@pytest.mark.parametrize("seed", range(4))
def test_equivalence_is_refuted_by_a_solved_witness_on_every_seed(seed):
    S = Scope()
    x, y = S.scalar("x"), S.scalar("y")
    outcome = _statement("<=>", sp.Eq(x**2, 4), sp.Eq(x, 2), S, seed)
    assert outcome.verdict == Verdict.REFUTED and outcome.counterexample["values"]["x"] == -2
    other = _statement("<=>", sp.Eq(x, y), sp.Eq(x**2, y**2), S, seed)
    assert other.verdict == Verdict.REFUTED
    values = other.counterexample["values"]
    assert values["x"] == -values["y"] != 0


def test_equivalence_whose_premise_never_varies_decides_nothing():
    S = Scope()
    x = S.scalar("x")
    outcome = _statement("<=>", x**2 < -1, x < -x**2 - 1, S)
    assert outcome.verdict == Verdict.UNKNOWN and "every one" in outcome.detail


@pytest.mark.parametrize("seed", range(6))
def test_orthogonal_determinant_one_is_refuted_on_every_seed(seed):
    S = Scope()
    n = S.dim("n")
    Q = S.matrix("Q", n, n, "orthogonal")
    outcome = check_relation(Relation.EQ, sp.Determinant(Q), sp.Integer(1), S,
                             np.random.default_rng(seed))
    assert outcome.verdict == Verdict.REFUTED


def test_derivative_off_by_a_tiny_constant_is_refuted():
    S = Scope()
    t = S.scalar("t")
    wrong = check_relation(Relation.EQ, jacobian(t**3, t), 3 * t**2 + sp.Rational(1, 10**6), S,
                           np.random.default_rng(0))
    assert wrong.verdict == Verdict.REFUTED
    right = check_relation(Relation.EQ, jacobian(t**3, t), 3 * t**2, S, np.random.default_rng(0))
    assert right.verdict in HOLDS


# -- statements between matrices (ops.MatrixEq) ------------------------------------------------

@pytest.mark.parametrize("seed", range(3))
def test_matrix_statement_true_up_to_summation_order_is_verified(seed):
    from engine.ops import MatrixEq, entrywise
    S = Scope()
    A, B = S.matrix("A", 3, 3), S.matrix("B", 3, 3)
    x = S.vector("x", 3)
    phi = entrywise("phi", lambda u: sp.Max(u, u / 10))
    # (A B) x and A (B x) round differently in float64; they are equal
    assert _statement("=>", sp.true, MatrixEq(phi(A * B * x), phi(A * (B * x))), S,
                      seed).verdict == Verdict.VERIFIED
    assert _statement("=>", sp.true, MatrixEq((A * B).T, B.T * A.T), S,
                      seed).verdict == Verdict.VERIFIED


@pytest.mark.parametrize("seed", range(3))
def test_matrix_statement_false_by_less_than_its_rounding_tolerance_is_refuted(seed):
    """MatrixEq agrees in float64 up to a relative 1e-10; a difference of 1e-13 is within it
    and must still be found, in exact arithmetic."""
    from engine.ops import MatrixEq
    S = Scope()
    A, B = S.matrix("A", 2, 2), S.matrix("B", 2, 2)
    false = MatrixEq(A + sp.Rational(1, 10**13) * B, A)
    outcome = _statement("=>", sp.true, false, S, seed)
    assert outcome.verdict == Verdict.REFUTED, outcome
    assert _statement("=>", sp.true, MatrixEq(A * B, B * A), S, seed).verdict == Verdict.REFUTED


def test_a_named_entrywise_function_prints_by_its_name_and_reads_back():
    from engine.latex_input import parse_statement
    from engine.ops import EntrywiseFunction, MatrixEq, entrywise
    from engine.render import mathml
    from engine.render.latex import to_latex, to_text
    S = Scope()
    W, x = S.matrix("W", 2, 2), S.vector("x", 2)
    sigma_prime = entrywise("sigma_prime", lambda u: 1 - sp.tanh(u) ** 2, latex=r"\sigma'")
    statement = MatrixEq(DiagMatrix(sigma_prime(W * x)) * x,
                         sp.HadamardProduct(sigma_prime(W * x), x))
    latex = to_latex(statement, {})
    assert latex.startswith(r"\operatorname{diag}\left(\sigma'\left(W x\right)\right)"), latex
    assert "tanh" not in latex and "mapsto" not in latex
    assert "σ'(W x)" in to_text(latex)
    markup = mathml.Printer()._print(statement).toxml()
    assert "σ" in markup and "tanh" not in markup and "↦" not in markup, markup
    read = parse_statement(latex, S, functions={"sigma_prime": sigma_prime})
    assert isinstance(read, MatrixEq) and read.lhs.args[0].args[0].function == sigma_prime
    assert isinstance(sigma_prime, EntrywiseFunction) and sigma_prime(sp.Integer(0)) == 1
    assert _statement("=>", sp.true, statement, S).verdict == Verdict.VERIFIED
