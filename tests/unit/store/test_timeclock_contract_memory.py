"""The timeclock repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.timeclock import InMemoryTimeclockRepository
from chalicelib.store.timeclock import TimeclockRepository

from .timeclock_contract import TimeclockRepositoryContract


class TestInMemoryTimeclockRepository(TimeclockRepositoryContract):
    @pytest.fixture
    def repo(self) -> TimeclockRepository:
        return InMemoryTimeclockRepository()
