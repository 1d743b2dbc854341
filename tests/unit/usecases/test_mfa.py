"""Two-factor login of admins with TOTP (in-memory twins): set-up, confirmation, login with and without a code,
replays, and the stage's rule for super admins."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pyotp
import pytest

from chalicelib.auth import passwords, totp
from chalicelib.domain.people import Principal
from chalicelib.errors import ConflictError, ForbiddenError, InvalidCredentialsError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import auth, mfa
from chalicelib.usecases.schemas.core import AdminLoginRequest, MfaConfirmRequest

from .admin_fixtures import audited, settings

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NOW = datetime(2026, 12, 3, 1, 0, 10, tzinfo=UTC)
PASSWORD = "rahasia-2026"


@pytest.fixture
def budi(repos: Repositories) -> Principal:
    """Unit admin `budi` of U1, as a request of theirs sees them."""
    repos.people.upsert_unit("U1", "SDN 1")
    admin = repos.people.create_admin("budi", passwords.hash_secret(PASSWORD), "unit_admin", {"U1"})
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


def failures(repos: Repositories) -> int:
    account = repos.people.admin_account("budi")
    assert account is not None
    return account.credentials.failed_logins


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


def test_confirming_without_a_setup_is_a_conflict(budi: Principal) -> None:
    with pytest.raises(ConflictError):
        mfa.confirm(budi, MfaConfirmRequest(otp="123456"), NOW)


def test_once_on_a_login_needs_a_valid_code_and_a_wrong_one_counts_as_a_failure(
    budi: Principal, repos: Repositories, settings: Settings
) -> None:
    secret = enable(budi)
    later = NOW + timedelta(seconds=60)
    # WHEN the code is missing, THEN 401 naming the otp, not counted
    with pytest.raises(InvalidCredentialsError) as missing:
        login(None, settings, later)
    assert missing.value.details == {"otp": "required"} and failures(repos) == 0
    # WHEN it is wrong (or from long ago), THEN 401, counted as a failed login
    for wrong in ("abcdef", code(secret, later - timedelta(minutes=5))):
        with pytest.raises(InvalidCredentialsError) as refused:
            login(wrong, settings, later)
        assert refused.value.details == {"otp": "invalid"}
    assert failures(repos) == 2
    # WHEN the password is wrong, THEN the code is not even looked at
    with pytest.raises(InvalidCredentialsError):
        auth.admin_login(
            AdminLoginRequest(username="budi", password="salah-sekali", otp=code(secret, later)), settings, later
        )
    # WHEN the current code is sent (or the previous step's: a phone a little behind), THEN the login succeeds
    assert login(code(secret, later - timedelta(seconds=30)), settings, later).role == "unit_admin"
    assert failures(repos) == 0


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


def test_where_mfa_is_compulsory_a_super_admin_without_it_may_only_set_it_up(
    repos: Repositories, settings: Settings
) -> None:
    strict = replace(settings, mfa_required_super_admin=True)
    repos.people.create_admin("root", passwords.hash_secret(PASSWORD), "super_admin", set())
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
    budi = repos.people.create_admin("budi", passwords.hash_secret(PASSWORD), "unit_admin", {"U1"})
    mfa.require_set_up(Principal("budi", "unit_admin", budi.unit_ids, admin=budi), strict)


def test_totp_steps_follow_rfc_6238_test_vectors() -> None:
    # RFC 6238 appendix B, SHA-1 secret "12345678901234567890", the last 6 digits of its 8-digit values
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for unix, expected in ((59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")):
        moment = datetime.fromtimestamp(unix, UTC)
        assert totp.code_at(secret, totp.step_at(moment)) == expected
        assert totp.matching_step(secret, expected, moment) == totp.step_at(moment)
    assert totp.matching_step(secret, "28708", datetime.fromtimestamp(59, UTC)) is None
