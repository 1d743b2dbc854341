"""Stored daily statuses (the recap) and year-to-date discipline counters, per unit and month.

Partition ``<unor_id>#<YYYY-MM>``; range key ``<YYYY-MM-DD>#<nip>`` for a day's status and
``YTD#<nip>`` for the counters at the end of that month. A recap day is one prefix query of one partition.

Stored counters are a cache of the year's statuses, so they must not outlive a change of them. Partition
``<unor_id>#<YYYY>`` keeps two stamps a month: ``changed#<YYYY-MM>``, when a day of that month last changed
(written before and after the rows, so a failed or concurrent write still counts), and ``counted#<YYYY-MM>``,
when the counters stored for that month were computed (the moment before their reads began). A month's counters
are trusted only when counted after every change of that month and of each month before it (`trusted_months`);
the statuses are read strongly consistent, so a change stamped before a count began is in what it read.
The same partition keeps, per day, ``judged#<YYYY-MM-DD>``: the instant the last recap run judged the unit's day
as of (written after its rows, whether or not any changed), the evidence that a day's sheet is final
(usecases.reports.day_final).

`StatusesRepository` is what the use cases may ask; `DynamoStatusesRepository` answers it from DynamoDB and
`chalicelib.store.memory.statuses.InMemoryStatusesRepository` from dicts, and
`tests/unit/store/statuses_contract.py` is the one test class both pass.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

from chalicelib.domain.people import Member
from chalicelib.domain.status import DayStatus, EmployeeDay, YearToDate
from chalicelib.store.base import (
    RawItem,
    decode_cursor,
    encode_cursor,
    iso,
    parse_iso,
    raw_query,
    raw_text,
    storage_call,
    utc_now,
)
from chalicelib.store.models import DailyStatusModel

DayRows = Sequence[tuple[Member, DayStatus]]  # a unit's judged day: each member and their status
MonthRows = dict[str, tuple[str, list[DayStatus]]]
CounterRow = tuple[str, str, YearToDate]  # nip, nama, counters
Counters = Mapping[str, YearToDate]
YTD = "YTD#"  # month-end year-to-date counters share the unit-month partition, after every date key
CHANGED = "changed#"  # stamp: a day of the month changed (unit-year partition)
COUNTED = "counted#"  # stamp: the month's counters were computed
JUDGED = "judged#"  # stamp: the instant the last recap run judged a day as of (after every month's stamps)


def partition(unor_id: str, month: str) -> str:
    """The unit-month partition; `month` is ``YYYY-MM``."""
    return f"{unor_id}#{month}"


def unit_of(part: str) -> str:
    """The unit of a unit-month (or unit-year) partition."""
    return part.rpartition("#")[0]


def stamps_partition(unor_id: str, year: str) -> str:
    """The unit-year partition of the months' change and count stamps; `year` is ``YYYY``."""
    return f"{unor_id}#{year}"


def stamp_text(moment: datetime) -> str:
    """A stamp to the microsecond: a count and a change within the same second must still be told apart."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def trusted_months(changed: Mapping[str, datetime], counted: Mapping[str, datetime]) -> set[str]:
    """The months (``YYYY-MM``, one year) whose stored counters still hold: counted no earlier than the last
    change of that month and of every month before it (an earlier day changed moves every later month end)."""
    trusted: set[str] = set()
    latest: datetime | None = None
    for month in sorted(set(changed) | set(counted)):
        if month in changed:
            latest = changed[month] if latest is None else max(latest, changed[month])
        if month in counted and (latest is None or counted[month] >= latest):
            trusted.add(month)
    return trusted


def changed_months(month: str) -> tuple[str, ...]:
    """The months whose CHANGED stamp a change of `month`'s days moves: the month itself and, for December, the
    next year's start (`YYYY-00`, before its January): a year begins from December's open TK run
    (usecases.reports._open_runs), so every month end of the next year depends on December's days."""
    if month[5:7] != "12":
        return (month,)
    return month, f"{int(month[:4]) + 1}-00"


def day_prefix(day: date) -> str:
    """The range-key prefix of a day's statuses."""
    return f"{day.isoformat()}#"


def status_data(status: DayStatus) -> dict[str, Any]:
    """The stored attributes of a day's status (instants at second precision, the deduction as text)."""
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


def counters_data(ytd: YearToDate) -> dict[str, int]:
    return asdict(ytd)


