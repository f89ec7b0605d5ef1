"""The bundled derivations end to end: `check all` passes, is deterministic, and every
derivation names a real source document."""
import json
import os
import subprocess
import sys
from pathlib import Path

from engine.registry import collect

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = {"000_c66762b86c6c83bf.txt", "001_13a39b0b72803044.txt",
             "002_f457ea5a82bac99a.txt", "003_8dae48258750efc8.txt"}


def check_all(*extra, env=None):
    return subprocess.run([sys.executable, "-m", "engine", "check", "all", *extra], cwd=ROOT,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def test_check_all_passes_with_every_verdict_as_expected():
    result = check_all("--format", "json")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["unexpected"] == 0
    assert data["summary"]["derivations"] >= 4
    assert data["summary"]["refuted"] >= 1      # the sources' known errors are caught


def test_every_derivation_loads_and_names_a_source_document():
    collection = collect()
    assert collection.errors == ()
    for derivation in collection.derivations:
        assert derivation.source.document in DOCUMENTS, derivation.id
        assert derivation.title and derivation.source.where
        assert derivation.id.count("/") == 1


def test_every_expected_refutation_says_why_and_carries_a_correction():
    from engine import Verdict
    for derivation in collect().derivations:
        for step in derivation.chain:
            if getattr(step, "expect", None) == Verdict.REFUTED:
                assert step.note, f"{derivation.id}: expected refutation without a note"
                assert step.correction, f"{derivation.id}: expected refutation without correction"
        if derivation.claim is not None and derivation.claim.expect == Verdict.REFUTED:
            assert derivation.claim.note


def test_results_do_not_depend_on_the_hash_seed():
    outputs = []
    for hash_seed in ("0", "12345"):
        data = json.loads(check_all("--format", "json", "--no-cache",
                                    env={"PYTHONHASHSEED": hash_seed}).stdout)
        outputs.append([[{k: v for k, v in s.items() if k != "seconds"} for s in d["steps"]]
                        for d in data["derivations"]])
    assert outputs[0] == outputs[1]
