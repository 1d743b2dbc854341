"""Admin actions leave their entry in the audit log (in-memory twins), and a refused one leaves none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib import runtime
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError, ForbiddenError, UnavailableError
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_users, onboarding
from chalicelib.usecases.schemas.core import CreateAdminUserRequest

from .admin_fixtures import AUDIT_START, AuditTrail, audited
from .test_request_failures import audit_of, failing

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


def test_an_admin_user_created_again_after_its_audit_entry_failed_is_audited(
    unit: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin user stored, whose audit entry then failed (the super admin was told 503)
    with (
        failing(monkeypatch, runtime.audit(), "record", when=audit_of("admin_user.create")),
        pytest.raises(UnavailableError),
    ):
        admin_users.create_admin_user(SUPER, new_admin())
    # WHEN the super admin sends the same creation again
    again = admin_users.create_admin_user(SUPER, new_admin())
    # THEN it answers the admin the first try stored, and the log now holds its creation
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


def test_a_refused_admin_action_is_not_audited(unit: Repositories, audited: AuditTrail) -> None:
    # WHEN a unit admin tries to create an admin user, THEN it is refused and nothing is logged or created
    with pytest.raises(ForbiddenError):
        admin_users.create_admin_user(U1_ADMIN, new_admin())
    assert audited() == []
    assert unit.people.get_admin("operator.u1") is None


def test_resetting_a_phone_is_audited_under_the_unit_admin(unit: Repositories, audited: AuditTrail) -> None:
    # GIVEN the employee's bound phone
    unit.people.bind_device(NIP, "android-0001", None)
    # WHEN the unit's admin resets it
    onboarding.reset_device(U1_ADMIN, NIP, datetime.now(UTC))
    # THEN the phone is released and the log names the admin and the employee
    assert unit.people.device_owner("android-0001") is None
    assert audited() == [("admin-u1", "employee.reset_device", NIP)]
