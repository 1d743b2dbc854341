"""Two-factor login of admins with TOTP (in-memory twins): set-up, confirmation, login with and without a code,
replays, and the stage's rule for super admins."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from chalicelib import runtime
from chalicelib.auth import passwords, totp
from chalicelib.domain.people import AdminUser, Principal
from chalicelib.errors import (
    ConflictError,
    ForbiddenError,
    InvalidCredentialsError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import auth, mfa
from chalicelib.usecases.schemas.core import AdminLoginRequest, MfaConfirmRequest

from .admin_fixtures import AuditTrail, audited, settings
from .test_request_failures import audit_store_fails

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NOW = datetime(2026, 12, 3, 1, 0, 10, tzinfo=UTC)
PASSWORD = "rahasia-2026"


@pytest.fixture
def budi(repos: Repositories) -> Principal:
    """Unit admin `budi` of U1, as a request of theirs sees them."""
    repos.people.upsert_unit("U1", "SDN 1")
    admin = repos.people.create_admin(
        AdminUser("budi", "unit_admin", frozenset({"U1"})), passwords.hash_secret(PASSWORD)
    )
    return Principal("budi", "unit_admin", admin.unit_ids, None, 0, admin=admin)


def code(secret: str, moment: datetime) -> str:
    """What the authenticator app shows at `moment` (pyotp's own TOTP, independent of chalicelib.auth.totp)."""
    return pyotp.TOTP(secret).at(moment)


def login(otp: str | None, settings: Settings, moment: datetime = NOW) -> auth.LoginResult:
    return auth.admin_login(AdminLoginRequest(username="budi", password=PASSWORD, otp=otp), settings, moment)


def enable(budi: Principal) -> str:
    secret = mfa.start_setup(budi).secret
    mfa.confirm(budi, MfaConfirmRequest(otp=code(secret, NOW)), NOW)
    return secret


def test_setup_answers_a_secret_and_its_uri_and_a_valid_code_turns_mfa_on(
    budi: Principal, repos: Repositories, settings: Settings
) -> None:
    setup = mfa.start_setup(budi)
    uri = urlparse(setup.otpauth_uri)
    assert (uri.scheme, uri.netloc, uri.path) == ("otpauth", "totp", "/SMART:budi")
    assert parse_qs(uri.query)["secret"] == [setup.secret] and len(setup.secret) == 32
    # WHILE not confirmed, a login needs no code
    assert login(None, settings).role == "unit_admin"
    # WHEN a wrong code is sent, THEN MFA stays off
    with pytest.raises(ValidationError):
        mfa.confirm(budi, MfaConfirmRequest(otp="000000" if code(setup.secret, NOW) != "000000" else "111111"), NOW)
    stored = repos.people.get_admin("budi")
    assert stored is not None and not stored.mfa_enabled
    # WHEN the current code is sent, THEN MFA is on, and a second set-up is refused
    assert mfa.confirm(budi, MfaConfirmRequest(otp=code(setup.secret, NOW)), NOW).mfa_enabled is True
    admin = repos.people.get_admin("budi")
    assert admin is not None and admin.mfa_enabled
    with pytest.raises(ConflictError):
        mfa.start_setup(replace(budi, admin=admin))  # budi's next request
    with pytest.raises(ConflictError):
        mfa.confirm(budi, MfaConfirmRequest(otp=code(setup.secret, NOW + timedelta(seconds=30))), NOW)


def test_an_mfa_step_whose_audit_entry_fails_is_not_made_and_is_named_once_when_sent_again(
    budi: Principal, repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a set-up whose entry fails (503): no secret is left pending unnamed
    with audit_store_fails(monkeypatch, "admin_user.mfa_setup"):
        mfa.start_setup(budi)
    account = repos.people.admin_account("budi")
    assert account is not None and account.credentials.mfa_pending is None
    # WHEN set up again, and the confirmation's entry fails (503), THEN MFA stays off: a login needs no code yet
    secret = mfa.start_setup(budi).secret
    with audit_store_fails(monkeypatch, "admin_user.mfa_enable"):
        mfa.confirm(budi, MfaConfirmRequest(otp=code(secret, NOW)), NOW)
    admin = repos.people.get_admin("budi")
    assert admin is not None and not admin.mfa_enabled
    # WHEN the admin confirms again (the next code), THEN MFA is on, and each step is named once
    assert mfa.confirm(budi, MfaConfirmRequest(otp=code(secret, NOW + timedelta(seconds=30))), NOW).mfa_enabled
    named = [(e.action, e.target) for e in audited.entries() if e.action.startswith("admin_user.mfa")]
    assert named == [("admin_user.mfa_setup", "budi"), ("admin_user.mfa_enable", "budi")]


def test_confirming_without_a_setup_is_a_conflict(budi: Principal) -> None:
    with pytest.raises(ConflictError):
        mfa.confirm(budi, MfaConfirmRequest(otp="123456"), NOW)


def test_once_on_a_login_needs_a_valid_code(budi: Principal, settings: Settings) -> None:
    secret = enable(budi)
    later = NOW + timedelta(seconds=60)
    # WHEN the code is missing, THEN 401 naming the otp
    with pytest.raises(InvalidCredentialsError) as missing:
        login(None, settings, later)
    assert missing.value.details == {"otp": "required"}
    # WHEN it is wrong (or from long ago), THEN 401 naming the otp as invalid
    for wrong in ("abcdef", "12345", code(secret, later - timedelta(minutes=5))):
        with pytest.raises(InvalidCredentialsError) as refused:
            login(wrong, settings, later)
        assert refused.value.details == {"otp": "invalid"}
    # WHEN the password is wrong, THEN the code is not even looked at (and not spent)
    with pytest.raises(InvalidCredentialsError) as bad_password:
        auth.admin_login(
            AdminLoginRequest(username="budi", password="salah-sekali", otp=code(secret, later)), settings, later
        )
    assert bad_password.value.details == {}
    # WHEN the current code is sent, THEN the login succeeds
    assert login(code(secret, later), settings, later).role == "unit_admin"


def test_wrong_codes_count_towards_the_lockout_and_missing_ones_do_not(budi: Principal, settings: Settings) -> None:
    limited = replace(settings, login_max_failures=3)
    secret = enable(budi)
    later = NOW + timedelta(seconds=60)
    # WHEN a client sends no code many times, THEN nothing is locked: the right code still logs in
    for _ in range(5):
        with pytest.raises(InvalidCredentialsError):
            login(None, limited, later)
    login(code(secret, later), limited, later)
    # WHEN 3 wrong codes are sent (the limit), THEN even the right code of a later step is refused
    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            login("000000" if code(secret, later) != "000000" else "111111", limited, later)
    with pytest.raises(RateLimitedError):
        login(code(secret, later + timedelta(seconds=30)), limited, later)


def test_a_phone_clock_one_step_behind_or_ahead_is_accepted(budi: Principal, settings: Settings) -> None:
    secret = enable(budi)
    later = NOW + timedelta(minutes=5)
    assert login(code(secret, later - timedelta(seconds=30)), settings, later).role == "unit_admin"
    assert login(code(secret, later + timedelta(seconds=30)), settings, later).role == "unit_admin"
    with pytest.raises(InvalidCredentialsError):
        login(code(secret, later + timedelta(seconds=60)), settings, later)


def test_a_code_is_accepted_once_and_not_after_a_later_one(
    budi: Principal, repos: Repositories, settings: Settings
) -> None:
    secret = enable(budi)
    # THEN the code that confirmed MFA cannot log in
    with pytest.raises(InvalidCredentialsError):
        login(code(secret, NOW), settings)
    later = NOW + timedelta(seconds=30)
    login(code(secret, later), settings, later)
    # WHEN the same code is replayed within its window, THEN it is refused
    with pytest.raises(InvalidCredentialsError):
        login(code(secret, later), settings, later + timedelta(seconds=5))
    # AND an older step's code is refused once a later one was used
    third = later + timedelta(seconds=30)
    login(code(secret, third), settings, third)
    with pytest.raises(InvalidCredentialsError):
        login(code(secret, later), settings, third)


def test_parallel_logins_with_one_code_admit_one(budi: Principal, repos: Repositories, settings: Settings) -> None:
    secret = enable(budi)
    later = NOW + timedelta(seconds=30)
    otp = code(secret, later)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            login(otp, settings, later)
            outcomes.append("ok")
        except InvalidCredentialsError:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * 3


def test_a_login_whose_stamp_cannot_be_written_still_signs_in_with_the_code_it_spent(
    budi: Principal, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN two-factor login, and the admins' table refusing the last-login stamp
    secret = enable(budi)

    def down(*args: object) -> None:
        raise UnavailableError()

    monkeypatch.setattr(type(runtime.people()), "record_admin_login", down)
    # WHEN budi signs in with his password and the code of the moment, THEN he gets his session (the code is spent:
    # a 503 here would make its retry a wrong code, counted against his five tries)
    later = NOW + timedelta(minutes=2)
    assert login(code(secret, later), settings, later).token


def test_where_mfa_is_compulsory_a_super_admin_without_it_may_only_set_it_up(
    repos: Repositories, settings: Settings
) -> None:
    strict = replace(settings, mfa_required_super_admin=True)
    repos.people.create_admin(AdminUser("root", "super_admin"), passwords.hash_secret(PASSWORD))
    result = auth.admin_login(AdminLoginRequest(username="root", password=PASSWORD), strict, NOW)
    assert result.mfa_setup_required
    root = auth.authenticate(f"Bearer {result.token.token}", strict, NOW)
    with pytest.raises(ForbiddenError):
        mfa.require_set_up(root, strict)
    mfa.require_set_up(root, settings)  # the setting off: nothing required
    # WHEN root confirms MFA, THEN the same token serves every route again
    secret = mfa.start_setup(root).secret
    mfa.confirm(root, MfaConfirmRequest(otp=code(secret, NOW)), NOW)
    mfa.require_set_up(auth.authenticate(f"Bearer {result.token.token}", strict, NOW), strict)
    # AND a unit admin is not concerned by the rule
    budi = repos.people.create_admin(
        AdminUser("budi", "unit_admin", frozenset({"U1"})), passwords.hash_secret(PASSWORD)
    )
    mfa.require_set_up(Principal("budi", "unit_admin", budi.unit_ids, admin=budi), strict)


def test_totp_steps_follow_rfc_6238_test_vectors() -> None:
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", the last 6 digits of its 8-digit values
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for unix, expected in ((59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")):
        moment = datetime.fromtimestamp(unix, UTC)
        assert totp.code_at(secret, totp.step_at(moment)) == expected
        assert totp.matching_step(secret, expected, moment) == totp.step_at(moment)
    assert totp.matching_step(secret, "28708", datetime.fromtimestamp(59, UTC)) is None
