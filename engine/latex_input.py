r"""Reading LaTeX math into SymPy, without eval, sympify or parse_expr of any text.

pylatexenc's `latexwalker` turns the text into a node tree (groups, macros with their arguments,
environments, comments), `_tokens` flattens it into tokens that keep their column, and a
recursive-descent parser of our own builds SymPy objects node by node. Anything outside the
grammar below is an `ExpressionError` naming the fragment and its column: never a guess.

Public: `parse_latex` (one expression), `read_statements` (a line of a derivation: its relation
chains, each side parsed on its own), `collect_macros` / `expand_macros` (a document's own
\newcommand, \renewcommand, \def, with bounds on depth and size).

The code is the package engine.latex (its __init__ lists the modules, in the order the text
flows through them); this module keeps the public names where the rest of the engine imports
them from, and documents the grammar, below.

What it reads
  numbers, + - \cdot \times * / \frac \dfrac \tfrac, implicit products (2x, \sigma_w^2 d),
  ( ) [ ] { } \left( \right) \big( ..., powers and subscripts with or without braces,
  |x| (a square matrix: its determinant, as SymPy prints it), \|x\| (\|x\|^2 is the squared
  norm engine.ops.sqnorm, \|x\| alone its square root), \sqrt{x} \sqrt[n]{x}, \exp \log \log_b
  \ln, trigonometric and hyperbolic functions, \max \min, \lfloor \rfloor \lceil \rceil \binom,
  \sum and \prod with limits (i=1 / i,j=1 with an upper limit, 1 \le i \le n, \substack),
  \operatorname{tr} \mathrm{Tr} \text{Tr} (trace), \det, \mathbb{E}[x] or \mathbb{E} x (E),
  \operatorname{Var}(x) \operatorname{Cov}(x, y), \nabla_{w} J (gradient), \odot \circ
  (Hadamard), \otimes (Kronecker), \delta_{ij} (Kronecker delta unless delta is declared),
  \begin{bmatrix}...\end{bmatrix} (and pmatrix, matrix), spacing (\, \; \! ~), \label \tag
  \nonumber \notag (dropped), and between sides the relations = \neq < > \le \leq \ge \geq
  \approx, \iff \implies \Rightarrow \to (between statements), := \triangleq \coloneqq
  \leftarrow (definitions, not checked). \text{...} and \quad annotations end a formula: they
  are kept as the step's justification, never read as math.
  Also: \mathbb{E}[x \middle| y] and [x \mid y] (conditional expectation), \mathbb{E}_{x \sim D}
  and \Pr(A), \mathbb{P}(A), P_{x \sim D}(A) (E of the event's indicator; x must be declared
  random), f'(x) of a declared function f (its derivative), \mathbf{1}_{n \times m} (a matrix of
  ones), \forall x \in \{a, \dots, b\}, y \in \{1, 2\}^{k}:\ statement and
  \#\{x \in S :\ condition\} (engine.finite.ForAll / Count), and an @computation passed in
  `functions` from the LaTeX it prints as.

Names
  A letter is a name; adjacent letters are a product (`ax` is a*x) unless together they spell a
  declared name (`Var`, `softmax`). Greek letters are names (\sigma -> sigma). A simple
  subscript extends the name: \sigma_w and \sigma_{w} are `sigma_w`, w_{\text{true}} is
  `w_true`, H_\mu is `H_mu`; a compound one is kept as written (`d_{l-1}`). Accents make their
  own symbol: \hat{w} is `w_hat`, \tilde{X} `X_tilde`, \bar{x} and \overline{x} `x_bar`, w^* and
  w_* `w_star`, w' `w_prime`; \mathcal{R} is `R_cal`. Bold and upright fonts (\mathbf{x},
  \boldsymbol{\theta}, \bm, \mathrm) name the plain symbol (`x`, `theta`), unless `x_bold` is
  declared. A superscript label x^{(i)} or x^{[l]} is part of the name. `e` is Euler's number,
  `\pi` is pi and `I` (also \mathbf{I}, \mathbb{I}) the identity, sized by the matrices around
  it, unless declared otherwise.

Declarations decide, never guesses
  Declarations are those of `equal --where` (engine.expressions.parse_declarations).
  Function application versus product: `f(x)` applies f only when f is declared a function
  (`f: function`, `sigma: function(lambda z: 1/(1+exp(-z)))`); otherwise `f(x)`, `\sigma(x)`
  and `x(y+1)` are products. A declared name followed by a subscript indexes it: a sequence
  (`lambda: sequence(d)`, eigenvalues) gives lambda[i]; a vector x_i and a matrix A_{ij} (or
  A_{i,j}) give entries counted from 1 (`index_base=0` counts from 0, as SymPy prints them).
  `(M)_i` of a matrix expression is row i or column i, whichever makes the product it stands
  in well-formed (a row on the left of a product, a column on the right; (M)_i^T is a column
  transposed); of a vector it is entry i. `A B` of declared matrices is the matrix product in
  that order (never reordered), `u \cdot v` of two vectors their inner product, and a 1 x 1
  product such as w^T A w is a scalar where a scalar is needed. x^T of a matrix is its
  transpose, of a scalar the power x**T; x^{-1} of a matrix is its inverse.
  An undeclared name becomes a real scalar, listed in `assumed`; with strict=True it is an
  error. An undeclared x_i inside a sum over i becomes a sequence over the sum's range.
"""
from .latex.macros import (MAX_EXPANDED, MAX_EXPANSIONS, MAX_MACRO_DEPTH, Macro, collect_macros,
                           expand_macros)
from .latex.statements import Side, Statement, parse_latex, parse_statement, read_statements
from .latex.tokens import LOGICAL, MAX_LENGTH, MAX_NESTING, Token, tokens
from .latex.values import scalar_of
from .latex.vocabulary import GREEK

__all__ = ["GREEK", "LOGICAL", "MAX_EXPANDED", "MAX_EXPANSIONS", "MAX_LENGTH", "MAX_MACRO_DEPTH",
           "MAX_NESTING", "Macro", "Side", "Statement", "Token", "collect_macros", "expand_macros",
           "parse_latex", "parse_statement", "read_statements", "scalar_of", "tokens"]
