r"""The LaTeX front end: a table of identities with their verdicts, inputs that must be refused,
the round trip of the bundled corpus, macros, and `grade` / `equal --latex` on the command line."""
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from engine.check import check_relation, plan
from engine.errors import ExpressionError
from engine.expressions import parse_declarations
from engine.latex_input import (MAX_LENGTH, collect_macros, expand_macros, parse_latex,
                                read_statements)
from engine.model import Relation, Verdict
from engine.scope import Scope
from engine.settings import CheckSettings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = CheckSettings(timeout=20)

# Declarations the table uses.
POS = "a b c d x y r: positive"
RAND = "z: normal(0, 1); u: uniform(0, 1); x y: normal(0, 1)"
MAT = "n m: dim; A B C: matrix(n, n); v w: vector(n); X: matrix(m, n)"
INV = "n: dim; A B: matrix(n, n, invertible); Q: matrix(n, n, orthogonal)"
SYM = "n: dim; S: matrix(n, n, symmetric); U Lambda lambda: eigendecomposition(S)"
GAUSS = "n: dim; A: matrix(n, n); g: vector(n, normal(0, 1))"
SIGMOID = "sigma: function(lambda t: 1/(1 + exp(-t)))"
HMU = "n: dim; mu: positive; H: matrix(n, n); H_mu: define(H + mu*eye(n)); A x: matrix(n, n)"

HOLDS, REFUTED = "holds", "refuted"

