"""The DynamoDB calendar repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.calendar import CalendarRepository, DynamoCalendarRepository
from tests.unit.store.calendar_contract import CalendarRepositoryContract


class TestDynamoCalendarRepository(CalendarRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> CalendarRepository:
        return DynamoCalendarRepository()
