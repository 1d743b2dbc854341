"""Employees' requests, the admin's decisions, leaves and field duties through the API on moto (DynamoDB, S3),
with the attacks: another's request, another unit's request, parallel decisions, bad attachments."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError
from chalicelib.settings import build_settings, load_settings
from chalicelib.store.aws import s3_client
from chalicelib.store.calendar import DynamoCalendarRepository
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import requests as requests_usecase
from chalicelib.usecases.schemas.requests import NewRequest, RequestDecisionRequest
from tests.functional.conftest import Api
from tests.functional.dynamo_reads import lagging_indexes
from tests.functional.test_zones import audit_throttled

PEOPLE = DynamoPeopleRepository()
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CIRCLE = {"lat": -6.8468, "lon": 107.4857, "radius_m": 150.0}


def past_weekday(days_ago: int) -> date:
    """A Monday-Thursday at least `days_ago` days before today (the default week's full days)."""
    day = datetime.now(load_settings().tz).date() - timedelta(days=days_ago)
    while day.weekday() > 3:
        day -= timedelta(days=1)
    return day


@dataclass
class Office:
    api: Api
    admin: str  # super admin
    u1: str  # unit admin of U1
    u2: str  # unit admin of U2
    employees: dict[str, str]  # NIP -> token

    def file(self, nip: str, body: dict[str, Any]) -> Any:
        return self.api.call(
            "POST", "/v1/me/requests", {"reason": "Keperluan keluarga", **body}, token=self.employees[nip]
        )

    def decide(self, token: str, request_id: str, body: dict[str, Any]) -> Any:
        return self.api.call("POST", f"/v1/admin/requests/{request_id}", body, token=token)

    def recap(self, day: date, nip: str, unit: str = "U1") -> str:
        assert (
            self.api.call("POST", "/v1/admin/recaps/daily", {"date": day.isoformat()}, token=self.admin).status == 200
        )
        answer = self.api.call("GET", f"/v1/admin/recaps/daily?date={day.isoformat()}&unor_id={unit}", token=self.admin)
        return str(next(i["status"] for i in answer.body["items"] if i["nip"] == nip))


def activate(api: Api, admin: str, nip: str, device: str) -> str:
    code = api.call("POST", f"/v1/admin/employees/{nip}/activation", token=admin).body["activation_code"]
    body = {"nip": nip, "activation_code": code, "password": "rahasia-123", "device_id": device}
    answer = api.call("POST", "/v1/auth/activate", body)
    assert answer.status == 200, answer.body
    return str(answer.body["token"])


@pytest.fixture()
def office(api: Api) -> Office:
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    PEOPLE.upsert_unit("U2", "SDN 2 Ngamprah")
    for nip, nama, unit in ((A, "Asep", "U1"), (B, "Budi", "U1"), (C, "Cucu", "U2")):
        PEOPLE.put_employee(Employee(nip=nip, nama=nama, unor_id=unit))
    admin = api.admin_token()
    tokens = {nip: activate(api, admin, nip, f"android-{nip[-4:]}-dev") for nip in (A, B, C)}
    return Office(api, admin, api.unit_admin_token(admin, "U1"), api.unit_admin_token(admin, "U2"), tokens)


def test_a_leave_request_with_a_letter_is_filed_approved_and_listed(office: Office) -> None:
    api = office.api
    start = (datetime.now(load_settings().tz).date() + timedelta(days=7)).isoformat()
    # GIVEN a sick leave request with a PDF letter
    filed = office.file(A, {"type": "SAKIT", "start_date": start, "end_date": start,
                            "attachment": base64.b64encode(PDF).decode()})  # fmt: skip
    assert filed.status == 201 and filed.body["status"] == "pending", filed.body
    request_id = filed.body["request_id"]
    # THEN the letter is in the private bucket, encrypted, under its own prefix
    key = f"requests/{A}/{request_id}.pdf"
    head = s3_client(load_settings().region).head_object(Bucket=load_settings().bucket, Key=key)
    assert head["ServerSideEncryption"] == "AES256" and head["ContentType"] == "application/pdf"
    # AND the unit admin sees it pending with a short-lived link to the letter
    listed = api.call("GET", "/v1/admin/requests?status=pending", token=office.u1)
    assert listed.status == 200 and [i["request_id"] for i in listed.body["items"]] == [request_id]
    assert key in listed.body["items"][0]["attachment_url"]
    # AND the link is recorded as handed to that admin, for the regency's readers
    views = api.call("GET", "/v1/admin/audit?action=view", token=office.admin).body["items"]
    assert [(i["actor"], i["action"], i["target"], i["details"]) for i in views] == [
        ("ops-u1", "view.attachments", A, {"via": "requests", "links": 1})
    ]
    # WHEN approved, THEN the leave exists, the employee sees the decision, and it is audited
    decided = office.decide(office.u1, request_id, {"decision": "approve", "note": "Lekas sembuh"})
    assert decided.status == 200 and decided.body["status"] == "approved", decided.body
    leaves = api.call("GET", f"/v1/admin/leaves?unor_id=U1&from={start}&to={start}", token=office.u1)
    assert [(i["leave_id"], i["nip"], i["type"]) for i in leaves.body["items"]] == [
        (decided.body["result_id"], A, "SAKIT")
    ]
    mine = api.call("GET", "/v1/me/requests", token=office.employees[A]).body["items"]
    assert [(i["status"], i["note"]) for i in mine] == [("approved", "Lekas sembuh")] and "attachment_url" not in mine[
        0
    ]
    # AND deciding again is a conflict
    assert office.decide(office.u1, request_id, {"decision": "reject"}).status == 409


def test_attacks_on_requests_are_refused(office: Office) -> None:
    api = office.api
    now = datetime.now(load_settings().tz)
    today = now.date().isoformat()
    # a correction of today claiming a time still to come (in the day's last hour no later time is left)
    ahead = [] if now.hour == 23 else [{"type": "KOREKSI", "start_date": today, "end_date": today, "time": "23:59"}]
    mine = office.file(A, {"type": "CUTI", "start_date": today, "end_date": today}).body["request_id"]
    # another employee neither sees nor withdraws it; an employee reads no admin list
    assert api.call("GET", "/v1/me/requests", token=office.employees[B]).body["items"] == []
    assert api.call("DELETE", f"/v1/me/requests/{mine}", token=office.employees[B]).status == 404
    assert api.call("GET", "/v1/admin/requests", token=office.employees[B]).status == 403
    assert office.decide(office.employees[B], mine, {"decision": "approve"}).status == 403
    # another unit's admin cannot decide it (not found) nor list its unit
    assert office.decide(office.u2, mine, {"decision": "approve"}).status == 404
    assert api.call("GET", "/v1/admin/requests?unor_id=U1", token=office.u2).status == 403
    # bad input: oversized or non-PDF/JPEG attachment, a correction without time, unknown type or status
    huge = base64.b64encode(PDF + bytes(2 * 1024 * 1024)).decode()
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(16)).decode()
    assert office.file(A, {"type": "CUTI", "start_date": today, "end_date": today, "attachment": huge}).status == 413
    for body in (
        {"type": "CUTI", "start_date": today, "end_date": today, "attachment": png},
        {"type": "KOREKSI", "start_date": today, "end_date": today},
        {"type": "KOREKSI", "start_date": today, "end_date": today, "time": "25:00"},
        {"type": "LIBURAN", "start_date": today, "end_date": today},
        *ahead,
    ):
        answer = office.file(A, body)
        assert answer.status == 400 and answer.body["error"]["code"] == "VALIDATION_ERROR", (body, answer.body)
    assert api.call("GET", "/v1/admin/requests?status=done", token=office.u1).status == 400
    # ids this deployment never makes (too long for a DynamoDB key, or forged) are not found, never a 5xx
    for path in ("/v1/me/requests/", "/v1/admin/requests/", "/v1/admin/leaves/", "/v1/admin/assignments/"):
        for forged in ("x" * 2500, "r-../../etc", "l-0000000000"):
            method, token = ("DELETE", office.admin) if "admin/requests" not in path else ("POST", office.admin)
            token = office.employees[A] if path.startswith("/v1/me") else token
            answer = api.call(method, path + forged, {"decision": "approve"}, token=token)
            assert answer.status == 404, (path, forged[:20], answer.status, answer.body)
    # the request is untouched; the owner withdraws it once
    assert api.call("DELETE", f"/v1/me/requests/{mine}", token=office.employees[A]).body["status"] == "cancelled"
    assert api.call("DELETE", f"/v1/me/requests/{mine}", token=office.employees[A]).status == 409


