"""Soundness: wrong steps are caught (mutation testing), true steps are not refuted under other
seeds, and broken input gives one clear line, never a traceback or a hang.

The bad-input corpus is tests/bad_inputs/ (one case per module, ids under `bad/`)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from engine import Derivation, Scope, Source, Verdict, eq, step
from engine.check import CheckSettings, check_relation
from engine.model import Relation
from engine.ops import tr
from engine.soundness import (DIFFERENT, EQUIVALENT, INVALID, SweepReport, classify,
                              mutants_of, run_mutation, sweep)

ROOT = Path(__file__).resolve().parent.parent
BAD = ROOT / "tests" / "bad_inputs"
TIMEOUT = 2          # seconds per step for the bad inputs
BUDGET = 90          # wall seconds for a whole run over the bad inputs


def engine(*args, env=None, timeout=BUDGET):
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# -- a small derivation whose mutants must all be killed ------------------------------------

S = Scope()
n, m = S.dims("n m", 1, 4)
A = S.matrix("A", n, n)
B = S.matrix("B", n, m)
P = S.matrix("P", n, n, "positive_definite")
Q = S.matrix("Q", n, n, "orthogonal")
w = S.vector("w", n)
a, b = S.scalars("a b")
t = S.scalar("t", "positive")
x = S.sequence("x", n)
i = sp.Symbol("i", integer=True, positive=True)


def _derivation(ident, *chain):
    return Derivation(id=f"mutants/{ident}", title=ident, source=Source("test", ident), scope=S,
                      chain=list(chain))


SMALL = [
    _derivation("cube", (a + b)**3, eq(a**3 + 3*a**2*b + 3*a*b**2 + b**3, "binomial")),
    _derivation("inverse", (P * Q)**-1, eq(Q.T * P**-1, "(PQ)^-1 = Q^-1 P^-1, Q^-1 = Q^T")),
    _derivation("trace", tr(B.T * A * B), eq(tr(A * B * B.T), "cyclic")),
    _derivation("sums", sp.Sum(x[i] * (x[i] + t), (i, 1, n)),
                eq(sp.Sum(x[i]**2, (i, 1, n)) + t * sp.Sum(x[i], (i, 1, n)), "linearity")),
    _derivation("quadratic", w.T * (A + A.T) * w, eq(2 * w.T * A * w, "w^T A^T w = w^T A w")),
    _derivation("am-gm", t + 1 / t, eq((t**2 + 1) / t, "common denominator"),
                step(">=", 2 * t / t, "t^2 + 1 >= 2t"), step("<=", 2 + (t - 1)**2 / t, "bound")),
]
KINDS = {"flip the sign of the whole side", "flip the sign of a term", "scale a term by 2",
         "scale a term by n", "raise an exponent by 1", "lower an exponent by 1",
         "upper summation bound -1", "lower summation bound +1", "drop a transpose",
         "drop an inverse", "swap two matrix factors", "drop a term"}


@pytest.fixture(scope="module")
def small_report():
    return run_mutation(SMALL, CheckSettings(seed=3, timeout=20))


def test_every_real_mutant_of_the_small_derivations_is_refuted(small_report):
    assert small_report.entries == sum(len(d.chain) - 1 for d in SMALL)
    assert len(small_report.results) >= 50
    survivors = [(r.derivation, r.kind, r.mutant, r.verdict.value, r.detail)
                 for r in small_report.survivors]
    assert survivors == []
    assert small_report.kill_rates()["overall"] == (len(small_report.results),) * 2


def test_the_small_derivations_exercise_every_kind_of_mutation(small_report):
    assert KINDS <= {r.kind for r in small_report.results}


def test_no_ill_formed_mutant_is_accepted(small_report):
    assert small_report.invalid, "swapping B^T and A must give an ill-formed product"
    assert not [r.mutant for r in small_report.invalid if r.verdict.holds]


def test_inequality_mutants_are_checked_with_the_steps_relation(small_report):
    inequalities = [r for r in small_report.results if r.derivation == "mutants/am-gm"
                    and r.group.startswith((">=", "<="))]
    assert inequalities and all(r.killed for r in inequalities)
    assert all("falsification" in r.method or "sign" in r.method or "arithmetic" in r.method
               for r in inequalities)


def test_mutants_are_deduplicated_and_never_the_original():
    expr = tr(A * B * B.T) + a * tr(A)
    mutants = mutants_of(expr, [n])
    texts = [str(mutant.expr) for mutant in mutants]
    assert len(texts) == len(set(texts)) and str(expr) not in texts
    assert "-a*Trace(A) - Trace(A*B*B.T)" in texts       # the whole side's sign
    assert "a*Trace(A) + Trace(B*A*B.T)" in texts        # swapped factors


def test_mutants_do_not_depend_on_the_hash_seed():
    code = ("import sympy as sp; from engine.soundness import mutants_of; "
            "a, b = sp.symbols('a b', real=True); n = sp.Symbol('n', integer=True, positive=True); "
            "A = sp.MatrixSymbol('A', n, n); i = sp.Symbol('i', integer=True); "
            "e = sp.Trace(A * A.T) * a + sp.Sum(b**i / (a**2 + 1), (i, 1, n)) "
            "- sp.log(a**2 + b**2); "
            "print([(m.kind, str(m.expr)) for m in mutants_of(e, [n])])")
    outputs = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("0", "777")}
    assert len(outputs) == 1 and outputs.pop().startswith("[(")


# -- the non-equivalence filter -------------------------------------------------------------

F = Scope()
k = F.dim("k", 2, 4)
D1 = F.matrix("D1", k, k, "diagonal")
D2 = F.matrix("D2", k, k, "diagonal")
G = F.matrix("G", k, k)
R = F.matrix("R", k, k + 1)
H = F.define("H", G.T * G, "symmetric", "positive_semidefinite")
mu = F.scalar("mu", "positive")
H_mu = F.define("H_mu", H + mu * sp.Identity(k), "symmetric", "positive_definite")


def rng():
    return np.random.default_rng(5)


def test_filter_keeps_a_swap_of_general_matrices():
    assert classify(D1 * G, G * D1, F, rng()) == DIFFERENT


def test_filter_drops_a_swap_of_commuting_matrices():
    assert classify(D1 * D2, D2 * D1, F, rng()) == EQUIVALENT             # both diagonal
    assert classify(H_mu**-1 * H, H * H_mu**-1, F, rng()) == EQUIVALENT   # functions of H


def test_filter_calls_a_mismatched_product_invalid_even_when_some_sizes_fit():
    assert classify(G * R, sp.MatMul(R, G), F, rng()) == INVALID


def test_filter_keeps_a_dropped_transpose_of_a_general_matrix_only():
    assert classify(G.T * G, G * G, F, rng()) == DIFFERENT
    assert classify(H.T * G, H * G, F, rng()) == EQUIVALENT               # H is symmetric


# -- the false-alarm sweep ------------------------------------------------------------------

def test_sweep_finds_no_false_alarm_or_flaky_verdict_on_true_steps():
    report = sweep(SMALL[1:3], range(1, 4), timeout=20)
    assert report.seeds == (1, 2, 3)
    assert report.false_alarms == [] and report.flaky == {} and report.missed == []
    assert all(len(verdicts) == 3 for verdicts in report.verdicts.values())


def test_sweep_report_counts_false_alarms_flakiness_and_missed_refutations():
    P_, U, R_ = Verdict.PROVED, Verdict.UNKNOWN, Verdict.REFUTED
    report = SweepReport((1, 2, 3), {("d", 1): (P_, P_, P_), ("d", 2): (P_, R_, P_),
                                     ("d", 3): (U, U, P_), ("d", 4): (R_, U, R_)},
                         {("d", 1): None, ("d", 2): None, ("d", 3): None, ("d", 4): R_}, 1.0)
    assert report.false_alarms == [("d", 2, 2)]
    assert set(report.flaky) == {("d", 2), ("d", 3), ("d", 4)}
    assert report.missed == [("d", 4, 2)]


def test_sweep_report_states_the_designed_monte_carlo_rate_against_the_observed_one():
    V = Verdict.VERIFIED
    report = SweepReport((1, 2), {("d", 1): (V, V), ("d", 2): (V, V)}, {("d", 1): None,
                         ("d", 2): None}, 1.0,
                         {("d", 1): {"Monte Carlo: 3x20000 samples, alpha 1e-06"},
                          ("d", 2): {"numeric: 8 trials, rtol 1e-08"}}, 1e-6)
    assert report.monte_carlo == [("d", 1)]
    line = report.monte_carlo_summary()
    assert "alpha 1e-06 per step; 1 entries decided by Monte Carlo x 2 seeds = 2 tests" in line
    assert line.endswith("observed 0")


def test_soundness_command_line_runs_both_subcommands(tmp_path):
    (tmp_path / "demo.py").write_text((BAD / "good.py").read_text())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    mutants = subprocess.run([sys.executable, "-m", "engine.soundness", "mutants", "--path",
                              str(tmp_path), "--limit", "3"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env=env)
    assert mutants.returncode == 0, mutants.stdout + mutants.stderr
    overall = [line for line in mutants.stdout.splitlines() if line.startswith("kill rate overall")]
    assert overall and overall[0].endswith("= 100.0%"), mutants.stdout
    assert "; 0 survived" in mutants.stdout
    swept = subprocess.run([sys.executable, "-m", "engine.soundness", "sweep", "--path",
                            str(tmp_path), "--seeds", "2"], cwd=ROOT, capture_output=True,
                           text=True, timeout=120, env=env)
    assert swept.returncode == 0, swept.stdout + swept.stderr
    assert "false alarms (entries expected to hold, refuted): 0" in swept.stdout
    assert "designed Monte Carlo false-alarm rate: alpha " in swept.stdout
    assert "not exercised (no entry was decided by a Monte Carlo test" in swept.stdout


# -- checker weaknesses found by this suite (expected to fail until the engine is fixed) ----

def _check(lhs, rhs, scope=S):
    return check_relation(Relation.EQ, lhs, rhs, scope, np.random.default_rng(1))


def test_sides_differing_by_a_constant_are_refuted():
    assert _check(a + 1, a).verdict == Verdict.REFUTED


def test_a_long_expanded_polynomial_is_not_refuted():
    assert _check((a + 1)**32, sp.expand((a + 1)**32)).verdict != Verdict.REFUTED


def test_a_division_by_zero_is_not_proved():
    zero = (a + 1)**2 - a**2 - 2*a - 1
    assert not _check(a / zero, 2 * a / (2 * zero)).verdict.holds


def test_an_ill_formed_product_is_not_proved_identical():
    product = sp.MatMul(B, B)           # (n x m)(n x m)
    assert not _check(product + product, 2 * product).verdict.holds


# -- bad inputs, end to end -----------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_run():
    """`check all` over tests/bad_inputs, as JSON and as text, with its wall time."""
    began = time.perf_counter()
    common = ("check", "all", "--path", str(BAD), "--timeout", str(TIMEOUT), "--no-cache",
              "--jobs", "2")
    as_json = engine(*common, "--format", "json", env={"PYTHONHASHSEED": "0"})
    as_text = engine(*common)
    return as_json, as_text, time.perf_counter() - began


def _steps(run):
    data = json.loads(run[0].stdout)
    return {d["id"]: d for d in data["derivations"]}, data


@pytest.mark.slow
def test_bad_inputs_give_no_traceback_within_the_time_budget(bad_run):
    as_json, as_text, seconds = bad_run
    for result in (as_json, as_text):
        assert "Traceback" not in result.stdout + result.stderr
        assert result.returncode == 2, result.stderr     # modules that fail to import
    assert seconds < 2 * BUDGET


@pytest.mark.slow
def test_good_derivations_beside_bad_ones_are_still_checked(bad_run):
    derivations, _ = _steps(bad_run)
    assert derivations["bad/good"]["status"] == "ok"
    assert derivations["bad/good-trace"]["status"] == "ok"
    assert "bad/good  a correct chain among broken ones" in bad_run[1].stdout


@pytest.mark.slow
@pytest.mark.parametrize("module, message", [
    ("wrong_relation.py", "cannot import: ValueError: unknown relation '=!'; use one of: "),
    ("raises_on_import.py", "cannot import: KeyError: 'y' (line 13)"),
])
def test_a_module_that_fails_to_import_is_one_line_naming_file_and_line(bad_run, module, message):
    _, data = _steps(bad_run)
    lines = [e for e in data["load_errors"] if module in e]
    assert len(lines) == 1 and message in lines[0] and "\n" not in lines[0]
    assert f"error: {lines[0]}" in bad_run[1].stdout


def test_an_import_error_names_its_line_also_with_a_relative_path():
    result = engine("list", "--path", str(BAD.relative_to(ROOT)))
    assert "raises_on_import.py: cannot import: KeyError: 'y' (line 13)" in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("ident, verdict, method, detail", [
    ("bad/undefined-symbol", "error", "numeric", "undefined symbol z: declare it"),
    ("bad/shape-mismatch", "error", "shapes", "shape mismatch: "),
    ("bad/nonterminating", "unknown", "timeout", f"no decision within the {TIMEOUT} s budget"),
    ("bad/huge-expansion", "unknown", "timeout", f"no decision within the {TIMEOUT} s budget"),
    # the left side has no real value anywhere, the right side has one: a domain mismatch
    ("bad/log-of-negative", "refuted", "numeric counterexample", "domain mismatch: lhs has no "
                                                                 "real value"),
])
def test_a_broken_step_gets_error_or_unknown_with_a_reason(bad_run, ident, verdict, method,
                                                           detail):
    derivations, _ = _steps(bad_run)
    step = derivations[ident]["steps"][0]
    assert (step["index"], step["verdict"], step["method"]) == (1, verdict, method)
    assert detail in step["detail"]
    assert derivations[ident]["file"].endswith(".py")
    assert derivations[ident]["status"] in ("error", "failed")


@pytest.mark.slow
def test_a_chain_that_misses_its_claim_has_its_claim_refuted(bad_run):
    derivations, _ = _steps(bad_run)
    steps = derivations["bad/misses-claim"]["steps"]
    assert [s["verdict"] for s in steps] == ["proved", "refuted"]
    assert steps[1]["kind"] == "claim" and steps[1]["counterexample"]["values"]


@pytest.mark.slow
@pytest.mark.parametrize("ident", ["bad/division-by-zero", "bad/shape-mismatch-identical"])
def test_a_step_undefined_everywhere_is_not_accepted(bad_run, ident):
    derivations, _ = _steps(bad_run)
    assert derivations[ident]["steps"][0]["verdict"] in ("error", "unknown")


@pytest.mark.slow
def test_a_long_true_expansion_is_not_refuted_end_to_end(bad_run):
    derivations, _ = _steps(bad_run)
    assert derivations["bad/expansion-cancellation"]["steps"][0]["verdict"] != "refuted"


@pytest.mark.slow
def test_text_report_names_the_file_of_a_broken_step(bad_run):
    assert "undefined_symbol.py" in bad_run[1].stdout


@pytest.mark.slow
def test_a_single_target_is_checked_alone(bad_run):
    result = engine("check", "bad/undefined-symbol", "--path", str(BAD), "--no-cache",
                    "--format", "json")
    data = json.loads(result.stdout)
    assert [d["id"] for d in data["derivations"]] == ["bad/undefined-symbol"]
    assert data["derivations"][0]["steps"][0]["verdict"] == "error"
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 2       # the folder also holds modules that fail to import


@pytest.mark.slow
def test_timeout_target_costs_its_budget_and_no_more():
    began = time.perf_counter()
    result = engine("check", "bad/nonterminating", "--path", str(BAD), "--timeout", "1",
                    "--no-cache")
    assert time.perf_counter() - began < 30
    assert "unknown" in result.stdout and "no decision within the 1 s budget" in result.stdout


# -- determinism (what tests/test_corpus.py and tests/test_gate.py do not cover) -------------

@pytest.mark.slow
def test_bad_input_report_is_identical_across_hash_seeds_and_jobs(bad_run):
    """The whole JSON document (load errors, details, summary), not only the steps of the
    bundled corpus; `seconds` and `cached` aside."""
    again = engine("check", "all", "--path", str(BAD), "--timeout", str(TIMEOUT), "--no-cache",
                   "--jobs", "1", "--format", "json", env={"PYTHONHASHSEED": "4242"})

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("seconds", "cached")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    assert strip(json.loads(again.stdout)) == strip(json.loads(bad_run[0].stdout))


# -- ill-conditioned instances (found by the 20-seed corpus sweep) ----------------------------

def test_a_negative_matrix_power_is_ill_conditioned_when_the_condition_number_to_that_power_is():
    """Ridge with mu = 4e-9 on a rank-2 X^T X (d = 5): cond(mu I + X^T X) is about 3e9, which
    float64 inverts to 1e-7, but (mu I + X^T X)^-2 multiplies the null-space rounding of X^T X
    (1e-15) by 1/mu^2 = 6e16. The sweep refuted Technion Q1's true steps on 9 of 20 seeds so."""
    import numpy as np
    import sympy as sp

    from engine.evaluate import evaluate
    from engine.sampling import DomainError
    X = sp.MatrixSymbol("X", 2, 5)
    mu = sp.Symbol("mu", positive=True)
    ridge = mu * sp.Identity(5) + X.T * X
    values = {X: np.random.default_rng(0).normal(size=(2, 5)), mu: 4e-9}
    evaluate(ridge**-1, values)                               # cond 1e9: still inverted
    with pytest.raises(DomainError):
        evaluate(ridge**-2, values)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1001, 1003, 1009, 1013])
def test_technion_q1_is_green_on_the_seeds_where_the_sweep_found_false_alarms(seed):
    from engine.check import CheckSettings, check_derivations
    from engine.registry import BUNDLED, collect, select
    chosen, _ = select(collect(BUNDLED).derivations, ["technion-hw2/q1"])
    run = check_derivations(chosen, CheckSettings(seed=seed, timeout=30))
    assert run.ok, [(s.index, s.verdict, s.detail) for d in run.derivations for s in d.steps
                    if not s.as_expected]
