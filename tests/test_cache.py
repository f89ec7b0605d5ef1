"""The verdict cache never lies: keys are the same in every process, and cover helper modules
imported from outside the derivations folder, the library versions and the folder itself."""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from test_cli import GOOD, ROOT, write_module

USES_HELPER = """
    from engine import Derivation, Scope, Source, eq
    from coursehelpers import square_expanded
    S = Scope()
    a, b = S.scalars("a b")
    derivation = Derivation(
        id="demo/helper", title="a square from a helper", source=Source("demo.txt", "Q3"), scope=S,
        chain=[(a + b)**2, eq(square_expanded(a, b), "expand")],
    )
    """

HELPER_RIGHT = "def square_expanded(a, b):\n    return a**2 + 2*a*b + b**2\n"
HELPER_BROKEN = "def square_expanded(a, b):\n    return a**2 + b**2\n"

WITH_LAMBDA = """
    import sympy as sp
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    x = S.scalar("x")
    t = sp.Dummy("t")
    derivation = Derivation(
        id="demo/lambda", title="dummies", source=Source("demo.txt", "Q4"), scope=S,
        chain=[sp.Integral(3*t**2, (t, 0, x)), eq(x**3, "integrate"),
               eq(sp.Integral(3*t**2, (t, 0, x)), "back")],
    )
    """

KEYS = """
import json, sys
from engine.registry import collect
from engine.check import plan, _entry_key, CheckSettings
from engine.cache import entry_key, scope_fingerprint
import sympy
[sympy.Dummy() for _ in range(int(sys.argv[2]))]   # another process: other Dummy indices
keys = {}
for d in collect(sys.argv[1]).derivations:
    for e in plan(d):
        keys[f"{d.id}#{e.kind}#{e.index}"] = _entry_key(entry_key, d, e, CheckSettings(),
                                              scope_fingerprint(d.scope))
print(json.dumps(keys))
"""


def engine(*args, cwd, pythonpath=()):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *map(str, pythonpath)])}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


def test_entry_keys_are_the_same_in_two_processes_even_with_dummies(tmp_path):
    write_module(tmp_path, "derivs/demo/lambda.py", WITH_LAMBDA)
    write_module(tmp_path, "derivs/demo/trace.py", GOOD)
    runs = [subprocess.run([sys.executable, "-c", KEYS, str(tmp_path / "derivs"), dummies],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}) for dummies in "07"]
    first, second = (json.loads(r.stdout) for r in runs)
    assert len(first) == 4 and first == second
    assert len(set(first.values())) == len(first)       # distinct entries, distinct keys


def test_canonical_renumbers_dummies_but_keeps_distinct_ones_distinct():
    from engine.cache import canonical
    assert canonical("Dummy('t', dummy_index=812)") == canonical("Dummy('t', dummy_index=17)")
    same = canonical("f(Dummy('t', dummy_index=5), Dummy('t', dummy_index=5))")
    different = canonical("f(Dummy('t', dummy_index=5), Dummy('t', dummy_index=6))")
    assert same != different


def test_breaking_a_helper_outside_the_folder_is_not_replayed(tmp_path):
    """The run replay happens before any module is imported: it must still notice the helper."""
    write_module(tmp_path, "derivs/demo/helper.py", USES_HELPER)
    helper = tmp_path / "lib" / "coursehelpers.py"
    write_module(tmp_path, "lib/coursehelpers.py", HELPER_RIGHT)
    args = ("check", "all", "--path", "derivs", "--cache-dir", "cache", "--format", "json")
    first = engine(*args, cwd=tmp_path, pythonpath=[tmp_path / "lib"])
    assert first.returncode == 0, first.stderr
    again = engine(*args, cwd=tmp_path, pythonpath=[tmp_path / "lib"])
    assert again.returncode == 0 and '"cached": true' in again.stdout
    helper.write_text(HELPER_BROKEN)
    broken = engine(*args, cwd=tmp_path, pythonpath=[tmp_path / "lib"])
    assert broken.returncode == 1, broken.stdout
    assert json.loads(broken.stdout)["derivations"][0]["steps"][0]["verdict"] == "refuted"


