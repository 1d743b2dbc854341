"""The regency monitor summary's fast path (frames kept per frame version, digests per version, only changed
employees judged again) against a fresh full computation of every unit's day, after each kind of write that
changes it (chalicelib.usecases.admin_views / recaps), on the in-memory repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib import runtime
from chalicelib.attendance.classify import MONITOR_KEYS, monitor_state
from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal
from chalicelib.domain.zones import Assignment
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_views, recaps, reviews, zones
from chalicelib.usecases import calendar as cal
from chalicelib.usecases.schemas.admin_views import SummaryQuery
from chalicelib.usecases.schemas.calendar import LeaveRequest, ScheduleRequest, ShiftsRequest
from chalicelib.usecases.schemas.reports import DecisionRequest

MONDAY = date(2026, 11, 2)
A, B, C, D = "198501012010011001", "199002022015032002", "197803032005011003", "198804042012012004"
SETTINGS = build_settings({})
SUPER = Principal("admin", "super_admin")
U2_ADMIN = Principal("admin-u2", "unit_admin", frozenset({"U2"}))


def local(hour: int, minute: int, day: date = MONDAY) -> datetime:
    """An instant of `day` in Jakarta (UTC+7)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SETTINGS.tz).astimezone(UTC)


def check(repos: Repositories, nip: str, unit: str, kind: str, at: datetime, *, status: str = "accepted") -> str:
    """A check-in of `nip` recorded as the check-in records it (its local date in Jakarta); its event id."""
    event = Event(new_event_id(nip, at), nip, kind, status, iso(at), iso(at),
                  at.astimezone(SETTINGS.tz).date().isoformat(), unit, warnings=())  # fmt: skip
    claim = f"{nip}#{kind}-{at.timestamp()}"
    repos.events.write_checkin(CheckinWrite(event, claim, "body", StoredAnswer(201, {}), at))
    return event.event_id


def full_counts(unit: str, day: date, now: datetime) -> dict[str, int]:
    """The unit's counts computed afresh: members, plans and the day's events read from the repositories."""
    rules = runtime.rule_table(SETTINGS)
    counts = dict.fromkeys(MONITOR_KEYS, 0)
    for entry in recaps.judged_unit_day(unit, day, SETTINGS)[1]:
        counts[monitor_state(entry.live(now, rules), now, rules)] += 1
    return counts


def assert_fast_equals_full(now: datetime, day: date | None = None, principal: Principal = SUPER) -> dict[str, int]:
    """The summary at `now` (of `day`, default today) equals the full computation, unit by unit; its totals."""
    summary = admin_views.monitor_summary(principal, SummaryQuery(date=day), SETTINGS, now)
    judged = day or now.astimezone(SETTINGS.tz).date()
    assert summary.date == judged.isoformat()
    for row in summary.units:
        assert row.counts == full_counts(row.unor_id, judged, now), (row.unor_id, now)
    for state in MONITOR_KEYS:
        assert summary.totals[state] == sum(row.counts[state] for row in summary.units)
    return summary.totals


