"""What the app writes to stdout (CloudWatch Logs in Lambda) while serving real requests: one JSON object per
line, one "request" line per request with its id, route, status, outcome and latency, EMF metric lines for
check-ins, and nothing personal (no password, token, raw NIP or photo)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib import jobs, runtime
from chalicelib import observability as obs
from chalicelib.api import routes_auth
from chalicelib.runtime import scheduled_job_event
from chalicelib.settings import load_settings
from chalicelib.store.job_runs import JobRun
from tests.functional.checkin_setup import DEVICE, OUTSIDE, Employee, b64, enrolled_employee, selfie
from tests.functional.conftest import Api

PASSWORD = "rahasia-123"  # the employee's (checkin_setup)
WRONG_PASSWORD = "Salah-Sandi-987"
IMPOSTOR = "deepface/img13.jpg"


def stdout_lines(capsys: pytest.CaptureFixture[str]) -> tuple[str, list[dict[str, Any]]]:
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        value = json.loads(line)  # every line is JSON ...
        assert isinstance(value, dict), line  # ... and one object
        parsed.append(value)
    return out, parsed


def request_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line.get("message") == "request"]


def metric_blobs(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if "_aws" in line]


@pytest.fixture(autouse=True)
def no_leftover_metrics() -> None:
    obs.metrics.clear_metrics()


def test_request_lines_are_json_with_ids_and_outcomes_and_nothing_personal(
    capsys: pytest.CaptureFixture[str], api: Api
) -> None:
    # GIVEN an enrolled employee (activation with NIP and password, a face enrolment photo: all logged too)
    employee = enrolled_employee(api)
    # WHEN logins fail, a check-in from outside the zone is refused, health is asked and a path is unknown
    bad_admin = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": WRONG_PASSWORD})
    bad_employee = api.call(
        "POST", "/v1/auth/login", {"nip": employee.nip, "password": WRONG_PASSWORD, "device_id": DEVICE}
    )
    photo = selfie("deepface/img2.jpg")
    refused = employee.check_in(photo, latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    health = api.call("GET", "/v1/health")
    faces = api.call("GET", f"/v1/admin/employees/{employee.nip}/faces", token=employee.admin)
    attempts = api.call("GET", "/v1/admin/attempts?unor_id=U1", token=employee.admin)
    api.call("GET", f"/v1/admin/monitor?unor_id={employee.nip}", token=employee.admin)  # a NIP as a unit
    unknown = api.call("GET", "/v1/no/such/thing")
    assert (bad_admin.status, bad_employee.status, refused.status, health.status, unknown.status) == (
        401,
        401,
        422,
        200,
        404,
    )
    assert (faces.status, attempts.status) == (200, 200)

    out, lines = stdout_lines(capsys)
    requests = request_lines(lines)
    # THEN every request has its line, in order, with the fields and the answer's X-Request-Id
    for line in requests:
        assert line["level"] == "INFO" and line["service"] == "smart"
        assert {"request_id", "route", "method", "status", "outcome", "latency_ms", "timestamp"} <= set(line)
        assert isinstance(line["latency_ms"], float) and line["latency_ms"] >= 0
    assert len({line["request_id"] for line in requests}) == len(requests)
    by_route = {(line["method"], line["route"]): line for line in requests}
    assert by_route["POST", "/v1/auth/admin/login"]["outcome"] == "INVALID_CREDENTIALS"
    assert by_route["POST", "/v1/auth/admin/login"]["request_id"] == bad_admin.headers["X-Request-Id"]
    assert by_route["POST", "/v1/auth/login"]["outcome"] == "INVALID_CREDENTIALS"
    assert by_route["GET", "/v1/health"] | {"outcome": "ok", "status": 200} == by_route["GET", "/v1/health"]
    assert by_route["GET", "/{p1}/{p2}/{p3}/{p4}"]["outcome"] == "NOT_FOUND"
    enrol = by_route["POST", "/v1/admin/employees/{nip}/faces"]  # the template, not the path with the NIP
    assert enrol["status"] == 201 and enrol["role"] == "super_admin" and "nip_hash" not in enrol
    # AND an admin is named on every line, with whose photos were read (hashed) and which unit's evidence
    assert enrol["admin"] == "admin" and enrol["subject_nip_hash"] == obs.hash_nip(employee.nip)
    read = by_route["GET", "/v1/admin/employees/{nip}/faces"]
    assert (read["admin"], read["subject_nip_hash"]) == ("admin", obs.hash_nip(employee.nip))
    assert (by_route["GET", "/v1/admin/attempts"]["admin"], by_route["GET", "/v1/admin/attempts"]["unor_id"]) == (
        "admin",
        "U1",
    )
    assert "unor_id" not in by_route["GET", "/v1/admin/monitor"]
    checkin = by_route["POST", "/v1/attendance"]
    assert (checkin["status"], checkin["outcome"], checkin["role"]) == (422, "OUTSIDE_ZONE", "employee")
    assert checkin["nip_hash"] == obs.hash_nip(employee.nip)
    assert checkin["request_id"] == refused.headers["X-Request-Id"]
    # AND nothing personal or secret is anywhere in the output
    for secret in (
        employee.nip,
        PASSWORD,
        WRONG_PASSWORD,
        employee.token,
        employee.admin,
        b64(photo)[:64],
        "Bearer",
        "authorization",
        DEVICE,
    ):
        assert secret.lower() not in out.lower(), secret


def test_a_refused_check_in_flushes_its_metrics(capsys: pytest.CaptureFixture[str], employee: Employee) -> None:
    # GIVEN an enrolled employee WHEN an impostor checks in
    answer = employee.check_in(selfie(IMPOSTOR))
    assert answer.status == 422 and answer.body["error"]["code"] == "FACE_MISMATCH"
    # THEN the request's EMF line (written after its log line) counts a refusal for FACE_MISMATCH, and times
    # the geo and face checks, the storage transaction and the request
    _, lines = stdout_lines(capsys)
    checkin_line = next(i for i, line in enumerate(lines) if line.get("route") == "/v1/attendance")
    blob = metric_blobs(lines[checkin_line:])[0]
    [directive] = blob["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "SMART"
    assert blob["stage"] == "local" and blob["service"] == "smart"
    names = {m["Name"] for m in directive["Metrics"]}
    assert {
        "CheckinRefused",
        "Refused_FACE_MISMATCH",
        "GeoLatency",
        "FaceLatency",
        "StorageLatency",
        "RequestLatency",
    } <= names
    assert "CheckinAccepted" not in names and "Http5xx" not in names
    assert blob["CheckinRefused"] == [1.0] and blob["Refused_FACE_MISMATCH"] == [1.0]


def test_an_unhandled_error_logs_its_traceback_without_the_body(
    capsys: pytest.CaptureFixture[str], api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a bug in the employee login use case
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug in the login")

    monkeypatch.setattr(routes_auth.auth, "employee_login", broken)
    # WHEN an employee logs in
    answer = api.call(
        "POST", "/v1/auth/login", {"nip": "198501012010011001", "password": WRONG_PASSWORD, "device_id": DEVICE}
    )
    # THEN 500 INTERNAL, an ERROR line with the exception's type and traceback and the request's id and route
    assert answer.status == 500 and answer.body["error"]["code"] == "INTERNAL"
    out, lines = stdout_lines(capsys)
    [error] = [line for line in lines if line.get("message") == "unhandled error"]
    assert error["level"] == "ERROR" and error["error_type"] == error["exception_name"] == "RuntimeError"
    assert "Traceback" in error["exception"] and "bug in the login" in error["exception"]
    assert (error["request_id"], error["route"]) == (answer.headers["X-Request-Id"], "/v1/auth/login")
    [request] = request_lines(lines)
    assert (request["level"], request["status"], request["outcome"]) == ("WARNING", 500, "INTERNAL")
    assert metric_blobs(lines)[-1]["Http5xx"] == [1.0]
    assert WRONG_PASSWORD not in out and "198501012010011001" not in out


def test_settings_that_cannot_be_loaded_still_answer_in_the_api_shape_with_a_request_line(
    capsys: pytest.CaptureFixture[str], api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a super admin's token, then settings that no longer load (an SSM outage at a cold start, a secret
    # rotated to a bad value: `load_settings` raises SettingsError on every request until it is fixed)
    token = api.admin_token()
    monkeypatch.setenv("SMART_STAGE", "prod")
    monkeypatch.setenv("SMART_TOKEN_SECRET", "too-short")
    load_settings.cache_clear()
    capsys.readouterr()
    # WHEN requests name an employee in their path and in their query
    nip = "198501012010011001"
    answers = [
        api.call("GET", f"/v1/admin/employees/{nip}/faces", token=token),
        api.call("GET", f"/v1/admin/attempts?nip={nip}", token=token),
    ]
    # THEN each is 500 INTERNAL in API.md's shape with its X-Request-Id (not Chalice's own error body)
    for answer in answers:
        assert answer.status == 500 and answer.body["error"]["code"] == "INTERNAL", answer.body
        assert answer.headers.get("X-Request-Id")
    # AND each has its request line (no NIP hash: there is no key to hash with) and counts as an Http5xx
    out, lines = stdout_lines(capsys)
    requests = request_lines(lines)
    assert [(r["route"], r["status"], r["outcome"]) for r in requests] == [
        ("/v1/admin/employees/{nip}/faces", 500, "INTERNAL"),
        ("/v1/admin/attempts", 500, "INTERNAL"),
    ]
    assert all("subject_nip_hash" not in r for r in requests)
    assert [blob["Http5xx"] for blob in metric_blobs(lines)] == [[1.0], [1.0]]
    assert nip not in out


@pytest.mark.parametrize(
    "typed",
    [
        "19850101 201001 1 001",  # the NIP as the ASN card prints it, pasted into the unit filter
        " 198501012010011001",  # the NIP with the space a copy from a spreadsheet brings along
        "1985.0101.2010.0110.01",  # or dotted, as some letters write it
        "U1-198501012010011001",  # or inside other text
        "Asep Saepudin",  # a name typed where the unit goes
    ],
)
def test_a_unit_filter_holding_a_nip_or_a_name_is_not_logged(
    capsys: pytest.CaptureFixture[str], api: Api, typed: str
) -> None:
    # GIVEN a super admin WHEN they send an employee's NIP (written as people write it) or name as the unit filter
    token = api.admin_token()
    capsys.readouterr()
    answer = api.call("GET", f"/v1/admin/attempts?unor_id={quote(typed)}", token=token)
    real = api.call("GET", "/v1/admin/attempts?unor_id=U1.SD-04", token=token)
    assert (answer.status, real.status) == (200, 200), answer.body
    # THEN the request line names no unit, and neither the NIP's digits nor the name are anywhere in the output
    out, lines = stdout_lines(capsys)
    sent, unit = request_lines(lines)
    assert "unor_id" not in sent and unit["unor_id"] == "U1.SD-04"  # a unit id is still logged as it is
    assert typed.strip() not in out and "198501012010011001" not in out.replace(" ", "").replace(".", "")


@pytest.mark.parametrize("username", ["198501012010011001", "op.198501012010011001"])
def test_an_admin_whose_user_name_holds_a_nip_is_logged_by_its_hash(
    capsys: pytest.CaptureFixture[str], api: Api, username: str
) -> None:
    # GIVEN an operator whose user name is their NIP, as many regencies hand them out
    body = {"username": username, "password": "kuat-sekali-1", "role": "auditor"}
    assert api.call("POST", "/v1/admin/users", body, token=api.admin_token()).status == 201
    token = api.admin_token(username, "kuat-sekali-1")
    capsys.readouterr()
    # WHEN they read a list
    assert api.call("GET", "/v1/admin/attempts", token=token).status == 200
    # THEN the request line names them by the NIP's hash, and the NIP is nowhere in the output
    out, lines = stdout_lines(capsys)
    (line,) = request_lines(lines)
    assert line["admin_nip_hash"] == obs.hash_nip("198501012010011001") and "admin" not in line
    assert "198501012010011001" not in out


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


def test_the_daily_recap_job_logs_start_and_end_and_flushes_its_duration(
    capsys: pytest.CaptureFixture[str], api: Api
) -> None:
    # GIVEN a unit with an employee (nobody checked in) WHEN the scheduled recap runs
    enrolled_employee(api, enrol=None)
    capsys.readouterr()
    result = jobs.daily_recap("2026-11-27")
    # THEN two JSON lines bracket it, the second with the recap's counts, then its metrics
    _, lines = stdout_lines(capsys)
    started, finished, blob = lines
    assert (started["message"], started["job"]) == ("job started", "daily_recap")
    assert (finished["message"], finished["job"], finished["job_id"]) == (
        "job finished",
        "daily_recap",
        started["job_id"],
    )
    assert finished["result"] == result and result["employees"] == 1
    assert blob["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [{"Name": "RecapDuration", "Unit": "Milliseconds"}]


def test_the_scheduled_recap_judges_today_and_the_day_before_again(api: Api) -> None:
    # GIVEN a unit with an employee imported today WHEN the schedule fires the recap (no date given)
    enrolled_employee(api, enrol=None)
    result = jobs.daily_recap()
    # THEN today is judged, and the day before again (its night shifts ended this morning: decision 130), which
    # judges nobody SMART did not follow yet (decision 134: the first night after an import charges no TK)
    today = datetime.now(UTC).astimezone(load_settings().tz).date()
    assert (result["date"], result["employees"]) == (today.isoformat(), 1)
    assert (result["day_before"]["date"], result["day_before"]["employees"]) == (
        (today - timedelta(days=1)).isoformat(),
        0,
    )
    # AND the run is listed with both
    listed = api.call("GET", "/v1/admin/jobs?job=daily_recap", token=api.admin_token())
    assert listed.status == 200, listed.body
    assert listed.body["items"][0]["result"] == result


def test_the_nightly_recap_makes_up_the_days_no_run_judged_finished_once(api: Api) -> None:
    # GIVEN a unit, and a stage whose last nightly recap that succeeded was four nights ago (it judged that day as it
    # stood, the day before finished), and whose last morning run that succeeded judged the day three days ago:
    # every other run since failed or never fired (an outage)
    enrolled_employee(api, enrol=None)
    now = datetime.now(UTC)
    today = now.astimezone(load_settings().tz).date()

    def ran(job: str, days_ago: int, result: dict[str, Any]) -> None:
        run = JobRun(f"earlier-{days_ago}", job, "schedule", "running", now - timedelta(days=days_ago))
        runtime.job_runs().save_run(run.finished(run.started_at, result, None))

    def date_of(days_ago: int) -> str:
        return (today - timedelta(days=days_ago)).isoformat()

    ran(jobs.DAILY_RECAP, 4, {"date": date_of(4), "day_before": {"date": date_of(5)}})
    ran(jobs.DAY_BEFORE_RECAP, 2, {"date": date_of(3)})
    # WHEN the schedule fires the recap tonight
    result = jobs.daily_recap()
    # THEN besides today and the day before it judges, oldest first, the days no run judged finished (decision 146)
    assert (result["date"], result["day_before"]["date"]) == (date_of(0), date_of(1))
    assert [run["date"] for run in result["made_up"]] == [date_of(4), date_of(2)]
    # AND the next run finds nothing left to make up
    assert jobs.daily_recap()["made_up"] == []


# What EventBridge Scheduler sends a function's schedule that has no input of its own: the scheduled-event shape,
# with `detail` as the text "{}" (aws-powertools/powertools-lambda-python#6134).
SCHEDULER_DEFAULT_EVENT = {
    "version": "0",
    "id": "5c2f1a7e-0d7e-4a4b-9a61-0c1f2e3d4b5a",
    "detail-type": "Scheduled Event",
    "source": "aws.scheduler",
    "account": "123456789012",
    "time": "2026-12-04T16:30:00Z",
    "region": "ap-southeast-3",
    "resources": ["arn:aws:scheduler:ap-southeast-3:123456789012:schedule/default/DailyRecap"],
    "detail": "{}",
}


def test_the_recap_function_runs_the_job_its_schedule_names(api: Api) -> None:
    import app

    enrolled_employee(api, enrol=None)
    today = datetime.now(UTC).astimezone(load_settings().tz).date()
    # WHEN the morning schedule fires the recap function with its input (infra/schedules.py, the template's)
    morning = app.daily_recap(json.loads(json.dumps(scheduled_job_event(jobs.DAY_BEFORE_RECAP))), None)
    # THEN only the day before is judged again (nobody in it: the employee was imported today), as its own job
    assert (morning["date"], morning["employees"], "day_before" in morning) == (
        (today - timedelta(days=1)).isoformat(),
        0,
        False,
    )
    listed = api.call("GET", "/v1/admin/jobs?job=day_before_recap", token=api.admin_token())
    assert [(r["job"], r["trigger"], r["result"]) for r in listed.body["items"]] == [
        ("day_before_recap", "schedule", morning)
    ]
    # AND the function's own 23:30 schedule (the scheduler's default event) runs the nightly recap
    nightly = app.daily_recap(SCHEDULER_DEFAULT_EVENT, None)
    assert (nightly["date"], nightly["day_before"]["date"]) == (today.isoformat(), morning["date"])


def test_the_day_off_watch_function_tells_the_alarm_about_a_holiday_in_one_metric_line(
    capsys: pytest.CaptureFixture[str], api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app

    # GIVEN Christmas (a Friday) in the regency's calendar, entered by the super admin, and the watch's 16:30 run
    token = api.admin_token()
    saved = api.call(
        "PUT", "/v1/admin/holidays/2026-12-25", {"name": "Hari Raya Natal", "kind": "national"}, token=token
    )
    assert saved.status == 200, saved.body
    monkeypatch.setattr(jobs, "utc_now", lambda: datetime(2026, 12, 25, 9, 30, tzinfo=UTC))
    capsys.readouterr()
    # WHEN the scheduler fires the DayOffWatch function with its default event
    result = app.day_off_watch(SCHEDULER_DEFAULT_EVENT, None)
    # THEN it logs its run and sends DayOff with its duration, in one EMF line of the stage's dimensions
    _, lines = stdout_lines(capsys)
    assert (result["date"], result["day_off"]) == ("2026-12-25", "national")
    assert [line["message"] for line in lines if "message" in line] == ["job started", "job finished"]
    [blob] = metric_blobs(lines)
    [directive] = blob["_aws"]["CloudWatchMetrics"]
    assert (directive["Namespace"], blob["DayOff"], blob["stage"]) == ("SMART", [1.0], load_settings().stage)
    assert {m["Name"] for m in directive["Metrics"]} == {"DayOff", "DayOffWatchDuration"}