def to_counters(data: Mapping[str, Any]) -> YearToDate:
    return YearToDate(**{k: int(v) for k, v in data.items()})


class StoredRow(NamedTuple):
    """One item of a unit-month partition: a day's status, or (range key ``YTD#<nip>``) month-end counters."""

    key: str
    nip: str
    nama: str
    date: str
    status: str
    data: dict[str, Any]

    def employee_day(self) -> EmployeeDay:
        return EmployeeDay(self.nip, self.nama, to_status(self.date, self.status, self.data))


def collect_month(rows: Iterable[StoredRow]) -> tuple[MonthRows, dict[str, YearToDate]]:
    """A partition's items in key order as (nip → (nama, days by date), nip → month-end counters)."""
    days: MonthRows = {}
    counters: dict[str, YearToDate] = {}
    for row in rows:
        if row.key.startswith(YTD):
            counters[row.nip] = to_counters(row.data)
        else:
            days.setdefault(row.nip, (row.nama, []))[1].append(to_status(row.date, row.status, row.data))
    return days, counters


def status_row(day: date, member: Member, status: DayStatus) -> StoredRow:
    """The item of `member`'s status on `day` (in the partition of the day's month)."""
    return StoredRow(f"{day_prefix(day)}{member.nip}", member.nip, member.nama, day.isoformat(), status.status,
                     status_data(status))  # fmt: skip


def counters_row(month: str, row: CounterRow) -> StoredRow:
    """The item of an employee's counters at the end of `month` (in that month's partition)."""
    nip, nama, ytd = row
    return StoredRow(f"{YTD}{nip}", nip, nama, f"{month}-YTD", "YTD", counters_data(ytd))


def changed_day(
    day: date, rows: DayRows, stored: Sequence[StoredRow], dropped: Collection[str]
) -> tuple[list[StoredRow], list[str]]:
    """The items of `rows` whose status differs from the day's `stored` items (a name alone is no change), and
    the keys of the stored items of `dropped` NIPs (their status of the day is void), to delete."""
    before = {row.nip: (row.status, row.data) for row in stored}
    items = (status_row(day, member, status) for member, status in rows)
    changed = [item for item in items if before.get(item.nip) != (item.status, item.data)]
    return changed, [row.key for row in stored if row.nip in dropped]


def changed_counters(month: str, counters: Iterable[CounterRow], stored: Counters) -> list[StoredRow]:
    """The items of `counters` that differ from the `stored` ones."""
    return [counters_row(month, row) for row in counters if stored.get(row[0]) != row[2]]


class StatusesRepository(Protocol):
    """A unit's judged days and month-end discipline counters, stored per unit and month."""

    def save_day(self, unor_id: str, day: date, rows: DayRows, *, dropped: Collection[str] = ()) -> tuple[int, int]:
        """Store a unit's statuses of one day, writing only rows that changed and deleting those of the
        `dropped` NIPs (a move or deactivation recorded on the day voided them; decision 127), and stamping the
        month changed when any did; returns (written or deleted, unchanged)."""
        ...

    def mark_judged(self, unor_id: str, day: date, at: datetime) -> None:
        """Keep `at` as the instant the unit's day was last judged as of: a run calls it once its rows are saved
        (`save_day`), though none changed; the last call wins, an earlier instant too (`judged_at`)."""
        ...

    def judged_at(self, unor_id: str, day: date) -> datetime | None:
        """The instant the last run that stored the unit's day judged it as of (None: never, or only by code that
        kept no such instant)."""
        ...

    def day_page(
        self, unor_id: str, day: date, cursor: str | None, limit: int = 500
    ) -> tuple[list[EmployeeDay], str | None]:
        """A page of the unit's statuses of `day`, by NIP, and the opaque cursor of the next page (or None)."""
        ...

    def nips_of_day(self, unor_id: str, day: date) -> set[str]:
        """The NIPs whose status of `day` the unit stored (who it judged that day)."""
        ...

    def month_rows(self, unor_id: str, month: str) -> MonthRows:
        """nip → (nama, days by date) for every stored status of a unit's month."""
        ...

    def year_to_date(self, unor_id: str, month: str) -> dict[str, YearToDate]:
        """The month-end year-to-date counters stored for a unit's month (empty when never stored), trusted or
        not (`trusted_months` says)."""
        ...

    def trusted_months(self, unor_id: str, year: str) -> set[str]:
        """The months of `year` whose stored counters were computed after every change of their days and of the
        days before them (module `trusted_months`)."""
        ...

    def month_and_counters(self, unor_id: str, month: str) -> tuple[MonthRows, dict[str, YearToDate]]:
        """A unit's month in one read: the statuses (as `month_rows`) and its stored month-end counters."""
        ...

    def save_year_to_date(
        self, unor_id: str, month: str, counters: Iterable[CounterRow], stored: Counters, counted_at: datetime
    ) -> int:
        """Store (nip, nama, counters) of a unit's month end, writing only those that differ from `stored`, and
        stamp them counted at `counted_at` (when the reads they come from began); returns how many were
        written."""
        ...

    def employee_status(self, nip: str, day: date) -> tuple[str, EmployeeDay] | None:
        """The unit that stored the employee's status of `day` (the unit they belonged to then) and that
        status, or None."""
        ...

    def employee_days(self, nip: str, first: date, last: date) -> list[tuple[str, EmployeeDay]]:
        """The employee's stored statuses from `first` to `last`, by date, each with the unit that stored it
        (read by NIP: a move between units does not split them)."""
        ...


