"""checkov on the deployable template, fast: ``python -m infra.scan --checkov PATH`` (``make lint``).

The template is the merge (infra/merge.py) of the recorded Chalice template the infra tests use
(tests/unit/infra/fixtures/chalice_sam_prod.json), so no package build is needed: every resource infra/
adds is there, with the same properties a `make package` template has. checkov runs offline
(``--skip-download``) on the CloudFormation framework and the scan fails on any failed check. A finding
that is accepted is suppressed on its resource in the template (``Metadata.checkov.skip``, id and
written reason), never on the command line.

checkov has its own venv (``.venv-checkov``, from requirements-checkov.txt): its dependencies cannot be
installed next to the app's pinned boto3.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.store.models import ALL_MODELS

from .merge import merge

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "unit" / "infra" / "fixtures" / "chalice_sam_prod.json"


def fixture_template() -> dict[str, Any]:
    """The merged template of the recorded `chalice package` output."""
    return merge(json.loads(FIXTURE.read_text(encoding="utf-8")), ALL_MODELS).template


def findings(report: dict[str, Any] | list[dict[str, Any]]) -> tuple[list[str], int, int]:
    """Failed checks as 'CHECK resource: name', and the counts of passed and skipped ones."""
    reports = report if isinstance(report, list) else [report]
    failed: list[str] = []
    passed = skipped = 0
    for one in reports:
        results = one.get("results", {})
        failed += [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in results.get("failed_checks", [])]
        passed += len(results.get("passed_checks", []))
        skipped += len(results.get("skipped_checks", []))
    return sorted(failed), passed, skipped


def scan(checkov: Path, template: Path) -> tuple[list[str], int, int]:
    env = {**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    result = subprocess.run(
        [str(checkov), "-f", str(template), "--framework", "cloudformation", "--skip-download", "-o", "json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    # checkov exits 1 when a check failed; anything else that is not JSON is a broken run.
    try:
        report = json.loads(result.stdout)
    except ValueError as exc:
        raise SystemExit(f"checkov did not report (exit {result.returncode}):\n{result.stderr[-2000:]}") from exc
    return findings(report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.scan", description=__doc__.splitlines()[0])
    parser.add_argument("--checkov", type=Path, default=REPO / ".venv-checkov" / "bin" / "checkov")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "lint" / "template.json")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(fixture_template(), indent=1), encoding="utf-8")
    failed, passed, skipped = scan(args.checkov, args.out)
    print(f"checkov: {passed} passed, {len(failed)} failed, {skipped} suppressed in the template ({args.out})")
    for finding in failed:
        print(f"  {finding}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
