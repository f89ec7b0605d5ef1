"""The CI gate: JUnit XML, the verdict cache, parallel checking and the pytest plugin."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from test_cli import GOOD, ROOT, WRONG, run, write_module


@pytest.fixture
def course(tmp_path):
    write_module(tmp_path, "derivs/demo/trace.py", GOOD)
    write_module(tmp_path, "derivs/demo/square.py", WRONG)
    return tmp_path


def plugin_args() -> list[str]:
    """Load the plugin by hand unless it is installed (its pytest11 entry point loads it)."""
    from importlib.metadata import entry_points
    installed = any(e.value == "engine.pytest_plugin" for e in entry_points(group="pytest11"))
    return [] if installed else ["-p", "engine.pytest_plugin"]


def steps_by_id(output: str) -> dict:
    data = json.loads(output)
    return {d["id"]: d["steps"] for d in data["derivations"]}


def test_junit_has_one_case_per_derivation_and_the_failing_steps(course):
    junit = course / "out" / "junit.xml"
    result = run("check", "all", "--path", str(course / "derivs"), "--junit", str(junit),
                 "--no-cache")
    assert result.returncode == 1
    suite = ET.parse(junit).getroot()
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert set(cases) == {"demo/trace", "demo/square"}
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failure = cases["demo/square"].find("failure")
    assert failure is not None and "step 1" in failure.text and "counterexample" in failure.text
    assert cases["demo/trace"].find("failure") is None


def test_cache_reuses_verdicts_and_rechecks_only_edited_steps(course):
    args = ("check", "all", "--path", str(course / "derivs"), "--format", "json",
            "--cache-dir", str(course / "cache"))
    cold = steps_by_id(run(*args, cwd=course).stdout)
    assert not any(s["cached"] for steps in cold.values() for s in steps)
    warm = steps_by_id(run(*args, cwd=course).stdout)
    assert all(s["cached"] for steps in warm.values() for s in steps)
    strip = lambda steps: [{k: v for k, v in s.items() if k not in ("cached", "seconds")}
                           for s in steps]
    assert {k: strip(v) for k, v in warm.items()} == {k: strip(v) for k, v in cold.items()}
    # a new justification re-uses the verdict; a new expression re-checks that step only
    write_module(course, "derivs/demo/trace.py", GOOD.replace("cyclic property", "trace trick"))
    write_module(course, "derivs/demo/square.py", WRONG.replace("a**2 + b**2",
                                                                "a**2 + 2*a*b + b**2"))
    edited = steps_by_id(run(*args, cwd=course).stdout)
    assert [s["cached"] for s in edited["demo/trace"]] == [True, True]
    assert edited["demo/trace"][0]["justification"] == "trace trick"
    assert [s["cached"] for s in edited["demo/square"]] == [False]
    assert edited["demo/square"][0]["verdict"] == "proved"
    assert run(*args, "--no-cache", cwd=course).stdout.count('"cached": true') == 0


def test_parallel_jobs_give_the_same_output_as_one_job(course):
    base = ("check", "all", "--format", "json", "--no-cache")
    one = json.loads(run(*base, "--jobs", "1").stdout)
    two = json.loads(run(*base, "--jobs", "2").stdout)
    strip = lambda data: [[{k: v for k, v in s.items() if k != "seconds"} for s in d["steps"]]
                          for d in data["derivations"]]
    assert strip(one) == strip(two)
    assert [d["id"] for d in one["derivations"]] == [d["id"] for d in two["derivations"]]


def test_pytest_plugin_reports_failing_steps_without_traceback(course):
    result = subprocess.run([sys.executable, "-m", "pytest", *plugin_args(),
                             "--derivations", "derivs", "-q", "-p", "no:cacheprovider"],
                            cwd=course, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "1 failed, 1 passed" in out
    assert "step 1 (source): refuted" in out and "counterexample: a = " in out
    assert "Traceback" not in out and "engine/" not in out.split("FAILURES")[-1]


def test_pytest_plugin_is_opt_in(course):
    result = subprocess.run([sys.executable, "-m", "pytest", *plugin_args(),
                             "derivs", "-q", "-p", "no:cacheprovider"], cwd=course,
                            capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "no tests ran" in result.stdout


def cached_keys(folder) -> set:
    import sqlite3
    with sqlite3.connect(folder / "results.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT key FROM results")}


def test_pytest_plugin_shares_the_verdict_cache_across_xdist_workers(course):
    pytest.importorskip("xdist")
    base = [sys.executable, "-m", "pytest", *plugin_args(), "--derivations", "derivs", "-q",
            "-p", "no:cacheprovider", "--derivations-cache-dir", str(course / "cache")]
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    first = subprocess.run(base + ["-n", "0"], cwd=course, capture_output=True, text=True,
                           timeout=300, env=env)
    assert "1 failed, 1 passed" in first.stdout, first.stdout + first.stderr
    stored = cached_keys(course / "cache")
    assert len(stored) == 3                  # trace: claim and step; square: its step
    second = subprocess.run(base + ["-n", "2"], cwd=course, capture_output=True, text=True,
                            timeout=300, env=env)
    assert "1 failed, 1 passed" in second.stdout, second.stdout + second.stderr
    assert "step 1 (source): refuted" in second.stdout
    assert cached_keys(course / "cache") == stored     # same keys in other processes: all hits
