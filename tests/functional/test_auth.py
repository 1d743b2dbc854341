"""Authentication, roles, device binding and the error shape, through the real app with moto."""

from __future__ import annotations

import json
import time

import jwt
import pytest

from chalicelib.domain.people import Employee
from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import Api

PEOPLE = DynamoPeopleRepository()

NIP = "198501012010011001"
OTHER_NIP = "199002022015032002"
DEVICE = "android-0001-aaaa"


def seed(unit: str = "U1", nip: str = NIP) -> None:
    PEOPLE.upsert_unit(unit, f"Unit {unit}")
    PEOPLE.put_employee(Employee(nip=nip, nama="Asep Saepudin", unor_id=unit, jabatan="Guru"))


def activate(api: Api, admin: str, nip: str = NIP, device: str = DEVICE) -> str:
    code = api.call("POST", f"/v1/admin/employees/{nip}/activation", token=admin)
    assert code.status == 201, code.body
    answer = api.call(
        "POST",
        "/v1/auth/activate",
        {"nip": nip, "activation_code": code.body["activation_code"], "password": "rahasia-123", "device_id": device},
    )
    assert answer.status == 200, answer.body
    return str(answer.body["token"])


def test_health(api: Api) -> None:
    answer = api.call("GET", "/v1/health")
    assert answer.status == 200
    assert answer.body["status"] == "ok"


def test_admin_login_and_wrong_password(api: Api) -> None:
    ok = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "admin-local"})
    assert ok.status == 200 and ok.body["role"] == "super_admin" and ok.body["expires_at"].endswith("+00:00")
    bad = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "nope-nope"})
    assert bad.status == 401 and bad.body["error"]["code"] == "INVALID_CREDENTIALS"
    unknown = api.call("POST", "/v1/auth/admin/login", {"username": "ghost", "password": "nope-nope"})
    assert unknown.status == 401 and unknown.body["error"]["code"] == "INVALID_CREDENTIALS"


def test_lockout_after_repeated_failures(api: Api) -> None:
    # GIVEN the limit of 3 failures set by the fixture
    for _ in range(3):
        api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "wrong-one"})
    # WHEN the right password is tried next
    locked = api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "admin-local"})
    # THEN the account is locked for a while
    assert locked.status == 429 and locked.body["error"]["code"] == "RATE_LIMITED"
    assert int(locked.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (b"", "body"),
        (json.dumps({"username": 5, "password": "x"}).encode(), "username"),
        (json.dumps({"password": "x"}).encode(), "username"),
    ],
)
def test_bad_bodies_are_validation_errors(api: Api, raw: bytes, field: str) -> None:
    answer = api.call("POST", "/v1/auth/admin/login", raw=raw)
    assert answer.status == 400
    assert answer.body["error"]["code"] == "VALIDATION_ERROR"
    assert field in answer.body["error"]["details"]


