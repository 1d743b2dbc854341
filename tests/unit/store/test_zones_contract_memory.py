"""The zones repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.zones import InMemoryZonesRepository
from chalicelib.store.zones import ZonesRepository

from .zones_contract import ZonesRepositoryContract


class TestInMemoryZonesRepository(ZonesRepositoryContract):
    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository) -> ZonesRepository:
        return InMemoryZonesRepository(people)
