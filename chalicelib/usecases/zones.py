"""Admin use cases for work zones, unit zones and field-duty assignments (API.md "Work zones")."""

from __future__ import annotations

import contextlib
import itertools
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chalicelib import runtime
from chalicelib.domain.attendance import Duty
from chalicelib.domain.calendar import DateRange
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import AttemptClaim, Employee, Principal, recorded_day
from chalicelib.domain.zones import LETTER_AREA, WORK_ZONE, Assignment, StoredZone
from chalicelib.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.geo import (
    CellSetCache,
    FieldDutyAssignment,
    GeoPolicy,
    Shape,
    ZoneConfig,
    ZoneRef,
    build_cells,
    cells_from_storable,
    cells_to_storable,
    parse_shape,
    shape_to_dict,
)
from chalicelib.settings import Settings
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, derived_hex
from chalicelib.usecases import access, movers, recaps, rejudge, turns
from chalicelib.usecases.directory import require_judged, unit_in_scope
from chalicelib.usecases.paging import across_units, offset_page
from chalicelib.usecases.schemas.requests import AssignmentItem, AssignmentPage, Cancelled, DatesQuery, PeriodQuery
from chalicelib.usecases.schemas.zones import (
    AssignmentCreated,
    AssignmentRequest,
    CreateZoneRequest,
    UnitZones,
    UnitZonesRequest,
    UpdateZoneRequest,
    ZoneDeleted,
    ZoneListItem,
    ZonePage,
    ZoneQuery,
    ZoneShape,
    ZonesQuery,
    ZoneSummary,
    ZoneView,
)

MAX_ASSIGNMENT_DAYS = 366
ASSIGNMENT_ID = re.compile(r"^a-[0-9a-f]{12}$")
MAX_ASSIGNMENT_EMPLOYEES = 90  # one DynamoDB transaction holds the letter and every duty row

_CELLS = CellSetCache()


def zone_config(settings: Settings) -> ZoneConfig:
    return ZoneConfig(resolution=settings.h3_resolution)


def geo_policy(settings: Settings) -> GeoPolicy:
    return GeoPolicy(
        max_accuracy_m=settings.gps_max_accuracy_m, max_speed_kmh=settings.max_speed_kmh, timezone=settings.timezone
    )


def _build(zone_id: str, name: str, body: ZoneShape, settings: Settings, *, version: int, purpose: str) -> StoredZone:
    config = zone_config(settings)
    shape = parse_shape(body.shape_spec(), config)
    cells = build_cells(shape, config)
    geometry = shape_to_dict(shape)
    return StoredZone(
        zone_id=zone_id,
        name=name,
        kind="circle" if "circle" in geometry else "polygon",
        geometry=geometry,
        resolution=cells.resolution,
        cells=cells_to_storable(cells),
        cell_count=cells.uncompacted_count(),
        version=version,
        purpose=purpose,
    )


def zone_summary(zone: StoredZone) -> ZoneSummary:
    return ZoneSummary.model_validate(zone, from_attributes=True)


def zone_view(zone: StoredZone, *, with_cells: bool = False) -> ZoneView:
    """The zone as answered; its stored cells only when asked (`cells=true`: up to ~15,000 on a map)."""
    view = ZoneView.model_validate(zone, from_attributes=True)
    return view if with_cells else view.model_copy(update={"cells": None})


def create_zone(actor: Principal, body: CreateZoneRequest, settings: Settings) -> ZoneView:
    """A new work zone, stored with its audit entry (`zone.create`) in one write. Its id derives from the creator
    and the content, so the same zone sent again (a retry after a 503 or a lost answer) finds the first one and
    answers it: a retry records nothing twice, the entry included."""
    access.require_super_admin(actor)
    source = f"{actor.subject}#{settings.h3_resolution}#{body.model_dump_json()}"
    zone = _stored_once(actor, _build(new_zone_id(source), body.name, body, settings, version=1, purpose=WORK_ZONE))
    return zone_view(zone)


def _created(actor: Principal, zone: StoredZone) -> AuditBatch:
    """The audit entry naming the creation of `zone`."""
    return runtime.audit().stamped(actor.subject, "zone.create", {zone.zone_id: _audited_zone(zone)})


