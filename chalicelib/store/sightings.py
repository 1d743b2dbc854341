"""The sightings repository: where and when each check-in was made, to find buddy punching.

One colleague carrying several phones (or sharing one GPS fix) checks several employees in from one spot
within a minute or two. Each check-in records a sighting (position, attendance time, employee) and asks for
other employees' sightings within `radius_m` and `window` of it. Positions are kept by cell of a grid of
1e-4 degree (about 11 m), so the question is one Query per cell that the radius touches (one, at most four),
range-limited by time: an indexed lookup, never a scan. Recording comes first and the read is strongly
consistent, so of two check-ins made at the same moment from the same spot the later reader always sees the
other (both may).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from chalicelib.geo.earth import haversine_m
from chalicelib.store.base import iso, parse_iso, storage_call
from chalicelib.store.models import SightingModel

CELL_DEG = 1e-4
SIGHTING_TTL = timedelta(days=1)
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Sighting:
    nip: str
    event_id: str
    latitude: float
    longitude: float
    at: datetime


def cell_of(latitude: float, longitude: float) -> str:
    return f"{math.floor(latitude / CELL_DEG)}:{math.floor(longitude / CELL_DEG)}"


def cells_near(latitude: float, longitude: float, radius_m: float) -> list[str]:
    """Every grid cell a circle of `radius_m` around the point touches (the point's own first)."""
    dlat = radius_m / _M_PER_DEG
    dlon = radius_m / (_M_PER_DEG * max(math.cos(math.radians(latitude)), 1e-6))
    found = [cell_of(latitude, longitude)]
    for lat in (latitude - dlat, latitude + dlat):
        for lon in (longitude - dlon, longitude + dlon):
            cell = cell_of(lat, lon)
            if cell not in found:
                found.append(cell)
    return found


def is_near(s: Sighting, centre: Sighting, radius_m: float, window: timedelta) -> bool:
    close = haversine_m((s.latitude, s.longitude), (centre.latitude, centre.longitude)) <= radius_m
    return close and abs(s.at - centre.at) <= window


def sighting_key(s: Sighting) -> str:
    return f"{iso(s.at)}#{s.nip}#{s.event_id.rsplit('.', 1)[-1]}"


class SightingsRepository(Protocol):
    def record(self, sighting: Sighting) -> None:
        """Remember a check-in's position and time (for a day)."""
        ...

    def near(self, centre: Sighting, radius_m: float, window: timedelta) -> list[Sighting]:
        """Every sighting (`centre` itself included once recorded) within `radius_m` of `centre`'s position and
        `window` of its time, oldest first."""
        ...


class DynamoSightingsRepository:
    def record(self, sighting: Sighting) -> None:
        item = SightingModel(
            cell_of(sighting.latitude, sighting.longitude),
            sighting_key(sighting),
            nip=sighting.nip,
            event_id=sighting.event_id,
            latitude=sighting.latitude,
            longitude=sighting.longitude,
            expires=sighting.at + SIGHTING_TTL,
        )
        with storage_call("dynamodb"):
            item.save()

    def near(self, centre: Sighting, radius_m: float, window: timedelta) -> list[Sighting]:
        low, high = iso(centre.at - window), iso(centre.at + window) + "~"
        found: list[Sighting] = []
        with storage_call("dynamodb"):
            for cell in cells_near(centre.latitude, centre.longitude, radius_m):
                for m in SightingModel.query(cell, SightingModel.key.between(low, high), consistent_read=True):
                    found.append(_sighting(m))
        return sorted((s for s in found if is_near(s, centre, radius_m, window)), key=lambda s: (s.at, s.nip))


def _sighting(m: SightingModel) -> Sighting:
    return Sighting(m.nip, m.event_id, float(m.latitude), float(m.longitude), parse_iso(m.key.split("#", 1)[0]))
