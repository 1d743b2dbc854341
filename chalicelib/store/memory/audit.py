"""In-memory twin of the audit repository (`chalicelib.store.audit.AuditRepository`).

It keeps the entries under the same keys as the `audit` table and answers exactly as the DynamoDB repository
does, as pinned by `tests/unit/store/audit_contract.py`, which both pass.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date

from chalicelib.domain.audit import CHANGES, AuditEntry, AuditPage
from chalicelib.store.audit import AuditRepository, Clock, partition
from chalicelib.store.base import utc_now


class InMemoryAuditRepository(AuditRepository):
    """Entries by partition (UTC day and part of the log), then by range key."""

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__(clock)
        self._days: dict[str, dict[str, AuditEntry]] = {}
        self._lock = threading.Lock()

    def _append(self, day_key: str, rows: Sequence[tuple[str, AuditEntry]]) -> None:
        with self._lock:
            self._days.setdefault(day_key, {}).update(rows)

    def entries_of_day(self, day: date, log: str = CHANGES) -> list[AuditEntry]:
        with self._lock:
            entries = self._days.get(partition(day, log), {})
            return [entries[key] for key in sorted(entries)]

    def page_of_day(self, day: date, before: str | None, limit: int, log: str = CHANGES) -> AuditPage:
        with self._lock:
            entries = self._days.get(partition(day, log), {})
            keys = [key for key in sorted(entries, reverse=True) if before is None or key < before][:limit]
            return AuditPage([entries[key] for key in keys], keys, keys[-1] if len(keys) == limit else None)
