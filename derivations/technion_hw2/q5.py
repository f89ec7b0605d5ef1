"""Technion ECE 046211 HW2, Question 5: f_w(x) = phi(Wx) is equivariant to a permutation group H
if and only if W[i, j] = W[tau(i), tau(j)] for all tau in H (phi component-wise, injective).

Source: 000_c66762b86c6c83bf.txt, "Question 5 - Equivariance" and "Solution 5". The solution's
sums fix the convention: (tau x)[j] = x[tau(j)], so tau acts as the permutation matrix with
(tau x)_j = x_tau(j), and the (i, j) entry of tau W tau^T is W[tau(i), tau(j)].

The statement quantifies over a group H of permutations of d coordinates; each group is its own
derivation, on a small d (indices print 0-based, as SymPy writes matrix entries):
  technion-hw2/q5-cyclic      the cyclic shifts of d = 4 coordinates (4 elements),
  technion-hw2/q5-symmetric   the full symmetric group on d = 3 coordinates (6 elements),
  technion-hw2/q5-reflection  the reflection i -> d - 1 - i of d = 4 coordinates, with the
                              identity (2 elements).
phi is LeakyReLU with slope 1/10 (injective, as the question assumes: "one-by-one
activations"). W = W_H + s W_K + s (s - 1) E: W_H has one free entry of a random matrix V per
orbit of H on the index pairs (i, j), so it satisfies the condition; W_K likewise for a proper
subgroup K (the shift by 2 in the cyclic group, one transposition in the symmetric group), so it
satisfies the condition for the tau in K only; E is any matrix; s is an integer (the reflection
group has no proper subgroup but the trivial one: W = W_H + s E). Instances with s = 0 (probed,
and drawn at random) are built to satisfy the condition, s = 1 satisfies it for part of H only,
other s violate it (E is random), so "A <=> B" is checked both ways on the same instances: where
A holds B must hold, where A fails the random x must be a witness against equivariance.
Equivariance at x is f_w(tau x) = tau f_w(x) for every tau in H (engine.ops.MatrixEq: equal up
to float64 rounding, a relative 1e-10, since the two sides sum the same terms in different
orders), with a fresh random x on every instance (a witness x is
what "f_w not equivariant" needs; one x where they differ refutes "for all x").

The solution's chains are written for a generator tau_1 of H: "->" with W = W_H; "<-" for any W,
where its second equality writes W[tau(i), tau(j)] before deriving it (circular; marked, with the
derivation from the hypothesis and injectivity as correction). Its labels are swapped relative
to the "if and only if" (its "->" proves condition => equivariance), a matter of labels that is
not checkable; on the cyclic group the solution's sum is also checked against the question's
convention "tau(i) = j: component i is mapped to component j" (refuted: the conventions are
inverse to each other). technion-hw2/q5-not-injective shows what becomes of "<=" when phi is not injective
(the question's assumption): with phi(u) = u^2 and H = {id, swap} on d = 2, every
W = [[p, q], [-q, -p]] gives an equivariant f_w, yet breaks the condition unless p = q = 0. With
phi = ReLU, which is not injective either, "<=" still holds (technion-hw2/q5-relu: ReLU(a.x) =
ReLU(b.x) for all x forces a = b); injectivity is sufficient, not necessary.
"""
import itertools

import sympy as sp

from engine import REFUTED, Derivation, Refutation, Scope, Source, eq, fact, step
from engine.ops import MatrixEq, entrywise, sqnorm

DOCUMENT = "000_c66762b86c6c83bf.txt"


leaky_relu = entrywise("phi", lambda u: sp.Max(u, u / 10))       # injective
square = entrywise("phi", lambda u: u ** 2)                        # not injective: u and -u
relu = entrywise("phi", lambda u: sp.Max(u, 0))                    # not injective: all u <= 0


def permutation_matrix(tau):
    """The matrix of x -> tau x with (tau x)_j = x_tau(j): entry (j, tau(j)) is 1."""
    d = len(tau)
    return sp.ImmutableMatrix(d, d, lambda j, k: 1 if tau[j] == k else 0)


