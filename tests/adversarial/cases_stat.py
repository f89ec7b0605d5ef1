"""Expectations meant to fool the probability checker: clipped and ReLU-like integrands,
indicators and probabilities, supports away from 0, tiny and huge scales, heavy tails, products
of dependent variables and mixtures. Truths from closed forms (phi, Phi the standard normal
density and distribution function) or 50-digit mpmath quadrature, as each `how` says."""
from engine.adversary import equal

N = "E: expectation; X: normal(0, 1)"
NN = "E: expectation; X: normal(0, 1); Y: normal(0, 1)"
U = "E: expectation; X: uniform(10, 20)"
U01 = "E: expectation; X: uniform(0, 10)"
L = "E: expectation; X: laplace(0, 1)"
MIX = "E: expectation; B: bernoulli(3/10); X: normal(0, 1)"


def case(name, lhs, rhs, where, truth, how):
    return equal(f"stat-{name}", lhs, rhs, where=where, truth=truth, how=how)


CASES = [
    # clipped and ReLU-like, support away from the kink
    case("max-above-support-false", "E(max(X, 5))", "5", U, False,
         "X >= 10 > 5 on the support, so max(X, 5) = X and E = 15"),
    case("max-above-support-true", "E(max(X, 5))", "15", U, True, "max(X, 5) = X there; E X = 15"),
    case("abs-negative-false", "E(abs(X - 8))", "-7", U, False, "|.| >= 0; E|X - 8| = E X - 8 = 7"),
    case("abs-shifted-true", "E(abs(X - 8))", "7", U, True, "X - 8 >= 2 > 0 on [10, 20]"),
    case("abs-kink-inside-true", "E(abs(X - 13))", "29/10", U, True,
         "(3^2 + 7^2) / (2 * 10) = 2.9"),
    case("abs-kink-inside-false", "E(abs(X - 13))", "5/2", U, False, "the true value is 2.9"),
    case("max-kink-inside-true", "E(max(X, 15))", "65/4", U, True,
         "P(X<15) 15 + P(X>15) E[X | X>15] = 7.5 + 8.75"),
    case("max-kink-inside-mean-false", "E(max(X, 15))", "15", U, False, "the true value is 16.25"),
    case("min-kink-true", "E(min(X, 12))", "59/5", U, True, "0.2 * 11 + 0.8 * 12 = 11.8"),
    case("min-above-support-true", "E(min(X, 20))", "15", U, True, "X <= 20 on the support"),
    case("relu-normal-true", "E(max(X, 0))", "1/sqrt(2*pi)", N, True, "E X+ = phi(0)"),
    case("relu-normal-half-false", "E(max(X, 0))", "1/2", N, False, "phi(0) = 0.3989 != 0.5"),
    case("relu-squared-true", "E(max(X, 0)**2)", "1/2", N, True, "by symmetry E X+^2 = E X^2 / 2"),
    case("relu-squared-false", "E(max(X, 0)**2)", "1/sqrt(2*pi)", N, False,
         "the true value is 1/2"),
    case("max-at-one-true", "E(max(X, 1))", "1.0833154705876862983830627385675985773",
         N, True, "Phi(1) + phi(1), 50-digit mpmath"),
    case("max-at-one-false", "E(max(X, 1))", "1", N, False, "the true value is 1.0833"),
    case("clip-symmetric-true", "E(min(max(X, -1), 1))", "0", N, True,
         "the clipped variable is symmetric about 0"),
    case("clip-unit-true", "E(min(max(X, 0), 1))", "0.31562680981374637955688332136678329",
         N, True, "50-digit mpmath quadrature; = phi(0) - phi(1) + 1 - Phi(1)"),
    case("clip-unit-false", "E(min(max(X, 0), 1))", "1/sqrt(2*pi)", N, False,
         "the true value is 0.3156"),
    case("abs-normal-true", "E(abs(X))", "sqrt(2/pi)", N, True, "E|X| = 2 phi(0)"),
    case("abs-normal-false", "E(abs(X))", "0", N, False, "|X| > 0 almost surely"),
    # indicators and probabilities
    case("prob-half-false", "E(indicator(X > 5))", "0", U01, False, "P(X > 5) = 1/2"),
    case("prob-half-true", "E(indicator(X > 5))", "1/2", U01, True, "(10 - 5) / 10"),
    case("prob-interval-true", "E(indicator(3 < X < 4))", "1/10", U01, True, "1 / 10"),
    case("prob-interval-false", "E(indicator(3 < X < 4))", "1/100", U01, False, "1 / 10"),
    case("rare-event-vs-zero-false", "E(indicator(X > 3))", "0", N, False,
         "P(X > 3) = 1 - Phi(3) = 0.00135"),
    case("rare-event-true", "E(indicator(X > 3))", "0.0013498980316300945266518147675949774",
         N, True, "1 - Phi(3), 50-digit mpmath"),
    case("rare-event-pointwise-false", "E(X + indicator(X > 3))", "E(X)", N, False,
         "the integrands differ on {X > 3}, of probability 0.00135"),
    case("narrow-band-false", "E(indicator(3 < X < 4))", "0", N, False,
         "Phi(4) - Phi(3) = 0.001318"),
    case("sign-symmetric-true", "E(sign(X))", "0", N, True, "X is symmetric about 0"),
    case("sign-shifted-false", "E(sign(X - 1))", "0", N, False, "1 - 2 Phi(1) = -0.6827"),
    case("sign-shifted-true", "E(sign(X - 1))", "-0.68268949213708589717046509126407584",
         N, True, "1 - 2 Phi(1), 50-digit mpmath"),
    case("truncated-mean-true", "E(X * indicator(X > 1))", "exp(-1/2)/sqrt(2*pi)", N, True,
         "E[X; X > 1] = phi(1)"),
    # tiny and huge scales
    case("huge-scale-relu-true", "E(max(X, 0))", "10**6/sqrt(2*pi)",
         "E: expectation; X: normal(0, 10**12)", True, "sd 1e6: E X+ = 1e6 phi(0)"),
    case("huge-scale-relu-false", "E(max(X, 0))", "10**6/2",
         "E: expectation; X: normal(0, 10**12)", False, "the true value is 398942"),
    case("small-scale-abs-false", "E(abs(X))", "0", "E: expectation; X: normal(0, 10**-6)",
         False, "sd 1e-3: E|X| = 1e-3 sqrt(2/pi) = 7.98e-4 > 0"),
    case("wide-uniform-square-true", "E(X**2)", "700/3", U, True, "Var + mean^2 = 100/12 + 225"),
    case("wide-uniform-square-false", "E(X**2)", "225", U, False, "mean^2 is not E X^2"),
    # heavy tails and expectations that do not exist
    case("pole-inside-support-false", "E(1/(X - 1/2))", "0", N, False,
         "E|1/(X - 1/2)| diverges (the density is positive at 1/2): no expectation"),
    case("pole-uniform-false", "E(1/(X - 5))", "0", U01, False,
         "int |1/(x - 5)| dx diverges at 5: no expectation"),
    case("ratio-no-mean-false", "E(X/Y)", "0", NN, False,
         "X/Y is Cauchy: E|X/Y| diverges"),
    case("divergent-gaussian-exp-false", "E(exp(3*X**2/5))", "sqrt(5)", N, False,
         "int exp(0.6 x^2) phi(x) dx diverges (0.6 > 1/2)"),
    case("convergent-gaussian-exp-true", "E(exp(2*X**2/5))", "sqrt(5)", N, True,
         "1/sqrt(1 - 2 * 0.4) = sqrt(5)"),
    case("convergent-gaussian-exp-false", "E(exp(2*X**2/5))", "2", N, False,
         "the true value is sqrt(5)"),
    case("exp-product-infinite-variance-true", "E(exp(9*X*Y/10))", "1/sqrt(19/100)", NN, True,
         "E_Y exp(0.9 X Y) = exp(0.405 X^2), E of that = 1/sqrt(1 - 0.81)"),
    case("laplace-mgf-true", "E(exp(X/2))", "4/3", L, True, "1/(1 - (1/2)^2) for Laplace(0, 1)"),
    case("laplace-mgf-divergent-false", "E(exp(X))", "2", L, False,
         "int e^x e^-|x| / 2 dx diverges"),
    case("laplace-abs-true", "E(abs(X))", "1", L, True, "the Laplace(0, 1) scale"),
    case("laplace-fourth-false", "E(X**4)", "6", L, False, "4! = 24 for Laplace(0, 1)"),
    case("laplace-fourth-true", "E(X**4)", "24", L, True, "E X^n = n! for even n"),
    # products of dependent variables
    case("relu-times-self-true", "E(max(X, 0) * X)", "1/2", N, True, "X+ X = X+^2; E = 1/2"),
    case("relu-times-self-false", "E(max(X, 0) * X)", "0", N, False, "the true value is 1/2"),
    case("relu-times-negative-part-true", "E(max(X, 0) * min(X, 0))", "0", N, True,
         "one factor is 0 at every outcome"),
    case("relu-product-independent-true", "E(max(X, 0) * max(Y, 0))", "1/(2*pi)", NN, True,
         "independence: phi(0)^2"),
    case("relu-product-half-percent-false", "E(max(X, 0) * max(Y, 0))", "1.005/(2*pi)", NN,
         False, "the true value is 1/(2 pi); this is 0.5% too large"),
    case("relu-product-dependent-true", "E(max(X, 0) * max(X + Y, 0))", "1/(2*pi) + 3/8", NN,
         True, "bivariate normal, sd 1 and sqrt 2, rho 1/sqrt 2: "
               "s1 s2 (sqrt(1-rho^2) + rho (pi - arccos rho)) / (2 pi); 50-digit mpmath agrees"),
    case("relu-product-dependent-false", "E(max(X, 0) * max(X + Y, 0))", "3/8", NN, False,
         "the true value is 0.534"),
    case("max-of-two-true", "E(max(X, Y))", "1/sqrt(pi)", NN, True,
         "E max = E|X - Y| / 2 = sqrt(2) sqrt(2/pi) / 2"),
    case("max-of-two-false", "E(max(X, Y))", "0", NN, False, "the true value is 0.564"),
    case("square-of-sum-true", "E((X + Y)**2 * X**2)", "4", NN, True,
         "E X^4 + 2 E X^3 Y + E X^2 Y^2 = 3 + 0 + 1"),
    case("square-of-sum-false", "E((X + Y)**2 * X**2)", "2", NN, False, "the true value is 4"),
    # mixtures
    case("mixture-mean-true", "E(B*X + (1 - B)*(X + 5))", "7/2", MIX, True, "0.7 * 5"),
    case("mixture-mean-false", "E(B*X + (1 - B)*(X + 5))", "5", MIX, False, "0.7 * 5 = 3.5"),
    case("mixture-relu-true", "E(max(B*X, 0))", "3/(10*sqrt(2*pi))", MIX, True,
         "0.3 phi(0) + 0.7 * 0"),
    case("mixture-relu-false", "E(max(B*X, 0))", "1/sqrt(2*pi)", MIX, False,
         "the mask is 0 with probability 0.7"),
    # supports away from 0, smooth functions
    case("log-uniform-true", "E(log(X))", "1/(exp(1) - 1)", "E: expectation; X: uniform(1, exp(1))",
         True, "int_1^e log x dx / (e - 1) = 1 / (e - 1)"),
    case("reciprocal-uniform-true", "E(1/X)", "log(2)", "E: expectation; X: uniform(1, 2)", True,
         "int_1^2 dx / x = log 2"),
    case("reciprocal-uniform-false", "E(1/X)", "2/3", "E: expectation; X: uniform(1, 2)", False,
         "1 / E X = 2/3 but E 1/X = log 2 (Jensen)"),
    case("sqrt-uniform-true", "E(sqrt(X))", "2/3", "E: expectation; X: uniform(0, 1)", True,
         "int_0^1 sqrt(x) dx"),
]