# (lhs, rhs, declarations, expected): textbook identities and the mistakes students make.
TABLE = [
    # scalar algebra
    (r"(a+b)^2", r"a^2 + 2ab + b^2", "", HOLDS),
    (r"(a-b)(a+b)", r"a^2 - b^2", "", HOLDS),
    (r"\frac{1}{2} + \frac{1}{3}", r"\frac{5}{6}", "", HOLDS),
    (r"\frac12 x", r"\frac{x}{2}", "", HOLDS),
    (r"2x + 3x", r"5x", "", HOLDS),
    (r"x \cdot y", r"y x", "", HOLDS),
    (r"x \times y", r"xy", "", HOLDS),
    (r"\left( x + 1 \right)^{2}", r"x^2 + 2x + 1", "", HOLDS),
    (r"\sqrt{x^2}", r"x", POS, HOLDS),
    (r"\sqrt[3]{8}", r"2", "", HOLDS),
    (r"\exp(a + b)", r"\exp(a) \exp(b)", "", HOLDS),
    (r"e^{a} e^{b}", r"e^{a+b}", "", HOLDS),
    (r"\log(xy)", r"\log x + \log y", POS, HOLDS),
    (r"\ln(e^{x})", r"x", "", HOLDS),
    (r"\sin^2 x + \cos^2 x", r"1", "", HOLDS),
    (r"\sin(2x)", r"2\sin x \cos x", "", HOLDS),
    (r"\tan x", r"\frac{\sin x}{\cos x}", "", HOLDS),
    (r"\max(a, b) + \min(a, b)", r"a + b", "", HOLDS),
    (r"\sum_{i=1}^{n} i", r"\frac{n(n+1)}{2}", "n: dim", HOLDS),
    (r"\sum_{i=1}^{n} 1", r"n", "n: dim", HOLDS),
    (r"\prod_{k=1}^{3} k", r"6", "", HOLDS),
    (r"|x|^2", r"x^2", "", HOLDS),
    (r"|xy|", r"|x||y|", "", HOLDS),
    (r"\sigma_w^2 d", r"d \sigma_w^2", "", HOLDS),
    (r"\hat{w} - \hat w", r"0", "", HOLDS),
    (r"\bar{x} + \overline{x}", r"2\bar{x}", "", HOLDS),
    (r"w^* + w_*", r"2 w^{*}", "", HOLDS),
    (r"\frac{\sigma^2}{d} \cdot d", r"\sigma^2", POS, HOLDS),
    (r"\dfrac{a}{b} \tfrac{b}{a}", r"1", POS, HOLDS),
    (r"\binom{4}{2}", r"6", "", HOLDS),
    (r"\lfloor 3.7 \rfloor", r"3", "", HOLDS),
    (r"\lceil 3.2 \rceil", r"4", "", HOLDS),
    (r"\left\lfloor \frac{7}{2} \right\rfloor", r"3", "", HOLDS),
    (r"\left[ a + b \right] c", r"ac + bc", "", HOLDS),
    (r"2^{10}", r"1024", "", HOLDS),
    (r"x^{-1}", r"\frac{1}{x}", POS, HOLDS),
    (r"a^{m} a^{n}", r"a^{m+n}", POS, HOLDS),
    (r"\frac{a}{b} + \frac{c}{d}", r"\frac{ad + bc}{bd}", POS, HOLDS),
    (r"0.5 x", r"\frac{x}{2}", "", HOLDS),
    (r"0.1 + 0.2", r"0.3", "", HOLDS),
    (r"\pi r^2", r"r^2 \pi", POS, HOLDS),
    (r"x(y+1)", r"xy + x", "", HOLDS),
    (r"\beta_1^2 m + \beta_1(1-\beta_1) g", r"\beta_1 (\beta_1 m + (1 - \beta_1) g)", "", HOLDS),
    (r"\sum_{i=0}^{2} \beta^{i}", r"1 + \beta + \beta^2", "", HOLDS),
    (r"\prod_{i=1}^{n} 2", r"2^{n}", "n: dim", HOLDS),
    (r"(20 + 1) \times 10 + 4 \times (10 + 1) \times 10 + (10 + 1) \times 1", r"661", "", HOLDS),
    (r"\frac{1}{\sqrt{d \cdot \frac{1}{2}}}", r"\sqrt{\frac{2}{d}}", POS, HOLDS),
    (r"\frac{e^{a}}{e^{a} + e^{-a}}", r"\frac{1}{1 + e^{-2a}}", "", HOLDS),
    (r"\sum_{i=1}^{n} (2i - 1)", r"n^2", "n: dim", HOLDS),
    (r"\frac{x^2 - 1}{x - 1}", r"x + 1", "x: interval(2, 5)", HOLDS),
    (r"\left| -3 \right|", r"3", "", HOLDS),
    (r"\sqrt{a} \sqrt{b}", r"\sqrt{ab}", POS, HOLDS),
    (r"\log_2 8", r"3", "", HOLDS),
    (r"\cosh^2 x - \sinh^2 x", r"1", "", HOLDS),
    # functions are declared, never guessed
    (r"\sigma(x)", r"\frac{1}{1 + e^{-x}}", SIGMOID, HOLDS),
    (r"\sigma(x) (1 - \sigma(x))", r"\frac{e^{-x}}{(1 + e^{-x})^2}", SIGMOID, HOLDS),
    (r"\sigma(-x)", r"1 - \sigma(x)", SIGMOID, HOLDS),
    (r"\sigma(x)", r"\sigma x", "", HOLDS),
    # expectations and variances of declared random variables
    (r"\mathbb{E}[z^2]", r"1", RAND, HOLDS),
    (r"\mathbb{E}[z]", r"0", RAND, HOLDS),
    (r"\operatorname{Var}(z)", r"1", RAND, HOLDS),
    (r"\mathbb{E}[2z + 3]", r"3", RAND, HOLDS),
    (r"\mathbb{E}[z^2] - (\mathbb{E}[z])^2", r"\operatorname{Var}(z)", RAND, HOLDS),
    (r"\mathbb{E}\left[(z+1)^2\right]", r"2", RAND, HOLDS),
    (r"\operatorname{Var}(2z)", r"4", RAND, HOLDS),
    (r"\mathbb{E}[u]", r"\frac{1}{2}", RAND, HOLDS),
    (r"\mathrm{Var}[u]", r"\frac{1}{12}", RAND, HOLDS),
    (r"\operatorname{Cov}(x, y)", r"0", RAND, HOLDS),
    (r"\mathbb{E}[xy]", r"\mathbb{E}[x]\mathbb{E}[y]", RAND, HOLDS),
    (r"\operatorname{Var}(x + y)", r"2", RAND, HOLDS),
    (r"\text{Var}(z)", r"\mathbb{E}[z^2]", RAND, HOLDS),
    # matrices keep their order
    (r"(AB)^T", r"B^T A^T", MAT, HOLDS),
    (r"(AB)^\top", r"B^\top A^\top", MAT, HOLDS),
    (r"(A^T)^T", r"A", MAT, HOLDS),
    (r"\operatorname{tr}(AB)", r"\operatorname{tr}(BA)", MAT, HOLDS),
    (r"\operatorname{tr}(ABC)", r"\operatorname{tr}(CAB)", MAT, HOLDS),
    (r"\mathrm{Tr}(A + B)", r"\mathrm{Tr}(A) + \mathrm{Tr}(B)", MAT, HOLDS),
    (r"\text{Tr}\left[ A^\top \right]", r"\text{Tr}[A]", MAT, HOLDS),
    (r"\det(AB)", r"\det(A)\det(B)", MAT, HOLDS),
    (r"\det(A^T)", r"\det A", MAT, HOLDS),
    (r"|A|", r"\det A", MAT, HOLDS),
    (r"A (B + C)", r"AB + AC", MAT, HOLDS),
    (r"(A + B)^2", r"A^2 + AB + BA + B^2", MAT, HOLDS),
    (r"A I", r"A", MAT, HOLDS),
    (r"I A \mathbf{I}", r"A", MAT, HOLDS),
    (r"(A + 2 I)^T", r"A^T + 2 \mathbb{I}", MAT, HOLDS),
    (r"v^T w", r"w^T v", MAT, HOLDS),
    (r"v \cdot w", r"w^\top v", MAT, HOLDS),
    (r"\|v\|^2", r"v^T v", MAT, HOLDS),
    (r"\|A v\|^2", r"v^\top A^\top A v", MAT, HOLDS),
    (r"\| v \|", r"\sqrt{v^T v}", MAT, HOLDS),
    (r"\left\| v + w \right\|^2", r"\|v\|^2 + 2 v^T w + \|w\|^2", MAT, HOLDS),
    (r"(X^\top X)^\top", r"X^\top X", MAT, HOLDS),
    (r"\operatorname{tr}(X^T X)", r"\operatorname{tr}(X X^T)", MAT, HOLDS),
    (r"A \odot B", r"B \odot A", MAT, HOLDS),
    (r"(A \odot B)^T", r"A^T \odot B^T", MAT, HOLDS),
    (r"\sum_{i=1}^{n} v_i w_i", r"v^T w", MAT, HOLDS),
    (r"\sum_{i=1}^{n} A_{ii}", r"\operatorname{tr}(A)", MAT, HOLDS),
    (r"\sum_{i=1}^{n} A_{i,i}", r"\operatorname{tr}A", MAT, HOLDS),
    (r"v^T A v", r"v^T A^T v", MAT, HOLDS),
    (r"\frac{1}{2} v^\top (A + A^\top) v", r"v^T A v", MAT, HOLDS),
    (r"v^T w + 1", r"1 + w^T v", MAT, HOLDS),
    (r"e^{v^T w}", r"e^{w^T v}", MAT, HOLDS),
    (r"\sum_{i=1}^{n} (A)_i^T (A)_i", r"\operatorname{tr}(A^T A)", MAT, HOLDS),
    (r"\sum_{i=1}^{m} (X)_i (X^T)_i", r"\operatorname{tr}(X X^T)", MAT, HOLDS),
    (r"\nabla_{v} (v^T A v)", r"(A + A^T) v", MAT, HOLDS),
    (r"\nabla_{v} (v^T v)", r"2 v", MAT, HOLDS),
    (r"(AB)^{-1}", r"B^{-1} A^{-1}", INV, HOLDS),
    (r"(A^{-1})^T", r"(A^T)^{-1}", INV, HOLDS),
    (r"A^{-1} A", r"I", INV, HOLDS),
    (r"Q^\top Q", r"I", INV, HOLDS),
    (r"\det(A^{-1})", r"\frac{1}{\det A}", INV, HOLDS),
    (r"\operatorname{tr}(A^{-1} B A)", r"\operatorname{tr}(B)", INV, HOLDS),
    (r"U \Lambda U^\top", r"S", SYM, HOLDS),
    (r"\operatorname{tr}(S)", r"\sum_{i=1}^{n} \lambda_i", SYM, HOLDS),
    (r"\det S", r"\prod_{i=1}^{n}\lambda_i", SYM, HOLDS),
    (r"\operatorname{tr}(S^2)", r"\sum_{i=1}^{n} \lambda_i^2", SYM, HOLDS),
    (r"\mathbb{E}[g^T A g]", r"\operatorname{tr}(A)", GAUSS, HOLDS),
    (r"\mathbb{E}\|g\|^2", r"n", GAUSS, HOLDS),
    (r"\mathbb{E}\left[\|A g\|^2\right]", r"\operatorname{tr}(A^T A)", GAUSS, HOLDS),
    (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}^T", r"\begin{bmatrix} 1 & 3 \\ 2 & 4 \end{bmatrix}",
     "", HOLDS),
    (r"\det \begin{bmatrix} a & b \\ c & d \end{bmatrix}", r"ad - bc", "", HOLDS),
    (r"\begin{pmatrix} 2 & 0 \\ 0 & 2 \end{pmatrix}^{2}", r"\begin{pmatrix} 4 & 0 \\ 0 & 4 \end{pmatrix}",
     "", HOLDS),
    (r"(\mathbf{A}\mathbf{x})^\top", r"\mathbf{x}^\top \mathbf{A}^\top", HMU, HOLDS),
    (r"\mathbf{H}_\mu", r"H + \mu I", HMU, HOLDS),
    (r"\mathbf{H}_\mu^{-1} (H + \mu \mathbf{I})", r"I", HMU, HOLDS),
    (r"\boldsymbol{\theta}^T \boldsymbol{\theta}", r"\|\theta\|^2", "n: dim; theta: vector(n)",
     HOLDS),
    (r"\|w_{\text{true}}\|^2", r"w_{true}^T w_{true}", "n: dim; w_true: vector(n)", HOLDS),
    (r"\sum_{i,j=1}^{n} \delta_{ij} v_i w_j", r"v^T w", MAT, HOLDS),
    # integrals, cases, derivatives, diag and entrywise functions (as the writeups print them)
    (r"\begin{cases} x & \text{for}\: x > 0 \\0 & \text{otherwise} \end{cases}", r"\max(x, 0)",
     "", HOLDS),
    (r"\frac{\partial \left(v^{T} A v\right)}{\partial v}", r"v^T (A + A^T)", MAT, HOLDS),
    (r"\operatorname{diag}(v) w", r"v \odot w", MAT, HOLDS),
    (r"{\left( t \mapsto \max\left(0, t\right) \right)}_{\circ}\left({2 v}\right)",
     r"2 {\left( s \mapsto \max\left(0, s\right) \right)}_{\circ}\left({v}\right)", MAT, HOLDS),
    # the mistakes: each must be refuted
    (r"(a+b)^2", r"a^2 + b^2", "", REFUTED),
    (r"\sqrt{a + b}", r"\sqrt{a} + \sqrt{b}", POS, REFUTED),
    (r"\frac{a+b}{c+d}", r"\frac{a}{c} + \frac{b}{d}", POS, REFUTED),
    (r"\log(a + b)", r"\log a + \log b", POS, REFUTED),
    (r"e^{a+b}", r"e^a + e^b", "", REFUTED),
    (r"\sin(a + b)", r"\sin a + \sin b", "", REFUTED),
    (r"\frac{1}{2} + \frac{1}{3}", r"\frac{2}{5}", "", REFUTED),
    (r"2^{3}", r"6", "", REFUTED),
    (r"\sum_{i=1}^{n} i", r"n^2", "n: dim", REFUTED),
    (r"\sum_{i=1}^{n} i^2", r"\left(\sum_{i=1}^{n} i\right)^2", "n: dim", REFUTED),
    (r"|a + b|", r"|a| + |b|", "", REFUTED),
    (r"\max(a, b)", r"a", "", REFUTED),
    (r"\sigma_w^2 / d", r"\sigma_w^2", POS, REFUTED),
    (r"x^{-1}", r"-x", POS, REFUTED),
    (r"\binom{4}{2}", r"4", "", REFUTED),
    (r"\frac{a}{b}", r"\frac{b}{a}", POS, REFUTED),
    (r"\exp(\log(x))", r"x^2", POS, REFUTED),
    (r"\hat{w}", r"w", "", REFUTED),
    (r"\frac{e^{a}}{e^{a} + e^{-a}}", r"\frac{1}{1 + e^{-a}}", "", REFUTED),
    (r"\sigma(-x)", r"\sigma(x)", SIGMOID, REFUTED),
    (r"\prod_{i=1}^{n} 2", r"2n", "n: dim", REFUTED),
    (r"\frac{1}{\sqrt{d \cdot \frac{1}{2}}}", r"\sqrt{\frac{1}{d}}", POS, REFUTED),
    (r"\mathbb{E}[z^2]", r"0", RAND, REFUTED),
    (r"\operatorname{Var}(2z)", r"2", RAND, REFUTED),
    (r"\mathbb{E}[z]^2", r"1", RAND, REFUTED),
    (r"\operatorname{Var}(u)", r"\frac{1}{4}", RAND, REFUTED),
    (r"\mathbb{E}[xy]", r"1", RAND, REFUTED),
    (r"\operatorname{Var}(x + y)", r"1", RAND, REFUTED),
    (r"(AB)^T", r"A^T B^T", MAT, REFUTED),
    (r"AB", r"BA", MAT, REFUTED),
    (r"(A + B)^2", r"A^2 + 2AB + B^2", MAT, REFUTED),
    (r"\operatorname{tr}(ABC)", r"\operatorname{tr}(BAC)", MAT, REFUTED),
    (r"\det(A + B)", r"\det A + \det B", MAT, REFUTED),
    (r"\|v + w\|^2", r"\|v\|^2 + \|w\|^2", MAT, REFUTED),
    (r"v^T A v", r"v^T v", MAT, REFUTED),
    (r"A \odot B", r"AB", MAT, REFUTED),
    (r"\operatorname{tr}(A B)", r"\operatorname{tr}(A)\operatorname{tr}(B)", MAT, REFUTED),
    (r"\det(2A)", r"2 \det A", MAT, REFUTED),
    (r"\nabla_{v}(v^T A v)", r"2 A v", MAT, REFUTED),
    (r"\operatorname{tr}(X^T X A)", r"\operatorname{tr}(A)\operatorname{tr}(X^T X)", MAT, REFUTED),
    (r"\sum_{i=1}^{n} A_{ii}", r"\det A", MAT, REFUTED),
    (r"(AB)^{-1}", r"A^{-1} B^{-1}", INV, REFUTED),
    (r"(A^{-1})^T", r"A^{-1}", INV, REFUTED),
    (r"\det(A^{-1})", r"\det A", INV, REFUTED),
    (r"U \Lambda U^T", r"\Lambda", SYM, REFUTED),
    (r"\mathbb{E}[g^T A g]", r"\operatorname{tr}(A)^2", GAUSS, REFUTED),
    (r"\mathbb{E}\|g\|^2", r"1", GAUSS, REFUTED),
    (r"\mathbb{E}[\|A g\|^2]", r"\operatorname{tr}(A)", GAUSS, REFUTED),
    (r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}^T", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}",
     "", REFUTED),
    (r"\mathbf{H}_\mu", r"H", HMU, REFUTED),
    (r"\begin{cases} x & x > 0 \\ 0 & \text{otherwise} \end{cases}", r"|x|", "", REFUTED),
    (r"\frac{\partial \left(v^{T} A v\right)}{\partial v}", r"2 v^T A", MAT, REFUTED),
    (r"{\left( t \mapsto \max\left(0, t\right) \right)}_{\circ}\left({-v}\right)",
     r"-{\left( t \mapsto \max\left(0, t\right) \right)}_{\circ}\left({v}\right)", MAT, REFUTED),
]


