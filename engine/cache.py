"""A disk cache of step verdicts, keyed by everything that can change them.

The key covers the engine's own source code, the checker settings and seed, the derivation id
and entry index (the random stream depends on them), the relation, both sides (`srepr`), the
scope's declarations and the derivation's notation. Editing a step's justification or note
re-uses its verdict; editing its expression re-checks it (and the next step, whose left side
it is). Stored with the standard library's sqlite3 in `.engine_cache/` by default.

Every key also covers the versions of Python, SymPy, NumPy and mpmath and the contents of
every helper file the derivation modules imported from outside the engine and the installed
libraries (found in `sys.modules`). SymPy's `Dummy` symbols are numbered afresh in every
process, so keys renumber them by first appearance (`canonical`): a key computed in one
process is the key computed in the next.

A whole run is cached too, keyed by the engine's source, the library versions, the derivations
folder (path and every file under it), the import path, the settings and the targets; the
stored run also records the helper files it imported, with their hashes, and is replayed
(without importing SymPy or the derivation modules) only while every one of them is unchanged.
Any doubt is a miss.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import sqlite3
import sys
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(".engine_cache")


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """A hash of the engine's source files: a changed checker invalidates every entry."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def folder_fingerprint(root: Path, skip=frozenset()) -> str:
    """A hash of every file under `root` (names and contents) but those in `skip`."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                       and p not in skip):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


KEYED_LIBRARIES = ("sympy", "numpy", "mpmath")


@lru_cache(maxsize=1)
def library_versions() -> tuple[str, ...]:
    """Python's version and the installed versions of the libraries the checkers compute with
    (read from their metadata, without importing them)."""
    from importlib.metadata import PackageNotFoundError, version
    found = [sys.version]
    for name in KEYED_LIBRARIES:
        try:
            found.append(f"{name}=={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return tuple(found)


def loaded_versions() -> tuple[str, ...]:
    """The versions of the libraries as imported in this process (the code that computes)."""
    return (sys.version, *(f"{name}=={getattr(sys.modules.get(name), '__version__', None)}"
                           for name in KEYED_LIBRARIES))


def environment_fingerprint() -> str:
    """What every entry key shares beyond the entry: the engine's source, the loaded library
    versions and the helper files. Take it once per run, after the derivations are imported."""
    return hashlib.sha256(json.dumps([engine_fingerprint(), loaded_versions(),
                                      helpers_fingerprint()]).encode()).hexdigest()


@lru_cache(maxsize=1)
def _installed_roots() -> tuple[str, ...]:
    """The folders of installed code (standard library, site-packages): files there belong to
    distributions, keyed by version, not by content."""
    import site
    import sysconfig
    roots = {sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= set(getattr(site, "getsitepackages", lambda: [])())
    roots.add(getattr(site, "getusersitepackages", lambda: "")() or "")
    roots = {r for r in roots if r}      # as written and resolved (symlinked installs)
    return tuple(sorted({str(Path(r)) + "/" for r in roots}
                        | {str(Path(r).resolve()) + "/" for r in roots}))


def helper_files() -> list[str]:
    """Every source file loaded now that is neither the engine's, nor installed code, nor a
    derivation module the registry loaded: the helpers derivation modules import (a course's
    own module, a file on PYTHONPATH). Their contents can change verdicts without changing a
    single expression the keys see."""
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or name.startswith("_derivations_.") or name == "__main__":
            continue
        path = _helper_path(file)
        if path:
            found.add(path)
    return sorted(found)


@lru_cache(maxsize=None)
def _helper_path(file: str) -> str | None:
    """The resolved path of `file` if it is a helper (see `helper_files`), else None."""
    if file.startswith(_installed_roots()):     # the common case, without resolving
        return None
    path = str(Path(file).resolve())
    engine_root = str(Path(__file__).resolve().parent) + "/"
    if path.startswith(engine_root) or path.startswith(_installed_roots()):
        return None
    return path


def hash_files(paths) -> dict[str, str]:
    """{path: SHA-256 of its contents}; a file that cannot be read hashes as "missing"."""
    hashed = {}
    for path in paths:
        try:
            hashed[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError:
            hashed[path] = "missing"
    return hashed


def helpers_fingerprint() -> str:
    """A hash of `helper_files` (names and contents). A file's hash is taken once per process:
    what matters is the code that was imported, which later edits do not change."""
    files = {path: _loaded_hash(path) for path in helper_files()}
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=None)
def _loaded_hash(path: str) -> str:
    return hash_files([path])[path]


def run_key(root: Path, settings, targets) -> str:
    """The key of a whole run: engine, library versions, the derivations folder (its resolved
    path and every file under it), the import path, settings and targets. Helpers imported from
    outside the folder are not known before importing; `replay_is_current` checks them."""
    material = json.dumps([engine_fingerprint(), library_versions(),
                           str(Path(root).resolve()), folder_fingerprint(root),
                           [str(Path(p).resolve()) for p in sys.path], _srepr(settings),
                           list(targets)])
    return "run:" + hashlib.sha256(material.encode()).hexdigest()


def replay_is_current(stored: dict) -> bool:
    """Whether the helper files a stored run recorded still have the contents it saw; a
    stored run that recorded none (older format) is not trusted."""
    files = stored.get("files")
    return isinstance(files, dict) and hash_files(files) == files


def _srepr(value) -> str:
    if type(value).__module__.startswith("sympy") or hasattr(value, "free_symbols"):
        import sympy as sp
        return sp.srepr(value)
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_srepr(v) for v in value) + ")"
    if dataclasses.is_dataclass(value):
        return type(value).__name__ + _srepr(tuple(getattr(value, f.name)
                                                     for f in dataclasses.fields(value)))
    if isinstance(value, (frozenset, set)):
        return "{" + ",".join(sorted(map(str, value))) + "}"
    return repr(value)


def scope_fingerprint(scope) -> str:
    return digest("".join(f"{name}={_srepr(decl)};" for name, decl
                          in scope.declarations.items()))


def _computations(*exprs) -> list[str]:
    """Fingerprints of the Python computations the expressions call (engine.computed)."""
    found = set()
    for expr in exprs:
        for side in (expr if isinstance(expr, tuple) else (expr,)):
            if hasattr(side, "find"):
                found |= {type(call).fingerprint()
                          for call in side.find(lambda e: hasattr(e, "numeric_value"))}
    return sorted(found)


def entry_key(derivation, entry, settings, scope_hash: str, environment: str | None = None) -> str:
    """The key of one entry; `environment` is `environment_fingerprint()`, computed here when
    not given."""
    material = json.dumps([_computations(entry.lhs, entry.rhs),
        environment or environment_fingerprint(), _srepr(settings), derivation.id,
        entry.index, entry.kind, entry.relation.value, _srepr(entry.lhs), _srepr(entry.rhs),
        scope_hash, sorted(derivation.notation.items()),
    ])
    return digest(material)


_DUMMY_INDEX = re.compile(r"dummy_index=(\d+)")


def canonical(text: str) -> str:
    """`text` (srepr output) with SymPy's per-process Dummy indices renumbered by first
    appearance, so that equal expressions built in different processes give equal text while
    distinct Dummies stay distinct."""
    numbers: dict[str, int] = {}
    return _DUMMY_INDEX.sub(
        lambda m: f"dummy_index={numbers.setdefault(m.group(1), len(numbers))}", text)


def digest(material: str) -> str:
    """The SHA-256 of `material` after `canonical`."""
    return hashlib.sha256(canonical(material).encode()).hexdigest()


class ResultCache:
    """Verdicts on disk; a `ResultCache(None)` stores nothing and finds nothing."""

    def __init__(self, folder: Path | None = DEFAULT_DIR):
        self._db = None
        if folder is not None:
            try:
                Path(folder).mkdir(parents=True, exist_ok=True)
                # several processes (pytest-xdist workers, CI jobs) may share the file
                self._db = sqlite3.connect(Path(folder) / "results.sqlite3", timeout=30)
                self._db.execute("CREATE TABLE IF NOT EXISTS results "
                                 "(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            except (OSError, sqlite3.Error):
                self._db = None          # an unwritable cache only costs speed

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get(self, key: str) -> dict | None:
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
            return json.loads(row[0]) if row else None
        except (sqlite3.Error, ValueError):     # a locked or damaged cache is a miss
            return None

    def put(self, key: str, value: dict) -> None:
        if self._db is not None:
            try:
                self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)",
                                 (key, json.dumps(value)))
            except sqlite3.Error:               # not stored: costs speed next time, no more
                pass

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.commit()
            except sqlite3.Error:
                pass
            self._db.close()
            self._db = None
