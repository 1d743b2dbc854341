"""Each converted model reproduces its original framework's output on stored fixed inputs.

The references were computed with facenet-pytorch (torch) and dlib themselves by
`models/make_reference.py` in a throwaway venv; here only onnxruntime runs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from models.make_reference import dlib_input, mtcnn_input

from .conftest import FIXTURES

ATOL = 1e-5


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize(
    ("net", "outputs"),
    [
        ("pnet", ("prob", "reg")),
        ("rnet", ("prob", "reg")),
        ("onet", ("prob", "reg", "landmarks")),
    ],
)
def test_mtcnn_matches_facenet_pytorch(model_dir: Path, net: str, outputs: tuple[str, ...]) -> None:
    # GIVEN the fixed images and facenet-pytorch's outputs for them
    ref = np.load(FIXTURES / "mtcnn_reference.npz")
    # WHEN the converted net runs on the same normalised images
    session = _session(model_dir / f"mtcnn_{net}.onnx")
    got = dict(zip(outputs, session.run(list(outputs), {"input": mtcnn_input(ref[f"{net}_images"])}), strict=True))
    # THEN every output agrees to ~1e-5, with the contract's shapes
    for name in outputs:
        expected = ref[f"{net}_{name}"]
        assert got[name].shape == expected.shape, name
        np.testing.assert_allclose(got[name], expected, rtol=0, atol=ATOL, err_msg=f"{net}.{name}")


def test_pnet_accepts_any_image_size(model_dir: Path) -> None:
    session = _session(model_dir / "mtcnn_pnet.onnx")
    prob, reg = session.run(["prob", "reg"], {"input": np.zeros((1, 3, 64, 100), np.float32)})
    # 3x3 conv, 2x2 ceil pool, two 3x3 convs: 64 -> 62 -> 31 -> 27, 100 -> 98 -> 49 -> 45
    assert prob.shape == (1, 2, 27, 45) and reg.shape == (1, 4, 27, 45)
    np.testing.assert_allclose(prob.sum(axis=1), 1.0, atol=1e-6)


def test_dlib_resnet_matches_dlib(model_dir: Path) -> None:
    # GIVEN fixed 150x150 chips and dlib's own descriptors for them
    ref = np.load(FIXTURES / "dlib_reference.npz")
    # WHEN the converted ResNet embeds the same chips (normalised as dlib's input layer does)
    session = _session(model_dir / "dlib_resnet_v1.onnx")
    (got,) = session.run(["embedding"], {"input": dlib_input(ref["images"])})
    # THEN the 128-d outputs agree to ~1e-5
    assert got.shape == (len(ref["images"]), 128)
    np.testing.assert_allclose(got, ref["embedding"], rtol=0, atol=ATOL)


def test_mobilefacenet_keeps_its_published_interface(model_dir: Path) -> None:
    session = _session(model_dir / "mobilefacenet_fp.onnx")
    assert [(i.name, i.shape) for i in session.get_inputs()] == [("input", [1, 3, 112, 112])]
    (out,) = session.run(["output"], {"input": np.zeros((1, 3, 112, 112), np.float32)})
    assert out.shape == (1, 512) and np.isfinite(out).all()


def mobilefacenet_input(seed: int) -> np.ndarray:
    """Two fixed 112x112 inputs, normalised as the embedder feeds the model ((x - 127) / 128)."""
    rng = np.random.default_rng(seed)
    return ((rng.integers(0, 256, size=(2, 3, 112, 112)).astype(np.float32)) - 127.0) / 128.0


@pytest.mark.parametrize("optimise", [True, False])
def test_mobilefacenet_reproduces_its_stored_reference_output(model_dir: Path, optimise: bool) -> None:
    # GIVEN the outputs stored when the npm model was first taken in (no other framework runs it here)
    ref = np.load(FIXTURES / "mobilefacenet_reference.npz")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    if not optimise:
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(
        str(model_dir / "mobilefacenet_fp.onnx"), options, providers=["CPUExecutionProvider"]
    )
    # WHEN the loaded model runs on the same inputs, with graph optimisation on or off
    got = np.concatenate(
        [session.run(["output"], {"input": x[None]})[0] for x in mobilefacenet_input(int(ref["seed"]))]
    )
    # THEN it gives the stored 512-d outputs
    np.testing.assert_allclose(got, ref["output"], rtol=0, atol=ATOL)