def test_a_request_sent_twice_over_http_is_filed_once(office: Office) -> None:
    # GIVEN an employee whose phone sends the same request twice (the first answer was lost)
    day = (datetime.now(load_settings().tz).date() + timedelta(days=5)).isoformat()
    body = {"type": "IZIN", "start_date": day, "end_date": day}
    first, again = office.file(A, body), office.file(A, body)
    # THEN both are 201 with the same id, and one request waits for an admin
    assert (first.status, again.status) == (201, 201)
    assert again.body["request_id"] == first.body["request_id"]
    listed = office.api.call("GET", "/v1/admin/requests?unor_id=U1&status=pending", token=office.admin).body
    assert [r["request_id"] for r in listed["items"]].count(first.body["request_id"]) == 1
    assert len([r for r in listed["items"] if r["start_date"] == day]) == 1


def test_a_leave_or_letter_an_admin_sends_twice_over_http_is_stored_once(office: Office) -> None:
    # GIVEN an admin whose console sends the same leave and the same letter twice (the first answers were lost)
    api, day = office.api, (datetime.now(load_settings().tz).date() + timedelta(days=6)).isoformat()
    leave = {"nip": A, "type": "CUTI", "start_date": day, "end_date": day, "reason": "Cuti tahunan"}
    letter = {"nips": [A], "start_date": day, "end_date": day, "letter_no": "7/DL/2026", "reason": "Rapat"}
    for path, body, key in (("leaves", leave, "leave_id"), ("assignments", letter, "assignment_id")):
        first, again = (api.call("POST", f"/v1/admin/{path}", body, token=office.u1) for _ in range(2))
        # THEN both are 201 with the same id, and one is listed
        assert (first.status, again.status) == (201, 201) and again.body[key] == first.body[key], again.body
        listed = api.call("GET", f"/v1/admin/{path}?unor_id=U1&from={day}&to={day}", token=office.u1).body["items"]
        assert [item[key] for item in listed] == [first.body[key]]


