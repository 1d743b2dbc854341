"""Typed requests and results at the HTTP boundary, and the registry of declared endpoints.

``endpoint(..., body=Model, query=Model, response=Model)`` (chalicelib.api.http) parses the JSON body and
the query string into the use case's pydantic models here; every pydantic error becomes one
VALIDATION_ERROR whose ``details`` name the fields (``{"latitude": ...}``, nested ``{"circle.radius_m": ...}``)
with an Indonesian message. A result model is rendered with ``model_dump(mode="json")``. The registry
(`ENDPOINTS`) is what ``chalicelib.api.openapi`` turns into docs/openapi.yaml.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import annotated_types
import pydantic
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from chalicelib.errors import ValidationError
from chalicelib.usecases.schemas.common import CUSTOM_ERROR, Missing

M = TypeVar("M", bound=pydantic.BaseModel)


@dataclass(frozen=True)
class Endpoint:
    """What a route was declared with: the OpenAPI generator reads these."""

    path: str
    method: str
    auth_as: str
    status: int
    body: type[pydantic.BaseModel] | None
    query: type[pydantic.BaseModel] | None
    response: type[pydantic.BaseModel] | None
    raw_body: type[pydantic.BaseModel] | None  # documented; the route reads the body itself
    roles: tuple[str, ...]  # narrower than auth_as admits (the use case checks), or () for all it admits
    errors: tuple[str, ...]
    tag: str
    func: Callable[..., Any]
    accepted: type[pydantic.BaseModel] | None = None  # the 202 answer of work that goes on in the background
    auditor_may: bool = False  # own account, or a POST that changes no data: an auditor may call it (api/http.py)


ENDPOINTS: list[Endpoint] = []


def field_name(loc: tuple[int | str, ...]) -> str:
    """`("circle", "radius_m")` → "circle.radius_m"; list positions are left out (`nips.3` → "nips")."""
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "body"


NUMBER_ERRORS = {"float_type", "int_type", "finite_number", "float_parsing", "int_parsing", "int_from_float"}
RANGE_ERRORS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


def _bounds(field: FieldInfo | None) -> tuple[object, object]:
    low = next((m.ge for m in field.metadata if isinstance(m, annotated_types.Ge)), None) if field else None
    high = next((m.le for m in field.metadata if isinstance(m, annotated_types.Le)), None) if field else None
    return low, high


def _is_string_list(field: FieldInfo | None) -> bool:
    if field is None or typing.get_origin(field.annotation) is not list:
        return False
    (item,) = typing.get_args(field.annotation) or (None,)
    return item is str or typing.get_args(item)[:1] == (str,)


PROBLEMS = {
    "missing": "required",
    "string_type": "must be a non-empty string",
    "string_too_short": "must be a non-empty string",
    "string_too_long": "at most {max_length} characters",
    "too_long": "at most {max_length} items",
    "bool_type": "must be true or false",
    **dict.fromkeys(NUMBER_ERRORS, "must be a number"),
}


def problem(error: ErrorDetails, field: FieldInfo | None) -> object:
    """What is wrong with a field, for `details`, in the words the API used before the typed requests."""
    kind, context = error["type"], error.get("ctx") or {}
    if kind == CUSTOM_ERROR:
        return context.get("detail", str(error["msg"]))
    in_list = any(isinstance(part, int) for part in error["loc"])
    if _is_string_list(field) and (kind == "list_type" or in_list):
        return "must be a list of strings"
    low, high = _bounds(field)
    if kind in RANGE_ERRORS and low is not None and high is not None:
        return f"must be between {low} and {high}"
    if kind in PROBLEMS:
        return PROBLEMS[kind].format(**context)
    return str(error["msg"])


def _field(model: type[pydantic.BaseModel] | None, loc: tuple[int | str, ...]) -> FieldInfo | None:
    """The model's own field an error is about (None for a nested model's field: its error says enough)."""
    names = [part for part in loc if not isinstance(part, int)]
    if model is None or len(names) != 1 or not isinstance(names[0], str):
        return None
    return model.model_fields.get(names[0])


def validation_error(exc: pydantic.ValidationError, model: type[pydantic.BaseModel] | None = None) -> ValidationError:
    """One VALIDATION_ERROR for all of a model's problems; the message is the first problem's."""
    details: dict[str, object] = {}
    message: str | None = None
    for error in exc.errors(include_url=False):
        name = field_name(error["loc"])
        if name in details:
            continue
        top = error["loc"][0] if error["loc"] else None
        field = (
            model.model_fields.get(top) if model is not None and isinstance(top, str) and len(error["loc"]) else None
        )
        if field is not None and len([p for p in error["loc"] if not isinstance(p, int)]) > 1:
            field = None  # a nested field: only its own error says what is wrong
        context = error.get("ctx") or {}
        details[name] = problem(error, field)
        missing = next((m for m in field.metadata if isinstance(m, Missing)), None) if field else None
        if error["type"] == "missing" and missing is not None:
            details[name], said = missing.problem, missing.message or f"Kolom '{name}' tidak valid."
        elif error["type"] == "missing":
            said = f"Kolom '{name}' wajib diisi."
        elif error["type"] == CUSTOM_ERROR:
            said = context.get("message") or f"Kolom '{name}' tidak valid."
        else:
            said = f"Kolom '{name}' tidak valid."
        message = message or said
    return ValidationError(message, details)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, model) from exc


def query_values(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The query string as the model sees it: an empty value is no value (as before)."""
    return {name: value for name, value in (params or {}).items() if value}


# Tests turn this on: every answer of a route must then render exactly what its declared result model (the
# one OpenAPI documents) renders of it: no undeclared key, no missing required one, the same JSON values.
CHECK_RESULTS = False


def check_result(model: type[pydantic.BaseModel] | None, result: pydantic.BaseModel) -> None:
    if not CHECK_RESULTS or model is None:
        return
    rendered = render(result)
    documented = model.model_validate(rendered).model_dump(mode="json", exclude_unset=True)
    if json.dumps(documented, sort_keys=True) != json.dumps(rendered, sort_keys=True):
        raise AssertionError(f"{model.__name__} does not render the answer {rendered!r} as it is: {documented!r}")


def render(result: pydantic.BaseModel) -> Any:
    """A result model as JSON data."""
    return result.model_dump(mode="json")
