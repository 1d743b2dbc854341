"""The DynamoDB calendar repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.calendar import CalendarRepository, DynamoCalendarRepository
from chalicelib.store.models import EmployeeModel
from tests.unit.store.calendar_contract import CalendarRepositoryContract, SetHint


class TestDynamoCalendarRepository(CalendarRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> CalendarRepository:
        return DynamoCalendarRepository()

    @pytest.fixture()
    def set_hint(self, aws: None) -> SetHint:
        def store(nip: str, hint: str | None) -> None:
            EmployeeModel(nip, nama="Pegawai", unor_id="U1", active=True, plan_until=hint).save()

        return store