def closure(generators):
    """The group the permutations (tuples) generate, identity first."""
    d = len(generators[0])
    identity = tuple(range(d))
    group, frontier = [identity], [identity]
    while frontier:
        found = []
        for g in frontier:
            for h in generators:
                composed = tuple(g[h[j]] for j in range(d))
                if composed not in group:
                    group.append(composed)
                    found.append(composed)
        frontier = found
    return group


def orbit_representatives(group, d):
    """For each index pair (i, j), the smallest pair of its orbit {(tau(i), tau(j))}."""
    return {(i, j): min((tau[i], tau[j]) for tau in group)
            for i, j in itertools.product(range(d), repeat=2)}


class Setting:
    """A group H on d coordinates in a fresh scope: tau_k (k = 1..|H|-1, tau_0 the identity
    left out), W_H satisfying the condition, W = W_H + s E, x, and the statements A and B."""

    def __init__(self, group, phi, subgroup=None):
        S = self.S = Scope()
        self.group, self.phi = group, phi
        d = self.d = len(group[0])
        self.taus = [(tau, S.define(f"tau_{k}", permutation_matrix(tau)))
                     for k, tau in enumerate(group) if tau != tuple(range(d))]
        V = S.matrix("V", d, d)
        E = S.matrix("E", d, d)
        self.M = S.matrix("M", d, d)       # any W, for the solution's '<-' chain
        self.s = S.scalar("s", "integer")
        rep = orbit_representatives(group, d)
        self.W_H = S.define("W_H", sp.ImmutableMatrix(d, d, lambda i, j: V[rep[(i, j)]]))
        violation = self.s * E
        if subgroup is not None:        # s = 1: invariant under a proper subgroup K only
            U = S.matrix("U", d, d)
            rep_K = orbit_representatives(subgroup, d)
            W_K = S.define("W_K", sp.ImmutableMatrix(d, d, lambda i, j: U[rep_K[(i, j)]]))
            violation = self.s * W_K + self.s * (self.s - 1) * E
        self.W = S.define("W", self.W_H + violation)
        self.x = S.vector("x", d)

    def condition(self, W):
        """A: W[i, j] = W[tau(i), tau(j)] for all tau in H and all i, j, written per tau as
        W = tau W tau^T (entry (i, j) of tau W tau^T is W[tau(i), tau(j)])."""
        return sp.And(*[MatrixEq(W, P * W * P.T) for _, P in self.taus])

    def f(self, W, v):
        return self.phi(W * v)

    def equivariant_at_x(self, W):
        """B at x: f_w(tau x) = tau f_w(x) for every tau in H."""
        return sp.And(*[MatrixEq(self.f(W, P * self.x), P * self.f(W, self.x))
                        for _, P in self.taus])

    def written_sum(self, W, tau, permuted):
        """The solution's vector [sum_j W[i, j] x[tau(j)]]_i, or with W[tau(i), tau(j)]."""
        x, d = self.x, self.d
        entry = (lambda i, j: W[tau[i], tau[j]]) if permuted else (lambda i, j: W[i, j])
        return sp.ImmutableMatrix(d, 1, lambda i, _: sp.Add(
            *[entry(i, j) * x[tau[j], 0] for j in range(d)], evaluate=False))

    def reindexed_everywhere(self, W):
        """For every tau in H: phi(W tau x) = phi([sum_j W[tau(i), tau(j)] x[tau(j)]])."""
        return sp.And(*[MatrixEq(self.f(W, P * self.x), self.phi(self.written_sum(W, tau, True)))
                        for tau, P in self.taus])


