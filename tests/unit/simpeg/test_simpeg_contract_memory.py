"""The repository contract run against the in-memory implementations."""

from __future__ import annotations

import pytest

from chalicelib.simpeg.memory import InMemoryEmployeeRepository, InMemoryRunLog

from .contract import EmployeeRepositoryContract, RunLogContract


class TestInMemoryEmployeeRepository(EmployeeRepositoryContract):
    @pytest.fixture
    def repo(self) -> InMemoryEmployeeRepository:
        return InMemoryEmployeeRepository()


class TestInMemoryRunLog(RunLogContract):
    @pytest.fixture
    def runs(self) -> InMemoryRunLog:
        return InMemoryRunLog()
