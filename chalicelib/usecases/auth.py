"""Authentication use cases: admin login, employee activation and login with one bound phone, tokens.

Failed logins are counted per account; at the limit the account is locked for a while (RATE_LIMITED).
Unknown accounts cost the same KDF time as known ones so that timing does not reveal which NIPs exist.
An admin with MFA on also needs a fresh one-time password (usecases/mfa.py); a wrong one counts as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib import runtime
from chalicelib.auth import passwords, tokens
from chalicelib.auth.tokens import IssuedToken
from chalicelib.domain.people import AdminUser, Credentials, Employee, EmployeeAccount, Principal
from chalicelib.errors import (
    AccountInactiveError,
    DeviceMismatchError,
    InvalidCredentialsError,
    RateLimitedError,
    UnauthenticatedError,
    ValidationError,
)
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.usecases import mfa
from chalicelib.usecases.schemas.core import ActivateRequest, AdminLoginRequest, EmployeeLoginRequest

_DUMMY_HASH = passwords.hash_secret("timing-equaliser")


@dataclass(frozen=True)
class LoginResult:
    token: IssuedToken
    role: str
    mfa_setup_required: bool = False


def epoch(now: datetime) -> int:
    return int(now.timestamp())


def _check_lock(credentials: Credentials, now: datetime) -> None:
    locked_until = credentials.locked_until
    if locked_until > epoch(now):
        raise RateLimitedError(locked_until - epoch(now))


def _count_failure(credentials: Credentials, settings: Settings, now: datetime) -> None:
    runtime.people().record_login_failure(
        credentials, settings.login_max_failures, settings.login_lockout_s, epoch(now)
    )


def _verify_password(credentials: Credentials, password: str, settings: Settings, now: datetime) -> None:
    """A wrong password is counted; a right one clears nothing yet (a second factor may still fail)."""
    if not passwords.verify_secret(password, credentials.password_hash):
        _count_failure(credentials, settings, now)
        raise InvalidCredentialsError()


def _check_password(credentials: Credentials, password: str, settings: Settings, now: datetime) -> None:
    _verify_password(credentials, password, settings, now)
    runtime.people().clear_login_failures(credentials)


def validate_password(password: object, field: str = "password") -> str:
    if not isinstance(password, str) or not passwords.MIN_PASSWORD_LENGTH <= len(password) <= 128:
        raise ValidationError(
            f"Kata sandi minimal {passwords.MIN_PASSWORD_LENGTH} karakter.", {field: "8 to 128 characters"}
        )
    return password


# --- admins ------------------------------------------------------------------------------------------


def admin_login(request: AdminLoginRequest, settings: Settings, now: datetime) -> LoginResult:
    username, password = request.username, request.password
    account = runtime.people().admin_account(username)
    if account is None:
        passwords.verify_secret(password, _DUMMY_HASH)
        raise InvalidCredentialsError()
    _check_lock(account.credentials, now)
    _verify_password(account.credentials, password, settings, now)
    admin = account.holder
    if admin.mfa_enabled:
        try:
            mfa.check_login_otp(account, request.otp, now)
        except mfa.WrongOtp as exc:
            _count_failure(account.credentials, settings, now)
            raise mfa.wrong_otp() from exc
    runtime.people().clear_login_failures(account.credentials)
    if not admin.active:
        raise AccountInactiveError("Akun admin ini tidak aktif.")
    runtime.people().record_admin_login(admin.username, iso(now))
    principal = Principal(admin.username, admin.role, admin.unit_ids, None, admin.token_version, admin=admin)
    token = tokens.issue(principal, settings.token_secret, settings.token_ttl_s, now)
    return LoginResult(token, admin.role, mfa.setup_required(principal, settings))


# --- employees ---------------------------------------------------------------------------------------


def _employee_for_login(nip: str, now: datetime) -> EmployeeAccount:
    account = runtime.people().employee_account(nip)
    if account is None:
        passwords.verify_secret("x", _DUMMY_HASH)
        raise InvalidCredentialsError()
    _check_lock(account.credentials, now)
    return account


def _employee_token(employee: Employee, device_id: str, settings: Settings, now: datetime) -> IssuedToken:
    principal = Principal(employee.nip, "employee", frozenset({employee.unor_id}), device_id, employee.token_version)
    return tokens.issue(principal, settings.token_secret, settings.token_ttl_s, now)


def _bind(nip: str, device_id: str, password_hash: str | None) -> None:
    try:
        runtime.people().bind_device(nip, device_id, password_hash)
    except ConditionFailed as exc:
        # Either the employee has another phone, or this phone belongs to someone else.
        raise DeviceMismatchError() from exc


def activate(request: ActivateRequest, settings: Settings, now: datetime) -> IssuedToken:
    nip, code, password, device_id = request.nip, request.activation_code, request.password, request.device_id
    account = _employee_for_login(nip, now)
    credentials = account.credentials
    expired = (credentials.activation_expires or 0) <= epoch(now)
    if expired or not passwords.verify_secret(code, credentials.activation_hash):
        runtime.people().record_login_failure(
            credentials, settings.login_max_failures, settings.login_lockout_s, epoch(now)
        )
        raise InvalidCredentialsError("Kode aktivasi salah atau sudah kedaluwarsa.")
    if not account.holder.active:
        raise AccountInactiveError()
    return bind_first_phone(account, device_id, passwords.hash_secret(password), settings, now)


def bind_first_phone(
    account: EmployeeAccount, device_id: str, password_hash: str, settings: Settings, now: datetime
) -> IssuedToken:
    """The writes of a successful activation (phone bound both ways, password set, code spent) and its token.

    Public so that tools preparing many phones (bench/load_checkin.py --fast-setup) write and issue exactly
    what `activate` does, with a password hash computed once instead of one scrypt per phone.
    """
    _bind(account.holder.nip, device_id, password_hash)
    runtime.people().clear_login_failures(account.credentials)
    return _employee_token(account.holder, device_id, settings, now)


def employee_login(request: EmployeeLoginRequest, settings: Settings, now: datetime) -> IssuedToken:
    nip, password, device_id = request.nip, request.password, request.device_id
    account = _employee_for_login(nip, now)
    _check_password(account.credentials, password, settings, now)
    employee = account.holder
    if not employee.active:
        raise AccountInactiveError()
    if employee.device_id is None:
        _bind(employee.nip, device_id, None)
    elif employee.device_id != device_id:
        raise DeviceMismatchError()
    return _employee_token(employee, device_id, settings, now)


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
        employee = runtime.people().get_employee(principal.subject)
        current = None if employee is None else employee.token_version
        principal = replace(principal, employee=employee)
    else:
        # An admin is judged by the stored account, read once here: deactivated, or given another role or other
        # units since the token was issued, the token no longer works (whatever its version).
        admin = runtime.people().get_admin(principal.subject)
        current = None if admin is None or not _token_fits(principal, admin) else admin.token_version
        principal = replace(principal, admin=admin)
    if current is None or current != principal.version:
        raise UnauthenticatedError()
    return principal


def _token_fits(principal: Principal, admin: AdminUser) -> bool:
    return admin.active and admin.role == principal.role and admin.unit_ids == principal.unit_ids


def employee_of(principal: Principal) -> Employee | None:
    """The calling employee's record: the one `authenticate` read, else read now."""
    return principal.employee or runtime.people().get_employee(principal.subject)
