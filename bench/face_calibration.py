"""Calibration of the pipeline's own limits on the development photos (run on purpose, never in tests).

    .venv/bin/python bench/face_calibration.py [--model-dir DIR] [--sets dev dev-asia]

For every `use=pairs` photo it reports:
- quality measures (none of these genuine photos may be refused by quality);
- replay limits: perceptual-hash distance and embedding cosine between a photo and degraded copies of it
  (resized, recompressed, cropped, brightened) vs between two different genuine photos of one person;
- flip-averaging: raw-cosine EER and genuine/impostor overlap with and without it, per model.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.face import FaceAnalysis, FaceConfig, FaceEngine, FaceError, hamming  # noqa: E402
from chalicelib.face.replay import replay_reason  # noqa: E402

FACES = ROOT / ".." / "shared" / "faces"
Degrade = Callable[[Image.Image], Image.Image]


def _jpeg(img: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _resize(img: Image.Image, long_side: int) -> Image.Image:
    copy = img.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.BILINEAR)
    return copy


def _crop(img: Image.Image, keep: float) -> Image.Image:
    w, h = img.size
    dx, dy = int(w * (1 - keep) / 2), int(h * (1 - keep) / 2)
    return img.crop((dx, dy, w - dx, h - dy))


DEGRADATIONS: dict[str, Degrade] = {
    "jpeg_q50": lambda img: _jpeg(img, 50),
    "resize_640_q70": lambda img: _jpeg(_resize(img, 640), 70),
    "resize_320_q50": lambda img: _jpeg(_resize(img, 320), 50),
    "crop_80pct_q80": lambda img: _jpeg(_crop(img, 0.8), 80),
    "brighter_q80": lambda img: _jpeg(ImageEnhance.Brightness(img).enhance(1.25), 80),
    "screenshot_like_q85": lambda img: _jpeg(_resize(ImageEnhance.Contrast(img).enhance(1.1), 900), 85),
}


def labelled(root: Path) -> list[tuple[Path, str]]:
    with (root / "labels.csv").open(newline="") as handle:
        return [(root / r["path"], r["identity"]) for r in csv.DictReader(handle) if r["use"] == "pairs"]


def summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    arr = np.asarray(values, dtype=np.float64)
    return {
        "n": len(arr),
        "mean": round(float(arr.mean()), 4),
        "min": round(float(arr.min()), 4),
        "p01": round(float(np.percentile(arr, 1)), 4),
        "median": round(float(np.median(arr)), 4),
        "p99": round(float(np.percentile(arr, 99)), 4),
        "max": round(float(arr.max()), 4),
    }


def eer(genuine: Sequence[float], impostor: Sequence[float]) -> float:
    """Equal error rate of raw scores (threshold sweep over every observed score)."""
    g, i = np.asarray(genuine), np.asarray(impostor)
    best = 1.0
    for t in np.unique(np.concatenate([g, i])):
        frr, far = float((g < t).mean()), float((i >= t).mean())
        best = min(best, max(frr, far))
    return best


def analyse_all(engine: FaceEngine, photos: list[tuple[Path, str]]) -> dict[Path, FaceAnalysis]:
    out = {}
    for path, _ in photos:
        try:
            out[path] = engine.analyse(path.read_bytes(), purpose="enrol")
        except FaceError as exc:
            print(f"REFUSED {path.name}: {exc.code} {exc.details}", file=sys.stderr)
    return out


def quality_report(analyses: dict[Path, FaceAnalysis]) -> dict[str, object]:
    q = [a.quality for a in analyses.values()]
    return {
        "face_width_px": summary([x.face_width_px for x in q]),
        "brightness": summary([x.brightness for x in q]),
        "sharpness": summary([x.sharpness for x in q]),
        "yaw_ratio": summary([x.yaw_ratio for x in q]),
    }


def replay_report(
    engine: FaceEngine, photos: list[tuple[Path, str]], analyses: dict[Path, FaceAnalysis], raw: bool
) -> dict[str, object]:
    copies: dict[str, dict[str, list[float]]] = {}
    for path, _ in photos:
        if path not in analyses:
            continue
        original = analyses[path]
        source = Image.open(path).convert("RGB")
        for name, degrade in DEGRADATIONS.items():
            try:
                copy = engine.analyse_image(np.asarray(degrade(source)), purpose="verify")
            except FaceError as exc:
                copies.setdefault(name, {}).setdefault("refused", []).append(1.0)
                print(f"copy {name} of {path.name} refused: {exc.code}", file=sys.stderr)
                continue
            row = copies.setdefault(name, {})
            caught = replay_reason(copy.fingerprint, original.fingerprint, engine.config.replay) is not None
            row.setdefault("caught_as_replay", []).append(float(caught))
            row.setdefault("phash_distance", []).append(hamming(original.fingerprint.phash, copy.fingerprint.phash))
            for model_id, vector in copy.embeddings.items():
                row.setdefault(f"cosine_{model_id}", []).append(float(vector @ original.embeddings[model_id]))
    genuine: dict[str, list[float]] = {}
    for (pa, ia), (pb, ib) in itertools.combinations(photos, 2):
        if ia != ib or pa not in analyses or pb not in analyses:
            continue
        a, b = analyses[pa], analyses[pb]
        false_replay = replay_reason(a.fingerprint, b.fingerprint, engine.config.replay)
        genuine.setdefault("false_replay", []).append(float(false_replay is not None))
        if false_replay is not None:
            print(f"false replay: {pa.name} ~ {pb.name}: {false_replay}", file=sys.stderr)
        genuine.setdefault("phash_distance", []).append(hamming(a.fingerprint.phash, b.fingerprint.phash))
        for model_id, vector in a.embeddings.items():
            genuine.setdefault(f"cosine_{model_id}", []).append(float(vector @ b.embeddings[model_id]))
    report: dict[str, object] = {
        "copies": {name: {k: summary(v) for k, v in row.items()} for name, row in copies.items()},
        "different_genuine_photos": {k: summary(v) for k, v in genuine.items()},
    }
    if raw:
        report["raw"] = {"copies": copies, "different_genuine_photos": genuine}
    return report


def pair_scores(
    photos: list[tuple[Path, str]], analyses: dict[Path, FaceAnalysis], model_id: str
) -> tuple[list[float], list[float]]:
    genuine: list[float] = []
    impostor: list[float] = []
    for (pa, ia), (pb, ib) in itertools.combinations(photos, 2):
        if pa in analyses and pb in analyses:
            score = float(analyses[pa].embeddings[model_id] @ analyses[pb].embeddings[model_id])
            (genuine if ia == ib else impostor).append(score)
    return genuine, impostor


def flip_report(model_dir: Path, models: tuple[str, ...], photos: list[tuple[Path, str]]) -> dict[str, object]:
    out: dict[str, object] = {}
    for flip in (False, True):
        engine = FaceEngine(FaceConfig(model_dir=model_dir, embedders=models, flip_average=flip))
        analyses = analyse_all(engine, photos)
        for model_id in models:
            genuine, impostor = pair_scores(photos, analyses, model_id)
            out[f"{model_id}_flip_{flip}"] = {
                "eer": round(eer(genuine, impostor), 5),
                "genuine": summary(genuine),
                "impostor": summary(impostor),
            }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path.home() / ".cache" / "smart" / "models")
    parser.add_argument("--sets", nargs="+", default=["dev", "dev-asia"])
    parser.add_argument("--skip-flip", action="store_true")
    parser.add_argument("--raw", action="store_true", help="also print every measured value")
    args = parser.parse_args()
    models = tuple(m for m in ("dlib_resnet_v1", "mobilefacenet_fp") if (args.model_dir / f"{m}.onnx").is_file())
    engine = FaceEngine(FaceConfig(model_dir=args.model_dir, embedders=models))
    report: dict[str, object] = {"models": list(models)}
    for subset in args.sets:
        photos = labelled(FACES / subset)
        analyses = analyse_all(engine, photos)
        report[subset] = {
            "photos": len(photos),
            "refused": len(photos) - len(analyses),
            "quality": quality_report(analyses),
            "replay": replay_report(engine, photos, analyses, args.raw),
            "flip": {} if args.skip_flip else flip_report(args.model_dir, models, photos),
        }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