def _audited_zone(zone: StoredZone) -> dict[str, object]:
    """What the audit log keeps of a zone's shape: its name, cell count and area (`audited_area`), so that a
    zone widened for a week and put back leaves where it reached."""
    return {"name": zone.name, "cells": zone.cell_count, "area": audited_area(zone.geometry)}


def audited_area(geometry: Mapping[str, Any]) -> dict[str, object]:
    """An area as the audit log keeps it, short enough to read in a row: a circle as it is; a polygon (up to
    500 vertices) as its vertex count and the corners of the box around it, [lat, lon], and so each of its
    holes (a hole taken out widens the zone as surely as a corner moved)."""
    if "circle" in geometry:
        return {"circle": geometry["circle"]}
    area = _boxed(geometry["polygon"])
    holes = geometry.get("holes") or []
    return {**area, "holes": [_boxed(hole) for hole in holes]} if holes else area


def _boxed(ring: Sequence[Sequence[float]]) -> dict[str, object]:
    lats, lons = [float(p[0]) for p in ring], [float(p[1]) for p in ring]
    return {"polygon_vertices": len(ring), "south_west": [min(lats), min(lons)], "north_east": [max(lats), max(lons)]}


def new_zone_id(source: str | None = None) -> str:
    """A new zone id, or the one derived from `source` (the same source, the same id)."""
    return f"z-{derived_hex(source, 12) if source else secrets.token_hex(6)}"


def _stored_once(actor: Principal, zone: StoredZone) -> StoredZone:
    """`zone` stored with its entry (`_created`), or the zone of its id an earlier try stored with its own (still
    at version 1: as it was created). When that one was changed since, the same content again is a new zone,
    under a random id (deleted, it is simply stored again under its id)."""
    try:
        runtime.zones().put_zone(zone, expected_version=None, audit=_created(actor, zone))
    except ConditionFailed:
        earlier = runtime.zones().get_zone(zone.zone_id)
        if earlier is not None and earlier.version == 1:
            return earlier
        zone = replace(zone, zone_id=new_zone_id())
        runtime.zones().put_zone(zone, expected_version=None, audit=_created(actor, zone))
    return zone


def _existing(zone_id: str) -> StoredZone:
    zone = runtime.zones().get_zone(zone_id)
    if zone is None:
        raise NotFoundError("Zona tidak ditemukan.", {"zone_id": zone_id})
    return zone


def get_zone(actor: Principal, zone_id: str, query: ZoneQuery) -> ZoneView:
    access.require_admin(actor)
    zone = _existing(zone_id)
    if not actor.sees_all_units and zone_id not in _zones_of_units(actor.unit_ids) and not _area_for(zone, actor):
        raise NotFoundError("Zona tidak ditemukan.", {"zone_id": zone_id})
    return zone_view(zone, with_cells=query.cells == "true")


def _area_for(zone: StoredZone, actor: Principal) -> bool:
    """Whether `zone` is the area of a field-duty letter naming an employee of the admin's units (the unit their
    duty row was stored under): the admin who wrote it, or reviews a check-in made there, sees the site on the map."""
    letter = _letter_of_area(zone)
    return letter is not None and not actor.unit_ids.isdisjoint(runtime.zones().duty_units(letter).values())


def _zones_of_units(unit_ids: frozenset[str]) -> set[str]:
    return {z for unit in runtime.people().get_units(unit_ids) for z in unit.zone_ids}


def list_zones(actor: Principal, query: ZonesQuery) -> ZonePage:
    """The zones the caller may see; with `geometry=true` each with its shape (a map of all of them in one read)."""
    access.require_admin(actor)
    ids = runtime.zones().list_zone_ids() if actor.sees_all_units else sorted(_zones_of_units(actor.unit_ids))
    with_shape = query.geometry == "true"
    return ZonePage(items=[_listed(zone, with_shape) for zone in runtime.zones().get_zones(ids)], next=None)


def _listed(zone: StoredZone, with_shape: bool) -> ZoneListItem:
    item = ZoneListItem.model_validate(zone, from_attributes=True)
    return item if with_shape else item.model_copy(update={"geometry": None})


def zone_to_update(actor: Principal, zone_id: str) -> StoredZone:
    """The zone a super admin may change (403 for others, 404 when it does not exist)."""
    access.require_super_admin(actor)
    return _existing(zone_id)


