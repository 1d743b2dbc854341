"""The calendar repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.calendar import CalendarRepository
from chalicelib.store.memory.calendar import InMemoryCalendarRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository

from .calendar_contract import CalendarRepositoryContract


class TestInMemoryCalendarRepository(CalendarRepositoryContract):
    @pytest.fixture
    def repo(self, people: InMemoryPeopleRepository) -> CalendarRepository:
        return InMemoryCalendarRepository(people)
