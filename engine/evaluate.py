"""Numeric evaluation of SymPy expressions (scalars, matrix expressions, sums) with NumPy.

`evaluate(expr, values)` walks the expression tree and computes it at one instance, or at a
batch of instances at once: a batched scalar is an array of shape (B,), a batched matrix one of
shape (B, rows, cols); unbatched values broadcast against batched ones. It raises
`DomainError` when the instance is outside the expression's domain (singular matrix, log of a
negative number, overflow), `NotEvaluable` for constructs it has no numeric meaning for
(E[.], unknown functions), and `ShapeError` for products and sums of mismatched shapes.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.diagonal import DiagMatrix
from sympy.matrices.expressions.matexpr import MatrixElement

from . import ops
from .errors import NotEvaluable
from .sampling import DEFINITIONS_KEY, DomainError, first_index_key


class ShapeError(Exception):
    """Operands of incompatible shapes."""


class IndexRangeError(ShapeError):
    """An entry, row, column or sequence index past the end on this instance (an index such as
    i in 1..d that the scope cannot tie to d): checkers that quantify over instances may
    treat the instance as outside the statement's domain."""


_UNARY = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.sinh: np.sinh, sp.cosh: np.cosh, sp.tanh: np.tanh, sp.atan: np.arctan,
    sp.asin: np.arcsin, sp.acos: np.arccos, sp.Abs: np.abs, sp.sign: np.sign,
    sp.floor: np.floor, sp.ceiling: np.ceil, sp.erf: np.vectorize(math.erf),
    sp.Heaviside: lambda x: np.heaviside(x, 0.5),
}

_RELATIONAL = {
    sp.StrictLessThan: np.less, sp.LessThan: np.less_equal,
    sp.StrictGreaterThan: np.greater, sp.GreaterThan: np.greater_equal,
    sp.Equality: np.equal, sp.Unequality: np.not_equal,
}


def evaluate(expr, values: dict, env: dict | None = None):
    """The value of `expr` at the instance `values` ({symbol: number or ndarray})."""
    with np.errstate(all="raise", under="ignore"):
        try:
            result = _eval(sp.sympify(expr), values, env or {})
        except (FloatingPointError, ZeroDivisionError, np.linalg.LinAlgError, OverflowError) as exc:
            raise DomainError(str(exc) or type(exc).__name__) from None
    if isinstance(result, tuple):
        return result
    result = _as_number(result)
    if np.any(np.isnan(result)) or np.any(np.isinf(result)):
        raise DomainError("NaN or infinity")
    return result


