"""The ONE mapping from errors to HTTP answers, with the Indonesian messages people read.

Each capability has its own error tree (``ERROR_BASES``: SmartError, FaceError, GeoError, SimpegError); each
of their classes carries a stable ``code`` of API.md, answered with its status from STATUS_BY_CODE and the
body ``{"error": {"code", "message", "details"}}``. A test walks every class of those trees and fails when a
code has no row here. Anything else is a bug: it is logged (without the request body) and answered 500
INTERNAL.
"""

from __future__ import annotations

import json
from typing import Any

from chalice.app import Response

from chalicelib.errors import SmartError
from chalicelib.face.errors import FaceError
from chalicelib.geo.errors import GeoError
from chalicelib.messages import MESSAGES, REFUSAL_CODES, error_body
from chalicelib.observability import logger
from chalicelib.simpeg.errors import SimpegError
from chalicelib.store.base import ConditionFailed

__all__ = [
    "ERROR_BASES",
    "MESSAGES",
    "REFUSAL_CODES",
    "STATUS_BY_CODE",
    "error_response",
    "exception_response",
    "json_response",
]

# The base of each capability's error tree; every class below them has `code`, `message` and `details`.
ERROR_BASES: tuple[type[SmartError | FaceError | GeoError | SimpegError], ...] = (
    SmartError,
    FaceError,
    GeoError,
    SimpegError,
)

STATUS_BY_CODE: dict[str, int] = {
    "VALIDATION_ERROR": 400,
    "UNSUPPORTED_IMAGE": 400,
    "WEAK_PASSWORD": 400,
    "UNAUTHENTICATED": 401,
    "INVALID_CREDENTIALS": 401,
    "FORBIDDEN": 403,
    "DEVICE_MISMATCH": 403,
    "ACCOUNT_INACTIVE": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "CONFLICT": 409,
    "ALREADY_RECORDED": 409,
    "DUPLICATE_FACE": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "URI_TOO_LONG": 414,
    "HEADERS_TOO_LARGE": 431,
    **dict.fromkeys(REFUSAL_CODES, 422),
    "RATE_LIMITED": 429,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
}

RETRY_AFTER_S = 5
# A conditional write lost to a change made meanwhile that no use case answered itself: asked again, the request
# reads the change and gets its own answer. Never 409 (a phone settles a capture on 409: it would be lost).
CHANGED_MEANWHILE = "Data sedang diubah oleh permintaan lain. Silakan coba lagi."
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    all_headers: dict[str, str | list[str]] = {"Content-Type": JSON_CONTENT_TYPE, **(headers or {})}
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from the request echoed back: escape it, never fail
        text = json.dumps(body)
    return Response(body=text, status_code=status, headers=all_headers)


def error_response(code: str, message: str | None = None, details: dict[str, Any] | None = None) -> Response:
    status = STATUS_BY_CODE.get(code, 500)
    headers: dict[str, str] = {}
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    if code == "RATE_LIMITED" and details and "retry_after_s" in details:
        headers["Retry-After"] = str(details["retry_after_s"])
    return json_response(status, error_body(code, message, details), headers)


def exception_response(exc: BaseException) -> Response:
    """Answer for any exception raised while handling a request."""
    if isinstance(exc, ERROR_BASES) and exc.code in STATUS_BY_CODE and exc.code != "INTERNAL":
        return error_response(exc.code, exc.message, _plain(exc.details))
    if isinstance(exc, ConditionFailed):
        logger.warning("condition failed unanswered", exc_info=exc)
        return error_response("UNAVAILABLE", CHANGED_MEANWHILE, {"dependency": "dynamodb", "reason": "changed"})
    # Type and traceback (exception, exception_name, stack_trace), with the request id and route of the
    # request's log context; never the request body.
    logger.error("unhandled error", exc_info=exc, extra={"error_type": type(exc).__name__})
    return error_response("INTERNAL")


def _plain(details: object) -> dict[str, Any]:
    """Details must be JSON: keep plain values, stringify the rest."""
    if not isinstance(details, dict):
        return {}
    plain: dict[str, Any] = json.loads(json.dumps(details, default=str))
    return plain
