"""Admin users: created, listed and changed by a super admin, scoped to units when they are unit admins.

Every change bumps the admin's token version (their tokens stop working at once) and is audited. The last
active super admin can be neither deactivated nor demoted: the change is written in one transaction with a
check that the other active super admins are still as read, so two super admins removing each other at the
same instant cannot both succeed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chalicelib import runtime
from chalicelib.auth import passwords, strength
from chalicelib.domain.people import ADMIN_ROLES, AdminChange, AdminUser, Principal
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.store.base import ConditionFailed
from chalicelib.usecases.access import require_regency_reader, require_super_admin
from chalicelib.usecases.schemas.core import (
    AdminUserItem,
    AdminUserList,
    CreateAdminUserRequest,
    UpdateAdminUserRequest,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,40}$")
SUPER_ADMIN = "super_admin"


def _check_role_and_units(role: str, unit_ids: frozenset[str], given_units: Iterable[str] | None) -> None:
    if role not in ADMIN_ROLES:
        raise ValidationError("Peran tidak dikenal.", {"role": f"one of {', '.join(ADMIN_ROLES)}"})
    if role == "unit_admin" and not unit_ids:  # an auditor without units reads the whole regency
        raise ValidationError("Admin unit harus memiliki unit.", {"unit_ids": "required for unit_admin"})
    if given_units is not None:
        missing = set(given_units) - {u.unor_id for u in runtime.people().get_units(list(given_units))}
        if missing:
            raise ValidationError("Unit tidak ditemukan.", {"unit_ids": sorted(missing)})


def _check_nip(nip: str | None) -> None:
    """An admin's own NIP names an employee SMART knows (a typo would leave the guard on nobody)."""
    if nip is not None and runtime.people().get_employee(nip) is None:
        raise ValidationError("NIP tidak ditemukan di data pegawai.", {"nip": "unknown"})


def _kept_units(role: str, units: frozenset[str]) -> frozenset[str]:
    """The units stored with `role`: none for a super admin, who sees every unit anyway. Units kept with that
    role would show in the list as if the admin were limited to them, and a later change of role without units
    would hand them over unseen."""
    return frozenset() if role == SUPER_ADMIN else units


def create_admin_user(actor: Principal, request: CreateAdminUserRequest) -> AdminUser:
    """Create an admin user, audited (`admin_user.create`) in the creation's own transaction: a failed entry (503)
    creates no one. The same creation sent again (its answer lost) answers the admin it made, named no second
    time (`_created_before`)."""
    username, password, role = request.username, request.password, request.role
    require_super_admin(actor)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "Nama pengguna 3-40 karakter: huruf kecil a-z, angka, titik, garis bawah, atau tanda hubung.",
            {"username": "3-40 of a-z 0-9 _ . -"},
        )
    strength.check_password(password, (username, request.nip))
    unit_ids = _kept_units(role, frozenset(request.unit_ids))
    _check_role_and_units(role, unit_ids, unit_ids)
    _check_nip(request.nip)
    detail: dict[str, object] = {"role": role, "unit_ids": sorted(unit_ids)}
    if request.nip is not None:
        detail["nip"] = request.nip
    audit = runtime.audit().stamped(actor.subject, "admin_user.create", {username: detail})
    try:
        admin = AdminUser(username, role, unit_ids, nip=request.nip)
        return runtime.people().create_admin(admin, passwords.hash_secret(password), audit)
    except ConditionFailed as exc:
        earlier = _created_before(request, unit_ids)
        if earlier is None:
            raise ConflictError("Nama pengguna sudah dipakai.", {"username": username}) from exc
        return earlier  # a retry whose first try's answer was lost: stored with its entry, named no second time


def _created_before(request: CreateAdminUserRequest, unit_ids: frozenset[str]) -> AdminUser | None:
    """The admin a name taken already names when it is the one `request` asks for (active, with its role, units,
    NIP and password) and was never used since (no login, no MFA, no change): an earlier try of this creation
    stored it. None when the name is someone else's. Only a new account's password is ever compared, so the
    retry cannot be used to test a working admin's password."""
    account = runtime.people().admin_account(request.username)
    if account is None:
        return None
    admin = account.holder
    asked = (request.role, unit_ids, request.nip, True, None, False, 0)
    if (admin.role, admin.unit_ids, admin.nip, admin.active, admin.last_login_at, admin.mfa_enabled,
            admin.token_version) != asked:  # fmt: skip
        return None
    return admin if passwords.verify_secret(request.password, account.credentials.password_hash) else None


def admin_item(admin: AdminUser) -> AdminUserItem:
    return AdminUserItem(
        username=admin.username,
        role=admin.role,
        unit_ids=sorted(_kept_units(admin.role, admin.unit_ids)),
        active=admin.active,
        mfa_enabled=admin.mfa_enabled,
        last_login_at=admin.last_login_at,
        nip=admin.nip,
    )


def list_admin_users(actor: Principal) -> AdminUserList:
    require_regency_reader(actor)
    return AdminUserList(items=[admin_item(a) for a in runtime.people().list_admins()], next=None)


def _is_active_super_admin(admin: AdminUser) -> bool:
    return admin.active and admin.role == SUPER_ADMIN


