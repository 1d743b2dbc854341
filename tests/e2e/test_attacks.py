"""Attacks on the real local stack over HTTP (issue 16): the same server processes, storage server and
limits a phone or an attacker meets with `make run` (4 API worker processes: parallel requests really run in
parallel). Hostile input, sessions that must end at once, the SIMPEG import guard, then the bursts: parallel
password and activation-code guessing against one account, and one address guessing across many.

The stack is this module's own, with the production login limits (5 per account per 15 minutes, 30 failures
per address per minute): the bursts would lock other modules' logins out of a shared stack (every local
request comes from 127.0.0.1). The tests run in file order; the address burst is last.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import urllib3

from tests.e2e.conftest import require_app
from tools.devstack import LocalStack, StackUrls
from tools.nips import fresh_nip

PASSWORD = "Sawah-Hijau-Pagi-2026"
DEVICE = "attack-phone-0001"
UNIT, OTHER_UNIT = "UJI-SERANG", "UJI-LAIN"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: Any

    @property
    def code(self) -> str | None:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return error.get("code") if isinstance(error, dict) else None


class Http:
    """Raw HTTP to the stack: any method, any headers, any bytes; many connections for bursts."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pool = urllib3.PoolManager(maxsize=32, retries=False, timeout=urllib3.Timeout(total=60))

    def send(
        self, method: str, path: str, body: Any = None, *, token: str | None = None, raw: bytes | None = None, **h: str
    ) -> Answer:
        headers = {"Content-Type": "application/json", **h}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        resp = self.pool.request(method, self.base + path, body=data, headers=headers)
        try:
            decoded = json.loads(resp.data) if resp.data else None
        except ValueError:
            decoded = None
        return Answer(resp.status, dict(resp.headers), decoded)

    def burst(self, requests: list[tuple[str, str, Any]]) -> list[Answer]:
        with ThreadPoolExecutor(max_workers=16) as pool:
            return list(pool.map(lambda r: self.send(*r), requests))


@pytest.fixture(scope="module")
def stack() -> Iterator[StackUrls]:
    """The per-account limits as in production; the per-address limit out of the way of the account bursts
    (every local request comes from one address: it has its own stack and test, last)."""
    require_app()
    with LocalStack.for_tests(simpeg_size=5, extra_env={"SMART_LOGIN_ADDRESS_MAX_FAILURES": "1000"}) as urls:
        yield urls


@pytest.fixture(scope="module")
def http(stack: StackUrls) -> Http:
    return Http(stack.api)


@pytest.fixture(scope="module")
def root(http: Http, stack: StackUrls) -> str:
    """The super admin's token, once the attack units exist (an employee in each)."""
    return super_admin(http, stack, seed_units=True)


def super_admin(http: Http, stack: StackUrls, *, seed_units: bool = False) -> str:
    credentials = {"username": stack.admin_username, "password": stack.admin_password}
    answer = http.send("POST", "/v1/auth/admin/login", credentials)
    assert answer.status == 200, answer.body
    token = str(answer.body["token"])
    for unit, nip in ((UNIT, "198001012005011001"), (OTHER_UNIT, "198001012005012002")) if seed_units else ():
        row = {"nip": nip, "nama": "Pegawai Tetap", "unor_id": unit, "unor_nama": f"Unit {unit}", "status": "aktif"}
        assert http.send("POST", "/v1/admin/simpeg/import", {"employees": [row]}, token=token).status == 200
    return token


def new_employee(http: Http, root: str) -> tuple[str, str]:
    """A new employee (SIMPEG import) of the attack unit and their activation code."""
    nip = fresh_nip()
    row = {"nip": nip, "nama": "Pegawai Uji", "unor_id": UNIT, "unor_nama": f"Unit {UNIT}", "status": "aktif"}
    imported = http.send("POST", "/v1/admin/simpeg/import", {"employees": [row]}, token=root)
    assert imported.status == 200 and not imported.body["errors"], imported.body
    code = http.send("POST", f"/v1/admin/employees/{nip}/activation", token=root)
    assert code.status == 201, code.body
    return nip, str(code.body["activation_code"])


