"""Work zones, field-duty assignments and the per-employee duty rows, with a warm per-process cell cache."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from chalicelib.domain.attendance import Duty
from chalicelib.domain.people import Employee
from chalicelib.geo import CellSetCache, FieldDutyAssignment, Shape, ZoneRef, cells_from_storable, parse_shape
from chalicelib.geo import ZoneConfig as GeoZoneConfig
from chalicelib.store.base import ConditionFailed, iso, storage_call, transaction, utc_now
from chalicelib.store.cache import TtlCache
from chalicelib.store.models import AssignmentModel, DutyModel, EmployeeModel, ZoneModel
from chalicelib.store.people import get_model

_CELLS = CellSetCache()


@dataclass(frozen=True)
class StoredZone:
    zone_id: str
    name: str
    kind: str
    geometry: dict[str, Any]
    resolution: int
    cells: list[str]
    cell_count: int
    version: int
    purpose: str


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


def put_zone(zone: StoredZone, *, expected_version: int | None) -> None:
    """Create (expected_version None) or replace a zone whose stored version is the expected one."""
    model = ZoneModel(
        zone.zone_id,
        name=zone.name,
        kind=zone.kind,
        geometry=zone.geometry,
        resolution=zone.resolution,
        cells=zone.cells,
        cell_count=zone.cell_count,
        version=zone.version,
        purpose=zone.purpose,
        updated_at=iso(utc_now()),
    )
    condition = (
        ZoneModel.zone_id.does_not_exist() if expected_version is None else ZoneModel.version == expected_version
    )
    with storage_call("dynamodb"):
        model.save(condition=condition)
    _ZONES.forget(zone.zone_id)


def get_zone(zone_id: str) -> StoredZone | None:
    found = get_model(ZoneModel, zone_id)
    return _zone(found) if found else None


def get_zones(zone_ids: Iterable[str]) -> list[StoredZone]:
    keys = sorted(set(zone_ids))
    if not keys:
        return []
    with storage_call("dynamodb"):
        found = {m.zone_id: _zone(m) for m in ZoneModel.batch_get(keys)}
    return [found[k] for k in keys if k in found]


_ZONES: TtlCache[StoredZone | None] = TtlCache(ttl_s=60)


def cached_zones(zone_ids: Iterable[str]) -> list[StoredZone]:
    """Zones as read at most a minute ago (a zone item carries all its cells: the heaviest check-in read)."""
    found = (_ZONES.get(zone_id, partial(get_zone, zone_id)) for zone_id in sorted(set(zone_ids)))
    return [zone for zone in found if zone is not None]


def list_zone_ids() -> list[str]:
    with storage_call("dynamodb"):
        return [m.zone_id for m in ZoneModel.all_zones_index.query("ZONE")]


def delete_zone(zone_id: str) -> None:
    with storage_call("dynamodb"):
        ZoneModel(zone_id).delete()
    _CELLS.invalidate(zone_id)
    _ZONES.forget(zone_id)


def zone_ref(zone: StoredZone, config: GeoZoneConfig, source: str = "unit") -> ZoneRef:
    """The geo view of a stored zone; decoded cells are cached per (zone, version) in this process."""
    cells = _CELLS.get(zone.zone_id, zone.version, lambda: cells_from_storable(zone.cells))
    shape: Shape = parse_shape(zone.geometry, config)
    return ZoneRef(zone.zone_id, zone.name, source, cells, shape=shape)  # type: ignore[arg-type]


# --- field duty --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    assignment_id: str
    zone_id: str
    nips: frozenset[str]
    start_date: str
    end_date: str
    letter_no: str
    reason: str


def save_assignment(assignment: Assignment, units: dict[str, str], actor: str) -> None:
    """Store the letter and one duty row per employee; all or nothing."""
    now = iso(utc_now())
    header = AssignmentModel(
        assignment.assignment_id,
        zone_id=assignment.zone_id,
        nips=set(assignment.nips),
        start_date=assignment.start_date,
        end_date=assignment.end_date,
        letter_no=assignment.letter_no,
        reason=assignment.reason,
        created_by=actor,
        created_at=now,
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
        _extend_duty_until(nip, assignment.end_date)
    with storage_call("dynamodb"), transaction() as tx:
        tx.save(header, condition=AssignmentModel.assignment_id.does_not_exist())
        for row in rows:
            tx.save(row)


def _extend_duty_until(nip: str, end_date: str) -> None:
    """Move the employee's `duty_until` hint to `end_date` if that is later; an absent hint stays absent
    (the record predates it: its older duty rows are unknown, so every check-in keeps reading them)."""
    hint = EmployeeModel.duty_until
    try:
        with storage_call("dynamodb"):
            EmployeeModel(nip).update(actions=[hint.set(end_date)], condition=hint.exists() & (hint < end_date))
    except ConditionFailed:
        pass  # already as late, or unknown


def _duty(m: DutyModel) -> Duty:
    return Duty(
        nip=m.nip,
        assignment_id=m.assignment_id,
        unor_id=m.unor_id,
        zone_id=m.zone_id,
        start_date=m.start_date,
        end_date=m.end_date,
    )


def duties_of(nip: str, day: date) -> list[Duty]:
    """Duties of one employee that cover `day` (range key sorts by start date)."""
    with storage_call("dynamodb"):
        rows = DutyModel.query(nip, DutyModel.key <= f"{day.isoformat()}#~")
        return [_duty(r) for r in rows if r.end_date >= day.isoformat()]


def duties_of_employee(employee: Employee, day: date) -> list[Duty]:
    """`duties_of`, without reading when the employee's record says no field duty reaches `day`."""
    if employee.duty_until is not None and employee.duty_until < day.isoformat():
        return []
    return duties_of(employee.nip, day)


def duties_of_unit(unor_id: str, day: date) -> list[Duty]:
    with storage_call("dynamodb"):
        rows = DutyModel.by_unit.query(unor_id, DutyModel.start_date <= day.isoformat())
        return [_duty(r) for r in rows if r.end_date >= day.isoformat()]


def field_duty_assignments(nip: str, rows: Sequence[Duty], config: GeoZoneConfig) -> list[FieldDutyAssignment]:
    """The employee's field duties (rows of `duties_of`) as the geo checks take them, with their zones."""
    zones = {z.zone_id: z for z in get_zones(r.zone_id for r in rows)}
    return [
        FieldDutyAssignment(
            assignment_id=r.assignment_id,
            nips=frozenset({nip}),
            zone=zone_ref(zones[r.zone_id], config, "assignment"),
            start_date=date.fromisoformat(r.start_date),
            end_date=date.fromisoformat(r.end_date),
            letter_no="",
            reason="",
        )
        for r in rows
        if r.zone_id in zones
    ]


def zone_refs(zone_ids: Sequence[str], config: GeoZoneConfig) -> list[ZoneRef]:
    return [zone_ref(z, config) for z in cached_zones(zone_ids)]
