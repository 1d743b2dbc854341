"""In-memory twin of the statuses repository (`chalicelib.store.statuses.StatusesRepository`).

It keeps the same items as the `daily_status` table (partition ``<unor_id>#<YYYY-MM>``, range keys
``<date>#<nip>`` and ``YTD#<nip>``) in a dict and answers exactly as the DynamoDB repository does, as pinned
by `tests/unit/store/statuses_contract.py`, which both pass. Its page cursor is the last range key read.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from chalicelib.domain.people import Member
from chalicelib.domain.status import DayStatus, EmployeeDay, YearToDate
from chalicelib.store.statuses import (
    YTD,
    MonthRows,
    counters_data,
    day_prefix,
    partition,
    status_data,
    to_counters,
    to_status,
)


@dataclass(frozen=True)
class _Item:
    nip: str
    nama: str
    date: str
    status: str
    data: dict[str, Any]

    def employee_day(self) -> EmployeeDay:
        return EmployeeDay(self.nip, self.nama, to_status(self.date, self.status, self.data))


class InMemoryStatusesRepository:
    """Items by partition, then by range key."""

    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, _Item]] = {}
        self._lock = threading.Lock()

    def _sorted(self, part: str, prefix: str = "") -> list[tuple[str, _Item]]:
        with self._lock:
            items = self._partitions.get(part, {})
            return sorted((k, v) for k, v in items.items() if k.startswith(prefix))

    def _put(self, part: str, items: Iterable[tuple[str, _Item]]) -> None:
        with self._lock:
            self._partitions.setdefault(part, {}).update(items)

    def save_day(self, unor_id: str, day: date, rows: Sequence[tuple[Member, DayStatus]]) -> tuple[int, int]:
        part, prefix = partition(unor_id, day.isoformat()[:7]), day_prefix(day)
        existing = {item.nip: (item.status, item.data) for _, item in self._sorted(part, prefix)}
        changed = [(m, s) for m, s in rows if existing.get(m.nip) != (s.status, status_data(s))]
        self._put(
            part,
            ((f"{prefix}{m.nip}", _Item(m.nip, m.nama, day.isoformat(), s.status, status_data(s))) for m, s in changed),
        )
        return len(changed), len(rows) - len(changed)

    def day_page(
        self, unor_id: str, day: date, cursor: str | None, limit: int = 500
    ) -> tuple[list[EmployeeDay], str | None]:
        rest = [(k, v) for k, v in self._sorted(partition(unor_id, day.isoformat()[:7]), day_prefix(day))]
        rest = [(k, v) for k, v in rest if cursor is None or k > cursor]
        page = rest[:limit]
        return [v.employee_day() for _, v in page], page[-1][0] if len(rest) > limit else None

    def month_rows(self, unor_id: str, month: str) -> MonthRows:
        return self.month_and_counters(unor_id, month)[0]

    def year_to_date(self, unor_id: str, month: str) -> dict[str, YearToDate]:
        return self.month_and_counters(unor_id, month)[1]

    def month_and_counters(self, unor_id: str, month: str) -> tuple[MonthRows, dict[str, YearToDate]]:
        days: MonthRows = {}
        counters: dict[str, YearToDate] = {}
        for key, item in self._sorted(partition(unor_id, month)):
            if key.startswith(YTD):
                counters[item.nip] = to_counters(item.data)
            else:
                days.setdefault(item.nip, (item.nama, []))[1].append(to_status(item.date, item.status, item.data))
        return days, counters

    def save_year_to_date(
        self,
        unor_id: str,
        month: str,
        counters: Iterable[tuple[str, str, YearToDate]],
        stored: Mapping[str, YearToDate],
    ) -> int:
        changed = [(nip, nama, ytd) for nip, nama, ytd in counters if stored.get(nip) != ytd]
        self._put(
            partition(unor_id, month),
            (
                (f"{YTD}{nip}", _Item(nip, nama, f"{month}-YTD", "YTD", counters_data(ytd)))
                for nip, nama, ytd in changed
            ),
        )
        return len(changed)

    def employee_status(self, nip: str, day: date) -> EmployeeDay | None:
        with self._lock:
            found = [
                item
                for items in self._partitions.values()
                for item in items.values()
                if item.nip == nip and item.date == day.isoformat()
            ]
        return found[0].employee_day() if found else None
