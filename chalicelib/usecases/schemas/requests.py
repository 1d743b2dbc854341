"""Requests and results of employees' requests (pengajuan) and the admin lists of leaves and field duties."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from chalicelib.domain.requests import REQUEST_STATUSES, REQUEST_TYPES
from chalicelib.domain.schedule import HH_MM
from chalicelib.usecases.schemas.common import (
    NEXT,
    Day,
    DayText,
    InstantText,
    Page,
    Query,
    Recapped,
    Request,
    Result,
    Text100,
    Text500,
    UnitId,
    absent_when_none,
    choice,
    enum_schema,
    invalid,
    one_of,
)
from chalicelib.usecases.schemas.reports import DECISIONS, MONTH, MONTH_REQUIRED, Month
from chalicelib.usecases.schemas.zones import ZoneShape

EVENT_TYPES = ("in", "out")
LEAVE_API_TYPES = ("CUTI", "IZIN", "SAKIT")
CLOCK = f"^{HH_MM.pattern}$"


def _clock(value: object) -> object:
    # Matched whole: the pattern's `$` also matches before a final line break, which the clock parser refuses.
    if value is not None and (not isinstance(value, str) or HH_MM.fullmatch(value) is None):
        raise invalid("must be a time HH:MM", "Jam harus berformat JJ:MM.")
    return value


def _event_type(value: object) -> object:
    if value is not None and value not in EVENT_TYPES:
        raise invalid("must be one of in, out")
    return value


class NewRequest(Request):
    type: Annotated[str, one_of(REQUEST_TYPES), choice(REQUEST_TYPES), enum_schema(REQUEST_TYPES)]
    start_date: Day
    end_date: Day = Field(
        description="On or after `start_date`, at most 366 days later (367 dates); a KOREKSI: the same day."
    )
    reason: Text500
    attachment: str | None = Field(
        default=None,
        json_schema_extra={"contentEncoding": "base64"},
        description="A letter or certificate: base64 PDF or JPEG, at most 2 MB (413 beyond).",
    )
    time: Annotated[str | None, BeforeValidator(_clock)] = Field(
        default=None, json_schema_extra={"pattern": CLOCK}, description="KOREKSI (required there): local HH:MM."
    )
    event_type: Annotated[str | None, BeforeValidator(_event_type)] = Field(
        default=None,
        json_schema_extra={"enum": [*EVENT_TYPES, None]},
        description="KOREKSI: the corrected event, `in` (default) or `out`.",
    )


class RequestCreated(Result):
    request_id: str
    status: Annotated[str, enum_schema(REQUEST_STATUSES)]


class NamedItem(Result):
    """An item about one employee; admin lists name them (`usecases.directory.with_names`)."""

    nip: str
    nama: str | None = absent_when_none("Admin lists: the employee's name as SIMPEG has it.")


class MonthCorrections(Result):
    """An employee's approved time corrections of one month against the rule table's `corrections_per_month`."""

    month: str = Field(pattern="^[0-9]{4}-[0-9]{2}$")
    limit: int
    approved: int


class SetAside(Result):
    """A check of a correction's kind on its day that does not count: what the correction would put back."""

    time: InstantText
    how: Annotated[str, enum_schema(("refused", "rejected", "revoked"))] = Field(
        description="`refused`: SMART refused the check-in (`code`); `rejected`: an admin rejected it in review; "
        "`revoked`: an admin took an approval back (a correction approved before, for one)."
    )
    code: str | None = Field(description="`refused`: the refusal's code (FACE_MISMATCH, OUTSIDE_ZONE, ...).")
    by: str | None = Field(description="`rejected`, `revoked`: the admin who decided.")
    note: str | None = Field(description="`rejected`, `revoked`: the admin's note.")


class EmployeeInactive(Result):
    """An admin list's word on a request whose employee SIMPEG deactivated: since when, and whether approving it
    is still allowed (`usecases.directory.judges`, the approval's own rule)."""

    deactivated_on: DayText | None = Field(description="The day SIMPEG deactivated the employee; null: not recorded.")
    approvable: bool = Field(
        description="Whether an approval is still allowed: every day of the request before the deactivation (a "
        "leaver's last days). False: approving answers 403 `ACCOUNT_INACTIVE`; only rejecting is left."
    )


