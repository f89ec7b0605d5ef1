"""The run as JSON (the schema in the README; field names are fixed)."""
from __future__ import annotations

import json

from ..model import Verdict
from ..results import DerivationResult, RunResult, StepResult


def step_dict(step: StepResult) -> dict:
    return {
        "index": step.index, "kind": step.kind, "chain": step.chain,
        "relation": step.relation, "lhs": step.lhs, "rhs": step.rhs,
        "justification": step.justification, "verdict": step.verdict.value,
        "method": step.method, "expected": step.expected.value if step.expected else None,
        "as_expected": step.as_expected, "note": step.note, "detail": step.detail,
        "counterexample": step.counterexample, "seconds": step.seconds,
        "cached": step.cached,
        "refutation": step.refutation or None,
        **({"claim_relation": step.claim_relation} if step.kind == "claim" else {}),
    }


def derivation_dict(d: DerivationResult) -> dict:
    return {"id": d.id, "title": d.title, "file": d.file,
            "source": {"document": d.document, "where": d.where},
            "status": d.status, "steps": [step_dict(s) for s in d.steps]}


def run_dict(run: RunResult) -> dict:
    return {
        "engine_version": run.engine_version,
        "seed": run.seed,
        "derivations": [derivation_dict(d) for d in run.derivations],
        "load_errors": list(run.load_errors),
        "summary": run.summary(),
    }


def render(run: RunResult) -> str:
    return json.dumps(run_dict(run), indent=2, ensure_ascii=False)


def run_from_dict(data: dict) -> RunResult:
    """The RunResult that `run_dict` turned into `data` (for replaying a cached run)."""
    return RunResult(data["engine_version"], data["seed"],
                     tuple(derivation_from_dict(d) for d in data["derivations"]),
                     tuple(data["load_errors"]))


def derivation_from_dict(d: dict) -> DerivationResult:
    """The DerivationResult that `derivation_dict` turned into `d`, its steps marked cached."""
    def step(s):
        return StepResult(s["index"], s["kind"], s["chain"], s["relation"], s["lhs"], s["rhs"],
                          s["justification"], Verdict(s["verdict"]), s["method"],
                          Verdict(s["expected"]) if s["expected"] else None, s["detail"],
                          s["counterexample"], s["seconds"], s["note"], cached=True,
                          claim_relation=s.get("claim_relation", ""),
                          refutation=s.get("refutation") or "")
    return DerivationResult(d["id"], d["title"], d["source"]["document"], d["source"]["where"],
                            d["file"], tuple(step(s) for s in d["steps"]))
