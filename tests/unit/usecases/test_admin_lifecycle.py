"""Admin users listed and changed by a super admin, the last active super admin kept, and every admin request
judged by the stored account (in-memory twins)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chalicelib.auth import passwords, tokens
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import AdminUser, Employee, Principal
from chalicelib.errors import (
    AccountInactiveError,
    ConflictError,
    ForbiddenError,
    InvalidCredentialsError,
    NotFoundError,
    UnauthenticatedError,
    ValidationError,
    WeakPasswordError,
)
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import access, admin_users, auth
from chalicelib.usecases.schemas.core import (
    AdminLoginRequest,
    ChangePasswordRequest,
    CreateAdminUserRequest,
    UpdateAdminUserRequest,
)

from .admin_fixtures import AUDIT_START, AuditTrail, audited, settings
from .test_request_failures import audit_store_fails

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
PASSWORD = "rahasia-2026"


@pytest.fixture
def admins(repos: Repositories) -> Repositories:
    """Units U1 and U2; super admins `root` and `kepala`, unit admin `budi` of U1 (all with PASSWORD)."""
    repos.people.upsert_unit("U1", "SDN 1")
    repos.people.upsert_unit("U2", "SDN 2")
    hashed = passwords.hash_secret(PASSWORD)
    repos.people.create_admin(AdminUser("root", "super_admin"), hashed)
    repos.people.create_admin(AdminUser("kepala", "super_admin"), hashed)
    repos.people.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), hashed)
    return repos


def principal(repos: Repositories, username: str) -> Principal:
    """The principal a request of `username` gets now (as authenticate builds it)."""
    admin = repos.people.get_admin(username)
    assert admin is not None
    return Principal(admin.username, admin.role, admin.unit_ids, None, admin.token_version, admin=admin)


def patch(**fields: object) -> UpdateAdminUserRequest:
    return UpdateAdminUserRequest.model_validate(fields)


def login(username: str, settings: Settings) -> str:
    result = auth.admin_login(AdminLoginRequest(username=username, password=PASSWORD), settings, NOW)
    return f"Bearer {result.token.token}"


def test_a_super_admin_lists_every_admin_with_its_state(admins: Repositories, settings: Settings) -> None:
    login("budi", settings)
    listed = admin_users.list_admin_users(principal(admins, "root"))
    assert [i.model_dump() for i in listed.items] == [
        {"username": "budi", "role": "unit_admin", "unit_ids": ["U1"], "active": True, "mfa_enabled": False,
         "last_login_at": "2026-12-03T01:00:00+00:00"},
        {"username": "kepala", "role": "super_admin", "unit_ids": [], "active": True, "mfa_enabled": False,
         "last_login_at": None},
        {"username": "root", "role": "super_admin", "unit_ids": [], "active": True, "mfa_enabled": False,
         "last_login_at": None},
    ]  # fmt: skip
    # AND a unit admin may neither list nor change admins
    with pytest.raises(ForbiddenError):
        admin_users.list_admin_users(principal(admins, "budi"))
    with pytest.raises(ForbiddenError):
        admin_users.update_admin_user(principal(admins, "budi"), "budi", patch(unit_ids=["U1", "U2"]))


def test_a_change_is_stored_audited_and_ends_the_admins_sessions(
    admins: Repositories, settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN budi is logged in
    header = login("budi", settings)
    assert auth.authenticate(header, settings, NOW).unit_ids == {"U1"}
    # WHEN root moves budi to U2 and sets a new password
    item = admin_users.update_admin_user(
        principal(admins, "root"), "budi", patch(unit_ids=["U2"], password="kata-sandi-baru")
    )
    # THEN the change is answered and stored, and the audit entry has no password
    assert (item.unit_ids, item.role, item.active) == (["U2"], "unit_admin", True)
    assert audited.entries() == [
        AuditEntry(
            AUDIT_START,
            "root",
            "admin_user.update",
            "budi",
            {"unit_ids": ["U2"], "password": "changed", "before": {"unit_ids": ["U1"]}},
        )
    ]
    # AND budi's old token no longer works; the new password does
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(header, settings, NOW)
    fresh = auth.admin_login(AdminLoginRequest(username="budi", password="kata-sandi-baru"), settings, NOW)
    assert auth.authenticate(f"Bearer {fresh.token.token}", settings, NOW).unit_ids == {"U2"}
    # WHEN root then makes budi a regency-wide auditor, deactivated, with his NIP (he is a teacher too)
    admins.people.put_employee(Employee("198501012010011001", "Budi", "U1"))
    admin_users.update_admin_user(
        principal(admins, "root"), "budi", patch(role="auditor", unit_ids=[], active=False, nip="198501012010011001")
    )
    # THEN the entry says what each field it sets was before (no password is ever shown)
    change = audited.entries()[-1].detail
    assert change == {
        "active": False, "role": "auditor", "unit_ids": [], "nip": "198501012010011001",
        "before": {"active": True, "role": "unit_admin", "unit_ids": ["U2"], "nip": None},
    }  # fmt: skip


def test_a_token_whose_role_units_or_activity_differ_from_the_stored_account_is_refused(
    admins: Repositories, settings: Settings
) -> None:
    # GIVEN budi's account as stored, and tokens signed with the right key and version but other claims
    # (as if the account was changed without a version bump, e.g. by hand in the table)
    budi = admins.people.get_admin("budi")
    assert budi is not None

    def header(role: str, units: frozenset[str]) -> str:
        token = tokens.issue(Principal("budi", role, units, None, 0), settings.token_secret, 3600, NOW)
        return f"Bearer {token.token}"

    assert auth.authenticate(header("unit_admin", frozenset({"U1"})), settings, NOW).admin == budi
    for role, units in (("super_admin", frozenset()), ("unit_admin", frozenset({"U1", "U2"}))):
        with pytest.raises(UnauthenticatedError):
            auth.authenticate(header(role, units), settings, NOW)


def test_a_deactivated_admin_can_neither_use_a_token_nor_log_in_until_reactivated(
    admins: Repositories, settings: Settings
) -> None:
    header = login("budi", settings)
    admin_users.update_admin_user(principal(admins, "root"), "budi", patch(active=False))
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(header, settings, NOW)
    with pytest.raises(AccountInactiveError):
        login("budi", settings)
    admin_users.update_admin_user(principal(admins, "root"), "budi", patch(active=True))
    assert auth.authenticate(login("budi", settings), settings, NOW).subject == "budi"


def test_an_admin_whose_own_employee_record_simpeg_deactivated_is_signed_out_until_reactivated(
    admins: Repositories, settings: Settings
) -> None:
    # GIVEN budi, unit admin of U1 and a teacher there (his NIP on his account), signed in; root, a super admin
    # with a NIP too
    admins.people.put_employee(Employee(OWN_NIP, "Budi", "U1"))
    admins.people.put_employee(Employee(ROOT_NIP, "Root", "U2"))
    admin_users.update_admin_user(principal(admins, "root"), "budi", patch(nip=OWN_NIP))
    admin_users.update_admin_user(principal(admins, "kepala"), "root", patch(nip=ROOT_NIP))
    header = login("budi", settings)
    # WHEN SIMPEG deactivates both employees (budi transferred out of the regency, root retired)
    for nip in (OWN_NIP, ROOT_NIP):
        employee = admins.people.get_employee(nip)
        assert employee is not None
        admins.people.put_employee(replace(employee, active=False))
    # THEN budi's token stops at once (as a deactivated admin's: the console signs him out) and his login is
    # refused in words: no more of his former unit's selfies and letters
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(header, settings, NOW)
    with pytest.raises(AccountInactiveError) as refused:
        login("budi", settings)
    assert "SIMPEG" in (refused.value.message or "")
    # AND a super admin is not locked out by SIMPEG (the regency's way back in; another super admin ends them)
    assert auth.authenticate(login("root", settings), settings, NOW).subject == "root"
    # WHEN SIMPEG reactivates budi (the transfer undone), THEN he signs in again
    employee = admins.people.get_employee(OWN_NIP)
    assert employee is not None
    admins.people.put_employee(replace(employee, active=True))
    assert auth.authenticate(login("budi", settings), settings, NOW).subject == "budi"


def test_the_last_active_super_admin_can_be_neither_deactivated_nor_demoted(admins: Repositories) -> None:
    root = principal(admins, "root")
    # GIVEN kepala is deactivated: root is the last active super admin
    admin_users.update_admin_user(root, "kepala", patch(active=False))
    # WHEN root deactivates or demotes themself, THEN 409 and nothing changes
    for change in (patch(active=False), patch(role="unit_admin", unit_ids=["U1"])):
        with pytest.raises(ConflictError):
            admin_users.update_admin_user(root, "root", change)
    assert admins.people.get_admin("root") == AdminUser("root", "super_admin")
    # BUT a change that keeps them an active super admin is fine, and so is demoting the inactive one
    admin_users.update_admin_user(root, "root", patch(active=True, role="super_admin"))
    admin_users.update_admin_user(principal(admins, "root"), "kepala", patch(role="unit_admin", unit_ids=["U2"]))


def test_two_super_admins_removing_each_other_at_once_leave_one_active(admins: Repositories) -> None:
    # GIVEN root and kepala, the only super admins, each about to deactivate the other
    actors = {"root": principal(admins, "root"), "kepala": principal(admins, "kepala")}
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def remove(actor: str, target: str) -> None:
        barrier.wait()
        try:
            admin_users.update_admin_user(actors[actor], target, patch(active=False))
            outcomes[actor] = "done"
        except ConflictError:
            outcomes[actor] = "conflict"

    threads = [threading.Thread(target=remove, args=pair) for pair in (("root", "kepala"), ("kepala", "root"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN one of them wins, the other gets 409, and one super admin stays active
    assert sorted(outcomes.values()) == ["conflict", "done"]
    active_supers = [a for a in admins.people.list_admins() if a.role == "super_admin" and a.active]
    assert len(active_supers) == 1


def test_bad_changes_are_refused(admins: Repositories) -> None:
    root = principal(admins, "root")
    with pytest.raises(ValidationError):
        admin_users.update_admin_user(root, "budi", patch())
    with pytest.raises(ValidationError):
        admin_users.update_admin_user(root, "budi", patch(role="raja"))
    with pytest.raises(ValidationError):
        admin_users.update_admin_user(root, "budi", patch(unit_ids=[]))
    with pytest.raises(ValidationError):
        admin_users.update_admin_user(root, "budi", patch(unit_ids=["U9"]))
    with pytest.raises(NotFoundError):
        admin_users.update_admin_user(root, "nobody", patch(active=False))
    assert admins.people.get_admin("budi") == AdminUser("budi", "unit_admin", frozenset({"U1"}))


def test_a_super_admin_keeps_no_units_so_a_later_demotion_hands_none_over_unseen(admins: Repositories) -> None:
    root = principal(admins, "root")
    # GIVEN a super admin created with units (as the console sent them when the role was switched after picking)
    created = admin_users.create_admin_user(
        root, CreateAdminUserRequest(username="sari", password=PASSWORD, role="super_admin", unit_ids=["U1"])
    )
    # THEN none are stored: the list would show "U1" for an admin who sees the whole regency
    assert created == AdminUser("sari", "super_admin") == admins.people.get_admin("sari")
    # AND a unit admin promoted to super admin loses their units
    item = admin_users.update_admin_user(root, "budi", patch(role="super_admin"))
    assert (item.role, item.unit_ids) == ("super_admin", [])
    # AND a super admin stored with units by older code is not demoted into them: units must be named
    admins.people.create_admin(AdminUser("lama", "super_admin", frozenset({"U2"})), passwords.hash_secret(PASSWORD))
    listed = {item.username: item.unit_ids for item in admin_users.list_admin_users(root).items}
    assert listed["lama"] == []  # listed as what they are: regency-wide
    for name in ("budi", "lama"):
        with pytest.raises(ValidationError):
            admin_users.update_admin_user(root, name, patch(role="unit_admin"))
        demoted = admin_users.update_admin_user(root, name, patch(role="unit_admin", unit_ids=["U1"]))
        assert demoted.unit_ids == ["U1"]
    # AND without units a demotion to auditor reads the whole regency, not the units once stored
    assert admin_users.update_admin_user(root, "sari", patch(role="auditor")).unit_ids == []


# --- an admin who is also an employee ---------------------------------------------------------------------

OWN_NIP = "198501012010011001"
ROOT_NIP = "197001012000011003"
OTHER_NIP = "199002022015032002"


def test_an_admin_s_own_nip_must_name_a_known_employee_and_can_be_forgotten(admins: Repositories) -> None:
    root = principal(admins, "root")
    body = {"username": "siti", "password": "kuat-sekali-1", "role": "unit_admin", "unit_ids": ["U1"]}
    # WHEN the NIP names nobody, THEN the admin is not created
    with pytest.raises(ValidationError) as unknown:
        admin_users.create_admin_user(root, CreateAdminUserRequest.model_validate({**body, "nip": OWN_NIP}))
    assert unknown.value.details == {"nip": "unknown"} and admins.people.get_admin("siti") is None
    # GIVEN the employee, WHEN created with their NIP, THEN the admin carries it and the list shows it
    admins.people.put_employee(Employee(OWN_NIP, "Siti", "U1"))
    created = admin_users.create_admin_user(root, CreateAdminUserRequest.model_validate({**body, "nip": OWN_NIP}))
    assert created.nip == OWN_NIP
    listed = {a.username: a for a in admin_users.list_admin_users(root).items}
    assert listed["siti"].nip == OWN_NIP and listed["budi"].nip is None
    # WHEN a change leaves the NIP out, THEN it is kept; WHEN it sends null, THEN it is forgotten
    assert admin_users.update_admin_user(root, "siti", patch(active=False)).nip == OWN_NIP
    assert admin_users.update_admin_user(root, "siti", patch(nip=None)).nip is None
    with pytest.raises(ValidationError):
        admin_users.update_admin_user(root, "siti", patch(nip="199912312020121001"))
    assert admin_users.update_admin_user(root, "siti", patch(nip=OWN_NIP)).nip == OWN_NIP


def test_an_admin_s_password_may_not_contain_their_own_nip(admins: Repositories, settings: Settings) -> None:
    # GIVEN an operator who is also an employee
    root = principal(admins, "root")
    admins.people.put_employee(Employee(OWN_NIP, "Siti", "U1"))
    body = {"username": "siti", "role": "unit_admin", "unit_ids": ["U1"], "nip": OWN_NIP}
    with_nip = f"kopi-{OWN_NIP}"
    # WHEN created, changed by the super admin, or changed by the operator with a password holding that NIP,
    # THEN each is refused as WEAK_PASSWORD (contains_identity), as an employee's would be
    with pytest.raises(WeakPasswordError) as created:
        admin_users.create_admin_user(root, CreateAdminUserRequest.model_validate({**body, "password": with_nip}))
    assert created.value.details == {"password": "contains_identity"}
    admin_users.create_admin_user(root, CreateAdminUserRequest.model_validate({**body, "password": PASSWORD}))
    with pytest.raises(WeakPasswordError):
        admin_users.update_admin_user(root, "siti", patch(password=with_nip))
    siti = principal(admins, "siti")
    change = ChangePasswordRequest(current_password=PASSWORD, new_password=f"x{OWN_NIP}x")
    with pytest.raises(WeakPasswordError) as own:
        auth.change_password(siti, change, settings, NOW, None)
    assert own.value.details == {"new_password": "contains_identity"}
    # AND a NIP given in the same change counts, while an admin without one is judged by the user name alone
    admin_users.update_admin_user(root, "siti", patch(nip=None))
    with pytest.raises(WeakPasswordError):
        admin_users.update_admin_user(root, "siti", patch(password=with_nip, nip=OWN_NIP))
    assert admin_users.update_admin_user(root, "siti", patch(password=with_nip)).nip is None


def test_a_super_admin_cannot_lift_the_guard_on_their_own_record_by_forgetting_their_nip(
    admins: Repositories, audited: AuditTrail
) -> None:
    # GIVEN a super admin who is also an employee, her NIP on her account
    admins.people.put_employee(Employee(OWN_NIP, "Siti", "U1"))
    admins.people.put_employee(Employee(OTHER_NIP, "Sinta", "U1"))
    hashed = passwords.hash_secret(PASSWORD)
    admins.people.create_admin(AdminUser("siti", "super_admin"), hashed)
    admin_users.update_admin_user(principal(admins, "root"), "siti", patch(nip=OWN_NIP))
    siti = principal(admins, "siti")
    # WHEN she forgets it, or swaps it for a colleague's, on her own account (approve her own late check-in, then
    # put it back)
    for change in (patch(nip=None), patch(nip=OTHER_NIP)):
        with pytest.raises(ForbiddenError) as refused:
            admin_users.update_admin_user(siti, "siti", change)
        # THEN it is refused, and her account keeps the NIP that guards her record
        assert refused.value.details == {"nip": "own"}
    stored = admins.people.get_admin("siti")
    assert stored is not None and stored.nip == OWN_NIP
    assert audited() == [("root", "admin_user.update", "siti")]  # the NIP put on her account, nothing since
    # AND her other changes to herself, and the NIP sent unchanged, still go through
    assert admin_users.update_admin_user(siti, "siti", patch(nip=OWN_NIP, active=True)).nip == OWN_NIP
    # AND another super admin forgets it, when she is no longer an employee of the regency
    assert admin_users.update_admin_user(principal(admins, "root"), "siti", patch(nip=None)).nip is None


def test_a_super_admin_may_add_their_own_nip_to_their_account(admins: Repositories) -> None:
    # Adding it only guards their record: the bootstrap super admin of a small regency may be the only one
    admins.people.put_employee(Employee(OWN_NIP, "Siti", "U1"))
    assert admin_users.update_admin_user(principal(admins, "root"), "root", patch(nip=OWN_NIP)).nip == OWN_NIP


def test_the_guard_refuses_only_the_admin_s_own_nip() -> None:
    siti = Principal("siti", "unit_admin", frozenset({"U1"}), admin=AdminUser("siti", "unit_admin", nip=OWN_NIP))
    with pytest.raises(ForbiddenError) as own:
        access.require_not_own(siti, "199002022015032002", OWN_NIP)
    assert own.value.details == {"nip": "own"}
    access.require_not_own(siti, "199002022015032002")  # a colleague
    budi = Principal("budi", "unit_admin", frozenset({"U1"}), admin=AdminUser("budi", "unit_admin"))
    access.require_not_own(budi, OWN_NIP)  # an admin who is no employee
    access.require_not_own(Principal("budi", "unit_admin", frozenset({"U1"})), OWN_NIP)  # no stored record read


def test_an_admin_s_own_password_change_is_audited_without_the_password(
    admins: Repositories, settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN budi, logged in (a session a colleague could be using at his desk)
    budi = principal(admins, "budi")
    # WHEN his own password change is sent with a wrong current one, THEN it changes nothing and is not audited
    wrong = ChangePasswordRequest(current_password="salah-sekali-1", new_password="kopi-pagi-2026")
    with pytest.raises(InvalidCredentialsError):
        auth.change_password(budi, wrong, settings, NOW, None)
    assert audited.entries() == []
    # WHEN the change's audit entry fails (503), THEN the password is not changed unaudited
    change = ChangePasswordRequest(current_password=PASSWORD, new_password="kopi-pagi-2026")
    with audit_store_fails(monkeypatch, "admin_user.password"):
        auth.change_password(budi, change, settings, NOW, None)
    login("budi", settings)
    # WHEN it is sent again, THEN the password is changed and the log says who changed whose (not to what)
    auth.change_password(budi, change, settings, NOW, None)
    named = [(e.actor, e.action, e.target, e.detail) for e in audited.entries()]  # once, the failed try unnamed
    assert named == [("budi", "admin_user.password", "budi", {"password": "changed"})]
