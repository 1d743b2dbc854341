"""Every repository of one deployment, built together: DynamoDB (and S3) in Lambda and `make run`, the
in-memory twins in fast tests. `chalicelib.runtime.repositories()` hands the process's set to use cases;
tests swap in `memory_repositories()` with `runtime.use_repositories`.

Each repository is a Protocol (what use cases may ask), a DynamoDB class and an in-memory twin in
`store.memory`; one contract test class per repository runs against both.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.store.events import DynamoEventsRepository, EventsRepository
from chalicelib.store.memory.events import InMemoryEventsRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository


@dataclass(frozen=True)
class Repositories:
    people: PeopleRepository
    events: EventsRepository


def dynamo_repositories() -> Repositories:
    return Repositories(
        people=DynamoPeopleRepository(),
        events=DynamoEventsRepository(),
    )


def memory_repositories() -> Repositories:
    return Repositories(
        people=InMemoryPeopleRepository(),
        events=InMemoryEventsRepository(),
    )
