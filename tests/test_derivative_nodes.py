"""Derivatives with respect to a defined quantity (a node of a computation such as a layer's
output y_l), derivatives inside statements, the zero and ones matrices they use, and statements
over definitions (skipped cheaply when a free symbol remains, still decided when none does)."""
import numpy as np
import sympy as sp

from engine import Relation, Scope, Verdict
from engine.check import check_relation
from engine.evaluate import evaluate
from engine.ops import jacobian, sqnorm


def decide(relation, lhs, rhs, S, seed=0):
    return check_relation(Relation.parse(relation), lhs, rhs, S, np.random.default_rng(seed))


def two_layers():
    S = Scope()
    n = S.dim("n")
    A, B, x = S.matrix("A", n, n), S.matrix("B", n, n), S.vector("x", n)
    h = S.define("h", (A * x).applyfunc(sp.tanh))            # the hidden node
    out = S.define("out", B * h + h)                            # depends on x only through h
    return S, n, A, B, x, h, out


def test_derivative_with_respect_to_a_defined_node_holds_the_node_as_the_variable():
    S, n, A, B, x, h, out = two_layers()
    assert decide("=", jacobian(out, h), B + sp.Identity(n), S).verdict == Verdict.VERIFIED
    wrong = decide("=", jacobian(out, h), B, S)               # the identity term dropped
    assert wrong.verdict == Verdict.REFUTED


def test_derivative_through_a_node_still_follows_the_chain_rule():
    S, n, A, B, x, h, out = two_layers()
    chain = jacobian(out, h) * jacobian(h, x)
    assert decide("=", jacobian(out, x), chain, S).verdict == Verdict.VERIFIED
    assert decide("=", jacobian(out, x), jacobian(out, h), S).verdict == Verdict.REFUTED


def test_statements_about_derivatives_are_checked_not_crashed():
    S, n, A, B, x, h, out = two_layers()
    positive = decide("=>", sp.true, sqnorm(jacobian(out, h).T * x) >= 0, S)
    assert positive.verdict in (Verdict.PROVED, Verdict.VERIFIED), positive
    wrong = decide("=>", sp.true, sqnorm(jacobian(out, h).T * x) < 0, S)
    assert wrong.verdict == Verdict.REFUTED, wrong


def test_zero_and_ones_matrices_of_symbolic_size_evaluate_with_their_shape():
    m = sp.Symbol("m")
    assert evaluate(sp.ZeroMatrix(2, m), {m: 3}).shape == (2, 3)
    assert np.array_equal(evaluate(sp.OneMatrix(1, m), {m: 3}), np.ones((1, 3)))


def test_statement_about_constant_definitions_is_still_decided_exactly():
    S = Scope()
    c = S.define("c", sp.factorial(5))
    assert decide("=>", sp.true, sp.Eq(c, 120), S).verdict == Verdict.PROVED
    assert decide("=>", sp.true, sp.Eq(c, 121), S).verdict == Verdict.REFUTED


# -- grad: right for every scalar expression jacobian accepts (issue 16, item 7) -------------

def vector_scope():
    S = Scope()
    n = S.dim("n")
    return S, n, S.vector("w", n), S.matrix("A", n, n), S.matrix("W", n, n)


def test_gradient_of_squared_norm_is_twice_the_vector_not_zero():
    from engine.ops import grad
    S, n, w, A, W = vector_scope()
    assert decide("=", grad(sqnorm(w), w), 2 * w, S).verdict in (Verdict.PROVED, Verdict.VERIFIED)
    wrong = decide("=", grad(sqnorm(w), w), sp.ZeroMatrix(n, 1), S)
    assert wrong.verdict == Verdict.REFUTED


def test_gradient_of_a_sum_of_entries_is_the_ones_vector():
    from engine.ops import grad
    S, n, w, A, W = vector_scope()
    i = sp.Symbol("i", integer=True)
    total = sp.Sum(w[i, 0], (i, 0, n - 1))
    assert decide("=", grad(total, w), sp.OneMatrix(n, 1), S).verdict == Verdict.VERIFIED
    assert decide("=", grad(total, w), sp.ZeroMatrix(n, 1), S).verdict == Verdict.REFUTED


def test_gradient_of_a_function_of_a_quadratic_form_follows_the_chain_rule():
    from engine.ops import AsScalar, grad
    S, n, w, A, W = vector_scope()
    q = AsScalar(w.T * w)
    assert decide("=", grad(sp.exp(q), w), 2 * sp.exp(q) * w, S).verdict == Verdict.VERIFIED
    assert decide("=", grad(sp.exp(q), w), sp.exp(q) * w, S).verdict == Verdict.REFUTED


def test_gradient_of_quadratic_form_is_still_proved_by_matrix_calculus():
    from engine.ops import Gradient, grad
    S, n, w, A, W = vector_scope()
    g = grad(w.T * A * w, w)
    assert isinstance(g, Gradient)
    assert decide("=", g, (A + A.T) * w, S).verdict == Verdict.PROVED
    assert decide("=", g, A * w, S).verdict == Verdict.REFUTED


def test_gradient_agrees_with_the_jacobian_on_every_form_jacobian_accepts():
    """grad f = (df/dw)^T for a vector w and df/dW for a matrix W, whichever route grad takes."""
    from engine.ops import AsScalar, grad
    S, n, w, A, W = vector_scope()
    i = sp.Symbol("i", integer=True)
    forms = [sqnorm(w), AsScalar(w.T * A * w), sp.Sum(w[i, 0] ** 2, (i, 0, n - 1)),
             sp.log(1 + AsScalar(w.T * w)), sp.Trace(W.T * A * W)]
    for form in forms:
        for wrt in (w, W):
            if not form.has(wrt):
                continue
            reference = jacobian(form, wrt)
            reference = reference.T if wrt.shape[1] == 1 else reference
            result = decide("=", grad(form, wrt), reference, S)
            assert result.verdict in (Verdict.PROVED, Verdict.VERIFIED), (form, wrt, result)


def test_latex_nabla_reads_the_whole_product_and_never_differentiates_a_norm_to_zero():
    from engine.latex_input import parse_latex
    from engine.expressions import parse_declarations
    S = Scope()
    parse_declarations("w: vector(n); A: matrix(n, n)", S)
    lhs = parse_latex(r"\nabla_w \|w\|^2", S)
    assert decide("=", lhs, parse_latex("0", S, like=lhs), S).verdict == Verdict.REFUTED
    assert decide("=", lhs, parse_latex("2w", S), S).verdict in (Verdict.PROVED, Verdict.VERIFIED)
    quadratic = parse_latex(r"\nabla_w w^T A w", S)
    assert decide("=", quadratic, parse_latex(r"(A + A^T) w", S), S).verdict == Verdict.PROVED
