"""Admin actions leave their entry in the audit log (in-memory twins), and a refused one leaves none."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib import runtime
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError
from chalicelib.store.memory.audit import InMemoryAuditRepository
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_users, onboarding
from chalicelib.usecases.schemas.core import CreateAdminUserRequest

NOW = datetime(2026, 12, 3, 8, 15, 30, tzinfo=UTC)
NIP = "198501012010011001"
SUPER = Principal("admin", "super_admin")
U1_ADMIN = Principal("admin-u1", "unit_admin", frozenset({"U1"}))


@pytest.fixture
def audited(repos: Repositories) -> Repositories:
    """The twins, with an audit log whose clock stands at NOW."""
    stamped = replace(repos, audit=InMemoryAuditRepository(lambda: NOW))
    runtime.use_repositories(stamped)
    stamped.people.upsert_unit("U1", "SDN 1")
    stamped.people.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    return stamped


def new_admin(role: str = "unit_admin") -> CreateAdminUserRequest:
    return CreateAdminUserRequest.model_validate(
        {"username": "operator.u1", "password": "rahasia-2026", "role": role, "unit_ids": ["U1"]}
    )


def test_creating_an_admin_user_is_audited(audited: Repositories) -> None:
    # WHEN the super admin creates a unit admin
    admin_users.create_admin_user(SUPER, new_admin())
    # THEN the log of the day holds who created whom, with the role and units, and no password
    assert audited.audit.entries_of_day(NOW.date()) == [
        AuditEntry(NOW, "admin", "admin_user.create", "operator.u1", {"role": "unit_admin", "unit_ids": ["U1"]})
    ]


def test_a_refused_admin_action_is_not_audited(audited: Repositories) -> None:
    # WHEN a unit admin tries to create an admin user, THEN it is refused and nothing is logged or created
    with pytest.raises(ForbiddenError):
        admin_users.create_admin_user(U1_ADMIN, new_admin())
    assert audited.audit.entries_of_day(NOW.date()) == []
    assert audited.people.get_admin("operator.u1") is None


def test_resetting_a_phone_is_audited_under_the_unit_admin(audited: Repositories) -> None:
    # GIVEN the employee's bound phone
    audited.people.bind_device(NIP, "android-0001", None)
    # WHEN the unit's admin resets it
    onboarding.reset_device(U1_ADMIN, NIP)
    # THEN the phone is released and the log names the admin and the employee
    assert audited.people.device_owner("android-0001") is None
    assert [(e.actor, e.action, e.target) for e in audited.audit.entries_of_day(NOW.date())] == [
        ("admin-u1", "employee.reset_device", NIP)
    ]