def _as_number(value):
    """Exact Python integers beyond int64 (and object arrays holding them) as floats, which
    NumPy can test; beyond the float range a DomainError (overflow), never a TypeError."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            return value if abs(value) < 2 ** 63 else float(value)
        if isinstance(value, np.ndarray) and value.dtype == object:
            return value.astype(float)
        if not isinstance(value, (float, bool, np.ndarray, np.generic)):
            return float(value)
    except OverflowError:
        raise DomainError("a number beyond the float64 range (overflow)") from None
    except (TypeError, ValueError):
        raise NotEvaluable(f"no numeric value for {type(value).__name__}") from None
    return value


def _eval(e, values, env):
    if e in env:
        return env[e]
    if e in values:
        return values[e]
    if e.is_Number or e.is_NumberSymbol:
        if e.is_Integer:
            return int(e)
        value = complex(e)
        if value.imag:
            raise NotEvaluable(f"complex constant {e}")
        return value.real
    if e is sp.S.ImaginaryUnit:
        raise NotEvaluable("complex values (the imaginary unit)")
    if e in (sp.true, sp.false):
        return bool(e)
    if hasattr(e, "numeric_value"):          # a registered computation (engine.computed)
        return e.numeric_value(*(_scalar(_eval(arg, values, env)) for arg in e.args))
    handler = _HANDLERS.get(type(e))
    if handler is None:
        for cls, candidate in _HANDLERS.items():
            if isinstance(e, cls):
                handler = candidate
                break
    if handler is not None:
        return handler(e, values, env)
    for func, numpy_func in _UNARY.items():
        if isinstance(e, func) and len(e.args) == 1:
            return numpy_func(_scalar(_eval(e.args[0], values, env)))
    if isinstance(e, sp.Symbol):
        raise NotEvaluable(f"no value for symbol {e}")
    raise NotEvaluable(f"no numeric meaning for {type(e).__name__} ({e})")


def _is_matrix(value) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 2


def _scalar(value):
    """A scalar or a batch of scalars (B,); a 1 x 1 matrix counts as a scalar."""
    if _is_matrix(value):
        if value.shape[-2:] == (1, 1):
            return value[..., 0, 0]
        raise ShapeError(f"a matrix of shape {_dims(value)} where a scalar is expected")
    return value


def _dims(value) -> tuple:
    return tuple(value.shape[-2:])


def _scale(scalar, matrix):
    """scalar * matrix where either may be batched."""
    scalar = np.asarray(scalar)
    return scalar[..., None, None] * matrix if scalar.ndim else scalar * matrix


def _int(value, what: str) -> int:
    value = _scalar(value)
    if np.ndim(value):
        raise ShapeError(f"{what} must not depend on random variables")
    if float(value) != int(value):
        raise ShapeError(f"{what} must be an integer, got {value}")
    return int(value)


def _add(e, values, env):
    terms = [_eval(arg, values, env) for arg in e.args]
    if e.is_Matrix or any(_is_matrix(t) for t in terms):
        shapes = {_dims(t) if _is_matrix(t) else () for t in terms}
        if len(shapes) > 1:
            raise ShapeError(f"adding terms of shapes {' and '.join(map(str, sorted(shapes)))}")
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _mul(e, values, env):
    result = 1
    for arg in e.args:
        result = result * _scalar(_eval(arg, values, env))
    return result


def _pow(e, values, env):
    base = _scalar(_eval(e.base, values, env))
    exponent = _scalar(_eval(e.exp, values, env))
    if isinstance(base, int) and isinstance(exponent, int) and exponent >= 0:
        return base ** exponent                          # exact for integer arithmetic
    if np.ndim(exponent):
        raise NotEvaluable("a power whose exponent is random")
    base = np.asarray(base, dtype=float) if np.ndim(base) else float(base)
    if float(exponent).is_integer():
        if exponent < 0 and np.any(base == 0):
            raise DomainError("division by zero")
        return base ** int(exponent)
    if np.any(np.asarray(base) < 0):
        raise DomainError(f"non-integer power {exponent} of a negative number")
    return base ** float(exponent)


def _matmul(e, values, env):
    scalar, matrix = 1, None
    for arg in e.args:
        value = _eval(arg, values, env)
        if _is_matrix(value) and arg.is_Matrix:
            if matrix is None:
                matrix = value
            else:
                if matrix.shape[-1] != value.shape[-2]:
                    raise ShapeError(f"multiplying {_dims(matrix)} by {_dims(value)}")
                matrix = matrix @ value
        else:
            scalar = scalar * _scalar(value)
    return scalar if matrix is None else _scale(scalar, matrix)


def _hadamard(e, values, env):
    factors = [_eval(arg, values, env) for arg in e.args]
    if len({_dims(f) for f in factors}) > 1:
        raise ShapeError(f"elementwise product of shapes {[_dims(f) for f in factors]}")
    result = factors[0]
    for factor in factors[1:]:
        result = result * factor
    return result


def _kronecker(e, values, env):
    """A ⊗ B ⊗ ...: entry (i r_B + k, j c_B + l) is A_ij B_kl (a batch of them)."""
    result = None
    for arg in e.args:
        factor = np.asarray(_eval(arg, values, env), dtype=float)
        if not _is_matrix(factor):
            raise ShapeError("a Kronecker product needs matrices")
        if result is None:
            result = factor
            continue
        (r1, c1), (r2, c2) = result.shape[-2:], factor.shape[-2:]
        product = result[..., :, None, :, None] * factor[..., None, :, None, :]
        result = product.reshape(product.shape[:-4] + (r1 * r2, c1 * c2))
    return result


def _block(e, values, env):
    """A block matrix [[A, B], [C, D]]: its blocks evaluated and joined."""
    blocks = e.blocks
    rows = [[np.asarray(_eval(blocks[i, j], values, env), dtype=float)
             for j in range(blocks.cols)] for i in range(blocks.rows)]
    flat = [b for row in rows for b in row]
    if not all(_is_matrix(b) for b in flat):
        raise ShapeError("a block matrix needs matrix blocks")
    batch = np.broadcast_shapes(*(b.shape[:-2] for b in flat))
    rows = [[np.broadcast_to(b, batch + b.shape[-2:]) for b in row] for row in rows]
    try:
        return np.concatenate([np.concatenate(row, axis=-1) for row in rows], axis=-2)
    except ValueError as exc:
        raise ShapeError(f"the blocks do not fit together: {exc}") from None


def _matpow(e, values, env):
    base = _eval(e.base, values, env)
    exponent = _int(_eval(e.exp, values, env), "a matrix power")
    if base.shape[-1] != base.shape[-2]:
        raise ShapeError(f"power of a non-square {_dims(base)} matrix")
    if exponent < 0:
        base, exponent = _inverse(base, -exponent), -exponent
    return np.linalg.matrix_power(base, exponent)


MAX_CONDITION = 1e10     # beyond it, float64 cannot invert a matrix to 1e-6


def _inverse(matrix, power: int = 1):
    """The inverse of `matrix`; a DomainError when it is singular or so ill-conditioned that
    float64 cannot be trusted: the condition number of M^-k is cond(M)^k (a tiny ridge mu on a
    rank-deficient X^T X has cond 1e9 and (mu I + X^T X)^-2 has 1e18: float64 noise in X^T X's
    null space, multiplied by 1/mu^2, would pass for a difference)."""
    if matrix.shape[-1] != matrix.shape[-2]:
        raise ShapeError(f"inverse of a non-square {_dims(matrix)} matrix")
    if np.max(np.linalg.cond(matrix)) ** power > MAX_CONDITION:
        raise DomainError("singular or ill-conditioned matrix")
    return np.linalg.inv(matrix)


def _square(e, values, env, what):
    matrix = _eval(e.arg, values, env)
    if matrix.shape[-1] != matrix.shape[-2]:
        raise ShapeError(f"{what} of a non-square {_dims(matrix)} matrix")
    return matrix


def _trace(e, values, env):
    return np.trace(_square(e, values, env, "trace"), axis1=-2, axis2=-1)


def _det(e, values, env):
    return np.linalg.det(_square(e, values, env, "determinant"))


def _sized(e, values, env, make):
    rows, cols = (_int(_eval(v, values, env), "a dimension") for v in e.shape)
    return make(rows, cols)


def _element(e, values, env):
    matrix = _eval(e.parent, values, env)
    i, j = (_int(_eval(v, values, env), "an index") for v in (e.i, e.j))
    rows, cols = _dims(matrix)
    if not (0 <= i < rows and 0 <= j < cols):
        raise IndexRangeError(f"entry ({i}, {j}) outside a {rows} x {cols} matrix")
    return matrix[..., i, j]


def _limit(e, values, env):
    """lim_{x -> a} f at one instance: the other symbols of f set to their values as exact
    rationals, the limit taken by SymPy. NotEvaluable when SymPy cannot take it or it is not
    a finite real number, or when a value is a batch (a random quantity)."""
    function, variable, point = e.args[:3]
    numbers = {}
    for symbol in function.free_symbols - {variable}:
        value = _scalar(_eval(symbol, values, env))
        if np.ndim(value):
            raise NotEvaluable("a limit of a random quantity")
        numbers[symbol] = sp.Rational(float(value))
    try:
        result = sp.Limit(function.xreplace(numbers), variable, point, str(e.args[3])).doit()
    except (NotImplementedError, ValueError, TypeError, RecursionError) as exc:
        raise NotEvaluable(f"SymPy could not take {e}: {exc}") from exc
    if not result.is_number or not result.is_finite or not result.is_real:
        raise NotEvaluable(f"{e} is {result} at this instance")
    return float(result)


def _sum_or_product(e, values, env, combine, start):
    def loop(limits, env):
        if not limits:
            return _eval(e.function, values, env)
        index, low, high = limits[0]
        low, high = (_int(_eval(v, values, env), "a summation bound") for v in (low, high))
        total = start
        for k in range(low, high + 1):
            total = combine(total, loop(limits[1:], {**env, index: k}))
        return total
    return loop(list(e.limits), env)


def _indexed(e, values, env):
    base = e.base
    array = values.get(base)
    if array is None:
        raise NotEvaluable(f"no values for {base}")
    first = values.get(first_index_key(base), 1)
    position = _int(_eval(e.indices[0], values, env), "an index") - first
    if not 0 <= position < array.shape[-1]:
        raise IndexRangeError(f"{e} is outside {base}'s range")
    return array[..., position]


def _piecewise(e, values, env):
    conditions = [np.asarray(_eval(cond, values, env), dtype=bool) for _, cond in e.args]
    if not any(np.ndim(c) for c in conditions):
        for (expr, _), cond in zip(e.args, conditions):
            if cond:
                return _eval(expr, values, env)
        raise DomainError("no branch of the piecewise expression applies")
    branches = [_scalar(_eval(expr, values, env)) for expr, _ in e.args]
    return np.select(conditions, branches, default=np.nan)


def _minmax(func):
    def handler(e, values, env):
        return func.reduce(np.broadcast_arrays(*[_scalar(_eval(arg, values, env))
                                                 for arg in e.args]))
    return handler


def _factorial(e, values, env):
    n = _int(_eval(e.args[0], values, env), "a factorial's argument")
    if n < 0:
        raise DomainError("factorial of a negative number")
    return math.factorial(n)


def _binomial(e, values, env):
    n, k = (_int(_eval(arg, values, env), "a binomial's argument") for arg in e.args)
    return math.comb(n, k) if n >= 0 else sp.binomial(n, k)


def _delta(e, values, env):
    i, j = (_int(_eval(arg, values, env), "an index") for arg in e.args[:2])
    return 1 if i == j else 0


def _squared_norm(e, values, env):
    vector = _eval(e.args[0], values, env)
    if not _is_matrix(vector) or vector.shape[-1] != 1:
        raise ShapeError("the squared norm needs a column vector")
    return np.sum(vector ** 2, axis=(-2, -1))


def _matrices_agree(e, values, env):
    """u = v for matrices, up to float64 rounding (ops.MatrixEq states the tolerance)."""
    left, right = (np.asarray(_eval(arg, values, env), dtype=float) for arg in e.args)
    if not (_is_matrix(left) and _is_matrix(right)) or left.shape[-2:] != right.shape[-2:]:
        raise ShapeError(f"= between matrices needs one shape, got {_dims(left)} and "
                         f"{_dims(right)}")
    squared = lambda m: np.sum(m ** 2, axis=(-2, -1))
    bound = float(ops.MatrixEq.TOLERANCE) * (squared(left) + squared(right))
    return _truth(squared(left - right) <= bound)


def _inner(e, values, env):
    left, right = (_eval(arg, values, env) for arg in e.args)
    if left.shape[-2] != 1 or right.shape[-1] != 1 or left.shape[-1] != right.shape[-2]:
        raise ShapeError(f"row times column needs 1 x n and n x 1, got {_dims(left)} and "
                         f"{_dims(right)}")
    return (left @ right)[..., 0, 0]


def _slice(e, values, env):
    matrix = _eval(e.matrix, values, env)
    k = _int(_eval(e.index, values, env), "a row or column index") - 1
    rows, cols = _dims(matrix)
    if isinstance(e, ops.Col):
        if not 0 <= k < cols:
            raise IndexRangeError(f"column {k + 1} of a matrix with {cols} columns")
        return matrix[..., :, k:k + 1]
    if not 0 <= k < rows:
        raise IndexRangeError(f"row {k + 1} of a matrix with {rows} rows")
    return matrix[..., k:k + 1, :]


def _derivative(e, values, env):
    try:
        done = e.doit()
    except (NotImplementedError, TypeError, ValueError, AttributeError) as exc:
        raise NotEvaluable(f"SymPy cannot differentiate {e.args[0]}: {exc}") from None
    if done.has(sp.Derivative):
        raise NotEvaluable(f"SymPy cannot differentiate {e.args[0]} symbolically")
    return _eval(done, values, env)


def _expectation(e, values, env):
    raise NotEvaluable("E[.] has no value at a single point")


def _explicit_matrix(e, values, env):
    entries = [_scalar(_eval(e[i, j], values, env)) for i in range(e.rows) for j in range(e.cols)]
    stacked = np.stack(np.broadcast_arrays(*[np.asarray(x, dtype=float) for x in entries]), -1)
    return stacked.reshape(stacked.shape[:-1] + (e.rows, e.cols))


def _truth(value):
    """A truth value, or a batch of them (B,)."""
    value = np.asarray(value)
    if value.dtype != bool and not np.all((value == 0) | (value == 1)):
        raise ShapeError(f"a statement's part evaluates to {value}, not a truth value")
    return bool(value) if value.ndim == 0 else value.astype(bool)


def _relational(e, values, env):
    left, right = (_scalar(_eval(arg, values, env)) for arg in e.args)
    return _truth(_RELATIONAL[type(e)](left, right))


def _connective(combine):
    def handler(e, values, env):
        parts = [_truth(_eval(arg, values, env)) for arg in e.args]
        return _truth(combine(np.broadcast_arrays(*parts)))
    return handler


_CONNECTIVES = {
    sp.And: lambda parts: np.logical_and.reduce(parts),
    sp.Or: lambda parts: np.logical_or.reduce(parts),
    sp.Xor: lambda parts: np.logical_xor.reduce(parts),
    sp.Not: lambda parts: np.logical_not(parts[0]),
    sp.Implies: lambda parts: np.logical_or(np.logical_not(parts[0]), parts[1]),
    sp.Equivalent: lambda parts: np.logical_and.reduce([p == parts[0] for p in parts]),
}


def _jacobian(e, values, env):
    """d f / d x by central differences, entry by entry of x, with every definition in f
    substituted so that quantities defined from x move with it (x's own definition, when x is
    a defined quantity, is not: x is then a node of the computation held as the variable)."""
    f, x = e.expr, e.wrt
    if x not in values:
        raise NotEvaluable(f"the derivative is taken with respect to {x}, which has no value: "
                           "it must be a declared scalar, vector or matrix symbol")
    # x may itself be a defined quantity (a node such as y_l = sigma(A_l y_(l-1) + b_l)): its
    # definition is not substituted, so d y_L / d y_l is y_L as a function of the node y_l.
    definitions = {k: v for k, v in values.get(DEFINITIONS_KEY, {}).items() if k != x}
    for _ in range(len(definitions) + 1):
        replaced = f.xreplace(definitions)
        if replaced == f:
            break
        f = replaced
    point = np.asarray(values[x], dtype=float)
    entries = list(np.ndindex(point.shape[-2:])) if point.ndim >= 2 else [()]
    columns = []
    for index in entries:
        sl = (Ellipsis, *index)
        step = FINITE_DIFFERENCE_STEP * max(1.0, float(np.max(np.abs(point[sl]))))
        sides = []
        for sign in (1, -1):
            moved = point.copy()
            moved[sl] = moved[sl] + sign * step
            value = _eval(f, {**values, x: moved if moved.ndim else float(moved)}, env)
            sides.append(np.asarray(_scalar(value) if e.is_gradient else value, dtype=float))
        columns.append((sides[0] - sides[1]) / (2 * step))
    if e.is_gradient:
        if any(np.ndim(c) > np.ndim(columns[0]) for c in columns) or _is_matrix(columns[0]):
            raise ShapeError("the gradient with respect to a matrix needs a scalar expression")
        stacked = np.stack(np.broadcast_arrays(*columns), -1)
        return stacked.reshape(stacked.shape[:-1] + point.shape[-2:])
    columns = [c if _is_matrix(c) else np.asarray(c)[..., None, None] for c in columns]
    if columns[0].shape[-1] != 1:
        raise ShapeError(f"a Jacobian needs a scalar or column-vector expression, got "
                         f"{_dims(columns[0])}")
    return np.concatenate(np.broadcast_arrays(*columns), axis=-1)


FINITE_DIFFERENCE_STEP = 1e-5   # relative; central differences then err by about 1e-10


def _elementwise(e, values, env):
    matrix = np.asarray(_eval(e.expr, values, env), dtype=float)
    if not _is_matrix(matrix):
        raise ShapeError("an elementwise function needs a matrix argument")
    function = e.function
    if isinstance(function, sp.Lambda):
        variable, body = function.variables[0], function.expr
    else:
        variable = sp.Dummy("entry")
        body = function(variable)
    flat = matrix.reshape(-1)
    result = np.asarray(_scalar(_eval(body, values, {**env, variable: flat})), dtype=float)
    return np.broadcast_to(result, flat.shape).reshape(matrix.shape)


def _diagonal_matrix(e, values, env):
    vector = _eval(e.args[0], values, env)
    if not _is_matrix(vector) or 1 not in _dims(vector):
        raise ShapeError("diag(v) needs a row or column vector")
    entries = vector.reshape(vector.shape[:-2] + (-1,))
    return entries[..., :, None] * np.eye(entries.shape[-1])


_HANDLERS = {
    sp.Add: _add,
    sp.Mul: _mul,
    sp.Pow: _pow,
    sp.MatAdd: _add,
    sp.MatMul: _matmul,
    sp.MatPow: _matpow,
    sp.HadamardProduct: _hadamard,
    sp.KroneckerProduct: _kronecker,
    sp.BlockMatrix: _block,
    sp.Inverse: lambda e, v, env: _inverse(_eval(e.arg, v, env)),
    sp.Transpose: lambda e, v, env: np.swapaxes(_eval(e.arg, v, env), -1, -2),
    sp.Trace: _trace,
    sp.Determinant: _det,
    sp.Identity: lambda e, v, env: _sized(e, v, env, lambda r, c: np.eye(r)),
    sp.ZeroMatrix: lambda e, v, env: _sized(e, v, env, lambda r, c: np.zeros((r, c))),
    sp.OneMatrix: lambda e, v, env: _sized(e, v, env, lambda r, c: np.ones((r, c))),
    MatrixElement: _element,
    sp.Sum: lambda e, v, env: _sum_or_product(e, v, env, lambda a, b: a + b, 0),
    sp.Limit: _limit,
    sp.Product: lambda e, v, env: _sum_or_product(e, v, env, lambda a, b: a * b, 1),
    sp.Indexed: _indexed,
    sp.Piecewise: _piecewise,
    sp.Max: _minmax(np.maximum),
    sp.Min: _minmax(np.minimum),
    sp.factorial: _factorial,
    sp.binomial: _binomial,
    sp.KroneckerDelta: _delta,
    sp.Tuple: lambda e, v, env: tuple(_eval(arg, v, env) for arg in e.args),
    sp.ImmutableDenseMatrix: _explicit_matrix,
    ops.SquaredNorm: _squared_norm,
    ops.Inner: _inner,
    ops.MatrixEq: _matrices_agree,
    ops.Col: _slice,
    ops.Row: _slice,
    ops.Expectation: _expectation,
    ops.ConditionalExpectation: _expectation,
    ops.AsScalar: lambda e, v, env: _scalar(_eval(e.args[0], v, env)),
    sp.Derivative: _derivative,
    ops.Gradient: _derivative,
    **{cls: _relational for cls in _RELATIONAL},
    **{cls: _connective(combine) for cls, combine in _CONNECTIVES.items()},
    sp.logic.boolalg.BooleanTrue: lambda e, v, env: True,
    sp.logic.boolalg.BooleanFalse: lambda e, v, env: False,
    ops.Jacobian: _jacobian,
    ElementwiseApplyFunction: _elementwise,
    DiagMatrix: _diagonal_matrix,
    sp.HadamardPower: lambda e, v, env: _eval(e.base, v, env) ** _scalar(_eval(e.exp, v, env)),
}
