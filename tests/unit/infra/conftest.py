"""Shared fixtures of the infra tests: the recorded Chalice template and its merged form."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chalicelib.store.models import ALL_MODELS
from infra.merge import MergeResult, merge

FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
