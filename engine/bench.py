"""Benchmark: `python -m engine.bench [--runs N] [--timeout S]`.

In one run, measures the wall time of
  * the import floor:  python -c "import sympy, numpy"
  * the engine, cold:  python -m engine check all --no-cache            (--jobs 1 and --jobs 2)
  * the engine, warm:  python -m engine check all   (verdicts from the cache of a previous run)
  * the engine, edited: the same after editing one expression of a copy of the corpus (WPI P1's
                       n Var[w_1 x_1] written n Var[w_2 x_2], true by identical distribution)
  * a naive baseline:  every step decided by sympy.simplify(lhs - rhs) == 0 alone
                       (same corpus, same per-step time budget, in a worker process),
and prints the ratios and how many steps each decides, and the time per step of the steps with
E[.], Var, Cov by the way they were decided (Monte Carlo, exact moments, pointwise). Medians of
--runs runs.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _wall(command: list[str], runs: int) -> tuple[float, str]:
    times, output = [], ""
    for _ in range(runs):
        began = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - began)
        output = result.stdout
    return statistics.median(times), output


EDIT = ("wpi_hw3/p1.py", "eq(n * Var(wx(1)),", "eq(n * Var(wx(2)),")


def _edited_run(check: list[str], cache: str, runs: int):
    """(median wall time, entries re-checked, their seconds) of a warm `check all` after one
    expression of a copy of the corpus is edited, each run on a fresh copy of the warm cache;
    None when the edited line is gone."""
    import shutil
    module, before, after = EDIT
    times, rechecked, step_seconds = [], 0, 0.0
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "derivations"
        shutil.copytree(ROOT / "derivations", copy)
        target = copy / module
        text = target.read_text()
        if before not in text:
            return None
        _wall(check + ["--cache-dir", cache, "--path", str(copy)], 1)    # warm for the copy
        target.write_text(text.replace(before, after))
        for run in range(runs):
            fresh = Path(folder) / f"cache{run}"
            shutil.copytree(cache, fresh)
            seconds, out = _wall(check + ["--cache-dir", str(fresh), "--path", str(copy)], 1)
            times.append(seconds)
            steps = [s for d in json.loads(out)["derivations"] for s in d["steps"]
                     if not s.get("cached")]
            rechecked, step_seconds = len(steps), sum(s["seconds"] for s in steps)
    return statistics.median(times), rechecked, step_seconds


def naive(timeout: float) -> dict:
    """Decide every step of the corpus with simplify(lhs - rhs) == 0 alone."""
    import sympy as sp

    from .budget import Pool, TimedOut, register
    from .check import plan
    from .registry import collect

    def decide(lhs, rhs):
        def work():
            if getattr(lhs, "is_Matrix", False) or getattr(rhs, "is_Matrix", False):
                diff = sp.simplify((lhs - rhs).doit())
                return "proved" if diff == sp.ZeroMatrix(*diff.shape) or diff == 0 else "undecided"
            diff = sp.simplify(sp.sympify(lhs) - sp.sympify(rhs))
            if diff == 0:
                return "proved"
            return "refuted" if diff.is_Number else "undecided"
        return work

    handles = []
    for derivation in collect().derivations:
        for entry in plan(derivation):
            if entry.kind == "claim":
                pairs = list(zip(entry.lhs, entry.rhs))
            else:
                pairs = [(entry.lhs, entry.rhs)]
            handles.append([register(decide(a, b)) for a, b in pairs])
    counts = {"proved": 0, "refuted": 0, "undecided": 0, "timeout": 0, "failed": 0}
    with Pool(timeout) as pool:
        done = pool.run([h for entry_handles in handles for h in entry_handles])
    for entry_handles in handles:
        verdicts = []
        for handle in entry_handles:
            value, _ = done[handle]
            verdicts.append(value if isinstance(value, str) else
                            "timeout" if isinstance(value, TimedOut) else "failed")
        worst = ("refuted" if "refuted" in verdicts else
                 "proved" if all(v == "proved" for v in verdicts) else
                 next(v for v in verdicts if v != "proved"))
        counts[worst] += 1
    return counts


RANDOM_METHODS = ("Monte Carlo", "exact moments", "pointwise")


def random_variable_steps(report: dict) -> list[str]:
    """One line per way of deciding a step with E[.]/Var/Cov (Monte Carlo, exact moments,
    pointwise): how many steps of `report` (check --format json) it decided, and the median
    and largest time per step; for Monte Carlo also per test, a step on "any symmetric
    distribution" running one test per distribution it tries."""
    seconds = {method: [] for method in RANDOM_METHODS}
    per_test = []
    for derivation in report["derivations"]:
        for step in derivation["steps"]:
            for method in RANDOM_METHODS:
                if step["method"].startswith(method) and not step.get("cached"):
                    seconds[method].append(step["seconds"])
                    if method == "Monte Carlo":
                        found = re.search(r"(\d+) distributions", step["method"])
                        per_test.append(step["seconds"] / (int(found[1]) if found else 1))
    lines = [f"  {method:<14} {len(found):4d} steps   median {1000 * statistics.median(found):6.1f} ms"
             f"   max {1000 * max(found):7.1f} ms"
             for method, found in seconds.items() if found]
    if per_test:
        lines.append(f"  {'  per MC test':<14} {len(per_test):4d} steps   median "
                     f"{1000 * statistics.median(per_test):6.1f} ms   max {1000 * max(per_test):7.1f} ms")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=10.0, help="per-step budget, both tools")
    parser.add_argument("--naive-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_only:
        print(json.dumps(naive(args.timeout)))
        return 0
    python = sys.executable
    env_note = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    floor, _ = _wall([python, "-c", "import sympy, numpy"], args.runs)
    check = [python, "-m", "engine", "check", "all", "--format", "json", "--timeout",
             str(args.timeout)]
    with tempfile.TemporaryDirectory() as cache:
        engine, out = _wall(check + ["--no-cache"], args.runs)
        parallel, _ = _wall(check + ["--no-cache", "--jobs", "2"], args.runs)
        _wall(check + ["--cache-dir", cache], 1)
        warm, _ = _wall(check + ["--cache-dir", cache], args.runs)
        edited = _edited_run(check, cache, args.runs)
    summary = json.loads(out)["summary"]
    decided = summary["proved"] + summary["verified"] + summary["refuted"]
    naive_time, naive_out = _wall([python, "-m", "engine.bench", "--naive-only",
                                   "--timeout", str(args.timeout)], 1)
    counts = json.loads(naive_out)
    naive_decided = counts["proved"] + counts["refuted"]
    print(f"machine: {env_note}; medians of {args.runs} runs (naive: 1 run)")
    print(f"import floor  python -c 'import sympy, numpy'   {floor:7.2f} s")
    print(f"engine cold   check all --no-cache --jobs 1     {engine:7.2f} s   "
          f"{engine / floor:5.2f}x the floor   decides {decided}/{summary['steps']} entries "
          f"({summary['proved']} proved, {summary['verified']} verified, "
          f"{summary['refuted']} refuted)")
    print(f"engine cold   check all --no-cache --jobs 2     {parallel:7.2f} s   "
          f"{parallel / floor:5.2f}x the floor   {engine / parallel:.2f}x faster than --jobs 1")
    print(f"engine warm   check all (cached verdicts)       {warm:7.2f} s   "
          f"{warm / floor:5.2f}x the floor")
    if edited:
        seconds, rechecked, step_seconds = edited
        print(f"engine edited one expression edited, warm       {seconds:7.2f} s   "
              f"{seconds / floor:5.2f}x the floor   re-checked {rechecked} entries "
              f"({step_seconds:.2f} s in their workers); target 1.5x the floor + those: "
              f"{1.5 * floor + step_seconds:.2f} s")
    print(f"naive         simplify(lhs - rhs) == 0 only     {naive_time:7.2f} s   "
          f"{naive_time / floor:5.2f}x the floor   decides {naive_decided}/{sum(counts.values())} "
          f"entries ({counts['proved']} proved, {counts['refuted']} refuted, "
          f"{counts['timeout']} timed out, {counts['failed']} failed)")
    print(f"engine is {naive_time / engine:.1f}x faster than the naive baseline")
    print("steps with E[.], Var, Cov (check all --no-cache --jobs 1, time per step in its "
          "worker):")
    print("\n".join(random_variable_steps(json.loads(out))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
