"""The DynamoDB events repository passes the same contract as its in-memory twin (moto in-process), and keeps
its replay index in items of its own (decision 87)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError

from chalicelib.domain.decisions import Decided
from chalicelib.face.config import ReplayLimits
from chalicelib.settings import OFFLINE_MAX_AGE_H_LIMIT
from chalicelib.store import events as events_store
from chalicelib.store.events import (
    FINGERPRINT_DAYS,
    FOLDED_MARK,
    DynamoEventsRepository,
    EventsRepository,
    _event_item,
    digest_keys,
    fingerprint_key,
    index_partition,
    months_between,
    replay_window_start,
    summary_partition,
    unfolded_from,
)
from chalicelib.store.models import EventModel, FingerprintModel, IdempotencyModel, shared_connection
from tests.functional.dynamo_reads import dynamodb_requests, lagging_indexes
from tests.unit.store.events_contract import (
    AT,
    DAY,
    NIP,
    OTHER,
    PROBE_HASH,
    EventsRepositoryContract,
    event,
    face_fingerprint,
    review,
    write,
)


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


def test_a_check_in_stands_when_its_digest_cannot_be_updated(aws: None) -> None:
    # GIVEN a unit-day digest that DynamoDB refuses to add a token to (its token set stored as a string)
    repo = DynamoEventsRepository()
    repo.write_checkin(write(event(NIP, AT), "first"))
    digest = EventModel(*digest_keys("U1", DAY))
    digest.refresh()
    EventModel._get_connection().put_item(
        digest.nip, digest.key, attributes={"day_events": {"S": "not a set"}, "day_version": {"N": "1"}}
    )
    # WHEN another employee's check-in of that day is written
    other = event(OTHER, AT + timedelta(minutes=1))
    repo.write_checkin(write(other, "second"))
    # THEN the check-in is recorded all the same (the digest is written after its transaction, not in it)
    assert repo.get_event(other.event_id) == other
    # AND the day's index, from which a digest is rebuilt, holds both
    assert {e.nip for e in repo.events_of_unit_day("U1", DAY)} == {NIP, OTHER}


def test_a_current_read_of_a_unit_s_day_waits_for_the_index_to_show_what_its_digest_holds(aws: None) -> None:
    # GIVEN a unit-day with a check-in and a review, and an index of events that shows writes half a second late
    repo = DynamoEventsRepository()
    repo.write_checkin(write(event(NIP, AT), "first"))
    pending = review(OTHER, AT + timedelta(minutes=1))
    repo.write_checkin(write(pending, "second"))
    with lagging_indexes(lag_s=0.5):
        # WHEN a third check-in is recorded and the review decided
        later = event("199103032016011003", AT + timedelta(minutes=2))
        repo.write_checkin(write(later, "third"))
        repo.decide_review(pending.event_id, "approve", Decided("budi", None, AT))
        # THEN a plain read does not show them yet, and a current read waits until it does
        assert {(e.nip, e.decision) for e in repo.events_of_unit_day("U1", DAY)} == {(NIP, None), (OTHER, None)}
        current = {(e.nip, e.decision) for e in repo.events_of_unit_day("U1", DAY, current=True)}
        assert current == {(NIP, None), (OTHER, "approve"), ("199103032016011003", None)}


def test_a_current_read_gives_up_waiting_for_a_lagging_index_and_says_so(
    aws: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN an index a minute behind, and a current read that waits a fifth of a second at most
    monkeypatch.setattr(events_store, "INDEX_WAIT_S", 0.2)
    repo = DynamoEventsRepository()
    with lagging_indexes(lag_s=60):
        repo.write_checkin(write(event(NIP, AT), "first"))
        # WHEN the unit's day is read as current, THEN it answers what the index shows, and a warning says why
        assert repo.events_of_unit_day("U1", DAY, current=True) == []
    assert "a unit's day judged before its index showed every event" in caplog.text


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


def summaries() -> dict[str, list[str]]:
    """The summary items of NIP's past months, by month (the fold mark apart: `folded_through`)."""
    rows = FingerprintModel.query(summary_partition(NIP))
    return {i.key: (i.folded or "").split() for i in rows if i.key != FOLDED_MARK}


def folded_through() -> str | None:
    mark = FingerprintModel.query(summary_partition(NIP), FingerprintModel.key == FOLDED_MARK)
    return next((str(i.folded) for i in mark), None)


