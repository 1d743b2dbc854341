"""Check-in challenges as signed tokens: issued without a write, consumed by the check-in that uses them.

A challenge id is ``<issued epoch s>.<ttl s>.<action>.<nonce>.<mac>``: the MAC (HMAC-SHA256 under the
deployment's token secret, truncated to 128 bits) binds issue time, lifetime, the liveness action asked (one
letter, ``x`` when none) and nonce to the employee and the phone, so
a check-in checks validity without reading anything, and a forged, altered, foreign or expired id is refused
as CHALLENGE_INVALID. One use is enforced where it matters: the check-in's transaction writes the id's row
on condition that no other request did (``store.events.write_checkin``). Issuing a challenge therefore
stores nothing (decision 36); its issue time becomes the attendance time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_FORMAT = re.compile(
    r"^(?P<issued>[0-9]{9,11})\.(?P<ttl>[0-9]{1,5})\.(?P<action>[lrnbx])\.(?P<nonce>[A-Za-z0-9_-]{16})"
    r"\.(?P<mac>[A-Za-z0-9_-]{22})$"
)
# The liveness action a challenge asks for, by its letter in the id (x: none asked).
_ACTIONS = {"l": "turn_left", "r": "turn_right", "n": "nod", "b": "blink"}
_LETTERS = {action: letter for letter, action in _ACTIONS.items()}
_DOMAIN = b"smart-checkin-challenge-v1"
# Lambda containers' clocks agree to well under a second; a challenge "from the future" beyond that is forged.
_CLOCK_SLACK = timedelta(seconds=5)


@dataclass(frozen=True)
class Challenge:
    challenge_id: str
    issued_at: datetime
    expires_at: datetime
    action: str | None = None  # the liveness movement asked (turn_left, turn_right, nod, blink) or None


def issue(nip: str, device_id: str, now: datetime, ttl_s: int, secret: str, *, action: str | None = None) -> Challenge:
    """A fresh challenge for this employee on this phone, valid for `ttl_s` seconds from `now` (whole seconds),
    asking for the liveness movement `action` (None: none)."""
    issued = int(now.timestamp())
    nonce = secrets.token_urlsafe(12)
    body = f"{issued}.{ttl_s}.{_LETTERS[action] if action else 'x'}.{nonce}"
    challenge_id = f"{body}.{_mac(body, nip, device_id, secret)}"
    issued_at = datetime.fromtimestamp(issued, tz=UTC)
    return Challenge(challenge_id, issued_at, issued_at + timedelta(seconds=ttl_s), action)


def verify(challenge_id: str, nip: str, device_id: str, now: datetime, secret: str) -> Challenge | None:
    """The challenge if `challenge_id` was issued by this deployment to this employee and phone and has not
    expired at `now`; None otherwise (whether it was already used is the store's business)."""
    match = _FORMAT.match(challenge_id)
    if match is None:
        return None
    body = challenge_id.rsplit(".", 1)[0]
    if not hmac.compare_digest(match["mac"], _mac(body, nip, device_id, secret)):
        return None
    issued_at = datetime.fromtimestamp(int(match["issued"]), tz=UTC)
    expires_at = issued_at + timedelta(seconds=int(match["ttl"]))
    if not issued_at <= now + _CLOCK_SLACK or now >= expires_at:
        return None
    return Challenge(challenge_id, issued_at, expires_at, _ACTIONS.get(match["action"]))


def _mac(body: str, nip: str, device_id: str, secret: str) -> str:
    message = b"\x00".join((_DOMAIN, nip.encode(), device_id.encode(), body.encode()))
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
