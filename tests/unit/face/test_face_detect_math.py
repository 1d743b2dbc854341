"""Detector building blocks that need no model: area resizing, NMS, the dominant-face rule."""

from __future__ import annotations

import numpy as np
import pytest

from chalicelib.face import DetectLimits, MultipleFacesError, NoFaceError
from chalicelib.face.detect import (
    Detection,
    IntegralImage,
    NmsMethod,
    Scratch,
    _nms_by_rows,
    _pnet_boxes,
    _square,
    dominant_face,
    nms,
)


def adaptive_avg_pool_reference(image: np.ndarray, out_h: int, out_w: int) -> np.ndarray:
    """torch.nn.functional.interpolate(mode="area") written out naively."""
    h, w = image.shape[:2]
    out = np.zeros((out_h, out_w, image.shape[2]))
    for i in range(out_h):
        y0, y1 = (i * h) // out_h, -(-((i + 1) * h) // out_h)
        for j in range(out_w):
            x0, x1 = (j * w) // out_w, -(-((j + 1) * w) // out_w)
            out[i, j] = image[y0:y1, x0:x1].reshape(-1, image.shape[2]).mean(axis=0)
    return out


@pytest.mark.parametrize(("out_h", "out_w"), [(24, 24), (7, 13), (50, 40), (37, 61)])
def test_integral_resize_matches_area_interpolation(out_h: int, out_w: int) -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 256, size=(45, 61, 3), dtype=np.uint8)
    got = IntegralImage(image).resize((0, 0, 61, 45), out_h, out_w).transpose(1, 2, 0)
    np.testing.assert_allclose(got, adaptive_avg_pool_reference(image, out_h, out_w), atol=1e-3)


def test_integral_resize_of_a_sub_rectangle() -> None:
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, size=(80, 90, 3), dtype=np.uint8)
    got = IntegralImage(image).resize((10, 5, 40, 29), 24, 24).transpose(1, 2, 0)
    np.testing.assert_allclose(got, adaptive_avg_pool_reference(image[5:29, 10:40], 24, 24), atol=1e-3)


def test_a_reused_scratch_table_gives_the_same_means_as_a_fresh_one() -> None:
    # GIVEN one thread's scratch buffers already used for a larger, brighter photo
    rng = np.random.default_rng(3)
    scratch = Scratch()
    IntegralImage(np.full((90, 120, 3), 255, dtype=np.uint8), scratch)
    small = rng.integers(0, 256, size=(45, 61, 3), dtype=np.uint8)
    # WHEN a smaller photo is summed into the same buffers
    reused = IntegralImage(small, scratch).resize((0, 0, 61, 45), 13, 17)
    # THEN nothing of the earlier photo leaks into its table
    np.testing.assert_array_equal(reused, IntegralImage(small).resize((0, 0, 61, 45), 13, 17))


def test_crops_are_the_resized_rectangles_channel_first() -> None:
    rng = np.random.default_rng(4)
    image = rng.integers(0, 256, size=(60, 70, 3), dtype=np.uint8)
    rects = np.array([[0, 0, 70, 60], [10, 5, 40, 29], [3, 7, 9, 13]], dtype=np.int64)
    got = IntegralImage(image).crops(rects, 24)
    assert got.shape == (3, 3, 24, 24) and got.dtype == np.float32
    for crop, (x0, y0, x1, y1) in zip(got, rects, strict=True):
        expected = adaptive_avg_pool_reference(image[y0:y1, x0:x1], 24, 24).transpose(2, 0, 1)
        np.testing.assert_allclose(crop, expected, atol=1e-3)


def boxes(*rows: tuple[float, float, float, float, float]) -> np.ndarray:
    return np.array(rows, dtype=np.float32)


def test_nms_keeps_the_best_of_overlapping_boxes_and_all_separate_ones() -> None:
    b = boxes((0, 0, 10, 10, 0.8), (1, 1, 11, 11, 0.9), (50, 50, 60, 60, 0.7))
    assert sorted(nms(b, 0.5).tolist()) == [1, 2]


def test_nms_min_removes_a_box_inside_another() -> None:
    # A small box inside a big one has low IoU but full overlap of the smaller area.
    b = boxes((0, 0, 100, 100, 0.9), (40, 40, 50, 50, 0.8))
    assert sorted(nms(b, 0.7, "union").tolist()) == [0, 1]
    assert nms(b, 0.7, "min").tolist() == [0]


