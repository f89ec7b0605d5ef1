"""The README's examples run: every fenced block marked ```console is a session of `$ command`
lines, each followed by the output it prints; the test runs each command from the repository
root and compares. Blocks not marked `console` are not run (excerpts, schemas, code)."""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
TIMING = re.compile(r"\d+(\.\d+)?\s?(ms|s)\b")


def console_sessions(text: str) -> list[tuple[int, str, list[str]]]:
    """(line number, command, expected output lines) for every `$ ` line of every ```console
    block of `text`."""
    sessions, in_block, current = [], False, None
    for number, line in enumerate(text.splitlines(), start=1):
        if not in_block:
            in_block = line.strip() == "```console"
            continue
        if line.strip() == "```":
            in_block, current = False, None
            continue
        if line.startswith("$ "):
            current = (number, line[2:], [])
            sessions.append(current)
        elif current is not None:
            current[2].append(line)
    return sessions


def normalized(line: str) -> str:
    """A line with timings and the checkout's path masked, trailing spaces dropped."""
    return TIMING.sub("<time>", line.replace(str(ROOT), ".")).rstrip()


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` line by line; a line `...` stands for any lines."""
    expected = [normalized(line) for line in expected]
    actual = [normalized(line) for line in actual]
    pattern = "\n".join(".*?" if line == "..." else re.escape(line) for line in expected)
    pattern = pattern.replace("\n.*?\n", "(?:\n.*?)?\n")
    return re.fullmatch(pattern, "\n".join(actual), flags=re.DOTALL) is not None


def run_shown(command: str) -> list[str]:
    words = shlex.split(command)
    if words[:3] == ["python", "-m", "engine"]:
        words = [sys.executable, *words[1:]]
    elif words[:1] == ["python"]:
        words = [sys.executable, *words[1:]]
    result = subprocess.run(words, cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"})
    return (result.stdout + result.stderr).rstrip("\n").splitlines()


SESSIONS = console_sessions(README.read_text(encoding="utf-8"))


def test_the_readme_has_console_examples():
    assert SESSIONS, "no ```console block in README.md: the examples would go untested"


@pytest.mark.parametrize("line, command, expected", SESSIONS,
                         ids=[f"README.md:{line}" for line, _, _ in SESSIONS])
def test_readme_command_prints_what_the_readme_shows(line, command, expected):
    actual = run_shown(command)
    assert matches(expected, actual), (f"README.md line {line}: `{command}` now prints:\n"
                                       + "\n".join(actual))


def test_a_drifted_output_does_not_match():
    assert matches(["refuted  (numeric)", "  left side = 1"], ["refuted  (numeric)",
                                                             "  left side = 1"])
    assert not matches(["refuted  (numeric)"], ["verified  (numeric)"])
    assert not matches(["a", "b"], ["a"])
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not matches(["a", "...", "z"], ["a", "b", "c", "y"])
    assert matches(["took 0.38 s"], ["took 1.20 s"])


def test_only_console_blocks_are_run():
    text = "```\n$ rm -rf /\n```\n```console\n$ python -m engine --version\nx 1\n```\n"
    assert console_sessions(text) == [(5, "python -m engine --version", ["x 1"])]
