"""The DynamoDB events repository passes the same contract as its in-memory twin (moto in-process), and keeps
its replay index in items of its own (decision 87)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.face.config import ReplayLimits
from chalicelib.store.events import (
    FINGERPRINT_DAYS,
    DynamoEventsRepository,
    EventsRepository,
    fingerprint_key,
    index_partition,
)
from chalicelib.store.models import FingerprintModel
from tests.unit.store.events_contract import (
    AT,
    NIP,
    PROBE_HASH,
    EventsRepositoryContract,
    event,
    face_fingerprint,
    write,
)


class TestDynamoEventsRepository(EventsRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> EventsRepository:
        return DynamoEventsRepository()


def index_items() -> list[FingerprintModel]:
    return list(FingerprintModel.query(index_partition(NIP)))


def test_two_check_ins_of_one_employee_write_no_common_index_item(aws: None) -> None:
    # GIVEN two check-ins of one employee in the same second (two phones, or a retry and an enrolment)
    repo = DynamoEventsRepository()
    for n in (1, 2):
        repo.write_checkin(write(event(at=AT + timedelta(microseconds=n)), f"r-{n}", photo=face_fingerprint(n, 2)))
    # THEN each put its own index item (nothing for two transactions to contend on), holding its face hash
    items = index_items()
    assert len(items) == 2 and all(i.entries is None and i.face_hash for i in items)
    assert {int(str(i.face_hash), 16) for i in items} == {PROBE_HASH ^ 0b11}


def test_month_items_written_before_the_per_photo_index_are_still_searched(aws: None) -> None:
    # GIVEN a photo whose history row and month index item were written the earlier way, and a newer photo
    repo = DynamoEventsRepository()
    old_at, old = AT - timedelta(days=40), face_fingerprint(1, flips=0)
    earlier = event(at=old_at)
    repo.write_checkin(write(earlier, "r-old", photo=old, now=old_at))
    [item] = index_items()
    key = fingerprint_key(earlier.event_id, old_at)
    assert item.key == key
    item.delete()
    entry = f"{key}|{PROBE_HASH:016x}"
    expires = old_at + timedelta(days=FINGERPRINT_DAYS)
    month = FingerprintModel(index_partition(NIP), key[:7])
    month.update(actions=[FingerprintModel.entries.set([entry]), FingerprintModel.expires.set(expires)])
    repo.write_checkin(write(event(), "r-new", photo=face_fingerprint(2, flips=1)))
    # WHEN a probe with the same face is looked up
    found = repo.replay_candidates(NIP, face_fingerprint(3, flips=0), AT, ReplayLimits(candidates=4))
    # THEN both come, the month item's photo first (oldest first)
    assert [fp.sha256 for fp in found] == [old.sha256, face_fingerprint(2, flips=1).sha256]
