"""Frame sequences for the active liveness check, built from still photos, and its evaluation on the dev sets.

There is no video of the dev identities, so a GENUINE sequence is built from several real photos of one person
in which the head really is in different poses: the photos are ordered by their measured yaw (a turn: ascending
for turn_left, descending for turn_right) or pitch (a nod: only the photos within `NOD_YAW_BAND` of the most
frontal one's yaw, since a nodding head does not turn), N frames are spread over that order (a photo is
used again, re-cropped, when the person has fewer photos than frames: the pause at the start or end of a
movement), and each frame is a crop around the face (2.0 × 2.6 face widths, shifted by up to 4 % of the face
width and scaled by up to ±3 % at random) shrunk to `FRAME_SIDE` px on its long side, JPEG quality 80. The
movement in such a sequence is the difference between the person's poses in those photos.

ATTACKS built from one still photo: copies (shifted, scaled, rotated in the image, re-encoded), a flat
picture tilted in front of the camera (perspective warps from 0 to 40° or to 60° about the vertical axis for
turns, the horizontal one for nods, camera at 2.5 picture widths), a
genuine sequence sent for the opposite turn, a turn from frontal played backwards for the opposite turn, a
genuine turn sent for a nod, and a genuine sequence of another person beside the selfie.

    python -m evaluation.liveness [--faces ../shared/faces] [--seed 1]      figures for bench/liveness_RESULTS.md

Tests and benchmarks use `IdentityPhotos` and `genuine_frames` to send real frames with a check-in.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import random
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from chalicelib.face import FaceConfig, FaceEngine, FaceError
from chalicelib.face.config import DetectLimits
from chalicelib.face.liveness import JUDGED_ACTIONS, Action, LivenessLimits, homography, pose
from chalicelib.face.scoring import DEFAULT_POLICY, ScoringPolicy

FRAME_SIDE = 240
FRAME_QUALITY = 80
RGB = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class PosedPhoto:
    """One real photo of an identity with its face box and measured pose."""

    path: str
    rgb: RGB
    box: tuple[float, float, float, float]
    yaw: float
    pitch: float


class IdentityPhotos:
    """The `use=pairs` photos of a labelled set, grouped by identity, each measured once with `engine`."""

    def __init__(self, labels: Path, engine: FaceEngine) -> None:
        self.root = labels.parent
        self.engine = engine
        self.identity_of: dict[str, str] = {}
        with labels.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("use", "pairs") == "pairs":
                    self.identity_of[row["path"]] = row["identity"]
        self._measured: dict[str, PosedPhoto | None] = {}

    def identities(self) -> list[str]:
        return sorted(set(self.identity_of.values()))

    def photos_of(self, identity: str) -> list[PosedPhoto]:
        """Every photo of `identity` in which one face is found (in a stable order)."""
        paths = sorted(p for p, who in self.identity_of.items() if who == identity)
        return [m for m in (self.measure(p) for p in paths) if m is not None]

    def measure(self, path: str) -> PosedPhoto | None:
        if path not in self._measured:
            with Image.open(self.root / path) as image:
                rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
            try:
                analysis = self.engine.analyse_image(rgb, purpose="enrol")
            except FaceError:
                self._measured[path] = None
            else:
                scale = rgb.shape[1] / analysis.width
                box = tuple(v * scale for v in analysis.box)
                yaw, pitch = pose(analysis.landmarks)
                self._measured[path] = PosedPhoto(path, rgb, (box[0], box[1], box[2], box[3]), yaw, pitch)
        return self._measured[path]

    def frames_for(self, path: str, action: Action, n: int, seed: int = 0) -> list[bytes]:
        """A genuine sequence for `action` made of the photos of the identity `path` belongs to."""
        return genuine_frames(self.photos_of(self.identity_of[path]), action, n, random.Random(seed))

    def turn_from_frontal_for(self, path: str, action: Action, n: int, seed: int = 0) -> list[bytes]:
        """A turn from frontal to the asked side (`turn_from_frontal`) of the identity `path` belongs to."""
        return turn_from_frontal(self.photos_of(self.identity_of[path]), action, n, random.Random(seed))


def jpeg(rgb: RGB, quality: int = FRAME_QUALITY) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", quality=quality)
    return out.getvalue()


def frame(photo: PosedPhoto, rng: random.Random, side: int = FRAME_SIDE, jitter: float = 1.0) -> bytes:
    """A small frame around the face of `photo`: portrait crop of 2.0 × 2.6 face widths, jittered, JPEG."""
    x1, y1, x2, y2 = photo.box
    width = (x2 - x1) * (1.0 + jitter * rng.uniform(-0.03, 0.03))
    cx = (x1 + x2) / 2 + jitter * rng.uniform(-0.04, 0.04) * width
    cy = (y1 + y2) / 2 + jitter * rng.uniform(-0.04, 0.04) * width
    crop = Image.fromarray(photo.rgb).crop(
        (round(cx - width), round(cy - 1.3 * width), round(cx + width), round(cy + 1.3 * width))
    )
    factor = side / max(crop.size)
    crop = crop.resize((round(crop.size[0] * factor), round(crop.size[1] * factor)), Image.Resampling.BILINEAR)
    return jpeg(np.asarray(crop, dtype=np.uint8))


# A nod is built from the photos within this yaw of the person's most frontal one: a head that nods does not
# turn, and photos ordered by pitch alone also differ in yaw by up to 0.3, which is a turn (and judged as one).
NOD_YAW_BAND = 0.1


def ordered_for(photos: Sequence[PosedPhoto], action: Action) -> list[PosedPhoto]:
    """The photos in the order a person making `action` would pass through their poses."""
    if action == "nod" and photos:
        frontal = min(photos, key=lambda p: abs(p.yaw))
        return sorted((p for p in photos if abs(p.yaw - frontal.yaw) <= NOD_YAW_BAND), key=lambda p: p.pitch)
    return sorted(photos, key=lambda p: p.yaw, reverse=action == "turn_right")


def genuine_frames(photos: Sequence[PosedPhoto], action: Action, n: int, rng: random.Random) -> list[bytes]:
    """N frames spread over the photos ordered for `action` (see the module docstring)."""
    ordered = ordered_for(photos, action)
    if not ordered:
        raise ValueError("no photo with a face to build frames from")
    picks = [ordered[round(i * (len(ordered) - 1) / max(1, n - 1))] for i in range(n)]
    return [frame(p, rng) for p in picks]


def turn_from_frontal(photos: Sequence[PosedPhoto], action: Action, n: int, rng: random.Random) -> list[bytes]:
    """A turn as a person makes it when asked: from their most frontal photo to the asked side only (photos
    turned the other way are left out). Played backwards it is the attack on the opposite turn: the head moves
    the asked way but only back to frontal."""
    sign = 1.0 if action == "turn_left" else -1.0
    frontal = min(photos, key=lambda p: abs(p.yaw))
    return genuine_frames([p for p in photos if sign * (p.yaw - frontal.yaw) >= 0], action, n, rng)


def span(photos: Sequence[PosedPhoto], action: Action) -> float:
    """The pose range the photos offer for `action` (what a genuine sequence built from them can show)."""
    values = [p.pitch if action == "nod" else p.yaw for p in photos]
    return max(values) - min(values) if values else 0.0


# --- attacks from one still -------------------------------------------------------------------------------


def still_copies(photo: PosedPhoto, n: int, rng: random.Random) -> list[bytes]:
    """One picture sent N times: shifted, scaled, rotated in the image by up to 8°, re-encoded at q 60-90."""
    frames = []
    for _ in range(n):
        base = Image.open(io.BytesIO(frame(photo, rng, jitter=2.0)))
        rotated = base.rotate(rng.uniform(-8, 8), resample=Image.Resampling.BILINEAR, fillcolor=(0, 0, 0))
        frames.append(jpeg(np.asarray(rotated.convert("RGB"), dtype=np.uint8), rng.randint(60, 90)))
    return frames


def tilted(photo: PosedPhoto, n: int, axis: str, rng: random.Random, max_deg: float = 40.0) -> list[bytes]:
    """A flat picture turned in front of the camera from 0 to `max_deg` about the vertical (turn) or horizontal
    (nod) axis: a perspective warp per frame (camera at 2.5 picture widths)."""
    base = np.asarray(Image.open(io.BytesIO(frame(photo, rng, jitter=0.0))).convert("RGB"), dtype=np.uint8)
    return [
        jpeg(_perspective(base, math.radians(max_deg * i / max(1, n - 1)), axis), rng.randint(70, 90)) for i in range(n)
    ]


def _perspective(rgb: RGB, angle: float, axis: str) -> RGB:
    h, w = rgb.shape[:2]
    distance = 2.5 * max(w, h)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64) - [w / 2, h / 2]
    projected = []
    for x, y in corners:
        if axis == "vertical":
            px, pz = x * math.cos(angle), x * math.sin(angle)
            point = (px, y)
        else:
            py, pz = y * math.cos(angle), y * math.sin(angle)
            point = (x, py)
        factor = distance / (distance + pz)
        projected.append((point[0] * factor + w / 2, point[1] * factor + h / 2))
    coefficients = _homography(projected, [(0, 0), (w, 0), (w, h), (0, h)])
    warped = Image.fromarray(rgb).transform(
        (w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BILINEAR, fillcolor=(90, 90, 90)
    )
    return np.asarray(warped, dtype=np.uint8)


def _homography(dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]) -> tuple[float, ...]:
    """PIL's perspective coefficients mapping output pixels `dst` back to input pixels `src`."""
    matrix = homography(np.asarray(dst, dtype=np.float64), np.asarray(src, dtype=np.float64))
    if matrix is None:
        raise ValueError("degenerate corners")
    return tuple(float(c) for c in matrix.ravel()[:8])


