"""Zone cell sets: points near the edges of real-shaped KBB zones, storage form, cache, the stated bound."""

from __future__ import annotations

import math
import random

import h3.api.basic_int as h3i
import pytest

from chalicelib.geo import (
    CellSet,
    CellSetCache,
    GeoValidationError,
    StoredCellsError,
    ZoneConfig,
    build_cells,
    cells_from_storable,
    cells_to_storable,
    chunk_storable,
    contains_point,
    overshoot_bound_m,
    parse_shape,
    storable_size_bytes,
)
from chalicelib.geo.earth import haversine_m
from chalicelib.geo.shapes import Shape, distance_to_boundary_m
from tests.unit.geo.geo_testlib import PEMKAB_KBB, edge_probes, ring_from_metres

ZONES = ("office", "l_shape", "holed", "circle")
BOUND = overshoot_bound_m(13)


def test_default_bound_is_within_20_metres() -> None:
    assert ZoneConfig().resolution == 13
    assert BOUND <= 10.0
    assert overshoot_bound_m(12) > 20.0  # why the default is not 12


@pytest.mark.parametrize("name", ZONES)
def test_points_just_inside_edges_and_vertices_test_inside(name: str, kbb_shapes: dict[str, Shape]) -> None:
    # GIVEN a real-shaped zone and points 0.3 m on either side of its edges and vertices
    shape = kbb_shapes[name]
    cells = build_cells(shape, ZoneConfig())
    inside = [p for p in edge_probes(shape, 0.3) if contains_point(shape, *p)]
    # THEN every point inside the drawn shape tests inside
    assert len(inside) > 20
    assert all(cells.contains(*p) for p in inside)


@pytest.mark.parametrize("name", ZONES)
def test_points_beyond_the_bound_outside_test_outside(name: str, kbb_shapes: dict[str, Shape]) -> None:
    # GIVEN points 0.3 m beyond the stated bound outside the zone's edges and vertices
    shape = kbb_shapes[name]
    cells = build_cells(shape, ZoneConfig())
    outside = [
        p
        for p in edge_probes(shape, BOUND + 0.3)
        if not contains_point(shape, *p) and distance_to_boundary_m(shape, *p) > BOUND
    ]
    # THEN none of them tests inside
    assert len(outside) > 20
    assert not any(cells.contains(*p) for p in outside)


def test_vertices_and_edge_points_themselves_test_inside(kbb_shapes: dict[str, Shape]) -> None:
    shape = kbb_shapes["l_shape"]
    cells = build_cells(shape, ZoneConfig())
    assert all(cells.contains(*p) for p in edge_probes(shape, 0.0))


def test_hole_interior_is_outside_and_hole_rim_inside(kbb_shapes: dict[str, Shape]) -> None:
    # GIVEN the school with a 60 m x 40 m public field as a hole (field centre at 100 m, 75 m)
    shape = kbb_shapes["holed"]
    cells = build_cells(shape, ZoneConfig())
    (centre,) = ring_from_metres((-6.8434, 107.4786), [(100, 75)])
    (rim_inside,) = ring_from_metres((-6.8434, 107.4786), [(69.5, 75)])
    assert not contains_point(shape, *centre)
    assert not cells.contains(*centre)
    assert cells.contains(*rim_inside)


def test_concave_notch_of_l_shape_is_outside(kbb_shapes: dict[str, Shape]) -> None:
    # the cut-away quarter of the L, 30 m from any edge
    shape = kbb_shapes["l_shape"]
    cells = build_cells(shape, ZoneConfig())
    (notch,) = ring_from_metres((-6.8117, 107.6178), [(85, 85)])
    assert not cells.contains(*notch)


@pytest.mark.parametrize(
    "place",
    [
        (5.89, 95.32),  # Sabang
        (-8.49, 140.40),  # Merauke
        (-10.17, 123.61),  # Kupang
        (5.56, 126.58),  # Miangas
        (3.59, 98.67),  # Medan
        (-0.50, 117.15),  # Samarinda
    ],
)
def test_zones_across_indonesia_keep_inside_in_and_far_outside_out(place: tuple[float, float]) -> None:
    config = ZoneConfig()
    ring = ring_from_metres(place, [(-80, -60), (90, -70), (70, 80), (-60, 65)])
    shape = parse_shape({"polygon": ring}, config)
    cells = build_cells(shape, config)
    probes = list(edge_probes(shape, 0.4)) + list(edge_probes(shape, BOUND + 0.4))
    for p in probes:
        if contains_point(shape, *p):
            assert cells.contains(*p)
        elif distance_to_boundary_m(shape, *p) > BOUND:
            assert not cells.contains(*p)


