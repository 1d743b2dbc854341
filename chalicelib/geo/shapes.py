"""Zone shapes as an admin draws them, their validation, and exact geometric tests on them.

A polygon's edges are straight lines in latitude/longitude (as H3 reads them; for zones of a few km this
differs from a line drawn on a web map by far less than a millimetre). A circle is a centre and a radius in
metres on the sphere. The exact tests here serve validation and the "whole accuracy circle inside the zone"
exception; everyday membership goes through the zone's H3 cells (see cells.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, TypeGuard

from chalicelib.geo.config import ZoneConfig
from chalicelib.geo.earth import LatLon, LocalFrame, haversine_m, segment_distance
from chalicelib.geo.errors import GeoValidationError

Ring = tuple[LatLon, ...]


@dataclass(frozen=True)
class PolygonShape:
    """A polygon: outer ring and optional holes, each an open ring of (lat, lon) with distinct vertices."""

    outer: Ring
    holes: tuple[Ring, ...] = ()

    @property
    def kind(self) -> Literal["polygon"]:
        return "polygon"

    @property
    def rings(self) -> tuple[Ring, ...]:
        return (self.outer, *self.holes)


@dataclass(frozen=True)
class CircleShape:
    """A circle: centre (lat, lon) and radius in metres."""

    center: LatLon
    radius_m: float

    @property
    def kind(self) -> Literal["circle"]:
        return "circle"


Shape = PolygonShape | CircleShape

_MESSAGES: dict[str, str] = {
    "not_a_number": "Koordinat harus berupa angka",
    "latitude_out_of_range": "Lintang harus di antara -90 dan 90",
    "longitude_out_of_range": "Bujur harus di antara -180 dan 180",
    "outside_service_area": "Koordinat berada di luar wilayah Indonesia",
    "too_few_vertices": "Poligon harus memiliki minimal 3 titik yang berbeda",
    "too_many_vertices": "Poligon memiliki terlalu banyak titik",
    "self_intersection": "Poligon berpotongan dengan dirinya sendiri",
    "hole_outside_polygon": "Lubang poligon harus berada di dalam poligon",
    "hole_inside_hole": "Lubang poligon tidak boleh berada di dalam lubang lain",
    "area_too_small": "Luas zona terlalu kecil",
    "area_too_large": "Luas zona melebihi batas maksimal",
    "perimeter_too_long": "Keliling zona terlalu panjang",
    "too_many_cells": "Bentuk zona terlalu rumit",
    "radius_out_of_range": "Radius lingkaran di luar batas yang diizinkan",
    "accuracy_out_of_range": "Akurasi GPS tidak valid",
    "bad_format": "Format zona tidak valid: gunakan poligon, lingkaran, atau GeoJSON Polygon",
    "several_forms": "Kirim satu bentuk zona saja: poligon (boleh dengan lubang), lingkaran, atau GeoJSON Polygon",
}
# The forms a zone may be sent in, one at a time (parse_shape).
SHAPE_FORMS = ("polygon", "circle", "geojson")


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(value)
    return float(value)


def _number_id(value: object, decimals: int = 2) -> str:
    """A number as Indonesian text: thousands with dots, a decimal comma, no trailing zeros (5000 -> "5.000",
    2.5 -> "2,5")."""
    text = f"{_float(value):,.{decimals}f}"
    if decimals:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _area_too_large(field: str, d: Mapping[str, object]) -> str:
    area, limit = _number_id(d["area_km2"]), _number_id(d["max_km2"])
    if field != "circle":
        return f"Luas zona {area} km² melebihi batas {limit} km²."
    # the largest circle under the limit, rounded down to 10 m (25 km²: 2.820 m)
    radius = math.floor(math.sqrt(_float(d["max_km2"]) * 1e6 / math.pi) / 10) * 10
    return f"Luas lingkaran {area} km² melebihi batas {limit} km²: jari-jari paling besar {_number_id(radius)} meter."


def _km(metres: object) -> str:
    return _number_id(_float(metres) / 1000, 1)


# The limits a zone broke, named with the configured numbers (ZoneConfig) that the error's details carry.
_LIMIT_MESSAGES: dict[str, Callable[[str, Mapping[str, object]], str]] = {
    "radius_out_of_range": lambda _, d: f"Jari-jari harus {_number_id(d['min_m'])}–{_number_id(d['max_m'])} meter.",
    "area_too_small": lambda _, d: (
        f"Luas zona {_number_id(d['area_m2'], 1)} m² kurang dari batas {_number_id(d['min_m2'])} m²."
    ),
    "area_too_large": _area_too_large,
    "too_many_vertices": lambda _, d: (
        f"Poligon memiliki {_number_id(d['count'])} titik, paling banyak {_number_id(d['max'])} titik."
    ),
    "perimeter_too_long": lambda _, d: f"Keliling zona {_km(d['perimeter_m'])} km melebihi batas {_km(d['max_m'])} km.",
    "too_many_cells": lambda _, d: (
        f"Bentuk zona terlalu rumit: {_number_id(d['cells'])} kelompok sel H3, paling banyak {_number_id(d['max'])}."
        " Perkecil zona atau sederhanakan bentuknya."
    ),
}


def message(field: str, problem: str, details: Mapping[str, object]) -> str:
    """The Indonesian message of a problem; a broken limit is named with its numbers when `details` hold them."""
    words = _LIMIT_MESSAGES.get(problem)
    if words is not None:
        try:
            return words(field, details)
        except (KeyError, TypeError, ValueError):
            pass
    return _MESSAGES[problem]


def invalid(field: str, problem: str, **extra: object) -> GeoValidationError:
    """A VALIDATION_ERROR naming the field and the problem, with the Indonesian message for it (a broken limit
    with its numbers): `details` are keyed by the field as everywhere else (API.md), and say the two apart as
    well (`field`, `problem`)."""
    return GeoValidationError(
        message(field, problem, extra), {field: problem, "field": field, "problem": problem, **extra}
    )


# ---------------------------------------------------------------------------------------------- parsing


def parse_shape(spec: Mapping[str, object], config: ZoneConfig) -> Shape:
    """Read and validate a zone from the API's forms.

    Accepted: ``{"polygon": [[lat, lon], ...], "holes"?: [[[lat, lon], ...], ...]}``,
    ``{"circle": {"lat", "lon", "radius_m"}}``, ``{"geojson": <GeoJSON>}`` or a bare GeoJSON Polygon
    geometry / Feature (note GeoJSON's [lon, lat] order). Raises GeoValidationError.

    Exactly one form: a spec naming two (or holes with a circle or GeoJSON) is refused, never read as whichever
    is looked at first; the sender meant one of them and nobody can tell which.
    """
    forms = [form for form in SHAPE_FORMS if form in spec]
    if len(forms) > 1 or (forms and "holes" in spec and "polygon" not in spec):
        raise invalid("zone", "several_forms")
    if "polygon" in spec:
        outer = _ring(spec["polygon"], "polygon", lon_first=False)
        holes = tuple(_ring(h, "holes", lon_first=False) for h in _list(spec.get("holes", []), "holes"))
        return validated(PolygonShape(outer, holes), config)
    if "circle" in spec:
        return validated(_circle(spec["circle"]), config)
    if "geojson" in spec:
        return shape_from_geojson(spec["geojson"], config)
    if "type" in spec:
        return shape_from_geojson(spec, config)
    raise invalid("zone", "bad_format")


def shape_from_geojson(obj: object, config: ZoneConfig) -> PolygonShape:
    """Read a GeoJSON Polygon (or a Feature holding one); positions are [lon, lat(, alt)]."""
    if isinstance(obj, Mapping) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if not (isinstance(obj, Mapping) and obj.get("type") == "Polygon"):
        raise invalid("geojson", "bad_format")
    rings = _list(obj.get("coordinates"), "geojson")
    if not rings:
        raise invalid("geojson", "too_few_vertices")
    parsed = [_ring(r, "geojson", lon_first=True) for r in rings]
    shape = validated(PolygonShape(parsed[0], tuple(parsed[1:])), config)
    assert isinstance(shape, PolygonShape)
    return shape


def shape_to_dict(shape: Shape) -> dict[str, object]:
    """The API form of a shape (what parse_shape reads back), for storage and responses."""
    if isinstance(shape, CircleShape):
        return {"circle": {"lat": shape.center[0], "lon": shape.center[1], "radius_m": shape.radius_m}}
    out: dict[str, object] = {"polygon": [list(p) for p in shape.outer]}
    if shape.holes:
        out["holes"] = [[list(p) for p in hole] for hole in shape.holes]
    return out


def _list(value: object, field: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise invalid(field, "bad_format")
    return list(value)


def is_finite_number(value: object) -> TypeGuard[int | float]:
    """Whether `value` is a JSON number a coordinate can be: an int or a float, finite as a float. Not a bool (an
    int subclass), not NaN or infinity, and not an int too large for a float (`10**400` is valid JSON, and
    `math.isfinite` raises OverflowError on it: a 500 where the API owes a 400)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _number(value: object, field: str) -> float:
    if not is_finite_number(value):
        raise invalid(field, "not_a_number")
    return float(value)


def _position(value: object, field: str, *, lon_first: bool) -> LatLon:
    items = _list(value, field)
    if len(items) < 2 or (len(items) > 2 and not lon_first):
        raise invalid(field, "bad_format")
    a, b = _number(items[0], field), _number(items[1], field)
    return (b, a) if lon_first else (a, b)


def _ring(value: object, field: str, *, lon_first: bool) -> Ring:
    points = [_position(p, field, lon_first=lon_first) for p in _list(value, field)]
    distinct: list[LatLon] = []
    for p in points:
        if not distinct or p != distinct[-1]:
            distinct.append(p)
    # GeoJSON (and many map tools) repeat the first vertex to close the ring
    while len(distinct) > 1 and distinct[0] == distinct[-1]:
        distinct.pop()
    return tuple(distinct)


def _circle(value: object) -> CircleShape:
    if not isinstance(value, Mapping):
        raise invalid("circle", "bad_format")
    lat, lon = _number(value.get("lat"), "circle.lat"), _number(value.get("lon"), "circle.lon")
    return CircleShape((lat, lon), _number(value.get("radius_m"), "circle.radius_m"))


# ------------------------------------------------------------------------------------------- validation


def validated(shape: Shape, config: ZoneConfig) -> Shape:
    """Return `shape` if it is a usable zone under `config`, else raise GeoValidationError."""
    if isinstance(shape, CircleShape):
        _check_circle(shape, config)
    else:
        _check_polygon(shape, config)
    area = shape_area_m2(shape)
    field = shape.kind
    if area < config.min_area_m2:
        raise invalid(field, "area_too_small", area_m2=round(area, 1), min_m2=config.min_area_m2)
    if area > config.max_area_m2:
        raise invalid(field, "area_too_large", area_km2=round(area / 1e6, 3), max_km2=config.max_area_m2 / 1e6)
    return shape


def _check_point(p: LatLon, field: str, config: ZoneConfig) -> None:
    if not -90 <= p[0] <= 90:
        raise invalid(field, "latitude_out_of_range")
    if not -180 <= p[1] <= 180:
        raise invalid(field, "longitude_out_of_range")
    if not config.service_area.contains(*p):
        raise invalid(field, "outside_service_area")


def _check_circle(shape: CircleShape, config: ZoneConfig) -> None:
    _check_point(shape.center, "circle", config)
    if not config.min_radius_m <= shape.radius_m <= config.max_radius_m:
        raise invalid("circle.radius_m", "radius_out_of_range", min_m=config.min_radius_m, max_m=config.max_radius_m)


def _check_polygon(shape: PolygonShape, config: ZoneConfig) -> None:
    rings = shape.rings
    for ring in rings:
        if len(set(ring)) < 3:
            raise invalid("polygon", "too_few_vertices")
        for p in ring:
            _check_point(p, "polygon", config)
    vertex_count = sum(len(r) for r in rings)
    if vertex_count > config.max_vertices:
        raise invalid("polygon", "too_many_vertices", count=vertex_count, max=config.max_vertices)
    perimeter = sum(haversine_m(a, b) for ring in rings for a, b in _edges(ring))
    if perimeter > config.max_perimeter_m:
        raise invalid("polygon", "perimeter_too_long", perimeter_m=round(perimeter), max_m=config.max_perimeter_m)
    if _has_crossing(rings):
        raise invalid("polygon", "self_intersection")
    _check_holes(shape)


def _check_holes(shape: PolygonShape) -> None:
    # rings no longer cross, so one vertex decides on which side of another ring a whole ring lies
    for i, hole in enumerate(shape.holes):
        if not ring_contains(shape.outer, hole[0]):
            raise invalid("holes", "hole_outside_polygon", hole=i)
        if any(ring_contains(other, hole[0]) for j, other in enumerate(shape.holes) if j != i):
            raise invalid("holes", "hole_inside_hole", hole=i)


def _edges(ring: Ring) -> list[tuple[LatLon, LatLon]]:
    return [*pairwise(ring), (ring[-1], ring[0])]


def _orient(a: LatLon, b: LatLon, c: LatLon) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _on_segment(a: LatLon, b: LatLon, p: LatLon) -> bool:
    return min(a[0], b[0]) <= p[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= p[1] <= max(a[1], b[1])


def _segments_touch(a: LatLon, b: LatLon, c: LatLon, d: LatLon) -> bool:
    """Whether closed segments ab and cd share at least one point."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    if o1 * o2 < 0 and o3 * o4 < 0:
        return True
    return (
        (o1 == 0 and _on_segment(a, b, c))
        or (o2 == 0 and _on_segment(a, b, d))
        or (o3 == 0 and _on_segment(c, d, a))
        or (o4 == 0 and _on_segment(c, d, b))
    )


def _backtracks(a: LatLon, shared: LatLon, c: LatLon) -> bool:
    """Whether consecutive edges a→shared→c fold back onto each other (a zero-width spike)."""
    dot = (a[0] - shared[0]) * (c[0] - shared[0]) + (a[1] - shared[1]) * (c[1] - shared[1])
    return _orient(a, shared, c) == 0 and dot > 0


def _has_crossing(rings: Sequence[Ring]) -> bool:
    """Whether any two edges of the rings touch, other than consecutive edges at their shared vertex."""
    edges = [(r, i, e) for r, ring in enumerate(rings) for i, e in enumerate(_edges(ring))]
    boxes = [(min(a[0], b[0]), max(a[0], b[0]), min(a[1], b[1]), max(a[1], b[1])) for _, _, (a, b) in edges]
    for x, (rx, ix, (a, b)) in enumerate(edges):
        for y in range(x + 1, len(edges)):
            ry, iy, (c, d) = edges[y]
            bx, by = boxes[x], boxes[y]
            if bx[1] < by[0] or by[1] < bx[0] or bx[3] < by[2] or by[3] < bx[2]:
                continue
            n = len(rings[rx])
            if rx == ry and iy == ix + 1:
                if _backtracks(a, b, d):
                    return True
            elif rx == ry and ix == 0 and iy == n - 1:
                if _backtracks(c, a, b):
                    return True
            elif _segments_touch(a, b, c, d):
                return True
    return False


# ---------------------------------------------------------------------------------------- measurements


def _ring_area_m2(ring: Ring, frame: LocalFrame) -> float:
    pts = [frame.to_xy(p) for p in ring]
    twice = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairwise([*pts, pts[0]]))
    return abs(twice) / 2


def shape_area_m2(shape: Shape) -> float:
    """Area in square metres (holes subtracted)."""
    if isinstance(shape, CircleShape):
        return math.pi * shape.radius_m**2
    frame = LocalFrame(shape.outer[0])
    return _ring_area_m2(shape.outer, frame) - sum(_ring_area_m2(h, frame) for h in shape.holes)


def ring_contains(ring: Ring, p: LatLon) -> bool:
    """Even-odd ray test in the lat/lon plane (points exactly on an edge may go either way)."""
    lat, lon = p
    inside = False
    for (lat1, lon1), (lat2, lon2) in _edges(ring):
        if (lon1 > lon) != (lon2 > lon):
            cross_lat = lat1 + (lon - lon1) * (lat2 - lat1) / (lon2 - lon1)
            if lat < cross_lat:
                inside = not inside
    return inside


def contains_point(shape: Shape, lat: float, lon: float) -> bool:
    """Exact test: is the point inside the drawn shape?"""
    if isinstance(shape, CircleShape):
        return haversine_m(shape.center, (lat, lon)) <= shape.radius_m
    p = (lat, lon)
    return ring_contains(shape.outer, p) and not any(ring_contains(h, p) for h in shape.holes)


def distance_to_boundary_m(shape: Shape, lat: float, lon: float) -> float:
    """Distance from the point to the shape's boundary (edges of every ring, or the circle), in metres."""
    if isinstance(shape, CircleShape):
        return abs(haversine_m(shape.center, (lat, lon)) - shape.radius_m)
    frame = LocalFrame((lat, lon))
    origin = (0.0, 0.0)
    return min(
        segment_distance(origin, frame.to_xy(a), frame.to_xy(b)) for ring in shape.rings for a, b in _edges(ring)
    )


def contains_disc(shape: Shape, lat: float, lon: float, radius_m: float) -> bool:
    """Exact test: does the whole disc of `radius_m` around the point lie inside the shape?"""
    return contains_point(shape, lat, lon) and distance_to_boundary_m(shape, lat, lon) >= radius_m
