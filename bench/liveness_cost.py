"""Server cost of the active liveness check per check-in (issue 17 target: at most +60 ms on one core).

Measures `FaceEngine.judge_liveness` as a check-in runs it, warm, with onnxruntime on 1 thread: decode 5 frames
of 240 px (JPEG q80), detect the face in each (MTCNN with the selfie minimum face of 1/5 of the short side),
poses and aligned chips, and embed the 2 frames that show the movement (MobileFaceNet in the default
policy, dlib ResNet in cc0: `liveness.SAME_FACE_MODELS`). The selfie's own analysis
is not counted: a check-in makes it anyway. CPU time of this process is reported beside wall time because the
machine is shared (wall time includes waiting for a core).

Run on purpose:  .venv/bin/python -m bench.liveness_cost [--runs 40] [--policy default]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from chalicelib.face import FaceConfig, FaceEngine
from chalicelib.face.liveness import Action, LivenessLimits
from chalicelib.face.scoring import ScoringPolicy
from evaluation.cli import resolve_model_dir
from evaluation.liveness import IdentityPhotos, genuine_frames

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--policy", default="default")
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args(argv)
    policy = ScoringPolicy.load(args.policy)
    engine = FaceEngine(FaceConfig(model_dir=resolve_model_dir(args.model_dir), embedders=policy.model_ids))
    engine.warm_up()
    limits = LivenessLimits()
    photos = IdentityPhotos(FACES / "dev" / "labels.csv", engine)
    person = photos.photos_of("df_angelina_jolie")
    selfie = engine.analyse_image(min(person, key=lambda p: abs(p.yaw)).rgb, purpose="verify")
    rng = random.Random(1)
    sequences = [genuine_frames(person, action, limits.frames, rng) for action in ("turn_left", "turn_right")]
    wall: list[float] = []
    cpu: list[float] = []
    decisions: list[str] = []
    for run in range(args.runs + 3):
        frames = sequences[run % 2]
        action: Action = "turn_left" if run % 2 == 0 else "turn_right"
        began, began_cpu = time.perf_counter(), time.process_time()
        result = engine.judge_liveness(action, frames, selfie, limits)
        if run >= 3:  # the first runs warm caches
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
            decisions.append(result.decision)
    size = sum(len(f) for f in sequences[0]) / len(sequences[0])
    print(f"policy {policy.name}, {limits.frames} frames of 240 px (mean {size / 1024:.1f} kB), {args.runs} runs")
    print(f"wall ms: median {statistics.median(wall):.1f}  p90 {sorted(wall)[int(0.9 * len(wall))]:.1f}")
    print(f"cpu ms:  median {statistics.median(cpu):.1f}  p90 {sorted(cpu)[int(0.9 * len(cpu))]:.1f}")
    print(f"decisions: {dict((d, decisions.count(d)) for d in sorted(set(decisions)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