def test_admins_deciding_at_once_make_exactly_one_decision(office: Office) -> None:
    day = (datetime.now(load_settings().tz).date() + timedelta(days=3)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    admins = [Principal(subject="admin", role="super_admin")] + [
        Principal(subject=f"ops-{i}", role="unit_admin", unit_ids=frozenset({"U1"})) for i in range(5)
    ]
    start = threading.Barrier(len(admins))

    def decide(admin: Principal) -> str:
        body = RequestDecisionRequest.model_validate({"decision": "approve" if admin.subject != "ops-0" else "reject"})
        start.wait()
        try:
            return requests_usecase.decide(admin, request_id, body, load_settings(), datetime.now().astimezone()).status
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=len(admins)) as pool:
        outcomes = list(pool.map(decide, admins))
    assert sorted(outcomes).count("conflict") == len(admins) - 1, outcomes
    leaves = office.api.call("GET", f"/v1/admin/leaves?from={day}&to={day}", token=office.admin).body["items"]
    assert len(leaves) == (1 if "approved" in outcomes else 0)


def a_past_month_day(day: int) -> str:
    """The `day` of the month before this one (a month whose corrections are all in the past)."""
    last_month = datetime.now(load_settings().tz).date().replace(day=1) - timedelta(days=1)
    return last_month.replace(day=day).isoformat()


