"""The log line and metrics of one HTTP request (the logger and metrics themselves: chalicelib.observability).

``RequestLog`` is used by every route's wrapper (``endpoint`` and the fallbacks in chalicelib/api/http.py):

    log = RequestLog(request, route)
    with log.context():          # request_id and route on every line written meanwhile
        ...build the response...
        return log.finish(response, principal)

``finish`` sets ``X-Request-Id``, writes ONE JSON line (message "request") with request_id, route (the path
template), method, status, outcome, latency_ms, role, for an employee nip_hash, for an admin the user name
(`admin`), and whose data the path or query names (`subject_nip_hash`, `unor_id`); adds RequestLatency (and
Http5xx for a 5xx answer) and flushes the request's metrics. Never the body, a header, a token or a raw NIP;
and it never fails: a request whose settings cannot be loaded gets its line without the NIP hashes.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chalice.app import Request, Response

from chalicelib import observability as obs
from chalicelib.auth.tokens import Principal

REQUEST_ID_HEADER = "X-Request-Id"
MAX_OUTCOME_BODY = 16 * 1024  # larger answers (lists, exports) are not parsed for their outcome
_OUTCOME = re.compile(r"^[A-Za-z_]{1,40}$")
UNIT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")  # a unit id as SIMPEG gives it: one token, no spaces
UNIT_SEPARATORS = re.compile(r"[_.:-]")  # what may stand between the digits of a NIP sent as a unit
NIP_DIGITS = re.compile(r"[0-9]{18}")  # a NIP's 18 digits, anywhere in what was sent


def request_id_of(request: Request) -> str:
    """API Gateway's id of the request when there is one (its own access logs carry it too), else a new one."""
    context: Any = request.context or {}
    given = context.get("requestId") if isinstance(context, dict) else None
    return str(given) if given else uuid.uuid4().hex[:12]


def outcome_of(response: Response) -> str:
    """The error code of an error answer; otherwise the answer's own ``status`` when it has one (a check-in's
    accepted/review, a SIMPEG run's status), else "ok"."""
    body = _small_json(response)
    if response.status_code >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        code = error.get("code") if isinstance(error, dict) else None
        return code if isinstance(code, str) and _OUTCOME.match(code) else f"HTTP_{response.status_code}"
    status = body.get("status") if isinstance(body, dict) else None
    return status if isinstance(status, str) and _OUTCOME.match(status) else "ok"


def _small_json(response: Response) -> Any:
    body = response.body
    if isinstance(body, dict):
        return body
    if not isinstance(body, str | bytes) or len(body) > MAX_OUTCOME_BODY:
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _caller(principal: Principal) -> dict[str, str]:
    """Who called: an employee by NIP hash; an admin by user name, since admins answer for what they read
    (photos, positions) as well as for what they change (the audit log), unless the name holds a NIP (an
    operator who logs in with their own, as many regencies do): then by that NIP's hash."""
    if principal.role == "employee":
        return _without_none({"role": principal.role, "nip_hash": obs.nip_hash_or_none(principal.subject)})
    nip = NIP_DIGITS.search(UNIT_SEPARATORS.sub("", principal.subject))
    if nip is not None:
        return _without_none({"role": principal.role, "admin_nip_hash": obs.nip_hash_or_none(nip.group())})
    return {"role": principal.role, "admin": principal.subject}


def _whose(request: Request) -> dict[str, str]:
    """Whose data the request is about, where its path or query names it: the employee's NIP hashed, the unit
    as it is (a unit id is no personal data)."""
    named = {**(request.query_params or {}), **(request.uri_params or {})}
    found: dict[str, str | None] = {}
    if isinstance(named.get("nip"), str):
        found["subject_nip_hash"] = obs.nip_hash_or_none(named["nip"])
    unit = named.get("unor_id")
    if isinstance(unit, str) and _is_unit_id(unit):
        found["unor_id"] = unit
    return _without_none(found)


def _is_unit_id(text: str) -> bool:
    """Whether a `unor_id` as sent may be logged as it is: one token shaped like a unit id, in which no NIP
    hides. Whatever else was sent where a unit goes is left out: a NIP as people write it (with spaces or dots,
    with a space pasted along, inside other text) or a name; the filter is the caller's own, never checked
    before the line is written."""
    return bool(UNIT_ID.fullmatch(text)) and not NIP_DIGITS.search(UNIT_SEPARATORS.sub("", text))


def _without_none(fields: dict[str, str | None]) -> dict[str, str]:
    """The fields that have a value (a NIP hash is None when the settings cannot be loaded)."""
    return {name: value for name, value in fields.items() if value is not None}


class RequestLog:
    """One request's clock, id and closing log line."""

    def __init__(self, request: Request, route: str) -> None:
        self.started = time.perf_counter()
        self.request = request
        self.route = route
        self.request_id = request_id_of(request)

    @contextmanager
    def context(self) -> Iterator[None]:
        with obs.log_context(request_id=self.request_id, route=self.route):
            yield

    def finish(self, response: Response, principal: Principal | None) -> Response:
        latency = obs.elapsed_ms(self.started)
        response.headers[REQUEST_ID_HEADER] = self.request_id
        fields: dict[str, Any] = {
            "method": self.request.method,
            "status": response.status_code,
            "outcome": outcome_of(response),
            "latency_ms": round(latency, 1),
        }
        if principal is not None:
            fields.update(_caller(principal))
        fields.update(_whose(self.request))
        obs.add(obs.Metric.REQUEST_LATENCY, latency)
        if response.status_code >= 500:
            obs.add(obs.Metric.HTTP_5XX)
            obs.logger.warning("request", extra=fields)
        else:
            obs.logger.info("request", extra=fields)
        obs.flush()
        return response
