"""The run as JSON (the schema in the README; field names are fixed)."""
from __future__ import annotations

import json

from ..results import RunResult, StepResult


def step_dict(step: StepResult) -> dict:
    return {
        "index": step.index, "kind": step.kind, "chain": step.chain,
        "relation": step.relation, "lhs": step.lhs, "rhs": step.rhs,
        "justification": step.justification, "verdict": step.verdict.value,
        "method": step.method, "expected": step.expected.value if step.expected else None,
        "as_expected": step.as_expected, "note": step.note, "detail": step.detail,
        "counterexample": step.counterexample, "seconds": step.seconds,
        "cached": step.cached,
    }


def run_dict(run: RunResult) -> dict:
    return {
        "engine_version": run.engine_version,
        "seed": run.seed,
        "derivations": [
            {"id": d.id, "title": d.title, "file": d.file,
             "source": {"document": d.document, "where": d.where},
             "status": d.status, "steps": [step_dict(s) for s in d.steps]}
            for d in run.derivations
        ],
        "load_errors": list(run.load_errors),
        "summary": run.summary(),
    }


def render(run: RunResult) -> str:
    return json.dumps(run_dict(run), indent=2, ensure_ascii=False)
