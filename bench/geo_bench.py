"""Benchmark of the geo package: point membership, zone building, memory of a regency's zones, storage size.

Run on purpose (never part of the tests), from the repo root:  PYTHONPATH=. .venv/bin/python bench/geo_bench.py
Prints figures; copy them with the date and machine into bench/geo_RESULTS.md.
"""

from __future__ import annotations

import gc
import math
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import psutil

from chalicelib.geo import (
    CellSet,
    Fix,
    GeoPolicy,
    PastFix,
    ZoneConfig,
    ZoneRef,
    assess_position,
    build_cells,
    cells_from_storable,
    cells_to_storable,
    match_zone,
    parse_shape,
    storable_size_bytes,
)
from chalicelib.geo.earth import LatLon, LocalFrame
from chalicelib.geo.shapes import Shape

CONFIG = ZoneConfig()
NGAMPRAH: LatLon = (-6.8468, 107.4857)
T = TypeVar("T")


def rect(origin: LatLon, width_m: float, height_m: float, rng: random.Random | None = None) -> Shape:
    """A slightly irregular quadrilateral of about width x height metres south-west-anchored at origin."""
    frame = LocalFrame(origin)

    def jitter() -> float:
        return rng.uniform(-0.1, 0.1) if rng else 0.0

    corners = [(0, 0), (width_m, 0), (width_m, height_m), (0, height_m)]
    ring = [frame.to_latlon((x + jitter() * width_m, y + jitter() * height_m)) for x, y in corners]
    return parse_shape({"polygon": [list(p) for p in ring]}, CONFIG)


def circle(origin: LatLon, radius_m: float) -> Shape:
    return parse_shape({"circle": {"lat": origin[0], "lon": origin[1], "radius_m": radius_m}}, CONFIG)


def per_call_ns(fn: Callable[[T], object], inputs: Sequence[T]) -> list[int]:
    """Duration of each call of fn on each input, in nanoseconds."""
    out = []
    for arg in inputs:
        t0 = time.perf_counter_ns()
        fn(arg)
        out.append(time.perf_counter_ns() - t0)
    return out


def describe_ns(samples: list[int]) -> str:
    s = sorted(samples)
    return f"median {statistics.median(s) / 1000:.2f} µs, p95 {s[int(len(s) * 0.95)] / 1000:.2f} µs (n={len(s)})"


def bench_membership() -> None:
    rng = random.Random(1)
    frame = LocalFrame(NGAMPRAH)
    office = rect(NGAMPRAH, 300, 250)
    school = rect(frame.to_latlon((3_000, 1_000)), 120, 90)
    duty = circle(frame.to_latlon((-8_000, 4_000)), 100)
    zones = [
        ZoneRef("z-office", "Kantor", "unit", build_cells(office, CONFIG), office),
        ZoneRef("z-school", "Sekolah", "unit", build_cells(school, CONFIG), school),
        ZoneRef("z-duty", "Dinas luar", "assignment", build_cells(duty, CONFIG), duty),
    ]
    # points inside the office (the common case: first zone matches) and outside all (every zone checked)
    inside = [frame.to_latlon((rng.uniform(20, 280), rng.uniform(20, 230))) for _ in range(2_000)]
    outside = [frame.to_latlon((rng.uniform(-900, -500), rng.uniform(-900, -500))) for _ in range(2_000)]
    for label, points in (("inside first zone", inside), ("outside all 3 zones", outside)):
        samples = per_call_ns(lambda p: match_zone(p[0], p[1], zones), points * 10)
        print(f"match_zone, 3 zones, {label}: {describe_ns(samples)}")
    now = datetime(2026, 11, 10, 0, 25, tzinfo=UTC)
    history = [
        PastFix(NGAMPRAH[0] + rng.uniform(-1e-4, 1e-4), NGAMPRAH[1], now - timedelta(days=d)) for d in range(1, 21)
    ]
    policy = GeoPolicy()
    fixes = [Fix(p[0], p[1], 12.0, False, now) for p in inside]
    samples = per_call_ns(lambda f: assess_position(f, zones, history, policy), fixes * 5)
    print(f"assess_position, 3 zones, 20 past fixes, inside: {describe_ns(samples)}")