def _row(m: DailyStatusModel) -> StoredRow:
    return StoredRow(m.key, m.nip, m.nama, m.date, m.status, dict(m.data))


# The attributes a StoredRow needs besides what its range key says (date or YTD, and NIP: see status_row and
# counters_row). A month of a large unit is thousands of items, read raw: building a model of each, and parsing
# the attributes the key repeats, cost more CPU than DynamoDB's answer (bench/STACK_RESULTS.md, 2026-12-04).
_STORED = ["key", "nama", "status", "data"]


def _raw_row(item: RawItem, month: str) -> StoredRow:
    key, nama, status, data = (raw_text(item, name) or "" for name in _STORED)
    day, _, nip = key.partition("#")
    return StoredRow(key, nip, nama, f"{month}-YTD" if key.startswith(YTD) else day, status, json.loads(data))


def _stored_rows(unor_id: str, month: str, condition: Any) -> list[StoredRow]:
    """The items of a unit-month partition (those meeting the range-key `condition`) as StoredRows."""
    items = raw_query(DailyStatusModel, partition(unor_id, month), _STORED, condition=condition, consistent=True)
    with storage_call("dynamodb"):
        return [_raw_row(item, month) for item in items]


def _stamp(unor_id: str, kind: str, period: str, at: datetime) -> None:
    """Write the `kind` stamp of a month (`period` YYYY-MM) or, `JUDGED`, of a day (YYYY-MM-DD): an item of keys
    and `computed_at` only, no NIP, so no index entry."""
    action = DailyStatusModel.computed_at.set(stamp_text(at))
    with storage_call("dynamodb"):
        DailyStatusModel._get_connection().update_item(
            stamps_partition(unor_id, period[:4]), f"{kind}{period}", actions=[action]
        )


def _stamp_changed(unor_id: str, month: str) -> None:
    for moved in changed_months(month):
        _stamp(unor_id, CHANGED, moved, utc_now())


def _item(part: str, row: StoredRow, now: str) -> DailyStatusModel:
    return DailyStatusModel(
        part,
        row.key,
        nip=row.nip,
        nama=row.nama,
        date=row.date,
        status=row.status,
        data=row.data,
        computed_at=now,
    )


