"""Logins within their limits, on the in-memory twins: how many secrets are ever evaluated (counted as KDF runs),
what unknown accounts cost, password changes, logout and unlocking."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.auth import codes, passwords
from chalicelib.domain.people import (
    AdminUser,
    DeviceReset,
    Employee,
    PhoneBinding,
    Principal,
    address_scope,
    site_scope,
)
from chalicelib.errors import (
    AccountInactiveError,
    DeviceMismatchError,
    ForbiddenError,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    SmartError,
    UnauthenticatedError,
    WeakPasswordError,
)
from chalicelib.settings import Settings, build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import auth, onboarding
from chalicelib.usecases.schemas.core import (
    ActivateRequest,
    AdminLoginRequest,
    ChangePasswordRequest,
    EmployeeLoginRequest,
)
from tests.unit.auth.kdf_runs import KdfRuns, count_kdf_runs

from .admin_fixtures import AuditTrail, audited
from .test_request_failures import audit_store_fails

__all__ = ["audited"]  # the shared fixture this module uses

NIP = "198501012010011001"
UNKNOWN_NIP = "199912312020121009"
NEW_HIRE = "199002022015032002"  # known, never activated: no password yet
SEALED_HIRE = "199103032016042003"  # known, never activated, with a code issued as a keyed MAC
SEALED_CODE = "40718293"
PHONE = "android-0001-aaaa"
PASSWORD = "kopi-hitam-pagi"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SETTINGS: Settings = build_settings({})  # 5 failures per 15 minutes, 30 per address a minute
SUPER = Principal("root", "super_admin")


@pytest.fixture
def kdf(monkeypatch: pytest.MonkeyPatch) -> KdfRuns:
    return count_kdf_runs(monkeypatch)


@pytest.fixture
def people(repos: Repositories) -> Repositories:
    """An activated employee (password PASSWORD, phone PHONE), a new hire with a live activation code
    `12345678`, and the admin `budi` (password PASSWORD)."""
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    repos.people.bind_device(NIP, PhoneBinding(PHONE, passwords.hash_secret(PASSWORD)))
    repos.people.put_employee(Employee(NEW_HIRE, "Euis", "U1"))
    expires = int((NOW + timedelta(days=1)).timestamp())
    repos.people.set_activation(NEW_HIRE, passwords.hash_secret("12345678"), expires, "root")  # stored before the MACs
    repos.people.put_employee(Employee(SEALED_HIRE, "Dadang", "U1"))
    sealed = codes.seal(codes.code_key(SETTINGS.token_secret), SEALED_HIRE, expires, SEALED_CODE)
    repos.people.set_activation(SEALED_HIRE, sealed, expires, "root")
    repos.people.create_admin(AdminUser("budi", "unit_admin", frozenset({"U1"})), passwords.hash_secret(PASSWORD))
    repos.people.create_admin(AdminUser("root", "super_admin"), passwords.hash_secret(PASSWORD))
    return repos


def login(nip: str, password: str, at: datetime = NOW, source: str | None = "10.0.0.1", *, device: str = PHONE) -> str:
    request = EmployeeLoginRequest(nip=nip, password=password, device_id=device)
    return auth.employee_login(request, SETTINGS, at, source).token


def admin_login(username: str, password: str, at: datetime = NOW, source: str | None = "10.0.0.1") -> str:
    return auth.admin_login(AdminLoginRequest(username=username, password=password), SETTINGS, at, source).token.token


def activate(
    nip: str,
    code: str,
    password: str = "kopi-susu-sore",
    at: datetime = NOW,
    source: str = "10.0.0.1",
    *,
    device: str = "android-0002-bbbb",
) -> str:
    request = ActivateRequest(nip=nip, activation_code=code, password=password, device_id=device)
    return auth.activate(request, SETTINGS, at, source).token


def answer(attempt: Callable[[], object]) -> str:
    """The error code an attempt answers, or "ok"."""
    try:
        attempt()
    except SmartError as exc:
        return exc.code
    return "ok"


# --- lockout ---------------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(people: Repositories, kdf: KdfRuns) -> None:
    # WHEN five wrong passwords arrive (each from its own address), THEN each is evaluated and refused
    for i in range(5):
        assert answer(lambda i=i: login(NIP, f"salah-{i}-xyz", NOW + timedelta(seconds=i), f"10.0.1.{i}")) == (
            "INVALID_CREDENTIALS"
        )
    assert len(kdf.take()) == 5
    # WHEN the right one follows within the window, THEN it is refused unevaluated, told when to come back
    with pytest.raises(RateLimitedError) as raised:
        login(NIP, PASSWORD, NOW + timedelta(seconds=60))
    assert raised.value.retry_after_s == 900 - 60
    assert kdf.take() == []
    # WHEN the window of the first failure has passed, THEN the lock lifts by itself
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=900))


def test_a_success_does_not_count_and_failures_age_out(people: Repositories) -> None:
    # GIVEN four failures, then a success
    for _ in range(4):
        assert answer(lambda: login(NIP, "salah-sekali", NOW)) == "INVALID_CREDENTIALS"
    assert login(NIP, PASSWORD, NOW)
    # THEN one more failure is evaluated, and the sixth attempt within the window is refused
    assert answer(lambda: login(NIP, "salah-sekali", NOW)) == "INVALID_CREDENTIALS"
    assert answer(lambda: login(NIP, PASSWORD, NOW + timedelta(seconds=899))) == "RATE_LIMITED"


def test_sixty_parallel_guesses_evaluate_five(people: Repositories, kdf: KdfRuns) -> None:
    # WHEN 60 wrong passwords race from 60 addresses
    barrier = threading.Barrier(60)

    def guess(i: int) -> str:
        barrier.wait()
        return answer(lambda: login(NIP, f"tebakan-{i:02d}-x", NOW, f"10.0.2.{i}"))

    with ThreadPoolExecutor(max_workers=60) as pool:
        answers = list(pool.map(guess, range(60)))
    # THEN exactly five were evaluated and refused, the other 55 refused unevaluated
    assert sorted(set(answers)) == ["INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert answers.count("INVALID_CREDENTIALS") == 5 and answers.count("RATE_LIMITED") == 55
    assert len(kdf.take()) == 5
    # AND the right password is refused too
    assert answer(lambda: login(NIP, PASSWORD)) == "RATE_LIMITED"


def test_activation_codes_share_the_limit(people: Repositories, kdf: KdfRuns) -> None:
    # WHEN 80 activation codes are guessed in parallel
    with ThreadPoolExecutor(max_workers=40) as pool:
        guesses = pool.map(lambda i: answer(lambda: activate(NEW_HIRE, f"{i:08d}", source=f"10.0.3.{i}")), range(80))
        answers = list(guesses)
    # THEN five are evaluated, and the right code is refused afterwards
    assert answers.count("INVALID_CREDENTIALS") == 5 and answers.count("RATE_LIMITED") == 75
    assert len(kdf.take()) == 5
    assert answer(lambda: activate(NEW_HIRE, "12345678")) == "RATE_LIMITED"


def test_an_expired_code_costs_a_kdf_run_says_it_expired_and_is_not_counted(people: Repositories, kdf: KdfRuns) -> None:
    # GIVEN a teacher with a real card past its time (no guess: the code is right)
    late = NOW + timedelta(days=2)
    with pytest.raises(InvalidCredentialsError) as refused:
        activate(NEW_HIRE, "12345678", at=late)
    # THEN it is refused as before, for one KDF run (the timing tells nothing), saying the card expired and when
    assert len(kdf.take()) == 1
    assert "sudah kedaluwarsa" in str(refused.value.message) and refused.value.details["activation_code"] == "expired"
    # AND tried again and again (a hall of teachers with old cards), it never locks the account: a wrong code does
    for _ in range(6):
        assert answer(lambda: activate(NEW_HIRE, "12345678", at=late)) == "INVALID_CREDENTIALS"
    for _ in range(5):
        assert answer(lambda: activate(NEW_HIRE, "00000000", at=late)) == "INVALID_CREDENTIALS"
    assert answer(lambda: activate(NEW_HIRE, "00000000", at=late)) == "RATE_LIMITED"


def test_a_new_code_from_the_unit_admin_frees_an_account_wrong_codes_locked(people: Repositories) -> None:
    # GIVEN a teacher whose account five wrong codes locked (a card mistyped, or of a sheet printed again)
    for _ in range(5):
        assert answer(lambda: activate(NEW_HIRE, "00000000")) == "INVALID_CREDENTIALS"
    assert answer(lambda: activate(NEW_HIRE, "12345678")) == "RATE_LIMITED"
    # WHEN the unit admin beside them issues a new code, THEN it activates at once (no 15 minutes' wait)
    code, _ = onboarding.create_activation(Principal("budi", "unit_admin", frozenset({"U1"})), NEW_HIRE, SETTINGS, NOW)
    assert activate(NEW_HIRE, code, at=NOW + timedelta(seconds=30))


def test_attempts_on_a_locked_account_use_up_none_of_the_address_s_minute(people: Repositories) -> None:
    # GIVEN a teacher whose account five wrong codes locked, in a hall sharing one address
    for _ in range(5):
        assert answer(lambda: activate(NEW_HIRE, "00000000")) == "INVALID_CREDENTIALS"
    # WHEN they tap on thirty times more (refused, nothing evaluated)
    for _ in range(30):
        assert answer(lambda: activate(NEW_HIRE, "00000000")) == "RATE_LIMITED"
    # THEN a colleague beside them still signs in from the same address within the minute
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=5))


def test_a_weak_new_password_is_refused_before_the_code_is_tried(people: Repositories, kdf: KdfRuns) -> None:
    for weak in ("pendek", "bismillah123", f"{NEW_HIRE}x", "kopi-12345-x"):
        assert answer(lambda weak=weak: activate(NEW_HIRE, "12345678", weak)) == "WEAK_PASSWORD"
    assert kdf.take() == []
    assert activate(NEW_HIRE, "12345678")


def test_one_address_may_fail_thirty_times_a_minute(people: Repositories) -> None:
    # WHEN 30 logins of 30 unknown NIPs fail from one address within a minute
    for i in range(30):
        assert answer(lambda i=i: login(f"1999123120201210{i:02d}", "salah-sekali", NOW)) == "INVALID_CREDENTIALS"
    # THEN the address is refused for the rest of the minute, whoever it names, and others are not
    assert answer(lambda: login(NIP, PASSWORD, NOW + timedelta(seconds=10))) == "RATE_LIMITED"
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=10), "10.0.0.2")
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=60))


def test_an_ipv6_host_fails_thirty_times_a_minute_whichever_address_of_its_64_it_sends_from(
    people: Repositories,
) -> None:
    # WHEN one host fails 30 logins from 30 addresses of its /64 (a new interface id each request)
    for i in range(30):
        nip = f"1999123120201210{i:02d}"
        failed = answer(lambda i=i, nip=nip: login(nip, "salah-sekali", NOW, f"2001:db8:1:2::{i + 1:x}"))
        assert failed == "INVALID_CREDENTIALS"
    # THEN any address of that /64 is refused for the rest of the minute, and another /64, or IPv4, is not
    assert answer(lambda: login(NIP, PASSWORD, NOW + timedelta(seconds=10), "2001:db8:1:2:ffff::1")) == "RATE_LIMITED"
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=10), "2001:db8:1:3::1")
    assert login(NIP, PASSWORD, NOW + timedelta(seconds=10), "10.0.0.2")


# A limit of 3 failures per host a minute, so 30 per IPv6 /48 (ten hosts' worth): fewer KDF runs than 30 and 300.
FEW = replace(SETTINGS, login_address_max_failures=3)


def from_64(host: int, nip: str, password: str, at: datetime = NOW) -> str:
    """A login from the `host`-th /64 of the /48 2001:db8:7::/48."""
    request = EmployeeLoginRequest(nip=nip, password=password, device_id=PHONE)
    return auth.employee_login(request, FEW, at, f"2001:db8:7:{host:x}::1").token


def test_an_ipv6_site_fails_ten_hosts_worth_a_minute_however_many_of_its_64s_it_sends_from(
    people: Repositories,
) -> None:
    # GIVEN one holder of a /48 (a tunnel broker's; a home line's /56 lies in one too): 65,536 /64s, each a host
    # WHEN it fails 30 logins within a minute, each from a new /64 (every host far within its own limit of 3)
    for i in range(30):
        nip = f"1999123120{i:08d}"
        assert answer(lambda i=i, nip=nip: from_64(i, nip, "salah-sekali")) == "INVALID_CREDENTIALS", i
    # THEN the 31st /64 is refused before anything is evaluated, with the seconds until a slot frees
    with pytest.raises(RateLimitedError) as refused:
        from_64(30, NIP, PASSWORD, NOW + timedelta(seconds=10))
    assert refused.value.retry_after_s == 50
    # AND another /48, and IPv4, are still evaluated (the right password signs in)
    request = EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id=PHONE)
    assert auth.employee_login(request, FEW, NOW + timedelta(seconds=10), "2001:db8:8::1").token
    assert auth.employee_login(request, FEW, NOW + timedelta(seconds=10), "10.0.0.2").token
    # AND the /48 signs in again once the minute has passed
    assert from_64(0xFFFF, NIP, PASSWORD, NOW + timedelta(seconds=60))


def test_successful_logins_of_an_ipv6_site_never_count_against_it(people: Repositories) -> None:
    # WHEN 40 phones of one /48 (a carrier's, each phone with its /64) sign in within a minute, THEN each is let in
    for i in range(40):
        assert from_64(i, NIP, PASSWORD)
    # AND the /48 still has all of its 30 failures: the 31st, from an eleventh host, is the first refused
    for i in range(30):
        nip = f"1999123120{i:08d}"
        assert answer(lambda i=i, nip=nip: from_64(i // 3, nip, "salah-sekali")) == "INVALID_CREDENTIALS", i
    assert answer(lambda: from_64(10, NIP, PASSWORD)) == "RATE_LIMITED"


def test_an_ipv4_address_has_no_wider_limit(people: Repositories) -> None:
    # WHEN 11 addresses of one IPv4 /24 fail 3 logins each within a minute (more than an IPv6 /48 may), THEN each
    # failure is evaluated: an IPv4 address is one host's (often a carrier's NAT, many phones), limited alone
    for i in range(33):
        nip = f"1999123120{i:08d}"
        request = EmployeeLoginRequest(nip=nip, password="salah-sekali", device_id=PHONE)
        failed = answer(lambda request=request, i=i: auth.employee_login(request, FEW, NOW, f"203.0.113.{i // 3}"))
        assert failed == "INVALID_CREDENTIALS", i


def test_an_address_is_limited_by_the_host_it_names() -> None:
    assert address_scope("203.0.113.7") == "ip#203.0.113.7"
    assert address_scope("2001:db8:1:2:aaaa::1") == address_scope("2001:DB8:1:2::2") == "ip#2001:db8:1:2::/64"
    assert address_scope("::ffff:203.0.113.7") == "ip#203.0.113.7"  # an IPv4 client seen through IPv6
    assert address_scope("not-an-address") == "ip#not-an-address"
    assert site_scope("2001:db8:1:2:aaaa::1") == site_scope("2001:DB8:1:FF00::2") == "ip#2001:db8:1::/48"
    assert site_scope("203.0.113.7") is site_scope("::ffff:203.0.113.7") is site_scope("not-an-address") is None


def test_the_right_password_from_another_phone_counts_as_a_failed_login_until_an_admin_resets_the_phone(
    people: Repositories,
) -> None:
    def from_another_phone(at: datetime) -> str:
        request = EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id="ponsel-penyerang")
        return answer(lambda: auth.employee_login(request, SETTINGS, at, f"10.9.0.{at.second}"))

    # GIVEN someone who knows the employee's password, on a phone of their own
    # WHEN they log in five times: refused (the account is on another phone), each try spent as a failure
    assert [from_another_phone(NOW + timedelta(seconds=i)) for i in range(5)] == ["DEVICE_MISMATCH"] * 5
    # THEN the next is not even evaluated: no unlimited polling for the moment the account is freed
    assert from_another_phone(NOW + timedelta(seconds=5)) == "RATE_LIMITED"
    # AND once an admin, the employee before them, resets the phone, the employee's new phone logs in at once
    onboarding.reset_device(Principal("budi", "unit_admin", frozenset({"U1"})), NIP, NOW + timedelta(seconds=6))
    request = EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id="ponsel-baru")
    assert auth.employee_login(request, SETTINGS, NOW + timedelta(seconds=7), "10.0.0.1").token


class MacRuns:
    """How many activation-code MACs were computed, from any thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count, self.lock, mac = 0, threading.Lock(), codes._mac

        def counted(key: bytes, nip: str, expires_epoch: int, code: str) -> bytes:
            with self.lock:
                self.count += 1
            return mac(key, nip, expires_epoch, code)

        monkeypatch.setattr(codes, "_mac", counted)

    def take(self) -> int:
        with self.lock:
            taken, self.count = self.count, 0
            return taken


