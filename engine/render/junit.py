"""The run as JUnit XML: one test case per derivation, its unexpected steps in the failure."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from ..results import RunResult
from .latex import to_text
from .terminal import counterexample_lines


def render(run: RunResult) -> str:
    failures = sum(1 for d in run.derivations if d.status == "failed")
    errors = sum(1 for d in run.derivations if d.status == "error") + len(run.load_errors)
    suite = ET.Element("testsuite", name="derivations", tests=str(len(run.derivations) +
                                                                   len(run.load_errors)),
                       failures=str(failures), errors=str(errors), skipped="0",
                       time=f"{sum(s.seconds for d in run.derivations for s in d.steps):.3f}")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="seed",
                  value=str(run.seed))
    for d in run.derivations:
        case = ET.SubElement(suite, "testcase", classname=d.id.split("/")[0], name=d.id,
                             file=d.file, time=f"{sum(s.seconds for s in d.steps):.3f}")
        bad = [s for s in d.steps if not s.as_expected]
        if bad:
            tag = "error" if d.status == "error" else "failure"
            lines = []
            for s in bad:
                expected = s.expected.value if s.expected else "proved or verified"
                lines.append(f"step {s.index} ({s.chain}): {s.verdict.value}, expected {expected}"
                             f" [{s.method}] {s.detail}")
                lines.append(f"  {to_text(s.lhs)}  {s.relation}  {to_text(s.rhs)}")
                if s.counterexample:
                    lines.extend("  " + line for line in counterexample_lines(s.counterexample))
            element = ET.SubElement(case, tag, message=f"{len(bad)} step(s) not as expected: "
                                    + ", ".join(str(s.index) for s in bad))
            element.text = "\n".join(lines)
        ET.SubElement(case, "system-out").text = (
            f"{d.title} [{d.document}, {d.where}]: " +
            ", ".join(f"{s.index} {s.verdict.value}" for s in d.steps))
    for error in run.load_errors:
        case = ET.SubElement(suite, "testcase", classname="load", name=error.split(":")[0])
        ET.SubElement(case, "error", message=error).text = error
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def write(run: RunResult, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(run), encoding="utf-8")
