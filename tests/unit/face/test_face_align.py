"""Alignment maths: Umeyama similarity fit and the bilinear warp onto a template."""

from __future__ import annotations

import numpy as np
import pytest

from chalicelib.face.align import DLIB_TEMPLATE_150, Similarity, align_face, umeyama, warp


def similarity(scale: float, angle_deg: float, shift: tuple[float, float]) -> Similarity:
    a = np.deg2rad(angle_deg)
    rotation = scale * np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    return Similarity(np.hstack([rotation, np.array(shift)[:, None]]))


def test_umeyama_recovers_an_exact_similarity() -> None:
    # GIVEN points mapped by a known rotation + scale + shift
    truth = similarity(1.7, 23.0, (12.5, -4.0))
    src = np.array(DLIB_TEMPLATE_150) * 2.1 + 30.0
    dst = truth.apply(src)
    # WHEN fitted THEN the transform is found again
    np.testing.assert_allclose(umeyama(src, dst).matrix, truth.matrix, atol=1e-9)


def test_umeyama_is_least_squares_under_noise() -> None:
    rng = np.random.default_rng(3)
    truth = similarity(0.8, -10.0, (5.0, 7.0))
    src = rng.uniform(0, 200, size=(5, 2))
    dst = truth.apply(src) + rng.normal(0, 0.5, size=(5, 2))
    fitted = umeyama(src, dst)
    residual = np.linalg.norm(fitted.apply(src) - dst)
    # Any perturbation of the fitted parameters fits worse.
    for delta in (similarity(1.01, 0, (0, 0)), similarity(1, 0.5, (0, 0)), similarity(1, 0, (0.3, 0))):
        perturbed = Similarity(np.vstack([delta.matrix, [0, 0, 1]])[:2] @ np.vstack([fitted.matrix, [0, 0, 1]]))
        assert np.linalg.norm(perturbed.apply(src) - dst) > residual


def test_umeyama_never_mirrors_the_face() -> None:
    # GIVEN target points that are a mirror image of the source
    src = np.array(DLIB_TEMPLATE_150)
    dst = src * np.array([-1.0, 1.0])
    # WHEN fitted THEN the linear part is a proper rotation (positive determinant), not a reflection
    assert np.linalg.det(umeyama(src, dst).matrix[:, :2]) > 0


def test_inverse_undoes_the_transform() -> None:
    t = similarity(2.5, 41.0, (3.0, 9.0))
    points = np.array([[1.0, 2.0], [30.0, -4.0]])
    np.testing.assert_allclose(t.inverse().apply(t.apply(points)), points, atol=1e-9)


def test_warp_with_a_shift_crops_the_image() -> None:
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, size=(60, 80, 3), dtype=np.uint8)
    # Chip pixel (x, y) comes from image pixel (x + 10, y + 5).
    chip = warp(image, similarity(1.0, 0.0, (-10.0, -5.0)), 20)
    np.testing.assert_array_equal(chip, image[5:25, 10:30])


def test_warp_interpolates_between_pixels_and_is_black_outside() -> None:
    image = np.zeros((4, 4, 3), dtype=np.uint8)
    image[:, 2:] = 200
    # A half-pixel shift samples halfway between columns 1 (0) and 2 (200).
    chip = warp(image, similarity(1.0, 0.0, (-1.5, 0.0)), 4)
    assert chip[0, 0, 0] == 100
    # Far outside the image everything is black.
    assert warp(image, similarity(1.0, 0.0, (100.0, 100.0)), 4).max() == 0


def test_align_face_puts_the_landmarks_on_the_template() -> None:
    # GIVEN an image with bright dots where a face's five landmarks are, at twice the chip's scale, rotated
    truth = similarity(2.0, 15.0, (40.0, 20.0))
    landmarks = truth.apply(np.array(DLIB_TEMPLATE_150))
    image = np.zeros((400, 400, 3), dtype=np.uint8)
    for x, y in landmarks:
        image[round(y) - 2 : round(y) + 3, round(x) - 2 : round(x) + 3] = 255
    # WHEN aligned onto the 150×150 template
    chip = align_face(image, tuple((float(x), float(y)) for x, y in landmarks), DLIB_TEMPLATE_150, 150)
    # THEN each dot lands on its template point
    for x, y in DLIB_TEMPLATE_150:
        assert chip[round(y), round(x)].mean() > 150
    assert chip.mean() < 20


@pytest.mark.parametrize("size", [112, 150])
def test_chip_has_the_requested_size(size: int) -> None:
    image = np.full((300, 300, 3), 128, dtype=np.uint8)
    landmarks = tuple((float(x) + 50, float(y) + 50) for x, y in DLIB_TEMPLATE_150)
    assert align_face(image, landmarks, DLIB_TEMPLATE_150, size).shape == (size, size, 3)
