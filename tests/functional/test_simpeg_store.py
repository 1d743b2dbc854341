"""The DynamoDB SIMPEG repositories pass the same contract as the in-memory reference."""

from __future__ import annotations

import pytest

from chalicelib.store.simpeg_repo import DynamoEmployeeRepository, DynamoRunLog
from tests.unit.simpeg.contract import EmployeeRepositoryContract, RunLogContract


class TestDynamoEmployeeRepository(EmployeeRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> DynamoEmployeeRepository:
        return DynamoEmployeeRepository()


class TestDynamoRunLog(RunLogContract):
    @pytest.fixture()
    def runs(self, aws: None) -> DynamoRunLog:
        return DynamoRunLog()