def equivariance(id, title, where, generators, subgroup=None, phi=leaky_relu,
                 convention=False):
    setting = Setting(closure(generators), phi,
                      closure(subgroup) if subgroup is not None else None)
    W, W_H, x, M = setting.W, setting.W_H, setting.x, setting.M
    tau_1, P_1 = setting.taus[0]
    y = setting.S.vector("y", setting.d)
    A, B = setting.condition(W), setting.equivariant_at_x(W)
    return Derivation(
        id=id, title=title, source=Source(DOCUMENT, "Question 5, Solution 5"),
        scope=setting.S,
        notes=f"$H$ = {where}, $|H| = {len(setting.group)}$; " + r"$\tau_k$ are its "
              r"non-identity elements as permutation matrices ($(\tau x)_j = x_{\tau(j)}$); "
              r"$\phi$ = LeakyReLU (slope $1/10$). $W_H$: one free entry of $V$ per orbit of $H$ "
              r"on index pairs (satisfies the condition); $W = W_H + s E$, or "
              r"$W_H + s W_K + s (s - 1) E$ where $H$ has a proper subgroup $K$ ($W_K$ invariant "
              r"under $K$ only), $s$ an integer: $s = 0$ satisfies the condition, $s = 1$ "
              r"satisfies it for the $\tau$ in $K$ only, other $s$ violate it. Equivariance at a "
              r"fresh random $x$ on every instance. The solution's labels '$\rightarrow$' and "
              r"'$\leftarrow$' are swapped relative to the 'if and only if' (its "
              r"'$\rightarrow$' proves condition $\Rightarrow$ equivariance): a matter of labels, "
              r"not checked.",
        chain=[
            fact(phi(P_1 * y), "=", P_1 * phi(y),
                 r"Recall that $\phi$ operates component-wise, as such $\phi$ can be switched "
                 r"with $\tau$ ($\tau_1$, any $y$)"),
            *([fact(W_H * (P_1.T * x), "=", setting.written_sum(W_H, tau_1, False),
                    r"the solution's sums with the question's convention, '$\tau(i) = j$ "
                    r"implies that component $i$ is mapped to component $j$': "
                    r"$(\tau x)[\tau(i)] = x[i]$, so $W \tau x = [\sum_j W[i, j] "
                    r"x[\tau(j)]]$",
                    expect=REFUTED,
                    note=r"The solution's $x[\tau(j)]$ is the opposite convention, "
                         r"$(\tau x)[j] = x[\tau(j)]$: under the question's, "
                         r"$(\tau x)[j] = x[\tau^{-1}(j)]$, and the two differ for a $\tau$ "
                         r"that is not its own inverse (the shift by one here). The equivalence "
                         r"itself does not depend on it (a group holds $\tau^{-1}$ with "
                         r"$\tau$); the rest of the chain uses the solution's convention.",
                    correction=[fact(W_H * (P_1 * x), "=",
                                     setting.written_sum(W_H, tau_1, False),
                                     r"with the solution's convention "
                                     r"$(\tau x)[j] = x[\tau(j)]$")])]
              if convention else []),
            fact(phi(W_H * (P_1 * x)), "=", phi(setting.written_sum(W_H, tau_1, False)),
                 r"1. $\rightarrow$: if $W[i, j] = W[\tau(i), \tau(j)]$ ($W = W_H$) then: "
                 r"$f_w(\tau x) = \phi(W \tau x) = \phi([\sum_j W[i, j] x[\tau(j)]])$ "
                 r"($\tau = \tau_1$)"),
            eq(phi(setting.written_sum(W_H, tau_1, True)),
               r"$= \phi([\sum_j W[\tau(i), \tau(j)] x[\tau(j)]])$ (the condition)"),
            eq(P_1 * phi(W_H * x),
               r"$= \tau \phi(W x) = \tau f_w(x)$ (summing by $\tau(j)$ instead of $j$: the "
               r"order of the sum does not matter)"),
            fact(phi(M * (P_1 * x)), "=", phi(setting.written_sum(M, tau_1, False)),
                 r"2. $\leftarrow$: if $f_w(\tau x) = \tau f_w(x)$ then: "
                 r"$\phi(W \tau x) = \phi([\sum_j W[i, j] x[\tau(j)]])$ (any $W$, written "
                 r"$M$ here: a matrix with no structure)"),
            eq(phi(setting.written_sum(M, tau_1, True)),
               r"$= \phi([\sum_j W[\tau(i), \tau(j)] x[\tau(j)]])$, 'where in the second "
               r"equivalence we switched from summing by $j$ to summing by $\tau(j)$, because "
               r"the order of the sum does not matter'",
               expect=REFUTED,
               note=r"Circular: the step writes $W[\tau(i), \tau(j)]$, the condition this "
                    r"direction sets out to derive, before deriving it. Re-ordering the sum over "
                    r"$j$ cannot change the row index $i$ into $\tau(i)$; for a $W$ that breaks "
                    r"the condition the two sides differ. What gives the step is the hypothesis "
                    r"$f_w(\tau x) = \tau f_w(x)$, which the solution states but does not use, "
                    r"and the conclusion needs $\phi$ injective (the question's assumption), "
                    r"which it never cites.",
               correction=[
                   fact(B, "=>", setting.reindexed_everywhere(W),
                        r"with the hypothesis: $\phi(W \tau x) = \tau \phi(W x)$, whose entry "
                        r"$i$ is $\phi(\sum_j W[\tau(i), j] x[j])$, re-indexed by $\tau(j)$ "
                        r"(for every $\tau$ in $H$)"),
                   step("=>", A,
                        r"$\phi$ injective ('Assume one-by-one activations'): the sums agree "
                        r"for every $x$, so $W[i, j] = W[\tau(i), \tau(j)]$"),
               ]),
            fact(setting.reindexed_everywhere(W), "=>", A,
                 r"$\rightarrow W[i, j] = W[\tau(i), \tau(j)]$ (for every $\tau$ in $H$; "
                 r"the comparison needs $\phi$ injective, which the solution does not cite)"),
            fact(A, "<=>", B,
                 r"Prove that $f_w$ is equivariant to $H$ if and only if $\forall \tau \in H$, "
                 r"$W[i, j] = W[\tau(i), \tau(j)]$ (the question's claim, both directions)"),
        ],
    )


