"""WPI CS/DS 541 HW3, Problem 4 (autoencoder): the facts the answer and the task text state.

Source: 003_8dae48258750efc8.txt, Problem 4. Task 1's answer prints "train samples: 60000 -
test samples: 10000 - image shape: torch.Size([1, 28, 28]) - train batches: 469"; the batch
size is not written. 469 batches of 60000 samples (DataLoader keeps the last, partial batch)
means ceil(60000 / B) = 469, and B = 128 is the only batch size that gives it. Task 2 says the
sigmoid output layer keeps reconstructions in [0, 1]; Task 3 flattens 28 x 28 images into
784-dimensional vectors. Training itself (Tasks 3-4) is a programming task.

Task 2's dense autoencoder (784 -> 128 -> 64 -> 128 -> 784, nn.Linear with biases) has a
parameter count its text determines but never states (wpi-hw3/p4-autoencoder): the left sides
are computed from the layer specifications (engine.nets.walk), the right sides are the counts
worked out by hand, in x out + out per layer.
"""
import sympy as sp

from engine import Derivation, Scope, Source, fact, holds
from engine.finite import Count, Integers
from engine.nets import Activation, Linear, params_sum, relu, walk

S = Scope()
z = S.scalar("z")
B = sp.Symbol("B", integer=True, positive=True)
TRAIN, BATCHES = 60000, 469


def batches(batch_size):
    """len(DataLoader(train, batch_size)) with drop_last=False: ceil(samples / batch size)."""
    return sp.ceiling(sp.Integer(TRAIN) / batch_size)


data = Derivation(
    id="wpi-hw3/p4-data",
    title="Autoencoder data: 469 training batches means batch size 128; sigmoid outputs in [0, 1]",
    source=Source("003_8dae48258750efc8.txt", "Problem 4, Tasks 1-3"),
    scope=S,
    chain=[
        fact(batches(128), "=", BATCHES, "train samples: 60000 ... train batches: 469, with batch "
             "size 128 (not written in the answer)"),
        holds(sp.Eq(Count(sp.Eq(batches(B), BATCHES), (B, Integers(1, TRAIN))), 1),
              "no other batch size gives 469 batches of the 60000 samples"),
        fact(sp.Mul(1, 28, 28, evaluate=False), "=", 784,
             "image shape: torch.Size([1, 28, 28]); Flatten the 28 x 28 images into "
             "784-dimensional vectors"),
        holds(sp.And(1 / (1 + sp.exp(-z)) >= 0, 1 / (1 + sp.exp(-z)) <= 1),
              "The sigmoid activation ensures the output values are in the range [0.0, 1.0]"),
    ],
)


autoencoder_layers = [Linear(784, 128, name="encoder Linear(784, 128)"), relu(),
                      Linear(128, 64, name="encoder Linear(128, 64)"), relu(),
                      Linear(64, 128, name="decoder Linear(64, 128)"), relu(),
                      Linear(128, 784, name="decoder Linear(128, 784)"), Activation("Sigmoid")]
rows = [row for row in walk((784,), autoencoder_layers) if row.name.startswith(("encoder",
                                                                                   "decoder"))]
BY_HAND = [784 * 128 + 128, 128 * 64 + 64, 64 * 128 + 128, 128 * 784 + 784]

autoencoder = Derivation(
    id="wpi-hw3/p4-autoencoder",
    title="The dense autoencoder of Task 2: 218192 trainable parameters",
    source=Source("003_8dae48258750efc8.txt", "Problem 4, Task 2"),
    scope=Scope(),
    notes=r"Not stated in the document: the count its architecture determines. Encoder "
          r"$784 \to 128 \to 64$ and decoder $64 \to 128 \to 784$, each nn.Linear with a "
          r"bias; ReLU and Sigmoid have no parameters. Left sides computed by engine.nets.walk "
          r"from the layer list.",
    chain=[
        *[fact(row.params, "=", sp.Integer(count),
               f"{row.name}: $(\\text{{in}} + 1) \\times \\text{{out}}$ = {count}")
          for row, count in zip(rows, BY_HAND)],
        fact(params_sum(rows), "=", sp.Integer(218192),
             r"total: $100480 + 8256 + 8320 + 101136 = 218192$"),
    ],
)
