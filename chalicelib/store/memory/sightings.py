"""In-memory twin of the sightings repository (`chalicelib.store.sightings.SightingsRepository`), pinned to
the same answers by `tests/unit/store/sightings_contract.py`."""

from __future__ import annotations

import threading
from datetime import timedelta

from chalicelib.store.sightings import Sighting, is_near


class InMemorySightingsRepository:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sightings: list[Sighting] = []

    def record(self, sighting: Sighting) -> None:
        with self._lock:
            self._sightings.append(sighting)

    def near(self, centre: Sighting, radius_m: float, window: timedelta) -> list[Sighting]:
        with self._lock:
            found = [s for s in self._sightings if is_near(s, centre, radius_m, window)]
        return sorted(found, key=lambda s: (s.at, s.nip))
