"""Admin users listed and changed, sessions ended by account changes, and TOTP two-factor login, through the
real app with moto."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pyotp
import pytest

from chalicelib.settings import load_settings
from chalicelib.store.audit import DynamoAuditRepository
from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import ADMIN_PASSWORD, Api
from tests.functional.test_zones import audit_throttled

PEOPLE = DynamoPeopleRepository()
AUDIT = DynamoAuditRepository()
PASSWORD = "kuat-sekali-1"


def add_admin(api: Api, root: str, username: str, role: str, units: list[str]) -> str:
    """Create an admin user with PASSWORD and log them in."""
    body = {"username": username, "password": PASSWORD, "role": role, "unit_ids": units}
    created = api.call("POST", "/v1/admin/users", body, token=root)
    assert created.status == 201, created.body
    return api.admin_token(username, PASSWORD)


def units(*ids: str) -> None:
    for unit in ids:
        PEOPLE.upsert_unit(unit, f"Unit {unit}")


def test_a_super_admin_lists_and_changes_admins_and_changes_end_old_sessions(api: Api) -> None:
    units("U1", "U2")
    root = api.admin_token()
    budi = add_admin(api, root, "budi", "unit_admin", ["U1"])
    # THEN the list shows every admin with its state
    listed = api.call("GET", "/v1/admin/users", token=root)
    assert listed.status == 200
    by_name = {i["username"]: i for i in listed.body["items"]}
    assert by_name["budi"] == {"username": "budi", "role": "unit_admin", "unit_ids": ["U1"], "active": True,
                               "mfa_enabled": False, "last_login_at": by_name["budi"]["last_login_at"]}  # fmt: skip
    assert by_name["budi"]["last_login_at"].endswith("+00:00") and by_name["admin"]["role"] == "super_admin"
    # AND a unit admin may neither list nor change admins
    assert api.call("GET", "/v1/admin/users", token=budi).status == 403
    assert api.call("PATCH", "/v1/admin/users/budi", {"unit_ids": ["U2"]}, token=budi).status == 403
    assert api.call("GET", "/v1/admin/units", token=budi).status == 200
    # WHEN root moves budi to U2, THEN the answer shows it and budi's old token fails everywhere at once
    moved = api.call("PATCH", "/v1/admin/users/budi", {"unit_ids": ["U2"]}, token=root)
    assert moved.status == 200 and moved.body["unit_ids"] == ["U2"] and moved.body["active"] is True
    for method, path in (("GET", "/v1/admin/units"), ("GET", "/v1/admin/employees?unor_id=U1"),
                         ("POST", "/v1/admin/me/mfa")):  # fmt: skip
        refused = api.call(method, path, token=budi)
        assert (refused.status, refused.body["error"]["code"]) == (401, "UNAUTHENTICATED"), path
    # WHEN budi logs in again and is then promoted, THEN the unit admin's token is refused too
    budi = api.admin_token("budi", PASSWORD)
    assert api.call("GET", "/v1/admin/units", token=budi).body["items"][0]["unor_id"] == "U2"
    assert api.call("PATCH", "/v1/admin/users/budi", {"role": "super_admin"}, token=root).status == 200
    assert api.call("GET", "/v1/admin/units", token=budi).status == 401
    # WHEN budi (now a super admin) is deactivated, THEN the new token dies and the login is refused
    budi = api.admin_token("budi", PASSWORD)
    assert api.call("GET", "/v1/admin/users", token=budi).status == 200
    assert api.call("PATCH", "/v1/admin/users/budi", {"active": False}, token=root).status == 200
    assert api.call("GET", "/v1/admin/users", token=budi).status == 401
    login = api.call("POST", "/v1/auth/admin/login", {"username": "budi", "password": PASSWORD})
    assert (login.status, login.body["error"]["code"]) == (403, "ACCOUNT_INACTIVE")
    # AND a new password set by root works once budi is active again
    again = api.call("PATCH", "/v1/admin/users/budi", {"active": True, "password": "kata-sandi-baru"}, token=root)
    assert again.status == 200
    api.admin_token("budi", "kata-sandi-baru")
    # AND every change is in the audit log (entries of one second come in no set order), without any password
    changes = [repr((e.actor, e.target, e.detail)) for e in AUDIT.entries_of_day(datetime.now(UTC).date())
               if e.action == "admin_user.update"]  # fmt: skip
    expected = [
        ("admin", "budi", {"unit_ids": ["U2"], "before": {"unit_ids": ["U1"]}}),
        # a super admin keeps no units
        (
            "admin",
            "budi",
            {"role": "super_admin", "unit_ids": [], "before": {"role": "unit_admin", "unit_ids": ["U2"]}},
        ),
        ("admin", "budi", {"active": False, "before": {"active": True}}),
        ("admin", "budi", {"active": True, "password": "changed", "before": {"active": False}}),
    ]
    assert sorted(changes) == sorted(repr(e) for e in expected)


def test_bad_patches_answer_4xx_with_the_error_body(api: Api) -> None:
    units("U1")
    root = api.admin_token()
    add_admin(api, root, "budi", "unit_admin", ["U1"])
    cases = [
        ("budi", {}, 400, "VALIDATION_ERROR"),
        ("budi", {"active": "no"}, 400, "VALIDATION_ERROR"),
        ("budi", {"role": "raja"}, 400, "VALIDATION_ERROR"),
        ("budi", {"unit_ids": ["U9"]}, 400, "VALIDATION_ERROR"),
        ("budi", {"unit_ids": "U1"}, 400, "VALIDATION_ERROR"),
        ("budi", {"password": "x"}, 400, "WEAK_PASSWORD"),
        ("ghost", {"active": False}, 404, "NOT_FOUND"),
    ]
    for username, body, status, code in cases:
        answer = api.call("PATCH", f"/v1/admin/users/{username}", body, token=root)
        assert (answer.status, answer.body["error"]["code"]) == (status, code), body


def test_the_last_active_super_admin_stays_even_when_two_remove_each_other_at_once(api: Api) -> None:
    root = api.admin_token()
    kepala = add_admin(api, root, "kepala", "super_admin", [])
    # WHEN root and kepala deactivate each other at the same instant
    barrier = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def remove(token: str, target: str) -> None:
        barrier.wait()
        statuses[target] = api.call("PATCH", f"/v1/admin/users/{target}", {"active": False}, token=token).status

    threads = [
        threading.Thread(target=remove, args=(root, "kepala")),
        threading.Thread(target=remove, args=(kepala, "admin")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # THEN at most one succeeds (the other answers 409, or 401 when its own account went first)
    assert sorted(statuses.values()) in ([200, 401], [200, 409])
    remaining = [a for a in PEOPLE.list_admins() if a.role == "super_admin" and a.active]
    assert len(remaining) == 1
    # AND the remaining one can neither deactivate nor demote themself
    name = remaining[0].username
    token = api.admin_token(name, ADMIN_PASSWORD if name == "admin" else PASSWORD)
    for body in ({"active": False}, {"role": "unit_admin", "unit_ids": ["U1"]}):
        units("U1")
        answer = api.call("PATCH", f"/v1/admin/users/{name}", body, token=token)
        assert (answer.status, answer.body["error"]["code"]) == (409, "CONFLICT")


def current_code(secret: str, ahead_s: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + ahead_s)


def test_mfa_turned_on_while_its_audit_entry_is_throttled_is_on_only_once_named(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN budi's MFA set-up, WHEN the confirmation comes while DynamoDB throttles its audit entry (503)
    units("U1")
    root = api.admin_token()
    budi = add_admin(api, root, "budi", "unit_admin", ["U1"])
    secret = api.call("POST", "/v1/admin/me/mfa", token=budi).body["secret"]
    with audit_throttled(monkeypatch):
        assert api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=budi).status == 503
    # THEN MFA is not on unnamed: budi still logs in without a code
    assert api.call("POST", "/v1/auth/admin/login", {"username": "budi", "password": PASSWORD}).status == 200
    # WHEN the console sends it again, THEN it is on, named once
    confirmed = api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=budi)
    assert confirmed.status == 200, confirmed.body
    named = api.call("GET", "/v1/admin/audit?action=admin_user.mfa_enable", token=root).body["items"]
    assert [i["target"] for i in named] == ["budi"]


def test_mfa_setup_confirmation_and_login_with_a_code_used_once(api: Api) -> None:
    units("U1")
    root = api.admin_token()
    budi = add_admin(api, root, "budi", "unit_admin", ["U1"])
    # WHEN budi starts the set-up, THEN a secret and its otpauth URI are answered
    setup = api.call("POST", "/v1/admin/me/mfa", token=budi)
    assert setup.status == 201 and setup.body["otpauth_uri"].startswith("otpauth://totp/SMART:budi?")
    secret = setup.body["secret"]
    # WHEN a wrong code is sent, THEN 400; with the right one MFA is on
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    assert api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": wrong}, token=budi).status == 400
    confirmed = api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=budi)
    assert confirmed.status == 200 and confirmed.body == {"mfa_enabled": True}
    assert api.call("POST", "/v1/admin/me/mfa", token=budi).status == 409
    listed = {i["username"]: i for i in api.call("GET", "/v1/admin/users", token=root).body["items"]}
    assert listed["budi"]["mfa_enabled"] is True and "secret" not in str(listed)
    # THEN a login without a code, with a wrong one or with the confirming one is refused
    login = {"username": "budi", "password": PASSWORD}
    for otp in (None, wrong):
        body = login if otp is None else {**login, "otp": otp}
        refused = api.call("POST", "/v1/auth/admin/login", body)
        assert (refused.status, refused.body["error"]["code"]) == (401, "INVALID_CREDENTIALS")
    # AND a fresh code logs in once; the same code again is refused
    fresh = current_code(secret, 30)
    assert api.call("POST", "/v1/auth/admin/login", {**login, "otp": fresh}).status == 200
    replay = api.call("POST", "/v1/auth/admin/login", {**login, "otp": fresh})
    assert (replay.status, replay.body["error"]["code"]) == (401, "INVALID_CREDENTIALS")
    # AND hostile codes answer 4xx with the error body, never 5xx
    for otp, status in ((123456, 400), ("x" * 5000, 400), ("\u0661\u0662\u0663\u0664\u0665\u0666", 401)):
        hostile = api.call("POST", "/v1/auth/admin/login", {**login, "otp": otp})
        assert hostile.status == status and "code" in hostile.body["error"], otp
    # WHEN budi loses the phone, THEN only a super admin can turn MFA off (never on), and budi logs in without
    assert api.call("PATCH", "/v1/admin/users/budi", {"mfa_enabled": True}, token=root).status == 400
    reset = api.call("PATCH", "/v1/admin/users/budi", {"mfa_enabled": False}, token=root)
    assert reset.status == 200 and reset.body["mfa_enabled"] is False
    # (the three wrong codes above used budi's 3 login attempts of the fixture: a super admin unlocks them)
    assert api.call("POST", "/v1/auth/admin/login", login).status == 429
    assert api.call("POST", "/v1/admin/users/budi/unlock", token=root).status == 200
    assert api.admin_token("budi", PASSWORD)


def test_the_admin_login_answer_says_whether_two_factor_login_is_on(api: Api) -> None:
    units("U1")
    root = api.admin_token()
    add_admin(api, root, "budi", "unit_admin", ["U1"])
    login = {"username": "budi", "password": PASSWORD}
    # GIVEN budi without a second factor, THEN the login answer says it is off
    first = api.call("POST", "/v1/auth/admin/login", login)
    assert first.status == 200 and first.body["mfa_enabled"] is False
    # WHEN budi turns it on, THEN the next login (with a code) says it is on
    secret = api.call("POST", "/v1/admin/me/mfa", token=first.body["token"]).body["secret"]
    confirmed = api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=first.body["token"])
    assert confirmed.status == 200
    again = api.call("POST", "/v1/auth/admin/login", {**login, "otp": current_code(secret, 30)})
    assert again.status == 200 and again.body["mfa_enabled"] is True


def test_a_super_admin_s_session_alone_cannot_re_key_its_own_account(api: Api) -> None:
    # GIVEN a super admin with two-factor login, whose token someone else holds (a computer left signed in)
    root = api.admin_token("admin", ADMIN_PASSWORD)
    kepala = add_admin(api, root, "kepala", "super_admin", [])
    secret = api.call("POST", "/v1/admin/me/mfa", token=kepala).body["secret"]
    assert api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=kepala).status == 200
    # WHEN the token sets the account's password or drops its second factor, THEN 403 names the field
    for change, field in (({"password": "baru-dan-kuat-99"}, "password"), ({"mfa_enabled": False}, "mfa_enabled")):
        refused = api.call("PATCH", "/v1/admin/users/kepala", change, token=kepala)
        assert (refused.status, refused.body["error"]["details"]) == (403, {field: "own"}), refused.body
    # AND nothing changed: the old password with a code still logs in, and the new one does not
    listed = {i["username"]: i for i in api.call("GET", "/v1/admin/users", token=root).body["items"]}
    assert listed["kepala"]["mfa_enabled"] is True
    login = {"username": "kepala", "password": PASSWORD, "otp": current_code(secret, 30)}
    assert api.call("POST", "/v1/auth/admin/login", login).status == 200
    assert api.call("POST", "/v1/auth/admin/login", {**login, "password": "baru-dan-kuat-99"}).status == 401
    # AND the guard is on credentials only: other fields of the own row go through as before
    assert api.call("PATCH", "/v1/admin/users/kepala", {"active": True}, token=kepala).status == 200


def test_where_mfa_is_compulsory_a_super_admin_without_it_may_only_set_it_up(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMART_MFA_REQUIRED_SUPER_ADMIN", "true")
    load_settings.cache_clear()
    login = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": ADMIN_PASSWORD})
    assert login.status == 200 and login.body["mfa_setup_required"] is True
    root = login.body["token"]
    # THEN every other route is refused with 403 naming MFA
    refused = api.call("GET", "/v1/admin/users", token=root)
    assert (refused.status, refused.body["error"]["details"]) == (403, {"mfa": "required"})
    # AND the token may end itself: one left in a browser cannot set up a stranger's authenticator later
    assert api.call("POST", "/v1/auth/logout", token=root).status == 204
    assert api.call("POST", "/v1/admin/me/mfa", token=root).status == 401
    root = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": ADMIN_PASSWORD}).body["token"]
    # WHEN MFA is set up and confirmed with the same token, THEN the token serves every route
    secret = api.call("POST", "/v1/admin/me/mfa", token=root).body["secret"]
    assert api.call("POST", "/v1/admin/me/mfa/confirm", {"otp": current_code(secret)}, token=root).status == 200
    assert api.call("GET", "/v1/admin/users", token=root).status == 200
    again = api.call(
        "POST",
        "/v1/auth/admin/login",
        {"username": "admin", "password": ADMIN_PASSWORD, "otp": current_code(secret, 30)},
    )
    assert again.status == 200 and again.body["mfa_setup_required"] is False
