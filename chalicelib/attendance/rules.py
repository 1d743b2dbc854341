"""The regency's rule table: every configurable number of DOMAIN.md in one frozen object.

Regencies differ (TK 4 % instead of 5 %, TL4 2.5 %, Ramadan hours, grace minutes...). Instead of constants
scattered in code, one `RuleTable` holds them with the DOMAIN.md defaults and can be loaded from a JSON
document (`RuleTable.from_dict`), so another regency is a configuration change, not a code change.

Decisions (see also classify.py):
- Minutes are counted on the clock: seconds are ignored, so a check-in at 07:30:59 for a 07:30 start is on
  time and 07:31:00 is one minute late; a check-out at 15:59:59 for 16:00 is one minute early.
- Late grace: a lateness of at most `late_grace_minutes` gets no category and counts no late minutes (it is on
  time); beyond it every minute counts (the band and the minutes are the full lateness, not the minutes beyond
  the grace). Departures have no grace.
- The 7.5 h late+early equivalence only adds year-to-date TK days for the PP 94/2021 discipline step; it
  never adds a TPP deduction (the minutes were already deducted through TL/PSW).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chalicelib.domain.schedule import WeekSchedule, WorkHours, parse_clock
from chalicelib.errors import AttendanceError, RuleTableError


@dataclass(frozen=True)
class Band:
    """A lateness/early-leave band: minutes up to `up_to_minutes` inclusive (None = no upper bound)."""

    up_to_minutes: int | None
    deduction_percent: Decimal


@dataclass(frozen=True)
class DisciplineStep:
    """PP 94/2021 sanction reached from `min_days` unexcused absence days in a year (label in Indonesian)."""

    min_days: int
    label: str


DEFAULT_BANDS: tuple[Band, ...] = (
    Band(30, Decimal("0.5")),
    Band(60, Decimal("1")),
    Band(90, Decimal("1.25")),
    Band(None, Decimal("1.5")),
)

_TUKIN_CUT = "Pemotongan tunjangan kinerja 25% selama {} bulan"
DEFAULT_DISCIPLINE_STEPS: tuple[DisciplineStep, ...] = (
    DisciplineStep(3, "Teguran lisan"),
    DisciplineStep(4, "Teguran tertulis"),
    DisciplineStep(7, "Pernyataan tidak puas secara tertulis"),
    DisciplineStep(11, _TUKIN_CUT.format(6)),
    DisciplineStep(14, _TUKIN_CUT.format(9)),
    DisciplineStep(17, _TUKIN_CUT.format(12)),
    DisciplineStep(21, "Penurunan jabatan setingkat lebih rendah selama 12 bulan"),
    DisciplineStep(25, "Pembebasan dari jabatan menjadi jabatan pelaksana selama 12 bulan"),
    DisciplineStep(28, "Pemberhentian dengan hormat tidak atas permintaan sendiri"),
)

# Perpres 21/2023 common pattern: 37.5 h a week.
NATIONAL_WEEK = WeekSchedule.of(WorkHours(time(7, 30), time(16, 0)), WorkHours(time(7, 30), time(16, 30)))
# Ramadan: 32.5 h a week, start 08:00. Its weekend only cuts the Saturdays and Sundays of units that work them (a
# school's 07:00-13:00 becomes 08:00-13:00): Ramadan never adds a working day (attendance.calendar._within_ramadan).
_RAMADAN_DAY = WorkHours(time(8, 0), time(15, 0))
RAMADAN_WEEK = WeekSchedule(
    (*WeekSchedule.of(_RAMADAN_DAY, WorkHours(time(8, 0), time(15, 30))).days[:5], _RAMADAN_DAY, _RAMADAN_DAY)
)


@dataclass(frozen=True)
class RuleTable:
    """All configurable attendance rules, with DOMAIN.md defaults. Percent values are Decimal."""

    timezone: str = "Asia/Jakarta"
    late_bands: tuple[Band, ...] = DEFAULT_BANDS
    early_bands: tuple[Band, ...] = DEFAULT_BANDS
    late_grace_minutes: int = 0
    # Band level (1-based) given when the check-in / check-out is missing on a day with the other one.
    missing_check_in_level: int = 4
    missing_check_out_level: int = 4
    tk_deduction_percent: Decimal = Decimal("5")
    monthly_cap_percent: Decimal = Decimal("100")
    # Attendance window of a day (events outside it do not belong to the day): from the earlier of
    # `check_in_opens` and start - `opens_minutes_before_start`, to the later of `check_out_closes` and
    # end + `closes_minutes_after_end`. Shifts crossing midnight use only the relative margins.
    check_in_opens: time = time(6, 0)
    check_out_closes: time = time(18, 0)
    opens_minutes_before_start: int = 90
    closes_minutes_after_end: int = 120
    default_week: WeekSchedule = NATIONAL_WEEK
    ramadan_week: WeekSchedule = RAMADAN_WEEK
    discipline_steps: tuple[DisciplineStep, ...] = DEFAULT_DISCIPLINE_STEPS
    # This many TK working days in a row reach the last (dismissal) step.
    discipline_consecutive_tk_days: int = 10
    late_early_equivalence_enabled: bool = True
    late_early_minutes_per_tk_day: int = 450
    # Variants some regencies use (DOMAIN.md), off by default: late minutes made up by staying after the day's
    # end, at most this many (0: none); and the most a day's lateness and early departure deduct together.
    late_make_up_minutes: int = 0
    daily_cap_percent: Decimal | None = None
    # Approved time corrections (KOREKSI) an employee may have per month of the corrected days; None: no cap.
    corrections_per_month: int | None = 2

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise RuleTableError("Zona waktu tidak dikenal", {"field": "timezone"}) from exc
        for name in ("late_bands", "early_bands"):
            _check_bands(name, getattr(self, name))
        for name, bands in (("missing_check_in_level", self.late_bands), ("missing_check_out_level", self.early_bands)):
            if not 1 <= getattr(self, name) <= len(bands):
                raise RuleTableError("Tingkat kategori di luar rentang", {"field": name})
        minimums = [step.min_days for step in self.discipline_steps]
        if minimums != sorted(set(minimums)) or any(days <= 0 for days in minimums):
            raise RuleTableError("Tingkat disiplin harus naik", {"field": "discipline_steps"})
        _check_counts(self)
        _check_percents(self)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def tl_category(self, late_minutes: int) -> str | None:
        """TL1..TLn for a lateness in whole minutes, None when on time (or within the grace)."""
        if late_minutes <= self.late_grace_minutes:
            return None
        return f"TL{_band_level(self.late_bands, late_minutes)}"

    def counted_lateness(self, late_minutes: int) -> int:
        """The late minutes a lateness counts: none within the grace (it is on time, and on-time days must not
        pile up minutes towards "Total Menit Terlambat" and the 7.5-hour discipline equivalence), all of them
        beyond it (the full lateness from the start, as its band is chosen)."""
        return late_minutes if self.tl_category(late_minutes) else 0

    def psw_category(self, early_minutes: int) -> str | None:
        """PSW1..PSWn for an early departure in whole minutes, None when not early."""
        if early_minutes <= 0:
            return None
        return f"PSW{_band_level(self.early_bands, early_minutes)}"

    def late_after_make_up(self, late_minutes: int, stayed_minutes: int) -> int:
        """The lateness counted once the minutes stayed after the day's end made up what they may of it."""
        return late_minutes - min(late_minutes, stayed_minutes, self.late_make_up_minutes)

    def late_early_deduction(self, tl: str | None, psw: str | None) -> Decimal:
        """Deduction percent of a day's TLn and PSWn together, within the daily cap if the table has one."""
        total = self.category_deduction(tl) + self.category_deduction(psw)
        return total if self.daily_cap_percent is None else min(total, self.daily_cap_percent)

    def category_deduction(self, category: str | None) -> Decimal:
        """Deduction percent of one TLn/PSWn category (0 for None), a stored one too (`counted_category`)."""
        if category is None:
            return Decimal(0)
        prefix, level = _category_level(self.counted_category(category))
        return self._bands_of(prefix)[level - 1].deduction_percent

    def counted_category(self, category: str) -> str:
        """The TLn/PSWn a stored category counts as under this table: its own, or the table's last band when its
        level is beyond the table's bands. A day keeps the category of the run that judged it and reports read
        stored days under the table in force (decision 148), so a month judged under four bands and read after a
        Perbup with three holds TL4 days: they count, and deduct, as TL3 (the worst band is still the worst),
        in the JSON and every file alike, instead of failing the report or dropping the day from the counts."""
        prefix, level = _category_level(category)
        return f"{prefix}{min(level, len(self._bands_of(prefix)))}"

    def _bands_of(self, prefix: str) -> tuple[Band, ...]:
        return self.late_bands if prefix == "TL" else self.early_bands

    def capped_month(self, total: Decimal) -> Decimal:
        return min(total, self.monthly_cap_percent)

    def discipline_step(self, tk_days: int, longest_tk_streak: int = 0) -> str | None:
        """Indonesian label of the PP 94/2021 step reached in a year, None below the first step."""
        if self.discipline_steps and longest_tk_streak >= self.discipline_consecutive_tk_days:
            return self.discipline_steps[-1].label
        reached = [step.label for step in self.discipline_steps if tk_days >= step.min_days]
        return reached[-1] if reached else None

    def tk_equivalent_days(self, tk_days: int, late_early_minutes: int) -> int:
        """TK days counted for discipline, adding whole 7.5 h blocks of lateness + early leave if enabled."""
        if not self.late_early_equivalence_enabled:
            return tk_days
        return tk_days + late_early_minutes // self.late_early_minutes_per_tk_day

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RuleTable:
        """Load a rule table from a JSON-shaped dict; absent fields keep the DOMAIN.md defaults."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise RuleTableError("Kolom aturan tidak dikenal", {"fields": unknown})
        # Any: each value comes from the field's own parser in _PARSERS, which returns that field's type.
        values: dict[str, Any] = {}
        for name, raw in data.items():
            try:
                values[name] = _PARSERS[name](raw)
            except RuleTableError:
                raise
            except (AttendanceError, TypeError, ValueError, KeyError, InvalidOperation) as exc:
                raise RuleTableError(f"Nilai aturan tidak valid: {name}", {"field": name}) from exc
        return replace(cls(), **values)

    def to_dict(self) -> dict[str, object]:
        """JSON-shaped dict that `from_dict` reads back to an equal table."""
        return {
            "timezone": self.timezone,
            "late_bands": _bands_out(self.late_bands),
            "early_bands": _bands_out(self.early_bands),
            "late_grace_minutes": self.late_grace_minutes,
            "missing_check_in_level": self.missing_check_in_level,
            "missing_check_out_level": self.missing_check_out_level,
            "tk_deduction_percent": str(self.tk_deduction_percent),
            "monthly_cap_percent": str(self.monthly_cap_percent),
            "check_in_opens": self.check_in_opens.strftime("%H:%M"),
            "check_out_closes": self.check_out_closes.strftime("%H:%M"),
            "opens_minutes_before_start": self.opens_minutes_before_start,
            "closes_minutes_after_end": self.closes_minutes_after_end,
            "default_week": self.default_week.to_dict(),
            "ramadan_week": self.ramadan_week.to_dict(),
            "discipline_steps": [{"min_days": s.min_days, "label": s.label} for s in self.discipline_steps],
            "discipline_consecutive_tk_days": self.discipline_consecutive_tk_days,
            "late_early_equivalence_enabled": self.late_early_equivalence_enabled,
            "late_early_minutes_per_tk_day": self.late_early_minutes_per_tk_day,
            "late_make_up_minutes": self.late_make_up_minutes,
            "daily_cap_percent": None if self.daily_cap_percent is None else str(self.daily_cap_percent),
            "corrections_per_month": self.corrections_per_month,
        }


def _category_level(category: str) -> tuple[str, int]:
    """ "TL4" -> ("TL", 4), "PSW1" -> ("PSW", 1)."""
    prefix = "TL" if category.startswith("TL") else "PSW"
    return prefix, int(category.removeprefix(prefix))


def _band_level(bands: tuple[Band, ...], minutes: int) -> int:
    for level, band in enumerate(bands, start=1):
        if band.up_to_minutes is None or minutes <= band.up_to_minutes:
            return level
    return len(bands)  # unreachable: validation guarantees an open-ended last band


def _check_bands(name: str, bands: tuple[Band, ...]) -> None:
    bounds = [band.up_to_minutes for band in bands]
    closed = [bound for bound in bounds[:-1] if bound is not None]
    ok = (
        bool(bands)
        and bounds[-1] is None
        and len(closed) == len(bounds) - 1
        and closed == sorted(set(closed))
        and all(bound > 0 for bound in closed)
        and all(_is_percent(band.deduction_percent) for band in bands)
    )
    if not ok:
        raise RuleTableError("Pita menit tidak valid (harus naik, terakhir tanpa batas)", {"field": name})


# The least each whole-number field may be, as its meaning allows (docs/deployment.md); None, where a field takes
# it, is no cap. 0 TK days in a row would put every employee at the last step (dismissal), every month.
_LEAST: dict[str, int] = {
    "late_grace_minutes": 0,
    "opens_minutes_before_start": 0,
    "closes_minutes_after_end": 0,
    "discipline_consecutive_tk_days": 1,
    "late_early_minutes_per_tk_day": 1,
    "late_make_up_minutes": 0,
    "corrections_per_month": 0,
}
# Fields that are a percent of the month's TPP (None: no cap); a band's deduction is one too.
_PERCENTS = ("tk_deduction_percent", "monthly_cap_percent", "daily_cap_percent")


def _check_counts(table: RuleTable) -> None:
    for name, least in _LEAST.items():
        value = getattr(table, name)
        if value is not None and value < least:
            raise RuleTableError(f"{name} must be at least {least}, not {value}", {"field": name})


def _check_percents(table: RuleTable) -> None:
    for name in _PERCENTS:
        value = getattr(table, name)
        if value is not None and not _is_percent(value):
            raise RuleTableError(f"{name} must be a percent from 0 to 100, not {value}", {"field": name})


def _is_percent(value: Decimal) -> bool:
    return value.is_finite() and 0 <= value <= 100


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise TypeError(raw)
    return Decimal(str(raw))


def _int(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise TypeError(raw)
    return raw


def _bool(raw: object) -> bool:
    if not isinstance(raw, bool):
        raise TypeError(raw)
    return raw


def _str(raw: object) -> str:
    if not isinstance(raw, str):
        raise TypeError(raw)
    return raw


def _mapping(raw: object) -> Mapping[str, object]:
    if not isinstance(raw, Mapping):
        raise TypeError(raw)
    return raw


def _list_of_mappings(raw: object) -> list[Mapping[str, object]]:
    if not isinstance(raw, list):
        raise TypeError(raw)
    return [_mapping(item) for item in raw]


def _bands_in(raw: object) -> tuple[Band, ...]:
    return tuple(
        Band(_optional_int(item["up_to_minutes"]), _decimal(item["deduction_percent"]))
        for item in _list_of_mappings(raw)
    )


def _optional_int(raw: object) -> int | None:
    return None if raw is None else _int(raw)


def _bands_out(bands: tuple[Band, ...]) -> list[dict[str, object]]:
    return [{"up_to_minutes": b.up_to_minutes, "deduction_percent": str(b.deduction_percent)} for b in bands]


def _steps_in(raw: object) -> tuple[DisciplineStep, ...]:
    return tuple(DisciplineStep(_int(item["min_days"]), _str(item["label"])) for item in _list_of_mappings(raw))


_PARSERS: dict[str, Callable[[object], object]] = {
    "timezone": _str,
    "late_grace_minutes": _int,
    "missing_check_in_level": _int,
    "missing_check_out_level": _int,
    "opens_minutes_before_start": _int,
    "closes_minutes_after_end": _int,
    "discipline_consecutive_tk_days": _int,
    "late_early_equivalence_enabled": _bool,
    "late_early_minutes_per_tk_day": _int,
    "late_make_up_minutes": _int,
    "daily_cap_percent": lambda raw: None if raw is None else _decimal(raw),
    "corrections_per_month": _optional_int,
    "late_bands": _bands_in,
    "early_bands": _bands_in,
    "tk_deduction_percent": _decimal,
    "monthly_cap_percent": _decimal,
    "check_in_opens": lambda raw: parse_clock(raw, "check_in_opens"),
    "check_out_closes": lambda raw: parse_clock(raw, "check_out_closes"),
    "default_week": lambda raw: WeekSchedule.from_dict(_mapping(raw)),
    "ramadan_week": lambda raw: WeekSchedule.from_dict(_mapping(raw)),
    "discipline_steps": _steps_in,
}
