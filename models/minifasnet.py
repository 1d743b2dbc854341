"""MiniFASNet (passive anti-spoofing, Minivision) from its PyTorch state dict to ONNX, without torch.

The checkpoints carry weights only; the network is rebuilt from the parameter names and shapes. Names
give the layer kinds and the order; the few facts they cannot give (strides and paddings) are those of
MiniFASNet as published:

    conv1       conv 3×3 stride 2 pad 1 + BN + PReLU
    conv2_dw    depthwise 3×3 pad 1 + BN + PReLU
    conv_23     block, stride 2        conv_3  residual blocks (`conv_3.model.<i>`), stride 1
    conv_34     block, stride 2        conv_4  residual blocks
    conv_45     block, stride 2        conv_5  residual blocks
    conv_6_sep  conv 1×1 + BN + PReLU
    conv_6_dw   depthwise k×k (the whole 5×5 map of an 80×80 input) + BN
    linear (512 → 128, no bias) + BatchNorm1d, prob (128 → 3, no bias), softmax

A block is `conv` (1×1 + BN + PReLU) → `conv_dw` (depthwise 3×3 + BN + PReLU) → `project` (1×1 + BN);
a residual block adds its input, after a squeeze-excitation (`se_module`: global mean → 1×1 + BN → ReLU →
1×1 + BN → sigmoid, times the block's output) when the block has one (MiniFASNetV1SE: the last block of
each residual stage). Every BatchNorm is folded into the convolution or dense layer before it (eps 1e-5,
torch's default). Every parameter of the state dict must be used exactly once and every shape must
chain, or the conversion fails: a checkpoint of another architecture cannot slip through.

Input `input` [N, 3, 80, 80]: the face crop as BGR values 0-255, no normalisation (upstream's `to_tensor`
does not divide by 255). Output `prob` [N, 3]: softmax, class 1 = real face, 0 and 2 = spoof kinds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import onnx

from .errors import UnexpectedFormatError
from .onnx_graph import GraphBuilder

FloatArray = npt.NDArray[np.float32]
StateDict = Mapping[str, FloatArray]

BN_EPS = 1e-5
INPUT_SIZE = 80
STAGES = (("conv_23", "conv_3"), ("conv_34", "conv_4"), ("conv_45", "conv_5"))
_BN = ("weight", "bias", "running_mean", "running_var")


def strip_prefix(state: StateDict) -> dict[str, FloatArray]:
    """The state dict without DataParallel's `module.` prefix (all keys have it, or none)."""
    prefixed = [k.startswith("module.") for k in state]
    if any(prefixed) and not all(prefixed):
        raise UnexpectedFormatError("some parameters carry the `module.` prefix and some do not")
    return {k.removeprefix("module."): v for k, v in state.items()}


class _Params:
    """The state dict, handing out each parameter once and checking its shape."""

    def __init__(self, state: StateDict) -> None:
        self._state = strip_prefix(state)
        self._unused = set(self._state)

    def take(self, name: str, shape: tuple[int | None, ...]) -> FloatArray:
        value = self._state.get(name)
        if value is None:
            raise UnexpectedFormatError(f"MiniFASNet: parameter {name} is missing")
        same_rank = len(value.shape) == len(shape)
        if not same_rank or any(e is not None and e != a for e, a in zip(shape, value.shape, strict=True)):
            raise UnexpectedFormatError(f"MiniFASNet: {name} has shape {value.shape}, expected {shape}")
        self._unused.discard(name)
        return value

    def has(self, prefix: str) -> bool:
        return any(k.startswith(prefix) for k in self._state)

    def indices(self, prefix: str) -> list[int]:
        """The block numbers `i` of `<prefix>.model.<i>.…`, which must run 0, 1, 2, … without a gap."""
        pattern = re.compile(rf"^{re.escape(prefix)}\.model\.(\d+)\.")
        found = sorted({int(m[1]) for k in self._state if (m := pattern.match(k))})
        if found != list(range(len(found))) or not found:
            raise UnexpectedFormatError(f"MiniFASNet: blocks of {prefix} are {found}")
        return found

    def batch_norm(self, prefix: str, channels: int) -> tuple[FloatArray, FloatArray]:
        """(scale, shift) of an inference-time BatchNorm: y = scale·x + shift per channel."""
        gamma, beta, mean, var = (self.take(f"{prefix}.{p}", (channels,)) for p in _BN)
        scale = gamma / np.sqrt(var + np.float32(BN_EPS))
        return scale.astype(np.float32), (beta - mean * scale).astype(np.float32)

    def check_all_used(self) -> None:
        if self._unused:
            raise UnexpectedFormatError(f"MiniFASNet: parameters not part of the network: {sorted(self._unused)}")


