"""cfn-lint (offline, SAM transform included) accepts the merged template and catches a broken one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra.lint import lint_template
from infra.merge import MergeResult
from infra.scan import findings, fixture_template


@pytest.mark.slow  # each cfn-lint run takes ~10 s on the 2-core machine
def test_cfn_lint_passes_on_the_merged_template(merged: MergeResult) -> None:
    assert lint_template(json.dumps(merged.template), "ap-southeast-3") == []


@pytest.mark.slow
def test_cfn_lint_reports_a_table_without_keys(merged: MergeResult) -> None:
    # GIVEN a template whose events table lost its key schema WHEN linting THEN cfn-lint says so
    broken: dict[str, Any] = json.loads(json.dumps(merged.template))
    del broken["Resources"]["EventsTable"]["Properties"]["KeySchema"]
    findings = lint_template(json.dumps(broken), "ap-southeast-3")
    assert any("KeySchema" in finding for finding in findings)


def test_the_checkov_scan_template_is_the_merged_fixture(merged: MergeResult) -> None:
    # make lint scans exactly what the infra tests check, without a package build
    assert fixture_template() == merged.template


def test_checkov_report_failures_are_listed_and_counted() -> None:
    report = {
        "check_type": "cloudformation",
        "results": {
            "passed_checks": [{"check_id": "CKV_AWS_21"}, {"check_id": "CKV_AWS_19"}],
            "failed_checks": [
                {"check_id": "CKV_AWS_18", "resource": "AWS::S3::Bucket.DataBucket", "check_name": "access logging"}
            ],
            "skipped_checks": [{"check_id": "CKV_AWS_145"}],
        },
    }
    failed, passed, skipped = findings(report)
    assert failed == ["CKV_AWS_18 AWS::S3::Bucket.DataBucket: access logging"]
    assert (passed, skipped) == (2, 1)
    # checkov answers a list when it ran more than one framework
    assert findings([report, report])[0] == failed * 2


def test_checkov_pins_live_apart_from_the_apps() -> None:
    # checkov's own venv: its pins must not leak into (or silently override) the app's requirements
    repo = Path(__file__).resolve().parents[3]
    pins = (repo / "requirements-checkov.txt").read_text(encoding="utf-8").splitlines()
    assert "checkov==3.3.30" in pins
    assert all(line.startswith("#") or "==" in line for line in pins if line.strip())
    dev = (repo / "requirements-dev.txt").read_text(encoding="utf-8")
    assert "checkov" not in dev
