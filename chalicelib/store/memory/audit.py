"""In-memory twin of the audit repository (`chalicelib.store.audit.AuditRepository`).

It keeps the entries under the same keys as the `audit` table and answers exactly as the DynamoDB repository
does, as pinned by `tests/unit/store/audit_contract.py`, which both pass.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date

from chalicelib.domain.audit import AuditEntry, AuditPage
from chalicelib.store.audit import Clock, entry_from_key, entry_key
from chalicelib.store.base import utc_now


class InMemoryAuditRepository:
    """Entries by UTC day, then by range key; `clock` stamps them (the current UTC instant)."""

    def __init__(self, clock: Clock = utc_now) -> None:
        self._clock = clock
        self._days: dict[str, dict[str, AuditEntry]] = {}
        self._lock = threading.Lock()

    def record(
        self,
        actor: str,
        action: str,
        target: str,
        detail: Mapping[str, object] | None = None,
        role: str | None = None,
    ) -> None:
        now = self._clock()
        key = entry_key(now)
        entry = entry_from_key(key, actor, action, target, detail=detail, role=role)
        with self._lock:
            self._days.setdefault(now.date().isoformat(), {})[key] = entry

    def entries_of_day(self, day: date) -> list[AuditEntry]:
        with self._lock:
            entries = self._days.get(day.isoformat(), {})
            return [entries[key] for key in sorted(entries)]

    def page_of_day(self, day: date, before: str | None, limit: int) -> AuditPage:
        with self._lock:
            entries = self._days.get(day.isoformat(), {})
            keys = [key for key in sorted(entries, reverse=True) if before is None or key < before][:limit]
            return AuditPage([entries[key] for key in keys], keys, keys[-1] if len(keys) == limit else None)
