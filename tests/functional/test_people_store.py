"""The DynamoDB people repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from tests.unit.store.people_contract import PeopleRepositoryContract


class TestDynamoPeopleRepository(PeopleRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> PeopleRepository:
        return DynamoPeopleRepository()
