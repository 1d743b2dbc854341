"""Latency and memory of the face pipeline on one 640×480 selfie (run on purpose, never in tests).

    .venv/bin/python bench/face_latency.py [--model-dir DIR] [--runs 50]

Prints: cold model load, warm detect / align+embed / total medians with 1 thread (and 2 for comparison),
MobileFaceNet with graph optimisation on vs off (if built), flip-averaging cost, and the peak RSS of a
fresh process doing one verify on the selfie and on a large phone photo.
Targets (issue 3): warm ≤ 35 ms, cold load ≤ 0.5 s, peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.face import FaceConfig, FaceEngine  # noqa: E402
from chalicelib.face.embedders import load_embedder  # noqa: E402
from chalicelib.face.sessions import clear_sessions  # noqa: E402

FACES = ROOT / ".." / "shared" / "faces" / "dev"
SELFIE_SOURCE = FACES / "fr" / "obama-480p.jpg"
LARGE_SOURCE = FACES / "deepface" / "img40.jpg"


def selfie_640x480() -> bytes:
    img = Image.open(SELFIE_SOURCE).convert("RGB")
    left = (img.width - 640) // 2
    buffer = io.BytesIO()
    img.crop((left, 0, left + 640, 480)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


CPU_TIMES: dict[str, float] = {}


def median_ms(fn: Callable[[], object], runs: int, label: str = "") -> float:
    """Median wall time; the median CPU time of the process is kept in CPU_TIMES[label].

    With one intra-op thread all work runs in this thread, so CPU time is what the pipeline costs even
    when other processes share the cores (wall time then includes waiting for a core).
    """
    fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    if label:
        CPU_TIMES[label] = round(statistics.median(cpu), 2)
    return statistics.median(times)


def stages(engine: FaceEngine, data: bytes, runs: int) -> dict[str, float]:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    face = engine.detect(rgb, purpose="verify")[0]
    dlib = engine.embedders["dlib_resnet_v1"]
    chip = dlib.chip(rgb, face.landmarks)
    return {
        "detect_ms": median_ms(lambda: engine.detect(rgb, purpose="verify"), runs, "detect_ms"),
        "align_ms": median_ms(lambda: dlib.chip(rgb, face.landmarks), runs, "align_ms"),
        "embed_dlib_ms": median_ms(lambda: dlib.embed_chip(chip), runs, "embed_dlib_ms"),
        "detect_align_embed_ms": median_ms(
            lambda: engine.analyse_image(rgb, purpose="verify"), runs, "detect_align_embed_ms"
        ),
        "full_analyse_from_bytes_ms": median_ms(
            lambda: engine.analyse(data, purpose="verify"), runs, "full_analyse_from_bytes_ms"
        ),
    }


def mobilefacenet(model_dir: Path, rgb: np.ndarray, engine: FaceEngine, runs: int) -> dict[str, float]:
    if not (model_dir / "mobilefacenet_fp.onnx").is_file():
        return {}
    face = engine.detect(rgb, purpose="verify")[0]
    out = {}
    for optimise in (True, False):
        emb = load_embedder("mobilefacenet_fp", model_dir, 1, optimise=optimise, flip_average=False)
        chip = emb.chip(rgb, face.landmarks)
        label = f"embed_mobilefacenet_ms_optimise_{optimise}"
        out[label] = median_ms(partial(emb.embed_chip, chip), runs, label)
    return out


def peak_rss_mb(model_dir: Path, photo: Path | None) -> float:
    """Peak RSS of a fresh process that imports the engine and verifies one photo."""
    code = (
        "import resource, sys; sys.path.insert(0, sys.argv[1]);"
        "from pathlib import Path; from chalicelib.face import FaceConfig, FaceEngine;"
        "e = FaceEngine(FaceConfig(model_dir=Path(sys.argv[2])));"
        "data = Path(sys.argv[3]).read_bytes() if sys.argv[3] != '-' else sys.stdin.buffer.read();"
        "e.analyse(data, purpose='verify');"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
    )
    args = [sys.executable, "-c", code, str(ROOT), str(model_dir), str(photo) if photo else "-"]
    stdin = None if photo else selfie_640x480()
    done = subprocess.run(args, input=stdin, capture_output=True, check=True)
    return float(done.stdout.decode().strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=Path.home() / ".cache" / "smart" / "models")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    data = selfie_640x480()
    results: dict[str, object] = {"photo": "640x480 JPEG q90 crop of fr/obama-480p.jpg"}

    clear_sessions()
    engine = FaceEngine(FaceConfig(model_dir=args.model_dir, intra_op_threads=1))
    start, start_cpu = time.perf_counter(), time.process_time()
    engine.warm_up()
    results["cold_model_load_s"] = round(time.perf_counter() - start, 3)
    results["cold_model_load_cpu_s"] = round(time.process_time() - start_cpu, 3)
    results["threads_1"] = {k: round(v, 2) for k, v in stages(engine, data, args.runs).items()}

    flip = FaceEngine(FaceConfig(model_dir=args.model_dir, flip_average=True))
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    results["flip_average_detect_align_embed_ms"] = round(
        median_ms(lambda: flip.analyse_image(rgb, purpose="verify"), args.runs, "flip_detect_align_embed_ms"), 2
    )
    two = FaceEngine(FaceConfig(model_dir=args.model_dir, intra_op_threads=2))
    two.warm_up()
    results["threads_2_detect_align_embed_ms"] = round(
        median_ms(lambda: two.analyse_image(rgb, purpose="verify"), args.runs), 2
    )
    results["mobilefacenet"] = {
        k: round(v, 2) for k, v in mobilefacenet(args.model_dir, rgb, engine, args.runs).items()
    }
    results["peak_rss_mb_verify_640x480"] = round(peak_rss_mb(args.model_dir, None), 1)
    if LARGE_SOURCE.is_file():
        size = Image.open(LARGE_SOURCE).size
        results[f"peak_rss_mb_verify_{size[0]}x{size[1]}"] = round(peak_rss_mb(args.model_dir, LARGE_SOURCE), 1)
    results["cpu_time_medians_ms"] = CPU_TIMES
    results["load_average"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
