"""Declarations (`--where`, decls files): `^`, order, whole-declaration errors, shape dimensions,
and docs/declarations.md naming every kind the code accepts."""
import ast
import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from engine import expressions
from engine.errors import EngineError, ExpressionError
from engine.expressions import FunctionDeclaration, parse_declarations
from engine.scope import SCALAR_KINDS, STRUCTURES, Dim, Scope

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "declarations.md"


def declared(text):
    scope = Scope()
    inferred = parse_declarations(text, scope)
    return scope, inferred


def kinds_in_code() -> set:
    """Every KIND word `_declare` compares against, plus the tables it consults."""
    tree = ast.parse(inspect.getsource(expressions._declare))
    words = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Name) and \
                node.left.id == "kind":
            for comparator in node.comparators:
                for const in ast.walk(comparator):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        words.add(const.value)
    return words | set(SCALAR_KINDS) | set(expressions._DISTRIBUTIONS) | {"eigendecomposition"}


# -- the documentation names every kind ---------------------------------------------------------
def test_kinds_are_found_in_the_code():
    kinds = kinds_in_code()
    assert {"dim", "interval", "matrix", "vector", "sequence", "define", "function",
            "expectation", "variance", "normal", "uniform", "eigendecomposition",
            "positive_integer"} <= kinds


@pytest.mark.parametrize("kind", sorted(kinds_in_code()))
def test_every_kind_has_a_section_in_the_doc(kind):
    assert re.search(rf"^### `{kind}`$", DOC.read_text(), re.M), \
        f"docs/declarations.md has no '### `{kind}`' section"


@pytest.mark.parametrize("structure", STRUCTURES)
def test_every_structure_flag_is_in_the_doc(structure):
    assert f"`{structure}`" in DOC.read_text()


def test_every_example_in_the_doc_kind_sections_declares():
    """The first example of each kind section reads (with its prerequisites)."""
    prerequisites = "n m d: dim; s v p: positive; X: matrix(n, m); H: matrix(n, n, symmetric)"
    sections = re.findall(r"^### `(\w+)`\n`([^`]+)`", DOC.read_text(), re.M)
    assert len(sections) >= len(kinds_in_code())
    for kind, example in sections:
        names = example.partition(":")[0].split()
        if set(names) & {"n", "m", "d", "s", "v", "p", "X", "H"}:
            continue
        parse_declarations(prerequisites + "; " + example, Scope())


# -- 1: ^ as in expressions ----------------------------------------------------------------
def test_caret_in_a_function_body():
    scope, _ = declared("sigma: function(lambda t: t^2)")
    body = scope.declarations["sigma"].body
    t = body.variables[0]
    assert isinstance(scope.declarations["sigma"], FunctionDeclaration)
    assert sp.simplify(body.expr - t**2) == 0


def test_caret_in_a_distribution_parameter():
    scope, _ = declared("s: positive; x: normal(0, s^2)")
    s = scope.lookup("s")
    assert scope.declarations["x"].distribution.params[1] == s**2


def test_caret_in_a_definition_and_a_shape():
    scope, _ = declared("n: dim; A: matrix(n, n); B: define(A^2); v: vector(2^2)")
    A = scope.lookup("A")
    assert scope.declarations["B"].expr == A**2
    assert scope.lookup("v").shape == (4, 1)


# -- 2: order does not matter --------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "A: matrix(n, n); n: dim(2, 4)",
    "x: normal(0, s^2); s: positive",
    "H: define(X.T*X, symmetric); X: matrix(m, n); n m: dim(2, 3)",
    "U Lambda lambda: eigendecomposition(H); H: matrix(n, n, symmetric); n: dim",
    "f: function(lambda t: a*t); a: positive",
])
def test_declaration_order_does_not_matter(text):
    forward, _ = declared(text)
    backward, _ = declared("; ".join(reversed(re.split(r";\s*", text))))
    assert set(forward.declarations) == set(backward.declarations)
    for name in forward.declarations:
        assert type(forward.declarations[name]) is type(backward.declarations[name])


def test_a_later_dim_keeps_its_range():
    scope, inferred = declared("A: matrix(n, n); n: dim(2, 4)")
    assert scope.declarations["n"] == Dim(scope.lookup("n"), 2, 4) and inferred == []


def test_a_cycle_is_an_error_quoting_a_declaration():
    with pytest.raises(ExpressionError, match=r"declaration 'a: define\(b\)'.*cycle"):
        declared("a: define(b); b: define(a)")


def test_a_name_declared_twice_is_still_an_error():
    with pytest.raises(EngineError, match=r"in the declaration 'x: real'.*declared twice"):
        declared("x: dim; x: real")


# -- 3: errors quote the whole declaration -------------------------------------------------
def test_an_unbalanced_declaration_is_quoted_whole():
    text = "sigma: function(lambda t: 1/(1+exp(-t))"
    with pytest.raises(ExpressionError) as info:
        declared(text)
    assert repr(text) in info.value.message
    assert "column" not in info.value.message


def test_an_unknown_name_is_quoted_with_its_declaration_and_right_column():
    with pytest.raises(ExpressionError) as info:
        declared("n: dim; x: normal(m, 1)")
    message = info.value.message
    assert "'x: normal(m, 1)'" in message and "unknown name m" in message
    assert "'m' at column 11" in message                  # 'x: normal(m' -> m is the 11th


def test_an_unknown_structure_names_the_declaration_once():
    with pytest.raises(ExpressionError) as info:
        declared("A: matrix(n, n, squarish)")
    assert info.value.message.count("matrix(n, n, squarish)") == 1
    assert "unknown structure 'squarish'" in info.value.message


def test_a_scope_error_quotes_the_declaration():
    with pytest.raises(EngineError, match=r"'A: matrix\(2, 3, symmetric\)'.*square"):
        declared("A: matrix(2, 3, symmetric)")


# -- 4: dimensions used in a shape are declared as dims and reported ------------------------
def test_a_shape_name_becomes_a_reported_dim():
    scope, inferred = declared("w: vector(n); A: matrix(n, m)")
    assert inferred == ["n", "m"]
    assert isinstance(scope.declarations["n"], Dim) and isinstance(scope.declarations["m"], Dim)


def test_a_declared_dim_is_not_reported():
    _, inferred = declared("n: dim; w: vector(n)")
    assert inferred == []


def run(*args):
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_equal_prints_assumed_dimensions():
    result = run("equal", "tr(A*B)", "tr(B*A)", "--where", "A: matrix(n, m); B: matrix(m, n)")
    assert result.returncode == 0, result.stderr
    assert "assumed dimensions: n, m" in result.stdout
    quiet = run("equal", "tr(A*B)", "tr(B*A)", "--where",
                "A: matrix(n, m); B: matrix(m, n); n m: dim")
    assert quiet.returncode == 0 and "assumed dimensions" not in quiet.stdout


def test_equal_json_lists_assumed_dimensions():
    result = run("equal", "w.T*w", "w.T*w", "--where", "w: vector(n)", "--format", "json")
    assert json.loads(result.stdout)["assumed_dims"] == ["n"]


def test_equal_reports_an_unbalanced_declaration_whole():
    result = run("equal", "x", "x", "--where", "sigma: function(lambda t: 1/(1+exp(-t))")
    assert result.returncode == 2
    assert "'sigma: function(lambda t: 1/(1+exp(-t))'" in result.stderr
