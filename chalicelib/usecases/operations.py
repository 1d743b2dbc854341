"""Operations: the runs of the scheduled jobs, for super admins (`GET /v1/admin/jobs`), and the reference by
which a run handed to a worker is found again (`run_ref`, `find_run`)."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, datetime

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.store.base import iso
from chalicelib.store.job_runs import JobRun
from chalicelib.usecases import access
from chalicelib.usecases.schemas.rollout import JOB_NAMES, JobRunItem, JobRunPage, JobsQuery

_RUN_REF = re.compile(r"^(\d{14})-([0-9a-f]{12})$")


def list_job_runs(principal: Principal, query: JobsQuery) -> JobRunPage:
    access.require_super_admin(principal)
    names = [query.job] if query.job else list(JOB_NAMES)
    return JobRunPage(items=[_item(run) for run in runtime.job_runs().recent_runs(names, query.limit)], next=None)


def _item(run: JobRun) -> JobRunItem:
    times = {"started_at": iso(run.started_at), "finished_at": iso(run.finished_at) if run.finished_at else None}
    return JobRunItem.model_validate({**asdict(run), **times})


def run_ref(run: JobRun) -> str:
    """A run's reference: its start (to the second) and its id, which together are its key."""
    return f"{run.started_at:%Y%m%d%H%M%S}-{run.run_id}"


def find_run(job: str, ref: str) -> JobRun | None:
    """The run of `job` that `ref` (`run_ref`) names, or None (also for a malformed reference)."""
    matched = _RUN_REF.match(ref)
    if matched is None:
        return None
    started = datetime.strptime(matched.group(1), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return runtime.job_runs().get_run(job, started, matched.group(2))
