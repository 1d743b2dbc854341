"""Work zones and field-duty letters as the zones repository stores them (`chalicelib.store.zones`).

A zone carries its geometry and its H3 cells in their storable (compacted) form; `chalicelib.geo` turns
them into shapes and cell sets. The per-employee duty rows of a letter are `chalicelib.domain.attendance.Duty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORK_ZONE, LETTER_AREA = "unit", "assignment"  # a zone's purpose


@dataclass(frozen=True)
class StoredZone:
    """A work zone (`purpose` unit) or the area of a field-duty letter (`purpose` assignment)."""

    zone_id: str
    name: str
    kind: str  # circle | polygon
    geometry: dict[str, Any]
    resolution: int
    cells: list[str]
    cell_count: int
    version: int  # 1 when created, + 1 on every change (optimistic concurrency)
    purpose: str


@dataclass(frozen=True)
class Assignment:
    """A field-duty letter (surat tugas): named employees may check in inside a zone between two dates."""

    assignment_id: str
    zone_id: str
    nips: frozenset[str]
    start_date: str  # YYYY-MM-DD, inclusive
    end_date: str  # YYYY-MM-DD, inclusive
    letter_no: str
    reason: str
    cancelled_at: str | None = None  # UTC ISO 8601 when an admin cancelled it (its duty rows no longer count)
    cancelled_by: str | None = None  # the admin who cancelled it
