"""Daily classification: band edges, clock-minute rounding, precedence, reviews, missing events."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chalicelib.attendance import classify
from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import (
    AttendanceEvent,
    DayInputs,
    EventState,
    Judgement,
    as_it_stands,
    classify_day,
    day_deduction,
    judge_attendance,
)
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import DateRange, EmployeePlan, Holiday, HolidayKind, Leave, LeaveKind, RegencyCalendar
from chalicelib.domain.schedule import WorkHours
from chalicelib.domain.status import DayStatus

from .helpers import FRIDAY, MONDAY, RULES, SATURDAY, THREE_BAND_PERBUP, ev, judge, local

EDGES = [(0, None), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3), (90, 3), (91, 4), (400, 4)]
DEDUCTION = {None: Decimal(0), 1: Decimal("0.5"), 2: Decimal(1), 3: Decimal("1.25"), 4: Decimal("1.5")}


def _clock(base: str, minutes: int) -> str:
    hours, mins = map(int, base.split(":"))
    total = hours * 60 + mins + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


@pytest.mark.parametrize(("minutes", "level"), EDGES)
def test_late_arrival_band_edges(minutes: int, level: int | None) -> None:
    # GIVEN a Monday 07:30–16:00 and a check-out at 16:00
    # WHEN the check-in is `minutes` after 07:30
    status = judge(MONDAY, ev("in", MONDAY, _clock("07:30", minutes)), ev("out", MONDAY, "16:00"))
    # THEN the TL band follows DOMAIN.md and the deduction is that band's
    assert status.late_minutes == minutes
    assert status.tl == (f"TL{level}" if level else None)
    assert status.psw is None
    assert status.status == (f"TL{level}" if level else "H")
    assert status.deduction_percent == DEDUCTION[level]


@pytest.mark.parametrize(("minutes", "level"), EDGES)
def test_early_departure_band_edges(minutes: int, level: int | None) -> None:
    status = judge(MONDAY, ev("in", MONDAY, "07:00"), ev("out", MONDAY, _clock("16:00", -minutes)))
    assert status.early_minutes == minutes
    assert status.psw == (f"PSW{level}" if level else None)
    assert status.tl is None
    assert status.status == (f"PSW{level}" if level else "H")
    assert status.deduction_percent == DEDUCTION[level]


def test_seconds_are_ignored_on_the_clock() -> None:
    # 07:30:59 is still the 07:30 minute: on time; 15:59:59 is the 15:59 minute: one minute early.
    on_time = judge(MONDAY, ev("in", MONDAY, "07:30:59"), ev("out", MONDAY, "16:00:00"))
    assert (on_time.status, on_time.late_minutes) == ("H", 0)
    early = judge(MONDAY, ev("in", MONDAY, "07:31:00"), ev("out", MONDAY, "15:59:59"))
    assert (early.status, early.late_minutes, early.early_minutes) == ("TL1+PSW1", 1, 1)


def test_late_and_early_combine_and_add_up() -> None:
    status = judge(MONDAY, ev("in", MONDAY, "07:45"), ev("out", MONDAY, "15:00"))
    assert (status.status, status.tl, status.psw) == ("TL1+PSW2", "TL1", "PSW2")
    assert status.deduction_percent == Decimal("1.5")
    assert status.check_in == local(MONDAY, "07:45")
    assert status.check_out == local(MONDAY, "15:00")


def test_first_in_and_last_out_are_used() -> None:
    status = judge(
        MONDAY,
        ev("in", MONDAY, "07:50"),
        ev("in", MONDAY, "07:20"),
        ev("out", MONDAY, "12:00"),
        ev("out", MONDAY, "16:10"),
    )
    assert (status.status, status.check_in, status.check_out) == ("H", local(MONDAY, "07:20"), local(MONDAY, "16:10"))


def test_friday_ends_at_16_30() -> None:
    assert judge(FRIDAY, ev("in", FRIDAY, "07:30"), ev("out", FRIDAY, "16:30")).status == "H"
    leaving_at_four = judge(FRIDAY, ev("in", FRIDAY, "07:30"), ev("out", FRIDAY, "16:00"))
    assert (leaving_at_four.status, leaving_at_four.early_minutes) == ("PSW1", 30)


def test_no_record_at_all_is_tk() -> None:
    status = judge(MONDAY)
    assert (status.status, status.deduction_percent) == ("TK", Decimal(5))
    assert status.check_in is None and status.late_minutes is None


def test_missing_check_out_is_psw4_and_missing_check_in_is_tl4() -> None:
    no_out = judge(MONDAY, ev("in", MONDAY, "07:10"))
    assert (no_out.status, no_out.psw, no_out.early_minutes) == ("PSW4", "PSW4", None)
    assert no_out.deduction_percent == Decimal("1.5")
    no_in = judge(MONDAY, ev("out", MONDAY, "16:05"))
    assert (no_in.status, no_in.tl, no_in.late_minutes) == ("TL4", "TL4", None)


def test_missing_levels_are_configurable() -> None:
    rules = RuleTable(missing_check_in_level=2, missing_check_out_level=1)
    assert judge(MONDAY, ev("out", MONDAY, "16:05"), rules=rules).status == "TL2"
    assert judge(MONDAY, ev("in", MONDAY, "07:05"), rules=rules).status == "PSW1"


def test_events_outside_the_day_window_are_ignored() -> None:
    # 05:00 is before check-in opens (06:00); 19:00 after check-out closes (18:00).
    status = judge(MONDAY, ev("in", MONDAY, "05:00"), ev("out", MONDAY, "19:00"))
    assert status.status == "TK"


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (EventState.ACCEPTED, "H"),
        (EventState.APPROVED, "H"),
        (EventState.PENDING, "TL4"),
        (EventState.REJECTED, "TL4"),
    ],
)
def test_review_decisions(state: EventState, expected: str) -> None:
    # GIVEN a check-in whose review is in `state` and an accepted check-out
    status = judge(MONDAY, ev("in", MONDAY, "07:20", state), ev("out", MONDAY, "16:00"))
    # THEN only accepted or approved check-ins count; otherwise it is a missing check-in
    assert status.status == expected


def test_only_pending_events_is_tk() -> None:
    status = judge(
        MONDAY, ev("in", MONDAY, "07:20", EventState.PENDING), ev("out", MONDAY, "16:00", EventState.REJECTED)
    )
    assert status.status == "TK"


def test_weekend_without_schedule_is_libur_but_attendance_is_kept() -> None:
    status = judge(SATURDAY, ev("in", SATURDAY, "08:00"), ev("out", SATURDAY, "12:00"))
    assert (status.status, status.deduction_percent) == ("LIBUR", Decimal(0))
    assert status.check_in == local(SATURDAY, "08:00") and status.check_out == local(SATURDAY, "12:00")


@pytest.mark.parametrize("kind", list(HolidayKind))
def test_holidays_are_libur(kind: HolidayKind) -> None:
    calendar = RegencyCalendar.of((Holiday(MONDAY, "Libur", kind),))
    status = judge(MONDAY, ev("in", MONDAY, "09:00"), calendar=calendar)
    assert status.status == "LIBUR"
    assert status.check_in == local(MONDAY, "09:00")
    assert judge(MONDAY).status == "TK"  # the same day without the holiday


@pytest.mark.parametrize(("kind", "code"), [(LeaveKind.CUTI, "C"), (LeaveKind.IZIN, "I"), (LeaveKind.SAKIT, "S")])
def test_leave_excuses_the_day(kind: LeaveKind, code: str) -> None:
    employee = EmployeePlan(leaves=(Leave(kind, DateRange(MONDAY, FRIDAY)),))
    assert judge(MONDAY, employee=employee).status == code
    late_anyway = judge(MONDAY, ev("in", MONDAY, "09:00"), employee=employee)
    assert (late_anyway.status, late_anyway.deduction_percent) == (code, Decimal(0))
    assert judge(MONDAY - timedelta(days=1), employee=employee).status == "LIBUR"  # Sunday before


def test_precedence_libur_over_leave_over_field_duty() -> None:
    both = EmployeePlan(
        leaves=(Leave(LeaveKind.SAKIT, DateRange(MONDAY, MONDAY)),),
        field_duties=(DateRange(MONDAY, SATURDAY),),
    )
    assert judge(MONDAY, employee=both).status == "S"
    assert judge(MONDAY + timedelta(days=1), employee=both).status == "DL"
    assert judge(SATURDAY, employee=both).status == "LIBUR"
    holiday = RegencyCalendar.of((Holiday(MONDAY, "Hari Raya"),))
    assert judge(MONDAY, employee=both, calendar=holiday).status == "LIBUR"


def test_field_duty_with_attendance_is_dl() -> None:
    employee = EmployeePlan(field_duties=(DateRange(MONDAY, MONDAY),))
    status = judge(MONDAY, ev("in", MONDAY, "08:10"), employee=employee)
    assert (status.status, status.tl, status.deduction_percent) == ("DL", None, Decimal(0))


def test_late_grace_minutes() -> None:
    rules = RuleTable(late_grace_minutes=5)
    out = ev("out", MONDAY, "16:00")
    assert judge(MONDAY, ev("in", MONDAY, "07:35"), out, rules=rules).status == "H"
    six = judge(MONDAY, ev("in", MONDAY, "07:36"), out, rules=rules)
    assert (six.status, six.late_minutes) == ("TL1", 6)


def test_a_lateness_within_the_grace_is_on_time_and_counts_no_late_minutes() -> None:
    # GIVEN a regency whose table lets a lateness of at most 5 minutes be on time (docs/deployment.md)
    rules = RuleTable(late_grace_minutes=5)
    plan = plan_day(MONDAY, RegencyCalendar(), EmployeePlan(), rules)
    out = ev("out", MONDAY, "16:00")
    # WHEN an employee arrives at 07:35, THEN the day is on time with no late minutes to pile up in the month
    five = judge(MONDAY, ev("in", MONDAY, "07:35"), out, rules=rules)
    assert (five.status, five.tl, five.late_minutes) == ("H", None, 0)
    # AND the check-in's answer says so too, not "Terlambat 5 menit"
    assert judge_attendance("in", local(MONDAY, "07:35:59"), plan, rules) == Judgement(0, None)
    # AND beyond the grace the whole lateness from the start counts, as its band is chosen from it
    six = judge(MONDAY, ev("in", MONDAY, "07:36"), out, rules=rules)
    assert (six.status, six.late_minutes) == ("TL1", 6)
    assert judge_attendance("in", local(MONDAY, "07:36"), plan, rules) == Judgement(6, "TL1")
    # AND what staying after the end leaves of a lateness is on time when within the grace
    make_up = RuleTable(late_grace_minutes=5, late_make_up_minutes=15)
    made_up = judge(MONDAY, ev("in", MONDAY, "07:50"), ev("out", MONDAY, "16:15"), rules=make_up)
    assert (made_up.status, made_up.late_minutes) == ("H", 0)
    # AND a departure has no grace: one minute early is PSW1 and counted
    early = judge(MONDAY, ev("in", MONDAY, "07:35"), ev("out", MONDAY, "15:59"), rules=rules)
    assert (early.status, early.late_minutes, early.early_minutes) == ("PSW1", 0, 1)


def test_other_regency_time_zone() -> None:
    # 07:31 WITA (Asia/Makassar) is 23:31 UTC the day before; it is judged on the WITA clock.
    wita = ZoneInfo("Asia/Makassar")
    rules = RuleTable(timezone="Asia/Makassar")
    events = (AttendanceEvent("in", local(MONDAY, "07:31", wita)), AttendanceEvent("out", local(MONDAY, "16:00", wita)))
    status = judge(MONDAY, *events, rules=rules)
    assert (status.status, status.late_minutes) == ("TL1", 1)


def test_check_in_answer() -> None:
    plan = plan_day(MONDAY, RegencyCalendar(), EmployeePlan(), RULES)
    assert judge_attendance("in", local(MONDAY, "07:45:30"), plan, RULES) == Judgement(15, "TL1")
    assert judge_attendance("in", local(MONDAY, "07:00"), plan, RULES) == Judgement(0, None)
    assert judge_attendance("out", local(MONDAY, "15:00"), plan, RULES) == Judgement(60, "PSW2")
    assert judge_attendance("out", local(MONDAY, "16:05"), plan, RULES) == Judgement(0, None)
    weekend = plan_day(SATURDAY, RegencyCalendar(), EmployeePlan(), RULES)
    assert judge_attendance("in", local(SATURDAY, "11:00"), weekend, RULES) == Judgement(0, None)


def test_rule_table_changes_deductions() -> None:
    rules = RuleTable.from_dict(
        {
            "tk_deduction_percent": 4,
            "missing_check_in_level": 2,
            "late_bands": [
                {"up_to_minutes": 30, "deduction_percent": 0.5},
                {"up_to_minutes": None, "deduction_percent": "2.5"},
            ],
        }
    )
    assert judge(MONDAY, rules=rules).deduction_percent == Decimal(4)
    late = judge(MONDAY, ev("in", MONDAY, "08:31"), ev("out", MONDAY, "16:00"), rules=rules)
    assert (late.status, late.deduction_percent) == ("TL2", Decimal("2.5"))
    assert judge(MONDAY, ev("out", MONDAY, "16:00"), rules=rules).status == "TL2"


def test_a_day_judged_under_four_bands_counts_under_the_last_band_of_a_three_band_table() -> None:
    # GIVEN days judged under the default table: arrived 09:30 and left 12:00 (TL4+PSW4), arrived 08:10 (TL2)
    worst = judge(MONDAY, ev("in", MONDAY, "09:30"), ev("out", MONDAY, "12:00"))
    second = judge(MONDAY, ev("in", MONDAY, "08:10"), ev("out", MONDAY, "16:00"))
    assert (worst.status, second.status) == ("TL4+PSW4", "TL2")
    # WHEN the regency's Perbup with three bands (the last 2.5 %) takes effect and the stored days are read
    perbup = RuleTable.from_dict(THREE_BAND_PERBUP)
    # THEN a level beyond the table is its last band (2.5 % each), a level within it is its own, nothing raises
    assert day_deduction(worst, perbup) == Decimal(5)
    assert day_deduction(second, perbup) == Decimal(1)
    assert (perbup.counted_category("TL4"), perbup.counted_category("PSW4")) == ("TL3", "PSW3")
    assert (perbup.counted_category("TL2"), perbup.counted_category("PSW1")) == ("TL2", "PSW1")
    # AND a day still in progress (the scheduled run, decision 141) is judged under it as well
    plan = plan_day(MONDAY, RegencyCalendar(), EmployeePlan(), perbup)
    ongoing = as_it_stands(worst, plan, local(MONDAY, "10:00"), perbup)
    assert ongoing is not None and (ongoing.status, ongoing.deduction_percent) == ("TL4", Decimal("2.5"))


def test_late_minutes_made_up_by_staying_after_the_end_where_the_regency_allows_it() -> None:
    # GIVEN a regency where up to 30 late minutes are made up by staying after 16:00
    rules = RuleTable.from_dict({"late_make_up_minutes": 30})

    def day(check_in: str, check_out: str, table: RuleTable = rules) -> tuple[str, int | None]:
        status = judge(MONDAY, ev("in", MONDAY, check_in), ev("out", MONDAY, check_out), rules=table)
        return status.status, status.late_minutes

    # THEN 20 minutes late and 20 stayed is on time; 20 stayed of 45 late leaves 25 (TL1)
    assert day("07:50", "16:20") == ("H", 0)
    assert day("08:15", "16:20") == ("TL1", 25)
    # AND no more than 30 are made up, staying longer than the lateness makes up no more than it
    assert day("08:31", "17:30") == ("TL2", 31)
    assert day("07:40", "17:59") == ("H", 0)
    # AND leaving at 16:00, leaving early, or a day with no check-out makes up nothing
    assert day("07:50", "16:00") == ("TL1", 20)
    assert day("07:50", "15:50") == ("TL1+PSW1", 20)
    assert judge(MONDAY, ev("in", MONDAY, "07:50"), rules=rules).late_minutes == 20
    # AND the default table makes up nothing
    assert day("07:50", "16:20", RULES) == ("TL1", 20)


def test_a_daily_cap_bounds_what_lateness_and_early_departure_deduct_together() -> None:
    # GIVEN a regency whose day deducts at most 1.5 %, WHEN late 45 minutes (1 %) and early 61 minutes (1.25 %)
    rules = RuleTable.from_dict({"daily_cap_percent": "1.5"})
    both = judge(MONDAY, ev("in", MONDAY, "08:15"), ev("out", MONDAY, "14:59"), rules=rules)
    # THEN the day deducts 1.5 %, not 2.25 %, while TK keeps its own percent
    assert (both.status, both.deduction_percent) == ("TL2+PSW3", Decimal("1.5"))
    assert judge(MONDAY, rules=rules).deduction_percent == Decimal(5)
    assert judge(MONDAY, ev("in", MONDAY, "08:15"), ev("out", MONDAY, "14:59")).deduction_percent == Decimal("2.25")
    # AND a stored day follows the table it is read under
    assert classify.day_deduction(both, RULES) == Decimal("2.25")


def test_hours_outside_opening_times_widen_the_window() -> None:
    # GIVEN a 04:00–12:00 shift, starting before check-in normally opens (06:00)
    dawn = EmployeePlan(shifts={MONDAY: WorkHours(time(4, 0), time(12, 0))})
    # THEN a 03:55 check-in still belongs to the day (window opens 90 min before the start)
    status = judge(MONDAY, ev("in", MONDAY, "03:55"), ev("out", MONDAY, "12:00"), employee=dawn)
    assert (status.status, status.check_in) == ("H", local(MONDAY, "03:55"))
    assert judge(MONDAY, ev("in", MONDAY, "02:00"), ev("out", MONDAY, "12:00"), employee=dawn).status == "TL4"


def test_naive_attendance_time_is_refused() -> None:
    from datetime import datetime

    from chalicelib.errors import ScheduleError

    with pytest.raises(ScheduleError):
        AttendanceEvent("in", datetime(2026, 11, 23, 7, 30))


def _standing(
    day: date, clock: str, *events: AttendanceEvent, employee: EmployeePlan | None = None
) -> DayStatus | None:
    """The day (07:30-16:00 on a Monday) judged from `events` as it stands at `clock` local time that day."""
    plan = plan_day(day, RegencyCalendar(), employee or EmployeePlan(), RULES)
    return as_it_stands(classify_day(DayInputs(plan, events), RULES), plan, local(day, clock), RULES)


def test_before_the_hours_end_a_day_stands_without_the_departure_it_is_not_due_to_make() -> None:
    # GIVEN a check-in 40 minutes late and no check-out yet
    arrival = ev("in", MONDAY, "08:10")
    # WHEN the day is judged at 15:59, before its hours end
    standing = _standing(MONDAY, "15:59", arrival)
    # THEN the lateness counts and no PSW4 for a check-out not due yet: its deduction is the TL's alone
    assert standing is not None
    assert (standing.status, standing.tl, standing.psw, standing.deduction_percent) == ("TL2", "TL2", None, Decimal(1))
    assert standing.check_in == arrival.at
    # AND once the hours are over it stands as the finished day does
    assert _standing(MONDAY, "16:00", arrival) == judge(MONDAY, arrival)
    assert judge(MONDAY, arrival).status == "TL2+PSW4"


def test_before_the_hours_end_an_early_check_out_is_kept_but_not_judged_yet() -> None:
    # GIVEN an on-time check-in and a check-out at 11:00 (the employee may come back and check out again)
    standing = _standing(MONDAY, "12:00", ev("in", MONDAY, "07:25"), ev("out", MONDAY, "11:00"))
    # THEN at noon the day stands on time, its check-out recorded; the day's end judges the departure
    assert standing is not None
    assert (standing.status, standing.psw, standing.early_minutes) == ("H", None, None)
    assert standing.check_out == local(MONDAY, "11:00")


def test_a_day_with_no_attendance_has_no_status_before_its_hours_end_and_tk_after() -> None:
    assert _standing(MONDAY, "10:00") is None
    assert _standing(MONDAY, "10:00", ev("in", MONDAY, "07:35", EventState.PENDING)) is None  # waits for review
    standing = _standing(MONDAY, "16:00")
    assert standing is not None and standing.status == "TK"


def test_a_day_off_leave_or_field_duty_stands_as_it_is_at_any_hour() -> None:
    sick = EmployeePlan(leaves=(Leave(LeaveKind.SAKIT, DateRange(MONDAY, MONDAY)),))
    duty = EmployeePlan(field_duties=(DateRange(MONDAY, MONDAY),))
    assert [_standing(MONDAY, "08:00", employee=plan) for plan in (sick, duty)] == [
        judge(MONDAY, employee=sick),
        judge(MONDAY, employee=duty),
    ]
    assert _standing(SATURDAY, "08:00") == judge(SATURDAY)


# ---- The live monitor after midnight (decision 145) ------------------------------------------------------

TUESDAY = MONDAY + timedelta(days=1)
NIGHT = WorkHours(time(21, 0), time(7, 0))


def _shown(
    clock: str, *events: AttendanceEvent, shifts: dict[date, WorkHours], day: date = TUESDAY
) -> tuple[date, str]:
    """The date whose plan the live monitor of `day` shows at `clock` on Tuesday, and the state it shows."""
    employee = EmployeePlan(shifts=shifts)
    plans = [plan_day(day + timedelta(days=d), RegencyCalendar(), employee, RULES) for d in (-1, 0, 1)]
    now = local(TUESDAY, clock)
    shown = classify.live_inputs(plans, classify.assign_events(plans, events, RULES), now, RULES)
    return shown.plan.day, classify.monitor_state(shown, now, RULES)


def test_after_midnight_the_monitor_shows_the_night_shift_still_running() -> None:
    # GIVEN a nurse on Monday's 21:00-07:00 shift who checked in at 20:55, and on the same shift on Tuesday
    arrival = ev("in", MONDAY, "20:55")
    nights = {MONDAY: NIGHT, TUESDAY: NIGHT}
    # THEN at 02:00 on Tuesday she is present on Monday's shift, not waiting for Tuesday's
    assert _shown("02:00", arrival, shifts=nights) == (MONDAY, "present")
    # AND one who never came is still awaited on it, not yet absent
    assert _shown("02:00", shifts=nights) == (MONDAY, "not_yet")
    # AND once it has ended at 07:00, Tuesday's own plan is shown (her next night shift, not begun)
    assert _shown("07:00", arrival, shifts=nights) == (TUESDAY, "not_yet")


def test_a_day_shift_of_the_day_before_or_another_date_asked_for_shows_the_day_itself() -> None:
    arrival = ev("in", MONDAY, "20:55")
    # a Monday that ended at 16:00: Tuesday's own day from midnight on
    assert _shown("02:00", shifts={})[0] == TUESDAY
    # the monitor of Monday asked for at 02:00 on Tuesday judges Monday itself, still in its hours
    assert _shown("02:00", arrival, shifts={MONDAY: NIGHT}, day=MONDAY) == (MONDAY, "present")
    # the monitor of Wednesday asked for at 02:00 on Tuesday does not show Tuesday's shift
    assert _shown("02:00", shifts={TUESDAY: NIGHT}, day=TUESDAY + timedelta(days=1))[0] == TUESDAY + timedelta(days=1)


def test_a_leave_on_the_day_before_or_the_days_own_hours_begun_show_the_day_itself() -> None:
    # an early shift on Tuesday that began at 06:00 while Monday's night shift would end at 07:00: Tuesday's
    early = {MONDAY: NIGHT, TUESDAY: WorkHours(time(6, 0), time(14, 0))}
    assert _shown("05:59", shifts=early)[0] == MONDAY
    assert _shown("06:00", shifts=early)[0] == TUESDAY
    # a sick leave on Monday: no shift ran that night
    sick = EmployeePlan(shifts={MONDAY: NIGHT}, leaves=(Leave(LeaveKind.SAKIT, DateRange(MONDAY, MONDAY)),))
    plans = [plan_day(TUESDAY + timedelta(days=d), RegencyCalendar(), sick, RULES) for d in (-1, 0, 1)]
    assert classify.live_inputs(plans, [[], [], []], local(TUESDAY, "02:00"), RULES).plan.day == TUESDAY


# ---- The check-in answer of a night shift's morning -------------------------------------------------------


def _answer(kind: str, clock: str, shifts: dict[date, WorkHours | None]) -> Judgement:
    """The answer to a check-in or check-out at `clock` on Tuesday, after Monday's plan."""
    employee = EmployeePlan(shifts=shifts)
    plans = [plan_day(day, RegencyCalendar(), employee, RULES) for day in (MONDAY, TUESDAY)]
    return classify.judge_answer("in" if kind == "in" else "out", local(TUESDAY, clock), plans, RULES)


