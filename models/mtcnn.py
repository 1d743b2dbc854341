"""MTCNN P/R/O-net from facenet-pytorch's state dicts to ONNX, layer for layer as facenet-pytorch runs them.

The graphs mirror `facenet_pytorch/models/mtcnn.py` (v2.6.0): 3×3 convolutions without padding,
per-channel PReLU, max pooling with `ceil_mode=True`, and — easy to miss — `permute(0, 3, 2, 1)` before
the dense layers of R- and O-net, so the flattened features are in (W, H, C) order. The I/O contract
(`input` → `prob`, `reg`[, `landmarks`]) is what `chalicelib.face.detect` codes against.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import onnx

from .errors import UnexpectedFormatError
from .onnx_graph import GraphBuilder

FloatArray = npt.NDArray[np.float32]
StateDict = Mapping[str, FloatArray]

# (layer name, expected weight shape) for every parameterised layer, in forward order; biases follow.
_PRELU = "prelu"
_Layer = tuple[str, tuple[int, ...]]


def _net(trunk: tuple[_Layer, ...], heads: tuple[_Layer, ...]) -> tuple[_Layer, ...]:
    """Each trunk layer followed by its PReLU (`conv2` → `prelu2`, one slope per output channel), then the heads."""
    layers: list[_Layer] = []
    for name, shape in trunk:
        number = name.removeprefix("conv").removeprefix("dense")
        layers += [(name, shape), (f"{_PRELU}{number}", (shape[0],))]
    return (*layers, *heads)


_LAYERS: dict[str, tuple[_Layer, ...]] = {
    "pnet": _net(
        (("conv1", (10, 3, 3, 3)), ("conv2", (16, 10, 3, 3)), ("conv3", (32, 16, 3, 3))),
        (("conv4_1", (2, 32, 1, 1)), ("conv4_2", (4, 32, 1, 1))),
    ),
    "rnet": _net(
        (("conv1", (28, 3, 3, 3)), ("conv2", (48, 28, 3, 3)), ("conv3", (64, 48, 2, 2)), ("dense4", (128, 576))),
        (("dense5_1", (2, 128)), ("dense5_2", (4, 128))),
    ),
    "onet": _net(
        (
            ("conv1", (32, 3, 3, 3)),
            ("conv2", (64, 32, 3, 3)),
            ("conv3", (64, 64, 3, 3)),
            ("conv4", (128, 64, 2, 2)),
            ("dense5", (256, 1152)),
        ),
        (("dense6_1", (2, 256)), ("dense6_2", (4, 256)), ("dense6_3", (10, 256))),
    ),
}


def _check_state(net: str, state: StateDict) -> None:
    """Fail loudly unless the state dict has exactly the parameters, and shapes, facenet-pytorch uses."""
    expected: dict[str, tuple[int, ...]] = {}
    for layer, shape in _LAYERS[net]:
        expected[f"{layer}.weight"] = shape
        if not layer.startswith(_PRELU):
            expected[f"{layer}.bias"] = (shape[0],)
    if set(state) != set(expected):
        raise UnexpectedFormatError(
            f"{net}: parameters differ from facenet-pytorch's",
            {"missing": sorted(set(expected) - set(state)), "extra": sorted(set(state) - set(expected))},
        )
    for name, shape in expected.items():
        if tuple(state[name].shape) != shape:
            raise UnexpectedFormatError(f"{net}: {name} has shape {state[name].shape}, expected {shape}")


class _Net:
    """Emits facenet-pytorch's layer kinds into one graph, reading weights from the state dict."""

    def __init__(self, net: str, state: StateDict) -> None:
        _check_state(net, state)
        self.state = state
        self.g = GraphBuilder(f"mtcnn_{net}")

    def conv(self, x: str, layer: str, out: str | None = None) -> str:
        return self.g.conv(x, self.state[f"{layer}.weight"], self.state[f"{layer}.bias"], layer, out=out)

    def prelu(self, x: str, layer: str, *, spatial: bool = True) -> str:
        return self.g.prelu(x, self.state[f"{layer}.weight"], layer, spatial=spatial)

    def pool(self, x: str, size: int, stride: int, hint: str) -> str:
        return self.g.pool("MaxPool", x, size, stride, hint, ceil=True)

    def dense(self, x: str, layer: str, out: str | None = None) -> str:
        return self.g.gemm(x, self.state[f"{layer}.weight"], self.state[f"{layer}.bias"], layer, out=out)

    def conv_prelu(self, x: str, n: int) -> str:
        return self.prelu(self.conv(x, f"conv{n}"), f"prelu{n}")

    def flatten_whc(self, x: str) -> str:
        """facenet-pytorch's `x.permute(0, 3, 2, 1).contiguous().view(N, -1)`."""
        permuted = self.g.op("Transpose", [x], "permute", perm=[0, 3, 2, 1])
        return self.g.op("Flatten", [permuted], "flatten", axis=1)

    def softmax(self, x: str) -> str:
        return self.g.op("Softmax", [x], "softmax", out="prob", axis=1)


