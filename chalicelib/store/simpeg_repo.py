"""DynamoDB implementations of the SIMPEG sync's repository protocols (see chalicelib.simpeg.repository).

Employees are listed per unit through the `by_unit` index (never a Scan). Writes update only the
SIMPEG-owned attributes, so a sync never touches passwords, bound phones or face enrolment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

from pynamodb.expressions.update import Action

from chalicelib.domain.audit import PendingEntries
from chalicelib.domain.people import Placement, Unit, hr_marks
from chalicelib.simpeg.errors import SimpegConflictError
from chalicelib.simpeg.models import Change, RunStatus, StoredEmployee, SyncRun
from chalicelib.simpeg.planning import plan_sync
from chalicelib.simpeg.repository import refuse_beyond_one_transaction
from chalicelib.simpeg.validation import RecordBatch
from chalicelib.store.audit import save_in
from chalicelib.store.base import (
    ConditionFailed,
    batch_records,
    decode_cursor,
    encode_cursor,
    iso,
    item_from,
    storage_call,
    transaction,
    utc_now,
)
from chalicelib.store.job_runs import RUN_TTL
from chalicelib.store.models import NO_FIELD_DUTY, NO_OWN_PLAN, EmployeeModel, SyncRunModel, UnitModel
from chalicelib.store.people import DynamoPeopleRepository, get_model, hr_actions

_WRITERS = 8  # parallel UpdateItem calls: a 7,000-person first sync stays well under a minute
# A run's record (its row errors name NIPs) is kept as long as a job run (90 days from its start): a nightly
# sync's record and its line in job_runs go together.
SYNC_RUN_TTL = RUN_TTL


def _stored(m: EmployeeModel, unit_names: dict[str, str]) -> StoredEmployee:
    return StoredEmployee(
        nip=m.nip,
        nama=m.nama,
        unor_id=m.unor_id,
        unor_nama=m.unor_nama or unit_names.get(m.unor_id, ""),
        jabatan=m.jabatan or "",
        gelar_depan=m.gelar_depan or "",
        gelar_belakang=m.gelar_belakang or "",
        active=bool(m.active),
        changed_at=m.changed_at or "",
        deactivated_at=m.deactivated_at,
    )


def _actions(e: StoredEmployee) -> list[Action]:
    actions: list[Action] = [
        EmployeeModel.nama.set(e.nama),
        EmployeeModel.unor_id.set(e.unor_id),
        EmployeeModel.unor_nama.set(e.unor_nama),
        EmployeeModel.active.set(e.active),
        EmployeeModel.changed_at.set(e.changed_at),
    ]
    optional = (
        (EmployeeModel.jabatan, e.jabatan),
        (EmployeeModel.gelar_depan, e.gelar_depan),
        (EmployeeModel.gelar_belakang, e.gelar_belakang),
        (EmployeeModel.deactivated_at, e.deactivated_at),
    )
    actions += [attr.set(value) if value else attr.remove() for attr, value in optional]
    return actions


def _change_actions(change: Change) -> list[Action]:
    """The update of a known employee's record: the SIMPEG-owned fields and the HR marks of the change."""
    actions = _actions(change.after)
    before = Placement(change.before.unor_id, change.before.active) if change.before else None
    # The planner dated a deactivation already (`change.after.deactivated_at`, written by _actions).
    marks = replace(hr_marks(before, change.after.unor_id, change.after.active), deactivation="keep")
    return actions + hr_actions(marks, iso(utc_now()))


def _new_model(e: StoredEmployee) -> EmployeeModel:
    return item_from(
        EmployeeModel,
        e,
        jabatan=e.jabatan or None,
        gelar_depan=e.gelar_depan or None,
        gelar_belakang=e.gelar_belakang or None,
        duty_until=NO_FIELD_DUTY,
        plan_until=NO_OWN_PLAN,
        # A re-run of a day judged before leaves them out (decision 122).
        followed_since=hr_marks(None, e.unor_id, e.active).followed_since(None, iso(utc_now())),
    )


def _already_stored(created: Sequence[StoredEmployee]) -> dict[str, StoredEmployee]:
    """The employees of `created` the table holds already (one batched read, 100 keys a request)."""
    found = batch_records(EmployeeModel, (e.nip for e in created), lambda m: _stored(m, {}))
    return {e.nip: e for e in found}


