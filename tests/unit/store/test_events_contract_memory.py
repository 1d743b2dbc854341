"""The events repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.events import EventsRepository
from chalicelib.store.memory.events import InMemoryEventsRepository

from .events_contract import EventsRepositoryContract


class TestInMemoryEventsRepository(EventsRepositoryContract):
    @pytest.fixture
    def repo(self) -> EventsRepository:
        return InMemoryEventsRepository()
