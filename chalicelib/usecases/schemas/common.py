"""Shared pieces of the request and result models: strict parsing, field types with today's limits.

Requests are strict (a bool is not a number, a number not a string, NaN/Infinity refused), ignore unknown
fields, and strip strings (a blank string is refused where a value is required). A check that has its own
Indonesian message raises ``invalid(problem, message)``; the HTTP layer shows that message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from chalicelib.auth.strength import MIN_LENGTH
from chalicelib.domain.calendar import FIRST_DAY, LAST_DAY
from chalicelib.domain.people import DEVICE_PATTERN, NIP_PATTERN
from chalicelib.domain.text import matches_whole
from chalicelib.errors import ValidationError
from chalicelib.simpeg.validation import MAX_TEXT_LENGTH
from chalicelib.store.base import BAD_CURSOR

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CUSTOM_ERROR = "smart_invalid"
DATE_RANGE = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
MAX_JSON_DEPTH = 32  # API.md: deeper JSON is a bad value


def invalid(problem: str, message: str | None = None, detail: object = None) -> PydanticCustomError:
    """A field problem (English, for `details`; `detail` instead when given) with an optional Indonesian
    message for people."""
    context = {"message": message, "detail": detail}
    return PydanticCustomError(CUSTOM_ERROR, problem, {k: v for k, v in context.items() if v is not None} or None)


@dataclass(frozen=True)
class Missing:
    """Metadata of a field whose absence is answered with the words of its own check, not "required"."""

    problem: str
    message: str | None = None


class Request(BaseModel):
    """Base of request models: strict types, unknown fields ignored, finite numbers only."""

    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False, frozen=True, defer_build=True)


class Query(Request):
    """Base of query-string models: every value arrives as a string; empty values count as absent."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True, defer_build=True)


NEXT = Field(default=None, description="Cursor of the next page (the `next` of the page before).")


def _no_cursor(value: object) -> object:
    raise invalid(*BAD_CURSOR)


class OnePageQuery(Query):
    """The query of a list that always fits one page: its `next` is always null, so any cursor sent was never
    issued and is refused like any other broken one (API.md: 400 VALIDATION_ERROR)."""

    next: Annotated[str | None, BeforeValidator(_no_cursor, json_schema_input_type=str)] = Field(
        default=None, description="Never needed: the list fits one page (`next` is null); any cursor is refused."
    )


def documented_as_required(*names: str) -> Any:
    """`json_schema_extra` for fields that have a default only so that their absence gets their own message."""

    def adjust(schema: dict[str, Any]) -> None:
        for name in names:
            schema["properties"][name].pop("default", None)
        schema["required"] = [*schema.get("required", []), *names]

    return adjust


class Result(BaseModel):
    """Base of result models: what a use case answers, rendered with ``model_dump(mode="json")``."""

    model_config = ConfigDict(frozen=True, defer_build=True)


ItemT = TypeVar("ItemT")


class Page(Result, Generic[ItemT]):
    """A page of a list: its items, and the cursor that reads the next page (None on the last page).
    A subclass names the page of one kind of item in the API document (`class ZonePage(Page[ZoneSummary])`)."""

    items: list[ItemT]
    next: str | None


def _is_none(value: object) -> bool:
    return value is None


def absent_when_none(description: str | None = None) -> Any:
    """A result field left out of the answer (not rendered as null) when it has no value."""
    return Field(default=None, exclude_if=_is_none, description=description)


def _stripped(value: str) -> str:
    if not value.strip():
        raise invalid("must be a non-empty string")
    return value.strip()


