"""In-memory twin of the zones repository (`chalicelib.store.zones.ZonesRepository`), for tests and tools.

It keeps the same records in dicts and answers exactly as the DynamoDB repository does, as pinned by
`tests/unit/store/zones_contract.py`, which both pass (its reads of duty rows take the same key ranges, back to
`duties_begun_from`). It reads no cache: `cached_zones` is `get_zones`.
The DynamoDB repository moves an employee's `duty_until` hint on the employees table; this twin does it
on the in-memory people repository it is built with.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from chalicelib.domain.attendance import Duty
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.zones import Assignment, StoredZone
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.zones import check_duty_length, duties_begun_from, group_letters, no_duty_reaches


def _version_holds(stored: StoredZone | None, expected_version: int | None) -> bool:
    """The condition of a zone write: absent when creating, at the expected version when replacing."""
    return stored is None if expected_version is None else stored is not None and stored.version == expected_version


class InMemoryZonesRepository:
    """Zones by id, letters by id, duty rows by (NIP, start date#letter id)."""

    def __init__(self, people: InMemoryPeopleRepository) -> None:
        self._people = people
        self._zones: dict[str, StoredZone] = {}
        self._assignments: dict[str, Assignment] = {}
        self._duties: dict[tuple[str, str], Duty] = {}
        self._cancelled: set[str] = set()  # letters whose duty rows no longer count
        self._lock = threading.Lock()

    # --- zones ---------------------------------------------------------------------------------------

    def put_zone(self, zone: StoredZone, *, expected_version: int | None, audit: AuditBatch | None = None) -> None:
        with self._lock:
            if not _version_holds(self._zones.get(zone.zone_id), expected_version):
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the zone as it was, as a failed transaction does
            self._zones[zone.zone_id] = zone

    def get_zone(self, zone_id: str) -> StoredZone | None:
        with self._lock:
            return self._zones.get(zone_id)

    def get_zones(self, zone_ids: Iterable[str], *, consistent: bool = False) -> list[StoredZone]:
        with self._lock:
            return [self._zones[k] for k in sorted(set(zone_ids)) if k in self._zones]

    def cached_zones(self, zone_ids: Iterable[str]) -> list[StoredZone]:
        return self.get_zones(zone_ids)

    def list_zone_ids(self) -> list[str]:
        with self._lock:
            return sorted(self._zones)

    def delete_zone(self, zone_id: str, *, version: int, audit: AuditBatch | None = None) -> None:
        with self._lock:
            held = self._zones.get(zone_id)
            if held is None or held.version != version:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure keeps the zone, as a failed transaction does
            del self._zones[zone_id]

    # --- field duty ----------------------------------------------------------------------------------

    def save_assignment(
        self, assignment: Assignment, units: dict[str, str], actor: str, audit: AuditBatch | None = None
    ) -> None:
        check_duty_length(assignment)
        nips = sorted(assignment.nips)
        rows = {
            (nip, f"{assignment.start_date}#{assignment.assignment_id}"): Duty(
                nip, assignment.assignment_id, units[nip], assignment.zone_id, assignment.start_date,
                assignment.end_date,
            )
            for nip in nips
        }  # fmt: skip
        for nip in nips:  # as in DynamoDB: the hints move before the letter's condition is checked
            self._people.extend_hint("duty_until", nip, assignment.end_date)
        with self._lock:
            if assignment.assignment_id in self._assignments:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves no letter, as a failed transaction does
            self._assignments[assignment.assignment_id] = assignment
            self._duties.update(rows)

    def duties_of(self, nip: str, day: date, last: date | None = None, *, consistent: bool = False) -> list[Duty]:
        first, until, begun = day.isoformat(), (last or day).isoformat(), duties_begun_from(day).isoformat()
        with self._lock:
            keys = sorted(k for k in self._duties if k[0] == nip and begun <= k[1] <= f"{until}#~")
            return [self._duties[k] for k in keys if self._duties[k].end_date >= first and self._counts(k)]

    def duty_units(self, letter: Assignment) -> dict[str, str]:
        key = f"{letter.start_date}#{letter.assignment_id}"
        with self._lock:
            rows = [self._duties.get((nip, key)) for nip in sorted(letter.nips)]
        return {row.nip: row.unor_id for row in rows if row is not None}

    def duties_of_employee(self, employee: Employee, day: date) -> list[Duty]:
        return [] if no_duty_reaches(employee, day) else self.duties_of(employee.nip, day)

    def duties_of_unit(self, unor_id: str, day: date, last: date | None = None) -> list[Duty]:
        first, until, begun = day.isoformat(), (last or day).isoformat(), duties_begun_from(day).isoformat()
        with self._lock:
            rows = sorted(self._duties.items(), key=lambda item: (item[1].start_date, item[0]))
            return [
                d for k, d in rows if d.unor_id == unor_id and begun <= d.start_date <= until and d.end_date >= first
                and self._counts(k)
            ]  # fmt: skip

    def _counts(self, key: tuple[str, str]) -> bool:
        return self._duties[key].assignment_id not in self._cancelled

    def get_assignment(self, assignment_id: str) -> Assignment | None:
        with self._lock:
            return self._assignments.get(assignment_id)

    def assignments_of_unit(self, unor_id: str, start: date, end: date) -> list[Assignment]:
        begun = duties_begun_from(start).isoformat()
        with self._lock:
            rows = [
                d
                for k, d in self._duties.items()
                if d.unor_id == unor_id and begun <= d.start_date <= end.isoformat()
                and d.end_date >= start.isoformat() and self._counts(k)
            ]  # fmt: skip
            letters = list(self._assignments.values())
        return group_letters(rows, letters)

    def cancel_assignment(self, assignment_id: str, by: Decided, audit: AuditBatch | None = None) -> Assignment:
        with self._lock:
            letter = self._assignments.get(assignment_id)
            if letter is None or letter.cancelled_at is not None:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the letter counting, as a failed transaction does
            self._assignments[assignment_id] = replace(letter, cancelled_at=iso(by.at), cancelled_by=by.actor)
            self._cancelled.add(assignment_id)
            return letter
