"""Admin actions leave their entry in the audit log (in-memory twins), and a refused one leaves none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_users, onboarding
from chalicelib.usecases.schemas.core import CreateAdminUserRequest

from .admin_fixtures import AUDIT_START, AuditTrail, audited

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
