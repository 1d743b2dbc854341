"""In-memory twin of the job-runs repository (`chalicelib.store.job_runs.JobRunRepository`)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from chalicelib.store.job_runs import JobRun, newest_first, run_key


class InMemoryJobRunRepository:
    def __init__(self) -> None:
        self._runs: dict[tuple[str, str], JobRun] = {}
        self._lock = threading.Lock()

    def save_run(self, run: JobRun) -> None:
        with self._lock:
            self._runs[(run.job, run.run_id)] = run

    def recent_runs(self, jobs: Iterable[str], limit: int) -> list[JobRun]:
        wanted = set(jobs)
        with self._lock:
            runs = [run for (job, _), run in self._runs.items() if job in wanted]
        return newest_first([runs], limit)

    def get_run(self, job: str, started_at: datetime, run_id: str) -> JobRun | None:
        with self._lock:
            found = self._runs.get((job, run_id))
        return found if found is not None and run_key(found.started_at, run_id) == run_key(started_at, run_id) else None
