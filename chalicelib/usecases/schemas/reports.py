"""Requests and results of the admin reads of attendance: monitor, daily and monthly recaps, reviews."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chalicelib.domain.text import is_digits
from chalicelib.usecases.schemas.attendance import Event
from chalicelib.usecases.schemas.common import (
    NEXT,
    Day,
    DayText,
    InstantText,
    OnePageQuery,
    Page,
    Query,
    Request,
    Result,
    Text64,
    Text500,
    UnitId,
    choice,
    documented_as_required,
    enum_schema,
    invalid,
    one_of,
    parse_day,
)

DECISIONS = ("approve", "reject")
FORMATS = ("json", "csv", "xlsx")
DAILY_FORMATS = (*FORMATS, "pdf")
MONITOR_STATES = ("present", "late", "not_yet", "absent", "leave", "field_duty", "off")
UNOR_ID = Field(default=None, description="The unit; required unless the unit admin has exactly one unit.")


RECAPPED = Field(
    default=None,
    description="A day already over: whether a daily recap stored the unit's statuses of it (false: never "
    "recapped, those shown `absent` are not TK yet). Null for today and later days, and for several units.",
)


class MonitorQuery(Query):
    date: Day | None = Field(default=None, description="Defaults to today.")
    unor_id: UnitId | None = Field(default=None, description="One unit (one page); all visible units when absent.")
    next: str | None = NEXT


class MonitorItem(Result):
    nip: str
    nama: str
    unor_id: str
    state: Annotated[str, enum_schema(MONITOR_STATES)]
    check_in: InstantText | None


class Monitor(Result):
    date: DayText
    unor_id: str | None = Field(description="The unit; null for the units of the caller, unit by unit.")
    counts: dict[str, int] = Field(
        description="Employees per state (of every unit asked, on every page): " + ", ".join(MONITOR_STATES) + "."
    )
    items: list[MonitorItem]
    next: str | None = Field(default=None, description="Null for one unit (its day is one page).")
    recapped: bool | None = RECAPPED


class RecapRequest(Request):
    date: Day
    unor_id: Text64 | None = Field(default=None, description="One unit; all visible units when absent.")
    as_scheduled: bool = Field(
        default=False,
        description="Judge as the scheduled runs do (the console sends it): a day never recapped only for the "
        "employees SMART followed by then or who left a check-in or punch of it, and a day whose working hours are "
        "not over as it stands now (no PSW for a check-out not yet due, no status without attendance). Default: "
        "every member followed that day, each day as finished.",
    )


class RecapRun(Result):
    date: DayText
    employees: int
    written: int = Field(description="Statuses written (changed or new).")
    unchanged: int


class RecapAccepted(RecapRun):
    """Accepted: the units the request had no time for are judged by the report worker; follow the run in
    `GET /v1/admin/jobs` (job `recap_rejudge`).

    `employees`, `written` and `unchanged` count the units judged within the request; the run's result counts
    the rest once it has succeeded."""

    run_id: str = Field(description="The background run, as `GET /v1/admin/jobs` lists it.")
    recapping: int = Field(ge=1, description="Units handed to the report worker, each judged there whole.")


class DailyRecapQuery(Query):
    date: Day | None = Field(default=None, description="Defaults to today.")
    unor_id: UnitId | None = Field(
        default=None, description="One unit; all visible units when absent (a file needs one unit)."
    )
    next: str | None = NEXT
    format: Annotated[
        str,
        choice(DAILY_FORMATS, "Format harus json, csv, xlsx, atau pdf.", "json|csv|xlsx|pdf"),
        enum_schema(DAILY_FORMATS),
    ] = Field(
        default="json",
        description="`json` (default): a page of the day, with `next`. A file of the whole day (`next` is not "
        "read): `csv` inline (`text/csv`, the monthly report's dialect; a link over 1 MB), `xlsx` or `pdf` (the "
        "paper a unit's head signs) as a download link.",
    )


class DailyRecapItem(Result):
    nip: str
    nama: str
    unor_id: str
    status: str = Field(
        description="H, TL1-TL4, PSW1-PSW4, TK, DL, C, I, S or LIBUR (a late and early day: see `tl` and `psw`)."
    )
    tl: str | None = Field(description="TL1-TL4 when late.")
    psw: str | None = Field(description="PSW1-PSW4 when left early.")
    check_in: InstantText | None
    check_out: InstantText | None
    late_minutes: int | None
    early_minutes: int | None
    deduction_percent: float


PROVISIONAL = (
    "Whether the unit's files of the day (`format=xlsx|pdf`) come out SEMENTARA, without a signature block: no recap "
    "stored the day, or none judged it since every shift of it ended (the next morning's run time); null for the "
    "units of the caller, unit by unit."
)


class DailyRecap(Result):
    date: DayText
    unor_id: str | None = Field(description="The unit; null for the units of the caller, unit by unit.")
    items: list[DailyRecapItem]
    next: str | None
    provisional: bool | None = Field(default=None, description=PROVISIONAL)


class Daily(Result):
    """`format=json`: a page of the day; `xlsx`, `pdf` (or a CSV over 1 MB): a download link. A CSV is
    answered inline as `text/csv`."""

    date: DayText | None = None
    unor_id: str | None = None
    items: list[DailyRecapItem] | None = None
    next: str | None = None
    provisional: bool | None = Field(default=None, description=PROVISIONAL)
    filename: str | None = None
    download_url: str | None = None
    expires_in_s: int | None = None


def _month(value: object) -> object:
    if not isinstance(value, str) or len(value) != 7:
        raise invalid("YYYY-MM", "Format bulan harus TTTT-BB.")
    if not is_digits(value[5:]) or not 1 <= int(value[5:]) <= 12:
        raise invalid("must be a real month YYYY-MM", "Format bulan harus TTTT-BB.")
    try:
        parse_day(f"{value}-01")
    except PydanticCustomError as exc:
        raise invalid(exc.message()) from exc
    return value


Month = Annotated[str, BeforeValidator(_month, json_schema_input_type=str)]
MONTH_REQUIRED = ConfigDict(**Query.model_config, json_schema_extra=documented_as_required("month"))
# A default only so that a missing month is answered with the month's own message.
MONTH = Field(default=None, validate_default=True, json_schema_extra={"pattern": "^[0-9]{4}-[0-9]{2}$"})


class MonthScope(Query):
    """A month of one unit, or of every unit the caller may see."""

    model_config = MONTH_REQUIRED

    month: Month = MONTH
    unor_id: UnitId | None = Field(default=None, description="One unit; all visible units when absent.")


class MonthlyQuery(MonthScope, OnePageQuery):
    format: Annotated[
        str, choice(FORMATS, "Format harus json, csv, atau xlsx.", "json|csv|xlsx"), enum_schema(FORMATS)
    ] = Field(
        default="json",
        description="`json` (default), `csv` (inline up to 1 MB, else a link) or `xlsx` (a download link).",
    )


class YearToDate(Result):
    tk_days: int
    late_early_minutes: int
    tk_streak: int
    longest_tk_streak: int


class MonthlyRow(Result):
    nip: str
    nama: str
    unor_id: str
    unor_nama: str
    counts: dict[str, int] = Field(
        description="Days per category (H, TL1-TL4, PSW1-PSW4, TK, DL, C, I, S, LIBUR under the rule table)."
    )
    working_days: int
    present_days: int
    late_minutes: int
    early_minutes: int
    deduction_uncapped: float
    deduction_percent: float = Field(description="TPP deduction percent (capped) under the rule table.")
    year_to_date: YearToDate
    tk_days_for_discipline: int
    discipline: str | None = Field(description="Discipline sanction level reached, if any.")


MONTH_PROVISIONAL = (
    "With `items`: whether the report's files (`format=xlsx`, the PDF, the exports) come out SEMENTARA, without a "
    "signature block, for any unit of it; a unit's month is final once its last day is (a recap stored it and judged "
    "it after every shift of it ended: the next morning's run time). Null with a download link."
)


class MonthlyReport(Result):
    month: str = Field(pattern="^[0-9]{4}-[0-9]{2}$")
    items: list[MonthlyRow]
    next: str | None = Field(default=None, description="Always null: the report is one page.")
    provisional: bool | None = Field(default=None, description=MONTH_PROVISIONAL)


class ExportLink(Result):
    filename: str
    download_url: str = Field(json_schema_extra={"format": "uri"}, description="Short-lived signed URL.")
    expires_in_s: int


EXPORT_FORMATS = ("xlsx", "csv", "pdf")
EXPORT_STATES = ("running", "succeeded", "failed", "expired")


class MonthlyExportRequest(Request):
    """A monthly report file to build in the background (a regency-wide one can outlast a request)."""

    model_config = ConfigDict(**Request.model_config, json_schema_extra=documented_as_required("month"))

    month: Month = MONTH
    unor_id: Text64 | None = Field(default=None, description="One unit; all visible units when absent.")
    format: Annotated[
        str, choice(EXPORT_FORMATS, "Format harus xlsx, csv, atau pdf.", "xlsx|csv|pdf"), enum_schema(EXPORT_FORMATS)
    ] = Field(default="xlsx", description="`xlsx` (default), `csv`, or `pdf` (the sheet a unit's head signs).")


class MonthlyExport(Result):
    """A monthly export: `running` until its file is built, then `succeeded` with a fresh short-lived link at
    every read, or `failed` with a message for the admin; `expired` once the bucket has let its file go."""

    export_id: str
    status: Annotated[str, enum_schema(EXPORT_STATES)]
    month: str
    unor_id: str | None
    format: Annotated[str, enum_schema(EXPORT_FORMATS)]
    started_at: InstantText
    finished_at: InstantText | None
    filename: str | None
    download_url: str | None = Field(json_schema_extra={"format": "uri"}, description="Short-lived signed URL.")
    expires_in_s: int | None
    message: str | None = Field(description="Why a failed or expired export has no file, in words for the admin.")


class Monthly(Result):
    """`format=json`: the report; `xlsx` (or a CSV over 1 MB): a download link. A small CSV is answered inline
    as `text/csv`."""

    month: str | None = Field(default=None, pattern="^[0-9]{4}-[0-9]{2}$")
    items: list[MonthlyRow] | None = None
    next: str | None = Field(default=None, description="With `items`: always null (the report is one page).")
    provisional: bool | None = Field(default=None, description=MONTH_PROVISIONAL)
    filename: str | None = None
    download_url: str | None = None
    expires_in_s: int | None = None


class MyRecapQuery(Query):
    model_config = MONTH_REQUIRED

    month: Month = MONTH


class MyRecapDay(Result):
    date: DayText
    status: str = Field(description="The daily recap's status (H, TL1-TL4, PSW1-PSW4, TK, DL, C, I, S, LIBUR).")
    check_in: InstantText | None
    check_out: InstantText | None
    late_minutes: int | None
    early_minutes: int | None


class MyRecap(Result):
    month: str = Field(pattern="^[0-9]{4}-[0-9]{2}$")
    days: list[MyRecapDay] = Field(description="The recapped days of the month so far (none for a future month).")
    counts: dict[str, int] = Field(description="Days per category, as in the monthly report.")
    deduction_percent: float = Field(description="TPP deduction percent (capped), as in the monthly report.")


class ReviewsQuery(Query):
    status: Annotated[
        str | None, choice(("pending",), "Hanya status 'pending' yang didukung.", "pending"), enum_schema(("pending",))
    ] = None
    unor_id: UnitId | None = UNOR_ID
    next: str | None = NEXT


class ReviewItem(Event):
    """A check-in with the evidence an admin judges it by: who, where, and the photos (signed links, at most
    15 minutes)."""

    nip: str
    nama: str | None = Field(description="The employee's name (null when no longer in the unit).")
    unor_id: str
    latitude: float | None
    longitude: float | None
    accuracy_m: float | None
    selfie_url: str | None = Field(
        json_schema_extra={"format": "uri"},
        description=(
            "The check-in photo: a short-lived signed GET. Null when none was kept: a machine punch, an upload "
            "that is no image, or a refusal beyond the employee's daily cap of refusal photos."
        ),
    )
    enrolment_urls: list[str] = Field(description="The employee's enrolment photos: short-lived signed GETs.")


class ReviewPage(Page[ReviewItem]):
    pass


class DecisionRequest(Request):
    decision: Annotated[str, one_of(DECISIONS), choice(DECISIONS), enum_schema(DECISIONS)]
    note: Text500 | None = None


class Decision(Result):
    event_id: str
    decision: Annotated[str, enum_schema(DECISIONS)]
    decided_at: InstantText
    recap: RecapRun | None = Field(
        description="The re-run of a past day's recap in the units that had recapped it (the event's, and the one "
        "whose day it is after a move), or null: today's, or a past day not recapped yet, is judged by its "
        "scheduled run."
    )
