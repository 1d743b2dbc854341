"""The DynamoDB statuses repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.statuses import DynamoStatusesRepository, StatusesRepository
from tests.unit.store.statuses_contract import StatusesRepositoryContract


class TestDynamoStatusesRepository(StatusesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> StatusesRepository:
        return DynamoStatusesRepository()
