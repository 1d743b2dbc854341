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

from chalicelib.errors import CodedError


class SimpegError(CodedError, default_message="Kesalahan SIMPEG."):
    """Base of every SIMPEG error; `code` is the stable API error code. Raised with a message that says what
    went wrong (the default only stands in when none is given)."""


class SimpegValidationError(SimpegError, code="VALIDATION_ERROR"):
    """The import body or file as a whole cannot be read (bad rows are reported per row instead)."""


class SimpegUnavailableError(SimpegError, code="UNAVAILABLE"):
    """The upstream SIMPEG did not answer usefully after the configured retries."""


class SimpegConflictError(SimpegError, code="CONFLICT"):
    """The run is not in the state the operation needs (e.g. confirming a run not awaiting it)."""


class SimpegNotFoundError(SimpegError, code="NOT_FOUND"):
    """No sync run with that id."""
