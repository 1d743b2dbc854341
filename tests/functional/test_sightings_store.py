"""The DynamoDB sightings repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.sightings import DynamoSightingsRepository, SightingsRepository
from tests.unit.store.sightings_contract import SightingsRepositoryContract


class TestDynamoSightingsRepository(SightingsRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> SightingsRepository:
        return DynamoSightingsRepository()
