"""What an employee sees of themselves: profile, unit, zones, today's schedule and status, own events."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib import runtime
from chalicelib.attendance.calendar import plan_day
from chalicelib.domain.people import Principal
from chalicelib.errors import AccountInactiveError, ValidationError
from chalicelib.settings import Settings
from chalicelib.usecases import faces, recaps
from chalicelib.usecases.auth import employee_of
from chalicelib.usecases.checkin import event_view
from chalicelib.usecases.schemas.attendance import (
    EventPage,
    MyEventsQuery,
    Profile,
    ProfileZone,
    Today,
    UnitRef,
    WorkHours,
)
from chalicelib.usecases.schemas.zones import Geometry

MAX_RANGE_DAYS = 62


def profile(principal: Principal, settings: Settings, now: datetime) -> Profile:
    employee = employee_of(principal)
    if employee is None:
        raise AccountInactiveError()
    unit = runtime.people().get_unit(employee.unor_id)
    today = now.astimezone(settings.tz).date()
    rules = recaps.rule_table(settings)
    duties = runtime.zones().duties_of(employee.nip, today)
    plan = runtime.calendar().employee_plan(employee.nip, employee.unor_id, today, today, duties)
    day = plan_day(today, runtime.calendar().regency_calendar({today.year}), plan, rules)
    checked_in = runtime.events().has_arrival_mark(employee.nip, today.isoformat())
    zones = runtime.zones().get_zones(sorted(unit.zone_ids)) if unit else []
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
            date=today.isoformat(),
            schedule=WorkHours(**day.hours.to_dict()) if day.hours else None,
            holiday=day.holiday.name if day.holiday else None,
            leave=day.leave.value if day.leave else None,
            field_duty=day.field_duty,
            checked_in=checked_in,
        ),
        enrolled=employee.template_count > 0,
        device_bound=employee.device_id is not None,
        onboarding=faces.onboarding(employee),
    )


def my_events(principal: Principal, query: MyEventsQuery, settings: Settings, now: datetime) -> EventPage:
    today = now.astimezone(settings.tz).date()
    start = query.from_ or today - timedelta(days=6)
    end = query.to or today
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        raise ValidationError("Rentang tanggal tidak valid.", {"to": f"on/after from, at most {MAX_RANGE_DAYS} days"})
    tz = settings.tz
    begin = datetime.combine(start, time(0, 0), tzinfo=tz)
    finish = datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=tz)
    rows = runtime.events().events_between(principal.subject, begin, finish)
    return EventPage(items=[event_view(r) for r in rows], next=None)
