"""Test-wide helpers: where the shared data lives, and a clean environment for SMART's settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FACES = SHARED / "faces"

# In-process tests must never talk to a real or local AWS endpoint by accident.
for _name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[_name]
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ["AWS_DEFAULT_REGION"] = "ap-southeast-3"


def faces_dir(name: str) -> Path:
    path = FACES / name
    if not path.is_dir():
        pytest.skip(f"face photos not found at {path} (the shared data set is absent)")
    return path
