"""Discovering derivations the way pytest collects tests: every module under a folder,
every `Derivation` at a module's top level. No hand-kept list."""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from .errors import TargetError
from .model import Derivation

BUNDLED = Path(__file__).resolve().parent.parent / "derivations"   # this repository's own corpus
DEFAULT = Path("derivations")     # what the command line checks: ./derivations of the folder it runs in


@dataclass(frozen=True)
class Collection:
    derivations: tuple[Derivation, ...]
    errors: tuple[str, ...]          # one line per module that could not be loaded


def collect(root: Path = BUNDLED) -> Collection:
    """All derivations under `root` (sorted by id), and one-line errors for broken modules.

    Files and folders whose names start with `_` or `.` are skipped (private helpers)."""
    root = Path(root)
    if not root.is_dir():
        return Collection((), (f"{root}: no such folder of derivations",))
    found: list[Derivation] = []
    errors: list[str] = []
    for path in module_paths(root):
        derivations, error = load_module(root, path)
        found += derivations
        errors += [error] if error else []
    return gathered(root, found, errors)


def module_paths(root: Path) -> list[Path]:
    """The derivation modules under `root`, sorted: every .py file outside private (`_`, `.`)
    files and folders."""
    root = Path(root)
    return [path for path in sorted(root.rglob("*.py"))
            if not any(part.startswith(("_", ".")) for part in path.relative_to(root).parts)]


def load_module(root: Path, path: Path) -> tuple[list[Derivation], str | None]:
    """The derivations at the top level of the module `path` under `root`, or a one-line error
    when it cannot be imported."""
    return _derivations_in(path, path.relative_to(root))


def _derivations_in(path: Path, relative: Path) -> tuple[list[Derivation], str | None]:
    try:
        module = _import(path, relative)
    except Exception as exc:     # a broken module must not stop the others
        return [], f"{_display(path)}: cannot import: {_describe(exc, path)}"
    return [dataclasses.replace(value, file=_display(path)) for value in vars(module).values()
            if isinstance(value, Derivation)], None


def gathered(root: Path, found, errors) -> Collection:
    """The collection of `found` derivations (sorted by id, a repeated id an error) and the
    load `errors`; an error too when nothing at all was found."""
    errors = list(errors)
    seen: dict[str, str] = {}
    unique = []
    for derivation in sorted(found, key=lambda d: d.id):
        if derivation.id in seen:
            errors.append(f"{derivation.file}: derivation id {derivation.id!r} is already used "
                          f"in {seen[derivation.id]}")
            continue
        seen[derivation.id] = derivation.file
        unique.append(derivation)
    if not unique and not errors:
        errors.append(f"{root}: no derivations found (a module declares one at top level, "
                      "NAME = Derivation(...)); a gate that checks nothing does not pass")
    return Collection(tuple(unique), tuple(errors))


def collect_module(path: Path) -> tuple[list[Derivation], str | None]:
    """The derivations of one module, or a one-line error if it cannot be imported."""
    path = Path(path)
    return _derivations_in(path, Path(path.stem + "_" + hashlib.sha256(
        str(path.resolve()).encode()).hexdigest()[:8] + ".py"))


def module_name(relative: Path) -> str:
    """The name a derivation module at `relative` (to its folder) is imported under."""
    return "_derivations_." + ".".join(Path(relative).with_suffix("").parts)


def _import(path: Path, relative: Path):
    name = module_name(relative)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _describe(exc: BaseException, path: Path) -> str:
    target = Path(path).resolve()
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if Path(f.filename).resolve() == target]
    where = f" (line {frames[-1].lineno})" if frames else ""
    message = getattr(exc, "one_line", None)
    text = message() if message else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) + where


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def select(derivations, targets) -> tuple[list[Derivation], list[str]]:
    """The derivations named by `targets` (ids, source prefixes, short names, or "all"),
    in id order, and notes on short names that matched several. Raises TargetError."""
    chosen: dict[str, Derivation] = {}
    notes = []
    by_id = {d.id: d for d in derivations}
    for target in targets:
        if target == "all":
            matches = list(derivations)
        elif target in by_id:
            matches = [by_id[target]]
        else:
            prefix = target.rstrip("/") + "/"
            matches = [d for d in derivations if d.id.startswith(prefix)]
            if not matches:
                matches = [d for d in derivations if d.id.rsplit("/", 1)[-1] == target]
                if len(matches) > 1:
                    notes.append(f"{target!r} matches {len(matches)} derivations: "
                                 + ", ".join(d.id for d in matches))
        if not matches and target != "all":
            names = sorted(by_id) + sorted({i.split("/")[0] for i in by_id})
            close = difflib.get_close_matches(target, names, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise TargetError(f"unknown target {target!r}{hint} "
                              "('python -m engine list' shows the derivations)")
        for derivation in matches:
            chosen.setdefault(derivation.id, derivation)
    return sorted(chosen.values(), key=lambda d: d.id), notes


def document_names(root: Path) -> dict[str, str]:
    """Readable names of the source documents, from `documents.toml` in the derivations folder
    (`"000_c66762b86c6c83bf.txt" = "Technion HW2"`); {} without one. A file that cannot be
    read is a DerivationError naming it."""
    import tomllib

    from .errors import DerivationError
    path = Path(root) / "documents.toml"
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DerivationError(f"cannot read the document names: {exc}", file=str(path)) from None
    wrong = [key for key, value in data.items() if not isinstance(value, str)]
    if wrong:
        raise DerivationError(f"the name of {wrong[0]!r} is not a string "
                              '(write "file.txt" = "Readable name")', file=str(path))
    return data