def test_a_night_shift_s_morning_check_out_is_measured_against_that_shift_s_end() -> None:
    # GIVEN Monday's 21:00-07:00 shift, followed by another night shift or by Tuesday's office hours
    for tuesday in (NIGHT, None):
        shifts: dict[date, WorkHours | None] = {MONDAY: NIGHT, **({TUESDAY: tuesday} if tuesday else {})}
        # WHEN the nurse checks out at 07:02 on Tuesday, THEN nothing is early (the new date's hours were 1,438 or
        # 538 minutes away); at 06:30 she left 30 minutes before her shift's end
        assert _answer("out", "07:02", shifts) == Judgement(0, None), tuesday
        assert _answer("out", "06:30", shifts) == Judgement(30, "PSW1"), tuesday
    # AND Tuesday's own events are judged against Tuesday: an office check-in at 07:40, a night arrival at 21:10
    assert _answer("in", "07:40", {MONDAY: NIGHT}) == Judgement(10, "TL1")
    assert _answer("in", "21:10", {MONDAY: NIGHT, TUESDAY: NIGHT}) == Judgement(10, "TL1")
    # AND after an office Monday, a Tuesday check-out is Tuesday's, as the answer always was
    office = plan_day(TUESDAY, RegencyCalendar(), EmployeePlan(), RULES)
    assert _answer("out", "15:00", {}) == judge_attendance("out", local(TUESDAY, "15:00"), office, RULES)


