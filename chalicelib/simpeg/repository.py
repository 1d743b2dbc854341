"""The storage the SIMPEG sync needs, as two small protocols (employees+units, and the run log).

The lead implements them on DynamoDB; `memory.py` implements them in memory for tests and local tools;
`tests/unit/simpeg/contract.py` is the one test class both must pass. Keep these protocols small: every
method here is a method both implementations must get exactly right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from chalicelib.domain.people import Unit
from chalicelib.simpeg.models import Change, RunStatus, StoredEmployee, SyncRun


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

    def apply(self, changes: Sequence[Change]) -> None:
        """Write each change's `after` as the employee's SIMPEG-owned fields (upsert by NIP).

        Fields the store keeps beyond StoredEmployee (enrolment, device...) are left as they are.
        Applying the same changes twice leaves the same state (idempotent).
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
