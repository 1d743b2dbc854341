"""A calendar change whose re-run of recapped days fails (503) is finished by retrying it (usecases/calendar.py,
usecases/rejudge.py) on the in-memory twins: the daily-status write is throttled once, as DynamoDB may, and the
admin sends the same change again; a re-run handed to the worker is finished by Lambda's retried invocation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import NotFoundError, UnavailableError
from chalicelib.settings import Settings, build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import punch_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, recaps, rejudge
from chalicelib.usecases.operations import find_run
from chalicelib.usecases.schemas.calendar import HolidayRequest, HolidaysQuery, RamadanRequest, ShiftsRequest

SETTINGS = build_settings({})
MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a Friday, 10:00 in Jakarta
A = "198501012010011001"
SUPER = Principal("bkpsdm", "super_admin")
Handed = list[tuple[str, Callable[[], Any]]]


def punch(local: datetime) -> Event:
    at = local.replace(tzinfo=SETTINGS.tz)
    return Event(
        event_id=punch_event_id(A, at), nip=A, type="in", status="accepted", attendance_time=iso(at),
        received_at=iso(NOW - timedelta(days=30)), local_date=at.date().isoformat(), unor_id="U1",
        warnings=(), reasons=(), source="fingerprint",
    )  # fmt: skip


@pytest.fixture()
def handed(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Handed:
    """U1 with one employee who punched in at 07:50 and out at 16:05 from MONDAY to Wednesday (late by the
    regular 07:30: TL1), those days recapped; the hand-overs to the worker, run when the test says."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    for offset in range(3):
        day = datetime.combine(MONDAY + timedelta(days=offset), datetime.min.time())
        runtime.events().put_punches([punch(day.replace(hour=7, minute=50)), punch(day.replace(hour=16, minute=5))])
        recaps.run_daily_recap(MONDAY + timedelta(days=offset), SETTINGS, ["U1"])
    work: Handed = []

    def hand_over(_: Settings, ref: str, here: Callable[[], Any]) -> None:
        work.append((ref, here))

    monkeypatch.setattr(runtime, "start_rejudge", hand_over)
    return work


