"""Technion ECE 046211 HW2, Question 2 / Solution 2: the "guess and check" generalization bound.

Source: 000_c66762b86c6c83bf.txt, "Question 2 - 'Typical' Generalization in Multilayer Neural
Networks" and "Solution 2". A student f_w(x) = sign(w_2^T [W_1 x]_+) (d_0 inputs, d_1 hidden
ReLU neurons, k = d_0 d_1 + d_1 weights) draws every weight uniformly from the q levels
Q = {-(q-1)/2, ..., (q-1)/2} until it fits the teacher's labels on the training set; the
teacher has the same architecture and at most d_1^* < d_1 non-zero neurons.

Parts 1 and 2 are checked symbolically (the solution's counting) and by exhaustive enumeration
of tiny networks (engine.finite): every weight vector of Q^k is drawn, and whether f_w equals
f_w* as a function of x in R^{d_0} is decided exactly (see `_function_table`). Part 3 models
the stopping time t as geometric: each draw fits the training set with probability P_S >= p*
(written P_S = p* + s (1 - p*), s in (0, 1)), so P(t > T) = (1 - P_S)^floor(T). Part 4 follows
the hint: floor(T) ~ T is taken as exact by making T an integer, log(1 - p*) ~ -p* is an
approximation step as p* -> 0, and eq. (1) enters as any q with q^-(d_0 d_1^* + d_1) <= p*.
Part 5 compares log|F| = k log q with (d_0 d_1^* + d_1) log q.
"""
import itertools
from fractions import Fraction

import sympy as sp

from engine import Derivation, REFUTED, Scope, Source, claim, eq, fact, holds, step
from engine.computed import computation
from engine.finite import Count, ForAll, Integers, Vectors

DOCUMENT = "000_c66762b86c6c83bf.txt"
NOTATION = {"p_star": r"p_*", "d_1s": r"d_1^*", "P_S": r"P_{\mathcal{S}}",
            "P_tT": r"P(t > T)", "P_tltT": r"P(t < T)", "P_tleT": r"P(t \leq T)",
            "F_T": r"|\mathcal{F}_T|", "eta": r"\eta", "epsilon": r"\epsilon",
            "delta": r"\delta", "w_star": r"\mathbf{w}_*", "w": r"\mathbf{w}"}


# -- the tiny networks: every weight vector of Q^k and the function it computes ----------------

def _levels(q):
    half = (q - 1) // 2
    return range(-half, half + 1)


def _directions(q, d0, d1):
    """Directions u of R^{d0} such that f_w = f_w' on R^{d0} iff they agree at every u, for all
    w, w' in Q^k. f_w(x) = sign(g_w(x)) with g_w positively homogeneous and g_w(0) = 0, so
    only directions matter. d0 = 1: the two half-lines. d0 = 2: on the circle, g_w is linear
    between the directions orthogonal to its rows W_1[j] and vanishes only at directions
    orthogonal to a = sum_(active j) w_2[j] W_1[j]; every such direction is an integer vector
    with entries at most B = max(m, d1 m^2), m = (q-1)/2. Between consecutive integer
    directions of [-B, B]^2 both signs are constant, so those directions and one direction
    inside each arc between them decide f_w everywhere."""
    if d0 == 1:
        return [(-1,), (1,)]
    if d0 != 2:
        raise ValueError("the exact function comparison covers d0 = 1 and 2")
    import math
    m = (q - 1) // 2
    bound = max(m, d1 * m * m, 1)
    critical = sorted({(a, b) for a in range(-bound, bound + 1) for b in range(-bound, bound + 1)
                       if (a, b) != (0, 0) and math.gcd(a, b) == 1},
                      key=lambda u: math.atan2(u[1], u[0]))
    inside = [(u[0] + v[0], u[1] + v[1])       # arcs are < pi/2: the sum lies strictly inside
              for u, v in zip(critical, critical[1:] + critical[:1])]
    return critical + inside


_TABLES: dict = {}


