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


# -- text fields: math inside $...$ as LaTeX ----------------------------------------------------
import re                                                   # noqa: E402
import tomllib                                              # noqa: E402

import pytest                                               # noqa: E402

# a caret, sigma_, sum_, _{, or a Greek letter or operator spelled out ("sigma(z)", "sqrt")
ASCII_MATH = re.compile(r"\^|sigma_|sum_|_\{|\b(sigma|lambda|beta|alpha|epsilon|theta|phi|tau|"
                        r"nabla|sqrt)\b")


def ascii_math_outside_dollars(text: str) -> list[str]:
    """The pieces of `text` outside $...$ that hold ASCII math (a caret, sigma_, sum_, _{, a
    Greek letter spelled out)."""
    outside = re.split(r"(?<!\\)\$.*?(?<!\\)\$", text, flags=re.S)
    return [piece.strip() for piece in outside if ASCII_MATH.search(piece)]


def _steps(steps):
    for step in steps:
        yield step
        yield from _steps(step.correction)


def text_fields(derivation):
    """(where, text) for every text field of a derivation: title, notes, each step's
    justification and note (corrections too), the claim's note."""
    yield "title", derivation.title
    yield "notes", derivation.notes
    steps = [s for s in derivation.chain if hasattr(s, "correction")]
    for index, step in enumerate(_steps(steps), 1):
        yield f"step {index} why", step.why
        yield f"step {index} note", step.note
    if derivation.claim is not None:
        yield "claim note", derivation.claim.note


def test_the_ascii_math_detector_flags_carets_and_subscripts_outside_dollars():
    assert ascii_math_outside_dollars("w_true ~ N(0, sigma_w^2/d I)")
    assert ascii_math_outside_dollars("E[x^2] = 1")
    assert ascii_math_outside_dollars("sum_ij a_ij")
    assert ascii_math_outside_dollars("d_{l-1} inputs")
    assert ascii_math_outside_dollars("the gradient is sigma(z)(1 - sigma(z))")
    assert ascii_math_outside_dollars(r"$\sigma_w^2/d$ and x^2") == ["and x^2"]
    assert ascii_math_outside_dollars(r"$w \sim N(0, \sigma_w^2/d)$, the teacher") == []
    assert ascii_math_outside_dollars("n_l inputs, 28 x 28 images") == []


def _derivations_by_module():
    by_module: dict = {}
    for derivation in collect().derivations:
        by_module.setdefault(Path(derivation.file).stem if derivation.file else derivation.id,
                             []).append(derivation)
    return by_module


@pytest.mark.parametrize("derivation", collect().derivations, ids=lambda d: d.id)
def test_text_fields_keep_math_inside_dollars(derivation):
    found = [f"{where}: {piece!r}" for where, text in text_fields(derivation)
             for piece in ascii_math_outside_dollars(text)]
    assert found == [], f"{derivation.id}: ASCII math outside $...$:\n" + "\n".join(found)


def test_coverage_titles_and_reasons_keep_math_inside_dollars():
    table = tomllib.loads((ROOT / "derivations" / "coverage.toml").read_text(encoding="utf-8"))
    found = [f"{q['id']}: {piece!r}" for q in table["question"]
             for field in ("title", "reason") for piece in
             ascii_math_outside_dollars(q.get(field, ""))]
    assert found == [], "\n".join(found)


def _balanced(latex: str) -> bool:
    depth = 0
    for i, ch in enumerate(latex):
        if ch in "{}" and i > 0 and latex[i - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("derivation", collect().derivations, ids=lambda d: d.id)
def test_inline_math_has_paired_dollars_and_balanced_braces(derivation):
    for where, text in text_fields(derivation):
        dollars = re.findall(r"(?<!\\)\$", text)
        assert len(dollars) % 2 == 0, f"{derivation.id} {where}: unpaired $ in {text!r}"
        for math in re.findall(r"(?<!\\)\$(.*?)(?<!\\)\$", text, flags=re.S):
            assert _balanced(math), f"{derivation.id} {where}: unbalanced braces in ${math}$"
