"""Every repository of one deployment, built together: DynamoDB (and S3) in Lambda and `make run`, the
in-memory twins in fast tests. `chalicelib.runtime.repositories()` hands the process's set to use cases;
tests swap in `memory_repositories()` with `runtime.use_repositories`.

Each repository is a Protocol (what use cases may ask), a DynamoDB class and an in-memory twin in
`store.memory` (the SIMPEG ones: `chalicelib.simpeg.memory`); one contract test class per repository runs
against both.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.simpeg.memory import InMemoryEmployeeRepository, InMemoryRunLog
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.store.audit import AuditRepository, DynamoAuditRepository
from chalicelib.store.memory.audit import InMemoryAuditRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.statuses import InMemoryStatusesRepository
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from chalicelib.store.simpeg_repo import DynamoEmployeeRepository, DynamoRunLog
from chalicelib.store.statuses import DynamoStatusesRepository, StatusesRepository


@dataclass(frozen=True)
class Repositories:
    people: PeopleRepository
    statuses: StatusesRepository
    audit: AuditRepository
    simpeg_employees: EmployeeRepository
    sync_runs: RunLog


def dynamo_repositories() -> Repositories:
    return Repositories(
        people=DynamoPeopleRepository(),
        statuses=DynamoStatusesRepository(),
        audit=DynamoAuditRepository(),
        simpeg_employees=DynamoEmployeeRepository(),
        sync_runs=DynamoRunLog(),
    )


def memory_repositories() -> Repositories:
    return Repositories(
        people=InMemoryPeopleRepository(),
        statuses=InMemoryStatusesRepository(),
        audit=InMemoryAuditRepository(),
        simpeg_employees=InMemoryEmployeeRepository(),
        sync_runs=InMemoryRunLog(),
    )
