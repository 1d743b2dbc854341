"""Every repository of one deployment, built together: DynamoDB (and S3) in Lambda and `make run`, the
in-memory twins in fast tests. `chalicelib.runtime.repositories()` hands the process's set to use cases;
tests swap in `memory_repositories()` with `runtime.use_repositories`.

Each repository is a Protocol (what use cases may ask), a DynamoDB class and an in-memory twin in
`store.memory` (the SIMPEG ones: `chalicelib.simpeg.memory`); one contract test class per repository runs
against both. The photo store comes with the
set as `photos`, a function of the settings (S3: the deployment's bucket; in memory: one twin per bucket).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chalicelib.settings import Settings
from chalicelib.simpeg.memory import InMemoryEmployeeRepository, InMemoryRunLog
from chalicelib.simpeg.repository import EmployeeRepository, RunLog
from chalicelib.store.audit import AuditRepository, DynamoAuditRepository
from chalicelib.store.calendar import CalendarRepository, DynamoCalendarRepository
from chalicelib.store.events import DynamoEventsRepository, EventsRepository
from chalicelib.store.faces import DynamoFacesRepository, FacesRepository
from chalicelib.store.job_runs import DynamoJobRunRepository, JobRunRepository
from chalicelib.store.memory.audit import InMemoryAuditRepository
from chalicelib.store.memory.calendar import InMemoryCalendarRepository
from chalicelib.store.memory.events import InMemoryEventsRepository
from chalicelib.store.memory.faces import InMemoryFacesRepository
from chalicelib.store.memory.job_runs import InMemoryJobRunRepository
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.photos import InMemoryPhotoBuckets
from chalicelib.store.memory.requests import InMemoryRequestsRepository
from chalicelib.store.memory.sightings import InMemorySightingsRepository
from chalicelib.store.memory.statuses import InMemoryStatusesRepository
from chalicelib.store.memory.timeclock import InMemoryTimeclockRepository
from chalicelib.store.memory.zones import InMemoryZonesRepository
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from chalicelib.store.photos import PhotoStore, photo_store
from chalicelib.store.requests import DynamoRequestsRepository, RequestsRepository
from chalicelib.store.sightings import DynamoSightingsRepository, SightingsRepository
from chalicelib.store.simpeg_repo import DynamoEmployeeRepository, DynamoRunLog
from chalicelib.store.statuses import DynamoStatusesRepository, StatusesRepository
from chalicelib.store.timeclock import DynamoTimeclockRepository, TimeclockRepository
from chalicelib.store.zones import DynamoZonesRepository, ZonesRepository


@dataclass(frozen=True)
class Repositories:
    people: PeopleRepository
    events: EventsRepository
    faces: FacesRepository
    photos: Callable[[Settings], PhotoStore]
    zones: ZonesRepository
    calendar: CalendarRepository
    statuses: StatusesRepository
    audit: AuditRepository
    simpeg_employees: EmployeeRepository
    sync_runs: RunLog
    requests: RequestsRepository
    sightings: SightingsRepository
    timeclock: TimeclockRepository
    job_runs: JobRunRepository


def dynamo_repositories() -> Repositories:
    return Repositories(
        people=DynamoPeopleRepository(),
        events=DynamoEventsRepository(),
        faces=DynamoFacesRepository(),
        photos=photo_store,
        zones=DynamoZonesRepository(),
        calendar=DynamoCalendarRepository(),
        statuses=DynamoStatusesRepository(),
        audit=DynamoAuditRepository(),
        simpeg_employees=DynamoEmployeeRepository(),
        sync_runs=DynamoRunLog(),
        requests=DynamoRequestsRepository(),
        sightings=DynamoSightingsRepository(),
        timeclock=DynamoTimeclockRepository(),
        job_runs=DynamoJobRunRepository(),
    )


def memory_repositories() -> Repositories:
    people, events = InMemoryPeopleRepository(), InMemoryEventsRepository()
    return Repositories(
        people=people,
        events=events,
        faces=InMemoryFacesRepository(
            people,
            fingerprints=events.remember_fingerprint,
            vectors_gone=events.forget_vectors,
            photo_claim=events.photo_claim,
        ),
        photos=InMemoryPhotoBuckets(),
        zones=InMemoryZonesRepository(people),  # moves the employees' field-duty hints, as DynamoDB does
        calendar=InMemoryCalendarRepository(people),  # moves the employees' own-plan hints, as DynamoDB does
        statuses=InMemoryStatusesRepository(),
        audit=InMemoryAuditRepository(),
        simpeg_employees=InMemoryEmployeeRepository(),
        sync_runs=InMemoryRunLog(),
        requests=InMemoryRequestsRepository(),
        sightings=InMemorySightingsRepository(),
        timeclock=InMemoryTimeclockRepository(),
        job_runs=InMemoryJobRunRepository(),
    )
