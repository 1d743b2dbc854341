"""The job-runs repository: one record per run of a scheduled job (start, end, outcome), read newest first.

The jobs of `chalicelib.jobs` write it whoever fires them (EventBridge in AWS, the local scheduler of
`make run`, `python -m tools.devstack fire`), so `GET /v1/admin/jobs` shows the same history everywhere.
`JobRunRepository` is what the use cases may ask; `DynamoJobRunRepository` answers it from DynamoDB and
`chalicelib.store.memory.job_runs` from a list; `tests/unit/store/job_runs_contract.py` is the one test class
both pass. Runs expire after RUN_TTL.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.store.base import iso, item_from, record_from, storage_call
from chalicelib.store.models import JobRunModel
from chalicelib.store.people import get_model

RUN_TTL = timedelta(days=90)


@dataclass(frozen=True)
class JobRun:
    run_id: str
    job: str
    trigger: str  # schedule | manual
    status: str  # running | succeeded | failed
    started_at: datetime
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error: str | None = None

    def finished(self, at: datetime, result: dict[str, Any] | None, error: str | None) -> JobRun:
        return replace(self, status="failed" if error else "succeeded", finished_at=at, result=result, error=error)


class JobRunRepository(Protocol):
    def save_run(self, run: JobRun) -> None:
        """Write the run (again): once when it starts, once when it ends."""
        ...

    def recent_runs(self, jobs: Iterable[str], limit: int) -> list[JobRun]:
        """The newest `limit` runs of these jobs, newest first."""
        ...

    def get_run(self, job: str, started_at: datetime, run_id: str) -> JobRun | None:
        """The run `run_id` of `job` that started at `started_at` (to the second), or None."""
        ...


def newest_first(per_job: Iterable[list[JobRun]], limit: int) -> list[JobRun]:
    runs = [run for runs in per_job for run in runs]
    return heapq.nlargest(limit, runs, key=lambda run: (run.started_at, run.run_id))


def _key(run: JobRun) -> str:
    return run_key(run.started_at, run.run_id)


def run_key(started_at: datetime, run_id: str) -> str:
    return f"{iso(started_at)}#{run_id}"


class DynamoJobRunRepository:
    def save_run(self, run: JobRun) -> None:
        item = item_from(
            JobRunModel,
            run,
            key=_key(run),
            started_at=iso(run.started_at),
            finished_at=iso(run.finished_at) if run.finished_at else None,
            expires=run.started_at + RUN_TTL,
        )
        with storage_call("dynamodb"):
            item.save()

    def recent_runs(self, jobs: Iterable[str], limit: int) -> list[JobRun]:
        with storage_call("dynamodb"):
            per_job = [[_run(m) for m in JobRunModel.query(job, scan_index_forward=False, limit=limit)] for job in jobs]
        return newest_first(per_job, limit)

    def get_run(self, job: str, started_at: datetime, run_id: str) -> JobRun | None:
        found = get_model(JobRunModel, job, run_key(started_at, run_id))
        return _run(found) if found is not None else None


def _run(m: JobRunModel) -> JobRun:
    return record_from(
        JobRun,
        m,
        started_at=datetime.fromisoformat(m.started_at),
        finished_at=datetime.fromisoformat(m.finished_at) if m.finished_at else None,
    )
