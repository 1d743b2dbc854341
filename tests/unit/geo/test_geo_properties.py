"""Property tests: inside the drawn shape ⇒ inside the cells; farther than the stated bound ⇒ outside."""

from __future__ import annotations

import math
from collections.abc import Mapping

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.geo import (
    GeoValidationError,
    ZoneConfig,
    build_cells,
    contains_point,
    overshoot_bound_m,
    parse_shape,
)
from chalicelib.geo.earth import LatLon, LocalFrame
from chalicelib.geo.shapes import Shape, distance_to_boundary_m

CONFIG = ZoneConfig()
BOUND = overshoot_bound_m(CONFIG.resolution)

centres = st.tuples(st.floats(-11.0, 6.0), st.floats(95.0, 141.0))
offsets = st.lists(st.tuples(st.floats(-420, 420), st.floats(-420, 420)), min_size=60, max_size=60)


@st.composite
def star_polygons(draw: st.DrawFn) -> dict[str, object]:
    """Random simple polygons (star-shaped around their centre), sometimes with a square hole."""
    centre = draw(centres)
    n = draw(st.integers(3, 12))
    angles = sorted(draw(st.lists(st.floats(0, 2 * math.pi), min_size=n, max_size=n, unique=True)))
    radii = draw(st.lists(st.floats(15, 350), min_size=n, max_size=n))
    frame = LocalFrame(centre)
    outer = [list(frame.to_latlon((r * math.sin(a), r * math.cos(a)))) for a, r in zip(angles, radii, strict=True)]
    spec: dict[str, object] = {"polygon": outer}
    if draw(st.booleans()):
        h = draw(st.floats(2, 10))
        spec["holes"] = [[list(frame.to_latlon(p)) for p in ((-h, -h), (h, -h), (h, h), (-h, h))]]
    return {"centre": centre, "spec": spec}


def _shape(spec: Mapping[str, object]) -> Shape:
    try:
        return parse_shape(spec, CONFIG)
    except GeoValidationError:
        assume(False)
        raise


def _points(centre: LatLon, offs: list[tuple[float, float]]) -> list[LatLon]:
    frame = LocalFrame(centre)
    return [frame.to_latlon(o) for o in offs]


def _check(shape: Shape, points: list[LatLon]) -> None:
    cells = build_cells(shape, CONFIG)
    for p in points:
        if contains_point(shape, *p):
            assert cells.contains(*p), f"inside point {p} tests outside"
        elif distance_to_boundary_m(shape, *p) > BOUND:
            assert not cells.contains(*p), f"point {p} more than {BOUND} m outside tests inside"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(star_polygons(), offsets)
def test_random_polygons(poly: dict[str, object], offs: list[tuple[float, float]]) -> None:
    centre = poly["centre"]
    assert isinstance(centre, tuple)
    spec = poly["spec"]
    assert isinstance(spec, dict)
    _check(_shape(spec), _points(centre, offs))


@settings(max_examples=40, deadline=None)
@given(centres, st.floats(10, 400), offsets)
def test_random_circles(centre: LatLon, radius: float, offs: list[tuple[float, float]]) -> None:
    spec = {"circle": {"lat": centre[0], "lon": centre[1], "radius_m": radius}}
    _check(_shape(spec), _points(centre, offs))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(star_polygons(), st.data())
def test_points_near_the_boundary(poly: dict[str, object], data: st.DataObject) -> None:
    # points within a few metres of a random vertex: where a too-small cell set would fail first
    spec = poly["spec"]
    assert isinstance(spec, dict)
    shape = _shape(spec)
    ring = spec["polygon"]
    assert isinstance(ring, list)
    vertex = ring[data.draw(st.integers(0, len(ring) - 1))]
    near = data.draw(st.lists(st.tuples(st.floats(-15, 15), st.floats(-15, 15)), min_size=40, max_size=40))
    _check(shape, _points((vertex[0], vertex[1]), near))
