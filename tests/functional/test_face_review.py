"""Face review through the HTTP API (chalice test client, DynamoDB and S3 from moto, real models and photos):
self-enrolment, the pending queue, decisions, four eyes after a device reset, duplicate faces, the employee's
onboarding state and the units' counts."""

from __future__ import annotations

from chalicelib.domain import people as domain
from tests.functional.checkin_setup import DEVICE, NIP, PEOPLE, b64, enrolled_employee, selfie
from tests.functional.conftest import Api
from tests.functional.test_admin_accounts import add_admin

OTHER = "199002022015032002"


def onboarding(api: Api, token: str) -> dict[str, object]:
    answer = api.call("GET", "/v1/me", token=token)
    assert answer.status == 200, answer.body
    return dict(answer.body["onboarding"])


def unit_counts(api: Api, token: str, unit: str = "U1") -> tuple[int, int, int]:
    answer = api.call("GET", "/v1/admin/units", token=token)
    assert answer.status == 200, answer.body
    [item] = [u for u in answer.body["items"] if u["unor_id"] == unit]
    return item["employee_count"], item["activated_count"], item["enrolled_count"]


def test_a_self_enrolment_is_approved_by_the_unit_admin_and_then_counts(api: Api) -> None:
    # GIVEN an activated employee of U1 without a face, and U1's admin
    employee = enrolled_employee(api, enrol=None)
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    assert onboarding(api, employee.token) == {
        "activated": True,
        "faces": {"approved": 0, "pending": 0, "last_rejection": None},
    }
    assert unit_counts(api, unit_admin) == (1, 1, 0)
    # WHEN the employee enrols their face from the app
    sent = api.call("POST", "/v1/me/faces", {"photo": b64(selfie("deepface/img1.jpg"))}, token=employee.token)
    # THEN it waits for the admin, and a check-in is not possible yet
    assert sent.status == 201, sent.body
    assert set(sent.body) == {"template_id", "status"} and sent.body["status"] == "pending"
    assert onboarding(api, employee.token) == {
        "activated": True,
        "faces": {"approved": 0, "pending": 1, "last_rejection": None},
    }
    refused = employee.check_in(selfie("deepface/img2.jpg"))
    assert refused.status == 422 and refused.body["error"]["code"] == "NOT_ENROLLED"
    # AND U1's admin sees it in the queue
    queue = api.call("GET", "/v1/admin/faces/pending?unor_id=U1", token=unit_admin)
    assert queue.status == 200 and queue.body["next"] is None
    [item] = queue.body["items"]
    assert (item["template_id"], item["nip"], item["status"]) == (sent.body["template_id"], NIP, "pending")
    listed = api.call("GET", f"/v1/admin/employees/{NIP}/faces", token=unit_admin).body["items"]
    assert [(t["template_id"], t["status"]) for t in listed] == [(sent.body["template_id"], "pending")]
    views = api.call("GET", "/v1/admin/audit?action=view.photos", token=employee.admin).body["items"]
    assert [(i["actor"], i["target"], i["details"]) for i in views] == [
        ("ops-u1", NIP, {"via": "faces", "links": 1}),
        ("ops-u1", NIP, {"via": "pending_faces", "links": 1}),
    ]
    # WHEN the admin approves it
    path = f"/v1/admin/faces/{sent.body['template_id']}"
    decided = api.call("POST", path, {"decision": "approve", "note": "foto jelas"}, token=unit_admin)
    assert decided.status == 200, decided.body
    assert (decided.body["status"], decided.body["decision"]) == ("approved", "approve")
    listed = api.call("GET", f"/v1/admin/employees/{NIP}/faces", token=unit_admin).body["items"]
    assert [t["status"] for t in listed] == ["approved"]
    # THEN it counts everywhere, a second decision conflicts, and the employee checks in
    again = api.call("POST", path, {"decision": "reject"}, token=employee.admin)
    assert again.status == 409 and again.body["error"]["code"] == "CONFLICT"
    assert onboarding(api, employee.token) == {
        "activated": True,
        "faces": {"approved": 1, "pending": 0, "last_rejection": None},
    }
    assert unit_counts(api, unit_admin) == (1, 1, 1)
    assert unit_counts(api, employee.admin) == (1, 1, 1)  # the super admin's: one Scan of all employees
    assert employee.check_in(selfie("deepface/img2.jpg")).status == 201
    # AND bad decisions and callers are refused with their codes
    assert api.call("POST", path, {"decision": "maybe"}, token=unit_admin).status == 400
    assert api.call("POST", path, {"decision": "approve"}, token=employee.token).status in (401, 403)
    assert api.call("POST", "/v1/admin/faces/t-nothing", {"decision": "approve"}, token=unit_admin).status == 404
    assert api.call("GET", "/v1/admin/faces/pending?next=broken", token=unit_admin).status == 400