def activated(http: Http, root: str) -> tuple[str, str]:
    """A new employee with an activated phone: NIP and the activation's token."""
    nip, code = new_employee(http, root)
    body = {"nip": nip, "activation_code": code, "password": PASSWORD, "device_id": DEVICE + nip[-3:]}
    answer = http.send("POST", "/v1/auth/activate", body)
    assert answer.status == 200, answer.body
    return nip, str(answer.body["token"])


def employee_login(http: Http, nip: str, password: str) -> Answer:
    return http.send("POST", "/v1/auth/login", {"nip": nip, "password": password, "device_id": DEVICE + nip[-3:]})


def fill_the_slots(wrong: Callable[[], Answer], evaluated: int) -> int:
    """Send wrong secrets one by one until the account is locked; how many were evaluated in all."""
    while (answer := wrong()).code == "INVALID_CREDENTIALS":
        evaluated += 1
        assert evaluated <= 5
    assert answer.code == "RATE_LIMITED", answer.body
    return evaluated


DEEP = b'{"nip":' + b"[" * 40 + b"]" * 40 + b"}"
HOSTILE = [
    ("GET", "/v1/admin/recaps/daily?date=9999-12-31", None, 400, "VALIDATION_ERROR"),
    ("GET", "/v1/admin/recaps/daily?date=0001-01-01", None, 400, "VALIDATION_ERROR"),
    ("GET", "/v1/admin/simpeg/runs?next=bm90LWEtY3Vyc29y", None, 400, "VALIDATION_ERROR"),
    ("POST", "/v1/auth/login", b'{"nip":"\\ud800","password":"x","device_id":"abcdefgh"}', 400, "VALIDATION_ERROR"),
    ("POST", "/v1/auth/login", DEEP, 400, "VALIDATION_ERROR"),
    ("GET", "/v1/tidak-ada", None, 404, "NOT_FOUND"),
    # deeper than any route: the local gateway's own refusal, as API Gateway's, is a 404 in the error shape
    ("GET", "/v1/admin/employees/198501012010011001/faces/t-1/x/y/z", None, 404, "NOT_FOUND"),
    ("POST", "/v1/a/b/c/d/e/f/g/h/i", b"{}", 404, "NOT_FOUND"),
    ("TRACE", "/v1/health", None, 405, "METHOD_NOT_ALLOWED"),
    ("DELETE", "/v1/health", None, 405, "METHOD_NOT_ALLOWED"),
    ("GET", "/v1/health?x=" + "a" * 5000, None, 414, "URI_TOO_LONG"),
]


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: f"{case[0]} {case[1][:40]}")
def test_hostile_input_answers_its_4xx_in_the_error_shape(
    http: Http, root: str, case: tuple[str, str, bytes | None, int, str]
) -> None:
    method, path, raw, status, code = case
    answer = http.send(method, path, token=root, raw=raw)
    assert (answer.status, answer.code) == (status, code), answer.body
    assert isinstance(answer.body["error"]["message"], str) and answer.body["error"]["message"]


def test_oversized_and_too_many_headers_answer_431_in_the_error_shape(http: Http) -> None:
    big = http.send("GET", "/v1/health", **{"X-Besar": "b" * 20_000})
    many = http.send("GET", "/v1/health", **{f"X-Banyak-{i}": "b" * 10 for i in range(150)})
    for answer in (big, many):
        assert (answer.status, answer.code) == (431, "HEADERS_TOO_LARGE"), answer.body


