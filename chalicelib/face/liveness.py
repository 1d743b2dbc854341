"""Active liveness: did the face of the selfie make the requested head movement in a few small frames?

The app asks the person for one random movement (the challenge names it) and sends N small frames taken
while it is made, in capture order, beside the selfie. Judged here from what the detector gives (five
landmarks per frame) and the embedding model the selfie already uses:

- movement: the five landmarks of every later frame against every earlier one. The eyes and mouth corners of
  the earlier frame are mapped onto the later one by a homography, which is exactly what any view of a flat
  picture (shifted, scaled, rotated, tilted, re-encoded) does to all of its points; the nose of a head that
  turns or nods leaves that plane. Its offset from where the plane puts it, across the face (scaled like a
  change of yaw: + when the nose goes to the image's right, i.e. the person turns to THEIR OWN LEFT in a camera
  image that is not mirrored) or down it (scaled like a change of pitch), is the movement. A turn needs the
  largest offset in the asked direction, from an earlier frame to a later one that shows the head turned to the
  asked side, to reach a limit: a turn to the other side played backwards only comes back to frontal. A nod
  needs the largest vertical one, and must be more of a nod than the clip's largest turn is a turn.
- not a flat picture: a photo tilted far (60°) in front of the camera can fool the landmark model into a
  "turn", but it narrows the face (eye-to-eye against eye-to-mouth) much more than a head turn of that size
  does: such a check-in goes to review (landmark noise does the same to a few genuine turns).
- not a still: the frames' faces, aligned on one template and compared as grey chips, must not all be copies
  of one picture (identical bytes are refused outright).
- same face: the two frames that show the movement (where it starts and where it peaks) are embedded and
  compared with the selfie; the movement must be made by the person of the selfie. Only those two frames are
  embedded, to keep the cost low: a frame that proves nothing is not worth 8 ms. The model is MobileFaceNet
  when the policy runs it (it tells Asian faces apart at 240 px; dlib does not), else dlib.

Blink is not judged: five landmarks give the centre of each eye, not its lids, so an open and a closed eye
look the same to them (see docs/decision_log.md). The challenge never asks it.

Each limit has an accept and a review level: between them the check-in goes to review, below it is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from .align import DLIB_TEMPLATE_150, align_face
from .config import DecodeLimits
from .decode import decode_image
from .detect import Detection
from .errors import FaceError, UnsupportedImageError
from .types import Decision, Vector

Action = Literal["turn_left", "turn_right", "nod", "blink"]
ACTIONS: tuple[Action, ...] = ("turn_left", "turn_right", "nod", "blink")
# What the server can verify from five landmarks (blink cannot be: see the module docstring).
JUDGED_ACTIONS: tuple[Action, ...] = ("turn_left", "turn_right", "nod")

# Same face (selfie against the frames that show the movement), per model: (accept, review) levels of the
# cosine. MobileFaceNet: genuine turns p10 0.49 (dev-asia), another person's frames max 0.34; dlib alone
# separates East/Southeast-Asian faces poorly at 240 px (genuine p10 0.94, another person's max 0.93), so it
# is only used where the policy has nothing better (cc0).
SAME_FACE: dict[str, tuple[float, float]] = {"mobilefacenet_fp": (0.40, 0.30), "dlib_resnet_v1": (0.92, 0.86)}
SAME_FACE_MODELS: tuple[str, ...] = tuple(SAME_FACE)

_CHIP = 48
_CHIP_TEMPLATE = tuple((x * _CHIP / 150.0, y * _CHIP / 150.0) for x, y in DLIB_TEMPLATE_150)
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float64)

FloatArray = npt.NDArray[np.float64]


def _frame_decode_limits() -> DecodeLimits:
    # A frame is a small JPEG (the app sends about 240 px): these bounds refuse anything else before decoding.
    return DecodeLimits(
        max_bytes=100_000, max_pixels=640 * 640, max_png_pixels=640 * 640, max_side=640, min_side=64, work_max_side=320
    )


@dataclass(frozen=True)
class LivenessLimits:
    """How many frames, how big, and how much movement counts; measured in bench/liveness_RESULTS.md."""

    frames: int = 5  # asked for in the challenge
    min_faces: int = 3  # frames in which a face must be found
    max_frames: int = 8
    decode: DecodeLimits = field(default_factory=_frame_decode_limits)
    # Largest nose offset across the face in the asked direction (`parallax`, scaled like a yaw change: yaw
    # runs about -1..1, near-profile photos reach ±0.7). Measured in bench/liveness_RESULTS.md.
    turn_accept: float = 0.25
    turn_review: float = 0.18
    # Where a turn must end: the head turned to the asked side, its yaw at least this far from frontal (0). A
    # turn from frontal played backwards ends frontal: its last frames measured within ±0.09 on the dev photos
    # (landmark noise at 240 px), while genuine turns asked by the app end far beyond (a 0.25 turn from frontal).
    turn_side: float = 0.10
    # Largest vertical nose offset (scaled like a pitch change: nose between eye line and mouth line, 0.37-0.77
    # over the dev photos). The dev photos hardly vary in pitch: nods are the weakest-measured action.
    nod_accept: float = 0.12
    nod_review: float = 0.08
    # A flat picture turned in front of the camera narrows the face far more than a head making the same
    # landmark turn does: review when the narrowing over the movement exceeds this (dev: photos tilted by 60°
    # >= 0.6; most genuine turns <= 0.3, but landmark noise takes a few higher, hence review, not refusal).
    # Not applied to nods: a genuine nod flattens the face as much (measured).
    flat_ratio: float = 0.55
    # Largest 1 - correlation between two frames' aligned grey chips: below it every frame is one picture.
    still_change: float = 0.02
    # Cosine of the selfie's and a frame's embedding (accept, review) per model; the frames are embedded with
    # the first model of SAME_FACE_MODELS that the policy runs. Measured in bench/liveness_RESULTS.md.
    same_face: Mapping[str, tuple[float, float]] = field(default_factory=lambda: dict(SAME_FACE))


@dataclass(frozen=True)
class FramePose:
    """One frame's face: its pose, its aligned grey chip (zero mean, unit norm) and what embedding needs."""

    index: int
    yaw: float
    pitch: float
    chip: FloatArray
    rgb: npt.NDArray[np.uint8]
    landmarks: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class LivenessResult:
    """The outcome: accept / review / reject, the reasons (stable codes) and the measures (for the record)."""

    decision: Decision
    reasons: tuple[str, ...]
    measures: dict[str, float | int | str]


