"""The audit log of admin actions: who did what to what, when. Never holds personal data beyond ids.

Partition per UTC day and part of the log (``<date>`` for the changes, ``views#<date>`` for the links to
personal files: `chalicelib.domain.audit.log_of`), range key ``<instant>#<random id>`` with the instant to the
microsecond: entries of a day come in time order, even several in one second (older entries keyed to the second
still sort among them).
`AuditRepository` is what the use cases may ask (an abstract base: it stamps and keys an entry once for both);
`DynamoAuditRepository` stores it in DynamoDB and `chalicelib.store.memory.audit.InMemoryAuditRepository` in a
dict, and `tests/unit/store/audit_contract.py` is the one test class both pass. `AuditBatch`: entries stamped
here and written by another repository in the transaction of the change they name.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from pynamodb.transactions import TransactWrite

from chalicelib.domain.audit import (
    CHANGES,
    TRANSACTION_ITEMS,
    AuditEntry,
    AuditPage,
    PendingEntries,
    acting_role,
    log_of,
)
from chalicelib.store.base import item_from, parse_iso, storage_call, transaction, utc_now
from chalicelib.store.models import AuditModel


def entry_key(at: datetime) -> str:
    """The range key of an entry written at `at`: its instant (microseconds), then a random id (never clash)."""
    return f"{at.astimezone(UTC).isoformat(timespec='microseconds')}#{secrets.token_hex(4)}"


def partition(day: date, log: str) -> str:
    """The partition key of a UTC day's entries of one part of the log (the changes keep the bare date)."""
    return day.isoformat() if log == CHANGES else f"{log}#{day.isoformat()}"


def entry_detail(detail: Mapping[str, object] | None) -> dict[str, object] | None:
    """The detail as stored: a copy, or None when empty."""
    return dict(detail) if detail else None


def entry_from_key(
    key: str,
    actor: str,
    action: str,
    target: str,
    *,
    detail: Mapping[str, object] | None,
    role: str | None,
    expires: datetime | None = None,
) -> AuditEntry:
    """The entry stored under the range key `key` (its instant, to the second, comes from the key)."""
    at = parse_iso(key.split("#", maxsplit=1)[0]).replace(microsecond=0)
    kept_until = expires.astimezone(UTC).replace(microsecond=0) if expires is not None else None
    return AuditEntry(at, actor, action, target, entry_detail(detail), role, kept_until)


Clock = Callable[[], datetime]


