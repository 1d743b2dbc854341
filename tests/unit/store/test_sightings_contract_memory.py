"""The sightings repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.sightings import InMemorySightingsRepository
from chalicelib.store.sightings import SightingsRepository

from .sightings_contract import SightingsRepositoryContract


class TestInMemorySightingsRepository(SightingsRepositoryContract):
    @pytest.fixture
    def repo(self) -> SightingsRepository:
        return InMemorySightingsRepository()
