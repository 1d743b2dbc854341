"""Routes: the regency monitor summary, refused attempts, the audit log, the activation sheet of a unit
(API.md "Admin views")."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import activation_sheet, admin_views
from chalicelib.usecases.schemas import admin_views as schema

bp = Routes(__name__, tag="reports")


@endpoint(bp, "GET /v1/admin/monitor/summary", auth_as="admin")
def monitor_summary(call: Call, query: schema.SummaryQuery) -> schema.MonitorSummary:
    """Counts per monitor state of every unit the caller may see, and the totals.

    **Roles:** unit_admin (own units), super_admin, auditor. Judged like `GET /v1/admin/monitor` of each unit
    (check-ins read fresh; members, leaves, field duty and schedules as read at most 5 minutes ago). Fit to be
    polled every 30 s.
    """
    return admin_views.monitor_summary(call.principal, query, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/attempts", auth_as="admin")
def attempts(call: Call, query: schema.AttemptsQuery) -> schema.AttemptPage:
    """Refused check-ins of a date (fraud evidence), with the evidence of a review and the refusal `code`.

    **Roles:** unit_admin (own units), super_admin, auditor. At most 100 items per page; photo links live at
    most 15 minutes.
    """
    return admin_views.attempts(call.principal, query, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/audit", auth_as="admin")
def audit_log(call: Call, query: schema.AuditQuery) -> schema.AuditPage:
    """The audit log of admin actions between two local dates, newest first.

    **Roles:** super_admin and auditor without units (every entry); unit_admin and auditor with units (their
    units' entries: those whose target is one of their units or an employee now in one of them, the decisions
    on such an employee's requests and check-ins (`request.*`, `review.*`, whose `details.nip` names them), the
    field-duty letters naming such an employee (`assignment.*`, by `details.nips`; `target=<NIP>` finds them too),
    and the ones they wrote; entries about zones, holidays, admin users and other targets are the regency readers'
    only). The links to personal files (`action=view...`) are the regency readers' only (403 otherwise). At most
    92 days; up to 100 items per page (fewer when entries outside the caller's units were passed over: follow
    `next` until it is null).
    """
    return admin_views.audit_log(call.principal, query, call.settings, call.now)


@endpoint(
    bp,
    "POST /v1/admin/units/{unor_id}/activation-codes",
    auth_as="admin",
    status=201,
    guard=guards.UNIT_IN_SCOPE,
    errors=("CONFLICT",),
    tag="directory",
)
def activation_codes(call: Call, unor_id: str, body: schema.ActivationSheetRequest) -> schema.ActivationSheet:
    """Activation codes for a unit's employees, printed on an A4 PDF sheet (one card each).

    **Roles:** unit_admin (own units), super_admin. `only_not_activated` (default true) skips employees with a
    bound phone. Each card: name, NIP, code, expiry, a QR code opening the app's activation screen filled in,
    and short instructions. `sheet_url` is a signed link valid at most 15 minutes. One audit entry per batch.
    An employee whose phone was reset and one of whose faces the caller put on within 7 days gets no card: a
    code of the caller's would be refused at its use (four eyes); another admin issues it.
    """
    base_url = call.settings.public_base_url or call.origin
    return activation_sheet.issue(call.principal, unor_id, body, call.settings, now=call.now, base_url=base_url)
