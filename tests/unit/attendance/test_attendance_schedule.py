"""Schedules and calendar: versions (mid-month, mid-day, backdated), Ramadan, night shifts, rosters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import AttendanceEvent, classify_period
from chalicelib.attendance.schedule import schedule_in_force
from chalicelib.domain.calendar import (
    DateRange,
    EmployeePlan,
    Holiday,
    Leave,
    LeaveKind,
    RamadanPeriod,
    RegencyCalendar,
)
from chalicelib.domain.schedule import ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.errors import ScheduleError

from .helpers import JAKARTA, MONDAY, RULES, SATURDAY, attend, ev, judge, local, punch

EIGHT_TO_FOUR = WeekSchedule.of(WorkHours(time(8, 0), time(16, 0)))
SEVEN_TO_THREE = WeekSchedule.of(WorkHours(time(7, 0), time(15, 0)))
NIGHT = WorkHours(time(21, 0), time(7, 0))


def version(effective: date, created_local: str, created_day: date, week: WeekSchedule) -> ScheduleVersion:
    return ScheduleVersion(effective, local(created_day, created_local), week)


def test_national_default_week() -> None:
    week = RULES.default_week
    # 43 h on the clock = 37.5 h of work + breaks (1 h Mon–Thu, 1.5 h for Friday prayers)
    assert week.weekly_minutes == 43 * 60
    assert week.hours_on(MONDAY) == WorkHours(time(7, 30), time(16, 0))
    assert week.hours_on(date(2026, 11, 27)) == WorkHours(time(7, 30), time(16, 30))
    assert week.hours_on(SATURDAY) is None and week.hours_on(SATURDAY + timedelta(days=1)) is None


def test_schedule_change_mid_month_applies_from_effective_date() -> None:
    # GIVEN the unit moves from 07:30 to 08:00 starts on Monday 16 November, saved on the 10th
    unit = EmployeePlan(unit_versions=(version(date(2026, 11, 16), "10:00", date(2026, 11, 10), EIGHT_TO_FOUR),))
    friday_before, monday_after = date(2026, 11, 13), date(2026, 11, 16)
    # WHEN someone arrives at 07:45 before and after the change
    before = judge(friday_before, ev("in", friday_before, "07:45"), ev("out", friday_before, "16:30"), employee=unit)
    after = judge(monday_after, ev("in", monday_after, "07:45"), ev("out", monday_after, "16:00"), employee=unit)
    # THEN the old (default) hours judge the earlier day and the new ones the later
    assert (before.status, before.late_minutes) == ("TL1", 15)
    assert (after.status, after.late_minutes) == ("H", 0)


def test_change_made_during_the_day_applies_from_tomorrow() -> None:
    # GIVEN at 07:15 on Monday an admin sets 07:00 starts "effective today"
    unit = EmployeePlan(unit_versions=(version(MONDAY, "07:15", MONDAY, SEVEN_TO_THREE),))
    tuesday = MONDAY + timedelta(days=1)
    # WHEN people came at 07:10 on Monday and on Tuesday
    monday = judge(MONDAY, ev("in", MONDAY, "07:10"), ev("out", MONDAY, "16:00"), employee=unit)
    next_day = judge(tuesday, ev("in", tuesday, "07:10"), ev("out", tuesday, "15:00"), employee=unit)
    # THEN Monday is still judged under 07:30 (on time), Tuesday under 07:00 (10 minutes late)
    assert monday.status == "H"
    assert (next_day.status, next_day.late_minutes) == ("TL1", 10)


def test_change_saved_at_local_midnight_applies_the_same_day() -> None:
    saved = ScheduleVersion(MONDAY, datetime.combine(MONDAY, time(0, 0), tzinfo=JAKARTA), SEVEN_TO_THREE)
    assert saved.first_day(JAKARTA) == MONDAY
    one_second_later = ScheduleVersion(MONDAY, saved.created_at + timedelta(seconds=1), SEVEN_TO_THREE)
    assert one_second_later.first_day(JAKARTA) == MONDAY + timedelta(days=1)


def test_backdated_change_never_rejudges_past_days() -> None:
    # Saved on Friday 20th with effective_from the 1st: it governs from Saturday 21st on.
    backdated = version(date(2026, 11, 1), "10:00", date(2026, 11, 20), SEVEN_TO_THREE)
    assert backdated.first_day(JAKARTA) == date(2026, 11, 21)
    assert schedule_in_force([backdated], date(2026, 11, 20), JAKARTA) is None
    assert schedule_in_force([backdated], MONDAY, JAKARTA) is backdated


def test_latest_version_wins_and_newest_save_breaks_ties() -> None:
    first = version(date(2026, 11, 2), "10:00", date(2026, 10, 20), SEVEN_TO_THREE)
    second = version(date(2026, 11, 16), "10:00", date(2026, 10, 21), EIGHT_TO_FOUR)
    fix = version(date(2026, 11, 16), "11:00", date(2026, 10, 21), SEVEN_TO_THREE)
    assert schedule_in_force([first, second], date(2026, 11, 10), JAKARTA) is first
    assert schedule_in_force([second, first], MONDAY, JAKARTA) is second
    assert schedule_in_force([fix, second, first], MONDAY, JAKARTA) is fix
    assert schedule_in_force([first], date(2026, 11, 1), JAKARTA) is None


def test_employee_version_overrides_unit_version() -> None:
    unit_week = version(date(2026, 11, 2), "10:00", date(2026, 10, 20), EIGHT_TO_FOUR)
    own_week = version(date(2026, 11, 2), "10:00", date(2026, 10, 20), SEVEN_TO_THREE)
    plan = plan_day(MONDAY, RegencyCalendar(), EmployeePlan((unit_week,), (own_week,)), RULES)
    assert (plan.hours, plan.source) == (WorkHours(time(7, 0), time(15, 0)), "employee")


RAMADAN = RegencyCalendar.of(ramadan=(RamadanPeriod(DateRange(date(2026, 2, 18), date(2026, 3, 19))),))
RAMADAN_MONDAY, RAMADAN_FRIDAY, RAMADAN_SATURDAY = date(2026, 2, 23), date(2026, 2, 27), date(2026, 2, 28)


def test_ramadan_hours() -> None:
    # Monday to Friday: 35.5 h on the clock = 32.5 h of work + 30 min breaks
    assert WeekSchedule((*RULES.ramadan_week.days[:5], None, None)).weekly_minutes == 35 * 60 + 30
    assert attend(RAMADAN_MONDAY, "08:00", "15:00", calendar=RAMADAN).status == "H"
    late = attend(RAMADAN_MONDAY, "08:01", "15:00", calendar=RAMADAN)
    assert (late.status, late.late_minutes) == ("TL1", 1)
    friday = attend(RAMADAN_FRIDAY, "08:00", "15:00", calendar=RAMADAN)
    assert (friday.status, friday.early_minutes) == ("PSW1", 30)
    assert attend(RAMADAN_FRIDAY, "08:00", "15:30", calendar=RAMADAN).status == "H"
    # the day after Ramadan ends, the regular 07:30 start is back
    assert attend(date(2026, 3, 23), "08:00", "16:00", calendar=RAMADAN).status == "TL1"


def test_ramadan_hours_are_configurable_per_period() -> None:
    custom = WeekSchedule.of(WorkHours(time(8, 30), time(15, 0)))
    calendar = RegencyCalendar.of(ramadan=(RamadanPeriod(DateRange(date(2026, 2, 18), date(2026, 3, 19)), custom),))
    day = RAMADAN_MONDAY
    assert judge(day, ev("in", day, "08:25"), ev("out", day, "15:00"), calendar=calendar).status == "H"


def test_ramadan_never_adds_or_removes_a_working_day_and_starts_a_six_day_unit_s_saturday_at_08_00() -> None:
    # GIVEN a school on 07:00-13:00 six days a week
    six_days = WeekSchedule(tuple([WorkHours(time(7, 0), time(13, 0))] * 6 + [None]))
    saved = datetime(2025, 12, 1, tzinfo=UTC)
    school = EmployeePlan(unit_versions=(ScheduleVersion(date(2026, 1, 1), saved, six_days),))
    # THEN its Ramadan Saturday is a working day from 08:00, like its Monday
    for day in (RAMADAN_SATURDAY, RAMADAN_MONDAY):
        planned = plan_day(day, RAMADAN, school, RULES)
        assert (planned.hours, planned.source) == (WorkHours(time(8, 0), time(13, 0)), "ramadan")
    teacher = attend(RAMADAN_SATURDAY, "07:45", "13:00", calendar=RAMADAN, employee=school)
    assert (teacher.status, teacher.late_minutes) == ("H", 0)
    # AND a unit on the national week still has its Ramadan Saturday off
    assert plan_day(RAMADAN_SATURDAY, RAMADAN, EmployeePlan(), RULES).hours is None


def test_ramadan_starts_a_seven_day_unit_s_sunday_at_08_00_too() -> None:
    # GIVEN a unit working 07:30-16:00 every day of the week (a market office, a health post on a weekly pattern)
    every_day = WeekSchedule(tuple([WorkHours(time(7, 30), time(16, 0))] * 7))
    saved = datetime(2025, 12, 1, tzinfo=UTC)
    unit = EmployeePlan(unit_versions=(ScheduleVersion(date(2026, 1, 1), saved, every_day),))
    ramadan_sunday = RAMADAN_SATURDAY + timedelta(days=1)
    # THEN its Ramadan Sunday is cut like its Saturday and its Monday: 08:00-15:00
    for day in (RAMADAN_SATURDAY, ramadan_sunday, RAMADAN_MONDAY):
        planned = plan_day(day, RAMADAN, unit, RULES)
        assert (planned.hours, planned.source) == (WorkHours(time(8, 0), time(15, 0)), "ramadan"), day
    worker = attend(ramadan_sunday, "07:50", "15:00", calendar=RAMADAN, employee=unit)
    assert (worker.status, worker.deduction_percent) == ("H", 0)
    # AND a unit on the national week still has its Ramadan Sunday off
    assert plan_day(ramadan_sunday, RAMADAN, EmployeePlan(), RULES).hours is None


def _unit_on(hours: str) -> EmployeePlan:
    """A unit whose week (Monday-Friday) is `hours` ("HH:MM-HH:MM"), saved long before Ramadan."""
    week = WeekSchedule.of(WorkHours.parse(*hours.split("-")))
    return EmployeePlan(unit_versions=(ScheduleVersion(date(2026, 1, 1), datetime(2025, 12, 1, tzinfo=UTC), week),))


def test_ramadan_cuts_a_unit_s_own_hours_and_never_lengthens_or_moves_them() -> None:
    # GIVEN a school on 07:00-13:00, a unit on a weekly 21:00-07:00 night shift, an afternoon school 16:00-21:00
    school, night, afternoon = (_unit_on(hours) for hours in ("07:00-13:00", "21:00-07:00", "16:00-21:00"))
    # WHEN a Ramadan Monday is planned, THEN the school starts at 08:00 and still ends at 13:00 (not 15:00)
    assert plan_day(RAMADAN_MONDAY, RAMADAN, school, RULES).hours == WorkHours(time(8, 0), time(13, 0))
    # AND the night shift and the afternoon school, which the Ramadan hours do not cover, keep their own hours
    assert plan_day(RAMADAN_MONDAY, RAMADAN, night, RULES).hours == WorkHours(time(21, 0), time(7, 0))
    assert plan_day(RAMADAN_MONDAY, RAMADAN, afternoon, RULES).hours == WorkHours(time(16, 0), time(21, 0))
    # AND a teacher who keeps school hours in Ramadan is on time and leaves on time
    teacher = attend(RAMADAN_MONDAY, "07:00", "13:00", calendar=RAMADAN, employee=school)
    assert (teacher.status, teacher.deduction_percent) == ("H", 0)


def test_ramadan_keeps_an_afternoon_schedule_s_own_hours_and_its_end_is_no_early_departure() -> None:
    # GIVEN an afternoon school 12:30-17:30, a 14:00-21:00 shift and an office on 07:30-16:00 (Friday too)
    school, shift, office = (_unit_on(hours) for hours in ("12:30-17:30", "14:00-21:00", "07:30-16:00"))
    for day in (RAMADAN_MONDAY, RAMADAN_FRIDAY):
        # WHEN a Ramadan day is planned, THEN the ones that begin in the afternoon keep their hours, not a stub
        # cut at 15:00, and the office is cut to the Ramadan hours as before
        assert plan_day(day, RAMADAN, school, RULES).hours == WorkHours(time(12, 30), time(17, 30)), day
        assert plan_day(day, RAMADAN, shift, RULES).hours == WorkHours(time(14, 0), time(21, 0)), day
        office_day = plan_day(day, RAMADAN, office, RULES)
        ends = time(15, 30) if day == RAMADAN_FRIDAY else time(15, 0)
        assert (office_day.hours, office_day.source) == (WorkHours(time(8, 0), ends), "ramadan"), day
        # AND keeping one's own hours is on time, with no early departure (a 21:00 check-out counts)
        for employee, (arrives, leaves) in ((school, ("12:30", "17:30")), (shift, ("14:00", "21:00"))):
            kept = attend(day, arrives, leaves, calendar=RAMADAN, employee=employee)
            assert (kept.status, kept.deduction_percent) == ("H", Decimal(0)), (day, arrives)


def test_a_ramadan_cut_never_closes_the_check_out_before_the_unit_s_own_end() -> None:
    # GIVEN a unit on 07:30-19:00, which Ramadan cuts to 08:00-15:00
    unit = _unit_on("07:30-19:00")
    planned = plan_day(RAMADAN_MONDAY, RAMADAN, unit, RULES)
    assert (planned.hours, planned.source) == (WorkHours(time(8, 0), time(15, 0)), "ramadan")
    # WHEN its employee keeps the unit's own hours and checks out at 19:00 (after the regency's 18:00)
    stayed = attend(RAMADAN_MONDAY, "07:55", "19:00", calendar=RAMADAN, employee=unit)
    # THEN the check-out counts: the window closes after the unit's own end plus its margin, not at 18:00
    assert (stayed.status, stayed.deduction_percent) == ("H", Decimal(0))
    assert planned.window(RULES)[1] == local(RAMADAN_MONDAY, "21:00")


def test_a_day_two_stored_leaves_cover_is_the_same_whichever_is_read_first() -> None:
    # GIVEN an annual leave for the week and a sick note for its Tuesday, stored before a second leave on a day
    # was refused (or by two approvals at once), and two leaves of one day
    week = Leave(LeaveKind.CUTI, DateRange(MONDAY, MONDAY + timedelta(days=4)))
    sick = Leave(LeaveKind.SAKIT, DateRange(MONDAY + timedelta(days=1), MONDAY + timedelta(days=1)))
    permit = Leave(LeaveKind.IZIN, DateRange(MONDAY, MONDAY))
    # WHEN the days are planned from the leaves in either order (the check-in's read and the recap's differ)
    for leaves in ((week, sick, permit), (permit, sick, week)):
        plans = [
            plan_day(MONDAY + timedelta(days=d), RegencyCalendar(), EmployeePlan(leaves=leaves), RULES)
            for d in range(3)
        ]
        # THEN each day is the same: the leave begun last covers it, a tie goes by kind (S, then I, then C)
        assert [p.leave for p in plans] == [LeaveKind.IZIN, LeaveKind.SAKIT, LeaveKind.CUTI]


def test_night_shift_across_midnight_belongs_to_its_start_date() -> None:
    # GIVEN a puskesmas nurse rostered 21:00–07:00 on Tuesday, and the regular day on Wednesday
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    nurse = EmployeePlan(shifts={tuesday: NIGHT})
    plans = [plan_day(day, RegencyCalendar(), nurse, RULES) for day in (tuesday, wednesday)]
    events = [
        ev("in", tuesday, "21:10"),
        ev("out", wednesday, "07:02"),
        ev("in", wednesday, "07:25"),
        ev("out", wednesday, "16:00"),
    ]
    # WHEN both days are judged from the same event stream
    night, day = classify_period(plans, events, RULES)
    # THEN the Wednesday-morning check-out closes Tuesday's shift, not Wednesday's day
    assert (night.day, night.status, night.late_minutes, night.early_minutes) == (tuesday, "TL1", 10, 0)
    assert night.check_out == local(wednesday, "07:02")
    assert (day.status, day.check_in) == ("H", local(wednesday, "07:25"))


def test_fingerprint_punches_of_a_night_shift_are_typed_within_the_shift() -> None:
    # GIVEN a nurse rostered 21:00-07:00 three nights running, who punches the old machine at 20:55 and 07:05
    nights = [MONDAY + timedelta(days=d) for d in range(3)]
    nurse = EmployeePlan(shifts=dict.fromkeys(nights, NIGHT))
    days = [*nights, nights[-1] + timedelta(days=1)]
    plans = [plan_day(day, RegencyCalendar(), nurse, RULES) for day in days]
    punches = [p for night in nights for p in (punch(night, "20:55"), punch(night + timedelta(days=1), "07:05"))]
    # WHEN the days are judged, THEN each night is whole and on time, as the same times through the app are
    judged = classify_period(plans, punches, RULES)
    assert [(s.status, s.check_in, s.check_out) for s in judged[:3]] == [
        ("H", local(night, "20:55"), local(night + timedelta(days=1), "07:05")) for night in nights
    ]
    app = [e for night in nights for e in (ev("in", night, "20:55"), ev("out", night + timedelta(days=1), "07:05"))]
    assert [s.status for s in classify_period(plans, app, RULES)] == [s.status for s in judged]


def test_punches_at_a_back_to_back_handover_end_the_night_and_start_the_next_shift() -> None:
    # GIVEN a nurse rostered 21:00-07:00 on Monday and 07:00-14:00 on Tuesday: Monday ends as Tuesday starts
    tuesday = MONDAY + timedelta(days=1)
    nurse = EmployeePlan(shifts={MONDAY: NIGHT, tuesday: WorkHours(time(7, 0), time(14, 0))})
    plans = [plan_day(day, RegencyCalendar(), nurse, RULES) for day in (MONDAY, tuesday)]

    def shifts(handover: tuple[str, ...]) -> list[tuple[str, datetime | None, datetime | None]]:
        punches = [punch(MONDAY, "20:55"), *(punch(tuesday, clock) for clock in handover), punch(tuesday, "14:05")]
        return [(s.status, s.check_in, s.check_out) for s in classify_period(plans, punches, RULES)]

    # WHEN the machine holds her punches at 06:55 and 07:05, as near to the night's end as to the day's start
    # THEN 06:55 ends the night (5 minutes early) and 07:05 starts the day (5 minutes late), not both the night
    assert shifts(("06:55", "07:05")) == [
        ("PSW1", local(MONDAY, "20:55"), local(tuesday, "06:55")),
        ("TL1", local(tuesday, "07:05"), local(tuesday, "14:05")),
    ]
    # AND a punch at 07:00 itself ends the night, and a press repeated across 07:00 is one of each
    assert shifts(("07:00", "07:05"))[0] == ("H", local(MONDAY, "20:55"), local(tuesday, "07:00"))
    assert [s[0] for s in shifts(("06:58", "07:01"))] == ["PSW1", "TL1"]


def test_a_lone_punch_is_the_check_in_or_the_check_out_it_is_nearer_to() -> None:
    # GIVEN an ordinary day, 07:30-16:00
    # WHEN the app check-in at 07:25 is followed by a machine punch at 16:05, THEN the day is whole
    assert attend_with(ev("in", MONDAY, "07:25"), punch(MONDAY, "16:05")) == ("H", "07:25", "16:05")
    # AND a machine punch at 07:20 followed by the app check-out is whole too
    assert attend_with(punch(MONDAY, "07:20"), ev("out", MONDAY, "16:05")) == ("H", "07:20", "16:05")
    # AND a lone afternoon punch is a check-out with no check-in (TL4), as the same app check-out would be
    assert attend_with(punch(MONDAY, "16:05")) == attend_with(ev("out", MONDAY, "16:05"))
    assert attend_with(punch(MONDAY, "16:05"))[0] == "TL4"
    # AND a lone morning punch is a check-in with no check-out; a second morning punch ends nothing early
    assert attend_with(punch(MONDAY, "07:20")) == ("PSW4", "07:20", None)
    assert attend_with(ev("in", MONDAY, "07:25"), punch(MONDAY, "07:27")) == ("PSW4", "07:25", None)
    # AND of several punches the first is the check-in and the last the check-out
    assert attend_with(punch(MONDAY, "12:00"), punch(MONDAY, "07:20"), punch(MONDAY, "16:05")) == (
        "H",
        "07:20",
        "16:05",
    )


def test_a_button_pressed_twice_counts_once_as_the_arrival_or_the_departure_it_ends() -> None:
    # GIVEN an ordinary day, 07:30-16:00, and a machine whose user presses again when unsure it beeped
    # WHEN the departure is pressed twice across 16:00, THEN the last press is the check-out: on time, not PSW1
    assert attend_with(punch(MONDAY, "07:25:00"), punch(MONDAY, "15:59:40"), punch(MONDAY, "16:00:10")) == (
        "H",
        "07:25",
        "16:00",
    )
    # AND an arrival pressed twice across 07:30 counts its first press: on time, not TL1
    assert attend_with(punch(MONDAY, "07:29:50"), punch(MONDAY, "07:31:10"), punch(MONDAY, "16:05")) == (
        "H",
        "07:29",
        "16:05",
    )
    # AND an arrival burst 07:25:00/07:26:00 is the check-in only, never also the check-out: with the day's
    # departure it is whole (H), alone it is the arrival with no departure, as one press is (not PSW 07:26)
    assert attend_with(punch(MONDAY, "07:25:00"), punch(MONDAY, "07:26:00"), punch(MONDAY, "16:05")) == (
        "H",
        "07:25",
        "16:05",
    )
    assert attend_with(punch(MONDAY, "07:25:00"), punch(MONDAY, "07:26:00")) == attend_with(punch(MONDAY, "07:25"))
    assert attend_with(ev("in", MONDAY, "07:25"), punch(MONDAY, "07:26:00"), punch(MONDAY, "07:27:00")) == (
        "PSW4",
        "07:25",
        None,
    )
    # AND a lone departure burst with an app check-in counts its last press
    assert attend_with(ev("in", MONDAY, "07:25"), punch(MONDAY, "15:59:40"), punch(MONDAY, "16:00:10")) == (
        "H",
        "07:25",
        "16:00",
    )
    # AND presses each less than 5 minutes after the one before are one burst; 5 minutes apart are two bursts of
    # one visit, nearer the day's end: the departure, its arrival missing (not an arrival at 15:50, 500 late)
    assert attend_with(punch(MONDAY, "15:52"), punch(MONDAY, "15:56"), punch(MONDAY, "16:00"))[0] == "TL4"
    assert attend_with(punch(MONDAY, "15:50"), punch(MONDAY, "15:55"))[0:3] == ("TL4+PSW1", None, "15:55")


def test_an_arrival_pressed_twice_minutes_apart_is_no_departure() -> None:
    # GIVEN an ordinary day, 07:30-16:00, and an employee who presses at 07:20 and again at 07:26 (unsure it took)
    twice = judge(MONDAY, punch(MONDAY, "07:20"), punch(MONDAY, "07:26"))
    # THEN the day is the arrival with no departure, as one press is: PSW4 with no early minutes (not 514 minutes
    # early, which the year's late-and-early total would count as a day absent)
    assert (twice.status, twice.check_in, twice.check_out, twice.early_minutes) == (
        "PSW4", local(MONDAY, "07:20"), None, None
    )  # fmt: skip
    assert attend_with(punch(MONDAY, "07:20"), punch(MONDAY, "07:26")) == attend_with(punch(MONDAY, "07:20"))
    # AND with the day's departure the day is whole; an hour or more after the arrival a press is the departure
    assert attend_with(punch(MONDAY, "07:20"), punch(MONDAY, "07:26"), punch(MONDAY, "16:05"))[0] == "H"
    assert attend_with(punch(MONDAY, "07:20"), punch(MONDAY, "11:40"))[0:3] == ("PSW4", "07:20", "11:40")
    assert judge(MONDAY, punch(MONDAY, "07:20"), punch(MONDAY, "11:40")).early_minutes == 260
    assert judge(MONDAY, punch(MONDAY, "07:20"), punch(MONDAY, "08:25")).early_minutes == 455


def test_a_late_arrival_after_midday_still_counts_its_minutes() -> None:
    # GIVEN an ordinary day, 07:30-16:00: an arrival at 11:50 and a departure at 16:05 (a half day, nearer the end)
    late = judge(MONDAY, punch(MONDAY, "11:50"), punch(MONDAY, "16:05"))
    # THEN the 260 minutes late count towards the year's late-and-early total, as the morning's would
    assert (late.status, late.check_in, late.late_minutes) == ("TL4", local(MONDAY, "11:50"), 260)


def test_a_night_nurse_pressing_twice_at_the_end_of_her_shift_leaves_on_time() -> None:
    # GIVEN a nurse rostered 21:00-07:00 who punches at 20:55, and at 06:59:50 and 07:00:10 the next morning
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    nurse = EmployeePlan(shifts={tuesday: NIGHT})
    plans = [plan_day(day, RegencyCalendar(), nurse, RULES) for day in (MONDAY, tuesday, wednesday)]
    punches = [punch(tuesday, "20:55"), punch(wednesday, "06:59:50"), punch(wednesday, "07:00:10")]
    # WHEN the days are judged
    _, night, _ = classify_period(plans, punches, RULES)
    # THEN her shift ends with the last press: on time (H, 0 %), not one minute early (PSW1)
    assert (night.status, night.early_minutes, night.deduction_percent) == ("H", 0, 0)
    assert (night.check_in, night.check_out) == (local(tuesday, "20:55"), local(wednesday, "07:00:10"))


def attend_with(*events: AttendanceEvent) -> tuple[str, str | None, str | None]:
    """Monday's status, check-in and check-out (local HH:MM) from these events."""
    status = judge(MONDAY, *events)

    def clock(at: datetime | None) -> str | None:
        return f"{at.astimezone(JAKARTA):%H:%M}" if at else None

    return status.status, clock(status.check_in), clock(status.check_out)