def update_zone(actor: Principal, zone_id: str, body: UpdateZoneRequest, settings: Settings) -> ZoneView:
    """Replace a zone's shape (and name); the cells are rebuilt and the version bumped, with the audit entry
    naming the shape replaced (`zone.update`, `before`) in the same write. The same change sent again after it was
    stored (its answer was lost) finds the zone as it left it: answered as its first try would have been
    (decision 218), not 409, and named no second time."""
    current = zone_to_update(actor, zone_id)
    name = body.name or current.name
    if body.version is not None and body.version != current.version:
        if _made_by(body, current, name, settings):
            return zone_view(current)
        raise ConflictError(
            "Zona diubah oleh admin lain; muat ulang lalu coba lagi.", {"zone_id": zone_id, "version": current.version}
        )
    zone = _build(zone_id, name, body, settings, version=current.version + 1, purpose=current.purpose)
    detail = {"version": zone.version, **_audited_zone(zone), "before": _audited_zone(current)}
    audit = runtime.audit().stamped(actor.subject, "zone.update", {zone_id: detail})
    try:
        runtime.zones().put_zone(zone, expected_version=current.version, audit=audit)
    except ConditionFailed as exc:
        raise _zone_changed(zone_id) from exc
    return zone_view(zone)


def _made_by(body: UpdateZoneRequest, current: StoredZone, name: str, settings: Settings) -> bool:
    """Whether `current` is what `body`, drawn from the version before it, made: the same name, shape and cells
    (no other admin draws the very same coordinates)."""
    if body.version != current.version - 1:
        return False
    return _build(current.zone_id, name, body, settings, version=current.version, purpose=current.purpose) == current


def delete_zone(actor: Principal, zone_id: str, settings: Settings, now: datetime) -> ZoneDeleted:
    """Delete a zone no unit uses, nor a field-duty letter that may still admit a check-in in it (`_letter_of`),
    audited in the deletion's own transaction with the shape it had: a failed entry (503) leaves the zone for the
    retry, which names it once. The deletion is of the zone as read: one changed meanwhile is 409."""
    access.require_super_admin(actor)
    zone = _existing(zone_id)
    with _zone_links():
        _refuse_in_use(zone, settings, now)
        audit = runtime.audit().stamped(actor.subject, "zone.delete", {zone_id: _audited_zone(zone)})
        try:
            runtime.zones().delete_zone(zone_id, version=zone.version, audit=audit)
        except ConditionFailed as exc:  # changed or deleted by another super admin since it was read
            raise _zone_changed(zone_id) from exc
    _CELLS.invalidate(zone_id)
    return ZoneDeleted(zone_id=zone_id, deleted=True)


def _refuse_in_use(zone: StoredZone, settings: Settings, now: datetime) -> None:
    """409 while a unit names the zone (read as last written: `_zone_links`), or a letter may still admit a
    check-in in it (`_letter_of`)."""
    people = runtime.people()
    users = [u.unor_id for u in people.get_units(people.list_unit_ids(), consistent=True) if zone.zone_id in u.zone_ids]
    if users:
        raise ConflictError("Zona masih dipakai oleh unit.", {"zone_id": zone.zone_id, "unor_ids": users})
    letter = _letter_of(zone, settings, now)
    if letter is not None:
        raise ConflictError(
            "Zona ini area surat tugas dinas luar yang masih berlaku; hapus setelah tugasnya selesai.",
            {"zone_id": zone.zone_id, "assignment_id": letter.assignment_id},
        )


# A zone deleted while a unit was given it: each checked the other's state before its own write (no unit uses the
# zone; the zone exists), both wrote, and the unit named a zone that was gone (its employees refused as if it had
# none). Both take this one regency-wide turn around their check and their write, and read as last written.
ZONE_LINKS_TURN = "zone-links"
ZONE_LINKS_HOLD_S = 60  # the longest a turn is held (by a function cut off holding it): far beyond its reads and write
ZONE_LINKS_WAIT_S = 3.0  # how long one waits for the turn before its 409


def _zone_links() -> contextlib.AbstractContextManager[None]:
    """Hold the turn in which zones are given to units or deleted (`turns.held`; both are rare admin steps)."""
    return turns.held(ZONE_LINKS_TURN, ZONE_LINKS_HOLD_S, wait_s=ZONE_LINKS_WAIT_S, refused=_zone_links_busy)


