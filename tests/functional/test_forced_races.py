"""Two admins' changes of one thing, each written over what it read, on DynamoDB (moto in-process), made to meet:
each change's read waits until the other has read too (`reads_meet`), so both read before either writes. The
contract tests send the two at once and meet that moment only now and then; here every run does, so a write that
lost its condition (or never had one) fails the test every time. The in-memory twins check and write under one
lock: there two changes cannot meet so, and the contract tests are their whole story."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import pytest

from chalicelib.domain.calendar import DateRange
from chalicelib.domain.schedule import WorkHours
from chalicelib.store import people as people_store
from chalicelib.store.base import ConditionFailed
from chalicelib.store.calendar import DynamoCalendarRepository
from chalicelib.store.models import HolidayModel, ScheduleModel
from chalicelib.store.people import DynamoPeopleRepository

NIP = "198501012010011001"
T = TypeVar("T")


@contextmanager
def reads_meet(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> Iterator[None]:
    """Within the block, a call of `owner.name` (the read a conditional write is decided on) waits, once it has read,
    until a second call has read too (at most 10 s: a change that never reads fails the test)."""
    meeting = threading.Barrier(2, timeout=10)
    real = getattr(owner, name)

    def read(*args: Any, **kwargs: Any) -> Any:
        try:
            found = real(*args, **kwargs)
            return list(found) if hasattr(found, "__next__") else found  # a lazy read is made before the meeting
        finally:
            meeting.wait()

    monkeypatch.setattr(owner, name, read)
    yield


REFUSED = "refused"


def at_once(change: Callable[[T], object], values: list[T]) -> list[object]:
    """Each change's answer, or REFUSED for one whose condition failed, the two sent at the same moment."""

    def send(value: T) -> object:
        try:
            return change(value)
        except ConditionFailed:
            return REFUSED

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(send, values))


def one_refused(answers: list[object], before: object) -> None:
    """Of two changes that read the same state, exactly one is written, and it names that state as replaced."""
    assert sorted(answers, key=lambda a: a == REFUSED) == [before, REFUSED], answers


def test_two_roster_changes_of_one_date_that_read_it_together_write_one(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, day = DynamoCalendarRepository(), date(2026, 4, 1)
    hours = [WorkHours.parse("21:00", "07:00"), WorkHours.parse("14:00", "22:00")]
    with reads_meet(monkeypatch, ScheduleModel, "batch_get"):
        answers = at_once(lambda h: repo.put_shifts(NIP, "U1", {day: h}, "admin"), hours)
    one_refused(answers, {})
    assert repo.roster(NIP, day, day)[day] in hours


def test_two_changes_of_a_unit_s_zones_that_read_them_together_write_one(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = DynamoPeopleRepository()
    repo.upsert_unit("U1", "SDN 1")
    with reads_meet(monkeypatch, people_store, "get_model"):
        answers = at_once(lambda zones: repo.set_unit_zones("U1", zones), [{"z-office"}, {"z-field"}])
    one_refused(answers, frozenset())


def test_two_changes_of_one_holiday_that_read_it_together_write_one(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, day = DynamoCalendarRepository(), date(2026, 8, 17)
    with reads_meet(monkeypatch, HolidayModel, "get"):
        answers = at_once(lambda name: repo.put_holiday(day, name, "national"), ["HUT RI", "Hari Kemerdekaan"])
    one_refused(answers, None)


def test_two_ramadan_periods_of_one_year_that_read_it_together_write_one(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = DynamoCalendarRepository()
    first = DateRange(date(2026, 2, 18), date(2026, 3, 19))
    repo.put_ramadan(first, "admin")
    moves = [DateRange(date(2026, 2, 19), date(2026, 3, 20)), DateRange(date(2026, 2, 17), date(2026, 3, 18))]
    with reads_meet(monkeypatch, ScheduleModel, "query"):
        answers = at_once(lambda period: repo.put_ramadan(period, "admin"), moves)
    one_refused(answers, first)
