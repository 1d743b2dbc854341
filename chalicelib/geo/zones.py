"""Which zones an employee may check in from on a given day, and which of them a point falls in.

Employees inherit their unit's zones; a field-duty assignment (dinas luar) adds a zone for named employees
between two local dates, inclusive. Membership answers WHICH zone matched so the attendance record can say
where the employee was and whether it was thanks to an assignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import h3.api.basic_int as h3i

from chalicelib.geo.cells import CellSet
from chalicelib.geo.shapes import Shape

ZoneSource = Literal["unit", "assignment"]


@dataclass(frozen=True)
class ZoneRef:
    """A zone as offered to the membership test.

    `shape` is optional: it is only needed to excuse a poor GPS accuracy when the whole accuracy circle is
    inside the drawn zone; without it that exception never applies. `assignment_id` is set when
    `source == "assignment"`.
    """

    zone_id: str
    name: str
    source: ZoneSource
    cells: CellSet
    shape: Shape | None = None
    assignment_id: str | None = None


@dataclass(frozen=True)
class FieldDutyAssignment:
    """Field duty (dinas luar): named employees may also check in inside `zone` from start to end date."""

    assignment_id: str
    nips: frozenset[str]
    zone: ZoneRef
    start_date: date
    end_date: date
    letter_no: str
    reason: str

    def applies(self, nip: str, day: date) -> bool:
        """Whether this assignment lets `nip` check in on local date `day` (both ends inclusive)."""
        return nip in self.nips and self.start_date <= day <= self.end_date


def local_day(instant: datetime, timezone: str) -> date:
    """The regency's local date of an aware instant (e.g. "Asia/Jakarta")."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(ZoneInfo(timezone)).date()


def zones_for_day(
    nip: str, unit_zones: Sequence[ZoneRef], assignments: Iterable[FieldDutyAssignment], day: date
) -> list[ZoneRef]:
    """The zones `nip` may use on local date `day`: the unit's first, then active field-duty zones.

    Field-duty zones are returned tagged with source "assignment" and their assignment_id, whatever the
    stored ZoneRef said, so a match always tells which letter allowed it.
    """
    extra = [
        replace(a.zone, source="assignment", assignment_id=a.assignment_id) for a in assignments if a.applies(nip, day)
    ]
    return [*unit_zones, *extra]


def match_zone(lat: float, lon: float, candidates: Sequence[ZoneRef]) -> ZoneRef | None:
    """The first candidate (in the given order) whose cells contain the point, or None."""
    cell_at: dict[int, int] = {}
    for zone in candidates:
        res = zone.cells.resolution
        cell = cell_at.get(res)
        if cell is None:
            cell = cell_at[res] = h3i.latlng_to_cell(lat, lon, res)
        if zone.cells.contains_cell(cell):
            return zone
    return None
