"""What logins and activation codes leave in the tables: the counters, the lock and the one-time code.

The load tools and operators read these attributes directly, so names and values are part of the contract.
"""

from __future__ import annotations

import time
from typing import Any

import boto3

from tests.functional.conftest import Api
from tests.functional.test_auth import DEVICE, NIP, activate, seed

LOCKOUT_S = 900  # SMART_LOGIN_LOCKOUT_S default; the fixture allows 3 failures


def item(table: str, key: dict[str, Any]) -> dict[str, Any]:
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    found: dict[str, Any] = client.get_item(TableName=f"t-{table}", Key=key, ConsistentRead=True)["Item"]
    return found


def counters(found: dict[str, Any]) -> tuple[str | None, str | None]:
    return (found.get("failed_logins", {}).get("N"), found.get("locked_until", {}).get("N"))


def login(api: Api, password: str) -> int:
    body = {"nip": NIP, "password": password, "device_id": DEVICE}
    return api.call("POST", "/v1/auth/login", body).status


def test_employee_failures_count_lock_and_clear(api: Api) -> None:
    # GIVEN an activated employee
    seed()
    activate(api, api.admin_token())
    employee = {"nip": {"S": NIP}}
    # WHEN the password is wrong once, THEN one failure is counted and nothing is locked (no lock written)
    assert login(api, "salah-sekali") == 401
    assert counters(item("employees", employee)) == ("1", None)
    # WHEN the right password follows, THEN both counters are back to zero
    assert login(api, "rahasia-123") == 200
    assert counters(item("employees", employee)) == ("0", "0")
    # WHEN it is wrong three times (the limit), THEN the count restarts and the account is locked for a while
    before = int(time.time())
    for _ in range(3):
        assert login(api, "salah-lagi-1") == 401
    failed, locked_until = counters(item("employees", employee))
    assert failed == "0" and locked_until is not None
    assert before + LOCKOUT_S <= int(locked_until) <= int(time.time()) + LOCKOUT_S
    # AND the right password is refused until then
    assert login(api, "rahasia-123") == 429


def test_activation_code_is_stored_hashed_with_its_expiry_and_spent_on_use(api: Api) -> None:
    # GIVEN an employee
    seed()
    admin = api.admin_token()
    employee = {"nip": {"S": NIP}}
    # WHEN an admin creates an activation code
    before = int(time.time())
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin)
    assert code.status == 201, code.body
    # THEN only its hash is stored, with its expiry in epoch seconds (SMART_ACTIVATION_TTL_S: 7 days)
    stored = item("employees", employee)
    assert code.body["activation_code"] not in stored["activation_hash"]["S"]
    assert before + 7 * 86400 <= int(stored["activation_expires"]["N"]) <= int(time.time()) + 7 * 86400
    # WHEN a wrong code is tried, THEN it counts as a failed login
    wrong = {"nip": NIP, "activation_code": "00000000", "password": "rahasia-123", "device_id": DEVICE}
    assert api.call("POST", "/v1/auth/activate", wrong).status == 401
    assert counters(item("employees", employee))[0] == "1"
    # WHEN the right code is used, THEN the code is spent, the phone bound and the counters cleared
    right = {**wrong, "activation_code": code.body["activation_code"]}
    assert api.call("POST", "/v1/auth/activate", right).status == 200
    stored = item("employees", employee)
    assert "activation_hash" not in stored and "activation_expires" not in stored
    assert stored["device_id"] == {"S": DEVICE} and stored["password_hash"]["S"]
    assert counters(stored) == ("0", "0")
    assert item("devices", {"device_id": {"S": DEVICE}})["nip"] == {"S": NIP}


def test_admin_failures_are_counted_on_the_admin(api: Api) -> None:
    # GIVEN the bootstrap admin, WHEN one login fails, THEN the failure is counted on the admin's item
    bad = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "nope-nope"})
    assert bad.status == 401
    assert counters(item("admins", {"username": {"S": "admin"}})) == ("1", "0")  # created with both at 0
    # WHEN the next one succeeds, THEN the count is cleared
    api.admin_token()
    assert counters(item("admins", {"username": {"S": "admin"}})) == ("0", "0")