def test_past_months_are_folded_once_into_summaries_that_later_lookups_read(aws: None) -> None:
    # GIVEN photos of one employee in September, October and November; AT is 3 December
    repo = DynamoEventsRepository()
    sent = [AT - timedelta(days=d) for d in (80, 75, 50, 1)]  # the last one on 2 December
    for n, at in enumerate(sent):
        repo.write_checkin(write(event(at=at), f"r-{n}", photo=face_fingerprint(n, flips=n), now=at))
    assert summaries() == {} and folded_through() is None  # no check-in writes a summary
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    # WHEN a lookup runs
    first = repo.replay_candidates(NIP, probe, AT, limits)
    # THEN every photo is found, each month of the window before December that held photos got its summary, and
    # the mark says that every month before December is folded (the empty ones into no item)
    assert [fp.sha256 for fp in first] == [face_fingerprint(n, flips=n).sha256 for n in range(4)]
    folded = summaries()
    assert {m: len(entries) for m, entries in folded.items()} == {"2026-09": 2, "2026-10": 1}
    assert folded_through() == "2026-12"
    # AND a later lookup reads the same through them, writing nothing
    assert [fp.sha256 for fp in repo.replay_candidates(NIP, probe, AT, limits)] == [fp.sha256 for fp in first]
    assert summaries() == folded


def test_a_first_lookup_reads_the_index_once_and_writes_only_months_with_photos(aws: None) -> None:
    # GIVEN a new employee whose only photo is of this month (AT: 3 December), never looked up
    repo = DynamoEventsRepository()
    repo.write_checkin(write(event(at=AT - timedelta(days=1)), "r-0", photo=face_fingerprint(0, flips=0)))
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    # WHEN the first lookup runs
    with dynamodb_requests() as first:
        found = repo.replay_candidates(NIP, probe, AT, limits)
    # THEN the photo is found with two Queries (summaries, index), the fold writes the mark alone (one
    # UpdateItem, not one per month of the 400-day window), and the candidate is read by one BatchGet
    assert [fp.sha256 for fp in found] == [face_fingerprint(0, flips=0).sha256]
    assert first == {"Query": 2, "UpdateItem": 1, "BatchGetItem": 1}
    assert summaries() == {} and folded_through() == "2026-12"
    # AND a later lookup reads the same with two Queries and writes nothing
    with dynamodb_requests() as later:
        again = repo.replay_candidates(NIP, probe, AT, limits)
    assert [fp.sha256 for fp in again] == [fp.sha256 for fp in found] and later == {"Query": 2, "BatchGetItem": 1}


def test_the_next_month_is_folded_alone_into_its_summary(aws: None) -> None:
    # GIVEN an employee folded through December, with photos of December and of January
    repo = DynamoEventsRepository()
    january = datetime(2027, 1, 5, 0, 30, tzinfo=UTC)
    for n, at in enumerate([AT, january - timedelta(days=1)]):
        repo.write_checkin(write(event(at=at), f"r-{n}", photo=face_fingerprint(n, flips=n), now=at))
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    repo.replay_candidates(NIP, probe, AT, limits)
    # WHEN a lookup runs in January
    with dynamodb_requests() as lookup:
        found = repo.replay_candidates(NIP, probe, january, limits)
    # THEN both photos are found; December got its summary and the mark moved (two UpdateItems)
    assert [fp.sha256 for fp in found] == [face_fingerprint(n, flips=n).sha256 for n in range(2)]
    assert lookup == {"Query": 2, "UpdateItem": 2, "BatchGetItem": 1}
    assert {m: len(e) for m, e in summaries().items()} == {"2026-12": 1} and folded_through() == "2027-01"


def test_summaries_written_before_the_mark_existed_are_read_as_they_are(aws: None) -> None:
    # GIVEN an employee folded the earlier way: a summary for every month of the window, empty ones too, no mark
    repo = DynamoEventsRepository()
    at = AT - timedelta(days=50)
    repo.write_checkin(write(event(at=at), "r-0", photo=face_fingerprint(0, flips=0), now=at))
    [october] = [i.key for i in FingerprintModel.query(index_partition(NIP))]
    assert october.startswith("2026-10")
    for month in months_between(replay_window_start(AT)[:7], "2026-12"):
        lines = f"{october}|{PROBE_HASH:016x}" if month == "2026-10" else ""
        summary = FingerprintModel(summary_partition(NIP), month)
        summary.update(actions=[FingerprintModel.folded.set(lines), FingerprintModel.expires.set(AT)])
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    # WHEN a lookup runs, THEN it finds the photo through the summaries and folds nothing again
    with dynamodb_requests() as lookup:
        found = repo.replay_candidates(NIP, probe, AT, limits)
    assert [fp.sha256 for fp in found] == [face_fingerprint(0, flips=0).sha256]
    assert lookup == {"Query": 2, "BatchGetItem": 1} and folded_through() is None


