"""Changes whose audit entry names what they replaced (`before`), when the audit store fails once (throttled: 503)
and the admin sends the change again, on the in-memory twins: the log must still name the value that stood
before, since an insider's change is found by what it replaced."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.auth import passwords
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import AdminUser, Employee, Principal
from chalicelib.domain.schedule import WorkHours
from chalicelib.errors import ConflictError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed
from chalicelib.store.repositories import Repositories
from chalicelib.store.timeclock import CutoverChange
from chalicelib.usecases import admin_users, fingerprint, zones
from chalicelib.usecases import calendar as cal
from chalicelib.usecases.schemas.calendar import HolidayRequest, RamadanRequest, ShiftsRequest
from chalicelib.usecases.schemas.core import UpdateAdminUserRequest
from chalicelib.usecases.schemas.rollout import CutoverBody
from chalicelib.usecases.schemas.zones import UnitZonesRequest

from .admin_fixtures import NIP, SUPER, UNIT_ADMIN, AuditTrail, audited, settings
from .test_request_failures import audit_store_fails
from .test_zones import NOW, create

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NIGHT = WorkHours.parse("20:00", "04:00")


def beaten(*args: object, **kwargs: object) -> None:
    """A store write refused: another admin's change landed between the use case's read and its write."""
    raise ConditionFailed("dynamodb")


def details(audited: AuditTrail, action: str) -> list[dict[str, Any] | None]:
    return [dict(e.detail) if e.detail else None for e in audited.entries() if e.action == action]


def test_a_holiday_replaced_again_after_its_audit_write_failed_names_the_holiday_before(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN 17 August a national holiday "HUT RI"
    cal.put_holiday(SUPER, "2026-08-17", HolidayRequest(name="HUT RI", kind="national"), settings, NOW)
    renamed = HolidayRequest(name="Kemerdekaan", kind="cuti_bersama")
    # WHEN the super admin makes it a cuti bersama and the audit store fails once (the admin is told 503)
    with audit_store_fails(monkeypatch, "holiday.put"):
        cal.put_holiday(SUPER, "2026-08-17", renamed, settings, NOW)
    # THEN the day is not changed unaudited
    assert [(h.name, h.kind.value) for h in runtime.calendar().holidays_of_year(2026)] == [("HUT RI", "national")]
    # WHEN the admin sends the change again, THEN it is made and its entry names the holiday that stood before
    cal.put_holiday(SUPER, "2026-08-17", renamed, settings, NOW)
    assert [(h.name, h.kind.value) for h in runtime.calendar().holidays_of_year(2026)] == [
        ("Kemerdekaan", "cuti_bersama")
    ]
    assert details(audited, "holiday.put")[1:] == [
        {"name": "Kemerdekaan", "kind": "cuti_bersama", "before": {"name": "HUT RI", "kind": "national"}}
    ]


def test_an_admin_change_sent_again_after_its_audit_write_failed_names_what_each_field_was(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN root, a super admin, and budi, unit admin of U1
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"SDN {unit}")
    repos.people.create_admin(AdminUser("root", "super_admin"), passwords.hash_secret("rahasia-2026"))
    repos.people.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), passwords.hash_secret("rahasia-2026"))
    root = Principal("root", "super_admin")
    move = UpdateAdminUserRequest.model_validate({"unit_ids": ["U2"]})
    # WHEN root moves budi to U2 and the audit store fails once (root is told 503)
    with audit_store_fails(monkeypatch, "admin_user.update"):
        admin_users.update_admin_user(root, "budi", move)
    # THEN budi is not moved unaudited (and keeps his sessions)
    budi = repos.people.get_admin("budi")
    assert budi is not None and (budi.unit_ids, budi.token_version) == ({"U1"}, 0)
    # WHEN root sends the change again, THEN it is made and its entry says budi had U1 before
    assert admin_users.update_admin_user(root, "budi", move).unit_ids == ["U2"]
    assert details(audited, "admin_user.update") == [{"unit_ids": ["U2"], "before": {"unit_ids": ["U1"]}}]


def test_a_ramadan_period_set_again_after_its_audit_write_failed_names_the_period_before(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN 2026's Ramadan from 18 February
    first = RamadanRequest.model_validate({"start_date": "2026-02-18", "end_date": "2026-03-19"})
    cal.put_ramadan(SUPER, "2026", first, settings, NOW)
    later = RamadanRequest.model_validate({"start_date": "2026-02-19", "end_date": "2026-03-20"})
    # WHEN the super admin moves it a day on and the audit store fails once (the admin is told 503)
    with audit_store_fails(monkeypatch, "ramadan.put"):
        cal.put_ramadan(SUPER, "2026", later, settings, NOW)
    # THEN the period did not move unnamed
    assert cal.get_ramadan(SUPER, "2026").start_date == "2026-02-18"
    # WHEN the admin sends the change again, and once more (its answer lost), THEN one entry names the period that
    # stood before
    cal.put_ramadan(SUPER, "2026", later, settings, NOW)
    cal.put_ramadan(SUPER, "2026", later, settings, NOW)
    assert details(audited, "ramadan.put")[1:] == [
        {"start": "2026-02-19", "end": "2026-03-20", "before": {"start": "2026-02-18", "end": "2026-03-19"}}
    ]


def test_a_holiday_change_beaten_by_another_of_the_same_date_is_a_conflict_and_not_audited(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN another super admin's change of 17 August stored between this change's read of the day and its write
    monkeypatch.setattr(type(runtime.calendar()), "put_holiday", beaten)
    # WHEN the change is sent, THEN it is answered 409 (send it again) and the log names nothing it did not do
    with pytest.raises(ConflictError):
        cal.put_holiday(SUPER, "2026-08-17", HolidayRequest(name="HUT RI", kind="national"), settings, NOW)
    assert details(audited, "holiday.put") == []


def test_a_past_working_day_made_a_day_off_again_after_its_audit_write_failed_names_the_shift_before(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep of U1 rostered for a night shift on 4 March
    repos.people.upsert_unit("U1", "Dinas U1")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    night = {"2026-03-04": {"start": "20:00", "end": "04:00"}}
    cal.set_shifts(UNIT_ADMIN, NIP, ShiftsRequest.model_validate({"shifts": night}), settings, NOW)
    day_off = ShiftsRequest.model_validate({"shifts": {"2026-03-04": None, "2026-03-05": None}})
    # WHEN the unit admin makes it a day off (with the next day) and the audit store fails once (told 503)
    with audit_store_fails(monkeypatch, "schedule.shifts"):
        cal.set_shifts(UNIT_ADMIN, NIP, day_off, settings, NOW)
    # THEN the roster is not changed unaudited
    assert runtime.calendar().roster(NIP, date(2026, 3, 1), date(2026, 3, 31)) == {date(2026, 3, 4): NIGHT}
    # WHEN the admin sends the change again, THEN it is made and its entry names the shift the day had
    cal.set_shifts(UNIT_ADMIN, NIP, day_off, settings, NOW)
    assert runtime.calendar().roster(NIP, date(2026, 3, 1), date(2026, 3, 31)) == dict.fromkeys(
        [date(2026, 3, 4), date(2026, 3, 5)]
    )
    assert details(audited, "schedule.shifts") == [
        {"days": 1, "dates": ["2026-03-04"], "hours": night, "before": {}},
        {
            "days": 2,
            "dates": ["2026-03-04", "2026-03-05"],
            "hours": {"2026-03-04": None, "2026-03-05": None},
            "before": night,
        },
    ]


def test_a_roster_change_beaten_by_another_of_the_same_dates_is_a_conflict_and_not_audited(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep of U1, and another admin's roster of his 4 March stored between this change's read and its write
    repos.people.upsert_unit("U1", "Dinas U1")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    monkeypatch.setattr(type(runtime.calendar()), "put_shifts", beaten)
    # WHEN the change is sent, THEN it is answered 409 (send it again) and the log names nothing it did not do
    with pytest.raises(ConflictError):
        cal.set_shifts(UNIT_ADMIN, NIP, ShiftsRequest.model_validate({"shifts": {"2026-03-04": None}}), settings, NOW)
    assert details(audited, "schedule.shifts") == []


def test_a_cut_over_brought_forward_again_after_its_audit_write_failed_names_the_date_before(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1 cutting over to the app on 1 April
    repos.people.upsert_unit("U1", "Dinas U1")
    fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=date(2026, 4, 1)), settings, NOW)
    forward = CutoverBody(date=date(2026, 3, 16))
    # WHEN its unit admin brings it forward to 16 March (the machine's punches stop counting two weeks sooner) and
    # the audit store fails once (told 503)
    with audit_store_fails(monkeypatch, "unit.cutover"):
        fingerprint.set_cutover(UNIT_ADMIN, "U1", forward, settings, NOW)
    # THEN the date is not moved unaudited
    assert runtime.timeclock().cutover_of("U1") == date(2026, 4, 1)
    # WHEN the admin sends the change again, THEN it is made and its entry names the date that stood before
    fingerprint.set_cutover(UNIT_ADMIN, "U1", forward, settings, NOW)
    assert runtime.timeclock().cutover_of("U1") == date(2026, 3, 16)
    assert details(audited, "unit.cutover") == [
        {"date": "2026-04-01", "before": None},
        {"date": "2026-03-16", "before": "2026-04-01"},
    ]


def test_a_cut_over_beaten_by_another_change_of_the_unit_s_is_a_conflict_and_not_audited(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1 cutting over on 1 April, and the super admin's move to 9 March stored between the unit admin's read
    # of it and the unit admin's write
    repos.people.upsert_unit("U1", "Dinas U1")
    fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=date(2026, 4, 1)), settings, NOW)
    clock = runtime.timeclock()
    read = type(clock).cutover_state

    def read_then_moved(self: object, unor_id: str) -> object:
        stood = read(clock, unor_id)
        clock.set_cutover(unor_id, CutoverChange(date(2026, 3, 9), as_read=stood), Decided("admin", None, NOW))
        return stood

    monkeypatch.setattr(type(clock), "cutover_state", read_then_moved)
    # WHEN the unit admin brings it forward to 16 March, which moves it later than the date then standing (the
    # super admin's to make), THEN it is answered 409 (send it again) and the super admin's date stays
    with pytest.raises(ConflictError):
        fingerprint.set_cutover(UNIT_ADMIN, "U1", CutoverBody(date=date(2026, 3, 16)), settings, NOW)
    monkeypatch.undo()
    assert runtime.timeclock().cutover_of("U1") == date(2026, 3, 9)
    # AND a change refused by the store as beaten is a conflict too, and the log names nothing it did not do
    monkeypatch.setattr(type(clock), "set_cutover", beaten)
    with pytest.raises(ConflictError):
        fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=date(2026, 3, 23)), settings, NOW)
    assert details(audited, "unit.cutover") == [{"date": "2026-04-01", "before": None}]


def test_a_cut_over_whose_pending_re_run_finishes_between_its_read_and_its_write_is_made(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1 cutting over on 1 April, the re-run of some February days of an earlier move still pending, and that
    # re-run finishing just after the unit admin's change reads the cut-over
    repos.people.upsert_unit("U1", "Dinas U1")
    clock = runtime.timeclock()
    pending = (date(2026, 2, 23), date(2026, 2, 25))
    clock.set_cutover("U1", CutoverChange(date(2026, 4, 1), pending), Decided("admin", None, NOW))
    read = type(clock).cutover_state

    def read_then_re_run(self: object, unor_id: str) -> object:
        stood = read(clock, unor_id)
        clock.rerun_done(unor_id, pending)
        return stood

    monkeypatch.setattr(type(clock), "cutover_state", read_then_re_run)
    # WHEN the unit admin brings it forward to 16 March
    made = fingerprint.set_cutover(UNIT_ADMIN, "U1", CutoverBody(date=date(2026, 3, 16)), settings, NOW)
    # THEN that is no conflict: the date moved, named once, and the re-run it asked for is done and forgotten
    monkeypatch.undo()
    assert made.date == "2026-03-16" and clock.cutover_state("U1").day == date(2026, 3, 16)
    assert clock.cutover_state("U1").rerun is None
    assert details(audited, "unit.cutover") == [{"date": "2026-03-16", "before": "2026-04-01"}]


def test_a_zone_added_to_a_unit_again_after_its_audit_write_failed_names_the_zones_before(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1 whose employees check in at the office
    repos.people.upsert_unit("U1", "Dinas U1")
    office, cafe = (
        create(settings, "Kantor"),
        create(settings, "Warung", {"circle": {"lat": -6.85, "lon": 107.49, "radius_m": 50}}),
    )
    zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[office]))
    both = UnitZonesRequest(zone_ids=[office, cafe])
    # WHEN its unit admin adds another zone (where they would check in from) and the audit store fails once (503)
    with audit_store_fails(monkeypatch, "unit.zones"):
        zones.set_unit_zones(UNIT_ADMIN, "U1", both)
    # THEN U1's zones are not changed unaudited
    assert zones_of_u1() == {office}
    # WHEN the admin sends the change again, THEN it is made and its entry names exactly the zones replaced
    zones.set_unit_zones(UNIT_ADMIN, "U1", both)
    assert zones_of_u1() == {office, cafe}
    assert details(audited, "unit.zones") == [
        {"zone_ids": [office], "before": []},
        {"zone_ids": [office, cafe], "before": [office]},
    ]


def test_a_unit_s_zones_beaten_by_another_change_of_them_are_a_conflict_and_not_audited(
    repos: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1, a zone, and another admin's change of U1's zones stored between this change's read and its write
    repos.people.upsert_unit("U1", "Dinas U1")
    office = create(settings, "Kantor")
    monkeypatch.setattr(type(runtime.people()), "set_unit_zones", beaten)
    # WHEN the change is sent, THEN it is answered 409 (send it again) and the log names nothing it did not do
    with pytest.raises(ConflictError):
        zones.set_unit_zones(UNIT_ADMIN, "U1", UnitZonesRequest(zone_ids=[office]))
    assert details(audited, "unit.zones") == []


def zones_of_u1() -> frozenset[str]:
    unit = runtime.people().get_unit("U1")
    assert unit is not None
    return unit.zone_ids