@pytest.fixture
def macs(monkeypatch: pytest.MonkeyPatch) -> MacRuns:
    return MacRuns(monkeypatch)


def test_a_code_sealed_by_the_server_activates_once_without_a_kdf(
    people: Repositories, kdf: KdfRuns, macs: MacRuns
) -> None:
    assert activate(SEALED_HIRE, SEALED_CODE)
    # one MAC for the code; the only scrypt run is the new password's hash
    assert macs.take() == 1 and kdf.take() == [(2**14, 8, 1)]
    assert answer(lambda: activate(SEALED_HIRE, SEALED_CODE, device="android-0009-zzzz")) == "INVALID_CREDENTIALS"


def test_binding_a_phone_is_audited_whether_by_activation_or_by_the_first_login_after_a_reset(
    people: Repositories, audited: AuditTrail
) -> None:
    # GIVEN a new hire who activates their phone
    assert activate(NEW_HIRE, "12345678")
    # WHEN an admin resets it and the employee signs in from another phone
    people.people.release_device(NEW_HIRE, "android-0002-bbbb", DeviceReset("ua"))
    request = EmployeeLoginRequest(nip=NEW_HIRE, password="kopi-susu-sore", device_id="android-0003-cccc")
    assert auth.employee_login(request, SETTINGS, NOW, "10.0.0.1").token
    # THEN both bindings are in the audit log, each naming the phone and how it was bound
    binds = [e for e in audited.entries() if e.action == "employee.device_bind"]
    assert [(e.actor, e.target, (e.detail or {}).get("device"), (e.detail or {}).get("by")) for e in binds] == [
        (NEW_HIRE, NEW_HIRE, phone_hash("android-0002-bbbb"), "activation"),
        (NEW_HIRE, NEW_HIRE, phone_hash("android-0003-cccc"), "login"),
    ]
    # AND the phone's id itself, which with a new code opens the account, is in no entry
    assert all("android-" not in str(e.detail) for e in audited.entries())
    # AND a login on the bound phone binds nothing new
    assert auth.employee_login(request, SETTINGS, NOW, "10.0.0.1").token
    assert len([e for e in audited.entries() if e.action == "employee.device_bind"]) == 2