def build_pnet(state: StateDict) -> onnx.ModelProto:
    """Fully convolutional P-net: `input` [1,3,H,W] → `prob` [1,2,h,w], `reg` [1,4,h,w]."""
    n = _Net("pnet", state)
    x = n.pool(n.conv_prelu("input", 1), 2, 2, "pool1")
    x = n.conv_prelu(n.conv_prelu(x, 2), 3)
    n.softmax(n.conv(x, "conv4_1"))
    n.conv(x, "conv4_2", out="reg")
    return n.g.model(
        [("input", [1, 3, "H", "W"])],
        [("prob", [1, 2, "h", "w"]), ("reg", [1, 4, "h", "w"])],
        "MTCNN P-net converted from facenet-pytorch 2.6.0",
    )


def build_rnet(state: StateDict) -> onnx.ModelProto:
    """R-net on 24×24 crops: `input` [N,3,24,24] → `prob` [N,2], `reg` [N,4]."""
    n = _Net("rnet", state)
    x = n.pool(n.conv_prelu("input", 1), 3, 2, "pool1")
    x = n.pool(n.conv_prelu(x, 2), 3, 2, "pool2")
    x = n.prelu(n.dense(n.flatten_whc(n.conv_prelu(x, 3)), "dense4"), "prelu4", spatial=False)
    n.softmax(n.dense(x, "dense5_1"))
    n.dense(x, "dense5_2", out="reg")
    return n.g.model(
        [("input", ["N", 3, 24, 24])],
        [("prob", ["N", 2]), ("reg", ["N", 4])],
        "MTCNN R-net converted from facenet-pytorch 2.6.0",
    )


def build_onet(state: StateDict) -> onnx.ModelProto:
    """O-net on 48×48 crops: `prob` [N,2], `reg` [N,4], `landmarks` [N,10] (5 x then 5 y, box-relative)."""
    n = _Net("onet", state)
    x = n.pool(n.conv_prelu("input", 1), 3, 2, "pool1")
    x = n.pool(n.conv_prelu(x, 2), 3, 2, "pool2")
    x = n.pool(n.conv_prelu(x, 3), 2, 2, "pool3")
    x = n.prelu(n.dense(n.flatten_whc(n.conv_prelu(x, 4)), "dense5"), "prelu5", spatial=False)
    n.softmax(n.dense(x, "dense6_1"))
    n.dense(x, "dense6_2", out="reg")
    n.dense(x, "dense6_3", out="landmarks")
    return n.g.model(
        [("input", ["N", 3, 48, 48])],
        [("prob", ["N", 2]), ("reg", ["N", 4]), ("landmarks", ["N", 10])],
        "MTCNN O-net converted from facenet-pytorch 2.6.0",
    )


BUILDERS = {"pnet": build_pnet, "rnet": build_rnet, "onet": build_onet}
