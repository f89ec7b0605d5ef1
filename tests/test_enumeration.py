"""Claims over finite spaces (engine.finite): decided by enumerating every case in exact
arithmetic. True claims are proved with the number of cases; false ones are refuted with the
failing case that has the smallest values, and what cannot be enumerated is unknown."""
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from engine import Derivation, Relation, Scope, Source, Verdict, fact, holds
from engine.check import CheckSettings, check_derivations, check_relation
from engine.checkers import enumeration
from engine.computed import computation
from engine.finite import Count, ForAll, Integers, Vectors

n, k, x, y, v = sp.symbols("n k x y v", integer=True)


def decide(relation, lhs, rhs):
    return check_relation(Relation.parse(relation), lhs, rhs, Scope(), np.random.default_rng(0))


@computation
def share_of_even(length):
    """The fraction of 0/1 vectors of this length with an even number of ones (exact)."""
    import itertools
    vectors = list(itertools.product((0, 1), repeat=length))
    return Fraction(sum(1 for u in vectors if sum(u) % 2 == 0), len(vectors))


@computation
def float_half(length):
    return 0.5


def test_true_for_all_is_proved_and_says_how_many_cases():
    outcome = decide("=>", sp.true, ForAll(sp.Ge(2**n, n + 1), (n, Integers(0, 30))))
    assert outcome.verdict == Verdict.PROVED
    assert outcome.method == "exhaustive: 31 cases"


def test_false_for_all_is_refuted_with_the_smallest_failing_case():
    outcome = decide("=>", sp.true, ForAll(sp.Lt(n**2, 2**n), (n, Integers(0, 10))))
    assert outcome.verdict == Verdict.REFUTED
    assert outcome.counterexample["values"] == {"n": 2}           # fails at 2, 3, 4
    assert (outcome.counterexample["lhs"], outcome.counterexample["rhs"]) == (4, 4)
    assert "fails in 3 of the 11 cases" in outcome.detail


def test_smallest_failing_vector_is_chosen_not_the_first_enumerated():
    # |x| + |y| <= 3 over {-3..3}^2: the first failure enumerated is (-3, -3) (size 6);
    # the reported one has the smallest size among the failures, 4
    statement = sp.Le(sp.Abs(x) + sp.Abs(y), 3)
    outcome = decide("=>", sp.true, ForAll(statement, (x, Integers(-3, 3)), (y, Integers(-3, 3))))
    assert outcome.verdict == Verdict.REFUTED
    values = outcome.counterexample["values"]
    assert abs(values["x"]) + abs(values["y"]) == 4


def test_spaces_may_depend_on_earlier_variables():
    statement = sp.Eq(Count(sp.Ge(x, 0), (x, Integers(-k, k))), k + 1)
    assert decide("=>", sp.true, ForAll(statement, (k, Integers(0, 6)))).verdict == Verdict.PROVED
    wrong = sp.Eq(Count(sp.Gt(x, 0), (x, Integers(-k, k))), k + 1)
    refuted = decide("=>", sp.true, ForAll(wrong, (k, Integers(0, 6))))
    assert refuted.verdict == Verdict.REFUTED
    assert refuted.counterexample["values"] == {"k": 0}
    assert "fails in 7 of the 7 cases" in refuted.detail


def test_count_over_vectors_is_exact():
    assert decide("=", Count(sp.Eq(x + y, 2), (x, [0, 1, 2]), (y, [0, 1, 2])), 3).verdict \
        == Verdict.PROVED
    pairs = Count(sp.Eq(v, (1, 0)), (v, Vectors([0, 1], 2)))
    assert decide("=", pairs, 1).verdict == Verdict.PROVED
    assert decide("=", Count(sp.true, (v, Vectors(Integers(-1, 1), 4))), 81).verdict \
        == Verdict.PROVED


def test_false_count_is_refuted_with_both_values():
    outcome = decide("=", Count(sp.true, (v, Vectors([0, 1], 3))), 9)
    assert outcome.verdict == Verdict.REFUTED
    assert (outcome.counterexample["lhs"], outcome.counterexample["rhs"]) == (8, 9)


def test_probabilities_are_exact_fractions_not_floats():
    # 1/3 compared exactly: a float evaluation would make 3 * (1/3) == 1 a matter of luck
    third = Count(sp.Eq(x, 0), (x, [0, 1, 2])) / 3
    assert decide("=", 3 * third, 1).verdict == Verdict.PROVED
    assert decide(">", third, sp.Rational(1, 3)).verdict == Verdict.REFUTED
    assert decide(">=", third, sp.Rational(1, 3)).verdict == Verdict.PROVED


def test_python_computations_take_bound_values():
    holds_half = ForAll(sp.Eq(share_of_even(n), sp.Rational(1, 2)), (n, Integers(1, 6)))
    assert decide("=>", sp.true, holds_half).verdict == Verdict.PROVED
    at_zero = ForAll(sp.Eq(share_of_even(n), sp.Rational(1, 2)), (n, Integers(0, 6)))
    refuted = decide("=>", sp.true, at_zero)
    assert refuted.verdict == Verdict.REFUTED
    assert refuted.counterexample["values"] == {"n": 0}        # the empty vector: share 1