STRIPPED = AfterValidator(_stripped)
# Non-blank strings of at most N characters (the length is checked before stripping, as before), stripped.
# A unit's id as a query names it: at most as long as SIMPEG's import takes one (a longer one names no unit, and
# DynamoDB refuses a key over 2,048 bytes, which the store answers as an outage: 503 for bad input).
UnitId = Annotated[str, Field(max_length=MAX_TEXT_LENGTH)]
Text20 = Annotated[str, Field(min_length=1, max_length=20), STRIPPED]
Text40 = Annotated[str, Field(min_length=1, max_length=40), STRIPPED]
Text64 = Annotated[str, Field(min_length=1, max_length=64), STRIPPED]
Text100 = Annotated[str, Field(min_length=1, max_length=100), STRIPPED]
Text120 = Annotated[str, Field(min_length=1, max_length=120), STRIPPED]
Text128 = Annotated[str, Field(min_length=1, max_length=128), STRIPPED]
Text500 = Annotated[str, Field(min_length=1, max_length=500), STRIPPED]
# A password given to log in or to prove it: compared exactly as typed, like the one set (`Password`), never
# stripped (a password set with a trailing space must keep working).
Secret128 = Annotated[str, Field(min_length=1, max_length=128)]


def _nip(value: str) -> str:
    if not matches_whole(NIP_PATTERN, value):
        raise invalid("must be 18 digits", "NIP harus 18 digit angka.")
    return value


def _device(value: str) -> str:
    if not matches_whole(DEVICE_PATTERN, value):
        raise invalid("8 to 128 characters [A-Za-z0-9_.:-]", "ID perangkat tidak valid.")
    return value


def _password(value: str) -> str:
    """A new password's shape only; the use case applies the rule (400 WEAK_PASSWORD, chalicelib.auth.strength)."""
    if not 1 <= len(value) <= 128:
        raise invalid("1 to 128 characters", "Kata sandi wajib diisi, paling banyak 128 karakter.")
    return value


def _not_a_string(problem: str, message: str) -> Any:
    def check(value: object) -> object:
        if not isinstance(value, str):
            raise invalid(problem, message)
        return value

    return BeforeValidator(check)


Nip = Annotated[
    str,
    Missing("must be 18 digits", "NIP harus 18 digit angka."),
    _not_a_string("must be 18 digits", "NIP harus 18 digit angka."),
    AfterValidator(_nip),
    Field(json_schema_extra={"pattern": NIP_PATTERN.pattern}, description="NIP: 18 digits"),
]
DeviceId = Annotated[
    str,
    _not_a_string("8 to 128 characters [A-Za-z0-9_.:-]", "ID perangkat tidak valid."),
    AfterValidator(_device),
    Field(json_schema_extra={"pattern": DEVICE_PATTERN.pattern}, description="The phone's stable id"),
]
Password = Annotated[
    str,
    _not_a_string("1 to 128 characters", "Kata sandi wajib diisi, paling banyak 128 karakter."),
    AfterValidator(_password),
    Field(
        json_schema_extra={"minLength": MIN_LENGTH, "maxLength": 128},
        description="At least 10 characters, not common, without the NIP or user name or a run like 12345/aaaaa "
        "(else 400 WEAK_PASSWORD).",
    ),
]


def parse_day(value: object) -> date:
    """A calendar date written YYYY-MM-DD (a real date)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise invalid("must be a date YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise invalid("must be a real date YYYY-MM-DD") from exc
    return in_range(day)


def in_range(day: date) -> date:
    """`day` when it lies within FIRST_DAY..LAST_DAY (API.md), else a field problem."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise invalid(f"must be a date {DATE_RANGE}", "Tanggal di luar rentang yang diizinkan.")
    return day


def _instant(value: object) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise invalid("must be an ISO 8601 instant with offset")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise invalid("must be an ISO 8601 instant with offset") from exc
    if moment.tzinfo is None:
        raise invalid("must include a UTC offset")
    in_range(moment.date())  # also keeps a conversion to UTC from overflowing (9999-12-31T23:59:59-14:00)
    return moment


