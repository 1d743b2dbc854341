"""The requests repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.requests import InMemoryRequestsRepository
from chalicelib.store.requests import RequestsRepository

from .requests_contract import RequestsRepositoryContract


class TestInMemoryRequestsRepository(RequestsRepositoryContract):
    @pytest.fixture
    def repo(self) -> RequestsRepository:
        return InMemoryRequestsRepository()
