"""The geometry of the liveness check, on landmark sets whose truth is known by construction.

A flat picture seen from anywhere moves all five landmarks by one homography: no parallax, no movement. A nose
moved off the plane of the other four points is a head movement, in the direction it went.
"""

from __future__ import annotations

import numpy as np
import pytest

from chalicelib.face.liveness import FramePose, movement, narrowing, parallax, pose

FRONTAL = ((40.0, 50.0), (80.0, 50.0), (60.0, 72.0), (44.0, 92.0), (76.0, 92.0))


def frame(points: tuple[tuple[float, float], ...], index: int = 0) -> FramePose:
    yaw, pitch = pose(points)
    chip = np.zeros((48, 48))
    return FramePose(index, yaw, pitch, chip, np.zeros((2, 2, 3), dtype=np.uint8), points)


def warped(points: tuple[tuple[float, float], ...], h: np.ndarray) -> tuple[tuple[float, float], ...]:
    out = []
    for x, y in points:
        u, v, w = h @ np.array([x, y, 1.0])
        out.append((float(u / w), float(v / w)))
    return tuple(out)


def nose_moved(dx: float, dy: float = 0.0) -> tuple[tuple[float, float], ...]:
    (nx, ny) = FRONTAL[2]
    return (*FRONTAL[:2], (nx + dx, ny + dy), *FRONTAL[3:])


@pytest.mark.parametrize("seed", range(5))
def test_any_view_of_a_flat_picture_shows_no_movement(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # a picture shifted, scaled, rotated and tilted: a random homography near the identity
    h = np.eye(3) + rng.normal(0, [[0.15, 0.15, 8], [0.15, 0.15, 8], [0.0008, 0.0008, 0]])
    views = [frame(FRONTAL, 0), frame(warped(FRONTAL, h), 1)]
    across, down = parallax(*views)
    assert abs(across) < 1e-6 and abs(down) < 1e-6
    for action in ("turn_left", "turn_right", "nod"):
        assert movement(action, views).wanted < 1e-6  # type: ignore[arg-type]


def test_a_nose_leaving_the_plane_is_a_turn_in_its_direction() -> None:
    # the nose goes 8 px to the image's right: the person turned to their own left (unmirrored camera)
    views = [frame(FRONTAL, 0), frame(nose_moved(8.0), 1), frame(nose_moved(12.0), 2)]
    left = movement("turn_left", views)
    # scaled like a yaw change: 2 × 12 px over the face width (side means at x 42 and 78)
    assert left.wanted == pytest.approx(2 * 12.0 / 36.0, rel=0.05) and left.opposite == 0.0 and left.pair == (0, 2)
    right = movement("turn_right", views)
    assert right.wanted == 0.0 and right.opposite == pytest.approx(left.wanted)


def test_a_nose_going_down_is_a_nod_and_a_narrowed_face_is_measured() -> None:
    views = [frame(FRONTAL, 0), frame(nose_moved(0.0, 6.0), 1)]
    assert movement("nod", views).wanted == pytest.approx(6.0 / 42.0, rel=0.05)
    squeezed = tuple((60.0 + (x - 60.0) * 0.6, y) for x, y in FRONTAL)
    assert narrowing("turn_left", frame(FRONTAL), frame(squeezed)) == pytest.approx(0.4, abs=1e-6)


def test_a_nose_coming_back_to_the_middle_is_not_a_turn_to_the_other_side() -> None:
    # the head turned to its own left, then back to frontal: the nose moves the "right" way only back home
    views = [frame(nose_moved(12.0), 0), frame(nose_moved(6.0), 1), frame(FRONTAL, 2)]
    right = movement("turn_right", views)
    assert right.wanted == 0.0 and right.off_side == pytest.approx(2 * 12.0 / 36.0, rel=0.05)
    # going on past frontal to the right side is a right turn again
    past = movement("turn_right", [*views, frame(nose_moved(-6.0), 3)])
    assert past.wanted == pytest.approx(2 * 18.0 / 36.0, rel=0.05) and past.pair == (0, 3)
