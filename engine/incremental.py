"""Module replay: a warm run imports only the derivation modules that changed.

Editing one expression changes the derivations folder, so the whole-run record (`cache.run_key`)
misses. Importing every module again would cost seconds (the corpus builds large expressions at
import time) before the entry cache is even asked. So each module's results are stored as well,
under a key covering the engine's source, the installed library versions, the import path, the
working folder (results name files relative to it), the settings and seed, the module's own
contents and every file under the derivations folder that is not another derivation module
(private helpers `_*.py`, tables, data files). A module whose record is current is not imported:
its derivations' results are replayed, marked cached. The record also lists every helper file
imported from outside the folder, with its hash, and is replayed only while they are unchanged.

Any doubt is a miss: a module that failed to import, or whose namespace holds a function or class
of another derivation module (imported through the registry's module names, which no key sees),
gets no record and is imported every time.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from .cache import (_srepr, engine_fingerprint, folder_fingerprint, hash_files, helper_files,
                    library_versions, replay_is_current)
from .registry import Collection, collect, gathered, load_module, module_name, module_paths


@dataclass(frozen=True)
class Replayed:
    """A derivation whose result comes from a module record; `select` needs only the id."""
    id: str
    file: str
    result: dict            # its entry in `json_report.run_dict`


@dataclass
class Loaded:
    """What `collect_replaying` found."""
    collection: Collection              # Derivations and Replayed, sorted by id
    files: dict                         # helper files the replayed records rely on, hashed
    fresh: dict                         # {module key: ids of its derivations} to store


def shared_fingerprint(root: Path) -> str:
    """A hash of every file under `root` except the derivation modules themselves."""
    return folder_fingerprint(root, skip=frozenset(module_paths(root)))


def module_key(path: Path, settings, shared: str) -> str:
    material = json.dumps([engine_fingerprint(), library_versions(), str(Path(path).resolve()),
                           hashlib.sha256(Path(path).read_bytes()).hexdigest(), shared,
                           [str(Path(p).resolve()) for p in sys.path], str(Path.cwd()),
                           _srepr(settings)])
    return "module:" + hashlib.sha256(material.encode()).hexdigest()


def collect_replaying(root: Path, settings, cache) -> Loaded:
    """The derivations under `root`, with current module records replayed instead of
    imported (see the module docstring)."""
    root = Path(root)
    if not cache.enabled or not root.is_dir():
        return Loaded(collect(root), {}, {})
    shared = shared_fingerprint(root)
    found, errors, files, fresh = [], [], {}, {}
    for path in module_paths(root):
        key = module_key(path, settings, shared)
        record = cache.get(key)
        if record is not None and replay_is_current(record):
            found += [Replayed(d["id"], d["file"], d) for d in record["derivations"]]
            files.update(record["files"])
            continue
        derivations, error = load_module(root, path)
        if error:
            errors.append(error)
            continue
        found += derivations
        if _self_contained(module_name(path.relative_to(root))):
            fresh[key] = [d.id for d in derivations]
    return Loaded(gathered(root, found, errors), files, fresh)


def _self_contained(name: str) -> bool:
    """Whether the module's namespace holds nothing defined in another derivation module."""
    module = sys.modules.get(name)
    if module is None:
        return False
    for value in vars(module).values():
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", None)
        if (isinstance(origin, str) and origin.startswith("_derivations_.")
                and origin != name):
            return False
    return True


def store(cache, loaded: Loaded, run_dict: dict) -> None:
    """Store a record for every fresh module whose derivations were all checked in `run_dict`
    (a run of some targets leaves the other modules without a record)."""
    results = {d["id"]: d for d in run_dict["derivations"]}
    files = hash_files(helper_files())
    for key, ids in loaded.fresh.items():
        if all(i in results for i in ids):
            cache.put(key, {"derivations": [results[i] for i in ids], "files": files})
