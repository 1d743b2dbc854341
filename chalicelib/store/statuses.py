"""Stored daily statuses (the recap) and year-to-date discipline counters, per unit and month.

Partition ``<unor_id>#<YYYY-MM>``; range key ``<YYYY-MM-DD>#<nip>`` for a day's status and
``YTD#<nip>`` for the counters at the end of that month. A recap day is one prefix query of one partition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.domain.people import Member
from chalicelib.domain.status import DayStatus, EmployeeDay, YearToDate
from chalicelib.store.base import decode_cursor, encode_cursor, iso, parse_iso, storage_call, utc_now
from chalicelib.store.models import DailyStatusModel


def _partition(unor_id: str, day: date) -> str:
    return f"{unor_id}#{day.isoformat()[:7]}"


def _data(status: DayStatus) -> dict[str, Any]:
    return {
        "tl": status.tl,
        "psw": status.psw,
        "late_minutes": status.late_minutes,
        "early_minutes": status.early_minutes,
        "check_in": iso(status.check_in) if status.check_in else None,
        "check_out": iso(status.check_out) if status.check_out else None,
        "deduction_percent": str(status.deduction_percent),
    }


def to_status(day: str, status: str, data: dict[str, Any]) -> DayStatus:
    return DayStatus(
        day=date.fromisoformat(day),
        status=status,
        tl=data.get("tl"),
        psw=data.get("psw"),
        late_minutes=data.get("late_minutes"),
        early_minutes=data.get("early_minutes"),
        check_in=parse_iso(data["check_in"]) if data.get("check_in") else None,
        check_out=parse_iso(data["check_out"]) if data.get("check_out") else None,
        deduction_percent=Decimal(str(data.get("deduction_percent", "0"))),
    )


def save_day(unor_id: str, day: date, rows: Sequence[tuple[Member, DayStatus]]) -> tuple[int, int]:
    """Store a unit's statuses of one day, writing only rows that changed; returns (written, unchanged)."""
    partition = _partition(unor_id, day)
    existing = {m.nip: (m.status, m.data) for m in _day_rows(partition, day)}
    now = iso(utc_now())
    written = 0
    with storage_call("dynamodb"), DailyStatusModel.batch_write() as batch:
        for employee, status in rows:
            data = _data(status)
            if existing.get(employee.nip) == (status.status, data):
                continue
            batch.save(
                DailyStatusModel(
                    partition,
                    f"{day.isoformat()}#{employee.nip}",
                    nip=employee.nip,
                    nama=employee.nama,
                    date=day.isoformat(),
                    status=status.status,
                    data=data,
                    computed_at=now,
                )
            )
            written += 1
    return written, len(rows) - written


def _day_rows(partition: str, day: date) -> list[DailyStatusModel]:
    with storage_call("dynamodb"):
        return list(DailyStatusModel.query(partition, DailyStatusModel.key.startswith(f"{day.isoformat()}#")))


def _employee_day(m: DailyStatusModel) -> EmployeeDay:
    return EmployeeDay(m.nip, m.nama, to_status(m.date, m.status, dict(m.data)))


def day_page(unor_id: str, day: date, cursor: str | None, limit: int = 500) -> tuple[list[EmployeeDay], str | None]:
    with storage_call("dynamodb"):
        result = DailyStatusModel.query(
            _partition(unor_id, day),
            DailyStatusModel.key.startswith(f"{day.isoformat()}#"),
            limit=limit,
            last_evaluated_key=decode_cursor(cursor),
        )
        rows = [_employee_day(m) for m in result]
        return rows, encode_cursor(result.last_evaluated_key)


MonthRows = dict[str, tuple[str, list[DayStatus]]]
_YTD = "YTD#"  # month-end year-to-date counters share the unit-month partition, after every date key


def month_rows(unor_id: str, month: str) -> MonthRows:
    """nip → (nama, days) for every stored status of a unit's month."""
    return month_and_counters(unor_id, month, with_counters=False)[0]


def year_to_date(unor_id: str, month: str) -> dict[str, YearToDate]:
    """The month-end year-to-date counters stored for a unit's month (empty when never stored)."""
    with storage_call("dynamodb"):
        rows = DailyStatusModel.query(f"{unor_id}#{month}", DailyStatusModel.key.startswith(_YTD))
        return {m.nip: _counters(m) for m in rows}


def month_and_counters(unor_id: str, month: str, with_counters: bool = True) -> tuple[MonthRows, dict[str, YearToDate]]:
    """A unit's month in one partition read: the statuses, and (optionally) its stored month-end counters."""
    days: MonthRows = {}
    counters: dict[str, YearToDate] = {}
    condition = None if with_counters else DailyStatusModel.key < _YTD
    with storage_call("dynamodb"):
        for m in DailyStatusModel.query(f"{unor_id}#{month}", condition):
            if m.key.startswith(_YTD):
                counters[m.nip] = _counters(m)
            else:
                days.setdefault(m.nip, (m.nama, []))[1].append(to_status(m.date, m.status, dict(m.data)))
    return days, counters


def _counters(m: DailyStatusModel) -> YearToDate:
    return YearToDate(**{k: int(v) for k, v in dict(m.data).items()})


def save_year_to_date(
    unor_id: str, month: str, counters: Iterable[tuple[str, str, YearToDate]], stored: Mapping[str, YearToDate]
) -> int:
    """Store a unit's month-end counters, writing only those that differ from `stored`; returns how many."""
    now = iso(utc_now())
    written = 0
    with storage_call("dynamodb"), DailyStatusModel.batch_write() as batch:
        for nip, nama, ytd in counters:
            if stored.get(nip) == ytd:
                continue
            batch.save(
                DailyStatusModel(
                    f"{unor_id}#{month}",
                    f"{_YTD}{nip}",
                    nip=nip,
                    nama=nama,
                    date=f"{month}-YTD",
                    status="YTD",
                    data={
                        "tk_days": ytd.tk_days,
                        "late_early_minutes": ytd.late_early_minutes,
                        "tk_streak": ytd.tk_streak,
                        "longest_tk_streak": ytd.longest_tk_streak,
                    },
                    computed_at=now,
                )
            )
            written += 1
    return written


def employee_status(nip: str, day: date) -> EmployeeDay | None:
    with storage_call("dynamodb"):
        rows = list(DailyStatusModel.by_nip.query(nip, DailyStatusModel.date == day.isoformat()))
    return _employee_day(rows[0]) if rows else None
