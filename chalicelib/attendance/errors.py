"""Errors of the attendance rules, calendar and recap code.

Every error that can reach a client carries a stable `code` from API.md and a `details` dict; the HTTP
status is mapped once, elsewhere, from `code`. Messages are for people, in Bahasa Indonesia.

    AttendanceError
    ├── RuleTableError         (VALIDATION_ERROR) a rule table document is malformed
    ├── ScheduleError          (VALIDATION_ERROR) a schedule or work-hours payload is malformed
    └── ExportFormatError      (VALIDATION_ERROR) an unknown recap export format was asked for
"""

from __future__ import annotations


class AttendanceError(Exception):
    """Base class of every attendance error."""

    code: str = "VALIDATION_ERROR"

    def __init__(self, message: str, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = dict(details or {})


class RuleTableError(AttendanceError):
    """A rule table (JSON/dict) has a missing, unknown or out-of-range field."""

    code = "VALIDATION_ERROR"


class ScheduleError(AttendanceError):
    """A schedule, work-hours or calendar payload cannot be understood."""

    code = "VALIDATION_ERROR"


class ExportFormatError(AttendanceError):
    """The requested recap export format is not one of json, csv, xlsx."""

    code = "VALIDATION_ERROR"
