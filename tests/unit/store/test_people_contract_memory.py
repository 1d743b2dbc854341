"""The people repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.people import PeopleRepository

from .people_contract import PeopleRepositoryContract


class TestInMemoryPeopleRepository(PeopleRepositoryContract):
    CLOCK = "chalicelib.store.memory.people.utc_now"

    @pytest.fixture
    def repo(self) -> PeopleRepository:
        return InMemoryPeopleRepository()
