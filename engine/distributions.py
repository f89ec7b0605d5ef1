"""Distributions of declared random variables: sampling, and the moments exact rules need.

Parameters are SymPy expressions in the scope's symbols; `sample` and `moments` receive their
numeric values. `Symmetric` stands for "any symmetric distribution" and is checked as each of
its concrete members in turn.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp


@dataclass(frozen=True)
class Distribution:
    """Base: subclasses set `params` (SymPy expressions) and implement draw/moments."""

    @property
    def params(self) -> tuple:
        return ()

    def draw(self, rng: np.random.Generator, size, *params) -> np.ndarray:
        raise NotImplementedError

    def moments(self, *params) -> tuple[float, float]:
        """(mean, variance)."""
        raise NotImplementedError

    def members(self) -> tuple["Distribution", ...]:
        return (self,)

    def describe(self) -> str:
        return f"{type(self).__name__}({', '.join(map(str, self.params))})"


@dataclass(frozen=True)
class Normal(Distribution):
    mean: object = 0
    variance: object = 1

    @property
    def params(self):
        return (sp.sympify(self.mean), sp.sympify(self.variance))

    def draw(self, rng, size, mean, variance):
        return mean + np.sqrt(variance) * rng.standard_normal(size)

    def moments(self, mean, variance):
        return mean, variance


@dataclass(frozen=True)
class Uniform(Distribution):
    low: object = 0
    high: object = 1

    @property
    def params(self):
        return (sp.sympify(self.low), sp.sympify(self.high))

    def draw(self, rng, size, low, high):
        return rng.uniform(low, high, size)

    def moments(self, low, high):
        return (low + high) / 2, (high - low) ** 2 / 12


@dataclass(frozen=True)
class Bernoulli(Distribution):
    """1 with probability p, else 0 (a dropout keep-mask entry)."""
    p: object = sp.Rational(1, 2)

    @property
    def params(self):
        return (sp.sympify(self.p),)

    def draw(self, rng, size, p):
        return (rng.random(size) < p).astype(float)

    def moments(self, p):
        return p, p * (1 - p)


@dataclass(frozen=True)
class Laplace(Distribution):
    mean: object = 0
    scale: object = 1

    @property
    def params(self):
        return (sp.sympify(self.mean), sp.sympify(self.scale))

    def draw(self, rng, size, mean, scale):
        return rng.laplace(mean, scale, size)

    def moments(self, mean, scale):
        return mean, 2 * scale ** 2


@dataclass(frozen=True)
class SymmetricDiscrete(Distribution):
    """Uniform on {-v_k, v_k}: a symmetric distribution with atoms."""
    values: tuple = (1, 2)

    @property
    def params(self):
        return tuple(sp.sympify(v) for v in self.values)

    def draw(self, rng, size, *values):
        atoms = np.array(values, dtype=float)
        return rng.choice(atoms, size) * rng.choice([-1.0, 1.0], size)

    def moments(self, *values):
        return 0.0, float(np.mean(np.square(values)))


@dataclass(frozen=True)
class Symmetric(Distribution):
    """Any distribution symmetric about 0 with the given variance: checked as a normal, a
    uniform, a Laplace and a two-atom discrete distribution of that variance."""
    variance: object = 1

    @property
    def params(self):
        return (sp.sympify(self.variance),)

    def members(self):
        v = sp.sympify(self.variance)
        return (Normal(0, v), Uniform(-sp.sqrt(3 * v), sp.sqrt(3 * v)),
                Laplace(0, sp.sqrt(v / 2)), SymmetricDiscrete((sp.sqrt(v),)))

    def describe(self):
        return f"any symmetric distribution with variance {self.variance}"
