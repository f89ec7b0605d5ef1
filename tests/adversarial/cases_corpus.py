"""Cases cut from the real-world corpus (tests/realworld): wrong steps found in the wild, and
true steps next to them, each with its source and how its truth was established."""
from engine.adversary import document

CASES = [
    document("corpus-sigmoid-derivative-sign", "Assuming:\n$$ g(z) = \\frac{1}{1+e^{-z}} $$\n"
             "$$ \\frac{\\partial g(z)}{\\partial z} = -g(z)(1-g(z)) $$\n",
             where="g: function(lambda t: 1/(1 + exp(-t))); z: real", truth=False,
             how="math.SE 1159033: at z = 0 the derivative is 1/4, the right side -1/4 (exact)"),
    document("corpus-sigmoid-derivative-quotient", "$$ \\frac{\\partial g(z)}{\\partial z} = "
             "\\frac{e^{-z}}{(1+e^{-z})^2} $$\n",
             where="g: function(lambda t: 1/(1 + exp(-t))); z: real", truth=True,
             how="math.SE 1159033: quotient rule; SymPy simplify of the difference is 0"),
    document("corpus-kl-dropped-half", "\\begin{align*} KL &= \\frac{1}{2} \\log (2 \\pi \\sigma_2^2) "
             "+ \\frac{\\sigma_1^2 + (\\mu_1 - \\mu_2)^2}{2 \\sigma_2^2} - \\frac{1}{2} (1 + \\log (2 \\pi "
             "\\sigma_1^2))\\\\ &= \\log \\frac{\\sigma_2}{\\sigma_1} + \\frac{\\sigma_1^2 + (\\mu_1 - \\mu_2)^2}"
             "{2 \\sigma_2^2}. \\end{align*}\n",
             where="mu_1 mu_2: real; sigma_1 sigma_2: positive", truth=False,
             how="CV 7440: the -1/2 is dropped; the sides differ by exactly 1/2 (by hand)"),
    document("corpus-variance-typo", "$$ V[y] = E[y^2] - E[y^2] = E[y^2] $$\n",
             where="E: expectation; V: variance; v: positive; y: symmetric(v)", truth=False,
             how="CV 138035: E[y^2] - E[y^2] = 0 while V[y] = v > 0"),
    document("corpus-variance-negative", "$$-\\int_{-\\infty}^{\\infty} (x-\\mu) ^2 P(x) dx = V(x) = "
             "-\\sigma^2$$\n", where="mu: real; sigma: positive; x: normal(mu, sigma**2); V: variance; "
             "P: function(lambda u: exp(-(u - mu)**2/(2*sigma**2))/sqrt(2*pi*sigma**2))", truth=False,
             how="cs.SE 122082 (bounds added): the left side is -sigma^2 and V(x) = sigma^2 > 0"),
    document("corpus-relu-second-moment", "$$ E[\\max(0, y)^2] = \\frac{1}{2}E[y^2] = \\frac{1}{2}V[y] $$\n",
             where="E: expectation; V: variance; v: positive; y: symmetric(v)", truth=True,
             how="CV 138035: symmetry of y; 50-digit mpmath quad for N(0,1) and uniform(-1,1) give Var/2"),
]
