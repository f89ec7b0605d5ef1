"""A disk cache of step verdicts, keyed by everything that can change them.

The key covers the engine's own source code, the checker settings and seed, the derivation id
and entry index (the random stream depends on them), the relation, both sides (`srepr`), the
scope's declarations and the derivation's notation. Editing a step's justification or note
re-uses its verdict; editing its expression re-checks it (and the next step, whose left side
it is). Stored with the standard library's sqlite3 in `.engine_cache/` by default.

A whole run is cached too, keyed by the engine's source, every file under the derivations
folder, the settings and the targets: when none of them changed, the run's results are
replayed without importing SymPy or the derivation modules.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
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


def folder_fingerprint(root: Path) -> str:
    """A hash of every file under `root` (names and contents)."""
    digest = hashlib.sha256()
    root = Path(root)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(root: Path, settings, targets) -> str:
    """The key of a whole run: engine, derivation files, settings, targets."""
    material = json.dumps([engine_fingerprint(), folder_fingerprint(root), _srepr(settings),
                           list(targets)])
    return "run:" + hashlib.sha256(material.encode()).hexdigest()


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
    return hashlib.sha256("".join(f"{name}={_srepr(decl)};" for name, decl
                                  in scope.declarations.items()).encode()).hexdigest()


def _computations(*exprs) -> list[str]:
    """Fingerprints of the Python computations the expressions call (engine.computed)."""
    found = set()
    for expr in exprs:
        for side in (expr if isinstance(expr, tuple) else (expr,)):
            if hasattr(side, "find"):
                found |= {type(call).fingerprint()
                          for call in side.find(lambda e: hasattr(e, "numeric_value"))}
    return sorted(found)


def entry_key(derivation, entry, settings, scope_hash: str) -> str:
    material = json.dumps([_computations(entry.lhs, entry.rhs),
        engine_fingerprint(), _srepr(settings), derivation.id, entry.index, entry.kind,
        entry.relation.value, _srepr(entry.lhs), _srepr(entry.rhs), scope_hash,
        sorted(derivation.notation.items()),
    ])
    return hashlib.sha256(material.encode()).hexdigest()


class ResultCache:
    """Verdicts on disk; a `ResultCache(None)` stores nothing and finds nothing."""

    def __init__(self, folder: Path | None = DEFAULT_DIR):
        self._db = None
        if folder is not None:
            try:
                Path(folder).mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(Path(folder) / "results.sqlite3")
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
        row = self._db.execute("SELECT value FROM results WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, value: dict) -> None:
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)",
                             (key, json.dumps(value)))

    def close(self) -> None:
        if self._db is not None:
            self._db.commit()
            self._db.close()
            self._db = None
