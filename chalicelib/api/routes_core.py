"""Routes: health, authentication, admin users, employees and units (API.md sections 1-3)."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.domain.people import validate_nip
from chalicelib.settings import VERSION
from chalicelib.store.base import iso
from chalicelib.usecases import admin_users, auth, directory, onboarding
from chalicelib.usecases.schemas import core as schema

bp = Blueprint(__name__)


@endpoint(bp, "/v1/health", ["GET"], auth_as="none", response=schema.Health, tag="health")
def health(call: Call) -> schema.Health:
    """Liveness and version.

    **Roles:** none.
    """
    return schema.Health(status="ok", version=VERSION)


@endpoint(
    bp,
    "/v1/auth/admin/login",
    ["POST"],
    auth_as="none",
    body=schema.AdminLoginRequest,
    response=schema.AdminToken,
    errors=("INVALID_CREDENTIALS", "RATE_LIMITED"),
    tag="auth",
)
def admin_login(call: Call, body: schema.AdminLoginRequest) -> schema.AdminToken:
    """Admin login (user name and password).

    **Roles:** none. Repeated failures lock the account for a while (429 with `Retry-After`). In the `local`
    stage a super admin `admin` is created from `SMART_BOOTSTRAP_ADMIN_PASSWORD`.
    """
    result = auth.admin_login(body, call.settings, call.now)
    return schema.AdminToken(token=result.token.token, role=result.role, expires_at=iso(result.token.expires_at))


@endpoint(
    bp,
    "/v1/auth/activate",
    ["POST"],
    auth_as="none",
    body=schema.ActivateRequest,
    response=schema.EmployeeToken,
    errors=("INVALID_CREDENTIALS", "RATE_LIMITED", "ACCOUNT_INACTIVE", "DEVICE_MISMATCH"),
    tag="auth",
)
def activate(call: Call, body: schema.ActivateRequest) -> schema.EmployeeToken:
    """First employee login with a one-time activation code; binds the phone.

    **Roles:** none. Sets the employee's password and binds `device_id` to the employee. A wrong or expired code
    counts as a failed login (lockout → 429).
    """
    token = auth.activate(body, call.settings, call.now)
    return schema.EmployeeToken(token=token.token, expires_at=iso(token.expires_at))


@endpoint(
    bp,
    "/v1/auth/login",
    ["POST"],
    auth_as="none",
    body=schema.EmployeeLoginRequest,
    response=schema.EmployeeToken,
    errors=("INVALID_CREDENTIALS", "RATE_LIMITED", "ACCOUNT_INACTIVE", "DEVICE_MISMATCH"),
    tag="auth",
)
def employee_login(call: Call, body: schema.EmployeeLoginRequest) -> schema.EmployeeToken:
    """Employee login from the bound phone.

    **Roles:** none. 403 `DEVICE_MISMATCH` when the phone is not the bound one; when no phone is bound (after a
    reset) this phone gets bound.
    """
    token = auth.employee_login(body, call.settings, call.now)
    return schema.EmployeeToken(token=token.token, expires_at=iso(token.expires_at))


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/activation",
    ["POST"],
    auth_as="admin",
    status=201,
    response=schema.ActivationCode,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
    tag="auth",
)
def create_activation(call: Call, nip: str) -> schema.ActivationCode:
    """Issue a one-time activation code for an employee.

    **Roles:** unit_admin (own units), super_admin. 403 `ACCOUNT_INACTIVE` for an inactive employee.
    """
    code, expires = onboarding.create_activation(call.principal, validate_nip(nip), call.settings, call.now)
    return schema.ActivationCode(activation_code=code, expires_at=iso(expires))


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/reset-device",
    ["POST"],
    auth_as="admin",
    response=schema.DeviceReleased,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
    tag="auth",
)
def reset_device(call: Call, nip: str) -> schema.DeviceReleased:
    """Release the employee's bound phone.

    **Roles:** unit_admin (own units), super_admin. The next activation/login binds a new phone.
    """
    onboarding.reset_device(call.principal, validate_nip(nip))
    return schema.DeviceReleased(nip=nip, device_bound=False)


@endpoint(
    bp,
    "/v1/admin/users",
    ["POST"],
    auth_as="super_admin",
    status=201,
    body=schema.CreateAdminUserRequest,
    response=schema.AdminUserView,
    errors=("CONFLICT",),
    tag="auth",
)
def create_admin_user(call: Call, body: schema.CreateAdminUserRequest) -> schema.AdminUserView:
    """Create an admin user.

    **Roles:** super_admin. A `unit_admin` needs at least one existing unit in `unit_ids`.
    """
    user = admin_users.create_admin_user(call.principal, body)
    return schema.AdminUserView(username=user.username, role=user.role, unit_ids=sorted(user.unit_ids))


@endpoint(
    bp,
    "/v1/admin/employees",
    ["GET"],
    auth_as="admin",
    query=schema.EmployeesQuery,
    response=schema.EmployeePage,
    tag="directory",
)
def list_employees(call: Call, query: schema.EmployeesQuery) -> schema.EmployeePage:
    """Employees of one unit (paged), or one employee by full NIP.

    **Roles:** unit_admin (own units), super_admin. `unor_id` is required unless `q` is a full 18-digit NIP
    (then the employee is searched anywhere in the caller's scope) or the unit admin has exactly one unit.
    Otherwise `q` filters by name substring or NIP prefix.
    """
    return directory.list_employees(call.principal, query)


@endpoint(bp, "/v1/admin/units", ["GET"], auth_as="admin", response=schema.UnitPage, tag="directory")
def list_units(call: Call) -> schema.UnitPage:
    """Units the caller may see.

    **Roles:** unit_admin (own units), super_admin (all).
    """
    return directory.list_units(call.principal)
