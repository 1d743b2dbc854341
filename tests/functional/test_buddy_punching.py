"""Buddy punching flags (issue 17 point 6): check-ins of two employees from one spot at one time, and a phone
reporting another fingerprint than the one bound at activation, go to review with stable reason codes.

Real photos, real models, the Chalice test client on moto. The two employees are different people, each with
their own phone and genuine liveness frames.
"""

from __future__ import annotations

import threading
from typing import Any

from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.checkin_setup import CENTRE, Employee, enrolled_employee, selfie
from tests.functional.conftest import Api

PEOPLE = DynamoPeopleRepository()
SAME_SPOT = "SAME_SPOT_OTHER_EMPLOYEE"
CHANGED = "DEVICE_FINGERPRINT_CHANGED"


def two_employees(api: Api) -> tuple[Employee, Employee]:
    asep = enrolled_employee(api, enrol="deepface/img1.jpg")
    budi = enrolled_employee(api, enrol="deepface/img13.jpg", nip="198601012010011002", device="android-0002-bbbb")
    return asep, budi


def test_two_employees_checking_in_at_once_from_one_spot_are_flagged(api: Api) -> None:
    # GIVEN two employees whose phones report the very same position
    asep, budi = two_employees(api)
    bodies = [
        (asep, asep.body(selfie("deepface/img2.jpg"))),
        (budi, budi.body(selfie("deepface/img14.jpg"))),
    ]
    answers: list[Any] = []

    def send(employee: Employee, body: dict[str, Any]) -> None:
        answers.append(employee.api.call("POST", "/v1/attendance", body, token=employee.token))

    # WHEN both check in at the same moment (a race: neither has been recorded when the other starts)
    threads = [threading.Thread(target=send, args=pair) for pair in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN both are recorded, and at least the later one goes to review with the stable reason
    assert [a.status for a in answers] == [201, 201], [a.body for a in answers]
    flagged = [a for a in answers if SAME_SPOT in a.body["warnings"]]
    assert flagged and all(a.body["status"] == "review" for a in flagged)


def test_colleagues_a_few_metres_apart_or_minutes_apart_are_not_flagged(api: Api) -> None:
    asep, budi = two_employees(api)
    first = asep.check_in(selfie("deepface/img2.jpg"))
    assert first.status == 201 and SAME_SPOT not in first.body["warnings"]
    # ~4 m north of the first: two phones side by side at the gate
    near = budi.check_in(selfie("deepface/img14.jpg"), latitude=CENTRE[0] + 0.000036)
    assert near.status == 201, near.body
    assert SAME_SPOT not in near.body["warnings"]
    # AND the same employee checking out from the same spot is not someone else
    out = asep.check_in(selfie("deepface/img4.jpg"), type="out")
    assert out.status == 201 and SAME_SPOT not in out.body["warnings"]


def test_a_phone_reporting_another_fingerprint_goes_to_review(api: Api) -> None:
    # GIVEN an employee activated on a phone that reported its fingerprint
    employee = enrolled_employee(api, fingerprint="fp-3f9a1c0e-pixel7-android14")
    assert PEOPLE.get_employee(employee.nip).device_fingerprint == "fp-3f9a1c0e-pixel7-android14"  # type: ignore[union-attr]
    # WHEN a check-in comes with the same device id and token but another fingerprint (a cloned app)
    other = employee.check_in(selfie("deepface/img2.jpg"), device_fingerprint="fp-0000-other-phone")
    # THEN it is recorded for review with the stable reason
    assert other.status == 201 and other.body["status"] == "review" and CHANGED in other.body["warnings"]
    # AND one without any fingerprint is flagged as well, the bound one is not
    missing = employee.check_in(selfie("deepface/img4.jpg"), type="out", device_fingerprint=None)
    assert missing.status == 201 and CHANGED in missing.body["warnings"]
    same = employee.body(selfie("deepface/img5.jpg"), type="out")
    assert same["device_fingerprint"] == "fp-3f9a1c0e-pixel7-android14"
    again = employee.api.call("POST", "/v1/attendance", same, token=employee.token)
    assert again.status == 201 and CHANGED not in again.body["warnings"]


def test_a_device_reset_forgets_the_fingerprint(api: Api) -> None:
    employee = enrolled_employee(api, fingerprint="fp-3f9a1c0e-pixel7-android14")
    other_admin = api.unit_admin_token(employee.admin, "U1")  # the face's enroller may not reset (four eyes)
    reset = api.call("POST", f"/v1/admin/employees/{employee.nip}/reset-device", token=other_admin)
    assert reset.status == 200
    assert PEOPLE.get_employee(employee.nip).device_fingerprint is None  # type: ignore[union-attr]
