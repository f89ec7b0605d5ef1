"""Layer arithmetic for parameter-counting questions: output shapes and parameter counts.

A network is a list of layer specifications walked from an input shape. Shapes are tuples:
(H, W, C) for images (channels last, as homework tables write "224x224x64") and (N,) after a
fully connected layer. Parameter counts are returned as UNEVALUATED SymPy expressions that
print the way solutions write them, e.g. conv3x3 from 3 to 64 channels as (3*3*3 + 1)*64;
SymPy still computes their exact value when a step is checked.

    layers = [Conv2d(None, 64, 3, padding=1, name="CONV3-64"), relu(), MaxPool2d(2, name="POOL2")]
    for row in walk((224, 224, 3), layers):
        row.name, row.shape, row.params      # "CONV3-64", (224, 224, 64), (3*3*3 + 1)*64 ...

Conventions (PyTorch's): a convolution with kernel k, stride s, padding p maps a side n to
floor((n + 2p - k)/s) + 1 (rounding down, so a 2x2/2 pooling of an odd side drops its last
row/column); a convolution or linear layer has a bias unless bias=False; activations, pooling
and softmax have no parameters. Pure functions of the specification, no checking here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import sympy as sp

__all__ = ["WrittenSum", "written_sum", "Conv2d", "MaxPool2d", "Linear", "Activation", "Row",
           "relu", "softmax", "out_size", "conv_weights", "conv_biases", "walk", "params_sum"]


def _mul(*factors):
    """An unevaluated product, printing its factors as written."""
    factors = [sp.sympify(f) for f in factors]
    return factors[0] if len(factors) == 1 else sp.Mul(*factors, evaluate=False)


class WrittenSum(sp.Add):
    """An Add that prints its terms in the order given (SymPy's printers sort the terms of a
    sum, turning 3*3*3 + 1 into 1 + 3*3*3). Only printing differs; doit() or any arithmetic
    evaluates it like a plain sum. Caveat: rebuilding it from its args (pickling, func(*args))
    evaluates it, so a copy made that way prints as the number."""

    def _latex(self, printer):
        return " + ".join(printer._print(term) for term in self.args)

    def _sympystr(self, printer):
        return " + ".join(printer._print(term) for term in self.args)


def written_sum(*terms):
    """An unevaluated sum, printing its terms as written (3*3*3 + 1, 32768 + 128 + ...)."""
    terms = [sp.sympify(t) for t in terms]
    return terms[0] if len(terms) == 1 else WrittenSum(*terms, evaluate=False)


# -- layer specifications -------------------------------------------------------------

@dataclass(frozen=True)
class Conv2d:
    """A square-kernel 2-D convolution, in nn.Conv2d's argument order: Conv2d(256, 128, 1).
    `in_channels` None: taken from the input the layer is applied to when walked."""

    in_channels: int | None
    out_channels: int
    kernel_size: int
    stride: int = 1
    padding: int = 0
    bias: bool = True
    name: str = ""


@dataclass(frozen=True)
class MaxPool2d:
    """Square max pooling; stride defaults to the kernel size, padding 0, rounding down."""

    kernel_size: int
    stride: int | None = None
    padding: int = 0
    name: str = ""


@dataclass(frozen=True)
class Linear:
    """A fully connected layer (nn.Linear's order); an (H, W, C) input is flattened to H*W*C
    features. `in_features` None: taken from the input when walked."""

    in_features: int | None
    out_features: int
    bias: bool = True
    name: str = ""


@dataclass(frozen=True)
class Activation:
    """An elementwise (ReLU) or normalising (softmax) map: same shape, no parameters."""

    name: str


def relu(name="ReLU"):
    return Activation(name)


def softmax(name="SOFTMAX"):
    return Activation(name)


# -- arithmetic -------------------------------------------------------------------------

def out_size(n, kernel_size, stride=1, padding=0):
    """Side length after a sliding window: floor((n + 2p - k)/s) + 1 (exact, also symbolic)."""
    return sp.floor(sp.Rational(1, stride) * (sp.sympify(n) + 2 * padding - kernel_size)) + 1


def conv_weights(layer: Conv2d, in_channels=None, copies=1):
    """The weight count of `copies` parallel copies of the convolution, written
    in * out * k^2 * copies (a factor 1 from a 1x1 kernel or a single copy is left out),
    e.g. 256*128 for a 1x1 conv, 4*4*9*32 for 32 copies of a 3x3 conv from 4 to 4 channels."""
    c_in = layer.in_channels if layer.in_channels is not None else in_channels
    factors = [c_in, layer.out_channels]
    if layer.kernel_size != 1:
        factors.append(layer.kernel_size ** 2)
    if copies != 1:
        factors.append(copies)
    return _mul(*factors)


def conv_biases(layer: Conv2d, copies=1):
    """The bias count of `copies` parallel copies: out * copies (0 without bias)."""
    if not layer.bias:
        return sp.Integer(0)
    return _mul(layer.out_channels, copies) if copies != 1 else sp.Integer(layer.out_channels)


@dataclass(frozen=True)
class Row:
    """One row of a layer table: the layer's name, its output shape, its parameter count."""

    name: str
    shape: tuple
    params: sp.Expr

    @property
    def shape_tuple(self) -> sp.Tuple:
        return sp.Tuple(*self.shape)


def _step(layer, shape) -> Row:
    if isinstance(layer, Conv2d):
        h, w, c = shape
        if layer.in_channels is not None and layer.in_channels != c:
            raise ValueError(f"{layer.name or 'conv'} expects {layer.in_channels} channels, "
                             f"gets {c}")
        k = layer.kernel_size
        size = [out_size(n, k, layer.stride, layer.padding) for n in (h, w)]
        fan_in = _mul(k, k, c)                                   # k x k x C_in
        params = _mul(written_sum(fan_in, 1) if layer.bias else fan_in, layer.out_channels)
        return Row(layer.name or f"CONV{k}-{layer.out_channels}",
                   (*size, sp.Integer(layer.out_channels)), params)
    if isinstance(layer, MaxPool2d):
        h, w, c = shape
        stride = layer.stride or layer.kernel_size
        size = [out_size(n, layer.kernel_size, stride, layer.padding) for n in (h, w)]
        return Row(layer.name or f"POOL{layer.kernel_size}", (*size, c), sp.Integer(0))
    if isinstance(layer, Linear):
        fan_in = _mul(*shape)                                    # flatten: 7 x 7 x 512
        if layer.in_features is not None and sp.sympify(layer.in_features) != fan_in.doit():
            raise ValueError(f"{layer.name or 'linear'} expects {layer.in_features} inputs")
        params = _mul(written_sum(fan_in, 1) if layer.bias else fan_in, layer.out_features)
        return Row(layer.name or f"FC-{layer.out_features}",
                   (sp.Integer(layer.out_features),), params)
    if isinstance(layer, Activation):
        return Row(layer.name, tuple(shape), sp.Integer(0))
    raise TypeError(f"not a layer specification: {layer!r}")


def walk(input_shape: Sequence, layers: Sequence, input_name: str = "INPUT") -> Iterator[Row]:
    """The rows of the layer table: first the input (no parameters), then one row per layer,
    each layer applied to the previous row's output shape."""
    shape = tuple(sp.sympify(n) for n in input_shape)
    yield Row(input_name, shape, sp.Integer(0))
    for layer in layers:
        row = _step(layer, shape)
        yield row
        shape = row.shape


def params_sum(rows: Sequence[Row]):
    """The total parameter count of table rows as an unevaluated sum of each nonzero row's
    value (1792 + 73856 + ...), so that the sum prints readably."""
    values = [sp.Integer(r.params.doit()) for r in rows]
    return written_sum(*[v for v in values if v != 0])
