"""Work zones and GPS plausibility for SMART check-ins (pure domain code: no AWS, no project imports).

Typical use by the app layer::

    cells = build_cells(parse_shape(body, zone_config), zone_config)   # on zone create/update
    stored = cells_to_storable(cells)                                   # list[str] for DynamoDB
    cells = CACHE.get(zone_id, version, lambda: cells_from_storable(stored))
    zones = zones_for_day(nip, unit_zones, assignments, local_day(now, policy.timezone))
    result = assess_position(fix, zones, history, policy)
    if (err := result.first_refusal()) is not None:
        raise err                                                       # 422 (or 400 for VALIDATION_ERROR)
    status = "review" if result.warnings else "accepted"
"""

from chalicelib.geo.cells import (
    CellSet,
    CellSetCache,
    build_cells,
    cells_from_storable,
    cells_to_storable,
    chunk_storable,
    storable_size_bytes,
)
from chalicelib.geo.codes import (
    GPS_INACCURATE,
    IMPOSSIBLE_TRAVEL,
    MOCK_LOCATION,
    OUTSIDE_ZONE,
    REFUSAL_PRIORITY,
    STATIC_FIX,
    TRAVEL_AFTER_REFUSAL,
    VALIDATION_ERROR,
)
from chalicelib.geo.config import INDONESIA, BoundingBox, GeoPolicy, ZoneConfig, overshoot_bound_m
from chalicelib.geo.errors import (
    GeoConfigError,
    GeoError,
    GeoValidationError,
    GpsInaccurateError,
    ImpossibleTravelError,
    MockLocationError,
    OutsideZoneError,
    StaticFixError,
    StoredCellsError,
)
from chalicelib.geo.plausibility import Fix, PastFix, PositionAssessment, assess_position
from chalicelib.geo.shapes import (
    CircleShape,
    PolygonShape,
    Shape,
    contains_disc,
    contains_point,
    parse_shape,
    shape_area_m2,
    shape_from_geojson,
    shape_to_dict,
)
from chalicelib.geo.zones import FieldDutyAssignment, ZoneRef, local_day, match_zone, zones_for_day

__all__ = [
    "GPS_INACCURATE",
    "IMPOSSIBLE_TRAVEL",
    "INDONESIA",
    "MOCK_LOCATION",
    "OUTSIDE_ZONE",
    "REFUSAL_PRIORITY",
    "STATIC_FIX",
    "TRAVEL_AFTER_REFUSAL",
    "VALIDATION_ERROR",
    "BoundingBox",
    "CellSet",
    "CellSetCache",
    "CircleShape",
    "FieldDutyAssignment",
    "Fix",
    "GeoConfigError",
    "GeoError",
    "GeoPolicy",
    "GeoValidationError",
    "GpsInaccurateError",
    "ImpossibleTravelError",
    "MockLocationError",
    "OutsideZoneError",
    "PastFix",
    "PolygonShape",
    "PositionAssessment",
    "Shape",
    "StaticFixError",
    "StoredCellsError",
    "ZoneConfig",
    "ZoneRef",
    "assess_position",
    "build_cells",
    "cells_from_storable",
    "cells_to_storable",
    "chunk_storable",
    "contains_disc",
    "contains_point",
    "local_day",
    "match_zone",
    "overshoot_bound_m",
    "parse_shape",
    "shape_area_m2",
    "shape_from_geojson",
    "shape_to_dict",
    "storable_size_bytes",
    "zones_for_day",
]