def test_the_employee_reads_why_their_face_photo_was_rejected(api: Api) -> None:
    # GIVEN an employee whose self-enrolment the unit's admin rejects with a note
    employee = enrolled_employee(api, enrol=None)
    sent = api.call("POST", "/v1/me/faces", {"photo": b64(selfie("deepface/img1.jpg"))}, token=employee.token)
    assert sent.status == 201, sent.body
    path = f"/v1/admin/faces/{sent.body['template_id']}"
    decided = api.call("POST", path, {"decision": "reject", "note": "terlalu gelap"}, token=employee.admin)
    assert decided.status == 200, decided.body
    # THEN GET /v1/me tells them, with the admin's note and when
    faces = onboarding(api, employee.token)["faces"]
    assert faces == {
        "approved": 0,
        "pending": 0,
        "last_rejection": {"note": "terlalu gelap", "rejected_at": decided.body["decided_at"]},
    }
    # AND a new photo waiting for the admin replaces it
    again = api.call("POST", "/v1/me/faces", {"photo": b64(selfie("deepface/img2.jpg"))}, token=employee.token)
    assert again.status == 201, again.body
    assert onboarding(api, employee.token)["faces"] == {"approved": 0, "pending": 1, "last_rejection": None}


def test_four_eyes_after_a_device_reset_and_duplicates_over_http(api: Api) -> None:
    # GIVEN an enrolled employee of U1, a colleague without a face, U1's admin
    employee = enrolled_employee(api)
    PEOPLE.put_employee(domain.Employee(nip=OTHER, nama="Siti Aminah", unor_id="U1"))
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    # WHEN the employee's face is enrolled for the colleague
    duplicate = api.call(
        "POST", f"/v1/admin/employees/{OTHER}/faces", {"photo": b64(selfie("deepface/img2.jpg"))}, token=unit_admin
    )
    # THEN it is refused, naming nobody
    assert duplicate.status == 409 and duplicate.body["error"]["code"] == "DUPLICATE_FACE"
    assert duplicate.body["error"]["details"] == {} and NIP not in str(duplicate.body)
    # AND only the super admin may list duplicates (none are stored)
    assert api.call("GET", "/v1/admin/faces/duplicates", token=unit_admin).status == 403
    listed = api.call("GET", "/v1/admin/faces/duplicates", token=employee.admin)
    assert listed.status == 200 and listed.body == {"items": [], "next": None}
    # WHEN U1's admin resets the employee's device and enrols a new face for them
    assert api.call("POST", f"/v1/admin/employees/{NIP}/reset-device", token=unit_admin).status == 200
    enrolled = api.call(
        "POST", f"/v1/admin/employees/{NIP}/faces", {"photo": b64(selfie("deepface/img4.jpg"))}, token=unit_admin
    )
    assert enrolled.status == 201 and enrolled.body["status"] == "pending"
    assert {"template_id", "quality", "models", "status"} <= set(enrolled.body)
    # THEN that admin may not approve it, another admin may
    path = f"/v1/admin/faces/{enrolled.body['template_id']}"
    own = api.call("POST", path, {"decision": "approve"}, token=unit_admin)
    assert own.status == 403 and own.body["error"]["code"] == "FORBIDDEN"
    assert api.call("POST", path, {"decision": "approve"}, token=employee.admin).status == 200
    login = api.call("POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": DEVICE})
    assert login.status == 200, login.body


def test_a_stand_in_s_face_on_an_enrolled_employee_waits_for_the_super_admin_over_http(api: Api) -> None:
    # GIVEN an enrolled employee of U1 (Jolie's face) and U1's admin
    employee = enrolled_employee(api)
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    # WHEN a stand-in's face is self-enrolled on the account
    sent = api.call("POST", "/v1/me/faces", {"photo": b64(selfie("deepface/img13.jpg"))}, token=employee.token)
    assert sent.status == 201, sent.body
    # THEN the queue says it is unlike the approved face
    [item] = api.call("GET", "/v1/admin/faces/pending?unor_id=U1", token=unit_admin).body["items"]
    assert item["own_match"]["unlike"] is True
    assert item["own_match"]["score"] < item["own_match"]["threshold"]
    # AND U1's admin may not approve it; the stand-in cannot check in; the super admin may approve it
    path = f"/v1/admin/faces/{sent.body['template_id']}"
    refused = api.call("POST", path, {"decision": "approve"}, token=unit_admin)
    assert refused.status == 403, refused.body
    assert refused.body["error"]["code"] == "FORBIDDEN"
    assert refused.body["error"]["details"] == {"reason": "different_person"}
    assert employee.check_in(selfie("deepface/img14.jpg")).body.get("status") != "accepted"
    assert api.call("POST", path, {"decision": "approve"}, token=employee.admin).status == 200


