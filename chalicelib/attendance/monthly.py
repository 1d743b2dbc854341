"""Monthly recap per employee: counts per category, minutes, capped TPP deduction, PP 94/2021 step.

The discipline step counts unexcused absence (TK) days over the calendar year. A month's report therefore
takes each employee's `YearToDate` at the end of the previous month (zero in January) and returns the new
one, which the caller stores and passes to next month: no need to reload a whole year of days.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.attendance.classify import day_deduction
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.status import DL, LIBUR, ON_TIME, TK, DayStatus, YearToDate
from chalicelib.errors import ScheduleError

LEAVE_CODES: tuple[str, ...] = ("C", "I", "S")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def category_keys(rules: RuleTable) -> tuple[str, ...]:
    """Every count key of a monthly row, in report order (band counts follow the rule table)."""
    tl = tuple(f"TL{level}" for level in range(1, len(rules.late_bands) + 1))
    psw = tuple(f"PSW{level}" for level in range(1, len(rules.early_bands) + 1))
    return (ON_TIME, *tl, *psw, TK, DL, *LEAVE_CODES, LIBUR)


@dataclass(frozen=True)
class EmployeeMonth:
    """Input of one employee's month: identity, the judged days, and the year-to-date before the month.
    `elsewhere`: days of the month another unit judged (the employee moved during it), which count towards the
    year to date but not towards this row."""

    nip: str
    nama: str
    unor_id: str
    unor_nama: str
    days: Sequence[DayStatus]
    prior: YearToDate = field(default_factory=YearToDate)
    elsewhere: Sequence[DayStatus] = ()

    def year_end(self) -> YearToDate:
        """The year-to-date counters at the end of the month."""
        return self.prior.advance([*self.days, *self.elsewhere])


@dataclass(frozen=True)
class MonthlyRow:
    """One employee's monthly recap line."""

    nip: str
    nama: str
    unor_id: str
    unor_nama: str
    counts: Mapping[str, int]
    working_days: int
    present_days: int
    late_minutes: int
    early_minutes: int
    deduction_uncapped: Decimal
    deduction_percent: Decimal
    year_to_date: YearToDate
    tk_days_for_discipline: int
    discipline: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "nip": self.nip,
            "nama": self.nama,
            "unor_id": self.unor_id,
            "unor_nama": self.unor_nama,
            "counts": dict(self.counts),
            "working_days": self.working_days,
            "present_days": self.present_days,
            "late_minutes": self.late_minutes,
            "early_minutes": self.early_minutes,
            "deduction_uncapped": float(self.deduction_uncapped),
            "deduction_percent": float(self.deduction_percent),
            "year_to_date": {
                "tk_days": self.year_to_date.tk_days,
                "late_early_minutes": self.year_to_date.late_early_minutes,
                "tk_streak": self.year_to_date.tk_streak,
                "longest_tk_streak": self.year_to_date.longest_tk_streak,
            },
            "tk_days_for_discipline": self.tk_days_for_discipline,
            "discipline": self.discipline,
        }


@dataclass(frozen=True)
class UnitSummary:
    """Totals of one unit for the summary sheet."""

    unor_id: str
    unor_nama: str
    employees: int
    counts: Mapping[str, int]
    late_minutes: int
    early_minutes: int
    average_deduction: Decimal


@dataclass(frozen=True)
class MonthlyReport:
    """The monthly recap of a set of employees, rows ordered by unit, name, NIP."""

    month: str
    rows: tuple[MonthlyRow, ...]
    keys: tuple[str, ...]
    # The units asked for that have no row (no statuses that month), as (unor_id, name): the signed sheet still
    # names them (attendance.recap_pdf).
    empty_units: tuple[tuple[str, str], ...] = ()
    # The units whose month is not final yet (still running, or its last day not recapped): their files say
    # SEMENTARA and the signed sheet has no signature block (attendance.recap_pdf), so none goes to pay the TPP.
    provisional: frozenset[str] = frozenset()

    def units(self) -> list[UnitSummary]:
        """Per-unit totals in row order, then the units asked for that have no row (all zero)."""
        names: dict[str, str] = {}
        groups: dict[str, list[MonthlyRow]] = {}
        for row in self.rows:
            names.setdefault(row.unor_id, row.unor_nama)
            groups.setdefault(row.unor_id, []).append(row)
        for unor_id, unor_nama in self.empty_units:
            names.setdefault(unor_id, unor_nama)
            groups.setdefault(unor_id, [])
        return [_unit_summary((unor_id, names[unor_id]), rows, self.keys) for unor_id, rows in groups.items()]

    def to_dict(self) -> dict[str, object]:
        return {"month": self.month, "items": [row.to_dict() for row in self.rows]}


