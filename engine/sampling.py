"""Random instances honouring a scope's declarations, and structured random matrices.

Two flavours: `random` instances (floats, for evidence) and `simple` instances (small
integers, for counterexamples a person can read and recompute by hand).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .errors import DeclarationError, NotEvaluable
from .scope import (Conditioned, Definition, Dim, Eigendecomposition, Matrix, Random, Scalar,
                    Scope, Sequence)


# -- structured matrices -------------------------------------------------------------------

def random_orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A Haar-distributed orthogonal n x n matrix (QR of a Gaussian with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def random_spd(rng: np.random.Generator, n: int) -> np.ndarray:
    """A symmetric positive definite matrix with eigenvalues in [0.5, 3] (well conditioned)."""
    q = random_orthogonal(rng, n)
    return (q * rng.uniform(0.5, 3.0, n)) @ q.T


def random_psd(rng: np.random.Generator, n: int) -> np.ndarray:
    """A symmetric positive semidefinite matrix B B^T, often rank deficient."""
    rank = int(rng.integers(0, n + 1))
    b = rng.standard_normal((n, rank))
    return b @ b.T


def random_symmetric(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.standard_normal((n, n))
    return (a + a.T) / 2


def random_invertible(rng: np.random.Generator, n: int) -> np.ndarray:
    """U diag(s) V^T with singular values in [0.5, 2] and random signs: never near-singular."""
    s = rng.uniform(0.5, 2.0, n) * rng.choice([-1.0, 1.0], n)
    return (random_orthogonal(rng, n) * s) @ random_orthogonal(rng, n).T


def random_structured(rng: np.random.Generator, rows: int, cols: int,
                      structure: frozenset, variant: int | None = None) -> np.ndarray:
    """A random matrix with every property in `structure` (see scope.STRUCTURES). `variant`
    picks a structural class on purpose, so that a few instances cover them all whatever the
    seed: orthogonal with det +1 / -1; singular, near-singular and generic semidefinite,
    symmetric and general matrices; ill-conditioned invertible ones."""
    matrix = _random_structured(rng, rows, cols, structure)
    if variant is None:
        return matrix
    s = set(structure)
    if "orthogonal" in s:
        if variant % 2 == 1 and rows >= 1:
            if "symmetric" in s or "diagonal" in s:
                q = random_orthogonal(rng, rows) if "diagonal" not in s else np.eye(rows)
                signs = np.ones(rows)
                signs[0] = -1.0
                return (q * signs) @ q.T
            matrix = matrix.copy()
            matrix[:, 0] *= -1 if np.linalg.det(matrix) > 0 else 1
        elif variant % 2 == 0 and "diagonal" not in s and "symmetric" not in s:
            matrix = matrix.copy()
            matrix[:, 0] *= -1 if np.linalg.det(matrix) < 0 else 1
        return matrix
    kind = variant % 3
    if kind == 0:
        return matrix
    small = 0.0 if kind == 1 else 1e-7
    if "positive_definite" in s:
        small = small or 1e-7
        if "diagonal" in s:
            values = np.diag(matrix).copy()
            values[0] = 1e-7
            return np.diag(values)
        q = random_orthogonal(rng, rows)
        values = rng.uniform(0.5, 3.0, rows)
        values[0] = 1e-7
        return (q * values) @ q.T
    if "invertible" in s:
        if "diagonal" in s:
            values = np.diag(matrix).copy()
            values[0] = 1e-4 * np.sign(values[0])
            return np.diag(values)
        u, singular, vt = np.linalg.svd(matrix)
        singular[-1] = 1e-4
        if "symmetric" in s:
            q = random_orthogonal(rng, rows)
            values = rng.uniform(0.5, 2.0, rows) * rng.choice([-1.0, 1.0], rows)
            values[0] = 1e-4
            return (q * values) @ q.T
        return (u * singular) @ vt
    if rows != cols or rows < 2:         # a 1 x 1 "singular" matrix is just 0: not a class
        return matrix
    if "diagonal" in s:
        values = np.diag(matrix).copy()
        values[0] = small
        return np.diag(values)
    if "symmetric" in s or "positive_semidefinite" in s:
        values, q = np.linalg.eigh(matrix)
        values[np.argmin(np.abs(values))] = small
        return (q * values) @ q.T
    u, singular, vt = np.linalg.svd(matrix)
    singular[-1] = small
    return (u * singular) @ vt


def _random_structured(rng: np.random.Generator, rows: int, cols: int,
                       structure: frozenset) -> np.ndarray:
    s = set(structure)
    if "positive_definite" in s:
        if "diagonal" in s:
            return np.diag(rng.uniform(0.5, 3.0, rows))
        return random_spd(rng, rows)
    if "positive_semidefinite" in s:
        if "diagonal" in s:
            return np.diag(rng.uniform(0.0, 3.0, rows) * rng.integers(0, 2, rows))
        return random_psd(rng, rows)
    if "orthogonal" in s:
        if "diagonal" in s:
            return np.diag(rng.choice([-1.0, 1.0], rows))
        if "symmetric" in s:
            q = random_orthogonal(rng, rows)
            return (q * rng.choice([-1.0, 1.0], rows)) @ q.T
        return random_orthogonal(rng, rows)
    if "diagonal" in s:
        values = rng.standard_normal(rows)
        if "invertible" in s:
            values = rng.uniform(0.5, 2.0, rows) * rng.choice([-1.0, 1.0], rows)
        return np.diag(values)
    if "symmetric" in s:
        if "invertible" in s:
            q = random_orthogonal(rng, rows)
            return (q * (rng.uniform(0.5, 2.0, rows) * rng.choice([-1.0, 1.0], rows))) @ q.T
        return random_symmetric(rng, rows)
    if "invertible" in s:
        return random_invertible(rng, rows)
    return rng.standard_normal((rows, cols))


def simple_structured(rng: np.random.Generator, rows: int, cols: int,
                      structure: frozenset) -> np.ndarray:
    """A small-integer matrix with every property in `structure`, for readable counterexamples."""
    s = set(structure)
    if "orthogonal" in s:   # signed permutations are the integer orthogonal matrices
        if "diagonal" in s:
            return np.diag(rng.choice([-1, 1], rows)).astype(float)
        perm = np.eye(rows)[rng.permutation(rows)]
        if "symmetric" in s:
            return np.diag(rng.choice([-1, 1], rows)).astype(float)
        return perm * rng.choice([-1, 1], rows)
    if "diagonal" in s:
        if "positive_definite" in s:
            return np.diag(rng.integers(1, 4, rows)).astype(float)
        if "positive_semidefinite" in s:
            return np.diag(rng.integers(0, 4, rows)).astype(float)
        values = rng.integers(1, 3, rows) * rng.choice([-1, 1], rows)
        if "invertible" not in s and rows > 1:
            values[rng.integers(rows)] = int(rng.integers(-1, 2))
        return np.diag(values).astype(float)
    if "positive_definite" in s:   # L D L^T with unit lower-triangular integer L
        lower = np.tril(rng.integers(-1, 2, (rows, rows)), -1) + np.eye(rows)
        return (lower * rng.integers(1, 4, rows)) @ lower.T
    if "positive_semidefinite" in s:
        b = rng.integers(-1, 2, (rows, int(rng.integers(1, rows + 1))))
        return (b @ b.T).astype(float)
    if "invertible" in s:
        lower = np.tril(rng.integers(-1, 2, (rows, rows)), -1) + np.eye(rows)
        if "symmetric" in s:       # L D L^T with a nonzero integer diagonal D
            return (lower * (rng.integers(1, 3, rows) * rng.choice([-1, 1], rows))) @ lower.T
        upper = np.triu(rng.integers(-1, 2, (rows, rows)), 1) + np.diag(rng.choice([-1, 1], rows))
        return lower @ upper       # unit triangular factors: determinant +-1
    a = rng.integers(-2, 3, (rows, cols)).astype(float)
    return np.triu(a) + np.triu(a, 1).T if "symmetric" in s else a


# -- scalars --------------------------------------------------------------------------------

_SIMPLE_SCALARS = {
    "real": (1, -1, 2, 0, 3, -2, 0.5),
    "positive": (1, 2, 3, 0.5, 4),
    "nonnegative": (1, 0, 2, 3, 0.5),
    "integer": (1, 2, -1, 0, 3, -2),
    "positive_integer": (1, 2, 3, 4),
}


def random_scalar(rng: np.random.Generator, kind: str, interval=None, wide: bool = True) -> float:
    """One draw over the whole declared domain: for an unbounded kind, half of the draws are of
    ordinary size, a fifth are integers and half-integers, and the rest have log-uniform
    magnitudes over WIDE_DECADES (both signs where allowed); see RANGES for what is covered."""
    if interval is not None:
        low, high = (float(v) for v in interval)
        if kind in ("integer", "positive_integer"):
            return float(rng.integers(int(np.ceil(low)), int(np.floor(high)) + 1))
        if np.isfinite(low) and np.isfinite(high):
            return float(rng.uniform(low, high))
        start = low if np.isfinite(low) else high
        toward = 1.0 if np.isfinite(low) else -1.0
        return float(start + toward * 10 ** rng.uniform(-6, WIDE_DECADES / 2))
    if not wide:
        return _ordinary_scalar(rng, kind)
    roll = rng.random()
    if kind in ("integer", "positive_integer"):
        positive = kind == "positive_integer"
        if roll < 0.5:
            value = int(rng.integers(1 if positive else -10, 11))
        elif roll < 0.7:
            value = int(rng.integers(1 if positive else -100, 101))
        else:
            value = int(round(10 ** rng.uniform(0, INTEGER_DECADES)))
            value = value if positive or rng.random() < 0.5 else -value
        return float(value)
    sign = 1.0 if kind in ("positive", "nonnegative") or rng.random() < 0.5 else -1.0
    if kind == "nonnegative" and roll < 0.1:
        return 0.0
    if roll < 0.5:
        return sign * float(np.exp(rng.uniform(-2.5, 2.5)))
    if roll < 0.7:
        if kind == "real":
            return float(rng.integers(-20, 21)) / 2
        return float(rng.integers(1, 21)) / 2
    return sign * float(10 ** rng.uniform(-WIDE_DECADES / 2, WIDE_DECADES / 2))


def _ordinary_scalar(rng: np.random.Generator, kind: str) -> float:
    """A draw of ordinary size (for checkers whose evidence is statistical, not exact)."""
    if kind == "real":
        return float(rng.standard_normal() * 2)
    if kind == "positive":
        return float(np.exp(rng.uniform(-1.5, 1.5)))
    if kind == "nonnegative":
        return 0.0 if rng.random() < 0.1 else float(np.exp(rng.uniform(-1.5, 1.5)))
    if kind == "integer":
        return float(rng.integers(-5, 6))
    return float(rng.integers(1, 8))        # positive_integer


WIDE_DECADES = 24          # reals and positives: magnitudes 1e-12 .. 1e12
INTEGER_DECADES = 6        # integers: up to 10^6 in magnitude (beyond: sums get costly)
RANGES = {
    "real": "reals in +-1e12 over 24 decades (incl. 0, +-1, integers and half-integers)",
    "positive": "positives in 1e-12..1e12 (incl. 1, integers and half-integers)",
    "nonnegative": "nonnegatives in 0, 1e-12..1e12",
    "integer": "integers -10^6..10^6",
    "positive_integer": "positive integers 1..10^6",
}


def ranges_tested(declarations) -> str:
    """The ranges the sampled scalars covered, in words, for a verdict's detail."""
    by_range: dict = {}
    for name, decl in declarations:
        if isinstance(decl, Scalar):
            if decl.interval is not None:
                low, high = decl.interval
                text = f"in [{low}, {high}] incl. its ends"
            else:
                text = RANGES[decl.kind]
            by_range.setdefault(text, []).append(name)
    return "; ".join(f"{', '.join(names)}: {text}" for text, names in by_range.items())


