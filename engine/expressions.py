"""Reading expressions and declarations typed on the command line, without eval or sympify.

Text is parsed by Python's `ast` (a parser, not an evaluator) and translated node by node;
anything outside the small grammar below is an `ExpressionError` naming the fragment.

Expressions: numbers, declared names, + - * / ** ^ @, unary minus, parentheses, A.T (transpose),
A.I or A**-1 (inverse), and the functions sqrt exp log sin cos tan abs tr trace det inv max min,
eye(n) (the n x n identity), ones(n, m) (the n x m matrix of ones), kron(A, B) (Kronecker
product), hadamard(A, B) (entrywise product), block([[A, B], [C, D]]) (a block matrix), sign,
indicator(a < b) (1 where the comparison holds, else 0; chains a < x < b too) and declared
functions; `lamda` names lambda (a Python keyword). Numbers are bounded (engine.bounds):
10**10**10 is refused, not computed.
Declarations: "NAMES: KIND" separated by ';' or top-level commas, KIND one of
  dim | dim(low, high) | real | positive | nonnegative | integer | positive_integer |
  interval(low, high) | matrix(rows, cols[, structure...]) | vector(length).
Further kinds (used by the LaTeX front end, engine.latex_input):
  normal(mean, variance) | uniform(low, high) | bernoulli(p) | laplace(mean, scale) |
  symmetric(variance)                  a random scalar; as the last argument of
                                       matrix(...)/vector(...) it makes i.i.d. random entries
  sequence(length[, first])            an indexed family x_first .. x_(first+length-1)
  define(EXPR[, structure...])         an abbreviation H = EXPR (EXPR in the syntax above)
  U Lambda lambda: eigendecomposition(H)   H = U diag(lambda) U^T for a symmetric H
  function | function(lambda x: EXPR)  a function: f(x) is an application, not a product
  function(y, z)                       an unknown smooth function of y and z (grade checks
                                       steps about it on random instances)
  expectation | variance               E[x] / Var[x] written with this name (E: expectation)
Arguments are expressions (`^` means `**` there too: x: normal(0, s^2)). Order does not matter:
dims and scalars are declared first, the rest retried until what they name is declared. A plain
name used as a size in matrix/vector/sequence and declared nowhere becomes a dim, and
parse_declarations returns it (equal prints "assumed dimensions: n"). Errors quote the whole
declaration. docs/declarations.md is the full grammar (tests/test_declarations.py keeps it
naming every kind).
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

import sympy as sp

from . import bounds
from .errors import EngineError, ExpressionError
from .scope import SCALAR_KINDS, STRUCTURES, Scope

MAX_LENGTH = 2000

_FUNCTIONS = {
    "sqrt": sp.sqrt, "exp": sp.exp, "log": sp.log, "ln": sp.log, "sin": sp.sin, "cos": sp.cos,
    "tan": sp.tan, "abs": sp.Abs, "tr": sp.Trace, "trace": sp.Trace, "Tr": sp.Trace,
    "det": sp.Determinant, "inv": sp.Inverse, "max": sp.Max, "min": sp.Min,
    "transpose": sp.Transpose, "eye": sp.Identity, "Identity": sp.Identity, "sign": sp.sign,
    "ones": lambda rows, cols=1: sp.OneMatrix(rows, cols),
    "kron": lambda *factors: _matrices_only("kron", factors, sp.KroneckerProduct),
    "hadamard": lambda *factors: _matrices_only("hadamard", factors, _hadamard),
}


def _matrices_only(name, factors, build):
    if len(factors) < 2 or not all(getattr(f, "is_Matrix", False) for f in factors):
        raise ValueError(f"{name} takes two or more matrices")
    return build(*factors)


def _hadamard(*factors):
    shapes = {tuple(f.shape) for f in factors}
    if len(shapes) != 1:
        raise ValueError(f"an entrywise product of shapes {sorted(map(str, shapes))}")
    return sp.HadamardProduct(*factors)


_COMPARISONS = {ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge}
_CONSTANTS = {"pi": sp.pi}


def parse_expression(text: str, scope: Scope, *, declare_unknown: bool = True) -> sp.Basic:
    """The SymPy expression written in `text`; unknown names become real scalars in `scope`
    when `declare_unknown`, else an ExpressionError."""
    tree = _parse(text.replace("^", "**"), "expression")
    try:
        return _Translator(scope, text, declare_unknown).visit(tree.body)
    except RecursionError:
        raise ExpressionError("the expression nests too deeply (a tower of powers or calls "
                              "hundreds of levels deep)") from None


def _parse(text: str, what: str) -> ast.Expression:
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the {what} is longer than {MAX_LENGTH} characters")
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read the {what} {text!r}: {exc.msg} at column "
                              f"{exc.offset or 0}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError(f"the {what} is too deeply nested") from None
    except ValueError as exc:             # an integer literal of more than 4300 digits
        raise ExpressionError(f"cannot read the {what}: {str(exc).splitlines()[0][:100]}") \
            from None


class _Translator:
    def __init__(self, scope: Scope, text: str, declare_unknown: bool,
                 later: frozenset | set = frozenset()):
        self.scope, self.text, self.declare_unknown = scope, text, declare_unknown
        self.later = later            # names a declaration still to come declares

    def fail(self, node, message: str):
        fragment = ast.get_source_segment(self.text.replace("^", "**"), node) or ""
        column = node.col_offset + 1 + getattr(self.text, "offset", 0)
        raise ExpressionError(f"{message}: {fragment!r} at column {column}")

    def visit(self, node):
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            self.fail(node, f"unsupported syntax ({type(node).__name__})")
        return method(node)

    def visit_Constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            self.fail(node, "only numbers may appear as constants")
        try:
            if isinstance(node.value, int):
                return bounds.literal(str(node.value)) if node.value >= 0 else \
                    -bounds.literal(str(-node.value))
            return bounds.float_literal(node.value)
        except ExpressionError as exc:
            self.fail(node, exc.message)

    def visit_Name(self, node):
        if node.id == "lamda":          # `lambda` is a Python keyword: write lamda (as SymPy does)
            node = ast.Name(id="lambda", ctx=node.ctx)
        found = self.scope.lookup(node.id)
        if found is not None:
            return found
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in self.later:
            raise _NotYet(node.id)
        if not self.declare_unknown:
            self.fail(node, f"unknown name {node.id} (declare it with --where)")
        return self.scope.scalar(node.id, "real")

    def visit_UnaryOp(self, node):
        operand = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        self.fail(node, "unsupported operator")

    def visit_BinOp(self, node):
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return self.sum_chain(node)
        left, right = self.visit(node.left), self.visit(node.right)
        op = type(node.op)
        try:
            if op is ast.Add:
                return left + right
            if op is ast.Sub:
                return left - right
            if op in (ast.Mult, ast.MatMult):
                return left * right
            if op is ast.Div:
                if getattr(right, "is_Matrix", False):
                    self.fail(node, "division by a matrix; write inv(M) or M**-1")
                return left / right
            if op is ast.Pow:
                if getattr(left, "is_Matrix", False):
                    return sp.Inverse(left) if right == -1 else sp.MatPow(left, right)
                try:
                    return bounds.power(left, right)
                except ExpressionError as exc:
                    self.fail(node, exc.message)
        except (sp.ShapeError, TypeError, ValueError) as exc:
            self.fail(node, f"cannot combine these: {exc}")
        self.fail(node, "unsupported operator")

    def sum_chain(self, node):
        """a + b - c + ...: the terms of a left-leaning chain collected without recursion
        (a sum of a thousand terms is not a deep expression), then added in order."""
        terms = []
        while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            terms.append((node, node.op, node.right))
            node = node.left
        total = self.visit(node)
        for whole, op, right in reversed(terms):
            value = self.visit(right)
            try:
                total = total + value if isinstance(op, ast.Add) else total - value
            except (sp.ShapeError, TypeError, ValueError) as exc:
                self.fail(whole, f"cannot combine these: {exc}")
        return total

    def block(self, node):
        """block([[A, B], [C, D]]): the block matrix, its blocks' shapes checked by SymPy."""
        if len(node.args) != 1 or node.keywords or not isinstance(node.args[0], ast.List) or \
                not all(isinstance(row, ast.List) for row in node.args[0].elts) or \
                not node.args[0].elts:
            self.fail(node, "write a block matrix as block([[A, B], [C, D]])")
        rows = [[self.visit(cell) for cell in row.elts] for row in node.args[0].elts]
        if len({len(row) for row in rows}) != 1 or not all(
                getattr(cell, "is_Matrix", False) for row in rows for cell in row):
            self.fail(node, "a block matrix needs rows of equally many matrix blocks")
        try:
            return sp.BlockMatrix(rows)
        except (ValueError, TypeError, sp.ShapeError) as exc:
            self.fail(node, f"the blocks do not fit together: {exc}")

    def visit_Attribute(self, node):
        value = self.visit(node.value)
        if node.attr == "T" and getattr(value, "is_Matrix", False):
            return value.T
        if node.attr == "I" and getattr(value, "is_Matrix", False):
            return sp.Inverse(value)
        self.fail(node, f"unsupported attribute .{node.attr} (only .T and .I of a matrix)")

    def visit_Call(self, node):
        declared = self.scope.declarations.get(getattr(node.func, "id", None))
        if isinstance(declared, FunctionDeclaration) and not node.keywords:
            return declared.apply([self.visit(arg) for arg in node.args],
                                  lambda message: self.fail(node, message))
        if getattr(node.func, "id", None) == "indicator" and not node.keywords:
            return self.indicator(node)
        if isinstance(node.func, ast.Name) and node.func.id == "block" and \
                node.func.id not in self.scope.declarations:
            return self.block(node)
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS or node.keywords:
            self.fail(node, f"unknown function (use one of {', '.join(sorted(_FUNCTIONS))})")
        args = [self.visit(arg) for arg in node.args]
        try:
            return _FUNCTIONS[node.func.id](*args)
        except (TypeError, ValueError, sp.ShapeError) as exc:
            self.fail(node, f"cannot apply {node.func.id}: {exc}")

    def indicator(self, node):
        """indicator(a < b) (also <=, >, >=, chained a < x < b): 1 where it holds, else 0."""
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Compare):
            self.fail(node, "write indicator(a < b) with one comparison (<, <=, >, >=)")
        compare = node.args[0]
        terms = [self.visit(compare.left), *(self.visit(c) for c in compare.comparators)]
        conditions = []
        for op, a, b in zip(compare.ops, terms, terms[1:]):
            if type(op) not in _COMPARISONS or getattr(a, "is_Matrix", False) or \
                    getattr(b, "is_Matrix", False):
                self.fail(node, "an indicator compares scalars with <, <=, > or >=")
            conditions.append(_COMPARISONS[type(op)](a, b))
        return sp.Piecewise((sp.S.One, sp.And(*conditions)), (sp.S.Zero, True))


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FIRST_KINDS = ("dim", "interval", *SCALAR_KINDS)   # refer to no other name: declared first


