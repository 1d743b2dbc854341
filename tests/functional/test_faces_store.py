"""The DynamoDB faces repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.faces import DynamoFacesRepository, FacesRepository
from tests.unit.store.faces_contract import FacesRepositoryContract


class TestDynamoFacesRepository(FacesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> FacesRepository:
        return DynamoFacesRepository()