def test_the_answer_to_attendance_outside_the_day_s_window_says_the_day_will_not_count_it() -> None:
    # GIVEN Tuesday's office hours, 07:30-16:00: check-in opens 06:00, check-out closes 18:00
    # WHEN the employee checks out at 18:30 or in at 05:40, THEN the answer is what the recap records: no
    # check-out (PSW4) or no check-in (TL4), not "on time"
    assert _answer("out", "18:30", {}) == Judgement(0, "PSW4")
    assert _answer("in", "05:40", {}) == Judgement(0, "TL4")
    later = judge(TUESDAY, ev("in", TUESDAY, "07:20"), ev("out", TUESDAY, "18:30"))
    assert (later.status, later.check_out) == ("PSW4", None)
    # AND inside the window the answer is as before, and a day off answers nothing at any hour
    assert _answer("out", "17:55", {}) == Judgement(0, None)
    assert _answer("out", "18:30", {TUESDAY: None}) == Judgement(0, None)


def test_a_day_on_field_duty_or_leave_is_answered_as_its_recap_judges_it_nothing_late_or_early() -> None:
    # GIVEN Tuesday on field duty (an assignment letter), or on a permit (izin)
    duty = EmployeePlan(field_duties=(DateRange(TUESDAY, TUESDAY),))
    permit = EmployeePlan(leaves=(Leave(LeaveKind.IZIN, DateRange(TUESDAY, TUESDAY)),))
    for employee, code in ((duty, "DL"), (permit, "I")):
        plans = [plan_day(day, RegencyCalendar(), employee, RULES) for day in (MONDAY, TUESDAY)]
        # WHEN the employee checks in at 09:00 at the meeting's venue and out at 14:00
        arrival = classify.judge_answer("in", local(TUESDAY, "09:00"), plans, RULES)
        departure = classify.judge_answer("out", local(TUESDAY, "14:00"), plans, RULES)
        # THEN the phone is told nothing is late or early, as the day's recap stores it (DL or I, no deduction),
        # not TL2 (90 minutes) and PSW4 (120 minutes) against office hours the letter or permit excuses
        assert (arrival, departure) == (Judgement(0, None), Judgement(0, None)), code
        day = judge(TUESDAY, ev("in", TUESDAY, "09:00"), ev("out", TUESDAY, "14:00"), employee=employee)
        assert (day.status, day.tl, day.psw, day.deduction_percent) == (code, None, None, 0)


