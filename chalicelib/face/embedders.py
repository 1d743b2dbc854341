"""Face embedding models: each turns an aligned face chip into an L2-normalised vector.

One `EmbedderSpec` per model id says how that model wants its input (chip size, alignment template,
pixel normalisation); the tensor layout (NCHW or NHWC) and fixed batch size are read from the ONNX file
itself so a re-exported model does not silently get transposed pixels.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .align import ARCFACE_TEMPLATE_112, DLIB_TEMPLATE_150, align_face
from .errors import ModelUnavailableError
from .sessions import load_session
from .types import Vector

FloatArray = npt.NDArray[np.float32]
_DLIB_MEAN = np.array([122.782, 117.001, 104.298], dtype=np.float32)


def _dlib_pixels(batch: FloatArray) -> FloatArray:
    return (batch - _DLIB_MEAN) / 256.0


def _mobilefacenet_pixels(batch: FloatArray) -> FloatArray:
    return (batch - 127.0) / 128.0


@dataclass(frozen=True)
class EmbedderSpec:
    """How one embedding model is fed: chip size, template, pixel normalisation of an NHWC RGB batch."""

    model_id: str
    size: int
    template: tuple[tuple[float, float], ...]
    normalise: Callable[[FloatArray], FloatArray]

    def path(self, model_dir: Path) -> Path:
        return model_dir / f"{self.model_id}.onnx"


SPECS: dict[str, EmbedderSpec] = {
    "dlib_resnet_v1": EmbedderSpec("dlib_resnet_v1", 150, DLIB_TEMPLATE_150, _dlib_pixels),
    "mobilefacenet_fp": EmbedderSpec("mobilefacenet_fp", 112, ARCFACE_TEMPLATE_112, _mobilefacenet_pixels),
}


def l2_normalise(vector: npt.NDArray[np.floating]) -> Vector:
    """Unit-length float32 copy of `vector` (a zero vector stays zero)."""
    norm = float(np.linalg.norm(vector))
    return (np.asarray(vector, dtype=np.float32) / norm) if norm > 0 else np.asarray(vector, np.float32)


class Embedder:
    """One model ready to embed faces; build it with `load_embedder`."""

    def __init__(self, spec: EmbedderSpec, session: ort.InferenceSession, flip_average: bool) -> None:
        self.spec = spec
        self._session = session
        self._flip_average = flip_average
        meta = session.get_inputs()[0]
        self._input_name = meta.name
        self._output_name = session.get_outputs()[0].name
        shape = list(meta.shape)
        self._channels_last = len(shape) == 4 and shape[3] == 3 and shape[1] != 3
        self._single_batch = shape[0] == 1

    def chip(self, rgb: npt.NDArray[np.uint8], landmarks: tuple[tuple[float, float], ...]) -> npt.NDArray[np.uint8]:
        """The aligned face chip this model expects."""
        return align_face(rgb, landmarks, self.spec.template, self.spec.size)

    def embed_chip(self, chip: npt.NDArray[np.uint8]) -> Vector:
        """Embedding of an aligned chip (averaged with its mirror image when flip-averaging is on)."""
        chips = [chip, chip[:, ::-1]] if self._flip_average else [chip]
        batch = self.spec.normalise(np.stack(chips).astype(np.float32))
        if not self._channels_last:
            batch = batch.transpose(0, 3, 1, 2)
        outputs = self._run(np.ascontiguousarray(batch, dtype=np.float32))
        vectors = np.stack([l2_normalise(v) for v in outputs.reshape(len(chips), -1)])
        return l2_normalise(vectors.mean(axis=0))

    def embed(self, rgb: npt.NDArray[np.uint8], landmarks: tuple[tuple[float, float], ...]) -> Vector:
        """Align the face on this model's template and embed it."""
        return self.embed_chip(self.chip(rgb, landmarks))

    def _run(self, batch: FloatArray) -> FloatArray:
        if self._single_batch and batch.shape[0] > 1:
            return np.concatenate([self._run(batch[i : i + 1]) for i in range(batch.shape[0])])
        (out,) = self._session.run([self._output_name], {self._input_name: batch})
        return np.asarray(out, dtype=np.float32)


def load_embedder(model_id: str, model_dir: Path, threads: int, *, optimise: bool, flip_average: bool) -> Embedder:
    """The embedder for `model_id`, its session loaded once per process."""
    spec = SPECS.get(model_id)
    if spec is None:
        raise ModelUnavailableError(details={"model": model_id, "reason": "unknown_model"})
    return Embedder(spec, load_session(spec.path(model_dir), threads, optimise), flip_average)
