"""Passive anti-spoofing: how likely the photo shows a printed or on-screen face instead of a live one.

Two MiniFASNet models (Minivision, Apache-2.0; converted by `models/minifasnet.py`) each look at the
detected face box widened around its centre (2.7× and 4.0×, so they see the face's surroundings: a phone
or paper edge, moiré, glare), cut out of the photo and resized to 80×80, as BGR values 0-255. Both
softmaxes are averaged as upstream does; class 1 is a real face, so the spoof score is 1 − mean P(real).
The crop and the resize follow upstream's own (box kept inside the photo, integer corners, OpenCV's
bilinear resize without anti-aliasing), which is what the models were trained on.

A score is a review signal, never a refusal: see bench/antispoof_RESULTS.md for what it does on our photos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .sessions import load_session

FloatArray = npt.NDArray[np.float32]
Box = tuple[float, float, float, float]
INPUT_SIZE = 80
REAL_CLASS = 1


@dataclass(frozen=True)
class SpoofModel:
    """One anti-spoof model: its file id and how much wider than the face box its crop is."""

    model_id: str
    crop_scale: float


MODELS: tuple[SpoofModel, ...] = (SpoofModel("minifasnet_v2", 2.7), SpoofModel("minifasnet_v1se", 4.0))


def widened_box(box: Box, width: int, height: int, scale: float) -> tuple[int, int, int, int]:
    """The face box scaled by `scale` about its centre, shifted (not cut) to stay inside the image.

    Inclusive integer corners (x1, y1, x2, y2). The scale is lowered when the widened box would not fit.
    """
    x1, y1, x2, y2 = box
    box_w, box_h = max(x2 - x1, 1.0), max(y2 - y1, 1.0)
    scale = min((height - 1) / box_h, (width - 1) / box_w, scale)
    new_w, new_h = box_w * scale, box_h * scale
    cx, cy = x1 + box_w / 2, y1 + box_h / 2
    left, top, right, bottom = cx - new_w / 2, cy - new_h / 2, cx + new_w / 2, cy + new_h / 2
    if left < 0:
        right, left = right - left, 0.0
    if top < 0:
        bottom, top = bottom - top, 0.0
    if right > width - 1:
        left, right = left - (right - width + 1), float(width - 1)
    if bottom > height - 1:
        top, bottom = top - (bottom - height + 1), float(height - 1)
    return int(left), int(top), int(right), int(bottom)


def _linear_taps(src: int, dst: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], FloatArray]:
    """OpenCV INTER_LINEAR sampling along one axis: (lower index, upper index, upper weight) per output."""
    centres = (np.arange(dst, dtype=np.float64) + 0.5) * (src / dst) - 0.5
    centres = np.clip(centres, 0.0, src - 1)
    low = np.floor(centres).astype(np.intp)
    high = np.minimum(low + 1, src - 1)
    return low, high, (centres - low).astype(np.float32)


def resize_linear(image: npt.NDArray[np.uint8], size: int) -> FloatArray:
    """size×size bilinear resize as OpenCV's INTER_LINEAR does it (half-pixel centres, no anti-aliasing)."""
    pixels = image.astype(np.float32)
    y0, y1, wy = _linear_taps(image.shape[0], size)
    x0, x1, wx = _linear_taps(image.shape[1], size)
    rows = pixels[y0] * (1 - wy)[:, None, None] + pixels[y1] * wy[:, None, None]
    out = rows[:, x0] * (1 - wx)[None, :, None] + rows[:, x1] * wx[None, :, None]
    return out.astype(np.float32)


def spoof_crop(rgb: npt.NDArray[np.uint8], box: Box, scale: float) -> FloatArray:
    """The model input for one crop scale: [3, 80, 80] BGR 0-255 (rounded to whole values like OpenCV's)."""
    height, width = rgb.shape[:2]
    left, top, right, bottom = widened_box(box, width, height, scale)
    patch = rgb[top : bottom + 1, left : right + 1]
    resized = np.round(resize_linear(patch, INPUT_SIZE))
    return np.ascontiguousarray(resized[:, :, ::-1].transpose(2, 0, 1), dtype=np.float32)


@dataclass(frozen=True)
class SpoofScore:
    """1 − the mean probability of "real face" over the models, and each model's own P(real)."""

    score: float
    real_by_model: dict[str, float]


class SpoofScorer:
    """Both anti-spoof models, ready to score a face; sessions are shared per process (`load_session`)."""

    def __init__(self, sessions: Sequence[tuple[SpoofModel, ort.InferenceSession]]) -> None:
        self._sessions = list(sessions)

    @classmethod
    def load(cls, model_dir: Path, threads: int) -> SpoofScorer:
        return cls([(m, load_session(model_dir / f"{m.model_id}.onnx", threads)) for m in MODELS])

    def probabilities(self, rgb: npt.NDArray[np.uint8], box: Box) -> dict[str, FloatArray]:
        """Each model's softmax [3] for the face in `box` (pixels of `rgb`)."""
        out: dict[str, FloatArray] = {}
        for model, session in self._sessions:
            batch = spoof_crop(rgb, box, model.crop_scale)[None]
            (prob,) = session.run(["prob"], {"input": batch})
            out[model.model_id] = np.asarray(prob, dtype=np.float32)[0]
        return out

    def score(self, rgb: npt.NDArray[np.uint8], box: Box) -> SpoofScore:
        probs = self.probabilities(rgb, box)
        real = {model_id: float(p[REAL_CLASS]) for model_id, p in probs.items()}
        return SpoofScore(score=1.0 - float(np.mean(list(real.values()))), real_by_model=real)
