"""The behaviour every implementation of `chalicelib.store.sightings.SightingsRepository` must have.

Subclass `SightingsRepositoryContract` as `Test...` with a `repo` fixture returning a fresh, empty repository:
the in-memory twin in tests/unit/store, the DynamoDB one (moto in-process) in tests/functional.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from chalicelib.store.sightings import CELL_DEG, Sighting, SightingsRepository, cell_of

AT = datetime(2026, 12, 3, 0, 25, 0, tzinfo=UTC)
SPOT = (-6.8468, 107.4857)
WINDOW = timedelta(seconds=90)
A, B, C = "198501012010011001", "198501012010011002", "198501012010011003"


def seen(nip: str, lat: float, lon: float, seconds: float = 0.0, suffix: str = "0000aaaa") -> Sighting:
    return Sighting(nip, f"{nip}.20261203T002500Z.{suffix}", lat, lon, AT + timedelta(seconds=seconds))


class SightingsRepositoryContract:
    def test_finds_sightings_within_the_radius_and_window_only(self, repo: SightingsRepository) -> None:
        mine = seen(A, *SPOT)
        repo.record(mine)
        repo.record(seen(B, SPOT[0] + 0.000005, SPOT[1], seconds=40))  # ~0.55 m away, 40 s later
        repo.record(seen(C, SPOT[0] + 0.00003, SPOT[1], seconds=10))  # ~3.3 m away
        repo.record(seen(C, SPOT[0], SPOT[1], seconds=-200, suffix="0000bbbb"))  # same spot, too early
        found = repo.near(mine, 1.0, WINDOW)
        assert [(s.nip, s.event_id) for s in found] == [(A, mine.event_id), (B, f"{B}.20261203T002500Z.0000aaaa")]
        assert found[1].at == AT + timedelta(seconds=40) and abs(found[1].latitude - (SPOT[0] + 0.000005)) < 1e-9

    def test_a_neighbour_across_a_cell_border_is_found(self, repo: SightingsRepository) -> None:
        # GIVEN two positions 0.4 m apart on either side of a grid line
        border = (round(SPOT[0] / CELL_DEG) * CELL_DEG, SPOT[1])
        west, east = seen(A, border[0] - 0.0000018, border[1]), seen(B, border[0] + 0.0000018, border[1])
        assert cell_of(west.latitude, west.longitude) != cell_of(east.latitude, east.longitude)
        repo.record(west)
        repo.record(east)
        assert {s.nip for s in repo.near(west, 1.0, WINDOW)} == {A, B}

    def test_concurrent_records_are_all_found(self, repo: SightingsRepository) -> None:
        nips = [f"1985010120100110{n:02d}" for n in range(8)]
        threads = [threading.Thread(target=repo.record, args=(seen(nip, *SPOT),)) for nip in nips]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(repo.near(seen(A, *SPOT), 1.0, WINDOW)) == 8
