"""Latency of a whole check-in face verification under the shipped policy (issue 9 target: ≤ 80 ms median,
1 thread, warm): analyse one 640×480 selfie with every policy model, then score it against 3 templates with
S-norm over a cohort of ~100 templates of other people.

Run on purpose:  .venv/bin/python -m bench.face_verify_latency [--runs 30] [--policy default]
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from bench.policy_engine import parse_args, policy_engine
from chalicelib.face.cohort import Cohort, CohortMember
from chalicelib.face.errors import FaceError
from chalicelib.face.scoring import verify
from chalicelib.face.types import Template
from evaluation.cli import read_labels

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"


def selfie_640x480(path: Path) -> bytes:
    with Image.open(path) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((640, 640))
        canvas = Image.new("RGB", (640, 480))
        canvas.paste(rgb.crop((0, 0, min(640, rgb.width), min(480, rgb.height))), (0, 0))
        out = io.BytesIO()
        canvas.save(out, "JPEG", quality=90)
        return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(__doc__, 30, argv)
    policy, engine = policy_engine(args)
    images = [i for name in ("dev", "dev-asia") for i in read_labels(FACES / name / "labels.csv")]
    members = []
    for image in images[:130]:
        try:
            analysis = engine.analyse(image.file.read_bytes(), purpose="enrol")
        except FaceError:
            continue
        members.append(CohortMember(image.identity, Template(image.path, analysis.embeddings)))
    probe_bytes = selfie_640x480(FACES / "dev" / "fr" / "obama-480p.jpg")
    owner = [m for m in members if m.owner == "fr_obama"][:3]
    cohort = Cohort.from_members([m for m in members if m.owner != "fr_obama"][:100])
    templates = [m.template for m in owner]
    timings = []
    for _ in range(args.runs + 3):
        start = time.perf_counter()
        verdict = verify(engine.analyse(probe_bytes, purpose="verify"), templates, cohort, policy)
        timings.append(time.perf_counter() - start)
    warm = sorted(timings[3:])
    print(
        f"policy {policy.name}: models {policy.model_ids}, {len(templates)} templates, cohort "
        f"{cohort.size(policy.model_ids[0])}; normalised={verdict.normalised}, decision {verdict.decision}"
    )
    print(
        f"analyse + verify, warm, 1 thread: median {1000 * statistics.median(warm):.1f} ms, "
        f"p95 {1000 * warm[int(0.95 * (len(warm) - 1))]:.1f} ms over {len(warm)} runs"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
