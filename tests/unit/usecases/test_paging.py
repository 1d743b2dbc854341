"""Pages across units (usecases/paging.py): rows read whole, paged by offset, and cursors of another list refused."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import ValidationError
from chalicelib.store.base import encode_cursor
from chalicelib.usecases.paging import across_units, offset_page, then_whole

ROWS = {"U1": ["a", "b", "c"], "U2": [], "U3": ["d"]}


def fetch(unit: str, limit: int, after: dict[str, Any] | None) -> tuple[list[str], dict[str, Any] | None]:
    return offset_page(ROWS[unit], limit, after)


def test_rows_read_whole_come_in_pages_unit_by_unit() -> None:
    pages, cursor = [], None
    while True:
        items, cursor = across_units(list(ROWS), cursor, fetch, limit=2)
        pages.append(items)
        if cursor is None:
            break
    assert pages == [["a", "b"], ["c", "d"]]


@pytest.mark.parametrize("key", [{"offset": {"N": "-1"}}, {"offset": {"S": "1"}}, {"pk": {"S": "U1"}}])
def test_a_signed_cursor_of_another_list_is_refused_not_a_500(key: dict[str, Any]) -> None:
    # A cursor this deployment signed for a DynamoDB-paged list, replayed on a list paged by offset
    cursor = encode_cursor({"unit": "U1", "key": key})
    with pytest.raises(ValidationError):
        across_units(list(ROWS), cursor, fetch, limit=2)


def test_a_unit_s_store_paged_rows_then_its_rows_read_whole_come_in_pages_in_any_size() -> None:
    # GIVEN units whose own rows the store pages (a key per row), then rows that followed their movers in
    own = {"U1": ["a", "b", "c"], "U2": ["d"], "U3": []}
    followed = {"U1": ["x", "y"], "U2": [], "U3": ["z"]}

    def index(unit: str, limit: int, after: dict[str, Any] | None) -> tuple[list[str], dict[str, Any] | None]:
        skip = int(after["pos"]["N"]) if after else 0
        rows = own[unit][skip : skip + limit]
        return rows, {"pos": {"N": str(skip + limit)}} if skip + limit < len(own[unit]) else None

    def read(limit: int) -> list[list[str]]:
        pages, cursor = [], None
        while True:
            items, cursor = across_units(list(own), cursor, then_whole(index, followed.__getitem__), limit=limit)
            pages.append(items)
            if cursor is None:
                return pages

    # WHEN they are listed in pages of any size, THEN each unit's own rows come, then those that followed, once
    for limit in (1, 2, 3, 4, 7):
        assert [row for page in read(limit) for row in page] == ["a", "b", "c", "x", "y", "d", "z"]
    assert read(3) == [["a", "b", "c"], ["x", "y", "d"], ["z"]]


@pytest.mark.parametrize(
    ("later", "expected"),
    [
        (["U0", "U1", "U2", "U3"], ["c", "d"]),  # a unit created between the pages, sorting first
        (["U2", "U3"], ["d"]),  # the unit being read dropped from the admin's list: the next one from its start
        (["U1", "U3"], ["c", "d"]),  # a unit not yet reached dropped
    ],
)
def test_a_unit_created_or_dropped_between_pages_repeats_no_row_and_skips_no_unit(
    later: list[str], expected: list[str]
) -> None:
    # GIVEN a first page that stops inside U1
    items, cursor = across_units(list(ROWS), None, fetch, limit=2)
    assert items == ["a", "b"]
    # WHEN the units change before the next page is asked for
    rest: list[str] = []
    while cursor is not None:
        items, cursor = across_units(later, cursor, lambda u, n, k: fetch(u, n, k) if u in ROWS else ([], None), 2)
        rest += items
    # THEN the list goes on where it was (by the place in the list, U0's arrival sent "a", "b" again)
    assert rest == expected