@pytest.mark.parametrize(("method", "threshold"), [("union", 0.5), ("union", 0.7), ("min", 0.7)])
def test_nms_on_all_pairs_keeps_what_the_row_by_row_suppression_keeps(method: NmsMethod, threshold: float) -> None:
    # GIVEN many overlapping boxes, with tied scores (ties are visited later row first)
    rng = np.random.default_rng(5)
    corner = rng.uniform(0, 200, size=(300, 2))
    size = rng.uniform(5, 60, size=(300, 2))
    score = rng.choice([0.7, 0.8, 0.9], size=300)
    b = np.concatenate([corner, corner + size, score[:, None]], axis=1).astype(np.float32)
    order = np.argsort(b[:, 4].astype(np.float64), kind="stable")[::-1]
    # THEN the pairwise-matrix path and the row-by-row path (used for crowds) keep the same boxes in order
    kept = nms(b, threshold, method)
    assert 0 < kept.size < 300
    assert kept.tolist() == _nms_by_rows(b[:, :4].astype(np.float64), order, threshold, method).tolist()


def test_square_grows_the_short_side_around_the_centre() -> None:
    out = _square(boxes((10, 20, 30, 60, 0.9)))
    np.testing.assert_allclose(out[0, :4], [0, 20, 40, 60])


def test_pnet_cells_map_to_image_boxes() -> None:
    # GIVEN one P-net cell above threshold at row 3, col 5, at pyramid scale 0.5
    prob = np.zeros((8, 8), dtype=np.float32)
    prob[3, 5] = 0.9
    reg = np.zeros((4, 8, 8), dtype=np.float32)
    reg[:, 3, 5] = (0.1, 0.2, 0.3, 0.4)
    out = _pnet_boxes(prob, reg, 0.5, 0.6)
    # THEN its 12-px window (stride 2) is scaled back to the image, with its score and offsets
    np.testing.assert_allclose(out[0], [22, 14, 44, 36, 0.9, 0.1, 0.2, 0.3, 0.4], rtol=1e-6)


def face(x: float, width: float, score: float = 0.999) -> Detection:
    marks = (
        (x + 0.3 * width, 40.0),
        (x + 0.7 * width, 40.0),
        (x + 0.5 * width, 55.0),
        (x + 0.35 * width, 70.0),
        (x + 0.65 * width, 70.0),
    )
    return Detection(box=(x, 20.0, x + width, 20.0 + width), score=score, landmarks=marks)


LIMITS = DetectLimits()


def test_no_detection_is_no_face() -> None:
    with pytest.raises(NoFaceError):
        dominant_face([], LIMITS, 1000)


def test_two_faces_of_similar_size_are_refused() -> None:
    with pytest.raises(MultipleFacesError) as caught:
        dominant_face([face(0, 100), face(200, 90)], LIMITS, 1000)
    assert caught.value.details == {"faces": 2}


def test_a_small_background_face_is_tolerated() -> None:
    main = face(0, 200)
    assert dominant_face([face(300, 60), main], LIMITS, 1000) is main


def test_a_face_cut_by_the_photo_edge_counts_by_its_visible_part() -> None:
    # GIVEN a passer-by at the left edge whose extrapolated box is as wide as the main face
    main, edge = face(300, 200), face(-150, 190)
    # THEN only the 40 visible pixels count, and the selfie is accepted
    assert dominant_face([main, edge], LIMITS, 1000) is main


def test_a_blurred_background_face_the_detector_doubts_is_tolerated() -> None:
    main = face(0, 200)
    assert dominant_face([main, face(300, 190, score=0.8)], LIMITS, 1000) is main


def test_evaluation_mode_takes_the_largest_face_of_a_crowd() -> None:
    main = face(0, 200)
    crowd = DetectLimits(refuse_multiple=False)
    assert dominant_face([face(300, 190), main, face(600, 180)], crowd, 1000) is main


def test_integral_image_of_a_large_bright_photo_does_not_overflow() -> None:
    # 1280×1280 of pure white sums to 417 million per channel: fits int32, and so must every crop mean.
    image = np.full((1280, 1280, 3), 255, dtype=np.uint8)
    got = IntegralImage(image).resize((1000, 1000, 1280, 1280), 24, 24)
    assert got.shape == (3, 24, 24)
    np.testing.assert_array_equal(got, 255.0)
