"""Time-based one-time passwords for admin logins (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps).

pyotp computes the codes (RFC 4226 truncation, base32 secrets, the otpauth:// URI authenticator apps scan);
this module decides which time steps are accepted: the current one and one either side, for phone clocks a
little off. A caller spends the step it got back so that the same code is never accepted twice.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "SMART"
DIGITS = 6
PERIOD_S = 30
DRIFT_STEPS = 1  # steps accepted before and after the current one


def new_secret() -> str:
    """A fresh random secret: 32 base32 characters (160 bits, RFC 4226's recommended length)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_S).provisioning_uri(name=username, issuer_name=ISSUER)


def step_at(moment: datetime) -> int:
    """The RFC 6238 time step (T) of an instant."""
    return int(moment.timestamp()) // PERIOD_S


def code_at(secret: str, step: int) -> str:
    """The code of one time step."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=PERIOD_S).generate_otp(step)


def matching_step(secret: str, otp: str, now: datetime) -> int | None:
    """The accepted time step whose code is `otp` (constant-time comparison), or None."""
    if len(otp) != DIGITS or not otp.isascii() or not otp.isdigit():
        return None
    current = step_at(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), otp):
            found = step if found is None else max(found, step)
    return found