def test_a_login_binding_a_phone_after_a_reset_binds_it_only_when_named(
    people: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an employee whose phone an admin reset, and a leaver whose phone is still bound to them
    people.people.release_device(NIP, PHONE, DeviceReset("budi"))
    people.people.bind_device(SEALED_HIRE, PhoneBinding("android-0005-eeee"))
    leaves(people, SEALED_HIRE)
    # WHEN the employee signs in on the leaver's phone while the audit log fails (503)
    with audit_store_fails(monkeypatch, "employee.device_bind"):
        login(NIP, PASSWORD, device="android-0005-eeee")
    # THEN nothing moved unnamed: the phone is still the leaver's, the employee has none
    assert people.people.device_owner("android-0005-eeee") == SEALED_HIRE
    stored = people.people.get_employee(NIP)
    assert stored is not None and stored.device_id is None
    # WHEN the app signs in again (before, the phone was bound by then, and the retry named nothing)
    assert login(NIP, PASSWORD, device="android-0005-eeee")
    # THEN the phone is the employee's, named once on each side, and a login after names nothing more
    assert login(NIP, PASSWORD, device="android-0005-eeee")
    assert people.people.device_owner("android-0005-eeee") == NIP
    named = sorted((e.action, e.target) for e in audited.entries() if e.actor == NIP)
    assert named == [("employee.device_bind", NIP), ("employee.reset_device", SEALED_HIRE)]


def leaves(repos: Repositories, nip: str) -> None:
    """SIMPEG deactivates the employee (retired, moved out of the regency, died): their phone stays bound."""
    found = repos.people.get_employee(nip)
    assert found is not None
    repos.people.put_employee(replace(found, active=False))


def test_a_phone_left_bound_by_a_leaver_is_taken_by_a_colleagues_activation(
    people: Repositories, audited: AuditTrail
) -> None:
    # GIVEN an employee SIMPEG deactivated, whose phone is handed to a colleague (a family member, a school's phone)
    leaves(people, NIP)
    # WHEN the colleague activates on it
    assert activate(NEW_HIRE, "12345678", device=PHONE)
    # THEN the phone is the colleague's, and the leaver's side of the binding is gone
    assert people.people.device_owner(PHONE) == NEW_HIRE
    leaver = people.people.get_employee(NIP)
    assert leaver is not None and leaver.device_id is None
    # AND the audit log names both at one instant: the colleague's binding, and the phone taken from the leaver
    moved = sorted(
        ((e.actor, e.action, e.target, e.detail) for e in audited.entries() if e.target in (NIP, NEW_HIRE)),
        key=lambda named: named[1],
    )
    assert len({e.at for e in audited.entries() if e.target in (NIP, NEW_HIRE)}) == 1
    assert moved == [
        (NEW_HIRE, "employee.device_bind", NEW_HIRE,
         {"device": phone_hash(PHONE), "device_fingerprint": None, "by": "activation", "taken_from": NIP}),
        (NEW_HIRE, "employee.reset_device", NIP,
         {"device": phone_hash(PHONE), "by": "activation", "taken_by": NEW_HIRE}),
    ]  # fmt: skip
    # AND the leaver, reactivated by SIMPEG later, signs in from a phone of their own
    people.people.put_employee(replace(leaver, active=True))
    request = EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id="android-0007-gggg")
    assert auth.employee_login(request, SETTINGS, NOW, "10.0.0.1").token