@pytest.fixture()
def throttle(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Calling it makes the next daily-status write fail (503), once."""
    statuses = type(runtime.statuses())
    real = statuses.save_day
    left = [0]

    def save_day(self: object, *args: Any, **kwargs: Any) -> Any:
        if left[0]:
            left[0] -= 1
            raise UnavailableError()
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(statuses, "save_day", save_day)
    return lambda: left.__setitem__(0, 1)


def stored(day: date) -> str | None:
    found = runtime.statuses().employee_status(A, day)
    return found[1].status.status if found else None


def ramadan(start: str, end: str) -> RamadanRequest:
    return RamadanRequest.model_validate({"start_date": start, "end_date": end})


@pytest.fixture()
def monday_off(handed: Handed) -> Iterator[None]:
    """MONDAY declared a holiday afterwards: recapped as LIBUR."""
    calendar.put_holiday(SUPER, MONDAY.isoformat(), HolidayRequest(name="Hari Berkabung"), SETTINGS, NOW)
    assert stored(MONDAY) == "LIBUR"
    yield


def test_a_holiday_deleted_whose_re_run_failed_is_judged_again_by_the_retried_delete(
    monday_off: None, throttle: Callable[[], None], handed: Handed
) -> None:
    # GIVEN the deletion of Monday's holiday stored, and its re-run refused by DynamoDB (503)
    throttle()
    with pytest.raises(UnavailableError):
        calendar.delete_holiday(SUPER, MONDAY.isoformat(), SETTINGS, NOW)
    assert calendar.list_holidays(SUPER, HolidaysQuery(year=2026), SETTINGS, NOW).items == []
    assert stored(MONDAY) == "LIBUR"
    # WHEN the admin retries the DELETE
    with pytest.raises(NotFoundError):
        calendar.delete_holiday(SUPER, MONDAY.isoformat(), SETTINGS, NOW)
    # THEN it still answers 404 (no such holiday), and Monday is a working day again: late, TL1
    assert stored(MONDAY) == "TL1"
    # AND a DELETE of a date that never was a holiday answers 404 and changes nothing
    with pytest.raises(NotFoundError):
        calendar.delete_holiday(SUPER, (MONDAY + timedelta(days=1)).isoformat(), SETTINGS, NOW)
    assert [stored(MONDAY + timedelta(days=d)) for d in range(3)] == ["TL1", "TL1", "TL1"] and handed == []


def test_a_roster_date_removed_whose_re_run_failed_is_judged_again_by_the_retried_removal(
    handed: Handed, throttle: Callable[[], None]
) -> None:
    # GIVEN a day off rostered on Monday by mistake, recapped so
    off = ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): None}})
    calendar.set_shifts(SUPER, A, off, SETTINGS, NOW)
    assert stored(MONDAY) == "LIBUR"
    # WHEN its removal is stored and its re-run refused (503), and the admin retries it
    throttle()
    with pytest.raises(UnavailableError):
        calendar.remove_shift(SUPER, A, MONDAY.isoformat(), SETTINGS, NOW)
    with pytest.raises(NotFoundError):
        calendar.remove_shift(SUPER, A, MONDAY.isoformat(), SETTINGS, NOW)
    # THEN the retry answers 404 (no entry is left) and Monday follows the schedule again: TL1
    assert stored(MONDAY) == "TL1"


def test_a_ramadan_removal_whose_re_run_failed_still_re_runs_its_days_when_retried(
    handed: Handed, throttle: Callable[[], None]
) -> None:
    # GIVEN Ramadan over Monday to Wednesday: 07:50 is on time for Ramadan's 08:00
    calendar.put_ramadan(SUPER, "2026", ramadan("2026-10-20", "2026-11-04"), SETTINGS, NOW)
    assert stored(MONDAY) == "H"
    # WHEN the period is removed and its re-run refused (503)
    throttle()
    with pytest.raises(UnavailableError):
        calendar.delete_ramadan(SUPER, "2026", "2026-10-20", SETTINGS, NOW)
    # AND the admin sends the removal again: the period is gone already (404)
    with pytest.raises(NotFoundError):
        calendar.delete_ramadan(SUPER, "2026", "2026-10-20", SETTINGS, NOW)
    # THEN the days it held were judged again all the same: late by 07:30 (TL1)
    assert [stored(MONDAY + timedelta(days=d)) for d in range(3)] == ["TL1", "TL1", "TL1"]


def test_a_ramadan_move_whose_re_run_failed_still_re_runs_the_days_it_left_when_retried(
    handed: Handed, throttle: Callable[[], None]
) -> None:
    # GIVEN Ramadan over Monday to Wednesday: 07:50 is on time for Ramadan's 08:00
    first = calendar.put_ramadan(SUPER, "2026", ramadan("2026-10-20", "2026-11-04"), SETTINGS, NOW)
    assert first.recapped and stored(MONDAY) == "H"
    # WHEN the period is moved before them, the move is stored and its re-run refused (503)
    moved = ramadan("2026-10-01", "2026-10-25")
    throttle()
    with pytest.raises(UnavailableError):
        calendar.put_ramadan(SUPER, "2026", moved, SETTINGS, NOW)
    # AND the admin sends the same move again
    again = calendar.put_ramadan(SUPER, "2026", moved, SETTINGS, NOW)
    # THEN the retry re-runs the days of the period it replaced too: no longer Ramadan, late by 07:30 (TL1)
    assert again.recapped == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert [stored(MONDAY + timedelta(days=d)) for d in range(3)] == ["TL1", "TL1", "TL1"]
    assert (again.start_date, again.end_date) == ("2026-10-01", "2026-10-25")


def test_a_worker_run_that_failed_is_finished_by_the_retried_invocation(
    monday_off: None, handed: Handed, throttle: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a regency larger than a request re-runs: Monday's holiday deleted, its re-run handed to the worker
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    deleted = calendar.delete_holiday(SUPER, MONDAY.isoformat(), SETTINGS, NOW)
    assert (deleted.recapped, deleted.recapping, len(handed)) == ([], 1, 1)
    ref, work = handed.pop()
    # WHEN the worker's run fails (daily statuses throttled): recorded as failed and raised
    throttle()
    with pytest.raises(UnavailableError):
        work()
    failed = find_run(rejudge.JOB, ref)
    assert failed is not None and (failed.status, failed.error) == ("failed", "UnavailableError")
    assert stored(MONDAY) == "LIBUR"
    # AND Lambda retries the invocation THEN the run is done and Monday is a working day again
    assert work() == {"run": ref, "status": "succeeded", "unit_days": 1, "dates": ["2026-11-02"]}
    done = find_run(rejudge.JOB, ref)
    assert done is not None and (done.status, done.error) == ("succeeded", None)
    assert stored(MONDAY) == "TL1"
    # AND a retried invocation of the succeeded run is left alone
    assert work() == {"run": ref, "status": "succeeded"}


def test_a_worker_run_that_failed_for_good_is_handed_over_again_by_the_retried_delete(
    monday_off: None, handed: Handed, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday's deletion handed to the worker, whose run failed every time Lambda tried it
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    calendar.delete_holiday(SUPER, MONDAY.isoformat(), SETTINGS, NOW)
    handed.clear()
    # WHEN the admin sends the DELETE again THEN it answers 404, and hands Monday to the worker once more
    with pytest.raises(NotFoundError):
        calendar.delete_holiday(SUPER, MONDAY.isoformat(), SETTINGS, NOW)
    (ref, work), *rest = handed
    assert rest == []
    # AND that run judges Monday again
    assert work() == {"run": ref, "status": "succeeded", "unit_days": 1, "dates": ["2026-11-02"]}
    assert stored(MONDAY) == "TL1"
