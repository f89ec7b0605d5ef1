"""The adversarial suite: inputs written to fool the checkers, each with its truth known
independently of the engine, run through the command line as a user would.

A case is one input: an identity or relation typed for `equal` (Python syntax or LaTeX), a
derivation module for `check`, or a document for `grade`. Its `truth` says whether what it states
holds (established by exact arithmetic, a closed form or 50-digit evaluation, written in `how`).
The suite passes a case on a seed when

- a false case gets no `proved`/`verified` verdict for what it states (for a derivation or a
  document: the gate does not pass, exit status non-zero);
- a true case is not refuted (a false alarm) — `unknown` is allowed, and counted;
- nothing raises a traceback and the run finishes within its budget.

`python -m engine.adversary [--seeds N] [--first-seed S] [--cases DIR] [--jobs N]` runs every case
on the default seed and N - 1 more and prints the figures; `tests/test_adversarial.py` runs the
default seed.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .settings import DEFAULT_SEED

DEFAULT_CASES = Path(__file__).resolve().parent.parent / "tests" / "adversarial"
HANG_SLACK = 20.0                       # seconds beyond the step budget before a run is a hang


@dataclass(frozen=True)
class Case:
    """One input meant to fool the engine. `kind` is `equal`, `latex`, `derivation` or `grade`;
    `text` is the LHS (equal/latex), the module source (derivation) or the document (grade);
    `other` is the RHS (equal/latex), or the declarations (grade)."""

    name: str
    kind: str
    text: str
    other: str = ""
    where: str = ""
    relation: str = "="
    truth: bool = True
    how: str = ""
    suffix: str = ".md"             # grade: the document's file type

    def argv(self, folder: Path, seed: int) -> list[str]:
        common = ["--seed", str(seed), "--format", "json"]
        if self.kind in ("equal", "latex"):
            argv = ["equal", self.text, self.other, "--relation", self.relation, *common]
            if self.where:
                argv += ["--where", self.where]
            return argv + (["--latex"] if self.kind == "latex" else [])
        if self.kind == "derivation":
            (folder / "adversarial_case.py").write_text(self.text)
            return ["check", "all", "--path", str(folder), "--no-cache", *common]
        if self.kind == "grade":
            document = folder / f"document{self.suffix}"
            document.write_text(self.text)
            argv = ["grade", str(document), *common]
            if self.other:
                argv += ["--where", self.other]
            return argv
        raise ValueError(f"case {self.name}: unknown kind {self.kind!r}")


def equal(name, lhs, rhs, *, truth, how, where="", relation="=") -> Case:
    return Case(name, "equal", lhs, rhs, where, relation, truth, how)


def latex(name, lhs, rhs, *, truth, how, where="", relation="=") -> Case:
    return Case(name, "latex", lhs, rhs, where, relation, truth, how)


def derivation(name, source, *, truth, how) -> Case:
    return Case(name, "derivation", source, truth=truth, how=how)


def document(name, text, *, truth, how, where="", suffix=".md") -> Case:
    return Case(name, "grade", text, where, truth=truth, how=how, suffix=suffix)


@dataclass(frozen=True)
class Run:
    """What one case did on one seed."""

    case: str
    seed: int
    truth: bool
    verdicts: tuple[str, ...]       # every verdict the run reported
    exit_status: int | None        # None: the run hung and was killed
    traceback: bool
    seconds: float
    outcome: str = field(default="")    # ok | false-pass | false-alarm | traceback | hang

    @property
    def decided(self) -> bool:
        return self.outcome == "ok" and any(v in ("proved", "verified", "refuted")
                                            for v in self.verdicts)


def judge(truth: bool, verdicts, exit_status, traceback) -> str:
    """The outcome of one run: a false case that exits 0 (`equal` proved/verified, or a gate
    that passes) is a false pass; a true case with any refuted verdict is a false alarm."""
    if exit_status is None:
        return "hang"
    if traceback:
        return "traceback"
    if not truth and exit_status == 0:
        return "false-pass"
    if truth and "refuted" in verdicts:
        return "false-alarm"
    return "ok"


def _verdicts(data: dict) -> tuple[str, ...]:
    """The verdicts of what must hold: `equal`'s one verdict, or every entry of a check or grade
    run that expects to hold (an expected refutation is the derivation's own statement that a
    step is wrong, not a verdict on what it claims)."""
    if "verdict" in data:
        return (data["verdict"],)
    return tuple(step["verdict"] for d in data.get("derivations", []) for step in d["steps"]
                 if step.get("expected") is None)


def _run_child(argv, out_path, err_path) -> None:
    with open(out_path, "w") as out, open(err_path, "w") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), write_through=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), write_through=True)
        from .cli import main
        status = main(argv)
        sys.stdout.flush()
        os._exit(int(status))


def run_case(case: Case, seed: int, timeout: float = 10.0) -> Run:
    """Run one case through the command line in a forked process; a run past the step budget
    plus `HANG_SLACK` seconds is killed and reported as a hang."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        argv = case.argv(folder, seed) + ["--timeout", str(timeout)]
        out_path, err_path = folder / "stdout", folder / "stderr"
        context = multiprocessing.get_context("fork")
        started = time.perf_counter()
        process = context.Process(target=_run_child, args=(argv, out_path, err_path))
        process.start()
        process.join(timeout + HANG_SLACK)
        if process.is_alive():
            process.kill()
            process.join()
            status = None
        else:
            status = process.exitcode
        seconds = time.perf_counter() - started
        stdout, stderr = out_path.read_text(), err_path.read_text()
    traceback = "Traceback (most recent call last)" in stdout + stderr or (status or 0) < 0
    try:
        verdicts = _verdicts(json.loads(stdout)) if stdout.strip() else ()
    except json.JSONDecodeError:
        verdicts = ()
    return Run(case.name, seed, case.truth, verdicts, status, traceback, seconds,
               judge(case.truth, verdicts, status, traceback))


