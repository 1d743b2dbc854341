"""Scheduled jobs (EventBridge → Lambda): the same use cases the admin endpoints run on demand.

Each run of a scheduled job is recorded in the job-runs repository (`runtime.job_runs()`) when it starts and
when it ends, whoever fires it: EventBridge in AWS (`trigger="schedule"`), the local scheduler of `make run`,
or `python -m tools.devstack fire <job>` (`trigger="manual"`). `GET /v1/admin/jobs` lists them. The day-off
watch is the exception: it changes nothing, runs 36 times a working day, and leaves its log line and metrics
only (`day_off_watch`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from chalicelib import runtime
from chalicelib.observability import Metric, add, job
from chalicelib.settings import Settings, load_settings
from chalicelib.store.job_runs import JobRun
from chalicelib.usecases import exports, faces, recaps, rejudge, simpeg
from chalicelib.usecases.calendar import holiday_on, ramadan_hours_ended

DAILY_RECAP = "daily_recap"
DAY_BEFORE_RECAP = "day_before_recap"
SIMPEG_SYNC = "simpeg_sync"
FACE_RETENTION = "face_retention"
DAY_OFF_WATCH = "day_off_watch"
ERROR_CHARS = 500
MAKE_UP_DAYS = 7  # how far back the nightly recap judges days no recap run judged finished (decision 146)
RUNS_READ = 40  # the recap runs read to find them: two scheduled runs a day, and manual ones


def recorded(name: str, trigger: str, work: Callable[[Settings], dict[str, Any]]) -> dict[str, Any]:
    """Run `work` as one recorded run of the job `name` (a failure is recorded, then raised again)."""
    settings = load_settings()
    runtime.ensure_ready(settings)
    run = JobRun(uuid.uuid4().hex[:12], name, trigger, "running", datetime.now(UTC))
    runtime.job_runs().save_run(run)
    try:
        result = work(settings)
    except Exception as exc:
        runtime.job_runs().save_run(run.finished(datetime.now(UTC), None, f"{type(exc).__name__}: {exc}"[:ERROR_CHARS]))
        raise
    runtime.job_runs().save_run(run.finished(datetime.now(UTC), result, None))
    return result


def nightly_simpeg_sync(trigger: str = "schedule") -> dict[str, Any]:
    with job(SIMPEG_SYNC, Metric.SIMPEG_DURATION) as summary:
        run = recorded(SIMPEG_SYNC, trigger, lambda settings: simpeg.nightly_sync(settings).model_dump(mode="json"))
        summary.update(run_id=run["run_id"], status=run["status"], counts=run.get("counts"))
    return run


def forget_departed_faces(trigger: str = "schedule") -> dict[str, Any]:
    """Nightly at 02:00 local time, in a function of its own (the only one besides the API that may delete faces): the
    faces of employees SIMPEG deactivated more than SMART_FACE_RETENTION_DAYS ago are deleted."""
    with job(FACE_RETENTION, Metric.FACE_RETENTION_DURATION) as summary:
        result = recorded(
            FACE_RETENTION, trigger, lambda settings: faces.forget_departed(settings, datetime.now(UTC)).model_dump()
        )
        summary.update(result)
    return result


def simpeg_event(event: dict[str, Any]) -> dict[str, Any]:
    """The SimpegSync function's event: the nightly schedule's, or the API's hand-over of a started run."""
    run_id = runtime.worker_run_id(event)
    return resume_simpeg_run(run_id, runtime.worker_turn(event)) if run_id else nightly_simpeg_sync()


def resume_simpeg_run(run_id: str, turn: str) -> dict[str, Any]:
    """The SIMPEG worker: the SimpegSync function invoked by the API with a started run (runtime.start_worker)."""
    with job("simpeg_run", Metric.SIMPEG_DURATION) as summary:
        settings = load_settings()
        runtime.ensure_ready(settings)
        run = simpeg.resume_run(settings, run_id, turn).model_dump(mode="json")
        summary.update(run_id=run["run_id"], status=run["status"], counts=run.get("counts"))
    return run


def report_event(event: dict[str, Any]) -> dict[str, Any]:
    """The ReportWorker function: the API's hand-over of a started monthly export (runtime.start_export) or of
    recapped days to judge again (runtime.start_rejudge). Any other event is left alone (nothing else invokes
    it)."""
    ref, export_id = runtime.rejudge_ref_of(event), runtime.export_id_of(event)
    name, metric = (rejudge.JOB, Metric.RECAP_DURATION) if ref else (exports.JOB, Metric.EXPORT_DURATION)
    with job(name, metric) as summary:
        if ref is None and export_id is None:
            summary.update(status="ignored")
            return summary
        settings = load_settings()
        runtime.ensure_ready(settings)
        summary.update(rejudge.run_handed(ref, settings) if ref else exports.build(str(export_id), settings))
    return summary


def daily_recap(day: str | None = None, trigger: str = "schedule") -> dict[str, Any]:
    """Recap `day`, or, as the schedule fires at 23:30 local time, today and the day before again
    (`recaps.run_nightly_recap`: the night shifts that ended this morning), then the days no run judged finished
    (`missed_days`); the day before's run is in the result's `day_before`, those days' in `made_up`."""

    def work(settings: Settings) -> dict[str, Any]:
        if day is not None:
            return recaps.run_daily_recap(datetime.fromisoformat(day).date(), settings).model_dump(mode="json")
        now = datetime.now(UTC)
        runs = runtime.job_runs().recent_runs([DAILY_RECAP, DAY_BEFORE_RECAP], RUNS_READ)
        missed = missed_days(now.astimezone(settings.tz).date(), runs, settings.tz)
        before, today = recaps.run_nightly_recap(now, settings)
        made_up = [recaps.run_daily_recap(d, settings, scheduled_at=now).model_dump(mode="json") for d in missed]
        return {**today.model_dump(mode="json"), "day_before": before.model_dump(mode="json"), "made_up": made_up}

    with job(DAILY_RECAP, Metric.RECAP_DURATION) as summary:
        result = recorded(DAILY_RECAP, trigger, work)
        summary.update(result)  # date, employees, written, unchanged
    return result