def _check(lhs_text, rhs_text, where):
    scope = Scope()
    parse_declarations(where, scope)
    lhs = parse_latex(lhs_text, scope)
    rhs = parse_latex(rhs_text, scope, like=lhs)
    return check_relation(Relation.EQ, lhs, rhs, scope, np.random.default_rng(7), SETTINGS)


def test_the_table_has_at_least_150_pairs_true_and_false_scalar_and_matrix():
    assert len(TABLE) >= 150
    assert sum(1 for *_, e in TABLE if e == REFUTED) >= 40
    assert sum(1 for _, _, where, _ in TABLE if "matrix" in where) >= 50


@pytest.mark.parametrize("lhs, rhs, where, expected", TABLE,
                         ids=[f"{i:03d}" for i in range(len(TABLE))])
def test_identity_table_verdicts(lhs, rhs, where, expected):
    outcome = _check(lhs, rhs, where)
    if expected == HOLDS:
        assert outcome.verdict.holds, (lhs, rhs, outcome)
    else:
        assert outcome.verdict == Verdict.REFUTED, (lhs, rhs, outcome)


# -- reading: what each construct means ------------------------------------------------------

def _read(text, where="", **options):
    scope = Scope()
    parse_declarations(where, scope)
    return parse_latex(text, scope, **options), scope


def test_products_of_declared_matrices_keep_their_order():
    ab, _ = _read("A B", MAT)
    ba, _ = _read("B A", MAT)
    assert str(ab) == "A*B" and str(ba) == "B*A" and ab != ba


