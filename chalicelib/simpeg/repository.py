"""The storage the SIMPEG sync needs, as two small protocols (employees+units, and the run log).

The lead implements them on DynamoDB; `memory.py` implements them in memory for tests and local tools;
`tests/unit/simpeg/contract.py` is the one test class both must pass. Keep these protocols small: every
method here is a method both implementations must get exactly right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from chalicelib.domain.audit import TRANSACTION_ITEMS, PendingEntries
from chalicelib.domain.people import Unit
from chalicelib.simpeg.models import Change, RunStatus, StoredEmployee, SyncRun


def refuse_beyond_one_transaction(changes: Sequence[Change], audit: PendingEntries | None) -> None:
    """An audited `apply` fits one transaction and creates no one (a creation is a whole-item batch put, and is
    never named): ValueError otherwise, a caller's mistake."""
    if audit is None:
        return
    if len(changes) + len(audit.rows) > TRANSACTION_ITEMS or any(c.kind == "created" for c in changes):
        raise ValueError(f"an audited apply holds at most {TRANSACTION_ITEMS} items and no creation")


class EmployeeRepository(Protocol):
    """Employees and units as far as SIMPEG owns them. Nothing is ever deleted."""

    def list_employees(self) -> Iterable[StoredEmployee]:
        """Every employee, active or not, in any order."""
        ...

    def list_units(self) -> Iterable[Unit]:
        """Every unit, in any order."""
        ...

    def upsert_units(self, units: Sequence[Unit]) -> None:
        """Create units that do not exist, rename those that do (other unit data, e.g. zones, is kept)."""
        ...

    def apply(self, changes: Sequence[Change], audit: PendingEntries | None = None) -> None:
        """Write each change's `after` as the employee's SIMPEG-owned fields (upsert by NIP).

        Fields the store keeps beyond StoredEmployee (enrolment, device...) are left as they are.
        Applying the same changes twice leaves the same state (idempotent). With `audit`, the entries naming the
        changes, the changes (none a creation) and the entries are written all or none, in one DynamoDB
        transaction: at most `TRANSACTION_ITEMS` items, a change and an entry counting one each.
        """
        ...


class RunLog(Protocol):
    """Stored sync/import runs."""

    def save_run(self, run: SyncRun, *, expected_status: RunStatus | None = None) -> None:
        """Insert or replace `run`.

        With `expected_status`, replace only if the stored run has that status, else raise
        SimpegConflictError (so two admins cannot confirm the same run twice).
        """
        ...

    def get_run(self, run_id: str) -> SyncRun | None:
        """The run, or None."""
        ...

    def list_runs(self, limit: int, cursor: str | None = None) -> tuple[list[SyncRun], str | None]:
        """Runs newest first (by started_at, then run_id), `limit` at a time; returns (page, next cursor)."""
        ...
