"""A small, deterministic ONNX graph builder shared by the MTCNN and dlib converters.

Both converters emit the same handful of operators (Conv, PRelu/Relu, pooling, Gemm, Add). Building
them through one helper keeps node naming, opset and serialisation identical between runs, which the
build relies on: it checks each produced file against a sha256 stored in the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
from onnx import TensorProto, helper, numpy_helper

# Pinned rather than taken from the installed onnx so a newer onnx does not change the bytes.
OPSET = 17
IR_VERSION = 8
PRODUCER = "smart-models"

Dim = int | str


class GraphBuilder:
    """Accumulates nodes and float32 initializers; `model()` turns them into a checked ModelProto."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._nodes: list[onnx.NodeProto] = []
        self._initializers: list[onnx.TensorProto] = []
        self._used: set[str] = set()

    def _fresh(self, hint: str) -> str:
        name, n = hint, 1
        while name in self._used:
            n += 1
            name = f"{hint}_{n}"
        self._used.add(name)
        return name

    def const(self, hint: str, array: npt.ArrayLike, dtype: type = np.float32) -> str:
        """Add an initializer and return its name."""
        name = self._fresh(hint)
        self._initializers.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=dtype), name))
        return name

    def op(self, op_type: str, inputs: Sequence[str], hint: str, out: str | None = None, **attrs: Any) -> str:
        """Add one node with a single output (named `out` if given) and return that output's name."""
        output = out if out is not None else self._fresh(hint)
        self._used.add(output)
        node_name = self._fresh(f"{hint}/{op_type}")
        self._nodes.append(helper.make_node(op_type, list(inputs), [output], name=node_name, **attrs))
        return output

    def conv(
        self,
        x: str,
        weight: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32] | None,
        hint: str,
        *,
        stride: int = 1,
        pad: int = 0,
        out: str | None = None,
        group: int = 1,
    ) -> str:
        """2-D convolution (cross-correlation, OIHW weights) with symmetric zero padding; `group` > 1 for a
        grouped (e.g. depthwise) one."""
        inputs = self._weighted(x, weight, bias, hint)
        k_h, k_w = int(weight.shape[2]), int(weight.shape[3])
        # The attribute only when grouped, so the bytes of earlier models stay the same.
        grouping = {"group": group} if group != 1 else {}
        return self.op(
            "Conv",
            inputs,
            hint,
            out,
            kernel_shape=[k_h, k_w],
            strides=[stride, stride],
            pads=[pad, pad, pad, pad],
            **grouping,
        )

    def prelu(self, x: str, slope: npt.NDArray[np.float32], hint: str, *, spatial: bool) -> str:
        """Per-channel PReLU; `spatial` means NCHW input (slope per channel C), else [N, C] after a dense layer.

        Emitted without a PRelu node (see `prelu_nodes`), with its constants as initializers.
        """
        out = self._fresh(hint)
        self._used.update(f"{out}{suffix}" for suffix in _PRELU_SUFFIXES)
        nodes, constants = prelu_nodes(
            x, slope.reshape(-1, 1, 1) if spatial else slope.reshape(-1), out, self._fresh(f"{hint}/PRelu")
        )
        self._initializers.extend(constants)
        self._nodes.extend(nodes)
        return out

    def pool(self, op_type: str, x: str, size: int, stride: int, hint: str, *, ceil: bool = False) -> str:
        """Max or average pooling without padding."""
        return self.op(
            op_type,
            [x],
            hint,
            kernel_shape=[size, size],
            strides=[stride, stride],
            pads=[0, 0, 0, 0],
            ceil_mode=int(ceil),
        )

    def gemm(
        self,
        x: str,
        weight: npt.NDArray[np.float32],
        bias: npt.NDArray[np.float32] | None,
        hint: str,
        out: str | None = None,
    ) -> str:
        """Dense layer y = x · Wᵀ (+ b), W stored as [out_features, in_features] like torch."""
        return self.op("Gemm", self._weighted(x, weight, bias, hint), hint, out, transB=1)

    def _weighted(
        self, x: str, weight: npt.NDArray[np.float32], bias: npt.NDArray[np.float32] | None, hint: str
    ) -> list[str]:
        """The inputs of a layer with weights: `x`, then `<hint>.weight` and (when given) `<hint>.bias` as constants."""
        inputs = [x, self.const(f"{hint}.weight", weight)]
        if bias is not None:
            inputs.append(self.const(f"{hint}.bias", bias))
        return inputs

    def model(
        self, inputs: Sequence[tuple[str, Sequence[Dim]]], outputs: Sequence[tuple[str, Sequence[Dim]]], doc: str
    ) -> onnx.ModelProto:
        """The finished model, validated by onnx's checker (with shape inference)."""
        graph = helper.make_graph(
            self._nodes,
            self._name,
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in inputs],
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(s)) for n, s in outputs],
            initializer=self._initializers,
        )
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name=PRODUCER, doc_string=doc
        )
        model.ir_version = IR_VERSION
        onnx.checker.check_model(model, full_check=True)
        return model


