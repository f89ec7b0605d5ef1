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
