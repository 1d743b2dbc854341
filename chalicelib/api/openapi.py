"""docs/openapi.yaml, generated from the routes declared with ``endpoint()`` and the use cases' models.

Each operation comes from one registry entry (``chalicelib.api.binding.ENDPOINTS``): path, method, roles
(from ``auth_as``), success status, request body / query / result models, the route's docstring (first line
the summary, the rest the description) and its error codes. The error statuses come from the one table
``STATUS_BY_CODE``; every route also lists the codes any route of its kind may answer (401/403 when
authenticated, 400/413 with a body, 400 with a query, 503 always). Schemas are pydantic's JSON schemas.

Regenerate with ``python -m tools.openapi`` (a test fails when the committed file differs).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pydantic
import yaml
from chalice.app import Chalice
from pydantic.json_schema import models_json_schema

from chalicelib.api.binding import ENDPOINTS, Endpoint
from chalicelib.api.errors import REFUSAL_CODES, STATUS_BY_CODE
from chalicelib.api.http import READ_METHODS
from chalicelib.domain.people import NIP_PATTERN

SPEC_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "python -m tools.openapi"
REF = "#/components/schemas/{model}"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
FALLBACK_VIEWS = {"_method_not_allowed", "_not_found"}
ROLES = {
    "none": [],
    "employee": ["employee"],
    "admin": ["unit_admin", "super_admin", "auditor"],
    "super_admin": ["super_admin"],
    "any": ["employee", "unit_admin", "super_admin", "auditor"],
}
TAGS = [
    {"name": "health"},
    {"name": "auth", "description": "Logins, activation, device binding, admin users."},
    {"name": "directory", "description": "Employees and units (from SIMPEG)."},
    {"name": "simpeg", "description": "SIMPEG import, sync and run history."},
    {"name": "zones", "description": "Work zones, unit zones and field-duty assignments."},
    {"name": "faces", "description": "Face enrolment templates."},
    {"name": "attendance", "description": "The employee's challenge, check-in/out and own data."},
    {"name": "reports", "description": "Monitoring, daily and monthly recaps, reviews."},
    {"name": "calendar", "description": "Schedules, shifts, holidays, Ramadan periods, leaves."},
    {"name": "rollout", "description": "Fingerprint machines (PINs, punch import, cut-over) and the adoption report."},
    {"name": "operations", "description": "Runs of the scheduled jobs."},
    {"name": "requests", "description": "Employees' requests (leave, field duty, corrections) and decisions."},
]
DESCRIPTION = """\
Machine-readable description of every endpoint the SMART app serves, generated from the route declarations
and the use cases' pydantic models (`python -m tools.openapi`; tests/unit/test_openapi.py fails when this file
differs from what the code generates). The prose contract is docs API.md; this document adds the fields and
endpoints the code has beyond it.

Conventions:
- JSON in and out (`application/json; charset=utf-8`); instants are ISO 8601 with an offset, dates
  `YYYY-MM-DD` in the regency's time zone; a NIP is 18 digits.
- Request fields are strictly typed (a boolean is not a number, a number is not a string, NaN/Infinity are
  refused), strings are trimmed, unknown fields are ignored.
- Every error is the `Error` body with a stable `code`; the `message` is in Bahasa Indonesia for people; the
  `details` of a `VALIDATION_ERROR` name the fields (nested ones with dots, e.g. `circle.radius_m`).
- Authentication: `Authorization: Bearer <token>` from a login endpoint. Each operation states its roles
  (`employee`, `unit_admin`, `super_admin`, or `none`) in its description and in `x-roles`.
  A unit admin only sees and changes data of their own units (otherwise 403 `FORBIDDEN`).
- Any operation may also answer 405 `METHOD_NOT_ALLOWED` (wrong method on a known path), 415
  `UNSUPPORTED_MEDIA_TYPE` (a body that is not JSON) and 500 `INTERNAL` (a bug): see each operation's
  `default` response. Unknown paths answer 404 `NOT_FOUND`.
