"""Errors of the SIMPEG capability (client, import, sync).

Every error that can reach a client carries a stable `code` from API.md and a `details` dict; the HTTP
mapping is done once, elsewhere, from `code`. Messages are in Bahasa Indonesia because they are shown
to administrators as they are.

    SimpegError
    ├── SimpegValidationError   VALIDATION_ERROR  an import body/file that cannot be read at all
    ├── SimpegUnavailableError  UNAVAILABLE       upstream down, timing out or refusing after retries
    ├── SimpegConflictError     CONFLICT          confirming a run that is not awaiting confirmation
    └── SimpegNotFoundError     NOT_FOUND         unknown run id
"""

from __future__ import annotations

from collections.abc import Mapping


class SimpegError(Exception):
    """Base of every SIMPEG error; `code` is the stable API error code."""

    code: str = "INTERNAL"

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: dict[str, object] = dict(details or {})


class SimpegValidationError(SimpegError):
    """The import body or file as a whole cannot be read (bad rows are reported per row instead)."""

    code = "VALIDATION_ERROR"


class SimpegUnavailableError(SimpegError):
    """The upstream SIMPEG did not answer usefully after the configured retries."""

    code = "UNAVAILABLE"


class SimpegConflictError(SimpegError):
    """The run is not in the state the operation needs (e.g. confirming a run not awaiting it)."""

    code = "CONFLICT"


class SimpegNotFoundError(SimpegError):
    """No sync run with that id."""

    code = "NOT_FOUND"
