"""The DynamoDB audit repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.audit import AuditRepository, DynamoAuditRepository
from tests.unit.store.audit_contract import AuditRepositoryContract, Clock


class TestDynamoAuditRepository(AuditRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None, clock: Clock) -> AuditRepository:
        return DynamoAuditRepository(clock)
