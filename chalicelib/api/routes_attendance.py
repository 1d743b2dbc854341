"""Routes: the employee's challenge, check-in/out and own data; face enrolment; reviews and recaps."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint, Response

from chalicelib.api.errors import json_response
from chalicelib.api.http import Call, endpoint
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import checkin, faces, me, reports, reviews
from chalicelib.usecases.schemas import calendar as cal_schema

bp = Blueprint(__name__)


# --- employee ----------------------------------------------------------------------------------------


@endpoint(bp, "/v1/attendance/challenge", ["POST"], auth_as="employee_token", status=201)
def challenge(call: Call) -> dict[str, Any]:
    return checkin.issue_challenge(call.principal, call.settings, call.now)


@endpoint(bp, "/v1/attendance", ["POST"], auth_as="employee")
def attendance(call: Call) -> Response:
    answer = checkin.check_in(call.principal, call.json(), call.raw_body(), call.settings, call.now)
    return json_response(answer.status_code, answer.body)


@endpoint(bp, "/v1/attendance/me", ["GET"], auth_as="employee")
def my_attendance(call: Call) -> dict[str, Any]:
    return me.my_events(call.principal, call.query("from"), call.query("to"), call.settings, call.now)


@endpoint(bp, "/v1/me", ["GET"], auth_as="employee")
def my_profile(call: Call) -> dict[str, Any]:
    return me.profile(call.principal, call.settings, call.now)


# --- faces -------------------------------------------------------------------------------------------


@endpoint(bp, "/v1/admin/employees/{nip}/faces", ["POST"], auth_as="admin", status=201)
def enrol_face(call: Call, nip: str) -> dict[str, Any]:
    return faces.enrol(call.principal, nip, call.json(), call.settings, call.now)


@endpoint(bp, "/v1/admin/employees/{nip}/faces", ["GET"], auth_as="admin")
def list_faces(call: Call, nip: str) -> dict[str, Any]:
    return faces.list_templates(call.principal, nip, call.settings)


@endpoint(bp, "/v1/admin/employees/{nip}/faces/{template_id}", ["DELETE"], auth_as="admin")
def delete_face(call: Call, nip: str, template_id: str) -> dict[str, Any]:
    return faces.delete_template(call.principal, nip, template_id)


# --- monitoring, recaps, reviews ---------------------------------------------------------------------


@endpoint(bp, "/v1/admin/monitor", ["GET"], auth_as="admin")
def monitor(call: Call) -> dict[str, Any]:
    return reports.monitor(call.principal, call.query("date"), call.query("unor_id"), call.settings, call.now)


@endpoint(bp, "/v1/admin/recaps/daily", ["POST"], auth_as="admin")
def run_daily_recap(call: Call) -> dict[str, Any]:
    return reports.run_recap(call.principal, call.json(), call.settings)


@endpoint(bp, "/v1/admin/recaps/daily", ["GET"], auth_as="admin")
def daily_recap(call: Call) -> dict[str, Any]:
    return reports.daily_recap(call.principal, call.query("date"), call.query("unor_id"), call.query("next"))


@endpoint(bp, "/v1/admin/recaps/monthly", ["GET"], auth_as="admin")
def monthly_recap(call: Call) -> Any:
    result = reports.monthly(
        call.principal, call.query("month"), call.query("unor_id"), call.query("format"), call.settings
    )
    if isinstance(result, tuple):
        content_type, content = result
        return Response(body=content.decode("utf-8"), status_code=200, headers={"Content-Type": content_type})
    return result


@endpoint(bp, "/v1/admin/reviews", ["GET"], auth_as="admin")
def list_reviews(call: Call) -> dict[str, Any]:
    return reviews.list_reviews(call.principal, call.query("status"), call.query("unor_id"), call.query("next"))


@endpoint(bp, "/v1/admin/reviews/{event_id}", ["POST"], auth_as="admin")
def decide_review(call: Call, event_id: str) -> dict[str, Any]:
    return reviews.decide(call.principal, event_id, call.json(), call.settings, call.now)


# --- calendar ----------------------------------------------------------------------------------------


@endpoint(
    bp,
    "/v1/admin/units/{unor_id}/schedule",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ScheduleRequest,
    response=cal_schema.UnitScheduleSet,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_unit_schedule(call: Call, unor_id: str, body: cal_schema.ScheduleRequest) -> dict[str, Any]:
    return cal.set_unit_schedule(call.principal, unor_id, body, call.settings, call.now)


@endpoint(
    bp, "/v1/admin/units/{unor_id}/schedule", ["GET"], auth_as="admin", response=cal_schema.UnitSchedule, tag="calendar"
)
def get_unit_schedule(call: Call, unor_id: str) -> dict[str, Any]:
    return cal.get_unit_schedule(call.principal, unor_id)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/schedule",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ScheduleRequest,
    response=cal_schema.EmployeeSchedule,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_employee_schedule(call: Call, nip: str, body: cal_schema.ScheduleRequest) -> dict[str, Any]:
    return cal.set_employee_schedule(call.principal, nip, body, call.settings, call.now)


@endpoint(
    bp,
    "/v1/admin/employees/{nip}/shifts",
    ["PUT"],
    auth_as="admin",
    body=cal_schema.ShiftsRequest,
    response=cal_schema.ShiftsSaved,
    errors=("NOT_FOUND",),
    tag="calendar",
)
def set_shifts(call: Call, nip: str, body: cal_schema.ShiftsRequest) -> dict[str, Any]:
    return cal.set_shifts(call.principal, nip, body)


@endpoint(
    bp,
    "/v1/admin/holidays/{date}",
    ["PUT"],
    auth_as="super_admin",
    body=cal_schema.HolidayRequest,
    response=cal_schema.Holiday,
    tag="calendar",
)
def put_holiday(call: Call, date: str, body: cal_schema.HolidayRequest) -> dict[str, Any]:
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
def delete_holiday(call: Call, date: str) -> dict[str, Any]:
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
def list_holidays(call: Call, query: cal_schema.HolidaysQuery) -> dict[str, Any]:
    return cal.list_holidays(call.principal, query, call.now)


@endpoint(
    bp,
    "/v1/admin/ramadan/{year}",
    ["PUT"],
    auth_as="super_admin",
    body=cal_schema.RamadanRequest,
    response=cal_schema.Ramadan,
    tag="calendar",
)
def put_ramadan(call: Call, year: str, body: cal_schema.RamadanRequest) -> dict[str, Any]:
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
def add_leave(call: Call, body: cal_schema.LeaveRequest) -> dict[str, Any]:
    return cal.add_leave(call.principal, body)
