"""Ryu, Mathematical Foundations of DNNs, HW6 Problem 3: backprop through an MLP with residual
connections.

Source: 001_13a39b0b72803044.txt, "Problem 3" and its Solution (i)-(iii). The network:
y_1 = sigma(A_1 x + b_1), y_l = sigma(A_l y_(l-1) + b_l) + y_(l-1) for l = 2..L-1,
y_L = A_L y_(L-1) + b_L, with x in R^n, A_1 m x n, A_l m x m, A_L 1 x m, b_L in R^1, y_0 = x.
sigma = tanh (the problem allows any differentiable sigma), so sigma' = 1 - tanh^2. The widths
n, m are sampled (1..4); the depth L cannot be (every layer is its own declared matrix), so one
derivation is built per depth L = 3, 4, 5 (ryu-hw6/p3-L3, -L4, -L5), each with every layer l.

Every derivative is checked by central finite differences on random instances (engine.ops
.jacobian). A derivative with respect to a layer's output y_l holds y_l as the variable: y_L as a
function of y_l, the computation-graph meaning of dy_L/dy_l. The solution writes the
derivative of y_l with respect to the entry (A_l)_ij as a column vector with one nonzero entry;
it is checked through its contraction with an arbitrary vector v (d(v^T y_l)/d(A_l)_ij =
v_i sigma'(.)_i (y_(l-1))_j). Entry formulas "(M)_ij = u_i w_ij" are written as Hadamard
products with the matrix u 1^T, so that the entry form and its vectorization are separate steps.

(iii) states the product for "l = 1 ..., L"; it is checked for l = 1..L-1 and, at l = L (where
the written product runs past its own end), as the empty product dy_L/dy_L = 1.
ryu-hw6/p3-iii sets A_3 = 0 in an L = 5 network and checks that dy_5/dy_1 keeps a
nonzero norm (the identity term of dy_3/dy_2 = I passes the gradient on), against the same
network without residual connections, where the product vanishes exactly.
"""
import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix

from engine import Derivation, Scope, Source, eq, fact, holds
from engine.ops import entrywise, jacobian, sqnorm

DOCUMENT = "001_13a39b0b72803044.txt"


sigma = entrywise("sigma", sp.tanh)
sigma_prime = entrywise("sigma_prime", lambda u: 1 - sp.tanh(u) ** 2,     # tanh' = 1 - tanh^2
                        latex=r"\sigma'")


def ones_row(m):
    return sp.OneMatrix(1, m)


def times(*factors):
    return sp.MatMul(*factors, evaluate=False)


class Network:
    """The residual MLP of depth L in a fresh scope: A[l], b[l], y[l] for l = 1..L, y[0] = x."""

    def __init__(self, L, zero_layer=None):
        S = self.S = Scope()
        self.L = L
        n, m = self.n, self.m = S.dims("n m", 1, 4)
        self.x = S.vector("x", n)
        self.v = S.vector("v", m)                              # any vector, for contractions
        self.A, self.b, self.y, self.z = {}, {}, {0: self.x}, {}
        for l in range(1, L + 1):
            rows = 1 if l == L else m
            cols = n if l == 1 else m
            if l == zero_layer:
                self.A[l] = S.define(f"A_{l}", sp.ZeroMatrix(rows, cols))
            else:
                self.A[l] = S.matrix(f"A_{l}", rows, cols)
            self.b[l] = S.vector(f"b_{l}", rows)
            self.z[l] = self.A[l] * self.y[l - 1] + self.b[l]          # A_l y_(l-1) + b_l
            if l == L:
                value = self.z[l]
            elif l == 1:
                value = sigma(self.z[l])
            else:
                value = sigma(self.z[l]) + self.y[l - 1]
            self.y[l] = S.define(f"y_{l}", value)

    def s(self, l):
        """sigma'(A_l y_(l-1) + b_l), a vector."""
        return sigma_prime(self.z[l])

    def D(self, l):
        """diag(sigma'(A_l y_(l-1) + b_l))."""
        return DiagMatrix(self.s(l))

    def layer_jacobian(self, l):
        """The solution's (i): A_L for l = L, diag(sigma'(.)) A_l + I below."""
        if l == self.L:
            return self.A[l]
        return self.D(l) * self.A[l] + sp.Identity(self.m)

    def product(self, l):
        """dy_L/dy_(L-1) ... dy_(l+1)/dy_l with the formulas of (i)."""
        return times(*[self.layer_jacobian(k) for k in range(self.L, l, -1)])


