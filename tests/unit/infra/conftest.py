"""Shared fixtures of the infra tests: the recorded Chalice template and its merged form."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.models import ALL_MODELS
from infra.merge import MergeResult, merge

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Evaluation tools live in evaluation/ (not deployed); these are where they were inside the bundled tree.
EVALUATION_PACKAGE = "evaluation"
FORMER_FACE_TOOLS = ("chalicelib/face/cli.py", "chalicelib/face/metrics.py", "chalicelib/face/__main__.py")


def evaluation_tools_in(names: Iterable[str]) -> list[str]:
    """The paths (relative, '/'-separated, as in a zip) that are evaluation tools and must not be deployed."""
    return sorted(n for n in names if n.split("/", 1)[0] == EVALUATION_PACKAGE or n.rstrip("/") in FORMER_FACE_TOOLS)


@pytest.fixture
def chalice_template() -> dict[str, Any]:
    return json.loads((FIXTURES / "chalice_sam_prod.json").read_text(encoding="utf-8"))


@pytest.fixture
def merged(chalice_template: dict[str, Any]) -> MergeResult:
    return merge(chalice_template, ALL_MODELS)


@pytest.fixture
def resources(merged: MergeResult) -> dict[str, Any]:
    resources: dict[str, Any] = merged.template["Resources"]
    return resources


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {rid: r for rid, r in resources.items() if r["Type"] == kind}
