"""What one check-in leaves in the tables, attribute by attribute (the load tools and e2e tests read them).

A check-in writes five items in one transaction: the event, the challenge it used up, the day's first-arrival
mark, the photo's fingerprint and the idempotent answer. A refusal writes the same minus the mark.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.store.events import event_keys
from tests.functional.checkin_setup import OUTSIDE, Employee, enrolled_employee, selfie
from tests.functional.conftest import Api

EVENT = {"nip", "key", "event_id", "type", "status", "warnings", "attendance_time", "received_at", "local_date",
         "unor_id", "unit_date", "latitude", "longitude", "accuracy_m", "photo_key", "answer"}  # fmt: skip
COUNTED = {"working_day"}  # a recorded check-in's, not a refusal's
ZONED = {"zone_id", "zone_name"}
SCORED = {"face_score", "face_threshold"}


def rows(table: str, key: str, value: str) -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    found = client.query(
        TableName=f"t-{table}",
        KeyConditionExpression="#k = :v",
        ExpressionAttributeNames={"#k": key},
        ExpressionAttributeValues={":v": {"S": value}},
        ConsistentRead=True,
    )
    items: list[dict[str, Any]] = found["Items"]
    return items


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


def test_an_arrival_writes_event_mark_challenge_fingerprint_and_answer(employee: Employee) -> None:
    # GIVEN an enrolled employee, WHEN they check in
    body = employee.body(selfie("deepface/img2.jpg"))
    answer = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
    assert answer.status == 201, answer.body
    event_id, status = answer.body["event_id"], answer.body["status"]
    # THEN the event carries exactly its attributes, the unit-day key, and the review key only in review
    items = rows("events", "nip", employee.nip)
    events = [i for i in items if i["key"]["S"].startswith("E#")]
    assert len(events) == 1
    event = events[0]
    review = {"review_unit"} if status == "review" else set()
    assert set(event) == EVENT | COUNTED | ZONED | SCORED | review
    assert event["event_id"] == {"S": event_id} and event["status"] == {"S": status}
    assert event["type"] == {"S": "in"} and event["unor_id"] == {"S": "U1"}
    assert event["unit_date"] == {"S": f"U1#{event['local_date']['S']}"}
    assert event.get("review_unit", {"S": "U1"}) == {"S": "U1"}
    assert event["warnings"] == {"L": [{"S": w} for w in answer.body["warnings"]]}
    # the range key is the event id's (its instant is the write's; attendance_time is the challenge's issue)
    assert (event["nip"]["S"], event["key"]["S"]) == event_keys(event_id)
    assert json.loads(event["answer"]["S"]) == answer.body
    # AND it counts for its own date (an office day), whose first-arrival mark points at it
    assert event["working_day"] == event["local_date"]
    marks = [i for i in items if i["key"]["S"].startswith("M#")]
    assert marks == [{"nip": {"S": employee.nip}, "key": {"S": f"M#{event['local_date']['S']}#in"},
                      "first_event_id": {"S": event_id}}]  # fmt: skip
    # AND the challenge is marked used by this request
    claim = f"{employee.nip}#{body['client_request_id']}"
    (challenge,) = rows("challenges", "challenge_id", body["challenge_id"])
    assert set(challenge) == {"challenge_id", "nip", "device_id", "issued_at", "expires_epoch", "used_by", "expires"}
    assert challenge["used_by"] == {"S": claim} and challenge["nip"] == {"S": employee.nip}
    assert int(challenge["expires"]["N"]) == int(challenge["expires_epoch"]["N"]) + 86400
    # AND the photo's fingerprint is kept under the event id
    (fingerprint,) = [f for f in rows("fingerprints", "nip", employee.nip) if f["key"]["S"].endswith(event_id)]
    assert set(fingerprint) == {"nip", "key", "sha256", "phash", "layout", "vectors", "face", "face_hash", "expires"}
    # AND listed with its face hash in the replay index, in an item of its own (decision 87)
    (indexed,) = [i for i in rows("fingerprints", "nip", f"{employee.nip}#index") if i["key"] == fingerprint["key"]]
    assert indexed["face_hash"] == fingerprint["face_hash"] and "entries" not in indexed
    # AND the answer is stored for a retry
    (stored,) = rows("idempotency", "key", claim)
    assert set(stored) == {"key", "state", "fingerprint", "started_epoch", "status_code", "body", "expires"}
    assert stored["state"] == {"S": "done"} and stored["status_code"] == {"N": "201"}
    assert json.loads(stored["body"]["S"]) == answer.body


def test_a_refusal_writes_its_reasons_and_no_mark(employee: Employee) -> None:
    # GIVEN an enrolled employee, WHEN they check in outside every zone
    answer = employee.check_in(selfie("deepface/img2.jpg"), latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    assert answer.status == 422 and answer.body["error"]["code"] == "OUTSIDE_ZONE"
    # THEN the refused event is kept with its reason and the refusal it answered, without a zone or a score
    items = rows("events", "nip", employee.nip)
    assert [i["key"]["S"][:2] for i in items] == ["E#"]
    (event,) = items
    assert set(event) == EVENT | {"reasons"}
    assert event["status"] == {"S": "refused"} and event["reasons"] == {"L": [{"S": "OUTSIDE_ZONE"}]}
    assert json.loads(event["answer"]["S"]) == answer.body