def _zone_links_busy(claim: AttemptClaim) -> None:
    raise ConflictError("Zona sedang diubah admin lain; coba lagi sebentar.", {"retry_after_s": claim.retry_after_s})


def _letter_of(zone: StoredZone, settings: Settings, now: datetime) -> Assignment | None:
    """The field-duty letter whose area `zone` is (`record_field_duty` names it `z-<letter id>`) while a check-in
    may still be judged in it: not cancelled, and its last day not before the day of the oldest offline capture
    SMART still takes (`offline_max_age_h`). No unit uses such an area, so the zone list shows it unused."""
    letter = _letter_of_area(zone)
    oldest = (now - timedelta(hours=settings.offline_max_age_h)).astimezone(settings.tz).date()
    if letter is None or letter.cancelled_at is not None or date.fromisoformat(letter.end_date) < oldest:
        return None
    return letter


def _letter_of_area(zone: StoredZone) -> Assignment | None:
    """The field-duty letter whose area `zone` is (`record_field_duty` names it `z-<letter id>`), or None."""
    return runtime.zones().get_assignment(zone.zone_id.removeprefix("z-")) if zone.purpose == LETTER_AREA else None


def _zone_changed(zone_id: str) -> ConflictError:
    return ConflictError("Zona diubah oleh admin lain; muat ulang lalu coba lagi.", {"zone_id": zone_id})


def set_unit_zones(actor: Principal, unor_id: str, body: UnitZonesRequest) -> UnitZones:
    """The unit's work zones, replaced: zones a super admin drew, never the area of a field-duty letter (a unit
    admin draws those; as a unit zone one would let the whole unit check in there for good). Audited in the
    write's own transaction, naming exactly the zones replaced (`before`), as `calendar.set_shifts` is: a unit
    admin adding a zone near home to their own unit is found by what it replaced, and a failed entry leaves the
    zones as they were."""
    unit_in_scope(actor, unor_id)
    zone_ids = body.zone_ids
    expected = None if body.expected_zone_ids is None else frozenset(body.expected_zone_ids)

    def audited(replaced: frozenset[str]) -> AuditBatch:
        if expected is not None and replaced not in (expected, frozenset(zone_ids)):
            raise ConflictError(ZONES_CHANGED, {"unor_id": unor_id, "zone_ids": sorted(replaced)})
        detail = {"zone_ids": zone_ids, "before": sorted(replaced)}
        return runtime.audit().stamped(actor.subject, "unit.zones", {unor_id: detail})

    with _zone_links():
        _refuse_unknown_or_areas(zone_ids)
        try:
            runtime.people().set_unit_zones(unor_id, set(zone_ids), audited)
        except ConditionFailed as exc:  # another admin changed the unit's zones between their read and the write
            raise ConflictError("Zona kerja unit ini berubah bersamaan; coba lagi.", {"unor_id": unor_id}) from exc
    return UnitZones(unor_id=unor_id, zone_ids=sorted(zone_ids))


def _refuse_unknown_or_areas(zone_ids: Sequence[str]) -> None:
    """400 for a zone that does not exist (read as last written: `_zone_links`) or is a letter's area."""
    stored = runtime.zones().get_zones(zone_ids, consistent=True)
    missing = sorted(set(zone_ids) - {z.zone_id for z in stored})
    if missing:
        raise ValidationError("Zona tidak ditemukan.", {"zone_ids": missing})
    areas = sorted(z.zone_id for z in stored if z.purpose != WORK_ZONE)
    if areas:
        raise ValidationError("Area surat tugas tidak dapat menjadi zona kerja unit.", {"zone_ids": areas})


# A list built from zones read before another change (the console's units, read at login, after one assignment
# whose reload had not come back) would undo that change unseen: the caller that names what it read is refused.
ZONES_CHANGED = "Zona kerja unit ini sudah berubah sejak dimuat; muat ulang lalu ulangi."


def check_period(start: date, end: date) -> None:
    """A field duty's (or leave's) dates: in order, at most a year."""
    if end < start or end - start > timedelta(days=MAX_ASSIGNMENT_DAYS):
        raise ValidationError(
            "Tanggal selesai tugas harus sama dengan atau sesudah tanggal mulai, paling lama satu tahun.",
            {"end_date": "on/after start, at most a year"},
        )


