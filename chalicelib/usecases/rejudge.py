"""Judging recapped days again: a change that reaches days already recapped re-runs their daily recap, so the
daily recap and the monthly report that pay is computed from follow it.

The changes: a leave, a field-duty letter or a roster entered (or cancelled) after the days, a decided request
or review, punches imported from a fingerprint machine, a holiday or Ramadan period, and a unit's cut-over date.
Only past days whose recap is stored are re-run; a day never recapped waits for its own recap. Every change
(`rerun_recapped`: one employee's days; `rerun_units`: a field-duty letter, each of its units' days once;
`unit_days`: the punches of an import; `regency_days`: a holiday or Ramadan period, in every unit;
`cutover_days`: the dates a cut-over moves) re-runs up to `SYNC_UNIT_DAYS` (judging at most
`SYNC_EMPLOYEE_DAYS` employees) within the request, more in the background, handed to the report worker in
recorded runs of the job `recap_rejudge` (`GET /v1/admin/jobs`) of at most `RUN_UNIT_DAYS` each. A day is
re-run as the scheduled runs judge it at the change's instant (the worker: at its hand-over's): the day is past,
so only a night shift of yesterday still running stands as it is (decision 141), its check-out not due yet not
stored missing. Re-running a day writes only statuses that changed, so importing the same file again (or a
retried worker) changes nothing more. The same runs carry the units an admin's daily recap of many units had
no time for (`recap_later`): the worker judges those whether or not their day was recapped before, as the
request judged its own units.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib import runtime
from chalicelib.settings import Settings
from chalicelib.store.job_runs import JobRun
from chalicelib.usecases import recaps
from chalicelib.usecases.operations import find_run, run_ref
from chalicelib.usecases.schemas.reports import RecapRun

JOB = "recap_rejudge"
SYNC_UNIT_DAYS = 31  # recapped unit-days re-run within a request: one unit's month of punches
# ... and the employees those unit-days judge, each unit's size once a day: a 150-person unit's month (3,300) took
# 3.0 s on the local stack, a 300-person one's 5.3 s, a whole regency's day of 7,000 15.7 s (bench/rollout_RESULTS.md)
SYNC_EMPLOYEE_DAYS = 4000
LOOKUP_UNIT_DAYS = 400  # past unit-days whose stored recap a request looks up (one query each) before deciding
RUN_UNIT_DAYS = 1000  # unit-days of one worker run (~25 KB of job-run record)
ADMIN = "admin"  # the trigger of runs a calendar or cut-over change, or an admin's daily recap, hands over
# (an import's: "import")
FINISHED, AS_SCHEDULED = "finished", "as_scheduled"  # how a handed-over daily recap judges its units (`recap_later`)
CHANGED = "changed"  # the NIPs whose plans a handed-over run reads as written (`_now_or_later`)

UnitDay = tuple[str, date]  # (unor_id, local date)


def rerun_recapped(nip: str, days: Iterable[date], settings: Settings, now: datetime) -> list[str]:
    """Re-run the daily recap of each past date among `days` for which the employee's status is stored already
    (a leave, field duty, roster or corrected event changed it), in the unit that stored it (the one they
    belonged to that day, before any move since); the dates re-run within the request, in order (none when
    there are more than it may take: a three-month leave entered afterwards goes to the background)."""
    today = now.astimezone(settings.tz).date()
    stored = ((day, runtime.statuses().employee_status(nip, day)) for day in sorted(set(days)) if day < today)
    pairs = [(found[0], day) for day, found in stored if found is not None]
    return _now_or_later(pairs, settings, now, ADMIN, frozenset({nip}))[0]


def rerun_units(
    units: Iterable[str], days: Iterable[date], settings: Settings, now: datetime, changed: frozenset[str]
) -> list[str]:
    """Re-run within the request each past date among `days` of these units whose recap is stored (a field-duty
    letter naming several employees, `changed`: each unit-day once, whoever of them it names); the dates re-run,
    in order."""
    today = now.astimezone(settings.tz).date()
    pairs = [(unor_id, day) for unor_id in sorted(set(units)) for day in sorted(set(days)) if day < today]
    return unit_days(pairs, settings, now, ADMIN, changed=changed)[0]


def unit_days(
    pairs: Iterable[UnitDay],
    settings: Settings,
    now: datetime,
    trigger: str = "import",
    *,
    changed: frozenset[str] = frozenset(),
) -> tuple[list[str], int]:
    """Judge these unit-days again where they are past and recapped: within the request when at most
    `SYNC_UNIT_DAYS` of them are recapped and they judge at most `SYNC_EMPLOYEE_DAYS` employees, else in the
    background (more than `LOOKUP_UNIT_DAYS` past ones are
    handed over unread, the worker looks them up). The dates re-run now, and the unit-days handed over, in runs
    recorded with `trigger` (`import`: a fingerprint file; `admin`: a calendar or cut-over change). `changed`:
    the employees whose leaves, field duties, roster or own schedule the change wrote (`_now_or_later`)."""
    today = now.astimezone(settings.tz).date()
    past = sorted({(unor_id, day) for unor_id, day in pairs if day < today})
    return _now_or_later(_recapped(past) if len(past) <= LOOKUP_UNIT_DAYS else past, settings, now, trigger, changed)


def _now_or_later(
    pairs: Sequence[UnitDay], settings: Settings, now: datetime, trigger: str, changed: frozenset[str]
) -> tuple[list[str], int]:
    """Re-run these unit-days within the request when they are few enough (`SYNC_UNIT_DAYS`, judging at most
    `SYNC_EMPLOYEE_DAYS`), else hand them to the background: the dates re-run now, and the unit-days handed over.
    Either way the plans of the `changed` employees are read as written (`recaps.judged_unit_day`): the change
    was stored a moment ago, and the indexes the unit's plans are read through may not show it yet."""
    if len(pairs) <= SYNC_UNIT_DAYS and _employee_days(pairs) <= SYNC_EMPLOYEE_DAYS:
        return _rerun(pairs, settings, now, changed), 0
    how = {**_as_of(now), **({CHANGED: sorted(changed)} if changed else {})}
    for first in range(0, len(pairs), RUN_UNIT_DAYS):
        _hand_over(pairs[first : first + RUN_UNIT_DAYS], settings, now, trigger, how)
    return [], len(pairs)