- Every answer carries an `X-Request-Id` header (also written in the server log line of the request) and
  `Cache-Control: no-store` (every answer is one caller's: no browser or proxy may keep it).
- 503 `UNAVAILABLE` and 429 `RATE_LIMITED` answers carry `Retry-After` (seconds).
"""
CODE_TEXT = {
    "VALIDATION_ERROR": "malformed JSON or an invalid field; `details` name the fields",
    "UNSUPPORTED_IMAGE": "not a readable JPEG/PNG",
    "WEAK_PASSWORD": "the new password is shorter than 10 characters, common, contains the NIP or user name, or "
    "a run such as `12345`/`aaaaa` (`details.password` names which)",
    "UNAUTHENTICATED": "no, invalid, expired or revoked bearer token",
    "INVALID_CREDENTIALS": "wrong user name/NIP, password or activation code",
    "FORBIDDEN": "the role or unit scope does not allow this",
    "DEVICE_MISMATCH": "another phone is bound, or this phone belongs to someone else",
    "ACCOUNT_INACTIVE": "the employee's account is not active",
    "NOT_FOUND": "the thing does not exist (or is outside the caller's scope)",
    "CONFLICT": "the request conflicts with the current state",
    "ALREADY_RECORDED": "the arrival of the day is already recorded (details `first_event`)",
    "PAYLOAD_TOO_LARGE": "the body is over the size limit (details `max_bytes`)",
    "RATE_LIMITED": "too many failed attempts on the account (5 in 15 minutes) or from the address (30 a "
    "minute); retry after `details.retry_after_s`",
    "UNAVAILABLE": "a dependency (DynamoDB, S3, SIMPEG, face models) is down; nothing was half-written; retry",
}
CHECKIN_REFUSED = """\
The check-in was refused for a reason the employee can act on: {codes}. Once the attempt is judged (position and
face checks) it is kept for audit with its photo: the body then carries a top-level `event_id`, and a retry with
the same client_request_id gets this same answer. `CHALLENGE_INVALID` is decided before that: it has no
`event_id`, nothing is recorded, and a retry runs again."""
UNEXPECTED = {
    "description": "Any other error: 405 `METHOD_NOT_ALLOWED` (known path, wrong method), 414 `URI_TOO_LONG` "
    "(path and query over 4,096 characters), 415 `UNSUPPORTED_MEDIA_TYPE` (a body whose Content-Type is not "
    "JSON), 431 `HEADERS_TOO_LARGE` (headers over 8,192 bytes), 500 `INTERNAL` (a bug; never the answer to bad "
    "input).",
    "content": {"application/json": {"schema": ERROR_REF}},
}
PATH_PARAMETERS = {
    "nip": {"type": "string", "pattern": NIP_PATTERN.pattern},
    "date": {"type": "string", "format": "date"},
    "year": {"type": "string", "pattern": "^[0-9]{4}$"},
}


def served_endpoints(app: Chalice) -> list[Endpoint]:
    """The app's routes (without the 404/405 fallbacks) as declared with endpoint(), in registration order."""
    declared = {(e.path, e.method): e for e in ENDPOINTS}
    served = []
    for path, entries in app.routes.items():
        for method, entry in entries.items():
            if entry.view_name in FALLBACK_VIEWS:
                continue
            if (path, method) not in declared:
                raise LookupError(f"{method} {path} is not declared with endpoint()")
            served.append(declared[(path, method)])
    return served


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _clean(node: Any) -> Any:
    """Pydantic's schema without the generated titles (noise in a document read by people)."""
    if isinstance(node, dict):
        return {k: _clean(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_clean(v) for v in node]
    return node


Refs = dict[tuple[type[Any], str], Any]


def _schemas(endpoints: Iterable[Endpoint]) -> tuple[Refs, dict[str, Any]]:
    wanted: list[tuple[type[pydantic.BaseModel], Any]] = []
    for e in endpoints:
        pairs = ((e.body, "validation"), (e.raw_body, "validation"), (e.response, "serialization"))
        for model, mode in (*pairs, (e.accepted, "serialization")):
            if model is not None and (model, mode) not in wanted:
                wanted.append((model, mode))
    refs, top = models_json_schema(wanted, ref_template=REF)
    found: Refs = {(model, str(mode)): ref for (model, mode), ref in refs.items()}
    return found, _clean(top.get("$defs", {}))


def _query_parameters(model: type[pydantic.BaseModel]) -> list[dict[str, Any]]:
    schema = _clean(model.model_json_schema(ref_template=REF))
    required = set(schema.get("required", []))
    parameters = []
    for name, declared in schema["properties"].items():
        prop = {k: v for k, v in declared.items() if k != "description" and not (k == "default" and v is None)}
        description = declared.get("description")
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _codes(e: Endpoint) -> list[str]:
    codes = ["UNAVAILABLE"]
    if e.auth_as != "none":
        codes += ["UNAUTHENTICATED", "FORBIDDEN"]
    if e.body is not None or e.raw_body is not None:
        codes += ["VALIDATION_ERROR", "PAYLOAD_TOO_LARGE"]
    if e.query is not None:
        codes.append("VALIDATION_ERROR")
    codes += e.errors
    return list(dict.fromkeys(codes))


def _error_response(status: int, codes: list[str]) -> dict[str, Any]:
    schema: dict[str, Any] = ERROR_REF
    if status == 422:
        refusal = {"error": {"properties": {"code": {"enum": codes}}}}
        narrowed: dict[str, Any] = {"type": "object", "properties": refusal}
        if set(codes) == set(REFUSAL_CODES):
            narrowed["properties"] = {
                "event_id": {
                    "type": "string",
                    "description": "The recorded refused attempt (absent for CHALLENGE_INVALID).",
                },
                **refusal,
            }
            description = prose(CHECKIN_REFUSED.format(codes=", ".join(f"`{c}`" for c in codes)))
        else:
            description = "Refused: " + ", ".join(f"`{c}`" for c in codes) + "."
        schema = {"allOf": [ERROR_REF, narrowed]}
    else:
        description = "; ".join(f"`{c}`" + (f": {CODE_TEXT[c]}" if c in CODE_TEXT else "") for c in codes) + "."
    response: dict[str, Any] = {"description": description}
    if status in (429, 503):
        response["headers"] = {"Retry-After": {"$ref": "#/components/headers/RetryAfter"}}
    response["content"] = {"application/json": {"schema": schema}}
    return response


def _roles(e: Endpoint) -> list[str]:
    """The roles a route admits: an auditor reads every admin route (a super admin's read only regency-wide)
    and changes nothing but their own account (api/http.py)."""
    roles = list(e.roles) or ROLES[e.auth_as]
    reads = e.method in READ_METHODS
    if e.auth_as == "super_admin" and reads and not e.roles:
        return [*roles, "auditor"]
    return [r for r in roles if r != "auditor" or reads or e.auditor_may]


def _operation(e: Endpoint, refs: Refs) -> dict[str, Any]:
    doc = inspect.getdoc(e.func) or e.func.__name__
    summary, _, rest = doc.partition("\n")
    roles = _roles(e)
    description = prose(rest)
    if "**Roles:**" not in description:
        description = f"**Roles:** {', '.join(roles) or 'none'}. {description}".strip()
    elif "auditor" in roles and "auditor" not in description:
        description += " An auditor may call it too (auditors read, never change)."
    operation: dict[str, Any] = {
        "operationId": _camel(e.func.__name__),
        "tags": [e.tag],
        "summary": summary.strip().rstrip("."),
        "description": description,
        "x-roles": roles,
    }
    if e.auth_as == "none":
        operation["security"] = []
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS.get(name, {"type": "string"})}
        for name in re.findall(r"\{(\w+)\}", e.path)
    ]
    if e.query is not None:
        parameters += _query_parameters(e.query)
    if parameters:
        operation["parameters"] = parameters
    if e.body is not None:
        schema = refs[(e.body, "validation")]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    elif e.raw_body is not None:
        operation["requestBody"] = {"required": True, "content": _raw_content(e.raw_body, refs)}
    success: dict[str, Any] = {"description": "Created." if e.status == 201 else "Success."}
    if e.response is not None:
        model_doc = inspect.getdoc(e.response)
        if model_doc and e.response.__doc__:
            success["description"] = prose(model_doc.split("\n\n")[0])
        success["content"] = {"application/json": {"schema": refs[(e.response, "serialization")]}}
    responses: dict[str, Any] = {str(e.status): success}
    if e.accepted is not None:
        accepted_doc = prose((inspect.getdoc(e.accepted) or "Accepted.").split("\n\n")[0])
        schema = refs[(e.accepted, "serialization")]
        responses["202"] = {"description": accepted_doc, "content": {"application/json": {"schema": schema}}}
    by_status: dict[int, list[str]] = {}
    for code in _codes(e):
        by_status.setdefault(STATUS_BY_CODE[code], []).append(code)
    for status in sorted(by_status):
        responses[str(status)] = _error_response(status, by_status[status])
    responses["default"] = UNEXPECTED
    operation["responses"] = responses
    return operation


