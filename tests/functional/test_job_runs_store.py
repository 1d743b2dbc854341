"""The DynamoDB job_runs repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.job_runs import DynamoJobRunRepository, JobRunRepository
from tests.unit.store.job_runs_contract import JobRunRepositoryContract


class TestDynamoJobRunRepository(JobRunRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> JobRunRepository:
        return DynamoJobRunRepository()
