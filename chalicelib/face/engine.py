"""The face pipeline end to end: bytes in, one dominant face's embeddings and fingerprint out.

decode (guards) → detect (MTCNN, one dominant face) → quality (refuse with reasons) → align → embed with
every enabled model → fingerprint for replay checks. Models are loaded on first use and kept for the life
of the process; a missing or corrupt model file is ModelUnavailableError (the service is unavailable, the
photo is not at fault).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from .antispoof import SpoofScorer
from .config import FaceConfig, Purpose
from .decode import decode_image, shrink_array
from .detect import MTCNN, Detection, dominant_face
from .embedders import Embedder, load_embedder
from .errors import LowQualityError, MultipleFacesError, NoFaceError, UnsupportedImageError
from .liveness import SAME_FACE_MODELS, Action, LivenessLimits, LivenessResult, judge
from .quality import assess, photo_brightness
from .replay import fingerprint
from .sessions import load_session
from .types import FaceAnalysis, QualityReport

_MTCNN_FILES = ("mtcnn_pnet", "mtcnn_rnet", "mtcnn_onet")


@dataclass(frozen=True)
class _Photo:
    """The working image and what must be reported about the photo it came from."""

    rgb: npt.NDArray[np.uint8]
    scale: float
    width: int
    height: int
    data: bytes
    exif_datetime: datetime | None = None


class FaceEngine:
    """Analyse selfies; one instance per process is enough (models are shared by all instances anyway)."""

    def __init__(self, config: FaceConfig) -> None:
        self.config = config
        self._mtcnn: MTCNN | None = None
        self._embedders: dict[str, Embedder] | None = None
        self._spoof: SpoofScorer | None = None

    def analyse(self, data: bytes, *, purpose: Purpose) -> FaceAnalysis:
        """Analyse an uploaded JPEG/PNG; raises a FaceError subclass for every refusal."""
        d = decode_image(data, self.config.decode)
        photo = _Photo(d.rgb, d.scale, d.original_width, d.original_height, data, d.exif_datetime)
        return self._analyse(photo, purpose)

    def analyse_image(self, rgb: npt.NDArray[np.uint8], *, purpose: Purpose) -> FaceAnalysis:
        """Analyse an already decoded upright RGB array (evaluation tools); sha256 is of the pixels."""
        if rgb.ndim != 3 or rgb.shape[2] != 3 or min(rgb.shape[:2]) < self.config.decode.min_side:
            raise UnsupportedImageError(details={"reason": "not_rgb", "shape": list(rgb.shape)})
        work, scale = shrink_array(np.ascontiguousarray(rgb, dtype=np.uint8), self.config.decode.work_max_side)
        photo = _Photo(work, scale, int(rgb.shape[1]), int(rgb.shape[0]), rgb.tobytes())
        return self._analyse(photo, purpose)

    def detect(self, rgb: npt.NDArray[np.uint8], *, purpose: Purpose) -> list[Detection]:
        """Every face the detector finds for this purpose's minimum size (working-image pixels)."""
        short = min(rgb.shape[:2])
        min_face = max(float(self.config.detect.min_face_px), self.config.min_face_ratio(purpose) * short)
        return self.mtcnn.detect(rgb, min_face)

    @property
    def mtcnn(self) -> MTCNN:
        if self._mtcnn is None:
            cfg = self.config
            pnet, rnet, onet = (
                load_session(cfg.model_dir / f"{name}.onnx", cfg.intra_op_threads) for name in _MTCNN_FILES
            )
            self._mtcnn = MTCNN(pnet, rnet, onet, cfg.detect)
        return self._mtcnn

    @property
    def embedders(self) -> dict[str, Embedder]:
        if self._embedders is None:
            cfg = self.config
            self._embedders = {
                model_id: load_embedder(
                    model_id,
                    cfg.model_dir,
                    cfg.intra_op_threads,
                    optimise=model_id not in cfg.disable_graph_optimisation,
                    flip_average=cfg.flip_average,
                )
                for model_id in cfg.embedders
            }
        return self._embedders

    @property
    def spoof(self) -> SpoofScorer:
        if self._spoof is None:
            self._spoof = SpoofScorer.load(self.config.model_dir, self.config.intra_op_threads)
        return self._spoof

    def warm_up(self) -> None:
        """Load every model now (e.g. at cold start) instead of on the first photo."""
        _ = self.mtcnn, self.embedders
        if self.config.antispoof:
            _ = self.spoof

    def judge_liveness(
        self, action: Action, frames: list[bytes], selfie: FaceAnalysis, limits: LivenessLimits
    ) -> LivenessResult:
        """Judge a check-in's frames (liveness.judge) with this engine's detector and one embedding model: the
        first of `liveness.SAME_FACE_MODELS` that the policy runs."""
        model_id = next(m for m in SAME_FACE_MODELS if m in self.embedders)
        embed = self.embedders[model_id].embed
        return judge(
            action,
            frames,
            selfie.embeddings[model_id],
            detect=self._frame_face,
            embed=embed,
            model=model_id,
            limits=limits,
        )

    def _frame_face(self, rgb: npt.NDArray[np.uint8], previous: Detection | None) -> Detection | None:
        """The frame's face: tracked from the previous frame's face when there is one (O-net only), else (and
        when tracking loses it) the whole cascade with the one-dominant-face rule."""
        if previous is not None:
            tracked = self.mtcnn.track(rgb, previous)
            if tracked is not None:
                return tracked
        try:
            return dominant_face(self.detect(rgb, purpose="verify"), self.config.detect, rgb.shape[1])
        except (NoFaceError, MultipleFacesError):
            return None

    def _main_face(self, rgb: npt.NDArray[np.uint8], purpose: Purpose) -> Detection:
        """The photo's one dominant face; NO_FACE that says the photo is too dark when it is (dim light is the
        usual reason the detector misses a face that is there, and the employee cannot tell)."""
        try:
            return dominant_face(self.detect(rgb, purpose=purpose), self.config.detect, rgb.shape[1])
        except NoFaceError:
            brightness = photo_brightness(rgb)
            if brightness < self.config.quality.min_photo_brightness:
                raise NoFaceError.too_dark(brightness) from None
            raise

    def _analyse(self, photo: _Photo, purpose: Purpose) -> FaceAnalysis:
        face = self._main_face(photo.rgb, purpose)
        quality = assess(photo.rgb, face, self.config.quality, purpose)
        if not quality.ok:
            raise LowQualityError(quality.problems, details={"quality": _quality_details(quality)})
        embeddings = {model_id: e.embed(photo.rgb, face.landmarks) for model_id, e in self.embedders.items()}
        spoof = self.spoof.score(photo.rgb, face.box).score if self.config.antispoof and purpose == "verify" else None
        x1, y1, x2, y2 = (v / photo.scale for v in face.box)
        return FaceAnalysis(
            embeddings=embeddings,
            # Reported in the original photo's pixels, whatever the working size was.
            box=(x1, y1, x2, y2),
            landmarks=tuple((x / photo.scale, y / photo.scale) for x, y in face.landmarks),
            quality=quality,
            fingerprint=fingerprint(photo.data, photo.rgb, embeddings, face.landmarks),
            width=photo.width,
            height=photo.height,
            exif_datetime=photo.exif_datetime,
            spoof_score=spoof,
        )


def _quality_details(quality: QualityReport) -> dict[str, float]:
    """Measured values, rounded, for the client and the audit trail (no pixels)."""
    return {
        "face_width_px": round(quality.face_width_px, 1),
        "brightness": round(quality.brightness, 1),
        "sharpness": round(quality.sharpness, 1),
        "yaw_ratio": round(quality.yaw_ratio, 3),
    }
