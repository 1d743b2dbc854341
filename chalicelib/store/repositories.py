"""Every repository of one deployment, built together: DynamoDB (and S3) in Lambda and `make run`, the
in-memory twins in fast tests. `chalicelib.runtime.repositories()` hands the process's set to use cases;
tests swap in `memory_repositories()` with `runtime.use_repositories`.

Each repository is a Protocol (what use cases may ask), a DynamoDB class and an in-memory twin in
`store.memory`; one contract test class per repository runs against both.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.store.calendar import CalendarRepository, DynamoCalendarRepository
from chalicelib.store.memory.calendar import InMemoryCalendarRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.zones import InMemoryZonesRepository
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from chalicelib.store.zones import DynamoZonesRepository, ZonesRepository


@dataclass(frozen=True)
class Repositories:
    people: PeopleRepository
    zones: ZonesRepository
    calendar: CalendarRepository


def dynamo_repositories() -> Repositories:
    return Repositories(
        people=DynamoPeopleRepository(),
        zones=DynamoZonesRepository(),
        calendar=DynamoCalendarRepository(),
    )


def memory_repositories() -> Repositories:
    people = InMemoryPeopleRepository()
    return Repositories(
        people=people,
        zones=InMemoryZonesRepository(people),  # moves the employees' field-duty hints, as DynamoDB does
        calendar=InMemoryCalendarRepository(),
    )
