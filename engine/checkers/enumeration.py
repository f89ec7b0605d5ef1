"""Evidence by exhaustion: a step holding `ForAll`/`Count` (engine.finite) is decided by going
through every case of its finite spaces in exact arithmetic (int, Fraction, SymPy numbers).

`proved` says how many cases were enumerated; `refuted` gives the failing case with the
smallest values (sum of absolute values over every bound variable), both sides there and how
many cases fail. A step with a free symbol outside the bound variables, a space larger than
MAX_CASES, a float anywhere, or a construct the exact evaluator does not know is `unknown`
with the reason, never guessed.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

import sympy as sp

from ..finite import Count, ForAll, Integers, Vectors
from ..model import Relation, Verdict
from ..results import Outcome

MAX_CASES = 2_000_000          # assignments enumerated per step, summed over nesting


class NotExact(Exception):
    """The expression cannot be evaluated exactly by enumeration (with the reason)."""


class TooMany(Exception):
    pass


_COMPARE = {
    Relation.EQ: lambda a, b: a == b, Relation.LE: lambda a, b: a <= b,
    Relation.LT: lambda a, b: a < b, Relation.GE: lambda a, b: a >= b,
    Relation.GT: lambda a, b: a > b,
    Relation.IMPLIES: lambda a, b: (not a) or b, Relation.IFF: lambda a, b: a == b,
}


def check_exhaustive(relation: Relation, lhs, rhs) -> Outcome:
    """A verdict for `lhs relation rhs` where the sides hold ForAll/Count nodes: exact values
    of both sides, every case enumerated. A `holds(ForAll(...))` fact refutes with the failing
    case of the ForAll."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    free = sorted(str(s) for s in (lhs.free_symbols | rhs.free_symbols))
    if free:
        return Outcome(Verdict.UNKNOWN, "exhaustive", "enumeration needs every symbol bound by "
                       f"ForAll/Count (with its finite space); free: {', '.join(free)}")
    if relation not in _COMPARE:
        return Outcome(Verdict.UNKNOWN, "exhaustive", f"relation {relation.value} is not "
                       "decided by enumeration")
    counter = _Counter()
    try:
        if relation == Relation.IMPLIES and lhs == sp.true and isinstance(rhs, ForAll):
            return _for_all(rhs, counter)
        left, right = (_compile(side)({}, counter) for side in (lhs, rhs))
        holds = _truth(_COMPARE[relation](left, right))
    except NotExact as exc:
        return Outcome(Verdict.UNKNOWN, "exhaustive", f"not evaluable exactly: {exc}")
    except TooMany:
        return _too_many()
    method = f"exhaustive: {counter.cases} cases"
    if holds:
        return Outcome(Verdict.PROVED, method, f"every one of the {counter.cases} cases "
                       "enumerated in exact arithmetic")
    return Outcome(Verdict.REFUTED, method, f"enumerated exactly, the sides are {_shown(left)} "
                   f"and {_shown(right)}",
                   {"values": {}, "lhs": _shown(left), "rhs": _shown(right), "exact": True})


def _too_many() -> Outcome:
    return Outcome(Verdict.UNKNOWN, "exhaustive", f"more than {MAX_CASES} cases: too many to "
                   "enumerate")


def _for_all(node: ForAll, counter) -> Outcome:
    """Every case of a top-level ForAll: proved, or refuted with the smallest failing case."""
    statement = _compile(node.statement)
    sides = _sides(node.statement)
    smallest, failures, cases = None, 0, 0
    for env in _assignments(node.ranges, {}, counter):
        cases += 1
        if _truth(statement(env, counter)):
            continue
        failures += 1
        size = sum(_magnitude(env[var]) for var, _ in node.ranges)
        if smallest is None or size < smallest[0]:
            smallest = (size, dict(env))
    method = f"exhaustive: {cases} cases"
    inner = (f" ({counter.cases} assignments in all, counting the nested ones)"
             if counter.cases > cases else "")
    if smallest is None:
        return Outcome(Verdict.PROVED, method, f"the statement holds in every one of the "
                       f"{cases} cases{inner}, enumerated in exact arithmetic")
    env = smallest[1]
    values = {str(var): _shown(env[var]) for var, _ in node.ranges}
    left, right = ((_shown(side(env, _Counter())) for side in sides) if sides
                   else (False, True))
    return Outcome(Verdict.REFUTED, method,
                   f"the statement fails in {failures} of the {cases} cases{inner}; the one "
                   "with the smallest values is shown",
                   {"values": values, "lhs": left, "rhs": right, "exact": True})


