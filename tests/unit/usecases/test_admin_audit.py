"""Admin actions leave their entry in the audit log (in-memory twins), a refused one leaves none, and a unit-scoped
reader reads the entries of their units."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import Employee, PhoneBinding, Principal
from chalicelib.errors import ConflictError, ForbiddenError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_users, admin_views, onboarding
from chalicelib.usecases.schemas.admin_views import AuditQuery
from chalicelib.usecases.schemas.core import CreateAdminUserRequest

from .admin_fixtures import AUDIT_START, AuditTrail, audited
from .test_request_failures import audit_store_fails

__all__ = ["audited"]  # the shared fixture this module uses

NIP = "198501012010011001"
SUPER = Principal("admin", "super_admin")
U1_ADMIN = Principal("admin-u1", "unit_admin", frozenset({"U1"}))


@pytest.fixture
def unit(repos: Repositories) -> Repositories:
    """Unit U1 with one employee."""
    repos.people.upsert_unit("U1", "SDN 1")
    repos.people.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    return repos


def new_admin() -> CreateAdminUserRequest:
    return CreateAdminUserRequest.model_validate(
        {"username": "operator.u1", "password": "rahasia-2026", "role": "unit_admin", "unit_ids": ["U1"]}
    )


def test_creating_an_admin_user_is_audited(unit: Repositories, audited: AuditTrail) -> None:
    # WHEN the super admin creates a unit admin
    admin_users.create_admin_user(SUPER, new_admin())
    # THEN the log of the day holds who created whom, with the role and units, and no password
    assert audited.entries() == [
        AuditEntry(AUDIT_START, "admin", "admin_user.create", "operator.u1", {"role": "unit_admin", "unit_ids": ["U1"]})
    ]


def test_an_admin_user_is_created_only_with_its_audit_entry_and_named_once(
    unit: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a creation whose audit entry failed (the super admin was told 503), THEN no admin was created unnamed
    with audit_store_fails(monkeypatch, "admin_user.create"):
        admin_users.create_admin_user(SUPER, new_admin())
    assert unit.people.get_admin("operator.u1") is None and audited() == []
    # WHEN the super admin sends the same creation again, and once more (its answer lost)
    admin_users.create_admin_user(SUPER, new_admin())
    again = admin_users.create_admin_user(SUPER, new_admin())
    # THEN it answers the admin the first success stored, whose creation the log names once
    assert (again.username, again.role, again.unit_ids) == ("operator.u1", "unit_admin", frozenset({"U1"}))
    assert audited() == [("admin", "admin_user.create", "operator.u1")]


def test_a_taken_name_with_another_password_or_role_is_still_a_conflict(
    unit: Repositories, audited: AuditTrail
) -> None:
    # GIVEN an admin user
    admin_users.create_admin_user(SUPER, new_admin())
    # WHEN the name is asked for again with another password or role, THEN it is taken (409)
    for change in ({"password": "rahasia-lain-2026"}, {"role": "auditor"}, {"role": "super_admin"}):
        body = CreateAdminUserRequest.model_validate({**new_admin().model_dump(), **change})
        with pytest.raises(ConflictError):
            admin_users.create_admin_user(SUPER, body)
    # AND only the first creation is logged, the stored admin unchanged
    assert audited() == [("admin", "admin_user.create", "operator.u1")]
    stored = unit.people.get_admin("operator.u1")
    assert stored is not None and (stored.role, stored.unit_ids) == ("unit_admin", frozenset({"U1"}))
    # AND once the operator has signed in, even the right password is a conflict: sending the creation again
    # cannot test a working admin's password
    unit.people.record_admin_login("operator.u1", "2026-03-02T01:00:00+00:00")
    with pytest.raises(ConflictError):
        admin_users.create_admin_user(Principal("admin2", "super_admin"), new_admin())
    assert audited() == [("admin", "admin_user.create", "operator.u1")]


def test_a_refused_admin_action_is_not_audited(unit: Repositories, audited: AuditTrail) -> None:
    # WHEN a unit admin tries to create an admin user, THEN it is refused and nothing is logged or created
    with pytest.raises(ForbiddenError):
        admin_users.create_admin_user(U1_ADMIN, new_admin())
    assert audited() == []
    assert unit.people.get_admin("operator.u1") is None


def test_resetting_a_phone_is_audited_under_the_unit_admin(unit: Repositories, audited: AuditTrail) -> None:
    # GIVEN the employee's bound phone
    unit.people.bind_device(NIP, PhoneBinding("android-0001"))
    # WHEN the unit's admin resets it
    onboarding.reset_device(U1_ADMIN, NIP, datetime.now(UTC))
    # THEN the phone is released and the log names the admin and the employee
    assert unit.people.device_owner("android-0001") is None
    assert audited() == [("admin-u1", "employee.reset_device", NIP)]


def test_a_phone_is_released_only_with_its_audit_entry(
    unit: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the employee's bound phone, WHEN the unit admin's reset meets a failing audit store (503)
    unit.people.bind_device(NIP, PhoneBinding("android-0001"))
    with audit_store_fails(monkeypatch, "employee.reset_device"):
        onboarding.reset_device(U1_ADMIN, NIP, datetime.now(UTC))
    # THEN the phone stays bound (an unnamed reset would free the account for another phone), and nothing is named
    assert unit.people.device_owner("android-0001") == NIP and audited() == []
    # WHEN the admin resets it again, THEN it is released and named
    onboarding.reset_device(U1_ADMIN, NIP, datetime.now(UTC))
    assert unit.people.device_owner("android-0001") is None
    assert audited() == [("admin-u1", "employee.reset_device", NIP)]


# --- reading the log within a unit's scope -------------------------------------------------------------

NIP_U2 = "199001012015022002"
U1_AUDITOR = Principal("pemeriksa-u1", "auditor", frozenset({"U1"}))


def _scoped_log(repos: Repositories, audited: AuditTrail) -> None:
    """U1 with Asep, U2 with Budi, and entries about each unit, each employee, a zone and the admins."""
    repos.people.upsert_unit("U1", "SDN 1")
    repos.people.upsert_unit("U2", "SDN 2")
    repos.people.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    repos.people.put_employee(Employee(nip=NIP_U2, nama="Budi", unor_id="U2"))
    for actor, action, target in (
        ("admin", "unit.activation_codes", "U1"),
        ("admin", "unit.activation_codes", "U2"),
        ("admin", "employee.reset_device", NIP),
        ("admin", "employee.reset_device", NIP_U2),
        ("admin", "zone.create", "Z-sekolah"),
        ("admin", "admin_user.create", "operator.u2"),
        ("admin-u1", "employee.activation_code", NIP),
        ("admin-u1", "admin.logout", "admin-u1"),
        ("pemeriksa-u1", "admin.mfa_enable", "pemeriksa-u1"),
        ("ops-u2", "employee.reset_device", NIP_U2),
    ):
        audited.log.record(actor, action, target)


def _read(principal: Principal, **filters: str) -> list[tuple[str, str, str]]:
    query = AuditQuery.model_validate({"from": "2026-03-02", "to": "2026-03-02", **filters})
    now = AUDIT_START + timedelta(hours=1)
    items: list[tuple[str, str, str]] = []
    cursor: str | None = None
    while True:
        page = admin_views.audit_log(principal, query.model_copy(update={"next": cursor}), build_settings({}), now)
        items += [(i.actor, i.action, i.target) for i in page.items]
        if (cursor := page.next) is None:
            return items


@pytest.mark.parametrize(
    ("reader", "own_action"),
    [
        (U1_ADMIN, ("admin-u1", "admin.logout", "admin-u1")),
        (U1_AUDITOR, ("pemeriksa-u1", "admin.mfa_enable", "pemeriksa-u1")),
    ],
)
def test_a_unit_admin_or_auditor_reads_the_entries_about_their_unit_its_employees_and_their_own(
    reader: Principal, own_action: tuple[str, str, str], repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN entries about U1 and U2, their employees, a zone, admin users, and the admins' own actions
    _scoped_log(repos, audited)
    # WHEN the admin or the auditor of U1 reads the day's log
    seen = _read(reader)
    # THEN they see U1, Asep and their own actions, newest first; nothing of U2, Budi, zones or other admins
    assert seen == [
        own_action,
        ("admin-u1", "employee.activation_code", NIP),
        ("admin", "employee.reset_device", NIP),
        ("admin", "unit.activation_codes", "U1"),
    ]


def test_a_unit_admin_s_filters_only_narrow_what_they_read(repos: Repositories, audited: AuditTrail) -> None:
    # GIVEN the same entries
    _scoped_log(repos, audited)
    # WHEN the admin of U1 filters by another unit's employee or the super admin's name, THEN nothing of U2 shows
    assert _read(U1_ADMIN, target=NIP_U2) == []
    assert _read(U1_ADMIN, target="U2") == []
    assert _read(U1_ADMIN, actor="admin") == [
        ("admin", "employee.reset_device", NIP),
        ("admin", "unit.activation_codes", "U1"),
    ]
    # AND the super admin still reads all ten
    assert len(_read(SUPER)) == 10


def test_an_admin_account_named_by_a_nip_of_the_unit_stays_out_of_the_unit_admin_s_log(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN Asep of U1, whose NIP is also the username of an admin account of U2 (a NIP used as a name)
    _scoped_log(repos, audited)
    for action in ("admin_user.create", "admin_user.update", "admin.unlock"):
        audited.log.record("admin", action, NIP, {"unit_ids": ["U2"]})
    # WHEN the admin of U1 reads the log, THEN the entries about that admin account are not theirs to read
    assert [entry for entry in _read(U1_ADMIN) if entry[1].startswith(("admin_user.", "admin.unlock"))] == []
    # AND those about Asep the employee still are
    assert ("admin", "employee.reset_device", NIP) in _read(U1_ADMIN, target=NIP)


def test_the_decisions_on_an_employee_s_requests_and_check_ins_are_read_by_their_unit(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN the super admin's decisions on a request and a check-in of Asep (U1) and of Budi (U2): their targets
    # are the request's and the event's ids, their details name the employee
    _scoped_log(repos, audited)
    for nip, request_id, event_id in ((NIP, "r-0000000000a1", "e-asep"), (NIP_U2, "r-0000000000b2", "e-budi")):
        audited.log.record("admin", "request.approve", request_id, {"nip": nip, "type": "KOREKSI"})
        audited.log.record("admin", "review.reject", event_id, {"nip": nip, "note": "Foto orang lain"})
    # WHEN the admin or the auditor of U1 reads the log by Asep's NIP, THEN they find Asep's decisions
    for reader in (U1_ADMIN, U1_AUDITOR):
        assert _read(reader, target=NIP) == [
            ("admin", "review.reject", "e-asep"),
            ("admin", "request.approve", "r-0000000000a1"),
            ("admin-u1", "employee.activation_code", NIP),
            ("admin", "employee.reset_device", NIP),
        ]
        # AND the whole day's log shows them, never Budi's
        seen = _read(reader)
        assert ("admin", "review.reject", "e-asep") in seen and not {"e-budi", "r-0000000000b2"} & {t for *_, t in seen}
    # AND Budi's NIP uncovers nothing of U2 to them, while the super admin finds Budi's by it
    assert _read(U1_ADMIN, target=NIP_U2) == []
    assert [a for _, a, _ in _read(SUPER, target=NIP_U2)][:2] == ["review.reject", "request.approve"]


def test_the_links_log_stays_the_regency_readers_and_an_employee_reads_no_log(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN the same entries
    _scoped_log(repos, audited)
    # WHEN an auditor or the admin of U1 reads the record of links to personal files, THEN it is 403
    for principal in (U1_AUDITOR, U1_ADMIN):
        with pytest.raises(ForbiddenError):
            _read(principal, action="view")
    # AND an employee still reads nothing
    with pytest.raises(ForbiddenError):
        _read(Principal(NIP, "employee"))


def test_a_unit_admin_walks_past_pages_of_other_units_entries(repos: Repositories, audited: AuditTrail) -> None:
    # GIVEN U1's entry written first, then 2,500 entries about U2's employee (more than one request's read budget)
    _scoped_log(repos, audited)
    for _ in range(2500):
        audited.log.record("ops-u2", "employee.reset_device", NIP_U2)
    # WHEN the admin of U1 reads the day page by page
    seen = _read(U1_ADMIN)
    # THEN the cursor carries them past U2's entries to their own, each once
    assert len(seen) == 4 and seen[-1] == ("admin", "unit.activation_codes", "U1")
