"""The audit repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.audit import AuditRepository
from chalicelib.store.memory.audit import InMemoryAuditRepository

from .audit_contract import AuditRepositoryContract, Clock


class TestInMemoryAuditRepository(AuditRepositoryContract):
    @pytest.fixture
    def repo(self, clock: Clock) -> AuditRepository:
        return InMemoryAuditRepository(clock)