def load_cases(folder: Path = DEFAULT_CASES) -> list[Case]:
    """Every `CASES` list in `folder/cases_*.py`; case names must be unique."""
    cases: list[Case] = []
    for path in sorted(Path(folder).glob("cases_*.py")):
        spec = importlib.util.spec_from_file_location(f"adversarial_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        cases.extend(module.CASES)
    names = Counter(case.name for case in cases)
    duplicated = [name for name, count in names.items() if count > 1]
    if duplicated:
        raise ValueError(f"duplicate adversarial case names: {', '.join(duplicated)}")
    return cases


def run_suite(cases, seeds, jobs: int = 1, timeout: float = 10.0) -> list[Run]:
    """Every case on every seed; `jobs` cases at once."""
    work = [(case, seed) for seed in seeds for case in cases]
    if jobs <= 1:
        return [run_case(case, seed, timeout) for case, seed in work]
    # processes, not threads: each run forks, and forking a multi-threaded process can deadlock
    from concurrent.futures import ProcessPoolExecutor
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_run_item, work, [timeout] * len(work)))


def _run_item(item, timeout) -> Run:
    return run_case(item[0], item[1], timeout)


def summary(runs: list[Run]) -> dict:
    outcomes = Counter(run.outcome for run in runs)
    true_runs = [run for run in runs if run.truth]
    false_runs = [run for run in runs if not run.truth]
    return {"cases": len({run.case for run in runs}), "runs": len(runs),
            "seeds": len({run.seed for run in runs}),
            "false_cases": len({run.case for run in false_runs}),
            "true_cases": len({run.case for run in true_runs}),
            "false_pass": outcomes["false-pass"], "false_alarm": outcomes["false-alarm"],
            "false_alarm_rate": (outcomes["false-alarm"] / len(true_runs)) if true_runs else 0.0,
            "traceback": outcomes["traceback"], "hang": outcomes["hang"],
            "false_refuted": sum(1 for run in false_runs if run.outcome == "ok"
                                 and "refuted" in run.verdicts),
            "true_decided": sum(1 for run in true_runs if run.outcome == "ok"
                                and run.verdicts and all(v in ("proved", "verified")
                                                         for v in run.verdicts)),
            "max_seconds": round(max((run.seconds for run in runs), default=0.0), 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.adversary",
                                     description="run the adversarial suite over seeds")
    parser.add_argument("--seeds", type=int, default=1, help="how many seeds (the default first)")
    parser.add_argument("--first-seed", type=int, default=None,
                        help="the extra seeds start here (default: the default seed + 1)")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES, metavar="DIR")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("-k", default="", metavar="TEXT", help="only cases whose name has TEXT")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="write every run to FILE")
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.seeds < 1:
        parser.error("--jobs and --seeds must be at least 1")
    cases = [case for case in load_cases(args.cases) if args.k in case.name]
    first = DEFAULT_SEED + 1 if args.first_seed is None else args.first_seed
    seeds = [DEFAULT_SEED] + [first + i for i in range(args.seeds - 1)]
    started = time.perf_counter()
    runs = run_suite(cases, seeds, args.jobs, args.timeout)
    for run in runs:
        if run.outcome != "ok":
            print(f"{run.outcome:12} {run.case}  seed {run.seed}  verdicts {list(run.verdicts)}"
                  f"  exit {run.exit_status}")
    figures = summary(runs)
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps([run.__dict__ for run in runs], indent=1))
    bad = figures["false_pass"] + figures["traceback"] + figures["hang"]
    return 1 if bad or figures["false_alarm_rate"] > 0.01 else 0


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        sys.exit(main())
