"""The DynamoDB events repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.events import DynamoEventsRepository, EventsRepository
from tests.unit.store.events_contract import EventsRepositoryContract


class TestDynamoEventsRepository(EventsRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> EventsRepository:
        return DynamoEventsRepository()
