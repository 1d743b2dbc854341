"""Onboarding an employee's phone: one-time activation codes and device resets by the unit's admin."""

from __future__ import annotations

from datetime import datetime

from chalicelib.auth import passwords
from chalicelib.domain.people import Principal
from chalicelib.errors import AccountInactiveError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store import audit, people
from chalicelib.store.models import EmployeeModel
from chalicelib.usecases.access import require_unit_scope
from chalicelib.usecases.auth import epoch


def create_activation(actor: Principal, nip: str, settings: Settings, now: datetime) -> tuple[str, datetime]:
    model = people.employee_model(nip)
    if model is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, model.unor_id)
    if not model.active:
        raise AccountInactiveError()
    code = passwords.new_activation_code()
    expires = epoch(now) + settings.activation_ttl_s
    people.update_employee(
        nip,
        [
            EmployeeModel.activation_hash.set(passwords.hash_secret(code)),
            EmployeeModel.activation_expires.set(expires),
        ],
    )
    audit.record(actor.subject, "employee.activation_code", nip)
    return code, datetime.fromtimestamp(expires, tz=now.tzinfo)


def reset_device(actor: Principal, nip: str) -> None:
    model = people.employee_model(nip)
    if model is None:
        raise NotFoundError("Pegawai tidak ditemukan.", {"nip": nip})
    require_unit_scope(actor, model.unor_id)
    people.release_device(nip, model.device_id)
    audit.record(actor.subject, "employee.reset_device", nip)