def create_assignment(
    actor: Principal, body: AssignmentRequest, settings: Settings, now: datetime
) -> AssignmentCreated:
    """Field duty: named employees may also check in inside the given area between two dates. A letter reaching a
    day on or after a named employee's SIMPEG deactivation is refused whole, 403 ACCOUNT_INACTIVE naming them
    (`directory.require_judged`, as a request's approval)."""
    access.require_admin(actor)
    nips = body.nips
    if not nips:
        raise ValidationError("Daftar NIP kosong.", {"nips": "at least one NIP"})
    check_period(body.start_date, body.end_date)
    units, employees = {}, []
    for nip in nips:
        employee = runtime.people().get_employee(nip)
        if employee is None:
            raise ValidationError("Pegawai tidak ditemukan.", {"nips": nip})
        access.require_unit_scope(actor, employee.unor_id)
        entry = movers.entered_under(employee, body.start_date, settings)
        movers.require_entry(actor, employee, entry, (body.start_date, body.end_date), settings.tz)
        units[nip] = entry.unit
        employees.append(employee)
    access.require_not_own(actor, *nips)
    for employee in employees:  # a leaver's last days only: the whole letter is refused, nothing half-stored
        require_judged(employee, body.end_date, settings.tz)
    letter = Assignment("", "", frozenset(nips), body.start_date.isoformat(), body.end_date.isoformat(),
                        body.letter_no, body.reason)  # fmt: skip
    created = record_field_duty(actor, letter, units, body, settings, source=f"admin#{body.model_dump_json()}")
    return created.model_copy(update={"recapped": _rejudge(letter, units, settings, now)})


def record_field_duty(
    actor: Principal,
    letter: Assignment,
    units: dict[str, str],
    area: ZoneShape | None,
    settings: Settings,
    *,
    source: str,
) -> AssignmentCreated:
    """Store a field-duty letter (`units`: each NIP's unit, checked by the caller), with its area when `area`
    has a shape; without one the days count as field duty and no extra area is granted. The caller judges the
    recapped days again (`recapped` is empty here).

    Its id derives from `source` (what is being recorded: an admin's letter, a request's approval), so a retry
    after a failure finds the letter its first try stored, not a second one (`assignment_id_for`). Its audit entry
    (`assignment.create`) is written in the letter's own transaction: a letter is never stored unnamed, and a
    retry that finds it stored names it no second time."""
    assignment_id = assignment_id_for(source)
    zone = None
    if area is not None and area.shape_spec():
        zone = _build(f"z-{assignment_id}", f"Dinas luar {letter.letter_no}", area, settings, version=1,
                      purpose=LETTER_AREA)  # fmt: skip
        _put_letter_area(zone, assignment_id)
    zone_id = zone.zone_id if zone else ""
    stored = replace(letter, assignment_id=assignment_id, zone_id=zone_id)
    detail: dict[str, object] = {
        "nips": sorted(letter.nips),
        "letter_no": letter.letter_no,
        "start_date": letter.start_date,
        "end_date": letter.end_date,
    }
    if zone is not None:
        detail.update(zone_id=zone.zone_id, cells=zone.cell_count, area=audited_area(zone.geometry))
    audit = runtime.audit().stamped(actor.subject, "assignment.create", {assignment_id: detail})
    with contextlib.suppress(ConditionFailed):  # stored, with its audit entry, by an earlier try
        runtime.zones().save_assignment(stored, units, actor.subject, audit)
    recaps.frames_changed(units.values())
    return AssignmentCreated(
        assignment_id=assignment_id,
        zone_id=zone.zone_id if zone else None,
        cell_count=zone.cell_count if zone else 0,
        recapped=[],
    )


def _put_letter_area(zone: StoredZone, assignment_id: str) -> None:
    """Store a letter's area. Stored by an earlier try already, it is kept when it is this area or when its letter
    was stored (comparing that letter is the caller's: `recorded_differently`); it is replaced when it is another
    area no letter names: a request's approval that failed before storing its letter, approved again with
    another area (the id derives from the request alone), would otherwise grant the first try's area."""
    try:
        runtime.zones().put_zone(zone, expected_version=None)
    except ConditionFailed:
        stored = runtime.zones().get_zone(zone.zone_id)
        if stored is None or (stored.geometry, stored.name) == (zone.geometry, zone.name):
            return
        if runtime.zones().get_assignment(assignment_id) is not None:
            return
        runtime.zones().put_zone(replace(zone, version=stored.version + 1), expected_version=stored.version)


