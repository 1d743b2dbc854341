"""Configuration of the geo package: how zones are built and which position checks refuse.

Plain frozen dataclasses with documented defaults; the app layer builds them once from its settings object
(geo never reads the environment). Values are checked on construction so a bad setting fails at start-up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from chalicelib.geo.codes import (
    GPS_INACCURATE,
    IMPOSSIBLE_TRAVEL,
    MOCK_LOCATION,
    OUTSIDE_ZONE,
    REVIEWABLE_CODES,
)
from chalicelib.geo.errors import GeoConfigError

# Largest distance between two points of one H3 cell anywhere in Indonesia's bounding box, in metres:
# the maximum over 60,000 sampled cells per resolution (11: 63.19, 12: 23.88, 13: 9.027, 14: 3.412, all
# near 4.5° N 138° E) plus a 2 % margin for cells the sample missed; tests/unit/geo/test_bound.py re-checks
# it. A point tests inside a zone only if its cell overlaps the shape, so a point at most this far outside
# the drawn shape may still test inside.
MAX_CELL_DIAMETER_M: dict[int, float] = {11: 64.5, 12: 24.4, 13: 9.21, 14: 3.49}

# Circles are turned into a circumscribed polygon whose edges stay at most this far outside the circle.
CIRCLE_MARGIN_M = 0.5


def overshoot_bound_m(resolution: int) -> float:
    """How far outside a zone's drawn shape a point can still test inside, for zones built at `resolution`."""
    if resolution not in MAX_CELL_DIAMETER_M:
        raise GeoConfigError(f"resolusi H3 {resolution} tidak didukung", {"resolution": resolution})
    return MAX_CELL_DIAMETER_M[resolution] + CIRCLE_MARGIN_M


@dataclass(frozen=True)
class BoundingBox:
    """A lat/lon rectangle; the default is Indonesia's (approximate, generous by a few tens of km)."""

    lat_min: float = -11.5
    lat_max: float = 6.5
    lon_min: float = 94.5
    lon_max: float = 141.5

    def __post_init__(self) -> None:
        values = (self.lat_min, self.lat_max, self.lon_min, self.lon_max)
        lat_ok = -90 <= self.lat_min < self.lat_max <= 90
        lon_ok = -180 <= self.lon_min < self.lon_max <= 180
        if not (all(math.isfinite(v) for v in values) and lat_ok and lon_ok):
            raise GeoConfigError("batas wilayah tidak valid", {"bounds": values})

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


INDONESIA = BoundingBox()


@dataclass(frozen=True)
class ZoneConfig:
    """Limits and resolution for turning a drawn zone into cells.

    Defaults: H3 resolution 13 (cell edge ≈ 3.6 m; a point at most ``overshoot_bound_m(13)`` = 9.71 m
    outside the drawn shape can test inside — resolution 12 would allow ≈ 24 m, more than the 20 m target);
    area between 100 m² and 25 km² (a zone the size of a province is a mistake); circle radius 10 m–5 km
    (the area limit applies to circles too, so with the defaults the largest circle is ≈ 2.8 km);
    at most 500 vertices and 50 km of perimeter, and at most 15,000 compacted cells, which keeps one zone's
    cells in one DynamoDB item (≈ 17 bytes a cell as a list of hex strings).
    """

    resolution: int = 13
    min_area_m2: float = 100.0
    max_area_m2: float = 25_000_000.0
    min_radius_m: float = 10.0
    max_radius_m: float = 5_000.0
    max_vertices: int = 500
    max_perimeter_m: float = 50_000.0
    max_cells: int = 15_000
    service_area: BoundingBox = field(default_factory=BoundingBox)

    def __post_init__(self) -> None:
        overshoot_bound_m(self.resolution)
        if not 0 < self.min_area_m2 < self.max_area_m2:
            raise GeoConfigError("batas luas zona tidak valid", {"min": self.min_area_m2, "max": self.max_area_m2})
        if not 0 < self.min_radius_m < self.max_radius_m:
            raise GeoConfigError("batas radius tidak valid", {"min": self.min_radius_m, "max": self.max_radius_m})
        if self.max_vertices < 3 or self.max_perimeter_m <= 0 or self.max_cells < 1:
            raise GeoConfigError("batas kompleksitas zona tidak valid")


DEFAULT_REFUSE = frozenset({OUTSIDE_ZONE, MOCK_LOCATION, IMPOSSIBLE_TRAVEL, GPS_INACCURATE})


@dataclass(frozen=True)
class GeoPolicy:
    """Thresholds of the position checks and which findings refuse a check-in.

    A finding whose code is in `refuse` refuses; any other finding only sends the check-in to review
    (it becomes a warning). VALIDATION_ERROR always refuses and cannot be configured.

    - `max_accuracy_m` (100): reported accuracy radius above this is GPS_INACCURATE, unless the whole
      accuracy circle lies inside one of the candidate zones' drawn shapes.
    - `max_speed_kmh` (250) and `travel_allowance_m` (1,000): IMPOSSIBLE_TRAVEL when the distance to a
      previous recorded fix exceeds ``travel_allowance_m + max_speed × elapsed time``.
    - `after_refusal_speed_kmh` (60) and `after_refusal_allowance_m` (300): TRAVEL_AFTER_REFUSAL (a warning) when
      the distance to a position refused just before exceeds ``after_refusal_allowance_m + speed × elapsed time``:
      a road's limits, not an aircraft's, since it only sends the check-in to review (the home faker's jump is a
      few kilometres in a minute or two, which IMPOSSIBLE_TRAVEL's limits let through).
    - `static_min_days` (3) and `static_tolerance_deg` (1e-6): STATIC_FIX when the same coordinates (both
      within the tolerance) were recorded on at least that many distinct earlier local days.
    - `timezone` ("Asia/Jakarta"): the regency's zone, which decides what "another day" is.
    - `service_area`: coordinates outside it are VALIDATION_ERROR (GPS glitches to other continents).
    """

    max_accuracy_m: float = 100.0
    max_speed_kmh: float = 250.0
    travel_allowance_m: float = 1_000.0
    after_refusal_speed_kmh: float = 60.0
    after_refusal_allowance_m: float = 300.0
    static_min_days: int = 3
    static_tolerance_deg: float = 1e-6
    refuse: frozenset[str] = DEFAULT_REFUSE
    timezone: str = "Asia/Jakarta"
    service_area: BoundingBox = field(default_factory=BoundingBox)

    def __post_init__(self) -> None:
        positive = (self.max_accuracy_m, self.max_speed_kmh, self.after_refusal_speed_kmh, self.static_tolerance_deg)
        allowances = (self.travel_allowance_m, self.after_refusal_allowance_m)
        if not all(math.isfinite(v) and v > 0 for v in positive) or min(allowances) < 0:
            raise GeoConfigError("ambang pemeriksaan lokasi tidak valid")
        if self.static_min_days < 1:
            raise GeoConfigError("static_min_days harus >= 1", {"static_min_days": self.static_min_days})
        unknown = set(self.refuse) - REVIEWABLE_CODES
        if unknown:
            raise GeoConfigError("kode penolakan tidak dikenal", {"unknown": sorted(unknown)})
        _check_timezone(self.timezone)


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise GeoConfigError("zona waktu tidak dikenal", {"timezone": name}) from exc
