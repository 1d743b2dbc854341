"""Passive anti-spoof scores (MiniFASNet V2 2.7× + V1SE 4.0×, averaged) on our photos, and their cost.

Run on purpose (never part of the tests):
    .venv/bin/python bench/antispoof_bench.py

Prints the spoof score (1 − mean P(real)) of each spoof sample, then for EVERY photo of
../shared/faces/dev and dev-asia in which the detector finds a face (all genuine: no attack photos there)
the share at or above each threshold (the false spoof rate), and the time the scorer adds per check-in
(both crops and both models, one thread, median of all photos).
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalicelib.face import DetectLimits, FaceConfig, FaceEngine, FaceError
from chalicelib.face.decode import decode_image

FACES = Path(__file__).resolve().parents[2] / "shared" / "faces"
THRESHOLDS = (0.5, 0.7, 0.75, 0.8, 0.9, 0.95, 0.98)


def main() -> None:
    models = Path.home() / ".cache" / "smart" / "models"
    engine = FaceEngine(FaceConfig(model_dir=models, detect=DetectLimits(refuse_multiple=False)))
    scorer = engine.spoof
    timings: list[float] = []
    cpu: list[float] = []

    def score(data: bytes) -> float:
        analysis = engine.analyse(data, purpose="verify")
        decoded = decode_image(data, engine.config.decode)
        x1, y1, x2, y2 = (v * decoded.scale for v in analysis.box)
        started, started_cpu = time.perf_counter(), time.process_time()
        result = scorer.score(decoded.rgb, (x1, y1, x2, y2))
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        return result.score

    print("spoof samples (upstream labels: F = attack, T = real):")
    for path in sorted((FACES / "spoof-samples").glob("*.jpg")):
        print(f"  {path.name:<14} {score(path.read_bytes()):.4f}")
    for dataset in ("dev", "dev-asia"):
        rows = list(csv.DictReader((FACES / dataset / "labels.csv").open()))
        scores: list[tuple[float, str]] = []
        for row in rows:
            try:
                scores.append((score((FACES / dataset / row["path"]).read_bytes()), row["path"]))
            except FaceError:
                continue
        values = np.array([s for s, _ in scores])
        print(f"\n{dataset}: {len(rows)} photos, {len(values)} with a face; median {np.median(values):.4f}, "
              f"p90 {np.percentile(values, 90):.4f}, max {values.max():.4f}")  # fmt: skip
        for threshold in THRESHOLDS:
            flagged = int((values >= threshold).sum())
            share = 100 * flagged / len(values)
            print(f"  threshold {threshold:<5} flagged {flagged:3d} / {len(values)} = {share:5.1f} %")
        print("  highest: " + ", ".join(f"{p} {s:.3f}" for s, p in sorted(scores, reverse=True)[:6]))
    print(f"\ncost per check-in (2 crops + 2 models, 1 thread), over {len(timings)} photos: "
          f"median {statistics.median(timings):.2f} ms wall, {statistics.median(cpu):.2f} ms CPU; "
          f"p95 {float(np.percentile(timings, 95)):.2f} ms wall")  # fmt: skip


if __name__ == "__main__":
    main()