def recorded_differently(assignment_id: str, letter: Assignment, area: ZoneShape | None, settings: Settings) -> bool:
    """Whether a letter stored under `assignment_id` by an earlier try of the same recording (not cancelled) has
    another number or area than `letter` with `area`: a request's approval that failed after storing its letter
    (the request pending again), approved again with another one. Its id derives from the request alone, so the
    caller takes it back first, or the first try's letter and area would stand while the answer names these."""
    stored = runtime.zones().get_assignment(assignment_id)
    if stored is None or stored.cancelled_at is not None:
        return False
    zone = runtime.zones().get_zone(stored.zone_id) if stored.zone_id else None
    asked = shape_to_dict(parse_shape(area.shape_spec(), zone_config(settings))) if area and area.shape_spec() else None
    return stored.letter_no != letter.letter_no or (zone.geometry if zone else None) != asked


def new_assignment_id(source: str | None = None) -> str:
    """A new letter id (ASSIGNMENT_ID), or the one derived from `source` (the same source, the same id)."""
    return f"a-{derived_hex(source, 12) if source else secrets.token_hex(6)}"


def assignment_id_for(source: str, *, made: bool = False) -> str:
    """The id a letter recording `source` takes, or (`made`) took: `recorded_id`."""
    return recorded_id(new_assignment_id, source, runtime.zones().get_assignment, made=made)


class Cancellable(Protocol):
    """A record that is cancelled, not deleted (a leave, a field-duty letter): when, and by whom."""

    @property
    def cancelled_at(self) -> str | None: ...

    @property
    def cancelled_by(self) -> str | None: ...


def recorded_id(
    new_id: Callable[[str | None], str], source: str, read: Callable[[str], Cancellable | None], *, made: bool
) -> str:
    """The id a record of `source` takes (`first_open_id`), or with `made` the id of the last one recorded with it,
    cancelled or not (`last_stored_id`: what taking a recording back looks for); `read` reads a record by id."""

    def cancelled(record_id: str) -> bool | None:
        record = read(record_id)
        return None if record is None else record.cancelled_at is not None

    return (last_stored_id if made else first_open_id)(new_id, source, cancelled)


MAX_RECORDINGS = 10  # the same content recorded again after each cancellation: ids derived in a chain this long


RecordState = Callable[[str], bool | None]  # an id's record: None when there is none, else whether it is cancelled


def _chain(new_id: Callable[[str | None], str], source: str) -> list[str]:
    """The ids derived from `source`, `source#2`, ... (MAX_RECORDINGS of them)."""
    return [new_id(source if n == 1 else f"{source}#{n}") for n in range(1, MAX_RECORDINGS + 1)]


def first_open_id(new_id: Callable[[str | None], str], source: str, cancelled: RecordState) -> str:
    """The id of what recording `source` stores: the first of the ids derived from `source`, `source#2`, ...
    that names nothing yet or something not cancelled (`cancelled`: None for nothing), so a retry finds what its
    first try stored, and the same content recorded again after a cancellation is a new record that its own
    retry finds too. Past MAX_RECORDINGS cancellations, a random id."""
    return next((candidate for candidate in _chain(new_id, source) if not cancelled(candidate)), new_id(None))


def last_stored_id(new_id: Callable[[str | None], str], source: str, cancelled: RecordState) -> str:
    """The id of the last record stored along `source`'s chain, cancelled or not (the first id when none is):
    what taking back a recording of `source` undoes, or, cancelled already, re-runs the days of."""
    chain = _chain(new_id, source)
    stored = list(itertools.takewhile(lambda candidate: cancelled(candidate) is not None, chain))  # used in order
    return stored[-1] if stored else chain[0]


