"""Work zones, field-duty letters and the per-employee duty rows: a repository that hands out plain records.

`ZonesRepository` is what the use cases may ask; `DynamoZonesRepository` answers it from DynamoDB (with a
one-minute cache of zones in front of the check-in's reads) and `chalicelib.store.memory.zones` from dicts;
`tests/unit/store/zones_contract.py` is the one test class both pass.

Duty rows are never trimmed: the reads of the rows covering a date read back only as far as a letter can last
(`MAX_DUTY_DAYS`, `duties_begun_from`), not an employee's or a unit's whole past.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from typing import Protocol

from chalicelib.domain.attendance import Duty
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.zones import Assignment, StoredZone
from chalicelib.store.audit import AuditBatch, save_in
from chalicelib.store.base import (
    ConditionFailed,
    batch_records,
    iso,
    item_from,
    record_from,
    storage_call,
    transaction,
    utc_now,
)
from chalicelib.store.cache import TtlCache
from chalicelib.store.models import AssignmentModel, DutyModel, EmployeeModel, ZoneModel
from chalicelib.store.people import extend_hint, get_model


class ZonesRepository(Protocol):
    """Zones (versioned), field-duty letters and duty rows. A write whose condition fails raises ConditionFailed."""

    def put_zone(self, zone: StoredZone, *, expected_version: int | None, audit: AuditBatch | None = None) -> None:
        """Create the zone (`expected_version` None: ConditionFailed when the id exists) or replace it when its
        stored version is `expected_version` (ConditionFailed otherwise, or when it does not exist), with the
        `audit` entries naming the change, all or none."""
        ...

    def get_zone(self, zone_id: str) -> StoredZone | None: ...

    def get_zones(self, zone_ids: Iterable[str], *, consistent: bool = False) -> list[StoredZone]:
        """The zones that exist among `zone_ids`, each once, by id (`consistent`: as last written, for a check
        that must see a write just made)."""
        ...

    def cached_zones(self, zone_ids: Iterable[str]) -> list[StoredZone]:
        """`get_zones`, possibly as read up to a minute ago (the check-in's read)."""
        ...

    def list_zone_ids(self) -> list[str]:
        """Every zone id, sorted."""
        ...

    def delete_zone(self, zone_id: str, *, version: int, audit: AuditBatch | None = None) -> None:
        """Delete the zone while its stored version is `version` (ConditionFailed otherwise, or when it does not
        exist), with the `audit` entries naming the deletion, all or none."""
        ...

    def save_assignment(
        self, assignment: Assignment, units: dict[str, str], actor: str, audit: AuditBatch | None = None
    ) -> None:
        """Store the letter, one duty row per employee (`units`: each NIP's unit) and the `audit` entries naming
        it, all or nothing (ConditionFailed when the letter id exists: a retry, whose entries were kept with the
        letter; ValueError, nothing stored, when it lasts longer than MAX_DUTY_DAYS); move each employee's
        `duty_until` hint to the end date when it is earlier (an absent hint stays absent)."""
        ...

    def duties_of(self, nip: str, day: date, last: date | None = None, *, consistent: bool = False) -> list[Duty]:
        """The employee's duty rows that cover `day` (with `last`: a date of `day`..`last`), by start date;
        `consistent`: read strongly consistent (a letter stored a moment ago is seen)."""
        ...

    def duty_units(self, letter: Assignment) -> dict[str, str]:
        """Each of the letter's NIPs with the unit its duty row was stored under (cancelled or not): the unit the
        employee was in when the letter was written."""
        ...

    def duties_of_employee(self, employee: Employee, day: date) -> list[Duty]:
        """`duties_of`, without reading when the employee's `duty_until` hint says none reaches `day`."""
        ...

    def duties_of_unit(self, unor_id: str, day: date, last: date | None = None) -> list[Duty]:
        """Duty rows of the unit's employees that cover `day` (with `last`: a date of `day`..`last`)."""
        ...

    def get_assignment(self, assignment_id: str) -> Assignment | None:
        """The letter (cancelled or not), or None."""
        ...

    def assignments_of_unit(self, unor_id: str, start: date, end: date) -> list[Assignment]:
        """The letters not cancelled that send employees of the unit on duty on a date in `start`..`end`, by
        start date then id, each with only the unit's employees in `nips`."""
        ...

    def cancel_assignment(self, assignment_id: str, by: Decided, audit: AuditBatch | None = None) -> Assignment:
        """Mark the letter and its duty rows cancelled with the `audit` entries naming that, all or nothing (they
        stay as evidence and no longer count), and answer the letter as it was; ConditionFailed when it does not
        exist or is cancelled."""
        ...


# The longest field duty stored (days from its first to its last day): an admin's letter and a DL request's
# approval are refused longer by their use cases (`usecases.zones.MAX_ASSIGNMENT_DAYS`,
# `usecases.requests.MAX_REQUEST_DAYS`, both 366 since they were written), and `save_assignment` refuses one too,
# so no path stores a duty the bounded reads below would miss. As `domain.calendar.MAX_LEAVE_DAYS` for leaves.
MAX_DUTY_DAYS = 366


def duties_begun_from(day: date) -> date:
    """The earliest first day of a field duty that can still cover `day`."""
    return day - timedelta(days=MAX_DUTY_DAYS)


def check_duty_length(assignment: Assignment) -> None:
    """Refuse (ValueError) a letter longer than MAX_DUTY_DAYS: the reads would not find it on its last days."""
    start, end = date.fromisoformat(assignment.start_date), date.fromisoformat(assignment.end_date)
    if (end - start).days > MAX_DUTY_DAYS:
        raise ValueError(f"a field duty of more than {MAX_DUTY_DAYS} days")


def no_duty_reaches(employee: Employee, day: date) -> bool:
    """The employee's record says no field duty of theirs reaches `day` (an absent hint says nothing)."""
    return employee.duty_until is not None and employee.duty_until < day.isoformat()


def _zone(m: ZoneModel) -> StoredZone:
    return StoredZone(
        zone_id=m.zone_id,
        name=m.name,
        kind=m.kind,
        geometry=dict(m.geometry),
        resolution=int(m.resolution),
        cells=[str(c) for c in m.cells],
        cell_count=int(m.cell_count),
        version=int(m.version),
        purpose=m.purpose,
    )


def _duty(m: DutyModel) -> Duty:
    return record_from(Duty, m)


def _assignment(m: AssignmentModel) -> Assignment:
    return record_from(Assignment, m, nips=frozenset(m.nips))


def group_letters(rows: Iterable[Duty], letters: Iterable[Assignment]) -> list[Assignment]:
    """The letters of these duty rows (those found and not cancelled), each with the rows' NIPs only, by start
    date then id."""
    nips: dict[str, set[str]] = {}
    for row in rows:
        nips.setdefault(row.assignment_id, set()).add(row.nip)
    found = [replace(a, nips=frozenset(nips[a.assignment_id])) for a in letters if a.assignment_id in nips]
    return sorted((a for a in found if a.cancelled_at is None), key=lambda a: (a.start_date, a.assignment_id))


_ZONES: TtlCache[StoredZone | None] = TtlCache(ttl_s=60)


class DynamoZonesRepository:
    """`ZonesRepository` on the zones, assignments and duties tables (the hint on the employees table)."""

    def put_zone(self, zone: StoredZone, *, expected_version: int | None, audit: AuditBatch | None = None) -> None:
        model = item_from(ZoneModel, zone, updated_at=iso(utc_now()))
        condition = (
            ZoneModel.zone_id.does_not_exist() if expected_version is None else ZoneModel.version == expected_version
        )
        with storage_call("dynamodb"), transaction() as tx:  # a zone item is at most ~260 KB (15,000 cells)
            tx.save(model, condition=condition)
            save_in(tx, audit)
        _ZONES.forget(zone.zone_id)

    def get_zone(self, zone_id: str) -> StoredZone | None:
        found = get_model(ZoneModel, zone_id)
        return _zone(found) if found else None

    def get_zones(self, zone_ids: Iterable[str], *, consistent: bool = False) -> list[StoredZone]:
        return batch_records(ZoneModel, zone_ids, _zone, consistent=consistent)

    def cached_zones(self, zone_ids: Iterable[str]) -> list[StoredZone]:
        """Zones as read at most a minute ago (a zone item carries all its cells: the heaviest check-in read)."""
        found = (_ZONES.get(zone_id, partial(self.get_zone, zone_id)) for zone_id in sorted(set(zone_ids)))
        return [zone for zone in found if zone is not None]

    def list_zone_ids(self) -> list[str]:
        with storage_call("dynamodb"):
            return sorted(m.zone_id for m in ZoneModel.all_zones_index.query("ZONE"))

    def delete_zone(self, zone_id: str, *, version: int, audit: AuditBatch | None = None) -> None:
        with storage_call("dynamodb"), transaction() as tx:
            tx.delete(ZoneModel(zone_id), condition=ZoneModel.version == version)
            save_in(tx, audit)
        _ZONES.forget(zone_id)

    def save_assignment(
        self, assignment: Assignment, units: dict[str, str], actor: str, audit: AuditBatch | None = None
    ) -> None:
        check_duty_length(assignment)
        header = AssignmentModel(
            assignment.assignment_id,
            zone_id=assignment.zone_id,
            nips=set(assignment.nips),
            start_date=assignment.start_date,
            end_date=assignment.end_date,
            letter_no=assignment.letter_no,
            reason=assignment.reason,
            created_by=actor,
            created_at=iso(utc_now()),
        )
        rows = [
            DutyModel(
                nip,
                f"{assignment.start_date}#{assignment.assignment_id}",
                assignment_id=assignment.assignment_id,
                unor_id=units[nip],
                zone_id=assignment.zone_id,
                start_date=assignment.start_date,
                end_date=assignment.end_date,
            )
            for nip in sorted(assignment.nips)
        ]
        for nip in sorted(assignment.nips):  # before the rows: a check-in that sees a row also sees its hint
            extend_hint(EmployeeModel.duty_until, nip, assignment.end_date)
        with storage_call("dynamodb"), transaction() as tx:
            tx.save(header, condition=AssignmentModel.assignment_id.does_not_exist())
            for row in rows:
                tx.save(row)
            save_in(tx, audit)  # 90 NIPs at most (the API's limit): 92 items with the header and the entry

    def duties_of(self, nip: str, day: date, last: date | None = None, *, consistent: bool = False) -> list[Duty]:
        """The range key sorts by start date: one key range of the rows begun by `last` (or `day`) that can still
        cover `day`, those ended before it dropped."""
        keys = DutyModel.key.between(duties_begun_from(day).isoformat(), f"{(last or day).isoformat()}#~")
        with storage_call("dynamodb"):
            rows = DutyModel.query(nip, keys, consistent_read=consistent)
            return [_duty(r) for r in rows if r.end_date >= day.isoformat() and r.cancelled_at is None]

    def duty_units(self, letter: Assignment) -> dict[str, str]:
        """One batch read of the letter's duty rows by their keys."""
        key = f"{letter.start_date}#{letter.assignment_id}"
        with storage_call("dynamodb"):
            return {r.nip: r.unor_id for r in DutyModel.batch_get([(nip, key) for nip in sorted(letter.nips)])}

    def duties_of_employee(self, employee: Employee, day: date) -> list[Duty]:
        return [] if no_duty_reaches(employee, day) else self.duties_of(employee.nip, day)

    def duties_of_unit(self, unor_id: str, day: date, last: date | None = None) -> list[Duty]:
        with storage_call("dynamodb"):
            begun = DutyModel.start_date.between(duties_begun_from(day).isoformat(), (last or day).isoformat())
            rows = DutyModel.by_unit.query(unor_id, begun)
            return [_duty(r) for r in rows if r.end_date >= day.isoformat() and r.cancelled_at is None]

    def get_assignment(self, assignment_id: str) -> Assignment | None:
        found = get_model(AssignmentModel, assignment_id)
        return _assignment(found) if found else None

    def assignments_of_unit(self, unor_id: str, start: date, end: date) -> list[Assignment]:
        with storage_call("dynamodb"):
            begun = DutyModel.start_date.between(duties_begun_from(start).isoformat(), end.isoformat())
            rows = DutyModel.by_unit.query(unor_id, begun)
            duties = [_duty(r) for r in rows if r.end_date >= start.isoformat() and r.cancelled_at is None]
        letters = batch_records(AssignmentModel, {d.assignment_id for d in duties}, _assignment)
        return group_letters(duties, letters)

    def cancel_assignment(self, assignment_id: str, by: Decided, audit: AuditBatch | None = None) -> Assignment:
        letter = self.get_assignment(assignment_id)
        if letter is None:
            raise ConditionFailed("dynamodb")
        at = iso(by.at)
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(
                AssignmentModel(assignment_id),
                actions=[AssignmentModel.cancelled_at.set(at), AssignmentModel.cancelled_by.set(by.actor)],
                condition=AssignmentModel.cancelled_at.does_not_exist() & AssignmentModel.assignment_id.exists(),
            )
            for nip in sorted(letter.nips):
                tx.update(
                    DutyModel(nip, f"{letter.start_date}#{assignment_id}"),
                    actions=[DutyModel.cancelled_at.set(at)],
                    condition=DutyModel.key.exists(),
                )
            save_in(tx, audit)  # 90 duty rows at most, the letter and its entry: 92 items
        return letter


__all__ = [
    "MAX_DUTY_DAYS",
    "DynamoZonesRepository",
    "ZonesRepository",
    "check_duty_length",
    "duties_begun_from",
    "group_letters",
    "no_duty_reaches",
]
