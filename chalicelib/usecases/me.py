"""What an employee sees of themselves: profile, unit, zones, today's schedule and status, own events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from chalicelib import runtime
from chalicelib.domain.attendance import RECORDED, Event
from chalicelib.domain.people import Principal
from chalicelib.domain.zones import WORK_ZONE
from chalicelib.errors import AccountInactiveError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.base import iso, parse_iso
from chalicelib.usecases import faces, recaps, reports
from chalicelib.usecases.access import employee_of
from chalicelib.usecases.checkin import event_view
from chalicelib.usecases.schemas.attendance import (
    Event as EventView,
)
from chalicelib.usecases.schemas.attendance import (
    EventPage,
    MyEventsQuery,
    Profile,
    ProfileZone,
    Today,
    UnitRef,
    WorkHours,
)
from chalicelib.usecases.schemas.reports import MyRecap, MyRecapDay, MyRecapQuery
from chalicelib.usecases.schemas.zones import Geometry

MAX_RANGE_DAYS = 62


def profile(principal: Principal, settings: Settings, now: datetime) -> Profile:
    employee = employee_of(principal)
    if employee is None:
        raise AccountInactiveError()
    unit = runtime.people().get_unit(employee.unor_id)
    local = now.astimezone(settings.tz).date()
    events = runtime.events().events_between(employee.nip, *_local_days(local - timedelta(days=2), local, settings))
    # Today, or the day before while its night shift waits for its check-out (recaps.working_day).
    judged = recaps.judged_so_far(employee, events, now, settings)
    early_outs = {parse_iso(str(e.attendance_time)) for e in events if e.left_early}
    work = recaps.working_day(employee, judged, now, settings, early_outs=early_outs)
    day, rules = work.plan, runtime.rule_table(settings)
    opens, closes = day.window(rules)
    checked_in = runtime.events().has_arrival_mark(employee.nip, day.day.isoformat())
    check_in, check_out = _day_marks(events, day.day, work.punch_marks(judged, now, rules))
    so_far = work.so_far(judged, now, rules)
    zones = [z for z in runtime.zones().get_zones(sorted(unit.zone_ids)) if z.purpose == WORK_ZONE] if unit else []
    progress = faces.onboarding(employee, settings)
    return Profile(
        nip=employee.nip,
        nama=employee.nama,
        jabatan=employee.jabatan,
        active=employee.active,
        unit=UnitRef(unor_id=employee.unor_id, unor_nama=unit.unor_nama if unit else None),
        zones=[
            ProfileZone(zone_id=z.zone_id, name=z.name, kind=z.kind, geometry=Geometry.model_validate(z.geometry))
            for z in zones
        ],
        today=Today(
            date=day.day.isoformat(),
            opens_at=iso(opens),
            closes_at=iso(closes),
            schedule=WorkHours(**day.hours.to_dict()) if day.hours else None,
            holiday=day.holiday.name if day.holiday else None,
            leave=day.leave.value if day.leave else None,
            field_duty=day.field_duty,
            checked_in=checked_in,
            check_in=check_in,
            check_out=check_out,
            status=so_far.status,
            state=so_far.state,
        ),
        enrolled=progress.faces.approved > 0,  # a face a check-in can compare with (`faces.onboarding`)
        device_bound=employee.device_id is not None,
        onboarding=progress,
        gps_max_accuracy_m=settings.gps_max_accuracy_m,
        offline_max_age_h=settings.offline_max_age_h,
        timezone=settings.timezone,
    )


def _day_marks(
    events: Sequence[Event], day: date, punched: tuple[datetime | None, datetime | None]
) -> tuple[EventView | None, EventView | None]:
    """The working day's first check-in and last check-out that count or await review: by the day each counts
    for (a 23:45 arrival for a shift from midnight is the next day's; decision 294), the calendar date for
    events recorded before the working day was kept. First and last by their attendance time, as the recap
    judges them: `events` come in the order SMART received them, and a check-out captured offline may arrive
    after a later one made live. Machine punches count as the day types them (`punched`: their check-in and
    check-out instants, `WorkingDay.punch_marks`), not by their calendar-date hint."""
    own = [e for e in events if e.arrival_day == day.isoformat() and e.status in RECORDED and not e.voided]
    ins = [e for e in own if e.holds_arrival]  # not an arrival before check-in opens: it is made again
    outs = [e for e in own if e.type == "out" and e.source is None]
    punches = {_timed(e): e for e in events if e.source is not None}
    ins += [punches[at] for at in punched[:1] if at in punches]
    outs += [punches[at] for at in punched[1:] if at in punches]
    first_in = event_view(min(ins, key=_timed)) if ins else None
    last_out = event_view(max(reversed(outs), key=_timed)) if outs else None  # a tie: the last received
    return first_in, last_out


def _timed(event: Event) -> datetime:
    return parse_iso(str(event.attendance_time))  # set on every recorded event (`recaps.day_event` reads it so)


def _local_days(start: date, end: date, settings: Settings) -> tuple[datetime, datetime]:
    """The instants from the start of local date `start` to the end of local date `end`."""
    tz = settings.tz
    return datetime.combine(start, time(0, 0), tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time(0, 0), tzinfo=tz
    )


def my_events(principal: Principal, query: MyEventsQuery, settings: Settings, now: datetime) -> EventPage:
    today = now.astimezone(settings.tz).date()
    start = query.from_ or today - timedelta(days=6)
    end = query.to or today
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError("Rentang tanggal tidak valid.", {"to": f"on/after from, at most {MAX_RANGE_DAYS} days"})
    rows = runtime.events().events_between(principal.subject, *_local_days(start, end, settings))
    return EventPage(items=[event_view(r) for r in rows], next=None)


def my_recap(principal: Principal, query: MyRecapQuery, settings: Settings) -> MyRecap:
    """The employee's month: the days the daily recap stored so far and the monthly report's figures for them.

    A month with nothing recapped yet (the future) answers no days, zero counts and no deduction."""
    employee = employee_of(principal)
    if employee is None:
        raise AccountInactiveError()
    month, row = reports.employee_month(employee.nip, employee.unor_id, query.month, settings)
    days = [
        MyRecapDay(
            date=d.day.isoformat(),
            status=d.status,
            check_in=iso(d.check_in) if d.check_in else None,
            check_out=iso(d.check_out) if d.check_out else None,
            late_minutes=d.late_minutes,
            early_minutes=d.early_minutes,
        )
        for d in month.days
    ]
    return MyRecap(
        month=query.month, days=days, counts=dict(row.counts), deduction_percent=float(row.deduction_percent)
    )
