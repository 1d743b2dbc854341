"""Unit tests run use cases and tools against the in-memory twins of every repository: fast, no AWS, no moto."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chalicelib import runtime
from chalicelib.store.audit import AuditRepository
from chalicelib.store.memory.audit import InMemoryAuditRepository
from chalicelib.store.repositories import Repositories, memory_repositories
from tests.unit.store.audit_contract import START


@pytest.fixture
def repos() -> Iterator[Repositories]:
    """A fresh in-memory set, used by every use case of the test; DynamoDB again afterwards."""
    repositories = memory_repositories()
    runtime.use_repositories(repositories)
    yield repositories
    runtime.use_repositories(None)


@pytest.fixture
def audit_log() -> AuditRepository:
    """The in-memory audit twin, stamping at the audit contract's START: where a repository under test keeps the
    entries it writes with a change (`AuditBatch`)."""
    return InMemoryAuditRepository(lambda: START)
