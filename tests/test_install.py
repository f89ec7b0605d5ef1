"""The engine installed from its wheel works in any folder: templates ship inside the package,
commands default to ./derivations and ./reports, and the script names itself."""
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from test_cli import GOOD, ROOT, write_module

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment outside the checkout with the wheel installed (--no-deps;
    SymPy and the other dependencies come from the system site packages)."""
    work = tmp_path_factory.mktemp("install")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                            "--quiet", "-w", str(work / "wheels")], capture_output=True,
                           text=True, timeout=600)
    if built.returncode != 0:
        pytest.skip(f"cannot build the wheel here (no build backend?): {built.stderr[-300:]}")
    wheel = next((work / "wheels").glob("derivation_engine-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, timeout=600)
    return wheel, venv


def test_the_wheel_holds_every_engine_module_and_template(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in (ROOT / "engine").rglob("*.py"):
        assert path.relative_to(ROOT).as_posix() in names
    for path in (ROOT / "templates").rglob("*"):
        if path.is_file():
            assert "engine/templates/" + path.relative_to(ROOT / "templates").as_posix() in names
    assert not any(name.startswith("derivations/") for name in names)


def engine_in(venv: Path, folder: Path, *args):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run([str(venv / "bin" / "derivation-engine"), *args], cwd=folder,
                          capture_output=True, text=True, timeout=600, env=env)


def test_installed_engine_checks_and_renders_a_course_repository(installed, tmp_path):
    _, venv = installed
    course = tmp_path / "my-course"
    write_module(course, "derivations/hw1/trace.py", GOOD)
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import engine; print(engine.__file__)"], cwd=course,
                           capture_output=True, text=True,
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    usage = engine_in(venv, course, "check")
    assert usage.stderr.startswith("usage: derivation-engine")
    checked = engine_in(venv, course, "check", "all")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "demo/trace" in checked.stdout and "OK: 1 derivation," in checked.stdout
    html = engine_in(venv, course, "render", "all", "--html")
    assert html.returncode == 0, html.stderr
    assert (course / "reports" / "html" / "index.html").is_file()
    if shutil.which("latexmk") or shutil.which("pdflatex"):
        pdf = engine_in(venv, course, "render", "all", "--pdf")
        assert pdf.returncode == 0, pdf.stderr
        assert list((course / "reports").glob("*.pdf"))
    else:
        pdf = engine_in(venv, course, "render", "all", "--pdf")
        assert pdf.returncode == 2 and "--pdf needs LaTeX" in pdf.stderr
