"""The coverage table: every question of the source documents, encoded or not (and why).

Read from `coverage.toml` beside the derivations; joined with the derivations found and, when
given, their check results.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import DerivationError


@dataclass(frozen=True)
class Question:
    document: str
    id: str
    title: str
    derivations: tuple[str, ...]
    reason: str

    @property
    def encoded(self) -> bool:
        return bool(self.derivations)


@dataclass(frozen=True)
class Coverage:
    documents: dict          # file name -> human name
    questions: tuple[Question, ...]

    def for_document(self, document: str) -> list[Question]:
        return [q for q in self.questions if q.document == document]


def load(folder: Path) -> Coverage | None:
    """The coverage table of a derivations folder, or None if it has none."""
    path = Path(folder) / "coverage.toml"
    if not path.exists():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise DerivationError(f"cannot read the coverage table: {exc}", file=str(path)) from None
    questions = []
    for entry in data.get("question", []):
        derivations = tuple(entry.get("derivations", ()))
        reason = entry.get("reason", "")
        if not derivations and not reason:
            raise DerivationError(f"question {entry.get('id')!r} has neither derivations nor a "
                                  "reason", file=str(path))
        questions.append(Question(entry["document"], entry["id"], entry.get("title", ""),
                                  derivations, reason))
    return Coverage(dict(data.get("documents", {})), tuple(questions))


def problems(coverage: Coverage, derivation_ids) -> list[str]:
    """Inconsistencies: ids listed that do not exist, derivations listed nowhere."""
    ids = set(derivation_ids)
    listed = {d for q in coverage.questions for d in q.derivations}
    found = [f"coverage lists {d!r}, which is no derivation" for d in sorted(listed - ids)]
    found += [f"derivation {d!r} is missing from the coverage table" for d in sorted(ids - listed)]
    return found


# why a question is not encoded, as `reason = "<state>: <one sentence>"` in coverage.toml
STATES = ("encoded", "prose only", "programming task", "not checkable", "planned")


def reason_state(reason: str) -> tuple[str, str]:
    """(state, sentence) of a reason: its prefix names the state ("prose only: the answer is
    a discussion"); a reason without a known prefix is "not checkable" ("planned..." planned)."""
    for state in STATES[1:]:
        if reason.startswith(state + ": "):
            return state, reason[len(state) + 2:]
    return ("planned" if reason.startswith("planned") else "not checkable"), reason


def rows(coverage: Coverage, statuses: dict | None = None) -> list[dict]:
    """One row per question: document, id, title, state, detail."""
    result = []
    for q in coverage.questions:
        if q.encoded:
            shown = [f"{d} ({statuses[d]})" if statuses and d in statuses else d
                     for d in q.derivations]
            state, detail = "encoded", ", ".join(shown)
        else:
            state, detail = reason_state(q.reason)
        result.append({"document": q.document,
                       "source": coverage.documents.get(q.document, q.document),
                       "question": q.id, "title": q.title, "state": state, "detail": detail})
    return result