def test_corrections_are_capped_per_month_over_http_and_against_racing_admins(office: Office, tmp_path: Path) -> None:
    # GIVEN two corrections of one month filed by Asep (the default rule table allows two a month)
    days = [a_past_month_day(d) for d in (10, 11, 12, 13)]
    fix = {"type": "KOREKSI", "time": "07:20"}
    filed = [office.file(A, {**fix, "start_date": d, "end_date": d}) for d in days[:2]]
    assert [f.status for f in filed] == [201, 201]
    # WHEN he files a third, THEN it is 409 CONFLICT naming the limit and the month
    third = office.file(A, {**fix, "start_date": days[2], "end_date": days[2]})
    assert third.status == 409 and third.body["error"]["code"] == "CONFLICT"
    assert third.body["error"]["details"] == {"limit": 2, "month": days[0][:7], "used": 2}
    assert "sudah tercapai" in third.body["error"]["message"]
    # AND the app is told so before a form is filled; only the employee asks, with a real month
    left = office.api.call("GET", f"/v1/me/corrections?month={days[0][:7]}", token=office.employees[A])
    assert left.status == 200
    assert left.body == {"month": days[0][:7], "limit": 2, "approved": 0, "pending": 2, "remaining": 0}
    for query in ("", "?month=2026-13", "?month=abc"):
        refused = office.api.call("GET", f"/v1/me/corrections{query}", token=office.employees[A])
        assert refused.status == 400 and refused.body["error"]["code"] == "VALIDATION_ERROR"
    assert office.api.call("GET", f"/v1/me/corrections?month={days[0][:7]}", token=office.admin).status == 403
    # GIVEN Budi's four corrections of that month filed while the regency had no cap
    free = tmp_path / "rules.json"
    free.write_text(json.dumps({**json.loads(os.environ["SMART_RULES"]), "corrections_per_month": None}))
    stage = {name: value for name, value in os.environ.items() if name != "SMART_RULES"}
    no_cap = build_settings({**stage, "SMART_RULES_FILE": str(free)})
    budi = Principal(subject=B, role="employee", device_id=f"android-{B[-4:]}-dev")
    bodies = [NewRequest.model_validate({**fix, "start_date": d, "end_date": d, "reason": "Lupa"}) for d in days]
    now = datetime.now().astimezone()
    ids = [requests_usecase.submit(budi, body, no_cap, now).request_id for body in bodies]
    admins = [Principal(subject=f"ops-{i}", role="unit_admin", unit_ids=frozenset({"U1"})) for i in range(4)]
    start = threading.Barrier(len(admins))

    def approve(pair: tuple[str, Principal]) -> str:
        body = RequestDecisionRequest.model_validate({"decision": "approve"})
        start.wait()
        try:
            return requests_usecase.decide(pair[1], pair[0], body, load_settings(), datetime.now().astimezone()).status
        except ConflictError:
            return "conflict"

    # WHEN four admins approve them at once under the cap of two
    with ThreadPoolExecutor(max_workers=len(admins)) as pool:
        outcomes = list(pool.map(approve, zip(ids, admins, strict=True)))
    # THEN exactly two are approved, and two corrected events recorded
    assert sorted(outcomes) == ["approved", "approved", "conflict", "conflict"]
    mine = office.api.call("GET", "/v1/me/requests", token=office.employees[B]).body["items"]
    assert sorted(r["status"] for r in mine) == ["approved", "approved", "pending", "pending"]


