"""The employee app's web manifest has what Bubblewrap needs to wrap it as a Trusted Web Activity for the Play
Store (docs/play_store.md), checked on the built file the web bucket and `make run` serve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from infra.web_files import DIST_DIR

APP = DIST_DIR / "app"


@pytest.fixture
def manifest() -> dict[str, Any]:
    path = APP / "manifest.webmanifest"
    if not path.is_file():
        pytest.skip(f"{path} is not built (make web)")
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _icon(icon: dict[str, Any]) -> Path:
    return APP / str(icon["src"])


def test_the_manifest_names_an_installable_standalone_app_within_its_scope(manifest: dict[str, Any]) -> None:
    assert manifest["name"] and manifest["short_name"] and len(manifest["short_name"]) <= 12  # launcher label
    assert manifest["id"] == manifest["start_url"] == manifest["scope"] == "/app/"
    assert manifest["display"] == "standalone"
    for colour in ("theme_color", "background_color"):
        assert len(manifest[colour]) == 7 and manifest[colour].startswith("#"), colour


def test_the_icons_are_the_sizes_they_claim_with_a_maskable_one(manifest: dict[str, Any]) -> None:
    icons: list[dict[str, Any]] = manifest["icons"]
    sizes: dict[str, set[str]] = {}
    for icon in icons:
        with Image.open(_icon(icon)) as image:
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
        assert icon["type"] == "image/png"
        sizes.setdefault(icon["sizes"], set()).add(icon.get("purpose", "any"))
    assert "any" in sizes["192x192"] and "any" in sizes["512x512"]
    assert "maskable" in sizes["512x512"]  # Android's adaptive launcher icon
