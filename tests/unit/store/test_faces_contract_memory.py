"""The faces repository contract run against the in-memory twins."""

from __future__ import annotations

import pytest

from chalicelib.store.faces import FacesRepository
from chalicelib.store.memory.faces import InMemoryFacesRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository

from .faces_contract import FacesRepositoryContract


class TestInMemoryFacesRepository(FacesRepositoryContract):
    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository) -> FacesRepository:
        return InMemoryFacesRepository(people)