def test_a_phone_of_an_active_colleague_stays_refused_and_says_what_to_do_without_naming_them(
    people: Repositories,
) -> None:
    # GIVEN an active employee's phone; WHEN a colleague activates on it (a borrowed phone: buddy punching)
    with pytest.raises(DeviceMismatchError) as refused:
        activate(NEW_HIRE, "12345678", device=PHONE)
    # THEN refused, saying to ask the unit admin to reset the owner's phone, naming nobody
    assert refused.value.details == {"reason": "phone_of_other"}
    assert "minta admin unit mereset perangkat" in refused.value.message
    assert NIP not in refused.value.message and "Asep" not in refused.value.message
    assert people.people.device_owner(PHONE) == NIP


def test_an_employee_bound_elsewhere_is_told_so_on_a_leavers_phone(people: Repositories) -> None:
    # GIVEN a leaver's phone, and an active employee whose account is bound to another phone
    people.people.bind_device(SEALED_HIRE, PhoneBinding("android-0005-eeee", passwords.hash_secret(PASSWORD)))
    leaves(people, SEALED_HIRE)
    expires = int((NOW + timedelta(days=1)).timestamp())
    people.people.set_activation(NIP, passwords.hash_secret("87654321"), expires, "root")
    # WHEN the employee activates on the leaver's phone
    with pytest.raises(DeviceMismatchError) as refused:
        activate(NIP, "87654321", device="android-0005-eeee")
    # THEN they are told it is their account that is bound elsewhere, not the phone that is someone else's
    assert refused.value.details == {"reason": "account_on_other_phone"}
    assert people.people.device_owner("android-0005-eeee") == SEALED_HIRE


