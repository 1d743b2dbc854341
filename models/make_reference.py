"""Regenerate the reference fixtures in tests/fixtures/models/ with the ORIGINAL frameworks.

Not part of the build and never run by tests. It needs a throwaway virtualenv (never the project's):

    python3.11 -m venv /tmp/smart-ref
    /tmp/smart-ref/bin/pip install numpy torch==2.13.0 dlib
    /tmp/smart-ref/bin/pip install --no-deps facenet-pytorch==2.6.0
    cd <repo> && /tmp/smart-ref/bin/python -m models.make_reference {mtcnn,dlib,all} [--cache DIR]

(`pip install dlib` compiles from source, 10-20 min on 2 cores.) Inputs are fixed synthetic uint8
images from a seeded generator, stored in the fixture so the test does not depend on numpy's RNG. The
source files come from the same verified archives the build uses (`models.sources`), so the reference
is computed from exactly the weights that were converted. MTCNN runs facenet-pytorch's own class
definitions (taken from its installed `mtcnn.py`), the ResNet runs dlib's `face_recognition_model_v1`
on 150×150 chips.
"""

from __future__ import annotations

import argparse
import importlib.util
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .build import MANIFEST_PATH, default_cache_dir, default_model_dir, load_manifest
from .sources import source_bytes

FIXTURE_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "models"
SEED = 20261127
# P-net input deliberately odd-sized so ceil-mode pooling is exercised.
MTCNN_SHAPES = {"pnet": (1, 37, 51), "rnet": (4, 24, 24), "onet": (4, 48, 48)}
DLIB_BATCH = 2

UInt8Array = npt.NDArray[np.uint8]


def synthetic_images(rng: np.random.Generator, count: int, height: int, width: int) -> UInt8Array:
    """Smooth random colour fields plus fine noise: uint8 RGB, NHWC (more image-like than pure noise)."""
    coarse = rng.uniform(0, 255, (count, height // 6 + 2, width // 6 + 2, 3))
    smooth = np.kron(coarse, np.ones((1, 6, 6, 1)))[:, :height, :width]
    noisy = smooth + rng.normal(0, 12, smooth.shape)
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


def mtcnn_input(images: UInt8Array) -> npt.NDArray[np.float32]:
    """facenet-pytorch's normalisation: NCHW, (x - 127.5) * 0.0078125 (exact in float32)."""
    x = images.astype(np.float32).transpose(0, 3, 1, 2)
    return np.ascontiguousarray((x - np.float32(127.5)) * np.float32(0.0078125))


def dlib_input(images: UInt8Array) -> npt.NDArray[np.float32]:
    """dlib's input_rgb_image normalisation: NCHW, (x - mean) / 256."""
    mean = np.array([122.782, 117.001, 104.298], dtype=np.float32).reshape(1, 3, 1, 1)
    x = images.astype(np.float32).transpose(0, 3, 1, 2)
    return np.ascontiguousarray((x - mean) / np.float32(256.0))


def _sources(cache: Path) -> dict[str, bytes]:
    return {
        e.model_id: source_bytes(e.source, cache)
        for e in load_manifest(MANIFEST_PATH)
        if e.model_id.startswith(("mtcnn_", "dlib_"))
    }


def _facenet_nets(sources: dict[str, bytes]) -> dict[str, Any]:
    import torch

    spec = importlib.util.find_spec("facenet_pytorch")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("facenet-pytorch is not installed in this (throwaway) venv")
    code = (Path(spec.submodule_search_locations[0]) / "models" / "mtcnn.py").read_text()
    # Only the three network classes; the detector class pulls in torchvision, which is not needed.
    code = code.split("class MTCNN(")[0].replace("from .utils.detect_face import detect_face, extract_face", "")
    namespace: dict[str, Any] = {}
    exec(compile(code, "facenet_pytorch/models/mtcnn.py", "exec"), namespace)
    nets = {}
    with tempfile.TemporaryDirectory() as tmp:
        for net in ("pnet", "rnet", "onet"):
            path = Path(tmp) / f"{net}.pt"
            path.write_bytes(sources[f"mtcnn_{net}"])
            model = namespace[net[0].upper() + "Net"](pretrained=False).eval()
            model.load_state_dict(torch.load(path, weights_only=True))
            nets[net] = model
    return nets


def make_mtcnn(cache: Path) -> Path:
    """Run facenet-pytorch's P/R/O-nets on fixed inputs and store inputs and outputs."""
    import torch

    nets = _facenet_nets(_sources(cache))
    rng = np.random.default_rng(SEED)
    arrays: dict[str, npt.NDArray[Any]] = {}
    for net, (count, height, width) in MTCNN_SHAPES.items():
        images = synthetic_images(rng, count, height, width)
        with torch.no_grad():
            outputs = nets[net](torch.from_numpy(mtcnn_input(images)))
        names = ("reg", "landmarks", "prob") if net == "onet" else ("reg", "prob")
        arrays[f"{net}_images"] = images
        for name, value in zip(names, outputs, strict=True):
            arrays[f"{net}_{name}"] = value.numpy().astype(np.float32)
    path = FIXTURE_DIR / "mtcnn_reference.npz"
    np.savez_compressed(path, allow_pickle=False, **arrays)
    return path


def make_dlib(cache: Path) -> Path:
    """Run dlib's own face_recognition_model_v1 on fixed 150×150 chips and store chips and descriptors."""
    import dlib

    rng = np.random.default_rng(SEED + 1)
    images = synthetic_images(rng, DLIB_BATCH, 150, 150)
    with tempfile.TemporaryDirectory() as tmp:
        dat = Path(tmp) / "dlib_face_recognition_resnet_model_v1.dat"
        dat.write_bytes(_sources(cache)["dlib_resnet_v1"])
        model = dlib.face_recognition_model_v1(str(dat))
        # A 150×150 chip is fed to the network as is (no alignment, no jitter).
        embeddings = np.stack([np.array(model.compute_face_descriptor(img, 0), dtype=np.float32) for img in images])
    path = FIXTURE_DIR / "dlib_reference.npz"
    np.savez_compressed(path, images=images, embedding=embeddings, dlib_version=np.array(dlib.__version__))
    return path


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["mtcnn", "dlib", "all"])
    parser.add_argument("--cache", type=Path, default=None, help="source archive cache (default: the build's)")
    args = parser.parse_args()
    cache = args.cache or default_cache_dir(default_model_dir())
    FIXTURE_DIR.mkdir(parents=True, exist_ok=True)
    if args.what in ("mtcnn", "all"):
        print("wrote", make_mtcnn(cache))
    if args.what in ("dlib", "all"):
        print("wrote", make_dlib(cache))


if __name__ == "__main__":
    main()
