"""docs/course-template runs as a course repository: its workflow's commands, in order, in a copy."""
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "docs" / "course-template"
WORKFLOW = TEMPLATE / ".github" / "workflows" / "derivations.yml"


def workflow_runs():
    """The `run:` commands of the workflow, in order (read as text: single-line `run:` values)."""
    runs = [m.group(1).strip() for m in re.finditer(r"^\s*(?:-\s+)?run:\s*(.+)$", WORKFLOW.read_text(), re.M)]
    assert runs and all("|" not in r and not r.endswith(">") for r in runs), runs
    return runs


def test_workflow_is_pinned_and_fails_closed():
    text = WORKFLOW.read_text()
    runs = workflow_runs()
    install = [r for r in runs if "pip install" in r]
    assert len(install) == 1 and re.search(r"git\+https://github\.com/OWNER/derivation-engine@v\d", install[0])
    assert "|| true" not in text and "cache: pip" not in text
    assert all("--path derivations" in r for r in runs if re.search(r"\b(check|render)\b", r))
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    config = (TEMPLATE / ".pre-commit-config.yaml").read_text()
    hook_id = re.search(r"^- id:\s*(\S+)", hooks, re.M).group(1)
    assert f"id: {hook_id}" in config and "args: [--path, derivations]" in config


@pytest.mark.slow
def test_template_runs_its_workflow(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(TEMPLATE, course, ignore=shutil.ignore_patterns("reports", ".engine_cache", "__pycache__"))
    runs = workflow_runs()
    install = next(i for i, r in enumerate(runs) if "pip install" in r)
    commands = runs[install + 1:]
    assert len(commands) == 3, commands
    env = {**os.environ, "PYTHONPATH": str(ROOT)}     # this checkout's engine, not an installed one
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "derivation-engine", command
        args = [a for arg in argv[1:]
                for a in (sorted(glob.glob(arg, root_dir=course)) if "*" in arg else [arg])]
        if args[0] in ("check", "render"):
            args += ["--cache-dir", str(tmp_path / "cache")]
        result = subprocess.run([sys.executable, "-m", "engine", *args], cwd=course, env=env,
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        assert "OK:" in result.stdout, result.stdout
    assert (course / "reports" / "junit.xml").is_file()
    junit = (course / "reports" / "junit.xml").read_text()
    assert "hw1/ridge" in junit and 'failures="0"' in junit
    assert (course / "reports" / "html" / "index.html").is_file()
    assert list((course / "reports" / "html").glob("hw1*.html"))
    assert not (TEMPLATE / "reports").exists()        # nothing was written into the template itself


@pytest.mark.slow
def test_template_pre_commit_hook_command_passes(tmp_path):
    """What pre-commit runs for the hook: its entry plus the template's args (pre-commit itself not run)."""
    course = tmp_path / "course"
    shutil.copytree(TEMPLATE, course, ignore=shutil.ignore_patterns("reports", ".engine_cache", "__pycache__"))
    entry = re.search(r"^\s*entry:\s*(.+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.M).group(1)
    args = re.search(r"args:\s*\[(.*)\]", (course / ".pre-commit-config.yaml").read_text()).group(1)
    argv = shlex.split(entry) + [a.strip() for a in args.split(",")]
    assert argv[:3] == ["python", "-m", "engine"], argv
    result = subprocess.run([sys.executable, *argv[1:], "--no-cache"], cwd=course, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
    assert result.returncode == 0 and "OK: 1 derivation" in result.stdout, result.stdout + result.stderr
