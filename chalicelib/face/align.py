"""Five-point face alignment: a least-squares similarity transform onto a model's template, then a warp.

Each embedding model was trained on faces cut out in one particular way; mapping the detector's five
landmarks onto that model's template (rotation + uniform scale + shift only, so the face is not distorted)
reproduces that cut. The warp is Pillow's affine transform (fast, C), with the pixel convention made
explicit so that chips line up with the landmarks to the sub-pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

FloatArray = npt.NDArray[np.float64]

# Fitted against dlib's get_face_chip(size=150, padding=0.25) on MTCNN landmarks (FACE.md).
DLIB_TEMPLATE_150: tuple[tuple[float, float], ...] = (
    (47.78, 46.05),
    (102.19, 45.87),
    (74.86, 79.02),
    (49.72, 101.86),
    (99.65, 101.53),
)
# The standard ArcFace 112×112 template (insightface), used by MobileFaceNet models.
ARCFACE_TEMPLATE_112: tuple[tuple[float, float], ...] = (
    (38.2946, 51.6963),
    (73.5318, 51.5014),
    (56.0252, 71.7366),
    (41.5493, 92.3655),
    (70.7299, 92.2041),
)


@dataclass(frozen=True)
class Similarity:
    """dst = scale · R(angle) · src + shift, stored as the 2×3 matrix [[a, -b, tx], [b, a, ty]]."""

    matrix: FloatArray

    def apply(self, points: FloatArray) -> FloatArray:
        return points @ self.matrix[:, :2].T + self.matrix[:, 2]

    def inverse(self) -> Similarity:
        linear = np.linalg.inv(self.matrix[:, :2])
        return Similarity(np.hstack([linear, -(linear @ self.matrix[:, 2])[:, None]]))


def umeyama(src: FloatArray, dst: FloatArray) -> Similarity:
    """Least-squares similarity transform mapping `src` points onto `dst` (Umeyama 1991)."""
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    covariance = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(covariance)
    signs = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        signs[-1] = -1.0  # a reflection is not allowed: a mirrored face is another face
    rotation = u @ np.diag(signs) @ vt
    src_var = float((src_c**2).sum() / len(src))
    scale = float((singular * signs).sum() / src_var) if src_var > 0 else 1.0
    shift = dst_mean - scale * rotation @ src_mean
    return Similarity(np.hstack([scale * rotation, shift[:, None]]))


def warp(rgb: npt.NDArray[np.uint8], to_chip: Similarity, size: int) -> npt.NDArray[np.uint8]:
    """Sample a size×size chip: chip pixel p takes the image at to_chip⁻¹(p), bilinear, black outside.

    Coordinates are pixel indices (pixel centres at integers, as the landmarks are). Pillow's affine
    transform puts pixel centres at +0.5, hence the half-pixel correction of the offset.
    """
    inverse = to_chip.inverse().matrix
    linear, shift = inverse[:, :2], inverse[:, 2]
    offset = shift + 0.5 - linear @ np.array([0.5, 0.5])
    coefficients = (linear[0, 0], linear[0, 1], offset[0], linear[1, 0], linear[1, 1], offset[1])
    chip = Image.fromarray(rgb).transform(
        (size, size), Image.Transform.AFFINE, tuple(float(c) for c in coefficients), Image.Resampling.BILINEAR
    )
    return np.asarray(chip, dtype=np.uint8)


def align_face(
    rgb: npt.NDArray[np.uint8],
    landmarks: tuple[tuple[float, float], ...],
    template: tuple[tuple[float, float], ...],
    size: int,
) -> npt.NDArray[np.uint8]:
    """The size×size chip whose five landmarks best match `template`."""
    transform = umeyama(np.asarray(landmarks, dtype=np.float64), np.asarray(template, dtype=np.float64))
    return warp(rgb, transform, size)