def test_an_admin_s_code_issued_before_his_own_face_does_not_move_the_account_over_http(api: Api) -> None:
    # GIVEN an activated employee of U1 without a face, and U1's admin who issues them a new code (a forgotten
    # password, say), then enrols his own face on them (approved at once: their first face)
    employee = enrolled_employee(api, enrol=None)
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=unit_admin).body["activation_code"]
    own = api.call(
        "POST", f"/v1/admin/employees/{NIP}/faces", {"photo": b64(selfie("deepface/img13.jpg"))}, token=unit_admin
    )
    assert own.status == 201 and own.body["status"] == "approved", own.body
    # WHEN the code is used on his phone claiming the bound phone's id
    body = {"nip": NIP, "activation_code": code, "password": "kopi-pahit-sore", "device_id": DEVICE}
    refused = api.call("POST", "/v1/auth/activate", body)
    # THEN it is refused (four eyes), telling the employee to ask another admin, and nothing is written: the
    # employee's session goes on, their password still signs in, no reset is noted
    assert refused.status == 403 and refused.body["error"]["code"] == "FORBIDDEN", refused.body
    assert refused.body["error"]["details"] == {"reason": "four_eyes"}
    assert "Minta kode baru ke admin lain" in refused.body["error"]["message"]
    assert api.call("GET", "/v1/me", token=employee.token).status == 200
    login = api.call("POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": DEVICE})
    assert login.status == 200, login.body
    assert PEOPLE.get_employee(NIP).device_reset_by is None  # type: ignore[union-attr]
    # AND a code from another admin does move it
    other = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=employee.admin).body["activation_code"]
    assert api.call("POST", "/v1/auth/activate", body | {"activation_code": other}).status == 200


def test_a_second_admin_s_code_does_not_free_the_admin_who_reset_the_phone_over_http(api: Api) -> None:
    # GIVEN an activated employee of U1 without a face, and three admins of U1
    employee = enrolled_employee(api, enrol=None)
    resetter = api.unit_admin_token(employee.admin, "U1")
    issuer = add_admin(api, employee.admin, "ops-u1-b", "unit_admin", ["U1"])
    third = add_admin(api, employee.admin, "ops-u1-c", "unit_admin", ["U1"])
    # WHEN the first resets the phone, the second issues a new code, and a stand-in activates with it on a new
    # phone (noted as a device reset by the code's issuer) and enrols their face from the app
    assert api.call("POST", f"/v1/admin/employees/{NIP}/reset-device", token=resetter).status == 200
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=issuer).body["activation_code"]
    body = {"nip": NIP, "activation_code": code, "password": "kopi-pahit-sore", "device_id": "android-0666-eeee"}
    stand_in = api.call("POST", "/v1/auth/activate", body)
    assert stand_in.status == 200, stand_in.body
    photo = {"photo": b64(selfie("deepface/img13.jpg"))}
    sent = api.call("POST", "/v1/me/faces", photo, token=stand_in.body["token"])
    assert sent.status == 201 and sent.body["status"] == "pending", sent.body
    # THEN the queue names both of them (the console disables Setujui Wajah for each before the click)
    queue = api.call("GET", f"/v1/admin/faces/pending?nip={NIP}", token=third)
    assert queue.status == 200, queue.body
    [item] = queue.body["items"]
    assert (item["reset_by"], item["resetters"]) == ("ops-u1-b", ["ops-u1", "ops-u1-b"]), item
    # AND neither the admin who reset the phone nor the code's issuer may approve it: four eyes, each refused
    path = f"/v1/admin/faces/{sent.body['template_id']}"
    for token in (resetter, issuer):
        refused = api.call("POST", path, {"decision": "approve"}, token=token)
        assert refused.status == 403 and refused.body["error"]["details"] == {"reason": "four_eyes"}, refused.body
    # AND a third admin may
    approved = api.call("POST", path, {"decision": "approve"}, token=third)
    assert approved.status == 200 and approved.body["status"] == "approved", approved.body
