"""Signed bearer tokens (JWT, HS256) with expiry and a per-account version for revocation.

A token carries who (``sub``), the role, the unit scope of a unit admin, the bound phone of an employee,
``ver``: bumping the account's token version (password change, device reset) revokes old tokens, and ``sid``,
the session a login opened (logout ends that session alone: `chalicelib.domain.people.Sessions`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from chalicelib.domain.people import ROLES, Principal
from chalicelib.errors import UnauthenticatedError

__all__ = ["IssuedToken", "Principal", "issue", "new_session_id", "verify"]
_ALGORITHM = "HS256"
_ISSUER = "smart"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def new_session_id() -> str:
    """A fresh, unguessable session id for the token of one login or activation."""
    return secrets.token_urlsafe(12)


def issue(principal: Principal, secret: str, ttl_s: int, now: datetime) -> IssuedToken:
    expires = now + timedelta(seconds=ttl_s)
    claims: dict[str, object] = {
        "iss": _ISSUER,
        "sub": principal.subject,
        "role": principal.role,
        "units": sorted(principal.unit_ids),
        "ver": principal.version,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
    }
    if principal.device_id is not None:
        claims["dev"] = principal.device_id
    if principal.session_id is not None:
        claims["sid"] = principal.session_id
    return IssuedToken(jwt.encode(claims, secret, algorithm=_ALGORITHM), expires)


def verify(token: str, secret: str, now: datetime | None = None) -> Principal:
    """Decode and check a token; anything wrong (signature, expiry, shape) is UNAUTHENTICATED."""
    moment = now or datetime.now(UTC)
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            issuer=_ISSUER,
            options={"require": ["exp", "sub", "iat"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise UnauthenticatedError() from exc
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= int(moment.timestamp()):
        raise UnauthenticatedError()
    role = claims.get("role")
    units = claims.get("units", [])
    if role not in ROLES or not isinstance(units, list):
        raise UnauthenticatedError()
    device, session = claims.get("dev"), claims.get("sid")
    return Principal(
        subject=str(claims["sub"]),
        role=str(role),
        unit_ids=frozenset(str(u) for u in units),
        device_id=str(device) if device is not None else None,
        version=int(claims.get("ver", 0)),
        session_id=str(session) if session is not None else None,
    )
