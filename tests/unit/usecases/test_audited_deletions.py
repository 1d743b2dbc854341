"""Deletions and cancellations of the calendar and of zones whose audit entry fails (throttled: 503), on the
in-memory twins: none is made without its entry (a missing entry hides an insider's change), and trying again
makes it, named once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import zones
from chalicelib.usecases.schemas.calendar import HolidayRequest, LeaveRequest, RamadanRequest, ShiftsRequest

from .admin_fixtures import NIP, SUPER, UNIT_ADMIN, AuditTrail, audited, settings
from .test_request_failures import audit_store_fails
from .test_zones import NOW, assignment, create

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

BKPSDM = Principal("rina", "super_admin")  # another super admin


@pytest.fixture(autouse=True)
def unit(repos: Repositories) -> None:
    """GIVEN unit U1 with Asep."""
    repos.people.upsert_unit("U1", "Dinas U1")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))


def entries(audited: AuditTrail, action: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [(e.actor, e.target, dict(e.detail) if e.detail else None) for e in audited.entries() if e.action == action]


def test_a_holiday_is_deleted_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a holiday, WHEN its deletion fails on its audit entry (503)
    cal.put_holiday(SUPER, "2026-03-19", HolidayRequest(name="Nyepi"), settings, NOW)
    with audit_store_fails(monkeypatch, "holiday.delete"):
        cal.delete_holiday(SUPER, "2026-03-19", settings, NOW)
    # THEN the holiday is not deleted unaudited
    assert [h.name for h in runtime.calendar().holidays_of_year(2026)] == ["Nyepi"]
    # WHEN the admin deletes it again, THEN it goes, audited with its name; a third try is 404, audited no more
    assert cal.delete_holiday(SUPER, "2026-03-19", settings, NOW).deleted
    with pytest.raises(NotFoundError):
        cal.delete_holiday(SUPER, "2026-03-19", settings, NOW)
    assert runtime.calendar().holidays_of_year(2026) == []
    assert entries(audited, "holiday.delete") == [("admin", "2026-03-19", {"name": "Nyepi", "kind": "local"})]


def test_a_ramadan_period_is_removed_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the year's Ramadan, WHEN its removal fails on its audit entry (503)
    period = {"start_date": "2026-02-18", "end_date": "2026-03-19"}
    cal.put_ramadan(SUPER, "2026", RamadanRequest.model_validate(period), settings, NOW)
    with audit_store_fails(monkeypatch, "ramadan.delete"):
        cal.delete_ramadan(SUPER, "2026", "2026-02-18", settings, NOW)
    # THEN the period (every unit's hours for a month) is not removed unaudited
    assert cal.get_ramadan(SUPER, "2026").start_date is not None
    # WHEN the admin deletes it again, THEN it goes, audited with its dates; a third try is 404, audited no more
    assert cal.delete_ramadan(SUPER, "2026", "2026-02-18", settings, NOW).start_date is not None
    with pytest.raises(NotFoundError):
        cal.delete_ramadan(SUPER, "2026", "2026-02-18", settings, NOW)
    assert cal.get_ramadan(SUPER, "2026").periods == []
    assert entries(audited, "ramadan.delete") == [("admin", "2026", {"start": "2026-02-18", "end": "2026-03-19"})]


def test_a_roster_date_is_removed_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a roster date of Asep's, WHEN its removal fails on its audit entry (503)
    shifts = ShiftsRequest.model_validate({"shifts": {"2026-03-04": {"start": "20:00", "end": "04:00"}}})
    cal.set_shifts(UNIT_ADMIN, NIP, shifts, settings, NOW)
    with audit_store_fails(monkeypatch, "schedule.shift_removed"):
        cal.remove_shift(UNIT_ADMIN, NIP, "2026-03-04", settings, NOW)
    # THEN the date is still rostered
    assert len(runtime.calendar().roster(NIP, NOW.date(), NOW.date().replace(day=31))) == 1
    # WHEN the admin removes it again, THEN it goes and the removal is audited once
    assert cal.remove_shift(UNIT_ADMIN, NIP, "2026-03-04", settings, NOW).removed
    assert runtime.calendar().roster(NIP, NOW.date(), NOW.date().replace(day=31)) == {}
    assert entries(audited, "schedule.shift_removed") == [("ua", NIP, {"date": "2026-03-04"})]


def cancelled_only_with_its_entry(
    monkeypatch: pytest.MonkeyPatch, action: str, cancel: Callable[[Principal], Any], counting: Callable[[], bool]
) -> None:
    """WHEN the unit admin's cancellation meets a failing audit store (its entry `action`: 503), THEN what it
    cancels still counts. WHEN the admin cancels again, THEN it is cancelled; sent once more (its answer lost), it is
    answered cancelled; another admin's cancellation is 409."""
    with audit_store_fails(monkeypatch, action):
        cancel(UNIT_ADMIN)
    assert counting()
    assert cancel(UNIT_ADMIN).cancelled and not counting()
    assert cancel(UNIT_ADMIN).cancelled
    with pytest.raises(ConflictError):
        cancel(SUPER)


def test_a_leave_is_cancelled_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's sick leave
    body = {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-03", "end_date": "2026-03-03", "reason": "Flu"}
    leave_id = cal.add_leave(UNIT_ADMIN, LeaveRequest.model_validate(body), settings, NOW).leave_id
    # WHEN its cancellation's audit entry fails, and the admin cancels again, THEN it is named once, as theirs
    cancelled_only_with_its_entry(
        monkeypatch,
        "leave.cancel",
        lambda admin: cal.cancel_leave(admin, leave_id, settings, NOW),
        lambda: runtime.calendar().get_leave(leave_id).cancelled_at is None,  # type: ignore[union-attr]
    )
    assert entries(audited, "leave.cancel") == [("ua", NIP, {"leave_id": leave_id, "type": "S"})]


def test_a_letter_is_cancelled_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a field-duty letter for Asep
    letter = zones.create_assignment(UNIT_ADMIN, assignment(), settings, NOW).assignment_id
    # WHEN its cancellation's audit entry fails, and the admin cancels again, THEN it is named once, as theirs
    cancelled_only_with_its_entry(
        monkeypatch,
        "assignment.cancel",
        lambda admin: zones.cancel_assignment(admin, letter, settings, NOW),
        lambda: runtime.zones().get_assignment(letter).cancelled_at is None,  # type: ignore[union-attr]
    )
    assert entries(audited, "assignment.cancel") == [("ua", letter, {"nips": [NIP]})]


def test_a_zone_is_deleted_only_with_its_audit_entry_and_named_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zone no unit uses, WHEN its deletion fails on its audit entry (503)
    zone_id = create(settings, "Puskesmas Lama")
    with audit_store_fails(monkeypatch, "zone.delete"):
        zones.delete_zone(SUPER, zone_id, settings, NOW)
    # THEN the zone is not deleted unaudited
    assert runtime.zones().get_zone(zone_id) is not None
    # WHEN a super admin deletes it again, THEN it goes, audited with the shape it had
    assert zones.delete_zone(BKPSDM, zone_id, settings, NOW).deleted
    assert runtime.zones().get_zone(zone_id) is None
    [(actor, target, detail)] = entries(audited, "zone.delete")
    assert (actor, target, (detail or {}).get("name")) == ("rina", zone_id, "Puskesmas Lama")