def regency_days(days: Iterable[date], settings: Settings, now: datetime) -> tuple[list[str], int]:
    """`unit_days` of these dates in every unit (a holiday or a Ramadan period changed)."""
    today = now.astimezone(settings.tz).date()
    past = sorted({day for day in days if day < today})
    units = runtime.people().list_unit_ids() if past else []
    return unit_days([(unor_id, day) for unor_id in units for day in past], settings, now, ADMIN)


def cutover_days(unor_id: str, first: date, last: date, settings: Settings, now: datetime) -> tuple[list[str], int]:
    """`unit_days` of the unit's dates from `first` up to `last` (excluded): those whose punches a cut-over change
    counts or ignores now (`usecases.fingerprint.set_cutover` works them out)."""
    days = [first + timedelta(days=i) for i in range((last - first).days)]
    return unit_days([(unor_id, day) for day in days], settings, now, ADMIN)


def recap_later(
    day: date, units: Sequence[str], scheduled_at: datetime | None, settings: Settings, now: datetime
) -> str:
    """Hand the units of an admin's daily recap of `day` that the request had no time for to the report worker,
    in recorded runs of at most `RUN_UNIT_DAYS` units (one for any regency's day), which judge them as the
    request judged its own: whether or not their day was recapped before, as finished or, with `scheduled_at`
    (the instant the admin asked), as the scheduled runs judge it then. The first run's id, as
    `GET /v1/admin/jobs` lists it. A failed hand-over is 503 with its run recorded as failed: pressing again
    judges every unit again (a re-run writes only what changed)."""
    how: dict[str, Any] = (
        {"recap": FINISHED} if scheduled_at is None else {"recap": AS_SCHEDULED, **_as_of(scheduled_at)}
    )
    runs = [
        _hand_over([(unor_id, day) for unor_id in units[first : first + RUN_UNIT_DAYS]], settings, now, ADMIN, how)
        for first in range(0, len(units), RUN_UNIT_DAYS)
    ]
    return runs[0].run_id