# Values every scalar of a kind is tried at, in order (a grid over them decides on every seed).
_CORE = {
    "real": (0.0, 1.0, -1.0, 0.5, 2.0, -2.0, -0.5, 3.0, 1e6, -1e6, -3.0),
    "positive": (1.0, 2.0, 0.5, 3.0, 1e-6, 1e6, 10.0),
    "nonnegative": (0.0, 1.0, 2.0, 0.5, 3.0, 1e6),
    "integer": (0.0, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 10.0, -10.0, 12.0, 100.0, 1000.0),
    "positive_integer": (1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 10.0, 12.0, 20.0, 100.0, 1000.0),
}


def core_scalars(kind: str, interval=None, kinks=()) -> tuple:
    """The special values of a scalar: 0, +-1, +-2, +-1/2, ... within its domain, its interval's
    ends and points just inside them, and the given kinks with points either side."""
    found = list(kinks)
    for kink in kinks:
        step = 0.5 if kind not in ("integer", "positive_integer") else 1.0
        found += [kink + step, kink - step]
        if kind not in ("integer", "positive_integer"):
            found += [kink + 1e-9 * max(1.0, abs(kink)), kink - 1e-9 * max(1.0, abs(kink))]
    if interval is not None:
        found = list(extreme_scalars(kind, interval)) + found
        low, high = (float(v) for v in interval)
        found += [v for v in _CORE.get(kind, ()) if low <= v <= high]
    else:
        found += list(_CORE[kind])
    allowed = _kind_test(kind, interval)
    return tuple(dict.fromkeys(float(v) for v in found if np.isfinite(v) and allowed(v)))


