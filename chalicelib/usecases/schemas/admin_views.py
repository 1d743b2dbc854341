"""Requests and results of the admin views of the second wave: the regency monitor summary, refused check-in
attempts, the audit log and the printable activation sheet (API.md "Admin views")."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from chalicelib.messages import REFUSAL_CODES
from chalicelib.usecases.schemas.common import (
    NEXT,
    Day,
    DayText,
    InstantText,
    Query,
    Request,
    Result,
    Text64,
    Text120,
    UnitId,
    choice,
    enum_schema,
)
from chalicelib.usecases.schemas.reports import MONITOR_STATES, RECAPPED, ReviewItem

COUNTS = Field(description="Employees per monitor state: " + ", ".join(MONITOR_STATES) + ".")


class SummaryQuery(Query):
    date: Day | None = Field(default=None, description="Defaults to today.")


class UnitSummary(Result):
    unor_id: str
    unor_nama: str
    employee_count: int = Field(description="Active employees the monitor follows in the unit.")
    counts: dict[str, int] = COUNTS
    recapped: bool | None = RECAPPED


class MonitorSummary(Result):
    date: DayText
    totals: dict[str, int] = COUNTS
    units: list[UnitSummary]


class AttemptsQuery(Query):
    date: Day | None = Field(default=None, description="Local date of the attempts; defaults to today.")
    unor_id: UnitId | None = Field(default=None, description="One unit; all visible units when absent.")
    code: Annotated[str | None, choice(REFUSAL_CODES, "Kode penolakan tidak dikenal."), enum_schema(REFUSAL_CODES)] = (
        Field(default=None, description="Only this refusal code.")
    )
    next: str | None = NEXT


class Attempt(ReviewItem):
    code: str = Field(description="The refusal code the check-in was answered with (422).")
    details: dict[str, str | int | float | bool] = Field(
        description="The refusal's `details` (OUTSIDE_ZONE: `zones`, and `nearest_zone` with `distance_m` to its"
        " edge; IMPOSSIBLE_TRAVEL: `distance_m`, `elapsed_s`, `speed_kmh`; ...), as the phone was told them but for"
        " REPLAYED_PHOTO and LIVENESS_FAILED, whose measures the phone is not told (only `reason`, and `frame`)."
    )


class AttemptPage(Result):
    items: list[Attempt]
    next: str | None


class AuditQuery(Query):
    from_: Day | None = Field(default=None, alias="from", description="First local date; defaults to `to`.")
    to: Day | None = Field(default=None, description="Last local date; defaults to today. At most 92 days.")
    actor: Text64 | None = Field(default=None, description="User name of the admin who acted.")
    action: Text64 | None = Field(
        default=None,
        description="An action (`zone.create`) or a family of actions (`zone` matches `zone.*`). The links to "
        "employees' personal files admins were handed (`view.photos`, `view.attachments`; target: the NIP) are "
        "listed only when asked for: `view` or one of its actions.",
    )
    target: Text120 | None = Field(
        default=None,
        description="The id acted on (NIP, zone id, user name, ...); a NIP also finds the decisions on that "
        "employee's requests and check-ins (`request.*`, `review.*`, by their `details.nip`).",
    )
    next: str | None = NEXT


class AuditItem(Result):
    at: InstantText
    actor: str
    role: str | None = Field(description="The actor's role when acting (entries older than roles: their current).")
    action: str
    target: str
    details: dict[str, object] | None


class AuditPage(Result):
    items: list[AuditItem]
    next: str | None


class ActivationSheetRequest(Request):
    only_not_activated: bool = Field(
        default=True, description="Only employees without a bound phone (true), or every active employee."
    )


LeftOutReason = Literal["own_record", "four_eyes"]


class LeftOut(Result):
    """An employee the sheet was asked for who has no card on it: their code must come from another admin."""

    nip: str
    nama: str
    reason: LeftOutReason = Field(
        description="`own_record`: the printing admin's own employee record; `four_eyes`: an account activated"
        " before, one of whose faces the printing admin put on within the last week (the code would be refused at"
        " its use)."
    )


class ActivationSheet(Result):
    count: int = Field(description="Codes issued (one card each on the sheet).")
    expires_at: InstantText
    sheet_url: str = Field(json_schema_extra={"format": "uri"}, description="A4 PDF, short-lived signed URL.")
    left_out: list[LeftOut] = Field(
        default_factory=list, description="Employees asked for who have no card: another admin gives their code."
    )
