"""The behaviour every implementation of `chalicelib.store.audit.AuditRepository` must have.

Subclass `AuditRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository stamped by the contract's `clock` fixture: the in-memory twin in tests/unit/store, the DynamoDB one
(moto in-process) in tests/functional/test_audit_store.py. Nothing here depends on how it is built.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.audit import VIEWS, AuditEntry
from chalicelib.store.audit import AuditRepository

START = datetime(2026, 12, 3, 23, 59, 58, 250000, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class AuditRepositoryContract:
    """Subclass with a `repo` fixture returning an empty AuditRepository stamped by `clock`."""

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock(START)

    def test_a_new_log_has_no_entries(self, repo: AuditRepository) -> None:
        assert repo.entries_of_day(START.date()) == []

    def test_an_entry_comes_back_with_its_instant_to_the_second(self, repo: AuditRepository) -> None:
        # GIVEN an admin action recorded with a detail
        repo.record("admin", "zone.create", "Z1", {"name": "Kantor", "cells": 12})
        # WHEN the day is read, THEN the entry is there, stamped in UTC without its microseconds
        assert repo.entries_of_day(START.date()) == [
            AuditEntry(START.replace(microsecond=0), "admin", "zone.create", "Z1", {"name": "Kantor", "cells": 12})
        ]

    def test_entries_of_one_second_come_back_in_the_order_written(self, repo: AuditRepository, clock: Clock) -> None:
        # GIVEN three actions a fraction of a second apart, all within one second
        for i in range(3):
            repo.record("admin", f"step.{i}", "T")
            clock.advance(0.3)
        # THEN the day reads them oldest first and the page newest first
        assert [e.action for e in repo.entries_of_day(START.date())] == ["step.0", "step.1", "step.2"]
        assert [e.action for e in repo.page_of_day(START.date(), None, 10).entries] == ["step.2", "step.1", "step.0"]

    def test_an_entry_without_detail_has_none(self, repo: AuditRepository) -> None:
        # GIVEN actions recorded with no detail and with an empty one
        repo.record("admin", "zone.delete", "Z1")
        repo.record("admin", "zone.delete", "Z2", {})
        # THEN both read back with no detail
        assert [e.detail for e in repo.entries_of_day(START.date())] == [None, None]

    def test_entries_are_read_per_utc_day_in_time_order(self, repo: AuditRepository, clock: Clock) -> None:
        # GIVEN an entry at 23:59:58 UTC, another a second later, and a third at midnight
        repo.record("a1", "holiday.put", "2026-12-25")
        clock.advance(1)
        repo.record("a2", "holiday.delete", "2026-12-25")
        clock.advance(1)
        repo.record("a3", "leave.add", "198501012010011001")
        # WHEN each day is read
        today = repo.entries_of_day(START.date())
        tomorrow = repo.entries_of_day(START.date() + timedelta(days=1))
        # THEN each day has its own entries, oldest first
        assert [(e.actor, e.at.second) for e in today] == [("a1", 58), ("a2", 59)]
        assert [(e.actor, e.at) for e in tomorrow] == [("a3", datetime(2026, 12, 4, tzinfo=UTC))]
        assert repo.entries_of_day(date(2026, 12, 2)) == []

    def test_entries_of_the_same_second_are_all_kept(self, repo: AuditRepository) -> None:
        # GIVEN the same action recorded three times within one second
        for _ in range(3):
            repo.record("admin", "employee.reset_device", "198501012010011001")
        # THEN no entry overwrote another
        assert len(repo.entries_of_day(START.date())) == 3

    def test_the_actors_role_is_kept_when_given(self, repo: AuditRepository) -> None:
        # GIVEN one entry written with the actor's role and one without
        repo.record("auditor1", "zone.create", "Z1", role="super_admin")
        repo.record("admin", "zone.delete", "Z1")
        # THEN the role comes back as written, None where none was given
        assert sorted((e.actor, e.role) for e in repo.entries_of_day(START.date())) == [
            ("admin", None),
            ("auditor1", "super_admin"),
        ]

    def test_a_day_is_paged_newest_first(self, repo: AuditRepository, clock: Clock) -> None:
        # GIVEN five entries a second apart, within one UTC day
        clock.now = START - timedelta(hours=1)
        for n in range(5):
            repo.record(f"a{n}", "holiday.put", "2026-12-25")
            clock.advance(1)
        # WHEN the day is read two at a time, each page going on from the last key of the one before
        first = repo.page_of_day(START.date(), None, 2)
        second = repo.page_of_day(START.date(), first.last_key, 2)
        third = repo.page_of_day(START.date(), second.last_key, 2)
        # THEN the entries come newest first, each once, and the last page says the day is done
        assert [e.actor for e in (*first.entries, *second.entries, *third.entries)] == ["a4", "a3", "a2", "a1", "a0"]
        assert first.last_key is not None and second.last_key is not None and third.last_key is None
        assert first.keys[-1] == first.last_key and len(set(first.keys + second.keys + third.keys)) == 5
        assert repo.page_of_day(START.date() - timedelta(days=1), None, 2).entries == []

    def test_links_to_personal_files_are_kept_apart_from_the_changes(self, repo: AuditRepository, clock: Clock) -> None:
        # GIVEN a change, then links to an employee's photos and to a letter handed to admins, a second apart
        clock.now = START - timedelta(hours=1)
        repo.record("admin", "zone.create", "Z1")
        clock.advance(1)
        repo.record("admin", "view.photos", "198501012010011001", {"via": "reviews", "links": 2})
        clock.advance(1)
        repo.record("ua", "view.attachments", "198501012010011001", {"via": "requests", "links": 1})
        # WHEN each part of the day is read
        changes = repo.entries_of_day(START.date())
        views = repo.entries_of_day(START.date(), VIEWS)
        # THEN the changes hold the change alone, the views both links, each in its own pages
        assert [e.action for e in changes] == ["zone.create"]
        assert [(e.actor, e.action, e.detail) for e in views] == [
            ("admin", "view.photos", {"via": "reviews", "links": 2}),
            ("ua", "view.attachments", {"via": "requests", "links": 1}),
        ]
        assert [e.action for e in repo.page_of_day(START.date(), None, 10).entries] == ["zone.create"]
        page = repo.page_of_day(START.date(), None, 1, VIEWS)
        assert [e.actor for e in page.entries] == ["ua"] and page.last_key is not None
        assert [e.actor for e in repo.page_of_day(START.date(), page.last_key, 1, VIEWS).entries] == ["admin"]

    def test_an_entry_given_a_lifetime_carries_its_expiry(self, repo: AuditRepository) -> None:
        # GIVEN links handed out, kept for 730 days, and a change, kept for good
        repo.stamped("ua", "view.photos", {"198501012010011001": {"links": 2}}, kept_for=timedelta(days=730)).write()
        repo.record("ua", "review.approve", "e-1")
        # THEN the links' entry says from when the store may drop it, to the second, and the change says never
        [view] = repo.entries_of_day(START.date(), VIEWS)
        assert view.expires == START.replace(microsecond=0) + timedelta(days=730)
        assert [e.expires for e in repo.entries_of_day(START.date())] == [None]

    def test_entries_recorded_together_are_all_kept_with_one_instant(self, repo: AuditRepository) -> None:
        # GIVEN the links of 150 employees recorded at once (more than one DynamoDB transaction holds), and none
        details = {f"1985010120100{i:05d}": {"via": "reviews", "links": 1 + i % 2} for i in range(150)}
        repo.stamped("ua", "view.photos", details, role="unit_admin").write()
        repo.stamped("ua", "view.photos", {}).write()
        # THEN every entry is there once, stamped alike, with its own detail and the role; nothing else
        views = repo.entries_of_day(START.date(), VIEWS)
        assert sorted((e.target, e.detail) for e in views) == sorted(details.items())
        assert {(e.at, e.actor, e.role, e.action) for e in views} == {
            (START.replace(microsecond=0), "ua", "unit_admin", "view.photos")
        }
        assert repo.entries_of_day(START.date()) == []

    def test_one_change_named_by_several_actions_is_one_batch_in_one_part_of_the_log(
        self, repo: AuditRepository
    ) -> None:
        # GIVEN a phone taken from a leaver: the taker's binding and the leaver's reset, stamped as one batch
        named = [
            ("employee.device_bind", "199002022015032002", {"taken_from": "198501012010011001"}),
            ("employee.reset_device", "198501012010011001", {"taken_by": "199002022015032002"}),
        ]
        repo.stamped_each("199002022015032002", named, role="employee").write()
        # THEN both are kept among the changes, at one instant, each with its own action and detail
        changes = repo.entries_of_day(START.date())
        assert sorted((e.action, e.target, e.detail) for e in changes) == sorted(named)
        assert {(e.at, e.role) for e in changes} == {(START.replace(microsecond=0), "employee")}
        # AND a batch cannot mix a change with a link to personal files (two parts of the log, two partitions)
        with pytest.raises(ValueError, match="one part of the log"):
            repo.stamped_each("ua", [("zone.create", "Z1", None), ("view.photos", "198501012010011001", None)])
        assert len(repo.entries_of_day(START.date())) == 2