def test_two_colleagues_activating_on_a_leavers_phone_at_once_leave_it_with_one(people: Repositories) -> None:
    # GIVEN a leaver's phone, and two colleagues activating on it at the same moment
    leaves(people, NIP)
    start = threading.Barrier(2)

    def on_the_phone(nip: str, code: str) -> str:
        start.wait()
        return answer(lambda: activate(nip, code, device=PHONE))

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(on_the_phone, [NEW_HIRE, SEALED_HIRE], ["12345678", SEALED_CODE]))
    # THEN one has it, the other is refused as for any colleague's phone
    assert sorted(answers) == ["DEVICE_MISMATCH", "ok"]
    winner = [NEW_HIRE, SEALED_HIRE][answers.index("ok")]
    assert people.people.device_owner(PHONE) == winner
    assert [e.nip for e in people.people.get_employees([NEW_HIRE, SEALED_HIRE]) if e.device_id == PHONE] == [winner]


def test_an_activation_sent_again_after_its_answer_was_lost_signs_in_and_writes_nothing_again(
    people: Repositories, audited: AuditTrail
) -> None:
    # GIVEN a new hire whose activation was recorded, but whose phone never heard the answer (a weak link)
    first = activate(NEW_HIRE, "12345678")
    # WHEN the app sends the same activation again: the code is spent by now
    again = activate(NEW_HIRE, "12345678")
    # THEN it answers a session, as a login would, and the earlier one goes on: nothing was reset
    assert auth.authenticate(bearer(again), SETTINGS, NOW).subject == NEW_HIRE
    assert auth.authenticate(bearer(first), SETTINGS, NOW).subject == NEW_HIRE
    stored = people.people.get_employee(NEW_HIRE)
    assert stored is not None and stored.device_reset_by is None  # their first face needs no second admin
    binds = [e for e in audited.entries() if e.action == "employee.device_bind"]
    assert [(e.detail or {}).get("by") for e in binds] == ["activation"]  # named once, with the binding
    # AND only the phone that holds the account, with its password, is answered so: anyone else needs the code
    assert answer(lambda: activate(NEW_HIRE, "12345678", device="android-0009-zzzz")) == "INVALID_CREDENTIALS"
    assert answer(lambda: activate(NEW_HIRE, "12345678", password="teh-manis-siang")) == "INVALID_CREDENTIALS"