def test_a_helper_that_changes_no_expression_still_changes_the_keys(tmp_path, monkeypatch):
    """A helper may change a verdict without changing an expression (a numeric routine it
    supplies): its contents are in every entry key."""
    from engine import cache
    write_module(tmp_path, "lib/coursehelpers.py", HELPER_RIGHT)
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    sys.modules.pop("coursehelpers", None)
    import coursehelpers  # noqa: F401
    try:
        assert str((tmp_path / "lib" / "coursehelpers.py").resolve()) in cache.helper_files()
        before = cache.helpers_fingerprint()
        cache._loaded_hash.cache_clear()
        (tmp_path / "lib" / "coursehelpers.py").write_text(HELPER_RIGHT + "# edited\n")
        assert cache.helpers_fingerprint() != before
    finally:
        sys.modules.pop("coursehelpers", None)
        cache._loaded_hash.cache_clear()


def test_installed_libraries_and_the_engine_are_not_helpers():
    import numpy
    import sympy

    from engine import cache
    helpers = cache.helper_files()
    assert not any(path.startswith(str(ROOT / "engine")) for path in helpers)
    assert sympy.__file__ not in helpers and numpy.__file__ not in helpers


def test_library_versions_are_in_the_run_key(tmp_path, monkeypatch):
    import importlib.metadata

    from engine import cache
    from engine.settings import CheckSettings
    (tmp_path / "derivs").mkdir()
    before = cache.run_key(tmp_path / "derivs", CheckSettings(), ["all"])
    assert any(v.startswith("sympy==") for v in cache.library_versions())
    assert any(v.startswith("numpy==") for v in cache.library_versions())
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version",
                        lambda name: "0.0.1" if name == "numpy" else real(name))
    cache.library_versions.cache_clear()
    try:
        assert cache.run_key(tmp_path / "derivs", CheckSettings(), ["all"]) != before
    finally:
        cache.library_versions.cache_clear()


@pytest.mark.parametrize("library", ["sympy", "numpy"])
def test_loaded_library_versions_are_in_every_entry_key(monkeypatch, library):
    import importlib

    from engine import cache
    module = importlib.import_module(library)
    before = cache.environment_fingerprint()
    monkeypatch.setattr(module, "__version__", "0.0.1")
    assert cache.environment_fingerprint() != before


def test_two_missing_folders_do_not_share_a_run(tmp_path):
    args = ("check", "all", "--cache-dir", "cache")
    first = engine(*args, "--path", "nowhere", cwd=tmp_path)
    second = engine(*args, "--path", "elsewhere", cwd=tmp_path)
    assert "nowhere" in first.stdout + first.stderr
    assert "elsewhere" in second.stdout + second.stderr
    assert "nowhere" not in second.stdout + second.stderr


def test_a_stored_run_without_its_helper_record_is_not_replayed(tmp_path):
    from engine.cache import replay_is_current
    helper = tmp_path / "h.py"
    helper.write_text("x = 1\n")
    from engine.cache import hash_files
    assert replay_is_current({"files": hash_files([str(helper)])})
    assert not replay_is_current({"run": {}})
    recorded = hash_files([str(helper)])
    helper.write_text("x = 2\n")
    assert not replay_is_current({"files": recorded})
    helper.unlink()
    assert not replay_is_current({"files": recorded})


@pytest.mark.slow
def test_check_of_one_source_after_check_all_rechecks_nothing(tmp_path):
    write_module(tmp_path, "derivs/demo/lambda.py", WITH_LAMBDA)
    write_module(tmp_path, "derivs/other/trace.py", GOOD.replace("demo/trace", "other/trace"))
    base = ("--path", "derivs", "--cache-dir", "cache", "--format", "json")
    assert engine("check", "all", *base, cwd=tmp_path).returncode == 0
    one = engine("check", "demo", *base, cwd=tmp_path)
    steps = [s for d in json.loads(one.stdout)["derivations"] for s in d["steps"]]
    assert steps and all(s["cached"] for s in steps)


# -- module replay: a warm run imports only the modules that changed -------------------------

COUNTED = """
    from pathlib import Path
    with open(Path(__file__).parents[2] / "imports.log", "a") as log:  # outside the folder
        log.write("imported\\n")
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    a, b = S.scalars("a b")
    derivation = Derivation(
        id="other/square", title="a square", source=Source("demo.txt", "Q5"), scope=S,
        chain=[(a + b)**2, eq(a**2 + 2*a*b + b**2, "expand")],
    )
    """