def steps(net):
    L, m, A, b, y = net.L, net.m, net.A, net.b, net.y
    I = sp.Identity(m)
    chain = [
        fact(jacobian(y[L], y[L - 1]), "=", A[L],
             r"(i) First, in the case $\ell = L$ we have "
             r"$\frac{\partial y_L}{\partial y_{L-1}} = A_L$"),
    ]
    for l in range(2, L):
        chain += [
            fact(jacobian(y[l], y[l - 1]), "=",
                 sp.HadamardProduct(net.s(l) * ones_row(m), A[l]) + I,
                 f"($\\ell = {l}$) " + r"$(y_\ell)_i = \sigma((A_\ell y_{\ell-1} + b_\ell)_i) + "
                 r"(y_{\ell-1})_i$ since $\sigma$ is applied element-wise. Thus "
                 r"$(\frac{\partial y_\ell}{\partial y_{\ell-1}})_{ij} = "
                 r"\sigma'((A_\ell y_{\ell-1} + b_\ell)_i) (A_\ell)_{ij} + 1$ if $j = i$, "
                 r"$\sigma'((A_\ell y_{\ell-1} + b_\ell)_i) (A_\ell)_{ij}$ otherwise"),
            eq(net.layer_jacobian(l),
               r"We vectorize this result into $\frac{\partial y_\ell}{\partial y_{\ell-1}} = "
               r"\operatorname{diag}(\sigma'(A_\ell y_{\ell-1} + b_\ell)) A_\ell + I$ for "
               r"$\ell = 2, \dots, L - 1$"),
        ]
    chain += [
        fact(jacobian(y[L], b[L]), "=", sp.Identity(1),
             r"(ii) By the same calculations as in the prior homework assignment, "
             r"$\frac{\partial y_L}{\partial b_L} = 1$"),
        fact(jacobian(y[L], A[L]), "=", y[L - 1].T,
             r"and $\frac{\partial y_L}{\partial A_L} = y_{L-1}^\intercal$"),
    ]
    for l in range(1, L):
        g = jacobian(y[L], y[l])                                   # dy_L/dy_l, 1 x m
        chain += [
            fact(jacobian(y[L], b[l]), "=", g * jacobian(y[l], b[l]),
                 f"($\\ell = {l}$) " + r"For $\ell = 1 \dots, L-1$, using the chain rule, "
                 r"$\frac{\partial y_L}{\partial b_\ell} = \frac{\partial y_L}{\partial y_\ell} "
                 r"\frac{\partial y_\ell}{\partial b_\ell}$"),
            fact(jacobian(y[l], b[l]), "=", net.D(l),
                 r"Since $\frac{\partial y_\ell}{\partial b_\ell} = "
                 r"\operatorname{diag}(\sigma'(A_\ell y_{\ell-1} + b_\ell))$"),
            fact(jacobian(y[L], b[l]), "=", g * net.D(l),
                 r"we have $\frac{\partial y_L}{\partial b_\ell} = "
                 r"\frac{\partial y_L}{\partial y_\ell} "
                 r"\operatorname{diag}(\sigma'(A_\ell y_{\ell-1} + b_\ell))$"),
            fact(jacobian(net.v.T * y[l], A[l]), "=",
                 sp.HadamardProduct(net.v, net.s(l)) * y[l - 1].T,
                 r"Using the chain rule likewise, $\frac{\partial y_L}{\partial (A_\ell)_{ij}} = "
                 r"\frac{\partial y_L}{\partial y_\ell} "
                 r"\frac{\partial y_\ell}{\partial (A_\ell)_{ij}}$. Since "
                 r"$\frac{\partial y_\ell}{\partial (A_\ell)_{ij}} = [0, \dots, "
                 r"\sigma'((A_\ell y_{\ell-1} + b_\ell)_i)(y_{\ell-1})_j, \dots, 0]^\intercal$ "
                 r"(entry $i$; checked through its contraction with any $v$)"),
            fact(jacobian(y[L], A[l]), "=",
                 sp.HadamardProduct(g.T, net.s(l)) * y[l - 1].T,
                 r"we have $(\frac{\partial y_L}{\partial A_\ell})_{ij} = "
                 r"\frac{\partial y_L}{\partial (A_\ell)_{ij}} = "
                 r"(\frac{\partial y_L}{\partial y_\ell})_i "
                 r"\sigma'((A_\ell y_{\ell-1} + b_\ell)_i) (y_{\ell-1})_j$"),
            eq(net.D(l) * g.T * y[l - 1].T,
               r"Vectorizing this result gives us $\frac{\partial y_L}{\partial A_\ell} = "
               r"\operatorname{diag}(\sigma'(A_\ell y_{\ell-1} + b_\ell)) "
               r"(\frac{\partial y_L}{\partial y_\ell})^\intercal y_{\ell-1}^\intercal$"),
        ]
    for l in range(1, L):
        chain += [
            fact(jacobian(y[L], y[l]), "=",
                 times(*[jacobian(y[k], y[k - 1]) for k in range(L, l, -1)]),
                 f"(iii) ($\\ell = {l}$) " + r"the matrix product "
                 r"$\frac{\partial y_L}{\partial y_\ell} = "
                 r"\frac{\partial y_L}{\partial y_{L-1}} "
                 r"\frac{\partial y_{L-1}}{\partial y_{L-2}} \cdots "
                 r"\frac{\partial y_{\ell+1}}{\partial y_\ell}$"),
            eq(net.product(l), r"with the factors of (i): the identity matrix in "
                               r"$\frac{\partial y_\ell}{\partial y_{\ell-1}}$ prevents the "
                               r"product from vanishing"),
        ]
    chain.append(
        fact(jacobian(y[L], y[L]), "=", sp.Identity(1),
             r"(iii) $\ell = L$, the end of the source's range '$\ell = 1 \dots, L$': the "
             r"product $\frac{\partial y_L}{\partial y_{L-1}} \cdots "
             r"\frac{\partial y_{\ell+1}}{\partial y_\ell}$ has no factor there (its first "
             r"factor would be past its last); read as the empty product, "
             r"$\partial y_L / \partial y_L = 1$"))
    return chain


