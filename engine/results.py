"""Immutable results: what a checker concluded, per step, per derivation, per run."""
from __future__ import annotations

from dataclasses import dataclass, field

from .model import Verdict


@dataclass(frozen=True)
class Outcome:
    """A checker's conclusion about one relation, before it is placed in a chain."""

    verdict: Verdict
    method: str
    detail: str = ""
    counterexample: dict | None = None


@dataclass(frozen=True)
class StepResult:
    index: int
    kind: str              # "step" or "claim"
    chain: str             # "source" or "correction of step K"
    relation: str
    lhs: str               # LaTeX
    rhs: str               # LaTeX
    justification: str
    verdict: Verdict
    method: str
    expected: Verdict | None
    detail: str
    counterexample: dict | None
    seconds: float
    note: str = ""
    cached: bool = False
    claim_relation: str = ""   # a claim entry: the relation the claim states ("=", "<=", ...)
    refutation: str = ""       # an expected refutation: "source error" or "illustration"

    @property
    def as_expected(self) -> bool:
        if self.expected is None:
            return self.verdict.holds
        return self.verdict == self.expected


@dataclass(frozen=True)
class DerivationResult:
    id: str
    title: str
    document: str
    where: str
    file: str
    steps: tuple[StepResult, ...]

    @property
    def status(self) -> str:
        unexpected = [s for s in self.steps if not s.as_expected]
        if any(s.verdict == Verdict.ERROR for s in unexpected):
            return "error"
        return "failed" if unexpected else "ok"


@dataclass(frozen=True)
class RunResult:
    engine_version: str
    seed: int
    derivations: tuple[DerivationResult, ...]
    load_errors: tuple[str, ...] = field(default=())

    def summary(self) -> dict:
        steps = [s for d in self.derivations for s in d.steps]
        counts = {v.value: sum(1 for s in steps if s.verdict == v) for v in Verdict}
        return {"derivations": len(self.derivations), "steps": len(steps), **counts,
                "unexpected": sum(1 for s in steps if not s.as_expected),
                "approximations": sum(1 for s in steps if s.relation == "≈" and s.verdict.holds)}

    @property
    def ok(self) -> bool:
        """Every verdict as expected, nothing failed to load, and something was checked: a run
        that checked no entry never passes a gate."""
        return (not self.load_errors and any(d.steps for d in self.derivations)
                and all(d.status == "ok" for d in self.derivations))
