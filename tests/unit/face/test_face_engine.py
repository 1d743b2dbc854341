"""The whole pipeline on real photos (needs the built models; skipped with a message otherwise)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chalicelib.face import FaceConfig, FaceEngine, check_replay, errors
from chalicelib.face.sessions import clear_sessions
from tests.conftest import faces_dir

DLIB = "dlib_resnet_v1"


def jpeg(rgb: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def degraded_copy(path: Path, long_side: int, quality: int) -> bytes:
    img = Image.open(path).convert("RGB")
    img.thumbnail((long_side, long_side), Image.Resampling.BILINEAR)
    return jpeg(np.asarray(img), quality)


def test_missing_models_are_unavailable_not_a_crash(tmp_path: Path) -> None:
    clear_sessions()
    engine = FaceEngine(FaceConfig(model_dir=tmp_path))
    x = np.linspace(0, 255, 200, dtype=np.uint8)
    with pytest.raises(errors.ModelUnavailableError) as caught:
        engine.analyse(
            jpeg(np.stack(np.broadcast_arrays(x[None, :], x[:, None], x[None, :]), axis=2)), purpose="verify"
        )
    assert caught.value.code == "UNAVAILABLE"
    assert caught.value.details == {"model": "mtcnn_pnet", "reason": "missing"}


def test_corrupt_model_file_is_unavailable(tmp_path: Path) -> None:
    clear_sessions()
    (tmp_path / "mtcnn_pnet.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(errors.ModelUnavailableError) as caught:
        FaceEngine(FaceConfig(model_dir=tmp_path)).warm_up()
    assert caught.value.details["reason"] == "corrupt"


def test_gradient_image_has_no_face(engine: FaceEngine) -> None:
    x = np.linspace(0, 255, 640, dtype=np.float64)
    y = np.linspace(0, 255, 480, dtype=np.float64)
    rgb = np.stack([np.add.outer(y, x) / 2, np.tile(x, (480, 1)), np.tile(y[:, None], (1, 640))], axis=2)
    with pytest.raises(errors.NoFaceError):
        engine.analyse(jpeg(rgb.astype(np.uint8)), purpose="verify")


def darkened(path: Path, gain: float) -> bytes:
    """The photo as a phone takes it in a dim room: every pixel's light scaled by `gain`."""
    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
    return jpeg(np.clip(rgb * gain, 0, 255).astype(np.uint8))


def test_a_face_lost_in_the_dark_is_no_face_that_says_to_find_light(engine: FaceEngine) -> None:
    # GIVEN one photo of each East/Southeast-Asian identity, taken in a room with 8 % of the light
    photos = sorted(faces_dir("dev-asia").glob("images/*/1.jpg"))
    assert len(photos) >= 20
    lost: list[errors.NoFaceError] = []
    for path in photos:
        try:
            engine.analyse(darkened(path, 0.08), purpose="enrol")
        except errors.NoFaceError as exc:
            lost.append(exc)
        except errors.FaceError:
            pass  # found, then refused as too dark (LOW_QUALITY, with its own advice) or for another reason
    # WHEN the detector finds no face in many of them
    assert len(lost) >= 5
    # THEN each is NO_FACE, but says the photo is too dark and what to do about it
    for exc in lost:
        assert exc.code == "NO_FACE" and exc.details["reason"] == "too_dark"
        assert isinstance(exc.details["brightness"], float) and exc.details["brightness"] < 40
        assert exc.message is not None and exc.message.endswith(errors.QUALITY_ADVICE["too_dark"])


def test_a_photo_without_a_face_in_good_light_keeps_the_code_s_own_words(engine: FaceEngine) -> None:
    wall = np.full((480, 640, 3), 150, dtype=np.uint8)
    with pytest.raises(errors.NoFaceError) as refused:
        engine.analyse(jpeg(wall), purpose="enrol")
    assert refused.value.message is None and refused.value.details == {}