def _kind_test(kind: str, interval=None):
    def allowed(v: float) -> bool:
        if kind in ("positive", "positive_integer") and v <= 0:
            return False
        if kind == "nonnegative" and v < 0:
            return False
        if kind in ("integer", "positive_integer") and not float(v).is_integer():
            return False
        if interval is not None:
            low, high = (float(x) for x in interval)
            return low <= v <= high
        return True
    return allowed


def extreme_scalars(kind: str, interval=None) -> tuple:
    """The boundary and extreme values of a scalar's domain, where inequalities tend to fail:
    interval endpoints (and points just inside them), 0 where allowed, tiny (1e-6) and huge
    (1e6; 1000 for integers) magnitudes. Endpoints are included although the scope does not say whether the
    interval is open; `at_endpoint` tells a checker which values sit exactly on one."""
    if interval is not None:
        low, high = (float(v) for v in interval)
        if kind in ("integer", "positive_integer"):
            ends = [v for v in (np.ceil(low), np.floor(high)) if np.isfinite(v)]
            ends += [low + 10.0 ** 9 if not np.isfinite(high) else np.nan,
                     high - 10.0 ** 9 if not np.isfinite(low) else np.nan]
            return tuple(dict.fromkeys(float(v) for v in ends if np.isfinite(v)))
        width = (high - low) if np.isfinite(high - low) else 1.0
        found = [low, high, low + 1e-6 * width, high - 1e-6 * width, (low + high) / 2,
                 low + 1e6 if not np.isfinite(high) else np.nan,
                 high - 1e6 if not np.isfinite(low) else np.nan,
                 low + 1e12 if not np.isfinite(high) else np.nan,
                 high - 1e12 if not np.isfinite(low) else np.nan]
        if low < 0 < high:
            found.append(0.0)
        allowed = _IN_KIND.get(kind, np.isfinite)       # (0, 1) of a positive scalar: not 0
        return tuple(dict.fromkeys(v for v in found if np.isfinite(v) and allowed(v)))
    return _EXTREME_SCALARS[kind]


