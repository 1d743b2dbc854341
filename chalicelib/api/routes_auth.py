"""Routes: health, authentication, activation codes and phones, admin users (API.md sections 1-2)."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.auth.tokens import IssuedToken
from chalicelib.domain.people import validate_nip
from chalicelib.settings import VERSION
from chalicelib.store.base import iso
from chalicelib.usecases import admin_users, auth, mfa, onboarding
from chalicelib.usecases.schemas import core as schema
from chalicelib.usecases.schemas.common import OnePageQuery

bp = Routes(__name__, tag="auth")
# What an employee's activation or login may answer besides success.
EMPLOYEE_LOGIN_ERRORS = ("INVALID_CREDENTIALS", "RATE_LIMITED", "ACCOUNT_INACTIVE", "DEVICE_MISMATCH")


def _employee_token(token: IssuedToken) -> schema.EmployeeToken:
    return schema.EmployeeToken(token=token.token, expires_at=iso(token.expires_at))


@endpoint(bp, "GET /v1/health", auth_as="none", tag="health")
def health(call: Call) -> schema.Health:
    """Liveness and version.

    **Roles:** none.
    """
    return schema.Health(status="ok", version=VERSION)


@endpoint(
    bp,
    "POST /v1/auth/admin/login",
    auth_as="none",
    errors=("INVALID_CREDENTIALS", "RATE_LIMITED", "ACCOUNT_INACTIVE"),
)
def admin_login(call: Call, body: schema.AdminLoginRequest) -> schema.AdminToken:
    """Admin login (user name, password, and the authenticator's code once MFA is on).

    **Roles:** none. At most 5 wrong passwords (or one-time codes) per account in 15 minutes are evaluated,
    and 30 failed logins per source address a minute; beyond them 429 `RATE_LIMITED` with `Retry-After`, a
    right password too. A wrong or reused `otp` counts as a failure, a missing one answers 401
    `INVALID_CREDENTIALS` with `details.otp = "required"`. 403 `ACCOUNT_INACTIVE` for a deactivated admin. In
    the `local` stage a super admin `admin` is created from `SMART_BOOTSTRAP_ADMIN_PASSWORD`.
    """
    result = auth.admin_login(body, call.settings, call.now, call.source_address)
    return schema.AdminToken(
        token=result.token.token,
        role=result.role,
        expires_at=iso(result.token.expires_at),
        mfa_setup_required=result.mfa_setup_required,
        nip=result.nip,
        sees_all_units=result.sees_all_units,
        mfa_enabled=result.mfa_enabled,
        timezone=call.settings.timezone,
    )


@endpoint(bp, "POST /v1/auth/activate", auth_as="none", errors=(*EMPLOYEE_LOGIN_ERRORS, "WEAK_PASSWORD", "FORBIDDEN"))
def activate(call: Call, body: schema.ActivateRequest) -> schema.EmployeeToken:
    """First employee login with a one-time activation code; binds the phone.

    **Roles:** none. Sets the employee's password (400 `WEAK_PASSWORD` when it breaks the rule) and binds
    `device_id` to the employee. A wrong code counts as a failed login, within the same limits as a password
    (429 `RATE_LIMITED`); a right code past its time is 401 `INVALID_CREDENTIALS` saying so
    (`details.activation_code` `expired`, `expired_at`), not counted: its holder has a real card. A code for an
    account activated before, issued by an admin who put one of the employee's faces on within 7 days, is
    refused (403 `FORBIDDEN`, `details.reason` `four_eyes`; nothing is written, the employee asks another admin
    for a code).
    """
    return _employee_token(auth.activate(body, call.settings, call.now, call.source_address))


@endpoint(bp, "POST /v1/auth/login", auth_as="none", errors=EMPLOYEE_LOGIN_ERRORS)
def employee_login(call: Call, body: schema.EmployeeLoginRequest) -> schema.EmployeeToken:
    """Employee login from the bound phone.

    **Roles:** none. 403 `DEVICE_MISMATCH` when the phone is not the bound one (it counts as a failed attempt
    towards the 429 `RATE_LIMITED` limits; an admin's device reset clears the account's); when no phone is bound
    (after a reset) this phone gets bound. Failed attempts are limited per account and per source address (an
    IPv6 address by its /64).
    """
    return _employee_token(auth.employee_login(body, call.settings, call.now, call.source_address))


@endpoint(
    bp,
    "POST /v1/admin/employees/{nip}/activation",
    auth_as="admin",
    status=201,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
)
def create_activation(call: Call, nip: str) -> schema.ActivationCode:
    """Issue a one-time activation code for an employee.

    **Roles:** unit_admin (own units), super_admin. 403 `ACCOUNT_INACTIVE` for an inactive employee; 403 for
    an activated employee (a code would move their account to another phone) to an admin who enrolled one of
    their faces within 7 days (four eyes, `details.reason` four_eyes: another admin issues it).
    """
    code, expires = onboarding.create_activation(call.principal, validate_nip(nip), call.settings, call.now)
    return schema.ActivationCode(activation_code=code, expires_at=iso(expires))


@endpoint(bp, "POST /v1/admin/employees/{nip}/reset-device", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def reset_device(call: Call, nip: str) -> schema.DeviceReleased:
    """Release the employee's bound phone.

    **Roles:** unit_admin (own units), super_admin. The next activation/login binds a new phone. 403 for the
    admin's own record, and for an admin who enrolled one of the employee's faces within 7 days
    (four eyes: another admin resets).
    """
    onboarding.reset_device(call.principal, validate_nip(nip), call.now)
    return schema.DeviceReleased(nip=nip, device_bound=False)


@endpoint(bp, "POST /v1/admin/users", auth_as="super_admin", status=201, errors=("CONFLICT", "WEAK_PASSWORD"))
def create_admin_user(call: Call, body: schema.CreateAdminUserRequest) -> schema.AdminUserView:
    """Create an admin user.

    **Roles:** super_admin. A `unit_admin` needs at least one existing unit in `unit_ids`.
    """
    user = admin_users.create_admin_user(call.principal, body)
    return schema.AdminUserView(username=user.username, role=user.role, unit_ids=sorted(user.unit_ids), nip=user.nip)


@endpoint(
    bp,
    "POST /v1/me/password",
    auth_as="any",
    errors=("WEAK_PASSWORD", "INVALID_CREDENTIALS", "RATE_LIMITED"),
    own_account=True,
)
def change_password(call: Call, body: schema.ChangePasswordRequest) -> schema.SessionToken:
    """Change one's own password.

    **Roles:** employee, unit_admin, super_admin. A wrong `current_password` counts as a failed login (429
    `RATE_LIMITED` beyond the limits); a weak `new_password` answers 400 `WEAK_PASSWORD`. Every other token of
    the account stops working at once; the caller's session goes on (its token, or the one answered).
    """
    token = auth.change_password(call.principal, body, call.settings, call.now, call.source_address)
    return schema.SessionToken(token=token.token, expires_at=iso(token.expires_at))


@endpoint(bp, "POST /v1/auth/logout", auth_as="any", status=204, own_account=True, mfa_setup=True)
def logout(call: Call) -> Response:
    """End the session.

    **Roles:** employee, unit_admin, super_admin (one who must set up MFA first too). This token stops working
    at once; the account's other sessions (an admin signed in on a second computer) go on.
    """
    auth.logout(call.principal, call.settings, call.now)
    return Response(body="", status_code=204)


@endpoint(bp, "POST /v1/admin/employees/{nip}/unlock", auth_as="super_admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def unlock_employee(call: Call, nip: str) -> schema.AccountUnlocked:
    """Lift an employee's login lock at once.

    **Roles:** super_admin. The failed logins and activation codes counted against the account are forgotten.
    """
    auth.unlock(call.principal, "employee", validate_nip(nip))
    return schema.AccountUnlocked(account=nip, locked=False)


@endpoint(bp, "POST /v1/admin/users/{username}/unlock", auth_as="super_admin", errors=("NOT_FOUND",))
def unlock_admin_user(call: Call, username: str) -> schema.AccountUnlocked:
    """Lift an admin user's login lock at once.

    **Roles:** super_admin. The failed logins counted against the account are forgotten.
    """
    auth.unlock(call.principal, "admin", username)
    return schema.AccountUnlocked(account=username, locked=False)


@endpoint(bp, "GET /v1/admin/users", auth_as="super_admin")
def list_admin_users(call: Call, query: OnePageQuery) -> schema.AdminUserList:
    """Every admin user with their state.

    **Roles:** super_admin.
    """
    return admin_users.list_admin_users(call.principal)


@endpoint(
    bp, "PATCH /v1/admin/users/{username}", auth_as="super_admin", errors=("NOT_FOUND", "CONFLICT", "WEAK_PASSWORD")
)
def update_admin_user(call: Call, username: str, body: schema.UpdateAdminUserRequest) -> schema.AdminUserItem:
    """Deactivate or reactivate an admin, change their role, units or password, or reset their MFA.

    **Roles:** super_admin. Absent fields are kept; `"mfa_enabled": false` forgets a lost second factor. Every
    change ends the admin's current sessions (their tokens answer 401 at once) and is audited. 409 `CONFLICT`
    when it would deactivate or demote the last active super admin, or when the admin changed meanwhile. 403
    `FORBIDDEN` (details `{"nip": "own"}`) when a super admin forgets or changes the NIP of their own account:
    it guards their own employee record, so another super admin does it; 403 `FORBIDDEN` (details
    `{"password": "own"}` or `{"mfa_enabled": "own"}`) when it sets the caller's own password (`POST
    /v1/me/password` does, with the current one) or forgets their own second factor: a session alone must not
    re-key the account it was opened on.
    """
    return admin_users.update_admin_user(call.principal, username, body)


@endpoint(bp, "POST /v1/admin/me/mfa", auth_as="admin", status=201, errors=("CONFLICT",), mfa_setup=True)
def start_mfa(call: Call) -> schema.MfaSetup:
    """Start two-factor login (TOTP, RFC 6238, 6 digits, 30 s): a new secret for an authenticator app.

    **Roles:** unit_admin, super_admin. The secret is answered here only. Calling again before confirmation
    replaces it; 409 `CONFLICT` once MFA is on.
    """
    return mfa.start_setup(call.principal)


@endpoint(bp, "POST /v1/admin/me/mfa/confirm", auth_as="admin", errors=("CONFLICT",), mfa_setup=True)
def confirm_mfa(call: Call, body: schema.MfaConfirmRequest) -> schema.MfaEnabled:
    """Turn two-factor login on with a current code of the new secret.

    **Roles:** unit_admin, super_admin. 400 `VALIDATION_ERROR` for a wrong code; 409 `CONFLICT` without a
    started set-up or once MFA is on. From then on `/v1/auth/admin/login` needs `otp`.
    """
    return mfa.confirm(call.principal, body, call.now)
