"""Scheduled jobs (EventBridge → Lambda): the same use cases the admin endpoints run on demand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from chalicelib import runtime
from chalicelib.observability import Metric, job
from chalicelib.settings import load_settings
from chalicelib.usecases import recaps, simpeg


def nightly_simpeg_sync() -> dict[str, Any]:
    with job("simpeg_sync", Metric.SIMPEG_DURATION) as summary:
        settings = load_settings()
        runtime.ensure_ready(settings)
        run = simpeg.scheduled_sync(settings).model_dump(mode="json")
        summary.update(run_id=run["run_id"], status=run["status"], counts=run.get("counts"))
    return run


def simpeg_event(event: dict[str, Any]) -> dict[str, Any]:
    """The SimpegSync function's event: the nightly schedule's, or the API's hand-over of a started run."""
    run_id = runtime.worker_run_id(event)
    return resume_simpeg_run(run_id) if run_id else nightly_simpeg_sync()


def resume_simpeg_run(run_id: str) -> dict[str, Any]:
    """The SIMPEG worker: the SimpegSync function invoked by the API with a started run (runtime.start_worker)."""
    with job("simpeg_run", Metric.SIMPEG_DURATION) as summary:
        settings = load_settings()
        runtime.ensure_ready(settings)
        run = simpeg.resume_run(settings, run_id).model_dump(mode="json")
        summary.update(run_id=run["run_id"], status=run["status"], counts=run.get("counts"))
    return run


def daily_recap(day: str | None = None) -> dict[str, Any]:
    """Recap the regency's local date (today when the schedule fires at 23:30 WIB)."""
    with job("daily_recap", Metric.RECAP_DURATION) as summary:
        settings = load_settings()
        runtime.ensure_ready(settings)
        today = datetime.now(UTC).astimezone(settings.tz).date()
        target = today if day is None else datetime.fromisoformat(day).date()
        result = recaps.run_daily_recap(target, settings).model_dump(mode="json")
        summary.update(result)  # date, employees, written, unchanged
    return result
