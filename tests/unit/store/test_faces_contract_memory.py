"""The faces repository contract run against the in-memory twins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from chalicelib.face.types import PhotoFingerprint
from chalicelib.store.faces import FacesRepository
from chalicelib.store.memory.events import InMemoryEventsRepository
from chalicelib.store.memory.faces import InMemoryFacesRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository

from .faces_contract import FacesRepositoryContract


class TestInMemoryFacesRepository(FacesRepositoryContract):
    @pytest.fixture
    def events(self) -> InMemoryEventsRepository:
        return InMemoryEventsRepository()

    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository, events: InMemoryEventsRepository) -> FacesRepository:
        return InMemoryFacesRepository(
            people,
            fingerprints=events.remember_fingerprint,
            vectors_gone=events.forget_vectors,
            photo_claim=events.photo_claim,
        )

    @pytest.fixture
    def history(self, events: InMemoryEventsRepository) -> Callable[[str, datetime], list[PhotoFingerprint]]:
        return events.fingerprints_of