def test_an_activation_whose_audit_entry_failed_binds_nothing_until_sent_again(
    people: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an activation whose audit entry failed as it was written with the binding (503)
    with audit_store_fails(monkeypatch, "employee.device_bind"):
        activate(NEW_HIRE, "12345678")
    # THEN no phone checks in as the new hire unnamed: nothing was bound, the code is not spent
    stored = people.people.get_employee(NEW_HIRE)
    assert stored is not None and stored.device_id is None
    assert people.people.device_owner("android-0002-bbbb") is None
    # WHEN the app sends it again, THEN it signs in, and the binding (whose phone checks in as whom) is named once
    assert activate(NEW_HIRE, "12345678")
    binds = [e for e in audited.entries() if e.action == "employee.device_bind"]
    assert [(e.target, (e.detail or {}).get("device")) for e in binds] == [(NEW_HIRE, phone_hash("android-0002-bbbb"))]


def test_an_activation_sent_again_is_a_guess_like_any_other_within_the_limits(people: Repositories) -> None:
    # GIVEN an activated new hire; WHEN five wrong passwords come with their phone's id and the spent code
    activate(NEW_HIRE, "12345678")
    for i in range(5):
        assert answer(lambda i=i: activate(NEW_HIRE, "12345678", password=f"tebakan-ke-{i}-salah")) == (
            "INVALID_CREDENTIALS"
        )
    # THEN the account's limit is reached: the right password waits the window too
    assert answer(lambda: activate(NEW_HIRE, "12345678")) == "RATE_LIMITED"
    assert answer(lambda: login(NEW_HIRE, "kopi-susu-sore")) == "RATE_LIMITED"


def phone_hash(device_id: str) -> str:
    return hashlib.sha256(device_id.encode()).hexdigest()[:16]


def test_a_new_code_for_an_activated_employee_signs_out_whoever_held_the_account(people: Repositories) -> None:
    # GIVEN a new hire who activated their phone
    first = activate(NEW_HIRE, "12345678")
    # WHEN an admin issues them a new code (a forgotten password), THEN nothing changes until it is used
    budi = Principal("budi", "unit_admin", frozenset({"U1"}))
    code, _ = onboarding.create_activation(budi, NEW_HIRE, SETTINGS, NOW)
    assert auth.authenticate(bearer(first), SETTINGS, NOW).subject == NEW_HIRE
    issued = people.people.get_employee(NEW_HIRE)
    assert issued is not None and issued.device_reset_by is None
    # WHEN it is used on a phone with the same id
    second = activate(NEW_HIRE, code, password="teh-manis-siang")
    # THEN the new session works and the earlier one ends at once: whoever held the account is signed out
    assert auth.authenticate(bearer(second), SETTINGS, NOW).subject == NEW_HIRE
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(first), SETTINGS, NOW)
    # AND the code counts as a device reset by its issuer: four eyes on the faces enrolled after it
    stored = people.people.get_employee(NEW_HIRE)
    assert stored is not None and stored.device_reset_by == "budi"


