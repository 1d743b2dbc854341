"""Zone geometry: the accepted input forms and every refused problem."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from chalicelib import geo
from tests.unit.geo.geo_testlib import PEMKAB_KBB, ring_from_metres

CONFIG = geo.ZoneConfig()
SQUARE = ring_from_metres(PEMKAB_KBB, [(0, 0), (100, 0), (100, 100), (0, 100)])


def problem_of(spec: Mapping[str, object], config: geo.ZoneConfig = CONFIG) -> str:
    with pytest.raises(geo.GeoValidationError) as info:
        geo.parse_shape(spec, config)
    err = info.value
    assert err.code == "VALIDATION_ERROR"
    assert str(err)  # an Indonesian message for people
    problem = err.details["problem"]
    assert isinstance(problem, str)
    return problem


def test_polygon_in_lat_lon_order_is_accepted() -> None:
    shape = geo.parse_shape({"polygon": SQUARE}, CONFIG)
    assert isinstance(shape, geo.PolygonShape)
    assert shape.outer[0] == tuple(SQUARE[0])
    assert geo.shape_area_m2(shape) == pytest.approx(10_000, rel=1e-3)


def test_geojson_polygon_uses_lon_lat_order_and_closed_rings() -> None:
    # GIVEN the same square as GeoJSON: [lon, lat], first vertex repeated, altitude present
    coords = [[lon, lat, 700.0] for lat, lon in SQUARE] + [[SQUARE[0][1], SQUARE[0][0], 700.0]]
    geometry = {"type": "Polygon", "coordinates": [coords]}
    # WHEN read bare, wrapped in a Feature, and under a "geojson" key
    forms: list[Mapping[str, object]] = [
        geometry,
        {"type": "Feature", "properties": {}, "geometry": geometry},
        {"geojson": geometry},
    ]
    shapes = [geo.parse_shape(f, CONFIG) for f in forms]
    # THEN each equals the lat/lon polygon
    expected = geo.parse_shape({"polygon": SQUARE}, CONFIG)
    assert all(s == expected for s in shapes)


def test_geojson_read_in_wrong_order_is_refused() -> None:
    # lat/lon pairs mistakenly given as GeoJSON become (lat=107, lon=-6): out of range
    geometry = {"type": "Polygon", "coordinates": [SQUARE]}
    assert problem_of({"geojson": geometry}) == "latitude_out_of_range"


def test_geojson_hole_is_kept() -> None:
    hole = ring_from_metres(PEMKAB_KBB, [(40, 40), (60, 40), (60, 60), (40, 60)])
    geometry = {"type": "Polygon", "coordinates": [[[lon, lat] for lat, lon in r] for r in (SQUARE, hole)]}
    shape = geo.shape_from_geojson(geometry, CONFIG)
    assert len(shape.holes) == 1
    assert geo.shape_area_m2(shape) == pytest.approx(10_000 - 400, rel=1e-3)


def test_shape_round_trips_through_its_dict_form() -> None:
    hole = ring_from_metres(PEMKAB_KBB, [(40, 40), (60, 40), (60, 60), (40, 60)])
    for spec in (
        {"polygon": SQUARE, "holes": [hole]},
        {"circle": {"lat": PEMKAB_KBB[0], "lon": PEMKAB_KBB[1], "radius_m": 50.0}},
    ):
        shape = geo.parse_shape(spec, CONFIG)
        assert geo.parse_shape(geo.shape_to_dict(shape), CONFIG) == shape


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ({"polygon": SQUARE[:2]}, "too_few_vertices"),
        ({"polygon": [SQUARE[0], SQUARE[1], SQUARE[1], SQUARE[0]]}, "too_few_vertices"),
        ({"polygon": [SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3]]}, "self_intersection"),  # bow tie
        ({"polygon": [[-6.8468, 107.4857], [-6.8468, 107.4866], [-6.8468, 107.4875]]}, "self_intersection"),
        ({"polygon": [[-6.8, 107.4], [91.0, 107.4], [-6.9, 107.5]]}, "latitude_out_of_range"),
        ({"polygon": [[-6.8, 107.4], [-6.8, 181.0], [-6.9, 107.5]]}, "longitude_out_of_range"),
        ({"polygon": [[48.85, 2.29], [48.86, 2.29], [48.86, 2.30]]}, "outside_service_area"),
        ({"polygon": [[-6.8, float("nan")], [-6.8, 107.5], [-6.9, 107.5]]}, "not_a_number"),
        ({"polygon": [[-6.8, True], [-6.8, 107.5], [-6.9, 107.5]]}, "not_a_number"),
        ({"polygon": [["-6.8", 107.4], [-6.8, 107.5], [-6.9, 107.5]]}, "not_a_number"),
        ({"polygon": "-6.8,107.4"}, "bad_format"),
        ({"polygon": [[-6.8, 107.4, 3.0], [-6.8, 107.5], [-6.9, 107.5]]}, "bad_format"),
        ({"polygon": [[-6.80, 107.40], [-6.80, 107.50], [-6.90, 107.50], [-6.90, 107.40]]}, "area_too_large"),
        ({"polygon": ring_from_metres(PEMKAB_KBB, [(0, 0), (5, 0), (5, 5)])}, "area_too_small"),
        ({"circle": {"lat": -6.84, "lon": 107.48, "radius_m": 5}}, "radius_out_of_range"),
        ({"circle": {"lat": -6.84, "lon": 107.48, "radius_m": 6000}}, "radius_out_of_range"),
        ({"circle": {"lat": -6.84, "lon": 107.48, "radius_m": 4000}}, "area_too_large"),
        ({"circle": {"lat": -6.84, "lon": 107.48}}, "not_a_number"),
        ({"circle": [-6.84, 107.48, 50]}, "bad_format"),
        ({"name": "no shape"}, "bad_format"),
        ({"polygon": SQUARE, "circle": {"lat": -6.84, "lon": 107.48, "radius_m": 50}}, "several_forms"),
        ({"circle": {"lat": -6.84, "lon": 107.48, "radius_m": 50}, "holes": [SQUARE]}, "several_forms"),
        ({"holes": [SQUARE]}, "bad_format"),
        ({"type": "MultiPolygon", "coordinates": []}, "bad_format"),
        ({"type": "Polygon", "coordinates": []}, "too_few_vertices"),
    ],
)
def test_bad_geometry_is_refused_with_the_problem_named(spec: dict[str, object], problem: str) -> None:
    assert problem_of(spec) == problem


def test_self_intersection_message_is_indonesian() -> None:
    with pytest.raises(geo.GeoValidationError) as info:
        geo.parse_shape({"polygon": [SQUARE[0], SQUARE[2], SQUARE[1], SQUARE[3]]}, CONFIG)
    assert str(info.value) == "Poligon berpotongan dengan dirinya sendiri"
    assert info.value.details == {"polygon": "self_intersection", "field": "polygon", "problem": "self_intersection"}


def test_spike_folding_back_on_itself_is_a_self_intersection() -> None:
    spike = ring_from_metres(PEMKAB_KBB, [(0, 0), (100, 0), (100, 100), (50, 100), (50, 150), (50, 100), (0, 100)])
    # the repeated vertex is not consecutive, so it is not merged away
    assert problem_of({"polygon": spike}) == "self_intersection"


@pytest.mark.parametrize(
    ("hole_m", "problem"),
    [
        ([(150, 150), (180, 150), (180, 180), (150, 180)], "hole_outside_polygon"),
        ([(80, 40), (120, 40), (120, 60), (80, 60)], "self_intersection"),  # crosses the outer ring
        ([(100, 40), (90, 50), (100, 60)], "self_intersection"),  # touches the outer ring
    ],
)
def test_bad_holes_are_refused(hole_m: list[tuple[float, float]], problem: str) -> None:
    hole = ring_from_metres(PEMKAB_KBB, hole_m)
    assert problem_of({"polygon": SQUARE, "holes": [hole]}) == problem


def test_hole_inside_another_hole_is_refused() -> None:
    big = ring_from_metres(PEMKAB_KBB, [(20, 20), (80, 20), (80, 80), (20, 80)])
    small = ring_from_metres(PEMKAB_KBB, [(40, 40), (60, 40), (60, 60), (40, 60)])
    assert problem_of({"polygon": SQUARE, "holes": [big, small]}) == "hole_inside_hole"


def test_limits_are_configurable() -> None:
    lax = geo.ZoneConfig(max_area_m2=100_000_000, max_vertices=4)
    assert geo.parse_shape({"polygon": [[-6.80, 107.40], [-6.80, 107.50], [-6.90, 107.50]]}, lax)
    five = ring_from_metres(PEMKAB_KBB, [(0, 0), (100, 0), (100, 100), (50, 120), (0, 100)])
    assert problem_of({"polygon": five}, lax) == "too_many_vertices"


def test_exact_tests_on_polygon_and_circle() -> None:
    square = geo.parse_shape({"polygon": SQUARE}, CONFIG)
    (centre,) = ring_from_metres(PEMKAB_KBB, [(50, 50)])
    assert geo.contains_point(square, *centre)
    assert geo.contains_disc(square, centre[0], centre[1], 49.0)
    assert not geo.contains_disc(square, centre[0], centre[1], 51.0)
    circle = geo.CircleShape(PEMKAB_KBB, 100.0)
    (near,) = ring_from_metres(PEMKAB_KBB, [(30, 0)])
    assert geo.contains_disc(circle, near[0], near[1], 69.0)
    assert not geo.contains_disc(circle, near[0], near[1], 71.0)
