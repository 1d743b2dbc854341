"""Work zones, unit zones and field-duty letters (chalicelib.usecases.zones) on the in-memory repositories."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.geo.cells import cells_from_storable
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import zones
from chalicelib.usecases.schemas.zones import (
    AssignmentRequest,
    CreateZoneRequest,
    UnitZonesRequest,
    UpdateZoneRequest,
    ZoneQuery,
    ZonesQuery,
)

from .admin_fixtures import NIP, SUPER, UNIT_ADMIN, AuditTrail, audited, settings
from .test_request_failures import audit_store_fails

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 08:00 in Jakarta, before the letters' days
DURING = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)  # the third day of `assignment()`'s letter (2-6 March)

OTHER = "199002022015032002"
CIRCLE = {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}}


@pytest.fixture
def units(repos: Repositories) -> Repositories:
    """Units U1 and U2, an employee in each."""
    for unor_id in ("U1", "U2"):
        repos.people.upsert_unit(unor_id, f"Dinas {unor_id}")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    repos.people.put_employee(Employee(OTHER, "Budi", "U2"))
    return repos


def create(settings: Settings, name: str = "Kantor", shape: dict[str, Any] = CIRCLE) -> str:
    return zones.create_zone(SUPER, CreateZoneRequest.model_validate({"name": name, **shape}), settings).zone_id


def assignment(**changes: object) -> AssignmentRequest:
    body = {"nips": [NIP], "start_date": "2026-03-02", "end_date": "2026-03-06", "letter_no": "800/12",
            "reason": "Survei", **CIRCLE, **changes}  # fmt: skip
    return AssignmentRequest.model_validate(body)


# --- zones -------------------------------------------------------------------------------------------


def test_a_super_admin_creates_a_zone_at_version_1(
    repos: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    view = zones.create_zone(SUPER, CreateZoneRequest.model_validate({"name": "Kantor", **CIRCLE}), settings)
    assert (view.name, view.kind, view.version, view.purpose) == ("Kantor", "circle", 1, "unit")
    stored = repos.zones.get_zone(view.zone_id)
    assert (
        stored is not None
        and stored.cell_count == view.cell_count > 0
        and stored.geometry == view.geometry.model_dump(mode="json")
    )
    assert audited() == [("admin", "zone.create", view.zone_id)]


def test_only_a_super_admin_creates_changes_or_deletes_zones(repos: Repositories, settings: Settings) -> None:
    with pytest.raises(ForbiddenError):
        zones.create_zone(UNIT_ADMIN, CreateZoneRequest.model_validate({"name": "x", **CIRCLE}), settings)
    zone_id = create(settings)
    with pytest.raises(ForbiddenError):
        zones.update_zone(UNIT_ADMIN, zone_id, UpdateZoneRequest.model_validate(CIRCLE), settings)
    with pytest.raises(ForbiddenError):
        zones.delete_zone(UNIT_ADMIN, zone_id, settings, NOW)
    assert repos.zones.list_zone_ids() == [zone_id]


def test_an_update_bumps_the_version_and_keeps_an_absent_name(repos: Repositories, settings: Settings) -> None:
    zone_id = create(settings)
    bigger = {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 150}}
    view = zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(bigger), settings)
    assert (view.name, view.version) == ("Kantor", 2)
    stored = repos.zones.get_zone(zone_id)
    assert stored is not None and stored.version == 2 and stored.cell_count == view.cell_count


def test_a_zone_widened_and_put_back_leaves_where_it_reached_in_the_audit_log(
    repos: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN an 80 m school zone, WHEN it is widened to a polygon reaching a house and then put back
    zone_id = create(settings, "SDN 1")
    house = {"polygon": [[-6.8468, 107.4857], [-6.8468, 107.4957], [-6.8368, 107.4957], [-6.8368, 107.4857]]}
    zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(house), settings)
    zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(CIRCLE), settings)
    # THEN each entry names the area before and after: the circle exactly, the polygon by its box
    details: list[Any] = [e.detail for e in audited.entries()]
    created, widened, restored = details
    assert created["area"] == CIRCLE and created["name"] == "SDN 1"
    box = {"polygon_vertices": 4, "south_west": [-6.8468, 107.4857], "north_east": [-6.8368, 107.4957]}
    assert (widened["before"]["area"], widened["area"], widened["version"]) == (CIRCLE, box, 2)
    assert (restored["before"]["area"], restored["area"]) == (box, CIRCLE)
    assert widened["cells"] > restored["cells"] == created["cells"]
    # AND a hole taken out of a polygon shows too
    hole = [[-6.8448, 107.4877], [-6.8448, 107.4937], [-6.8388, 107.4937], [-6.8388, 107.4877]]
    zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate({**house, "holes": [hole]}), settings)
    zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(house), settings)
    holed, opened = (e.detail for e in audited.entries()[3:])
    assert holed is not None and opened is not None
    inner = {"polygon_vertices": 4, "south_west": [-6.8448, 107.4877], "north_east": [-6.8388, 107.4937]}
    assert (holed["area"], opened["before"], opened["area"]) == (
        {**box, "holes": [inner]},
        {"name": "SDN 1", "cells": holed["cells"], "area": {**box, "holes": [inner]}},
        box,
    )


def test_a_change_drawn_from_an_older_version_is_refused(repos: Repositories, settings: Settings) -> None:
    # GIVEN a zone two admins opened at version 1, WHEN one saves a change
    zone_id = create(settings)
    wider = {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 300}, "version": 1}
    assert zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(wider), settings).version == 2
    # THEN the other's change, drawn from version 1, is refused and the zone stays as the first saved it
    narrower = {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 60}, "version": 1}
    with pytest.raises(ConflictError) as refused:
        zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(narrower), settings)
    assert refused.value.details == {"zone_id": zone_id, "version": 2}
    stored = repos.zones.get_zone(zone_id)
    assert stored is not None and stored.version == 2 and stored.geometry["circle"]["radius_m"] == 300
    # AND drawn again from version 2 (a deliberate overwrite), it is saved
    again = {**narrower, "version": 2}
    assert zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate(again), settings).version == 3


def test_an_update_from_a_stale_read_is_a_conflict(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zone another admin has changed since this one read it at version 1
    zone_id = create(settings)
    stale = repos.zones.get_zone(zone_id)
    zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate({"name": "Baru", **CIRCLE}), settings)
    monkeypatch.setattr(repos.zones, "get_zone", lambda _: stale)
    # WHEN this admin writes, THEN it is refused and the other change stays
    with pytest.raises(ConflictError):
        zones.update_zone(SUPER, zone_id, UpdateZoneRequest.model_validate({"name": "Basi", **CIRCLE}), settings)
    monkeypatch.undo()
    current = repos.zones.get_zone(zone_id)
    assert current is not None and (current.name, current.version) == ("Baru", 2)


def test_a_zone_whose_audit_entry_cannot_be_written_is_not_stored_and_its_retry_is_stored_and_named_once(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a new zone, WHEN its audit entry cannot be written (the super admin is told 503)
    body = CreateZoneRequest.model_validate({"name": "SDN 1 Ngamprah", **CIRCLE})
    with audit_store_fails(monkeypatch, "zone.create"):
        zones.create_zone(SUPER, body, settings)
    # THEN no zone is stored unnamed
    assert repos.zones.list_zone_ids() == []
    # WHEN the console sends it again, and again (its answer lost)
    again = zones.create_zone(SUPER, body, settings)
    assert zones.create_zone(SUPER, body, settings).zone_id == again.zone_id
    # THEN there is one zone, and its creation is named once
    assert repos.zones.list_zone_ids() == [again.zone_id] and again.version == 1
    assert audited() == [("admin", "zone.create", again.zone_id)]


def test_a_zone_change_whose_audit_entry_cannot_be_written_is_not_made_and_its_retry_names_the_shape_before(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a school zone the console widens from version 1, WHEN the change's audit entry cannot be written (503)
    zone_id = create(settings, "SDN 1")
    wider = UpdateZoneRequest.model_validate(
        {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 300}, "version": 1}
    )
    with audit_store_fails(monkeypatch, "zone.update"):
        zones.update_zone(SUPER, zone_id, wider, settings)
    # THEN the zone is not widened unnamed
    unchanged = repos.zones.get_zone(zone_id)
    assert unchanged is not None and unchanged.version == 1
    # WHEN the console sends the same change again, and again (its answer lost)
    again = zones.update_zone(SUPER, zone_id, wider, settings)
    assert zones.update_zone(SUPER, zone_id, wider, settings).version == 2
    # THEN the zone is widened once, not "changed by another admin", and the widening is named once with the
    # shape it replaced
    assert (again.version, again.name) == (2, "SDN 1")
    stored = repos.zones.get_zone(zone_id)
    assert stored is not None and stored.version == 2 and stored.geometry["circle"]["radius_m"] == 300
    (entry,) = [e for e in audited.entries() if e.action == "zone.update"]
    assert entry.detail is not None and entry.detail["version"] == 2 and entry.detail["area"] == wider.shape_spec()
    assert entry.detail["before"] == {
        "name": "SDN 1",
        "cells": unchanged.cell_count,
        "area": {"circle": CIRCLE["circle"]},
    }


def test_the_same_zone_drawn_again_after_a_change_or_by_another_admin_is_a_new_zone(
    repos: Repositories, settings: Settings
) -> None:
    # GIVEN a zone, changed since it was created
    first = create(settings, "Kantor")
    zones.update_zone(SUPER, first, UpdateZoneRequest.model_validate({"name": "Kantor lama", **CIRCLE}), settings)
    # WHEN the same content is created again, by the same and by another super admin
    second = create(settings, "Kantor")
    other = zones.create_zone(
        Principal("bkpsdm", "super_admin"), CreateZoneRequest.model_validate({"name": "Kantor", **CIRCLE}), settings
    )
    # THEN each is a zone of its own, and the changed one keeps its change
    assert len({first, second, other.zone_id}) == 3 and sorted(repos.zones.list_zone_ids()) == sorted(
        [first, second, other.zone_id]
    )
    changed = repos.zones.get_zone(first)
    assert changed is not None and (changed.name, changed.version) == ("Kantor lama", 2)


def test_an_unknown_zone_is_not_found(repos: Repositories, settings: Settings) -> None:
    with pytest.raises(NotFoundError):
        zones.update_zone(SUPER, "z-none", UpdateZoneRequest.model_validate(CIRCLE), settings)
    with pytest.raises(NotFoundError):
        zones.get_zone(SUPER, "z-none", ZoneQuery())
    with pytest.raises(NotFoundError):
        zones.delete_zone(SUPER, "z-none", settings, NOW)


def test_a_unit_admin_sees_only_the_zones_of_their_units(units: Repositories, settings: Settings) -> None:
    # GIVEN a zone of U1, one of U2 and one of no unit
    mine, theirs, loose = create(settings, "A"), create(settings, "B"), create(settings, "C")
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[mine]))
    zones.set_unit_zones(SUPER, "U2", UnitZonesRequest(zone_ids=[theirs]))
    # THEN the admin of U1 lists and reads only U1's; the super admin every zone, by id
    assert [z.zone_id for z in zones.list_zones(UNIT_ADMIN, ZonesQuery()).items] == [mine]
    assert zones.get_zone(UNIT_ADMIN, mine, ZoneQuery()).zone_id == mine
    with pytest.raises(NotFoundError):
        zones.get_zone(UNIT_ADMIN, theirs, ZoneQuery())
    assert [z.zone_id for z in zones.list_zones(SUPER, ZonesQuery()).items] == sorted([mine, theirs, loose])


def test_a_unit_s_zones_built_from_an_old_read_are_refused_rather_than_undoing_a_change_unseen(
    units: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN U1 with its office, as the console read it at login; then zone A added to U1 (the reload after that
    # assignment not back yet, or another admin's)
    office, a, b = create(settings, "Kantor"), create(settings, "A"), create(settings, "B")
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[office]))
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[office, a], expected_zone_ids=[office]))
    # WHEN zone B is added to the list as read at login (A not in it), THEN 409 naming the zones U1 has now, and
    # A stays: the unit's staff who check in there are not refused OUTSIDE_ZONE tomorrow morning
    stale = UnitZonesRequest(zone_ids=[office, b], expected_zone_ids=[office])
    with pytest.raises(ConflictError) as refused:
        zones.set_unit_zones(SUPER, "U1", stale)
    assert refused.value.details == {"unor_id": "U1", "zone_ids": sorted([office, a])}
    assert zones_of(units, "U1") == {office, a}
    assert [e.detail["zone_ids"] for e in audited.entries() if e.action == "unit.zones" and e.detail] == [
        [office],
        [office, a],
    ]
    # AND built from the list read again, the change is made
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[office, a, b], expected_zone_ids=[office, a]))
    assert zones_of(units, "U1") == {office, a, b}


def zones_of(repos: Repositories, unor_id: str) -> frozenset[str]:
    unit = repos.people.get_unit(unor_id)
    assert unit is not None
    return unit.zone_ids


def test_a_unit_s_zones_sent_again_after_they_landed_are_no_conflict(units: Repositories, settings: Settings) -> None:
    # GIVEN a change of U1's zones that landed while its answer was lost
    office, a = create(settings, "Kantor"), create(settings, "A")
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[office]))
    change = UnitZonesRequest(zone_ids=[office, a], expected_zone_ids=[office])
    zones.set_unit_zones(SUPER, "U1", change)
    # WHEN the console sends it again, THEN it is answered as made (the zones are already what it asks)
    assert zones.set_unit_zones(SUPER, "U1", change).zone_ids == sorted([office, a])


def test_a_unit_admin_sees_the_area_of_a_letter_for_their_unit_s_employees(
    units: Repositories, settings: Settings
) -> None:
    # GIVEN a letter U1's admin wrote for Asep, with the survey site as its area (a zone of no unit)
    created = zones.create_assignment(UNIT_ADMIN, assignment(), settings, NOW)
    # WHEN U1's admin reads that area (the review map of Asep's check-in there draws it), THEN it is shown
    assert zones.get_zone(UNIT_ADMIN, created.zone_id, ZoneQuery()).zone_id == created.zone_id
    # AND an admin of U2, whose employees the letter does not name, still gets 404, as for any zone not theirs
    with pytest.raises(NotFoundError):
        zones.get_zone(Principal("ub", "unit_admin", frozenset({"U2"})), created.zone_id, ZoneQuery())


def test_a_zone_read_carries_the_cells_a_check_in_is_judged_against_only_when_asked(
    units: Repositories, settings: Settings
) -> None:
    # GIVEN a circle zone of U1
    zone_id = create(settings)
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[zone_id]))
    # WHEN read plainly, THEN the answer has no cells (nor a null for them)
    assert "cells" not in zones.get_zone(UNIT_ADMIN, zone_id, ZoneQuery()).model_dump(mode="json")
    assert "cells" not in zones.get_zone(UNIT_ADMIN, zone_id, ZoneQuery(cells="false")).model_dump(mode="json")
    # WHEN read with cells=true, THEN the cells are the stored ones: `cell_count` cells at `resolution`, holding
    # the centre and not a point 200 m away (the radius is 80 m)
    view = zones.get_zone(UNIT_ADMIN, zone_id, ZoneQuery(cells="true"))
    stored = units.zones.get_zone(zone_id)
    assert stored is not None and view.cells == stored.cells
    judged = cells_from_storable(view.cells or [])
    assert (judged.resolution, judged.uncompacted_count()) == (view.resolution, view.cell_count)
    assert judged.contains(-6.8468, 107.4857) and not judged.contains(-6.8450, 107.4857)


def test_the_zone_list_carries_every_shape_when_asked(units: Repositories, settings: Settings) -> None:
    # GIVEN two zones, one of the unit admin's unit
    mine, theirs = create(settings, "A"), create(settings, "B")
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[mine]))
    # WHEN listed plainly, THEN no item carries a shape (nor a null for it)
    plain = zones.list_zones(SUPER, ZonesQuery()).model_dump(mode="json")["items"]
    assert [("geometry" in z) for z in plain] == [False, False]
    # WHEN listed with geometry=true, THEN each visible zone carries the shape its own read answers
    shaped = zones.list_zones(UNIT_ADMIN, ZonesQuery(geometry="true")).model_dump(mode="json")["items"]
    assert shaped == [zones.get_zone(UNIT_ADMIN, mine, ZoneQuery()).model_dump(mode="json")]
    assert {z.zone_id for z in zones.list_zones(SUPER, ZonesQuery(geometry="true")).items if z.geometry} == {
        mine,
        theirs,
    }


def test_unit_zones_must_exist_and_replace_the_unit_s_zones(units: Repositories, settings: Settings) -> None:
    first, second = create(settings, "A"), create(settings, "B")
    with pytest.raises(ValidationError):
        zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[first, "z-none"]))
    assert zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[second, first])).zone_ids == sorted(
        [first, second]
    )
    zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[second]))
    unit = units.people.get_unit("U1")
    assert unit is not None and unit.zone_ids == {second}
    with pytest.raises(ForbiddenError):
        zones.set_unit_zones(UNIT_ADMIN, "U2", UnitZonesRequest(zone_ids=[first]))


def test_a_letter_s_area_never_becomes_a_unit_s_work_zone(
    units: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN U1's work zone, and a letter dated years ago whose area a unit admin drew (around the operator's home)
    office = create(settings)
    zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[office]))
    letter = zones.create_assignment(
        UNIT_ADMIN, assignment(start_date="2020-01-06", end_date="2020-01-06"), settings, NOW
    )
    # WHEN the unit admin (or a super admin) makes that area one of U1's work zones, THEN it is refused (400)
    for who in (UNIT_ADMIN, SUPER):
        with pytest.raises(ValidationError) as caught:
            zones.set_unit_zones(who, "U1", UnitZonesRequest(zone_ids=[office, letter.zone_id]))
        assert caught.value.details == {"zone_ids": [letter.zone_id]}
    # AND U1 keeps its zones; the change that was made is audited with what it replaced
    unit = units.people.get_unit("U1")
    assert unit is not None and unit.zone_ids == {office}
    changes = [(a, t) for _, a, t in audited() if a == "unit.zones"]
    assert changes == [("unit.zones", "U1")]


def test_a_zone_in_use_by_a_unit_is_not_deleted(units: Repositories, settings: Settings) -> None:
    used, unused = create(settings, "A"), create(settings, "B")
    zones.set_unit_zones(SUPER, "U1", UnitZonesRequest(zone_ids=[used]))
    with pytest.raises(ConflictError):
        zones.delete_zone(SUPER, used, settings, NOW)
    assert zones.delete_zone(SUPER, unused, settings, NOW).deleted is True
    assert units.zones.list_zone_ids() == [used]


def test_a_zone_given_to_a_unit_while_it_is_deleted_never_leaves_the_unit_naming_a_deleted_zone(
    units: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zone no unit uses, which a super admin deletes while a unit admin gives it to U1: the unit admin's
    # request arrives right after the deletion found no unit using the zone, before the deletion is written
    doomed = create(settings, "Gedung Lama")
    given: dict[str, object] = {}

    def give() -> None:
        try:
            given["answer"] = zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[doomed]))
        except (ValidationError, ConflictError) as exc:
            given["answer"] = exc

    checked = zones._letter_of  # the deletion's last check, after the units were read

    def meanwhile(*args: Any) -> Any:
        giver = threading.Thread(target=give)
        giver.start()
        giver.join(timeout=0.5)  # it waits for the deletion's turn (before: it wrote U1's zones here)
        return checked(*args)

    monkeypatch.setattr(zones, "_letter_of", meanwhile)
    # WHEN both are done
    assert zones.delete_zone(SUPER, doomed, settings, NOW).deleted is True
    monkeypatch.setattr(zones, "_letter_of", checked)
    for _ in range(100):
        if "answer" in given:
            break
        time.sleep(0.05)
    # THEN the unit admin's request, taken after the deletion, is refused as naming no zone, and U1 names none
    assert isinstance(given.get("answer"), ValidationError), given
    unit = units.people.get_unit("U1")
    assert unit is not None and doomed not in unit.zone_ids and units.zones.get_zone(doomed) is None


def test_the_area_of_a_letter_that_still_counts_is_not_deleted(units: Repositories, settings: Settings) -> None:
    # GIVEN Asep's letter for a survey site, 2-6 March: its area is listed among the zones, used by no unit
    created = zones.create_assignment(UNIT_ADMIN, assignment(), settings, NOW)
    # WHEN a super admin tidying the zone list deletes it on its third day
    with pytest.raises(ConflictError) as refused:
        zones.delete_zone(SUPER, created.zone_id, settings, DURING)
    # THEN it is refused naming the letter, and the site still admits Asep's check-ins
    assert refused.value.details == {"zone_id": created.zone_id, "assignment_id": created.assignment_id}
    rows = units.zones.duties_of(NIP, date(2026, 3, 4))
    assert [d.zone.zone_id for d in zones.field_duty_assignments(NIP, rows, zones.zone_config(settings))] == [
        created.zone_id
    ]
    # AND so it is while an offline capture of its last day may still arrive (72 hours), not after
    last_capture_day = datetime(2026, 3, 9, 1, 0, tzinfo=UTC)
    with pytest.raises(ConflictError):
        zones.delete_zone(SUPER, created.zone_id, settings, last_capture_day)
    assert zones.delete_zone(SUPER, created.zone_id, settings, datetime(2026, 3, 10, 1, 0, tzinfo=UTC)).deleted


def test_the_area_of_a_cancelled_letter_may_be_deleted(units: Repositories, settings: Settings) -> None:
    # GIVEN a letter cancelled on its third day
    created = zones.create_assignment(UNIT_ADMIN, assignment(), settings, NOW)
    zones.cancel_assignment(UNIT_ADMIN, created.assignment_id, settings, DURING)
    # WHEN a super admin deletes its area, THEN it goes (it admits no one any more)
    assert zones.delete_zone(SUPER, created.zone_id, settings, DURING).deleted
    assert units.zones.get_zone(created.zone_id) is None


# --- field duty --------------------------------------------------------------------------------------


def test_a_letter_stores_its_zone_and_a_duty_per_employee(units: Repositories, settings: Settings) -> None:
    # WHEN a unit admin gives an employee a letter
    created = zones.create_assignment(UNIT_ADMIN, assignment(), settings, NOW)
    # THEN its zone is stored for the letter and the employee has the duty on its days, not after
    zone = units.zones.get_zone(created.zone_id)
    assert zone is not None and zone.purpose == "assignment" and zone.name == "Dinas luar 800/12"
    duties = units.zones.duties_of(NIP, date(2026, 3, 4))
    assert [(d.assignment_id, d.zone_id, d.unor_id) for d in duties] == [(created.assignment_id, zone.zone_id, "U1")]
    assert units.zones.duties_of(NIP, date(2026, 3, 7)) == []


def test_a_letter_s_audit_entry_names_its_days_and_its_area(
    units: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    created = zones.create_assignment(SUPER, assignment(), settings, NOW)
    (entry,) = audited.entries()
    assert entry.detail == {
        "nips": [NIP],
        "letter_no": "800/12",
        "start_date": "2026-03-02",
        "end_date": "2026-03-06",
        "zone_id": created.zone_id,
        "cells": created.cell_count,
        "area": CIRCLE,
    }


def test_a_letter_is_refused_for_unknown_or_foreign_employees_and_bad_ranges(
    units: Repositories, settings: Settings
) -> None:
    with pytest.raises(ValidationError):
        zones.create_assignment(UNIT_ADMIN, assignment(nips=["198501012010011999"]), settings, NOW)
    with pytest.raises(ForbiddenError):
        zones.create_assignment(UNIT_ADMIN, assignment(nips=[NIP, OTHER]), settings, NOW)
    with pytest.raises(ValidationError):
        zones.create_assignment(UNIT_ADMIN, assignment(end_date="2026-03-01"), settings, NOW)
    with pytest.raises(ValidationError):
        zones.create_assignment(UNIT_ADMIN, assignment(end_date="2027-03-06"), settings, NOW)
    assert units.zones.list_zone_ids() == [] and units.zones.duties_of(NIP, date(2026, 3, 4)) == []


def test_the_check_in_sees_unit_zones_and_the_day_s_field_duty(units: Repositories, settings: Settings) -> None:
    # GIVEN a unit zone and a letter
    unit_zone = create(settings)
    created = zones.create_assignment(SUPER, assignment(), settings, NOW)
    config = zones.zone_config(settings)
    # THEN the geo views name their zones and sources
    refs = zones.zone_refs([unit_zone, "z-none"], config)
    assert [(r.zone_id, r.name, r.source) for r in refs] == [(unit_zone, "Kantor", "unit")]
    rows = units.zones.duties_of(NIP, date(2026, 3, 4))
    duties = zones.field_duty_assignments(NIP, rows, config)
    assert [(d.assignment_id, d.zone.zone_id, d.zone.source, d.nips) for d in duties] == [
        (created.assignment_id, created.zone_id, "assignment", frozenset({NIP}))
    ]
    assert (duties[0].start_date, duties[0].end_date) == (date(2026, 3, 2), date(2026, 3, 6))
