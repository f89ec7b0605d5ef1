"""Independent checks of the hand keys' numeric claims (50-digit mpmath and SymPy, no engine).

Each wrong step's counterexample and each closed form the keys rely on is recomputed here:
    python tests/realworld/verify_keys.py
prints one line per claim and exits 1 if any claim does not hold."""
import sys

import mpmath as mp
import sympy as sp

mp.mp.dps = 50
CLAIMS = []


def claim(name):
    def register(function):
        CLAIMS.append((name, function))
        return function
    return register


def normal_pdf(mu, s):
    return lambda x: mp.exp(-(x - mu) ** 2 / (2 * s ** 2)) / mp.sqrt(2 * mp.pi * s ** 2)


def kl(mu1, s1, mu2, s2):
    p, q = normal_pdf(mu1, s1), normal_pdf(mu2, s2)
    return mp.quad(lambda x: p(x) * mp.log(p(x) / q(x)), [-mp.inf, mu1, mp.inf])


@claim("01:21 int p log p = -1/2 (1 + log 2 pi sigma_1^2)")
def _():
    p = normal_pdf(mp.mpf("0.3"), mp.mpf("1.7"))
    left = mp.quad(lambda x: p(x) * mp.log(p(x)), [-mp.inf, 0.3, mp.inf])
    return mp.almosteq(left, -(1 + mp.log(2 * mp.pi * mp.mpf("1.7") ** 2)) / 2, 1e-40)


@claim("01:67 / 06:9 KL closed form; 01:57 wrong step is the KL + 1/2")
def _():
    mu1, s1, mu2, s2 = map(mp.mpf, ("0.3", "1.7", "-0.4", "0.9"))
    closed = mp.log(s2 / s1) + (s1 ** 2 + (mu1 - mu2) ** 2) / (2 * s2 ** 2)
    value = kl(mu1, s1, mu2, s2)
    return mp.almosteq(value, closed - mp.mpf(1) / 2, 1e-40) and not mp.almosteq(value, closed, 1e-3)


@claim("02:19,21 KL(N(mu, s^2) || N(0,1)) = -1/2 (log s^2 + 1 - s^2 - mu^2), not ... + mu^2")
def _():
    mu, s = mp.mpf("0.7"), mp.mpf("1.3")
    value = kl(mu, s, 0, 1)
    right = -(mp.log(s ** 2) + 1 - s ** 2 - mu ** 2) / 2
    wrong = -(mp.log(s ** 2) + 1 - s ** 2 + mu ** 2) / 2
    return mp.almosteq(value, right, 1e-40) and not mp.almosteq(value, wrong, 1e-3)


@claim("02:14,15 E[x^2] = V + E^2 (not V - E^2); -int (x-mu)^2 P = -V")
def _():
    p = normal_pdf(1, 1)
    second = mp.quad(lambda x: x ** 2 * p(x), [-mp.inf, 1, mp.inf])
    centred = mp.quad(lambda x: (x - 1) ** 2 * p(x), [-mp.inf, 1, mp.inf])
    return mp.almosteq(second, 2, 1e-40) and mp.almosteq(-centred, -1, 1e-40)


@claim("04:19 dg/dz = g(1-g) > 0 (not -g(1-g)); 04:21; 03:23")
def _():
    z = sp.Symbol("z", real=True)
    g = 1 / (1 + sp.exp(-z))
    d = sp.diff(g, z)
    return (sp.simplify(d - g * (1 - g)) == 0 and sp.simplify(d - sp.exp(-z) / (1 + sp.exp(-z)) ** 2) == 0
            and d.subs(z, 0) == sp.Rational(1, 4))


@claim("03:17 the asker's gradient equals sum (s(z) - y) x (it is correct)")
def _():
    z, y = sp.symbols("z y", real=True)
    asker = -((y - 1) * sp.exp(z) / (sp.exp(z) + 1) + y / (sp.exp(z) + 1))
    return sp.simplify(asker - (1 / (1 + sp.exp(-z)) - y)) == 0


@claim("06:11 -1/2 (log s - s - mu^2 + 1) is not the KL at s = 2, mu = 0")
def _():
    value = kl(0, 2, 0, 1)
    formula = -(mp.log(2) - 2 + 1) / 2
    return mp.almosteq(value, mp.mpf(3) / 2 - mp.log(2), 1e-40) and abs(value - formula) > 0.5


@claim("07:12 V(XY) != E(X^2)E(Y^2) - E(X)^2 E(Y^2) for X ~ N(2, 1), Y ~ N(1, 1) independent")
def _():
    px, py = normal_pdf(2, 1), normal_pdf(1, 1)
    moment = lambda p, k, c: mp.quad(lambda x: x ** k * p(x), [-mp.inf, c, mp.inf])
    ex, ex2, ey, ey2 = moment(px, 1, 2), moment(px, 2, 2), moment(py, 1, 1), moment(py, 2, 1)
    v_xy = ex2 * ey2 - (ex * ey) ** 2                      # independence
    return mp.almosteq(v_xy, 6, 1e-40) and mp.almosteq(ex2 * ey2 - ex ** 2 * ey2, 2, 1e-40)


