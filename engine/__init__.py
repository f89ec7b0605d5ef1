"""Machine-checking derivations in deep-learning theory.

Authoring API (what a derivation module imports):

    from engine import Derivation, Scope, Source, claim, eq, fact, holds, step, REFUTED, UNKNOWN
    from engine.ops import E, sqnorm, tr

The names are loaded on first use, so `python -m engine --help` does not import SymPy.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "Claim": "model", "Derivation": "model", "Relation": "model", "Source": "model",
    "Step": "model", "Verdict": "model", "Refutation": "model", "claim": "model", "eq": "model",
    "fact": "model", "step": "model", "holds": "model", "Scope": "scope",
}
_VERDICTS = ("PROVED", "VERIFIED", "REFUTED", "UNKNOWN", "ERROR")

__all__ = sorted(_EXPORTS) + list(_VERDICTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in _VERDICTS:
        return importlib.import_module(".model", __name__).Verdict[name]
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
