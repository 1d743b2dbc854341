"""Routes: live monitor, daily and monthly recaps, the review queue (API.md section 6)."""

from __future__ import annotations

from typing import TypeVar

from chalice.app import Response

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.attendance.export import ExportFile
from chalicelib.usecases import exports, reports, reviews
from chalicelib.usecases.schemas import reports as rep_schema

bp = Routes(__name__, tag="reports")
T = TypeVar("T")


@endpoint(bp, "GET /v1/admin/monitor", auth_as="admin")
def monitor(call: Call, query: rep_schema.MonitorQuery) -> rep_schema.Monitor:
    """Live state of one unit's employees on a date.

    **Roles:** unit_admin (own units), super_admin. One unit: `unor_id` is required unless the unit admin has
    one unit.
    """
    return reports.monitor(call.principal, query, call.settings, call.now)


@endpoint(
    bp,
    "POST /v1/admin/recaps/daily",
    auth_as="admin",
    response=rep_schema.RecapRun,
    accepted=rep_schema.RecapAccepted,
)
def run_daily_recap(call: Call, body: rep_schema.RecapRequest) -> rep_schema.RecapRun | rep_schema.RecapAccepted:
    """Run the daily recap now (the scheduled job's code).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). Re-runs write only what
    changed. A day after today answers 400 (nothing to judge yet). `"as_scheduled": true` (the console's) judges
    the day as the 23:30 run does: nobody SMART followed only later, and a day not over as it stands.
    A run of several units (the regency) that cannot finish within about 20 s answers 202 with the counts of
    the units judged so far, `run_id` and `recapping`: the report worker judges the other units whole (the run
    of the job `recap_rejudge` in `GET /v1/admin/jobs`); 503 when it cannot be handed over (send it again).
    """
    return reports.run_recap(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/recaps/daily", auth_as="admin", response=rep_schema.Daily)
def daily_recap(
    call: Call, query: rep_schema.DailyRecapQuery
) -> rep_schema.DailyRecap | rep_schema.ExportLink | Response:
    """Stored daily statuses of one unit.

    **Roles:** unit_admin (own units), super_admin. `date` defaults to today (the regency's); `unor_id` names one
    unit (a file needs one: a unit admin's only unit without it). `format=json` (default) answers a page of the
    day, of every visible unit without `unor_id`; `csv` the whole day inline
    (`text/csv`, as the monthly CSV); `xlsx` and `pdf` (A4, with the head's signature block) a download link.
    """
    return _inline(reports.daily_recap(call.principal, query, call.settings, call.now))


@endpoint(bp, "GET /v1/admin/recaps/monthly", auth_as="admin", response=rep_schema.Monthly)
def monthly_recap(
    call: Call, query: rep_schema.MonthlyQuery
) -> rep_schema.MonthlyReport | rep_schema.ExportLink | Response:
    """Monthly recap per employee with the TPP deduction percent.

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). `format=json` (default) answers
    the report as JSON (`provisional`: whether any unit's XLSX or PDF comes out SEMENTARA, unsigned, as a unit's
    daily page says of its day); `format=csv` answers the CSV inline (`text/csv`, `;`-separated, UTF-8 with BOM,
    for Excel id-ID) when it is at most 1 MB, otherwise a JSON download link; `format=xlsx` always answers a JSON
    download link (short-lived signed URL). A `csv` or `xlsx` file of several units with more than 3,000
    employees (the regency) answers 400 `VALIDATION_ERROR`: start it with `POST /v1/admin/recaps/monthly/exports`.
    """
    return _inline(reports.monthly(call.principal, query, call.settings, call.now))


def _inline(result: T | ExportFile) -> T | Response:
    """A report, or a file answered inline (UTF-8) as it is, named for the browser that saves it."""
    if isinstance(result, ExportFile):
        headers: dict[str, str | list[str]] = {
            "Content-Type": result.content_type,
            "Content-Disposition": f'attachment; filename="{result.filename}"',
        }
        return Response(body=result.content.decode("utf-8"), status_code=200, headers=headers)
    return result


@endpoint(bp, "GET /v1/admin/recaps/monthly/pdf", auth_as="admin")
def monthly_recap_pdf(call: Call, query: rep_schema.MonthScope) -> rep_schema.ExportLink:
    """The monthly recap as a printable PDF to be signed by the unit's head: A4 landscape, one section per unit
    (employees with their category counts, minutes late and early and TPP deduction, a legend, a signature
    block), as a download link (short-lived signed URL).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`), auditor. Several units with more
    than 3,000 employees (the regency) answer 400 `VALIDATION_ERROR`: start it with
    `POST /v1/admin/recaps/monthly/exports`.
    """
    return reports.monthly_pdf(call.principal, query, call.settings, call.now)


@endpoint(
    bp,
    "POST /v1/admin/recaps/monthly/exports",
    auth_as="admin",
    status=202,
    changes_nothing=True,
    errors=("RATE_LIMITED",),
)
def start_monthly_export(call: Call, body: rep_schema.MonthlyExportRequest) -> rep_schema.MonthlyExport:
    """Build the monthly recap as a file in the background: the regency's report can take longer than a request
    may (API Gateway ends one at 29 s). Answers 202 with the export `running`; poll
    `GET /v1/admin/recaps/monthly/exports/{export_id}` until it is `succeeded` (with a download link) or `failed`.
    The file is the one `GET /v1/admin/recaps/monthly` (`xlsx`, `csv`) or `/pdf` answers.

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`), auditor (it changes no data).
    At most 3 exports of one admin are built at once: 429 `RATE_LIMITED` with `Retry-After` beyond them.
    """
    return exports.start(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/recaps/monthly/exports/{export_id}", auth_as="admin")
def monthly_export(call: Call, export_id: str) -> rep_schema.MonthlyExport:
    """One of the caller's monthly exports: `running`, `succeeded` with a short-lived signed link (a fresh one at
    every read), `failed` with a `message` for the admin (also when its worker never finished), or `expired`
    once the bucket has let the file go (`SMART_EXPORT_RETENTION_DAYS`, the stack's ExportRetentionDays).

    **Roles:** unit_admin, super_admin, auditor: only the admin who started it (404 `NOT_FOUND` for anyone else, as
    for an unknown id); 403 once they no longer see a unit in it.
    """
    return exports.status(call.principal, export_id, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/reviews", auth_as="admin")
def list_reviews(call: Call, query: rep_schema.ReviewsQuery) -> rep_schema.ReviewPage:
    """Check-ins awaiting an admin decision, with their evidence.

    **Roles:** unit_admin (own units), super_admin, auditor. At most 100 items per page. Each item carries the
    employee's name, the position, and signed links to the check-in photo (`selfie_url`) and the enrolment
    photos (`enrolment_urls`), valid for at most 15 minutes.
    """
    return reviews.list_reviews(call.principal, query, call.settings)


@endpoint(bp, "POST /v1/admin/reviews/{event_id}", auth_as="admin", errors=("NOT_FOUND", "CONFLICT"))
def decide_review(call: Call, event_id: str, body: rep_schema.DecisionRequest) -> rep_schema.Decision:
    """Approve or reject a check-in in review.

    **Roles:** unit_admin (own units), super_admin. 409 `CONFLICT` when the event is not (or no longer) awaiting
    a decision. A decision on a past, already recapped day re-runs that day's recap (`recap`).
    """
    return reviews.decide(call.principal, event_id, body, call.settings, call.now)
