"""Authentication use cases: admin login, employee activation and login with one bound phone, scopes.

Failed logins are counted per account; at the limit the account is locked for a while (RATE_LIMITED).
Unknown accounts cost the same KDF time as known ones so that timing does not reveal which NIPs exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.auth import passwords, tokens
from chalicelib.auth.tokens import IssuedToken
from chalicelib.domain.people import ADMIN_ROLES, AdminUser, Employee, Principal
from chalicelib.errors import (
    AccountInactiveError,
    ConflictError,
    DeviceMismatchError,
    ForbiddenError,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
    ValidationError,
)
from chalicelib.settings import Settings
from chalicelib.store import audit, people
from chalicelib.store.base import ConditionFailed
from chalicelib.store.models import AdminModel, EmployeeModel

USERNAME_PATTERN = re.compile(r"^[a-z0-9_.-]{3,40}$")
_DUMMY_HASH = passwords.hash_secret("timing-equaliser")


@dataclass(frozen=True)
class LoginResult:
    token: IssuedToken
    role: str


def _epoch(now: datetime) -> int:
    return int(now.timestamp())


def _check_lock(model: EmployeeModel | AdminModel, now: datetime) -> None:
    locked_until = int(model.locked_until or 0)
    if locked_until > _epoch(now):
        raise RateLimitedError(locked_until - _epoch(now))


def _check_password(model: EmployeeModel | AdminModel, password: str, settings: Settings, now: datetime) -> None:
    if not passwords.verify_secret(password, model.password_hash):
        people.record_login_failure(model, settings.login_max_failures, settings.login_lockout_s, _epoch(now))
        raise InvalidCredentialsError()
    people.clear_login_failures(model)


def validate_password(password: object, field: str = "password") -> str:
    if not isinstance(password, str) or not passwords.MIN_PASSWORD_LENGTH <= len(password) <= 128:
        raise ValidationError(
            f"Kata sandi minimal {passwords.MIN_PASSWORD_LENGTH} karakter.", {field: "8 to 128 characters"}
        )
    return password


# --- admins ------------------------------------------------------------------------------------------


def admin_login(username: str, password: str, settings: Settings, now: datetime) -> LoginResult:
    model = people.admin_model(username)
    if model is None:
        passwords.verify_secret(password, _DUMMY_HASH)
        raise InvalidCredentialsError()
    _check_lock(model, now)
    _check_password(model, password, settings, now)
    admin = people.admin_user(model)
    principal = Principal(admin.username, admin.role, admin.unit_ids, None, admin.token_version)
    return LoginResult(tokens.issue(principal, settings.token_secret, settings.token_ttl_s, now), admin.role)


def create_admin_user(
    actor: Principal, username: str, password: str, role: str, unit_ids: list[str]
) -> AdminUser:
    require_super_admin(actor)
    if not USERNAME_PATTERN.match(username):
        raise ValidationError("Nama pengguna tidak valid.", {"username": "3-40 of a-z 0-9 _ . -"})
    validate_password(password)
    if role not in ADMIN_ROLES:
        raise ValidationError("Peran tidak dikenal.", {"role": f"one of {', '.join(ADMIN_ROLES)}"})
    if role == "unit_admin" and not unit_ids:
        raise ValidationError("Admin unit harus memiliki unit.", {"unit_ids": "required for unit_admin"})
    missing = set(unit_ids) - {u.unor_id for u in people.get_units(unit_ids)}
    if missing:
        raise ValidationError("Unit tidak ditemukan.", {"unit_ids": sorted(missing)})
    try:
        user = people.create_admin(username, passwords.hash_secret(password), role, set(unit_ids))
    except ConditionFailed as exc:
        raise ConflictError("Nama pengguna sudah dipakai.", {"username": username}) from exc
    audit.record(actor.subject, "admin_user.create", username, {"role": role, "unit_ids": sorted(unit_ids)})
    return user


# --- employees ---------------------------------------------------------------------------------------


def _employee_for_login(nip: str, now: datetime) -> EmployeeModel:
    model = people.employee_model(nip)
    if model is None:
        passwords.verify_secret("x", _DUMMY_HASH)
        raise InvalidCredentialsError()
    _check_lock(model, now)
    return model


def _employee_token(model: EmployeeModel, device_id: str, settings: Settings, now: datetime) -> IssuedToken:
    principal = Principal(model.nip, "employee", frozenset({model.unor_id}), device_id, int(model.token_version or 0))
    return tokens.issue(principal, settings.token_secret, settings.token_ttl_s, now)


def _bind(model: EmployeeModel, device_id: str, password_hash: str | None) -> None:
    try:
        people.bind_device(model.nip, device_id, password_hash)
    except ConditionFailed as exc:
        # Either the employee has another phone, or this phone belongs to someone else.
        raise DeviceMismatchError() from exc


def create_activation(actor: Principal, nip: str, settings: Settings, now: datetime) -> tuple[str, datetime]:
    model = people.employee_model(nip)
    if model is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, model.unor_id)
    if not model.active:
        raise AccountInactiveError()
    code = passwords.new_activation_code()
    expires = _epoch(now) + settings.activation_ttl_s
    people.update_employee(
        nip,
        [
            EmployeeModel.activation_hash.set(passwords.hash_secret(code)),
            EmployeeModel.activation_expires.set(expires),
        ],
    )
    audit.record(actor.subject, "employee.activation_code", nip)
    return code, datetime.fromtimestamp(expires, tz=now.tzinfo)


def activate(
    nip: str, code: str, password: str, device_id: str, *, settings: Settings, now: datetime
) -> IssuedToken:
    model = _employee_for_login(nip, now)
    expired = int(model.activation_expires or 0) <= _epoch(now)
    if expired or not passwords.verify_secret(code, model.activation_hash):
        people.record_login_failure(model, settings.login_max_failures, settings.login_lockout_s, _epoch(now))
        raise InvalidCredentialsError("Kode aktivasi salah atau sudah kedaluwarsa.")
    if not model.active:
        raise AccountInactiveError()
    return bind_first_phone(model, device_id, passwords.hash_secret(password), settings, now)


def bind_first_phone(
    model: EmployeeModel, device_id: str, password_hash: str, settings: Settings, now: datetime
) -> IssuedToken:
    """The writes of a successful activation (phone bound both ways, password set, code spent) and its token.

    Public so that tools preparing many phones (bench/load_checkin.py --fast-setup) write and issue exactly
    what `activate` does, with a password hash computed once instead of one scrypt per phone.
    """
    _bind(model, device_id, password_hash)
    people.clear_login_failures(model)
    return _employee_token(model, device_id, settings, now)


def employee_login(nip: str, password: str, device_id: str, settings: Settings, now: datetime) -> IssuedToken:
    model = _employee_for_login(nip, now)
    _check_password(model, password, settings, now)
    if not model.active:
        raise AccountInactiveError()
    if model.device_id is None:
        _bind(model, device_id, None)
    elif model.device_id != device_id:
        raise DeviceMismatchError()
    return _employee_token(model, device_id, settings, now)


def reset_device(actor: Principal, nip: str) -> None:
    model = people.employee_model(nip)
    if model is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, model.unor_id)
    people.release_device(nip, model.device_id)
    audit.record(actor.subject, "employee.reset_device", nip)


# --- requests ----------------------------------------------------------------------------------------


def token_principal(header: str | None, settings: Settings, now: datetime) -> Principal:
    """The principal of a well-signed, unexpired bearer token, WITHOUT the revocation check (no read).

    Only for answers that grant nothing by themselves (the check-in challenge: the check-in that uses it
    authenticates fully and checks the account and the phone).
    """
    if not header or not header.startswith("Bearer "):
        raise UnauthenticatedError()
    return tokens.verify(header[len("Bearer ") :].strip(), settings.token_secret, now)


def authenticate(header: str | None, settings: Settings, now: datetime) -> Principal:
    """Turn an Authorization header into a principal whose token is not revoked."""
    principal = token_principal(header, settings, now)
    if principal.role == "employee":
        employee = people.get_employee(principal.subject)
        current = None if employee is None else employee.token_version
        principal = replace(principal, employee=employee)
    else:
        model = people.admin_model(principal.subject)
        current = None if model is None else int(model.token_version or 0)
    if current is None or current != principal.version:
        raise UnauthenticatedError()
    return principal


def employee_of(principal: Principal) -> Employee | None:
    """The calling employee's record: the one `authenticate` read, else read now."""
    return principal.employee or people.get_employee(principal.subject)


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise ForbiddenError()


def require_super_admin(principal: Principal) -> None:
    if not principal.is_super_admin:
        raise ForbiddenError()


def require_unit_scope(principal: Principal, unor_id: str) -> None:
    """A unit admin acts only inside their units; a super admin everywhere; an employee never here."""
    require_admin(principal)
    if not principal.is_super_admin and unor_id not in principal.unit_ids:
        raise ForbiddenError()


def visible_units(principal: Principal, requested: str | None) -> list[str] | None:
    """Units an admin may read: None means all (super admin without a filter)."""
    require_admin(principal)
    if requested:
        require_unit_scope(principal, requested)
        return [requested]
    return None if principal.is_super_admin else sorted(principal.unit_ids)