_IN_KIND = {"positive": lambda v: v > 0, "nonnegative": lambda v: v >= 0}

_EXTREME_SCALARS = {    # sums bounded by a huge integer are skipped as too costly, not wrong
    "real": (0.0, 1e-6, -1e-6, 1e6, -1e6, 1.0, -1.0, 1e12, -1e12, 1e-12, -1e-12, 0.5, -0.5),
    "positive": (1e-6, 1e6, 1.0, 1e12, 1e-12, 0.5),
    "nonnegative": (0.0, 1e-6, 1e6, 1e12, 1e-12),
    "integer": (0.0, 1.0, -1.0, 1000.0, -1000.0, 10.0 ** 6, -10.0 ** 6, 10.0 ** 9, -10.0 ** 9),
    "positive_integer": (1.0, 1000.0, 10.0 ** 6, 10.0 ** 9, 2.0),
}


def at_endpoint(declarations, values: dict) -> list:
    """Names of the interval scalars that sit exactly on an endpoint of their interval in
    `values` (whether the endpoint belongs to the domain is not declared)."""
    names = []
    for name, decl in declarations:
        if isinstance(decl, Scalar) and decl.interval is not None and decl.symbol in values:
            if float(values[decl.symbol]) in {float(v) for v in decl.interval}:
                names.append(name)
    return names


