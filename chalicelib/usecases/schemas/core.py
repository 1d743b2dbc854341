"""Requests and results of health, authentication, admin users and the directory (API.md sections 1-3)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.usecases.schemas.common import (
    FINGERPRINT_FIELD,
    UNIQUE,
    DeviceFingerprint,
    DeviceId,
    InstantText,
    Nip,
    NonEmpty,
    Page,
    Password,
    Query,
    Request,
    Result,
    Secret128,
    Text20,
    Text40,
    UnitId,
    absent_when_none,
)

# Roles are stored as text; answers name one of these.
AdminRole = Annotated[str, Field(json_schema_extra={"enum": ["unit_admin", "super_admin", "auditor"]})]


class Health(Result):
    status: Literal["ok"]
    version: str


class AdminLoginRequest(Request):
    username: Text40
    password: Secret128
    otp: Text20 | None = Field(
        default=None, description="The 6-digit code of the authenticator app; required once MFA is on."
    )


class AdminToken(Result):
    token: str = Field(description="Bearer token for `Authorization: Bearer <token>`.")
    role: AdminRole
    expires_at: InstantText
    mfa_setup_required: bool = Field(
        default=False,
        description="The stage requires MFA of super admins and this one has none yet: until it is confirmed, "
        "the token serves `POST /v1/admin/me/mfa`, `/confirm` and `/v1/auth/logout` only (every other admin route: "
        "403 FORBIDDEN).",
    )
    nip: str | None = absent_when_none(
        "The admin's own NIP when they are also an employee: the console marks that employee's items as another"
        " admin's to decide."
    )
    sees_all_units: bool = Field(
        default=False,
        description="Every unit is in the admin's view (a super admin, or an auditor without units): the "
        "regency-wide reads (admin users, SIMPEG runs, the audit log) answer them; other admins get 403.",
    )
    mfa_enabled: bool = Field(
        default=False,
        description='The admin\'s two-factor login is on ("Akun Saya" shows it instead of offering the set-up). A '
        "`true` holds for the token's life: a super admin turning it off ends the admin's sessions.",
    )
    timezone: str = Field(
        description="The regency's time zone (IANA name: Asia/Jakarta, Asia/Makassar or Asia/Jayapura), in which "
        "dates are judged: the console shows times and names today on its clock, whatever the computer's zone.",
    )


class ActivateRequest(Request):
    nip: Nip
    activation_code: Text20 = Field(description="The one-time code the unit's admin handed out.")
    password: Password
    device_id: DeviceId
    device_fingerprint: DeviceFingerprint = FINGERPRINT_FIELD


class EmployeeLoginRequest(Request):
    nip: Nip
    password: Secret128
    device_id: DeviceId
    device_fingerprint: DeviceFingerprint = FINGERPRINT_FIELD


class EmployeeToken(Result):
    token: str = Field(description="Bearer token bound to this phone.")
    expires_at: InstantText


class ChangePasswordRequest(Request):
    current_password: Secret128
    new_password: Password


class SessionToken(Result):
    token: str = Field(description="The caller's new bearer token: every earlier token of the account has ended.")
    expires_at: InstantText


class AccountUnlocked(Result):
    account: str = Field(description="The NIP or user name whose failed logins were forgotten.")
    locked: Literal[False]


class ActivationCode(Result):
    activation_code: str = Field(description="One-time code; shown once, only its hash is stored.")
    expires_at: InstantText


class DeviceReleased(Result):
    nip: str
    device_bound: Literal[False]


ROLE_DOC = "`unit_admin`, `super_admin` or `auditor`."
OWN_NIP_DOC = (
    "The admin's own NIP when they are also an employee (a school's operator): decisions on that employee (check-in"
    " reviews, requests, leave, field duty, schedules, faces, phone and activation) are left to another admin (403)."
)
UNIT_IDS_DOC = (
    "Units of a `unit_admin` (at least one) or of an `auditor` (none: the whole regency). None are kept for a "
    "`super_admin`, who sees every unit: a later change of role names its units."
)


class CreateAdminUserRequest(Request):
    username: Text40 = Field(description="3-40 of a-z 0-9 _ . -")
    password: Password
    role: Text20 = Field(description=ROLE_DOC)
    unit_ids: Annotated[list[NonEmpty], Field(max_length=200), UNIQUE] = Field(
        default_factory=list, description=UNIT_IDS_DOC
    )
    nip: Nip | None = Field(default=None, description=OWN_NIP_DOC)


class AdminUserView(Result):
    username: str
    role: AdminRole
    unit_ids: list[str]
    nip: str | None = absent_when_none(OWN_NIP_DOC)


class AdminUserItem(Result):
    username: str
    role: AdminRole
    unit_ids: list[str]
    active: bool
    mfa_enabled: bool
    last_login_at: InstantText | None = Field(description="The last successful login; null before the first.")
    nip: str | None = absent_when_none(OWN_NIP_DOC)


class AdminUserList(Page[AdminUserItem]):
    """Every admin user: one page."""


class UpdateAdminUserRequest(Request):
    active: bool | None = Field(default=None, description="false deactivates: the admin's tokens stop working.")
    role: Text20 | None = Field(default=None, description=ROLE_DOC)
    unit_ids: Annotated[list[NonEmpty], Field(max_length=200), UNIQUE] | None = Field(
        default=None, description=UNIT_IDS_DOC
    )
    password: Password | None = None
    mfa_enabled: Literal[False] | None = Field(
        default=None, description="false forgets the admin's second factor (a lost phone); they set it up again."
    )
    nip: Nip | None = Field(default=None, description=f"{OWN_NIP_DOC} `null` forgets it; absent keeps it.")


class MfaSetup(Result):
    secret: str = Field(description="Base32 TOTP secret, answered only here, before confirmation.")
    otpauth_uri: str = Field(description="otpauth://totp/... for the authenticator app (QR code).")


class MfaConfirmRequest(Request):
    otp: Text20 = Field(description="A current 6-digit code of the new secret.")


class MfaEnabled(Result):
    mfa_enabled: Literal[True]


class EmployeesQuery(Query):
    unor_id: UnitId | None = Field(default=None, description="The unit (SIMPEG unor id).")
    q: str | None = Field(default=None, description="Name substring, NIP prefix, or a full NIP.")
    next: str | None = Field(default=None, description="Cursor of the next page.")


class EmployeeView(Result):
    nip: str
    nama: str
    unor_id: str
    jabatan: str | None
    active: bool
    enrolled: bool = Field(
        description="An approved face a check-in compares with (made by the scoring policy's models)."
    )
    device_bound: bool
    face_pending: bool = Field(
        default=False,
        description="A face of the employee waits for an admin's decision (the console's \"Menunggu\").",
    )
    face_rejected: bool = Field(
        default=False,
        description="A face of the employee was rejected and none is approved or waits: they must enrol again "
        '(the console\'s "Ditolak").',
    )


class EmployeePage(Page[EmployeeView]):
    pass


class UnitView(Result):
    unor_id: str
    unor_nama: str
    zone_ids: list[str]
    employee_count: int = Field(ge=0, description="Active employees of the unit.")
    activated_count: int = Field(
        ge=0, description="Active employees who activated the app (a phone is bound), as in the adoption report."
    )
    enrolled_count: int = Field(
        ge=0, description="Active employees with an approved face a check-in compares with (`enrolled`)."
    )


class UnitPage(Page[UnitView]):
    pass
