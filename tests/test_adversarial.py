"""The adversarial suite on the default seed: no false pass, no traceback, no hang, and false
alarms within 1% of the true cases (`python -m engine.adversary --seeds 21` runs more seeds)."""
import pytest

from engine.adversary import DEFAULT_CASES, judge, load_cases, run_suite, summary
from engine.settings import DEFAULT_SEED


def test_judge_calls_a_false_case_that_passes_a_false_pass():
    assert judge(False, ("verified",), 0, False) == "false-pass"
    assert judge(False, ("refuted",), 1, False) == "ok"
    assert judge(True, ("refuted",), 1, False) == "false-alarm"
    assert judge(True, ("unknown",), 1, False) == "ok"
    assert judge(True, (), None, False) == "hang"


def test_every_case_states_how_its_truth_was_established():
    cases = load_cases(DEFAULT_CASES)
    assert cases
    assert all(case.how.strip() for case in cases), [c.name for c in cases if not c.how.strip()]


@pytest.mark.slow
def test_adversarial_suite_has_no_false_pass_traceback_or_hang_on_the_default_seed():
    runs = run_suite(load_cases(DEFAULT_CASES), [DEFAULT_SEED], jobs=2)
    figures = summary(runs)
    bad = [(r.case, r.outcome, r.verdicts) for r in runs if r.outcome not in ("ok", "false-alarm")]
    assert not bad, bad
    assert figures["false_alarm_rate"] <= 0.01, [r.case for r in runs if r.outcome == "false-alarm"]
