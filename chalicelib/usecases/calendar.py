"""Admin use cases of the calendar: unit and personal schedules (versioned), shift rosters, holidays,
Ramadan periods and leaves. Every write is audited; a schedule change never rewrites past days."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from chalicelib import runtime
from chalicelib.domain.calendar import (
    MAX_LEAVE_DAYS,
    DateRange,
    Holiday,
    HolidayKind,
    LeaveEntry,
    LeaveKind,
    NewScheduleVersion,
    ScheduleEntry,
    StoredLeave,
)
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import AttemptClaim, Employee, Principal
from chalicelib.domain.schedule import RosterDays, WeekSchedule, WorkHours, roster_text
from chalicelib.domain.text import is_digits
from chalicelib.errors import AttendanceError, ConflictError, NotFoundError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed
from chalicelib.store.calendar import LEAVE_ID, employee_owner, new_leave_id, new_version_id, unit_owner
from chalicelib.usecases import access, movers, recaps, rejudge, turns
from chalicelib.usecases.directory import (
    employee_in_scope,
    employee_to_change,
    require_judged,
    unit_in_scope,
    with_names,
)
from chalicelib.usecases.paging import across_units, then_whole
from chalicelib.usecases.schemas.calendar import (
    EmployeeSchedule,
    HolidayDeleted,
    HolidayPage,
    HolidayRequest,
    HolidaySaved,
    HolidaysQuery,
    Leave,
    LeaveRequest,
    Ramadan,
    RamadanRequest,
    ScheduleRequest,
    ShiftRemoved,
    ShiftRoster,
    ShiftsRequest,
    ShiftsSaved,
    StoredRamadan,
    UnitSchedule,
    UnitScheduleSet,
)
from chalicelib.usecases.schemas.common import parse_date
from chalicelib.usecases.schemas.requests import Cancelled, DatesQuery, LeaveItem, LeavePage, PeriodQuery
from chalicelib.usecases.zones import (
    RecordState,
    cancel_once,
    first_open_id,
    query_period,
    recorded_id,
)

MAX_RAMADAN = timedelta(days=31)  # the longest a Ramadan period may run, its last day after its first


def _week(body: ScheduleRequest) -> WeekSchedule:
    try:
        return WeekSchedule.from_dict(body.days)
    except AttendanceError as exc:
        raise ValidationError(exc.message or "Jadwal tidak valid.", {"days": exc.details}) from exc


def _effective_from(body: ScheduleRequest, settings: Settings, now: datetime) -> date:
    effective = body.effective_from
    if effective < now.astimezone(settings.tz).date():
        raise ValidationError("Jadwal tidak boleh berlaku surut.", {"effective_from": "today or later"})
    return effective


def _history(owner: str, unit: str | None = None) -> list[dict[str, Any]]:
    """The owner's schedule versions as the answers list them; an employee's own versions (`unit`: the unit they
    are in) only those written for that unit, the ones that apply (decision 387: after a move those written at
    the unit left are not their plan's, and listed they told the admin a week that no longer holds)."""
    return [
        {"effective_from": e.effective_from, "created_at": e.created_at, "created_by": e.created_by, "days": e.days}
        for e in runtime.calendar().schedule_history(owner)
        if unit is None or e.unor_id == unit
    ]


def _holidays(year: int) -> list[dict[str, str]]:
    return [
        {"date": h.day.isoformat(), "name": h.name, "kind": h.kind.value}
        for h in runtime.calendar().holidays_of_year(year)
    ]


def _add_version(
    actor: Principal,
    owner: str,
    effective: date,
    week: WeekSchedule,
    *,
    named: tuple[str, str],
    personal_unit: str | None = None,
) -> str:
    """Store a schedule version once, with the audit entry naming it (`named`: its action and target, with
    `_audited_week` as details) in the same write, and answer its creation instant. Its id derives from the admin,
    the owner, the unit (an own version's) and the content (`zones.first_open_id`), so a retry of the same save
    (after a 503 or a lost answer) finds the version its first try stored and stores nothing. The same save sent
    after another version of the owner was saved is not a retry but a new version (the office week put back after a
    short week replaced it): a version saved before the owner's last one counts as taken back, and the chain's next
    id is used. Within one second the last save cannot be told apart (`created_at` has whole seconds). A retry that
    finds the version stored answers it without a second entry."""
    source = json.dumps([actor.subject, owner, personal_unit, _audited_week(effective, week)], sort_keys=True)
    history = runtime.calendar().schedule_history(owner)
    version_id = first_open_id(new_version_id, source, _superseded(history))
    stored = next((e for e in history if e.version_id == version_id), None)
    if stored is not None:
        return stored.created_at
    try:
        version = NewScheduleVersion(owner, effective, week, actor.subject, personal_unit, version_id=version_id)
        action, target = named
        entry = runtime.audit().stamped(actor.subject, action, {target: _audited_week(effective, week)})
        return runtime.calendar().add_schedule_version(version, entry)
    except ConditionFailed:  # a parallel try of the same save stored it meanwhile
        return next(e.created_at for e in runtime.calendar().schedule_history(owner) if e.version_id == version_id)


def _superseded(history: list[ScheduleEntry]) -> RecordState:
    """The state of a version id in `history` for `first_open_id`: None when none has it, True when it was
    saved before the owner's last save (a save sent again is then new), False when it is the last saved."""
    last = max((e.created_at for e in history), default="")

    def state(version_id: str) -> bool | None:
        found = next((e for e in history if e.version_id == version_id), None)
        return None if found is None else found.created_at < last

    return state


def set_unit_schedule(
    actor: Principal, unor_id: str, body: ScheduleRequest, settings: Settings, now: datetime
) -> UnitScheduleSet:
    """Add a version of the unit's week, audited in the same write; the same save sent again stores nothing twice
    and names it no second time (`_add_version`)."""
    unit_in_scope(actor, unor_id)
    effective, week = _effective_from(body, settings, now), _week(body)
    created_at = _add_version(actor, unit_owner(unor_id), effective, week, named=("schedule.unit", unor_id))
    recaps.frames_changed([unor_id])
    return UnitScheduleSet.model_validate(
        {
            "unor_id": unor_id,
            "effective_from": effective.isoformat(),
            "created_at": created_at,
            "days": week.to_dict(),
            "versions": _history(unit_owner(unor_id)),
        }
    )


def _audited_week(effective: date, week: WeekSchedule) -> dict[str, object]:
    """A schedule version as the audit log keeps it: from when, and its hours per weekday (a week with no working
    day, which makes every day a day off, shows as such)."""
    return {"effective_from": effective.isoformat(), "days": week.to_dict()}


def get_unit_schedule(actor: Principal, unor_id: str) -> UnitSchedule:
    access.require_unit_scope(actor, unor_id)
    return UnitSchedule.model_validate({"unor_id": unor_id, "versions": _history(unit_owner(unor_id))})


def get_employee_schedule(actor: Principal, nip: str) -> EmployeeSchedule:
    """The employee's own schedule versions written for the unit they are in (empty: the unit's schedule
    applies, as it does after a move for those written at the unit left)."""
    employee = employee_in_scope(actor, nip)
    versions = _history(employee_owner(employee.nip), employee.unor_id)
    return EmployeeSchedule.model_validate({"nip": employee.nip, "versions": versions})


def set_employee_schedule(
    actor: Principal, nip: str, body: ScheduleRequest, settings: Settings, now: datetime
) -> EmployeeSchedule:
    employee = employee_to_change(actor, nip)
    effective, week = _effective_from(body, settings, now), _week(body)
    owner = employee_owner(employee.nip)
    _add_version(
        actor, owner, effective, week, named=("schedule.employee", employee.nip), personal_unit=employee.unor_id
    )
    recaps.frames_changed([employee.unor_id])
    return EmployeeSchedule.model_validate({"nip": employee.nip, "versions": _history(owner, employee.unor_id)})


def set_shifts(actor: Principal, nip: str, body: ShiftsRequest, settings: Settings, now: datetime) -> ShiftsSaved:
    """A shift roster: per date the hours (possibly crossing midnight) or null for a day off. Recapped past days
    are judged again: each changed date and its neighbours, whose windows a night shift reaches. Audited in the
    write's own transaction, naming what the dates had (`before`: a date absent from it had no roster entry), as
    `put_holiday` is: a past working day made a day off is found by what it replaced."""
    employee = employee_to_change(actor, nip)
    shifts = _roster(body)

    def audited(replaced: RosterDays) -> AuditBatch:
        detail = {
            "days": len(shifts),
            "dates": sorted(day.isoformat() for day in shifts),
            "hours": roster_text(shifts),
            "before": roster_text(replaced),
        }
        return runtime.audit().stamped(actor.subject, "schedule.shifts", {employee.nip: detail})

    try:
        runtime.calendar().put_shifts(employee.nip, employee.unor_id, shifts, actor.subject, audited)
    except ConditionFailed as exc:  # another admin changed one of the dates between its read and the write
        raise ConflictError("Jadwal sif pegawai ini berubah bersamaan; coba lagi.", {"nip": employee.nip}) from exc
    return ShiftsSaved(nip=employee.nip, days=len(shifts), recapped=_rejudge_roster(employee, shifts, settings, now))


def _roster(body: ShiftsRequest) -> RosterDays:
    """The request's roster dates, each with its hours (None: a day off)."""
    shifts: RosterDays = {}
    for day_text, hours in body.shifts.items():
        day = parse_date(day_text, "shifts")
        try:
            shifts[day] = None if hours is None else WorkHours.parse(hours.get("start"), hours.get("end"))
        except (AttendanceError, AttributeError) as exc:
            raise ValidationError("Jam sif tidak valid.", {"shifts": day_text}) from exc
    return shifts


def remove_shift(actor: Principal, nip: str, day_text: str, settings: Settings, now: datetime) -> ShiftRemoved:
    """Remove a roster date entered by mistake: the date follows the employee's schedule again (their own or the
    unit's, Ramadan hours and holidays included). Recapped past days are judged again as `set_shifts` does. A
    date with no entry answers 404 after judging its days again all the same: it may be the retry of a removal
    whose re-run failed (as `_after_change` says of the regency calendar).

    Audited in the removal's own transaction: a failed entry (503) leaves the date rostered for the retry, which
    names it once; a parallel removal that came first leaves this one nothing to remove or name (404)."""
    employee = employee_to_change(actor, nip)
    day = parse_date(day_text, "date")
    audit = runtime.audit().stamped(actor.subject, "schedule.shift_removed", {employee.nip: {"date": day.isoformat()}})
    if not runtime.calendar().remove_shift(employee.nip, day, actor.subject, audit):
        _rejudge_roster(employee, [day], settings, now)
        raise NotFoundError("Tanggal ini tidak punya sif tersimpan.", {"date": day.isoformat()})
    recapped = _rejudge_roster(employee, [day], settings, now)
    return ShiftRemoved(nip=employee.nip, date=day.isoformat(), removed=True, recapped=recapped)


def _rejudge_roster(employee: Employee, days: Iterable[date], settings: Settings, now: datetime) -> list[str]:
    """What follows a roster change (`_after_change`): the unit's frames built again, and the recapped past days
    it reaches judged again: each changed date and its neighbours, whose windows a night shift reaches."""
    recaps.frames_changed([employee.unor_id])
    reach = {day + timedelta(days=d) for day in days for d in recaps.NEIGHBOURS}
    return rejudge.rerun_recapped(employee.nip, reach, settings, now)


def get_shifts(actor: Principal, nip: str, query: DatesQuery, settings: Settings, now: datetime) -> ShiftRoster:
    """The employee's saved roster dates of a range (by default 30 days either side of today)."""
    employee = employee_in_scope(actor, nip)
    start, end = query_period(query, settings, now)
    roster = runtime.calendar().roster(employee.nip, start, end)
    shifts = roster_text(roster)
    return ShiftRoster.model_validate(
        {"nip": employee.nip, "from_date": start.isoformat(), "to_date": end.isoformat(), "shifts": shifts}
    )


def put_holiday(
    actor: Principal, day_text: str, body: HolidayRequest, settings: Settings, now: datetime
) -> HolidaySaved:
    """Create or replace the holiday of a day. Audited in the write's own transaction, naming the holiday replaced
    (`before`): an entry written after the write, when its write failed (503), was written by the retry with the
    holiday the first try had put as `before`, and the holiday replaced was never named."""
    access.require_super_admin(actor)
    day = parse_date(day_text, "date")
    name, kind = body.name, HolidayKind(body.kind).value

    def audited(replaced: Holiday | None) -> AuditBatch:
        before = {"name": replaced.name, "kind": replaced.kind.value} if replaced else None
        detail = {"name": name, "kind": kind, "before": before}  # `before`: the holiday of the day replaced
        return runtime.audit().stamped(actor.subject, "holiday.put", {day.isoformat(): detail})

    try:
        runtime.calendar().put_holiday(day, name, kind, audited)
    except ConditionFailed as exc:  # another admin changed the day between its read and the write
        raise _holiday_changed(day) from exc
    recapped, recapping = _after_change([day], settings, now)
    return HolidaySaved(date=day.isoformat(), name=name, kind=kind, recapped=recapped, recapping=recapping)


# How long after the end of a Ramadan day's hours no check-out is expected any more: offices end at 15:00 (Friday
# 15:30), and the afternoon's no-check-in watch (16:00-17:00) would otherwise sound every Ramadan weekday.
RAMADAN_QUIET_AFTER = timedelta(minutes=30)


def ramadan_hours_ended(now: datetime, settings: Settings) -> time | None:
    """The end of the regency's Ramadan hours of `now`'s local day, when `now` is RAMADAN_QUIET_AFTER past it inside a
    Ramadan period; None otherwise (no Ramadan, earlier in the day, a day without Ramadan hours)."""
    local = now.astimezone(settings.tz)
    period = runtime.calendar().regency_calendar([local.year]).ramadan_on(local.date())
    week = None if period is None else period.week or runtime.rule_table(settings).ramadan_week
    hours = None if week is None else week.hours_on(local.date())
    if hours is None or hours.crosses_midnight:
        return None
    quiet = datetime.combine(local.date(), hours.end, settings.tz) + RAMADAN_QUIET_AFTER
    return hours.end if local >= quiet else None


def holiday_on(day: date) -> Holiday | None:
    """The regency's holiday on `day` (national, cuti bersama or local: each gives every unit the day off), read
    fresh from the calendar, or None."""
    return next((h for h in runtime.calendar().holidays_of_year(day.year) if h.day == day), None)


def delete_holiday(actor: Principal, day_text: str, settings: Settings, now: datetime) -> HolidayDeleted:
    """Remove a holiday; its day, past and recapped, is judged again in every unit. A date with no holiday answers
    404 after judging its day again all the same: it may be the retry of a deletion whose re-run failed
    (`_after_change`). Audited in the deletion's own transaction, with the holiday's name: a failed entry (503)
    leaves the holiday for the retry, which names it once."""
    access.require_super_admin(actor)
    day = parse_date(day_text, "date")

    def audited(held: Holiday) -> AuditBatch:
        detail = {"name": held.name, "kind": held.kind.value}
        return runtime.audit().stamped(actor.subject, "holiday.delete", {day.isoformat(): detail})

    try:
        deleted = runtime.calendar().delete_holiday(day, audited)
    except ConditionFailed as exc:  # another admin changed the day between its read and the deletion
        raise _holiday_changed(day) from exc
    if deleted is None:
        _after_change([day], settings, now)
        raise NotFoundError("Hari libur tidak ditemukan.", {"date": day.isoformat()})
    recapped, recapping = _after_change([day], settings, now)
    return HolidayDeleted(date=day.isoformat(), deleted=True, recapped=recapped, recapping=recapping)


def _holiday_changed(day: date) -> ConflictError:
    return ConflictError("Hari libur tanggal ini berubah bersamaan; coba lagi.", {"date": day.isoformat()})


def _ramadan_changed(year: int) -> ConflictError:
    return ConflictError("Periode Ramadan tahun ini berubah bersamaan; coba lagi.", {"year": year})


def _after_change(days: Iterable[date], settings: Settings, now: datetime) -> tuple[list[str], int]:
    """What follows a change of the regency calendar (a holiday, a Ramadan period): every unit's frames built
    again, and the recapped past `days` it reaches judged again in every unit (`rejudge.regency_days`).

    A retry of the change that finds it made already does this too: the change is stored before what follows
    it, so a failure there (503) left the days judged by the calendar as it was, and only the retry can still
    judge them again. Judging again writes only the statuses that changed, so a repeated call (or one
    for a holiday that never was) changes nothing more."""
    recaps.frames_changed()
    return rejudge.regency_days(days, settings, now)


def list_holidays(actor: Principal, query: HolidaysQuery, settings: Settings, now: datetime) -> HolidayPage:
    """The holidays of `query.year`, by default the regency's current year: its local date, not UTC's (from 00:00
    to 07:00 on 1 January in Jakarta, UTC still has the year before)."""
    access.require_admin(actor)
    year = query.year or now.astimezone(settings.tz).year
    return HolidayPage.model_validate({"items": _holidays(year), "next": None})


def year_of(text: str) -> int:
    if not is_digits(text) or not 2000 <= int(text) <= 2100:
        raise ValidationError("Tahun tidak valid.", {"year": "2000-2100"})
    return int(text)


def put_ramadan(actor: Principal, year_text: str, body: RamadanRequest, settings: Settings, now: datetime) -> Ramadan:
    """Set a Ramadan period starting in the year: it replaces the year's period it corrects (one less than 320 days
    from it; a year that holds two Ramadans, one starting in January and one in December, keeps both:
    `store.calendar.ramadan_key`).
    The recapped past days of the period it replaces and of the new one are judged again. The stored period keeps
    the one it replaced, so the retry of a change whose re-run failed, finding its period stored already, still
    judges the days of the one before (`_after_change`). Audited in the write's own transaction, naming the period
    replaced (`before`); the retry names it no second time."""
    access.require_super_admin(actor)
    year = year_of(year_text)
    start, end = body.start_date, body.end_date
    if end < start or (end - start) > MAX_RAMADAN or start.year != year:
        raise ValidationError("Periode Ramadan tidak valid.", {"end_date": "after start, at most 31 days"})

    def audited(replaced: DateRange | None) -> AuditBatch:
        before = {"start": replaced.start.isoformat(), "end": replaced.end.isoformat()} if replaced else None
        detail = {"start": start.isoformat(), "end": end.isoformat(), "before": before}  # `before`: the one replaced
        return runtime.audit().stamped(actor.subject, "ramadan.put", {str(year): detail})

    try:
        replaced = runtime.calendar().put_ramadan(DateRange(start, end), actor.subject, audited)
    except ConditionFailed as exc:  # another super admin changed the year's period between its read and the write
        raise _ramadan_changed(year) from exc
    changed = {*DateRange(start, end).days(), *(replaced.days() if replaced else ())}
    recapped, recapping = _after_change(changed, settings, now)
    return Ramadan.model_validate(
        {**_ramadan_fields(year, DateRange(start, end)), "recapped": recapped, "recapping": recapping}
    )


def delete_ramadan(actor: Principal, year_text: str, start_text: str, settings: Settings, now: datetime) -> Ramadan:
    """Remove the year's Ramadan period starting on `start_text` (one saved by mistake beside the year's own);
    its recapped past days are judged again in every unit. None starting then answers 404 after judging again
    the 31 days a period starting then could have held: it may be the retry of a removal whose re-run failed.
    Audited in the removal's own transaction (it changes every unit's hours): a failed entry (503) leaves the
    period for the retry, which names it once."""
    access.require_super_admin(actor)
    year, start = year_of(year_text), parse_date(start_text, "start_date")
    if start.year != year:
        raise ValidationError("Tanggal mulai harus pada tahun itu.", {"start_date": f"in {year}"})

    def audited(removed: DateRange) -> AuditBatch:
        detail = {"start": removed.start.isoformat(), "end": removed.end.isoformat()}
        return runtime.audit().stamped(actor.subject, "ramadan.delete", {str(year): detail})

    try:
        removed = runtime.calendar().delete_ramadan(start, audited)
    except ConditionFailed as exc:  # another super admin changed the period between its read and the removal
        raise _ramadan_changed(year) from exc
    if removed is None:
        _after_change(DateRange(start, start + MAX_RAMADAN).days(), settings, now)
        raise NotFoundError("Periode Ramadan tidak ditemukan.", {"start_date": start.isoformat()})
    recapped, recapping = _after_change(removed.days(), settings, now)
    return Ramadan.model_validate({**_ramadan_fields(year, removed), "recapped": recapped, "recapping": recapping})


def get_ramadan(actor: Principal, year_text: str) -> StoredRamadan:
    """The Ramadan periods set for a year (a period belongs to the year it starts in), by date: the first as
    `start_date`/`end_date` (null while none is), every one in `periods` (two in a year like 2030)."""
    access.require_admin(actor)
    year = year_of(year_text)
    held = runtime.calendar().regency_calendar([year]).ramadan
    periods = sorted((p.period for p in held if p.period.start.year == year), key=lambda p: p.start)
    if not periods:
        return StoredRamadan(year=year, start_date=None, end_date=None, periods=[])
    fields = _ramadan_fields(year, periods[0])
    return StoredRamadan.model_validate({**fields, "periods": [_period_fields(p) for p in periods]})


def _period_fields(period: DateRange) -> dict[str, str]:
    return {"start_date": period.start.isoformat(), "end_date": period.end.isoformat()}


def _ramadan_fields(year: int, period: DateRange) -> dict[str, object]:
    return {"year": year, **_period_fields(period)}


def add_leave(actor: Principal, body: LeaveRequest, settings: Settings, now: datetime) -> Leave:
    """Record a leave; its recapped past days are judged again (a sick note brought in after the days)."""
    employee = employee_to_change(actor, body.nip)
    entry = movers.entered_under(employee, body.start_date, settings)
    movers.require_entry(actor, employee, entry, (body.start_date, body.end_date), settings.tz)
    source = f"admin#{body.model_dump_json()}"
    _, leave_id = record_leave(actor, body, source=source, tz=settings.tz, placed=(employee, entry.unit))
    days = DateRange(body.start_date, body.end_date).days()
    return Leave.model_validate(
        {
            "leave_id": leave_id,
            "nip": employee.nip,
            "type": body.type,
            "start_date": body.start_date.isoformat(),
            "end_date": body.end_date.isoformat(),
            "recapped": rejudge.rerun_recapped(employee.nip, days, settings, now),
        }
    )


def record_leave(
    actor: Principal, body: LeaveRequest, *, source: str, tz: tzinfo, placed: tuple[Employee, str]
) -> tuple[Employee, str]:
    """Store a leave (the caller judges its recapped days again): the employee and the leave's id.

    The id derives from `source` (what is being recorded: an admin's leave, a request's approval), so a retry after
    a failure finds the leave its first try stored, not a second one (`leave_id_for`). `placed`: the employee and
    the unit the leave is entered under, whose days' admin the caller was found to be (`movers`): an admin's leave,
    under the unit of its first day (`movers.entered_under`); a request's approval, under the request's unit, so a
    permit for a day before a move stays the old unit's. Its audit entry (`leave.add`) is written in the leave's own
    transaction: a leave is never stored unnamed, and a retry that finds it stored names it no second time. A leave
    overlapping another of the employee's answers 409 with nothing stored (`_refuse_overlap`); one reaching a day on
    or after the employee's SIMPEG deactivation, 403 ACCOUNT_INACTIVE (`require_judged`: a leaver's last days are
    entered as anyone's)."""
    employee, unit = placed
    kind = LeaveKind.from_api(body.type)
    start, end = body.start_date, body.end_date
    if end < start or (end - start).days > MAX_LEAVE_DAYS:
        raise ValidationError(
            "Tanggal selesai cuti harus sama dengan atau sesudah tanggal mulai, paling lama satu tahun.",
            {"end_date": "on/after start, at most a year"},
        )
    require_judged(employee, end, tz)
    entry = LeaveEntry(employee.nip, unit, kind.value, start, end, body.reason)
    leave_id = leave_id_for(source)
    detail = {"leave_id": leave_id, "type": kind.value, "start_date": start.isoformat(), "end_date": end.isoformat()}
    audit = runtime.audit().stamped(actor.subject, "leave.add", {employee.nip: detail})
    with _leave_turn(employee.nip):  # of two overlapping leaves recorded at once, the second sees the first
        _refuse_overlap(entry, leave_id)
        with contextlib.suppress(ConditionFailed):  # stored, with its audit entry, by an earlier try
            runtime.calendar().add_leave(entry, actor.subject, leave_id, audit)
    recaps.frames_changed([unit])
    return employee, leave_id


def _refuse_overlap(entry: LeaveEntry, leave_id: str) -> None:
    """409 naming the employee's leave (not cancelled, whichever unit entered it) that covers a day of `entry`,
    other than `leave_id` (its own, stored by an earlier try). A day holds one leave: with two, the day was C, I
    or S by whichever the reader met first (the check-in's answer, the recap and the monthly counts could
    disagree, and a run judged again could flip it). The admin cancels the one recorded to enter another."""
    recorded = runtime.calendar().stored_leaves_of(entry.nip, entry.start, entry.end)
    other = next((r for r in recorded if r.leave_id != leave_id), None)
    if other is None:
        return
    name = LeaveKind(other.kind).name
    raise ConflictError(
        f"Pegawai sudah tercatat {name.lower()} pada {other.start_date} s.d. {other.end_date}; "
        "batalkan dulu yang itu bila perlu diganti.",
        {"leave_id": other.leave_id, "type": name, "start_date": other.start_date, "end_date": other.end_date},
    )


# The login-guard scope whose one slot is the turn to record a leave of the employee (`_leave_turn`).
LEAVE_TURN = "leave#{nip}"
LEAVE_TURN_S = 60  # the longest a turn is held (by a function cut off holding it): far beyond its read and write
TURN_WAIT_S = 3.0  # how long a leave waits for the turn before its 409


def _leave_turn(nip: str) -> contextlib.AbstractContextManager[None]:
    """Hold the employee's one leave turn while a leave's overlap is checked and the leave stored. Two leaves
    recorded at the same moment (admins approving two overlapping requests, or entering them) both passed the
    read-then-write check of `_refuse_overlap`; the turn is the login-guard slot claim (atomic: of any number
    racing, one holds it), so the second reads after the first stored and gets the 409 a later one gets. A turn
    still held after TURN_WAIT_S (its holder cut off) answers 409 with when it frees."""
    return turns.held(LEAVE_TURN.format(nip=nip), LEAVE_TURN_S, wait_s=TURN_WAIT_S, refused=_leave_turn_busy)


def _leave_turn_busy(claim: AttemptClaim) -> None:
    raise ConflictError(
        "Cuti/izin lain pegawai ini sedang dicatat; coba lagi sebentar.", {"retry_after_s": claim.retry_after_s}
    )


def leave_id_for(source: str, *, made: bool = False) -> str:
    """The id a leave recording `source` takes, or (`made`) took: `zones.recorded_id`."""
    return recorded_id(new_leave_id, source, runtime.calendar().get_leave, made=made)


def list_leaves(actor: Principal, query: PeriodQuery, settings: Settings, now: datetime) -> LeavePage:
    """Leaves (not cancelled) of the caller's units (or one unit) that overlap the period, by unit and start
    date, 100 per page. A unit's list holds the leaves that cover its days (`movers`): those entered under it,
    but not those of an employee who moved away before their first day, and, after them, those that followed
    the employees who moved in (listed under this unit)."""
    start, end = query_period(query, settings, now)

    def own_rows(unor_id: str, limit: int, after: dict[str, Any] | None) -> tuple[list[LeaveItem], Any]:
        rows, last = runtime.calendar().leaves_of_unit(unor_id, start, end, limit, after)
        return [_leave_item(r) for r in movers.owned(unor_id, rows, settings.tz)], last

    def followed_rows(unor_id: str) -> list[LeaveItem]:
        def read(nip: str) -> list[StoredLeave]:
            return runtime.calendar().stored_leaves_of(nip, start, end)

        found = movers.followed(unor_id, movers.followed_since(start), read, settings.tz, until=end)
        ordered = sorted(found, key=lambda r: (r.start_date, r.leave_id))
        return [_leave_item(r).model_copy(update={"unor_id": unor_id}) for r in ordered]

    units = access.units_of(actor, query.unor_id)
    items, cursor = across_units(units, query.next, then_whole(own_rows, followed_rows))
    return LeavePage(items=with_names(items), next=cursor)


def _leave_item(leave: StoredLeave) -> LeaveItem:
    return LeaveItem(
        leave_id=leave.leave_id,
        nip=leave.nip,
        unor_id=leave.unor_id,
        type=LeaveKind(leave.kind).name,
        start_date=leave.start_date,
        end_date=leave.end_date,
        reason=leave.reason,
        created_by=leave.created_by,
        created_at=leave.created_at,
    )


def leave_cancelled(actor: str, leave: StoredLeave) -> AuditBatch:
    """The audit entry naming `actor`'s cancellation of `leave`, for the cancellation's write."""
    return runtime.audit().stamped(actor, "leave.cancel", {leave.nip: {"leave_id": leave.leave_id, "type": leave.kind}})


def cancel_leave(actor: Principal, leave_id: str, settings: Settings, now: datetime) -> Cancelled:
    """Cancel a leave: its days no longer count and past recapped days are judged again. The units whose days it
    covers decide (`movers`: after a move, the new unit's from the move on): a leave of other units only answers
    404, one also covering another unit's days 403. Cancelled with its audit entry in one write; one this admin
    cancelled already is answered as the first try would have been, named no second time (`cancel_once`)."""
    access.require_admin(actor)
    missing = NotFoundError("Cuti tidak ditemukan.", {"leave_id": leave_id})
    leave = runtime.calendar().get_leave(leave_id) if LEAVE_ID.match(leave_id) else None
    if leave is None:
        raise missing
    units = movers.record_owners(leave, settings.tz)
    movers.require_owner(actor, units, missing)
    access.require_not_own(actor, leave.nip)
    done = ConflictError("Cuti sudah dibatalkan.", {"leave_id": leave_id})
    days = leave.leave().period.days()
    entry = leave_cancelled(actor.subject, leave)
    cancel_once(
        leave,
        actor,
        lambda: runtime.calendar().cancel_leave(leave_id, Decided(actor.subject, None, now), entry),
        done,
        rejudge_days=lambda: rejudge.rerun_recapped(leave.nip, days, settings, now),
    )
    recaps.frames_changed(sorted(units))
    return Cancelled(id=leave_id, cancelled=True, recapped=rejudge.rerun_recapped(leave.nip, days, settings, now))
