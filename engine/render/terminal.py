"""The run as terminal text: one line per step, counterexamples under refuted steps."""
from __future__ import annotations

import json
import shutil

from ..model import Verdict
from ..results import DerivationResult, RunResult, StepResult
from . import prose
from .latex import to_text


def render(run: RunResult, *, width: int | None = None, wide: bool = False,
           quiet: bool = False, document_names: dict | None = None) -> str:
    """The run as text. Expressions are cut to the terminal's width (at least 80 columns)
    unless `wide`; `quiet` shows only the derivations that are not OK, then the summary;
    `document_names` maps a source file name to the readable name shown instead."""
    width = None if wide else (width or max(80, shutil.get_terminal_size((120, 24)).columns))
    names = document_names or {}
    lines: list[str] = []
    for derivation in run.derivations:
        if quiet and derivation.status == "ok":
            continue
        lines.extend(_derivation(derivation, width, names))
        lines.append("")
    for error in run.load_errors:
        lines.append(f"error: {error}")
    lines.append(summary_line(run))
    return "\n".join(lines)


def _derivation(d: DerivationResult, width: int | None, names: dict) -> list[str]:
    head = (f"{d.id}  {prose.to_terminal(d.title)}  [{names.get(d.document, d.document)}, "
            f"{d.where}]" + (f"  ({d.file})" if d.file else ""))
    lines = [head]
    chain = "source"
    for step in d.steps:
        if step.chain != chain:
            chain = step.chain
            lines.append(f"     {chain}:")
        lines.extend(_step(step, width))
    counts = ", ".join(f"{n} {v.value}" for v in Verdict
                       if (n := sum(1 for s in d.steps if s.verdict == v)))
    approximations = sum(1 for s in d.steps if s.relation == "≈" and s.verdict.holds)
    if approximations:
        counts += f"; approximations (≈), not equalities: {approximations}"
    lines.append(f"  -> {d.status.upper()}: {plural(len(d.steps), 'entry', 'entries')} ({counts})")
    return lines


def _step(step: StepResult, width: int | None) -> list[str]:
    mark = " " if step.as_expected else "✗"
    verdict = step.verdict.value
    if step.expected is not None:
        verdict += f" (expected {step.expected.value})"
    if step.kind == "claim":
        math = f"{to_text(step.lhs)}  {step.claim_relation or '='}  {to_text(step.rhs)}"
        relation = "claim"
    else:
        math = f"{step.relation} {to_text(step.rhs)}"
        relation = step.relation
    left = f"{mark} {step.index:>3} {relation:<5} {verdict:<28} {step.method:<30} "
    room = max(20, width - len(left)) if width else len(math)
    if len(math) > room:
        math = math[:room - 1] + "…"
    lines = [left + math]
    indent = " " * 16
    if step.verdict in (Verdict.REFUTED, Verdict.UNKNOWN, Verdict.ERROR) or not step.as_expected:
        if step.detail:
            lines.append(f"{indent}{step.detail}")
    if step.counterexample:
        lines.extend(indent + line for line in counterexample_lines(step.counterexample))
    if step.note:
        lines.append(f"{indent}note: {prose.to_terminal(step.note)}")
    return lines


def counterexample_lines(example: dict) -> list[str]:
    values = ", ".join(f"{k} = {_compact(v)}" for k, v in example.get("values", {}).items())
    lines = [f"counterexample: {values}"] if values else []
    lines.append(f"left side = {_compact(example.get('lhs'))}, "
                 f"right side = {_compact(example.get('rhs'))}")
    return lines


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":")) if isinstance(value, list) else str(value)


def summary_line(run: RunResult) -> str:
    s = run.summary()
    verdicts = ", ".join(f"{s[v.value]} {v.value}" for v in Verdict)
    outcome = "OK" if run.ok else "FAILED"
    return (f"{outcome}: {plural(s['derivations'], 'derivation')}, "
            f"{plural(s['steps'], 'entry', 'entries')} ({verdicts}); "
            f"{s['unexpected']} unexpected"
            + (f"; approximations (≈), not equalities: {s['approximations']}"
               if s["approximations"] else "")
            + (f"; {plural(len(run.load_errors), 'module')} failed to load"
               if run.load_errors else ""))


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 derivation`, `2 derivations`."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
