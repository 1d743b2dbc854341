"""Employees' own requests (pengajuan): leave, permit, sick leave, field duty or a correction of a missing
check-in or check-out, waiting for an admin's decision. Stored by `chalicelib.store.requests`."""

from __future__ import annotations

from dataclasses import dataclass

REQUEST_TYPES = ("CUTI", "IZIN", "SAKIT", "DL", "KOREKSI")
LEAVE_TYPES = ("CUTI", "IZIN", "SAKIT")
REQUEST_STATUSES = ("pending", "approved", "rejected", "cancelled", "revoked")
PENDING = "pending"
APPROVED = "approved"
CANCELLED = "cancelled"  # withdrawn by the employee while pending (and, to the employee, a revoked one)
REVOKED = "revoked"  # an approved request taken back by an admin: what it created no longer counts


@dataclass(frozen=True)
class EmployeeRequest:
    """One request of one employee. `status` moves once, from `pending` to `approved`, `rejected` or
    `cancelled` (by the employee); an approved one may then move once to `revoked`. `result_id` names what an
    approval created (leave, assignment or event)."""

    request_id: str
    nip: str
    unor_id: str
    type: str  # one of REQUEST_TYPES
    start_date: str  # YYYY-MM-DD, inclusive
    end_date: str  # YYYY-MM-DD, inclusive
    reason: str
    created_at: str  # UTC ISO 8601
    status: str = PENDING
    attachment_key: str | None = None  # the object in the private bucket (never the content)
    attachment_type: str | None = None  # application/pdf | image/jpeg
    time: str | None = None  # HH:MM local time of a KOREKSI
    event_type: str | None = None  # in | out, of a KOREKSI
    decided_by: str | None = None
    decided_at: str | None = None  # UTC ISO 8601
    note: str | None = None  # the deciding admin's note
    result_id: str | None = None
    # A revoked request: who had approved it, and when (`decided_by`/`decided_at` are then the revoker's).
    approved_by: str | None = None
    approved_at: str | None = None  # UTC ISO 8601
