"""An admin who is also an employee (a school's operator) does not decide on their own record, through the real
app with moto: their admin user carries their NIP, and every decision on that employee is left to another admin
(403 FORBIDDEN, nothing written). The same admin still acts on their colleagues."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain import people as domain
from chalicelib.store.audit import DynamoAuditRepository
from chalicelib.store.events import DynamoEventsRepository
from tests.functional.checkin_setup import PEOPLE, Employee, b64, enrolled_employee, selfie
from tests.functional.conftest import ADMIN_PASSWORD, Api
from tests.functional.test_admin_views import fetch, pdf_text

AUDIT = DynamoAuditRepository()
EVENTS = DynamoEventsRepository()
COLLEAGUE = "199002022015032002"
PASSWORD = "kuat-sekali-1"
GENUINE = "deepface/img2.jpg"  # the same person as the enrolment photo img1


def jakarta_today() -> str:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()


@pytest.fixture
def operator(api: Api) -> Iterator[tuple[Employee, str]]:
    """The enrolled employee of U1 (NIP), a colleague in U1, and `siti`: U1's unit admin, who is that employee."""
    employee = enrolled_employee(api)
    PEOPLE.put_employee(domain.Employee(nip=COLLEAGUE, nama="Budi Santoso", unor_id="U1", jabatan="Guru"))
    body = {"username": "siti", "password": PASSWORD, "role": "unit_admin", "unit_ids": ["U1"], "nip": employee.nip}
    created = api.call("POST", "/v1/admin/users", body, token=employee.admin)
    assert created.status == 201, created.body
    assert created.body == {"username": "siti", "role": "unit_admin", "unit_ids": ["U1"], "nip": employee.nip}
    yield employee, api.admin_token("siti", PASSWORD)


