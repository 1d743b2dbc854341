"""Writes that DynamoDB committed but whose answer was lost, through the HTTP API on moto: the SDK sends the same
write again (`lost_answer`), it meets what its first try wrote, and that is success, not someone else's change:
an approval, its naming of what it made, a revocation, a correction's approval within its quota, a face enrolment
and a face decision."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.settings import load_settings
from tests.functional.checkin_setup import NIP, b64, enrolled_employee, selfie
from tests.functional.conftest import Api
from tests.functional.lost_answer import answer_lost_once
from tests.functional.test_requests import A, Office, a_past_month_day, office

__all__ = ["office"]  # the shared fixture this module uses


def audited(api: Api, token: str, action: str) -> list[tuple[str, str]]:
    items = api.call("GET", f"/v1/admin/audit?action={action}", token=token).body["items"]
    return [(i["actor"], i["target"]) for i in items]


def test_an_approval_whose_answer_was_lost_is_made_once(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN Asep's permit for next week, pending
    day = (datetime.now(load_settings().tz).date() + timedelta(days=7)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    # WHEN U1's admin approves it and the approval's write commits, but its answer is lost and the SDK repeats it
    with answer_lost_once(monkeypatch, "UpdateItem", "requests"):
        decided = office.decide(office.u1, request_id, {"decision": "approve"})
    # THEN the approval is answered with its leave (not 409: nobody else decided), named on the request, audited
    assert decided.status == 200, decided.body
    assert decided.body["status"] == "approved" and decided.body["result_id"]
    stored = office.api.call("GET", "/v1/admin/requests?status=approved", token=office.u1).body["items"]
    assert [(r["request_id"], r["result_id"]) for r in stored] == [(request_id, decided.body["result_id"])]
    leaves = office.api.call("GET", f"/v1/admin/leaves?from={day}&to={day}", token=office.u1).body["items"]
    assert [leave["leave_id"] for leave in leaves] == [decided.body["result_id"]]
    assert audited(office.api, office.admin, "request.approve") == [("ops-u1", request_id)]
    # AND another decision on it is still a conflict
    assert office.decide(office.u1, request_id, {"decision": "reject"}).status == 409


def test_an_approval_whose_naming_answer_was_lost_is_named_and_audited_once(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's permit for next week, pending
    day = (datetime.now(load_settings().tz).date() + timedelta(days=7)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    # WHEN the transaction naming its leave on the request with the approval's audit entry commits, but its answer
    # is lost and the SDK repeats it
    with answer_lost_once(monkeypatch, "TransactWriteItems", "requests"):
        decided = office.decide(office.u1, request_id, {"decision": "approve"})
    # THEN the approval is answered with its leave (not undone as a failure), and audited once
    assert decided.status == 200, decided.body
    stored = office.api.call("GET", "/v1/admin/requests?status=approved", token=office.u1).body["items"]
    assert [(r["request_id"], r["result_id"]) for r in stored] == [(request_id, decided.body["result_id"])]
    assert audited(office.api, office.admin, "request.approve") == [("ops-u1", request_id)]


def test_a_correction_approved_within_its_quota_whose_answer_was_lost_is_made_once(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's time correction of last month, pending (its approval takes a place of the month's two)
    day = a_past_month_day(10)
    filed = office.file(A, {"type": "KOREKSI", "start_date": day, "end_date": day, "time": "07:20"})
    request_id = filed.body["request_id"]
    # WHEN its approval's transaction (request and quota) commits, its answer is lost and the SDK repeats it
    with answer_lost_once(monkeypatch, "TransactWriteItems", "requests"):
        decided = office.decide(office.u1, request_id, {"decision": "approve"})
    # THEN it is approved with its corrected event, and it holds one place of the month's quota
    assert decided.status == 200, decided.body
    assert decided.body["status"] == "approved" and decided.body["result_id"]
    left = office.api.call("GET", f"/v1/me/corrections?month={day[:7]}", token=office.employees[A]).body
    assert (left["approved"], left["pending"], left["remaining"]) == (1, 0, 1)


def test_a_revocation_whose_answer_was_lost_is_answered(office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN Asep's permit for next week, approved
    day = (datetime.now(load_settings().tz).date() + timedelta(days=7)).isoformat()
    request_id = office.file(A, {"type": "IZIN", "start_date": day, "end_date": day}).body["request_id"]
    leave_id = office.decide(office.u1, request_id, {"decision": "approve"}).body["result_id"]
    # WHEN the BKPSDM officer takes it back and the request's write commits, but its answer is lost and repeated
    path = f"/v1/admin/requests/{request_id}/revoke"
    with answer_lost_once(monkeypatch, "TransactWriteItems", "requests"):  # the request and its audit entry
        taken = office.api.call("POST", path, {"note": "Salah tanggal"}, token=office.admin)
    # THEN it is revoked (not 409), its leave cancelled, and the revocation audited
    assert taken.status == 200, taken.body
    assert (taken.body["status"], taken.body["result_id"]) == ("revoked", leave_id)
    assert office.api.call("GET", f"/v1/admin/leaves?from={day}&to={day}", token=office.u1).body["items"] == []
    assert audited(office.api, office.admin, "request.revoke") == [("admin", request_id)]


def test_an_enrolment_whose_answer_was_lost_is_stored_once_and_audited(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an activated employee without a face
    employee = enrolled_employee(api, enrol=None)
    # WHEN the admin enrols their face and its transaction commits, but its answer is lost and the SDK repeats it
    path = f"/v1/admin/employees/{NIP}/faces"
    with answer_lost_once(monkeypatch, "TransactWriteItems", "face_templates"):
        answer = api.call("POST", path, {"photo": b64(selfie("deepface/img1.jpg"))}, token=employee.admin)
    # THEN the enrolment is answered (not 500), stored once, audited, and the employee checks in with it
    assert answer.status == 201, answer.body
    listed = api.call("GET", path, token=employee.admin).body["items"]
    assert [(t["template_id"], t["status"]) for t in listed] == [(answer.body["template_id"], "approved")]
    assert audited(api, employee.admin, "face.enrol") == [("admin", NIP)]
    assert employee.check_in(selfie("deepface/img2.jpg")).status == 201


def test_a_face_decision_whose_answer_was_lost_is_answered_and_audited(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a face the employee enrolled from the app, waiting for U1's admin
    employee = enrolled_employee(api, enrol=None)
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    sent = api.call("POST", "/v1/me/faces", {"photo": b64(selfie("deepface/img1.jpg"))}, token=employee.token)
    assert sent.status == 201 and sent.body["status"] == "pending", sent.body
    # WHEN the admin approves it and the decision's transaction commits, but its answer is lost and repeated
    path = f"/v1/admin/faces/{sent.body['template_id']}"
    with answer_lost_once(monkeypatch, "TransactWriteItems", "face_templates"):
        decided = api.call("POST", path, {"decision": "approve"}, token=unit_admin)
    # THEN the approval is answered (not 409: it is this admin's own), audited, and the face counts
    assert decided.status == 200, decided.body
    assert (decided.body["status"], decided.body["decision"]) == ("approved", "approve")
    assert audited(api, employee.admin, "face.approve") == [("ops-u1", NIP)]
    assert employee.check_in(selfie("deepface/img2.jpg")).status == 201
