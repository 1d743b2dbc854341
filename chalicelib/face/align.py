"""Five-point face alignment: a least-squares similarity transform onto a model's template, then a warp.

Each embedding model was trained on faces cut out in one particular way; mapping the detector's five
landmarks onto that model's template (rotation + uniform scale + shift only, so the face is not distorted)
reproduces that cut. The warp is plain numpy bilinear sampling so no image library decides the pixel
convention.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

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
    """Sample a size×size chip: chip pixel p takes the image at to_chip⁻¹(p), bilinear, black outside."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float64)
    grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
    source = to_chip.inverse().apply(grid)
    return _bilinear(rgb, source[:, 0], source[:, 1]).reshape(size, size, 3)


def _bilinear(rgb: npt.NDArray[np.uint8], x: FloatArray, y: FloatArray) -> npt.NDArray[np.uint8]:
    h, w = rgb.shape[:2]
    x0 = np.floor(x).astype(np.int64)
    y0 = np.floor(y).astype(np.int64)
    fx = (x - x0)[:, None]
    fy = (y - y0)[:, None]
    out = np.zeros((x.size, 3), dtype=np.float64)
    for dy, dx, weight in (
        (0, 0, (1 - fx) * (1 - fy)),
        (0, 1, fx * (1 - fy)),
        (1, 0, (1 - fx) * fy),
        (1, 1, fx * fy),
    ):
        xi, yi = x0 + dx, y0 + dy
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        out[inside] += weight[inside] * rgb[yi[inside], xi[inside]]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def align_face(
    rgb: npt.NDArray[np.uint8],
    landmarks: tuple[tuple[float, float], ...],
    template: tuple[tuple[float, float], ...],
    size: int,
) -> npt.NDArray[np.uint8]:
    """The size×size chip whose five landmarks best match `template`."""
    transform = umeyama(np.asarray(landmarks, dtype=np.float64), np.asarray(template, dtype=np.float64))
    return warp(rgb, transform, size)
