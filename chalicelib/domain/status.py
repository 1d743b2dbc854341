"""A judged day and the discipline counters carried from month to month.

Statuses: `H` (on time), `TL1`–`TL4` late arrival, `PSW1`–`PSW4` early departure (combined as "TL1+PSW2"),
`TK` (no attendance, no excuse), `DL` field duty, `C`/`I`/`S` leave, `LIBUR` day off. How a day gets its
status is decided by `chalicelib.attendance.classify`; the monthly report by `chalicelib.attendance.monthly`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

EventKind = Literal["in", "out"]
LIBUR, TK, DL, ON_TIME = "LIBUR", "TK", "DL", "H"


@dataclass(frozen=True)
class DayStatus:
    """The judged day. Minutes are None when not applicable (no hours, or the event is missing)."""

    day: date
    status: str
    tl: str | None = None
    psw: str | None = None
    late_minutes: int | None = None
    early_minutes: int | None = None
    check_in: datetime | None = None
    check_out: datetime | None = None
    deduction_percent: Decimal = Decimal(0)

    @property
    def counted_late_minutes(self) -> int:
        """The late minutes the month's and the year's totals count of the day: those of a late day (TLn) only.
        A day without a TL arrived on time, within the grace at worst, however many minutes a recap stored for
        it before decision 308 (a grace's minutes were kept, and piled up towards the discipline steps)."""
        return (self.late_minutes or 0) if self.tl else 0


@dataclass(frozen=True)
class EmployeeDay:
    """One employee's stored status of one day, under the name the recap stored it with."""

    nip: str
    nama: str
    status: DayStatus


@dataclass(frozen=True)
class YearToDate:
    """Discipline counters of one employee since 1 January, carried month to month."""

    tk_days: int = 0
    late_early_minutes: int = 0
    tk_streak: int = 0  # TK working days in a row at the end of the period (days off do not break it)
    longest_tk_streak: int = 0

    def advance(self, days: Iterable[DayStatus]) -> YearToDate:
        """Counters after `days` (any order; walked by date). Pass each day once: re-runs would double count.

        Minutes of a missing check-in/check-out are unknown and add nothing to the late+early total.
        """
        tk, minutes, streak, longest = self.tk_days, self.late_early_minutes, self.tk_streak, self.longest_tk_streak
        for day in sorted(days, key=lambda d: d.day):
            minutes += day.counted_late_minutes + (day.early_minutes or 0)
            if day.status == TK:
                tk, streak = tk + 1, streak + 1
                longest = max(longest, streak)
            elif day.status != LIBUR:
                streak = 0
        return YearToDate(tk, minutes, streak, longest)