def test_implication_skips_the_conclusion_when_the_premise_fails():
    # at n = 0 the conclusion divides by zero: it must not be evaluated there
    statement = sp.Implies(sp.Gt(n, 0), sp.Le(sp.floor(sp.Integer(6) / n) * n, 6))
    assert decide("=>", sp.true, ForAll(statement, (n, Integers(0, 6)))).verdict \
        == Verdict.PROVED


def test_irrational_values_are_compared_exactly():
    assert decide("=>", sp.true, ForAll(sp.Gt(sp.log(n + 2), 0), (n, [0, 1, 2]))).verdict \
        == Verdict.PROVED
    assert decide("=>", sp.true, ForAll(sp.Lt(sp.log(n + 2), 1), (n, [0, 1, 2]))).verdict \
        == Verdict.REFUTED                                  # log 3 > 1


@pytest.mark.parametrize("statement, reason", [
    (ForAll(sp.Gt(x, 0), (n, [0, 1])), "free: x"),
    (ForAll(sp.Eq(float_half(n), sp.Rational(1, 2)), (n, [1])), "needs int, bool or Fraction"),
    (ForAll(sp.Gt(n, 0.5), (n, [1])), "floating-point"),
    (ForAll(sp.Gt(n, 0), (n, sp.Interval(0, 1))), "not a finite space"),
])
def test_what_cannot_be_enumerated_exactly_is_unknown_with_the_reason(statement, reason):
    outcome = decide("=>", sp.true, statement)
    assert outcome.verdict == Verdict.UNKNOWN
    assert reason in outcome.detail


def test_too_many_cases_is_unknown(monkeypatch):
    monkeypatch.setattr(enumeration, "MAX_CASES", 100)
    outcome = decide("=>", sp.true, ForAll(sp.Ge(n, 0), (n, Integers(0, 1000))))
    assert outcome.verdict == Verdict.UNKNOWN
    assert "too many" in outcome.detail


def test_latex_shows_the_quantifier_and_the_space():
    text = sp.latex(ForAll(sp.Eq(Count(sp.Ge(x, 0), (x, Integers(-k, k))), k + 1),
                           (k, Vectors([0, 1], 2))))
    assert text.startswith(r"\forall k \in")
    assert r"\#\left\{x \in \left\{- k, \dots, k\right\}" in text


def test_derivation_with_finite_claims_end_to_end():
    d = Derivation(
        id="test/finite", title="finite claims", source=Source("none", "test"), scope=Scope(),
        chain=[holds(ForAll(sp.Ge(2**n, n + 1), (n, Integers(0, 8))), "Bernoulli"),
               holds(ForAll(sp.Ge(n**2, 2**n), (n, Integers(0, 8))), "false",
                     expect=Verdict.REFUTED, note="fails at n = 0"),
               fact(Count(sp.true, (v, Vectors([0, 1], 3))), "=", 8, "2^3 vectors")])
    run = check_derivations([d], CheckSettings(timeout=30))
    verdicts = [s.verdict for s in run.derivations[0].steps]
    assert verdicts == [Verdict.PROVED, Verdict.REFUTED, Verdict.PROVED]
    assert run.ok
    assert run.derivations[0].steps[1].counterexample["values"] == {"n": 0}


def test_guess_and_check_networks_with_one_signature_compute_one_function():
    """Technion Q2's exact comparison of f_w = sign(w_2^T [W_1 x]_+) on R^2: weight vectors
    given the same signature agree at random integer inputs (exact integer arithmetic); and
    the zero function's share for d0 = 1, d1 = 2 is the hand count 29/81 (neuron types
    W_1[j] in {0, 1, -1}: 9 + 6 + 6 + 3 + 3 + 2 weight vectors whose outputs vanish or cancel
    on each half-line)."""
    import importlib.util
    import itertools
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "derivations" / "technion_hw2" / "q2.py"
    spec = importlib.util.spec_from_file_location("q2_under_test", path)
    q2 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(q2)
    d0, d1 = 2, 2
    signatures, _ = q2._function_table(3, d0, d1)
    weights = np.array(list(itertools.product(range(-1, 2), repeat=d0 * d1 + d1)))
    X = np.random.default_rng(0).integers(-1000, 1001, size=(500, d0))
    W1, w2 = weights[:, :d0 * d1].reshape(-1, d1, d0), weights[:, d0 * d1:]
    values = np.sign(np.einsum("nj,njx->nx", w2, np.maximum(W1 @ X.T, 0)))
    seen = {}
    for signature, row in zip(signatures, values):
        assert np.array_equal(seen.setdefault(signature, row), row)
    assert q2.p_star._function(3, 1, 2, (0, 0, 0, 0)) == Fraction(29, 81)
