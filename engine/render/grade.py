"""Showing a graded document: one line per step in the terminal, or the JSON of `check`."""
from __future__ import annotations


def render_text(report, width: int = 120) -> str:
    """One line per step (the file's line number, relation, verdict, method, right side), the
    role of definitions and assumptions, the reason under unparsed and unknown steps, the
    counterexample under refuted ones; per document what was inferred and defined."""
    from ..model import Verdict
    from .latex import to_text
    from .terminal import counterexample_lines

    out = []
    by_file: dict = {}
    roles = report.roles or {}
    for derivation in report.run.derivations:
        by_file.setdefault(derivation.file, []).append(derivation)
    for stats in report.documents:
        out.append(f"{stats.file}" + (f"  [declarations: {stats.declarations}]"
                                      if stats.declarations else ""))
        for derivation in by_file.get(stats.file, []):
            out.append(f"  chain at {derivation.where}: "
                       f"{_clip(_unicode(derivation.title, to_text), 80)}")
            for step in derivation.steps:
                line = report.lines.get((derivation.id, step.index), 0)
                role, because = roles.get((derivation.id, step.index), ("step", ""))
                mark = " " if step.as_expected else "✗"
                verdict = step.verdict.value + (f" (expected {step.expected.value})"
                                                if step.expected else "")
                if role != "step":
                    verdict = role
                head = f"  {mark} L{line:<5} {step.relation:<3} {verdict:<28} {step.method:<30} "
                out.append(head + _clip(_unicode(step.rhs, to_text), max(20, width - len(head))))
                indent = " " * 12
                if role != "step" and because:
                    out.append(indent + "role: " + because)
                elif step.verdict in (Verdict.REFUTED, Verdict.UNKNOWN, Verdict.ERROR) \
                        and step.detail:
                    out.append(indent + _clip(step.detail, width - 12))
                if step.counterexample:
                    out.extend(indent + l for l in counterexample_lines(step.counterexample))
                if step.note:
                    out.append(indent + "note: " + step.note)
        if stats.defined:
            out.append(f"  defined by the document: {', '.join(stats.defined)}")
        if stats.assumed:
            out.append("  inferred (declare to correct): " + "; ".join(stats.assumed))
        out.append(f"  -> {stats.steps} steps: {stats.parsed} parsed, {stats.decided} decided "
                   f"({stats.refuted} refuted), {stats.steps - stats.parsed} unparsed; parsing "
                   f"{stats.parse_ms_per_step:.2f} ms per step (median "
                   f"{stats.parse_ms_median:.2f}), checking {stats.check_seconds:.1f} s")
        if stats.empty:
            out.append(f"  not OK: {stats.empty}")
        out.append("")
    for error in report.run.load_errors:
        out.append(f"error: {error}")
    summary = report.run.summary()
    verdicts = ", ".join(f"{summary[v.value]} {v.value}" for v in Verdict)
    out.append(f"{'OK' if report.ok else 'FAILED'}: {len(report.documents)} documents, "
               f"{summary['steps']} steps ({verdicts}); {summary['unexpected']} unexpected; "
               f"{report.seconds:.1f} s")
    return "\n".join(out)


def _unicode(latex: str, to_text) -> str:
    try:
        return to_text(latex)
    except Exception:                  # noqa: BLE001 - pylatexenc could not render it
        return latex


def _clip(text: str, room: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[:room - 1] + "…"


def report_dict(report) -> dict:
    """The JSON of `check --format json`, each step with its `line` and `role`, plus
    per-document figures and what was inferred."""
    from .json_report import run_dict
    data = run_dict(report.run)
    roles = report.roles or {}
    for derivation in data["derivations"]:
        for step in derivation["steps"]:
            key = (derivation["id"], step["index"])
            step["line"] = report.lines.get(key)
            step["role"], step["role_because"] = roles.get(key, ("step", ""))
    data["documents"] = [{"file": s.file, "declarations": s.declarations, "steps": s.steps,
                          "parsed": s.parsed, "decided": s.decided, "refuted": s.refuted,
                          "parse_ms_per_step": round(s.parse_ms_per_step, 3),
                          "parse_ms_median": round(s.parse_ms_median, 3),
                          "check_seconds": round(s.check_seconds, 3),
                          "inferred": list(s.assumed), "defined": list(s.defined),
                          "empty": s.empty} for s in report.documents]
    data["ok"] = report.ok
    data["seconds"] = round(report.seconds, 3)
    return data