@pytest.fixture
def regency(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Repositories:
    """U1 with Asep, Budi and Cucu; U2 with Dedi; all followed by SMART since October (a day over is judged for
    whom SMART followed by then: decision 134)."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.upsert_unit("U2", "SDN 2 Ngamprah")
    with monkeypatch.context() as clock:
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 10, 1, tzinfo=UTC))
        for nip, nama, unit in ((A, "Asep", "U1"), (B, "Budi", "U1"), (C, "Cucu", "U1"), (D, "Dedi", "U2")):
            repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id=unit))
    return repos


def test_the_summary_equals_a_full_computation_after_every_kind_of_change(
    regency: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    repos = regency
    # GIVEN a day not started: everyone not yet there
    assert assert_fast_equals_full(local(6, 30))["not_yet"] == 4
    # WHEN Asep arrives on time and Budi late, THEN both show at the next poll
    check(repos, A, "U1", "in", local(7, 2))
    check(repos, B, "U1", "in", local(8, 10))
    totals = assert_fast_equals_full(local(8, 15))
    assert (totals["present"], totals["late"], totals["not_yet"]) == (1, 1, 2)
    # WHEN Cucu is given a leave for the day, THEN she is on leave at once
    cal.add_leave(SUPER, LeaveRequest(nip=C, type="CUTI", start_date=MONDAY, end_date=MONDAY), SETTINGS, local(8, 16))
    assert assert_fast_equals_full(local(8, 16))["leave"] == 1
    # WHEN Dedi is sent on field duty, THEN he shows as such
    duty = Assignment("", "", frozenset({D}), MONDAY.isoformat(), MONDAY.isoformat(), "ST/1", "rapat")
    zones.record_field_duty(SUPER, duty, {D: "U2"}, None, SETTINGS, source="test")
    assert assert_fast_equals_full(local(8, 17))["field_duty"] == 1
    # WHEN U1 gets a new weekly schedule, and Budi a 09:00 shift today, THEN his 08:10 arrival is no longer late
    week = {day: {"start": "09:00", "end": "17:00"} for day in ("mon", "tue", "wed", "thu", "fri")}
    schedule = ScheduleRequest.model_validate({"effective_from": MONDAY.isoformat(), "days": week})
    cal.set_unit_schedule(SUPER, "U1", schedule, SETTINGS, local(8, 18))
    assert_fast_equals_full(local(8, 18))
    cal.set_shifts(
        SUPER, B, ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): week["mon"]}}), SETTINGS, local(8, 19)
    )
    totals = assert_fast_equals_full(local(8, 19))
    assert (totals["present"], totals["late"]) == (2, 0)
    # WHEN Budi moves to U2, THEN U1 counts two and U2 two: the day of the move is U2's
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: local(8, 20))  # when the move is recorded
    repos.people.put_employee(Employee(nip=B, nama="Budi", unor_id="U2"))
    assert_fast_equals_full(local(8, 20))
    assert [len(f.employees) for f in recaps.cached_frames(["U1", "U2"], MONDAY, SETTINGS)] == [2, 2]
    # AND a unit admin of U2 sees U2 alone, equal to its full computation, with Budi's 08:10 arrival, made at U1
    # before the move was recorded: late under U2's hours (his 09:00 roster day stays with U1; decision 124)
    u2 = assert_fast_equals_full(local(8, 21), principal=U2_ADMIN)
    assert (u2["late"], u2["not_yet"], u2["field_duty"]) == (1, 0, 1)
    # WHEN a check-in awaits review and is rejected, THEN it counts only while pending
    event_id = check(repos, D, "U2", "in", local(8, 25), status="review")
    assert_fast_equals_full(local(8, 26))
    repos.events.decide_review(event_id, "reject", Decided("admin", None, local(8, 30)))
    assert_fast_equals_full(local(8, 31))
    # WHEN the day's hours are over, THEN nobody is left not yet there (everyone came, is on leave or on duty)
    check(repos, A, "U1", "out", local(17, 5))
    totals = assert_fast_equals_full(local(17, 30))
    assert totals["not_yet"] == 0 and totals["absent"] == 0
    # WHEN the local date turns (00:30 WIB on Tuesday, still Monday in UTC), THEN today is Tuesday, and Monday
    # asked for by date is still right
    tuesday = MONDAY + timedelta(days=1)
    assert local(0, 30, tuesday).date() == MONDAY
    assert assert_fast_equals_full(local(0, 30, tuesday))["not_yet"] == 4
    assert assert_fast_equals_full(local(0, 31, tuesday), day=MONDAY) == totals


def test_whoever_never_came_is_absent_once_the_hours_are_over(regency: Repositories) -> None:
    # GIVEN Asep's arrival, the others not yet there at 08:00
    check(regency, A, "U1", "in", local(7, 2))
    assert assert_fast_equals_full(local(8, 0))["not_yet"] == 3
    # WHEN the day's hours are over, with no write in between, THEN the three who never came are absent
    totals = assert_fast_equals_full(local(17, 30))
    assert (totals["not_yet"], totals["absent"]) == (0, 3)


def test_a_decision_on_a_check_in_a_mover_left_at_the_old_unit_counts_at_the_next_poll(
    regency: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Budi's 08:10 check-in at U1 sent to review, then his move to U2 recorded at 08:20: U2's frame carries
    # the check-in (decision 124), pending, so he counts as come
    event_id = check(regency, B, "U1", "in", local(8, 10), status="review")
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: local(8, 20))
    regency.people.put_employee(Employee(nip=B, nama="Budi", unor_id="U2"))
    assert assert_fast_equals_full(local(8, 21))["late"] == 1
    # WHEN U1's admin rejects it, THEN the next poll counts him not yet there in U2, as the full computation does
    reviews.decide(SUPER, event_id, DecisionRequest(decision="reject"), SETTINGS, local(8, 30))
    totals = assert_fast_equals_full(local(8, 31))
    assert (totals["late"], totals["not_yet"]) == (0, 4)


def test_after_midnight_a_night_shift_still_running_counts_until_it_ends(regency: Repositories) -> None:
    # GIVEN Cucu's 21:00-07:00 shift on Monday, her 20:55 check-in, and a poll of Monday evening
    shift = ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): {"start": "21:00", "end": "07:00"}}})
    cal.set_shifts(SUPER, C, shift, SETTINGS, local(8, 0))
    check(regency, C, "U1", "in", local(20, 55))
    assert assert_fast_equals_full(local(20, 56))["present"] == 1
    # WHEN the date turns, THEN today's summary (Tuesday) counts her present on the shift still running, the others
    # not yet there for Tuesday's hours (decision 145)
    tuesday = MONDAY + timedelta(days=1)
    totals = assert_fast_equals_full(local(2, 0, tuesday))
    assert (totals["present"], totals["not_yet"]) == (1, 3)
    # AND once the shift has ended at 07:00, with no write in between, she counts under Tuesday's plan
    totals = assert_fast_equals_full(local(7, 0, tuesday))
    assert (totals["present"], totals["not_yet"]) == (0, 4)


def test_an_event_ahead_of_the_poll_counts_once_its_time_comes(regency: Repositories) -> None:
    # GIVEN Asep's arrival recorded at 07:20 (a correction, or a slow clock) while the console polls at 07:10
    check(regency, A, "U1", "in", local(7, 20))
    assert assert_fast_equals_full(local(7, 10))["present"] == 0
    # WHEN the next polls come, with no new write in between, THEN he is present from 07:20 on
    assert assert_fast_equals_full(local(7, 20))["present"] == 1
    assert assert_fast_equals_full(local(7, 40))["present"] == 1


def test_a_frame_is_kept_until_its_unit_changes(regency: Repositories) -> None:
    # GIVEN the frames built by a poll
    first = recaps.cached_frames(["U1", "U2"], MONDAY, SETTINGS)
    # WHEN a check-in arrives, THEN the next poll keeps both frames
    check(regency, A, "U1", "in", local(7, 2))
    assert_fast_equals_full(local(7, 5))
    kept = recaps.cached_frames(["U1", "U2"], MONDAY, SETTINGS)
    assert kept[0] is first[0] and kept[1] is first[1]
    # WHEN U2 changes (a leave), THEN only U2's frame is built again
    cal.add_leave(SUPER, LeaveRequest(nip=D, type="SAKIT", start_date=MONDAY, end_date=MONDAY), SETTINGS, local(7, 6))
    again = recaps.cached_frames(["U1", "U2"], MONDAY, SETTINGS)
    assert again[0] is first[0] and again[1] is not first[1]
    # AND a regency-wide change (a holiday) builds every frame again
    recaps.frames_changed()
    assert all(a is not b for a, b in zip(recaps.cached_frames(["U1", "U2"], MONDAY, SETTINGS), again, strict=True))