def test_night_shift_early_leave_and_missing_out() -> None:
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    nurse = EmployeePlan(shifts={tuesday: NIGHT})
    early = judge(tuesday, ev("in", tuesday, "20:45"), ev("out", wednesday, "05:30"), employee=nurse)
    assert (early.status, early.early_minutes) == ("PSW3", 90)
    assert judge(tuesday, ev("in", tuesday, "20:45"), employee=nurse).status == "PSW4"


def test_rostered_shift_wins_over_holiday_and_roster_day_off_wins_over_weekday() -> None:
    calendar = RegencyCalendar.of((Holiday(MONDAY, "Hari Raya"),))
    nurse = EmployeePlan(shifts={MONDAY: WorkHours(time(7, 0), time(14, 0)), MONDAY + timedelta(days=1): None})
    status = judge(MONDAY, ev("in", MONDAY, "07:00"), ev("out", MONDAY, "14:00"), employee=nurse, calendar=calendar)
    assert status.status == "H"
    assert judge(MONDAY + timedelta(days=1), employee=nurse).status == "LIBUR"


def test_week_schedule_from_api_shape_round_trips() -> None:
    payload = {"mon": {"start": "07:30", "end": "16:00"}, "fri": {"start": "07:30", "end": "16:30"}}
    week = WeekSchedule.from_dict(payload)
    assert week.hours_on(MONDAY) == WorkHours(time(7, 30), time(16, 0))
    assert week.hours_on(MONDAY + timedelta(days=1)) is None
    assert week.to_dict() == payload


