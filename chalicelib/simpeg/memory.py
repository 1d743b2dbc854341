"""In-memory implementations of the SIMPEG repository protocols, for tests, benchmarks and tools.

They are the reference behaviour that `tests/unit/simpeg/contract.py` pins down for the DynamoDB ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from chalicelib.domain.audit import PendingEntries
from chalicelib.domain.people import Unit
from chalicelib.simpeg.errors import SimpegConflictError, SimpegValidationError
from chalicelib.simpeg.models import Change, RunStatus, StoredEmployee, SyncRun
from chalicelib.simpeg.repository import refuse_beyond_one_transaction


class InMemoryEmployeeRepository:
    """Employees by NIP and units by unor_id in dicts."""

    def __init__(self) -> None:
        self._employees: dict[str, StoredEmployee] = {}
        self._units: dict[str, Unit] = {}
        self._lock = threading.Lock()

    def list_employees(self) -> Iterable[StoredEmployee]:
        """Every employee (a snapshot)."""
        with self._lock:
            return list(self._employees.values())

    def list_units(self) -> Iterable[Unit]:
        """Every unit (a snapshot)."""
        with self._lock:
            return list(self._units.values())

    def upsert_units(self, units: Sequence[Unit]) -> None:
        """Create or rename units."""
        with self._lock:
            for unit in units:
                self._units[unit.unor_id] = unit

    def apply(self, changes: Sequence[Change], audit: PendingEntries | None = None) -> None:
        """Write each change's `after` state, after the `audit` entries naming them: their failure leaves every
        employee as they were, as a failed transaction does."""
        refuse_beyond_one_transaction(changes, audit)
        with self._lock:
            if audit is not None:
                audit.write()
            for change in changes:
                self._employees[change.nip] = change.after


class InMemoryRunLog:
    """Runs by id."""

    def __init__(self) -> None:
        self._runs: dict[str, SyncRun] = {}
        self._lock = threading.Lock()

    def save_run(self, run: SyncRun, *, expected_status: RunStatus | None = None) -> None:
        """Insert or replace, optionally only from an expected status."""
        with self._lock:
            if expected_status is not None:
                stored = self._runs.get(run.run_id)
                if stored is None or stored.status != expected_status:
                    actual = None if stored is None else stored.status
                    raise SimpegConflictError(
                        "Status proses sinkronisasi sudah berubah.",
                        {"run_id": run.run_id, "expected": expected_status, "actual": actual},
                    )
            self._runs[run.run_id] = run

    def get_run(self, run_id: str) -> SyncRun | None:
        """The run or None."""
        with self._lock:
            return self._runs.get(run_id)

    def list_runs(self, limit: int, cursor: str | None = None) -> tuple[list[SyncRun], str | None]:
        """Newest first; the cursor is the index of the next run in that order."""
        with self._lock:
            ordered = sorted(self._runs.values(), key=lambda r: (r.started_at, r.run_id), reverse=True)
        if cursor and not (cursor.isascii() and cursor.isdigit()):
            raise SimpegValidationError("Kursor halaman tidak valid.", {"next": "invalid cursor"})
        start = int(cursor) if cursor else 0
        page = ordered[start : start + limit]
        end = start + len(page)
        return page, (str(end) if end < len(ordered) else None)