def _function_table(q, d0, d1):
    """(signatures, counts): the signs of g_w at `_directions` for every w of Q^k (in the
    lexicographic order of Vectors), and how many w share each signature (each function)."""
    key = (q, d0, d1)
    if key not in _TABLES:
        import numpy as np
        k = d0 * d1 + d1
        weights = np.array(list(itertools.product(_levels(q), repeat=k)), dtype=np.int64)
        W1 = weights[:, :d0 * d1].reshape(-1, d1, d0)        # rows W_1[j], then w_2
        w2 = weights[:, d0 * d1:]
        U = np.array(_directions(q, d0, d1), dtype=np.int64)  # exact integer arithmetic
        g = np.einsum("nj,njd->nd", w2, np.maximum(W1 @ U.T, 0))
        signatures = [row.tobytes() for row in np.sign(g).astype(np.int8)]
        counts: dict = {}
        for s in signatures:
            counts[s] = counts.get(s, 0) + 1
        _TABLES[key] = (signatures, counts)
    return _TABLES[key]


def _index(q, teacher) -> int:
    """The position of a weight vector in the lexicographic order of Q^k."""
    half, index = (q - 1) // 2, 0
    for weight in teacher:
        index = index * q + weight + half
    return index


@computation(latex=r"p_*")
def p_star(q, d0, d1, w_star):
    """P_{w ~ P_W}(f_w(x) = f_w*(x) for all x): the number of w in Q^k computing the same
    function as the teacher w_star, over q^k (an exact fraction)."""
    signatures, counts = _function_table(q, d0, d1)
    return Fraction(counts[signatures[_index(q, w_star)]], q ** (d0 * d1 + d1))


@computation(latex=r"\#\mathrm{neurons}_{\neq 0}")
def nonzero_neurons(d0, d1, w_star):
    """How many hidden neurons of w_star have a non-zero incoming or outgoing weight."""
    W1, w2 = w_star[:d0 * d1], w_star[d0 * d1:]
    return sum(1 for j in range(d1) if w2[j] != 0 or any(W1[j * d0:(j + 1) * d0]))


@computation(latex=r"|\mathcal{F}|")
def distinct_functions(q, d0, d1):
    """|F| = |{f_w : w in Q^k}|: the number of different functions the q^k weight vectors
    compute."""
    return len(_function_table(q, d0, d1)[1])


# -- 1. P(w = w*) = q^-k ------------------------------------------------------------------

q_, k_, w_, t_ = sp.symbols("q k w w_star", integer=True)
d0_, d1_, d1s_ = sp.symbols("d_0 d_1 d_1s", integer=True)
i_ = sp.Symbol("i", integer=True, positive=True)


def levels(q):
    """Q = {-(q-1)/2, ..., (q-1)/2}."""
    return Integers(-(q - 1) / 2, (q - 1) / 2)


S1 = Scope()
m1 = S1.scalar("m", "positive_integer")
q1 = S1.define("q", 2 * m1 + 1)                     # an odd number of levels
k1 = S1.scalar("k", "positive_integer")

probability = Derivation(
    id="technion-hw2/q2-probability",
    title=r"Guess and check: $P(\mathbf{w} = \mathbf{w}_*) = q^{-k}$",
    source=Source(DOCUMENT, "Question 2.1, Solution 2.1"),
    scope=S1, notation=NOTATION,
    notes=r"$q = 2m + 1$ levels ($q$ odd). The enumeration draws every $\mathbf{w}$ in $Q^k$ "
          r"for $q = 1, 3, 5$ and $k = 1, 2, 3$ and counts the draws equal to each teacher "
          r"$\mathbf{w}_*$.",
    chain=[
        holds(ForAll(sp.Eq(Count(sp.Eq(w_, t_), (w_, Vectors(levels(q_), k_))) / q_**k_,
                           q_**-k_),
                     (q_, [1, 3, 5]), (k_, Integers(1, 3)), (t_, Vectors(levels(q_), k_))),
              r"to get specific weights we set each of the $k$ weights to a specific value out "
              r"of $q$ possible values (every draw counted)"),
        fact(sp.Product(1 / q1, (i_, 1, k1)), "=", q1**-k1,
             r"since the weights are i.i.d this entails $P(\mathbf{w} = \mathbf{w}_*) = q^{-k}$"),
    ],
)


# -- 2. p* >= q^-(d0 d1* + d1) --------------------------------------------------------------

