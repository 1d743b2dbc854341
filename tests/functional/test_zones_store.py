"""The DynamoDB zones repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.models import EmployeeModel
from chalicelib.store.zones import DynamoZonesRepository, ZonesRepository
from tests.unit.store.zones_contract import SetHint, ZonesRepositoryContract


class TestDynamoZonesRepository(ZonesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> ZonesRepository:
        return DynamoZonesRepository()

    @pytest.fixture()
    def set_hint(self, aws: None) -> SetHint:
        def store(nip: str, hint: str | None) -> None:
            EmployeeModel(nip, nama="Pegawai", unor_id="U1", active=True, duty_until=hint).save()

        return store