def test_a_correction_s_approval_and_revocation_never_stand_without_their_audit_entries(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's correction of last month, pending
    day = a_past_month_day(16)
    request_id = office.file(A, {"type": "KOREKSI", "start_date": day, "end_date": day, "time": "07:20"}).body[
        "request_id"
    ]
    # WHEN U1's admin approves it while DynamoDB throttles every write carrying an audit entry, THEN it is 503 and
    # the request waits for a decision again
    with audit_throttled(monkeypatch):
        assert office.decide(office.u1, request_id, {"decision": "approve"}).status == 503
    assert status_of(office, request_id) == "pending"
    # WHEN the admin approves it again, and revokes it while the audit writes are throttled, THEN that is 503 and
    # the request stays approved
    assert office.decide(office.u1, request_id, {"decision": "approve"}).status == 200
    path = f"/v1/admin/requests/{request_id}/revoke"
    with audit_throttled(monkeypatch):
        assert office.api.call("POST", path, {"note": "Keliru"}, token=office.admin).status == 503
    assert status_of(office, request_id) == "approved"
    # WHEN it is revoked again, THEN the log names one approval and one revocation
    assert office.api.call("POST", path, {"note": "Keliru"}, token=office.admin).status == 200
    log = office.api.call("GET", "/v1/admin/audit?action=request", token=office.admin).body["items"]
    assert sorted((i["action"], i["target"]) for i in log) == [
        ("request.approve", request_id),
        ("request.revoke", request_id),
    ]


def test_a_leave_cancelled_while_audit_writes_are_throttled_still_counts_until_cancelled_named(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's permit for next week, approved: a leave
    day = (datetime.now(load_settings().tz).date() + timedelta(days=7)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    leave_id = office.decide(office.u1, request_id, {"decision": "approve"}).body["result_id"]
    leaves = f"/v1/admin/leaves?from={day}&to={day}"
    # WHEN U1's admin cancels the leave while DynamoDB throttles every write carrying an audit entry, THEN it is 503
    # and the leave still counts, its request still approved
    with audit_throttled(monkeypatch):
        assert office.api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.u1).status == 503
    assert [i["leave_id"] for i in office.api.call("GET", leaves, token=office.u1).body["items"]] == [leave_id]
    assert status_of(office, request_id) == "approved"
    # WHEN the admin cancels it again, THEN it is cancelled, and the log names the cancellation and the request's
    # revocation once each
    assert office.api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.u1).status == 200
    assert office.api.call("GET", leaves, token=office.u1).body["items"] == []
    for action, target in (("leave.cancel", A), ("request.revoke", request_id)):
        log = office.api.call("GET", f"/v1/admin/audit?action={action}", token=office.admin).body["items"]
        assert [i["target"] for i in log] == [target]


def status_of(office: Office, request_id: str) -> str:
    mine = office.api.call("GET", "/v1/me/requests", token=office.employees[A]).body["items"]
    return str(next(r["status"] for r in mine if r["request_id"] == request_id))


def test_approved_requests_are_taken_back_over_http(office: Office) -> None:
    api = office.api
    now = datetime.now(load_settings().tz)
    today, clock = now.date().isoformat(), min("07:10", now.strftime("%H:%M"))  # a time already past
    # GIVEN today a working day for Asep, whatever day the test runs (a correction of a day off is refused)
    hours = {"shifts": {today: {"start": "07:00", "end": "16:00"}}}
    assert api.call("PUT", f"/v1/admin/employees/{A}/shifts", hours, token=office.admin).status == 200
    # AND Asep's arrival of today corrected: its approval waits (409) while today's attendance window is open (the
    # admin is to see beside it any arrival he makes later that day); rejecting it needs no wait
    fix = {"type": "KOREKSI", "start_date": today, "end_date": today, "time": clock}
    arrival = office.file(A, fix).body["request_id"]
    if now.strftime("%H:%M") < "23:59":  # the round-the-clock rules close the window at 23:59
        early = office.decide(office.u1, arrival, {"decision": "approve"})
        assert (early.status, early.body["error"]["code"]) == (409, "CONFLICT"), early.body
        assert early.body["error"]["details"]["event_type"] == "in"
    assert office.decide(office.u1, arrival, {"decision": "reject", "note": "Tunggu sore"}).status == 200
    # AND his departure of today corrected and approved by his unit's admin: the app shows it as today's
    filed = office.file(A, {**fix, "event_type": "out"})
    request_id = filed.body["request_id"]
    event_id = office.decide(office.u1, request_id, {"decision": "approve"}).body["result_id"]
    me = api.call("GET", "/v1/me", token=office.employees[A]).body
    assert me["today"]["check_out"]["event_id"] == event_id
    # WHEN it is taken back without a reason, by Asep himself, or by another unit's admin, THEN nothing changes
    path = f"/v1/admin/requests/{request_id}/revoke"
    for body, token, status, code in (
        ({}, office.admin, 400, "VALIDATION_ERROR"),
        ({"note": "   "}, office.admin, 400, "VALIDATION_ERROR"),
        ({"note": "x"}, office.employees[A], 403, "FORBIDDEN"),
        ({"note": "x"}, office.u2, 404, "NOT_FOUND"),
    ):
        refused = api.call("POST", path, body, token=token)
        assert (refused.status, refused.body["error"]["code"]) == (status, code), refused.body
    assert api.call("POST", "/v1/admin/requests/r-000000000000/revoke", {"note": "x"}, token=office.admin).status == 404
    # WHEN the BKPSDM officer takes it back with a reason
    taken = api.call("POST", path, {"note": "Tidak ada bukti kehadiran"}, token=office.admin)
    # THEN it is revoked, today has no departure, the list and the audit say so, and again is a conflict
    assert taken.status == 200, taken.body
    assert (taken.body["status"], taken.body["result_id"]) == ("revoked", event_id)
    assert api.call("GET", "/v1/me", token=office.employees[A]).body["today"]["check_out"] is None
    listed = api.call("GET", "/v1/admin/requests?status=revoked", token=office.u1).body["items"]
    assert [(i["request_id"], i["note"]) for i in listed] == [(request_id, "Tidak ada bukti kehadiran")]
    # AND the employee's own list shows it in API.md's statuses: cancelled, by the admin, with why
    mine = api.call("GET", "/v1/me/requests", token=office.employees[A]).body["items"]
    assert [(i["status"], i["decided_by"], i["note"]) for i in mine if i["request_id"] == request_id] == [
        ("cancelled", "ADMIN", "Tidak ada bukti kehadiran")
    ]
    audit = api.call("GET", "/v1/admin/audit?action=request.revoke", token=office.admin).body["items"]
    assert [(i["actor"], i["target"]) for i in audit] == [("admin", request_id)]
    again = api.call("POST", path, {"note": "lagi"}, token=office.u1)
    assert (again.status, again.body["error"]["code"]) == (409, "CONFLICT")
    # AND an approved permit taken back is a cancelled leave
    permit = office.file(B, {"type": "IZIN", "start_date": today, "end_date": today}).body["request_id"]
    leave_id = office.decide(office.u1, permit, {"decision": "approve"}).body["result_id"]
    taken = api.call("POST", f"/v1/admin/requests/{permit}/revoke", {"note": "Salah tanggal"}, token=office.u1)
    assert (taken.status, taken.body["status"], taken.body["result_id"]) == (200, "revoked", leave_id), taken.body
    leaves = api.call("GET", f"/v1/admin/leaves?unor_id=U1&from={today}&to={today}", token=office.u1).body["items"]
    assert leaves == []
    # AND a field duty cancelled from the list of letters takes its request back, which Budi reads as cancelled
    duty = office.file(B, {"type": "DL", "start_date": today, "end_date": today}).body["request_id"]
    letter_id = office.decide(office.u1, duty, {"decision": "approve"}).body["result_id"]
    assert api.call("DELETE", f"/v1/admin/assignments/{letter_id}", token=office.u1).status == 200
    mine = api.call("GET", "/v1/me/requests", token=office.employees[B]).body["items"]
    assert [(i["status"], i["note"]) for i in mine if i["request_id"] == duty] == [
        ("cancelled", "Dinas luar ini dibatalkan admin di menu Zona.")
    ]


def test_recaps_follow_approvals_and_cancellations(office: Office) -> None:
    api = office.api
    sick, leave_day, fix_day, duty_day = past_weekday(3), past_weekday(10), past_weekday(17), past_weekday(24)
    # a leave the admin recorded, recapped, then cancelled: the day becomes TK
    body = {"nip": A, "type": "SAKIT", "start_date": sick.isoformat(), "end_date": sick.isoformat(), "reason": "Flu"}
    leave_id = api.call("POST", "/v1/admin/leaves", body, token=office.u1).body["leave_id"]
    assert office.recap(sick, A) == "S"
    cancelled = api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.u1)
    assert cancelled.status == 200 and cancelled.body["recapped"] == [sick.isoformat()], cancelled.body
    assert office.recap(sick, A) == "TK"
    again = api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.u1)  # its admin's retry (decision 302)
    assert again.status == 200 and again.body["cancelled"], again.body
    assert api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.admin).status == 409  # cancelled already
    assert api.call("DELETE", f"/v1/admin/leaves/{leave_id}", token=office.u2).status == 404
    # a leave request for a recapped absent day: approved, the day becomes C
    assert office.recap(leave_day, B) == "TK"
    filed = office.file(B, {"type": "CUTI", "start_date": leave_day.isoformat(), "end_date": leave_day.isoformat()})
    decided = office.decide(office.u1, filed.body["request_id"], {"decision": "approve"})
    assert decided.body["recapped"] == [leave_day.isoformat()] and office.recap(leave_day, B) == "C"
    # a correction of a missing check-in: an accepted event at 07:20 marked CORRECTION, the day no longer TK
    fix = {"type": "KOREKSI", "start_date": fix_day.isoformat(), "end_date": fix_day.isoformat(), "time": "07:20"}
    filed = office.file(A, {**fix, "event_type": "in"})
    assert office.decide(office.admin, filed.body["request_id"], {"decision": "approve"}).status == 200
    events = api.call("GET", f"/v1/attendance/me?from={fix_day}&to={fix_day}", token=office.employees[A]).body["items"]
    assert [(e["type"], e["status"], e["warnings"]) for e in events] == [("in", "accepted", ["CORRECTION"])]
    assert office.recap(fix_day, A) != "TK"
    # a field duty recapped as DL, cancelled: the day becomes TK; a unit admin of U2 does not see it
    body = {"nips": [A], "circle": CIRCLE, "start_date": duty_day.isoformat(), "end_date": duty_day.isoformat(),
            "letter_no": "800/1", "reason": "Rapat"}  # fmt: skip
    assignment_id = api.call("POST", "/v1/admin/assignments", body, token=office.u1).body["assignment_id"]
    listed = api.call("GET", f"/v1/admin/assignments?from={duty_day}&to={duty_day}", token=office.u1).body["items"]
    assert [(i["assignment_id"], i["nips"]) for i in listed] == [(assignment_id, [A])]
    assert office.recap(duty_day, A) == "DL"
    assert api.call("DELETE", f"/v1/admin/assignments/{assignment_id}", token=office.u2).status == 404
    gone = api.call("DELETE", f"/v1/admin/assignments/{assignment_id}", token=office.u1)
    assert gone.status == 200 and gone.body["recapped"] == [duty_day.isoformat()], gone.body
    assert office.recap(duty_day, A) == "TK"


