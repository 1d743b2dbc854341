"""Genuine liveness frames for tests: real photos of the identity, ordered to show the asked movement.

Built by evaluation.liveness (several real photos of one person ordered by measured yaw or pitch, cropped
and shrunk to 240-px JPEG frames; how exactly is written there). The identity's photos are measured once
per test process.
"""

from __future__ import annotations

import base64
import os
from functools import lru_cache

from chalicelib.face.liveness import Action
from chalicelib.settings import build_settings
from evaluation.liveness import cached_identity_photos
from tests.conftest import faces_dir

FRAMES = 5


@lru_cache(maxsize=64)
def frames_of(photo: str, action: Action, n: int = FRAMES, seed: int = 0, dataset: str = "dev") -> tuple[bytes, ...]:
    """N genuine frames for `action` of the person in `photo` (a path relative to ../shared/faces/<dataset>)."""
    model_dir = build_settings(dict(os.environ)).model_dir
    photos = cached_identity_photos(faces_dir(dataset) / "labels.csv", model_dir)
    return tuple(photos.frames_for(photo, action, n, seed))


def frames_b64(photo: str, action: Action, n: int = FRAMES) -> list[str]:
    """The same frames as a check-in body carries them."""
    return [base64.b64encode(f).decode() for f in frames_of(photo, action, n)]


@lru_cache(maxsize=16)
def turn_from_frontal_of(photo: str, action: Action, n: int = FRAMES, dataset: str = "dev") -> tuple[bytes, ...]:
    """N frames of the person in `photo` turning from frontal to the asked side only (real photos, as
    `frames_of`; see evaluation.liveness.turn_from_frontal)."""
    model_dir = build_settings(dict(os.environ)).model_dir
    photos = cached_identity_photos(faces_dir(dataset) / "labels.csv", model_dir)
    return tuple(photos.turn_from_frontal_for(photo, action, n))