class _Source(str):
    """The KIND text of a declaration; `offset` is where it starts in the declaration."""
    offset = 0


class _NotYet(Exception):
    """A declaration names something a later declaration declares: retried after it."""


def parse_declarations(text: str, scope: Scope) -> list[str]:
    """Declare in `scope` what `text` declares (see the module docstring); returns the names
    declared as dimensions only because a shape used them (`vector(n)` with no `n: dim`).

    Order does not matter: dimensions and scalars are declared first, then the rest, each
    declaration retried after the others while it names something a later one declares.
    `^` means `**` as in expressions. An error quotes the whole declaration."""
    items = []
    for item in _split_top_level(text):
        names, colon, kind = item.partition(":")
        if not colon or not names.strip():
            raise ExpressionError(f"cannot read the declaration {item!r}: write NAME: KIND")
        source = _Source(kind.strip().replace("^", "**"))
        source.offset = len(item) - len(item.partition(":")[2].lstrip())
        try:
            node = _parse(source, "declaration").body
        except ExpressionError as exc:
            detail = exc.message
            if detail.startswith("cannot read the declaration "):
                detail = detail[len(f"cannot read the declaration {source!r}: "):]
                detail = re.sub(r" at column \d+$", "", detail)
            raise ExpressionError(f"cannot read the declaration {item!r}: {detail}") from None
        kind_name = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            else node.id if isinstance(node, ast.Name) else None
        args = node.args if isinstance(node, ast.Call) else []
        for name in names.split():
            if not _NAME.fullmatch(name):
                raise ExpressionError(f"in the declaration {item!r}: {name!r} is not a valid name")
        items.append((item, names.split(), kind_name, args, source))
    pending_names = {name for _, names, *_ in items for name in names}
    inferred: list[str] = []
    order = [i for i in items if i[2] in _FIRST_KINDS] + \
        [i for i in items if i[2] not in _FIRST_KINDS]
    while order:
        waiting, first_wait = [], None
        for entry in order:
            item, names, kind_name, args, source = entry
            later = pending_names - set(scope.declarations)
            saved = dict(scope.declarations)
            try:
                if kind_name == "eigendecomposition":
                    _declare_eigendecomposition(scope, names, args, item, later)
                else:
                    for name in names:
                        _declare(scope, name, kind_name, args, item, source, later, inferred)
            except _NotYet as exc:
                scope.declarations.clear()
                scope.declarations.update(saved)
                waiting.append(entry)
                first_wait = first_wait or (item, str(exc))
            except ExpressionError as exc:
                raise ExpressionError(_quoted(item, exc.message)) from None
            except EngineError as exc:             # DeclarationError from the scope
                raise type(exc)(_quoted(item, exc.message)) from None
        if len(waiting) == len(order):             # no progress: a cycle
            item, name = first_wait
            raise ExpressionError(f"in the declaration {item!r}: {name} is declared only in terms "
                                  f"of declarations that need it (a cycle)")
        order = waiting
    return inferred


