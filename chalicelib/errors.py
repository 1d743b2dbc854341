"""Application-level errors of SMART (auth, attendance use cases, admin operations, storage).

Every error that can reach a client carries a stable ``code`` from API.md. The packages ``face``, ``geo``
and ``simpeg`` have their own error trees with the same two attributes (``code``, ``details``); the single
table in ``chalicelib.api.errors`` turns any of them into an HTTP answer. ``CodedError`` is the base the face
and geo trees share: a class states its code and default message in its header.

    SmartError
    ├── ValidationError          VALIDATION_ERROR
    │   └── AttendanceError      VALIDATION_ERROR  (rules, schedules, calendar, exports)
    │       ├── RuleTableError   a rule table document is malformed
    │       ├── ScheduleError    a schedule, work-hours or calendar payload is malformed
    │       └── ExportFormatError an unknown recap export format was asked for
    ├── UnauthenticatedError     UNAUTHENTICATED
    ├── InvalidCredentialsError  INVALID_CREDENTIALS
    ├── ForbiddenError           FORBIDDEN
    ├── DeviceMismatchError      DEVICE_MISMATCH
    ├── AccountInactiveError     ACCOUNT_INACTIVE
    ├── NotFoundError            NOT_FOUND
    ├── ConflictError            CONFLICT
    ├── AlreadyRecordedError     ALREADY_RECORDED
    ├── PayloadTooLargeError     PAYLOAD_TOO_LARGE
    ├── UnsupportedMediaTypeError UNSUPPORTED_MEDIA_TYPE
    ├── UriTooLongError          URI_TOO_LONG
    ├── HeadersTooLargeError     HEADERS_TOO_LARGE
    ├── RateLimitedError         RATE_LIMITED
    ├── UnavailableError         UNAVAILABLE
    └── CheckinRefusedError      one of the 422 refusal codes, chosen per instance
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CodedError(Exception):
    """Base of a capability's error tree: `class X(Base, code=..., default_message=...)` sets both on X.

    ``err.message`` is the message given, else the class's default message (in Bahasa Indonesia: the app shows
    it to people), else None: then the code's one text in ``chalicelib.messages`` answers (the face and geo
    packages may not import it, and a class needs a default only where it says more than its code).
    ``str(err)`` is the message, else the code.
    """

    code: str = "INTERNAL"
    default_message: str | None = None

    def __init__(self, message: str | None = None, details: Mapping[str, object] | None = None) -> None:
        self.message = message or self.default_message
        self.details: dict[str, object] = dict(details or {})
        super().__init__(self.message or self.code)

    def __init_subclass__(cls, *, code: str | None = None, default_message: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if code is not None:
            cls.code = code
        if default_message is not None:
            cls.default_message = default_message


class SmartError(Exception):
    """Base of SMART's application errors."""

    code = "INTERNAL"

    def __init__(self, message: str | None = None, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message
        self.details: dict[str, object] = dict(details or {})


class ValidationError(SmartError):
    """The request is malformed or a field is invalid; details name the fields."""

    code = "VALIDATION_ERROR"


class WeakPasswordError(SmartError):
    """A new password that is too short, common, or made of the account's own name or a simple run."""

    code = "WEAK_PASSWORD"


class AttendanceError(ValidationError):
    """Base of the attendance rules' errors: the data handed to a rule cannot be understood."""


class RuleTableError(AttendanceError):
    """A rule table (JSON/dict) has a missing, unknown or out-of-range field."""


class ScheduleError(AttendanceError):
    """A schedule, work-hours or calendar payload cannot be understood."""


class ExportFormatError(AttendanceError):
    """The requested recap export format is not one of json, csv, xlsx."""


class UnauthenticatedError(SmartError):
    """No valid token was presented."""

    code = "UNAUTHENTICATED"


class InvalidCredentialsError(SmartError):
    """Wrong user name, NIP, password or activation code."""

    code = "INVALID_CREDENTIALS"


class ForbiddenError(SmartError):
    """The caller's role or unit scope does not allow this."""

    code = "FORBIDDEN"


class DeviceMismatchError(SmartError):
    """The phone is not the one bound to the employee."""

    code = "DEVICE_MISMATCH"


class AccountInactiveError(SmartError):
    """The employee is no longer active (retired, dismissed, moved out)."""

    code = "ACCOUNT_INACTIVE"


class NotFoundError(SmartError):
    """The thing asked for does not exist (or is outside the caller's scope)."""

    code = "NOT_FOUND"


class ConflictError(SmartError):
    """The request conflicts with the current state."""

    code = "CONFLICT"


class AlreadyRecordedError(SmartError):
    """The day's arrival is already recorded; details carry the first event."""

    code = "ALREADY_RECORDED"


class PayloadTooLargeError(SmartError):
    """The request body is over the size limit."""

    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaTypeError(SmartError):
    """The body's content type is not one this endpoint reads."""

    code = "UNSUPPORTED_MEDIA_TYPE"


class UriTooLongError(SmartError):
    """The path and query string are over the length limit (414)."""

    code = "URI_TOO_LONG"


class HeadersTooLargeError(SmartError):
    """The request headers are over the size limit (431)."""

    code = "HEADERS_TOO_LARGE"


class RateLimitedError(SmartError):
    """Too many attempts; try again later."""

    code = "RATE_LIMITED"

    def __init__(self, retry_after_s: int, message: str | None = None) -> None:
        super().__init__(message, {"retry_after_s": retry_after_s})
        self.retry_after_s = retry_after_s


class UnavailableError(SmartError):
    """A dependency (DynamoDB, S3, SIMPEG, models) failed; nothing was half-written; retry later."""

    code = "UNAVAILABLE"


class CheckinRefusedError(SmartError):
    """A check-in was refused for a reason the employee can act on; the attempt is kept for audit."""

    def __init__(self, code: str, message: str | None = None, details: Mapping[str, object] | None = None):
        super().__init__(message, details)
        self.code = code
