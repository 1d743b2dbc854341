"""In-memory twin of the audit repository (`chalicelib.store.audit.AuditRepository`).

It keeps the entries under the same keys as the `audit` table and answers exactly as the DynamoDB repository
does, as pinned by `tests/unit/store/audit_contract.py`, which both pass.
"""

from __future__ import annotations

import threading
from datetime import date

from chalicelib.domain.audit import AuditEntry, AuditPage
from chalicelib.store.audit import AuditRepository, Clock
from chalicelib.store.base import utc_now


class InMemoryAuditRepository(AuditRepository):
    """Entries by UTC day, then by range key."""

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__(clock)
        self._days: dict[str, dict[str, AuditEntry]] = {}
        self._lock = threading.Lock()

    def _append(self, day: date, key: str, entry: AuditEntry) -> None:
        with self._lock:
            self._days.setdefault(day.isoformat(), {})[key] = entry

    def entries_of_day(self, day: date) -> list[AuditEntry]:
        with self._lock:
            entries = self._days.get(day.isoformat(), {})
            return [entries[key] for key in sorted(entries)]

    def page_of_day(self, day: date, before: str | None, limit: int) -> AuditPage:
        with self._lock:
            entries = self._days.get(day.isoformat(), {})
            keys = [key for key in sorted(entries, reverse=True) if before is None or key < before][:limit]
            return AuditPage([entries[key] for key in keys], keys, keys[-1] if len(keys) == limit else None)