S2 = Scope()
q2 = S2.define("q", 2 * S2.scalar("m", "positive_integer") + 1)
d0, d1s, d1 = (S2.scalar(name, "positive_integer") for name in ("d_0", "d_1s", "d_1"))

teacher_bound = Derivation(
    id="technion-hw2/q2-p-star",
    title=r"Guess and check: $p_* \ge q^{-d_0 d_1^* - d_1}$, also by enumerating tiny networks",
    source=Source(DOCUMENT, "Question 2.2, Solution 2.2"),
    scope=S2, notation=NOTATION,
    notes=r"The enumeration takes $q = 3$, $d_0 \in \{1, 2\}$, $d_1 \in \{2, 3\}$, every "
          r"$d_1^* < d_1$ and every teacher $\mathbf{w}_*$ in $Q^k$ with at most $d_1^*$ non-zero "
          r"neurons; $p_*$ is the exact share of the $q^k$ students computing the teacher's "
          r"function on all of $\mathbb{R}^{d_0}$ ($\mathrm{sign}(0) = 0$, as SymPy and NumPy "
          r"define it; the labels are $\pm 1$ almost everywhere).",
    chain=[
        fact((d0 * d1s + d1s) + (d1 - d1s), "=", d0 * d1s + d1,
             r"we need to sample correctly all the input and output weights of the $d_1^*$ "
             r"hidden neurons in the teacher, and '0' in the output weights of the "
             r"$(d_1 - d_1^*)$ other student neurons"),
        fact(q2**-(d0 * d1s + d1s) * q2**-(d1 - d1s), "=", q2**(-d0 * d1s - d1),
             r"each of these weights takes its value with probability $1/q$, independently "
             r"(part 1)"),
        holds(ForAll(sp.Implies(sp.Le(nonzero_neurons(d0_, d1_, t_), d1s_),
                                sp.Ge(p_star(q_, d0_, d1_, t_), q_**(-d0_ * d1s_ - d1_))),
                     (q_, [3]), (d0_, [1, 2]), (d1_, [2, 3]), (d1s_, Integers(0, d1_ - 1)),
                     (t_, Vectors(levels(q_), d0_ * d1_ + d1_))),
              r"therefore, we get $p_* \ge q^{-d_0 d_1^* - d_1}$ (checked for every teacher of "
              r"the tiny networks, $p_*$ counted over all $q^k$ students)"),
    ],
)


# -- 3. floor(T) <= log P(t > T) / log(1 - p*) ----------------------------------------------

S3 = Scope()
p3 = S3.scalar("p_star", interval=(0, 1))
s3 = S3.scalar("s", interval=(0, 1))
P_S3 = S3.define("P_S", p3 + s3 * (1 - p3))          # fitting S is at least as likely as p*
T3 = S3.scalar("T", "positive")
P_tT3 = S3.define("P_tT", (1 - P_S3)**sp.floor(T3))  # t is geometric: the first floor(T) fail
bound_T3 = sp.log(P_tT3) / sp.log(1 - p3)

tail = Derivation(
    id="technion-hw2/q2-tail",
    title=r"Guess and check: $P(t > T) \le (1 - p_*)^{\lfloor T \rfloor}$",
    source=Source(DOCUMENT, "Question 2.3, Solution 2.3 (first display)"),
    scope=S3, notation=NOTATION,
    notes=r"$P_{\mathcal{S}}$ is $P_{\mathbf{w}}(f_{\mathbf{w}} = f_{\mathbf{w}_*}$ on the "
          r"training set$)$, at least $p_*$ ($P_{\mathcal{S}} = p_* + s (1 - p_*)$); draws are "
          r"independent, so $t$ is geometric and $t > T$ means the first $\lfloor T \rfloor$ "
          r"draws fail.",
    claim=claim(P_tT3, "<=", (1 - p3)**sp.floor(T3)),
    chain=[
        P_tT3,
        eq((1 - P_S3)**T3, r"if $t > T$ it means we were not able to fit the training set for "
           r"$T$ times", expect=REFUTED,
           note=r"$t$ counts draws, so $t > T$ means the first $\lfloor T \rfloor$ draws failed: "
                r"$P(t > T) = (1 - P_{\mathcal{S}})^{\lfloor T \rfloor}$, which differs from "
                r"$(1 - P_{\mathcal{S}})^T$ whenever $T$ is not an integer ($T = 1/2$: 1 against "
                r"$\sqrt{1 - P_{\mathcal{S}}}$). The question asks for $\lfloor T \rfloor$ for "
                r"this reason.",
           correction=[
               eq((1 - P_S3)**sp.floor(T3),
                  r"the first $\lfloor T \rfloor$ independent draws fail"),
               step("<=", (1 - p3)**sp.floor(T3), r"$P_{\mathcal{S}} \ge p_*$: fitting the "
                    r"training set is at least as likely as computing the teacher's function"),
           ]),
        step("<=", (1 - p3)**T3, "the probability of achieving a perfect classification on "
             "the training set can be lower bounded by the probability of achieving the same "
             "function as the teacher"),
    ],
)

