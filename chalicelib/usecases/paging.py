"""Pages of an admin list that spans several units: each unit's rows are read in turn, and `next` (signed,
store.base.encode_cursor) says which unit to go on with and where in it. Units come sorted by id (`access.units_of`)
and a cursor names its unit by id, not by place: a unit created or dropped between two pages (a SIMPEG sync, an
admin's units edited) moves every later unit's place, and a place sent a unit's rows again or skipped a unit."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from chalicelib.store.base import bad_cursor, decode_position, encode_cursor, start_key

T = TypeVar("T")
PAGE_SIZE = 100
# A unit's rows: (unit, at most this many, the unit's start key or None) -> (rows, start key of the rest)
Fetch = Callable[[str, int, dict[str, Any] | None], tuple[list[T], dict[str, Any] | None]]


def across_units(
    units: Sequence[str], cursor: str | None, fetch: Fetch[T], limit: int = PAGE_SIZE
) -> tuple[list[T], str | None]:
    """Up to `limit` rows of `units` (sorted) in order from the position `cursor` names, and the cursor of the
    rest."""
    start, position = unit_position(cursor, units)
    items: list[T] = []
    last: dict[str, Any] | None = start_key(position.get("key"))
    for index in range(start, len(units)):
        rows, last = fetch(units[index], limit - len(items), last)
        items += rows
        if len(items) >= limit:
            more = index + 1 < len(units) or last is not None
            return items, encode_cursor({"unit": units[index if last else index + 1], "key": last}) if more else None
        if last is not None:  # a short page (a filter dropped rows): the unit goes on on the next page
            return items, encode_cursor({"unit": units[index], "key": last})
    return items, None


def then_whole(index: Fetch[T], whole: Callable[[str], Sequence[T]]) -> Fetch[T]:
    """A `Fetch` of a unit's rows from its `index` (paged by the store), then of those `whole(unit)` reads at once
    (paged by offset): the rows that followed the unit's members who moved in (`movers.followed`). The position
    in the second part is an `offset_page` key, which no store's start key is."""

    def fetch(unit: str, limit: int, after: dict[str, Any] | None) -> tuple[list[T], dict[str, Any] | None]:
        if after is not None and "offset" in after:
            return offset_page(whole(unit), limit, after)
        rows, last = index(unit, limit, after)
        if last is not None:
            return rows, last
        if len(rows) >= limit:  # the index is done: the next page goes on with the second part
            return rows, {"offset": {"N": "0"}}
        more, rest = offset_page(whole(unit), limit - len(rows), None)
        return rows + more, rest

    return fetch


def offset_page(rows: Sequence[T], limit: int, after: dict[str, Any] | None) -> tuple[list[T], dict[str, Any] | None]:
    """A `Fetch` over rows read whole: up to `limit` of them from the offset `after` names, and the offset of the
    rest (shaped like a DynamoDB start key, as `across_units` keeps it)."""
    skip = _offset(after)
    more = skip + limit < len(rows)
    return list(rows[skip : skip + limit]), {"offset": {"N": str(skip + limit)}} if more else None


def _offset(after: dict[str, Any] | None) -> int:
    """The offset an `offset_page` start key names; VALIDATION_ERROR for any other key (a cursor of another list)."""
    if after is None:
        return 0
    number = after.get("offset", {}).get("N") if set(after) == {"offset"} else None
    if not isinstance(number, str) or not number.isdigit():
        raise bad_cursor()
    return int(number)


def unit_position(cursor: str | None, units: Sequence[str]) -> tuple[int, dict[str, Any]]:
    """Which of `units` (sorted) a list's signed `cursor` goes on with (0 for none), and the whole position it
    names (where in that unit is the list's own business). A unit no longer in the list is followed by the next
    one, from its start; VALIDATION_ERROR for a cursor naming no unit."""
    position = decode_position(cursor)
    if position is None:
        return 0, {}
    unit = position.get("unit")
    if not isinstance(unit, str):
        raise bad_cursor()
    index = bisect_left(units, unit)
    return (index, position) if index < len(units) and units[index] == unit else (index, {})