_PRELU_SUFFIXES = ("/pos", "/flip", "/neg", "/scaled", "/zero", "/minus_one", "/minus_slope", "/slope")


def prelu_nodes(
    x: str, slope: npt.NDArray[np.float32], out: str, name: str
) -> tuple[list[onnx.NodeProto], list[onnx.TensorProto]]:
    """PReLU of `x` into `out` without a PRelu node: the same numbers, computed faster by onnxruntime.

    onnxruntime's CPU PRelu broadcasts its per-channel slope through a generic path (it took half of
    MobileFaceNet's time), and element-wise nodes with a per-channel constant make it convert between its
    blocked conv layout (NCHWc) and NCHW around every activation. So for a [C, 1, 1] slope (NCHW input):

        Relu(x) + Conv1x1_depthwise(Relu(Conv1x1_depthwise(x, -1)), -slope)

    which onnxruntime keeps in its blocked layout (the inner Relu and the final Add fuse into the convs).
    Any other slope shape (after a dense layer) gets Relu(x) + slope·Min(x, 0). Both are exact: -1·x,
    Relu and (-s)·(-x) = s·x are exact or round once like s·x, and x + 0 and 0 + s·x round to themselves.
    Returns the nodes and the constants they need (named after `out`).
    """
    names = {suffix: f"{out}{suffix}" for suffix in _PRELU_SUFFIXES}
    pos = helper.make_node("Relu", [x], [names["/pos"]], name=f"{name}/Relu")
    if slope.ndim == 3 and slope.shape[1:] == (1, 1):
        channels = int(slope.shape[0])
        constants = [
            numpy_helper.from_array(-np.ones((channels, 1, 1, 1), np.float32), names["/minus_one"]),
            numpy_helper.from_array((-slope).reshape(channels, 1, 1, 1).astype(np.float32), names["/minus_slope"]),
        ]
        nodes = [
            pos,
            _depthwise(x, names["/minus_one"], names["/flip"], f"{name}/Flip", channels),
            helper.make_node("Relu", [names["/flip"]], [names["/neg"]], name=f"{name}/NegRelu"),
            _depthwise(names["/neg"], names["/minus_slope"], names["/scaled"], f"{name}/Scale", channels),
        ]
    else:
        constants = [
            numpy_helper.from_array(np.zeros((), dtype=np.float32), names["/zero"]),
            numpy_helper.from_array(np.ascontiguousarray(slope, dtype=np.float32), names["/slope"]),
        ]
        nodes = [
            pos,
            helper.make_node("Min", [x, names["/zero"]], [names["/neg"]], name=f"{name}/Min"),
            helper.make_node("Mul", [names["/neg"], names["/slope"]], [names["/scaled"]], name=f"{name}/Mul"),
        ]
    nodes.append(helper.make_node("Add", [names["/pos"], names["/scaled"]], [out], name=f"{name}/Add"))
    return nodes, constants


def _depthwise(x: str, weight: str, out: str, name: str, channels: int) -> onnx.NodeProto:
    """1×1 depthwise convolution: each channel times its own weight."""
    return helper.make_node("Conv", [x, weight], [out], name=name, group=channels, kernel_shape=[1, 1])


def expand_prelu(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of `model` whose PRelu nodes are replaced by `prelu_nodes` (for models taken as published).

    Each slope must be an initializer; slopes used by no other node are dropped with their PRelu.
    """
    expanded = onnx.ModelProto()
    expanded.CopyFrom(model)
    graph = expanded.graph
    initializers = {t.name: t for t in graph.initializer}
    nodes: list[onnx.NodeProto] = []
    added: list[onnx.TensorProto] = []
    slopes: set[str] = set()
    for node in graph.node:
        if node.op_type != "PRelu":
            nodes.append(node)
            continue
        x, slope = node.input
        replacement, constants = prelu_nodes(
            x, numpy_helper.to_array(initializers[slope]), node.output[0], node.name or node.output[0]
        )
        nodes.extend(replacement)
        added.extend(constants)
        slopes.add(slope)
    used = {name for n in nodes for name in n.input} | {i.name for i in graph.input}
    kept = [t for t in graph.initializer if t.name not in slopes or t.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + added)
    onnx.checker.check_model(expanded, full_check=True)
    return expanded


def serialise(model: onnx.ModelProto) -> bytes:
    """Deterministic bytes of a model (protobuf serialisation of a map-free message is stable)."""
    return bytes(model.SerializeToString(deterministic=True))