def test_a_fold_that_cannot_be_written_still_finds_every_photo_and_is_made_later(aws: None) -> None:
    # GIVEN photos in October and December, and DynamoDB refusing updates (the fold's writes)
    repo = DynamoEventsRepository()
    for n, at in enumerate([AT - timedelta(days=50), AT - timedelta(days=1)]):
        repo.write_checkin(write(event(at=at), f"r-{n}", photo=face_fingerprint(n, flips=n), now=at))
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    client = shared_connection().client

    def refuse(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="http://dynamodb.injected-failure")

    client.meta.events.register("before-call.dynamodb.UpdateItem", refuse)
    try:
        # WHEN a lookup runs, THEN it still finds both photos, and neither a summary nor the mark is kept
        found = repo.replay_candidates(NIP, probe, AT, limits)
    finally:
        client.meta.events.unregister("before-call.dynamodb.UpdateItem", refuse)
    assert [fp.sha256 for fp in found] == [face_fingerprint(n, flips=n).sha256 for n in range(2)]
    assert summaries() == {} and folded_through() is None
    # AND the next lookup folds the months and finds the same
    assert [fp.sha256 for fp in repo.replay_candidates(NIP, probe, AT, limits)] == [fp.sha256 for fp in found]
    assert {m: len(e) for m, e in summaries().items()} == {"2026-10": 1} and folded_through() == "2026-12"


def test_a_face_hash_backfilled_into_a_folded_month_is_found(aws: None) -> None:
    # GIVEN a fingerprint without face hash in October, whose month a lookup already folded (empty: no summary)
    repo = DynamoEventsRepository()
    at = AT - timedelta(days=50)
    legacy = replace(face_fingerprint(1, flips=0), face_chip=b"", face_hash=None)
    repo.write_checkin(write(event(at=at), "r-old", photo=legacy, now=at))
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    assert repo.replay_candidates(NIP, probe, AT, limits) == [] and summaries() == {}
    assert folded_through() == "2026-12"
    # WHEN it gets its hash, while DynamoDB's eventually consistent reads do not show the write yet
    [key] = repo.unhashed_fingerprints(NIP, AT)
    with lagging_indexes(lag_s=60, tables=True):
        repo.add_face_hash(NIP, key, face_fingerprint(1, flips=0).face_chip, PROBE_HASH)
    # THEN the month's summary holds it (folded again from a strongly consistent read) and the lookup finds it
    assert len(summaries()["2026-10"]) == 1
    assert [fp.sha256 for fp in repo.replay_candidates(NIP, probe, AT, limits)] == [legacy.sha256]


def test_a_face_hash_backfilled_into_a_month_not_yet_folded_is_left_to_the_fold(aws: None) -> None:
    # GIVEN a fingerprint without face hash of 2 December (this month: not folded), never looked up
    repo = DynamoEventsRepository()
    at = AT - timedelta(days=1)
    legacy = replace(face_fingerprint(1, flips=0), face_chip=b"", face_hash=None)
    repo.write_checkin(write(event(at=at), "r-old", photo=legacy, now=at))
    # WHEN it gets its hash
    [key] = repo.unhashed_fingerprints(NIP, AT)
    repo.add_face_hash(NIP, key, face_fingerprint(1, flips=0).face_chip, PROBE_HASH)
    # THEN no summary is written for a month still taking photos, and the lookup finds it from its index item
    assert summaries() == {}
    probe, limits = face_fingerprint(9, flips=0), ReplayLimits(candidates=8)
    assert [fp.sha256 for fp in repo.replay_candidates(NIP, probe, AT, limits)] == [legacy.sha256]


def test_a_month_is_folded_only_after_its_last_day_is_over() -> None:
    assert unfolded_from(datetime(2026, 12, 1, 23, 59, tzinfo=UTC)) == "2026-11"
    assert unfolded_from(datetime(2026, 12, 2, 0, 0, tzinfo=UTC)) == "2026-12"
    assert unfolded_from(datetime(2027, 1, 1, 12, 0, tzinfo=UTC)) == "2026-12"
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01"]


def test_a_request_is_remembered_as_long_as_a_phone_may_send_it_again(aws: None) -> None:
    """A regency may let phones keep offline captures up to OFFLINE_MAX_AGE_H_LIMIT; the app sends one again under
    its client_request_id until then. DynamoDB's TTL must not forget the first answer sooner (the resend would be
    judged anew: REPLAYED_PHOTO against its own photo, a refusal stored as fraud evidence)."""
    repo = DynamoEventsRepository()
    longest = timedelta(hours=OFFLINE_MAX_AGE_H_LIMIT)
    # GIVEN a request claimed, and another answered by its check-in
    assert repo.claim_request(f"{NIP}#r-claimed", "body-of-r-claimed", AT, 60) is None
    repo.write_checkin(write(event(), "r-1"))
    # THEN neither record expires before the longest time a phone keeps a capture
    for key in (f"{NIP}#r-claimed", f"{NIP}#r-1"):
        expires = IdempotencyModel.get(key).expires
        assert expires is not None and expires > AT + longest, key
