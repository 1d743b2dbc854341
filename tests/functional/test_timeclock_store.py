"""The DynamoDB timeclock repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.timeclock import DynamoTimeclockRepository, TimeclockRepository
from tests.unit.store.timeclock_contract import TimeclockRepositoryContract


class TestDynamoTimeclockRepository(TimeclockRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> TimeclockRepository:
        return DynamoTimeclockRepository()
