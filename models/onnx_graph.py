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
    ) -> str:
        """2-D convolution (cross-correlation, OIHW weights) with symmetric zero padding."""
        inputs = [x, self.const(f"{hint}.weight", weight)]
        if bias is not None:
            inputs.append(self.const(f"{hint}.bias", bias))
        k_h, k_w = int(weight.shape[2]), int(weight.shape[3])
        return self.op(
            "Conv", inputs, hint, out, kernel_shape=[k_h, k_w], strides=[stride, stride], pads=[pad, pad, pad, pad]
        )

    def prelu(self, x: str, slope: npt.NDArray[np.float32], hint: str, *, spatial: bool) -> str:
        """Per-channel PReLU; `spatial` reshapes the slope to [C,1,1] so it broadcasts over NCHW.

        Emitted as Relu(x) + slope·Min(x, 0) (see `prelu_nodes`), with the zero as a shared initializer.
        """
        shaped = slope.reshape(-1, 1, 1) if spatial else slope.reshape(-1)
        if _ZERO not in self._used:
            self._used.add(_ZERO)
            self._initializers.append(_zero_initializer())
        slope_name = self.const(f"{hint}.weight", shaped)
        out = self._fresh(hint)
        self._used.update(f"{out}{suffix}" for suffix in _PRELU_SUFFIXES)
        self._nodes.extend(prelu_nodes(x, slope_name, out, self._fresh(f"{hint}/PRelu")))
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
        inputs = [x, self.const(f"{hint}.weight", weight)]
        if bias is not None:
            inputs.append(self.const(f"{hint}.bias", bias))
        return self.op("Gemm", inputs, hint, out, transB=1)

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


_ZERO = "prelu.zero"
_PRELU_SUFFIXES = ("/pos", "/neg", "/scaled")


def _zero_initializer() -> onnx.TensorProto:
    return numpy_helper.from_array(np.zeros((), dtype=np.float32), _ZERO)


def prelu_nodes(x: str, slope: str, out: str, name: str) -> list[onnx.NodeProto]:
    """PReLU as Relu(x) + slope·Min(x, 0): the same numbers, computed faster by onnxruntime.

    onnxruntime's CPU PRelu broadcasts its per-channel slope through a generic path: it took half of
    MobileFaceNet's time. The four plain element-wise nodes give bit-identical results (x + 0 and 0 + s·x
    are exact) and run the models 25-40 % faster here (models/README.md). Needs the `prelu.zero` initializer.
    """
    pos, neg, scaled = (f"{out}{suffix}" for suffix in _PRELU_SUFFIXES)
    return [
        helper.make_node("Relu", [x], [pos], name=f"{name}/Relu"),
        helper.make_node("Min", [x, _ZERO], [neg], name=f"{name}/Min"),
        helper.make_node("Mul", [neg, slope], [scaled], name=f"{name}/Mul"),
        helper.make_node("Add", [pos, scaled], [out], name=f"{name}/Add"),
    ]


def expand_prelu(model: onnx.ModelProto) -> onnx.ModelProto:
    """A copy of `model` whose PRelu nodes are replaced by `prelu_nodes` (for models taken as published)."""
    expanded = onnx.ModelProto()
    expanded.CopyFrom(model)
    graph = expanded.graph
    nodes: list[onnx.NodeProto] = []
    for node in graph.node:
        if node.op_type != "PRelu":
            nodes.append(node)
            continue
        x, slope = node.input
        nodes.extend(prelu_nodes(x, slope, node.output[0], node.name or node.output[0]))
    if len(nodes) != len(graph.node):
        graph.initializer.append(_zero_initializer())
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(expanded, full_check=True)
    return expanded


def serialise(model: onnx.ModelProto) -> bytes:
    """Deterministic bytes of a model (protobuf serialisation of a map-free message is stable)."""
    return bytes(model.SerializeToString(deterministic=True))
