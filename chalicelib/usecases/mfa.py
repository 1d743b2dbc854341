"""Two-factor login of admins with TOTP (RFC 6238): set up, confirm, check at login, and the stage's rule that
super admins must have it.

Set-up keeps a pending secret and answers it once; the first valid code confirms it and turns MFA on. From then
on the secret is never answered again and never logged (it is left out of every record's repr). Every accepted
code spends its time step in a conditional write, so one code logs in once, however many requests carry it.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib import runtime
from chalicelib.auth import totp
from chalicelib.domain.people import AdminAccount, Principal
from chalicelib.errors import ConflictError, ForbiddenError, InvalidCredentialsError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed
from chalicelib.usecases.access import require_admin
from chalicelib.usecases.schemas.core import MfaConfirmRequest, MfaEnabled, MfaSetup

SETUP_FIRST = "Aktifkan verifikasi dua langkah (OTP) terlebih dahulu."


def setup_required(principal: Principal, settings: Settings) -> bool:
    """Whether the stage makes MFA compulsory for this admin and they have not confirmed it yet."""
    admin = principal.admin
    return (
        settings.mfa_required_super_admin
        and admin is not None
        and admin.role == "super_admin"
        and not admin.mfa_enabled
    )


def require_set_up(principal: Principal, settings: Settings) -> None:
    """A super admin without MFA where it is compulsory may only set it up: anything else is 403 FORBIDDEN."""
    if setup_required(principal, settings):
        raise ForbiddenError(SETUP_FIRST, {"mfa": "required"})


def _account(principal: Principal) -> AdminAccount:
    """The calling admin with their credentials (the pending or confirmed secret: never kept on a principal)."""
    require_admin(principal)
    account = runtime.people().admin_account(principal.subject)
    if account is None:  # pragma: no cover - authenticate read the same admin an instant ago
        raise ForbiddenError()
    return account


def start_setup(principal: Principal) -> MfaSetup:
    """A new secret for the calling admin's authenticator app (409 CONFLICT when MFA is already on)."""
    admin = principal.admin or _account(principal).holder  # the record authenticate read, else read now
    require_admin(principal)
    if admin.mfa_enabled:
        raise ConflictError("Verifikasi dua langkah sudah aktif.", {"mfa_enabled": True})
    secret = totp.new_secret()
    runtime.people().start_admin_mfa(principal.subject, secret, _named(principal, "admin_user.mfa_setup"))
    return MfaSetup(secret=secret, otpauth_uri=totp.provisioning_uri(secret, principal.subject))


def confirm(principal: Principal, request: MfaConfirmRequest, now: datetime) -> MfaEnabled:
    """Turn MFA on with the first valid code of the pending secret (its step is spent)."""
    account = _account(principal)
    if account.holder.mfa_enabled:
        raise ConflictError("Verifikasi dua langkah sudah aktif.", {"mfa_enabled": True})
    pending = account.credentials.mfa_pending
    if pending is None:
        raise ConflictError("Mulai pengaturan verifikasi dua langkah terlebih dahulu.", {"mfa": "not set up"})
    step = totp.matching_step(pending, request.otp, now)
    if step is None:
        raise ValidationError("Kode OTP salah atau sudah kedaluwarsa.", {"otp": "invalid"})
    try:
        runtime.people().enable_admin_mfa(principal.subject, pending, step, _named(principal, "admin_user.mfa_enable"))
    except ConditionFailed as exc:  # another set-up replaced the secret meanwhile
        raise ConflictError("Pengaturan verifikasi dua langkah berubah; ulangi.", {"mfa": "changed"}) from exc
    return MfaEnabled(mfa_enabled=True)


def _named(principal: Principal, action: str) -> AuditBatch:
    """The entry naming the admin's own MFA step, kept with it: a step whose entry failed is not made (503), so
    MFA is never on, nor a secret pending, without the log saying so."""
    return runtime.audit().stamped(principal.subject, action, {principal.subject: None})


class WrongOtp(Exception):
    """A wrong, expired or already used one-time password: the login use case counts it and answers
    `wrong_otp()`."""


def wrong_otp() -> InvalidCredentialsError:
    return InvalidCredentialsError("Kode OTP salah atau sudah digunakan.", {"otp": "invalid"})


def check_login_otp(account: AdminAccount, otp: str | None, now: datetime) -> None:
    """At the login of an admin with MFA on (password already checked): the code must match an accepted step
    not spent before, and is spent now. Refusals are INVALID_CREDENTIALS; the caller counts a wrong code as a
    failed login (a missing one is not: a client first learns that a code is needed), raised here as WrongOtp."""
    if otp is None:
        raise InvalidCredentialsError("Masukkan kode OTP dari aplikasi autentikator.", {"otp": "required"})
    secret = account.credentials.mfa_secret
    step = None if secret is None else totp.matching_step(secret, otp, now)
    if step is None or step <= account.credentials.mfa_last_step:
        raise WrongOtp()
    try:
        runtime.people().spend_admin_otp(account.holder.username, step)
    except ConditionFailed as exc:  # the same code won another login an instant ago
        raise WrongOtp() from exc
