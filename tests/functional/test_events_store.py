"""The DynamoDB events repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

import pytest

from chalicelib.store.events import DynamoEventsRepository, EventsRepository, _event_item
from tests.unit.store.events_contract import AT, DAY, NIP, OTHER, EventsRepositoryContract, event, review, write


class TestDynamoEventsRepository(EventsRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> EventsRepository:
        return DynamoEventsRepository()


def test_a_day_recorded_before_digests_were_kept_is_rebuilt_from_its_events(aws: None) -> None:
    # GIVEN two events of a unit-day stored the way writes stored them before digests (no digest item)
    old = [event(NIP, AT), review(OTHER, AT)]
    for e in old:
        _event_item(e).save()
    repo = DynamoEventsRepository()
    # WHEN its digest is read, THEN none is stored
    assert not repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)].stored
    # WHEN it is rebuilt while a check-in of the same day arrives
    later = event("199103032016011003", AT)
    repo.write_checkin(write(later, "late-1"))
    rebuilt = repo.rebuild_digests([("U1", DAY)])[("U1", DAY)]
    # THEN the stored digest holds the old events and the new one, like the day's index
    stored = repo.digests_of_unit_days([("U1", DAY)])[("U1", DAY)]
    indexed = sorted(repo.events_of_unit_day("U1", DAY), key=lambda e: (e.nip, e.attendance_time))
    assert stored.stored and stored == rebuilt and stored.events() == indexed
    # AND rebuilding again changes nothing
    assert repo.rebuild_digests([("U1", DAY)])[("U1", DAY)] == stored