def test_an_arrival_before_midnight_for_a_shift_from_midnight_is_answered_for_that_shift() -> None:
    # GIVEN a nurse rostered 00:00-08:00 on Wednesday (its check-in opens 90 minutes before, on Tuesday)
    wednesday = TUESDAY + timedelta(days=1)
    nurse = EmployeePlan(shifts={wednesday: WorkHours(time(0, 0), time(8, 0))})
    plans = [plan_day(day, RegencyCalendar(), nurse, RULES) for day in (MONDAY, TUESDAY, wednesday)]
    # WHEN she checks in at 23:45 on Tuesday, THEN she is on time for Wednesday's shift, not "outside hours"
    assert classify.judge_answer("in", local(TUESDAY, "23:45"), plans, RULES) == Judgement(0, None)
    assert classify.judge_answer("in", local(wednesday, "00:20"), plans, RULES) == Judgement(20, "TL1")


def test_a_time_correction_names_the_instant_within_the_day_s_window() -> None:
    def at(clock: str, shifts: dict[date, WorkHours | None]) -> str:
        plan = plan_day(MONDAY, RegencyCalendar(), EmployeePlan(shifts=shifts), RULES)
        hours, minutes = map(int, clock.split(":"))
        return plan.at_clock(time(hours, minutes), RULES).astimezone(RULES.tz).isoformat()

    # a night shift's arrival is on its date, its 07:00 departure on the next morning
    assert at("20:55", {MONDAY: NIGHT}) == "2026-11-23T20:55:00+07:00"
    assert at("07:00", {MONDAY: NIGHT}) == "2026-11-24T07:00:00+07:00"
    # a shift from midnight's arrival at 23:45 is the evening before (its window opens at 22:30 then)
    assert at("23:45", {MONDAY: WorkHours(time(0, 0), time(8, 0))}) == "2026-11-22T23:45:00+07:00"
    # office hours and a day off keep the date asked for
    assert at("07:00", {}) == "2026-11-23T07:00:00+07:00"
    assert at("23:00", {MONDAY: None}) == "2026-11-23T23:00:00+07:00"
