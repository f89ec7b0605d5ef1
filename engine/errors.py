"""One exception tree: every error a user can cause names where it happened."""
from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine reports as a one-line message."""

    def __init__(self, message: str, *, file: str | None = None,
                 derivation: str | None = None, step: str | int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.derivation = derivation
        self.step = step

    def one_line(self) -> str:
        """The message prefixed by file, derivation and step where known."""
        where = [str(part) for part in (self.file, self.derivation) if part]
        if self.step is not None:
            where.append(f"step {self.step}")
        text = " ".join(self.message.split())
        return f"{': '.join(where)}: {text}" if where else text


class DeclarationError(EngineError):
    """A symbol, matrix or structure was declared in a way the engine cannot honour."""


class DerivationError(EngineError):
    """A derivation module is malformed: it fails to import or declares a bad chain."""


class TargetError(EngineError):
    """A command-line target names no derivation."""


class ExpressionError(EngineError):
    """Text given as an expression could not be read (unknown name, bad syntax)."""


class NotEvaluable(Exception):
    """Raised inside the numeric evaluator for constructs it cannot evaluate.

    Not an `EngineError`: the checkers turn it into an `unknown` verdict."""