FROM_DATA = """
    from pathlib import Path
    from engine import Derivation, Scope, Source, eq
    S = Scope()
    x = S.scalar("x")
    k = int((Path(__file__).parent / "factor.txt").read_text())     # a data file, not code
    derivation = Derivation(
        id="demo/data", title="a factor read from a file", source=Source("demo.txt", "Q6"),
        scope=S, chain=[2 * x, eq(k * x, "the factor in factor.txt")],
    )
    """


def _comparable(stdout: str) -> list:
    """The verdicts of a JSON run, without timings and cache marks."""
    return [(d["id"], s["index"], s["kind"], s["verdict"], s["lhs"], s["rhs"])
            for d in json.loads(stdout)["derivations"] for s in d["steps"]]


def test_after_an_edit_only_the_edited_module_is_imported_and_the_run_equals_a_cold_one(
        tmp_path):
    edited = write_module(tmp_path, "derivs/demo/helper.py", USES_HELPER.replace(
        "from coursehelpers import square_expanded",
        "square_expanded = lambda a, b: a**2 + 2*a*b + b**2"))
    write_module(tmp_path, "derivs/demo/lambda.py", WITH_LAMBDA)
    write_module(tmp_path, "derivs/other/square.py", COUNTED)
    log = tmp_path / "imports.log"
    args = ("check", "all", "--path", "derivs", "--cache-dir", "cache", "--format", "json")
    assert engine(*args, cwd=tmp_path).returncode == 0
    assert log.read_text().count("imported") == 1
    edited.write_text(edited.read_text().replace("a**2 + 2*a*b + b**2", "a**2 + b**2"))
    warm = engine(*args, cwd=tmp_path)
    assert log.read_text().count("imported") == 1        # replayed, not imported
    cold = engine(*args, "--no-cache", cwd=tmp_path)
    assert warm.returncode == cold.returncode == 1, warm.stdout
    assert _comparable(warm.stdout) == _comparable(cold.stdout)
    steps = {(d["id"], s["index"], s["kind"]): s for d in json.loads(warm.stdout)["derivations"]
             for s in d["steps"]}
    assert steps[("demo/helper", 1, "step")]["verdict"] == "refuted"
    assert not steps[("demo/helper", 1, "step")]["cached"]
    assert steps[("other/square", 1, "step")]["cached"]
    assert steps[("demo/lambda", 1, "step")]["cached"]


def test_a_replayed_module_whose_helper_outside_the_folder_breaks_is_checked_again(tmp_path):
    write_module(tmp_path, "derivs/demo/helper.py", USES_HELPER)
    edited = write_module(tmp_path, "derivs/demo/lambda.py", WITH_LAMBDA)
    helper = write_module(tmp_path, "lib/coursehelpers.py", HELPER_RIGHT)
    args = ("check", "all", "--path", "derivs", "--cache-dir", "cache", "--format", "json")
    run = lambda: engine(*args, cwd=tmp_path, pythonpath=[tmp_path / "lib"])  # noqa: E731
    assert run().returncode == 0
    edited.write_text(edited.read_text() + "# edited\n")
    assert run().returncode == 0          # demo/helper replayed from its module record
    helper.write_text(HELPER_BROKEN)      # the folder is as the last run saw it
    for attempt in range(2):              # the run record, then the module record
        broken = run()
        assert broken.returncode == 1, (attempt, broken.stdout)
        verdicts = {d["id"]: d["steps"][0]["verdict"]
                    for d in json.loads(broken.stdout)["derivations"]}
        assert verdicts["demo/helper"] == "refuted"
        edited.write_text(edited.read_text() + "# edited again\n")


def test_a_data_file_in_the_folder_is_in_every_module_record(tmp_path):
    write_module(tmp_path, "derivs/demo/data.py", FROM_DATA)
    factor = tmp_path / "derivs" / "demo" / "factor.txt"
    factor.write_text("2")
    args = ("check", "all", "--path", "derivs", "--cache-dir", "cache", "--format", "json")
    assert engine(*args, cwd=tmp_path).returncode == 0
    factor.write_text("3")
    changed = engine(*args, cwd=tmp_path)
    assert changed.returncode == 1
    assert json.loads(changed.stdout)["derivations"][0]["steps"][0]["verdict"] == "refuted"
