"""The MiniFASNet converter: the ONNX graph matches an independent numpy forward pass on real face crops,
and checkpoints of another shape are refused.

The crops are made as the check-in makes them (`chalicelib.face.antispoof.spoof_crop`: the detected face box
widened 2.7× / 4.0×, 80×80, BGR) from real photos of ../shared/faces (spoof samples and dev photos).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
import pytest

from chalicelib.face import FaceConfig, FaceEngine
from chalicelib.face.antispoof import MODELS, SpoofModel, SpoofScorer, spoof_crop
from chalicelib.face.decode import decode_image
from models.build import load_manifest
from models.errors import UnexpectedFormatError
from models.minifasnet import build_minifasnet
from models.sources import source_bytes
from models.torch_legacy import load_state_dict

from .numpy_minifasnet import NumpyMiniFASNet

FACES = Path(__file__).resolve().parents[3] / ".." / "shared" / "faces"
PHOTOS = (
    "spoof-samples/image_F1.jpg",
    "spoof-samples/image_F2.jpg",
    "spoof-samples/image_T1.jpg",
    "dev/deepface/img1.jpg",
    "dev/fr/obama.jpg",
    "dev-asia/images/Wu_Yi/1.jpg",
)
ATOL = 1e-5

Crop = tuple[npt.NDArray[np.uint8], tuple[float, float, float, float]]


def _state(model_id: str, cache: Path) -> dict[str, npt.NDArray[np.float32]]:
    (entry,) = (e for e in load_manifest() if e.model_id == model_id)
    return load_state_dict(source_bytes(entry.source, cache), drop_counters=True)


@pytest.fixture(scope="module")
def faces(model_dir: Path) -> list[Crop]:
    """(working image, face box) of each photo, as the engine finds them."""
    if not (FACES / "spoof-samples").is_dir():
        pytest.skip(f"face photos not found at {FACES}")
    engine = FaceEngine(FaceConfig(model_dir=model_dir))
    found = []
    for name in PHOTOS:
        data = (FACES / name).read_bytes()
        decoded = decode_image(data, engine.config.decode)
        x1, y1, x2, y2 = (v * decoded.scale for v in engine.analyse(data, purpose="verify").box)
        found.append((decoded.rgb, (x1, y1, x2, y2)))
    return found


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_id)
def test_converted_graph_matches_a_numpy_forward_pass_on_real_crops(
    model_dir: Path, source_cache: Path, faces: list[Crop], model: SpoofModel
) -> None:
    # GIVEN the real face crops and the numpy network built from the same state dict
    batch = np.stack([spoof_crop(rgb, box, model.crop_scale) for rgb, box in faces])
    reference = NumpyMiniFASNet(_state(model.model_id, source_cache))(batch)
    # WHEN the built ONNX file runs them
    session = ort.InferenceSession(str(model_dir / f"{model.model_id}.onnx"), providers=["CPUExecutionProvider"])
    (converted,) = session.run(["prob"], {"input": batch})
    # THEN both give the same softmax, and the photos are not all scored alike (the check means something)
    assert np.abs(converted - reference).max() <= ATOL
    assert converted[:, 1].min() < 0.5 < converted[:, 1].max()


def test_upstream_sample_labels_are_reproduced(model_dir: Path, faces: list[Crop]) -> None:
    # The upstream sample photos are labelled F (attack) and T (real); the averaged softmax agrees.
    scorer = SpoofScorer.load(model_dir, threads=1)
    f1, f2, t1 = (scorer.score(rgb, box).score for rgb, box in faces[:3])
    assert f1 > 0.5 and f2 > 0.5 and t1 < 0.01


def test_a_checkpoint_with_a_foreign_parameter_is_refused(source_cache: Path) -> None:
    state = _state("minifasnet_v2", source_cache)
    state["module.extra.weight"] = np.zeros(3, np.float32)
    with pytest.raises(UnexpectedFormatError, match="not part of the network"):
        build_minifasnet(state, "test")


def test_a_checkpoint_with_a_wrong_shape_is_refused(source_cache: Path) -> None:
    state = _state("minifasnet_v1se", source_cache)
    state["module.conv_4.model.5.se_module.fc2.weight"] = np.zeros((128, 8, 1, 1), np.float32)
    with pytest.raises(UnexpectedFormatError, match=r"fc2\.weight has shape"):
        build_minifasnet(state, "test")


def test_a_checkpoint_missing_a_parameter_is_refused(source_cache: Path) -> None:
    state = _state("minifasnet_v2", source_cache)
    del state["module.conv_5.model.1.project.bn.running_var"]
    with pytest.raises(UnexpectedFormatError, match="running_var is missing"):
        build_minifasnet(state, "test")


def test_batchnorm_counters_are_dropped_only_when_asked(source_cache: Path) -> None:
    (entry,) = (e for e in load_manifest() if e.model_id == "minifasnet_v2")
    data = source_bytes(entry.source, source_cache)
    with pytest.raises(UnexpectedFormatError, match="num_batches_tracked is not a float32 tensor"):
        load_state_dict(data)
    assert not any(k.endswith("num_batches_tracked") for k in load_state_dict(data, drop_counters=True))
