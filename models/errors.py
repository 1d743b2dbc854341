"""Errors of the offline model build (`python -m models.build`).

These never reach an app user (the build runs on a developer's machine or in CI), but they follow the
project's error shape so a caller can tell integrity failures from format surprises.

    ModelBuildError            MODEL_BUILD_FAILED
    ├── FetchError             MODEL_FETCH_FAILED      a download (pip, npm) failed
    ├── IntegrityError         MODEL_INTEGRITY         a sha256 differs from the manifest
    └── UnexpectedFormatError  MODEL_UNEXPECTED_FORMAT a source file is not what the converter knows
"""

from __future__ import annotations

from collections.abc import Mapping


class ModelBuildError(Exception):
    """Base class of every model build error."""

    code: str = "MODEL_BUILD_FAILED"

    def __init__(self, message: str, details: Mapping[str, object] | None = None) -> None:
        self.details: dict[str, object] = dict(details or {})
        super().__init__(message)


class FetchError(ModelBuildError):
    """A source package could not be fetched from its registry."""

    code = "MODEL_FETCH_FAILED"


class IntegrityError(ModelBuildError):
    """A source file, archive or built model does not have the sha256 recorded in the manifest."""

    code = "MODEL_INTEGRITY"


class UnexpectedFormatError(ModelBuildError):
    """A source file does not have the structure its converter was written for."""

    code = "MODEL_UNEXPECTED_FORMAT"