def probe_plans(declarations, rng: np.random.Generator, kinks: dict | None = None):
    """Endless (scalars, dims) overrides for `sample_instance` that probe a domain's edges:
    first every dimension at its largest, then each scalar at each of its extreme values in
    turn, then all scalars at their k-th extreme value together (ties between symbols such as
    x = y = 0), then random mixtures of extreme and ordinary values and of smallest and random
    dimensions."""
    kinks = kinks or {}
    scalars = [(name, tuple(dict.fromkeys(
        core_scalars(d.kind, d.interval, kinks.get(name, ()))[:3 * len(kinks.get(name, ()))]
        + extreme_scalars(d.kind, d.interval))))
        for name, d in declarations if isinstance(d, Scalar)]
    dims = [(name, d) for name, d in declarations if isinstance(d, Dim)]
    smallest = {name: d.low for name, d in dims}
    yield {}, {name: d.high for name, d in dims}
    for name, extremes in scalars:
        for k, value in enumerate(extremes):
            yield {name: value}, smallest if k % 2 else {}
    for k in range(max((len(extremes) for _, extremes in scalars), default=0)):
        yield ({name: extremes[k % len(extremes)] for name, extremes in scalars if extremes},
               smallest if k % 2 == 0 else {})
    while True:
        yield ({name: extremes[int(rng.integers(len(extremes)))] for name, extremes in scalars
                if extremes and rng.random() < 0.5},
               {name: size for name, size in smallest.items() if rng.random() < 0.4})


# -- kinks and solutions: where a branch changes or an equation holds -------------------------

def _branch_points(expr) -> list:
    """Expressions whose zeros are where expr changes branch or truth value: the arguments of
    Abs, sign, Heaviside, floor and ceiling, the differences of Max/Min arguments and of both
    sides of every relational (Piecewise conditions and statements included)."""
    found = []
    if not isinstance(expr, sp.Basic):
        return found
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            found.append(node.args[0])
        elif isinstance(node, (sp.floor, sp.ceiling)):
            found += [node.args[0], node.args[0] - sp.Rational(1, 2)]
        elif isinstance(node, (sp.Max, sp.Min)):
            args = list(node.args)
            found += [a - b for i, a in enumerate(args) for b in args[i + 1:]]
        elif isinstance(node, sp.core.relational.Relational) and not getattr(
                node.lhs, "is_Matrix", False):
            found.append(node.lhs - node.rhs)
    return found


_MAX_SOLVE_OPS = 30
MAX_BRANCH_POINTS = 24      # branch points solved per check: a count, not a time, so that the
                            # kinks found (and so the verdicts) never depend on the machine's load


