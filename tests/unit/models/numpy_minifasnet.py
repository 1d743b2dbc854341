"""An independent MiniFASNet forward pass in plain numpy, straight from the PyTorch state dict.

Written apart from `models/minifasnet.py` to check the converted graph: no ONNX, no folding of BatchNorm
into the layers, PReLU as max(x, 0) + slope·min(x, 0), convolutions by explicit patch extraction. It
walks the same published architecture (strides and paddings are not in the state dict) in float64.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


class NumpyMiniFASNet:
    """MiniFASNet V2 / V1SE in numpy: `__call__` takes [N, 3, 80, 80] BGR 0-255 and gives softmax [N, 3]."""

    def __init__(self, state: Mapping[str, npt.NDArray[np.float32]]) -> None:
        self.w = {k.removeprefix("module."): np.asarray(v, dtype=np.float64) for k, v in state.items()}

    # --- layers ---

    @staticmethod
    def conv(x: Array, weight: Array, stride: int, pad: int, groups: int) -> Array:
        n, c, h, w = x.shape
        out_c, in_per_group, k, _ = weight.shape
        padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
        out_h, out_w = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
        # patches[n, c, i, j, ky, kx]
        patches = np.empty((n, c, out_h, out_w, k, k))
        for ky in range(k):
            for kx in range(k):
                patches[:, :, :, :, ky, kx] = padded[
                    :, :, ky : ky + stride * out_h : stride, kx : kx + stride * out_w : stride
                ]
        out_per_group = out_c // groups
        outputs = []
        for g in range(groups):
            p = patches[:, g * in_per_group : (g + 1) * in_per_group]
            wg = weight[g * out_per_group : (g + 1) * out_per_group]
            outputs.append(np.einsum("ncijyx,ocyx->noij", p, wg))
        return np.concatenate(outputs, axis=1)

    def bn(self, x: Array, prefix: str) -> Array:
        shape = (1, -1, 1, 1) if x.ndim == 4 else (1, -1)
        gamma, beta = self.w[f"{prefix}.weight"], self.w[f"{prefix}.bias"]
        mean, var = self.w[f"{prefix}.running_mean"], self.w[f"{prefix}.running_var"]
        return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + 1e-5) * gamma.reshape(shape) + beta.reshape(
            shape
        )

    def prelu(self, x: Array, prefix: str) -> Array:
        slope = self.w[f"{prefix}.weight"].reshape(1, -1, 1, 1)
        return np.maximum(x, 0) + slope * np.minimum(x, 0)

    def conv_block(self, x: Array, prefix: str, *, stride: int = 1, pad: int = 0, prelu: bool = True) -> Array:
        weight = self.w[f"{prefix}.conv.weight"]
        groups = weight.shape[0] if weight.shape[1] == 1 and x.shape[1] != 1 else 1
        y = self.bn(self.conv(x, weight, stride, pad, groups), f"{prefix}.bn")
        return self.prelu(y, f"{prefix}.prelu") if prelu else y

    def se(self, x: Array, prefix: str) -> Array:
        pooled = x.mean(axis=(2, 3), keepdims=True)
        y = np.maximum(self.bn(self.conv(pooled, self.w[f"{prefix}.fc1.weight"], 1, 0, 1), f"{prefix}.bn1"), 0)
        y = self.bn(self.conv(y, self.w[f"{prefix}.fc2.weight"], 1, 0, 1), f"{prefix}.bn2")
        return x * (1 / (1 + np.exp(-y)))

    def depth_wise(self, x: Array, prefix: str, *, stride: int, residual: bool) -> Array:
        y = self.conv_block(x, f"{prefix}.conv")
        y = self.conv_block(y, f"{prefix}.conv_dw", stride=stride, pad=1)
        y = self.conv_block(y, f"{prefix}.project", prelu=False)
        if not residual:
            return y
        if f"{prefix}.se_module.fc1.weight" in self.w:
            y = self.se(y, f"{prefix}.se_module")
        return x + y

    def stage(self, x: Array, name: str) -> Array:
        i = 0
        while f"{name}.model.{i}.conv.conv.weight" in self.w:
            x = self.depth_wise(x, f"{name}.model.{i}", stride=1, residual=True)
            i += 1
        return x

    # --- the network ---

    def __call__(self, batch: npt.NDArray[np.float32]) -> Array:
        x = np.asarray(batch, dtype=np.float64)
        x = self.conv_block(x, "conv1", stride=2, pad=1)
        x = self.conv_block(x, "conv2_dw", pad=1)
        for down, stage in (("conv_23", "conv_3"), ("conv_34", "conv_4"), ("conv_45", "conv_5")):
            x = self.stage(self.depth_wise(x, down, stride=2, residual=False), stage)
        x = self.conv_block(x, "conv_6_sep")
        x = self.conv_block(x, "conv_6_dw", prelu=False).reshape(x.shape[0], -1)
        x = self.bn(x @ self.w["linear.weight"].T, "bn")
        logits = x @ self.w["prob.weight"].T
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        out: Array = e / e.sum(axis=1, keepdims=True)
        return out
