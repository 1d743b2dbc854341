"""Recapped days judged again after a late change (usecases/rejudge.py) on the in-memory twins: the worker's
hand-over is kept in a list, as Lambda queues an asynchronous invocation, and run when the test says."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import Settings, build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, fingerprint, recaps, rejudge
from chalicelib.usecases.operations import find_run
from chalicelib.usecases.schemas.calendar import HolidayRequest, LeaveRequest, RamadanRequest, ShiftsRequest
from chalicelib.usecases.schemas.rollout import CutoverBody

SETTINGS = build_settings({})
MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # a Friday, 10:00 in Jakarta
A = "198501012010011001"
SUPER = Principal("bkpsdm", "super_admin")


@pytest.fixture()
def handed(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Callable[[], object]]]:
    """A unit of one employee, recapped on the three weekdays from MONDAY; the hand-overs to the worker."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    for offset in range(3):
        recaps.run_daily_recap(MONDAY + timedelta(days=offset), SETTINGS, ["U1"])
    work: list[tuple[str, Callable[[], object]]] = []

    def hand_over(_: Settings, ref: str, here: Callable[[], object]) -> None:
        work.append((ref, here))

    monkeypatch.setattr(runtime, "start_rejudge", hand_over)
    return work


def days(*offsets: int, unit: str = "U1") -> list[tuple[str, date]]:
    return [(unit, MONDAY + timedelta(days=o)) for o in offsets]


def test_only_past_recapped_unit_days_are_re_run_within_the_request(
    handed: list[tuple[str, Callable[[], object]]],
) -> None:
    # GIVEN recapped days, a day never recapped, another unit's day and today
    today = NOW.astimezone(SETTINGS.tz).date()
    asked = [*days(0, 1, 1, 5), *days(0, unit="U9"), ("U1", today)]
    # WHEN they are judged again THEN only the recapped past days of U1 are re-run, each date once
    assert rejudge.unit_days(asked, SETTINGS, NOW) == (["2026-11-02", "2026-11-03"], 0)
    assert handed == []


