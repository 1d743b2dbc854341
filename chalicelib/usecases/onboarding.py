"""Onboarding an employee's phone: one-time activation codes and device resets by the unit's admin."""

from __future__ import annotations

from datetime import datetime

from chalicelib import runtime
from chalicelib.auth import codes
from chalicelib.domain.people import Principal
from chalicelib.errors import AccountInactiveError, ForbiddenError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.usecases import faces
from chalicelib.usecases.access import require_not_own, require_unit_scope
from chalicelib.usecases.auth import epoch

EMPLOYEE_INACTIVE = "Pegawai ini tidak aktif menurut SIMPEG; kode aktivasi tidak dapat dibuat."


def create_activation(actor: Principal, nip: str, settings: Settings, now: datetime) -> tuple[str, datetime]:
    employee = runtime.people().get_employee(nip)
    if employee is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, employee.unor_id)
    require_not_own(actor, nip)
    if not employee.active:
        # The code's default text ("Akun Anda tidak aktif") would tell the admin their own account is locked.
        raise AccountInactiveError(EMPLOYEE_INACTIVE)
    code = codes.new_code()
    expires = epoch(now) + settings.activation_ttl_s
    sealed = codes.seal(codes.code_key(settings.token_secret), nip, expires, code)
    runtime.people().set_activation(nip, sealed, expires, actor.subject)
    runtime.audit().record(actor.subject, "employee.activation_code", nip)
    return code, datetime.fromtimestamp(expires, tz=now.tzinfo)


def reset_device(actor: Principal, nip: str, now: datetime) -> None:
    """Release the employee's phone; 403 for an admin who enrolled one of the employee's faces
    within the last 7 days (four eyes: `faces.vouched_by`)."""
    employee = runtime.people().get_employee(nip)
    if employee is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, employee.unor_id)
    require_not_own(actor, nip)
    vouched = faces.vouched_by(actor.subject, nip, now)
    if vouched:
        raise ForbiddenError(
            "Perangkat pegawai ini harus direset admin lain: Anda mendaftarkan wajahnya dalam 7 hari terakhir.",
            {"reason": "four_eyes", "template_ids": vouched},
        )
    runtime.people().release_device(nip, employee.device_id, actor.subject)
    runtime.audit().record(actor.subject, "employee.reset_device", nip)