def test_a_new_code_whose_audit_entry_fails_leaves_the_code_handed_out_before(
    people: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a new hire holding a printed code, WHEN an admin issues another while the audit log fails (503)
    budi = Principal("budi", "unit_admin", frozenset({"U1"}))
    with audit_store_fails(monkeypatch, "employee.activation_code"):
        onboarding.create_activation(budi, NEW_HIRE, SETTINGS, NOW)
    # THEN no code was issued unnamed: the printed one still activates, and nothing names a code
    assert [e for e in audited.entries() if e.action == "employee.activation_code"] == []
    assert activate(NEW_HIRE, "12345678")


def test_a_new_code_whose_audit_entry_fails_changes_nothing_until_used_again(
    people: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a new hire who activated their phone, and a new code for them
    first = activate(NEW_HIRE, "12345678")
    code, _ = onboarding.create_activation(Principal("budi", "unit_admin", frozenset({"U1"})), NEW_HIRE, SETTINGS, NOW)
    # WHEN the code is used, and the binding's audit entry fails with it (503)
    with audit_store_fails(monkeypatch, "employee.device_bind"):
        activate(NEW_HIRE, code, password="teh-manis-siang")
    # THEN nothing changed unnamed: the session held before goes on, the old password still signs in
    assert auth.authenticate(bearer(first), SETTINGS, NOW).subject == NEW_HIRE
    stored = people.people.get_employee(NEW_HIRE)
    assert stored is not None and stored.device_reset_by is None
    phone = "android-0002-bbbb"
    assert login(NEW_HIRE, "kopi-susu-sore", device=phone)
    # WHEN the code is used again, THEN the holder is signed out and the phone signs in with the new password
    activate(NEW_HIRE, code, password="teh-manis-siang")
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(first), SETTINGS, NOW)
    assert auth.authenticate(bearer(login(NEW_HIRE, "teh-manis-siang", device=phone)), SETTINGS, NOW)


def test_a_code_hashed_with_scrypt_before_the_switch_still_activates(people: Repositories, kdf: KdfRuns) -> None:
    assert activate(NEW_HIRE, "12345678")
    assert len(kdf.take()) == 2  # the stored code's scrypt check, then the new password's hash


def test_guessing_a_sealed_code_in_parallel_evaluates_five(people: Repositories, macs: MacRuns) -> None:
    # WHEN 80 codes are guessed in parallel from 80 addresses
    with ThreadPoolExecutor(max_workers=40) as pool:
        guesses = pool.map(lambda i: answer(lambda: activate(SEALED_HIRE, f"{i:08d}", source=f"10.0.4.{i}")), range(80))
        answers = list(guesses)
    # THEN five are evaluated (a cheap MAC changes nothing of the limits), and the right code waits the window
    assert answers.count("INVALID_CREDENTIALS") == 5 and answers.count("RATE_LIMITED") == 75
    assert macs.take() == 5
    assert answer(lambda: activate(SEALED_HIRE, SEALED_CODE)) == "RATE_LIMITED"
    assert activate(SEALED_HIRE, SEALED_CODE, at=NOW + timedelta(seconds=900))


def test_an_expired_sealed_code_is_refused(people: Repositories, macs: MacRuns) -> None:
    with pytest.raises(InvalidCredentialsError) as refused:
        activate(SEALED_HIRE, SEALED_CODE, at=NOW + timedelta(days=1))
    assert macs.take() == 1 and refused.value.details["activation_code"] == "expired"


@pytest.mark.parametrize("nip", [UNKNOWN_NIP, NIP])
def test_activating_an_unknown_or_codeless_employee_costs_what_a_code_does(
    people: Repositories, kdf: KdfRuns, macs: MacRuns, nip: str
) -> None:
    # WHEN a wrong code is tried for an employee with a live code, and for one without (unknown, or activated)
    assert answer(lambda: activate(SEALED_HIRE, "00000000")) == "INVALID_CREDENTIALS"
    known = (macs.take(), kdf.take())
    assert answer(lambda: activate(nip, "00000000")) == "INVALID_CREDENTIALS"
    # THEN both computed one MAC and no KDF: the timing does not tell which NIPs exist or await activation
    assert (macs.take(), kdf.take()) == known == (1, [])


# --- unknown accounts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("nip", [UNKNOWN_NIP, NEW_HIRE])
def test_unknown_or_unactivated_employees_cost_what_a_known_one_does(
    people: Repositories, kdf: KdfRuns, nip: str
) -> None:
    # WHEN a wrong password is tried for a known, activated employee and for the other
    assert answer(lambda: login(NIP, "salah-sekali")) == "INVALID_CREDENTIALS"
    known = kdf.take()
    assert answer(lambda: login(nip, "salah-sekali")) == "INVALID_CREDENTIALS"
    # THEN both ran the KDF once with the same cost
    assert kdf.take() == known == [(2**14, 8, 1)]
    # AND the other is locked by the same accounting after five failures
    for _ in range(4):
        assert answer(lambda: login(nip, "salah-sekali")) == "INVALID_CREDENTIALS"
    assert answer(lambda: login(nip, "salah-sekali")) == "RATE_LIMITED"


def test_unknown_admins_cost_what_a_known_one_does(people: Repositories, kdf: KdfRuns) -> None:
    assert answer(lambda: admin_login("budi", "salah-sekali")) == "INVALID_CREDENTIALS"
    known = kdf.take()
    assert answer(lambda: admin_login("ghost", "salah-sekali")) == "INVALID_CREDENTIALS"
    assert kdf.take() == known == [(2**14, 8, 1)]
    for _ in range(4):
        admin_login_answer = answer(lambda: admin_login("ghost", "salah-sekali"))
        assert admin_login_answer == "INVALID_CREDENTIALS"
    assert answer(lambda: admin_login("ghost", "salah-sekali")) == "RATE_LIMITED"


# --- unlocking ----------------------------------------------------------------------------------------


def test_a_super_admin_unlocks_an_account(people: Repositories) -> None:
    # GIVEN locked employee and admin accounts
    for _ in range(5):
        answer(lambda: login(NIP, "salah-sekali"))
        answer(lambda: admin_login("budi", "salah-sekali"))
    assert answer(lambda: login(NIP, PASSWORD)) == answer(lambda: admin_login("budi", PASSWORD)) == "RATE_LIMITED"
    # WHEN a unit admin tries to unlock, or names nobody, THEN it is refused
    with pytest.raises(ForbiddenError):
        auth.unlock(Principal("budi", "unit_admin", frozenset({"U1"})), "employee", NIP)
    with pytest.raises(NotFoundError):
        auth.unlock(SUPER, "admin", "ghost")
    # WHEN the super admin unlocks both, THEN the right passwords work at once
    auth.unlock(SUPER, "employee", NIP)
    auth.unlock(SUPER, "admin", "budi")
    assert login(NIP, PASSWORD) and admin_login("budi", PASSWORD)


def test_an_unlock_whose_audit_entry_fails_frees_nothing_until_sent_again(
    people: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a locked employee, WHEN the super admin unlocks them while the audit log fails (503)
    for _ in range(5):
        answer(lambda: login(NIP, "salah-sekali"))
    with audit_store_fails(monkeypatch, "employee.unlock"):
        auth.unlock(SUPER, "employee", NIP)
    # THEN the account is still locked: nobody's guesses were let through unnamed
    assert answer(lambda: login(NIP, PASSWORD)) == "RATE_LIMITED"
    # WHEN sent again, THEN the account is free, and the unlock named once
    auth.unlock(SUPER, "employee", NIP)
    assert login(NIP, PASSWORD)
    assert [(e.actor, e.target) for e in audited.entries() if e.action == "employee.unlock"] == [(SUPER.subject, NIP)]


# --- sessions -----------------------------------------------------------------------------------------------


def bearer(token: str) -> str:
    return f"Bearer {token}"


def test_changing_the_password_ends_every_other_session(people: Repositories) -> None:
    # GIVEN two tokens of the employee
    first, second = login(NIP, PASSWORD), login(NIP, PASSWORD)
    caller = auth.authenticate(bearer(first), SETTINGS, NOW)
    # WHEN the current password is wrong, or the new one weak, THEN nothing changes
    wrong = ChangePasswordRequest(current_password="salah-sekali", new_password="kopi-susu-sore")
    with pytest.raises(InvalidCredentialsError):
        auth.change_password(caller, wrong, SETTINGS, NOW, "10.0.0.1")
    weak = ChangePasswordRequest(current_password=PASSWORD, new_password=f"aku-{NIP}")
    with pytest.raises(WeakPasswordError):
        auth.change_password(caller, weak, SETTINGS, NOW, "10.0.0.1")
    assert auth.authenticate(bearer(second), SETTINGS, NOW)
    # WHEN it is changed
    change = ChangePasswordRequest(current_password=PASSWORD, new_password="kopi-susu-sore")
    renewed = auth.change_password(caller, change, SETTINGS, NOW, "10.0.0.1")
    # THEN the other token ends at once, the caller's and the answered one work, and so does the new password only
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(second), SETTINGS, NOW)
    assert auth.authenticate(bearer(first), SETTINGS, NOW).session_id == caller.session_id
    assert auth.authenticate(bearer(renewed.token), SETTINGS, NOW).device_id == PHONE
    assert answer(lambda: login(NIP, PASSWORD)) == "INVALID_CREDENTIALS"
    assert login(NIP, "kopi-susu-sore")


def test_an_admin_changes_their_password_and_logs_out(people: Repositories) -> None:
    token = admin_login("budi", PASSWORD)
    caller = auth.authenticate(bearer(token), SETTINGS, NOW)
    change = ChangePasswordRequest(current_password=PASSWORD, new_password="Operator-Baru-2026")
    other_desk = admin_login("budi", PASSWORD)
    renewed = auth.change_password(caller, change, SETTINGS, NOW, None).token
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(other_desk), SETTINGS, NOW)
    # WHEN the caller's session logs out, THEN its tokens (the one answered shares it) end, a newer one goes on
    third_desk = admin_login("budi", "Operator-Baru-2026")
    auth.logout(auth.authenticate(bearer(renewed), SETTINGS, NOW), SETTINGS, NOW)
    for ended in (token, renewed):
        with pytest.raises(UnauthenticatedError):
            auth.authenticate(bearer(ended), SETTINGS, NOW)
    assert auth.authenticate(bearer(third_desk), SETTINGS, NOW).subject == "budi"