def residual_mlp(L):
    net = Network(L)
    return Derivation(
        id=f"ryu-hw6/p3-L{L}",
        title=f"Backprop through a residual MLP of depth $L = {L}$ ($\\sigma = \\tanh$)",
        source=Source(DOCUMENT, "Problem 3, Solution (i)-(iii)"),
        scope=net.S,
        notes=f"Depth $L = {L}$, widths $n, m$ sampled in 1..4, $\\sigma = \\tanh$ and "
              r"$\sigma' = 1 - \tanh^2$, applied entrywise. Every "
              r"derivative by central finite differences (relative tolerance $10^{-5}$) on random "
              r"instances; a derivative with respect to $y_\ell$ holds $y_\ell$ as the "
              r"variable.",
        chain=steps(net),
    )


mlp_L3, mlp_L4, mlp_L5 = (residual_mlp(L) for L in (3, 4, 5))


# -- (iii): A_j = 0 does not stop the gradient -----------------------------------------------
net = Network(5, zero_layer=3)
plain = {0: net.x}                                   # the same layers without the "+ y_(l-1)"
for l in range(1, 6):
    z = net.A[l] * plain[l - 1] + net.b[l]
    plain[l] = net.S.define(f"h_{l}", z if l == 5 else sigma(z))
g_1 = jacobian(net.y[5], net.y[1])