def test_more_unit_days_than_a_request_re_runs_go_to_the_worker_in_recorded_runs(
    handed: list[tuple[str, Callable[[], object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN at most two unit-days within a request and in a worker run
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 2)
    monkeypatch.setattr(rejudge, "RUN_UNIT_DAYS", 2)
    # (days never recapped do not count against the limit: a weekend's two days are looked up and left alone)
    assert rejudge.unit_days(days(0, 1, 5, 6), SETTINGS, NOW) == (["2026-11-02", "2026-11-03"], 0)
    # WHEN three past unit-days are judged again THEN none is re-run now: two runs are handed over
    assert rejudge.unit_days(days(0, 1, 2), SETTINGS, NOW) == ([], 3)
    assert len(handed) == 2
    first = find_run(rejudge.JOB, handed[0][0])
    assert first is not None and (first.status, first.trigger) == ("running", "import")
    # (to be judged as the scheduled runs judge them at the instant of the change)
    assert first.result == {"unit_days": [["U1", "2026-11-02"], ["U1", "2026-11-03"]], "scheduled_at": iso(NOW)}
    # WHEN the worker runs the first one, twice (a retried invocation)
    done, again = handed[0][1](), handed[0][1]()
    # THEN its days are re-run once and the run records them
    assert done == {"run": handed[0][0], "status": "succeeded", "unit_days": 2, "dates": ["2026-11-02", "2026-11-03"]}
    assert again == {"run": handed[0][0], "status": "succeeded"}
    ended = find_run(rejudge.JOB, handed[0][0])
    assert ended is not None and ended.result == {"unit_days": 2, "dates": ["2026-11-02", "2026-11-03"]}
    # AND a reference that names no run is left alone
    assert rejudge.run_handed("20261120030000-000000000000", SETTINGS)["status"] == "unknown"
    assert rejudge.run_handed("not-a-run", SETTINGS)["status"] == "unknown"


def test_few_unit_days_of_a_large_unit_go_to_the_worker_when_they_judge_many_employees(
    repos: Repositories, handed: list[tuple[str, Callable[[], object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request that may judge at most five employees, and U1 grown to three
    monkeypatch.setattr(rejudge, "SYNC_EMPLOYEE_DAYS", 5)
    for nip in ("199002022015032002", "197803032005011003"):
        repos.people.put_employee(Employee(nip=nip, nama="Guru", unor_id="U1"))
    # WHEN one recapped day is judged again (three employees) THEN it is re-run within the request
    assert rejudge.unit_days(days(0), SETTINGS, NOW) == (["2026-11-02"], 0)
    # WHEN two are (six employees, though two unit-days are well within SYNC_UNIT_DAYS) THEN the worker has them
    assert rejudge.unit_days(days(0, 1), SETTINGS, NOW) == ([], 2)
    assert len(handed) == 1


def test_a_leave_entered_over_more_recapped_days_than_a_request_takes_is_judged_by_the_worker(
    handed: list[tuple[str, Callable[[], object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request may re-run at most two unit-days (a three-month maternity leave would be some 60)
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 2)
    leave = LeaveRequest.model_validate(
        {"nip": A, "type": "CUTI", "start_date": MONDAY.isoformat(), "end_date": "2026-11-04", "reason": "Melahirkan"}
    )
    # WHEN the admin enters a leave over the three recapped days, THEN none is re-run within the request
    assert calendar.add_leave(SUPER, leave, SETTINGS, NOW).recapped == []
    assert [runtime.statuses().employee_status(A, MONDAY)[1].status.status] == ["TK"]  # type: ignore[index]
    # AND the worker, run once, judges the three days again in the unit that recapped them
    (ref, work), *_ = handed
    assert work() == {"run": ref, "status": "succeeded", "unit_days": 3,
                      "dates": ["2026-11-02", "2026-11-03", "2026-11-04"]}  # fmt: skip
    assert runtime.statuses().employee_status(A, MONDAY)[1].status.status == "C"  # type: ignore[index]


def test_a_worker_run_that_fails_records_its_unit_days_and_raises(
    handed: list[tuple[str, Callable[[], object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    rejudge.unit_days(days(0), SETTINGS, NOW)

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("statuses table unavailable")

    monkeypatch.setattr(recaps, "run_daily_recap", broken)
    with pytest.raises(RuntimeError):
        handed[0][1]()
    failed = find_run(rejudge.JOB, handed[0][0])
    assert failed is not None and (failed.status, failed.error) == ("failed", "RuntimeError")
    assert failed.result == {"unit_days": [["U1", "2026-11-02"]], "scheduled_at": iso(NOW)}


def test_a_holiday_ramadan_or_cut_over_re_runs_the_recapped_days_it_changes(
    handed: list[tuple[str, Callable[[], object]]], repos: Repositories
) -> None:
    # GIVEN a second unit recapped on Monday only (U1: Monday to Wednesday)
    repos.people.upsert_unit("U2", "Puskesmas")
    repos.people.put_employee(Employee(nip="199002022015032002", nama="Budi", unor_id="U2"))
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U2"])
    # WHEN Monday is declared a holiday afterwards THEN it is re-run in every unit, and is a day off at once
    holiday = calendar.put_holiday(SUPER, "2026-11-02", HolidayRequest(name="Hari Berkabung"), SETTINGS, NOW)
    assert (holiday.recapped, holiday.recapping) == (["2026-11-02"], 0)
    assert stored(A, MONDAY) == "LIBUR" and stored("199002022015032002", MONDAY) == "LIBUR"
    assert calendar.delete_holiday(SUPER, "2026-11-02", SETTINGS, NOW).recapped == ["2026-11-02"]
    assert stored(A, MONDAY) == "TK"
    # WHEN a Ramadan period is set, then moved by a day THEN the days of both periods are re-run
    first = calendar.put_ramadan(SUPER, "2026", ramadan("2026-10-20", "2026-11-02"), SETTINGS, NOW)
    assert first.recapped == ["2026-11-02"]
    moved = calendar.put_ramadan(SUPER, "2026", ramadan("2026-10-21", "2026-11-03"), SETTINGS, NOW)
    assert moved.recapped == ["2026-11-02", "2026-11-03"]
    # WHEN U1 cuts over to the app on Tuesday, then on Wednesday THEN the dates each move reaches are re-run
    cut = fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=MONDAY + timedelta(days=1)), SETTINGS, NOW)
    assert cut.recapped == ["2026-11-03", "2026-11-04"]
    later = fingerprint.set_cutover(SUPER, "U1", CutoverBody(date=MONDAY + timedelta(days=2)), SETTINGS, NOW)
    assert later.recapped == ["2026-11-03"]
    # AND a date still to come re-runs nothing
    ahead = calendar.put_holiday(SUPER, "2026-12-25", HolidayRequest(name="Natal", kind="national"), SETTINGS, NOW)
    assert (ahead.recapped, ahead.recapping, handed) == ([], 0, [])


def stored(nip: str, day: date) -> str | None:
    found = runtime.statuses().employee_status(nip, day)
    return found[1].status.status if found else None


def ramadan(start: str, end: str) -> RamadanRequest:
    return RamadanRequest.model_validate({"start_date": start, "end_date": end})


def test_runs_handed_over_by_a_calendar_change_are_the_admin_s_not_an_import_s(
    handed: list[tuple[str, Callable[[], object]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    holiday = calendar.put_holiday(SUPER, "2026-11-02", HolidayRequest(name="Hari Berkabung"), SETTINGS, NOW)
    assert (holiday.recapped, holiday.recapping, len(handed)) == ([], 1, 1)
    run = find_run(rejudge.JOB, handed[0][0])
    assert run is not None and run.trigger == "admin"


SARI, WEDNESDAY = "199101012015032001", MONDAY + timedelta(days=2)


def jakarta(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SETTINGS.tz).astimezone(UTC)


def on_night_duty(repos: Repositories) -> None:
    """Sari, a nurse of U1 rostered 20:00-08:00 on Wednesday, checked in at 19:55, and Wednesday stored as its
    23:30 run stood: present, her check-out not due yet."""
    repos.people.put_employee(Employee(nip=SARI, nama="Sari", unor_id="U1"))
    night = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): {"start": "20:00", "end": "08:00"}}})
    calendar.set_shifts(SUPER, SARI, night, SETTINGS, jakarta(MONDAY, 8, 0))
    at = jakarta(WEDNESDAY, 19, 55)
    event = Event(new_event_id(SARI, at), SARI, "in", "accepted", iso(at), iso(at), WEDNESDAY.isoformat(), "U1",
                  warnings=())  # fmt: skip
    repos.events.write_checkin(CheckinWrite(event, f"{SARI}#night", "body", StoredAnswer(201, {}), at))
    recaps.run_daily_recap(WEDNESDAY, SETTINGS, ["U1"], scheduled_at=jakarta(WEDNESDAY, 23, 30))
    assert stored(SARI, WEDNESDAY) == "H"


def test_a_change_that_re_runs_yesterday_before_a_night_shift_ends_judges_it_as_it_stands(
    handed: list[tuple[str, Callable[[], object]]], repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Sari on night duty from Wednesday 20:00 to Thursday 08:00, Wednesday recapped as its 23:30 run stood
    on_night_duty(repos)
    thursday_morning = jakarta(WEDNESDAY + timedelta(days=1), 7, 45)
    # WHEN at 07:45 on Thursday Asep's sick note for Wednesday is entered (the day re-run within the request)
    sick = LeaveRequest.model_validate({"nip": A, "type": "SAKIT", "start_date": WEDNESDAY.isoformat(),
                                        "end_date": WEDNESDAY.isoformat(), "reason": "surat dokter"})  # fmt: skip
    assert calendar.add_leave(SUPER, sick, SETTINGS, thursday_morning).recapped == [WEDNESDAY.isoformat()]
    # THEN Asep's Wednesday is sick leave, and Sari's night stays as it stands: her check-out is not due until 08:00
    # (judged finished, it was stored PSW4, "check-out missing", until the 10:30 run)
    assert (stored(A, WEDNESDAY), stored(SARI, WEDNESDAY)) == ("S", "H")
    # WHEN a change of more days than a request takes hands Wednesday to the worker at that instant
    monkeypatch.setattr(rejudge, "SYNC_UNIT_DAYS", 0)
    assert rejudge.unit_days(days(2), SETTINGS, thursday_morning) == ([], 1)
    (_, work), *_ = handed
    # THEN the worker judges it as it stood when it was handed over, too
    assert work()["dates"] == [WEDNESDAY.isoformat()]  # type: ignore[index]
    assert stored(SARI, WEDNESDAY) == "H"
