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

    def rule(self, panels: int, *params, breaks=(), spread: float = 1.0
             ) -> tuple[np.ndarray, np.ndarray, bool]:
        """(points, weights, exact) with E[f(X)] ~ sum_i weights_i f(points_i): the atoms and
        their probabilities (exact), or composite Gauss-Legendre over `panels` panels of the
        range `span(*params, spread)`, split at 0, at the mean and at `breaks` (the kinks and
        jumps of f) so that no kink falls inside a panel."""
        raise NotImplementedError

    def span(self, *params, spread: float = 1.0) -> tuple[float, float]:
        """The range the quadrature rule covers: the support, or for an unbounded support the
        part outside which the density's tail holds a negligible mass (widened by `spread`)."""
        raise NotImplementedError

    def unbounded(self) -> bool:
        """Whether the support is unbounded, so that E[f] also needs f's tails checked."""
        return False

    def density(self, points, *params) -> np.ndarray:
        """The probability density at `points` (continuous distributions only)."""
        raise NotImplementedError

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

    def rule(self, panels, mean, variance, breaks=(), spread=1.0):
        if variance <= 0:
            return np.array([mean]), np.array([1.0]), True
        low, high = self.span(mean, variance, spread=spread)
        points, weights = _panels(low, high, [0.0, mean, *breaks], panels)
        return points, weights * self.density(points, mean, variance), False

    def span(self, mean, variance, spread=1.0):
        reach = 12 * spread * np.sqrt(variance)        # the tail beyond holds < 4e-33
        return mean - reach, mean + reach

    def unbounded(self):
        return True

    def density(self, points, mean, variance):
        return np.exp(-(points - mean) ** 2 / (2 * variance)) / np.sqrt(2 * np.pi * variance)


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

    def rule(self, panels, low, high, breaks=(), spread=1.0):
        points, weights = _panels(low, high, [0.0, (low + high) / 2, *breaks], panels)
        return points, weights / (high - low), False

    def span(self, low, high, spread=1.0):
        return low, high

    def density(self, points, low, high):
        return np.where((low <= points) & (points <= high), 1 / (high - low), 0.0)


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

    def rule(self, panels, p, breaks=(), spread=1.0):
        return np.array([0.0, 1.0]), np.array([1 - p, p]), True

    def span(self, p, spread=1.0):
        return 0.0, 1.0


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

    def rule(self, panels, mean, scale, breaks=(), spread=1.0):
        low, high = self.span(mean, scale, spread=spread)
        points, weights = _panels(low, high, [0.0, mean, *breaks], panels)
        return points, weights * self.density(points, mean, scale), False

    def span(self, mean, scale, spread=1.0):
        reach = 80 * spread * scale                    # the tail beyond holds e^-80
        return mean - reach, mean + reach

    def unbounded(self):
        return True

    def density(self, points, mean, scale):
        return np.exp(-np.abs(points - mean) / scale) / (2 * scale)


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

    def rule(self, panels, *values, breaks=(), spread=1.0):
        atoms = np.concatenate([-np.asarray(values, float), np.asarray(values, float)])
        return atoms, np.full(len(atoms), 1 / len(atoms)), True

    def span(self, *values, spread=1.0):
        reach = float(np.max(np.abs(values)))
        return -reach, reach


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


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)


def _panels(low, high, breaks, panels: int) -> tuple[np.ndarray, np.ndarray]:
    """Composite 16-point Gauss-Legendre points and weights over [low, high], with every break
    inside it a panel boundary; about `panels` panels in all, spread by length."""
    cuts = sorted({float(low), float(high), *(float(b) for b in breaks if low < b < high)})
    points, weights = [], []
    for a, b in zip(cuts, cuts[1:]):
        if b <= a:
            continue
        count = max(1, round(panels * (b - a) / (high - low)))
        edges = np.linspace(a, b, count + 1)
        half = (edges[1:] - edges[:-1])[:, None] / 2
        middle = (edges[1:] + edges[:-1])[:, None] / 2
        points.append((middle + half * _NODES).ravel())
        weights.append((half * _WEIGHTS).ravel())
    return np.concatenate(points), np.concatenate(weights)