def test_function_application_needs_a_declaration():
    product, scope = _read(r"f(x+1)")
    assert product.is_Mul and "f" in scope.declarations
    applied, _ = _read(r"f(x+1)", "f: function")
    assert type(applied).__name__ == "f"


def test_undeclared_letters_are_assumed_and_listed_and_strict_refuses_them():
    assumed = []
    scope = Scope()
    parse_latex(r"\alpha x + y", scope, assumed=assumed)
    assert assumed == ["alpha", "x", "y"]
    with pytest.raises(ExpressionError, match="unknown name x"):
        parse_latex("x", Scope(), strict=True)


def test_decorated_symbols_are_symbols_of_their_own():
    value, scope = _read(r"\hat{w} + \tilde{X} + \bar{x} + \mathcal{R} + w^* + x'")
    assert {"w_hat", "X_tilde", "x_bar", "R_cal", "w_star", "x_prime"} <= set(scope.declarations)


def test_norm_squared_is_sqnorm_and_a_lone_norm_its_square_root():
    from engine.ops import SquaredNorm
    squared, _ = _read(r"\|v\|^2", MAT)
    assert isinstance(squared, SquaredNorm)
    alone, _ = _read(r"\left\| v \right\|", MAT)
    assert alone.has(SquaredNorm) and alone.is_Pow


def test_expectation_and_variance_use_the_engine_operators():
    from engine.ops import Expectation, Variance
    e, _ = _read(r"\mathbb{E}[z]", RAND)
    v, _ = _read(r"\operatorname{Var}(z)", RAND)
    assert isinstance(e, Expectation) and isinstance(v, Variance)


def test_a_conditional_expectation_reads_the_condition_after_middle_bar_or_mid():
    from engine.ops import ConditionalExpectation
    value, scope = _read(r"\mathbb{E}\left[z^2 \,\middle|\, x, y\right]", RAND)
    assert isinstance(value, ConditionalExpectation)
    assert value.given == (scope.lookup("x"), scope.lookup("y"))
    assert _read(r"\mathbb{E}[z \mid x]", RAND)[0].given == (scope.lookup("x"),)
    assert not isinstance(_read(r"\mathbb{E}[z + x]", RAND)[0], ConditionalExpectation)


def test_a_matrix_of_ones_prints_with_its_shape_and_reads_back():
    from engine.render.latex import to_latex
    from engine.render.mathml import expression
    scope = Scope()
    parse_declarations("n m: dim; A: matrix(n, m)", scope)
    n, m, A = (scope.lookup(k) for k in "n m A".split())
    ones = A * sp.OneMatrix(m, 1)
    assert to_latex(ones) == r"A \mathbf{1}_{m \times 1}"
    assert parse_latex(to_latex(ones), scope) == ones
    assert parse_latex(r"\mathbf{1}_{1 \times n} A", scope) == sp.OneMatrix(1, n) * A
    assert "&#215;" in expression(sp.OneMatrix(n, m))      # MathML shows the shape too
    with pytest.raises(ExpressionError, match="with its shape"):
        parse_latex(r"\mathbf{1}_{n}", scope)


def test_finite_quantifiers_read_back_as_forall_and_count_over_the_same_spaces():
    from engine.finite import Count, ForAll, Integers, Vectors
    from engine.latex_input import parse_statement
    from engine.render.latex import to_latex
    q, k, w, v = sp.symbols("q k w v", integer=True)
    statements = [
        ForAll(sp.Ge(q**k, 1), (q, [1, 3]), (k, Integers(1, q))),
        ForAll(sp.Eq(Count(sp.Eq(w, v), (w, Vectors(Integers(0, q), k))), 1),
               (q, [2]), (k, Integers(1, 2)), (v, Vectors(Integers(0, q), k))),
        sp.Eq(Count(sp.Eq(sp.ceiling(sp.Integer(10) / q), 4), (q, Integers(1, 10))), 1),
    ]
    for statement in statements:
        assert parse_statement(to_latex(statement), Scope(), strict=True) == statement
    with pytest.raises(ExpressionError, match="range of integers"):
        parse_statement(r"\forall q \in \left\{1, \dots\right\}:\ q > 0", Scope())


def test_a_declared_computation_reads_back_from_the_latex_it_prints_as():
    from engine.computed import computation
    from engine.render.latex import to_latex

    @computation(latex=r"\#\mathrm{params}_{\lambda=0.1}")
    def params(width):
        return 3 * width

    @computation
    def peak_width():
        return 4

    scope = Scope()
    parse_declarations("x: real", scope)
    x = scope.lookup("x")
    for expr in (params(2) + x, peak_width() ** 2 * x):
        functions = {type(a).__name__: type(a) for a in expr.atoms(params, peak_width)}
        assert parse_latex(to_latex(expr), scope, strict=True, functions=functions) == expr
    with pytest.raises(ExpressionError):           # not declared: never guessed
        parse_latex(to_latex(params(2)), scope, strict=True)


def test_the_derivative_of_a_declared_function_is_its_prime():
    value, scope = _read(r"\sigma'(x)", SIGMOID + "; x: real")
    x = scope.lookup("x")
    assert sp.simplify(value - sp.exp(-x) / (1 + sp.exp(-x))**2) == 0
    value, scope = _read(r"f'(x)", "f: function; x: real")
    assert value.has(sp.Derivative)
    value, scope = _read(r"g'(x)", "x: real")             # not a function: the name g_prime
    assert "g_prime" in {str(a) for a in value.free_symbols}


def test_a_probability_is_the_expectation_of_the_events_indicator():
    from engine.ops import Expectation
    for text in (r"\Pr(z > 0)", r"\mathbb{P}(z > 0)", r"P_{z \sim \mathcal{N}(0, 1)}(z > 0)"):
        value, scope = _read(text, RAND)
        z = scope.lookup("z")
        assert value == Expectation(sp.Piecewise((1, z > 0), (0, True)))
    value, _ = _read(r"\mathbb{E}_{z \sim \mathcal{N}(0,1)}[z^2]", RAND)
    assert isinstance(value, Expectation)


@pytest.mark.parametrize("text, message", [
    (r"P_{q \sim P_W}(q = 1)", "declare its distribution"),
    (r"\mathbb{E}_{q \sim P_W}[q]", "declare its distribution"),
    (r"P(t > T)", r"an event is read only as"),
    (r"P_{z \sim P}(\forall x : x = 1)", "finite spaces"),
])
def test_a_probability_the_declarations_do_not_cover_is_a_clear_error(text, message):
    with pytest.raises(ExpressionError, match=message):
        _read(text, RAND)


def test_annotations_labels_and_spacing_are_dropped():
    value, _ = _read(r"x \, + \; y \label{eq:1} \nonumber \quad \text{(by definition)}")
    plain, _ = _read("x + y")
    assert value == plain


def test_a_line_reads_into_a_chain_with_relations_and_its_justification():
    scope = Scope()
    (statement,) = read_statements(r"&= a + b \\leq c \quad \text{(triangle)}".replace(
        r"\\leq", r"\leq"), scope)
    assert statement.leading == "=" and statement.relations == ("<=",)
    assert statement.annotation == "(triangle)"
    both = read_statements(r"x = 1 \Rightarrow y = 2", Scope())
    assert [s.connective for s in both] == ["", "=>"]


