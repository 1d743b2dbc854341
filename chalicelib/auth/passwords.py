"""Password and one-time-code hashing with scrypt (stdlib), a memory-hard slow KDF.

Format: ``scrypt$<n>$<r>$<p>$<salt b64>$<hash b64>`` so parameters can be raised later without
invalidating stored hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass


@dataclass(frozen=True)
class KdfParams:
    """scrypt cost parameters; n=2**14, r=8 needs 16 MiB and ~50 ms per hash on the target machine."""

    n: int = 2**14
    r: int = 8
    p: int = 1


DEFAULT_PARAMS = KdfParams()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _derive(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=params.n, r=params.r, p=params.p, maxmem=64 * 1024 * 1024, dklen=32
    )


def hash_secret(secret: str, params: KdfParams = DEFAULT_PARAMS) -> str:
    salt = secrets.token_bytes(16)
    digest = _derive(secret, salt, params)
    return f"scrypt${params.n}${params.r}${params.p}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str | None) -> bool:
    """Constant-time check of a secret against a stored hash; a malformed hash never matches."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        params = KdfParams(int(n), int(r), int(p))
        return hmac.compare_digest(_derive(secret, _unb64(salt), params), _unb64(digest))
    except (ValueError, TypeError):
        return False