def update_admin_user(actor: Principal, username: str, request: UpdateAdminUserRequest) -> AdminUserItem:
    """Change an admin's active flag, role, units, password or own NIP, or forget their second factor (PATCH:
    absent fields are kept; `"nip": null` forgets the NIP)."""
    require_super_admin(actor)
    given = (request.active, request.role, request.unit_ids, request.password, request.mfa_enabled)
    nip_given = "nip" in request.model_fields_set
    if all(value is None for value in given) and not nip_given:
        raise ValidationError(
            "Tidak ada perubahan.", {"body": "one of active, role, unit_ids, password, mfa_enabled, nip"}
        )
    current = runtime.people().get_admin(username)
    if current is None:
        raise NotFoundError("Admin tidak ditemukan.", {"username": username})
    _check_own_credentials(actor, current, request)
    if nip_given:
        _check_own_nip(actor, current, request.nip)
    role = request.role if request.role is not None else current.role
    units = _units_after(current, role, request.unit_ids)
    _check_role_and_units(role, units, units if request.unit_ids is not None else None)
    _check_nip(request.nip)
    password_hash = None
    if request.password is not None:
        strength.check_password(request.password, (username, request.nip if nip_given else current.nip))
        password_hash = passwords.hash_secret(request.password)
    change = AdminChange(
        active=request.active,
        role=request.role,
        unit_ids=None if units == current.unit_ids and request.unit_ids is None else units,
        password_hash=password_hash,
        mfa_off=request.mfa_enabled is False,
        nip=request.nip,
        nip_off=nip_given and request.nip is None,
    )
    after = AdminUser(username, role, units, active=current.active if request.active is None else request.active)
    others: list[AdminUser] = []
    if _is_active_super_admin(current) and not _is_active_super_admin(after):
        others = [a for a in runtime.people().list_admins() if a.username != username and _is_active_super_admin(a)]
        if not others:
            raise ConflictError(
                "Super admin aktif terakhir tidak dapat dinonaktifkan atau diturunkan.", {"username": username}
            )
    entry = runtime.audit().stamped(actor.subject, "admin_user.update", {username: _audited_change(change, current)})
    try:  # audited in the change's transaction: a retry after a failed entry would name the new values as before
        updated = runtime.people().update_admin(current, change, others, entry)
    except ConditionFailed as exc:  # the admin, or one of the other super admins, changed meanwhile
        raise ConflictError("Data admin berubah bersamaan; muat ulang lalu coba lagi.", {"username": username}) from exc
    return admin_item(updated)


def _check_own_credentials(actor: Principal, current: AdminUser, request: UpdateAdminUserRequest) -> None:
    """An admin's own password is changed with the current one (`POST /v1/me/password`) and their own second
    factor is never switched off here: a session alone (a computer left signed in, a stolen token) must not
    re-key the account it was opened on and drop its one-time codes."""
    if actor.subject != current.username:
        return
    if request.password is not None:
        raise ForbiddenError(
            "Kata sandi akun Anda sendiri diganti di menu Akun Saya, dengan kata sandi lama.", {"password": "own"}
        )
    if request.mfa_enabled is False:
        raise ForbiddenError(
            "Verifikasi dua langkah akun Anda sendiri hanya dapat dimatikan oleh super admin lain.",
            {"mfa_enabled": "own"},
        )


def _check_own_nip(actor: Principal, current: AdminUser, nip: str | None) -> None:
    """A super admin who is also an employee may add their NIP to their own account but not forget or change it:
    that would lift the guard on their own record (decision 114) for one request; another super admin does it
    (decision 142)."""
    if actor.subject == current.username and current.nip is not None and nip != current.nip:
        raise ForbiddenError("NIP Anda sendiri hanya dapat diubah atau dihapus oleh super admin lain.", {"nip": "own"})


def _units_after(current: AdminUser, role: str, given: list[str] | None) -> frozenset[str]:
    """The units an admin has after a change to `role`: those given, else their own; a super admin's own units
    (stored before `_kept_units`) are never handed over by a change of role."""
    units = frozenset(given) if given is not None else _kept_units(current.role, current.unit_ids)
    return _kept_units(role, units)


def _audited_change(change: AdminChange, current: AdminUser) -> dict[str, object]:
    """What the audit log says of a change: the fields it sets, a password only as "changed", and under `before`
    what each of those fields was in the account the change was made to (`current`, read for it already), so an
    investigator sees what a role, units or a NIP were changed from."""
    detail: dict[str, object] = {}
    before: dict[str, object] = {}
    if change.active is not None:
        detail["active"], before["active"] = change.active, current.active
    if change.role is not None:
        detail["role"], before["role"] = change.role, current.role
    if change.unit_ids is not None:
        detail["unit_ids"], before["unit_ids"] = sorted(change.unit_ids), sorted(current.unit_ids)
    if change.password_hash is not None:
        detail["password"] = "changed"
    if change.mfa_off:
        detail["mfa_enabled"], before["mfa_enabled"] = False, current.mfa_enabled
    if change.nip is not None or change.nip_off:
        detail["nip"], before["nip"] = change.nip, current.nip
    if before:
        detail["before"] = before
    return detail