def _quoted(item: str, message: str) -> str:
    """`message` about the declaration `item`, quoting it whole (once)."""
    for prefix in (f"{item!r}: ", f"{item!r}"):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return f"in the declaration {item!r}: {message}"


def _declare(scope: Scope, name: str, kind: str | None, args, item: str, source: str = "",
             later: frozenset | set = frozenset(), inferred: list | None = None) -> None:
    """Declare `name` as `kind(args)`; `source` is the text the nodes were parsed from,
    `later` the names other declarations still to come declare (_NotYet when one is used),
    and `inferred` collects the names declared as dimensions because a shape used them."""
    source = source or item
    translator = _Translator(scope, source, declare_unknown=False, later=later)
    inferred = [] if inferred is None else inferred

    def number(arg):
        value = _Translator(Scope(), source, declare_unknown=False).visit(arg)
        return value

    def dimension(arg):
        """A shape entry: an undeclared plain name becomes a dimension, and is reported."""
        if isinstance(arg, ast.Name) and scope.lookup(arg.id) is None and \
                arg.id not in _CONSTANTS:
            if arg.id in later:
                raise _NotYet(arg.id)
            inferred.append(arg.id)
            return scope.dim(arg.id)
        return translator.visit(arg)

    if kind == "dim":
        bounds = [int(number(a)) for a in args] or [1, 5]
        scope.dim(name, *bounds)
    elif kind in SCALAR_KINDS:
        scope.scalar(name, kind)
    elif kind == "interval":
        low, high = (number(a) for a in args)
        scope.scalar(name, "real", (low, high))
    elif kind in _DISTRIBUTIONS:
        scope.random(name, _distribution(scope, kind, args, item, source, later))
    elif kind == "sequence":
        if not 1 <= len(args) <= 2:
            raise ExpressionError(f"{item!r}: write sequence(length) or sequence(length, first)")
        length = dimension(args[0])
        first = int(number(args[1])) if len(args) == 2 else 1
        scope.sequence(name, length, first)
    elif kind == "define":
        if not args:
            raise ExpressionError(f"{item!r}: write define(EXPRESSION[, structure...])")
        structure = [a.id for a in args[1:] if isinstance(a, ast.Name)]
        if len(structure) != len(args) - 1:
            raise ExpressionError(f"{item!r}: after the expression, only structures "
                                  f"({', '.join(STRUCTURES)})")
        scope.define(name, translator.visit(args[0]), *structure)
    elif kind in ("function", "expectation", "variance"):
        if name in scope.declarations:
            raise ExpressionError(f"{name} is declared twice")
        if kind == "function" and args and all(isinstance(a, ast.Name) for a in args):
            scope.unknown_function(name, [a.id for a in args])   # L: function(y, z)
            return
        if kind == "function":
            body = _function_body(scope, args, item, source, later)
        else:
            from . import ops
            body = ops.E if kind == "expectation" else ops.Var
        scope.declarations[name] = FunctionDeclaration(name, body)
    elif kind in ("matrix", "vector"):
        shape, structure = [], []
        distribution = None
        if args and isinstance(args[-1], ast.Call) and getattr(args[-1].func, "id", None) \
                in _DISTRIBUTIONS:
            last = args[-1]
            distribution = _distribution(scope, last.func.id, last.args, item, source, later)
            args = args[:-1]
        room = 2 if kind == "matrix" else 1
        for arg in args:
            if isinstance(arg, ast.Name) and arg.id in STRUCTURES:
                structure.append(arg.id)
            elif len(shape) == room:
                raise ExpressionError(f"{item!r}: unknown structure {ast.unparse(arg)!r}; use "
                                      f"{', '.join(STRUCTURES)}")
            else:
                shape.append(dimension(arg))
        if kind == "vector":
            shape.append(1)
        if len(shape) != 2:
            raise ExpressionError(f"{item!r}: a matrix needs (rows, cols), a vector (length)")
        if distribution is not None:
            if structure:
                raise ExpressionError(f"{item!r}: a random matrix has i.i.d. entries, no structure")
            scope.random(name, distribution, *shape)
        else:
            scope.matrix(name, *shape, *structure)
    else:
        kinds = ", ".join(["dim", *SCALAR_KINDS, "interval(a, b)", "matrix(r, c, ...)", "vector(n)",
                           "normal(m, v)", "uniform(a, b)", "bernoulli(p)", "laplace(m, b)",
                           "symmetric(v)", "sequence(n)", "define(expr)",
                           "eigendecomposition(H)", "function", "expectation", "variance"])
        raise ExpressionError(f"{item!r}: unknown kind; use one of {kinds}")