# --- evaluation -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: str  # genuine | still | tilted40 | tilted60 | wrong_direction | backwards | turn_as_nod | other_person
    dataset: str
    identity: str
    action: Action
    decision: str
    reasons: tuple[str, ...]


def evaluate(faces: Path, seed: int, limits: LivenessLimits, engine: FaceEngine) -> list[Case]:
    rng = random.Random(seed)
    cases: list[_Pending] = []
    for dataset in ("dev", "dev-asia"):
        photos = IdentityPhotos(faces / dataset / "labels.csv", engine)
        people = {who: photos.photos_of(who) for who in photos.identities()}
        people = {who: ps for who, ps in people.items() if len(ps) >= 2}
        names = sorted(people)
        for who in names:
            cases += _cases_of(dataset, who, people[who], people[names[(names.index(who) + 1) % len(names)]], rng)
    return list(_judged(cases, engine, limits))


@dataclass(frozen=True)
class _Pending:
    kind: str
    dataset: str
    identity: str
    action: Action
    frames: list[bytes]
    selfie: PosedPhoto


def _cases_of(
    dataset: str, who: str, mine: list[PosedPhoto], other: list[PosedPhoto], rng: random.Random
) -> list[_Pending]:
    n = LivenessLimits().frames
    selfie = min(mine, key=lambda p: abs(p.yaw))
    out: list[_Pending] = []
    for action in JUDGED_ACTIONS:
        out.append(_Pending("genuine", dataset, who, action, genuine_frames(mine, action, n, rng), selfie))
        out.append(_Pending("still", dataset, who, action, still_copies(selfie, n, rng), selfie))
        axis = "horizontal" if action == "nod" else "vertical"
        for degrees in (40, 60):
            frames = tilted(selfie, n, axis, rng, max_deg=degrees)
            out.append(_Pending(f"tilted{degrees}", dataset, who, action, frames, selfie))
        out.append(_Pending("other_person", dataset, who, action, genuine_frames(other, action, n, rng), selfie))
    turns: tuple[tuple[Action, Action], ...] = (("turn_left", "turn_right"), ("turn_right", "turn_left"))
    for action, opposite in turns:
        out.append(_Pending("wrong_direction", dataset, who, action, genuine_frames(mine, opposite, n, rng), selfie))
        backwards = turn_from_frontal(mine, opposite, n, rng)[::-1]
        out.append(_Pending("backwards", dataset, who, action, backwards, selfie))
        out.append(_Pending("turn_as_nod", dataset, who, "nod", genuine_frames(mine, action, n, rng), selfie))
    return out


