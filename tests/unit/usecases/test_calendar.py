"""Schedules, rosters, holidays, Ramadan and leaves (chalicelib.usecases.calendar) on the in-memory repositories."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.calendar import DateRange, EmployeePlan, LeaveKind
from chalicelib.domain.people import AdminUser, Employee, Principal
from chalicelib.domain.schedule import WorkHours
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.memory import calendar as memory_calendar
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, recaps
from chalicelib.usecases.schemas.calendar import (
    HolidayRequest,
    HolidaysQuery,
    LeaveRequest,
    RamadanRequest,
    ScheduleRequest,
    ShiftsRequest,
)
from chalicelib.usecases.schemas.requests import DatesQuery

from .admin_fixtures import NIP, SUPER, UNIT_ADMIN, AuditTrail, audited, settings
from .test_request_failures import audit_store_fails

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Jakarta
WEEK = {day: {"start": "07:30", "end": "16:00"} for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def unit(repos: Repositories) -> Repositories:
    """Unit U1 with one employee (recorded as a SIMPEG import records them: with nothing of their own planned, so
    their plan is read only once a write has moved that hint), and unit U2."""
    repos.people.upsert_unit("U1", "Dinas Pendidikan")
    repos.people.upsert_unit("U2", "Dinas Kesehatan")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    # No repository write sets a hint from nothing (the SIMPEG sync does, on DynamoDB): seed it on the twin.
    repos.people._employees[NIP] = Employee(NIP, "Asep", "U1", plan_until="0000-00-00")  # type: ignore[attr-defined]
    return repos


def plan_of(repos: Repositories, start: date, end: date) -> EmployeePlan:
    """The employee's plan as a check-in reads it, from their record as stored now."""
    employee = repos.people.get_employee(NIP)
    assert employee is not None
    return repos.calendar.employee_plan(employee, start, end, [])


def schedule(effective_from: str, days: dict[str, object] = WEEK) -> ScheduleRequest:
    return ScheduleRequest.model_validate({"effective_from": effective_from, "days": days})


# --- schedules ---------------------------------------------------------------------------------------


