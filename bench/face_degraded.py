"""Accuracy with degraded probes: templates from the original photos, every probe shrunk to 320 px (long side)
and recompressed at JPEG quality 50, as a cheap phone on a weak connection might send it (issue 3 target:
EER ≤ 0.5 % on dev). Reports raw dlib (the FACE.md pipeline) and the shipped `default` policy, and the
probes the pipeline refused (e.g. a face under the quality limit once shrunk).

Run on purpose:  .venv/bin/python -m bench.face_degraded [--sets dev dev-asia] [--side 320] [--quality 50]
"""

from __future__ import annotations

import argparse
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from chalicelib.face.cli import LabelledImage, make_engine, read_labels, resolve_model_dir
from chalicelib.face.cohort import Cohort, CohortMember
from chalicelib.face.errors import FaceError
from chalicelib.face.metrics import summarise
from chalicelib.face.scoring import ScoringPolicy, verify
from chalicelib.face.types import FaceAnalysis, Template

FACES = Path(__file__).resolve().parents[1] / ".." / "shared" / "faces"


def degrade(data: bytes, side: int, quality: int) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        rgb.thumbnail((side, side))
        out = io.BytesIO()
        rgb.save(out, "JPEG", quality=quality)
        return out.getvalue()


def analyse_all(
    images: Sequence[LabelledImage], engine: object, side: int, quality: int
) -> tuple[dict[str, FaceAnalysis], dict[str, FaceAnalysis], Counter[str]]:
    templates: dict[str, FaceAnalysis] = {}
    probes: dict[str, FaceAnalysis] = {}
    failures: Counter[str] = Counter()
    for image in images:
        data = image.file.read_bytes()
        for store, blob, purpose, label in (
            (templates, data, "enrol", "template"),
            (probes, degrade(data, side, quality), "verify", "probe"),
        ):
            try:
                store[image.path] = engine.analyse(blob, purpose=purpose)  # type: ignore[attr-defined]
            except FaceError as exc:
                failures[f"{label} {exc.code}"] += 1
    return templates, probes, failures


def run(name: str, side: int, quality: int, model_dir: Path) -> None:
    policy = ScoringPolicy.load("default")
    engine = make_engine(model_dir, policy.model_ids)
    images = read_labels(FACES / name / "labels.csv")
    identity = {i.path: i.identity for i in images}
    templates, probes, failures = analyse_all(images, engine, side, quality)
    members = [CohortMember(identity[p], Template(p, a.embeddings)) for p, a in templates.items()]
    cohort = Cohort.from_members(members)
    raw: dict[bool, list[float]] = {True: [], False: []}
    fused: dict[bool, list[float]] = {True: [], False: []}
    for a, template in templates.items():
        for b, probe in probes.items():
            if a == b:
                continue
            genuine = identity[a] == identity[b]
            raw[genuine].append(
                float(np.dot(template.embeddings["dlib_resnet_v1"], probe.embeddings["dlib_resnet_v1"]))
            )
            verdict = verify(
                probe, [Template(a, template.embeddings)], cohort.without_owners({identity[a], identity[b]}), policy
            )
            fused[genuine].append(verdict.score)
    print(f"== {name}: probes {side} px long side, JPEG q{quality}; failures: {dict(failures) or 'none'}")
    for label, scores in (("raw dlib", raw), ("policy default", fused)):
        s = summarise(scores[True], scores[False])
        print(
            f"  {label:15s} genuine {s.genuine_pairs:5d} impostor {s.impostor_pairs:6d}  AUC {s.auc:.4f}  "
            f"EER {100 * s.eer:.2f} %  TAR@FAR0.1% {100 * s.tar_at_far_01pct.tar:.2f} %"
        )
    accepted = sum(v >= policy.accept_threshold for v in fused[False])
    refused = sum(v < policy.review_threshold for v in fused[True])
    print(
        f"  default at shipped thresholds: impostors accepted {accepted}/{len(fused[False])}, "
        f"genuine below review {refused}/{len(fused[True])}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", nargs="+", default=["dev", "dev-asia"])
    parser.add_argument("--side", type=int, default=320)
    parser.add_argument("--quality", type=int, default=50)
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args(argv)
    for name in args.sets:
        run(name, args.side, args.quality, resolve_model_dir(args.model_dir))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
