"""Typed requests and results at the HTTP boundary, and the registry of declared endpoints.

``endpoint(..., body=Model, query=Model, response=Model)`` (chalicelib.api.http) parses the JSON body and
the query string into the use case's pydantic models here; every pydantic error becomes one
VALIDATION_ERROR whose ``details`` name the fields (``{"latitude": ...}``, nested ``{"circle.radius_m": ...}``)
with an Indonesian message. A result model is rendered with ``model_dump(mode="json")``. The registry
(`ENDPOINTS`) is what ``chalicelib.api.openapi`` turns into docs/openapi.yaml.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import pydantic

from chalicelib.errors import ValidationError
from chalicelib.usecases.schemas.common import CUSTOM_ERROR

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


ENDPOINTS: list[Endpoint] = []


def field_name(loc: tuple[int | str, ...]) -> str:
    """`("circle", "radius_m")` → "circle.radius_m"; list positions are left out (`nips.3` → "nips")."""
    return ".".join(str(part) for part in loc if not isinstance(part, int)) or "body"


def validation_error(exc: pydantic.ValidationError) -> ValidationError:
    """One VALIDATION_ERROR for all of a model's problems; the message is the first problem's."""
    details: dict[str, object] = {}
    message: str | None = None
    for error in exc.errors(include_url=False):
        name = field_name(error["loc"])
        if name in details:
            continue
        context = error.get("ctx") or {}
        if error["type"] == "missing":
            details[name], said = "required", f"Kolom '{name}' wajib diisi."
        elif error["type"] == CUSTOM_ERROR:
            details[name], said = error["msg"], context.get("message") or f"Kolom '{name}' tidak valid."
        else:
            details[name], said = error["msg"], f"Kolom '{name}' tidak valid."
        message = message or said
    return ValidationError(message, details)


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        raise validation_error(exc) from exc


def query_values(params: Mapping[str, Any] | None) -> dict[str, str]:
    """The query string as the model sees it: an empty value is no value (as before)."""
    return {name: value for name, value in (params or {}).items() if value}


# Tests turn this on: every plain answer of a route must then be exactly what its declared result model
# (the one OpenAPI documents) renders: no undeclared key, no missing required one, the same JSON values.
CHECK_RESULTS = False


def check_result(model: type[pydantic.BaseModel] | None, result: Any) -> None:
    if not CHECK_RESULTS or model is None or isinstance(result, pydantic.BaseModel):
        return
    rendered = model.model_validate(result).model_dump(mode="json", exclude_unset=True)
    if json.dumps(rendered, sort_keys=True) != json.dumps(result, sort_keys=True):
        raise AssertionError(f"{model.__name__} does not render the answer {result!r} as it is: {rendered!r}")


def render(result: Any) -> Any:
    """A result model as JSON data; anything else as it is."""
    if isinstance(result, pydantic.BaseModel):
        return result.model_dump(mode="json")
    return result
