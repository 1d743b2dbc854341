"""The audit log of admin actions: who did what to what, when. Never holds personal data beyond ids.

Partition per UTC day, range key ``<instant>#<random id>`` with the instant to the microsecond: entries of a
day come in time order, even several in one second (older entries keyed to the second still sort among them).
`AuditRepository` is what the use cases may ask; `DynamoAuditRepository` answers it from DynamoDB and
`chalicelib.store.memory.audit.InMemoryAuditRepository` from a list, and `tests/unit/store/audit_contract.py`
is the one test class both pass.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Protocol

from chalicelib.domain.audit import AuditEntry, AuditPage
from chalicelib.store.base import parse_iso, storage_call, utc_now
from chalicelib.store.models import AuditModel


def entry_key(at: datetime) -> str:
    """The range key of an entry written at `at`: its instant (microseconds), then a random id (never clash)."""
    return f"{at.astimezone(UTC).isoformat(timespec='microseconds')}#{secrets.token_hex(4)}"


def entry_detail(detail: Mapping[str, object] | None) -> dict[str, object] | None:
    """The detail as stored: a copy, or None when empty."""
    return dict(detail) if detail else None


def entry_from_key(
    key: str, actor: str, action: str, target: str, *, detail: Mapping[str, object] | None, role: str | None
) -> AuditEntry:
    """The entry stored under the range key `key` (its instant, to the second, comes from the key)."""
    at = parse_iso(key.split("#", maxsplit=1)[0]).replace(microsecond=0)
    return AuditEntry(at, actor, action, target, entry_detail(detail), role)


class AuditRepository(Protocol):
    """Append-only log of admin actions, read back per UTC day."""

    def record(
        self,
        actor: str,
        action: str,
        target: str,
        detail: Mapping[str, object] | None = None,
        role: str | None = None,
    ) -> None:
        """Append an entry stamped with the current instant (`role`: the actor's, when the caller knows it)."""
        ...

    def entries_of_day(self, day: date) -> list[AuditEntry]:
        """Every entry written on the UTC date `day`, oldest first."""
        ...

    def page_of_day(self, day: date, before: str | None, limit: int) -> AuditPage:
        """At most `limit` entries of the UTC date `day`, newest first, older than the range key `before`."""
        ...


Clock = Callable[[], datetime]


class DynamoAuditRepository:
    """The audit log in the `audit` table; `clock` stamps the entries (the current UTC instant)."""

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
        now = self._clock()
        item = AuditModel(
            now.date().isoformat(),
            entry_key(now),
            actor=actor,
            action=action,
            target=target,
            detail=entry_detail(detail),
            role=role,
        )
        with storage_call("dynamodb"):
            item.save()

    def entries_of_day(self, day: date) -> list[AuditEntry]:
        with storage_call("dynamodb"):
            return [_entry(m) for m in AuditModel.query(day.isoformat())]

    def page_of_day(self, day: date, before: str | None, limit: int) -> AuditPage:
        condition = AuditModel.key < before if before else None
        with storage_call("dynamodb"):
            models = list(
                AuditModel.query(day.isoformat(), condition, scan_index_forward=False, limit=limit, page_size=limit)
            )
        last = models[-1].key if len(models) == limit else None
        return AuditPage([_entry(m) for m in models], [m.key for m in models], last)


def _entry(m: AuditModel) -> AuditEntry:
    return entry_from_key(m.key, m.actor, m.action, m.target, detail=m.detail, role=m.role)