def test_an_admins_tokens_end_at_once_when_a_super_admin_changes_the_account(http: Http, root: str) -> None:
    # GIVEN a unit admin signed in on two computers
    name = f"ops-{secrets.token_hex(3)}"
    body = {"username": name, "password": PASSWORD, "role": "unit_admin", "unit_ids": [UNIT]}
    assert http.send("POST", "/v1/admin/users", body, token=root).status == 201
    desks = [http.send("POST", "/v1/auth/admin/login", {"username": name, "password": PASSWORD}) for _ in range(2)]
    tokens = [str(d.body["token"]) for d in desks]
    assert all(http.send("GET", "/v1/admin/units", token=t).status == 200 for t in tokens)
    # WHEN one logs out, THEN that token ends and the other goes on
    assert http.send("POST", "/v1/auth/logout", token=tokens[0]).status == 204
    assert http.send("GET", "/v1/admin/units", token=tokens[0]).code == "UNAUTHENTICATED"
    assert http.send("GET", "/v1/admin/units", token=tokens[1]).status == 200
    # WHEN the super admin moves the admin to another unit, THEN the token issued for the old scope ends at once
    assert http.send("PATCH", f"/v1/admin/users/{name}", {"unit_ids": [OTHER_UNIT]}, token=root).status == 200
    assert http.send("GET", "/v1/admin/units", token=tokens[1]).code == "UNAUTHENTICATED"


def test_an_employees_sessions_end_as_api_md_says(http: Http, root: str) -> None:
    # GIVEN an employee with two sessions on the bound phone
    nip, first = activated(http, root)
    second = str(employee_login(http, nip, PASSWORD).body["token"])
    # WHEN the password is changed from the first, THEN the second ends at once and the first goes on
    change = {"current_password": PASSWORD, "new_password": "Kopi-Susu-Sore-2026"}
    assert http.send("POST", "/v1/me/password", change, token=first).status == 200
    assert http.send("GET", "/v1/me", token=second).code == "UNAUTHENTICATED"
    assert http.send("GET", "/v1/me", token=first).status == 200
    # WHEN SIMPEG says the employee left (a deactivation, confirmed), THEN even the surviving token is refused
    row = {"nip": nip, "nama": "Pegawai Uji", "unor_id": UNIT, "unor_nama": f"Unit {UNIT}", "status": "pensiun"}
    retired = http.send("POST", "/v1/admin/simpeg/import", {"employees": [row], "confirm_deactivations": 1}, token=root)
    assert retired.status == 200 and retired.body["deactivated"] == 1, retired.body
    gone = http.send("GET", "/v1/me", token=first)
    assert (gone.status, gone.code) == (403, "ACCOUNT_INACTIVE")


def test_the_simpeg_import_guard_refuses_and_changes_nothing(http: Http, root: str) -> None:
    def employee_count() -> int:
        units = http.send("GET", "/v1/admin/units", token=root).body["items"]
        return sum(int(u["employee_count"]) for u in units)

    before = employee_count()
    assert before > 0
    # A full import without one valid row would deactivate everybody: refused
    bad = {"employees": [{"nip": "123", "nama": "X", "unor_id": UNIT, "unor_nama": "Unit Uji"}], "full": True}
    refused = http.send("POST", "/v1/admin/simpeg/import", {**bad, "confirm_deactivations": before}, token=root)
    assert (refused.status, refused.code) == (400, "VALIDATION_ERROR"), refused.body
    # A full import keeping one employee, confirmed with a number that is not what it would deactivate:
    # 409 naming the right number, and nothing changes
    row = {"nip": "198001012005011001", "nama": "Pegawai Tetap", "unor_id": UNIT, "unor_nama": f"Unit {UNIT}"}
    full = {"employees": [{**row, "status": "aktif"}], "full": True, "confirm_deactivations": 999}
    wrong = http.send("POST", "/v1/admin/simpeg/import", full, token=root)
    assert (wrong.status, wrong.code) == (409, "CONFLICT"), wrong.body
    assert 1 <= wrong.body["error"]["details"]["deactivated"] < before
    assert employee_count() == before


