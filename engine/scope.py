"""Declaring the symbols of a derivation: scalars, dimensions, structured matrices, definitions.

A `Scope` belongs to one derivation (or one `equal` command), so two derivations may use the
same name with different assumptions. It returns ordinary SymPy objects to write steps with
and remembers what each one promises, which the numeric checker honours when sampling.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .errors import DeclarationError

STRUCTURES = ("symmetric", "positive_definite", "positive_semidefinite", "orthogonal",
              "diagonal", "invertible")
SCALAR_KINDS = ("real", "positive", "nonnegative", "integer", "positive_integer")

_SYMPY_ASSUMPTIONS = {
    "real": {"real": True},
    "positive": {"positive": True},
    "nonnegative": {"nonnegative": True},
    "integer": {"integer": True},
    "positive_integer": {"integer": True, "positive": True},
}


@dataclass(frozen=True)
class Dim:
    symbol: sp.Symbol
    low: int
    high: int


@dataclass(frozen=True)
class Scalar:
    symbol: sp.Symbol
    kind: str
    interval: tuple | None = None   # (low, high), open or closed does not matter for sampling


@dataclass(frozen=True)
class Matrix:
    symbol: sp.MatrixSymbol
    structure: frozenset


@dataclass(frozen=True)
class Definition:
    """`symbol` stands for `expr`; its value is computed from the symbols in `expr`."""
    symbol: sp.Basic
    expr: sp.Basic
    structure: frozenset = frozenset()


@dataclass(frozen=True)
class Sequence:
    """An indexed family such as lambda_1..lambda_d (`base[i]` with `first <= i < first+length`)."""
    base: sp.IndexedBase
    length: sp.Basic
    first: int
    kind: str


@dataclass(frozen=True)
class Random:
    """A random scalar, or a matrix/vector with i.i.d. entries, independent of every other
    random declaration."""
    symbol: sp.Basic
    distribution: object      # an engine.distributions.Distribution


@dataclass(frozen=True)
class Conditioned:
    """A random declaration's value held fixed, as E[. | y] holds y's random sources: sampled
    once per instance from `distribution`, and not averaged over by E[.]."""
    symbol: sp.Basic
    distribution: object


@dataclass(frozen=True)
class Eigendecomposition:
    """`matrix = U diag(eigenvalues) U^T`, with `Lambda = diag(eigenvalues)`."""
    matrix: sp.MatrixSymbol
    U: sp.MatrixSymbol
    Lambda: sp.MatrixSymbol
    eigenvalues: sp.IndexedBase
    first: int = 1


@dataclass(frozen=True)
class UnknownFunction:
    """A function nothing defines (`L: function(y, z)`): a name for a smooth function of the
    named arguments; steps about it are checked on random instances (engine.document.generic)."""
    symbol: sp.Symbol
    arguments: tuple


@dataclass
class Scope:
    """The symbols of one derivation and what each promises."""

    declarations: dict = field(default_factory=dict)   # name -> declaration, in order

    # -- declaring -----------------------------------------------------------------------
    def dim(self, name: str, low: int = 1, high: int = 5) -> sp.Symbol:
        """A matrix dimension: a positive integer, sampled in [low, high] by the numeric checker."""
        if not (1 <= low <= high):
            raise DeclarationError(f"dimension {name}: need 1 <= low <= high, got {low}, {high}")
        if high > MAX_DIMENSION:
            raise DeclarationError(f"dimension {name}: at most {MAX_DIMENSION} (the checker "
                                   f"builds matrices of this size), got {high}")
        symbol = sp.Symbol(name, integer=True, positive=True)
        self._add(name, Dim(symbol, low, high))
        return symbol

    def dims(self, names: str, low: int = 1, high: int = 5) -> tuple:
        return tuple(self.dim(name, low, high) for name in names.split())

    def scalar(self, name: str, kind: str = "real", interval: tuple | None = None) -> sp.Symbol:
        """A scalar symbol; `kind` is one of SCALAR_KINDS, `interval` narrows its domain."""
        if kind not in SCALAR_KINDS:
            raise DeclarationError(f"scalar {name}: unknown kind {kind!r}; "
                                   f"use one of {', '.join(SCALAR_KINDS)}")
        if interval is not None:
            low, high = interval
            if not low < high:
                raise DeclarationError(f"scalar {name}: empty interval {interval}")
        symbol = sp.Symbol(name, **_SYMPY_ASSUMPTIONS[kind])
        self._add(name, Scalar(symbol, kind, interval))
        return symbol

    def scalars(self, names: str, kind: str = "real", interval: tuple | None = None) -> tuple:
        return tuple(self.scalar(name, kind, interval) for name in names.split())

    def matrix(self, name: str, rows, cols, *structure: str, **flags: bool) -> sp.MatrixSymbol:
        """A matrix with (possibly symbolic) shape and structure such as "symmetric"."""
        wanted = set(structure) | {key for key, on in flags.items() if on}
        unknown = wanted - set(STRUCTURES)
        if unknown:
            raise DeclarationError(f"matrix {name}: unknown structure {', '.join(sorted(unknown))}; "
                                   f"use {', '.join(STRUCTURES)}")
        if wanted and sp.simplify(sp.sympify(rows) - sp.sympify(cols)) != 0:
            raise DeclarationError(f"matrix {name}: {', '.join(sorted(wanted))} needs a square "
                                   f"shape, got {rows} x {cols}")
        _check_size(name, rows, cols)
        symbol = sp.MatrixSymbol(name, rows, cols)
        self._add(name, Matrix(symbol, frozenset(wanted)))
        return symbol

    def vector(self, name: str, length) -> sp.MatrixSymbol:
        """A column vector of `length` entries."""
        return self.matrix(name, length, 1)

    def random(self, name: str, distribution, rows=None, cols=None) -> sp.Basic:
        """A random scalar (no shape) or a rows x cols matrix with i.i.d. entries drawn from
        `distribution` (engine.distributions); independent of every other random declaration."""
        if rows is None:
            symbol = sp.Symbol(name, real=True)
        else:
            _check_size(name, rows, 1 if cols is None else cols)
            symbol = sp.MatrixSymbol(name, rows, 1 if cols is None else cols)
        self._add(name, Random(symbol, distribution))
        return symbol

    def random_vector(self, name: str, length, distribution) -> sp.MatrixSymbol:
        """A column vector of `length` i.i.d. entries."""
        return self.random(name, distribution, length, 1)

    def randoms(self) -> list:
        return [d for d in self.declarations.values() if isinstance(d, Random)]

    def define(self, name: str, expr, *structure: str) -> sp.Basic:
        """A named abbreviation the source uses (H = X^T X); steps may use either form.

        `structure` states what the defined matrix is (e.g. "symmetric"); the numeric checker
        confirms it on every sampled instance and reports an error if it does not hold."""
        expr = sp.sympify(expr)
        unknown = set(structure) - set(STRUCTURES)
        if unknown:
            raise DeclarationError(f"definition {name}: unknown structure {', '.join(sorted(unknown))}")
        if getattr(expr, "is_Matrix", False):
            symbol = sp.MatrixSymbol(name, *expr.shape)
        else:
            symbol = sp.Symbol(name, real=True)
        self._add(name, Definition(symbol, expr, frozenset(structure)))
        return symbol

    def unknown_function(self, name: str, arguments) -> sp.Symbol:
        """`name`, an unknown smooth function of the names in `arguments`."""
        if not arguments:
            raise DeclarationError(f"function {name}: name its arguments, function(y, z)")
        symbol = sp.Symbol(name, real=True)
        self._add(name, UnknownFunction(symbol, tuple(arguments)))
        return symbol

    def sequence(self, name: str, length, first: int = 1, kind: str = "real") -> sp.IndexedBase:
        """An indexed family name[first], ..., name[first + length - 1] of scalars of `kind`."""
        base = sp.IndexedBase(name, real=True)
        self._add(name, Sequence(base, sp.sympify(length), first, kind))
        return base

    def eigendecomposition(self, matrix: sp.MatrixSymbol, U: str = "U", Lambda: str = "Lambda",
                           eigenvalues: str = "lambda", first: int = 1) -> tuple:
        """U, Lambda, lambda with matrix = U Lambda U^T, U orthogonal, Lambda = diag(lambda)."""
        if not self.is_symmetric(matrix):
            raise DeclarationError(f"eigendecomposition of {matrix}: it must be declared symmetric "
                                   "or defined as a symmetric expression")
        n = matrix.shape[0]
        U_symbol = sp.MatrixSymbol(U, n, n)
        Lambda_symbol = sp.MatrixSymbol(Lambda, n, n)
        base = sp.IndexedBase(eigenvalues, real=True)
        decl = Eigendecomposition(matrix, U_symbol, Lambda_symbol, base, first)
        for name in (U, Lambda, eigenvalues):
            self._add(name, decl)
        return U_symbol, Lambda_symbol, base

    # -- reading -------------------------------------------------------------------------
    def lookup(self, name: str):
        """The SymPy object declared as `name`, or None."""
        decl = self.declarations.get(name)
        if decl is None:
            return None
        if isinstance(decl, Eigendecomposition):
            return {decl.U.name: decl.U, decl.Lambda.name: decl.Lambda}.get(name, decl.eigenvalues)
        if isinstance(decl, Sequence):
            return decl.base
        return decl.symbol

    def structure(self, symbol) -> frozenset:
        decl = self.declarations.get(getattr(symbol, "name", None))
        if isinstance(decl, (Matrix, Definition)):
            return decl.structure
        if isinstance(decl, Eigendecomposition):
            if symbol == decl.U:
                return frozenset({"orthogonal", "invertible"})
            if symbol == decl.Lambda:
                return frozenset({"diagonal", "symmetric"})
        return frozenset()

    def is_symmetric(self, matrix) -> bool:
        return bool(self.structure(matrix) & {"symmetric", "positive_definite",
                                              "positive_semidefinite"})

    def depends_on(self, expr, symbol) -> bool:
        """Whether `expr` mentions `symbol`, directly or through the definitions it uses."""
        if not isinstance(expr, sp.Basic):
            return False
        if expr.has(symbol):
            return True
        return any(expr.has(d.symbol) and self.depends_on(d.expr, symbol)
                   for d in self.declarations.values() if isinstance(d, Definition))

    def definitions(self) -> dict:
        """symbol -> expression for every `define`d name, for symbolic substitution."""
        return {d.symbol: d.expr for d in self.declarations.values() if isinstance(d, Definition)}

    def _add(self, name: str, decl) -> None:
        if name in self.declarations and not isinstance(decl, Eigendecomposition):
            raise DeclarationError(f"{name} is declared twice")
        self.declarations[name] = decl


MAX_DIMENSION = 2000         # rows or columns of a declared matrix with a numeric shape
MAX_ENTRIES = 250_000        # entries of one (each sampled instance allocates them)


def _check_size(name: str, rows, cols) -> None:
    """A DeclarationError for a numeric shape too large to sample (matrix(40000, 40000) would
    allocate 13 GB per instance) or not a positive integer."""
    sizes = [sp.sympify(size) for size in (rows, cols)]
    for size in sizes:
        if size.is_number and not (size.is_Integer and size >= 1):
            raise DeclarationError(f"matrix {name}: a dimension must be a positive integer, "
                                   f"got {size}")
        if size.is_number and size > MAX_DIMENSION:
            raise DeclarationError(f"matrix {name}: {rows} x {cols} is too large (at most "
                                   f"{MAX_DIMENSION} rows or columns)")
    if all(size.is_number for size in sizes) and sizes[0] * sizes[1] > MAX_ENTRIES:
        raise DeclarationError(f"matrix {name}: {rows} x {cols} is too large (at most "
                               f"{MAX_ENTRIES} entries)")
