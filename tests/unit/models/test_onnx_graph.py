"""The PRelu rewrite used for every model: same numbers as onnxruntime's own PRelu, no PRelu left."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from models.onnx_graph import GraphBuilder, expand_prelu, serialise


def _prelu_model(slope: np.ndarray) -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("PRelu", ["x", "slope"], ["y"], name="act")],
        "prelu",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4, 3, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4, 3, 3])],
        initializer=[numpy_helper.from_array(slope, "slope")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 9)])
    model.ir_version = 8  # what the installed onnxruntime reads (onnx's default may be newer)
    return model


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(serialise(model), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def _mixed_input(shape: tuple[int, ...], seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    x.flat[0] = 0.0
    return x


def test_expanded_prelu_gives_the_same_numbers_as_prelu() -> None:
    # GIVEN slopes below 0, between 0 and 1 and above 1 (trained PReLUs have all three), and mixed-sign input
    slope = np.array([-1.3, 0.0, 0.25, 1.2], dtype=np.float32).reshape(4, 1, 1)
    x = _mixed_input((2, 4, 3, 3), 7)
    original = _prelu_model(slope)
    # WHEN the PRelu node is rewritten
    expanded = expand_prelu(original)
    # THEN no PRelu (nor its slope) is left, the original is untouched, and the outputs are bit-identical
    assert [n.op_type for n in expanded.graph.node] == ["Relu", "Conv", "Relu", "Conv", "Add"]
    assert "slope" not in {t.name for t in expanded.graph.initializer}
    assert [n.op_type for n in original.graph.node] == ["PRelu"]
    np.testing.assert_array_equal(_run(expanded, x), _run(original, x))
    np.testing.assert_array_equal(_run(expanded, x), np.where(x > 0, x, slope * x))


def test_expanded_prelu_stays_in_onnxruntimes_blocked_layout(tmp_path: Path) -> None:
    # GIVEN a conv followed by a PReLU on enough channels for onnxruntime's blocked (NCHWc) convolutions
    builder = GraphBuilder("conv_prelu")
    rng = np.random.default_rng(3)
    weight = rng.normal(size=(16, 16, 3, 3)).astype(np.float32)
    y = builder.prelu(
        builder.conv("x", weight, None, "conv", pad=1), rng.uniform(0, 1, 16).astype(np.float32), "act", spatial=True
    )
    y = builder.conv(y, weight, None, "conv2", pad=1)
    model = builder.model([("x", [1, 16, 8, 8])], [(y, [1, 16, 8, 8])], "test")
    # WHEN onnxruntime optimises it
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "optimised.onnx")
    options.log_severity_level = 3
    ort.InferenceSession(serialise(model), options, providers=["CPUExecutionProvider"])
    ops = [n.op_type for n in onnx.load(str(tmp_path / "optimised.onnx")).graph.node]
    # THEN the activation does not leave the blocked layout: one reorder in, one out, and the Add is fused
    if "ReorderInput" not in ops:  # a CPU without the blocked kernels: nothing to check
        return
    assert ops.count("ReorderInput") == 1 and ops.count("ReorderOutput") == 1, ops
    assert "Add" not in ops and "Min" not in ops and "Mul" not in ops, ops


def test_graph_builder_emits_prelu_without_prelu_nodes() -> None:
    # GIVEN a builder asked for two spatial PReLU layers and one after a dense layer
    builder = GraphBuilder("three")
    slope = np.array([0.5, -0.5, 2.0, 0.1], dtype=np.float32)
    y = builder.prelu(builder.prelu("x", slope, "a", spatial=True), slope, "b", spatial=True)
    model = builder.model([("x", [2, 4, 3, 3])], [(y, [2, 4, 3, 3])], "test")
    dense = GraphBuilder("dense")
    z = dense.prelu("x", slope, "c", spatial=False)
    flat = dense.model([("x", [2, 4])], [(z, [2, 4])], "test")
    # THEN they compute PReLU bit for bit without a PRelu node
    for m in (model, flat):
        assert "PRelu" not in {n.op_type for n in m.graph.node}
    x = _mixed_input((2, 4, 3, 3), 1)
    once = np.where(x > 0, x, slope.reshape(4, 1, 1) * x)
    np.testing.assert_array_equal(_run(model, x), np.where(once > 0, once, slope.reshape(4, 1, 1) * once))
    v = _mixed_input((2, 4), 2)
    np.testing.assert_array_equal(_run(flat, v), np.where(v > 0, v, slope * v))