def test_other_content_types_are_415_in_the_error_shape(api: Api) -> None:
    answer = api.call("POST", "/v1/auth/admin/login", raw=b"\xff\xd8\xff", content_type="image/jpeg")
    assert answer.status == 415 and answer.body["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_oversized_body(api: Api) -> None:
    answer = api.call("POST", "/v1/auth/login", raw=b"{" + b" " * (5 * 1024 * 1024) + b"}")
    assert answer.status == 413 and answer.body["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_unknown_route_and_wrong_method_share_the_error_shape(api: Api) -> None:
    missing = api.call("GET", "/v1/nothing/here")
    assert missing.status == 404 and missing.body["error"]["code"] == "NOT_FOUND"
    wrong = api.call("DELETE", "/v1/health")
    assert wrong.status == 405 and wrong.body["error"]["code"] == "METHOD_NOT_ALLOWED"


def test_no_answer_may_be_kept_in_a_browser_cache(api: Api) -> None:
    # GIVEN an admin console on a shared office PC, and an employee activated on their phone
    seed()
    admin = api.admin_token()
    employee = activate(api, admin)
    # WHEN answers carrying a token, personal data, an inline recap file and errors are given
    answers = {
        "login": api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": "admin-local"}),
        "profile": api.call("GET", "/v1/me", token=employee),
        "employees": api.call("GET", "/v1/admin/employees?unor_id=U1", token=admin),
        "csv": api.call("GET", "/v1/admin/recaps/monthly?unor_id=U1&month=2026-11&format=csv", token=admin),
        "refused": api.call("GET", f"/v1/admin/employees/{NIP}/faces", token=employee),
        "unknown": api.call("GET", "/v1/nothing/here"),
        "health": api.call("GET", "/v1/health"),
    }
    assert answers["csv"].headers["Content-Type"].startswith("text/csv"), answers["csv"].body
    # THEN every one forbids storing it (no browser or proxy may keep a token, a name, a NIP or a photo link on
    # disk: the next user of the PC, or anyone with its disk, would read them back)
    for name, answer in answers.items():
        assert answer.headers.get("Cache-Control") == "no-store", name


def test_tampered_and_expired_tokens(api: Api) -> None:
    token = api.admin_token()
    head, payload, sig = token.split(".")
    tampered = f"{head}.{payload}.{sig[:-2]}xx"
    for bad in (tampered, "garbage", ""):
        answer = api.call("GET", "/v1/admin/units", token=bad or None)
        assert answer.status == 401 and answer.body["error"]["code"] == "UNAUTHENTICATED"
    expired = jwt.encode(
        {
            "iss": "smart",
            "sub": "admin",
            "role": "super_admin",
            "units": [],
            "ver": 0,
            "iat": int(time.time()) - 100,
            "exp": int(time.time()) - 10,
        },
        "local-only-signing-secret-not-for-production",
        algorithm="HS256",
    )
    answer = api.call("GET", "/v1/admin/units", token=expired)
    assert answer.status == 401 and answer.body["error"]["code"] == "UNAUTHENTICATED"


def test_activation_binds_one_phone(api: Api) -> None:
    seed()
    admin = api.admin_token()
    token = activate(api, admin)
    assert token
    # the code is one-time
    again = api.call("POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": DEVICE})
    assert again.status == 200
    other_phone = api.call(
        "POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": "android-9999-bbbb"}
    )
    assert other_phone.status == 403 and other_phone.body["error"]["code"] == "DEVICE_MISMATCH"
    # (saying what to do: the account is on another phone, or in another browser of this one)
    assert other_phone.body["error"]["details"] == {"reason": "account_on_other_phone"}
    assert "browser lain" in other_phone.body["error"]["message"]
    # after an admin reset the next login binds the new phone and the old token is revoked
    assert api.call("POST", f"/v1/admin/employees/{NIP}/reset-device", token=admin).status == 200
    old = api.call("GET", "/v1/admin/units", token=token)
    assert old.status == 401
    moved = api.call(
        "POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": "android-9999-bbbb"}
    )
    assert moved.status == 200


def test_one_phone_cannot_serve_two_employees(api: Api) -> None:
    seed()
    seed(nip=OTHER_NIP)
    admin = api.admin_token()
    activate(api, admin)
    code = api.call("POST", f"/v1/admin/employees/{OTHER_NIP}/activation", token=admin).body["activation_code"]
    answer = api.call(
        "POST",
        "/v1/auth/activate",
        {"nip": OTHER_NIP, "activation_code": code, "password": "rahasia-456", "device_id": DEVICE},
    )
    assert answer.status == 403 and answer.body["error"]["code"] == "DEVICE_MISMATCH"
    # saying it is the phone that is another's (a shared phone), not the account, and naming nobody
    assert answer.body["error"]["details"] == {"reason": "phone_of_other"}
    assert "Satu ponsel hanya untuk satu pegawai" in answer.body["error"]["message"] and NIP not in str(answer.body)


def test_unknown_nip_and_bad_activation(api: Api) -> None:
    admin = api.admin_token()
    assert api.call("POST", "/v1/admin/employees/123/activation", token=admin).status == 400
    missing = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin)
    assert missing.status == 404 and missing.body["error"]["code"] == "NOT_FOUND"
    seed()
    wrong = api.call(
        "POST",
        "/v1/auth/activate",
        {"nip": NIP, "activation_code": "00000000", "password": "rahasia-123", "device_id": DEVICE},
    )
    assert wrong.status == 401 and wrong.body["error"]["code"] == "INVALID_CREDENTIALS"


