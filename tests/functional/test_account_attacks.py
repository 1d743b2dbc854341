"""Attacks on accounts and sessions through the real app with moto (API.md "Accounts and sessions"): parallel
password and activation-code guessing, a burst from one address, sessions that must end at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.domain.people import Employee
from chalicelib.settings import load_settings
from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import ADMIN_PASSWORD, Api
from tests.functional.test_auth import DEVICE, NIP, activate, seed
from tests.functional.test_zones import audit_throttled
from tests.unit.auth.kdf_runs import CodeChecks, KdfRuns, count_code_checks, count_kdf_runs

PASSWORD = "rahasia-123"  # the employee's (test_auth.activate)
THIEF = "android-finder-0001"  # a phone of whoever found a lost activation card


@pytest.fixture
def kdf(monkeypatch: pytest.MonkeyPatch) -> KdfRuns:
    return count_kdf_runs(monkeypatch)


@pytest.fixture
def limits(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[Api]:
    """The production limit of 5 per account, and the address limit out of the way (every request of the test
    client comes from 127.0.0.1)."""
    monkeypatch.setenv("SMART_LOGIN_MAX_FAILURES", "5")
    monkeypatch.setenv("SMART_LOGIN_ADDRESS_MAX_FAILURES", "10000")
    load_settings.cache_clear()
    yield api
    load_settings.cache_clear()


def login(api: Api, password: str, nip: str = NIP) -> Any:
    return api.call("POST", "/v1/auth/login", {"nip": nip, "password": password, "device_id": DEVICE})


def codes(answers: list[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for answer in answers:
        code = "ok" if answer.status == 200 else answer.body["error"]["code"]
        found[code] = found.get(code, 0) + 1
    return found


def test_sixty_parallel_passwords_evaluate_five_and_the_right_one_gets_no_token(limits: Api, kdf: KdfRuns) -> None:
    api = limits
    # GIVEN an activated employee
    seed()
    activate(api, api.admin_token())
    kdf.take()
    # WHEN 60 wrong passwords race, and the right one is sent while they are still arriving
    barrier = threading.Barrier(60)

    def guess(i: int) -> Any:
        barrier.wait()
        return login(api, f"tebakan-{i:02d}-x")

    with ThreadPoolExecutor(max_workers=61) as pool:
        wrong = [pool.submit(guess, i) for i in range(60)]
        while sum(f.done() for f in wrong) < 10:  # the five slots are taken before ten answers are out
            time.sleep(0.005)
        right = pool.submit(login, api, PASSWORD)
        answers = [f.result() for f in wrong]
        correct = right.result()
    # THEN exactly five were evaluated, the rest refused with Retry-After, and the right password got no token
    assert codes(answers) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 55}
    assert len(kdf.take()) == 5
    assert correct.status == 429 and "token" not in correct.body
    assert correct.body["error"]["code"] == "RATE_LIMITED" and 0 < int(correct.headers["Retry-After"]) <= 900


@pytest.fixture
def code_checks(monkeypatch: pytest.MonkeyPatch) -> CodeChecks:
    return count_code_checks(monkeypatch)


def test_eighty_parallel_activation_guesses_evaluate_five(limits: Api, code_checks: CodeChecks) -> None:
    api = limits
    # GIVEN an employee with an activation code
    seed()
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=api.admin_token())
    assert code.status == 201
    real = code.body["activation_code"]
    code_checks.take()

    def guess(i: int) -> Any:
        body = {"nip": NIP, "activation_code": f"{i:08d}", "password": PASSWORD, "device_id": DEVICE}
        return api.call("POST", "/v1/auth/activate", body)

    # WHEN 80 codes race (none of them the real one)
    with ThreadPoolExecutor(max_workers=40) as pool:
        answers = list(pool.map(guess, [i for i in range(81) if f"{i:08d}" != real][:80]))
    # THEN five were evaluated, and the real code is refused during the lock
    assert codes(answers) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 75}
    assert code_checks.take() == 5  # one keyed MAC per evaluated code (decision 84)
    body = {"nip": NIP, "activation_code": real, "password": PASSWORD, "device_id": DEVICE}
    assert api.call("POST", "/v1/auth/activate", body).status == 429
    # WHEN a super admin unlocks the employee, THEN the real code works at once
    unlocked = api.call("POST", f"/v1/admin/employees/{NIP}/unlock", token=api.admin_token())
    assert unlocked.status == 200 and unlocked.body == {"account": NIP, "locked": False}
    assert api.call("POST", "/v1/auth/activate", body).status == 200


def test_one_address_bursting_failed_logins_is_refused_beyond_its_limit(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an activated employee, and a limit of 5 failed logins per address a minute (30 in production: the
    # unit tests count those; fewer KDF runs keep this burst within one minute on a loaded machine)
    seed()
    activate(api, api.admin_token())
    monkeypatch.setenv("SMART_LOGIN_ADDRESS_MAX_FAILURES", "5")
    load_settings.cache_clear()
    if time.time() % 60 > 30:
        time.sleep(60.5 - time.time() % 60)
    # WHEN one address sends 12 failed logins at once for 12 different NIPs (none locked by its own count)
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda i: login(api, "salah-sekali", f"1999123120201210{i:02d}"), range(12)))
    # THEN 5 are evaluated and 7 refused; the same address is refused for its right password too
    assert codes(answers) == {"INVALID_CREDENTIALS": 5, "RATE_LIMITED": 7}
    refused = login(api, PASSWORD)
    assert refused.status == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    # AND another address is not held back by it
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "10.1.2.3")
    assert login(api, PASSWORD).status == 200


def test_unlocking_is_for_super_admins_and_known_accounts(api: Api) -> None:
    seed()
    admin = api.admin_token()
    unit_admin = api.unit_admin_token(admin, "U1")
    assert api.call("POST", f"/v1/admin/employees/{NIP}/unlock", token=unit_admin).status == 403
    assert api.call("POST", "/v1/admin/employees/199912312020121009/unlock", token=admin).status == 404
    assert api.call("POST", "/v1/admin/users/ghost/unlock", token=admin).status == 404
    unlocked = api.call("POST", "/v1/admin/users/ops-u1/unlock", token=admin)
    assert unlocked.status == 200 and unlocked.body == {"account": "ops-u1", "locked": False}


def test_logout_ends_that_token_alone_at_once(api: Api) -> None:
    # GIVEN two sessions of the employee on the bound phone
    seed()
    token = activate(api, api.admin_token())
    other = login(api, PASSWORD).body["token"]
    assert api.call("GET", "/v1/me", token=token).status == 200
    # WHEN one logs out, THEN that token stops at once, and the other session goes on
    out = api.call("POST", "/v1/auth/logout", token=token)
    assert out.status == 204 and out.body == ""
    after = api.call("GET", "/v1/me", token=token)
    assert after.status == 401 and after.body["error"]["code"] == "UNAUTHENTICATED"
    challenge = api.call("POST", "/v1/attendance/challenge", token=token)  # every endpoint, the challenge too
    assert challenge.status == 401 and challenge.body["error"]["code"] == "UNAUTHENTICATED"
    assert api.call("POST", "/v1/attendance/challenge", token=other).status == 201
    assert api.call("POST", "/v1/auth/logout", token=token).status == 401
    assert api.call("GET", "/v1/me", token=other).status == 200
    # AND an admin signed in twice logs out of one computer only
    admin, second_desk = api.admin_token(), api.admin_token()
    assert api.call("POST", "/v1/auth/logout", token=admin).status == 204
    assert api.call("GET", "/v1/admin/units", token=admin).status == 401
    assert api.call("GET", "/v1/admin/units", token=second_desk).status == 200


def test_an_admin_s_password_change_whose_audit_entry_is_throttled_changes_nothing_until_its_retry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the super admin logged in, changing their password while DynamoDB throttles the audit entry (503)
    token = api.admin_token()
    body = {"current_password": ADMIN_PASSWORD, "new_password": "kopi-susu-sore"}
    with audit_throttled(monkeypatch):
        assert api.call("POST", "/v1/me/password", body, token=token).status == 503
    # THEN the old password still logs in: nothing was changed unnamed
    api.admin_token()
    # WHEN the change is sent again, THEN it is made and named once, without the password
    assert api.call("POST", "/v1/me/password", body, token=token).status == 200
    api.admin_token(password="kopi-susu-sore")
    named = api.call("GET", "/v1/admin/audit?action=admin_user.password", token=token).body["items"]
    assert [(i["target"], i["details"]) for i in named] == [("admin", {"password": "changed"})]


def test_a_phone_reset_and_an_admin_creation_whose_audit_entries_are_throttled_happen_only_when_named(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an employee signed in on the bound phone, WHEN the super admin resets the phone and creates a unit
    # admin while DynamoDB throttles their audit entries (503)
    seed()
    admin, phone = api.admin_token(), activate(api, api.admin_token())
    reset = f"/v1/admin/employees/{NIP}/reset-device"
    body = {"username": "operator.u1", "password": "kuat-sekali-1", "role": "unit_admin", "unit_ids": ["U1"]}
    with audit_throttled(monkeypatch):
        assert api.call("POST", reset, {}, token=admin).status == 503
        assert api.call("POST", "/v1/admin/users", body, token=admin).status == 503
    # THEN neither happened unnamed: the phone is still signed in, and no admin holds the name
    assert api.call("GET", "/v1/me", token=phone).status == 200
    assert "operator.u1" not in [u["username"] for u in api.call("GET", "/v1/admin/users", token=admin).body["items"]]
    # WHEN both are sent again, THEN they happen, each named once
    assert api.call("POST", reset, {}, token=admin).status == 200
    assert api.call("POST", "/v1/admin/users", body, token=admin).status == 201
    assert api.call("GET", "/v1/me", token=phone).status == 401
    for action, target in (("employee.reset_device", NIP), ("admin_user.create", "operator.u1")):
        named = api.call("GET", f"/v1/admin/audit?action={action}", token=admin).body["items"]
        assert [i["target"] for i in named] == [target], action


def test_a_code_and_an_activation_whose_audit_entries_are_throttled_happen_only_when_named(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a new employee's activation code (a second one asked while DynamoDB throttles its entry is not issued)
    seed()
    admin = api.admin_token()
    issue = f"/v1/admin/employees/{NIP}/activation"
    code = api.call("POST", issue, token=admin).body["activation_code"]
    body = {"nip": NIP, "activation_code": code, "password": PASSWORD, "device_id": DEVICE}
    with audit_throttled(monkeypatch):
        assert api.call("POST", issue, token=admin).status == 503
        # WHEN the phone activates while DynamoDB throttles the audit entry
        assert api.call("POST", "/v1/auth/activate", body).status == 503
    # THEN no phone checks in as them unnamed: the password is not set, the code is not spent
    assert login(api, PASSWORD).status == 401
    # WHEN the app sends it again, THEN the phone is bound, and the binding named once
    assert api.call("POST", "/v1/auth/activate", body).status == 200
    assert login(api, PASSWORD).status == 200
    named = api.call("GET", "/v1/admin/audit?action=employee.device_bind", token=admin).body["items"]
    assert [(i["target"], i["details"]["by"]) for i in named] == [(NIP, "activation")]
    issued = api.call("GET", "/v1/admin/audit?action=employee.activation_code", token=admin).body["items"]
    assert [i["target"] for i in issued] == [NIP]  # the code used; none for the one refused


def test_an_unlock_whose_audit_entry_is_throttled_frees_the_account_only_when_named(
    limits: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an employee locked by five wrong passwords
    seed()
    admin = limits.admin_token()
    activate(limits, admin)
    assert codes([login(limits, f"tebakan-{i}-salah") for i in range(6)]) == {
        "INVALID_CREDENTIALS": 5,
        "RATE_LIMITED": 1,
    }
    # WHEN the super admin unlocks them while DynamoDB throttles the audit entry (503)
    unlock = f"/v1/admin/employees/{NIP}/unlock"
    with audit_throttled(monkeypatch):
        assert limits.call("POST", unlock, token=admin).status == 503
    # THEN the account is still locked; WHEN sent again, THEN it is free, and the unlock named once
    assert login(limits, PASSWORD).status == 429
    assert limits.call("POST", unlock, token=admin).status == 200
    assert login(limits, PASSWORD).status == 200
    named = limits.call("GET", "/v1/admin/audit?action=employee.unlock", token=admin).body["items"]
    assert [i["target"] for i in named] == [NIP]


def test_a_password_change_ends_every_other_token(api: Api) -> None:
    # GIVEN two tokens of the employee on the bound phone
    seed()
    first = activate(api, api.admin_token())
    second = login(api, PASSWORD).body["token"]
    # WHEN the new password is weak, THEN 400 WEAK_PASSWORD in Indonesian and nothing changes
    weak = api.call(
        "POST", "/v1/me/password", {"current_password": PASSWORD, "new_password": "rahasia123"}, token=first
    )
    assert weak.status == 400 and weak.body["error"]["code"] == "WEAK_PASSWORD"
    assert weak.body["error"]["details"] == {"new_password": "common"}
    assert "Kata sandi" in weak.body["error"]["message"]
    # WHEN the current password is wrong, THEN 401
    body = {"current_password": "salah-sekali", "new_password": "kopi-susu-sore"}
    assert api.call("POST", "/v1/me/password", body, token=first).status == 401
    # WHEN it is changed
    body = {"current_password": PASSWORD, "new_password": "kopi-susu-sore"}
    changed = api.call("POST", "/v1/me/password", body, token=first)
    assert changed.status == 200, changed.body
    # THEN the other token stops at once, the caller's goes on (so does the answered one), and only the new
    # password logs in
    assert api.call("GET", "/v1/me", token=second).status == 401
    assert api.call("GET", "/v1/me", token=first).status == 200
    assert api.call("GET", "/v1/me", token=changed.body["token"]).status == 200
    assert login(api, PASSWORD).status == 401
    newest = login(api, "kopi-susu-sore").body["token"]
    # AND a second change from the newest session ends the first caller's session in turn
    body = {"current_password": "kopi-susu-sore", "new_password": "teh-manis-siang"}
    assert api.call("POST", "/v1/me/password", body, token=newest).status == 200
    assert api.call("GET", "/v1/me", token=first).status == 401
    assert api.call("GET", "/v1/me", token=newest).status == 200
    # AND a device reset ends the kept session too
    reset = api.call("POST", f"/v1/admin/employees/{NIP}/reset-device", {}, token=api.admin_token())
    assert reset.status == 200, reset.body
    assert api.call("GET", "/v1/me", token=newest).status == 401


def test_weak_passwords_are_refused_at_activation_and_admin_creation(api: Api) -> None:
    seed()
    admin = api.admin_token()
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin).body["activation_code"]
    for weak, reason in (("pendek", "too_short"), (f"aku{NIP}", "contains_identity"), ("sayang12345", "common")):
        body = {"nip": NIP, "activation_code": code, "password": weak, "device_id": DEVICE}
        answer = api.call("POST", "/v1/auth/activate", body)
        assert answer.status == 400 and answer.body["error"] == {
            "code": "WEAK_PASSWORD",
            "message": answer.body["error"]["message"],
            "details": {"password": reason},
        }
    user = {"username": "operator", "password": "operator-kantor", "role": "super_admin"}
    answer = api.call("POST", "/v1/admin/users", user, token=admin)
    assert answer.status == 400 and answer.body["error"]["details"] == {"password": "contains_identity"}


def test_a_deactivated_employees_token_is_refused_at_once(api: Api) -> None:
    seed()
    token = activate(api, api.admin_token())
    assert api.call("GET", "/v1/me", token=token).status == 200
    # WHEN SIMPEG (or an admin) deactivates the employee
    DynamoPeopleRepository().put_employee(Employee(nip=NIP, nama="Asep Saepudin", unor_id="U1", active=False))
    # THEN the token is refused on every endpoint it could use
    for method, path in (("GET", "/v1/me"), ("GET", "/v1/attendance/me"), ("POST", "/v1/me/password")):
        refused = api.call(method, path, {"current_password": PASSWORD, "new_password": "kopi-susu-sore"}, token=token)
        assert refused.status == 403 and refused.body["error"]["code"] == "ACCOUNT_INACTIVE", (path, refused.body)


def test_a_moved_employees_old_token_is_refused_at_once(api: Api) -> None:
    # GIVEN an employee of U1 signed in on their phone
    admin = api.admin_token()
    seed()
    token = activate(api, admin)
    assert api.call("GET", "/v1/me", token=token).status == 200
    # WHEN SIMPEG moves them to U2 (API.md: an employee whose units change)
    record = {"nip": NIP, "nama": "Asep Saepudin", "unor_id": "U2", "unor_nama": "SDN U2", "jabatan": "Guru"}
    moved = api.call("POST", "/v1/admin/simpeg/import", {"employees": [{**record, "status": "aktif"}]}, token=admin)
    assert moved.status == 200 and moved.body["moved"] == 1, moved.body
    # THEN the old token answers 401 at once, on every endpoint it could use
    for method, path in (("GET", "/v1/me"), ("POST", "/v1/attendance/challenge"), ("GET", "/v1/me/requests")):
        refused = api.call(method, path, token=token)
        assert refused.status == 401 and refused.body["error"]["code"] == "UNAUTHENTICATED", (path, refused.body)
    # AND signing in again on the bound phone gives a session of the new unit
    again = login(api, PASSWORD)
    assert again.status == 200, again.body
    me = api.call("GET", "/v1/me", token=again.body["token"])
    assert me.status == 200 and me.body["unit"]["unor_id"] == "U2", me.body


def _simpeg(api: Api, admin: str, unor_id: str, status: str = "aktif") -> dict[str, Any]:
    """A SIMPEG import of the employee alone, in `unor_id` with `status`; its counts."""
    record = {"nip": NIP, "nama": "Asep Saepudin", "unor_id": unor_id, "unor_nama": f"SDN {unor_id}", "status": status}
    body: dict[str, Any] = {"employees": [{**record, "jabatan": "Guru"}]}
    if status != "aktif":
        body["confirm_deactivations"] = 1  # exactly the deactivations it makes (decision 53)
    imported = api.call("POST", "/v1/admin/simpeg/import", body, token=admin)
    assert imported.status == 200, imported.body
    counts: dict[str, Any] = imported.body
    return counts


def test_a_token_of_before_a_move_does_not_work_again_once_moved_back(api: Api) -> None:
    # GIVEN an employee of U1 signed in on their phone
    admin = api.admin_token()
    seed()
    token = activate(api, admin)
    assert api.call("GET", "/v1/me", token=token).status == 200
    # WHEN SIMPEG moves them to U2, and back to U1 (a move taken back, or a secondment that ended)
    assert _simpeg(api, admin, "U2")["moved"] == 1
    assert _simpeg(api, admin, "U1")["moved"] == 1
    # THEN the token issued before the first move still answers 401
    refused = api.call("GET", "/v1/me", token=token)
    assert refused.status == 401 and refused.body["error"]["code"] == "UNAUTHENTICATED", refused.body
    # AND the bound phone signs in again
    assert login(api, PASSWORD).status == 200


def test_a_token_of_before_a_deactivation_does_not_work_again_once_reactivated(api: Api) -> None:
    # GIVEN an employee signed in on their phone
    admin = api.admin_token()
    seed()
    token = activate(api, admin)
    # WHEN SIMPEG deactivates them, THEN the token answers 403 ACCOUNT_INACTIVE meanwhile
    assert _simpeg(api, admin, "U1", "pensiun")["deactivated"] == 1
    inactive = api.call("GET", "/v1/me", token=token)
    assert inactive.status == 403 and inactive.body["error"]["code"] == "ACCOUNT_INACTIVE", inactive.body
    # WHEN SIMPEG reactivates them (a deactivation taken back)
    _simpeg(api, admin, "U1")
    # THEN the old token answers 401 on every endpoint it could use, and the bound phone signs in again
    for method, path in (("GET", "/v1/me"), ("POST", "/v1/attendance/challenge")):
        refused = api.call(method, path, token=token)
        assert refused.status == 401 and refused.body["error"]["code"] == "UNAUTHENTICATED", (path, refused.body)
    again = login(api, PASSWORD)
    assert again.status == 200, again.body
    assert api.call("GET", "/v1/me", token=again.body["token"]).status == 200


def test_a_password_is_compared_exactly_as_it_was_set(api: Api) -> None:
    # GIVEN a password set with spaces around it (a phone keyboard's trailing space)
    seed()
    token = activate(api, api.admin_token())
    spaced = "  kopi susu sore di teras "
    body = {"current_password": PASSWORD, "new_password": spaced}
    assert api.call("POST", "/v1/me/password", body, token=token).status == 200
    # THEN it logs in exactly as set, and not trimmed
    assert login(api, spaced).status == 200
    assert login(api, spaced.strip()).status == 401
    # AND it proves the current password exactly as set too
    again = {"current_password": spaced, "new_password": "teh manis di dapur"}
    assert api.call("POST", "/v1/me/password", again, token=token).status == 200


# --- a code outlives its issuer's authority ------------------------------------------------------------------


def _issued_by_u1_admin(api: Api, admin: str) -> tuple[str, dict[str, str]]:
    """GIVEN U1's admin `ops-u1` who issues a code to the not-yet-activated employee of U1: their token, and the
    activation body of whoever holds the printed code (another phone: the issuer's own)."""
    seed()
    unit_admin = api.unit_admin_token(admin, "U1")
    code = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=unit_admin)
    assert code.status == 201, code.body
    body = {"nip": NIP, "activation_code": code.body["activation_code"], "password": PASSWORD, "device_id": DEVICE}
    return unit_admin, body