_DISTRIBUTIONS = {"normal": ("Normal", 2), "uniform": ("Uniform", 2),
                  "bernoulli": ("Bernoulli", 1), "laplace": ("Laplace", 2),
                  "symmetric": ("Symmetric", 1)}


def _distribution(scope: Scope, kind: str, args, item: str, source: str = "",
                  later: frozenset | set = frozenset()):
    """The engine.distributions object `kind(args...)`, parameters read in `scope`."""
    from . import distributions
    class_name, arity = _DISTRIBUTIONS[kind]
    if len(args) != arity:
        raise ExpressionError(f"{item!r}: {kind} takes {arity} parameter(s)")
    translator = _Translator(scope, source or item, declare_unknown=False, later=later)
    return getattr(distributions, class_name)(*(translator.visit(arg) for arg in args))


def _declare_eigendecomposition(scope: Scope, names: list, args, item: str,
                                later: frozenset | set = frozenset()) -> None:
    if len(names) != 3 or len(args) != 1 or not isinstance(args[0], ast.Name):
        raise ExpressionError(f"{item!r}: write U Lambda lambda: eigendecomposition(H)")
    matrix = scope.lookup(args[0].id)
    if matrix is None and args[0].id in later:
        raise _NotYet(args[0].id)
    if matrix is None:
        raise ExpressionError(f"{item!r}: {args[0].id} is not declared")
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ExpressionError(f"{name!r} is not a valid name")
    scope.eigendecomposition(matrix, *names)


