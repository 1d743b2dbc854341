"""Onboarding an employee's phone: one-time activation codes and device resets by the unit's admin."""

from __future__ import annotations

from datetime import datetime

from chalicelib import runtime
from chalicelib.auth import codes
from chalicelib.domain.people import DeviceReset, Employee, Principal, login_scope
from chalicelib.errors import AccountInactiveError, ForbiddenError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed
from chalicelib.usecases import faces
from chalicelib.usecases.access import require_not_own, require_unit_scope
from chalicelib.usecases.auth import epoch

EMPLOYEE_INACTIVE = "Pegawai ini tidak aktif menurut SIMPEG; kode aktivasi tidak dapat dibuat."
# A reset read again and written again when a face was approved on the employee between its check and its write
# (`DeviceReset.approvals_seen`); the last refusal is answered (503 "changed meanwhile": try again).
RESET_ATTEMPTS = 3


def create_activation(actor: Principal, nip: str, settings: Settings, now: datetime) -> tuple[str, datetime]:
    """A new one-time code for the employee. For an account activated before, a code moves it to whichever phone
    uses it (noted then as a device reset by its issuer): 403 four_eyes for an admin who put one of the employee's
    faces on within FOUR_EYES, as for their reset (`_not_vouched_by`). A first code moves no one's account."""
    account = runtime.people().employee_account(nip)
    if account is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    employee = account.holder
    require_unit_scope(actor, employee.unor_id)
    require_not_own(actor, nip)
    if not employee.active:
        # The code's default text ("Akun Anda tidak aktif") would tell the admin their own account is locked.
        raise AccountInactiveError(EMPLOYEE_INACTIVE)
    if account.credentials.password_hash is not None:
        _not_vouched_by(actor, nip, now, "Kode aktivasi baru pegawai ini harus dibuat admin lain")
    code = codes.new_code()
    expires = epoch(now) + settings.activation_ttl_s
    sealed = codes.seal(codes.code_key(settings.token_secret), nip, expires, code)
    named = runtime.audit().stamped(actor.subject, "employee.activation_code", {nip: None})
    runtime.people().set_activation(nip, sealed, expires, actor.subject, named)
    # As for a reset: the admin handing a new card has the employee before them, and the tries an old card spent
    # (a code typed wrong, or of a card printed again) do not keep them waiting 15 minutes with it.
    runtime.people().clear_login_attempts(login_scope("employee", nip))
    return code, datetime.fromtimestamp(expires, tz=now.tzinfo)


def reset_device(actor: Principal, nip: str, now: datetime) -> None:
    """Release the employee's phone; 403 for an admin who enrolled one of the employee's faces
    within the last 7 days (four eyes: `faces.vouched_by`). The check is a read: the write holds only while no
    face was approved on the employee since (the admin's own face, sent together with the reset, would pass a
    check made before it landed), else both are made again. Audited in the reset's own transaction: a failed entry
    (503) leaves the phone bound."""
    for attempt in range(RESET_ATTEMPTS):
        employee = _resettable(actor, nip, now)
        audit = runtime.audit().stamped(actor.subject, "employee.reset_device", {nip: None})
        try:
            reset = DeviceReset(actor.subject, approvals_seen=employee.face_approvals)
            runtime.people().release_device(nip, employee.device_id, reset, audit)
            break
        except ConditionFailed:
            if attempt == RESET_ATTEMPTS - 1:
                raise
    # The admin who frees the account for a new phone has the employee before them: the attempts the new phone
    # spent while still refused (DEVICE_MISMATCH counts as a failed login) do not keep them waiting 15 minutes.
    runtime.people().clear_login_attempts(login_scope("employee", nip))


def _resettable(actor: Principal, nip: str, now: datetime) -> Employee:
    """The employee, read for a reset by `actor`: found, in scope, not their own, no face of theirs (403)."""
    employee = runtime.people().get_employee(nip)
    if employee is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, employee.unor_id)
    require_not_own(actor, nip)
    _not_vouched_by(actor, nip, now, "Perangkat pegawai ini harus direset admin lain")
    return employee


def _not_vouched_by(actor: Principal, nip: str, now: datetime, who_instead: str) -> None:
    """403 four_eyes (naming the templates) for an admin who put one of the employee's approved faces on within
    FOUR_EYES: they do not also free the account for another phone (decision 173)."""
    vouched = faces.vouched_by(actor.subject, nip, now)
    if vouched:
        raise ForbiddenError(
            f"{who_instead}: Anda mendaftarkan wajahnya dalam 7 hari terakhir.",
            {"reason": "four_eyes", "template_ids": vouched},
        )