def _sides(statement):
    """Evaluators of the two sides of the statement when it is one relational (or the
    conclusion of an implication), to show at the failing case; else None."""
    while isinstance(statement, sp.Implies):
        statement = statement.args[1]
    if isinstance(statement, sp.core.relational.Relational):
        return _compile(statement.lhs), _compile(statement.rhs)
    return None


class _Counter:
    def __init__(self):
        self.cases = 0


def _assignments(ranges, env, counter):
    """Every assignment of the bound variables extending `env`, in the spaces' order."""
    if not ranges:
        counter.cases += 1
        if counter.cases > MAX_CASES:
            raise TooMany
        yield env
        return
    (var, space), rest = ranges[0], ranges[1:]
    for value in _elements(space, env, counter):
        yield from _assignments(rest, {**env, var: value}, counter)


def _elements(space, env, counter) -> list:
    """The values of a space under the assignment `env`."""
    if isinstance(space, Integers):
        low, high = (_integer(_compile(a)(env, counter), "an Integers bound")
                     for a in space.args)
        return list(range(low, high + 1))
    if isinstance(space, Vectors):
        length = _integer(_compile(space.args[1])(env, counter), "a Vectors length")
        if length < 0:
            raise NotExact(f"a Vectors length is negative ({length})")
        return list(itertools.product(_elements(space.args[0], env, counter), repeat=length))
    if isinstance(space, (sp.Tuple, sp.FiniteSet)):
        return [_compile(e)(env, counter) for e in space.args]
    if isinstance(space, sp.Range):
        if space.free_symbols or not space.is_finite_set:
            raise NotExact(f"the range {space} is not a finite constant range")
        return [int(e) for e in space]
    raise NotExact(f"{space} is not a finite space (use a list, FiniteSet, Range, Integers "
                   "or Vectors)")


def _integer(value, what) -> int:
    if isinstance(value, bool) or not (isinstance(value, int) or (
            isinstance(value, Fraction) and value.denominator == 1)):
        raise NotExact(f"{what} is {_shown(value)}, not an integer")
    return int(value)


def _magnitude(value) -> float:
    if isinstance(value, tuple):
        return sum(_magnitude(v) for v in value)
    try:
        return abs(float(value))
    except (TypeError, ValueError):
        return 0.0


def _truth(value) -> bool:
    if isinstance(value, bool):
        return value
    if value in (sp.true, sp.false):
        return bool(value)
    raise NotExact(f"{_shown(value)} is not a truth value")


def _shown(value):
    """A value as JSON-friendly data: ints and bools as they are, fractions and SymPy numbers
    as text, tuples as lists."""
    if isinstance(value, tuple):
        return [_shown(v) for v in value]
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, Fraction):
        return int(value) if value.denominator == 1 else str(value)
    return str(value)


# -- exact evaluation: a SymPy expression compiled to a function of the assignment -----------

def _compile(expr):
    """A function (env, counter) -> exact value of `expr` (int, Fraction, bool, tuple, or a
    SymPy number where Python has no exact form, e.g. log(3))."""
    if isinstance(expr, sp.Symbol):
        def symbol(env, counter, name=expr):
            if name not in env:
                raise NotExact(f"{name} is not bound")
            return env[name]
        return symbol
    if isinstance(expr, sp.Integer):
        value = int(expr)
        return lambda env, counter: value
    if isinstance(expr, sp.Rational):
        value = Fraction(int(expr.p), int(expr.q))
        return lambda env, counter: value
    if expr in (sp.true, sp.false):
        value = bool(expr)
        return lambda env, counter: value
    if isinstance(expr, sp.Float):
        raise NotExact(f"the floating-point number {expr} (write numbers as integers or "
                       "sp.Rational)")
    if isinstance(expr, ForAll):
        return _compile_for_all(expr)
    if isinstance(expr, Count):
        return _compile_count(expr)
    if hasattr(expr, "numeric_value"):
        return _compile_computation(expr)
    if isinstance(expr, sp.Implies):        # short-circuit: the conclusion may be costly
        premise, conclusion = (_compile(a) for a in expr.args)
        return lambda env, counter: (not _truth(premise(env, counter))) or _truth(
            conclusion(env, counter))
    parts = [_compile(a) for a in expr.args]
    rule = _RULES.get(type(expr))
    if rule is not None:
        return lambda env, counter: rule(*(p(env, counter) for p in parts))
    return _compile_by_sympy(expr, parts)


def _compile_for_all(node: ForAll):
    statement = _compile(node.statement)

    def for_all(env, counter):
        return all(_truth(statement(e, counter)) for e in _assignments(node.ranges, env, counter))
    return for_all


def _compile_count(node: Count):
    condition = _compile(node.condition)

    def count(env, counter):
        return sum(1 for e in _assignments(node.ranges, env, counter)
                   if _truth(condition(e, counter)))
    return count


