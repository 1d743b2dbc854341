"""Scheduled jobs on the local stack: `python -m tools.devstack fire <job>` runs the job a schedule runs, against
the running stack, and the run is readable through `GET /v1/admin/jobs`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools.devstack import REPO_DIR, StackUrls
from tools.devstack_http import ApiClient


def fire(data_dir: Path, job: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMART_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "tools.devstack", "fire", job],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_fire_runs_the_daily_recap_now_and_the_run_is_listed(stack: StackUrls, admin: ApiClient) -> None:
    done = fire(stack.data_dir, "daily-recap")
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"job": "daily_recap"' in done.stdout
    runs = admin.get("/v1/admin/jobs?job=daily_recap")
    assert runs.status == 200, runs.raw
    newest = runs.body["items"][0]
    assert (newest["job"], newest["trigger"], newest["status"]) == ("daily_recap", "manual", "succeeded")
    assert newest["result"]["employees"] >= 0 and newest["finished_at"] >= newest["started_at"]
    assert ApiClient(stack.api).get("/v1/admin/jobs").status == 401


def test_fire_refuses_unknown_jobs_and_a_stopped_stack(stack: StackUrls, tmp_path: Path) -> None:
    unknown = fire(stack.data_dir, "housekeeping")
    assert unknown.returncode != 0 and "daily-recap" in unknown.stderr
    nothing = fire(tmp_path, "daily-recap")
    assert nothing.returncode == 1 and "no running stack" in nothing.stderr
