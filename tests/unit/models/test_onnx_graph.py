"""The PRelu rewrite used for every model: same numbers as onnxruntime's own PRelu, no PRelu left."""

from __future__ import annotations

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


def test_expanded_prelu_gives_the_same_numbers_as_prelu() -> None:
    # GIVEN slopes below 0, between 0 and 1 and above 1 (trained PReLUs have all three), and mixed-sign input
    rng = np.random.default_rng(7)
    slope = np.array([-1.3, 0.0, 0.25, 1.2], dtype=np.float32).reshape(4, 1, 1)
    x = rng.normal(size=(2, 4, 3, 3)).astype(np.float32)
    x[0, 0, 0, 0] = 0.0
    original = _prelu_model(slope)
    # WHEN the PRelu node is rewritten
    expanded = expand_prelu(original)
    # THEN no PRelu is left, the original is untouched, and the outputs are bit-identical
    assert [n.op_type for n in expanded.graph.node] == ["Relu", "Min", "Mul", "Add"]
    assert [n.op_type for n in original.graph.node] == ["PRelu"]
    np.testing.assert_array_equal(_run(expanded, x), _run(original, x))
    np.testing.assert_array_equal(_run(expanded, x), np.where(x > 0, x, slope * x))


def test_graph_builder_emits_prelu_as_plain_operators() -> None:
    # GIVEN a builder asked for two PReLU layers
    builder = GraphBuilder("two")
    slope = np.array([0.5, -0.5, 2.0, 0.1], dtype=np.float32)
    y = builder.prelu(builder.prelu("x", slope, "a", spatial=True), slope, "b", spatial=True)
    model = builder.model([("x", [2, 4, 3, 3])], [(y, [2, 4, 3, 3])], "test")
    # THEN it computes PReLU twice without a PRelu node, sharing one zero constant
    assert "PRelu" not in {n.op_type for n in model.graph.node}
    assert sum(1 for t in model.graph.initializer if t.name == "prelu.zero") == 1
    x = np.random.default_rng(1).normal(size=(2, 4, 3, 3)).astype(np.float32)
    once = np.where(x > 0, x, slope.reshape(4, 1, 1) * x)
    np.testing.assert_allclose(_run(model, x), np.where(once > 0, once, slope.reshape(4, 1, 1) * once), rtol=0, atol=0)
