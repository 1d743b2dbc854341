"""The zones repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Employee
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.zones import InMemoryZonesRepository
from chalicelib.store.zones import ZonesRepository

from .zones_contract import SetHint, ZonesRepositoryContract


class TestInMemoryZonesRepository(ZonesRepositoryContract):
    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository) -> ZonesRepository:
        return InMemoryZonesRepository(people)

    @pytest.fixture
    def set_hint(self, people: InMemoryPeopleRepository) -> SetHint:
        def store(nip: str, hint: str | None) -> None:
            # No repository write sets a hint from nothing (the SIMPEG sync does, on DynamoDB): seed the record.
            with people._lock:
                people._employees[nip] = Employee(nip, "Pegawai", "U1", duty_until=hint)

        return store
