"""Claims are carried by connected links only, never stronger than their weakest step; a gate
that checks nothing fails; a proof attempt only ever upgrades a verdict."""
import time

import pytest
import sympy as sp

from engine import Derivation, Refutation, Scope, Source, claim, eq, fact, holds, step
from engine.budget import attempt
from engine.check import check_derivations, check_relation, plan, step_rng
from engine.errors import EngineError
from engine.model import Relation, Verdict
from engine.settings import CheckSettings

S = Scope()
x, y = S.scalars("x y")
SOURCE = Source("tests", "chains")


def checked(chain, the_claim=None):
    derivation = Derivation(id="t/chain", title="t", source=SOURCE, scope=S, chain=chain,
                            claim=the_claim)
    return check_derivations([derivation]).derivations[0]


def claim_entries(result):
    return [s for s in result.steps if s.kind == "claim"]


def test_a_fact_in_the_middle_does_not_carry_a_false_claim():
    result = checked([x, fact(x + 1, "=", x + 1)], claim(x, "=", x + 1))
    [entry] = claim_entries(result)
    assert not entry.verdict.holds
    assert result.status != "ok"


def test_a_fact_that_continues_the_running_expression_extends_the_chain():
    result = checked([(x + 1)**2, fact((x + 1)**2, "=", x**2 + 2*x + 1), eq(x**2 + 2*x + 1)],
                     claim((x + 1)**2, "=", x**2 + 2*x + 1))
    assert result.status == "ok"
    [entry] = claim_entries(result)
    assert entry.verdict.holds


def test_steps_after_a_standalone_fact_start_a_new_segment_that_must_reach_the_claim():
    # x**2 = x*x, then a fact about y, then y continues: the last segment starts at y, not x**2
    result = checked([x**2, eq(x * x), fact(y, "=", y), eq(y + 0)], claim(x**2, "=", y))
    [entry] = claim_entries(result)
    assert not entry.verdict.holds


def test_a_claim_over_a_chain_of_facts_alone_still_gets_its_entry_and_fails():
    result = checked([fact(x, "=", x), fact(y, "=", y)], claim(x, "=", y))
    [entry] = claim_entries(result)
    assert not entry.verdict.holds
    assert result.status != "ok"


def test_a_claim_with_no_step_to_carry_it_is_unknown_not_proved():
    result = checked([x, holds(x**2 >= 0)], claim(x, "=", x))
    [entry] = claim_entries(result)
    assert entry.verdict == Verdict.UNKNOWN
    assert "no chain of connected steps" in entry.detail
    assert result.status != "ok"


def test_a_claim_reached_only_through_an_expected_refutation_without_correction_fails():
    result = checked([x + x, eq(2 * x), step("=", 3 * x, "wrong", expect="refuted",
                                             note="slip"), eq(3 * x)],
                     claim(x + x, "=", 3 * x))
    [entry] = claim_entries(result)
    assert not entry.verdict.holds        # it is not carried, whatever its ends say
    assert result.status != "ok"


def test_with_a_correction_the_source_chain_is_expected_not_to_carry_the_claim():
    # two slips that cancel: the chain's ends match the claim, its links do not hold
    result = checked([x + x, eq(2 * x), step("=", 2 * x + 1, "the source's slip",
                                             expect="refuted", note="off by one",
                                             correction=[eq(2 * x, "right")]),
                      step("=", 2 * x, "a second slip", expect="refuted", note="off by one")],
                     claim(x + x, "=", 2 * x))
    source_claim, corrected_claim = claim_entries(result)
    assert source_claim.verdict == Verdict.UNKNOWN and source_claim.expected == Verdict.UNKNOWN
    assert "step 2" in source_claim.detail
    assert corrected_claim.verdict.holds
    assert result.status == "ok"


def test_a_claim_is_no_stronger_than_its_weakest_step():
    result = checked([sp.sin(x)**2 + sp.cos(x)**2, eq(sp.Integer(1))],
                     claim(sp.sin(x)**2 + sp.cos(x)**2, "=", 1))
    [link] = [s for s in result.steps if s.kind == "step"]
    [entry] = claim_entries(result)
    order = ["error", "refuted", "unknown", "verified", "proved"]
    assert order.index(entry.verdict.value) <= order.index(link.verdict.value)


def test_an_empty_chain_is_an_error_naming_the_derivation():
    derivation = Derivation(id="t/empty", title="t", source=SOURCE, scope=S, chain=[])
    with pytest.raises(EngineError, match="no step"):
        plan(derivation)
    result = check_derivations([derivation]).derivations[0]
    assert result.status == "error"


def test_a_run_that_checked_nothing_is_not_ok():
    assert not check_derivations([]).ok


def test_refutation_kind_defaults_to_source_error_and_needs_an_expected_refutation():
    assert step("=", x, expect="refuted").refutation == Refutation.SOURCE_ERROR
    assert step("=", x, expect="refuted", refutation="illustration").refutation == \
        Refutation.ILLUSTRATION
    assert eq(x).refutation is None
    with pytest.raises(ValueError):
        eq(x, refutation="illustration")


def test_attempt_interrupts_work_past_its_time():
    started = time.perf_counter()
    assert attempt(0.2, lambda: time.sleep(5) or "done") is None
    assert time.perf_counter() - started < 2
    assert attempt(2, lambda: "done") == "done"


def test_prove_keeps_the_numeric_evidence_when_the_proof_attempt_times_out(monkeypatch):
    from engine.checkers import symbolic
    real = symbolic.prove_equal

    def slow(lhs, rhs, definitions, *, full=False):
        if full:
            time.sleep(60)
        return None if full else real(lhs, rhs, definitions)

    monkeypatch.setattr(symbolic, "prove_equal", slow)
    lhs, rhs = sp.sin(x)**2, 1 - sp.cos(x)**2
    settings = CheckSettings(timeout=1.0, prove=True)
    outcome = check_relation(Relation.EQ, lhs, rhs, S, step_rng(1, "t", 1), settings)
    assert outcome.verdict == Verdict.VERIFIED
    assert "--prove: no proof within" in outcome.detail


def test_prove_upgrades_a_verified_step_to_proved():
    lhs, rhs = sp.sin(x)**2, 1 - sp.cos(x)**2
    plain = check_relation(Relation.EQ, lhs, rhs, S, step_rng(1, "t", 1), CheckSettings())
    proved = check_relation(Relation.EQ, lhs, rhs, S, step_rng(1, "t", 1),
                            CheckSettings(prove=True))
    assert plain.verdict in (Verdict.VERIFIED, Verdict.PROVED)
    assert proved.verdict == Verdict.PROVED


def test_holds_facts_alone_without_a_claim_are_still_checked():
    result = checked([holds(x**2 >= 0), holds(sp.Abs(y) >= 0)])
    assert result.status == "ok"
    assert all(s.kind == "step" for s in result.steps)
