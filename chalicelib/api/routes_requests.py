"""Routes: employees' requests (pengajuan) and their decisions (API.md "Employee self-service", "Admin views")."""

from __future__ import annotations

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import requests
from chalicelib.usecases.schemas import requests as schema

bp = Routes(__name__, tag="requests")


@endpoint(
    bp, "POST /v1/me/requests", auth_as="employee", status=201, errors=("CONFLICT", "PAYLOAD_TOO_LARGE", "RATE_LIMITED")
)
def file_request(call: Call, body: schema.NewRequest) -> schema.RequestCreated:
    """File a leave (CUTI, IZIN, SAKIT), field duty (DL) or correction (KOREKSI) request.

    **Roles:** employee. `end_date` on or after `start_date`, at most 366 days later. A KOREKSI needs `time`
    (local `HH:MM`) and names one day, today or earlier; `event_type` is `in` (default) or `out`; 400
    `VALIDATION_ERROR` for a time outside the day's attendance window, and for a day its recap excuses whatever
    is recorded: a day off or holiday, a leave or field duty (`details.status`: `LIBUR`, `C`, `I`, `S`, `DL`;
    approved it would change nothing and use up a correction). `attachment`:
    base64 of a PDF or JPEG (checked by its first bytes; 400 otherwise), at most 2 MB (413 beyond), kept in the
    private bucket; at most 10 requests with an attachment a day (429 `RATE_LIMITED` until the next day,
    `details.retry_after_s`: each attachment is kept, locked, however the request ends). 409 `CONFLICT` while 20
    requests of the employee wait for a decision, and for a KOREKSI when the approved and pending corrections of
    its day's month reach the rule table's `corrections_per_month` (2 by default; `details`: `limit`, `month`,
    `used`). The same request
    (same fields, same attachment) sent again while it is pending answers 201 with its `request_id` and
    records nothing new: retries and double taps are safe.
    """
    return requests.submit(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/me/requests", auth_as="employee")
def my_requests(call: Call, query: schema.MyRequestsQuery) -> schema.RequestPage:
    """The employee's own requests, newest first, with their status and the deciding admin's note.

    **Roles:** employee (own data only). 50 per page.
    """
    return requests.my_requests(call.principal, query, call.settings)


@endpoint(bp, "GET /v1/me/corrections", auth_as="employee")
def my_corrections(call: Call, query: schema.MyCorrectionsQuery) -> schema.CorrectionAllowance:
    """How many time corrections (KOREKSI) of days of `month` the employee may still file.

    **Roles:** employee (own data only). The count filing uses: approved and pending corrections of the month
    against the rule table's `corrections_per_month`; `limit` null when there is no cap. The app shows it
    before the form is filled. `month` not `YYYY-MM` → 400 `VALIDATION_ERROR`.
    """
    return requests.my_corrections(call.principal, query, call.settings)


@endpoint(bp, "DELETE /v1/me/requests/{request_id}", auth_as="employee", errors=("NOT_FOUND", "CONFLICT"))
def cancel_my_request(call: Call, request_id: str) -> schema.RequestItem:
    """Withdraw one's own request while it is pending (it becomes `cancelled`).

    **Roles:** employee. Another employee's request → 404 `NOT_FOUND`; a decided one → 409 `CONFLICT`.
    """
    return requests.cancel_mine(call.principal, request_id, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/requests", auth_as="admin")
def list_requests(call: Call, query: schema.AdminRequestsQuery) -> schema.RequestPage:
    """Employees' requests, of one `status` or all (by status, newest first within one).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). 100 per page; an attachment
    comes as a short-lived link (`attachment_url`). After a SIMPEG move, a request's days from the move on are
    the new unit's (listed there, with its `unor_id`), the days before it stay the unit it was filed in.
    """
    return requests.list_requests(call.principal, query, call.settings, call.now)


@endpoint(
    bp, "POST /v1/admin/requests/{request_id}", auth_as="admin", errors=("NOT_FOUND", "CONFLICT", "ACCOUNT_INACTIVE")
)
def decide_request(call: Call, request_id: str, body: schema.RequestDecisionRequest) -> schema.RequestDecision:
    """Approve or reject a pending request; approval creates the leave, field duty or corrected event.

    **Roles:** unit_admin (the unit of the request's days, as listed), super_admin. A request of another unit → 404;
    one whose days are partly another unit's → 403. Decided already, or decided by another admin at the same moment
    → 409 `CONFLICT` (exactly one decision wins); the same admin's same decision sent again (a retry after a 503) →
    200 with the stored decision, named no second time. A DL approval may carry the area
    (`polygon`/`circle`/`geojson`) and `letter_no`; without an area the days count as field duty and no extra
    check-in area is granted; approved again after a failed try with another area or `letter_no`, the letter that
    try stored is cancelled and these are recorded. A KOREKSI approval records an accepted event at the asked local
    time with the warning `CORRECTION`;
    409 `CONFLICT` when the employee's approved corrections of that month reach `corrections_per_month` (also for
    admins approving at the same moment; the request stays pending), and when its time is no longer in the day's
    window or the day has since become a day off, holiday, leave or field duty (`details.status`; the request stays
    pending, to be rejected), and for an arrival (`in`) while the attendance window of the day it counts for is still
    open (`details.decidable_from`; rejecting is allowed). A leave type overlapping a leave of the employee not
    cancelled, or approved at the same moment, → 409 `CONFLICT` naming it (`details.leave_id`; the request stays
    pending). Approving a request
    with a day on or after the employee's SIMPEG deactivation → 403 `ACCOUNT_INACTIVE` (`details.deactivated_on`;
    the request stays pending, to be rejected); a leaver's days before it are approved as anyone's. Past days
    already recapped are re-run (`recapped`). Audited.
    """
    return requests.decide(call.principal, request_id, body, call.settings, call.now)


@endpoint(bp, "POST /v1/admin/requests/{request_id}/revoke", auth_as="admin", errors=("NOT_FOUND", "CONFLICT"))
def revoke_request(call: Call, request_id: str, body: schema.RevocationRequest) -> schema.RequestDecision:
    """Take back an approved request with a reason (`note`, required).

    **Roles:** unit_admin (the unit of the request's days, as listed; partly another unit's → 403),
    super_admin; never one's own. What the approval created is
    undone: a leave (CUTI, IZIN, SAKIT) or field-duty letter (DL) is cancelled (audited as `leave.cancel` or
    `assignment.cancel`; one cancelled already from its own list is left so), a corrected event (KOREKSI) stays
    as evidence with the decision `revoke` and no longer counts, its place in the month's
    `corrections_per_month` free again. The request becomes `revoked`; past days already recapped are re-run
    (`recapped`). A request of another unit → 404. 409 `CONFLICT` for a request that is not approved, and for
    the losers of admins revoking at the same moment; the same admin's revocation sent again (a retry after a
    503) → 200 as the first answer, named no second time. Audited (`request.revoke`) in the revocation's write.
    """
    return requests.revoke(call.principal, request_id, body, call.settings, call.now)
