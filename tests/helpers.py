"""Independent re-evaluation for tests: SymPy's own arithmetic, not the engine's evaluator."""
import numpy as np
import sympy as sp


def sympy_value(expr, scope, values: dict):
    """expr evaluated by substituting the counterexample's values and letting SymPy compute."""
    replacements = {}
    for name, value in values.items():
        name = name.replace(" (defined)", "")
        symbol = scope.lookup(name)
        if isinstance(symbol, sp.MatrixSymbol):
            replacements[symbol] = sp.ImmutableMatrix(sp.nsimplify(sp.Matrix(value), rational=True))
        elif isinstance(symbol, sp.Symbol):
            replacements[symbol] = sp.nsimplify(value, rational=True)
    expr = sp.sympify(expr).doit()            # symbolic gradients before numbers go in
    shape_subs = {s: v for s, v in replacements.items() if isinstance(s, sp.Symbol)}
    result = sp.sympify(expr).subs(shape_subs).xreplace(
        {k: v for k, v in replacements.items() if isinstance(k, sp.MatrixSymbol)})
    result = result.xreplace({k.subs(shape_subs): v for k, v in replacements.items()
                              if isinstance(k, sp.MatrixSymbol)})
    result = result.doit()
    if isinstance(result, sp.MatrixBase):
        return np.array(result.evalf(), dtype=float)
    return float(sp.N(result))