def test_inactive_employee_cannot_log_in(api: Api) -> None:
    seed()
    admin = api.admin_token()
    activate(api, admin)
    PEOPLE.put_employee(Employee(nip=NIP, nama="Asep Saepudin", unor_id="U1", active=False))
    answer = api.call("POST", "/v1/auth/login", {"nip": NIP, "password": "rahasia-123", "device_id": DEVICE})
    assert answer.status == 403 and answer.body["error"]["code"] == "ACCOUNT_INACTIVE"


def test_a_code_for_a_deactivated_employee_is_refused_in_words_about_the_employee(api: Api) -> None:
    # GIVEN an employee SIMPEG deactivated
    PEOPLE.upsert_unit("U1", "Unit U1")
    PEOPLE.put_employee(Employee(nip=NIP, nama="Asep Saepudin", unor_id="U1", active=False))
    # WHEN an admin asks for an activation code
    answer = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=api.admin_token())
    # THEN the code stays ACCOUNT_INACTIVE, but the admin reads that the employee is inactive, not their own account
    assert (answer.status, answer.body["error"]["code"]) == (403, "ACCOUNT_INACTIVE")
    assert (
        answer.body["error"]["message"] == "Pegawai ini tidak aktif menurut SIMPEG; kode aktivasi tidak dapat dibuat."
    )
    account = PEOPLE.employee_account(NIP)
    assert account is not None and account.credentials.activation_hash is None


def test_without_a_unit_the_employee_list_pages_through_every_unit_the_caller_sees(api: Api) -> None:
    # GIVEN 120 employees in U1 and 3 in U2
    seed("U1")
    seed("U2", OTHER_NIP)
    for i in range(119):
        PEOPLE.put_employee(Employee(nip=f"19900101201001{i:04d}", nama=f"Pegawai {i}", unor_id="U1"))
    for i in range(2):
        PEOPLE.put_employee(Employee(nip=f"19910101201001{i:04d}", nama=f"Guru {i}", unor_id="U2"))
    admin = api.admin_token()
    # WHEN the super admin lists employees without a unit, following `next`
    pages, path = [], "/v1/admin/employees"
    while path:
        answer = api.call("GET", path, token=admin)
        assert answer.status == 200, answer.body
        pages.append([e["nip"] for e in answer.body["items"]])
        path = f"/v1/admin/employees?next={answer.body['next']}" if answer.body["next"] else ""
    # THEN every employee comes once, U1 in two pages (the second going on within it), then U2
    assert [len(p) for p in pages] == [100, 23]
    assert len({n for p in pages for n in p}) == 123
    assert set(pages[1][-3:]) == {OTHER_NIP, *(f"19910101201001{i:04d}" for i in range(2))}
    # AND a unit admin of U2 gets their unit only
    unit_admin = api.unit_admin_token(admin, "U2")
    theirs = api.call("GET", "/v1/admin/employees", token=unit_admin)
    assert theirs.status == 200 and len(theirs.body["items"]) == 3 and theirs.body["next"] is None


def test_unit_admin_scope(api: Api) -> None:
    seed("U1")
    seed("U2", OTHER_NIP)
    admin = api.admin_token()
    unit_admin = api.unit_admin_token(admin, "U1")
    mine = api.call("GET", "/v1/admin/employees?unor_id=U1", token=unit_admin)
    assert mine.status == 200 and [e["nip"] for e in mine.body["items"]] == [NIP]
    theirs = api.call("GET", "/v1/admin/employees?unor_id=U2", token=unit_admin)
    assert theirs.status == 403
    assert api.call("POST", f"/v1/admin/employees/{OTHER_NIP}/activation", token=unit_admin).status == 403
    by_nip = api.call("GET", f"/v1/admin/employees?q={OTHER_NIP}", token=unit_admin)
    assert by_nip.body["items"] == []
    units = api.call("GET", "/v1/admin/units", token=unit_admin)
    assert [u["unor_id"] for u in units.body["items"]] == ["U1"]
    assert (
        api.call(
            "POST",
            "/v1/admin/users",
            {"username": "x-y-z", "password": "kuat-sekali-1", "role": "super_admin"},
            token=unit_admin,
        ).status
        == 403
    )


def test_employee_token_cannot_use_admin_routes(api: Api) -> None:
    seed()
    token = activate(api, api.admin_token())
    answer = api.call("GET", "/v1/admin/units", token=token)
    assert answer.status == 403 and answer.body["error"]["code"] == "FORBIDDEN"
