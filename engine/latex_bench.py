"""Measurements of the LaTeX front end: `python -m engine.latex_bench [--documents DIR]`.

1. Parse time per step side on the bundled corpus: every distinct side of every step, printed
   as the writeups print it, read back by engine.latex_input (strict, with the notation).
2. Per source document: display-math steps found, parsed, decided, refuted, the parse time
   per step, and `grade` of the document against `check` of the derivations encoded from it,
   in one run, same settings, no cache, one worker.
3. When latex2sympy2_extended (the parser Math-Verify uses) is importable, the same corpus
   LaTeX through it: how much it reads, how fast, and whether it keeps the order of a product
   of two matrices (the property the choice of base turned on).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def corpus_sides():
    """(derivation, expression, latex) for each distinct side of each step of the corpus."""
    import sympy as sp
    from .check import plan
    from .registry import BUNDLED, collect
    from .render.latex import to_latex
    out = []
    for derivation in collect(BUNDLED).derivations:
        seen = set()
        for entry in plan(derivation):
            pair = (entry.lhs, entry.rhs) if entry.kind == "step" else entry.rhs
            for expr in pair:
                expr = expr if isinstance(expr, sp.Basic) else sp.sympify(expr)
                key = sp.srepr(expr)
                if key not in seen:
                    seen.add(key)
                    out.append((derivation, expr, to_latex(expr, derivation.notation)))
    return out


def measure_corpus(sides) -> dict:
    from sympy.core.function import AppliedUndef
    from .checkers.logic import is_statement
    from .computed import Computed
    from .errors import ExpressionError
    from .latex_input import parse_latex, parse_statement
    times, failed = [], 0
    for derivation, expr, latex in sides:
        # undefined functions and @computations are declared, as the round-trip test does
        functions = {type(a).__name__: type(a) for a in expr.atoms(AppliedUndef, Computed)}
        options = dict(strict=True, index_base=0, notation=derivation.notation,
                       functions=functions)
        started = time.perf_counter()
        try:
            if is_statement(expr):
                parse_statement(latex, derivation.scope, **options)
            else:
                parse_latex(latex, derivation.scope, like=expr, **options)
        except ExpressionError:
            failed += 1
        times.append(time.perf_counter() - started)
    return {"sides": len(sides), "read": len(sides) - failed,
            "mean_ms": 1000 * statistics.mean(times), "median_ms": 1000 * statistics.median(times),
            "max_ms": 1000 * max(times),
            "characters": statistics.mean(len(latex) for *_, latex in sides)}


def measure_documents(folder: Path) -> list[dict]:
    from .check import check_derivations
    from .grade import grade_files
    from .registry import BUNDLED, collect
    from .settings import CheckSettings
    settings = CheckSettings()
    derivations = collect(BUNDLED).derivations
    rows = []
    for path in sorted(folder.glob("*.txt")):
        started = time.perf_counter()
        report = grade_files([path], settings)
        grade_seconds = time.perf_counter() - started
        stats = report.documents[0] if report.documents else None
        encoded = [d for d in derivations if d.source.document == path.name]
        started = time.perf_counter()
        result = check_derivations(encoded, settings)
        check_seconds = time.perf_counter() - started
        encoded_steps = sum(len(d.steps) for d in result.derivations)
        rows.append({"document": path.name, **{k: getattr(stats, k, None) for k in (
            "steps", "parsed", "decided", "refuted")},
            "parse_ms_per_step": round(stats.parse_ms_per_step, 2) if stats else None,
            "parse_ms_median": round(stats.parse_ms_median, 2) if stats else None,
            "grade_s": grade_seconds, "encoded_derivations": len(encoded),
            "encoded_steps": encoded_steps, "check_s": check_seconds})
    return rows


def measure_latex2sympy(sides) -> dict | None:
    try:
        from latex2sympy2_extended import latex2sympy
    except ImportError:
        return None
    times, read = [], 0
    for _, _, latex in sides:
        started = time.perf_counter()
        try:
            latex2sympy(latex)
            read += 1
        except Exception:          # noqa: BLE001  (any failure of the foreign parser counts)
            pass
        times.append(time.perf_counter() - started)
    product = latex2sympy("A B") - latex2sympy("B A")
    return {"sides": len(sides), "read": read, "mean_ms": 1000 * statistics.mean(times),
            "median_ms": 1000 * statistics.median(times),
            "AB - BA": str(product)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine.latex_bench")
    parser.add_argument("--documents", type=Path, default=SEEDS)
    parser.add_argument("--skip-documents", action="store_true")
    args = parser.parse_args(argv)
    from .grade import _warm_up
    _warm_up()
    sides = corpus_sides()
    corpus = measure_corpus(sides)
    print(f"corpus: {corpus['sides']} distinct step sides (mean {corpus['characters']:.0f} "
          f"characters of LaTeX), {corpus['read']} read back; parse time per side: mean "
          f"{corpus['mean_ms']:.2f} ms, median {corpus['median_ms']:.2f} ms, max "
          f"{corpus['max_ms']:.1f} ms")
    other = measure_latex2sympy(sides)
    if other is None:
        print("latex2sympy2_extended: not installed (pip install latex2sympy2_extended to "
              "compare)")
    else:
        print(f"latex2sympy2_extended on the same LaTeX: {other['read']} of {other['sides']} "
              f"read without an exception; mean {other['mean_ms']:.2f} ms, median "
              f"{other['median_ms']:.2f} ms per side; 'A B' - 'B A' = {other['AB - BA']}")
    if not args.skip_documents:
        print("document | display-math steps | parsed | decided | refuted | parse ms/step mean "
              "| median | grade s | encoded derivations (steps) | check s")
        for row in measure_documents(args.documents):
            print(f"{row['document']} | {row['steps']} | {row['parsed']} | {row['decided']} | "
                  f"{row['refuted']} | {row['parse_ms_per_step']} | {row['parse_ms_median']} | "
                  f"{row['grade_s']:.1f} | "
                  f"{row['encoded_derivations']} ({row['encoded_steps']}) | "
                  f"{row['check_s']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