class AuditRepository(ABC):
    """Append-only log of admin actions, read back per UTC day; `clock` stamps the entries (the current UTC
    instant). Stamping and keying are the same for every implementation: they only store and read."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock

    def record(
        self,
        actor: str,
        action: str,
        target: str,
        detail: Mapping[str, object] | None = None,
        role: str | None = None,
    ) -> None:
        """Append an entry stamped with the current instant, in the part of the log its action belongs to (`role`:
        as in `stamped`)."""
        self.stamped(actor, action, {target: detail}, role).write()

    def stamped(
        self,
        actor: str,
        action: str,
        details: Mapping[str, Mapping[str, object] | None],
        role: str | None = None,
        *,
        kept_for: timedelta | None = None,
    ) -> AuditBatch:
        """One entry per target of `details` (target -> its detail), all stamped with the current instant and keyed
        but not written: `write()` appends them together (up to `TRANSACTION_ITEMS` entries all or none), or a
        repository writes them in the transaction of the change they name (`AuditBatch`). With `kept_for`, the store
        drops them that long after (DynamoDB's TTL, within days of it; the app itself never deletes an entry).
        `role` is the actor's; without it, the role the actor holds as the caller of the request being served
        (`chalicelib.domain.audit.acting_role`), else none (a job's entry)."""
        named = [(action, target, detail) for target, detail in details.items()]
        return self.stamped_each(actor, named, role, kept_for=kept_for)

    def stamped_each(
        self,
        actor: str,
        named: Sequence[tuple[str, str, Mapping[str, object] | None]],
        role: str | None = None,
        *,
        kept_for: timedelta | None = None,
    ) -> AuditBatch:
        """As `stamped`, for one change that several actions name: one entry per (action, target, detail) of
        `named`, all stamped with one instant in one part of the log, to which every action must belong (a phone
        taken from a leaver is the employee's binding and the leaver's reset)."""
        logs = {log_of(action) for action, _, _ in named}
        if len(logs) > 1:
            raise ValueError(f"one batch is written to one part of the log, not to {sorted(logs)}")
        log = logs.pop() if logs else CHANGES
        if role is None:
            role = acting_role(actor)
        now = self._clock()
        expires = now + kept_for if kept_for is not None else None
        rows = []
        for action, target, detail in named:
            key = entry_key(now)
            rows.append((key, entry_from_key(key, actor, action, target, detail=detail, role=role, expires=expires)))
        return AuditBatch(self, partition(now.date(), log), tuple(rows))

    @abstractmethod
    def _append(self, day_key: str, rows: Sequence[tuple[str, AuditEntry]]) -> None:
        """Store each entry under the partition `day_key` (from `partition`) and its range key (`entry_key`);
        up to `TRANSACTION_ITEMS` of them all or none."""

    @abstractmethod
    def entries_of_day(self, day: date, log: str = CHANGES) -> list[AuditEntry]:
        """Every entry of one part of the log written on the UTC date `day`, oldest first."""

    @abstractmethod
    def page_of_day(self, day: date, before: str | None, limit: int, log: str = CHANGES) -> AuditPage:
        """At most `limit` entries of one part of the log of the UTC date `day`, newest first, older than the
        range key `before`."""


@dataclass(frozen=True)
class AuditBatch:
    """Entries stamped by `log` (`AuditRepository.stamped`) and not yet written, for a repository to keep with the
    change they name, all or none: DynamoDB ones put them in the change's transaction (`save_in`; at most
    `TRANSACTION_ITEMS` items in all), the in-memory twins `write()` them just before making the change, after its
    checks. An entry written on its own after the change (`record`) left, when its write failed, a change the log
    never named, or, sent again, one that named as `before` the value the first try had written."""

    log: AuditRepository
    day_key: str
    rows: tuple[tuple[str, AuditEntry], ...]

    def write(self) -> None:
        """Append the entries to the log on their own (an in-memory twin's change, or entries naming no change)."""
        if self.rows:
            self.log._append(self.day_key, self.rows)


Replaced = TypeVar("Replaced")
# What a repository asks of a change's audit entries: given what the change replaces, as the repository read it in
# the change's transaction, the entries naming the change (`AuditBatch`), kept with it all or none.
AuditOf = Callable[[Replaced], AuditBatch]


def _models(batch: PendingEntries) -> list[AuditModel]:
    """The entries as items of the `audit` table."""
    return [item_from(AuditModel, entry, day=batch.day_key, key=key) for key, entry in batch.rows]


def save_in(tx: TransactWrite, batch: PendingEntries | None) -> None:
    """Put the entries of `batch` (if any) in the DynamoDB transaction `tx` of the change they name."""
    for item in _models(batch) if batch is not None else ():
        tx.save(item)


class DynamoAuditRepository(AuditRepository):
    """The audit log in the `audit` table."""

    def _append(self, day_key: str, rows: Sequence[tuple[str, AuditEntry]]) -> None:
        items = _models(AuditBatch(self, day_key, tuple(rows)))
        with storage_call("dynamodb"):
            if len(items) == 1:
                items[0].save()
                return
            # One round trip a batch (puts only: no delete right needed).
            for at in range(0, len(items), TRANSACTION_ITEMS):
                with transaction() as tx:
                    for item in items[at : at + TRANSACTION_ITEMS]:
                        tx.save(item)

    def entries_of_day(self, day: date, log: str = CHANGES) -> list[AuditEntry]:
        with storage_call("dynamodb"):
            return [_entry(m) for m in AuditModel.query(partition(day, log))]

    def page_of_day(self, day: date, before: str | None, limit: int, log: str = CHANGES) -> AuditPage:
        condition = AuditModel.key < before if before else None
        with storage_call("dynamodb"):
            models = list(
                AuditModel.query(partition(day, log), condition, scan_index_forward=False, limit=limit, page_size=limit)
            )
        last = models[-1].key if len(models) == limit else None
        return AuditPage([_entry(m) for m in models], [m.key for m in models], last)


def _entry(m: AuditModel) -> AuditEntry:
    return entry_from_key(m.key, m.actor, m.action, m.target, detail=m.detail, role=m.role, expires=m.expires)
