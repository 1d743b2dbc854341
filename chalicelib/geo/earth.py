"""Small spherical-earth helpers in metres.

Zones are at most a few kilometres across, so a local equirectangular projection around a reference
latitude is exact to well under a millimetre per kilometre for the planar tests (distances to edges,
areas); great-circle formulas are used where distances can be long (impossible travel).
"""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0

LatLon = tuple[float, float]
XY = tuple[float, float]


def haversine_m(a: LatLon, b: LatLon) -> float:
    """Great-circle distance between two (lat, lon) points, in metres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def destination(origin: LatLon, bearing_rad: float, distance_m: float) -> LatLon:
    """The point `distance_m` away from `origin` along the initial bearing (radians from north)."""
    lat1, lon1 = math.radians(origin[0]), math.radians(origin[1])
    ang = distance_m / EARTH_RADIUS_M
    lat2 = math.asin(math.sin(lat1) * math.cos(ang) + math.cos(lat1) * math.sin(ang) * math.cos(bearing_rad))
    lon2 = lon1 + math.atan2(
        math.sin(bearing_rad) * math.sin(ang) * math.cos(lat1),
        math.cos(ang) - math.sin(lat1) * math.sin(lat2),
    )
    return math.degrees(lat2), math.degrees(lon2)


class LocalFrame:
    """Equirectangular projection to metres around a reference point (east = x, north = y)."""

    def __init__(self, origin: LatLon) -> None:
        self.origin = origin
        self._kx = _M_PER_DEG * math.cos(math.radians(origin[0]))

    def to_xy(self, p: LatLon) -> XY:
        return (p[1] - self.origin[1]) * self._kx, (p[0] - self.origin[0]) * _M_PER_DEG

    def to_latlon(self, xy: XY) -> LatLon:
        return self.origin[0] + xy[1] / _M_PER_DEG, self.origin[1] + xy[0] / self._kx


def segment_distance(p: XY, a: XY, b: XY) -> float:
    """Planar distance from point p to segment ab."""
    abx, aby = b[0] - a[0], b[1] - a[1]
    apx, apy = p[0] - a[0], p[1] - a[1]
    length2 = abx * abx + aby * aby
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, (apx * abx + apy * aby) / length2))
    return math.hypot(apx - t * abx, apy - t * aby)
