"""GET /v1/admin/jobs on the in-memory twins: a run its function was killed in (Lambda's 15-minute timeout) is
listed as failed, not `running` until it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import jobs
from chalicelib.domain.people import Principal
from chalicelib.domain.runs import ABANDONED, ABANDONED_AFTER_S
from chalicelib.errors import ForbiddenError
from chalicelib.store.job_runs import JobRun
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import operations
from chalicelib.usecases.schemas.rollout import JobsQuery

SUPER = Principal("admin", "super_admin")
NOW = datetime(2026, 3, 3, 16, 45, tzinfo=UTC)  # 23:45 WIB


def test_a_job_run_its_function_was_killed_in_is_listed_failed(repos: Repositories) -> None:
    # GIVEN the nightly recap killed by its timeout (started just over 16 minutes ago, never ended), face retention
    # started 3 minutes ago, and yesterday's recap, which succeeded
    killed = JobRun("killed", jobs.DAILY_RECAP, "schedule", "running", NOW - timedelta(seconds=ABANDONED_AFTER_S))
    going = JobRun("going", jobs.FACE_RETENTION, "schedule", "running", NOW - timedelta(minutes=3))
    done = JobRun("done", jobs.DAILY_RECAP, "schedule", "running", NOW - timedelta(days=1))
    done = done.finished(done.started_at + timedelta(minutes=2), {"date": "2026-03-02"}, None)
    for run in (killed, going, done):
        repos.job_runs.save_run(run)
    # WHEN a super admin lists the runs
    listed = {item.run_id: item for item in operations.list_job_runs(SUPER, JobsQuery(), NOW).items}
    # THEN the killed run is failed, saying it did not finish within its time limit; the others stand as they are
    assert (listed["killed"].status, listed["killed"].error, listed["killed"].finished_at) == (
        "failed",
        ABANDONED,
        None,
    )
    assert (listed["going"].status, listed["going"].error) == ("running", None)
    assert (listed["done"].status, listed["done"].result) == ("succeeded", {"date": "2026-03-02"})
    # AND a second sooner is still running: the function may still be at work
    earlier = NOW - timedelta(seconds=1)
    assert {i.run_id: i.status for i in operations.list_job_runs(SUPER, JobsQuery(), earlier).items}[
        "killed"
    ] == "running"
    # AND the record is left as it is (shown, not written: a re-judging run Lambda retries writes its own end)
    stored = repos.job_runs.get_run(jobs.DAILY_RECAP, killed.started_at, "killed")
    assert stored is not None and stored.status == "running"


def test_a_regency_wide_auditor_reads_the_job_runs_and_a_unit_auditor_or_unit_admin_does_not(
    repos: Repositories,
) -> None:
    # GIVEN a nightly recap run
    repos.job_runs.save_run(JobRun("night", jobs.DAILY_RECAP, "schedule", "running", NOW - timedelta(minutes=3)))
    # WHEN an auditor of the whole regency (the inspectorate) lists the runs, THEN they read them, as the route admits
    assert [
        i.run_id for i in operations.list_job_runs(Principal("inspektorat", "auditor"), JobsQuery(), NOW).items
    ] == ["night"]
    # AND an auditor of one unit, or a unit admin, is refused (the runs are the regency's)
    for principal in (
        Principal("pemeriksa", "auditor", frozenset({"U1"})),
        Principal("op", "unit_admin", frozenset({"U1"})),
    ):
        with pytest.raises(ForbiddenError):
            operations.list_job_runs(principal, JobsQuery(), NOW)
