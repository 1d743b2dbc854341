"""The DynamoDB zones repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.zones import DynamoZonesRepository, ZonesRepository
from tests.unit.store.zones_contract import ZonesRepositoryContract


class TestDynamoZonesRepository(ZonesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> ZonesRepository:
        return DynamoZonesRepository()