def bench_build() -> None:
    office = rect(NGAMPRAH, 500, 500)
    times = []
    for _ in range(15):
        t0 = time.perf_counter()
        cells = build_cells(office, CONFIG)
        times.append(time.perf_counter() - t0)
    print(
        f"build 500 m x 500 m office: median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms; {len(cells)} compacted cells "
        f"({cells.uncompacted_count()} at res {cells.resolution}), "
        f"{storable_size_bytes(cells_to_storable(cells))} bytes stored"
    )
    side = math.sqrt(CONFIG.max_area_m2) * 0.999
    big_radius = math.sqrt(CONFIG.max_area_m2 / math.pi) * 0.999
    for label, shape in (
        (f"max-area square {side / 1000:.2f} km", rect(NGAMPRAH, side, side)),
        (f"max-area circle r={big_radius / 1000:.2f} km", circle(NGAMPRAH, big_radius)),
    ):
        t0 = time.perf_counter()
        cells = build_cells(shape, CONFIG)
        elapsed = time.perf_counter() - t0
        stored = cells_to_storable(cells)
        print(
            f"build {label}: {elapsed * 1000:.0f} ms; {len(cells)} compacted cells, "
            f"{storable_size_bytes(stored)} bytes stored"
        )


def regency_fleet(rng: random.Random) -> list[Shape]:
    """~1,500 zones of a regency: schools, health posts, offices, a few large complexes."""

    def somewhere() -> LatLon:
        return rng.uniform(-7.15, -6.70), rng.uniform(107.15, 107.75)

    shapes: list[Shape] = []
    shapes += [rect(somewhere(), rng.uniform(60, 150), rng.uniform(50, 120), rng) for _ in range(900)]
    shapes += [circle(somewhere(), rng.uniform(30, 100)) for _ in range(300)]
    shapes += [rect(somewhere(), rng.uniform(150, 400), rng.uniform(150, 400), rng) for _ in range(250)]
    shapes += [rect(somewhere(), 500, 500, rng) for _ in range(30)]
    shapes += [circle(somewhere(), rng.uniform(250, 400)) for _ in range(20)]
    return shapes


def bench_memory() -> None:
    rng = random.Random(5)
    shapes = regency_fleet(rng)
    t0 = time.perf_counter()
    stored = [cells_to_storable(build_cells(s, CONFIG)) for s in shapes]
    build_s = time.perf_counter() - t0
    total_cells = sum(len(s) for s in stored)
    total_bytes = sum(storable_size_bytes(s) for s in stored)
    t0 = time.perf_counter()
    decoded: list[CellSet] = [cells_from_storable(s) for s in stored]
    decode_s = time.perf_counter() - t0
    del decoded
    gc.collect()
    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    tracemalloc.start()
    decoded = [cells_from_storable(s) for s in stored]
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    rss1 = proc.memory_info().rss
    print(
        f"regency fleet: {len(shapes)} zones built in {build_s:.1f} s; {total_cells} compacted cells, "
        f"{total_bytes / 1e6:.2f} MB stored"
    )
    print(
        f"decoded all zones in {decode_s * 1000:.0f} ms: tracemalloc {current / 1e6:.1f} MB held "
        f"(peak {peak / 1e6:.1f} MB), RSS delta {(rss1 - rss0) / 1e6:.1f} MB"
    )
    assert len(decoded) == len(shapes)


def main() -> None:
    print(f"geo bench, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {psutil.cpu_count()} cores, res {CONFIG.resolution}")
    bench_membership()
    bench_build()
    bench_memory()


if __name__ == "__main__":
    main()
