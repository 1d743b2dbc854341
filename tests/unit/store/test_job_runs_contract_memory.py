"""The job_runs repository contract run against the in-memory twin."""

from __future__ import annotations

import pytest

from chalicelib.store.job_runs import JobRunRepository
from chalicelib.store.memory.job_runs import InMemoryJobRunRepository

from .job_runs_contract import JobRunRepositoryContract


class TestInMemoryJobRunRepository(JobRunRepositoryContract):
    @pytest.fixture
    def repo(self) -> JobRunRepository:
        return InMemoryJobRunRepository()
