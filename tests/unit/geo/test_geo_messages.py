"""A zone refused for a limit says the limit, with the numbers of the zone configuration (ZoneConfig), in
Indonesian; the error's code and details stay what clients read."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from chalicelib import geo
from chalicelib.geo.shapes import invalid
from tests.unit.geo.geo_testlib import PEMKAB_KBB, ring_from_metres

CONFIG = geo.ZoneConfig()
CENTRE = {"lat": -6.84, "lon": 107.48}


def refusal(spec: Mapping[str, object], config: geo.ZoneConfig = CONFIG) -> geo.GeoValidationError:
    with pytest.raises(geo.GeoValidationError) as info:
        geo.build_cells(geo.parse_shape(spec, config), config)
    assert info.value.code == "VALIDATION_ERROR"
    return info.value


@pytest.mark.parametrize("radius_m", [5, 6000])
def test_a_radius_out_of_range_names_the_range(radius_m: float) -> None:
    err = refusal({"circle": {**CENTRE, "radius_m": radius_m}})
    assert str(err) == "Jari-jari harus 10–5.000 meter."
    assert err.details == {
        "circle.radius_m": "radius_out_of_range",
        "field": "circle.radius_m",
        "problem": "radius_out_of_range",
        "min_m": 10.0,
        "max_m": 5000.0,
    }


def test_the_numbers_follow_the_configuration() -> None:
    config = geo.ZoneConfig(min_radius_m=25, max_radius_m=1500.5)
    assert str(refusal({"circle": {**CENTRE, "radius_m": 20}}, config)) == "Jari-jari harus 25–1.500,5 meter."


def test_a_circle_too_large_names_the_area_limit_and_the_largest_radius() -> None:
    # 4 km is inside the radius range, but its area is not (25 km² holds a circle of at most ~2,820 m)
    err = refusal({"circle": {**CENTRE, "radius_m": 4000}})
    assert str(err) == "Luas lingkaran 50,27 km² melebihi batas 25 km²: jari-jari paling besar 2.820 meter."
    assert err.details == {
        "circle": "area_too_large",
        "field": "circle",
        "problem": "area_too_large",
        "area_km2": 50.265,
        "max_km2": 25.0,
    }
    assert geo.parse_shape({"circle": {**CENTRE, "radius_m": 2820}}, CONFIG)  # the radius named is allowed


def test_a_polygon_too_large_or_too_small_names_the_area_limit() -> None:
    large = refusal({"polygon": [[-6.80, 107.40], [-6.80, 107.50], [-6.90, 107.50], [-6.90, 107.40]]})
    assert str(large) == "Luas zona 122,77 km² melebihi batas 25 km²."
    assert large.details["area_km2"] == pytest.approx(122.774, abs=0.001)
    small = refusal({"polygon": ring_from_metres(PEMKAB_KBB, [(0, 0), (5, 0), (5, 5)])})
    assert str(small) == "Luas zona 12,5 m² kurang dari batas 100 m²."
    assert small.details["min_m2"] == 100.0


def test_too_many_vertices_and_too_long_a_perimeter_name_their_limits() -> None:
    five = ring_from_metres(PEMKAB_KBB, [(0, 0), (100, 0), (100, 100), (50, 120), (0, 100)])
    err = refusal({"polygon": five}, geo.ZoneConfig(max_vertices=4))
    assert str(err) == "Poligon memiliki 5 titik, paling banyak 4 titik."
    assert err.details["count"] == 5 and err.details["max"] == 4
    square = ring_from_metres(PEMKAB_KBB, [(0, 0), (1000, 0), (1000, 1000), (0, 1000)])
    err = refusal({"polygon": square}, geo.ZoneConfig(max_perimeter_m=2_500))
    assert str(err) == "Keliling zona 4 km melebihi batas 2,5 km."
    assert err.details["max_m"] == 2_500


def test_too_many_cells_names_the_limit() -> None:
    err = refusal({"circle": {**CENTRE, "radius_m": 100}}, geo.ZoneConfig(max_cells=10))
    assert str(err).startswith("Bentuk zona terlalu rumit: ")
    assert str(err).endswith(" kelompok sel H3, paling banyak 10. Perkecil zona atau sederhanakan bentuknya.")
    assert err.details["max"] == 10


def test_a_problem_without_its_numbers_keeps_its_plain_words() -> None:
    # (a check-in's refusal is raised again from its code and field only)
    assert invalid("circle.radius_m", "radius_out_of_range").message == "Radius lingkaran di luar batas yang diizinkan"
    assert invalid("latitude", "latitude_out_of_range").message == "Lintang harus di antara -90 dan 90"
