"""Measure `grade` on the real-world corpus against the hand keys.

Every document NN_slug.md / .tex in this folder with its NN_slug.key.toml (hand key) and
NN_slug.decls (declarations stating only what the document states) is graded through the CLI
(`python -m engine grade DOC --decls DECLS --format json`), each of its steps is matched to a
keyed step by line, and per document and in total the script prints: keyed steps, steps found,
decided (proved/verified/refuted), wrong steps refuted, correct steps refuted (false alarms),
wrong steps verified or proved (missed, the worst), unparsed. Run from the repository root:

    python tests/realworld/measure.py [--jobs N] [--json] [DOC...]

A keyed step is "found" when `grade` reports a step on its line; several relations on one line
are matched in order, or by the closeness of their right sides when `grade` reports fewer or
more of them than were keyed (definitions are not keyed).
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DECIDED = {"proved", "verified", "refuted"}
HOLDS = {"proved", "verified"}
KEYS = ("correct", "wrong", "needs-context")


@dataclass
class DocumentFigures:
    """What grading one document found, measured against its hand key."""
    name: str
    keyed: int = 0
    wrong: int = 0
    found: int = 0
    decided: int = 0
    wrong_refuted: int = 0
    correct_refuted: int = 0           # false alarms
    wrong_verified: int = 0            # missed errors, the worst
    unparsed: int = 0
    unkeyed_steps: int = 0             # steps grade reported that no key matched (definitions...)
    unkeyed_refuted: int = 0
    load_error: str = ""
    false_alarms: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)   # (line, key, verdict, method) per keyed step
    reasons: list = field(default_factory=list)    # why a keyed step was unparsed or unknown


def documents(names=()) -> list[Path]:
    """The corpus documents (those with a key), or the ones named."""
    found = sorted(p for p in HERE.iterdir() if p.suffix in (".md", ".tex")
                   and p.with_name(p.stem + ".key.toml").is_file())
    if names:
        wanted = {Path(n).name for n in names}
        found = [p for p in found if p.name in wanted or p.stem in wanted]
    return found


def read_key(document: Path) -> list[dict]:
    """The keyed steps of a document, each with line, index, relation and key."""
    data = tomllib.loads(document.with_name(document.stem + ".key.toml").read_text("utf-8"))
    steps = data.get("step", [])
    for step in steps:
        if step["key"] not in KEYS:
            raise ValueError(f"{document.name}: line {step['line']}: key must be one of {KEYS}")
        step.setdefault("index", 0)
    return sorted(steps, key=lambda s: (s["line"], s["index"]))


def grade(document: Path, timeout: float = 900) -> tuple[list[dict], str]:
    """The steps `grade` reports for a document (each with its line), and a load error if any."""
    command = [sys.executable, "-m", "engine", "grade", str(document), "--format", "json"]
    decls = document.with_name(document.stem + ".decls")
    if decls.is_file():
        command += ["--decls", str(decls)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    try:
        data = json.loads(run.stdout)
    except json.JSONDecodeError:
        message = (run.stderr.strip() or run.stdout.strip()).splitlines()
        return [], message[-1] if message else f"exit {run.returncode}, no output"
    steps = [dict(step, derivation=d["id"]) for d in data.get("derivations", [])
             for step in d.get("steps", []) if step.get("kind", "step") == "step"]
    return steps, "; ".join(data.get("load_errors", []))


def _normal(latex: str) -> str:
    text = re.sub(r"\\(left|right|big|Big|bigg|Bigg)\b|\\[,;!: ]|\s+|[{}]", "", latex or "")
    return text.lstrip(".").lstrip("=")


def _key_rhs(relation: str) -> str:
    parts = re.split(r"(?<![<>!\\])=(?!=)|\\ne\b|\\neq\b|\\geq?\b|\\leq?\b|≥|≤", relation)
    return parts[-1]


def match(keyed: list[dict], steps: list[dict]) -> list[tuple[dict, dict | None]]:
    """Each keyed step with the reported step it corresponds to (None when not found)."""
    pairs = []
    lines = sorted({k["line"] for k in keyed})
    for line in lines:
        keys = [k for k in keyed if k["line"] == line]
        reported = [s for s in steps if s.get("line") == line]
        if len(reported) == len(keys) or not reported:
            pairs += [(k, reported[i] if i < len(reported) else None) for i, k in enumerate(keys)]
            continue
        free = list(range(len(reported)))
        for key in keys:
            scores = [(difflib.SequenceMatcher(None, _normal(_key_rhs(key["relation"])),
                                               _normal(reported[i].get("rhs", ""))).ratio(), -i, i)
                      for i in free]
            best = max(scores, default=None)
            if best and best[0] >= 0.3:
                free.remove(best[2])
                pairs.append((key, reported[best[2]]))
            else:
                pairs.append((key, None))
    return pairs


def _unparsed(step: dict) -> bool:
    return step["verdict"] == "error" or "unparsed" in (step.get("method") or "")


def _reason(detail: str) -> str:
    """The kind of a failure: the detail without the quoted fragment, names and columns."""
    text = re.sub(r"^(left|right) side( '.*?')?:\s*", "", detail.split("; right side")[0])
    text = re.sub(r"'[^']*'( at column \d+)?|\(column \d+\)|\(with E\[\.\].*|\(the sides.*", "", text)
    text = re.sub(r"undeclared [\w{}\-, ]+? (may|as)", r"undeclared NAMES \1", text)
    return re.sub(r"\s+", " ", text).strip(" :;,")[:110]


def measure(document: Path) -> DocumentFigures:
    """Grade one document and score it against its key."""
    figures = DocumentFigures(document.name)
    keyed = read_key(document)
    steps, figures.load_error = grade(document)
    figures.keyed = len(keyed)
    figures.wrong = sum(k["key"] == "wrong" for k in keyed)
    pairs = match(keyed, steps)
    matched = set()
    text = document.read_text(encoding="utf-8").splitlines()
    for key, step in pairs:
        if step is None:
            figures.outcomes.append((key["line"], key["key"], "not found", ""))
            source = text[key["line"] - 1] if key["line"] <= len(text) else ""
            display = re.search(r"\$\$|\\\[|\\begin\{", source)
            figures.reasons.append(("not found: a relation in display math" if display else
                                    "not found: inline math ($...$) is not read",
                                    f"{document.name}:{key['line']}"))
            continue
        matched.add(id(step))
        figures.found += 1
        verdict = step["verdict"]
        figures.outcomes.append((key["line"], key["key"], verdict, step.get("method", "")))
        if _unparsed(step) or verdict == "unknown":
            figures.reasons.append((_reason(step.get("detail", "")), f"{document.name}:{key['line']}"))
        if _unparsed(step):
            figures.unparsed += 1
        if verdict in DECIDED:
            figures.decided += 1
        if key["key"] == "wrong" and verdict == "refuted":
            figures.wrong_refuted += 1
        elif key["key"] == "wrong" and verdict in HOLDS:
            figures.wrong_verified += 1
            figures.missed.append(f"{document.name}:{key['line']}: {key['relation']} ({verdict}, "
                                  f"{step.get('method', '')})")
        elif key["key"] == "correct" and verdict == "refuted":
            figures.correct_refuted += 1
            figures.false_alarms.append(f"{document.name}:{key['line']}: {key['relation']} "
                                        f"({step.get('detail', '')[:160]})")
    for step in steps:
        if id(step) not in matched:
            figures.unkeyed_steps += 1
            figures.unkeyed_refuted += step["verdict"] == "refuted"
    return figures


COLUMNS = ("keyed", "wrong", "found", "decided", "wrong_refuted", "correct_refuted",
           "wrong_verified", "unparsed", "unkeyed_steps", "unkeyed_refuted")
HEADERS = ("keyed", "wrong", "found", "decided", "wrong refuted", "false alarms",
           "wrong verified", "unparsed", "unkeyed", "unkeyed refuted")


def table(results: list[DocumentFigures]) -> str:
    """The per-document figures and the total as a Markdown table, with the issue's aims."""
    rows = ["| document | " + " | ".join(HEADERS) + " |", "|---" * (len(HEADERS) + 1) + "|"]
    for figures in results:
        rows.append(f"| {figures.name} | " + " | ".join(str(getattr(figures, c)) for c in COLUMNS)
                    + " |" + (f" load error: {figures.load_error}" if figures.load_error else ""))
    total = {c: sum(getattr(f, c) for f in results) for c in COLUMNS}
    rows.append("| **total** | " + " | ".join(str(total[c]) for c in COLUMNS) + " |")
    share = lambda a, b: f"{100 * a / b:.0f}%" if b else "n/a"
    rows.append("")
    rows.append(f"decided: {total['decided']}/{total['keyed']} keyed steps = "
                f"{share(total['decided'], total['keyed'])} (aim >= 75%); wrong steps refuted: "
                f"{total['wrong_refuted']}/{total['wrong']} = {share(total['wrong_refuted'], total['wrong'])}"
                f" (aim >= 90%); false alarms: {total['correct_refuted']} (aim 0); wrong steps "
                f"verified: {total['wrong_verified']} (aim 0)")
    for figures in results:
        rows += [f"FALSE ALARM {line}" for line in figures.false_alarms]
        rows += [f"MISSED {line}" for line in figures.missed]
    return "\n".join(rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documents", nargs="*", help="only these documents (names or stems)")
    parser.add_argument("--jobs", type=int, default=1, help="documents graded in parallel")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--steps", action="store_true", help="also print every keyed step's verdict")
    parser.add_argument("--failures", action="store_true",
                        help="also print the kinds of unparsed/unknown keyed steps, most common first")
    args = parser.parse_args(argv)
    paths = documents(args.documents)
    if args.jobs > 1:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(args.jobs) as pool:
            results = list(pool.map(measure, paths))
    else:
        results = [measure(p) for p in paths]
    if args.json:
        print(json.dumps([vars(f) for f in results], indent=1))
    else:
        print(table(results))
        if args.failures:
            from collections import Counter
            kinds = Counter(reason for f in results for reason, _ in f.reasons)
            where = {}
            for f in results:
                for reason, place in f.reasons:
                    where.setdefault(reason, place)
            print("\nkinds of unparsed / unknown keyed steps (count, first seen):")
            for reason, count in kinds.most_common():
                print(f"{count:4}  {reason}  [{where[reason]}]")
        if args.steps:
            for figures in results:
                for line, key, verdict, method in figures.outcomes:
                    print(f"{figures.name}:{line}: {key:13} {verdict:9} {method}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