def test_unit_schedule_versions_are_appended_and_listed(
    unit: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN a version from today
    first = calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-03-02"), settings, NOW)
    assert [v.effective_from for v in first.versions] == ["2026-03-02"]
    # WHEN a shorter week is set from April
    short = {"mon": {"start": "08:00", "end": "14:00"}}
    second = calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01", short), settings, NOW)
    # THEN both versions are listed, by effective date, each as written and by whom
    assert second.effective_from == "2026-04-01" and second.model_dump(mode="json")["days"] == short
    listed = calendar.get_unit_schedule(SUPER, "U1").versions
    assert [(v.effective_from, v.created_by, v.model_dump(mode="json")["days"]) for v in listed] == [
        ("2026-03-02", "ua", WEEK),
        ("2026-04-01", "ua", short),
    ]
    assert listed[1].created_at == second.created_at
    assert audited() == [("ua", "schedule.unit", "U1"), ("ua", "schedule.unit", "U1")]
    # AND the log keeps each version's hours, so a week emptied of working days (all LIBUR) shows as one
    calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-04-01", {}), settings, NOW)
    assert [e.detail for e in audited.entries()] == [
        {"effective_from": "2026-03-02", "days": WEEK},
        {"effective_from": "2026-04-01", "days": short},
        {"effective_from": "2026-04-01", "days": {}},
    ]


def test_a_schedule_is_never_retroactive_nor_outside_the_admin_s_units(unit: Repositories, settings: Settings) -> None:
    with pytest.raises(ValidationError):
        calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-03-01"), settings, NOW)
    with pytest.raises(ForbiddenError):
        calendar.set_unit_schedule(UNIT_ADMIN, "U2", schedule("2026-03-02"), settings, NOW)
    with pytest.raises(NotFoundError):
        calendar.set_unit_schedule(SUPER, "U9", schedule("2026-03-02"), settings, NOW)
    assert calendar.get_unit_schedule(SUPER, "U1").versions == []


def test_hours_written_07_30_with_a_dot_are_refused_and_no_version_is_stored(
    unit: Repositories, settings: Settings
) -> None:
    # GIVEN a unit admin who types the school's hours as Indonesian text writes them: "07.30" to "13.00"
    dotted = {day: {"start": "07.30", "end": "13.00"} for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
    # WHEN the version is sent, THEN it is a 400 naming the field, not a week of 07:00 starts saved with 200
    with pytest.raises(ValidationError) as caught:
        calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-03-09", dotted), settings, NOW)
    assert caught.value.details == {"days": {"field": "days.mon.start"}}
    assert calendar.get_unit_schedule(SUPER, "U1").versions == []
    # AND a roster date written so is refused too
    roster = ShiftsRequest.model_validate({"shifts": {"2026-03-09": {"start": "21.00", "end": "07.00"}}})
    with pytest.raises(ValidationError):
        calendar.set_shifts(UNIT_ADMIN, NIP, roster, settings, NOW)


def test_an_employee_s_own_schedule_reaches_their_plan(unit: Repositories, settings: Settings) -> None:
    answer = calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-03-09"), settings, NOW)
    assert answer.nip == NIP and [v.effective_from for v in answer.versions] == ["2026-03-09"]
    plan = plan_of(unit, date(2026, 3, 9), date(2026, 3, 9))
    assert [v.effective_from for v in plan.own_versions] == [date(2026, 3, 9)] and plan.unit_versions == ()
    # AND the unit's plans list it for the employee
    assert unit.calendar.unit_plans("U1", date(2026, 3, 9), date(2026, 3, 9), []).plan_for(NIP) == plan
    with pytest.raises(NotFoundError):
        calendar.set_employee_schedule(UNIT_ADMIN, "198501012010011999", schedule("2026-03-09"), settings, NOW)


def test_an_employee_s_own_schedule_is_read_back(unit: Repositories, settings: Settings) -> None:
    # GIVEN no own schedule: the list is empty (the unit's applies)
    assert calendar.get_employee_schedule(UNIT_ADMIN, NIP).versions == []
    # WHEN two versions are set
    calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-03-09"), settings, NOW)
    friday_off = {k: v for k, v in WEEK.items() if k != "fri"}
    calendar.set_employee_schedule(SUPER, NIP, schedule("2026-04-01", friday_off), settings, NOW)
    # THEN both are read back in order, with their days as written, by whoever may see the employee
    got = calendar.get_employee_schedule(UNIT_ADMIN, NIP)
    assert [(v.effective_from, sorted(v.days), v.created_by) for v in got.versions] == [
        ("2026-03-09", sorted(WEEK), "ua"),
        ("2026-04-01", sorted(friday_off), "admin"),
    ]
    with pytest.raises(ForbiddenError):
        calendar.get_employee_schedule(Principal("ub", "unit_admin", frozenset({"U2"})), NIP)


def test_a_roster_sets_hours_or_days_off(unit: Repositories, settings: Settings, audited: AuditTrail) -> None:
    body = ShiftsRequest.model_validate(
        {"shifts": {"2026-03-02": {"start": "22:00", "end": "06:00"}, "2026-03-03": None}}
    )
    assert calendar.set_shifts(UNIT_ADMIN, NIP, body, settings, NOW).days == 2
    plan = plan_of(unit, date(2026, 3, 2), date(2026, 3, 3))
    assert dict(plan.shifts) == {date(2026, 3, 2): WorkHours.parse("22:00", "06:00"), date(2026, 3, 3): None}
    # the log keeps each date's hours, a day made off by the roster as null
    (entry,) = audited.entries()
    assert entry.detail is not None and entry.detail["hours"] == {
        "2026-03-02": {"start": "22:00", "end": "06:00"},
        "2026-03-03": None,
    }
    bad = ShiftsRequest.model_validate({"shifts": {"2026-03-04": {"start": "08:00", "end": "08:00"}}})
    with pytest.raises(ValidationError):
        calendar.set_shifts(UNIT_ADMIN, NIP, bad, settings, NOW)


def test_a_roster_date_entered_by_mistake_is_removed_and_its_recapped_day_judged_again(
    unit: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN a day off rostered by mistake on Monday 2 March, and Monday recapped so: LIBUR, no deduction
    monday, tuesday = date(2026, 3, 2), datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
    off = ShiftsRequest.model_validate({"shifts": {"2026-03-02": None, "2026-03-05": WEEK["mon"]}})
    calendar.set_shifts(UNIT_ADMIN, NIP, off, settings, NOW)
    recaps.run_daily_recap(monday, settings, ["U1"])
    assert [d.status.status for d in unit.statuses.day_page("U1", monday, None)[0]] == ["LIBUR"]
    # WHEN the unit admin removes that date on Tuesday
    removed = calendar.remove_shift(UNIT_ADMIN, NIP, "2026-03-02", settings, tuesday)
    # THEN the date follows the schedule again (a working day he did not attend: TK), judged again at once
    assert removed.model_dump() == {"nip": NIP, "date": "2026-03-02", "removed": True, "recapped": ["2026-03-02"]}
    assert [d.status.status for d in unit.statuses.day_page("U1", monday, None)[0]] == ["TK"]
    assert dict(plan_of(unit, monday, date(2026, 3, 5)).shifts) == {date(2026, 3, 5): WorkHours.parse("07:30", "16:00")}
    assert ("ua", "schedule.shift_removed", NIP) in audited()
    # AND a date with no entry (or removed already), a bad date, another unit's admin and the employee himself
    # as admin are refused, nothing removed
    with pytest.raises(NotFoundError):
        calendar.remove_shift(UNIT_ADMIN, NIP, "2026-03-02", settings, tuesday)
    with pytest.raises(ValidationError):
        calendar.remove_shift(UNIT_ADMIN, NIP, "2026-02-30", settings, tuesday)
    operator = replace(UNIT_ADMIN, admin=AdminUser("ua", "unit_admin", frozenset({"U1"}), nip=NIP))
    for refused in (Principal("ub", "unit_admin", frozenset({"U2"})), operator):
        with pytest.raises(ForbiddenError):
            calendar.remove_shift(refused, NIP, "2026-03-05", settings, tuesday)
    assert date(2026, 3, 5) in plan_of(unit, date(2026, 3, 5), date(2026, 3, 5)).shifts


def test_the_saved_roster_is_read_back_for_a_range(unit: Repositories, settings: Settings) -> None:
    # GIVEN a night shift, a day off, and a shift long after the default range
    shifts = {"2026-03-02": {"start": "22:00", "end": "06:00"}, "2026-03-03": None, "2026-06-01": WEEK["mon"]}
    calendar.set_shifts(UNIT_ADMIN, NIP, ShiftsRequest.model_validate({"shifts": shifts}), settings, NOW)
    # WHEN the unit admin reads the default range (30 days either side of today, 2 March)
    got = calendar.get_shifts(UNIT_ADMIN, NIP, DatesQuery(), settings, NOW)
    # THEN the range is named and holds the dates in it, in the shape the roster was written in
    assert (got.nip, got.from_date, got.to_date) == (NIP, "2026-01-31", "2026-04-01")
    assert got.model_dump(mode="json")["shifts"] == {"2026-03-02": shifts["2026-03-02"], "2026-03-03": None}
    # AND a range of the admin's choosing reaches the later date
    later = DatesQuery.model_validate({"from": "2026-05-01", "to": "2026-06-30"})
    assert calendar.get_shifts(SUPER, NIP, later, settings, NOW).shifts.keys() == {"2026-06-01"}
    # AND a range over a year, or an employee outside the admin's units, is refused
    with pytest.raises(ValidationError):
        calendar.get_shifts(
            UNIT_ADMIN, NIP, DatesQuery.model_validate({"from": "2026-01-01", "to": "2027-06-01"}), settings, NOW
        )
    with pytest.raises(ForbiddenError):
        calendar.get_shifts(Principal("ub", "unit_admin", frozenset({"U2"})), NIP, DatesQuery(), settings, NOW)


# --- holidays and Ramadan ----------------------------------------------------------------------------


def test_holidays_are_put_listed_and_deleted_by_a_super_admin(unit: Repositories, settings: Settings) -> None:
    # GIVEN two holidays put out of order
    calendar.put_holiday(SUPER, "2026-08-17", HolidayRequest(name="HUT RI", kind="national"), settings, NOW)
    put = calendar.put_holiday(SUPER, "2026-01-01", HolidayRequest(name="Tahun Baru"), settings, NOW)
    assert (put.date, put.name, put.kind) == ("2026-01-01", "Tahun Baru", "local")
    # THEN the year lists them by date, in the answer's shape
    page = calendar.list_holidays(UNIT_ADMIN, HolidaysQuery(year=2026), settings, NOW)
    assert [(h.date, h.name, h.kind) for h in page.items] == [
        ("2026-01-01", "Tahun Baru", "local"),
        ("2026-08-17", "HUT RI", "national"),
    ]
    assert page.next is None and calendar.list_holidays(SUPER, HolidaysQuery(), settings, NOW) == page
    # AND they are deleted once
    assert calendar.delete_holiday(SUPER, "2026-01-01", settings, NOW).deleted is True
    with pytest.raises(NotFoundError):
        calendar.delete_holiday(SUPER, "2026-01-01", settings, NOW)
    assert [h.date for h in calendar.list_holidays(SUPER, HolidaysQuery(year=2026), settings, NOW).items] == [
        "2026-08-17"
    ]


def test_the_holidays_listed_by_default_are_of_the_current_year_in_jakarta(
    unit: Repositories, settings: Settings
) -> None:
    # GIVEN Christmas 2026 and New Year 2027, and the clock at 01:00 on 1 January 2027 in Jakarta (still 31 December
    # 2026 in UTC, 18:00)
    new_year = datetime(2026, 12, 31, 18, 0, tzinfo=UTC)
    calendar.put_holiday(SUPER, "2026-12-25", HolidayRequest(name="Natal", kind="national"), settings, new_year)
    calendar.put_holiday(SUPER, "2027-01-01", HolidayRequest(name="Tahun Baru", kind="national"), settings, new_year)
    # WHEN an admin lists the holidays without a year, THEN they are those of 2027, the regency's current year
    page = calendar.list_holidays(UNIT_ADMIN, HolidaysQuery(), settings, new_year)
    assert [h.date for h in page.items] == ["2027-01-01"]


def test_only_a_super_admin_writes_the_regency_calendar(unit: Repositories, settings: Settings) -> None:
    with pytest.raises(ForbiddenError):
        calendar.put_holiday(UNIT_ADMIN, "2026-01-01", HolidayRequest(name="Tahun Baru"), settings, NOW)
    with pytest.raises(ForbiddenError):
        calendar.put_ramadan(UNIT_ADMIN, "2026", RamadanRequest.model_validate(_ramadan()), settings, NOW)
    assert (
        unit.calendar.regency_calendar([2026]).holidays == {} and unit.calendar.regency_calendar([2026]).ramadan == ()
    )


def _ramadan(start: str = "2026-02-18", end: str = "2026-03-19") -> dict[str, str]:
    return {"start_date": start, "end_date": end}


def test_ramadan_is_set_per_year_within_a_month(unit: Repositories, settings: Settings) -> None:
    answer = calendar.put_ramadan(SUPER, "2026", RamadanRequest.model_validate(_ramadan()), settings, NOW)
    assert (answer.year, answer.start_date, answer.end_date) == (2026, "2026-02-18", "2026-03-19")
    assert unit.calendar.regency_calendar([2026]).ramadan_on(date(2026, 3, 1)) is not None
    for year, body in (("26", _ramadan()), ("2027", _ramadan()), ("2026", _ramadan(end="2026-03-25"))):
        with pytest.raises(ValidationError):
            calendar.put_ramadan(SUPER, year, RamadanRequest.model_validate(body), settings, NOW)


def test_the_ramadan_period_of_a_year_is_read_back_by_any_admin(unit: Repositories, settings: Settings) -> None:
    # GIVEN no period yet: it reads as null dates, and a year that is no year is a 400
    empty = {"year": 2026, "start_date": None, "end_date": None, "periods": []}
    assert calendar.get_ramadan(UNIT_ADMIN, "2026").model_dump() == empty
    with pytest.raises(ValidationError):
        calendar.get_ramadan(UNIT_ADMIN, "26")
    # WHEN the super admin sets 2026 and then 2027, and replaces 2026
    calendar.put_ramadan(SUPER, "2026", RamadanRequest.model_validate(_ramadan()), settings, NOW)
    calendar.put_ramadan(
        SUPER, "2027", RamadanRequest.model_validate(_ramadan("2027-02-08", "2027-03-09")), settings, NOW
    )
    calendar.put_ramadan(
        SUPER, "2026", RamadanRequest.model_validate(_ramadan("2026-02-19", "2026-03-20")), settings, NOW
    )
    # THEN each year reads its own period as last written, by a unit admin too
    got = calendar.get_ramadan(UNIT_ADMIN, "2026")
    assert (got.year, got.start_date, got.end_date) == (2026, "2026-02-19", "2026-03-20")
    assert calendar.get_ramadan(SUPER, "2027").start_date == "2027-02-08"
    # AND an employee may not read it
    with pytest.raises(ForbiddenError):
        calendar.get_ramadan(Principal(NIP, "employee"), "2026")


def test_a_year_with_two_ramadans_keeps_both(unit: Repositories, settings: Settings) -> None:
    # GIVEN 2030's first Ramadan (from 5 January) set
    calendar.put_ramadan(
        SUPER, "2030", RamadanRequest.model_validate(_ramadan("2030-01-05", "2030-02-03")), settings, NOW
    )
    # WHEN its second (from 25 December, ending in 2031) is set under the same year
    december = _ramadan("2030-12-25", "2031-01-23")
    answer = calendar.put_ramadan(SUPER, "2030", RamadanRequest.model_validate(december), settings, NOW)
    assert (answer.start_date, answer.end_date) == ("2030-12-25", "2031-01-23")
    # THEN January's still shortens January's days, and December's its own
    held = unit.calendar.regency_calendar([2030, 2031])
    assert held.ramadan_on(date(2030, 1, 14)) is not None and held.ramadan_on(date(2031, 1, 6)) is not None
    # AND the year reads both, by date, the first as its dates
    got = calendar.get_ramadan(UNIT_ADMIN, "2030").model_dump()
    assert (got["start_date"], got["end_date"]) == ("2030-01-05", "2030-02-03")
    assert got["periods"] == [
        {"start_date": "2030-01-05", "end_date": "2030-02-03"},
        {"start_date": "2030-12-25", "end_date": "2031-01-23"},
    ]


def test_a_ramadan_period_saved_by_mistake_is_removed_by_its_first_day(unit: Repositories, settings: Settings) -> None:
    # GIVEN 2028's Ramadan (from 28 January) and, beside it, the same typed with December for January: 335 days
    # away, far enough to be taken for a second Ramadan of the year
    own = _ramadan("2028-01-28", "2028-02-25")
    calendar.put_ramadan(SUPER, "2028", RamadanRequest.model_validate(own), settings, NOW)
    calendar.put_ramadan(
        SUPER, "2028", RamadanRequest.model_validate(_ramadan("2028-12-28", "2029-01-25")), settings, NOW
    )
    assert len(calendar.get_ramadan(SUPER, "2028").periods) == 2
    # WHEN the super admin removes the mistaken one by its first day
    removed = calendar.delete_ramadan(SUPER, "2028", "2028-12-28", settings, NOW)
    # THEN it is gone and the year keeps its own
    assert (removed.start_date, removed.end_date) == ("2028-12-28", "2029-01-25")
    assert calendar.get_ramadan(SUPER, "2028").model_dump()["periods"] == [own]
    assert unit.calendar.regency_calendar([2028, 2029]).ramadan_on(date(2029, 1, 2)) is None
    # AND sending it again answers 404; a unit admin, a date outside the year or not a date are refused
    with pytest.raises(NotFoundError):
        calendar.delete_ramadan(SUPER, "2028", "2028-12-28", settings, NOW)
    with pytest.raises(ForbiddenError):
        calendar.delete_ramadan(UNIT_ADMIN, "2028", "2028-01-28", settings, NOW)
    for start in ("2029-01-28", "28-01-2028"):
        with pytest.raises(ValidationError):
            calendar.delete_ramadan(SUPER, "2028", start, settings, NOW)
    assert calendar.get_ramadan(SUPER, "2028").start_date == "2028-01-28"


# --- leaves ------------------------------------------------------------------------------------------


def leave(**changes: object) -> LeaveRequest:
    return LeaveRequest.model_validate(
        {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-02", "end_date": "2026-03-03", **changes}
    )


def test_a_leave_is_recorded_and_reaches_the_plan(unit: Repositories, settings: Settings) -> None:
    answer = calendar.add_leave(UNIT_ADMIN, leave(), settings, NOW)
    assert answer.leave_id.startswith("l-") and (answer.nip, answer.type) == (NIP, "SAKIT")
    plan = plan_of(unit, date(2026, 3, 2), date(2026, 3, 2))
    assert [(lv.kind, lv.period) for lv in plan.leaves] == [
        (LeaveKind.SAKIT, DateRange(date(2026, 3, 2), date(2026, 3, 3)))
    ]


def test_a_leave_s_audit_entry_names_its_days(unit: Repositories, settings: Settings, audited: AuditTrail) -> None:
    answer = calendar.add_leave(UNIT_ADMIN, leave(), settings, NOW)
    (entry,) = audited.entries()
    assert (entry.action, entry.target, entry.detail) == (
        "leave.add",
        NIP,
        {"leave_id": answer.leave_id, "type": "S", "start_date": "2026-03-02", "end_date": "2026-03-03"},
    )


def test_a_leave_is_refused_for_a_bad_range_or_an_employee_out_of_scope(unit: Repositories, settings: Settings) -> None:
    with pytest.raises(ValidationError):
        calendar.add_leave(UNIT_ADMIN, leave(end_date="2026-03-01"), settings, NOW)
    with pytest.raises(ValidationError):
        calendar.add_leave(UNIT_ADMIN, leave(end_date="2027-03-05"), settings, NOW)
    unit.people.put_employee(Employee("199002022015032002", "Budi", "U2"))
    with pytest.raises(ForbiddenError):
        calendar.add_leave(UNIT_ADMIN, leave(nip="199002022015032002"), settings, NOW)
    # THEN nothing is written, not even the employee's hint, and a plan read whatever the hint says has no leave
    employee = unit.people.get_employee(NIP)
    assert employee is not None and employee.plan_until == "0000-00-00"
    unhinted = replace(employee, plan_until=None)
    assert unit.calendar.employee_plan(unhinted, date(2026, 3, 2), date(2026, 3, 9), []).leaves == ()


def test_a_schedule_save_sent_again_stores_one_version_named_once(
    unit: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a unit version whose save met a failing audit store (503), THEN no version was stored
    with audit_store_fails(monkeypatch, "schedule.unit"):
        calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    assert calendar.get_unit_schedule(SUPER, "U1").versions == []
    # WHEN the admin saves it again, and sends that save once more (its answer lost)
    first = calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    again = calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    # THEN one version is stored, answered as the first try was, and the audit log names it once
    assert [v.effective_from for v in calendar.get_unit_schedule(SUPER, "U1").versions] == ["2026-04-01"]
    assert again.created_at == first.created_at and len(again.versions) == 1
    assert audited() == [("ua", "schedule.unit", "U1")]
    # AND so for a personal schedule
    calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-04-01"), settings, NOW)
    assert len(calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-04-01"), settings, NOW).versions) == 1
    assert audited()[1:] == [("ua", "schedule.employee", NIP)]


def test_the_same_week_saved_again_after_another_is_a_new_version(
    unit: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN saves a second apart (as an admin's clicks are), the office week from April, then a short week
    # from April that replaced it
    ticks = iter(range(60))
    monkeypatch.setattr(memory_calendar, "utc_now", lambda: NOW + timedelta(seconds=next(ticks)))
    short = {"mon": {"start": "08:00", "end": "14:00"}}
    calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01", short), settings, NOW)
    # WHEN the admin puts the office week back (not a retry: another version was saved since), and retries that
    calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    calendar.set_unit_schedule(UNIT_ADMIN, "U1", schedule("2026-04-01"), settings, NOW)
    # THEN the office week is stored again once, the last saved (it governs April)
    listed = calendar.get_unit_schedule(SUPER, "U1").versions
    assert [v.model_dump(mode="json")["days"] for v in listed] == [WEEK, short, WEEK]


def test_the_schedule_read_back_after_a_move_lists_only_versions_of_the_unit_the_employee_is_in(
    unit: Repositories, settings: Settings
) -> None:
    # GIVEN a personal week written for the employee in U1, then SIMPEG moving them to U2
    calendar.set_employee_schedule(UNIT_ADMIN, NIP, schedule("2026-03-09"), settings, NOW)
    unit.people.put_employee(Employee(NIP, "Asep", "U2"))
    # WHEN U2's admin (or a super admin) reads the employee's schedule
    # THEN it lists nothing: U1's version no longer applies (decision 387), U2's unit schedule does
    assert calendar.get_employee_schedule(SUPER, NIP).versions == []
    # AND a version written for them in U2 is the only one listed, read back or answered
    friday_off = {k: v for k, v in WEEK.items() if k != "fri"}
    saved = calendar.set_employee_schedule(SUPER, NIP, schedule("2026-03-16", friday_off), settings, NOW)
    assert [v.effective_from for v in saved.versions] == ["2026-03-16"]
    assert calendar.get_employee_schedule(SUPER, NIP) == saved


def test_a_leave_overlapping_one_recorded_is_refused_naming_it(
    unit: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN a sick leave on 2 and 3 March
    sick = calendar.add_leave(UNIT_ADMIN, leave(), settings, NOW)
    # WHEN an annual leave from 3 to 5 March is entered (3 March would be C or S by whichever was read first)
    # THEN it is refused with 409 naming the leave it overlaps, and nothing is stored or audited
    with pytest.raises(ConflictError) as caught:
        calendar.add_leave(
            UNIT_ADMIN, leave(type="CUTI", start_date="2026-03-03", end_date="2026-03-05"), settings, NOW
        )
    assert caught.value.details == {
        "leave_id": sick.leave_id, "type": "SAKIT", "start_date": "2026-03-02", "end_date": "2026-03-03"
    }  # fmt: skip
    assert [lv.kind for lv in plan_of(unit, date(2026, 3, 2), date(2026, 3, 5)).leaves] == [LeaveKind.SAKIT]
    assert audited() == [("ua", "leave.add", NIP)]
    # AND the sick leave sent again (a retry) is still answered as recorded
    assert calendar.add_leave(UNIT_ADMIN, leave(), settings, NOW).leave_id == sick.leave_id
    # AND once the sick leave is cancelled, the annual leave is recorded
    calendar.cancel_leave(SUPER, sick.leave_id, settings, NOW)
    calendar.add_leave(UNIT_ADMIN, leave(type="CUTI", start_date="2026-03-03", end_date="2026-03-05"), settings, NOW)
    assert [lv.kind for lv in plan_of(unit, date(2026, 3, 2), date(2026, 3, 5)).leaves] == [LeaveKind.CUTI]


def test_a_ramadan_period_replaced_and_a_holiday_renamed_are_audited_with_what_they_were(
    unit: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN 2026's Ramadan from 18 February, and 17 August a national holiday
    calendar.put_ramadan(SUPER, "2026", RamadanRequest.model_validate(_ramadan()), settings, NOW)
    calendar.put_holiday(SUPER, "2026-08-17", HolidayRequest(name="HUT RI", kind="national"), settings, NOW)
    # WHEN the super admin moves Ramadan a day on, and makes 17 August a cuti bersama under another name
    later = _ramadan("2026-02-19", "2026-03-20")
    calendar.put_ramadan(SUPER, "2026", RamadanRequest.model_validate(later), settings, NOW)
    renamed = HolidayRequest(name="Kemerdekaan", kind="cuti_bersama")
    calendar.put_holiday(SUPER, "2026-08-17", renamed, settings, NOW)
    # THEN an investigator reads what each was changed from; the first ones say nothing was there
    details = [(e.action, e.detail) for e in audited.entries()]
    assert details == [
        ("ramadan.put", {"start": "2026-02-18", "end": "2026-03-19", "before": None}),
        ("holiday.put", {"name": "HUT RI", "kind": "national", "before": None}),
        ("ramadan.put", {"start": "2026-02-19", "end": "2026-03-20",
                         "before": {"start": "2026-02-18", "end": "2026-03-19"}}),
        ("holiday.put", {"name": "Kemerdekaan", "kind": "cuti_bersama",
                         "before": {"name": "HUT RI", "kind": "national"}}),
    ]  # fmt: skip