def list_assignments(actor: Principal, query: PeriodQuery, settings: Settings, now: datetime) -> AssignmentPage:
    """Field duties (not cancelled) of the caller's units (or one unit) that overlap the period, by unit, start
    date and id, 100 per page, each with the unit's employees whose days it covers (`movers`): those it was
    written for in the unit, but not one who moved away before its first day, and those who moved in whose
    letter of the old unit covers days after the move."""
    start, end = query_period(query, settings, now)

    def unit_rows(unor_id: str, limit: int, after: dict[str, Any] | None) -> tuple[list[AssignmentItem], Any]:
        letters = _letters_of_unit(unor_id, start, end, settings)
        return offset_page([_assignment_item(a, unor_id) for a in letters], limit, after)

    items, cursor = across_units(access.units_of(actor, query.unor_id), query.next, unit_rows)
    return AssignmentPage(items=items, next=cursor)


def _letters_of_unit(unor_id: str, start: date, end: date, settings: Settings) -> list[Assignment]:
    """The letters covering days of the unit's employees in `start`..`end`, each with those employees only: the
    unit's own (`assignments_of_unit`) and those of the members who moved in (their duty rows by NIP)."""
    tz = settings.tz
    own = runtime.zones().assignments_of_unit(unor_id, start, end)
    rows = movers.owned(unor_id, [_row(a, nip, unor_id) for a in own for nip in sorted(a.nips)], tz)

    def read(nip: str) -> list[Duty]:
        return runtime.zones().duties_of(nip, start, end)

    rows += movers.followed(unor_id, movers.followed_since(start), read, tz, until=end)
    nips: dict[str, set[str]] = {}
    for row in rows:
        nips.setdefault(row.assignment_id, set()).add(row.nip)
    letters = {a.assignment_id: a for a in own}
    letters |= {a.assignment_id: a for a in map(runtime.zones().get_assignment, set(nips) - set(letters)) if a}
    found = [replace(letters[k], nips=frozenset(v)) for k, v in nips.items() if k in letters]
    return sorted(found, key=lambda a: (a.start_date, a.assignment_id))


def _row(letter: Assignment, nip: str, unor_id: str) -> Duty:
    """The employee's duty row of the letter, stored under `unor_id`."""
    return Duty(nip, letter.assignment_id, unor_id, letter.zone_id, letter.start_date, letter.end_date)


def _assignment_item(a: Assignment, unor_id: str) -> AssignmentItem:
    return AssignmentItem(
        assignment_id=a.assignment_id,
        unor_id=unor_id,
        nips=sorted(a.nips),
        zone_id=a.zone_id or None,
        start_date=a.start_date,
        end_date=a.end_date,
        letter_no=a.letter_no,
        reason=a.reason,
    )


def letter_cancelled(actor: str, letter: Assignment) -> AuditBatch:
    """The audit entry naming `actor`'s cancellation of `letter`, for the cancellation's write."""
    return runtime.audit().stamped(actor, "assignment.cancel", {letter.assignment_id: {"nips": sorted(letter.nips)}})


def cancel_assignment(actor: Principal, assignment_id: str, settings: Settings, now: datetime) -> Cancelled:
    """Cancel a field duty: its days no longer count and past recapped days are judged again. A unit admin may
    cancel only a letter whose days are all of their units' employees (403 otherwise); a letter of other units
    only answers 404. An employee's days are the unit's they were in (`movers`: after a move, the new unit's
    from the move on, the days before it the unit the letter was written in)."""
    access.require_admin(actor)
    missing = NotFoundError("Surat tugas tidak ditemukan.", {"assignment_id": assignment_id})
    letter = runtime.zones().get_assignment(assignment_id) if ASSIGNMENT_ID.match(assignment_id) else None
    if letter is None:
        raise missing
    employees = {e.nip: e for e in runtime.people().get_employees(letter.nips)}
    units = {nip: employees[nip].unor_id if nip in employees else "" for nip in sorted(letter.nips)}
    movers.require_owner(actor, _letter_owners(letter, employees, settings), missing)
    access.require_not_own(actor, *units)
    done = ConflictError("Surat tugas sudah dibatalkan.", {"assignment_id": assignment_id})
    entry = letter_cancelled(actor.subject, letter)
    cancel_once(
        letter,
        actor,
        lambda: runtime.zones().cancel_assignment(assignment_id, Decided(actor.subject, None, now), entry),
        done,
        rejudge_days=lambda: _rejudge(letter, units, settings, now),
    )
    recaps.frames_changed(units.values())
    return Cancelled(id=assignment_id, cancelled=True, recapped=_rejudge(letter, units, settings, now))


