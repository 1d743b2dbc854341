"""The password rule of API.md: at least 10 characters, not common, not the account's own NIP or user name,
and no run like ``12345`` or ``aaaaa``. No other composition rules (NIST SP 800-63B 5.1.1.2).

The common passwords are `common_passwords.txt` beside this module (its header names its sources), read once
per process; nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

from chalicelib.errors import WeakPasswordError

MIN_LENGTH = 10
RUN_LENGTH = 5
COMMON_FILE = Path(__file__).with_name("common_passwords.txt")

# Why a password is refused: the reason in `details.password` and the Indonesian message.
REASONS = {
    "too_short": f"Kata sandi minimal {MIN_LENGTH} karakter.",
    "common": "Kata sandi ini terlalu umum dan mudah ditebak. Pilih kata sandi lain.",
    "contains_identity": "Kata sandi tidak boleh memuat NIP atau nama pengguna Anda.",
    "simple_run": f"Kata sandi tidak boleh memuat deret seperti 12345 atau aaaaa ({RUN_LENGTH} karakter atau lebih).",
}


@functools.cache
def common_passwords() -> frozenset[str]:
    """The list, lower case; lines starting with # are its header."""
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def has_run(text: str, length: int = RUN_LENGTH) -> bool:
    """Whether `text` holds `length` characters in a row that repeat one (aaaaa) or step by one (12345, edcba)."""
    count, step = 1, None
    for before, after in itertools.pairwise(text):
        delta = ord(after) - ord(before)
        if delta in (-1, 0, 1) and (count == 1 or delta == step):
            count, step = count + 1, delta
        elif delta in (-1, 0, 1):
            count, step = 2, delta
        else:
            count, step = 1, None
        if count >= length:
            return True
    return False


def weakness(password: str, identities: tuple[str | None, ...] = ()) -> str | None:
    """The reason `password` is refused (a key of REASONS), or None when it is acceptable."""
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        return "too_short"
    if lowered in common_passwords():
        return "common"
    if any(identity and identity.lower() in lowered for identity in identities):
        return "contains_identity"
    if has_run(lowered):
        return "simple_run"
    return None


def check_password(password: str, identities: tuple[str | None, ...] = (), field: str = "password") -> None:
    """Refuse a new password (400 WEAK_PASSWORD) that breaks the rule; `identities` are the account's NIP and
    user name (None: an admin without a NIP)."""
    reason = weakness(password, identities)
    if reason is not None:
        raise WeakPasswordError(REASONS[reason], {field: reason})
