"""Shared fixtures of the face pipeline tests: the dev photo sets and the built model files.

Photos are read in place from ../shared/faces (never copied into the repo); models from the directory
`python -m models.build` writes. Tests that need either are skipped with a message when they are absent.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from chalicelib.face import FaceConfig, FaceEngine

FACES_ROOT = Path(__file__).resolve().parents[3] / ".." / "shared" / "faces"
MTCNN_FILES = ("mtcnn_pnet", "mtcnn_rnet", "mtcnn_onet")
MODEL_FILES = (*MTCNN_FILES, "dlib_resnet_v1")


def _model_dir() -> Path:
    configured = os.environ.get("SMART_MODEL_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "smart" / "models"


@pytest.fixture(scope="session")
def dev_faces() -> Path:
    root = FACES_ROOT / "dev"
    if not (root / "labels.csv").is_file():
        pytest.skip(f"dev face photos not found at {root}")
    return root


@pytest.fixture(scope="session")
def dev_labels(dev_faces: Path) -> list[dict[str, str]]:
    with (dev_faces / "labels.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def _require(names: tuple[str, ...]) -> Path:
    directory = _model_dir()
    missing = [name for name in names if not (directory / f"{name}.onnx").is_file()]
    if missing:
        pytest.skip(f"face models {missing} not built in {directory} (run: python -m models.build)")
    return directory


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return _require(MODEL_FILES)


@pytest.fixture(scope="session")
def mtcnn_dir() -> Path:
    return _require(MTCNN_FILES)


@pytest.fixture(scope="session")
def engine(model_dir: Path) -> FaceEngine:
    return FaceEngine(FaceConfig(model_dir=model_dir))
