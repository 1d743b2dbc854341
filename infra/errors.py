"""Errors of the packaging step. They stop a build; none of them reaches an API client.

InfraError
├── TemplateError        the Chalice template is not what the merge step expects
├── ScheduleError        a scheduled function has no local-time schedule, or they disagree
├── PackagingError       chalice package failed, or its output holds something Lambda must not get
└── BudgetExceededError  the unzipped function and its layers exceed Lambda's 250 MB limit
"""

from __future__ import annotations


class InfraError(Exception):
    """Base of every packaging error."""

    code: str = "INFRA_ERROR"

    def __init__(self, message: str, details: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.details: dict[str, object] = details or {}


class TemplateError(InfraError):
    """The Chalice template lacks something the merge relies on (runtime, functions, environment)."""

    code = "TEMPLATE_ERROR"


class ScheduleError(InfraError):
    """A scheduled function and the local-time schedule table do not match."""

    code = "SCHEDULE_ERROR"


class PackagingError(InfraError):
    """Building the Lambda artefacts failed or produced a package unfit for Lambda."""

    code = "PACKAGING_ERROR"


class BudgetExceededError(InfraError):
    """A function with its layers would unpack to more than Lambda accepts."""

    code = "BUDGET_EXCEEDED"