def _refused_as_a_wrong_code(api: Api, body: dict[str, str]) -> None:
    """The code is answered as an invalid or expired one (nothing said about its issuer) and opens nothing."""
    refused = api.call("POST", "/v1/auth/activate", body)
    assert refused.status == 401 and refused.body["error"]["code"] == "INVALID_CREDENTIALS", refused.body
    assert "minta kode baru ke admin unit" in refused.body["error"]["message"]
    account = DynamoPeopleRepository().employee_account(NIP)
    assert account is not None and account.holder.device_id is None and account.credentials.password_hash is None


def test_a_code_of_an_admin_deactivated_since_activates_nothing(api: Api) -> None:
    admin = api.admin_token()
    _, body = _issued_by_u1_admin(api, admin)
    # WHEN a super admin deactivates ops-u1, who keeps the printed code and uses it on their own phone
    assert api.call("PATCH", "/v1/admin/users/ops-u1", {"active": False}, token=admin).status == 200
    # THEN it is refused as a wrong code, and the account stays free for a code of an admin in office
    _refused_as_a_wrong_code(api, body)
    again = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin).body["activation_code"]
    assert api.call("POST", "/v1/auth/activate", body | {"activation_code": again}).status == 200


def test_a_code_issued_before_the_employee_moved_to_another_unit_activates_nothing(api: Api) -> None:
    admin = api.admin_token()
    _, body = _issued_by_u1_admin(api, admin)
    # WHEN SIMPEG moves the employee to U2 before the code is used (ops-u1 no longer sees them)
    assert _simpeg(api, admin, "U2")["moved"] == 1
    # THEN the code of U1's admin is refused as a wrong one
    _refused_as_a_wrong_code(api, body)
    # AND a super admin's code survives a move (every unit is theirs)
    again = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin).body["activation_code"]
    assert _simpeg(api, admin, "U1")["moved"] == 1
    assert api.call("POST", "/v1/auth/activate", body | {"activation_code": again}).status == 200


