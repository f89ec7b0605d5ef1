"""Compiling a .tex file to PDF: latexmk (or pdflatex twice), without shell escape, in a
temporary folder; on failure, the part of the log that says what went wrong."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import EngineError

INSTALL_HINT = ("apt-get install texlive-latex-base texlive-latex-recommended "
                "texlive-latex-extra texlive-fonts-recommended latexmk")
LATEX_OPTIONS = ["-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error"]
EXCERPT_LINES = 15
TIME_LIMIT = 300          # seconds per compilation; nonstopmode never waits for input anyway


class CompilationError(EngineError):
    """LaTeX stopped with an error; `excerpt` is the log from the first `!` line on."""

    def __init__(self, message: str, excerpt: str = "", **where):
        super().__init__(message, **where)
        self.excerpt = excerpt


def compiler() -> list[str] | None:
    """The command that compiles a .tex file here (latexmk, else pdflatex), or None."""
    if shutil.which("latexmk") and shutil.which("pdflatex"):
        return ["latexmk", "-pdf", *LATEX_OPTIONS]
    if shutil.which("pdflatex"):
        return ["pdflatex", *LATEX_OPTIONS]
    return None


def compile_pdf(tex: Path, out_dir: Path | None = None) -> Path:
    """Compile `tex` in a temporary folder and copy the PDF and its LaTeX log beside it (or into
    `out_dir`).

    Raises CompilationError with the relevant log excerpt if LaTeX fails, EngineError if no
    compiler is installed."""
    tex = Path(tex)
    command = compiler()
    if command is None:
        raise EngineError(f"no LaTeX compiler (latexmk or pdflatex) found; for PDFs: "
                          f"{INSTALL_HINT}")
    out_dir = Path(out_dir) if out_dir is not None else tex.parent
    with tempfile.TemporaryDirectory(prefix="engine-latex-") as work:
        source = Path(work) / tex.name
        shutil.copyfile(tex, source)
        runs = 1 if command[0] == "latexmk" else 2      # pdflatex: twice for tables and links
        for _ in range(runs):
            try:
                done = subprocess.run([*command, source.name], cwd=work, capture_output=True,
                                      text=True, errors="replace", stdin=subprocess.DEVNULL,
                                      timeout=TIME_LIMIT)
            except subprocess.TimeoutExpired:
                raise CompilationError(f"{tex.name}: LaTeX did not finish in {TIME_LIMIT} s",
                                       file=str(tex)) from None
            pdf = source.with_suffix(".pdf")
            if done.returncode != 0 or not pdf.exists():
                log = source.with_suffix(".log")
                text = log.read_text(errors="replace") if log.exists() else done.stdout
                raise CompilationError(f"{tex.name}: LaTeX failed ({command[0]} exit status "
                                       f"{done.returncode})", log_excerpt(text),
                                       file=str(tex))
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / pdf.name
        shutil.copyfile(pdf, target)
        log = source.with_suffix(".log")
        if log.exists():              # kept beside the PDF: overfull boxes are read from it
            shutil.copyfile(log, out_dir / log.name)
    return target


def log_excerpt(log: str, lines: int = EXCERPT_LINES) -> str:
    """The log from its first error line (`! ...`) on, `lines` lines; the end of the log when
    it has no such line."""
    all_lines = log.splitlines()
    for i, line in enumerate(all_lines):
        if line.startswith("!"):
            return "\n".join(all_lines[i:i + lines])
    return "\n".join(all_lines[-lines:])


def overfull_boxes(log: str, over: float = 0.0) -> list[str]:
    """The 'Overfull \\hbox (N pt too wide) ...' lines of a LaTeX log with N above `over`."""
    import re
    return [line for line in log.splitlines()
            if (m := re.match(r"Overfull \\hbox \(([\d.]+)pt too wide\)", line))
            and float(m.group(1)) > over]
