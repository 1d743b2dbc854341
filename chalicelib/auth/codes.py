"""One-time activation codes: drawn at random, stored as a keyed MAC, never as the code.

Stored form: ``hmac-sha256$<MAC b64>``, the MAC being HMAC-SHA256 under a key derived from the deployment's
signing secret (`code_key`) over the employee's NIP, the code's expiry and the code. A code is 8 random
digits, lives `SMART_ACTIVATION_TTL_S` (7 days by default) and at most 5 are evaluated per account in a
login window, so online guessing is bounded by the login limits, not by the hash's cost. What a slow KDF
(scrypt) added was resistance to guessing *offline* from a leaked table; without the key a MAC gives an
offline guesser nothing to test against at all, and with the key (the token secret) an attacker could mint
any employee's token anyway. The NIP and expiry inside the MAC keep a stored value from being copied to
another employee or given a longer life by whoever can write the table but has not the key
(docs/decision_log.md, docs/threat_model.md).

Codes stored before (``scrypt$...``, auth/passwords.py) still verify until they expire.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from chalicelib.auth import passwords

SCHEME = "hmac-sha256"
_DUMMY_MAC = bytes(32)  # what a missing code is compared with: the same work, and nothing matches it


def new_code() -> str:
    """Eight digits are easy to type on a phone; expiry and the login limits make guessing useless."""
    return f"{secrets.randbelow(10**8):08d}"


def code_key(signing_secret: str) -> bytes:
    """The MAC key of activation codes, derived from the deployment's signing secret (its own purpose, so a
    code's MAC is never a token's or a cursor's signature). Rotating the secret voids the codes outstanding."""
    return hashlib.sha256(b"smart/activation-code:" + signing_secret.encode("utf-8")).digest()


def _mac(key: bytes, nip: str, expires_epoch: int, code: str) -> bytes:
    message = f"{nip}\x00{expires_epoch}\x00{code}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def seal(key: bytes, nip: str, expires_epoch: int, code: str) -> str:
    """What is stored for `code`, issued to `nip` until `expires_epoch`."""
    digest = base64.urlsafe_b64encode(_mac(key, nip, expires_epoch, code)).decode().rstrip("=")
    return f"{SCHEME}${digest}"


def _unsealed(stored: str) -> bytes | None:
    scheme, _, digest = stored.partition("$")
    if scheme != SCHEME:
        return None
    try:
        return base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4))
    except ValueError:
        return None


def matches(key: bytes, nip: str, expires_epoch: int | None, code: str, stored: str | None) -> bool:
    """Whether `code` is the one stored for `nip` with that expiry (not whether it is still live: the caller
    compares the expiry with the clock). A missing or malformed value costs one MAC and never matches; a code
    stored as a scrypt hash before the switch is checked by scrypt."""
    if stored is not None and stored.startswith("scrypt$"):
        return passwords.verify_secret(code, stored)
    expected = _unsealed(stored) if stored is not None and expires_epoch is not None else None
    computed = _mac(key, nip, expires_epoch or 0, code)
    return hmac.compare_digest(computed, expected if expected is not None else _DUMMY_MAC) and expected is not None