def test_statements_read_into_sympy_booleans():
    from engine.latex_input import parse_statement
    x = sp.Symbol("x", real=True)
    scope = Scope()
    parse_declarations("x: real", scope)
    assert parse_statement(r"\left(x < 1 \vee x \neq 2\right) \wedge x > 0", scope) == \
        sp.And(sp.Or(x < 1, sp.Ne(x, 2)), x > 0)
    assert parse_statement(r"0 < x \leq 1", scope) == sp.And(sp.Lt(0, x, evaluate=False),
                                                             sp.Le(x, 1, evaluate=False))
    assert parse_statement(r"\neg x > 0 \Rightarrow x \leq 0", scope) == \
        sp.Implies(sp.Not(x > 0), x <= 0)
    assert parse_statement(r"\text{True}", scope) is sp.true
    with pytest.raises(ExpressionError, match="needs a relation"):
        parse_statement(r"x + 1", scope)


def test_a_definite_integral_binds_its_variable():
    value, scope = _read(r"\int\limits_{0}^{a} 2 t x \, dt + \int_0^1 dx", "a x: positive")
    assert value.doit() == scope.lookup("a")**2 * scope.lookup("x") + 1
    assert "t" not in scope.declarations


def test_notation_names_a_symbol_by_the_latex_the_source_uses():
    scope = Scope()
    parse_declarations("n: dim; w: vector(n); p_star: positive", scope)
    notation = {"w": r"w^{[l]}", "p_star": r"p_*"}
    value = parse_latex(r"\left(w^{[l]}\right)^{T} w^{[l]} + p_*", scope, strict=True,
                        notation=notation)
    assert value.free_symbols == {scope.lookup("w"), scope.lookup("p_star")}
    with pytest.raises(ExpressionError, match="unknown name"):
        parse_latex(r"w^{[l]}", scope, strict=True)


def test_relations_are_all_recognised():
    text = r"a = b \neq c < d > e \le f \leq g \ge h \geq i \approx j"
    (statement,) = read_statements(text, Scope())
    assert statement.relations == ("=", "≠", "<", ">", "<=", "<=", ">=", ">=", "≈")
    for connective in (r"\iff", r"\implies", r"\Rightarrow"):
        statements = read_statements(rf"a = b {connective} c = d", Scope())
        assert statements[1].connective in ("=>", "<=>")


def test_a_side_that_cannot_be_read_does_not_stop_the_others():
    (statement,) = read_statements(r"x = \foo{y} = x", Scope())
    first, second, third = statement.sides
    assert first.expr is not None and third.expr is not None
    assert second.expr is None and "unknown macro \\foo" in second.error


# -- inputs that must be refused -----------------------------------------------------------

def _exploding_document():
    """\\ma expands to x, every further macro to two copies of the one before."""
    names = ["m" + chr(ord("a") + k) for k in range(26)]
    lines = [rf"\def\{names[0]}{{x}}"] + [rf"\def\{names[k]}{{\{names[k - 1]}\{names[k - 1]}}}"
                                          for k in range(1, 26)]
    return "\n".join(lines)


REJECTED = [
    (r"\frac{1}{2", "unbalanced"),
    (r"x + {y", "unbalanced"),
    (r"x + y}", "unbalanced"),
    (r"\left( x + y", "unbalanced \\left"),
    (r"(x + y", "unclosed parenthesis"),
    (r"x + y)", "stray parenthesis"),
    (r"\foo{x}", "unknown macro"),
    (r"\input{/etc/passwd}", "\\input"),
    (r"\include{chapter}", "\\include"),
    (r"\write18{rm -rf /}", "\\write18"),
    (r"\immediate\write18{ls}", "\\immediate"),
    (r"\openout1=file.txt", "\\openout"),
    (r"\openin1=secrets", "\\openin"),
    (r"\read16 to \x", "\\read"),
    (r"\catcode`\^=11 x", "\\catcode"),
    (r"\csname input\endcsname{x}", "\\csname"),
    (r"\usepackage{shellesc}", "\\usepackage"),
    (r"\directlua{os.execute('ls')}", "\\directlua"),
    (r"\def\x{y} \x", "definition"),
    (r"\newcommand{\x}{y} \x", "definition"),
    ("x" * (MAX_LENGTH + 1), "too long"),
    ("x+" * 500_000 + "x", "1 MB"),
    ("{" * 200 + "x" + "}" * 200, "deeply nested braces"),
    ("(" * 200 + "x" + ")" * 200, "deeply nested parentheses"),
    (r"\left(" * 100 + "x" + r"\right)" * 100, "deeply nested \\left"),
    (r"\int x \, dx", "indefinite integral"),
    (r"\int_0^1 x^2", "integral without its differential"),
    (r"\frac{\partial^2 f}{\partial x \partial y}", "mixed second derivative"),
    (r"\frac{\partial v}{\partial A}", "derivative of a vector by a matrix"),
    (r"x_1 + \dots + x_n", "ellipsis"),
    (r"\lim_{n} x", "limit without its point"),
    (r"\begin{cases} 1 & \text{if it rains} \end{cases}", "cases with a prose condition"),
    (r"x = y", "relation in an expression"),
    (r"\frac{A}{B}", "division by a matrix"),
    (r"A + v", "shape mismatch"),
    (r"A v^T", "shape mismatch in a product"),
    (r"x^", "script without argument"),
    (r"", "empty"),
    (r"\mathbb{R}^n", "a set"),
    (r"\sum_i x_i", "sum without its range"),
    (r"$x$", "dollar inside math"),
    (r"x \mid y", "conditional"),
]


@pytest.fixture(scope="module")
def audit():
    """Records file opens, process starts and network use while `audit.recording` is set
    (audit hooks cannot be removed, so the flag turns this one off outside the test)."""
    events = []
    state = {"recording": False}

    def hook(event, args):
        if state["recording"] and (event in ("open", "os.system", "subprocess.Popen",
                                             "socket.connect", "os.exec", "os.posix_spawn",
                                             "os.remove", "os.rename", "shutil.rmtree")
                                   or event.startswith("os.exec")):
            events.append((event, args[:1]))
    sys.addaudithook(hook)
    parse_latex("x + 1", Scope())           # imports done before recording starts

    class Audit:
        def start(self):
            events.clear()
            state["recording"] = True

        def stop(self):
            state["recording"] = False
            return list(events)
    return Audit()


def test_at_least_30_rejected_inputs():
    assert len(REJECTED) >= 30


@pytest.mark.parametrize("text, why", REJECTED, ids=[w for _, w in REJECTED])
def test_bad_input_is_one_line_error_never_run_never_a_file_never_a_hang(text, why, audit):
    scope = Scope()
    parse_declarations("n m: dim; A B: matrix(n, n); v: vector(n)", scope)
    started = time.perf_counter()
    audit.start()
    try:
        with pytest.raises(ExpressionError) as caught:
            parse_latex(text, scope)
    finally:
        touched = audit.stop()
    # a guard against a hang (a macro that expands forever, exponential backtracking), not a
    # speed measurement: those are in `python -m engine.latex_bench`
    assert time.perf_counter() - started < 10.0
    assert touched == []
    message = caught.value.one_line()
    assert message and "\n" not in message and len(message) < 400
    assert "Traceback" not in message