def run_handed(ref: str, settings: Settings) -> dict[str, Any]:
    """The report worker: re-run the unit-days of a handed-over run, as scheduled at the instant it records (as
    finished when it records none), and record the outcome (those of an admin's daily recap, `recap_later`,
    judged whether recapped before or not, and counted as the request counts). A
    succeeded or unknown run (a retried invocation) is left as it is; a failure is recorded, with its unit-days,
    and raised (the function's error alarm), and a failed run is run again: Lambda's retry of the invocation
    that failed, or a run whose hand-over answered an error and yet reached the worker, finishes the work (a
    re-run writes only what changed)."""
    run = find_run(JOB, ref)
    if run is None or run.status == "succeeded":
        return {"run": ref, "status": run.status if run else "unknown"}
    asked = run.result or {}
    pairs = [(unor_id, date.fromisoformat(day)) for unor_id, day in asked.get("unit_days", [])]
    recap = asked.get("recap")
    # As scheduled at the instant asked (`_as_of`); a run recorded without one judges its days as finished.
    scheduled_at = datetime.fromisoformat(asked["scheduled_at"]) if "scheduled_at" in asked else None
    try:
        changed = frozenset(asked.get(CHANGED, ()))
        runs = _recap_days(pairs if recap else _recapped(pairs), settings, scheduled_at, changed)
    except Exception as exc:
        runtime.job_runs().save_run(run.finished(datetime.now(UTC), asked, type(exc).__name__))
        raise
    outcome: dict[str, Any] = {"unit_days": len(pairs), "dates": [r.date for r in runs]}
    if recap:
        counts = {key: sum(getattr(r, key) for r in runs) for key in ("employees", "written", "unchanged")}
        outcome = {**outcome, "recap": recap, **counts}
    runtime.job_runs().save_run(run.finished(datetime.now(UTC), outcome, None))
    return {"run": ref, "status": "succeeded", **outcome}


def _employee_days(pairs: Sequence[UnitDay]) -> int:
    """How many employees a re-run of these unit-days judges: each unit's size (one count each), once a day."""
    sizes = {unor_id: runtime.people().count_employees(unor_id) for unor_id in {unit for unit, _ in pairs}}
    return sum(sizes[unor_id] for unor_id, _ in pairs)


def _recapped(pairs: Sequence[UnitDay]) -> list[UnitDay]:
    """Those of these unit-days whose recap is stored (one status read of each)."""
    return [(unor_id, day) for unor_id, day in pairs if runtime.statuses().day_page(unor_id, day, None, limit=1)[0]]


def _rerun(pairs: Sequence[UnitDay], settings: Settings, now: datetime, changed: frozenset[str]) -> list[str]:
    """Re-run the daily recap of these recapped unit-days (one day's units at once) as the scheduled runs judge
    them at `now`; the dates re-run, in order. A day is past, so only a shift still running (a night shift of
    yesterday before its end) is judged as it stands (decision 141): as a finished day its check-out not due yet
    was stored missing, PSW4, until the 10:30 run. Who is judged is the re-run's rule either way (decision 122)."""
    return [run.date for run in _recap_days(pairs, settings, now, changed)]


def _as_of(instant: datetime) -> dict[str, Any]:
    """How a handed-over run judges its days: as the scheduled runs judge them at `instant` (`run_handed`)."""
    return {"scheduled_at": instant.astimezone(UTC).isoformat()}


def _recap_days(
    pairs: Sequence[UnitDay],
    settings: Settings,
    scheduled_at: datetime | None = None,
    changed: frozenset[str] = frozenset(),
) -> list[RecapRun]:
    """Run the daily recap of these unit-days (one day's units at once; as scheduled at `scheduled_at` when
    given; the plans of the `changed` employees read as written), by date."""
    by_day: dict[date, list[str]] = {}
    for unor_id, day in pairs:
        by_day.setdefault(day, []).append(unor_id)
    return [
        recaps.run_daily_recap(day, settings, units, scheduled_at=scheduled_at, changed=changed)
        for day, units in sorted(by_day.items())
    ]


def _hand_over(
    chunk: Sequence[UnitDay], settings: Settings, now: datetime, trigger: str, how: dict[str, Any] | None = None
) -> JobRun:
    """Record a run of these unit-days (and `how` to judge them: `recap_later`) and hand it to the report
    worker; a failed hand-over is recorded as the run's failure (its unit-days kept) and answered 503."""
    asked = {"unit_days": [[unor_id, day.isoformat()] for unor_id, day in chunk], **(how or {})}
    run = JobRun(secrets.token_hex(6), JOB, trigger, "running", now.replace(microsecond=0), result=asked)
    runtime.job_runs().save_run(run)
    ref = run_ref(run)
    try:
        runtime.start_rejudge(settings, ref, lambda: run_handed(ref, settings))
    except Exception:
        runtime.job_runs().save_run(run.finished(datetime.now(UTC), asked, "hand-over failed"))
        raise
    return run