class RequestItem(NamedItem):
    request_id: str
    unor_id: str
    type: Annotated[str, enum_schema(REQUEST_TYPES)]
    start_date: DayText
    end_date: DayText
    reason: str
    time: str | None
    event_type: str | None
    attachment: bool = Field(description="Whether a file was attached.")
    attachment_url: str | None = absent_when_none("Admin lists: a short-lived link to the attachment.")
    status: Annotated[str, enum_schema(REQUEST_STATUSES)] = Field(
        description="`revoked` in admin lists only: the employee's own list (`GET /v1/me/requests`) shows an "
        "approval an admin took back as `cancelled`, decided by that admin."
    )
    created_at: InstantText
    decided_by: str | None = Field(
        description="Who decided: the admin's username in admin lists. The employee's own list and withdrawal "
        "(`/v1/me/requests`) name no admin: `ADMIN` for an admin's decision, the employee's NIP for their own "
        "withdrawal; null while pending."
    )
    decided_at: InstantText | None
    note: str | None = Field(description="The deciding admin's note.")
    result_id: str | None = Field(description="The leave, assignment or event an approval created.")
    approved_by: str | None = absent_when_none(
        "A revoked request: the admin who had approved it (`decided_by` is then the one who took it back); "
        "`ADMIN` in the employee's own list."
    )
    approved_at: InstantText | None = absent_when_none("A revoked request: when it had been approved.")
    month_corrections: MonthCorrections | None = absent_when_none(
        "Admin lists, a KOREKSI under a cap: the employee's approved corrections of the month of its day."
    )
    recorded_time: InstantText | None = absent_when_none(
        "Admin lists, a pending KOREKSI: the check of its kind already recorded that day (the earliest arrival, "
        "the latest departure), which the correction would stand beside; absent when the day has none."
    )
    set_aside: list[SetAside] | None = absent_when_none(
        "Admin lists, a pending KOREKSI: the checks of its kind that day that do not count (refused, rejected in "
        "review, an approval taken back), newest first, at most 5: the admin sees that the correction would put "
        "back what SMART or an admin set aside (a stand-in's check-in rejected, a correction revoked before); "
        "absent when there are none."
    )
    employee_inactive: EmployeeInactive | None = absent_when_none(
        "Admin lists: the employee is deactivated in SIMPEG (since when, and whether this request may still be "
        "approved); absent while they are active."
    )


class RequestPage(Page[RequestItem]):
    pass


class MyRequestsQuery(Query):
    next: str | None = NEXT


class MyCorrectionsQuery(Query):
    model_config = MONTH_REQUIRED

    month: Month = MONTH


class CorrectionAllowance(Result):
    """The month's time corrections (KOREKSI) against the rule table's `corrections_per_month`."""

    month: str = Field(pattern="^[0-9]{4}-[0-9]{2}$")
    limit: int | None = Field(description="Corrections a month; null: no cap (the other counts are null too).")
    approved: int | None = Field(description="Approved corrections of days of this month.")
    pending: int | None = Field(description="Corrections of days of this month waiting for a decision.")
    remaining: int | None = Field(description="How many more may be filed: `limit` minus approved and pending.")


class AdminRequestsQuery(Query):
    status: Annotated[str | None, choice(REQUEST_STATUSES), enum_schema(REQUEST_STATUSES)] = None
    unor_id: UnitId | None = Field(default=None, description="One unit; all visible units when absent.")
    next: str | None = NEXT


class RequestDecisionRequest(ZoneShape):
    """For a DL, the area of duty (`polygon`/`circle`/`geojson`, optional) and the letter's number may come
    with an approval."""

    decision: Annotated[str, one_of(DECISIONS), choice(DECISIONS), enum_schema(DECISIONS)]
    note: Text500 | None = None
    letter_no: Text100 | None = Field(default=None, description="DL: the letter's number (default: the request id).")


class RevocationRequest(Request):
    note: Text500 = Field(description="Why the approval is taken back (kept with the request and in the audit).")


class RequestDecision(Result):
    request_id: str
    status: Annotated[str, enum_schema(REQUEST_STATUSES)]
    decided_at: InstantText
    result_id: str | None
    recapped: Recapped


class DatesQuery(Query):
    """The dates of an admin list (`zones.query_period`)."""

    from_: Day | None = Field(default=None, alias="from", description="Defaults to 30 days before today.")
    to: Day | None = Field(default=None, description="Defaults to 30 days after today; at most 366 days after `from`.")


class PeriodQuery(DatesQuery):
    unor_id: UnitId | None = Field(default=None, description="One unit; all visible units when absent.")
    next: str | None = NEXT


class LeaveItem(NamedItem):
    leave_id: str
    unor_id: str
    type: Annotated[str, enum_schema(LEAVE_API_TYPES)]
    start_date: DayText
    end_date: DayText
    reason: str | None
    created_by: str
    created_at: InstantText


class LeavePage(Page[LeaveItem]):
    pass


class AssignmentItem(Result):
    assignment_id: str
    unor_id: str
    nips: list[str] = Field(description="The unit's employees on this duty.")
    zone_id: str | None = Field(description="The area of duty, or null for a duty without an area.")
    start_date: DayText
    end_date: DayText
    letter_no: str
    reason: str


class AssignmentPage(Page[AssignmentItem]):
    pass


class Cancelled(Result):
    id: str
    cancelled: bool
    recapped: Recapped
