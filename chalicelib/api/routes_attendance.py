"""Routes: the employee's challenge, check-in, own events and profile (API.md section 5)."""

from __future__ import annotations

from chalice.app import Response

from chalicelib.api.binding import render
from chalicelib.api.errors import REFUSAL_CODES, json_response
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import checkin, me
from chalicelib.usecases.schemas import attendance as att_schema
from chalicelib.usecases.schemas import reports as rep_schema

bp = Routes(__name__, tag="attendance")


@endpoint(bp, "POST /v1/attendance/challenge", auth_as="employee", status=201, errors=("DEVICE_MISMATCH",))
def issue_challenge(call: Call) -> att_schema.ChallengeIssued:
    """One-use, short-lived challenge that fixes the attendance time.

    **Roles:** employee (on the bound phone). The attendance time of a check-in made with it is `issued_at`,
    provided the check-in arrives before `expires_at`. No request body. The token is judged by the stored
    account, as on every employee route (decision 159): a logged-out or otherwise ended session → 401, an
    inactive account → 403 `ACCOUNT_INACTIVE`.
    """
    return checkin.issue_challenge(call.principal, call.settings, call.now)


@endpoint(
    bp,
    "POST /v1/attendance",
    auth_as="employee",
    status=201,
    response=att_schema.CheckinAnswer,
    errors=("UNSUPPORTED_IMAGE", "DEVICE_MISMATCH", "ALREADY_RECORDED", "CONFLICT", *REFUSAL_CODES),
)
def check_in(call: Call, body: att_schema.CheckinBody) -> Response:
    """Check in or out with GPS and a live selfie.

    **Roles:** employee (on the bound phone). Online: `challenge_id` is required and the attendance time is the
    challenge's `issued_at`. Offline capture (`offline: true`): `captured_at` is required instead (not in the
    future, not older than the configured limit), no challenge; the event goes to review with warning
    `OFFLINE_CAPTURE`. The same `client_request_id` sent again returns the first answer (201 or 422) and records
    nothing new (the same JSON in any key order or spacing is the same body); reused with a different body → 409
    `CONFLICT`, its details naming how the first body was answered once it was (`first`: `status` accepted,
    review or refused, `event_id`, and a refusal's `code` and `message`: a phone resending a capture in its
    offline form after the live send arrived learns its outcome); while the first is still in progress, after
    waiting up to 10 s → 503 `UNAVAILABLE` to retry. A refusal (422) is recorded with its photo for audit, its
    body carrying the `event_id`: the photo when it decodes as an image, up to 20 an employee a day (and 20 more
    in which a face was judged; later refusals of the day are recorded without one). At most 50 refusals an
    employee a day are recorded in each of the same two pools; later ones get the same 422, but their `event_id`
    names no stored event. A second arrival on the same day → 409 `ALREADY_RECORDED` (details `first_event`).
    """
    answer = checkin.check_in(call.principal, body, call.raw_body(), call.settings, call.now)
    return json_response(answer.status_code, render(answer.body))


@endpoint(bp, "GET /v1/attendance/me", auth_as="employee")
def my_attendance(call: Call, query: att_schema.MyEventsQuery) -> att_schema.EventPage:
    """The employee's own events between two dates.

    **Roles:** employee. Defaults: the last 7 days up to today; at most 62 days.
    """
    return me.my_events(call.principal, query, call.settings, call.now)


@endpoint(bp, "GET /v1/me", auth_as="employee")
def my_profile(call: Call) -> att_schema.Profile:
    """Profile, unit, zones, today's schedule and status, enrolment state.

    **Roles:** employee; one SIMPEG deactivated gets 403 `ACCOUNT_INACTIVE`. `today` carries the day's first
    check-in and last check-out and its `status` so far as the daily recap judges it (`BELUM` while no
    check-in counts yet, none or one in review, and the hours are not over; no PSW before their end).
    """
    return me.profile(call.principal, call.settings, call.now)


@endpoint(bp, "GET /v1/me/recap", auth_as="employee")
def my_recap(call: Call, query: rep_schema.MyRecapQuery) -> rep_schema.MyRecap:
    """The employee's month: each recapped day and the monthly report's counts and TPP deduction.

    **Roles:** employee (own data only). The same figures as `GET /v1/admin/recaps/monthly` for this employee.
    Days come as the daily recap stored them, so the current month has the days recapped so far and a future
    month none. `month` outside 2000-01..2100-12 or not `YYYY-MM` → 400 `VALIDATION_ERROR`.
    """
    return me.my_recap(call.principal, query, call.settings)