class DynamoStatusesRepository:
    """The statuses in the `daily_status` table (one partition per unit and month, an index by NIP)."""

    def save_day(self, unor_id: str, day: date, rows: DayRows, *, dropped: Collection[str] = ()) -> tuple[int, int]:
        month = day.isoformat()[:7]
        stored = _stored_rows(unor_id, month, DailyStatusModel.key.startswith(day_prefix(day)))
        changed, removed = changed_day(day, rows, stored, dropped)
        if changed or removed:
            _stamp_changed(unor_id, month)
            self._write(partition(unor_id, month), changed, removed)
            _stamp_changed(unor_id, month)
        return len(changed) + len(removed), len(rows) - len(changed)

    def mark_judged(self, unor_id: str, day: date, at: datetime) -> None:
        _stamp(unor_id, JUDGED, day.isoformat(), at)

    def judged_at(self, unor_id: str, day: date) -> datetime | None:
        """A Query of the one key (the functions that read it, the API and the report worker, query this table
        already: infra/access.py grants no GetItem for it)."""
        condition = DailyStatusModel.key == f"{JUDGED}{day.isoformat()}"
        items = raw_query(DailyStatusModel, stamps_partition(unor_id, day.isoformat()[:4]), ["computed_at"],
                          condition=condition, consistent=True)  # fmt: skip
        with storage_call("dynamodb"):
            stamps = [raw_text(item, "computed_at") for item in items]
        return parse_iso(stamps[0]) if stamps and stamps[0] else None

    @staticmethod
    def _write(part: str, rows: Sequence[StoredRow], removed: Sequence[str] = ()) -> None:
        now = iso(utc_now())
        with storage_call("dynamodb"), DailyStatusModel.batch_write() as batch:
            for row in rows:
                batch.save(_item(part, row, now))
            for key in removed:
                batch.delete(DailyStatusModel(part, key))

    def day_page(
        self, unor_id: str, day: date, cursor: str | None, limit: int = 500
    ) -> tuple[list[EmployeeDay], str | None]:
        with storage_call("dynamodb"):
            result = DailyStatusModel.query(
                partition(unor_id, day.isoformat()[:7]),
                DailyStatusModel.key.startswith(day_prefix(day)),
                limit=limit,
                last_evaluated_key=decode_cursor(cursor),
            )
            rows = [_row(m).employee_day() for m in result]
            return rows, encode_cursor(result.last_evaluated_key)

    def nips_of_day(self, unor_id: str, day: date) -> set[str]:
        condition = DailyStatusModel.key.startswith(day_prefix(day))
        items = raw_query(DailyStatusModel, partition(unor_id, day.isoformat()[:7]), ["key"], condition=condition,
                          consistent=True)  # fmt: skip
        with storage_call("dynamodb"):
            return {(raw_text(item, "key") or "").partition("#")[2] for item in items}

    def month_rows(self, unor_id: str, month: str) -> MonthRows:
        return self._month(unor_id, month, with_counters=False)[0]

    def year_to_date(self, unor_id: str, month: str) -> dict[str, YearToDate]:
        rows = _stored_rows(unor_id, month, DailyStatusModel.key.startswith(YTD))
        return {row.nip: to_counters(row.data) for row in rows}

    def month_and_counters(self, unor_id: str, month: str) -> tuple[MonthRows, dict[str, YearToDate]]:
        return self._month(unor_id, month, with_counters=True)

    @staticmethod
    def _month(unor_id: str, month: str, *, with_counters: bool) -> tuple[MonthRows, dict[str, YearToDate]]:
        condition = None if with_counters else DailyStatusModel.key < YTD
        return collect_month(_stored_rows(unor_id, month, condition))

    def trusted_months(self, unor_id: str, year: str) -> set[str]:
        stamps: dict[str, dict[str, datetime]] = {CHANGED: {}, COUNTED: {}}
        items = raw_query(DailyStatusModel, stamps_partition(unor_id, year), ["key", "computed_at"],
                          condition=DailyStatusModel.key < JUDGED, consistent=True)  # fmt: skip
        with storage_call("dynamodb"):
            for item in items:
                kind, _, month = (raw_text(item, "key") or "").partition("#")
                stamps.setdefault(f"{kind}#", {})[month] = parse_iso(raw_text(item, "computed_at") or "")
        return trusted_months(stamps[CHANGED], stamps[COUNTED])

    def save_year_to_date(
        self, unor_id: str, month: str, counters: Iterable[CounterRow], stored: Counters, counted_at: datetime
    ) -> int:
        changed = changed_counters(month, counters, stored)
        self._write(partition(unor_id, month), changed)
        _stamp(unor_id, COUNTED, month, counted_at)
        return len(changed)

    def employee_days(self, nip: str, first: date, last: date) -> list[tuple[str, EmployeeDay]]:
        """The NIP index between the two dates; month-end counters (``YYYY-MM-YTD``, between a month's last
        date and the next month's first) are left out."""
        dates = DailyStatusModel.date.between(first.isoformat(), last.isoformat())
        with storage_call("dynamodb"):
            rows = [(unit_of(m.unit_month), _row(m)) for m in DailyStatusModel.by_nip.query(nip, dates)]
        return [(unit, row.employee_day()) for unit, row in rows if not row.key.startswith(YTD)]

    def employee_status(self, nip: str, day: date) -> tuple[str, EmployeeDay] | None:
        with storage_call("dynamodb"):
            rows = list(DailyStatusModel.by_nip.query(nip, DailyStatusModel.date == day.isoformat()))
        return (unit_of(rows[0].unit_month), _row(rows[0]).employee_day()) if rows else None
