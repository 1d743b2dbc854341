"""Monthly recap, monthly cap, PP 94/2021 discipline steps, rule table loading, monitor counts."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import DayInputs, EventState, classify_period, monitor_counts, monitor_state
from chalicelib.attendance.monthly import EmployeeMonth, monthly_report, summarize_employee
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.calendar import DateRange, EmployeePlan, Leave, LeaveKind, RegencyCalendar
from chalicelib.domain.status import DayStatus, EventKind, YearToDate
from chalicelib.errors import RuleTableError, ScheduleError

from .helpers import MONDAY, RULES, THREE_BAND_PERBUP, ev, local

NOVEMBER = [date(2026, 11, 1) + timedelta(days=offset) for offset in range(30)]


def month_of(days: list[DayStatus], prior: YearToDate | None = None, nip: str = "199001012015011001") -> EmployeeMonth:
    return EmployeeMonth(nip, "Siti Aminah", "U1", "Dinas Pendidikan", days, prior or YearToDate())


def statuses(**by_day: str) -> list[DayStatus]:
    """November days: weekends LIBUR, working days H unless named (d2="TK", ...)."""
    result = []
    for day in NOVEMBER:
        code = by_day.get(f"d{day.day}", "LIBUR" if day.weekday() >= 5 else "H")
        result.append(DayStatus(day, code))
    return result


SPECIAL_DAYS: dict[date, tuple[tuple[EventKind, str], ...]] = {
    date(2026, 11, 3): (("in", "08:10"), ("out", "16:30")),  # TL2, 40 min
    date(2026, 11, 4): (("in", "07:30"), ("out", "15:00")),  # PSW2, 60 min
    date(2026, 11, 5): (("in", "07:31"), ("out", "15:59")),  # TL1+PSW1
    date(2026, 11, 12): (),  # TK
}


def test_monthly_counts_minutes_and_deduction() -> None:
    # GIVEN one November with a late day, an early day, a combined day, a TK, two days of leave and field duty
    employee = EmployeePlan(
        leaves=(Leave(LeaveKind.CUTI, DateRange(date(2026, 11, 9), date(2026, 11, 10))),),
        field_duties=(DateRange(date(2026, 11, 11), date(2026, 11, 11)),),
    )
    plans = [plan_day(day, RegencyCalendar(), employee, RULES) for day in NOVEMBER]
    normal: tuple[tuple[EventKind, str], ...] = (("in", "07:30"), ("out", "16:30"))
    events = [ev(kind, day, clock) for day in NOVEMBER for kind, clock in SPECIAL_DAYS.get(day, normal)]
    events.append(ev("in", date(2026, 11, 2), "07:45"))  # a second, later check-in: ignored
    days = classify_period(plans, events, RULES)
    # WHEN the month is summarised
    row = summarize_employee(month_of(days), RULES)
    # THEN counts per category, minutes and the deduction add up
    assert (row.counts["TL1"], row.counts["TL2"], row.counts["PSW1"], row.counts["PSW2"]) == (1, 1, 1, 1)
    assert (row.counts["TK"], row.counts["C"], row.counts["DL"], row.counts["LIBUR"]) == (1, 2, 1, 9)
    assert row.counts["H"] == 21 - 3 - 1 - 2 - 1
    assert (row.working_days, row.present_days) == (21, 17)
    assert (row.late_minutes, row.early_minutes) == (40 + 1, 60 + 1)
    assert row.deduction_percent == Decimal(1) + Decimal(1) + Decimal("0.5") + Decimal("0.5") + Decimal(5)
    assert row.year_to_date.tk_days == 1 and row.discipline is None


def test_monthly_cap() -> None:
    all_tk = statuses(**{f"d{d.day}": "TK" for d in NOVEMBER if d.weekday() < 5})
    row = summarize_employee(month_of(all_tk), RULES)
    assert row.deduction_uncapped == Decimal(105)
    assert row.deduction_percent == Decimal(100)
    lower_cap = summarize_employee(month_of(all_tk), RuleTable(monthly_cap_percent=Decimal(60)))
    assert lower_cap.deduction_percent == Decimal(60)


def test_the_monthly_cap_holds_for_a_person_who_moved_during_the_month() -> None:
    # GIVEN 12 TK days in unit A (60 %), then a move and 9 TK days in unit B (45 %): 105 % in all
    working = [d for d in NOVEMBER if d.weekday() < 5]
    tk = [DayStatus(d, "TK", deduction_percent=Decimal(5)) for d in working]  # November 2026: 21 days
    in_a, in_b = tk[:12], tk[12:]
    row_a = summarize_employee(EmployeeMonth("198501012010011001", "Asep", "A", "Unit A", in_a, elsewhere=in_b), RULES)
    row_b = summarize_employee(EmployeeMonth("198501012010011001", "Asep", "B", "Unit B", in_b, elsewhere=in_a), RULES)
    # THEN each unit's row keeps what its days added before the person's month reached the cap: 60 % and 40 %
    assert (row_a.deduction_percent, row_b.deduction_percent) == (Decimal(60), Decimal(40))
    assert (row_a.deduction_uncapped, row_b.deduction_uncapped) == (Decimal(60), Decimal(45))
    # AND the two rows together are the person's month, as their own recap counts it (all days, capped)
    whole = summarize_employee(EmployeeMonth("198501012010011001", "Asep", "B", "Unit B", tk), RULES)
    assert row_a.deduction_percent + row_b.deduction_percent == whole.deduction_percent == Decimal(100)


@pytest.mark.parametrize(
    ("tk_days", "label"),
    [
        (0, None),
        (2, None),
        (3, "Teguran lisan"),
        (4, "Teguran tertulis"),
        (6, "Teguran tertulis"),
        (7, "Pernyataan tidak puas secara tertulis"),
        (10, "Pernyataan tidak puas secara tertulis"),
        (11, "Pemotongan tunjangan kinerja 25% selama 6 bulan"),
        (13, "Pemotongan tunjangan kinerja 25% selama 6 bulan"),
        (14, "Pemotongan tunjangan kinerja 25% selama 9 bulan"),
        (16, "Pemotongan tunjangan kinerja 25% selama 9 bulan"),
        (17, "Pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (20, "Pemotongan tunjangan kinerja 25% selama 12 bulan"),
        (21, "Penurunan jabatan setingkat lebih rendah selama 12 bulan"),
        (24, "Penurunan jabatan setingkat lebih rendah selama 12 bulan"),
        (25, "Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan"),
        (27, "Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan"),
        (28, "Pemberhentian dengan hormat tidak atas permintaan sendiri"),
        (60, "Pemberhentian dengan hormat tidak atas permintaan sendiri"),
    ],
)
def test_pp94_steps(tk_days: int, label: str | None) -> None:
    assert RULES.discipline_step(tk_days) == label


def test_ten_tk_days_in_a_row_reach_dismissal_across_weekends() -> None:
    # TK from Mon 16 to Fri 27 November = 10 working days in a row (the weekend does not break it)
    run = statuses(**{f"d{d}": "TK" for d in (16, 17, 18, 19, 20, 23, 24, 25, 26, 27)})
    row = summarize_employee(month_of(run), RULES)
    assert row.year_to_date.longest_tk_streak == 10
    assert row.discipline == "Pemberhentian dengan hormat tidak atas permintaan sendiri"
    broken = statuses(**{f"d{d}": "TK" for d in (16, 17, 18, 19, 20, 24, 25, 26, 27)})
    assert summarize_employee(month_of(broken), RULES).discipline == "Pernyataan tidak puas secara tertulis"


def test_year_to_date_carries_over_months() -> None:
    # GIVEN two TK days before November and one in November
    prior = YearToDate(tk_days=2, late_early_minutes=0, tk_streak=1, longest_tk_streak=1)
    row = summarize_employee(month_of(statuses(d2="TK"), prior), RULES)
    # THEN the year reaches three days: oral warning; and the streak continued from October
    assert row.year_to_date.tk_days == 3
    assert row.year_to_date.longest_tk_streak == 2
    assert row.discipline == "Teguran lisan"


def test_late_and_early_minutes_of_7_5_hours_count_as_one_tk_day() -> None:
    three_days = (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 4))
    days = [DayStatus(day, "TL4", tl="TL4", late_minutes=150) for day in three_days]
    prior = YearToDate(tk_days=2)
    row = summarize_employee(month_of(days, prior), RULES)
    assert row.year_to_date.late_early_minutes == 450
    assert row.tk_days_for_discipline == 3 and row.discipline == "Teguran lisan"
    off = summarize_employee(month_of(days, prior), RuleTable(late_early_equivalence_enabled=False))
    assert off.tk_days_for_discipline == 2 and off.discipline is None


def test_a_month_judged_under_four_bands_counts_its_fourth_levels_under_a_three_band_tables_last_band() -> None:
    # GIVEN November judged under the default table: a TL4+PSW4 day (09:30 to 12:00), a TL3 day, a PSW2 day
    days = statuses()
    days[1] = DayStatus(days[1].day, "TL4+PSW4", tl="TL4", psw="PSW4", late_minutes=120, early_minutes=240)
    days[2] = DayStatus(days[2].day, "TL3", tl="TL3", late_minutes=70, early_minutes=0)
    days[3] = DayStatus(days[3].day, "PSW2", psw="PSW2", late_minutes=0, early_minutes=45)
    # WHEN the month is read under the Perbup's three bands (the last 2.5 %), as decision 148 reads stored days
    perbup = RuleTable.from_dict(THREE_BAND_PERBUP)
    report = monthly_report("2026-11", [month_of(days)], perbup)
    row = report.rows[0]
    # THEN the fourth levels are counted under TL3 and PSW3, none dropped, and deducted at 2.5 % each
    assert report.keys == ("H", "TL1", "TL2", "TL3", "PSW1", "PSW2", "PSW3", "TK", "DL", "C", "I", "S", "LIBUR")
    assert (row.counts["TL3"], row.counts["PSW3"], row.counts["PSW2"], row.counts["H"]) == (2, 1, 1, 18)
    assert sum(row.counts.values()) == len(NOVEMBER) + 1  # the combined day counts once per part
    assert row.deduction_percent == Decimal("2.5") * 3 + Decimal(1)
    assert report.units()[0].counts["TL3"] == 2


def test_a_month_of_arrivals_within_the_grace_counts_no_late_minutes_towards_discipline() -> None:
    # GIVEN a regency with 5 minutes of grace, an employee who arrives at 07:35 and leaves on time every
    # working day of November, and 440 minutes of lateness earlier in the year
    rules = RuleTable(late_grace_minutes=5)
    plans = [plan_day(day, RegencyCalendar(), EmployeePlan(), rules) for day in NOVEMBER]
    events = [ev(kind, day, clock) for day in NOVEMBER for kind, clock in (("in", "07:35"), ("out", "16:30"))]
    days = classify_period(plans, events, rules)
    prior = YearToDate(late_early_minutes=440)
    # WHEN the month is summarised
    row = summarize_employee(month_of(days, prior), rules)
    # THEN every working day is on time, no late minute is totalled, and none reaches the 7.5-hour equivalence
    assert (row.counts["H"], row.late_minutes, row.deduction_percent) == (21, 0, Decimal(0))
    assert (row.year_to_date.late_early_minutes, row.tk_days_for_discipline) == (440, 0)


def test_days_stored_with_minutes_within_the_grace_count_none_in_the_totals() -> None:
    # GIVEN November's days stored on time with the 5 minutes of an arrival within the grace (as recaps
    # stored them before decision 308), and one day 40 minutes late
    days = [
        DayStatus(d, "H", late_minutes=5, early_minutes=0) if d.weekday() < 5 else DayStatus(d, "LIBUR")
        for d in NOVEMBER
    ]
    days[2] = DayStatus(days[2].day, "TL2", tl="TL2", late_minutes=40, early_minutes=0)
    # WHEN the month is read
    row = summarize_employee(month_of(days, YearToDate(late_early_minutes=440)), RuleTable(late_grace_minutes=5))
    # THEN only the late day's minutes count, in the month's total and the year's
    assert (row.late_minutes, row.year_to_date.late_early_minutes) == (40, 480)
    assert row.tk_days_for_discipline == 1  # 480 minutes: one 7.5-hour block, from the late day alone


def test_monthly_report_orders_rows_and_checks_month() -> None:
    a = EmployeeMonth("2", "Budi", "U2", "Puskesmas Kota", statuses())
    b = EmployeeMonth("1", "Ani", "U1", "Dinas Pendidikan", statuses())
    report = monthly_report("2026-11", [a, b], RULES)
    assert [row.nip for row in report.rows] == ["1", "2"]
    assert [unit.unor_id for unit in report.units()] == ["U1", "U2"]
    assert report.to_dict()["month"] == "2026-11"
    with pytest.raises(ScheduleError):
        monthly_report("2026-13", [a], RULES)


def test_rule_table_round_trips_through_json_shape() -> None:
    table = RuleTable(timezone="Asia/Jayapura", tk_deduction_percent=Decimal(4), late_grace_minutes=3)
    assert RuleTable.from_dict(table.to_dict()) == table
    assert RuleTable.from_dict({}) == RuleTable()
    for cap in (None, 0, 5):
        assert RuleTable.from_dict({"corrections_per_month": cap}).corrections_per_month == cap
    variants = RuleTable(late_make_up_minutes=30, daily_cap_percent=Decimal("1.5"))
    assert RuleTable.from_dict(variants.to_dict()) == variants


def test_every_rule_table_field_is_documented_for_those_who_deploy() -> None:
    guide = (Path(__file__).parents[3] / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = guide[guide.index("### The regency's rule table") :]
    section = section[: section.index("\n## ")]
    assert [f.name for f in fields(RuleTable) if f"`{f.name}`" not in section] == []


@pytest.mark.parametrize(
    "document",
    [
        {"tk_percent": 4},
        {"timezone": "Mars/Olympus"},
        {"late_bands": [{"up_to_minutes": 30, "deduction_percent": 0.5}]},
        {"late_bands": [{"up_to_minutes": 60, "deduction_percent": 1}, {"up_to_minutes": 30, "deduction_percent": 1}]},
        {"late_grace_minutes": "5"},
        {"late_early_equivalence_enabled": 1},
        {"check_in_opens": "6am"},
        {"missing_check_out_level": 9},
        {"discipline_steps": [{"min_days": 4, "label": "x"}, {"min_days": 3, "label": "y"}]},
        {"corrections_per_month": -1},
        {"late_make_up_minutes": -5},
        {"daily_cap_percent": "-1"},
        {"daily_cap_percent": "banyak"},
        {"corrections_per_month": "2"},
        {"discipline_consecutive_tk_days": 0},
        {"tk_deduction_percent": "-5"},
        {"tk_deduction_percent": "NaN"},
        {"monthly_cap_percent": -1},
        {"monthly_cap_percent": "150"},
        {"daily_cap_percent": "Infinity"},
        {"opens_minutes_before_start": -30},
        {"closes_minutes_after_end": -1},
        {"late_early_minutes_per_tk_day": 0},
        {
            "late_bands": [
                {"up_to_minutes": 30, "deduction_percent": "-0.5"},
                {"up_to_minutes": None, "deduction_percent": 1},
            ]
        },
    ],
)
def test_bad_rule_table_is_rejected(document: dict[str, object]) -> None:
    with pytest.raises(RuleTableError) as caught:
        RuleTable.from_dict(document)
    assert caught.value.code == "VALIDATION_ERROR" and caught.value.details


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"discipline_consecutive_tk_days": 0}, "discipline_consecutive_tk_days must be at least 1, not 0"),
        ({"late_grace_minutes": -1}, "late_grace_minutes must be at least 0, not -1"),
        ({"tk_deduction_percent": "-5"}, "tk_deduction_percent must be a percent from 0 to 100, not -5"),
        ({"monthly_cap_percent": "-1"}, "monthly_cap_percent must be a percent from 0 to 100, not -1"),
    ],
)
def test_a_rule_table_that_would_dismiss_everyone_or_add_pay_stops_naming_its_field(
    document: dict[str, object], message: str
) -> None:
    # GIVEN a rule table where 0 TK days in a row reach dismissal (every employee's row of the signed recap would
    # read "Pemberhentian ..."), or a negative percent (a TK day adding pay, a month's cap below nothing)
    # WHEN it is loaded at the stage's start, THEN it is refused with what is wrong, in the field it is wrong in
    with pytest.raises(RuleTableError) as caught:
        RuleTable.from_dict(document)
    assert (caught.value.message, caught.value.details) == (message, {"field": next(iter(document))})
    # AND the least values that make sense still load
    least = RuleTable.from_dict({"discipline_consecutive_tk_days": 1, "tk_deduction_percent": 0})
    assert (least.discipline_step(0), least.tk_deduction_percent) == (None, Decimal(0))


def test_monitor_counts_at_eight_and_after_hours() -> None:
    # GIVEN a unit on Monday with various situations
    def entry(*events, employee: EmployeePlan | None = None) -> DayInputs:  # type: ignore[no-untyped-def]
        return DayInputs(plan_day(MONDAY, RegencyCalendar(), employee or EmployeePlan(), RULES), events)

    leave = EmployeePlan(leaves=(Leave(LeaveKind.SAKIT, DateRange(MONDAY, MONDAY)),))
    duty = EmployeePlan(field_duties=(DateRange(MONDAY, MONDAY),))
    rostered_off = EmployeePlan(shifts={MONDAY: None})
    entries = [
        entry(ev("in", MONDAY, "07:20")),
        entry(ev("in", MONDAY, "07:45")),
        entry(ev("in", MONDAY, "07:25", EventState.PENDING)),
        entry(ev("in", MONDAY, "07:25", EventState.REJECTED)),
        entry(ev("in", MONDAY, "08:30")),  # not yet happened at 08:00
        entry(),
        entry(employee=leave),
        entry(employee=duty),
        entry(employee=rostered_off),
    ]
    # WHEN the monitor is read at 08:00 and at 17:00
    morning = monitor_counts(entries, local(MONDAY, "08:00"), RULES)
    evening = monitor_counts(entries, local(MONDAY, "17:00"), RULES)
    # THEN
    assert morning == {"present": 2, "late": 1, "not_yet": 3, "absent": 0, "leave": 1, "field_duty": 1, "off": 1}
    assert evening == {"present": 2, "late": 2, "not_yet": 0, "absent": 2, "leave": 1, "field_duty": 1, "off": 1}
    assert monitor_state(entries[0], local(MONDAY, "07:00"), RULES) == "not_yet"


def test_rule_table_document_covers_every_field() -> None:
    assert set(RuleTable().to_dict()) == {field.name for field in fields(RuleTable)}


@given(st.integers(min_value=0, max_value=24 * 60), st.integers(min_value=0, max_value=24 * 60))
def test_more_minutes_never_mean_a_lower_band_or_deduction(a: int, b: int) -> None:
    low, high = sorted((a, b))
    for category in (RULES.tl_category, RULES.psw_category):
        low_cat, high_cat = category(low), category(high)
        assert RULES.category_deduction(low_cat) <= RULES.category_deduction(high_cat)
        assert (low_cat is None) or (high_cat is not None and low_cat[-1] <= high_cat[-1])


def test_leave_kind_from_api() -> None:
    assert [LeaveKind.from_api(name).value for name in ("CUTI", "IZIN", "SAKIT")] == ["C", "I", "S"]
    with pytest.raises(ScheduleError):
        LeaveKind.from_api("LIBUR")
