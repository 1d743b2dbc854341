"""The behaviour every implementation of `chalicelib.store.job_runs.JobRunRepository` must have.

Subclass `JobRunRepositoryContract` with a `repo` fixture returning an empty repository: the in-memory twin
in tests/unit/store, the DynamoDB one (moto in-process) in tests/functional/test_job_runs_store.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.store.job_runs import JobRun, JobRunRepository

T0 = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)


def run(job: str, minutes: int, run_id: str) -> JobRun:
    return JobRun(run_id, job, "schedule", "running", T0 + timedelta(minutes=minutes))


class JobRunRepositoryContract:
    def test_an_empty_repository_has_no_runs(self, repo: JobRunRepository) -> None:
        assert repo.recent_runs(["daily_recap"], 10) == []

    def test_a_run_is_saved_when_it_starts_and_again_when_it_ends(self, repo: JobRunRepository) -> None:
        started = run("daily_recap", 0, "r1")
        repo.save_run(started)
        assert repo.recent_runs(["daily_recap"], 10) == [started]
        ended = started.finished(T0 + timedelta(seconds=42), {"written": 3}, None)
        repo.save_run(ended)
        assert repo.recent_runs(["daily_recap"], 10) == [ended]
        assert ended.status == "succeeded"
        failed = run("simpeg_sync", 1, "r2").finished(T0 + timedelta(minutes=2), None, "UnavailableError")
        repo.save_run(failed)
        assert repo.recent_runs(["simpeg_sync"], 10) == [failed] and failed.status == "failed"

    def test_runs_of_several_jobs_come_newest_first_up_to_the_limit(self, repo: JobRunRepository) -> None:
        runs = [run("daily_recap", 0, "a"), run("simpeg_sync", 5, "b"), run("daily_recap", 10, "c")]
        for r in runs:
            repo.save_run(r)
        assert repo.recent_runs(["daily_recap", "simpeg_sync"], 10) == [runs[2], runs[1], runs[0]]
        assert repo.recent_runs(["daily_recap", "simpeg_sync"], 2) == [runs[2], runs[1]]
        assert repo.recent_runs(["housekeeping"], 10) == []

    def test_a_run_is_found_by_its_job_start_and_id(self, repo: JobRunRepository) -> None:
        started = run("monthly_export", 0, "e1")
        repo.save_run(started)
        assert repo.get_run("monthly_export", T0, "e1") == started
        ended = started.finished(T0 + timedelta(seconds=9), {"filename": "rekap.xlsx"}, None)
        repo.save_run(ended)
        assert repo.get_run("monthly_export", T0, "e1") == ended
        # another job, another second or another id finds nothing
        assert repo.get_run("daily_recap", T0, "e1") is None
        assert repo.get_run("monthly_export", T0 + timedelta(seconds=1), "e1") is None
        assert repo.get_run("monthly_export", T0, "e2") is None