def solutions(exprs, declarations) -> list:
    """[(name, value_or_expr)]: values of one scalar at which a branch of the expressions
    changes or one of their equations holds, solved by SymPy over the reals. A value without
    free symbols is a kink of that scalar; an expression in the other scalars (y = x for
    x = y) is a witness plan: draw the others, then set this one."""
    scalars = {d.symbol: name for name, d in declarations if isinstance(d, Scalar)}
    found = []
    # in a fixed order: the arguments of And/Or are ordered by hashes, which vary per process
    points = sorted(dict.fromkeys(zero for expr in exprs for zero in _branch_points(expr)),
                    key=sp.default_sort_key)
    for zero in points[:MAX_BRANCH_POINTS]:
        try:
            zero = sp.sympify(zero)
            if sp.count_ops(zero) > _MAX_SOLVE_OPS or zero.has(sp.MatrixSymbol, sp.Indexed):
                continue
            free = [s for s in zero.free_symbols if s in scalars]
            if not free or len(zero.free_symbols) != len(free):
                continue
            for symbol in sorted(free, key=str)[:2]:
                for root in _real_roots(zero, symbol):
                    found.append((scalars[symbol], root))
        except Exception:        # SymPy cannot solve it: no kink from this expression
            continue
    return list(dict.fromkeys(found))


def _real_roots(zero, symbol) -> list:
    if zero.is_polynomial(symbol) and sp.degree(zero, symbol) <= 4:
        roots = sp.solve(zero, symbol)
    else:
        solved = sp.solveset(zero, symbol, sp.S.Reals)
        roots = list(solved) if isinstance(solved, sp.FiniteSet) else []
    kept = []       # in a fixed order: a FiniteSet iterates in an order set by string hashes
    for root in sorted(roots, key=sp.default_sort_key)[:4]:
        if root.free_symbols:
            if not root.has(sp.I):
                kept.append(root)
        elif root.is_real:
            kept.append(float(root))
    return kept


def kinks_of(exprs, declarations) -> dict:
    """{name: (values...)}: the numeric kinks found by `solutions`."""
    kinks: dict = {}
    for name, root in solutions(exprs, declarations):
        if isinstance(root, float) and np.isfinite(root):
            kinks.setdefault(name, []).append(root)
    return {name: tuple(values) for name, values in kinks.items()}


def scalar_grid(declarations, kinks: dict, cap: int = 160) -> list:
    """Scalar overrides ({name: value}) over a grid of every scalar's core values: all
    combinations while they fit in `cap`, else fewer values per scalar. The same on every seed."""
    import itertools
    scalars = [(name, core_scalars(d.kind, d.interval, kinks.get(name, ())))
               for name, d in declarations if isinstance(d, Scalar)]
    if not scalars:
        return []
    per = max(2, int(cap ** (1 / len(scalars))))
    lists = [(name, values[:max(per, len(kinks.get(name, ())) * 3 if len(scalars) == 1 else per)])
             for name, values in scalars]
    grid = []
    for combo in itertools.product(*(values for _, values in lists)):
        grid.append({name: value for (name, _), value in zip(lists, combo)})
        if len(grid) >= 4 * cap:
            break
    return grid


def simple_scalar(rng: np.random.Generator, kind: str, interval=None) -> float:
    if interval is not None:
        low, high = (float(v) for v in interval)
        inside = [v for v in (1, 0, 2, 0.5, -1, 3) if low <= v <= high and v not in (low, high)]
        return float(inside[int(rng.integers(len(inside)))]) if inside else (low + high) / 2
    choices = _SIMPLE_SCALARS[kind]
    return float(choices[int(rng.integers(len(choices)))])


# -- instances ------------------------------------------------------------------------------

class DomainError(Exception):
    """A sampled instance falls outside the expression's domain (singular matrix, log of a
    negative, NaN): the instance is discarded and another one drawn."""