logs = Derivation(
    id="technion-hw2/q2-floor-T",
    title=r"Guess and check: taking logs, $T \le \frac{\log P(t > T)}{\log(1 - p_*)}$",
    source=Source(DOCUMENT, "Question 2.3, Solution 2.3 (second display)"),
    scope=S3, notation=NOTATION,
    notes=r"The chain starts from the first display's result as the solution wrote it, "
          r"$(1 - p_*)^T \ge P(t > T)$, which holds only for integer $T$ (see "
          r"technion-hw2/q2-tail); every implication after it is right. "
          r"technion-hw2/q2-floor-T-corrected takes the same steps from the bound that holds.",
    claim=claim(sp.GreaterThan((1 - p3)**T3, P_tT3), "=>", sp.LessThan(sp.floor(T3), bound_T3)),
    chain=[
        sp.GreaterThan((1 - p3)**T3, P_tT3),
        step("=>", sp.GreaterThan(sp.log((1 - p3)**T3, evaluate=False), sp.log(P_tT3)),
             "taking the log of both sides of the inequality"),
        step("=>", sp.GreaterThan(T3 * sp.log(1 - p3), sp.log(P_tT3)),
             r"$\log(1 - p_*)^T = T \log(1 - p_*)$"),
        step("=>", sp.LessThan(T3, bound_T3), r"$\log(1 - p_*) < 0$: dividing by it flips the "
             r"inequality"),
    ],
)

logs_corrected = Derivation(
    id="technion-hw2/q2-floor-T-corrected",
    title=r"Guess and check: eq. (2) $\lfloor T \rfloor \le "
          r"\frac{\log P(t > T)}{\log(1 - p_*)}$ from the bound that holds",
    source=Source(DOCUMENT, "Question 2.3, eq. (2) (the solution's steps with floor(T))"),
    scope=S3, notation=NOTATION,
    claim=claim(sp.GreaterThan((1 - p3)**sp.floor(T3), P_tT3), "=>",
                sp.LessThan(sp.floor(T3), bound_T3)),
    chain=[
        sp.GreaterThan((1 - p3)**sp.floor(T3), P_tT3),
        step("=>", sp.GreaterThan(sp.log((1 - p3)**sp.floor(T3), evaluate=False),
                                  sp.log(P_tT3)), "taking the log of both sides"),
        step("=>", sp.GreaterThan(sp.floor(T3) * sp.log(1 - p3), sp.log(P_tT3)),
             r"$\log(1 - p_*)^{\lfloor T \rfloor} = \lfloor T \rfloor \log(1 - p_*)$"),
        step("=>", sp.LessThan(sp.floor(T3), bound_T3), r"$\log(1 - p_*) < 0$"),
    ],
)


# -- 4. the theorem -------------------------------------------------------------------------