def _raw_content(model: type[pydantic.BaseModel], refs: Refs) -> dict[str, Any]:
    """The media types of a body the route reads itself: those the model lists (`MEDIA_TYPES`, files with no JSON
    form), or its JSON form and `text/csv`."""
    files: Mapping[str, str] | None = getattr(model, "MEDIA_TYPES", None)
    if files:
        return {media: {"schema": {"type": "string", "description": what}} for media, what in files.items()}
    return {
        "application/json": {"schema": refs[(model, "validation")]},
        "text/csv": {"schema": {"type": "string", "description": "A header row, then one row per record."}},
    }


def _error_schema() -> dict[str, Any]:
    return {
        "description": "The one error body of the API.",
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "details"],
                "properties": {
                    "code": {
                        "type": "string",
                        "description": "Stable, machine-readable; the HTTP status follows from it.",
                        "enum": list(STATUS_BY_CODE),
                    },
                    "message": {"type": "string", "description": "For people, in Bahasa Indonesia."},
                    "details": {"type": "object", "additionalProperties": True},
                },
            }
        },
    }


def document(app: Chalice) -> dict[str, Any]:
    endpoints = served_endpoints(app)
    refs, schemas = _schemas(endpoints)
    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "SMART attendance API",
            "version": "1",
            "summary": "Attendance backend of the regency (check-in with face and GPS, recaps, SIMPEG sync).",
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/", "description": "The stage's API Gateway base URL (paths carry the /v1 prefix)."}],
        "tags": TAGS,
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
            "headers": {
                "RetryAfter": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}
            },
            "schemas": {"Error": _error_schema(), **dict(sorted(schemas.items()))},
        },
    }


class _Dumper(yaml.SafeDumper):  # type: ignore[misc]  # PyYAML ships no type hints
    """Plain YAML for people: no anchors/aliases, multi-line text as literal blocks."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def prose(text: str) -> str:
    """A docstring's text as Markdown: lines of a paragraph joined, paragraphs and list items kept."""
    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not line.lstrip().startswith("- "):
                lines[-1] += " " + line.strip()
            else:
                lines.append(line.strip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def render(app: Chalice) -> str:
    header = f"# Generated by `{REGENERATE}` from the routes and models: do not edit by hand.\n"
    body = yaml.dump(document(app), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120)
    return header + str(body)
