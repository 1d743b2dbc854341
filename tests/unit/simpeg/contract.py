"""The behaviour every implementation of the SIMPEG repository protocols must have.

One test class per protocol, run against the in-memory implementation here and against the DynamoDB one
by the lead: subclass it as `Test...` and provide a `repo` (resp. `runs`) fixture returning a fresh,
empty store, and an `audit_log` fixture (the audit repository of the same kind, stamping at START of
`tests/unit/store/audit_contract.py`). Nothing here depends on how the store is built.
"""

from __future__ import annotations

import pytest

from chalicelib.domain.audit import PendingEntries
from chalicelib.domain.people import Unit
from chalicelib.simpeg.errors import SimpegConflictError
from chalicelib.simpeg.models import (
    Change,
    EmployeeRecord,
    RowError,
    StoredEmployee,
    SyncCounts,
    SyncRun,
    Trigger,
)
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.store.audit import AuditRepository
from tests.unit.store.audit_contract import START as AUDIT_START

T0 = "2026-01-05T01:00:00Z"
T1 = "2026-01-06T01:00:00Z"


def stored(nip: str = "198501012010011001", **changes: object) -> StoredEmployee:
    """A valid stored employee; keyword arguments override fields."""
    base: dict[str, object] = {
        "nip": nip, "nama": "Asep Sudrajat", "unor_id": "u-1", "unor_nama": "SDN 1 Ngamprah",
        "jabatan": "Guru Ahli Pertama", "gelar_depan": "", "gelar_belakang": "S.Pd.", "active": True,
        "changed_at": T0,
    }  # fmt: skip
    base.update(changes)
    return StoredEmployee(**base)  # type: ignore[arg-type]


def run(run_id: str, started_at: str, status: str = "succeeded") -> SyncRun:
    """A finished run with some counts and one row error."""
    return SyncRun(
        run_id=run_id, status=status, trigger=Trigger("admin", "budi"), started_at=started_at,  # type: ignore[arg-type]
        finished_at=started_at, counts=SyncCounts(created=2, errors=1),
        errors=(RowError(3, "INVALID_NIP", "NIP '123' harus terdiri dari 18 digit angka."),),
    )  # fmt: skip