def _judged(pending: list[_Pending], engine: FaceEngine, limits: LivenessLimits) -> Iterator[Case]:
    for p in pending:
        selfie = engine.analyse_image(p.selfie.rgb, purpose="verify")
        result = engine.judge_liveness(p.action, p.frames, selfie, limits)
        yield Case(p.kind, p.dataset, p.identity, p.action, result.decision, result.reasons)


def summary(cases: Sequence[Case]) -> str:
    lines = ["kind            dataset   action      n  accept review reject  reasons"]
    keys = sorted({(c.kind, c.dataset, c.action) for c in cases})
    for kind, dataset, action in keys:
        group = [c for c in cases if (c.kind, c.dataset, c.action) == (kind, dataset, action)]
        counts = Counter(c.decision for c in group)
        reasons = Counter(r for c in group for r in c.reasons)
        lines.append(
            f"{kind:15} {dataset:9} {action:10} {len(group):3} {counts['accept']:6} {counts['review']:6} "
            f"{counts['reject']:6}  {dict(reasons)}"
        )
    return "\n".join(lines)


def default_engine(model_dir: Path, policy: str = DEFAULT_POLICY) -> FaceEngine:
    """An engine with the models of `policy`, as check-ins run it (the frames are compared with the selfie by
    the model `FaceEngine.judge_liveness` picks from them)."""
    # Crowd/news photos: the largest face is the subject, background faces are not refused.
    models = ScoringPolicy.load(policy).model_ids
    return FaceEngine(FaceConfig(model_dir=model_dir, detect=DetectLimits(refuse_multiple=False), embedders=models))


@lru_cache(maxsize=4)
def cached_identity_photos(labels: Path, model_dir: Path) -> IdentityPhotos:
    return IdentityPhotos(labels, default_engine(model_dir))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--faces", type=Path, default=Path(__file__).resolve().parents[1] / ".." / "shared" / "faces")
    parser.add_argument("--seed", type=int, default=1)
    default_models = Path.home() / ".cache" / "smart" / "models"
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get("SMART_MODEL_DIR", default_models)))
    args = parser.parse_args(argv)
    cases = evaluate(args.faces, args.seed, LivenessLimits(), default_engine(args.model_dir))
    print(summary(cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