def _function_body(scope: Scope, args, item: str, source: str = "",
                   later: frozenset | set = frozenset()):
    """None for an uninterpreted function, else a SymPy Lambda from `lambda x, y: EXPR`."""
    if not args:
        return None
    if len(args) != 1 or not isinstance(args[0], ast.Lambda):
        raise ExpressionError(f"{item!r}: write function or function(lambda x: EXPRESSION)")
    lam = args[0]
    if lam.args.vararg or lam.args.kwarg or lam.args.kwonlyargs or lam.args.defaults:
        raise ExpressionError(f"{item!r}: only plain parameters in lambda")
    local = Scope(dict(scope.declarations))
    parameters = []
    for parameter in lam.args.args:
        local.declarations.pop(parameter.arg, None)
        parameters.append(local.scalar(parameter.arg))
    body = _Translator(local, source or item, declare_unknown=False, later=later).visit(lam.body)
    return sp.Lambda(tuple(parameters), body)


@dataclass(frozen=True)
class FunctionDeclaration:
    """A declared function `name`: uninterpreted (`body` None), a SymPy Lambda, or one of
    engine.ops' E and Var."""
    name: str
    body: object = None

    @property
    def symbol(self):                   # what Scope.lookup returns for it
        return sp.Function(self.name, real=True) if self.body is None else self.body

    def apply(self, args: list, fail):
        """`name(args...)`; `fail(message)` raises for a wrong number of arguments."""
        if isinstance(self.body, sp.Lambda) and len(args) != len(self.body.variables):
            fail(f"{self.name} takes {len(self.body.variables)} argument(s), got {len(args)}")
        return self.symbol(*args)


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char in ",;" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]