def test_a_macro_that_expands_forever_is_an_error():
    macros, _ = collect_macros(r"\newcommand{\loop}{x + \loop}")
    with pytest.raises(ExpressionError, match="levels deep"):
        expand_macros(r"\loop", macros)
    macros, _ = collect_macros(r"\def\a{\b}\def\b{\a}")
    with pytest.raises(ExpressionError, match="recursive"):
        expand_macros(r"\a", macros)


def test_an_exploding_macro_is_an_error_not_a_hang():
    macros, _ = collect_macros(_exploding_document())
    started = time.perf_counter()
    with pytest.raises(ExpressionError, match="grow|expansions"):
        expand_macros(r"\mz", macros)
    assert time.perf_counter() - started < 5


def test_macros_with_arguments_and_defaults_expand():
    source = textwrap.dedent(r"""
        \newcommand{\th}{\theta}
        \newcommand{\sq}[1]{#1^{2}}
        \newcommand{\pair}[2][a]{#1 + #2}
        \renewcommand{\th}{\vartheta}
        \def\R{\mathbb{R}}
        \def\mul#1#2{#1 \cdot #2}
        \DeclareMathOperator{\Tr}{Tr}
        """)
    macros, blanked = collect_macros(source)
    assert blanked.count("\n") == source.count("\n") and "newcommand" not in blanked
    assert expand_macros(r"\sq{\th} + \pair{b} + \pair[c]{d} + \mul{x}{y}", macros) == \
        r"\vartheta^{2} + a + b + c + d + x \cdot y"
    assert expand_macros(r"\Tr(A)", macros) == r"\operatorname{Tr}(A)"


# -- the round trip of the bundled corpus --------------------------------------------------

def _corpus():
    """(derivation, [(step index, expression)]) with each distinct side once."""
    from engine.registry import BUNDLED, collect
    collection = collect(BUNDLED)
    out = []
    for derivation in collection.derivations:
        seen, sides = set(), []
        for entry in plan(derivation):
            pair = (entry.lhs, entry.rhs) if entry.kind == "step" else entry.rhs
            for expr in pair:
                expr = expr if isinstance(expr, sp.Basic) else sp.sympify(expr)
                key = sp.srepr(expr)
                if key not in seen:
                    seen.add(key)
                    sides.append((entry.index, expr))
        out.append((derivation, sides))
    return out


CORPUS = _corpus()


def test_the_corpus_is_not_empty():
    sides = sum(len(s) for _, s in CORPUS)
    assert len(CORPUS) >= 40 and sides >= 300


def _round_trip_failures(derivation, sides) -> list:
    from sympy.core.function import AppliedUndef
    from engine.checkers.logic import is_statement
    from engine.computed import Computed
    from engine.latex_input import parse_statement
    from engine.ops import EntrywiseFunction
    from engine.render.latex import to_latex
    failures = []
    for index, expr in sides:
        latex = to_latex(expr, derivation.notation)
        # an undefined function f(x) or an @computation of the corpus is applied because it
        # is declared, as a user declares `f: function`; never guessed (a computation reads
        # back from the LaTeX it prints as)
        functions = {type(a).__name__: type(a) for a in expr.atoms(AppliedUndef, Computed)}
        # a function named by ops.entrywise (phi, sigma') likewise, by the name it reads as
        functions.update({f.name: f for f in expr.atoms(EntrywiseFunction)})
        options = dict(strict=True, index_base=0, notation=derivation.notation,
                       functions=functions)
        statement = is_statement(expr)
        try:
            parsed = parse_statement(latex, derivation.scope, **options) if statement else \
                parse_latex(latex, derivation.scope, like=expr, **options)
        except ExpressionError as exc:
            failures.append((index, latex, f"not read: {exc.message}"))
            continue
        if parsed == expr:
            continue
        # a statement read back must imply the original and be implied by it (an equivalence
        # of two statements true everywhere decides nothing: one direction alone is tested)
        checks = [(Relation.IMPLIES, expr, parsed), (Relation.IMPLIES, parsed, expr)] \
            if statement else [(Relation.EQ, expr, parsed)]
        for relation, left, right in checks:
            outcome = check_relation(relation, left, right, derivation.scope,
                                     np.random.default_rng(11), SETTINGS)
            if not outcome.verdict.holds:
                break
        if not outcome.verdict.holds:
            failures.append((index, latex, f"read as {parsed}: {outcome.verdict.value} "
                                           f"{outcome.method} {outcome.detail}"))
    return failures


@pytest.mark.parametrize("position", range(len(CORPUS)), ids=[d.id for d, _ in CORPUS])
def test_corpus_round_trip_latex_parses_back_to_an_equal_expression(position):
    """Every side of every step, printed as the writeups print it (with the derivation's
    notation), is read back strictly (no undeclared name, 0-based entries as SymPy prints them)
    to an expression identical to the original or one the checker proves or verifies equal."""
    derivation, sides = CORPUS[position]
    failures = _round_trip_failures(derivation, sides)
    assert not failures, "\n".join(f"step {i}: {latex}\n    {why}" for i, latex, why in failures)


def test_mangled_corpus_latex_is_read_or_refused_never_a_crash():
    """Cut and punched-out pieces of the corpus's LaTeX: an expression, or ExpressionError."""
    import random
    from engine.latex_input import parse_statement
    from engine.render.latex import to_latex
    rng = random.Random(5)
    texts = [to_latex(expr, d.notation) for d, sides in CORPUS for _, expr in sides]
    crashes = []
    for latex in rng.sample(texts, min(150, len(texts))):
        i = rng.randrange(len(latex))
        for piece in (latex[:i + 1], latex[i:], latex[:i] + latex[i + rng.randrange(1, 8):]):
            for read in (parse_latex, parse_statement):
                try:
                    read(piece, Scope())
                except ExpressionError:
                    pass
                except Exception as exc:        # noqa: BLE001  (what the test looks for)
                    crashes.append((piece[:80], repr(exc)[:120]))
    assert not crashes, crashes[:5]


# -- documents and the command line -------------------------------------------------------

def run(*args, timeout=300):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "engine", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env=env)


DOCUMENT = r"""\documentclass{article}
\newcommand{\sq}[1]{#1^{2}}
\newcommand{\tr}{\operatorname{tr}}
% engine: A B: matrix(n, n); a b: real
\begin{document}
\begin{align}
(a+b)^2 &= a^2 + 2ab + b^2 \label{eq:square} \\
        &= \sq{a} + 2ab + \sq{b} \quad \text{(the same)} \\
        &= a^2 + b^2 % engine: expect refuted the cross term is lost
\end{align}
\[ \tr(AB) = \tr(BA) = \tr(A B \mathbf{I}) \]
$$ (AB)^\top = A^\top B^\top $$
\end{document}
"""