def missed_days(today: date, runs: Iterable[JobRun], tz: tzinfo) -> list[date]:
    """The days before yesterday that no succeeded recap run among `runs` judged as finished, oldest first: at most
    MAKE_UP_DAYS back, and none before the oldest run listed (a new stage does not judge the weeks before it ran).
    A day's own 23:30 run judges it as it stands (a night shift not over, a late shift not begun: decision 141);
    the 10:30 run and the 23:30 run of the next day judge it finished. A day both missed (an outage of a day or
    more) would keep a night shift's missing check-out, or a no-show's TK, unjudged until an admin recounted it
    (decision 146)."""
    listed = list(runs)
    if not listed:
        return []
    finished = {d for run in listed if run.status == "succeeded" for d in _days_finished(run)}
    start = max(today - timedelta(days=MAKE_UP_DAYS), min(run.started_at for run in listed).astimezone(tz).date())
    days = (start + timedelta(days=i) for i in range((today - start).days - 1))
    return [d for d in days if d.isoformat() not in finished]


def _days_finished(run: JobRun) -> list[str]:
    """The dates a recap run judged as finished days: a nightly run's day before and the days it made up (not its
    own date, judged as it stood), the morning run's date, the date a run was given."""
    result = run.result or {}
    nightly = run.job == DAILY_RECAP and "day_before" in result
    judged = [result.get("day_before"), *(result.get("made_up") or [])] if nightly else [result]
    return [str(r["date"]) for r in judged if isinstance(r, dict) and r.get("date")]


def day_before_recap(trigger: str = "schedule") -> dict[str, Any]:
    """Recap the day before again in the morning (10:30 local, infra/schedules.py): its night shifts ended
    this morning, so their check-outs count hours before the 23:30 run would judge that day again."""

    def work(settings: Settings) -> dict[str, Any]:
        now = datetime.now(UTC)
        day_before = now.astimezone(settings.tz).date() - timedelta(days=1)
        return recaps.run_daily_recap(day_before, settings, scheduled_at=now).model_dump(mode="json")

    with job(DAY_BEFORE_RECAP, Metric.RECAP_DURATION) as summary:
        result = recorded(DAY_BEFORE_RECAP, trigger, work)
        summary.update(result)
    return result


def recap_event(event: dict[str, Any]) -> dict[str, Any]:
    """The DailyRecap function's event: its own 23:30 schedule's, or the morning schedule's, whose input names
    the day-before job (runtime.scheduled_job_event)."""
    return day_before_recap() if runtime.scheduled_job_of(event) == DAY_BEFORE_RECAP else daily_recap()


def utc_now() -> datetime:
    """The instant the day-off watch judges (tests set it)."""
    return datetime.now(UTC)


def day_off_watch(trigger: str = "schedule") -> dict[str, Any]:
    """Every 5 minutes of the working windows, Monday to Friday (infra/schedules.py): on a day the regency's
    calendar gives off (a national holiday, cuti bersama or a local holiday), and on a Ramadan weekday once its
    shorter hours are over, send `DayOff`, which tells NoAcceptedCheckinsAlarm not to watch these 5 minutes
    (infra/alarms.py). On a working day it sends nothing, and when the calendar cannot be read it fails and sends
    nothing: the alarm then watches the day as a working day, as it did before the watch existed (it fails safe, and
    the function's Errors alarm says the watch is broken). Its role may read the calendar (holidays, Ramadan
    periods) and nothing else, so it neither records its runs nor creates the first admin."""
    with job(DAY_OFF_WATCH, Metric.DAY_OFF_WATCH_DURATION) as summary:
        settings = load_settings()
        runtime.ensure_tables(settings)
        now = utc_now()
        today = now.astimezone(settings.tz).date()
        summary.update(trigger=trigger, date=today.isoformat(), **_day_off(now, settings))
    return summary


def _day_off(now: datetime, settings: Settings) -> dict[str, Any]:
    """What `now`'s local day is for the alarm, sending `DayOff` on a weekday holiday, and on a Ramadan weekday once
    its hours are over (the afternoon window would hear no check-out: `ramadan_hours_ended`). A weekend needs no
    word: the alarm watches Monday to Friday only (the schedule never fires then; `make fire` may)."""
    today = now.astimezone(settings.tz).date()
    if today.isoweekday() > 5:
        return {"day_off": "weekend"}
    holiday = holiday_on(today)
    if holiday is not None:
        add(Metric.DAY_OFF)
        return {"day_off": holiday.kind.value, "holiday": holiday.name}
    ended = ramadan_hours_ended(now, settings)
    if ended is None:
        return {"day_off": None}
    add(Metric.DAY_OFF)
    return {"day_off": "ramadan_after_hours", "ramadan_hours_end": ended.strftime("%H:%M")}


# The scheduled jobs by name (infra/schedules.py `LocalSchedule.job_name`: a Chalice function's own schedule, or
# a second schedule of one), as a scheduler fires them.
JOBS: dict[str, Callable[[str], dict[str, Any]]] = {
    DAILY_RECAP: lambda trigger: daily_recap(trigger=trigger),
    DAY_BEFORE_RECAP: day_before_recap,
    SIMPEG_SYNC: nightly_simpeg_sync,
    FACE_RETENTION: forget_departed_faces,
    DAY_OFF_WATCH: day_off_watch,
}