def _planned_again(held: dict[str, StoredEmployee], created: Sequence[StoredEmployee]) -> list[Change]:
    """The changes of employees a plan took for new while the table holds them, planned again against their
    stored records. A plan reads the employees unit by unit: one started while another run moved someone between
    units found them in neither, and the whole-item write of a new employee wiped the password, the bound phone
    and the face counts of an activated one. Now only the SIMPEG-owned fields change, the move dated as any."""
    again = tuple(e.to_record() for e in created if e.nip in held)
    if not again:
        return []
    plan = plan_sync(held.values(), (), RecordBatch(again, (), frozenset()), full=False, now=created[0].changed_at)
    return list(plan.changes)


class DynamoEmployeeRepository:
    """Employees and units in DynamoDB (the units through the people repository, which shares the tables)."""

    def __init__(self) -> None:
        self._people = DynamoPeopleRepository()

    def list_employees(self) -> Iterable[StoredEmployee]:
        units = {u.unor_id: u.unor_nama for u in self.list_units()}
        with storage_call("dynamodb"):
            return [_stored(m, units) for unor_id in units for m in EmployeeModel.by_unit.query(unor_id)]

    def list_units(self) -> Iterable[Unit]:
        """Every unit with its work zones (the planner holds moves into units without any)."""
        return list(self._people.get_units(self._people.list_unit_ids()))

    def upsert_units(self, units: Sequence[Unit]) -> None:
        for unit in units:
            self._people.upsert_unit(unit.unor_id, unit.unor_nama)

    def apply(self, changes: Sequence[Change], audit: PendingEntries | None = None) -> None:
        refuse_beyond_one_transaction(changes, audit)
        # Employees are listed per unit, so every employee's unit must exist.
        known = set(self._people.list_unit_ids())
        missing = {c.after.unor_id: c.after.unor_nama for c in changes if c.after.unor_id not in known}
        self.upsert_units([Unit(unor_id, name) for unor_id, name in missing.items()])
        # New employees have no login, phone or face state to keep: whole-item batch puts (25 a request).
        created = [c.after for c in changes if c.kind == "created"]
        held = _already_stored(created)
        with storage_call("dynamodb"), EmployeeModel.batch_write() as batch:
            for employee in created:
                if employee.nip not in held:
                    batch.save(_new_model(employee))
        others = [c for c in changes if c.kind != "created"] + _planned_again(held, created)
        if audit is not None:
            with storage_call("dynamodb"), transaction() as tx:  # the changes with the entries naming them
                for change in others:
                    tx.update(EmployeeModel(change.after.nip), actions=_change_actions(change))
                save_in(tx, audit)
        else:
            with ThreadPoolExecutor(max_workers=_WRITERS) as pool:
                list(pool.map(self._write, others))
        # Members joined, left or moved: the units' frames of the regency summary are built again.
        written = [*changes, *others]
        self._people.touch_units({c.after.unor_id for c in written} | {c.before.unor_id for c in written if c.before})

    @staticmethod
    def _write(change: Change) -> None:
        with storage_call("dynamodb"):
            EmployeeModel(change.after.nip).update(actions=_change_actions(change))


def _started(run: SyncRun) -> datetime:
    """When the run started (`started_at` is ISO 8601, UTC; one without a zone is read as UTC)."""
    started = datetime.fromisoformat(run.started_at)
    return started if started.tzinfo is not None else started.replace(tzinfo=UTC)


class DynamoRunLog:
    """Sync and import runs in DynamoDB, listed newest first through the `by_kind` index."""

    def save_run(self, run: SyncRun, *, expected_status: RunStatus | None = None) -> None:
        model = SyncRunModel(
            run.run_id,
            sort_key=f"{run.started_at}#{run.run_id}",
            status=run.status,
            data=run.to_dict(),
            expires=_started(run) + SYNC_RUN_TTL,
        )
        condition = None if expected_status is None else SyncRunModel.status == expected_status
        try:
            with storage_call("dynamodb"):
                model.save(condition=condition)
        except ConditionFailed as exc:
            raise SimpegConflictError(
                "Status proses sinkronisasi sudah berubah.", {"run_id": run.run_id, "expected": expected_status}
            ) from exc

    def get_run(self, run_id: str) -> SyncRun | None:
        found = get_model(SyncRunModel, run_id)
        return SyncRun.from_dict(found.data) if found else None

    def list_runs(self, limit: int, cursor: str | None = None) -> tuple[list[SyncRun], str | None]:
        with storage_call("dynamodb"):
            result = SyncRunModel.by_kind.query(
                "SIMPEG", scan_index_forward=False, limit=limit, last_evaluated_key=decode_cursor(cursor)
            )
            runs = [SyncRun.from_dict(m.data) for m in result]
            return runs, encode_cursor(result.last_evaluated_key)


__all__ = ["DynamoEmployeeRepository", "DynamoRunLog", "UnitModel"]