def test_a_leave_request_revoked_right_after_its_approval_never_leaves_its_leave_counting(office: Office) -> None:
    # GIVEN Budi's absent day, and DynamoDB's indexes a minute behind every write
    api, day = office.api, past_weekday(3)
    assert office.recap(day, B) == "TK"
    with lagging_indexes(lag_s=60):
        # WHEN his leave request is approved and taken back at once (the leave's id index does not show it yet)
        filed = office.file(B, {"type": "CUTI", "start_date": day.isoformat(), "end_date": day.isoformat()})
        request_id = filed.body["request_id"]
        assert office.decide(office.u1, request_id, {"decision": "approve"}).status == 200
        path = f"/v1/admin/requests/{request_id}/revoke"
        early = api.call("POST", path, {"note": "Salah orang"}, token=office.u1)
        # THEN the revocation is answered 503 (send again), not taken for a leave never stored: the request stays
        # approved with its leave, never revoked with the leave still counting
        assert (early.status, early.body["error"]["code"]) == (503, "UNAVAILABLE"), early.body
        stored = runtime.requests().get(request_id)
        assert stored is not None and stored.status == "approved"
    assert office.recap(day, B) == "C"
    # AND sent again once the index shows the leave, it is revoked and the day is TK again
    taken = api.call("POST", path, {"note": "Salah orang"}, token=office.u1)
    assert (taken.status, taken.body["status"]) == (200, "revoked"), taken.body
    assert office.recap(day, B) == "TK"


