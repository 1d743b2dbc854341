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
        """Per-channel PReLU; `spatial` reshapes the slope to [C,1,1] so it broadcasts over NCHW."""
        shaped = slope.reshape(-1, 1, 1) if spatial else slope.reshape(-1)
        return self.op("PRelu", [x, self.const(f"{hint}.weight", shaped)], hint)

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


def serialise(model: onnx.ModelProto) -> bytes:
    """Deterministic bytes of a model (protobuf serialisation of a map-free message is stable)."""
    return bytes(model.SerializeToString(deterministic=True))
