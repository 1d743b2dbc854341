"""Routes: the employee's challenge, check-in/out and own data; face enrolment; reviews and recaps."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.api.binding import render
from chalicelib.api.errors import REFUSAL_CODES, json_response
from chalicelib.api.http import Call, endpoint
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import checkin, directory, faces, me, reports, reviews
from chalicelib.usecases.schemas import attendance as att_schema
from chalicelib.usecases.schemas import calendar as cal_schema
from chalicelib.usecases.schemas import reports as rep_schema
from chalicelib.usecases.schemas.common import parse_date

bp = Blueprint(__name__)


# --- employee ----------------------------------------------------------------------------------------


@endpoint(
    bp,
    "/v1/attendance/challenge",
    ["POST"],
    auth_as="employee_token",
    status=201,
    response=att_schema.ChallengeIssued,
    errors=("DEVICE_MISMATCH",),
    tag="attendance",
)
def issue_challenge(call: Call) -> att_schema.ChallengeIssued:
    """One-use, short-lived challenge that fixes the attendance time.

    **Roles:** employee (on the bound phone). The attendance time of a check-in made with it is `issued_at`,
    provided the check-in arrives before `expires_at`. No request body. Issued from the token alone (signature,
    expiry, phone): a revoked token, an inactive account or a released phone is refused by the check-in that
    uses the challenge.
    """
    return checkin.issue_challenge(call.principal, call.settings, call.now)


@endpoint(
    bp,
    "/v1/attendance",
    ["POST"],
    auth_as="employee",
    status=201,  # documented; the use case answers 201 or a recorded 422 itself
    body=att_schema.CheckinBody,
    response=att_schema.CheckinAnswer,
    errors=("UNSUPPORTED_IMAGE", "DEVICE_MISMATCH", "ALREADY_RECORDED", "CONFLICT", *REFUSAL_CODES),
    tag="attendance",
)
def check_in(call: Call, body: att_schema.CheckinBody) -> Response:
    """Check in or out with GPS and a live selfie.

    **Roles:** employee (on the bound phone). Online: `challenge_id` is required and the attendance time is the
    challenge's `issued_at`. Offline capture (`offline: true`): `captured_at` is required instead (not in the
    future, not older than the configured limit), no challenge; the event goes to review with warning
    `OFFLINE_CAPTURE`. The same `client_request_id` sent again returns the first answer (201 or 422) and records
    nothing new; reused with a different body → 409 `CONFLICT`; while the first is still in progress → 409. A
    refusal (422) is recorded with its photo for audit; its body carries the `event_id`. A second arrival on the
    same day → 409 `ALREADY_RECORDED` (details `first_event`).
    """
    answer = checkin.check_in(call.principal, body, call.raw_body(), call.settings, call.now)
    return json_response(answer.status_code, render(answer.body))


@endpoint(
    bp,
    "/v1/attendance/me",
    ["GET"],
    auth_as="employee",
    query=att_schema.MyEventsQuery,
    response=att_schema.EventPage,
    tag="attendance",
)
def my_attendance(call: Call, query: att_schema.MyEventsQuery) -> att_schema.EventPage:
    """The employee's own events between two dates.

    **Roles:** employee. Defaults: the last 7 days up to today; at most 62 days.
    """
    return me.my_events(call.principal, query, call.settings, call.now)


@endpoint(bp, "/v1/me", ["GET"], auth_as="employee", response=att_schema.Profile, tag="attendance")
def my_profile(call: Call) -> att_schema.Profile:
    """Profile, unit, zones, today's schedule and status, enrolment state.

    **Roles:** employee (also an inactive one, who sees `active: false`).
    """
    return me.profile(call.principal, call.settings, call.now)


# --- faces -------------------------------------------------------------------------------------------


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/faces",
    ["POST"],
    auth_as="admin",
    status=201,
    body=att_schema.EnrolRequest,
    guard=directory.employee_in_scope,
    response=att_schema.FaceEnrolled,
    errors=("UNSUPPORTED_IMAGE", "NOT_FOUND", "NO_FACE", "MULTIPLE_FACES", "LOW_QUALITY", "REPLAYED_PHOTO"),
    tag="faces",
)
def enrol_face(call: Call, nip: str, body: att_schema.EnrolRequest) -> att_schema.FaceEnrolled:
    """Enrol a reference face photo.

    **Roles:** unit_admin (own units), super_admin. The photo is analysed; no face, several faces, poor quality
    or a photo already used → 422. An employee may have several templates.
    """
    return faces.enrol(call.principal, nip, body, call.settings, call.now)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/faces",
    ["GET"],
    auth_as="admin",
    response=att_schema.FaceTemplatePage,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
    tag="faces",
)
def list_faces(call: Call, nip: str) -> att_schema.FaceTemplatePage:
    """An employee's face templates (never the vectors).

    **Roles:** unit_admin (own units), super_admin. `photo_url` is a short-lived signed link.
    """
    return faces.list_templates(call.principal, nip, call.settings)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/faces/{template_id}",
    ["DELETE"],
    auth_as="admin",
    response=att_schema.FaceDeleted,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
    tag="faces",
)
def delete_face(call: Call, nip: str, template_id: str) -> att_schema.FaceDeleted:
    """Delete one face template.

    **Roles:** unit_admin (own units), super_admin.
    """
    return faces.delete_template(call.principal, nip, template_id)


# --- monitoring, recaps, reviews ---------------------------------------------------------------------


@endpoint(
    bp,
    "/v1/admin/monitor",
    ["GET"],
    auth_as="admin",
    query=rep_schema.MonitorQuery,
    response=rep_schema.Monitor,
    tag="reports",
)
def monitor(call: Call, query: rep_schema.MonitorQuery) -> rep_schema.Monitor:
    """Live state of one unit's employees on a date.

    **Roles:** unit_admin (own units), super_admin. One unit: `unor_id` is required unless the unit admin has
    one unit.
    """
    return reports.monitor(call.principal, query, call.settings, call.now)


@endpoint(
    bp,
    "/v1/admin/recaps/daily",
    ["POST"],
    auth_as="admin",
    body=rep_schema.RecapRequest,
    response=rep_schema.RecapRun,
    tag="reports",
)
def run_daily_recap(call: Call, body: rep_schema.RecapRequest) -> rep_schema.RecapRun:
    """Run the daily recap now (the scheduled job's code).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). Re-runs write only what
    changed.
    """
    return reports.run_recap(call.principal, body, call.settings)


@endpoint(
    bp,
    "/v1/admin/recaps/daily",
    ["GET"],
    auth_as="admin",
    query=rep_schema.DailyRecapQuery,
    response=rep_schema.DailyRecap,
    tag="reports",
)
def daily_recap(call: Call, query: rep_schema.DailyRecapQuery) -> rep_schema.DailyRecap:
    """Stored daily statuses of one unit.

    **Roles:** unit_admin (own units), super_admin. `date` is required; one unit (`unor_id` unless the unit
    admin has one unit).
    """
    return reports.daily_recap(call.principal, query)


@endpoint(
    bp,
    "/v1/admin/recaps/monthly",
    ["GET"],
    auth_as="admin",
    query=rep_schema.MonthlyQuery,
    response=rep_schema.Monthly,
    tag="reports",
)
def monthly_recap(
    call: Call, query: rep_schema.MonthlyQuery
) -> rep_schema.MonthlyReport | rep_schema.ExportLink | Response:
    """Monthly recap per employee with the TPP deduction percent.

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). `format=json` (default) answers
    the report as JSON; `format=csv` answers the CSV inline (`text/csv`, `;`-separated, UTF-8 with BOM, for
    Excel id-ID) when it is at most 1 MB, otherwise a JSON download link; `format=xlsx` always answers a JSON
    download link (short-lived signed URL).
    """
    result = reports.monthly(call.principal, query, call.settings)
    if isinstance(result, tuple):
        content_type, content = result
        return Response(body=content.decode("utf-8"), status_code=200, headers={"Content-Type": content_type})
    return result


@endpoint(
    bp,
    "/v1/admin/reviews",
    ["GET"],
    auth_as="admin",
    query=rep_schema.ReviewsQuery,
    response=rep_schema.ReviewPage,
    tag="reports",
)
def list_reviews(call: Call, query: rep_schema.ReviewsQuery) -> rep_schema.ReviewPage:
    """Check-ins awaiting an admin decision.

    **Roles:** unit_admin (own units), super_admin. At most 100 items per page.
    """
    return reviews.list_reviews(call.principal, query)


@endpoint(
    bp,
    "/v1/admin/reviews/{event_id}",
    ["POST"],
    auth_as="admin",
    body=rep_schema.DecisionRequest,
    response=rep_schema.Decision,
    errors=("NOT_FOUND", "CONFLICT"),
    tag="reports",
)
def decide_review(call: Call, event_id: str, body: rep_schema.DecisionRequest) -> rep_schema.Decision:
    """Approve or reject a check-in in review.

    **Roles:** unit_admin (own units), super_admin. 409 `CONFLICT` when the event is not (or no longer) awaiting
    a decision. A decision on a past, already recapped day re-runs that day's recap (`recap`).
    """
    return reviews.decide(call.principal, event_id, body, call.settings, call.now)


# --- calendar ----------------------------------------------------------------------------------------


@endpoint(
    bp,
    "/v1/admin/units/{unor_id}/schedule",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ScheduleRequest,
    guard=directory.unit_in_scope,
    response=cal_schema.UnitScheduleSet,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_unit_schedule(call: Call, unor_id: str, body: cal_schema.ScheduleRequest) -> cal_schema.UnitScheduleSet:
    """Add a unit schedule version effective from a date.

    **Roles:** unit_admin (own units), super_admin. Versioned: applies from `effective_from` (today or later)
    and never rewrites past days. Weekdays absent from `days` are days off.
    """
    return cal.set_unit_schedule(call.principal, unor_id, body, call.settings, call.now)


@endpoint(
    bp, "/v1/admin/units/{unor_id}/schedule", ["GET"], auth_as="admin", response=cal_schema.UnitSchedule, tag="calendar"
)
def get_unit_schedule(call: Call, unor_id: str) -> cal_schema.UnitSchedule:
    """A unit's schedule versions.

    **Roles:** unit_admin (own units), super_admin.
    """
    return cal.get_unit_schedule(call.principal, unor_id)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/schedule",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ScheduleRequest,
    guard=directory.employee_in_scope,
    response=cal_schema.EmployeeSchedule,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_employee_schedule(call: Call, nip: str, body: cal_schema.ScheduleRequest) -> cal_schema.EmployeeSchedule:
    """Add a personal schedule version (overrides the unit's).

    **Roles:** unit_admin (own units), super_admin. Same body and rules as the unit schedule.
    """
    return cal.set_employee_schedule(call.principal, nip, body, call.settings, call.now)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/shifts",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ShiftsRequest,
    guard=directory.employee_in_scope,
    response=cal_schema.ShiftsSaved,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_shifts(call: Call, nip: str, body: cal_schema.ShiftsRequest) -> cal_schema.ShiftsSaved:
    """Set a shift roster (per date hours, possibly crossing midnight, or null for a day off).

    **Roles:** unit_admin (own units), super_admin. 1 to 62 dates per request.
    """
    return cal.set_shifts(call.principal, nip, body)


@endpoint(
    bp,
    "/v1/admin/holidays/{date}",
    ["PUT"],
    auth_as="super_admin",
    body=cal_schema.HolidayRequest,
    guard=lambda principal, date: parse_date(date, "date"),
    response=cal_schema.Holiday,
    tag="calendar",
)
def put_holiday(call: Call, date: str, body: cal_schema.HolidayRequest) -> cal_schema.Holiday:
    """Declare (or rename) a holiday.

    **Roles:** super_admin.
    """
    return cal.put_holiday(call.principal, date, body)


@endpoint(
    bp,
    "/v1/admin/holidays/{date}",
    ["DELETE"],
    auth_as="super_admin",
    response=cal_schema.HolidayDeleted,
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
    tag="calendar",
)
def delete_holiday(call: Call, date: str) -> cal_schema.HolidayDeleted:
    """Remove a holiday.

    **Roles:** super_admin.
    """
    return cal.delete_holiday(call.principal, date)


@endpoint(
    bp,
    "/v1/admin/holidays",
    ["GET"],
    auth_as="admin",
    query=cal_schema.HolidaysQuery,
    response=cal_schema.HolidayPage,
    tag="calendar",
)
def list_holidays(call: Call, query: cal_schema.HolidaysQuery) -> cal_schema.HolidayPage:
    """Holidays of a year.

    **Roles:** unit_admin, super_admin. `year` defaults to the current year (2000-2100).
    """
    return cal.list_holidays(call.principal, query, call.now)


@endpoint(
    bp,
    "/v1/admin/ramadan/{year}",
    ["PUT"],
    auth_as="super_admin",
    body=cal_schema.RamadanRequest,
    guard=lambda principal, year: cal.year_of(year),
    response=cal_schema.Ramadan,
    tag="calendar",
)
def put_ramadan(call: Call, year: str, body: cal_schema.RamadanRequest) -> cal_schema.Ramadan:
    """Set the Ramadan period of a year (shorter working hours).

    **Roles:** super_admin. At most 31 days, starting in `year`.
    """
    return cal.put_ramadan(call.principal, year, body)


@endpoint(
    bp,
    "/v1/admin/leaves",
    ["POST"],
    auth_as="admin",
    status=201,
    body=cal_schema.LeaveRequest,
    response=cal_schema.Leave,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def add_leave(call: Call, body: cal_schema.LeaveRequest) -> cal_schema.Leave:
    """Record a leave (cuti, izin, sakit).

    **Roles:** unit_admin (own units), super_admin. At most 366 days.
    """
    return cal.add_leave(call.principal, body)
