"""Numbers produced by Python computations (numerical experiments), usable inside steps.

    @computation(latex=r"p^\\star_{\\lambda=0.01}")
    def peak_width(seed):           # plain Python / NumPy, deterministic in its arguments
        ...
    fact(peak_width(0), ">=", 225, "the test error peaks near p = N_train")

The value is computed by the numeric evaluator, in the worker process and under the step's
time budget, from the (numeric) arguments; the result cache keys on the source of the module
that defines the function, so editing the experiment (or a helper it calls) re-checks its steps.

`Lazy(function)` holds data the writeups draw (a derivation's `plots`) without computing it at
import: `function()` runs on first use, once.
"""
from __future__ import annotations

import hashlib
import inspect
from collections.abc import Sequence
from pathlib import Path

import sympy as sp



def _powered(text: str, exp) -> str:
    """`text` raised to `exp` (SymPy's LaTeX printer passes the exponent of f(x)**2 to f)."""
    return text if exp is None else r"\left(%s\right)^{%s}" % (text, exp)

class Computed(sp.Function):
    """Base of every registered computation; subclasses carry `_function`."""

    is_real = True
    _function = None
    _display = ""

    @classmethod
    def eval(cls, *args):
        return None                     # always stays unevaluated

    def numeric_value(self, *args):
        return self._function(*args)

    @classmethod
    def fingerprint(cls) -> str:
        try:
            source = inspect.getsource(cls._function)
        except (OSError, TypeError):
            source = repr(cls._function)
        try:                            # the whole file too: the function may call helpers
            source += Path(inspect.getsourcefile(cls._function)).read_text()
        except (OSError, TypeError):
            pass
        return hashlib.sha256(source.encode()).hexdigest()

    def _latex(self, printer, exp=None):
        return _powered(self._latex_body(printer), exp)

    def _latex_body(self, printer):
        name = self._display or r"\operatorname{%s}" % type(self).__name__.replace("_", r"\_")
        if not self.args:               # a computation of nothing: no empty parentheses
            return name
        return name + r"\left(%s\right)" % ", ".join(printer._print(a) for a in self.args)


def computation(function=None, *, latex: str = ""):
    """Decorator: `function(*numbers) -> number or array` becomes a SymPy function of the
    same name whose calls stay unevaluated in steps and are computed when checked."""
    def wrap(function):
        return type(function.__name__, (Computed,),
                    {"_function": staticmethod(function), "_display": latex,
                     "__doc__": function.__doc__, "__module__": function.__module__})
    return wrap(function) if function is not None else wrap


class Lazy(Sequence):
    """The sequence `function()` returns, computed on first use (len, index, iteration)."""

    def __init__(self, function):
        self._function, self._items = function, None

    def _computed(self) -> tuple:
        if self._items is None:
            self._items = tuple(self._function())
        return self._items

    def __getitem__(self, index):
        return self._computed()[index]

    def __len__(self) -> int:
        return len(self._computed())

    def __repr__(self) -> str:
        return f"Lazy({getattr(self._function, '__name__', self._function)})"
