r"""Steps about unknown functions, checked as a property-based tester would: `L` is
instantiated as several random smooth functions of different families (a polynomial, a
sin/exp mixture, a rational function) and the step must hold for every one of them.

An unknown function is a name the document differentiates without defining it
(`\partial L/\partial z`), or a name declared `L: function(y, z)`. Its arguments are the
declared ones, else the variables it is differentiated with respect to, keeping only the
innermost: with y = \sigma(z) defined, L differentiated by y and by z is a function of y
(through which it depends on z). When the arguments cannot be told apart (y and z unrelated),
the step is unknown, with the declaration that would decide it. So is a step in which the
function appears on one side only (∂L/∂R = 1 says what L is; it is no identity in L).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

FAMILIES = ("polynomial", "sin/exp mixture", "rational")


@dataclass(frozen=True)
class UnknownFunction:
    """`name`, a function of `arguments` (names), or of unknown arguments (`problem` says
    what to declare)."""
    name: str
    arguments: tuple = ()
    problem: str = ""


def unknown_functions(lhs, rhs, scope, undeclared: set, declared_functions: dict) -> list:
    """The unknown functions a step uses: names it differentiates that are undeclared
    (`undeclared`) or declared as functions of named arguments (`declared_functions`:
    name -> argument names)."""
    from ..ops import Jacobian
    found: dict = {}
    for side in (lhs, rhs):
        if not isinstance(side, sp.Basic):
            continue
        for jacobian in side.atoms(Jacobian):
            body = jacobian.expr
            if isinstance(body, sp.Symbol) and (body.name in undeclared
                                                or body.name in declared_functions):
                found.setdefault(body.name, set()).add(jacobian.wrt)
    for name in declared_functions:
        if any(isinstance(s, sp.Basic) and sp.Symbol(name, real=True) in s.free_symbols
               for s in (lhs, rhs)):
            found.setdefault(name, set())
    out = []
    for name, variables in sorted(found.items()):
        sides = [side for side in (lhs, rhs) if isinstance(side, sp.Basic)
                 and _mentions(side, name)]
        if len(sides) < 2:
            # ∂L/∂R = 1 states a fact about L (what the prose defined it as), not an identity
            # that holds for every L: it is neither refuted nor verified for a generic L
            out.append(UnknownFunction(name, (), f"the step states what a derivative of {name} "
                                                 f"is, which depends on what {name} is; declare "
                                                 f"{name}: define(...) to decide"))
            continue
        if name in declared_functions:
            out.append(UnknownFunction(name, tuple(declared_functions[name])))
            continue
        innermost = [v for v in variables
                     if not any(o is not v and scope.depends_on(o, v) for o in variables)]
        if any(not isinstance(v, sp.Symbol) for v in innermost):
            shaped = ", ".join(sorted(str(v) for v in innermost if not isinstance(v, sp.Symbol)))
            out.append(UnknownFunction(name, (), f"{name} is differentiated with respect to "
                                                 f"the vector or matrix {shaped}; declare "
                                                 f"{name}: define(...) to decide"))
        elif len(innermost) == 1:
            out.append(UnknownFunction(name, (innermost[0].name,)))
        else:
            names = ", ".join(sorted(v.name for v in innermost))
            out.append(UnknownFunction(name, (), f"how {name} depends on {names} is not known "
                                                 f"(declare {name}: function({names}), or define "
                                                 "one of them in terms of the other)"))
    return out


def _mentions(expr, name: str) -> bool:
    return any(getattr(symbol, "name", None) == name for symbol in expr.free_symbols)


def instance(family: str, arguments: list, rng) -> sp.Expr:
    """A random smooth function of `arguments` from `family`, every argument mattering, with
    small rational coefficients (so a counterexample reads exactly)."""
    def coefficient():
        value = sp.Rational(int(rng.integers(1, 5)), int(rng.integers(1, 4)))
        return value if rng.random() < 0.5 else -value
    t = arguments
    mix = sum((coefficient() * a for a in t), sp.Integer(0))
    if family == "polynomial":
        return coefficient() + mix + sum((coefficient() * a * b for i, a in enumerate(t)
                                          for b in t[i:]), sp.Integer(0)) \
            + coefficient() * t[0] ** 3
    if family == "sin/exp mixture":
        other = sum((coefficient() * a for a in t), sp.Integer(0))
        return coefficient() * sp.sin(mix + coefficient()) + coefficient() * sp.exp(other / 2)
    other = sum((coefficient() * a for a in t), sp.Integer(0))
    return (coefficient() + mix) / (1 + (other + coefficient()) ** 2)


def check_generic(relation, lhs, rhs, scope, functions: list, rng, settings):
    """The step's verdict for generic instances of its unknown `functions` (one instance per
    family): refuted if one instance refutes it (the instance shown), verified or proved when
    every instance agrees, else unknown with the reason."""
    from ..check import check_relation
    from ..model import Verdict
    from ..results import Outcome
    from ..scope import Definition, Scope

    problems = [f.problem for f in functions if f.problem]
    if problems:
        return Outcome(Verdict.UNKNOWN, "generic function", "; ".join(problems))
    outcomes = []
    for family in FAMILIES:
        own = Scope(dict(scope.declarations))
        shown = []
        for function in functions:
            arguments = []
            for name in function.arguments:
                symbol = own.lookup(name)
                if symbol is None:
                    symbol = own.scalar(name)
                arguments.append(symbol)
            body = instance(family, arguments, rng)
            own.declarations.pop(function.name, None)
            own.declarations[function.name] = Definition(sp.Symbol(function.name, real=True),
                                                         body)
            shown.append(f"{function.name}({', '.join(function.arguments)}) = {body}")
        outcome = check_relation(relation, lhs, rhs, own, rng, settings)
        if outcome.verdict == Verdict.REFUTED:
            return Outcome(Verdict.REFUTED, f"generic function ({family})",
                           f"false for a generic {', '.join(f.name for f in functions)}: with "
                           f"{'; '.join(shown)}, {outcome.detail}", outcome.counterexample)
        outcomes.append((family, outcome, shown))
    if all(o.verdict in (Verdict.PROVED, Verdict.VERIFIED) for _, o, _ in outcomes):
        verdict = Verdict.VERIFIED if any(o.verdict == Verdict.VERIFIED for _, o, _ in outcomes) \
            else Verdict.PROVED
        methods = "; ".join(f"{family}: {o.method}" for family, o, _ in outcomes)
        return Outcome(verdict, f"generic function ({len(outcomes)} families)",
                       f"holds for each instance ({methods}); instances: "
                       + " | ".join("; ".join(s) for _, _, s in outcomes))
    failing = next((family, o) for family, o, _ in outcomes
                   if o.verdict not in (Verdict.PROVED, Verdict.VERIFIED))
    return Outcome(Verdict.UNKNOWN, "generic function",
                   f"the {failing[0]} instance was not decided: {failing[1].detail}")