def test_me_today_and_my_recap(office: Office) -> None:
    api = office.api
    me = api.call("GET", "/v1/me", token=office.employees[A])
    assert me.status == 200 and {"date", "schedule", "check_in", "check_out", "status"} <= set(me.body["today"])
    assert me.body["today"]["check_in"] is None
    day = past_weekday(3)
    assert office.recap(day, A) == "TK"
    month = day.isoformat()[:7]
    mine = api.call("GET", f"/v1/me/recap?month={month}", token=office.employees[A])
    assert mine.status == 200, mine.body
    report = api.call("GET", f"/v1/admin/recaps/monthly?month={month}&unor_id=U1", token=office.admin).body
    row = next(i for i in report["items"] if i["nip"] == A)
    assert (mine.body["counts"], mine.body["deduction_percent"]) == (row["counts"], row["deduction_percent"])
    assert {"date": day.isoformat(), "status": "TK"}.items() <= next(
        d for d in mine.body["days"] if d["date"] == day.isoformat()
    ).items()
    for bad in ("1999-12", "2101-01", "2026-13", "2026-1", "x"):
        answer = api.call("GET", f"/v1/me/recap?month={bad}", token=office.employees[A])
        assert answer.status == 400 and answer.body["error"]["code"] == "VALIDATION_ERROR", bad
    assert api.call("GET", "/v1/me/recap", token=office.employees[A]).status == 400
    assert api.call("GET", f"/v1/me/recap?month={month}", token=office.admin).status == 403