vanishing = Derivation(
    id="ryu-hw6/p3-iii",
    title=r"Residual MLP: $\partial y_L / \partial y_\ell$ does not vanish when some "
          r"$A_j = 0$ ($L = 5$, $A_3 = 0$)",
    source=Source(DOCUMENT, "Problem 3, Solution (iii)"),
    scope=net.S,
    notes=r"$L = 5$, $\ell = 1$, $j = 3 \in \{\ell + 1, \dots, L - 1\}$: $A_3 = 0$. With "
          r"the residual connection $\partial y_3/\partial y_2 = "
          r"\operatorname{diag}(\sigma'(b_3)) 0 + I = I$, so $\partial y_5/\partial y_1 = "
          r"A_5 (D_4 A_4 + I) I (D_2 A_2 + I)$ keeps a positive norm on every instance tried; "
          r"the same network without the '$+ y_{\ell-1}$' terms ($h_\ell = \sigma(A_\ell "
          r"h_{\ell-1} + b_\ell)$) has $\partial h_5/\partial h_1 = 0$ exactly. The solution's "
          r"closing remark (the gradients in $b_\ell$, $A_\ell$ are still small when "
          r"$\operatorname{diag}(\sigma'(\cdot))$ is small) is checked as the bound "
          r"$\|\partial y_L/\partial b_\ell\|^2 \le \|\partial y_L/\partial y_\ell\|^2 "
          r"\|\sigma'(A_\ell y_{\ell-1} + b_\ell)\|^2$. $\sigma' = 0$ (the problem's other "
          r"case) never happens for $\tanh$ and is not encoded.",
    chain=[
        fact(jacobian(net.y[3], net.y[2]), "=", sp.Identity(net.m),
             r"$A_3 = 0$: $\partial y_3/\partial y_2 = \operatorname{diag}(\sigma'(A_3 y_2 + "
             r"b_3)) A_3 + I = I$"),
        fact(g_1, "=", times(*[jacobian(net.y[k], net.y[k - 1]) for k in range(5, 1, -1)]),
             r"(iii) $\frac{\partial y_L}{\partial y_\ell} = "
             r"\frac{\partial y_L}{\partial y_{L-1}} "
             r"\frac{\partial y_{L-1}}{\partial y_{L-2}} \cdots "
             r"\frac{\partial y_{\ell+1}}{\partial y_\ell}$"),
        eq(net.product(1), r"with the factors of (i); the factor for $j = 3$ is $I$"),
        holds(sqnorm(g_1.T) > 0,
              r"the identity matrix in $\partial y_\ell/\partial y_{\ell-1}$ prevents this "
              r"(the product vanishing): $\partial y_5/\partial y_1$ is nonzero although "
              r"$A_3 = 0$"),
        fact(jacobian(plain[5], plain[1]), "=", sp.ZeroMatrix(1, net.m),
             r"(contrast, not in the source) without the residual connections the product "
             r"vanishes: $\partial h_5/\partial h_1 = 0$ when $A_3 = 0$"),
        holds(sqnorm((g_1 * net.D(1)).T) <= sqnorm(g_1.T) * sqnorm(net.s(1)),
              r"It, However, is still possible that $\partial y_L/\partial b_\ell$, "
              r"$\partial y_L/\partial A_\ell$ are small if "
              r"$\operatorname{diag}(\sigma'(A_\ell y_{\ell-1} + b_\ell))$ is small "
              r"($\ell = 1$: $\partial y_L/\partial b_1 = \partial y_L/\partial y_1 "
              r"\operatorname{diag}(\sigma'(\cdot))$ is bounded by "
              r"$\|\sigma'(\cdot)\|$)"),
    ],
)