def refused(answer: Any) -> bool:
    return bool(answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN")


def test_an_admin_cannot_approve_their_own_check_in_but_another_admin_can(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api = employee.api
    # GIVEN the operator's own offline check-in, waiting for review
    recorded = employee.check_in_offline(selfie(GENUINE), hours_ago=1)
    assert recorded.status == 201 and recorded.body["status"] == "review", recorded.body
    event_id = recorded.body["event_id"]
    # WHEN they approve it themselves, THEN 403 and it still waits; the queue still shows it to them
    decided = api.call("POST", f"/v1/admin/reviews/{event_id}", {"decision": "approve"}, token=siti)
    assert refused(decided), decided.body
    assert decided.body["error"]["message"] == "Data Anda sendiri harus diputuskan oleh admin lain."
    stored = EVENTS.get_event(event_id)
    assert stored is not None and stored.status == "review" and stored.decision is None
    queue = api.call("GET", "/v1/admin/reviews?status=pending", token=siti)
    assert [i["event_id"] for i in queue.body["items"]] == [event_id]
    # AND another admin decides it
    other = api.call("POST", f"/v1/admin/reviews/{event_id}", {"decision": "approve"}, token=employee.admin)
    assert other.status == 200, other.body
    actions = [(e.actor, e.action) for e in AUDIT.entries_of_day(datetime.now(UTC).date())]
    assert ("siti", "review.approve") not in actions and ("admin", "review.approve") in actions


def test_an_admin_cannot_grant_themselves_leave_duty_hours_a_phone_or_a_face(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api, own = employee.api, employee.nip
    today = jakarta_today()
    leave = {"type": "CUTI", "start_date": today, "end_date": today, "reason": "Keperluan keluarga"}
    duty = {"start_date": today, "end_date": today, "letter_no": "800/1", "reason": "Rapat",
            "circle": {"lat": -6.9, "lon": 107.5, "radius_m": 100}}  # fmt: skip
    hours = {"effective_from": today, "days": {"mon": {"start": "09:00", "end": "12:00"}}}
    attempts = [
        ("POST", "/v1/admin/leaves", {"nip": own, **leave}),
        ("POST", "/v1/admin/assignments", {"nips": [COLLEAGUE, own], **duty}),
        ("PUT", f"/v1/admin/employees/{own}/schedule", hours),
        ("PUT", f"/v1/admin/employees/{own}/shifts", {"shifts": {today: {"start": "10:00", "end": "11:00"}}}),
        ("POST", f"/v1/admin/employees/{own}/activation", None),
        ("POST", f"/v1/admin/employees/{own}/reset-device", None),
        ("POST", f"/v1/admin/employees/{own}/faces", {"photo": b64(selfie("deepface/img2.jpg"))}),
    ]
    before = len(AUDIT.entries_of_day(datetime.now(UTC).date()))
    for method, path, body in attempts:
        answer = api.call(method, path, body, token=siti)
        assert refused(answer), (path, answer.status, answer.body)
    # THEN nothing was written: no leave, no duty, the phone still bound, one face, no audit entry
    assert api.call("GET", "/v1/admin/leaves?unor_id=U1", token=siti).body["items"] == []
    assert api.call("GET", "/v1/admin/assignments", token=siti).body["items"] == []
    me = PEOPLE.get_employee(own)
    assert me is not None and me.device_id is not None
    assert len(api.call("GET", f"/v1/admin/employees/{own}/faces", token=siti).body["items"]) == 1
    assert len(AUDIT.entries_of_day(datetime.now(UTC).date())) == before
    # AND the same admin acts on a colleague
    assert api.call("POST", "/v1/admin/leaves", {"nip": COLLEAGUE, **leave}, token=siti).status == 201
    assert api.call("POST", "/v1/admin/assignments", {"nips": [COLLEAGUE], **duty}, token=siti).status == 201
    assert api.call("POST", f"/v1/admin/employees/{COLLEAGUE}/activation", token=siti).status == 201
    # AND another admin's leave for the operator cannot be cancelled by the operator
    granted = api.call("POST", "/v1/admin/leaves", {"nip": own, **leave}, token=employee.admin)
    assert granted.status == 201, granted.body
    assert refused(api.call("DELETE", f"/v1/admin/leaves/{granted.body['leave_id']}", token=siti))


def test_an_admin_cannot_approve_their_own_request(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api = employee.api
    today = jakarta_today()
    body = {"type": "IZIN", "start_date": today, "end_date": today, "reason": "Mengantar anak berobat"}
    made = api.call("POST", "/v1/me/requests", body, token=employee.token)
    assert made.status == 201, made.body
    path = f"/v1/admin/requests/{made.body['request_id']}"
    assert refused(api.call("POST", path, {"decision": "approve"}, token=siti))
    mine = api.call("GET", "/v1/me/requests", token=employee.token).body["items"]
    assert [r["status"] for r in mine] == ["pending"]
    assert api.call("POST", path, {"decision": "approve"}, token=employee.admin).status == 200


def test_an_admin_cannot_take_back_a_correction_of_their_own(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api = employee.api
    day = date.fromisoformat(jakarta_today()) - timedelta(days=1)  # 07:05 has passed
    while day.weekday() > 3:  # a Monday-Thursday (a correction of a day off is refused)
        day -= timedelta(days=1)
    body = {"type": "KOREKSI", "start_date": f"{day}", "end_date": f"{day}", "reason": "Lupa absen", "time": "07:05"}
    made = api.call("POST", "/v1/me/requests", body, token=employee.token)
    path = f"/v1/admin/requests/{made.body['request_id']}"
    assert api.call("POST", path, {"decision": "approve"}, token=employee.admin).status == 200
    # WHEN the operator takes their own approved correction back, THEN it is refused and stays approved
    assert refused(api.call("POST", f"{path}/revoke", {"note": "Salah jam"}, token=siti))
    mine = api.call("GET", "/v1/me/requests", token=employee.token).body["items"]
    assert [r["status"] for r in mine] == ["approved"]


def test_an_admin_cannot_approve_or_delete_their_own_face_nor_cancel_their_own_field_duty(
    operator: tuple[Employee, str],
) -> None:
    employee, siti = operator
    api, own = employee.api, employee.nip
    # GIVEN the operator's self-enrolled face, waiting for approval, and a field duty another admin gave them
    enrolled = api.call("POST", "/v1/me/faces", {"photo": b64(selfie(GENUINE))}, token=employee.token)
    assert enrolled.status == 201 and enrolled.body["status"] == "pending", enrolled.body
    template_id = enrolled.body["template_id"]
    today = jakarta_today()
    duty = {"nips": [own], "start_date": today, "end_date": today, "letter_no": "800/2", "reason": "Rapat",
            "circle": {"lat": -6.9, "lon": 107.5, "radius_m": 100}}  # fmt: skip
    letter = api.call("POST", "/v1/admin/assignments", duty, token=employee.admin)
    assert letter.status == 201, letter.body
    # WHEN the operator decides on them, THEN each is refused and stays as it was
    assert refused(api.call("POST", f"/v1/admin/faces/{template_id}", {"decision": "approve"}, token=siti))
    assert refused(api.call("DELETE", f"/v1/admin/employees/{own}/faces/{template_id}", token=siti))
    assert refused(api.call("DELETE", f"/v1/admin/assignments/{letter.body['assignment_id']}", token=siti))
    faces = api.call("GET", f"/v1/admin/employees/{own}/faces", token=siti).body["items"]
    assert sorted(f["status"] for f in faces) == ["approved", "pending"]
    duties = api.call("GET", "/v1/admin/assignments", token=siti).body["items"]
    assert [d["assignment_id"] for d in duties] == [letter.body["assignment_id"]]


def test_the_admin_s_nip_is_shown_changed_and_forgotten_by_a_super_admin(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api, root = employee.api, employee.admin
    listed = {i["username"]: i for i in api.call("GET", "/v1/admin/users", token=root).body["items"]}
    assert listed["siti"]["nip"] == employee.nip and "nip" not in listed["admin"]
    # The login answer tells the console whose record is the admin's own (and says nothing for other admins)
    login = api.call("POST", "/v1/auth/admin/login", {"username": "siti", "password": PASSWORD})
    assert login.status == 200 and login.body["nip"] == employee.nip, login.body
    assert "nip" not in api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": ADMIN_PASSWORD}).body
    # An unknown or malformed NIP is refused, nothing changed
    unknown = api.call("PATCH", "/v1/admin/users/siti", {"nip": "199912312020121009"}, token=root)
    assert unknown.status == 400 and unknown.body["error"]["details"] == {"nip": "unknown"}, unknown.body
    assert api.call("PATCH", "/v1/admin/users/siti", {"nip": "12345"}, token=root).status == 400
    new = {"username": "rina", "password": PASSWORD, "role": "unit_admin", "unit_ids": ["U1"], "nip": "1" * 18}
    assert api.call("POST", "/v1/admin/users", new, token=root).status == 400
    # WHEN the NIP is forgotten (explicit null), THEN the admin may decide on that employee again
    forgotten = api.call("PATCH", "/v1/admin/users/siti", {"nip": None}, token=root)
    assert forgotten.status == 200 and "nip" not in forgotten.body, forgotten.body
    siti = api.admin_token("siti", PASSWORD)  # every change ends the admin's sessions
    answer = api.call("POST", f"/v1/admin/employees/{employee.nip}/activation", token=siti)
    assert answer.status == 201, answer.body
    # WHEN it is set again, THEN the guard is back
    assert api.call("PATCH", "/v1/admin/users/siti", {"nip": employee.nip}, token=root).status == 200
    siti = api.admin_token("siti", PASSWORD)
    assert refused(api.call("POST", f"/v1/admin/employees/{employee.nip}/activation", token=siti))
    details = [e.detail for e in AUDIT.entries_of_day(datetime.now(UTC).date()) if e.action == "admin_user.update"]
    assert {"nip": None, "before": {"nip": employee.nip}} in details
    assert {"nip": employee.nip, "before": {"nip": None}} in details


def test_a_super_admin_who_is_an_employee_cannot_forget_their_own_nip(operator: tuple[Employee, str]) -> None:
    employee, _ = operator
    api, root = employee.api, employee.admin
    # GIVEN `siti` promoted to super admin, her NIP kept on her account
    promoted = api.call("PATCH", "/v1/admin/users/siti", {"role": "super_admin"}, token=root)
    assert promoted.status == 200 and promoted.body["nip"] == employee.nip, promoted.body
    siti = api.admin_token("siti", PASSWORD)
    # WHEN she forgets her own NIP (to approve her own check-ins, then set it back), THEN 403 and it stays
    answer = api.call("PATCH", "/v1/admin/users/siti", {"nip": None}, token=siti)
    assert refused(answer) and answer.body["error"]["details"] == {"nip": "own"}, answer.body
    listed = {i["username"]: i for i in api.call("GET", "/v1/admin/users", token=siti).body["items"]}
    assert listed["siti"]["nip"] == employee.nip
    # AND her own record stays out of her reach
    assert refused(api.call("POST", f"/v1/admin/employees/{employee.nip}/activation", token=siti))


def test_an_operator_s_own_code_is_left_off_the_unit_s_activation_sheet(operator: tuple[Employee, str]) -> None:
    employee, siti = operator
    api = employee.api
    # WHEN the operator prints a sheet of every employee of U1, activated or not
    answer = api.call("POST", "/v1/admin/units/U1/activation-codes", {"only_not_activated": False}, token=siti)
    # THEN the colleague has a card and the operator has none: their own code comes from another admin
    assert answer.status == 201 and answer.body["count"] == 1, answer.body
    text = pdf_text(fetch(answer.body["sheet_url"]).content)
    assert COLLEAGUE in text and employee.nip not in text
    # AND the answer names the operator's record as left out, so they know their own card comes from a colleague
    assert answer.body["left_out"] == [{"nip": employee.nip, "nama": "Asep Saepudin", "reason": "own_record"}]