def test_two_overlapping_leaves_approved_at_once_on_dynamodb_record_one(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's sick note for two days and his permit for the second, both pending, and two admins whose
    # approvals would both read his leaves before either is stored (made certain: each read waits for the other)
    first = datetime.now(load_settings().tz).date() + timedelta(days=3)
    second = (first + timedelta(days=1)).isoformat()
    sick = office.file(A, {"type": "SAKIT", "start_date": first.isoformat(), "end_date": second}).body["request_id"]
    permit = office.file(A, {"type": "IZIN", "start_date": second, "end_date": second}).body["request_id"]
    both_read, read = threading.Barrier(2, timeout=1), DynamoCalendarRepository.stored_leaves_of

    def read_together(store: DynamoCalendarRepository, nip: str, start: date, end: date) -> Any:
        found = read(store, nip, start, end)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other approval never came to read
            both_read.wait()
        return found

    monkeypatch.setattr(DynamoCalendarRepository, "stored_leaves_of", read_together)
    admins = [Principal(subject="admin", role="super_admin"), Principal("ops-0", "unit_admin", frozenset({"U1"}))]

    def approve(pair: tuple[str, Principal]) -> str:
        body = RequestDecisionRequest.model_validate({"decision": "approve"})
        try:
            return requests_usecase.decide(pair[1], pair[0], body, load_settings(), datetime.now().astimezone()).status
        except ConflictError as refused:
            return f"conflict {refused.details.get('leave_id')}"

    # WHEN both approve at the same moment
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(approve, zip((sick, permit), admins, strict=True)))
    # THEN one leave is stored; the other approval is the 409 naming it, and its request is pending again
    leaves = office.api.call("GET", f"/v1/admin/leaves?from={first}&to={second}", token=office.admin).body["items"]
    assert len(leaves) == 1, leaves
    assert sorted(outcomes) == ["approved", f"conflict {leaves[0]['leave_id']}"]
    mine = office.api.call("GET", "/v1/me/requests", token=office.employees[A]).body["items"]
    assert sorted(r["status"] for r in mine) == ["approved", "pending"]


def test_a_request_of_an_employee_deactivated_since_is_rejected_not_approved(office: Office) -> None:
    # GIVEN Asep's permit for a day to come, and SIMPEG deactivating him before an admin decided it
    day = (datetime.now(load_settings().tz).date() + timedelta(days=3)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    PEOPLE.put_employee(Employee(nip=A, nama="Asep", unor_id="U1", active=False))
    # WHEN the admin approves it, THEN 403 ACCOUNT_INACTIVE naming the day he left, and no leave is stored
    refused = office.decide(office.u1, request_id, {"decision": "approve"})
    assert refused.status == 403 and refused.body["error"]["code"] == "ACCOUNT_INACTIVE"
    assert refused.body["error"]["details"]["deactivated_on"] <= day
    assert office.api.call("GET", f"/v1/admin/leaves?from={day}&to={day}", token=office.admin).body["items"] == []
    # AND the admin clears the queue by rejecting it
    assert office.decide(office.u1, request_id, {"decision": "reject", "note": "Sudah pensiun"}).status == 200
