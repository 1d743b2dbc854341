"""Operations: the runs of the scheduled jobs, for super admins (`GET /v1/admin/jobs`), and the reference by
which a run handed to a worker is found again (`run_ref`, `find_run`)."""

from __future__ import annotations

import re
from dataclasses import asdict, replace
from datetime import UTC, datetime

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.domain.runs import ABANDONED, abandoned
from chalicelib.store.base import iso
from chalicelib.store.job_runs import JobRun
from chalicelib.usecases import access
from chalicelib.usecases.schemas.rollout import JOB_NAMES, JobRunItem, JobRunPage, JobsQuery

_RUN_REF = re.compile(r"^(\d{14})-([0-9a-f]{12})$")


def list_job_runs(principal: Principal, query: JobsQuery, now: datetime) -> JobRunPage:
    access.require_regency_reader(principal)  # as the route admits (a regency-wide auditor reads)
    names = [query.job] if query.job else list(JOB_NAMES)
    runs = runtime.job_runs().recent_runs(names, query.limit)
    return JobRunPage(items=[_item(as_it_stands(run, now)) for run in runs], next=None)


def as_it_stands(run: JobRun, now: datetime) -> JobRun:
    """`run` as an admin should read it: one still `running` past its function's timeout was killed by Lambda
    (a recap of many units, an outage of DynamoDB) and is shown `failed`, as an abandoned SIMPEG run is, instead
    of `running` until it expires. Shown, not recorded: the store has no conditional write, and a re-judging run
    that Lambda retries after the deadline records its own end in the same record."""
    if not abandoned(run.status, run.started_at, now):
        return run
    return replace(run, status="failed", error=ABANDONED)


def _item(run: JobRun) -> JobRunItem:
    times = {"started_at": iso(run.started_at), "finished_at": iso(run.finished_at) if run.finished_at else None}
    return JobRunItem.model_validate({**asdict(run), **times})


def run_ref(run: JobRun) -> str:
    """A run's reference: its start (to the second) and its id, which together are its key."""
    return f"{run.started_at:%Y%m%d%H%M%S}-{run.run_id}"


def find_run(job: str, ref: str) -> JobRun | None:
    """The run of `job` that `ref` (`run_ref`) names, or None (also for a malformed reference, and for fourteen
    digits that name no instant: an export id polled by hand is bad input, answered 404, never 500)."""
    matched = _RUN_REF.match(ref)
    if matched is None:
        return None
    try:
        started = datetime.strptime(matched.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:  # a 13th month, a 31 November, a 60th second
        return None
    return runtime.job_runs().get_run(job, started, matched.group(2))
