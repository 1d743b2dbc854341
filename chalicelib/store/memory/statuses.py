"""In-memory twin of the statuses repository (`chalicelib.store.statuses.StatusesRepository`).

It keeps the same items as the `daily_status` table (partition ``<unor_id>#<YYYY-MM>``, range keys
``<date>#<nip>`` and ``YTD#<nip>``) in a dict and answers exactly as the DynamoDB repository does, as pinned
by `tests/unit/store/statuses_contract.py`, which both pass. Its page cursor is the last range key read.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from datetime import UTC, date, datetime

from chalicelib.domain.status import EmployeeDay, YearToDate
from chalicelib.store.base import utc_now
from chalicelib.store.statuses import (
    YTD,
    CounterRow,
    Counters,
    DayRows,
    MonthRows,
    StoredRow,
    changed_counters,
    changed_day,
    changed_months,
    collect_month,
    day_prefix,
    partition,
    trusted_months,
    unit_of,
)


class InMemoryStatusesRepository:
    """Items by partition, then by range key."""

    def __init__(self) -> None:
        self._partitions: dict[str, dict[str, StoredRow]] = {}
        self._changed: dict[tuple[str, str], datetime] = {}  # (unor_id, month) -> last change of its days
        self._counted: dict[tuple[str, str], datetime] = {}  # (unor_id, month) -> when its counters were computed
        self._judged: dict[
            tuple[str, date], datetime
        ] = {}  # (unor_id, day) -> the instant its last run judged it as of
        self._lock = threading.Lock()

    def _sorted(self, part: str, prefix: str = "") -> list[StoredRow]:
        with self._lock:
            items = self._partitions.get(part, {})
            return [items[key] for key in sorted(items) if key.startswith(prefix)]

    def _put(self, part: str, rows: Iterable[StoredRow]) -> None:
        with self._lock:
            self._partitions.setdefault(part, {}).update((row.key, row) for row in rows)

    def save_day(self, unor_id: str, day: date, rows: DayRows, *, dropped: Collection[str] = ()) -> tuple[int, int]:
        part = partition(unor_id, day.isoformat()[:7])
        changed, removed = changed_day(day, rows, self._sorted(part, day_prefix(day)), dropped)
        self._put(part, changed)
        with self._lock:
            for key in removed:
                del self._partitions[part][key]
            if changed or removed:
                for moved in changed_months(day.isoformat()[:7]):
                    self._changed[(unor_id, moved)] = utc_now()
        return len(changed) + len(removed), len(rows) - len(changed)

    def mark_judged(self, unor_id: str, day: date, at: datetime) -> None:
        with self._lock:
            self._judged[(unor_id, day)] = at.astimezone(UTC)

    def judged_at(self, unor_id: str, day: date) -> datetime | None:
        with self._lock:
            return self._judged.get((unor_id, day))

    def day_page(
        self, unor_id: str, day: date, cursor: str | None, limit: int = 500
    ) -> tuple[list[EmployeeDay], str | None]:
        rows = self._sorted(partition(unor_id, day.isoformat()[:7]), day_prefix(day))
        rest = [row for row in rows if cursor is None or row.key > cursor]
        page = rest[:limit]
        return [row.employee_day() for row in page], page[-1].key if len(rest) > limit else None

    def nips_of_day(self, unor_id: str, day: date) -> set[str]:
        return {row.nip for row in self._sorted(partition(unor_id, day.isoformat()[:7]), day_prefix(day))}

    def month_rows(self, unor_id: str, month: str) -> MonthRows:
        return self.month_and_counters(unor_id, month)[0]

    def year_to_date(self, unor_id: str, month: str) -> dict[str, YearToDate]:
        return self.month_and_counters(unor_id, month)[1]

    def month_and_counters(self, unor_id: str, month: str) -> tuple[MonthRows, dict[str, YearToDate]]:
        return collect_month(self._sorted(partition(unor_id, month)))

    def trusted_months(self, unor_id: str, year: str) -> set[str]:
        with self._lock:
            changed, counted = (
                {month: at for (unit, month), at in stamps.items() if unit == unor_id and month[:4] == year}
                for stamps in (self._changed, self._counted)
            )
        return trusted_months(changed, counted)

    def save_year_to_date(
        self, unor_id: str, month: str, counters: Iterable[CounterRow], stored: Counters, counted_at: datetime
    ) -> int:
        changed = changed_counters(month, counters, stored)
        self._put(partition(unor_id, month), changed)
        with self._lock:
            self._counted[(unor_id, month)] = counted_at
        return len(changed)

    def employee_days(self, nip: str, first: date, last: date) -> list[tuple[str, EmployeeDay]]:
        with self._lock:
            found = [
                (unit_of(part), row)
                for part, rows in self._partitions.items()
                for row in rows.values()
                if row.nip == nip and not row.key.startswith(YTD) and first.isoformat() <= row.date <= last.isoformat()
            ]
        return [(unit, row.employee_day()) for unit, row in sorted(found, key=lambda found: found[1].date)]

    def employee_status(self, nip: str, day: date) -> tuple[str, EmployeeDay] | None:
        with self._lock:
            found = [
                (unit_of(part), row)
                for part, rows in self._partitions.items()
                for row in rows.values()
                if row.nip == nip and row.date == day.isoformat()
            ]
        return (found[0][0], found[0][1].employee_day()) if found else None
