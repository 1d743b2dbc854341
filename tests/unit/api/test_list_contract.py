"""API.md: "List endpoints answer {"items": [...], "next": <cursor or null>} and take ?next= to page", and a
broken `next` is a 400 VALIDATION_ERROR. Walks every declared route, so a new list cannot forget either half
(the admin users' list once answered without `next` and ignored any cursor sent)."""

from __future__ import annotations

import pydantic
import pytest

import app  # noqa: F401  - registers every route
from chalicelib.api.binding import ENDPOINTS, Endpoint
from chalicelib.usecases.schemas.common import OnePageQuery

LISTS = [e for e in ENDPOINTS if e.method == "GET" and e.response is not None and "items" in e.response.model_fields]


def _name(e: Endpoint) -> str:
    return f"{e.method} {e.path}"


def test_the_walk_finds_the_lists() -> None:
    paths = {e.path for e in LISTS}
    assert {"/v1/admin/users", "/v1/admin/units", "/v1/admin/monitor", "/v1/admin/audit", "/v1/me/requests"} <= paths


@pytest.mark.parametrize("endpoint", LISTS, ids=_name)
def test_every_list_answers_next_and_takes_it(endpoint: Endpoint) -> None:
    assert endpoint.response is not None
    assert "next" in endpoint.response.model_fields, f"{_name(endpoint)} answers items without next"
    assert endpoint.query is not None and "next" in endpoint.query.model_fields, f"{_name(endpoint)} ignores ?next="


@pytest.mark.parametrize("cursor", ["x", "e30", "eyJrIjogMX0"])
def test_a_one_page_list_refuses_any_cursor(cursor: str) -> None:
    with pytest.raises(pydantic.ValidationError) as raised:
        OnePageQuery.model_validate({"next": cursor})
    error = raised.value.errors()[0]
    assert (error["loc"], error["msg"]) == (("next",), "invalid cursor")


def test_a_one_page_list_reads_without_a_cursor() -> None:
    assert OnePageQuery.model_validate({}).next is None
