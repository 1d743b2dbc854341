"""Admin users: created by a super admin, scoped to units when they are unit admins."""

from __future__ import annotations

import re

from chalicelib import runtime
from chalicelib.auth import passwords, strength
from chalicelib.domain.people import ADMIN_ROLES, AdminUser, Principal
from chalicelib.errors import ConflictError, ValidationError
from chalicelib.store.base import ConditionFailed
from chalicelib.usecases.access import require_super_admin
from chalicelib.usecases.schemas.core import CreateAdminUserRequest

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,40}$")


def create_admin_user(actor: Principal, request: CreateAdminUserRequest) -> AdminUser:
    username, password, role, unit_ids = request.username, request.password, request.role, request.unit_ids
    require_super_admin(actor)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("Nama pengguna tidak valid.", {"username": "3-40 of a-z 0-9 _ . -"})
    strength.check_password(password, (username,))
    if role not in ADMIN_ROLES:
        raise ValidationError("Peran tidak dikenal.", {"role": f"one of {', '.join(ADMIN_ROLES)}"})
    if role == "unit_admin" and not unit_ids:
        raise ValidationError("Admin unit harus memiliki unit.", {"unit_ids": "required for unit_admin"})
    missing = set(unit_ids) - {u.unor_id for u in runtime.people().get_units(unit_ids)}
    if missing:
        raise ValidationError("Unit tidak ditemukan.", {"unit_ids": sorted(missing)})
    try:
        user = runtime.people().create_admin(username, passwords.hash_secret(password), role, set(unit_ids))
    except ConditionFailed as exc:
        raise ConflictError("Nama pengguna sudah dipakai.", {"username": username}) from exc
    runtime.audit().record(actor.subject, "admin_user.create", username, {"role": role, "unit_ids": sorted(unit_ids)})
    return user