cyclic = equivariance(
    "technion-hw2/q5-cyclic",
    r"Equivariance of $\phi(Wx)$ to the cyclic shifts of 4 coordinates $\Leftrightarrow$ $W$ "
    r"is circulant",
    r"the cyclic shifts $j \mapsto j + k \bmod 4$", [(1, 2, 3, 0)], subgroup=[(2, 3, 0, 1)],
    convention=True)
symmetric = equivariance(
    "technion-hw2/q5-symmetric",
    r"Equivariance of $\phi(Wx)$ to all permutations of 3 coordinates $\Leftrightarrow$ "
    r"$W = a I + b (J - I)$",
    "the symmetric group on 3 coordinates", [(1, 0, 2), (1, 2, 0)], subgroup=[(1, 0, 2)])
reflection = equivariance(
    "technion-hw2/q5-reflection",
    r"Equivariance of $\phi(Wx)$ to the reflection $i \mapsto 3 - i$ of 4 coordinates",
    r"$\{\mathrm{id}$, the reflection $i \mapsto 3 - i\}$ on 4 coordinates", [(3, 2, 1, 0)])


# -- "<=" without an injective phi --------------------------------------------------------------
S = Scope()
p, q = S.scalars("p q")
swap = S.define("tau_1", permutation_matrix((1, 0)))
x = S.vector("x", 2)
W_sq = S.define("W", sp.ImmutableMatrix([[p, q], [-q, -p]]))


def swap_condition(W):
    return sp.And(sp.Eq(W[0, 0], W[1, 1]), sp.Eq(W[0, 1], W[1, 0]))


def swap_equivariant(W, phi):
    """f_w(tau x) = tau f_w(x) for ALL x, for a quadratic phi: both sides are quadratic forms
    in x, equal everywhere iff equal at e_1, e_2 and e_1 + e_2."""
    points = [sp.ImmutableMatrix([1, 0]), sp.ImmutableMatrix([0, 1]), sp.ImmutableMatrix([1, 1])]
    return sp.And(*[sp.Eq(sqnorm(phi(W * (swap * v)) - swap * phi(W * v)), 0) for v in points])


relu_setting = Setting(closure([(1, 2, 3, 0)]), relu)       # ReLU, cyclic shifts of 4
x_r, W_r = relu_setting.x, relu_setting.W
relu_equivariant = sp.And(*[MatrixEq(relu(W_r * (P * v)), P * relu(W_r * v))
                            for _, P in relu_setting.taus for v in (x_r, -x_r)])