S4 = Scope()
p4 = S4.scalar("p_star", interval=(0, 1))
s4 = S4.scalar("s", interval=(0, 1))
P_S4 = S4.define("P_S", p4 + s4 * (1 - p4))
T4 = S4.scalar("T", "positive_integer")              # the hint: floor(T) ~ T taken as exact
P_tT4 = S4.define("P_tT", (1 - P_S4)**T4)
eta = S4.define("eta", P_tT4)                        # eta := P(t > T)
P_tltT = S4.define("P_tltT", 1 - (1 - P_S4)**(T4 - 1))   # t < T: one of the first T-1 fits
P_tleT = S4.define("P_tleT", 1 - (1 - P_S4)**T4)
F_T = S4.define("F_T", T4)                           # F_T = {f_w1, ..., f_wT}
d0_4, d1s_4, d1_4 = (S4.scalar(name, "positive_integer") for name in ("d_0", "d_1s", "d_1"))
v4 = S4.scalar("v", interval=(1, 4))
K4 = d0_4 * d1s_4 + d1_4
q4 = S4.define("q", v4 * p4**(-1 / K4))             # eq. (1): q^-(d0 d1* + d1) <= p*
epsilon = S4.scalar("epsilon", "positive")
delta = S4.scalar("delta", interval=(0, 1))
N4 = S4.scalar("N", "positive_integer")
L4 = S4.scalar("L")                                  # log |F_T| in Theorem 2
log_bound = sp.log(sp.log(1 / eta)) + K4 * sp.log(q4)

theorem = Derivation(
    id="technion-hw2/q2-theorem",
    title="Guess and check: the generalization bound (3), with the hint's approximations",
    source=Source(DOCUMENT, "Question 2.4, Solution 2.4"),
    scope=S4, notation=NOTATION,
    notes=r"The hint's $\lfloor T \rfloor \approx T$ is taken as exact by declaring $T$ an "
          r"integer; $\log(1 - p_*) \approx -p_*$ is a step checked as $p_* \to 0$ (the ratio of "
          r"the sides $\to 1$) and shown as an approximation. A chain mixing $\le$ with "
          r"$\approx$ composes to no single relation, so there is no claim entry: the bound holds "
          r"as the hint reads it, with $\approx$ taken as $=$. Eq. (1) enters as "
          r"$q = v p_*^{-1/(d_0 d_1^* + d_1)}$, $v \ge 1$, i.e. any $q$ with "
          r"$q^{-(d_0 d_1^* + d_1)} \le p_*$. 'With probability $(1 - \eta)(1 - \delta)$' (two "
          r"independent events) is not checked.",
    chain=[
        fact(1 - eta, "=", P_tltT,
             r"denoting $\eta \triangleq P(t > T)$, we have that $1 - \eta = P(t < T)$",
             expect=REFUTED,
             note=r"the complement of $t > T$ is $t \le T$: $1 - \eta = P(t \le T)$; "
                  r"$P(t < T)$ misses the event $t = T$ ($T = 1$: $P(t < 1) = 0$ while "
                  r"$1 - \eta = P_{\mathcal{S}}$).",
             correction=[eq(P_tleT, r"the complement of $t > T$ is $t \le T$")]),
        fact(sp.log(F_T), "=", sp.log(T4), r"with probability $1 - \eta$, "
             r"$f_{\mathbf{w}_t} \in \mathcal{F}_T = \{f_{\mathbf{w}_1}, \dots, "
             r"f_{\mathbf{w}_T}\}$: $\log|\mathcal{F}_T| = \log T$"),
        step("<=", sp.log(sp.log(P_tT4) / sp.log(1 - p4)), "in the first inequality we used "
             "eq. (2)"),
        eq(sp.log(sp.log(eta) / sp.log(1 - p4)), r"$\eta = P(t > T)$"),
        step("≈", sp.log(sp.log(eta) / -p4),
             r"$\log(1 - p_*) \approx -p_*$ (the hint: treat as exact)",
             limit=(p4, 0)),
        eq(sp.log(sp.log(1 / eta)) - sp.log(p4),
           r"$\log \frac{\log \eta}{-p_*} = \log \log \frac{1}{\eta} - \log p_*$"),
        step("<=", log_bound, r"in the last equality we used eq. (1): "
             r"$-\log p_* \le (d_0 d_1^* + d_1) \log q$",
             note=r"The solution calls this step 'the last equality'; it is an inequality "
                  r"(eq. (1) is a lower bound on $p_*$), checked as the $\le$ it is."),
        holds(sp.Implies(sp.And(sp.StrictLessThan(epsilon, (L4 + sp.log(1 / delta)) / N4),
                                sp.LessThan(L4, log_bound)),
                         sp.StrictLessThan(epsilon, (K4 * sp.log(q4) + sp.log(1 / delta)
                                                     + sp.log(sp.log(1 / eta))) / N4)),
              r"plugging this ($L = \log|\mathcal{F}_T|$) into the generalization bound "
              r"(eq. (4)), we get the Theorem"),
    ],
)