@pytest.mark.parametrize(
    "payload",
    [
        {"mon": {"start": "7:30", "end": "16:00"}},
        {"mon": {"start": "07:30", "end": "07:30"}},
        {"mon": {"start": "07:30"}},
        {"monday": {"start": "07:30", "end": "16:00"}},
        {"mon": "07:30-16:00"},
        {"mon": {"start": "25:00", "end": "16:00"}},
        {"mon": {"start": "07.30", "end": "16.00"}},  # read as 07:00:00.3 and 16:00:00.0, not refused
        {"mon": {"start": "T0730", "end": "16:00"}},
    ],
)
def test_bad_schedule_payload_is_a_validation_error(payload: dict[str, object]) -> None:
    with pytest.raises(ScheduleError) as caught:
        WeekSchedule.from_dict(payload)
    assert caught.value.code == "VALIDATION_ERROR"
    assert caught.value.details


def test_a_clock_written_the_indonesian_way_is_refused_not_read_as_another_time() -> None:
    # GIVEN an admin who writes the school's hours as Indonesian text does, "07.30" to "16.00"
    payload = {"mon": {"start": "07.30", "end": "16.00"}}
    # WHEN the week is read, THEN it is refused naming the field (it was read as 07:00:00.3, so every teacher
    # who came at 07:25 would have been TL1 under a schedule the admin never wrote)
    with pytest.raises(ScheduleError) as caught:
        WeekSchedule.from_dict(payload)
    assert caught.value.details == {"field": "days.mon.start"}
    # AND a roster's or the rule table's clock is held to the same HH:MM
    with pytest.raises(ScheduleError):
        WorkHours.parse("21.00", "07:00")


def test_date_range_and_version_validation() -> None:
    with pytest.raises(ScheduleError):
        DateRange(MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(ScheduleError):
        ScheduleVersion(MONDAY, datetime(2026, 11, 1, 10, 0), SEVEN_TO_THREE)  # naive instant


def test_attendance_on_a_day_off_stays_on_that_day() -> None:
    # GIVEN a Saturday check-in/out between two normal weeks
    plans = [plan_day(MONDAY + timedelta(days=offset), RegencyCalendar(), EmployeePlan(), RULES) for offset in range(7)]
    events = [ev("in", SATURDAY, "08:00"), ev("out", SATURDAY, "11:00")]
    # WHEN the week is judged
    week = classify_period(plans, events, RULES)
    # THEN Saturday is LIBUR with its attendance kept, and no working day took the events
    saturday = week[5]
    assert saturday.status == "LIBUR"
    assert (saturday.check_in, saturday.check_out) == (local(SATURDAY, "08:00"), local(SATURDAY, "11:00"))
    assert [day.status for day in week[:5]] == ["TK"] * 5
