r"""Documents meant to fool `grade` (issue 17): wrong chain-rule steps, leaked names, conditions,
inline-only files, empty files, comments. A false document holds at least one false step (it
must never pass the gate); a true one holds only true steps (none may be refuted)."""
from engine.adversary import document

SIGMOID = "<!-- engine: sigma: function(lambda t: 1/(1+exp(-t))) -->\n"
DL_DZ = r"\frac{\partial L}{\partial z}"
DL_DY = r"\frac{\partial L}{\partial y}"
DY_DZ = r"\frac{\partial y}{\partial z}"

CASES = [
    # -- unknown functions: the chain rule, right and wrong ----------------------------------
    document("chain-rule-through-sigmoid", SIGMOID + f"Let\n$$ y = \\sigma(z) $$\n"
             f"$$ {DL_DZ} = {DL_DY} \\cdot {DY_DZ} $$\n", truth=True,
             how="d/dz L(sigma(z)) = L'(sigma(z)) sigma'(z): the chain rule"),
    document("chain-rule-sigmoid-derivative", SIGMOID + f"Let\n$$ y = \\sigma(z) $$\n"
             f"$$ {DL_DZ} = {DL_DY} \\cdot y (1 - y) $$\n", truth=True,
             how="sigma'(z) = sigma(z)(1 - sigma(z)) = y(1 - y)"),
    document("chain-rule-wrong-sign-in-sigmoid-derivative", SIGMOID + f"Let\n$$ y = \\sigma(z) $$\n"
             f"$$ {DL_DZ} = {DL_DY} \\cdot y (1 + y) $$\n", truth=False,
             how="sigma'(0) = 1/4 but y(1+y) = 3/4 at z = 0; L(y) = y makes the sides differ"),
    document("chain-rule-doubled", SIGMOID + f"Let\n$$ y = \\sigma(z) $$\n"
             f"$$ {DL_DZ} = 2 {DL_DY} \\cdot {DY_DZ} $$\n", truth=False,
             how="with L(y) = y the sides are sigma'(z) and 2 sigma'(z), sigma' > 0"),
    document("chain-rule-missing-factor", SIGMOID + f"Let\n$$ y = \\sigma(z) $$\n"
             f"$$ {DL_DZ} = {DL_DY} $$\n", truth=False,
             how="with L(y) = y: sigma'(z) <= 1/4 on the left, 1 on the right"),
    document("derivative-of-undeclared-is-not-zero", f"$$ {DL_DZ} = 0 $$\n", truth=False,
             how="for L(z) = z the derivative is 1; the claim is that it vanishes for any L "
                 "(the best answer is unknown: the document never says what L is)"),
    document("derivative-stated-as-value-after-definition", "Let\n$$ L_r = L + R $$\n"
             "$$ \\frac{\\partial L_r}{\\partial R} = 1 $$\n", truth=True,
             how="d(L + R)/dR = 1 for L independent of R"),
    document("partial-equals-other-partial-unrelated", f"$$ {DL_DZ} = {DL_DY} $$\n",
             truth=False, how="for L(y, z) = z the sides are 1 and 0 (the dependencies are "
                              "unknown, so the best is unknown: never verified)"),
    document("declared-function-of-two-arguments", "<!-- engine: L: function(y, z) -->\n"
             f"$$ {DL_DZ} = {DL_DY} $$\n", truth=False,
             how="L(y, z) = z: the sides are 1 and 0"),
    document("chain-rule-tanh", "<!-- engine: tanh: function(lambda t: (exp(t)-exp(-t))/(exp(t)+exp(-t))) -->\n"
             f"Define\n$$ y = \\tanh(z) $$\n$$ {DL_DZ} = {DL_DY} \\cdot (1 - y^2) $$\n",
             truth=True, how="tanh' = 1 - tanh^2, then the chain rule"),
    document("chain-rule-tanh-wrong", "<!-- engine: tanh: function(lambda t: (exp(t)-exp(-t))/(exp(t)+exp(-t))) -->\n"
             f"Define\n$$ y = \\tanh(z) $$\n$$ {DL_DZ} = {DL_DY} \\cdot (1 - y) $$\n",
             truth=False, how="at z = 1, 1 - tanh(1)^2 = 0.42 but 1 - tanh(1) = 0.24; L(y) = y"),
    # -- names leaking across displays ---------------------------------------------------------
    document("free-index-leak-sum", "$$ V = \\sum_{i=1}^{n} w_j $$\n\n"
             "$$ \\sum_{j=1}^{n} w_j = n w_j $$\n", truth=False,
             how="for n = 2, w_1 = 1, w_2 = 0, j = 2: the left is 1, the right 0"),
    document("transpose-then-matrix-identity", "$$ z^T W z = z^T W z $$\n\n"
             "$$ (X^T X)^T = X^T X $$\n", truth=True,
             how="(X^T X)^T = X^T X^{TT} = X^T X for any matrix (or scalar)"),
    document("index-sum-renaming", "$$ \\sum_{i=1}^{n} x_i = \\sum_{j=1}^{n} x_j $$\n",
             truth=True, how="renaming a bound variable"),
    document("index-sum-times-n-wrong", "$$ \\sum_{i=1}^{n} x_i = n x_1 $$\n", truth=False,
             how="n = 2, x_1 = 0, x_2 = 1: 1 vs 0 (false unless declared; must not pass)"),
    # -- conditions ---------------------------------------------------------------------------
    document("first-order-condition-then-true-step", "Setting the gradient to zero:\n"
             "$$ 2 \\Sigma u - 2 \\lambda u = 0 $$\n\n$$ 2(a - b) = 2a - 2b $$\n", truth=True,
             how="the first display is a condition, the second distributes a product"),
    document("assumed-model-then-false-step", "Assume the true model is\n$$ y = X w + e $$\n\n"
             "$$ (a + b)^2 = a^2 + b^2 $$\n", truth=False,
             how="a = b = 1: 4 vs 2"),
    document("eigen-equation-is-a-condition", "$$ \\Sigma u = \\lambda u $$\n\n"
             "$$ 3 \\cdot 4 = 12 $$\n", truth=True,
             how="the eigen-equation is a condition on u, lambda; 3*4 = 12"),
    document("subject-to-constraint", "maximize $u^T S u$ subject to\n$$ u^T u = 1 $$\n\n"
             "$$ 1 + 1 = 2 $$\n", truth=True, how="a constraint, then arithmetic"),
    document("role-step-override-catches-false", "Assume\n<!-- engine: role step -->\n"
             "$$ 2 + 2 = 5 $$\n", truth=False, how="4 is not 5"),
    # -- inline-only and empty files -----------------------------------------------------------
    document("inline-only-false", "Here $a + a = 3a$ and $1 = 2$.\n", truth=False,
             how="1 = 2 is false"),
    document("inline-only-true", "Here $2 + 2 = 4$ and $3 \\cdot 3 = 9$.\n", truth=True,
             how="arithmetic"),
    document("no-math-at-all", "No math here, only prose about 1 = 2.\n", truth=False,
             how="nothing is checked: the gate must not pass an empty file"),
    document("only-undecidable", "$$ p(x) \\propto e^{-x} $$\n", truth=False,
             how="nothing decided: the gate must not pass a file with no decided step"),
    document("false-after-propto", "$$ p \\propto q $$\n\n$$ 2 \\cdot 3 = 5 $$\n", truth=False,
             how="6 is not 5"),
    # -- comments and layouts -----------------------------------------------------------------
    document("comment-mentions-newcommand", "<!-- the \\newcommand lines were moved -->\n"
             "$$ (a+1)^2 = a^2 + 2a + 1 $$\n", truth=True, how="the square of a sum"),
    document("tex-comment-newcommand-false", "% \\newcommand{\\x}{2}\n\\[ \\x + 1 = 3 \\]\n"
             "\\[ 1 = 2 \\]\n", truth=False, how="1 = 2 is false; the comment defines nothing",
             suffix=".tex"),
    document("lone-first-row", "\\begin{align}\n3 + 3 \\\\\n= 6 \\\\\n= 7\n\\end{align}\n",
             truth=False, how="6 is not 7", suffix=".tex"),
    document("dangling-equals-continued", "$$2+2=4=$$\n$$=5$$\n", truth=False,
             how="4 is not 5"),
    document("dangling-equals-true", "$$(x+1)^2 = x^2 + 2x + 1 =$$\n$$= (1+x)^2$$\n",
             truth=True, how="expanding and commuting"),
    document("hang-then-false", "$$ 10^{10^{10}} = x $$\n\n$$ 2 + 2 = 5 $$\n", truth=False,
             how="4 is not 5; the tower must cost its line only"),
]