def test_a_selfie_gives_unit_embeddings_and_a_fingerprint(engine: FaceEngine, dev_faces: Path) -> None:
    data = (dev_faces / "deepface/img1.jpg").read_bytes()
    result = engine.analyse(data, purpose="verify")
    assert set(result.embeddings) == {DLIB}
    vector = result.embeddings[DLIB]
    assert vector.dtype == np.float32 and vector.shape == (128,)
    assert float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
    assert result.quality.ok
    assert len(result.landmarks) == 5
    # Box in the original photo's pixels, even though detection ran on a shrunk copy.
    assert (result.width, result.height) == Image.open(dev_faces / "deepface/img1.jpg").size
    x1, y1, x2, y2 = result.box
    assert 0 <= x1 < x2 <= result.width and 0 <= y1 < y2 <= result.height
    assert len(result.fingerprint.sha256) == 64
    assert result.fingerprint.embeddings[DLIB] is vector


def side_by_side(engine: FaceEngine, first: Path, second: Path) -> bytes:
    """Two real faces cropped to similar size and put next to each other."""
    crops = []
    for path in (first, second):
        rgb = np.asarray(Image.open(path).convert("RGB"))
        x1, y1, x2, y2 = (int(v) for v in engine.analyse(path.read_bytes(), purpose="verify").box)
        w, h = x2 - x1, y2 - y1
        crop = Image.fromarray(rgb).crop((x1 - w // 2, y1 - h // 2, x2 + w // 2, y2 + h // 2))
        crops.append(np.asarray(crop.resize((300, 360))))
    return jpeg(np.concatenate(crops, axis=1))


def test_two_faces_of_similar_size_are_refused(engine: FaceEngine, dev_faces: Path) -> None:
    data = side_by_side(engine, dev_faces / "deepface/img1.jpg", dev_faces / "deepface/img3.jpg")
    with pytest.raises(errors.MultipleFacesError):
        engine.analyse(data, purpose="verify")


def test_multi_face_dev_photo_is_refused(engine: FaceEngine, dev_faces: Path) -> None:
    with pytest.raises(errors.MultipleFacesError):
        engine.analyse((dev_faces / "deepface/couple.jpg").read_bytes(), purpose="enrol")


def embed(engine: FaceEngine, root: Path, name: str) -> np.ndarray:
    return engine.analyse((root / name).read_bytes(), purpose="verify").embeddings[DLIB]


def test_genuine_pairs_score_higher_than_impostors(engine: FaceEngine, dev_faces: Path) -> None:
    # img1, img2, img4: one person; img3: another (labels.csv)
    a1, a2, a4 = (embed(engine, dev_faces, f"deepface/img{i}.jpg") for i in (1, 2, 4))
    b3 = embed(engine, dev_faces, "deepface/img3.jpg")
    genuine = [float(a1 @ a2), float(a1 @ a4), float(a2 @ a4)]
    impostor = [float(a1 @ b3), float(a2 @ b3), float(a4 @ b3)]
    assert min(genuine) > max(impostor)


def test_a_small_face_from_a_low_resolution_check_in_is_scored_but_cannot_enrol(
    engine: FaceEngine, dev_faces: Path
) -> None:
    # GIVEN a photo shrunk to 320 px / JPEG q50, leaving a face of about 33 px (under the enrolment floor)
    small = degraded_copy(dev_faces / "deepface/img57.jpg", 320, 50)
    # WHEN it is sent as a check-in
    probe = engine.analyse(small, purpose="verify")
    # THEN it is scored, and still matches the same person better than someone else
    assert probe.quality.face_width_px < engine.config.quality.min_face_px_enrol
    same = embed(engine, dev_faces, "deepface/img58.jpg")
    other = embed(engine, dev_faces, "deepface/img3.jpg")
    assert float(probe.embeddings[DLIB] @ same) > float(probe.embeddings[DLIB] @ other)
    # AND the same photo is refused as an enrolment reference
    with pytest.raises(errors.LowQualityError) as caught:
        engine.analyse(small, purpose="enrol")
    assert caught.value.reasons == ("face_too_small",)


def test_resized_recompressed_copy_is_a_replay(engine: FaceEngine, dev_faces: Path) -> None:
    path = dev_faces / "deepface/img2.jpg"
    original = engine.analyse(path.read_bytes(), purpose="verify")
    for long_side, quality in ((800, 70), (480, 50)):
        copy = engine.analyse(degraded_copy(path, long_side, quality), purpose="verify")
        with pytest.raises(errors.ReplayedPhotoError):
            check_replay(copy, [original.fingerprint], engine.config.replay)


def test_the_very_same_bytes_are_a_replay(engine: FaceEngine, dev_faces: Path) -> None:
    data = (dev_faces / "deepface/img4.jpg").read_bytes()
    first = engine.analyse(data, purpose="verify")
    with pytest.raises(errors.ReplayedPhotoError) as caught:
        check_replay(engine.analyse(data, purpose="verify"), [first.fingerprint], engine.config.replay)
    assert caught.value.details["reason"] == "identical_bytes"


def test_a_different_genuine_photo_is_not_a_replay(engine: FaceEngine, dev_faces: Path) -> None:
    history = [engine.analyse((dev_faces / f"deepface/img{i}.jpg").read_bytes(), purpose="verify") for i in (1, 2)]
    probe = engine.analyse((dev_faces / "deepface/img4.jpg").read_bytes(), purpose="verify")
    check_replay(probe, [h.fingerprint for h in history], engine.config.replay)


def test_analyse_image_matches_analyse_on_the_same_pixels(engine: FaceEngine, dev_faces: Path) -> None:
    path = dev_faces / "deepface/img4.jpg"
    rgb = np.asarray(Image.open(path).convert("RGB"))
    from_bytes = engine.analyse(jpeg(rgb, 95), purpose="verify").embeddings[DLIB]
    from_pixels = engine.analyse_image(rgb, purpose="verify").embeddings[DLIB]
    assert float(from_bytes @ from_pixels) > 0.99


def pair_photos(root: Path) -> list[Path]:
    with (root / "labels.csv").open(newline="") as handle:
        return [root / row["path"] for row in csv.DictReader(handle) if row["use"] == "pairs"]


def refusals(engine: FaceEngine, photos: list[Path]) -> dict[str, str]:
    found = {}
    for path in photos:
        try:
            engine.analyse(path.read_bytes(), purpose="enrol")
        except errors.FaceError as exc:
            found[f"{path.parent.name}/{path.name}"] = exc.code
    return found


@pytest.mark.slow
def test_no_dev_pairs_photo_is_refused(engine: FaceEngine, dev_faces: Path) -> None:
    # deepface/img47.jpg is a WebP file named .jpg: refusing it is the decoder doing its job.
    assert refusals(engine, pair_photos(dev_faces)) == {"deepface/img47.jpg": "UNSUPPORTED_IMAGE"}


@pytest.mark.slow
def test_no_dev_asia_photo_is_refused_by_quality(engine: FaceEngine, dev_faces: Path) -> None:
    root = dev_faces.parent / "dev-asia"
    if not (root / "labels.csv").is_file():
        pytest.skip(f"{root} not found")
    found = refusals(engine, pair_photos(root))
    # Some LFW news photos show a crowd: a second clear face of similar size is a correct refusal.
    assert set(found.values()) <= {"MULTIPLE_FACES"}
    assert len(found) <= 6


@pytest.mark.slow
def test_a_dim_light_selfie_is_not_refused_and_still_matches(engine: FaceEngine, dev_faces: Path) -> None:
    # GIVEN a genuine photo darkened as by a dim classroom (mean face brightness around 20), with sensor noise
    path = dev_faces / "deepface/img2.jpg"
    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.float64)
    noise = np.random.default_rng(0).normal(0.0, 2.0, rgb.shape)
    dim = np.clip(rgb * 0.12 + noise, 0, 255).astype(np.uint8)
    # WHEN analysed THEN it is not refused, and still matches the person's other photo
    result = engine.analyse(jpeg(dim), purpose="verify")
    assert result.quality.brightness < 30
    other = embed(engine, dev_faces, "deepface/img1.jpg")
    assert float(result.embeddings[DLIB] @ other) > 0.9


def test_analyse_image_refuses_arrays_that_are_not_rgb(tmp_path: Path) -> None:
    engine = FaceEngine(FaceConfig(model_dir=tmp_path))
    with pytest.raises(errors.UnsupportedImageError):
        engine.analyse_image(np.zeros((200, 200), dtype=np.uint8), purpose="verify")
