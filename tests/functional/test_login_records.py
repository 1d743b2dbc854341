"""What logins and activation codes leave in the tables: the login slots, the address counts, the one-time code.

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


def slots(scope: str) -> dict[str, int]:
    """The login slots of an account in the login_guards table: slot -> epoch second it was taken (0: given back)."""
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    rows = client.query(
        TableName="t-login_guards",
        KeyConditionExpression="#s = :s",
        ExpressionAttributeNames={"#s": "scope"},
        ExpressionAttributeValues={":s": {"S": scope}},
        ConsistentRead=True,
    )["Items"]
    return {row["slot"]["S"]: int(row["used_at"]["N"]) for row in rows}


def taken(scope: str) -> int:
    return sum(1 for used_at in slots(scope).values() if used_at)


def login(api: Api, password: str) -> int:
    body = {"nip": NIP, "password": password, "device_id": DEVICE}
    return api.call("POST", "/v1/auth/login", body).status


def test_employee_failures_take_slots_until_the_lock(api: Api) -> None:
    # GIVEN an activated employee
    seed()
    activate(api, api.admin_token())
    scope = f"employee#{NIP}"
    # WHEN the password is wrong once, THEN one slot is taken, stamped with the time and expiring by TTL
    before = int(time.time())
    assert login(api, "salah-sekali") == 401
    assert taken(scope) == 1
    [(slot, used_at)] = [(slot, used_at) for slot, used_at in slots(scope).items() if used_at]
    assert before <= used_at <= int(time.time())
    row = item("login_guards", {"scope": {"S": scope}, "slot": {"S": slot}})
    assert int(row["expires"]["N"]) > used_at + LOCKOUT_S
    # WHEN the right password follows, THEN its own slot is given back and the failure stays
    assert login(api, "rahasia-123") == 200
    assert taken(scope) == 1
    # WHEN it is wrong twice more (the limit is 3), THEN every slot is taken and the right password is refused
    for _ in range(2):
        assert login(api, "salah-lagi-1") == 401
    assert taken(scope) == 3
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
    assert taken(f"employee#{NIP}") == 1
    # WHEN the right code is used, THEN the code is spent and the phone bound
    right = {**wrong, "activation_code": code.body["activation_code"]}
    assert api.call("POST", "/v1/auth/activate", right).status == 200
    stored = item("employees", employee)
    assert "activation_hash" not in stored and "activation_expires" not in stored
    assert stored["device_id"] == {"S": DEVICE} and stored["password_hash"]["S"]
    assert taken(f"employee#{NIP}") == 1
    assert item("devices", {"device_id": {"S": DEVICE}})["nip"] == {"S": NIP}


def test_admin_failures_and_addresses_are_counted_apart(api: Api) -> None:
    # GIVEN the bootstrap admin, WHEN one login fails, THEN a slot of the admin is taken, and the local address
    # has one failure counted (a slot of its own scope, taken now)
    bad = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "nope-nope"})
    assert bad.status == 401
    assert taken("admin#admin") == 1
    assert "failed_logins" not in item("admins", {"username": {"S": "admin"}})
    client = boto3.client("dynamodb", region_name="ap-southeast-3")
    rows = client.scan(TableName="t-login_guards")["Items"]
    address = [row for row in rows if row["scope"]["S"].startswith("ip#")]
    assert [row["scope"]["S"] for row in address if int(row["used_at"]["N"]) > 0] == ["ip#127.0.0.1"]
    # WHEN the next one succeeds, THEN its attempts are given back and the failure stays
    api.admin_token()
    assert taken("admin#admin") == 1
    rows = client.scan(TableName="t-login_guards")["Items"]
    assert sum(1 for row in rows if row["scope"]["S"].startswith("ip#") and int(row["used_at"]["N"]) > 0) == 1
