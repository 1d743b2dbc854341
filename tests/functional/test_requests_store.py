"""The DynamoDB requests repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.requests import DynamoRequestsRepository, RequestsRepository
from tests.unit.store.requests_contract import RequestsRepositoryContract


class TestDynamoRequestsRepository(RequestsRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> RequestsRepository:
        return DynamoRequestsRepository()