# The one dominant face of a frame (given the face found in the frame before, if any), or None.
Detector = Callable[[npt.NDArray[np.uint8], Detection | None], Detection | None]
Embed = Callable[[npt.NDArray[np.uint8], tuple[tuple[float, float], ...]], Vector]


def pose(landmarks: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(yaw, pitch) of five landmarks (left eye, right eye, nose, left and right mouth corner; image sides).

    Measured in the frame of the eye line so that a head tilted in the image plane changes neither.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    left_eye, right_eye, nose, left_mouth, right_mouth = points
    origin = (left_eye + right_eye) / 2
    axis = right_eye - left_eye
    length = float(np.linalg.norm(axis))
    if length <= 1e-6:
        return 0.0, 0.0
    ux = axis / length
    uy = np.array([-ux[1], ux[0]])

    def local(p: FloatArray) -> FloatArray:
        d = p - origin
        return np.array([float(d @ ux), float(d @ uy)])

    left = (local(left_eye) + local(left_mouth)) / 2
    right = (local(right_eye) + local(right_mouth)) / 2
    n = local(nose)
    mouth = local((left_mouth + right_mouth) / 2)
    width = right[0] - left[0]
    yaw = ((n[0] - left[0]) - (right[0] - n[0])) / width if width > 1e-6 else 0.0
    pitch = n[1] / mouth[1] if mouth[1] > 1e-6 else 0.0
    return float(np.clip(yaw, -2.0, 2.0)), float(np.clip(pitch, -2.0, 2.0))


def grey_chip(rgb: npt.NDArray[np.uint8], landmarks: tuple[tuple[float, float], ...]) -> FloatArray:
    """The face aligned on a small template, grey, zero mean, unit norm (a dot product is a correlation)."""
    chip = align_face(rgb, landmarks, _CHIP_TEMPLATE, _CHIP).astype(np.float64) @ _LUMA
    chip -= chip.mean()
    norm = float(np.linalg.norm(chip))
    result: FloatArray = chip / norm if norm > 0 else chip
    return result


def check_frames(frames: Sequence[bytes], limits: LivenessLimits) -> None:
    """UnsupportedImageError naming the first frame that is no image the limits allow. A check-in checks this
    before its selfie is judged: a bad frame found only after the face check would answer 400 for a face that
    passes and 422 for one that fails, telling which photo of a person passes without leaving a record."""
    for index, data in enumerate(frames):
        _frame_rgb(index, data, limits)


def _frame_rgb(index: int, data: bytes, limits: LivenessLimits) -> npt.NDArray[np.uint8]:
    try:
        return decode_image(data, limits.decode).rgb
    except UnsupportedImageError as exc:
        raise UnsupportedImageError(details={**exc.details, "frame": index}) from exc


def frame_poses(frames: Sequence[bytes], detect: Detector, limits: LivenessLimits) -> list[FramePose]:
    """Decode every frame (UnsupportedImageError names the bad one) and measure the face of those that show
    exactly one clear face; frames without one are left out (a turned head may lose the detector)."""
    found: list[FramePose] = []
    previous: Detection | None = None
    for index, data in enumerate(frames):
        rgb = _frame_rgb(index, data, limits)
        face = detect(rgb, previous)
        if face is None:
            continue
        previous = face
        yaw, pitch = pose(face.landmarks)
        found.append(FramePose(index, yaw, pitch, grey_chip(rgb, face.landmarks), rgb, face.landmarks))
    return found


def homography(src: FloatArray, dst: FloatArray) -> FloatArray | None:
    """The 3×3 projective map taking four points `src` onto `dst` (None when they are degenerate)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(src, dst, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y])
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y])
        rhs += [u, v]
    try:
        h = np.linalg.solve(np.asarray(rows), np.asarray(rhs))
    except np.linalg.LinAlgError:
        return None
    result: FloatArray = np.append(h, 1.0).reshape(3, 3)
    return result


def parallax(a: FramePose, b: FramePose) -> tuple[float, float]:
    """How far b's nose lies from where a flat picture would put it, as (across, down) in b's face frame.

    The eyes and mouth corners of `a` are mapped onto those of `b` by a homography: exactly what any view of a
    flat picture (shifted, scaled, rotated, tilted, printed or on a screen) does to all its points, the nose
    included. A head that turns or nods moves its nose out of that plane. `across` is scaled like a yaw change
    (2 × shift / face width: + when the nose goes to the image's right, i.e. the person turned to their own
    left), `down` like a pitch change (shift / eye-to-mouth distance: + downwards).
    """
    pa, pb = np.asarray(a.landmarks, dtype=np.float64), np.asarray(b.landmarks, dtype=np.float64)
    plane = [0, 1, 3, 4]
    h = homography(pa[plane], pb[plane])
    if h is None:
        return 0.0, 0.0
    x, y, w = h @ np.array([pa[2, 0], pa[2, 1], 1.0])
    if abs(w) < 1e-9:
        return 0.0, 0.0
    shift = pb[2] - np.array([x / w, y / w])
    left_eye, right_eye, _, left_mouth, right_mouth = pb
    axis = right_eye - left_eye
    ux = axis / max(float(np.linalg.norm(axis)), 1e-6)
    uy = np.array([-ux[1], ux[0]])
    width = float(((right_eye + right_mouth) / 2 - (left_eye + left_mouth) / 2) @ ux)
    height = float(((left_mouth + right_mouth) / 2 - (left_eye + right_eye) / 2) @ uy)
    if width <= 1e-6 or height <= 1e-6:
        return 0.0, 0.0
    return 2.0 * float(shift @ ux) / width, float(shift @ uy) / height


class Movement(NamedTuple):
    """What `movement` found in a clip for one asked action."""

    wanted: float  # the asked movement, from a frame to a later one that ends it on the asked side
    opposite: float  # the other movement: the opposite turn, or for a nod any turn
    pair: tuple[int, int]  # positions in the poses of the two frames that show `wanted`
    off_side: float  # the asked turn made by pairs that end short of the asked side (a turn played backwards)


def movement(action: Action, poses: Sequence[FramePose], limits: LivenessLimits | None = None) -> Movement:
    """The asked movement and the others, over every later frame against every earlier one (capture order).

    A pair's turn (nod) is the smaller of two measures that must agree: the nose's parallax out of the plane of
    the other landmarks, and the change of yaw (pitch). Either alone is fooled more easily by landmark noise on
    copies of one still (measured: bench/liveness_RESULTS.md). A turn counts only in its order (earlier frame
    to later one) and where it leads: the later frame shows the head turned to the asked side of frontal
    (`turn_side`). A turn to the other side played backwards moves the nose the asked way, but only back to
    frontal (`off_side`). For a nod, `opposite` is the largest turn either way (`_judge_motion` weighs them).
    """
    limits = limits or LivenessLimits()
    found = Movement(0.0, 0.0, (0, 0), 0.0)
    for j in range(len(poses)):
        for i in range(j + 1, len(poses)):
            turn, nod = _pair_movement(poses[j], poses[i])
            if action == "nod":
                wanted, other, off = abs(nod), abs(turn), 0.0
            else:
                sign = 1.0 if action == "turn_left" else -1.0
                wanted, other, off = max(0.0, sign * turn), max(0.0, -sign * turn), 0.0
                if sign * poses[i].yaw < limits.turn_side:
                    wanted, off = 0.0, wanted
            if wanted > found.wanted:
                found = found._replace(wanted=wanted, pair=(j, i))
            found = found._replace(opposite=max(found.opposite, other), off_side=max(found.off_side, off))
    return found


def _pair_movement(a: FramePose, b: FramePose) -> tuple[float, float]:
    """(turn, nod) from `a` to a later `b`: signed like `parallax` (+ = the person's own left, + = down), each
    the smaller of the parallax and the pose change, 0 where the two disagree in sign."""
    across, down = parallax(a, b)

    def agreed(shift: float, change: float) -> float:
        return float(np.sign(shift)) * min(abs(shift), abs(change)) if shift * change > 0 else 0.0

    return agreed(across, b.yaw - a.yaw), agreed(down, b.pitch - a.pitch)


def _shape(p: FramePose) -> float:
    """Face width (eyes and mouth corners, side to side) over its height (eye line to mouth line)."""
    le, re, _, lm, rm = np.asarray(p.landmarks, dtype=np.float64)
    width = float(np.linalg.norm((re + rm) / 2 - (le + lm) / 2))
    height = float(np.linalg.norm((lm + rm) / 2 - (le + re) / 2))
    return width / height if height > 1e-6 else 0.0


def narrowing(action: Action, start: FramePose, peak: FramePose) -> float:
    """How much narrower (turn) or flatter (nod) the face got from `start` to `peak`: 1 - the shape ratio."""
    a, b = _shape(start), _shape(peak)
    if a <= 0 or b <= 0:
        return 0.0
    return 1.0 - (a / b if action == "nod" else b / a)


def appearance_change(poses: Sequence[FramePose]) -> float:
    """Largest 1 - correlation of two frames' aligned chips (0 = every frame the same picture)."""
    chips = np.stack([p.chip.ravel() for p in poses])
    correlations = chips @ chips.T
    return float(1.0 - correlations.min())


def _grade(value: float, accept: float, review: float) -> Decision:
    return "accept" if value >= accept else "review" if value >= review else "reject"


def judge(
    action: Action,
    frames: Sequence[bytes],
    selfie: Vector,
    *,
    detect: Detector,
    embed: Embed,
    model: str,
    limits: LivenessLimits,
) -> LivenessResult:
    """Judge the frames of one check-in against the requested action and the selfie's embedding by `model`
    (`embed` makes that model's vectors; `limits.same_face[model]` grades the cosine)."""
    if action not in JUDGED_ACTIONS:
        raise FaceError(details={"reason": "action_not_judged", "action": action})
    if len({hashlib.sha256(f).digest() for f in frames}) < len(frames):
        return LivenessResult("reject", ("duplicate_frames",), {"frames": len(frames)})
    poses = frame_poses(frames, detect, limits)
    measures: dict[str, float | int | str] = {"action": action, "frames": len(frames), "faces": len(poses)}
    if len(poses) < limits.min_faces:
        return LivenessResult("reject", ("too_few_faces",), measures)
    moved, motion_reason, (start, peak) = _judge_motion(action, poses, limits, measures)
    if moved == "reject":
        return LivenessResult("reject", (motion_reason or "no_movement",), measures)
    same = min(float(np.dot(embed(poses[i].rgb, poses[i].landmarks), selfie)) for i in (start, peak))
    measures["same_face"] = round(same, 4)
    matched = _grade(same, *limits.same_face[model])
    if matched == "reject":
        return LivenessResult("reject", ("different_face",), measures)
    graded = ((motion_reason, moved), ("face_borderline", matched))
    reasons = tuple(reason for reason, grade in graded if reason and grade == "review")
    return LivenessResult("review" if reasons else "accept", reasons, measures)


def _judge_motion(
    action: Action, poses: Sequence[FramePose], limits: LivenessLimits, measures: dict[str, float | int | str]
) -> tuple[Decision, str | None, tuple[int, int]]:
    """Grade of the requested movement, its reason when not accepted (refusal: still_image, no_movement,
    wrong_direction, wrong_side; review: movement_borderline, flat_suspected), and the two frames that show it; the
    measures are added to `measures`."""
    wanted, opposite, pair, off_side = movement(action, poses, limits)
    change = appearance_change(poses)
    narrower = narrowing(action, poses[pair[0]], poses[pair[1]])
    measures |= {
        "movement": round(wanted, 3),
        "opposite": round(opposite, 3),
        "off_side": round(off_side, 3),
        "change": round(change, 4),
        "narrowing": round(narrower, 3),
    }
    accept, review = (
        (limits.nod_accept, limits.nod_review) if action == "nod" else (limits.turn_accept, limits.turn_review)
    )
    moved = _grade(wanted, accept, review)
    if change < limits.still_change:
        return "reject", "still_image", pair
    if action == "nod" and opposite >= limits.turn_review and opposite / limits.turn_accept >= wanted / accept:
        # The head turned sideways, and more than it went up and down (each against its own accept level): a
        # turn sent for a nod. A turn also moves the nose a little down the face, and real photos of one turn
        # differ in pitch.
        return "reject", "wrong_direction", pair
    if moved == "reject":
        return moved, _refusal(opposite, off_side, accept, review), pair
    if action != "nod" and narrower > limits.flat_ratio * wanted:
        # A photo tilted far in front of the camera, or a genuine turn whose landmarks are noisy: an admin looks.
        return "review", "flat_suspected", pair
    return moved, "movement_borderline" if moved == "review" else None, pair


def _refusal(opposite: float, off_side: float, accept: float, review: float) -> str:
    """Why a movement too small to pass was refused: the opposite turn made instead (`wrong_direction`), the
    asked turn made only back to frontal (`wrong_side`: a turn to the other side played backwards), or none at
    all (`no_movement`)."""
    if opposite >= accept:
        return "wrong_direction"
    return "wrong_side" if off_side >= review else "no_movement"