# -- 5. comparison with eq. (4) over the whole class ---------------------------------------

S5 = Scope()
q5 = S5.define("q", 2 * S5.scalar("m", "positive_integer") + 1)
d0_5, d1s_5, e5 = (S5.scalar(name, "positive_integer") for name in ("d_0", "d_1s", "e"))
d1_5 = S5.define("d_1", d1s_5 + e5)                  # d1* < d1
k5 = S5.define("k", d0_5 * d1_5 + d1_5)

class_size = Derivation(
    id="technion-hw2/q2-class-size",
    title=r"Guess and check: the size of the student class $\mathcal{F}$, by enumerating tiny "
          r"networks",
    source=Source(DOCUMENT, "Question 2.5, Solution 2.5 (log|F| = k log q)"),
    scope=Scope(), notation=NOTATION,
    notes=r"The solution writes $\log|\mathcal{F}| = k \log q$, i.e. $|\mathcal{F}| = q^k$, "
          r"the parameter count of the class; what eq. (4) needs and what the solution means is "
          r"the bound $\log|\mathcal{F}| \le k \log q$ (at most one function per weight "
          r"vector), checked here by counting the different functions $f_w$ of the $q^k$ "
          r"weight vectors (decided exactly on $\mathbb{R}^{d_0}$) for $q = 3$, "
          r"$d_0 \in \{1, 2\}$, $d_1 \in \{2, 3\}$. Read literally as a count, "
          r"$|\mathcal{F}| = q^k$ is false (9 functions among 81 weight vectors for $q = 3$, "
          r"$d_0 = 1$, $d_1 = 2$: $w_2 = 0$ gives the same function whatever $W_1$ is); the "
          r"exact $|\mathcal{F}|$ can even reverse part 5's comparison "
          r"($\log 9 = 2 \log 3 < (d_0 d_1^* + d_1) \log 3 = 3 \log 3$ for $d_1^* = 1$).",
    chain=[
        holds(ForAll(sp.Le(sp.log(distinct_functions(q_, d0_, d1_)),
                           (d0_ * d1_ + d1_) * sp.log(q_)),
                     (q_, [3]), (d0_, [1, 2]), (d1_, [2, 3])),
              r"with $q$ quantization levels and $k = d_0 d_1 + d_1$ parameters, "
              r"$\log|\mathcal{F}| = k \log q$, meaning the parameter-count bound "
              r"$\log|\mathcal{F}| \le k \log q$"),
    ],
)

comparison = Derivation(
    id="technion-hw2/q2-comparison",
    title=r"Guess and check: $\log|\mathcal{F}| = k \log q$ exceeds $(d_0 d_1^* + d_1) \log q$",
    source=Source(DOCUMENT, "Question 2.5, Solution 2.5"),
    scope=S5, notation=NOTATION,
    notes=r"$q = 2m + 1$ and $d_1 = d_1^* + e$ with $e \ge 1$ ($d_1^* < d_1$). The chain starts "
          r"from $\log q^k$, the bound on $\log|\mathcal{F}|$ that eq. (4) uses (see "
          r"technion-hw2/q2-class-size).",
    claim=claim(sp.log(q5**k5), ">", (d0_5 * d1s_5 + d1_5) * sp.log(q5)),
    chain=[
        sp.log(q5**k5),
        eq(k5 * sp.log(q5), r"with $q$ quantization levels and $k$ parameters, "
                            r"$\log|\mathcal{F}| = k \log q$"),
        eq((d0_5 * d1_5 + d1_5) * sp.log(q5), r"$k = d_0 d_1 + d_1$ parameters"),
        step(">", (d0_5 * d1s_5 + d1_5) * sp.log(q5), r"this is larger than "
             r"$(d_0 d_1^* + d_1) \log q$ if $d_1^* < d_1$ as we assume, and therefore leads to "
             r"a worse generalization bound than in eq. (3)"),
    ],
)
