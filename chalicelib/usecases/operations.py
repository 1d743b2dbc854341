"""Operations: the runs of the scheduled jobs, for super admins (`GET /v1/admin/jobs`)."""

from __future__ import annotations

from dataclasses import asdict

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.store.base import iso
from chalicelib.store.job_runs import JobRun
from chalicelib.usecases import access
from chalicelib.usecases.schemas.rollout import JOB_NAMES, JobRunItem, JobRunPage, JobsQuery


def list_job_runs(principal: Principal, query: JobsQuery) -> JobRunPage:
    access.require_super_admin(principal)
    names = [query.job] if query.job else list(JOB_NAMES)
    return JobRunPage(items=[_item(run) for run in runtime.job_runs().recent_runs(names, query.limit)], next=None)


def _item(run: JobRun) -> JobRunItem:
    times = {"started_at": iso(run.started_at), "finished_at": iso(run.finished_at) if run.finished_at else None}
    return JobRunItem.model_validate({**asdict(run), **times})