def test_grade_reports_each_step_with_its_line_verdict_and_counterexample(tmp_path):
    document = tmp_path / "homework.tex"
    document.write_text(DOCUMENT)
    result = run("grade", str(document), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    import json
    data = json.loads(result.stdout)
    steps = [(s["line"], s["verdict"], s["expected"]) for d in data["derivations"]
             for s in d["steps"]]
    assert steps == [(7, "proved", None), (8, "proved", None), (9, "refuted", "refuted"),
                     (11, "verified", None), (11, "verified", None), (12, "refuted", None)]
    refuted = [s for d in data["derivations"] for s in d["steps"] if s["line"] == 12][0]
    assert refuted["counterexample"]["values"]
    assert data["documents"][0]["steps"] == 6 and data["documents"][0]["parsed"] == 6


def test_grade_exit_statuses(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("Text\n\n$$\n(a+b)^2 = a^2 + 2ab + b^2\n$$\n\n$$= (b + a)^2$$\n")
    result = run("grade", str(good))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "L4" in result.stdout and "L7" in result.stdout
    assert run("grade", str(tmp_path / "missing.tex")).returncode == 2
    bad = tmp_path / "bad.md"
    bad.write_text("$$ x = \\frac{1}{0} = y $$\n")
    result = run("grade", str(bad), "--junit", str(tmp_path / "junit.xml"))
    assert result.returncode == 1 and "unparsed" in result.stdout
    assert (tmp_path / "junit.xml").read_text().count("<testcase") == 1


def test_grade_reports_an_unparseable_line_and_goes_on(tmp_path):
    document = tmp_path / "mixed.md"
    document.write_text("$$\\begin{aligned} x &= \\frac{1}{2 \\\\ &= y \\end{aligned}$$\n\n"
                        "$$ 2 + 2 = 4 $$\n")
    result = run("grade", str(document))
    assert "error" in result.stdout and "proved" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_grade_refuses_a_recursive_macro_with_a_clear_message(tmp_path):
    document = tmp_path / "loop.tex"
    document.write_text("\\newcommand{\\x}{\\x + 1}\n\\[ \\x = 1 \\]\n\\[ 1 + 1 = 2 \\]\n")
    started = time.perf_counter()
    result = run("grade", str(document))
    assert time.perf_counter() - started < 60
    assert "levels deep" in result.stdout and "proved" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_equal_latex_refutes_with_a_reproducer_and_says_what_it_assumed():
    result = run("equal", "--latex", r"(AB)^\top", r"A^\top B^\top", "--where",
                 "A B: matrix(n, n)")
    assert result.returncode == 1
    assert "counterexample" in result.stdout and "reproduce: python -m engine equal --latex" \
        in result.stdout
    result = run("equal", "--latex", r"\frac{x^2 - 1}{x - 1}", "x + 1")
    assert "assumed real scalars: x" in result.stdout
    result = run("equal", "--latex", "--strict", "x", "x")
    assert result.returncode == 2 and result.stderr.startswith("error: unknown name x")


def test_equal_latex_refuses_file_access_in_one_line():
    result = run("equal", "--latex", r"\input{/etc/passwd}", "x")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "not allowed" in result.stderr


def test_grade_checks_connectives_between_statements_not_the_statements_themselves(tmp_path):
    document = tmp_path / "step-size.md"
    document.write_text("$$-1 < 1 - 2\\epsilon\\lambda < 1 \\Rightarrow 0 < \\epsilon\\lambda < 1"
                        " \\Rightarrow \\epsilon < \\frac{2}{\\lambda}$$\n\n"
                        "$$x^2 < 1 \\iff 0 < x < 1$$\n")
    result = run("grade", str(document), "--where", "lambda: positive; epsilon x: real",
                 "--format", "json")
    import json
    data = json.loads(result.stdout)
    steps = [(s["line"], s["relation"], s["verdict"]) for d in data["derivations"]
             for s in d["steps"]]
    assert steps == [(1, "=>", "verified"), (1, "=>", "verified"), (3, "<=>", "refuted")]
    witness = [s for d in data["derivations"] for s in d["steps"] if s["line"] == 3][0]
    assert not 0 < witness["counterexample"]["values"]["x"] < 1


def test_declarations_for_a_range_of_lines_hold_only_there(tmp_path):
    """A document that reuses a name per question: y is a square in one, a cube in the next."""
    document = tmp_path / "two.md"
    document.write_text("$$y = x^2$$\n\n$$y = x^3$$\n\n$$y = x^2$$\n")
    declarations = tmp_path / "two.decls"
    declarations.write_text("x: real\nlines 1-1: y: define(x**2)\n"
                            "lines 3-3: y: define(x**3)   # the second question\n")
    result = run("grade", str(document), "--decls", str(declarations), "--format", "json")
    import json
    data = json.loads(result.stdout)
    verdicts = [(s["line"], s["verdict"]) for d in data["derivations"] for s in d["steps"]]
    assert [v for _, v in verdicts[:2]] == ["proved", "proved"], verdicts
    assert verdicts[2][0] == 5 and verdicts[2][1] == "unknown"    # y undeclared on line 5


def test_limits_read_as_sympy_prints_them_with_their_side():
    S = Scope()
    S.scalar("beta", "real", interval=(0, 1))
    read = parse_latex(r"\lim_{t \to \infty}\left(1 - \beta^{t}\right)", S)
    assert isinstance(read, sp.Limit) and read.args[2] == sp.oo
    assert parse_latex(r"\lim_{x \to 0^+} \frac{\sin x}{x}", S).args[3] == sp.Symbol("+")
    for bad in (r"\lim t", r"\lim_{t} t", r"\lim_{t \to \beta} t", r"\lim_{t \to 0^{x}} t"):
        with pytest.raises(ExpressionError):
            parse_latex(bad, S)


# -- issue 16 items 8, 9, 11: conventions read or refused, bounded work, constants ------------

def _refused(text, where="", fragment=""):
    with pytest.raises(ExpressionError) as caught:
        _read(text, where)
    assert "\n" not in caught.value.message and fragment in caught.value.message
    return caught.value.message


@pytest.mark.parametrize("lhs, rhs, where, expected", [
    (r"\frac{d}{dx} x^2", "2x", "", HOLDS),
    (r"\frac{d}{dx} x^2", "x", "", REFUTED),                     # not (d/(d x)) x^2 = x
    (r"\frac{d}{dx}\left(x^3 + x\right)", "3x^2 + 1", "", HOLDS),
    (r"\frac{d \sin x}{dx}", r"\cos x", "", HOLDS),
    (r"\frac{d^2}{dx^2} x^4", "12x^2", "", HOLDS),
    (r"\frac{d^2}{dx^2} x^4", "4x^3", "", REFUTED),
    (r"\frac{\partial}{\partial\theta_j} \theta_j^3", r"3\theta_j^2", "", HOLDS),
    (r"\sin 2x", r"2 \sin x \cos x", "", HOLDS),
    (r"\sin 2x", r"2 \sin x", "", REFUTED),
    (r"\log xy", r"\log x + \log y", POS, HOLDS),
    (r"\log xy", r"y \log x", POS, REFUTED),
    (r"\sin x \cos x", r"\frac{1}{2} \sin 2x", "", HOLDS),
    (r"\sin x \cdot y", r"y \sin x", "", HOLDS),
    (r"\sin^{-1} x", r"\arcsin x", "x: interval(-1, 1)", HOLDS),
    (r"\sin^{-1} x", r"\frac{1}{\sin x}", "x: interval(-1, 1)", REFUTED),
    (r"\sin^2 x", r"(\sin x)^2", "", HOLDS),
    (r"\frac12 - \frac12\text{erf}(\sqrt2) + 1", r"\frac32 - \frac12 \operatorname{erf}(\sqrt2)",
     "", HOLDS),
    (r"\frac12 - \frac12\text{erf}(\sqrt2) + 1", "0", "", REFUTED),
    (r"e^{i\pi}", "-1", "", HOLDS),
    (r"e^{\mathrm{i}\pi}", "1", "", REFUTED),
    (r"\sum_{i=1}^{3} e^{i}", "e + e^2 + e^3", "", HOLDS),     # a bound i stays the index
    (r"\operatorname{tr}(A^\top B)", r"\mathbf{1}^\top (A \circ B) \mathbf{1}",
     "n m: dim; A B: matrix(n, m)", HOLDS),
    (r"\operatorname{tr}(A^\top B)", r"2 \mathbf{1}^\top (A \circ B) \mathbf{1}",
     "n m: dim; A B: matrix(n, m)", REFUTED),
    (r"(A \otimes B)^\top", r"A^\top \otimes B^\top", "A B: matrix(2, 2)", HOLDS),
    (r"(A \otimes B)^\top", r"B^\top \otimes A^\top", "A B: matrix(2, 2)", REFUTED),
    (r"1{,}000", "1000", "", HOLDS),
    ("x \u2212 1", "x - 1", "", HOLDS),
], ids=lambda value: value if isinstance(value, str) and len(value) < 30 else None)
def test_conventions_are_read_as_a_mathematician_reads_them(lhs, rhs, where, expected):
    outcome = _check(lhs, rhs, where)
    if expected == HOLDS:
        assert outcome.verdict.holds, (lhs, rhs, outcome)
    else:
        assert outcome.verdict == Verdict.REFUTED, (lhs, rhs, outcome)


@pytest.mark.parametrize("text, where, fragment", [
    (r"\frac{d}{dx} x^2", "d: dim", "ambiguous"),                # d is also a declared name
    (r"\sin x (x+1)", "", "ambiguous"),                          # sin(x)(x+1) or sin(x(x+1))
    (r"\log^{-1} x", "", "ambiguous"),                           # exp x or 1/log x
    (r"\mathbf{1}", "", "ones vector"),                          # its length is unknown
    ("5!!", "", "ambiguous"),                                     # double factorial or (5!)!
    (r"x \quad\text{for } x \ge 0", "", "condition"),
    (r"10^{10^{10}}", "", "digits"),
    ("4!!!", "", "ambiguous"),
    ("(4!)!!", "", "ambiguous"),
    ("((4!)!)!", "", "factorial"),
    (r"\binom{10^9}{10^8}", "", "digits"),
    ("1" + "0" * 500, "", "digits"),
    (r"(x+1)^{100000}", "", "exponent"),
])
def test_ambiguous_and_unbounded_latex_is_refused_in_one_line(text, where, fragment):
    started = time.perf_counter()
    _refused(text, where, fragment)
    assert time.perf_counter() - started < 5


def test_the_imaginary_unit_is_read_only_where_it_cannot_be_an_index():
    value, _ = _read(r"e^{i\pi}")
    assert value == -1
    assigned, scope = _read("i + 1")                       # a free i outside e^{...}: a name
    assert assigned.free_symbols and sp.I not in assigned.atoms()
    assert _read(r"\mathrm{i}")[0] == sp.I


def test_relations_are_read_or_refused_never_dropped():
    scope = Scope()
    read = {text: read_statements(text, scope) for text in [
        r"a \stackrel{(a)}{=} b", r"a \overset{(b)}{\le} b", r"a \not\le b", r"a \nleq b",
        r"a \not= b", r"a \lesssim b", r"a \ll b", r"x + 1 \equiv 3x", r"q \equiv 2"]}
    relations = {text: [s.relations for s in found] for text, found in read.items()}
    assert relations[r"a \stackrel{(a)}{=} b"] == [("=",)]
    assert relations[r"a \overset{(b)}{\le} b"] == [("<=",)]
    assert relations[r"a \not\le b"] == relations[r"a \nleq b"] == [(">",)]
    assert relations[r"a \not= b"] == [("≠",)]
    assert relations[r"a \lesssim b"] == relations[r"a \ll b"] == [("?",)]   # unchecked, kept
    assert relations[r"x + 1 \equiv 3x"] == [("=",)]        # checked as an equality
    assert relations[r"q \equiv 2"] == [("def",)]           # a new name: a definition


def test_a_step_stated_under_a_condition_is_refused_with_the_condition_kept():
    for line in [r"\sqrt{x^2} = x \quad\text{for } x \ge 0", r"\sqrt{x^2} = x, \quad x > 0",
                 r"\frac{x^2}{x} = x \text{ if } x \neq 0"]:
        (statement,) = read_statements(line, Scope())
        assert statement.condition is not None and statement.condition.expr is not None
        assert all(side.expr is None and "condition" in side.error for side in statement.sides)
    two = read_statements("a = b, c = d", Scope())              # a comma between claims
    assert len(two) == 2 and all(s.condition is None for s in two)


def test_python_grammar_reads_products_blocks_and_ones():
    from engine.expressions import parse_expression
    scope = Scope()
    parse_declarations("C D: matrix(2, 3)", scope)
    C, D = scope.lookup("C"), scope.lookup("D")
    assert parse_expression("kron(C, D)", scope) == sp.KroneckerProduct(C, D)
    assert parse_expression("hadamard(C, D)", scope) == sp.HadamardProduct(C, D)
    assert parse_expression("block([[C, D]])", scope).shape == (2, 6)
    assert parse_expression("ones(2, 3)", scope) == sp.OneMatrix(2, 3)
    assert parse_expression("1500E-1", scope) == 150
    with pytest.raises(ExpressionError):
        parse_expression("hadamard(C, C.T)", scope)             # shapes differ
    with pytest.raises(ExpressionError):
        parse_expression("block([[C], [C.T]])", scope)          # blocks do not fit


@pytest.mark.parametrize("text", ["10**10**10", "2**2**40", "1e400", "x" + "**x" * 599,
                                  "9" * 5000])
def test_python_grammar_refuses_unbounded_numbers_in_one_line(text):
    from engine.expressions import parse_expression
    started = time.perf_counter()
    with pytest.raises(ExpressionError) as caught:
        parse_expression(text, Scope())
    assert "\n" not in caught.value.message
    assert time.perf_counter() - started < 5


def test_python_grammar_reads_a_990_term_sum():
    from engine.expressions import parse_expression
    scope = Scope()
    assert parse_expression("+".join(["x"] * 990), scope) == 990 * scope.lookup("x")


def test_declared_matrix_sizes_are_bounded():
    from engine.errors import DeclarationError
    with pytest.raises((DeclarationError, ExpressionError)):
        parse_declarations("A: matrix(40000, 40000)", Scope())
    with pytest.raises((DeclarationError, ExpressionError)):
        parse_declarations("n: dim(1, 100000)", Scope())


def test_equal_reads_inside_the_budget_and_reports_one_line():
    for args in (["10**10**10", "1"], ["--latex", r"4!!!", "1"],
                 ["A", "A.T", "--where", "A: matrix(40000, 40000)"]):
        done = subprocess.run([sys.executable, "-m", "engine", "equal", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
