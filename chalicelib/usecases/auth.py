"""Authentication use cases: admin login, employee activation and login with one bound phone, tokens,
password changes, logout and unlocking.

Login limits (API.md "Accounts and sessions"; docs/decision_log.md, "Login limits"): before a password or an
activation code is *evaluated*, the login takes one of the account's `login_max_failures` slots for
`login_lockout_s` seconds and counts one attempt of its source address in the current minute, both with
conditional writes, so however many requests race, at most that many secrets of an account are ever evaluated
in a window; a success gives both back. Unknown accounts take the same path (slots under the name asked for,
a KDF run against a dummy hash; for activation codes a MAC against a dummy, auth/codes.py), so neither
timing nor answers tell which NIPs or user names exist.
An admin with MFA on also needs a fresh one-time password (usecases/mfa.py), evaluated with the password.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

from chalicelib import runtime
from chalicelib.attendance.export import day_label
from chalicelib.auth import codes, passwords, strength, tokens
from chalicelib.auth.tokens import IssuedToken
from chalicelib.domain.people import (
    ADDRESS_WINDOW_S,
    IPV6_SITE_HOSTS,
    Account,
    AccountKind,
    AdminUser,
    Employee,
    EmployeeAccount,
    Holder,
    PhoneBinding,
    Principal,
    ended_marker,
    kept_marker,
    login_scope,
    site_scope,
)
from chalicelib.errors import (
    AccountInactiveError,
    DeviceMismatchError,
    ForbiddenError,
    InvalidCredentialsError,
    NotFoundError,
    RateLimitedError,
    UnauthenticatedError,
    UnavailableError,
)
from chalicelib.observability import logger
from chalicelib.settings import Settings, longest_token_ttl
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.usecases import faces, mfa
from chalicelib.usecases.access import require_super_admin
from chalicelib.usecases.schemas.core import (
    ActivateRequest,
    AdminLoginRequest,
    ChangePasswordRequest,
    EmployeeLoginRequest,
)

# A hash of a secret nobody knows, with the default KDF cost: what an unknown account's (or an account
# without a password's) secret is checked against, so that every login runs the KDF once.
_DUMMY_HASH = passwords.hash_secret(secrets.token_urlsafe(32))
# An activation again checked and written again when a face was approved on the employee between the four-eyes
# check of its code's issuer and its binding (`bind_device(approvals_seen=...)`); the last refusal is answered
# (503 "changed meanwhile": nothing was written, the code still works).
BIND_ATTEMPTS = 3


@dataclass(frozen=True)
class LoginResult:
    token: IssuedToken
    role: str
    mfa_setup_required: bool = False
    nip: str | None = None  # the admin's own NIP when they are also an employee
    sees_all_units: bool = False  # a super admin or a regency-wide auditor (Principal.sees_all_units)
    mfa_enabled: bool = False  # two-factor login is on (for the session: turning it off ends the sessions)


def _stamp_login(username: str, now: datetime) -> None:
    """Stamp the admin's last login, best effort: the one-time password is spent by now, so failing the login
    for the stamp (503) would refuse its retry with the same code as a wrong one (401, counted against the
    account's five tries); the admin signs in, unstamped, and a warning says so."""
    try:
        runtime.people().record_admin_login(username, iso(now))
    except UnavailableError:
        logger.warning("an admin's login not stamped")


def epoch(now: datetime) -> int:
    return int(now.timestamp())


def verify_guarded(
    kind: AccountKind,
    key: str,
    evaluate: Callable[[], bool],
    *,
    source: str | None,
    settings: Settings,
    now: datetime,
    refused_still: Callable[[], None] | None = None,
) -> None:
    """Run `evaluate` (one KDF check of a secret) within the login limits of the account `kind`/`key` and of
    the source address (`_source_claimed`); RATE_LIMITED (not evaluated) beyond them, INVALID_CREDENTIALS when it
    answers False. A success gives the attempt back; a failure keeps it for the window, and so does a right secret
    that `refused_still` (run after it) refuses all the same. An attempt on an account locked already evaluates
    nothing, and gives its address's slot back: one teacher tapping on at a locked account does not use up the
    hall's Wi-Fi address for the colleagues activating beside them."""
    people = runtime.people()
    give_back_source = _source_claimed(source, settings, now)
    scope = login_scope(kind, key)
    claim = people.claim_login_attempt(scope, settings.login_max_failures, settings.login_lockout_s, epoch(now))
    if claim.slot is None:
        give_back_source()
        raise RateLimitedError(claim.retry_after_s)
    if not evaluate():
        raise InvalidCredentialsError()
    if refused_still is not None:
        refused_still()
    people.release_login_attempt(scope, claim.slot, claim.claim_id)
    give_back_source()


def _source_claimed(source: str | None, settings: Settings, now: datetime) -> Callable[[], None]:
    """Count one login attempt of the source address, RATE_LIMITED beyond its limits: its host's
    (`login_address_max_failures` a minute: an IPv4 address, an IPv6 /64) and, for IPv6, its /48's
    (`IPV6_SITE_HOSTS` times that: one holder of a /48 or /56 would otherwise fail as 256 or 65,536 hosts). The
    host's is claimed first, so a host beyond its own limit takes nothing of its site's. A slot taken stays taken
    when a later limit refuses (a refused attempt counts as a failure does). Answers how to give the slots back,
    for a login that succeeds (successes never count)."""
    releases: list[Callable[[], None]] = []
    if source:
        people, at = runtime.people(), epoch(now)
        host = people.claim_address_attempt(source, settings.login_address_max_failures, at)
        if host.slot is None:
            raise RateLimitedError(host.retry_after_s)
        releases.append(partial(people.release_address_attempt, source, host.slot, host.claim_id))
        site = site_scope(source)
        if site is not None:
            site_limit = settings.login_address_max_failures * IPV6_SITE_HOSTS
            wide = people.claim_login_attempt(site, site_limit, ADDRESS_WINDOW_S, at)
            if wide.slot is None:
                raise RateLimitedError(wide.retry_after_s)
            releases.append(partial(people.release_login_attempt, site, wide.slot, wide.claim_id))

    def give_back() -> None:
        for release in releases:
            release()

    return give_back


def _secret_matches(secret: str, stored: str | None) -> bool:
    """One KDF run whatever is stored: an absent hash is replaced by the dummy, which nothing matches."""
    matches = passwords.verify_secret(secret, stored or _DUMMY_HASH)
    return matches and stored is not None


def _password_checked(
    kind: AccountKind,
    key: str,
    account: Account[Holder] | None,
    password: str,
    *,
    source: str | None,
    settings: Settings,
    now: datetime,
    refused_still: Callable[[], None] | None = None,
) -> Account[Holder]:
    """The account read for `kind`/`key` once its password proved right within the login limits (and
    `refused_still` did not refuse it: `verify_guarded`)."""
    stored = account.credentials.password_hash if account is not None else None
    check = partial(_secret_matches, password, stored)
    verify_guarded(kind, key, check, source=source, settings=settings, now=now, refused_still=refused_still)
    if account is None:  # pragma: no cover - the dummy hash matches no password
        raise InvalidCredentialsError()
    return account


# --- admins ------------------------------------------------------------------------------------------


def admin_login(
    request: AdminLoginRequest, settings: Settings, now: datetime, source: str | None = None
) -> LoginResult:
    username = request.username
    account = runtime.people().admin_account(username)
    stored = account.credentials.password_hash if account is not None else None
    wrong_otp: list[mfa.WrongOtp] = []

    def password_and_otp() -> bool:
        """The password, then (MFA on) the one-time password: both are one evaluated secret, so a wrong OTP
        keeps its slot like a wrong password; a missing one does not count (the client learns it is needed)."""
        if not _secret_matches(request.password, stored) or account is None:
            return False
        if account.holder.mfa_enabled and request.otp is not None:
            try:
                mfa.check_login_otp(account, request.otp, now)
            except mfa.WrongOtp as exc:
                wrong_otp.append(exc)
                return False
        return True

    try:
        verify_guarded("admin", username, password_and_otp, source=source, settings=settings, now=now)
    except InvalidCredentialsError as exc:
        if wrong_otp:
            raise mfa.wrong_otp() from exc
        raise
    if account is None:  # pragma: no cover - the dummy hash matches no password
        raise InvalidCredentialsError()
    admin = account.holder
    if admin.mfa_enabled and request.otp is None:
        mfa.check_login_otp(account, None, now)  # 401 with details.otp = "required"
    if not admin.active:
        raise AccountInactiveError("Akun admin ini tidak aktif.")
    principal = Principal(
        admin.username, admin.role, admin.unit_ids, None, admin.token_version, tokens.new_session_id(), admin=admin
    )
    if _left_employment(principal):
        raise AccountInactiveError(ADMIN_LEFT)
    _stamp_login(admin.username, now)
    token = tokens.issue(principal, settings.token_secret, settings.token_ttl_s, now)
    setup = mfa.setup_required(principal, settings)
    return LoginResult(
        token,
        admin.role,
        setup,
        nip=admin.nip,
        sees_all_units=principal.sees_all_units,
        mfa_enabled=admin.mfa_enabled,
    )


# --- employees ---------------------------------------------------------------------------------------


def _employee_token(employee: Employee, device_id: str, settings: Settings, now: datetime) -> IssuedToken:
    unit = frozenset({employee.unor_id})
    principal = Principal(employee.nip, "employee", unit, device_id, employee.token_version, tokens.new_session_id())
    return tokens.issue(principal, settings.token_secret, settings.employee_token_ttl_s, now)


def _bind(nip: str, binding: PhoneBinding, how: str) -> None:
    """Bind the phone to the employee, named in the audit log in the same write (`_bind_named`): the step that
    decides whose phone checks in as whom. With `revoke`, earlier sessions end in that write too. With
    `approvals_seen`, ConditionFailed when a face was approved on the employee since (the caller checks again)."""
    try:
        _bound(nip, binding, how)
    except ConditionFailed as exc:
        if binding.code_hash is not None and _code_replaced(nip, binding.code_hash):
            raise InvalidCredentialsError(WRONG_CODE) from exc
        if binding.approvals_seen is not None and _approved_since(nip, binding.approvals_seen):
            raise
        # Either this phone belongs to an active colleague, or the employee has another phone (a leaver's phone
        # would have been taken but for that): each says what to do.
        holder = _other_holder(binding.device_id, nip)
        raise (_phone_of_other() if holder is not None and holder[1] else _account_on_other_phone()) from exc


def _code_replaced(nip: str, code_hash: str) -> bool:
    """Whether the employee's activation code is no longer the one verified (`code_hash`): another was issued while
    the activation ran (a card lost and printed again), which the new card's holder is to use."""
    account = runtime.people().employee_account(nip)
    return account is None or account.credentials.activation_hash != code_hash


def _bound(nip: str, binding: PhoneBinding, how: str) -> None:
    """Bind the phone; one still bound to a leaver (SIMPEG deactivated them: retired, moved out, died) is taken
    from them in the same write. Without this, a leaver's phone was refused to everyone for good (a retiree's
    phone handed on, a school's shared phone), with no admin step that says so. A phone of an active employee
    stays refused (one phone, one employee: buddy punching). ConditionFailed as `bind_device` (the leaver
    reactivated, or another colleague took it first: the caller then reads the owner anew)."""
    people = runtime.people()
    try:
        people.bind_device(nip, binding, _bind_named(nip, binding, how))
        return
    except ConditionFailed:
        holder = _other_holder(binding.device_id, nip)
        if holder is None or holder[1]:
            raise
    taken = replace(binding, taken_from=holder[0])
    people.bind_device(nip, taken, _bind_named(nip, taken, how))


def _other_holder(device_id: str, nip: str) -> tuple[str, bool] | None:
    """Whom other than `nip` the phone is bound to, and whether they are active (a binding whose employee record
    is gone counts as active: it is not taken); None for a phone unbound or `nip`'s."""
    owner = runtime.people().device_owner(device_id)
    if owner in (None, nip):
        return None
    found = runtime.people().get_employee(owner)
    return owner, found is None or found.active


def _approved_since(nip: str, seen: int) -> bool:
    """Whether a face was approved on the employee since their count of approvals read `seen`."""
    found = runtime.people().get_employee(nip)
    return found is not None and found.face_approvals != seen


def _bind_named(nip: str, binding: PhoneBinding, how: str) -> AuditBatch:
    """`employee.device_bind` on the employee (which phone, by activation or the first login after a reset); a
    phone taken from a leaver names them (`taken_from`) and is also an `employee.reset_device` on the leaver by the
    employee (`taken_by`), so either's history shows the move."""
    device, leaver = phone_hash(binding.device_id), binding.taken_from
    detail: dict[str, object] = {"device": device, "device_fingerprint": binding.fingerprint, "by": how}
    if leaver is None:
        return runtime.audit().stamped(nip, "employee.device_bind", {nip: detail}, role="employee")
    taken: dict[str, object] = {"device": device, "by": how, "taken_by": nip}
    named = [("employee.device_bind", nip, {**detail, "taken_from": leaver}), ("employee.reset_device", leaver, taken)]
    return runtime.audit().stamped_each(nip, named, role="employee")


def phone_hash(device_id: str) -> str:
    """How the audit log names a phone: with a new code its id opens the account (decision 193), so the log keeps
    a hash of it, never the id (entries written before are shown so too: `admin_views`)."""
    return hashlib.sha256(device_id.encode()).hexdigest()[:16]


def _phone_of_other() -> DeviceMismatchError:
    """A phone bound to another, active employee (a shared phone; a leaver's is taken: `_bound`): one phone serves one
    account; who owns it is not said."""
    return DeviceMismatchError(
        "Ponsel ini sudah terdaftar untuk akun pegawai lain. Satu ponsel hanya untuk satu pegawai: gunakan ponsel "
        "Anda sendiri, atau minta admin unit mereset perangkat pemilik akun yang terdaftar di ponsel ini.",
        {"reason": "phone_of_other"},
    )


def _account_on_other_phone() -> DeviceMismatchError:
    """The employee's account is bound to another phone (or to this phone in another browser)."""
    return DeviceMismatchError(
        "Akun Anda terdaftar di ponsel lain (atau di browser lain di ponsel ini, atau data Chrome/SMART di ponsel ini "
        "terhapus). Buka SMART di ponsel dan browser "
        "yang dipakai saat aktivasi; bila ganti ponsel atau datanya terhapus, minta admin unit mereset perangkat.",
        {"reason": "account_on_other_phone"},
    )


# A card printed again replaces the codes of the cards before it: the employee is told where a new one comes from.
WRONG_CODE = (
    "Kode aktivasi salah atau sudah kedaluwarsa. Periksa NIP dan kodenya; bila kartu sudah lama atau dicetak "
    "ulang, minta kode baru ke admin unit."
)
# A right code whose time is up: the holder has a real card (no guess), so the try is not counted against the account.
CODE_EXPIRED = "Kode aktivasi ini sudah kedaluwarsa (berlaku sampai {until}). Minta kode baru ke admin unit."
# A code used on an account activated before, from an admin who put one of its faces on within 7 days.
CODE_OF_VOUCHER = (
    "Kode aktivasi ini harus dibuat admin lain: admin yang membuatnya mendaftarkan wajah Anda dalam 7 hari terakhir. "
    "Minta kode baru ke admin lain."
)


def activate(request: ActivateRequest, settings: Settings, now: datetime, source: str | None = None) -> IssuedToken:
    nip, code, password, device_id = request.nip, request.activation_code, request.password, request.device_id
    strength.check_password(password, (nip,))
    account = runtime.people().employee_account(nip)
    credentials = account.credentials if account is not None else None
    stored = credentials.activation_hash if credentials is not None else None
    expires = credentials.activation_expires if credentials is not None else None
    key = codes.code_key(settings.token_secret)

    repeated = expired = False

    def code_matches() -> bool:
        """One MAC (or, for a code issued before codes were MACs, one scrypt run) whatever is stored; or the
        activation sent again (`_activated_here`). A right code past its time passes here (its try given back)
        and is refused once the limits are released (`expired`)."""
        nonlocal repeated, expired
        if codes.matches(key, nip, expires, code, stored):
            expired = (expires or 0) <= epoch(now)
            return True
        repeated = _activated_here(account, device_id, password)
        return repeated

    def issuer_in_office() -> None:
        """A right code whose issuer no longer acts for the employee is refused as a wrong one (its attempt kept)."""
        if not repeated and account is not None and not _issued_in_office(account.holder):
            raise InvalidCredentialsError()

    try:
        verify_guarded(
            "employee", nip, code_matches, source=source, settings=settings, now=now, refused_still=issuer_in_office
        )
    except InvalidCredentialsError as exc:
        raise InvalidCredentialsError(WRONG_CODE) from exc
    if account is None:  # pragma: no cover - the dummy hash matches no code
        raise InvalidCredentialsError()
    if expired:
        until = datetime.fromtimestamp(expires or 0, settings.tz)
        message = CODE_EXPIRED.format(until=f"{day_label(until.date())} pukul {until:%H.%M}")
        raise InvalidCredentialsError(message, {"activation_code": "expired", "expired_at": iso(until)})
    if not account.holder.active:
        raise AccountInactiveError()
    if repeated:  # the session of the login it now is (the binding was named with it the first time)
        return _employee_token(account.holder, device_id, settings, now)
    hashed = passwords.hash_secret(password)
    return bind_first_phone(account, device_id, hashed, settings, now, fingerprint=request.device_fingerprint)


def _issued_in_office(employee: Employee) -> bool:
    """Whether the admin who issued the employee's code may still issue it: an active super admin, or an active
    admin of the employee's unit now (`AdminUser.acts_in`). A printed code stays with whoever printed it: once that
    admin is deactivated or loses the unit, or the employee moves to another unit, it opens nothing, and the
    employee is told to ask their unit's admin for a new one, as for a card printed again (WRONG_CODE: the holder
    learns nothing of the issuer). A code without an issuer (from before they were noted) has expired long since."""
    issuer = runtime.people().get_admin(employee.code_issued_by) if employee.code_issued_by else None
    return issuer is not None and issuer.acts_in(employee.unor_id)


def _activated_here(account: EmployeeAccount | None, device_id: str, password: str) -> bool:
    """The same activation sent again, its answer lost on a weak link (the app tries again after 60 s): the code
    is spent, but this phone already holds the account, with this password. Refused, the employee would be sent
    for a new code, which ends the session, counts as a device reset and puts their first face under four eyes;
    answered, it is the login it now is (the same secrets a login asks). The password's KDF runs only for the
    bound phone."""
    if account is None or account.holder.device_id != device_id:
        return False
    return _secret_matches(password, account.credentials.password_hash)


def bind_first_phone(
    account: EmployeeAccount,
    device_id: str,
    password_hash: str,
    settings: Settings,
    now: datetime,
    *,
    fingerprint: str | None = None,
) -> IssuedToken:
    """The writes of a successful activation (phone bound both ways, password set, code spent) and its token. An
    account activated before (a new code: a forgotten password, or an admin's) ends every earlier session: whoever
    held it is signed out, as a password change does (decision 193).

    Public so that tools preparing many phones (bench/load_checkin.py --fast-setup) write and issue exactly
    what `activate` does, with a password hash computed once instead of one scrypt per phone.
    """
    holder, code = account.holder, account.credentials.activation_hash
    if account.credentials.password_hash is None:  # a first activation moves no one's account (decision 312)
        _bind(holder.nip, PhoneBinding(device_id, password_hash, fingerprint, code_hash=code), "activation")
        return _employee_token(holder, device_id, settings, now)
    issuer = holder.code_issued_by or ""
    for attempt in range(1, BIND_ATTEMPTS + 1):
        try:
            _bind_again(issuer, holder, device_id, password_hash, fingerprint=fingerprint, now=now, code=code)
            break
        except ConditionFailed:  # a face approved since the check: checked again with the employee read now
            if attempt == BIND_ATTEMPTS:
                raise
            holder = runtime.people().get_employee(holder.nip) or holder
    # The bind moved the token version on (a revocation racing it makes this token refused: log in).
    return _employee_token(replace(holder, token_version=holder.token_version + 1), device_id, settings, now)


def _bind_again(
    issuer: str,
    employee: Employee,
    device_id: str,
    password_hash: str,
    *,
    fingerprint: str | None,
    now: datetime,
    code: str | None,
) -> None:
    """The binding of an account activated before, with a new code: noted as a device reset by the code's issuer
    (four eyes on faces after it), every earlier session ended. Refused to an issuer who vouched for one of the
    employee's faces (`_code_not_vouched_by`); ConditionFailed when a face was approved since `employee` was read
    (the issuer stays the one of the code checked: a code issued meanwhile is another code)."""
    seen = _code_not_vouched_by(issuer, employee, now)
    binding = PhoneBinding(
        device_id, password_hash, fingerprint, reset_by=issuer, revoke=True, approvals_seen=seen, code_hash=code
    )
    _bind(employee.nip, binding, "activation")


def _code_not_vouched_by(issuer: str, employee: Employee, now: datetime) -> int | None:
    """403 four_eyes when the code's issuer put one of the employee's approved faces on within FOUR_EYES: a code
    moves an activated account to whichever phone uses it, as a device reset frees it, and neither is for the
    admin whose face it may be (`faces.vouched_by`, decisions 173, 312). The check is a read: the count of
    approvals it goes with (`Employee.face_approvals`, read before it) conditions the binding, so that a face
    approved meanwhile makes it check again. None for a code without an issuer (issued before they were noted)."""
    if not issuer:
        return None
    if faces.vouched_by(issuer, employee.nip, now):
        raise ForbiddenError(CODE_OF_VOUCHER, {"reason": "four_eyes"})
    return employee.face_approvals


def employee_login(
    request: EmployeeLoginRequest, settings: Settings, now: datetime, source: str | None = None
) -> IssuedToken:
    nip, device_id = request.nip, request.device_id
    read = runtime.people().employee_account(nip)

    def on_another_phone() -> None:
        """DEVICE_MISMATCH for the right password from a phone other than the bound one, its attempt kept as a
        failed one's: given back, it let whoever holds the password confirm it (403, not 401) and ask again
        without limit until an admin's reset freed the account, then bind their own phone with the next try."""
        holder = read.holder if read is not None else None
        if holder is not None and holder.active and holder.device_id not in (None, device_id):
            raise _account_on_other_phone()

    account = _password_checked(
        "employee", nip, read, request.password, source=source, settings=settings, now=now,
        refused_still=on_another_phone,
    )  # fmt: skip
    employee = account.holder
    if not employee.active:
        raise AccountInactiveError()
    if employee.device_id is None:
        _bind(employee.nip, PhoneBinding(device_id, fingerprint=request.device_fingerprint), "login")
    return _employee_token(employee, device_id, settings, now)


# --- sessions ----------------------------------------------------------------------------------------


def _kind(principal: Principal) -> AccountKind:
    return "employee" if principal.role == "employee" else "admin"


def change_password(
    principal: Principal, request: ChangePasswordRequest, settings: Settings, now: datetime, source: str | None
) -> IssuedToken:
    """Check the current password (within the login limits), set the new one and end every other session of
    the account at once; the caller's session goes on (with its token, or the one answered here).

    An admin's change is audited (`admin_user.password`, the password only as "changed"), as a super admin's
    reset of it and the own second factor are: who re-keyed an admin account, and when, reads from the log.
    Audited in the change's own transaction: a failed entry (503) keeps the old password, which the retry sends
    again, and names nothing; a made change is named once."""
    kind, key = _kind(principal), principal.subject
    own_nip = principal.admin.nip if principal.admin else None  # an admin who is also an employee
    strength.check_password(request.new_password, (key, own_nip), "new_password")
    people = runtime.people()
    current = request.current_password
    audit = None
    if kind == "employee":
        _password_checked(kind, key, people.employee_account(key), current, source=source, settings=settings, now=now)
    else:
        _password_checked(kind, key, people.admin_account(key), current, source=source, settings=settings, now=now)
        audit = runtime.audit().stamped(key, "admin_user.password", {key: {"password": "changed"}})
    try:
        kept = None if principal.session_id is None else kept_marker(principal.version, principal.session_id)
        version = people.set_password(kind, key, passwords.hash_secret(request.new_password), kept, audit)
    except ConditionFailed as exc:  # pragma: no cover - read just above; its sessions ended meanwhile (a reset)
        raise UnauthenticatedError() from exc
    ttl = settings.token_ttl_for(principal.role)
    return tokens.issue(replace(principal, version=version), settings.token_secret, ttl, now)


def logout(principal: Principal, settings: Settings, now: datetime) -> None:
    """End the caller's session: that token stops working at once, the account's other sessions go on. A token
    from before sessions had ids ends every session of the account instead."""
    people, kind, key, session = runtime.people(), _kind(principal), principal.subject, principal.session_id
    holder = principal.employee or principal.admin
    try:
        if session is None or holder is None:
            people.revoke_tokens(kind, key)
            return
        # No token of this session outlives this instant, whatever the setting was when it was issued (shortened
        # since, the setting's lifetime would forget the mark while a token of the old one still lived).
        until = epoch(now) + longest_token_ttl(principal.role)
        people.end_session(kind, key, ended_marker(until, session), holder.sessions.expired(epoch(now)))
    except ConditionFailed as exc:  # pragma: no cover - authenticate read the account
        raise UnauthenticatedError() from exc


def unlock(actor: Principal, kind: AccountKind, key: str) -> None:
    """A super admin frees an existing account's login slots at once (404 for an unknown account)."""
    require_super_admin(actor)
    people = runtime.people()
    exists = people.get_employee(key) if kind == "employee" else people.get_admin(key)
    if exists is None:
        raise NotFoundError()
    people.clear_login_attempts(
        login_scope(kind, key), runtime.audit().stamped(actor.subject, f"{kind}.unlock", {key: None})
    )


# --- requests ----------------------------------------------------------------------------------------


def _token_principal(header: str | None, settings: Settings, now: datetime) -> Principal:
    """The principal of a well-signed, unexpired bearer token, WITHOUT the check against the stored account."""
    if not header or not header.startswith("Bearer "):
        raise UnauthenticatedError()
    return tokens.verify(header[len("Bearer ") :].strip(), settings.token_secret, now)


def authenticate(header: str | None, settings: Settings, now: datetime) -> Principal:
    """Turn an Authorization header into a principal judged by the stored account (one read): the token's
    version and session must still be admitted by the account (`Sessions.admits`: logout, password change and
    device reset end sessions), an employee must still be of the unit the token names (401: moved) and active
    (403 ACCOUNT_INACTIVE)."""
    principal = _token_principal(header, settings, now)
    if principal.role == "employee":
        # Moved to another unit since the token was issued (a SIMPEG move): the token no longer works, as an
        # admin's does not once their units change (API.md "Accounts and sessions").
        employee = runtime.people().get_employee(principal.subject)
        holder: Employee | AdminUser | None = (
            employee if employee is not None and _unit_fits(principal, employee) else None
        )
        principal = replace(principal, employee=employee)
    else:
        # An admin is judged by the stored account, read once here: deactivated, or given another role or other
        # units since the token was issued, the token no longer works (whatever its version).
        admin = runtime.people().get_admin(principal.subject)
        holder = admin if admin is not None and _token_fits(principal, admin) else None
        principal = replace(principal, admin=admin)
    if holder is None or not holder.sessions.admits(principal.session_id, principal.version, holder.token_version):
        raise UnauthenticatedError()
    if principal.employee is not None and not principal.employee.active:
        raise AccountInactiveError()
    if _left_employment(principal):  # as a deactivated admin's token: 401, the console signs out
        raise UnauthenticatedError()
    return principal


# The login of an admin account of an employee SIMPEG deactivated (`_left_employment`).
ADMIN_LEFT = (
    "Akun admin ini tidak aktif: pegawai dengan NIP akun ini telah dinonaktifkan SIMPEG (pensiun, mutasi keluar, "
    "atau berhenti). Hubungi super admin."
)


def _left_employment(principal: Principal) -> bool:
    """Whether the admin's own employee record (their account's `nip`, decision 114) was deactivated by SIMPEG: a
    school operator who retired, was dismissed or moved out of the regency kept reading the unit's selfies,
    letters and reports until a super admin happened to switch the account off. Their tokens end as a deactivated
    admin's do (401) and their login is 403 ACCOUNT_INACTIVE in words; judged on every request from the stored
    record (one more read, for admins with a NIP only), so it holds at once, and a reactivation (SIMPEG corrected)
    lets them in again. Not for a super admin: the regency's way back in must not hang on SIMPEG; another super
    admin ends one who left."""
    admin = principal.admin
    if admin is None or admin.nip is None or principal.is_super_admin:
        return False
    employee = runtime.people().get_employee(admin.nip)
    return employee is not None and not employee.active


def _unit_fits(principal: Principal, employee: Employee) -> bool:
    """An employee's token names the one unit they belonged to when it was issued (`_employee_token`)."""
    return principal.unit_ids == frozenset({employee.unor_id})


def _token_fits(principal: Principal, admin: AdminUser) -> bool:
    return admin.active and admin.role == principal.role and admin.unit_ids == principal.unit_ids