def test_circle_cells_cover_the_circle_and_nothing_beyond_bound(kbb_shapes: dict[str, Shape]) -> None:
    shape = kbb_shapes["circle"]
    cells = build_cells(shape, ZoneConfig())
    rng = random.Random(3)
    centre = (-6.8146, 107.5594)
    for _ in range(2000):
        angle, r = rng.uniform(0, 2 * math.pi), rng.uniform(0, 75 + BOUND + 20)
        (p,) = ring_from_metres(centre, [(r * math.sin(angle), r * math.cos(angle))])
        d = haversine_m(centre, p)
        if d <= 75:
            assert cells.contains(*p)
        elif d > 75 + BOUND:
            assert not cells.contains(*p)


def test_cells_are_stored_compacted_and_round_trip(kbb_shapes: dict[str, Shape]) -> None:
    cells = build_cells(kbb_shapes["office"], ZoneConfig())
    stored = cells_to_storable(cells)
    assert stored == sorted(stored)
    assert len(stored) < cells.uncompacted_count() / 5
    assert {h3i.get_resolution(h3i.str_to_int(s)) for s in stored} >= {13, 12}
    assert cells_from_storable(stored) == cells
    assert cells_from_storable([h3i.str_to_int(s) for s in stored]) == cells


def test_office_of_500_m_fits_easily_in_one_item() -> None:
    config = ZoneConfig()
    ring = ring_from_metres(PEMKAB_KBB, [(0, 0), (500, 0), (500, 500), (0, 500)])
    stored = cells_to_storable(build_cells(parse_shape({"polygon": ring}, config), config))
    assert storable_size_bytes(stored) < 20_000


@pytest.mark.parametrize("bad", [["zzz"], [123], [None], []])
def test_corrupt_stored_cells_are_refused(bad: list[object]) -> None:
    with pytest.raises(StoredCellsError):
        cells_from_storable(bad)


def test_chunking_respects_the_size_limit_and_keeps_every_cell(kbb_shapes: dict[str, Shape]) -> None:
    stored = cells_to_storable(build_cells(kbb_shapes["office"], ZoneConfig()))
    chunks = chunk_storable(stored, max_bytes=1_000)
    assert len(chunks) > 1
    assert all(storable_size_bytes(c) <= 1_000 for c in chunks)
    assert [s for c in chunks for s in c] == stored
    assert chunk_storable(stored) == [stored]
    assert chunk_storable([]) == []


def test_too_complex_zone_is_refused() -> None:
    config = ZoneConfig(max_cells=50)
    ring = ring_from_metres(PEMKAB_KBB, [(0, 0), (300, 0), (300, 300), (0, 300)])
    with pytest.raises(GeoValidationError) as info:
        build_cells(parse_shape({"polygon": ring}, config), config)
    assert info.value.details["problem"] == "too_many_cells"


def test_cache_loads_once_per_version_and_reloads_on_change(kbb_shapes: dict[str, Shape]) -> None:
    cells_v1 = build_cells(kbb_shapes["office"], ZoneConfig())
    cells_v2 = build_cells(kbb_shapes["circle"], ZoneConfig())
    cache = CellSetCache(max_entries=2)
    loads: list[int] = []

    def loader(cells: CellSet, version: int) -> CellSet:
        loads.append(version)
        return cells

    assert cache.get("z1", 1, lambda: loader(cells_v1, 1)) is cells_v1
    assert cache.get("z1", 1, lambda: loader(cells_v1, 1)) is cells_v1
    assert cache.get("z1", 2, lambda: loader(cells_v2, 2)) is cells_v2
    assert loads == [1, 2]
    assert len(cache) == 1  # the old version was dropped
    cache.get("z2", 1, lambda: cells_v1)
    cache.get("z3", 1, lambda: cells_v1)
    assert len(cache) == 2  # least recently used evicted
    cache.invalidate("z3")
    assert len(cache) == 1


def test_stated_cell_diameter_holds_across_indonesia() -> None:
    # GIVEN random cells over Indonesia's bounding box, including around the largest cell found
    rng = random.Random(11)
    points = [(rng.uniform(-11.5, 6.5), rng.uniform(94.5, 141.5)) for _ in range(3000)]
    points += [(4.5459 + rng.uniform(-0.05, 0.05), 137.9837 + rng.uniform(-0.05, 0.05)) for _ in range(500)]
    for res in (12, 13):
        limit = overshoot_bound_m(res) - 0.5
        for lat, lon in points:
            boundary = h3i.cell_to_boundary(h3i.latlng_to_cell(lat, lon, res))
            diameter = max(haversine_m(a, b) for a in boundary for b in boundary)
            assert diameter <= limit