def _compile_computation(expr):
    parts = [_compile(a) for a in expr.args]
    function = type(expr)._function

    def computation(env, counter):
        value = function(*(_plain(p(env, counter)) for p in parts))
        if hasattr(value, "item") and not isinstance(value, (tuple, list)):
            value = value.item()              # a NumPy scalar
        if isinstance(value, (bool, int, Fraction)):
            return value
        raise NotExact(f"the computation {type(expr).__name__} returned {value!r}; an exhaustive "
                       "check needs int, bool or Fraction")
    return computation


def _plain(value):
    """A value handed to a Python computation: integral fractions as int."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


def _compile_by_sympy(expr, parts):
    """Any other SymPy function of exactly known values: SymPy evaluates it; a result that is
    not a definite number or truth value is NotExact."""
    func = expr.func

    def by_sympy(env, counter):
        args = [_to_sympy(p(env, counter)) for p in parts]
        return _from_sympy(func(*args), str(expr))
    return by_sympy


def _from_sympy(value, what: str):
    """A SymPy result as an exact value: int, Fraction, bool, or a definite SymPy number."""
    if isinstance(value, sp.Rational):
        return int(value) if value.q == 1 else Fraction(int(value.p), int(value.q))
    if value in (sp.true, sp.false):
        return bool(value)
    if isinstance(value, sp.Expr) and value.is_number and value.is_finite:
        return value
    raise NotExact(f"{what} evaluates to {value}")


def _to_sympy(value):
    if isinstance(value, tuple):
        return sp.Tuple(*(_to_sympy(v) for v in value))
    if isinstance(value, bool):
        return sp.true if value else sp.false
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, int):
        return sp.Integer(value)
    return value


def _power(base, exponent):
    if isinstance(exponent, int) or (isinstance(exponent, Fraction) and exponent.denominator == 1):
        exponent = int(exponent)
        if isinstance(base, (int, Fraction)) and not isinstance(base, bool):
            if exponent < 0 and base == 0:
                raise NotExact("0 raised to a negative power")
            return Fraction(base) ** exponent if exponent < 0 else base ** exponent
    return _from_sympy(sp.Pow(_to_sympy(base), _to_sympy(exponent)), "a power")


def _compare(op):
    def compare(a, b):
        if isinstance(a, sp.Basic) or isinstance(b, sp.Basic):
            return _truth(op(_to_sympy(a), _to_sympy(b)))
        return op(a, b)
    return compare


def _floor(value):
    return math.floor(value) if isinstance(value, (int, Fraction)) else _to_exact(sp.floor(value))


def _ceiling(value):
    return math.ceil(value) if isinstance(value, (int, Fraction)) else _to_exact(
        sp.ceiling(value))


def _to_exact(value):
    if isinstance(value, sp.Integer):
        return int(value)
    raise NotExact(f"{value} is not an integer")


def _arith(op):
    def arithmetic(*args):
        if any(isinstance(a, sp.Basic) for a in args):
            return _from_sympy(op(*(_to_sympy(a) for a in args)), "an arithmetic operation")
        return op(*args)
    return arithmetic


_RULES = {
    sp.Add: _arith(lambda *a: sum(a[1:], a[0])),
    sp.Mul: _arith(lambda *a: math.prod(a[1:], start=a[0])),
    sp.Pow: _power,
    sp.Eq: lambda a, b: a == b if not (isinstance(a, sp.Basic) or isinstance(b, sp.Basic))
    else _truth(sp.Eq(_to_sympy(a), _to_sympy(b))),
    sp.Ne: lambda a, b: a != b if not (isinstance(a, sp.Basic) or isinstance(b, sp.Basic))
    else not _truth(sp.Eq(_to_sympy(a), _to_sympy(b))),
    sp.StrictLessThan: _compare(lambda a, b: a < b),
    sp.LessThan: _compare(lambda a, b: a <= b),
    sp.StrictGreaterThan: _compare(lambda a, b: a > b),
    sp.GreaterThan: _compare(lambda a, b: a >= b),
    sp.And: lambda *a: all(_truth(x) for x in a),
    sp.Or: lambda *a: any(_truth(x) for x in a),
    sp.Not: lambda a: not _truth(a),
    sp.Equivalent: lambda *a: len({_truth(x) for x in a}) == 1,
    sp.Xor: lambda *a: sum(_truth(x) for x in a) % 2 == 1,
    sp.Abs: _arith(abs),
    sp.Max: _arith(max),
    sp.Min: _arith(min),
    sp.floor: _floor,
    sp.ceiling: _ceiling,
    sp.Tuple: lambda *a: tuple(a),
}