@claim("07:18 / 16:27 the answers' algebra, moments as symbols")
def _():
    ex, ex2, ey, ey2 = sp.symbols("ex ex2 ey ey2")
    vx, vy = ex2 - ex ** 2, ey2 - ey ** 2
    target = ex ** 2 * vy + ey ** 2 * vx + vx * vy
    steps = [ex2 * ey2 - ex ** 2 * ey ** 2,
             ex2 * ey2 - (ex2 - ex ** 2) * (ey2 - ey ** 2) - ex ** 2 * ey ** 2 + vx * vy,
             ex ** 2 * ey2 + ex2 * ey ** 2 - 2 * ex ** 2 * ey ** 2 + vx * vy,
             ex2 * vy + ey ** 2 * vx]
    return all(sp.expand(s - target) == 0 for s in steps)


@claim("08:25 X^T X + lambda I beta != (X^T X + lambda I) beta at beta = 0 (X^T X != 0)")
def _():
    X = sp.Matrix([[1, 2], [0, 1], [3, 1]])
    beta = sp.zeros(2, 1)
    return X.T * X != sp.zeros(2, 2) and ((X.T * X + 2 * sp.eye(2)) * beta).is_zero_matrix


@claim("09:18 / 08:15 ridge gradient is -2 X^T (y - X b) + 2 lambda b (finite differences)")
def _():
    X = mp.matrix([[1, 2], [0, 1], [3, 1]]); y = mp.matrix([1, -1, 2]); lam = mp.mpf("0.5")
    loss = lambda b: mp.norm(y - X * b) ** 2 + lam * mp.norm(b) ** 2
    b = mp.matrix([mp.mpf("0.2"), mp.mpf("-0.3")])
    grad = -2 * X.T * (y - X * b) + 2 * lam * b
    for k in range(2):
        e = mp.matrix([1 if i == k else 0 for i in range(2)])
        fd = mp.diff(lambda t: loss(b + t * e), 0)
        if not mp.almosteq(fd, grad[k], 1e-30):
            return False
    return True


@claim("10/11 E[max(0, y)^2] = Var(y)/2 for N(0,1) and uniform(-1,1)")
def _():
    normal = mp.quad(lambda x: max(0, x) ** 2 * normal_pdf(0, 1)(x), [-mp.inf, 0, mp.inf])
    uniform = mp.quad(lambda x: max(0, x) ** 2 / 2, [-1, 0, 1])
    return mp.almosteq(normal, mp.mpf(1) / 2, 1e-40) and mp.almosteq(uniform, mp.mpf(1) / 6, 1e-40)


@claim("12:20 the dropped factor 2(a_L - y): the product differs from the derivative")
def _():
    s = lambda t: 1 / (1 + mp.exp(-t))
    ds = lambda t: s(t) * (1 - s(t))
    a2, w1, wL, y = map(mp.mpf, ("0.3", "-0.7", "1.1", "0.2"))
    cost = lambda w: (s(wL * s(w * a2)) - y) ** 2
    true = mp.diff(cost, w1)
    z1 = w1 * a2; a1 = s(z1)
    written = a2 * ds(z1) * ds(wL * a1) * wL
    return mp.almosteq(true, written * 2 * (s(wL * a1) - y), 1e-30) and not mp.almosteq(true, written, 1e-3)


@claim("14:27 single-path chain rule misses the k != j terms (one-hot t at k != j)")
def _():
    z = [mp.mpf("0.3"), mp.mpf("-0.2"), mp.mpf("0.5")]; t = [0, 1, 0]; j = 0
    def error(zj):
        zz = [zj] + z[1:]
        total = sum(mp.exp(v) for v in zz)
        return -sum(t[k] * mp.log(mp.exp(zz[k]) / total) for k in range(3))
    true = mp.diff(error, z[0])                    # dE/dz_j; dz_j/dw_ij = o_i multiplies both
    total = sum(mp.exp(v) for v in z); o = [mp.exp(v) / total for v in z]
    single = (-t[j] / o[j]) * o[j] * (1 - o[j])
    return mp.almosteq(true, o[j] - t[j], 1e-30) and single == 0 and abs(true) > 0.1


@claim("17:19 dl/dsigma = -n/sigma + S/sigma^3, not (-n sigma^3 + 2 sigma^2 S)/(2 sigma^5); stationary sigma^2 = S/n")
def _():
    n, S, s = sp.symbols("n S sigma", positive=True)
    l = -n / 2 * sp.log(2 * sp.pi * s ** 2) - S / (2 * s ** 2)
    d = sp.diff(l, s)
    written = (-n * s ** 3 + 2 * s ** 2 * S) / (2 * s ** 5)
    return (sp.simplify(d - (-n / s + S / s ** 3)) == 0 and sp.simplify(d - written) != 0
            and sp.solve(sp.Eq(d, 0), s) == [sp.sqrt(S / n)])


@claim("18:17,28,29 grad of v^T S v + lambda (1 - v^T v) is 2 (S - lambda I) v (S symmetric)")
def _():
    v = sp.Matrix(sp.symbols("v1 v2")); lam = sp.Symbol("lambda")
    S = sp.Matrix([[2, 1], [1, 3]])
    L = (v.T * S * v)[0] + lam * (1 - (v.T * v)[0])
    grad = sp.Matrix([sp.diff(L, x) for x in v])
    right = 2 * (S - lam * sp.eye(2)) * v
    line28 = right - 2 * lam * v
    return (sp.simplify(grad - right) == sp.zeros(2, 1) and sp.simplify(grad - line28) != sp.zeros(2, 1)
            and sp.simplify(grad - (S - lam * sp.eye(2)) * v) != sp.zeros(2, 1))


def main() -> int:
    failed = 0
    for name, function in CLAIMS:
        ok = bool(function())
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
