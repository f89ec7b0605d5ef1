"""Checker settings: plain frozen data, importable without SymPy or NumPy (the run cache keys
on them before anything heavy is loaded)."""
from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_SEED = 20261125


@dataclass(frozen=True)
class NumericSettings:
    trials: int = 8
    rtol: float = 1e-8
    atol: float = 1e-10
    refute_margin: float = 1e-6   # a counterexample must differ by this much (relative)


@dataclass(frozen=True)
class StatisticalSettings:
    samples: int = 20000        # Monte Carlo draws per instance
    instances: int = 3          # deterministic instances for Monte Carlo
    alpha: float = 1e-6         # per-step false-alarm probability of a Monte Carlo refutation


@dataclass(frozen=True)
class CheckSettings:
    seed: int = DEFAULT_SEED
    timeout: float = 10.0            # seconds per step
    prove: bool = False              # also try `simplify` on numerically verified steps
    numeric: NumericSettings = field(default_factory=NumericSettings)
    statistical: StatisticalSettings = field(default_factory=StatisticalSettings)