Day = Annotated[
    date,
    Missing("must be a date YYYY-MM-DD"),
    BeforeValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Instant = Annotated[datetime, BeforeValidator(_instant), WithJsonSchema({"type": "string", "format": "date-time"})]


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


UNIQUE = AfterValidator(_unique)
STRING_LIST = Missing("must be a list of strings")  # the absence of a required list of strings
NonEmpty = Annotated[str, Field(min_length=1)]
# An instant in an answer: ISO 8601 in UTC with offset, second precision (chalicelib.store.base.iso).
InstantText = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
DayText = Annotated[str, Field(json_schema_extra={"format": "date"})]
# The past days a change judged again: those whose recap was stored already (usecases.rejudge).
Recapped = Annotated[list[DayText], Field(description="Past days whose stored recap was re-run.")]


class Rejudged(Result):
    """What a change of many units' days did to days already recapped (usecases.rejudge.unit_days)."""

    recapped: Recapped
    recapping: int = Field(
        ge=0,
        description="Past unit-days handed to the report worker to be judged again where recapped (job "
        "`recap_rejudge`); past days judged within the request are in `recapped`.",
    )


def one_of(options: tuple[str, ...], message: str | None = None) -> Missing:
    """How the absence of a `choice` field is answered."""
    return Missing(f"must be one of {', '.join(options)}", message)


def choice(options: tuple[str, ...], message: str | None = None, detail: object = None) -> Any:
    """Metadata for a string that must be one of `options` (shown as an enum in OpenAPI)."""

    def check(value: object) -> object:
        if value not in options:
            raise invalid(f"must be one of {', '.join(options)}", message, detail)
        return value

    return BeforeValidator(check, json_schema_input_type=str)


def enum_schema(options: tuple[str, ...]) -> Any:
    return Field(json_schema_extra={"enum": list(options)})


def check_text(value: object, depth: int = 0) -> None:
    """Refuse what JSON can carry but the API cannot keep or answer: arrays and objects nested more than
    MAX_JSON_DEPTH levels deep, strings with unpaired UTF-16 surrogates (`"\\ud800"`), which cannot be
    written as UTF-8 (in a stored item, a log line or an answer), and strings with control characters other than
    tab and line breaks (`"\\u0000"`: no one types them, and a spreadsheet cell cannot hold them). Raises
    VALIDATION_ERROR naming the `body`."""
    if isinstance(value, str):
        if not is_encodable(value):
            raise ValidationError("Teks berisi karakter yang tidak valid.", {"body": "unpaired surrogate in a string"})
        if _CONTROL.search(value):
            raise ValidationError("Teks berisi karakter yang tidak valid.", {"body": "control character in a string"})
        return
    if not isinstance(value, dict | list):
        return
    if depth >= MAX_JSON_DEPTH:
        raise ValidationError("Struktur JSON terlalu dalam.", {"body": f"nested deeper than {MAX_JSON_DEPTH} levels"})
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    for item in items:
        check_text(item, depth + 1)


# The C0 controls but tab, line feed and carriage return, and DEL (not the C1 controls: text decoded from
# Windows-1252 as Latin-1, as some SIMPEG exports are, holds them where a letter was meant).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_encodable(text: str) -> bool:
    """Whether `text` can be written as UTF-8 (no unpaired surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def load_json(raw: bytes) -> object:
    """A request body's JSON value: malformed JSON, too deep nesting and unpaired surrogates are
    VALIDATION_ERROR (never a RecursionError or an answer that cannot be encoded)."""
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ValidationError("Format JSON tidak valid.", {"body": "malformed JSON"}) from exc
    check_text(data)
    return data


def parse_date(value: object, name: str) -> date:
    """A date of a path or a use case's own input: VALIDATION_ERROR naming `name` when it is not YYYY-MM-DD."""
    try:
        return parse_day(value)
    except PydanticCustomError as exc:
        raise ValidationError(f"Kolom '{name}' tidak valid.", {name: exc.message()}) from exc


# A summary of the phone the app computes (e.g. a hash of model, OS, screen and browser traits); optional.
DeviceFingerprint = Text128 | None
FINGERPRINT_FIELD = Field(
    default=None,
    description="Optional: a stable summary of the phone computed by the app (e.g. a hash of model, OS, screen "
    "and browser traits). Bound with the phone at activation (or at the login that binds a new phone); a "
    "check-in that reports another one, or none once one is bound, goes to review with warning "
    "`DEVICE_FINGERPRINT_CHANGED`.",
)