def needed_declarations(scope: Scope, exprs) -> list:
    """The declarations the expressions depend on, dependencies first (definitions expanded)."""
    seen: dict = {}

    def visit_symbol(symbol):
        name = getattr(symbol, "name", None) or str(symbol)
        decl = scope.declarations.get(name)
        if decl is None:
            raise DeclarationError(f"undefined symbol {name}: declare it in the derivation's scope")
        if name in seen:
            return
        if isinstance(decl, Definition):
            visit_expr(decl.expr)
        elif isinstance(decl, Eigendecomposition):
            visit_expr(decl.matrix)
        elif isinstance(decl, Sequence):
            visit_expr(decl.length)
        elif isinstance(decl, Matrix):
            visit_expr(sp.Tuple(*decl.symbol.shape))
        elif isinstance(decl, (Random, Conditioned)):
            visit_expr(sp.Tuple(*getattr(decl.symbol, "shape", ()), *decl.distribution.params))
            for member in decl.distribution.members():
                visit_expr(sp.Tuple(*member.params))
        seen[name] = decl

    def visit_expr(expr):
        for atom in _symbols_of(expr):
            visit_symbol(atom)

    for expr in exprs:
        visit_expr(expr)
    order = {name: position for position, name in enumerate(scope.declarations)}
    return sorted(seen.items(), key=lambda item: order[item[0]])


def _symbols_of(expr) -> list:
    """Free scalar symbols, matrix symbols (with their dimensions) and indexed bases of expr,
    in first-seen order; summation indices and SymPy's dummies are not free."""
    bound = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Sum, sp.Product)):
            bound |= {limit[0] for limit in node.limits}
        elif isinstance(node, sp.Limit):
            bound |= {node.args[1], node.args[3]}     # the variable, the direction (+, -)
    found: dict = {}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.MatrixSymbol):
            candidates = [node, *sorted(sp.Tuple(*node.shape).free_symbols, key=str)]
        elif isinstance(node, sp.IndexedBase):
            candidates = [node]
        elif isinstance(node, sp.Symbol) and not isinstance(node, sp.Dummy) and node not in bound:
            candidates = [node]
        else:
            continue
        for atom in candidates:
            found.setdefault(getattr(atom, "name", str(atom)), atom)
    return list(found.values())


def sample_instance(scope: Scope, declarations: list, rng: np.random.Generator, *,
                    simple: bool = False, dims: dict | None = None, member: int = 0,
                    scalars: dict | None = None, variant: int | None = None,
                    fixed: dict | None = None, wide: bool = False) -> dict:
    """Values for every declaration: {sympy object: int | float | ndarray}.

    `dims` fixes some dimensions and `scalars` some scalars (by name); the others are drawn
    from their declared range. Random variables get one draw from their distribution (its
    `member`-th concrete member for a family such as Symmetric). The scope's definitions are
    stored under DEFINITIONS_KEY (derivatives need them). Raises DomainError when a defined
    quantity cannot be computed on this draw. `variant` picks the structural class of each
    structured matrix (random_structured); `fixed` ({symbol: value}) keeps given values of
    any non-defined declaration (a shrinker changes one value and recomputes the rest);
    `wide` draws scalars over many decades (random_scalar), for checkers that confirm their
    evidence in exact arithmetic."""
    from .evaluate import evaluate   # evaluate imports DomainError from here

    values: dict = {DEFINITIONS_KEY: scope.definitions()}
    for name, decl in declarations:
        key = getattr(decl, "symbol", None) if not isinstance(decl, Sequence) else decl.base
        if fixed and key in fixed and not isinstance(decl, (Definition, Eigendecomposition)):
            values[key] = fixed[key]
            if isinstance(decl, Sequence):
                values[first_index_key(decl.base)] = decl.first
            continue
        if isinstance(decl, (Random, Conditioned)):
            values[decl.symbol] = draw_random(decl, values, rng, None, member)
            continue
        if isinstance(decl, Dim):
            if dims and name in dims:
                values[decl.symbol] = int(dims[name])
            else:
                values[decl.symbol] = int(rng.integers(decl.low, decl.high + 1))
        elif isinstance(decl, Scalar):
            if scalars and name in scalars:
                value = float(scalars[name])
                # a solved witness (lambda = 1/epsilon) can leave the declared domain
                if not (np.isfinite(value) and _kind_test(decl.kind, decl.interval)(value)):
                    raise DomainError(f"{name} = {value:g} is outside its declared domain")
                values[decl.symbol] = value
                continue
            values[decl.symbol] = (simple_scalar(rng, decl.kind, decl.interval) if simple
                                   else random_scalar(rng, decl.kind, decl.interval, wide))
        elif isinstance(decl, Matrix):
            rows, cols = (_size(evaluate(v, values), name) for v in decl.symbol.shape)
            values[decl.symbol] = (simple_structured(rng, rows, cols, decl.structure) if simple
                                   else random_structured(rng, rows, cols, decl.structure,
                                                          variant))
        elif isinstance(decl, Sequence):
            length = _size(evaluate(decl.length, values), name)
            values[decl.base] = np.array([simple_scalar(rng, decl.kind) if simple else
                                          random_scalar(rng, decl.kind, None, wide)
                                          for _ in range(length)])
            values[first_index_key(decl.base)] = decl.first
        elif isinstance(decl, Definition):
            value = evaluate(decl.expr, values)
            _confirm_structure(name, value, decl.structure)
            values[decl.symbol] = value
        elif isinstance(decl, Eigendecomposition):
            if decl.U in values:
                continue
            matrix = values[decl.matrix]
            eigenvalues, vectors = np.linalg.eigh(matrix)
            values[decl.U] = vectors
            values[decl.Lambda] = np.diag(eigenvalues)
            values[decl.eigenvalues] = eigenvalues
            values[first_index_key(decl.eigenvalues)] = decl.first
        else:   # pragma: no cover - every declaration kind is handled above
            raise DeclarationError(f"{name}: cannot sample a {type(decl).__name__}")
    return values