class _Net:
    """Emits MiniFASNet's layers into one graph, tracking the channel count to check every shape."""

    def __init__(self, state: StateDict, name: str) -> None:
        self.p = _Params(state)
        self.g = GraphBuilder(name)
        self.channels = 3

    def conv_bn(self, x: str, prefix: str, *, kernel: int, stride: int = 1, pad: int = 0, depthwise: bool) -> str:
        """Convolution without bias followed by its BatchNorm, folded into one Conv with a bias."""
        c_in = 1 if depthwise else self.channels
        weight = self.p.take(f"{prefix}.conv.weight", (None, c_in, kernel, kernel))
        c_out = int(weight.shape[0])
        if depthwise and c_out != self.channels:
            raise UnexpectedFormatError(f"MiniFASNet: depthwise {prefix} has {c_out} channels, input {self.channels}")
        scale, shift = self.p.batch_norm(f"{prefix}.bn", c_out)
        folded = (weight * scale.reshape(-1, 1, 1, 1)).astype(np.float32)
        self.channels = c_out
        return self.g.conv(x, folded, shift, prefix, stride=stride, pad=pad, group=c_out if depthwise else 1)

    def conv_block(self, x: str, prefix: str, *, kernel: int = 1, stride: int = 1, depthwise: bool = False) -> str:
        """Conv + BN + PReLU (`Conv_block`)."""
        pad = kernel // 2 if kernel == 3 else 0
        y = self.conv_bn(x, prefix, kernel=kernel, stride=stride, pad=pad, depthwise=depthwise)
        slope = self.p.take(f"{prefix}.prelu.weight", (self.channels,))
        return self.g.prelu(y, slope, f"{prefix}.prelu", spatial=True)

    def block(self, x: str, prefix: str, *, stride: int, residual: bool) -> str:
        """`Depth_Wise` (optionally with its squeeze-excitation), with the shortcut when `residual`."""
        c_in = self.channels
        y = self.conv_block(x, f"{prefix}.conv")
        y = self.conv_block(y, f"{prefix}.conv_dw", kernel=3, stride=stride, depthwise=True)
        y = self.conv_bn(y, f"{prefix}.project", kernel=1, depthwise=False)
        if not residual:
            return y
        if self.channels != c_in:
            raise UnexpectedFormatError(f"MiniFASNet: residual {prefix} maps {c_in} to {self.channels} channels")
        if self.p.has(f"{prefix}.se_module."):
            y = self.squeeze_excite(y, f"{prefix}.se_module")
        return self.g.op("Add", [x, y], f"{prefix}.add")

    def squeeze_excite(self, x: str, prefix: str) -> str:
        channels = self.channels
        fc1 = self.p.take(f"{prefix}.fc1.weight", (None, channels, 1, 1))
        reduced = int(fc1.shape[0])
        fc2 = self.p.take(f"{prefix}.fc2.weight", (channels, reduced, 1, 1))
        s1, b1 = self.p.batch_norm(f"{prefix}.bn1", reduced)
        s2, b2 = self.p.batch_norm(f"{prefix}.bn2", channels)
        pooled = self.g.op("GlobalAveragePool", [x], f"{prefix}.pool")
        y = self.g.conv(pooled, (fc1 * s1.reshape(-1, 1, 1, 1)).astype(np.float32), b1, f"{prefix}.fc1")
        y = self.g.op("Relu", [y], f"{prefix}.relu")
        y = self.g.conv(y, (fc2 * s2.reshape(-1, 1, 1, 1)).astype(np.float32), b2, f"{prefix}.fc2")
        gate = self.g.op("Sigmoid", [y], f"{prefix}.sigmoid")
        return self.g.op("Mul", [x, gate], f"{prefix}.scale")

    def dense_bn(self, x: str) -> str:
        """`linear` (no bias) then BatchNorm1d `bn`, folded into one Gemm."""
        weight = self.p.take("linear.weight", (None, self.channels))
        features = int(weight.shape[0])
        scale, shift = self.p.batch_norm("bn", features)
        self.channels = features
        return self.g.gemm(x, (weight * scale.reshape(-1, 1)).astype(np.float32), shift, "linear")


def build_minifasnet(state: StateDict, description: str) -> onnx.ModelProto:
    """The ONNX graph of a MiniFASNet (V1, V2 or V1SE, told apart by its parameters): `input` → `prob`."""
    n = _Net(state, "minifasnet")
    x = n.conv_block("input", "conv1", kernel=3, stride=2)
    x = n.conv_block(x, "conv2_dw", kernel=3, depthwise=True)
    for down, stage in STAGES:
        x = n.block(x, down, stride=2, residual=False)
        for i in n.p.indices(stage):
            x = n.block(x, f"{stage}.model.{i}", stride=1, residual=True)
    x = n.conv_block(x, "conv_6_sep")
    kernel = (INPUT_SIZE + 15) // 16  # the last feature map is this size: the layer sees all of it
    x = n.conv_bn(x, "conv_6_dw", kernel=kernel, depthwise=True)
    x = n.g.op("Flatten", [x], "flatten", axis=1)
    x = n.dense_bn(x)
    prob = n.p.take("prob.weight", (None, n.channels))
    if prob.shape[0] != 3:
        raise UnexpectedFormatError(f"MiniFASNet: {prob.shape[0]} classes, expected 3")
    logits = n.g.gemm(x, prob, None, "prob_fc")
    n.g.op("Softmax", [logits], "softmax", out="prob", axis=1)
    n.p.check_all_used()
    return n.g.model([("input", ["N", 3, INPUT_SIZE, INPUT_SIZE])], [("prob", ["N", 3])], description)
