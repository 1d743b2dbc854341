"""cfn-lint (offline, SAM transform included) accepts the merged template and catches a broken one."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.lint import lint_template
from infra.merge import MergeResult

pytestmark = pytest.mark.slow  # each cfn-lint run takes ~10 s on the 2-core machine


def test_cfn_lint_passes_on_the_merged_template(merged: MergeResult) -> None:
    assert lint_template(json.dumps(merged.template), "ap-southeast-3") == []


def test_cfn_lint_reports_a_table_without_keys(merged: MergeResult) -> None:
    # GIVEN a template whose events table lost its key schema WHEN linting THEN cfn-lint says so
    broken: dict[str, Any] = json.loads(json.dumps(merged.template))
    del broken["Resources"]["EventsTable"]["Properties"]["KeySchema"]
    findings = lint_template(json.dumps(broken), "ap-southeast-3")
    assert any("KeySchema" in finding for finding in findings)
