"""Helpers for the geo tests: real-shaped (approximate) zones in Kabupaten Bandung Barat, probes near edges."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from chalicelib.geo import ZoneConfig, parse_shape
from chalicelib.geo.earth import LatLon, LocalFrame
from chalicelib.geo.shapes import CircleShape, Shape

PEMKAB_KBB: LatLon = (-6.8468, 107.4857)  # regency office complex, Ngamprah (approximate)
LEMBANG: LatLon = (-6.8117, 107.6178)  # a kecamatan office (approximate)
PADALARANG: LatLon = (-6.8434, 107.4786)  # a school (approximate)
CISARUA: LatLon = (-6.8146, 107.5594)  # a puskesmas (approximate)


def ring_from_metres(origin: LatLon, points: Sequence[tuple[float, float]]) -> list[LatLon]:
    """(lat, lon) of points given in metres east/north of `origin`."""
    frame = LocalFrame(origin)
    return [frame.to_latlon(p) for p in points]


def office_polygon(config: ZoneConfig) -> Shape:
    """Irregular pentagon of ~300 m x 250 m around the Pemkab KBB complex."""
    ring = ring_from_metres(PEMKAB_KBB, [(-150, -120), (140, -130), (160, 90), (20, 135), (-145, 110)])
    return parse_shape({"polygon": ring}, config)


def l_shaped_polygon(config: ZoneConfig) -> Shape:
    """Concave L: 120 m x 120 m with the north-east 70 m x 70 m quarter cut away (reflex vertex at 50,50)."""
    ring = ring_from_metres(LEMBANG, [(0, 0), (120, 0), (120, 50), (50, 50), (50, 120), (0, 120)])
    return parse_shape({"polygon": ring}, config)


def holed_polygon(config: ZoneConfig) -> Shape:
    """School compound 200 m x 150 m with a 60 m x 40 m public field (the hole) in the middle."""
    outer = ring_from_metres(PADALARANG, [(0, 0), (200, 0), (200, 150), (0, 150)])
    hole = ring_from_metres(PADALARANG, [(70, 55), (130, 55), (130, 95), (70, 95)])
    return parse_shape({"polygon": outer, "holes": [hole]}, config)


def circle_zone(config: ZoneConfig) -> Shape:
    return parse_shape({"circle": {"lat": CISARUA[0], "lon": CISARUA[1], "radius_m": 75}}, config)


def edge_probes(shape: Shape, offset_m: float) -> Iterator[LatLon]:
    """Points `offset_m` away on both sides of every ring edge (at several places along it) and of every
    vertex (along both edge normals and the diagonal), so that some fall just inside and some just outside."""
    if isinstance(shape, CircleShape):
        frame = LocalFrame(shape.center)
        for k in range(72):
            angle = 2 * math.pi * k / 72
            for r in (shape.radius_m - offset_m, shape.radius_m + offset_m):
                yield frame.to_latlon((r * math.sin(angle), r * math.cos(angle)))
        return
    for ring in (shape.outer, *shape.holes):
        frame = LocalFrame(ring[0])
        pts = [frame.to_xy(p) for p in ring]
        for i, a in enumerate(pts):
            b = pts[(i + 1) % len(pts)]
            length = math.hypot(b[0] - a[0], b[1] - a[1])
            nx, ny = (a[1] - b[1]) / length, (b[0] - a[0]) / length
            for t in (0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0):
                x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
                for sign in (1, -1):
                    yield frame.to_latlon((x + sign * offset_m * nx, y + sign * offset_m * ny))
            for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                d = offset_m / math.sqrt(2)
                yield frame.to_latlon((a[0] + dx * d, a[1] + dy * d))
