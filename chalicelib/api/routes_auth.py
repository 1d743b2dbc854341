"""Routes: health, authentication, activation codes and phones, admin users (API.md sections 1-2)."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.auth.tokens import IssuedToken
from chalicelib.domain.people import validate_nip
from chalicelib.settings import VERSION
from chalicelib.store.base import iso
from chalicelib.usecases import admin_users, auth, onboarding
from chalicelib.usecases.schemas import core as schema

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


@endpoint(bp, "POST /v1/auth/admin/login", auth_as="none", errors=("INVALID_CREDENTIALS", "RATE_LIMITED"))
def admin_login(call: Call, body: schema.AdminLoginRequest) -> schema.AdminToken:
    """Admin login (user name and password).

    **Roles:** none. At most 5 wrong passwords per account in 15 minutes are evaluated, and 30 failed logins
    per source address a minute; beyond them 429 `RATE_LIMITED` with `Retry-After`, a right password too. In
    the `local` stage a super admin `admin` is created from `SMART_BOOTSTRAP_ADMIN_PASSWORD`.
    """
    result = auth.admin_login(body, call.settings, call.now, call.source_address)
    return schema.AdminToken(token=result.token.token, role=result.role, expires_at=iso(result.token.expires_at))


@endpoint(bp, "POST /v1/auth/activate", auth_as="none", errors=(*EMPLOYEE_LOGIN_ERRORS, "WEAK_PASSWORD"))
def activate(call: Call, body: schema.ActivateRequest) -> schema.EmployeeToken:
    """First employee login with a one-time activation code; binds the phone.

    **Roles:** none. Sets the employee's password (400 `WEAK_PASSWORD` when it breaks the rule) and binds
    `device_id` to the employee. A wrong or expired code counts as a failed login, within the same limits as
    a password (429 `RATE_LIMITED`).
    """
    return _employee_token(auth.activate(body, call.settings, call.now, call.source_address))


@endpoint(bp, "POST /v1/auth/login", auth_as="none", errors=EMPLOYEE_LOGIN_ERRORS)
def employee_login(call: Call, body: schema.EmployeeLoginRequest) -> schema.EmployeeToken:
    """Employee login from the bound phone.

    **Roles:** none. 403 `DEVICE_MISMATCH` when the phone is not the bound one; when no phone is bound (after a
    reset) this phone gets bound.
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

    **Roles:** unit_admin (own units), super_admin. 403 `ACCOUNT_INACTIVE` for an inactive employee.
    """
    code, expires = onboarding.create_activation(call.principal, validate_nip(nip), call.settings, call.now)
    return schema.ActivationCode(activation_code=code, expires_at=iso(expires))


@endpoint(bp, "POST /v1/admin/employees/{nip}/reset-device", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def reset_device(call: Call, nip: str) -> schema.DeviceReleased:
    """Release the employee's bound phone.

    **Roles:** unit_admin (own units), super_admin. The next activation/login binds a new phone.
    """
    onboarding.reset_device(call.principal, validate_nip(nip))
    return schema.DeviceReleased(nip=nip, device_bound=False)


@endpoint(bp, "POST /v1/admin/users", auth_as="super_admin", status=201, errors=("CONFLICT", "WEAK_PASSWORD"))
def create_admin_user(call: Call, body: schema.CreateAdminUserRequest) -> schema.AdminUserView:
    """Create an admin user.

    **Roles:** super_admin. A `unit_admin` needs at least one existing unit in `unit_ids`.
    """
    user = admin_users.create_admin_user(call.principal, body)
    return schema.AdminUserView(username=user.username, role=user.role, unit_ids=sorted(user.unit_ids))


@endpoint(
    bp,
    "POST /v1/me/password",
    auth_as="any",
    errors=("WEAK_PASSWORD", "INVALID_CREDENTIALS", "RATE_LIMITED"),
)
def change_password(call: Call, body: schema.ChangePasswordRequest) -> schema.SessionToken:
    """Change one's own password.

    **Roles:** employee, unit_admin, super_admin. A wrong `current_password` counts as a failed login (429
    `RATE_LIMITED` beyond the limits); a weak `new_password` answers 400 `WEAK_PASSWORD`. Every token of the
    account stops working at once, the caller's too: the caller goes on with the token answered.
    """
    token = auth.change_password(call.principal, body, call.settings, call.now, call.source_address)
    return schema.SessionToken(token=token.token, expires_at=iso(token.expires_at))


@endpoint(bp, "POST /v1/auth/logout", auth_as="any", status=204)
def logout(call: Call) -> Response:
    """End the session.

    **Roles:** employee, unit_admin, super_admin. The token stops working at once, and so do the account's
    other tokens (an admin signed in on two computers is signed out of both).
    """
    auth.logout(call.principal)
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
