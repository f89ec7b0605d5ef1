"""The authoring model: a derivation is a claim, declared symbols, and a chain of steps.

Plain data only; nothing here checks or prints.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Sequence


class Verdict(str, enum.Enum):
    """What the engine concluded about one step."""

    PROVED = "proved"        # symbolic: SymPy showed the relation holds
    VERIFIED = "verified"    # numeric evidence on random instances, no proof
    REFUTED = "refuted"      # a concrete counterexample separates the sides
    UNKNOWN = "unknown"      # nothing decided (unsupported construct, time budget)
    ERROR = "error"          # the step cannot be evaluated as written

    @property
    def holds(self) -> bool:
        return self in (Verdict.PROVED, Verdict.VERIFIED)


class Relation(str, enum.Enum):
    """How a step's expression relates to the one before it."""

    EQ = "="
    LE = "<="
    LT = "<"
    GE = ">="
    GT = ">"
    APPROX = "≈"
    IMPLIES = "=>"
    IFF = "<=>"

    @classmethod
    def parse(cls, text: "str | Relation") -> "Relation":
        """The relation written as `text`; raises ValueError naming the allowed ones."""
        if isinstance(text, Relation):
            return text
        aliases = {"==": "=", "≤": "<=", "≥": ">=", "~": "≈", "approx": "≈",
                   "⇒": "=>", "⇔": "<=>"}
        text = aliases.get(text, text)
        try:
            return cls(text)
        except ValueError:
            allowed = " ".join(r.value for r in cls)
            raise ValueError(f"unknown relation {text!r}; use one of: {allowed}") from None


class Refutation(str, enum.Enum):
    """What an expected refutation is: the source's own error, or an illustration the derivation
    builds on purpose (a counterexample, a case that shows a condition is needed)."""

    SOURCE_ERROR = "source error"
    ILLUSTRATION = "illustration"


@dataclass(frozen=True)
class Source:
    """Where a derivation comes from: a file of ../shared/seeds and the question in it."""

    document: str
    where: str


@dataclass(frozen=True)
class Step:
    """One link of a chain: `previous relation expr`, justified in the source's words.

    `lhs` set makes the step a standalone fact `lhs relation expr` (a table row) instead of a
    continuation of the previous expression. `expect` is None when the step must hold; a step
    that faithfully encodes a wrong source step expects `Verdict.REFUTED`, says why in `note`,
    and carries the `correction`: the right chain from the previous expression on. `limit`
    (symbol, point) is where an approximation `≈` holds: lhs/rhs -> 1 as symbol -> point.
    `refutation` says what an expected refutation is (a source error unless it says
    `Refutation.ILLUSTRATION`); None for a step that must hold.
    """

    relation: Relation
    expr: Any
    why: str = ""
    expect: Verdict | None = None
    note: str = ""
    correction: tuple["Step", ...] = ()
    lhs: Any = None
    limit: tuple | None = None
    refutation: Refutation | None = None

    def __post_init__(self):
        object.__setattr__(self, "refutation", _refutation(self.expect, self.refutation))


@dataclass(frozen=True)
class Claim:
    """What the derivation sets out to show: `lhs relation rhs`."""

    lhs: Any
    relation: Relation
    rhs: Any
    expect: Verdict | None = None
    note: str = ""
    refutation: Refutation | None = None

    def __post_init__(self):
        object.__setattr__(self, "refutation", _refutation(self.expect, self.refutation))


def step(relation: str, expr: Any, why: str = "", *, expect: Verdict | str | None = None,
         note: str = "", correction: Sequence[Step] = (), limit: tuple | None = None,
         refutation: Refutation | str | None = None) -> Step:
    """A chain step: the previous expression `relation` `expr`; an approximation `≈` names the
    limit it holds in, `limit=(x, 0)` for "as x -> 0"."""
    return Step(Relation.parse(relation), expr, why, _verdict(expect), note, tuple(correction),
                limit=_limit(limit), refutation=refutation)


def eq(expr: Any, why: str = "", **options: Any) -> Step:
    """A chain step `= expr`."""
    return step("=", expr, why, **options)


def fact(lhs: Any, relation: str, rhs: Any, why: str = "", *, expect: Verdict | str | None = None,
         note: str = "", correction: Sequence[Step] = (), limit: tuple | None = None,
         refutation: Refutation | str | None = None) -> Step:
    """A standalone statement `lhs relation rhs`, such as one row of a table."""
    return Step(Relation.parse(relation), rhs, why, _verdict(expect), note, tuple(correction), lhs,
                _limit(limit), refutation=refutation)


def holds(statement: Any, why: str = "", *, expect: Verdict | str | None = None, note: str = "",
          correction: Sequence[Step] = (), refutation: Refutation | str | None = None) -> Step:
    """A standalone fact: `statement` (a relational, And/Or/Not of them, or Implies(A, B)) holds
    for every value of its symbols in their declared domains ("for all x in D")."""
    import sympy as sp
    return Step(Relation.IMPLIES, statement, why, _verdict(expect), note, tuple(correction),
                sp.true, refutation=refutation)


def claim(lhs: Any, relation: str, rhs: Any, *, expect: Verdict | str | None = None,
          note: str = "", refutation: Refutation | str | None = None) -> Claim:
    return Claim(lhs, Relation.parse(relation), rhs, _verdict(expect), note, refutation)


def _verdict(value: Verdict | str | None) -> Verdict | None:
    return None if value is None else Verdict(value)


def _refutation(expect, refutation) -> Refutation | None:
    """An expected refutation's kind (a source error by default); None when none is expected."""
    if expect != Verdict.REFUTED:
        if refutation is not None:
            raise ValueError("refutation= describes an expected refutation: give it with "
                             "expect=REFUTED")
        return None
    return Refutation(refutation) if refutation is not None else Refutation.SOURCE_ERROR


def _limit(value) -> tuple | None:
    """`(symbol, point)` as given, checked for its form; ValueError otherwise."""
    if value is None:
        return None
    if not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise ValueError(f"limit must be (symbol, point), e.g. limit=(x, 0); got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class Derivation:
    """A claim and the chain that derives it, with the symbols it uses (`scope`).

    `chain` starts with the expression the derivation begins from, followed by steps; a chain
    of standalone facts has no starting expression. Without a `claim`, no claim entry is checked.
    """

    id: str
    title: str
    source: Source
    scope: Any
    chain: tuple
    claim: Claim | None = None
    notes: str = ""
    notation: dict = field(default_factory=dict)   # symbol name -> LaTeX, e.g. {"H_mu": r"H_\mu"}
    file: str = field(default="", compare=False)
    # data the writeups draw: ({"title", "xlabel", "ylabel", "series": [{"label", "points":
    # [(x, y), ...]}]}, ...); engine.computed.Lazy(f) defers computing it to the first render
    plots: Sequence = field(default=(), compare=False)

    def __post_init__(self):
        object.__setattr__(self, "chain", tuple(self.chain))