def _capped_share(month: EmployeeMonth, rules: RuleTable) -> Decimal:
    """The row's deduction: the monthly cap holds for the person, not for each unit's row. Every day of the
    month, this unit's and `elsewhere`'s (an employee who moved during it), adds its deduction in date order
    until the cap is reached; the row keeps what its own days added. Without a move: the capped sum."""
    days = sorted([(day.day, True, day) for day in month.days] + [(day.day, False, day) for day in month.elsewhere],
                  key=lambda item: item[0])  # fmt: skip
    total = kept = Decimal(0)
    for _, own, day in days:
        added = rules.capped_month(total + day_deduction(day, rules)) - rules.capped_month(total)
        total += day_deduction(day, rules)
        kept += added if own else 0
    return kept


def summarize_employee(month: EmployeeMonth, rules: RuleTable) -> MonthlyRow:
    """One employee's monthly row under the rule table (deduction capped at the monthly cap)."""
    keys = category_keys(rules)
    tally: Counter[str] = Counter()
    for day in month.days:
        tally.update(_count_keys(day, rules))
    uncapped = sum((day_deduction(day, rules) for day in month.days), Decimal(0))
    ytd = month.year_end()
    tk_for_discipline = rules.tk_equivalent_days(ytd.tk_days, ytd.late_early_minutes)
    return MonthlyRow(
        nip=month.nip,
        nama=month.nama,
        unor_id=month.unor_id,
        unor_nama=month.unor_nama,
        counts={key: tally.get(key, 0) for key in keys},
        working_days=sum(1 for day in month.days if day.status != LIBUR),
        present_days=sum(1 for day in month.days if _attended(day)),
        late_minutes=sum(day.counted_late_minutes for day in month.days if _attended(day)),
        early_minutes=sum(day.early_minutes or 0 for day in month.days if _attended(day)),
        deduction_uncapped=uncapped,
        deduction_percent=_capped_share(month, rules),
        year_to_date=ytd,
        tk_days_for_discipline=tk_for_discipline,
        discipline=rules.discipline_step(tk_for_discipline, ytd.longest_tk_streak),
    )


def monthly_report(month: str, employees: Iterable[EmployeeMonth], rules: RuleTable) -> MonthlyReport:
    """The monthly recap for `month` ("YYYY-MM") of the given employees."""
    if not _MONTH.match(month):
        raise ScheduleError("Format bulan harus TTTT-BB", {"field": "month"})
    rows = sorted(
        (summarize_employee(employee, rules) for employee in employees),
        key=lambda row: (row.unor_nama, row.unor_id, row.nama, row.nip),
    )
    return MonthlyReport(month, tuple(rows), category_keys(rules))


def _attended(day: DayStatus) -> bool:
    return day.tl is not None or day.psw is not None or day.status == ON_TIME


def _count_keys(day: DayStatus, rules: RuleTable) -> tuple[str, ...]:
    # A combined day counts once under its TL band and once under its PSW band, as the table counts a stored
    # band (a level beyond its bands is its last: `RuleTable.counted_category`), so no stored day is left out.
    parts = tuple(rules.counted_category(part) for part in (day.tl, day.psw) if part)
    return parts or (day.status,)


def _unit_summary(unit: tuple[str, str], rows: Sequence[MonthlyRow], keys: tuple[str, ...]) -> UnitSummary:
    total = sum((row.deduction_percent for row in rows), Decimal(0))
    return UnitSummary(
        unor_id=unit[0],
        unor_nama=unit[1],
        employees=len(rows),
        counts={key: sum(row.counts[key] for row in rows) for key in keys},
        late_minutes=sum(row.late_minutes for row in rows),
        early_minutes=sum(row.early_minutes for row in rows),
        # Half up, as a spreadsheet's ROUND and the unit sheet's =AVERAGE show it (0.125 -> 0.13, not 0.12).
        average_deduction=(total / max(len(rows), 1)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
    )