def concrete(decl: Random, member: int):
    """The concrete distribution used for `decl` in family member `member`."""
    members = decl.distribution.members()
    return members[member % len(members)]


def draw_random(decl: Random, values: dict, rng: np.random.Generator, batch: int | None,
                member: int = 0) -> np.ndarray | float:
    """Draws of a random declaration: one (batch None) or `batch` of them stacked first."""
    from .evaluate import evaluate
    distribution = concrete(decl, member)
    params = [float(evaluate(p, values)) for p in distribution.params]
    shape = tuple(_size(evaluate(v, values), decl.symbol.name) for v in decl.symbol.shape) \
        if isinstance(decl.symbol, sp.MatrixSymbol) else ()
    size = shape if batch is None else (batch, *shape)
    value = distribution.draw(rng, size, *params)
    return value if size else float(value)


DEFINITIONS_KEY = ("definitions",)     # where an instance keeps {symbol: definition}


def first_index_key(base) -> tuple:
    """The key under which an instance stores the first index of an indexed family."""
    return ("first index", base)


def _size(value, name: str) -> int:
    if isinstance(value, np.ndarray) or float(value) != int(value) or int(value) < 1:
        raise DeclarationError(f"{name}: a dimension must evaluate to a positive integer, got {value}")
    return int(value)


def _confirm_structure(name: str, value, structure: frozenset) -> None:
    if not structure:
        return
    scale = 1e-8 * max(1.0, float(np.max(np.abs(value))))
    symmetric = np.allclose(value, value.T, atol=scale)
    checks = {
        "symmetric": symmetric,
        "positive_definite": symmetric and np.linalg.eigvalsh(value).min() > scale,
        "positive_semidefinite": symmetric and np.linalg.eigvalsh(value).min() > -scale,
        "orthogonal": np.allclose(value @ value.T, np.eye(len(value)), atol=1e-8),
        "diagonal": np.allclose(value, np.diag(np.diag(value)), atol=scale),
        "invertible": abs(np.linalg.det(value)) > scale,
    }
    failed = [prop for prop in sorted(structure) if not checks[prop]]
    if failed == ["positive_definite"] or failed == ["invertible"]:
        raise DomainError(f"{name} is not {failed[0]} on this instance")
    if failed:
        raise DeclarationError(f"{name} is declared {', '.join(failed)} but its definition "
                               f"gives a matrix that is not")


__all__ = ["random_orthogonal", "random_spd", "random_psd", "random_symmetric",
           "random_invertible", "random_structured", "simple_structured", "sample_instance",
           "needed_declarations", "DomainError", "NotEvaluable", "extreme_scalars",
           "probe_plans", "at_endpoint", "DEFINITIONS_KEY"]
