"""Request and result models of the rollout: fingerprint machines (PINs, punch import, cut-over), the adoption
report, and the runs of the scheduled jobs (API.md "Fingerprint machines during the rollout")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field

from chalicelib.domain.text import is_digits
from chalicelib.usecases.schemas.common import (
    Day,
    DayText,
    InstantText,
    OnePageQuery,
    Query,
    Rejudged,
    Request,
    Result,
    UnitId,
    absent_when_none,
    choice,
    enum_schema,
    invalid,
)

MAX_OFFSET_MINUTES = 24 * 60


def _offset(value: object) -> int:
    text = value.strip() if isinstance(value, str) else ""
    if is_digits(text[1:] if text[:1] in ("+", "-") else text):
        minutes = int(text)
        if abs(minutes) <= MAX_OFFSET_MINUTES:
            return minutes
    raise invalid(
        f"whole minutes between -{MAX_OFFSET_MINUTES} and {MAX_OFFSET_MINUTES}",
        "Koreksi jam mesin harus bilangan menit bulat antara -1440 dan 1440.",
    )


class PinEntry(Request):
    pin: str = Field(min_length=1, max_length=24, description="The user's PIN on the machine (1-24 letters/digits).")
    nip: str = Field(description="NIP: 18 digits")


class PinsBody(Request):
    """The JSON form (the route reads the raw JSON or `text/csv` with columns `pin,nip` itself, line by line)."""

    pins: list[PinEntry]


class LineError(Result):
    line: int = Field(description="Line of the file (1 = first line), or item number (1 = first) of a JSON body.")
    code: str = Field(
        description="INVALID_LINE, INVALID_PIN, INVALID_NIP, INVALID_TIME, OUT_OF_RANGE, CLOCK_RESET (dated before "
        "2010: the machine's clock went back to its factory date), FUTURE_PUNCH, AFTER_CUTOVER, "
        "OUT_OF_SCOPE, OWN_RECORD (the importing admin's own NIP: another admin uploads it), UNKNOWN_EMPLOYEE, "
        "DUPLICATE_PIN, AMBIGUOUS_PIN, OFFSET_CONFLICT (stored already under another `offset_minutes`: not added "
        "again), INACTIVE_EMPLOYEE (the employee was deactivated by that date: a PIN reused for a newcomer?), "
        "AMBIGUOUS_DATE (a day/month date either way round in a file whose dates show both orders), MOVED_EMPLOYEE "
        "(with `unor_id`: a PIN that unit maps was someone in another unit that day, an old PIN of one who moved)"
    )
    message: str


class PinsResult(Result):
    mapped: int = Field(ge=0, description="PINs mapped (new or changed).")
    errors: list[LineError]


class ImportQuery(Query):
    offset_minutes: Annotated[int, BeforeValidator(_offset)] = Field(
        default=0,
        description="Clock skew of the machine: minutes ADDED to every punch time (a machine 7 minutes slow: 7). "
        "Punches still in the future after the correction are refused per line (FUTURE_PUNCH).",
    )
    unor_id: UnitId | None = Field(
        default=None, description="Resolve PINs in this unit only (a PIN used by two units' machines)."
    )


class ImportBody(Request):
    """Documentation only: the body is a file, `text/plain` (ATTLOG) or `text/csv` (`pin,timestamp`), or either
    gzip-compressed as `application/gzip`; no JSON form (`MEDIA_TYPES`: what the OpenAPI document lists)."""

    MEDIA_TYPES: ClassVar[Mapping[str, str]] = {
        "text/plain": "A ZKTeco attendance log (ATTLOG): one punch a line, regency local time.",
        "text/csv": "Columns `pin,timestamp`, a header row first.",
        "application/gzip": "Either of the two, gzip-compressed.",
    }


class ImportResult(Rejudged):
    imported: int = Field(ge=0, description="Punches written now.")
    duplicates: int = Field(
        ge=0,
        description="Punches already imported (an earlier or a parallel import of them), or the same instant twice"
        " in the file. A button pressed again seconds later is a punch of its own, imported: the day counts the"
        " first press of an arrival and the last of a departure.",
    )
    unknown_pins: list[str] = Field(description="PINs without a mapping (and not an 18-digit NIP), sorted.")
    errors: list[LineError] = Field(description="At most 1,000 lines with a problem (`error_count` has them all).")
    error_count: int = Field(ge=0)


class CutoverBody(Request):
    date: Day


class Cutover(Rejudged):
    unor_id: str
    date: DayText
    import_again_from: DayText | None = absent_when_none(
        "Only when the date moved later: the earlier one. Machine punches an import refused from it "
        "(AFTER_CUTOVER) were never stored; they count only once the machine's files are imported again from it."
    )


FORMATS = ("json", "xlsx")


class AdoptionQuery(Query):
    from_: Day = Field(alias="from")
    to: Day
    unor_id: UnitId | None = Field(default=None, description="One unit; default: every unit the caller may see.")
    format: Annotated[str, choice(FORMATS, "Format harus json atau xlsx."), enum_schema(FORMATS)] = Field(
        default="json", description="`xlsx`: a download link to the same figures as a spreadsheet."
    )


class AdoptionCounts(Result):
    employees: int = Field(ge=0, description="Active employees of the unit.")
    activated: int = Field(ge=0, description="Employees who activated the app (a phone is bound).")
    enrolled: int = Field(ge=0, description="Employees with an approved face a check-in compares with.")
    awaiting_approval: int = Field(
        ge=0,
        description="Employees whose face waits for the unit admin's decision, none approved yet: they cannot check in"
        " until the admin decides (the employee list's filter `Menunggu persetujuan wajah` names them).",
    )
    app: int = Field(ge=0, description="Employees with a counted app check-in or check-out that day.")
    fingerprint: int = Field(ge=0, description="Employees with a counted fingerprint punch that day.")
    both: int = Field(ge=0, description="Employees counted in both `app` and `fingerprint`.")
    none: int = Field(ge=0, description="Active employees with neither.")


class AdoptionDay(AdoptionCounts):
    date: DayText


class AdoptionUnit(Result):
    unor_id: str
    unor_nama: str
    cutover: DayText | None = Field(description="From this date on only app check-ins count; null: not yet.")
    days: list[AdoptionDay]


class AdoptionReport(Result):
    from_date: DayText
    to_date: DayText
    units: list[AdoptionUnit]
    totals: list[AdoptionDay] = Field(description="Per day, the sum over the units.")


JOB_NAMES = ("daily_recap", "day_before_recap", "simpeg_sync", "face_retention", "recap_rejudge")


def _limit(value: object) -> object:
    return int(value) if isinstance(value, str) and is_digits(value) and len(value) < 6 else value


class JobsQuery(OnePageQuery):
    job: Annotated[str | None, choice(JOB_NAMES, "Nama tugas tidak dikenal."), enum_schema(JOB_NAMES)] = Field(
        default=None, description="One job; default: all."
    )
    limit: Annotated[int, BeforeValidator(_limit)] = Field(default=50, ge=1, le=200, description="Newest runs.")


class Adoption(Result):
    """`format=json`: the report (AdoptionReport); `xlsx`: a download link (ExportLink)."""

    from_date: DayText | None = None
    to_date: DayText | None = None
    units: list[AdoptionUnit] | None = None
    totals: list[AdoptionDay] | None = None
    filename: str | None = None
    download_url: str | None = None
    expires_in_s: int | None = None


class JobRunItem(Result):
    run_id: str
    job: str
    trigger: Annotated[str, enum_schema(("schedule", "manual", "admin", "import"))] = Field(
        description="What started it: its schedule, an operator by hand, an admin's change or Hitung Ulang handed "
        "to the worker, or a fingerprint import handed to the worker."
    )
    status: Annotated[str, enum_schema(("running", "succeeded", "failed"))]
    started_at: InstantText
    finished_at: InstantText | None
    result: dict[str, object] | None
    error: str | None


class JobRunPage(Result):
    items: list[JobRunItem]
    next: str | None = None