def test_a_code_of_an_admin_still_in_office_activates(api: Api) -> None:
    # GIVEN U1's admin's code, and a change of that admin that keeps U1 theirs
    admin = api.admin_token()
    _, body = _issued_by_u1_admin(api, admin)
    DynamoPeopleRepository().upsert_unit("U2", "Unit U2")
    assert api.call("PATCH", "/v1/admin/users/ops-u1", {"unit_ids": ["U1", "U2"]}, token=admin).status == 200
    # WHEN the employee uses it, THEN their phone is bound
    activated = api.call("POST", "/v1/auth/activate", body)
    assert activated.status == 200, activated.body
    assert api.call("GET", "/v1/me", token=activated.body["token"]).status == 200


def test_a_code_replaced_while_its_activation_runs_activates_nothing(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a code of the not-yet-activated employee, held by someone who found the lost card
    admin = api.admin_token()
    seed()
    old = api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin)
    assert old.status == 201, old.body
    found = {"nip": NIP, "activation_code": old.body["activation_code"], "password": PASSWORD, "device_id": THIEF}
    # AND the admin printing a new card while that holder's activation runs (checked, password hashed, not bound)
    new: dict[str, Any] = {}
    bind = DynamoPeopleRepository.bind_device

    def reissued_first(self: DynamoPeopleRepository, *args: Any, **kwargs: Any) -> None:
        if not new:
            new.update(api.call("POST", f"/v1/admin/employees/{NIP}/activation", token=admin).body)
        bind(self, *args, **kwargs)

    monkeypatch.setattr(DynamoPeopleRepository, "bind_device", reissued_first)
    # WHEN the old code's activation goes on
    stolen = api.call("POST", "/v1/auth/activate", found)
    # THEN it binds nothing and is answered as a wrong code (it bound the finder's phone, and spent the new card)
    assert stolen.status == 401 and stolen.body["error"]["code"] == "INVALID_CREDENTIALS", stolen.body
    # AND the new card activates the employee's own phone
    monkeypatch.setattr(DynamoPeopleRepository, "bind_device", bind)
    own = {"nip": NIP, "activation_code": new["activation_code"], "password": PASSWORD, "device_id": DEVICE}
    activated = api.call("POST", "/v1/auth/activate", own)
    assert activated.status == 200, activated.body
    account = DynamoPeopleRepository().employee_account(NIP)
    assert account is not None and account.holder.device_id == DEVICE