def _letter_owners(letter: Assignment, employees: Mapping[str, Employee], settings: Settings) -> set[str]:
    """The units whose days the letter covers: of each employee, as their duty row was stored (one batch read)."""
    stored = runtime.zones().duty_units(letter)
    owned: set[str] = set()
    for nip in sorted(letter.nips):
        employee = employees.get(nip)
        unit = stored.get(nip) or (employee.unor_id if employee else "")
        owned |= movers.owners_of(employee, _row(letter, nip, unit), settings.tz)
    return owned


def _rejudge(letter: Assignment, units: dict[str, str], settings: Settings, now: datetime) -> list[str]:
    """Judge the recapped past days of a letter again in its employees' units (`units`: NIP -> unit), and, for
    those who moved since, in the unit that judged each of their days (decision 120)."""
    days = DateRange(date.fromisoformat(letter.start_date), date.fromisoformat(letter.end_date)).days()
    recapped = set(rejudge.rerun_units(units.values(), days, settings, now, frozenset(units)))
    for employee in runtime.people().get_employees(units):
        moved = recorded_day(employee.unit_since, settings.tz)
        if moved is not None:
            earlier = [day for day in days if day < moved]
            recapped.update(rejudge.rerun_recapped(employee.nip, earlier, settings, now))
    return sorted(recapped)


def cancel_once(
    found: Cancellable,
    actor: Principal,
    cancel: Callable[[], object],
    done: ConflictError,
    *,
    rejudge_days: Callable[[], object],
) -> None:
    """Cancel a leave or letter not cancelled yet (`cancel` writes its audit entry with it), then the caller judges
    its days again. One `actor` cancelled already returns too: it is the retry of a cancellation whose re-run
    failed (503), or whose answer was lost, answered as that try would have been and named no second time. `done`
    (409) when another admin cancelled it, or another cancel won meanwhile, once its days are judged again
    (`rejudge_days`): an earlier try may have stopped before re-running them."""
    if found.cancelled_at is None:
        try:
            cancel()
            return
        except ConditionFailed:
            pass
    elif found.cancelled_by == actor.subject:
        return
    rejudge_days()
    raise done


def query_period(query: DatesQuery, settings: Settings, now: datetime) -> tuple[date, date]:
    """The dates of an admin list: `from`..`to`, by default 30 days either side of today, at most a year."""
    today = now.astimezone(settings.tz).date()
    start = query.from_ or today - timedelta(days=30)
    end = query.to or max(start, today) + timedelta(days=30)
    if end < start or (end - start).days > MAX_ASSIGNMENT_DAYS:
        raise ValidationError("Rentang tanggal tidak valid.", {"to": "on/after from, at most 366 days"})
    return start, end


# --- the geo view of stored zones (check-in) ---------------------------------------------------------


def zone_ref(zone: StoredZone, config: ZoneConfig, source: str = "unit") -> ZoneRef:
    """The geo view of a stored zone; decoded cells are cached per (zone, version) in this process."""
    cells = _CELLS.get(zone.zone_id, zone.version, lambda: cells_from_storable(zone.cells))
    shape: Shape = parse_shape(zone.geometry, config)
    return ZoneRef(zone.zone_id, zone.name, source, cells, shape=shape)  # type: ignore[arg-type]


def zone_refs(zone_ids: Sequence[str], config: ZoneConfig) -> list[ZoneRef]:
    """A unit's work zones (as read at most a minute ago) in their geo view. The area of a field-duty letter
    attached to a unit before decision 168 refused it is not one: it counts only for the letter's employees
    on its dates (`field_duty_assignments`)."""
    return [zone_ref(z, config) for z in runtime.zones().cached_zones(zone_ids) if z.purpose == WORK_ZONE]


def field_duty_assignments(nip: str, rows: Sequence[Duty], config: ZoneConfig) -> list[FieldDutyAssignment]:
    """The employee's field duties (their duty rows of a day) as the geo checks take them, with their zones."""
    zones = {z.zone_id: z for z in runtime.zones().get_zones(r.zone_id for r in rows)}
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
