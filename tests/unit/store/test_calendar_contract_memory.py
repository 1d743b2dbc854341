"""The calendar repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Employee
from chalicelib.store.calendar import CalendarRepository
from chalicelib.store.memory.calendar import InMemoryCalendarRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository

from .calendar_contract import CalendarRepositoryContract, SetHint


class TestInMemoryCalendarRepository(CalendarRepositoryContract):
    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository) -> CalendarRepository:
        return InMemoryCalendarRepository(people)

    @pytest.fixture
    def set_hint(self, people: InMemoryPeopleRepository) -> SetHint:
        def store(nip: str, hint: str | None) -> None:
            # No repository write sets a hint from nothing (the SIMPEG sync does, on DynamoDB): seed the record.
            with people._lock:
                people._employees[nip] = Employee(nip, "Pegawai", "U1", plan_until=hint)

        return store
