"""The statuses repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.statuses import InMemoryStatusesRepository
from chalicelib.store.statuses import StatusesRepository

from .statuses_contract import StatusesRepositoryContract


class TestInMemoryStatusesRepository(StatusesRepositoryContract):
    @pytest.fixture
    def repo(self) -> StatusesRepository:
        return InMemoryStatusesRepository()