class EmployeeRepositoryContract:
    """Subclass with a `repo` fixture returning an empty EmployeeRepository."""

    def test_new_store_is_empty(self, repo: EmployeeRepository) -> None:
        assert list(repo.list_employees()) == []
        assert list(repo.list_units()) == []

    def test_created_employee_is_listed_with_every_field(self, repo: EmployeeRepository) -> None:
        # GIVEN a created employee with every field set
        employee = stored(gelar_depan="Drs.", jabatan="Kepala Sekolah")
        # WHEN applied
        repo.apply([Change("created", employee)])
        # THEN it is listed exactly as written
        assert list(repo.list_employees()) == [employee]

    def test_update_replaces_fields_and_keeps_one_employee(self, repo: EmployeeRepository) -> None:
        repo.apply([Change("created", stored())])
        moved = stored(unor_id="u-2", unor_nama="SMPN 1 Lembang", changed_at=T1)
        repo.apply([Change("moved", moved, stored().to_record())])
        assert list(repo.list_employees()) == [moved]

    def test_deactivated_employee_is_kept_not_deleted(self, repo: EmployeeRepository) -> None:
        repo.apply([Change("created", stored())])
        gone = stored(active=False, changed_at=T1, deactivated_at=T1)
        repo.apply([Change("deactivated", gone, stored().to_record())])
        assert list(repo.list_employees()) == [gone]

    def test_applying_the_same_changes_twice_gives_the_same_state(self, repo: EmployeeRepository) -> None:
        changes = [Change("created", stored(f"19850101201001100{i}")) for i in range(1, 6)]
        repo.apply(changes)
        first = sorted(repo.list_employees(), key=lambda e: e.nip)
        repo.apply(changes)
        assert sorted(repo.list_employees(), key=lambda e: e.nip) == first
        assert len(first) == 5

    def test_many_changes_in_one_call_are_all_written(self, repo: EmployeeRepository) -> None:
        # 250 exceeds DynamoDB's batch size (25) and a typical page size: the adapter must chunk.
        changes = [Change("created", stored(f"198501012010011{i:03d}")) for i in range(1, 251)]
        repo.apply(changes)
        assert {e.nip for e in repo.list_employees()} == {c.nip for c in changes}

    def test_a_full_group_of_changes_is_written_with_the_entries_naming_them(
        self, repo: EmployeeRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN 51 employees
        nips = [f"198501012010011{i:03d}" for i in range(1, 52)]
        repo.apply([Change("created", stored(nip)) for nip in nips])
        gone = [Change("deactivated", stored(nip, active=False, changed_at=T1, deactivated_at=T1),
                       stored(nip).to_record()) for nip in nips]  # fmt: skip

        def entries(changes: list[Change]) -> PendingEntries:
            return audit_log.stamped("system:simpeg", "employee.deactivate", {c.nip: None for c in changes})

        # WHEN 51 deactivations come with their 51 entries (102 items: more than one transaction holds)
        with pytest.raises(ValueError):
            repo.apply(gone, entries(gone))
        # THEN none is written; WHEN 50 come with theirs (100 items), THEN they and their entries are all written
        assert all(e.active for e in repo.list_employees())
        repo.apply(gone[:50], entries(gone[:50]))
        assert sorted(e.nip for e in repo.list_employees() if not e.active) == nips[:50]
        assert sorted(e.target for e in audit_log.entries_of_day(AUDIT_START.date())) == nips[:50]

    def test_units_are_created_then_renamed(self, repo: EmployeeRepository) -> None:
        repo.upsert_units([Unit("u-1", "SDN 1 Ngamprah"), Unit("u-2", "Kecamatan Lembang")])
        repo.upsert_units([Unit("u-1", "SD Negeri 1 Ngamprah")])
        assert sorted(repo.list_units(), key=lambda u: u.unor_id) == [
            Unit("u-1", "SD Negeri 1 Ngamprah"),
            Unit("u-2", "Kecamatan Lembang"),
        ]

    def test_stored_record_compares_equal_to_the_incoming_record(self, repo: EmployeeRepository) -> None:
        # Sync's "unchanged" depends on a read-back record being equal to the one written.
        record = EmployeeRecord("198501012010011001", "Euis Komalasari", "u-1", "SDN 1 Ngamprah", "", "", "", True)
        repo.apply([Change("created", StoredEmployee.from_record(record, changed_at=T0))])
        assert [e.to_record() for e in repo.list_employees()] == [record]


class RunLogContract:
    """Subclass with a `runs` fixture returning an empty RunLog."""

    def test_saved_run_reads_back_equal(self, runs: RunLog) -> None:
        saved = run("r1", T0)
        runs.save_run(saved)
        assert runs.get_run("r1") == saved
        # AND an import's status values taken as inactive are kept with it
        worded = saved.with_(run_id="r2", inactive_statuses={"Aktif Bekerja": 6950, "Pensiun": 50})
        runs.save_run(worded)
        assert runs.get_run("r2") == worded

    def test_unknown_run_is_none(self, runs: RunLog) -> None:
        assert runs.get_run("nope") is None

    def test_save_replaces_a_run(self, runs: RunLog) -> None:
        runs.save_run(run("r1", T0, "running"))
        runs.save_run(run("r1", T0, "succeeded"))
        found = runs.get_run("r1")
        assert found is not None and found.status == "succeeded"

    def test_runs_are_listed_newest_first_in_pages(self, runs: RunLog) -> None:
        # GIVEN five runs saved out of order
        for i in (3, 1, 4, 0, 2):
            runs.save_run(run(f"r{i}", f"2026-01-0{i + 1}T01:00:00Z"))
        # WHEN listed two at a time
        first, cursor = runs.list_runs(2)
        second, cursor2 = runs.list_runs(2, cursor)
        third, cursor3 = runs.list_runs(2, cursor2)
        # THEN newest first, no run twice, and the last page says there is no more
        assert [r.run_id for r in first + second + third] == ["r4", "r3", "r2", "r1", "r0"]
        assert cursor is not None and cursor2 is not None and cursor3 is None

    def test_expected_status_guards_a_concurrent_transition(self, runs: RunLog) -> None:
        runs.save_run(run("r1", T0, "needs_confirmation"))
        runs.save_run(run("r1", T0, "confirmed"), expected_status="needs_confirmation")
        with pytest.raises(SimpegConflictError):
            runs.save_run(run("r1", T0, "confirmed"), expected_status="needs_confirmation")
        with pytest.raises(SimpegConflictError):
            runs.save_run(run("r9", T0, "confirmed"), expected_status="needs_confirmation")