not_injective = Derivation(
    id="technion-hw2/q5-not-injective",
    title=r"Equivariance without an injective $\phi$: '$\Leftarrow$' fails for "
          r"$\phi(u) = u^2$ ($H = \{\mathrm{id}, \mathrm{swap}\}$)",
    source=Source(DOCUMENT, "Question 5 (the assumption 'one-by-one activations')"),
    scope=S,
    notes=r"Not a source error: the question assumes injective activations, and this shows the "
          r"assumption is needed for '$\Leftarrow$'. $H = \{\mathrm{id}, \mathrm{swap}\}$ on 2 "
          r"coordinates, $\phi(u) = u^2$, $W = \begin{bmatrix} p & q \\ -q & -p "
          r"\end{bmatrix}$: $f_w(\tau x) = \tau f_w(x)$ for all $p, q, x$, yet the condition "
          r"fails unless $p = q = 0$. Without injectivity only $W \tau x = \pm \tau W x$ "
          r"entrywise follows (here the squares of the entries match). ReLU is not injective "
          r"either, but there '$\Leftarrow$' survives: $\mathrm{ReLU}(a \cdot x) = "
          r"\mathrm{ReLU}(b \cdot x)$ at $x$ and $-x$ gives $a \cdot x = b \cdot x$, checked "
          r"on the cyclic group of 4 coordinates in technion-hw2/q5-relu.",
    chain=[
        fact(square(W_sq * (swap * x)), "=", swap * square(W_sq * x),
             r"$\phi(u) = u^2$ is component-wise but not injective: with "
             r"$W = \begin{bmatrix} p & q \\ -q & -p \end{bmatrix}$, "
             r"$f_w(\tau x) = \tau f_w(x)$ for every $x$ ($f_w$ is equivariant to "
             r"$H = \{\mathrm{id}, \mathrm{swap}\}$)"),
        fact(swap_equivariant(W_sq, square), "=>", swap_condition(W_sq),
             r"the '$\Leftarrow$' step '$\rightarrow W[i, j] = W[\tau(i), \tau(j)]$' without "
             r"injectivity ($f_w$ equivariant for all $x$: quadratic forms agreeing at $e_1$, "
             r"$e_2$, $e_1 + e_2$)",
             expect=REFUTED, refutation=Refutation.ILLUSTRATION,
             note=r"Not a source error (the question assumes $\phi$ injective): with "
                  r"$\phi(u) = u^2$ the equivariance of $f_w$ does not give "
                  r"$W[i, j] = W[\tau(i), \tau(j)]$; every "
                  r"$W = \begin{bmatrix} p & q \\ -q & -p \end{bmatrix}$ is equivariant and "
                  r"breaks the condition unless $p = q = 0$. What does follow is the condition on "
                  r"the squares of the entries.",
             correction=[step("=>", sp.And(sp.Eq(W_sq[0, 0] ** 2, W_sq[1, 1] ** 2),
                                           sp.Eq(W_sq[0, 1] ** 2, W_sq[1, 0] ** 2)),
                              r"without injectivity, $\phi(W \tau x) = \phi(\tau W x)$ gives "
                              r"only $\phi(W[i, j]) = \phi(W[\tau(i), \tau(j)])$: here the "
                              r"squares match")]),
    ],
)

relu_case = Derivation(
    id="technion-hw2/q5-relu",
    title=r"Equivariance with $\phi$ = ReLU (not injective): '$\Leftarrow$' still holds "
          r"(cyclic shifts of 4)",
    source=Source(DOCUMENT, "Question 5 (the assumption 'one-by-one activations')"),
    scope=relu_setting.S,
    notes=r"$\phi$ = ReLU is not injective, yet $\mathrm{ReLU}(a \cdot x) = "
          r"\mathrm{ReLU}(b \cdot x)$ for all $x$ forces $a = b$ (take $x$ and $-x$: "
          r"$\mathrm{ReLU}(u) - \mathrm{ReLU}(-u) = u$), so the question's equivalence survives: "
          r"checked as in technion-hw2/q5-cyclic, with equivariance tested at $x$ and $-x$. "
          r"Injectivity is sufficient for '$\Leftarrow$', not necessary.",
    chain=[
        fact(relu_setting.condition(W_r), "<=>", relu_equivariant,
             r"$W[i, j] = W[\tau(i), \tau(j)]$ for all $\tau \in H$ $\Leftrightarrow$ "
             r"$f_w(\tau x) = \tau f_w(x)$ (at $x$ and $-x$) with $\phi$ = ReLU"),
    ],
)