def test_sixty_parallel_passwords_evaluate_at_most_five_then_the_right_one_is_refused(http: Http, root: str) -> None:
    nip, _ = activated(http, root)
    body = {"nip": nip, "password": "salah-sekali-ya", "device_id": DEVICE + nip[-3:]}
    answers = http.burst([("POST", "/v1/auth/login", body)] * 60)
    codes = Counter(a.code for a in answers)
    # at most 5 evaluated (a claim that loses a race is refused, so a burst may evaluate fewer); the slots
    # left, if any, are taken one by one: never more than 5 in all
    assert set(codes) == {"INVALID_CREDENTIALS", "RATE_LIMITED"} and codes["INVALID_CREDENTIALS"] <= 5, codes
    assert fill_the_slots(lambda: employee_login(http, nip, "salah-sekali-ya"), codes["INVALID_CREDENTIALS"]) == 5
    assert all(int(a.headers["Retry-After"]) > 0 for a in answers if a.code == "RATE_LIMITED")
    right = employee_login(http, nip, PASSWORD)
    assert (right.status, right.code) == (429, "RATE_LIMITED") and "token" not in json.dumps(right.body)
    # AND a super admin can lift the lock at once
    assert http.send("POST", f"/v1/admin/employees/{nip}/unlock", token=root).status == 200
    assert employee_login(http, nip, PASSWORD).status == 200


def test_eighty_parallel_activation_guesses_evaluate_at_most_five(http: Http, root: str) -> None:
    nip, code = new_employee(http, root)
    guesses = [
        (
            "POST",
            "/v1/auth/activate",
            {"nip": nip, "activation_code": f"{i:06d}", "password": PASSWORD, "device_id": DEVICE},
        )
        for i in range(80)
    ]
    codes = Counter(a.code for a in http.burst(guesses))
    assert set(codes) == {"INVALID_CREDENTIALS", "RATE_LIMITED"} and codes["INVALID_CREDENTIALS"] <= 5, codes
    assert (
        fill_the_slots(lambda: http.send("POST", "/v1/auth/activate", guesses[0][2]), codes["INVALID_CREDENTIALS"]) == 5
    )
    # the real code is refused while the account is locked
    right = {"nip": nip, "activation_code": code, "password": PASSWORD, "device_id": DEVICE}
    assert http.send("POST", "/v1/auth/activate", right).code == "RATE_LIMITED"


def test_one_address_guessing_across_many_accounts_is_stopped() -> None:
    # GIVEN a stack whose address limit is 6 failed logins a minute (production: 30, the same mechanism; a
    # small limit keeps the burst far inside the minute even on a busy machine, where 45 key derivations could
    # spread past it and free slots; a minute is the last 60 s, not a clock minute: decision 96)
    with LocalStack.for_tests(simpeg_size=5, extra_env={"SMART_LOGIN_ADDRESS_MAX_FAILURES": "6"}) as urls:
        http = Http(urls.api)
        # WHEN one address sends 15 wrong logins at once for 15 different (unknown) NIPs: no account is near
        # its own limit, but the address passes its limit
        guesses = [
            {"nip": f"19990101202001{i:04d}", "password": "tebak-tebakan", "device_id": DEVICE} for i in range(15)
        ]
        answers = http.burst([("POST", "/v1/auth/login", guess) for guess in guesses])
        # THEN 6 are evaluated and the rest refused with Retry-After, the right password of an admin included
        assert Counter(a.code for a in answers) == {"INVALID_CREDENTIALS": 6, "RATE_LIMITED": 9}
        assert all(int(a.headers["Retry-After"]) > 0 for a in answers if a.code == "RATE_LIMITED")
        credentials = {"username": urls.admin_username, "password": urls.admin_password}
        assert http.send("POST", "/v1/auth/admin/login", credentials).code == "RATE_LIMITED"
