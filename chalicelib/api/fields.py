"""Typed reads of JSON request fields; every problem is a VALIDATION_ERROR naming the field."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from chalicelib.errors import ValidationError

DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _fail(name: str, problem: str, message: str | None = None) -> ValidationError:
    return ValidationError(message or f"Kolom '{name}' tidak valid.", {name: problem})


def string(body: dict[str, Any], name: str, *, max_len: int = 200, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _fail(name, "required", f"Kolom '{name}' wajib diisi.")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(name, "must be a non-empty string")
    if len(value) > max_len:
        raise _fail(name, f"at most {max_len} characters")
    return value.strip()


def req_string(body: dict[str, Any], name: str, *, max_len: int = 200) -> str:
    value = string(body, name, max_len=max_len, required=True)
    assert value is not None
    return value


def number(body: dict[str, Any], name: str, *, low: float, high: float, required: bool = True) -> float | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _fail(name, "required", f"Kolom '{name}' wajib diisi.")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(name, "must be a number")
    if not low <= value <= high:
        raise _fail(name, f"must be between {low} and {high}")
    return float(value)


def req_number(body: dict[str, Any], name: str, *, low: float, high: float) -> float:
    value = number(body, name, low=low, high=high)
    assert value is not None
    return value


def boolean(body: dict[str, Any], name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise _fail(name, "must be true or false")
    return value


def choice(body: dict[str, Any], name: str, options: tuple[str, ...]) -> str:
    value = body.get(name)
    if value not in options:
        raise _fail(name, f"must be one of {', '.join(options)}")
    return str(value)


def string_list(body: dict[str, Any], name: str, *, max_items: int = 1000, required: bool = True) -> list[str]:
    value = body.get(name)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(name, "must be a list of strings")
    if len(value) > max_items:
        raise _fail(name, f"at most {max_items} items")
    return list(dict.fromkeys(value))


def parse_date(value: object, name: str) -> date:
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise _fail(name, "must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _fail(name, "must be a real date YYYY-MM-DD") from exc


def date_field(body: dict[str, Any], name: str) -> date:
    return parse_date(body.get(name), name)


def instant(body: dict[str, Any], name: str, *, required: bool = False) -> datetime | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _fail(name, "required")
        return None
    if not isinstance(value, str):
        raise _fail(name, "must be an ISO 8601 instant with offset")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(name, "must be an ISO 8601 instant with offset") from exc
    if moment.tzinfo is None:
        raise _fail(name, "must include a UTC offset")
    return moment
