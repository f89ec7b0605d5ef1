"""Technion ECE 046211 HW2, Question 6 / Solution 6: VGG-11 output shapes and parameter counts.

Source: 000_c66762b86c6c83bf.txt, "Question 6 -VGG Architecture" and "Solution 6".
The question's rules: CONV3-N is a 3x3 convolution with N filters, stride 1, padding 1, with
bias; POOL2 is 2x2 max pooling, stride 2, padding 0, rounding down; FC-N is fully connected
with N neurons and bias; ReLU and SOFTMAX have no parameters.

The left side of every row is computed by walking the question's layer list from the
224x224x3 input (engine.nets.walk); the right sides are the numbers the solution's table
writes. Part 3 ("93%") is checked as what it can exactly mean: 100 * (FC parameters) / (all
parameters) = 93.06..., which rounds (floor(x + 1/2)) to 93. The table's header calls the
parameters "weights", so biases are counted as weights here; counting weights without biases
(123,633,664 of 132,851,392) also gives 93.06% and the same answer.
"""
import sympy as sp

from engine import Derivation, Scope, Source, fact
from engine.nets import Conv2d, Linear, MaxPool2d, params_sum, relu, softmax, walk, written_sum


def CONV3(n):
    """CONV3-N: 3x3 kernel, N filters, stride 1, padding 1, with bias."""
    return Conv2d(None, n, 3, stride=1, padding=1, name=f"CONV3-{n}")


def POOL2():
    """POOL2: 2x2 max pooling, stride 2, padding 0, rounding down."""
    return MaxPool2d(2, stride=2, padding=0, name="POOL2")


def FC(n):
    """FC-N: fully connected layer with N neurons, with bias."""
    return Linear(None, n, name=f"FC-{n}")


vgg11 = [                                  # the layer column of the question's table
    CONV3(64), relu(), POOL2(),
    CONV3(128), relu(), POOL2(),
    CONV3(256), relu(), CONV3(256), relu(), POOL2(),
    CONV3(512), relu(), CONV3(512), relu(), POOL2(),
    CONV3(512), relu(), CONV3(512), relu(), POOL2(),
    FC(4096), FC(4096), FC(1000), softmax(),
]

# The solution's table, as written: layer, output dimension, number of parameters (and the
# formula the solution writes in front of the number, quoted in the justification).
T = sp.Tuple
table = [
    ("INPUT", T(224, 224, 3), 0, "0"),
    ("CONV3-64", T(224, 224, 64), 1792, "(3 x 3 x 3 + 1)64 = 1,792"),
    ("ReLU", T(224, 224, 64), 0, "0"),
    ("POOL2", T(112, 112, 64), 0, "0"),
    ("CONV3-128", T(112, 112, 128), 73856, "(3 x 3 x 64 + 1)128 = 73,856"),
    ("ReLU", T(112, 112, 128), 0, "0"),
    ("POOL2", T(56, 56, 128), 0, "0"),
    ("CONV3-256", T(56, 56, 256), 295168, "(3 x 3 x 128 + 1)256 = 295,168"),
    ("ReLU", T(56, 56, 256), 0, "0"),
    ("CONV3-256", T(56, 56, 256), 590080, "(3 x 3 x 256 + 1)256 = 590,080"),
    ("ReLU", T(56, 56, 256), 0, "0"),
    ("POOL2", T(28, 28, 256), 0, "0"),
    ("CONV3-512", T(28, 28, 512), 1180160, "(3 x 3 x 256 + 1)512 = 1,180,160"),
    ("ReLU", T(28, 28, 512), 0, "0"),
    ("CONV3-512", T(28, 28, 512), 2359808, "(3 x 3 x 512 + 1)512 = 2,359,808"),
    ("ReLU", T(28, 28, 512), 0, "0"),
    ("POOL2", T(14, 14, 512), 0, "0"),
    ("CONV3-512", T(14, 14, 512), 2359808, "(3 x 3 x 512 + 1)512 = 2,359,808"),
    ("ReLU", T(14, 14, 512), 0, "0"),
    ("CONV3-512", T(14, 14, 512), 2359808, "(3 x 3 x 512 + 1)512 = 2,359,808"),
    ("ReLU", T(14, 14, 512), 0, "0"),
    ("POOL2", T(7, 7, 512), 0, "0"),
    ("FC-4096", T(4096), 102764544, "(7 x 7 x 512 + 1)4096 = 102,764,544"),
    ("FC-4096", T(4096), 16781312, "(4096 + 1) x 4096 = 16,781,312"),
    ("FC-1000", T(1000), 4097000, "(4096 + 1) x 1000 = 4,097,000"),
    ("SOFTMAX", T(1000), 0, "0"),
]

rows = list(walk((224, 224, 3), vgg11))     # INPUT, then one row per layer

table_facts = []
for row, (layer, dimension, count, written) in zip(rows, table, strict=True):
    shape_text = "x".join(str(n) for n in dimension)
    table_facts += [
        fact(row.shape_tuple, "=", dimension, f"{layer}: Output Dimension {shape_text}"),
        fact(row.params, "=", sp.Integer(count), f"{layer}: Number of Parameters {written}"),
    ]

S = Scope()
N_total = S.define("N_total", params_sum(rows))                            # all layers
N_FC = S.define("N_FC", params_sum([r for r in rows if r.name.startswith("FC-")]))

derivation = Derivation(
    id="technion-hw2/q6",
    title="VGG-11: output dimensions and parameter counts (with bias)",
    source=Source("000_c66762b86c6c83bf.txt", "Question 6 / Solution 6 - VGG Architecture"),
    scope=S,
    notes="Left sides computed from the layer specifications by engine.nets.walk; right sides "
          "typed from the solution's table. Part 3 is checked as a rounding statement.",
    chain=[
        *table_facts,
        fact(params_sum(rows), "=", sp.Integer(132863336),
             "2. What is the total number of parameters? 132,863,336 (sum of the table's "
             "parameter column)"),
        fact(sp.floor(100 * N_FC / N_total + sp.Rational(1, 2)), "=", sp.Integer(93),
             "3. What percentage of the weights are found in the fully-connected layers? 93% "
             r"(read as: $100 N_{FC} / N_{\mathrm{total}}$ rounded to the nearest integer is 93; "
             r"exactly it is $12364285600/132863336 = 93.06\ldots$)"),
    ],
)
