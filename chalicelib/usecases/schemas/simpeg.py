"""Requests and results of the SIMPEG import, on-demand sync, confirmation and run history."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from chalicelib.simpeg.models import SyncCounts
from chalicelib.usecases.schemas.common import (
    Page,
    Query,
    Request,
    Result,
    absent_when_none,
    choice,
    enum_schema,
    invalid,
)

RUN_STATUSES = ("running", "succeeded", "needs_confirmation", "confirmed", "failed")
GUARD_REASONS = (
    "EMPTY_LISTING",
    "INCOMPLETE_LISTING",
    "TOO_MANY_DEACTIVATIONS",
    "MOVES_TO_UNITS_WITHOUT_ZONES",
    "UNITS_EMPTIED",
)
RunStatus = Annotated[str, enum_schema(RUN_STATUSES)]
GuardReason = Annotated[str, enum_schema(GUARD_REASONS)]


def count_or_error(value: object, name: str) -> int | None:
    """A non-negative whole number sent as text or JSON (`"3"`, `3`), or nothing."""
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError as exc:
        raise invalid("must be an integer", f"Kolom '{name}' harus bilangan bulat.") from exc
    if number < 0:
        raise invalid("must be >= 0", f"Kolom '{name}' tidak boleh negatif.")
    return number


def _confirm_count(value: object) -> int | None:
    return count_or_error(value, "confirm_deactivations")


# `?full=` of a CSV import; anything else is a bad value, never a partial import by default (API.md).
FULL_VALUES = ("true", "1", "false", "0")
FULL_WORDS = "Nilai full harus true atau false."


class ImportQuery(Query):
    full: Annotated[str | None, choice(FULL_VALUES, FULL_WORDS)] = Field(
        default=None,
        description="CSV only; `true` or `1` makes the import full (employees absent from it are deactivated).",
        json_schema_extra={"enum": list(FULL_VALUES)},
    )
    confirm_deactivations: Annotated[int | None, BeforeValidator(_confirm_count)] = Field(
        default=None,
        ge=0,
        description="Confirms a held-back plan deactivating at most this many employees (also accepted in the "
        "JSON body).",
    )


class EmployeeRecord(Request):
    """One SIMPEG employee; `status` `aktif` means active, anything else inactive."""

    nip: str = Field(description="18 digits, sent as text (a JSON number is a row error).")
    nama: str
    unor_id: str
    unor_nama: str
    jabatan: str | None = None
    status: str | None = None
    gelar_depan: str | None = None
    gelar_belakang: str | None = None


class ImportBody(Request):
    """The JSON form of an import (documentation: the route reads the raw JSON or CSV itself, row by row)."""

    employees: list[EmployeeRecord]
    full: bool = Field(default=False, description="Deactivate employees absent from the import.")
    confirm_deactivations: int | None = Field(default=None, ge=0)


class RowError(Result):
    row: int
    code: str = Field(
        description="Row problem: INVALID_NIP, NIP_SCIENTIFIC_NOTATION, MISSING_FIELD, FIELD_TOO_LONG, "
        "DUPLICATE_NIP, INVALID_RECORD (a failed sync run records the upstream error's code in row 0)."
    )
    message: str
    nip: str | None = absent_when_none()


class ImportResult(Result):
    run_id: str
    status: RunStatus
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    moved: int = Field(ge=0)
    deactivated: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    stranded: int = Field(
        default=0,
        ge=0,
        description="Of `moved`: active employees moved out of units with zones into units without any.",
    )
    emptied_units: int = Field(
        default=0,
        ge=0,
        description="Units of 10 or more active employees the run leaves with none (moved out or deactivated): "
        "a unit merged away in a restructuring; such a run waits for confirmation (`UNITS_EMPTIED`).",
    )
    blocked_by: list[GuardReason]
    errors: list[RowError]
    inactive_statuses: dict[str, int] = Field(
        default_factory=dict,
        description="The `status` values taken as inactive (anything but `aktif`), as written, each with its rows: "
        "a file whose active employees say 'Aktif Bekerja' is imported inactive, and this says so.",
    )


class Trigger(Result):
    kind: Annotated[str, enum_schema(("schedule", "admin", "confirm", "import"))]
    actor: str | None = None
    confirms_run_id: str | None = None


class SyncRun(Result):
    run_id: str
    status: RunStatus
    trigger: Trigger
    started_at: str
    finished_at: str | None
    counts: SyncCounts  # the SIMPEG package's own record: one definition of the seven counts
    errors: list[RowError]
    blocked_by: list[GuardReason]
    inactive_statuses: dict[str, int] = Field(
        default_factory=dict, description="An import's `status` values taken as inactive, with their rows."
    )
    fetched: int | None = None
    announced_total: int | None = None
    message: str | None = None
    confirmed_by: str | None = None
    followed_by: str | None = None


class RunAccepted(Result):
    """Accepted: the run goes on in the background; its progress and result read from
    `GET /v1/admin/simpeg/runs`."""

    run_id: str


class RunsQuery(Query):
    next: str | None = Field(default=None, description="Cursor of the next page.")


class RunPage(Page[SyncRun]):
    pass