def test_an_employee_s_session_lasts_a_month_and_a_logged_out_one_stays_ended(people: Repositories) -> None:
    # GIVEN an employee who logs in on their phone, and an admin at a desk
    first = auth.employee_login(EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id=PHONE), SETTINGS, NOW, None)
    admin = auth.admin_login(AdminLoginRequest(username="budi", password=PASSWORD), SETTINGS, NOW, None)
    # THEN the teacher is not asked to log in again every morning; the admin's session is a working day's
    assert (first.expires_at - NOW, admin.token.expires_at - NOW) == (timedelta(days=30), timedelta(hours=12))
    later = NOW + timedelta(days=10)
    assert auth.authenticate(bearer(first.token), SETTINGS, later).subject == NIP
    # WHEN the session logs out, and a day later another session of the account logs out too (which forgets the
    # marks of sessions whose tokens can no longer be used)
    auth.logout(auth.authenticate(bearer(first.token), SETTINGS, NOW), SETTINGS, NOW)
    second = login(NIP, PASSWORD)
    auth.logout(auth.authenticate(bearer(second), SETTINGS, NOW + timedelta(days=1)), SETTINGS, NOW + timedelta(days=1))
    # THEN the first token, still within its month, stays ended
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(first.token), SETTINGS, later)


def test_a_logged_out_session_stays_ended_when_sessions_are_made_shorter_meanwhile(people: Repositories) -> None:
    # GIVEN a session of 90 days (the stage's setting then), its token copied by a thief, then logged out under
    # a setting shortened to 30 days (after an incident, say)
    long, short = replace(SETTINGS, employee_token_ttl_s=90 * 86400), replace(SETTINGS, employee_token_ttl_s=30 * 86400)
    request = EmployeeLoginRequest(nip=NIP, password=PASSWORD, device_id=PHONE)
    stolen = auth.employee_login(request, long, NOW, None).token
    auth.logout(auth.authenticate(bearer(stolen), short, NOW), short, NOW)
    # WHEN 31 days later another session logs out (forgetting the marks of sessions no token can still use)
    later = NOW + timedelta(days=31)
    other = auth.employee_login(request, short, later, None).token
    auth.logout(auth.authenticate(bearer(other), short, later), short, later)
    # THEN the stolen token, still within its 90 days, stays ended
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(stolen), short, later + timedelta(minutes=1))


def test_a_deactivated_employee_is_refused_at_once(people: Repositories) -> None:
    token = login(NIP, PASSWORD)
    people.people.put_employee(Employee(NIP, "Asep", "U1", active=False))
    with pytest.raises(AccountInactiveError):
        auth.authenticate(bearer(token), SETTINGS, NOW)


def test_an_old_token_does_not_work_again_after_a_reactivation_or_a_move_back(people: Repositories) -> None:
    # GIVEN a token of the employee, and SIMPEG deactivating them: 403 ACCOUNT_INACTIVE meanwhile
    token = login(NIP, PASSWORD)
    people.people.put_employee(Employee(NIP, "Asep", "U1", active=False))
    with pytest.raises(AccountInactiveError):
        auth.authenticate(bearer(token), SETTINGS, NOW)
    # WHEN SIMPEG reactivates them, THEN the old token answers 401, and the bound phone signs in again
    people.people.put_employee(Employee(NIP, "Asep", "U1"))
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(token), SETTINGS, NOW)
    token = login(NIP, PASSWORD)
    assert auth.authenticate(bearer(token), SETTINGS, NOW).subject == NIP
    # WHEN they are moved to U2 and back to U1, THEN the token of before the move answers 401 too
    people.people.put_employee(Employee(NIP, "Asep", "U2"))
    people.people.put_employee(Employee(NIP, "Asep", "U1"))
    with pytest.raises(UnauthenticatedError):
        auth.authenticate(bearer(token), SETTINGS, NOW)
    assert auth.authenticate(bearer(login(NIP, PASSWORD)), SETTINGS, NOW).subject == NIP
