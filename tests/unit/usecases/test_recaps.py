"""The daily recap on the in-memory twins: a small unit's day judged from its stored check-ins and written
to the statuses repository, a re-run writing only what changed, and the admin's run audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.attendance.calendar import plan_day
from chalicelib.attendance.classify import classify_period
from chalicelib.attendance.punches import FINGERPRINT
from chalicelib.domain.attendance import Event
from chalicelib.domain.calendar import EmployeePlan, RegencyCalendar
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal
from chalicelib.domain.schedule import WorkHours
from chalicelib.domain.zones import Assignment
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, DayEvent, StoredAnswer, new_event_id, punch_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.store.timeclock import CutoverChange
from chalicelib.usecases import calendar, recaps, reports, reviews, zones
from chalicelib.usecases.schemas.calendar import LeaveRequest, ShiftsRequest
from chalicelib.usecases.schemas.reports import DecisionRequest, RecapRequest
from chalicelib.usecases.schemas.zones import AssignmentRequest

from .admin_fixtures import AuditTrail, audited

__all__ = ["audited"]  # the shared fixture this module uses

MONDAY = date(2026, 11, 2)
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"
SETTINGS = build_settings({})
RULES = runtime.rule_table(SETTINGS)
U1_ADMIN = Principal("admin-u1", "unit_admin", frozenset({"U1"}))
U2_ADMIN = Principal("admin-u2", "unit_admin", frozenset({"U2"}))


def local(hour: int, minute: int) -> datetime:
    """An instant of Monday in Jakarta (UTC+7)."""
    return datetime(2026, 11, 2, hour - 7, minute, tzinfo=UTC)


AFTER = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)  # Tuesday morning in Jakarta: Monday has ended
TUESDAY = date(2026, 11, 3)
MONDAY_NIGHT_RUN = local(23, 30)  # the scheduled runs (infra/schedules.py)
TUESDAY_MORNING_RUN = local(10, 30) + timedelta(days=1)
TUESDAY_NIGHT_RUN = local(23, 30) + timedelta(days=1)
SUPER = Principal("admin", "super_admin")


def check(
    repos: Repositories, nip: str, kind: str, at: datetime, *, unit: str = "U1", status: str = "accepted"
) -> Event:
    """A check-in or check-out of `nip` in `unit` (on its local date in Jakarta), stored as a check-in stores it."""
    day = at.astimezone(SETTINGS.tz).date().isoformat()
    event = Event(new_event_id(nip, at), nip, kind, status, iso(at), iso(at), day, unit, warnings=())
    claim = f"{nip}#{kind}-{at.timestamp()}"
    repos.events.write_checkin(
        CheckinWrite(event, claim, "body", StoredAnswer(201, {}), at, first_arrival=kind == "in")
    )
    return event


def moved_at_ten(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cucu's move to U2 recorded at 10:00 on Monday (a mutation list BKPSDM brought in during office hours),
    and her check-out at U2 at 16:05."""
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: local(10, 0))
    repos.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    check(repos, C, "out", local(16, 5), unit="U2")


@pytest.fixture
def unit(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Repositories:
    """U1 with three employees (followed by SMART since October): Asep on time, Budi late, Cucu absent; and U2
    with nobody."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.upsert_unit("U2", "SDN 2 Ngamprah")
    with monkeypatch.context() as clock:
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 10, 1, tzinfo=UTC))
        for nip, nama in ((A, "Asep"), (B, "Budi"), (C, "Cucu")):
            repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
    check(repos, A, "in", local(7, 2))
    check(repos, A, "out", local(16, 5))
    check(repos, B, "in", local(8, 10))
    check(repos, B, "out", local(16, 5))
    return repos


def stored(repos: Repositories) -> dict[str, str]:
    return {row.nip: row.status.status for row in repos.statuses.day_page("U1", MONDAY, None)[0]}


def test_the_recap_judges_a_units_day_and_stores_each_status(unit: Repositories) -> None:
    # WHEN the day of U1 is recapped
    result = recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    # THEN every employee's status is stored: on time, late, absent
    assert result.model_dump(mode="json") == {"date": "2026-11-02", "employees": 3, "written": 3, "unchanged": 0}
    statuses = stored(unit)
    assert statuses[A] == "H" and statuses[B].startswith("TL") and statuses[C] == "TK"


def test_a_rerun_writes_only_what_changed(unit: Repositories) -> None:
    # GIVEN the day recapped once
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    # WHEN it is recapped again unchanged, THEN nothing is written
    assert recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"]).written == 0
    # WHEN Cucu's late check-in arrives (an offline capture) and the day is recapped again
    check(unit, C, "in", local(9, 0))
    again = recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    # THEN only Cucu's status is written
    assert (again.written, again.unchanged) == (1, 2)
    assert stored(unit)[C] != "TK"


def test_an_admin_run_is_audited_and_kept_to_the_admins_units(unit: Repositories, audited: AuditTrail) -> None:
    # WHEN U1's admin runs the recap of U1
    result: Any = reports.run_recap(U1_ADMIN, RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1"}),
                                    SETTINGS, AFTER)  # fmt: skip
    # THEN it is audited with its counts
    [entry] = audited.entries()
    assert (entry.actor, entry.action, entry.target) == ("admin-u1", "recap.daily", "2026-11-02")
    assert entry.detail is not None and entry.detail["written"] == 3
    # AND another unit's admin may not run it
    with pytest.raises(ForbiddenError):
        reports.run_recap(
            U2_ADMIN, RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1"}), SETTINGS, AFTER
        )
    assert len(audited()) == 1 and result


def test_the_consoles_run_judges_a_day_as_the_nightly_recap_does(
    unit: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday at 10:00 in U1: Asep and Budi at work, Cucu not come yet; and Dewi, imported on Tuesday
    new = "199505052025032005"
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: AFTER)
    unit.people.put_employee(Employee(nip=new, nama="Dewi", unor_id="U1"))
    body = RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1", "as_scheduled": True})
    # WHEN the unit admin presses "Hitung Ulang" at 10:00 (the console asks to be judged as scheduled)
    reports.run_recap(U1_ADMIN, body, SETTINGS, local(10, 0))
    # THEN the day stands as it is then: no PSW for check-outs not due yet, no TK for Cucu who may still come;
    # and Dewi, whom SMART did not follow on Monday, gets nothing (a plain run of a day never recapped would
    # charge her TK)
    assert stored(unit) == {A: "H", B: "TL2"}
    [entry] = audited.entries()
    assert entry.detail is not None and entry.detail["as_scheduled"] is True
    # AND pressed again once the day is over, it is judged as finished: Cucu never came
    reports.run_recap(U1_ADMIN, body, SETTINGS, AFTER)
    assert stored(unit) == {A: "H", B: "TL2", C: "TK"}


def test_a_day_that_has_not_begun_is_not_recapped(unit: Repositories, audited: AuditTrail) -> None:
    # GIVEN the evening of Monday 2 November in the regency (23:30 WIB, when the scheduled recap runs)
    evening = local(23, 30)
    # WHEN an admin asks for Tuesday's recap, THEN it is refused and nothing is stored or audited
    with pytest.raises(ValidationError) as refused:
        reports.run_recap(
            U1_ADMIN, RecapRequest.model_validate({"date": "2026-11-03", "unor_id": "U1"}), SETTINGS, evening
        )
    assert refused.value.details == {"date": "today or earlier"}
    assert unit.statuses.day_page("U1", date(2026, 11, 3), None)[0] == [] and audited() == []
    # AND Monday itself is recapped (the day has begun)
    assert reports.run_recap(
        U1_ADMIN, RecapRequest.model_validate({"date": "2026-11-02", "unor_id": "U1"}), SETTINGS, evening
    )


def test_a_day_stays_with_the_unit_an_employee_belonged_to_after_a_move(unit: Repositories) -> None:
    # GIVEN Monday recapped in U1 (Asep on time, Cucu absent), then both moved to U2 (a SIMPEG mutation)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1", "U2"])
    for nip, nama in ((A, "Asep"), (C, "Cucu")):
        unit.people.put_employee(Employee(nip=nip, nama=nama, unor_id="U2"))
    # WHEN Monday is recapped again in both units (a late change of a colleague re-runs the unit's day)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1", "U2"])
    # THEN U2 judges nobody on a day before they joined it (no TK for a day they worked at U1)
    assert unit.statuses.day_page("U2", MONDAY, None)[0] == []
    # AND U1 still judges them on that day, from their check-ins there
    assert stored(unit) == {A: "H", B: stored(unit)[B], C: "TK"}
    # AND a sick note for Monday entered after the move judges Cucu's Monday in U1, where it was stored
    leave = LeaveRequest.model_validate({"nip": C, "type": "SAKIT", "start_date": "2026-11-02",
                                         "end_date": "2026-11-02", "reason": "surat dokter"})  # fmt: skip
    answer = calendar.add_leave(Principal("bkpsdm", "super_admin"), leave, SETTINGS, AFTER)
    assert answer.recapped == ["2026-11-02"] and stored(unit)[C] == "S"
    assert unit.statuses.day_page("U2", MONDAY, None)[0] == []
    # AND from the day of the move on (today in Jakarta, which is not the machine's date from 17:00 UTC), they are U2's
    today = datetime.now(SETTINGS.tz).date()
    assert all(not m.joined_after(today, SETTINGS.tz) for m in unit.people.members_of_unit("U2"))


def test_a_leave_entered_in_the_unit_an_employee_left_follows_them(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Cucu's leave for the week of Monday entered at U1, then her move to U2 recorded the Friday before
    leave = LeaveRequest.model_validate({"nip": C, "type": "CUTI", "start_date": "2026-11-02",
                                         "end_date": "2026-11-06", "reason": "cuti melahirkan"})  # fmt: skip
    calendar.add_leave(Principal("bkpsdm", "super_admin"), leave, SETTINGS, AFTER)
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 10, 30, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    # WHEN U2's Monday is recapped, THEN she is on leave there, not absent
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U2"])
    [row] = unit.statuses.day_page("U2", MONDAY, None)[0]
    assert (row.nip, row.status.status) == (C, "C")


def test_a_field_duty_letter_follows_the_employee_across_a_move(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday recapped in U1 (Cucu absent), then Cucu moved to U2 on Tuesday
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 3, 1, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    # WHEN a letter for Monday to Wednesday is entered afterwards (written under her new unit)
    body = AssignmentRequest.model_validate({"nips": [C], "start_date": "2026-11-02", "end_date": "2026-11-04",
                                             "letter_no": "800/7", "reason": "pelatihan"})  # fmt: skip
    created = zones.create_assignment(Principal("bkpsdm", "super_admin"), body, SETTINGS, AFTER)
    # THEN her Monday in U1, recapped before, is judged again as field duty
    assert created.recapped == ["2026-11-02"] and stored(unit)[C] == "DL"
    # AND Wednesday in U2 is field duty too, and a letter entered at U1 before the move reaches U2 as well
    recaps.run_daily_recap(date(2026, 11, 4), SETTINGS, ["U2"])
    assert [row.status.status for row in unit.statuses.day_page("U2", date(2026, 11, 4), None)[0]] == ["DL"]
    letter = Assignment("", "", frozenset({A}), "2026-11-05", "2026-11-05", "800/8", "rapat")
    zones.record_field_duty(Principal("bkpsdm", "super_admin"), letter, {A: "U1"}, None, SETTINGS, source="test")
    unit.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    recaps.run_daily_recap(date(2026, 11, 5), SETTINGS, ["U2"])
    statuses = {row.nip: row.status.status for row in unit.statuses.day_page("U2", date(2026, 11, 5), None)[0]}
    assert statuses == {A: "DL", C: "TK"}


def test_the_days_before_a_deactivation_are_still_judged_again(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday recapped (Cucu absent), then Cucu deactivated (retired) on Tuesday 10:00
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U1", active=False))
    # WHEN her sick note for Monday comes in afterwards, THEN her Monday is judged again: she was active then
    leave = LeaveRequest.model_validate({"nip": C, "type": "SAKIT", "start_date": "2026-11-02",
                                         "end_date": "2026-11-02", "reason": "surat dokter"})  # fmt: skip
    answer = calendar.add_leave(Principal("bkpsdm", "super_admin"), leave, SETTINGS, AFTER)
    assert answer.recapped == ["2026-11-02"] and stored(unit)[C] == "S"
    # AND from the day of her deactivation on, the unit no longer judges her
    recaps.run_daily_recap(date(2026, 11, 3), SETTINGS, ["U1"])
    assert C not in {row.nip for row in unit.statuses.day_page("U1", date(2026, 11, 3), None)[0]}


def test_a_rerun_judges_nobody_smart_began_to_follow_after_the_day(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday and Tuesday recapped in U1, then two new appointees (PPPK) brought in by SIMPEG on Tuesday
    # 10:00, one of whom punched the school's fingerprint machine on Monday (the log imported afterwards)
    tuesday, wednesday = date(2026, 11, 3), date(2026, 11, 4)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    recaps.run_daily_recap(tuesday, SETTINGS, ["U1"])
    new, punched = "199505052025032005", "199606062025031006"
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=new, nama="Dewi", unor_id="U1"))
    unit.people.put_employee(Employee(nip=punched, nama="Eko", unor_id="U1"))
    check(unit, punched, "in", local(7, 0))
    # WHEN a colleague's sick note for Monday re-runs the unit's Monday
    leave = LeaveRequest.model_validate({"nip": C, "type": "SAKIT", "start_date": "2026-11-02",
                                         "end_date": "2026-11-02", "reason": "surat dokter"})  # fmt: skip
    answer = calendar.add_leave(Principal("bkpsdm", "super_admin"), leave, SETTINGS, AFTER)
    # THEN the note counts, the appointee gets no TK for a day before SMART knew her, and the punch is judged
    assert answer.recapped == ["2026-11-02"]
    assert stored(unit) == {A: "H", B: stored(unit)[B], C: "S", punched: "PSW4"}
    # AND the day she was brought in is hers (as a move's day is), re-run or not, and so is every later day
    recaps.run_daily_recap(tuesday, SETTINGS, ["U1"])
    recaps.run_daily_recap(wednesday, SETTINGS, ["U1"])
    for day in (tuesday, wednesday):
        assert new in {row.nip for row in unit.statuses.day_page("U1", day, None)[0]}


def test_a_scheduled_run_made_up_after_the_sync_charges_its_appointees_nothing_for_the_day_before(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday's 23:30 run missed (an outage), then the 01:00 sync on Tuesday bringing in an appointee
    new = "199505052025032005"
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=new, nama="Dewi", unor_id="U1"))
    # WHEN the schedule makes Monday up (the 10:30 run, or the next night's with Tuesday)
    recaps.run_daily_recap(MONDAY, SETTINGS, scheduled_at=TUESDAY_MORNING_RUN)
    # THEN Monday judges the unit as it was, with no TK for a day before SMART knew her
    assert stored(unit) == {A: "H", B: stored(unit)[B], C: "TK"}
    # AND Tuesday, the day she was brought in, is hers
    recaps.run_nightly_recap(TUESDAY_NIGHT_RUN, SETTINGS)
    assert new in {row.nip for row in unit.statuses.day_page("U1", TUESDAY, None)[0]}
    # AND an admin's first run of a day still judges everyone followed then (decision 122): a fresh unit-day
    recaps.run_daily_recap(MONDAY - timedelta(days=7), SETTINGS, ["U1"])
    assert new in {row.nip for row in unit.statuses.day_page("U1", MONDAY - timedelta(days=7), None)[0]}


def test_a_rerun_judges_a_reactivated_employee_on_the_days_judged_with_them_only(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday recapped with Cucu, then Cucu deactivated on Tuesday (study leave: SIMPEG marks her inactive)
    wednesday = date(2026, 11, 4)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 3, 3, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U1", active=False))
    # AND Wednesday recapped without her, then her reactivation on Friday
    recaps.run_daily_recap(wednesday, SETTINGS, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 6, 1, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U1"))
    # WHEN both days are recapped again (a late change of a colleague)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    recaps.run_daily_recap(wednesday, SETTINGS, ["U1"])
    # THEN Monday still judges her, and Wednesday, judged while she was away, gives her no TK
    assert stored(unit)[C] == "TK"
    assert C not in {row.nip for row in unit.statuses.day_page("U1", wednesday, None)[0]}


def test_the_day_of_a_move_counts_the_check_in_made_at_the_old_unit_before_it(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Cucu's check-in at U1 on Monday 07:02, then her move to U2 at 10:00 and her check-out there
    check(unit, C, "in", local(7, 2))
    moved_at_ten(unit, monkeypatch)
    # WHEN Monday is recapped in both units
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1", "U2"])
    # THEN the day is U2's, judged from both her check-in at U1 and her check-out at U2: on time, not TL
    [row] = unit.statuses.day_page("U2", MONDAY, None)[0]
    assert (row.nip, row.status.status) == (C, "H")
    # AND U1 does not judge her that day
    assert C not in stored(unit)


def test_a_move_recorded_after_todays_recap_ran_leaves_the_day_to_the_new_unit(unit: Repositories) -> None:
    # GIVEN Cucu's check-in at U1 at 07:02 today, and today recapped in U1 already (an admin checking early)
    today = datetime.now(SETTINGS.tz).date()
    check(unit, C, "in", datetime.combine(today, time(7, 2), SETTINGS.tz).astimezone(UTC))
    recaps.run_daily_recap(today, SETTINGS, ["U1"])
    assert C in {row.nip for row in unit.statuses.day_page("U1", today, None)[0]}
    # WHEN her move to U2 is recorded now, and the nightly recap judges today in every unit
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    recaps.run_daily_recap(today, SETTINGS, ["U1", "U2"])
    # THEN today is U2's alone: U1 keeps no row of hers, which her month would count a second time
    assert C not in {row.nip for row in unit.statuses.day_page("U1", today, None)[0]}
    assert [(unit_id, day.nip) for unit_id, day in unit.statuses.employee_days(C, today, today)] == [("U2", C)]


def test_a_deactivation_recorded_after_todays_recap_ran_voids_the_days_status(unit: Repositories) -> None:
    # GIVEN today recapped in U1 already (Cucu absent so far)
    today = datetime.now(SETTINGS.tz).date()
    recaps.run_daily_recap(today, SETTINGS, ["U1"])
    assert {row.nip for row in unit.statuses.day_page("U1", today, None)[0]} == {A, B, C}
    # WHEN SIMPEG's deactivation of Cucu (a retirement) is recorded now, and the nightly recap runs
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U1", active=False))
    recaps.run_daily_recap(today, SETTINGS, ["U1"])
    # THEN the day of her deactivation is not judged, as a re-run of it would not judge it: no TK of hers stays
    assert {row.nip for row in unit.statuses.day_page("U1", today, None)[0]} == {A, B}
    assert unit.statuses.employee_days(C, today, today) == []


def test_a_decision_on_a_check_in_left_at_the_old_unit_judges_the_new_units_day_again(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Cucu's check-in at U1 on Monday 07:02 sent to review, her move to U2 imported at 10:00, her check-out
    # at U2 at 16:05, and Monday recapped in both units while the check-in waited
    pending = check(unit, C, "in", local(7, 2), status="review")
    moved_at_ten(unit, monkeypatch)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1", "U2"])
    [before] = unit.statuses.day_page("U2", MONDAY, None)[0]
    assert before.status.status != "H"
    # WHEN U1's admin approves the check-in on Tuesday
    decided = reviews.decide(U1_ADMIN, pending.event_id, DecisionRequest(decision="approve"), SETTINGS, AFTER)
    # THEN U2's Monday, whose day it was, is judged again at once: on time
    [after] = unit.statuses.day_page("U2", MONDAY, None)[0]
    assert (after.nip, after.status.status) == (C, "H")
    assert decided.recap is not None and decided.recap.written == 1


def night_shift(nip: str) -> None:
    """A 21:00-07:00 roster day for `nip` on Monday."""
    shifts = ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): {"start": "21:00", "end": "07:00"}}})
    calendar.set_shifts(SUPER, nip, shifts, SETTINGS, local(8, 0))


def test_the_nightly_run_stores_a_night_shift_as_it_stands_and_judges_it_again_once_it_has_ended(
    unit: Repositories,
) -> None:
    # GIVEN Cucu's night shift on Monday (21:00-07:00) and her 20:55 check-in
    night_shift(C)
    check(unit, C, "in", local(20, 55))
    # WHEN Monday's nightly run comes at 23:30
    assert recaps.run_nightly_recap(MONDAY_NIGHT_RUN, SETTINGS)[-1].date == MONDAY.isoformat()
    # THEN her day stands on time: her check-out is not due until 07:00, so no PSW4 (decision 141)
    assert stored(unit)[C] == "H"
    # AND when she never checks out, Tuesday's morning run (her window closed at 09:00) charges the missing one
    recaps.run_daily_recap(MONDAY, SETTINGS, scheduled_at=TUESDAY_MORNING_RUN)
    assert stored(unit)[C] == "PSW4"
    # AND a check-out made at 07:05 after all (a phone that kept it offline, sent late) counts at the next night's
    # run, which judges Monday again, then Tuesday
    check(unit, C, "out", local(7, 5) + timedelta(days=1))
    runs = recaps.run_nightly_recap(TUESDAY_NIGHT_RUN, SETTINGS)
    assert [run.date for run in runs] == [MONDAY.isoformat(), TUESDAY.isoformat()]
    assert stored(unit)[C] == "H"


def late_shift(nip: str) -> None:
    """A 23:45-07:45 roster day for `nip` on Monday: it begins after the nightly run."""
    shifts = ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): {"start": "23:45", "end": "07:45"}}})
    calendar.set_shifts(SUPER, nip, shifts, SETTINGS, local(8, 0))


def test_a_shift_not_begun_at_the_nightly_run_has_no_status_until_a_later_run(unit: Repositories) -> None:
    # GIVEN Cucu on a roster shift from 23:45 on Monday to 07:45, and Monday recapped by an admin at 14:00: TK
    late_shift(C)
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"])
    assert stored(unit)[C] == "TK"
    # WHEN Monday's nightly run comes at 23:30, before her shift begins
    run = recaps.run_nightly_recap(MONDAY_NIGHT_RUN, SETTINGS)[-1]
    # THEN her day has no status yet (the admin's TK is gone), while her colleagues' finished days stand
    assert stored(unit) == {A: "H", B: "TL2"}
    assert (run.employees, run.written) == (3, 1)
    # AND once she has worked the shift, Tuesday's morning run judges it
    check(unit, C, "in", local(23, 40))
    check(unit, C, "out", local(7, 50) + timedelta(days=1))
    recaps.run_daily_recap(MONDAY, SETTINGS, scheduled_at=TUESDAY_MORNING_RUN)
    assert stored(unit) == {A: "H", B: "TL2", C: "H"}


def test_a_former_members_night_shift_ends_with_the_check_out_made_at_the_new_unit(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Cucu's night shift on Monday at U1, her 20:55 check-in, and Monday's nightly run
    night_shift(C)
    check(unit, C, "in", local(20, 55))
    recaps.run_nightly_recap(MONDAY_NIGHT_RUN, SETTINGS)
    # WHEN the 01:00 sync moves her to U2, she checks out at 07:05 (at U2 by then), and Tuesday's run comes
    monkeypatch.setattr(
        "chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    )  # 01:00 on Tuesday
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    check(unit, C, "out", local(7, 5) + timedelta(days=1), unit="U2")
    recaps.run_nightly_recap(TUESDAY_NIGHT_RUN, SETTINGS)
    # THEN her Monday, U1's, ends with that check-out: a whole shift
    assert stored(unit)[C] == "H"


def test_a_shift_begun_after_the_nightly_run_stays_the_old_units_when_the_sync_moves_its_nurse(
    unit: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Cucu's late shift on Monday at U1, no status at the nightly run, then her check-in at U1 at 23:40
    late_shift(C)
    recaps.run_nightly_recap(MONDAY_NIGHT_RUN, SETTINGS)
    check(unit, C, "in", local(23, 40))
    # WHEN the 01:00 sync moves her to U2, she checks out at U2 at 07:50, and Tuesday's morning run comes
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    unit.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    check(unit, C, "out", local(7, 50) + timedelta(days=1), unit="U2")
    recaps.run_daily_recap(MONDAY, SETTINGS, scheduled_at=TUESDAY_MORNING_RUN)
    # THEN U1, whose Monday it was, judges her shift from its check-in there and the check-out at U2
    assert stored(unit)[C] == "H"
    assert [unit_id for unit_id, _ in unit.statuses.employee_days(C, MONDAY, MONDAY)] == ["U1"]


def state_so_far(employee: Employee, events: list[Event], now: datetime) -> str:
    """The employee's live state at `now`, as `GET /v1/me` works it out."""
    judged = recaps.judged_so_far(employee, events, now, SETTINGS)
    return recaps.working_day(employee, judged, now, SETTINGS).so_far(judged, now, RULES).state


def test_an_employees_day_so_far_counts_a_machine_punch_as_the_recap_does(unit: Repositories) -> None:
    # GIVEN Cucu's punch on U1's fingerprint machine at 07:05 on Monday, imported as the import stores it
    at = local(7, 5)
    punch = Event(new_event_id(C, at), C, "in", "accepted", iso(at), iso(at), MONDAY.isoformat(), "U1",
                  warnings=(), source=FINGERPRINT)  # fmt: skip
    cucu = Employee(nip=C, nama="Cucu", unor_id="U1")
    # WHEN her day so far is asked at 09:00, THEN the punch is her arrival
    assert state_so_far(cucu, [punch], local(9, 0)) == "present"
    # AND once U1 has moved to the app from Monday on, a punch of Monday no longer counts, as in the recap
    unit.timeclock.set_cutover("U1", CutoverChange(MONDAY), Decided("admin", None, local(7, 0)))
    assert state_so_far(cucu, [punch], local(9, 0)) == "not_yet"


def machine_punch(repos: Repositories, nip: str, at: datetime, kind: str = "in") -> Event:
    """A punch of U1's fingerprint machine, stored as an import stores it (its `type` a listing hint only)."""
    punch = Event(punch_event_id(nip, at), nip, kind, "accepted", iso(at), iso(at),
                  at.astimezone(SETTINGS.tz).date().isoformat(), "U1", warnings=(), source=FINGERPRINT)  # fmt: skip
    repos.events.put_punches([punch])
    return punch


def test_the_monitor_shows_the_arrival_a_machine_punch_makes(unit: Repositories) -> None:
    # GIVEN Cucu's punches on U1's machine at 07:25 and 16:05 on Monday (the later stored as "out", as imported)
    machine_punch(unit, C, local(7, 25))
    machine_punch(unit, C, local(16, 5), "out")
    # WHEN the unit's monitor is read that evening, THEN her check-in is the first punch, and she is present
    shown = {i.nip: i for i in recaps.monitor("U1", MONDAY, local(17, 0), SETTINGS).items}
    assert (shown[C].state, shown[C].check_in) == ("present", local(7, 25).isoformat())


def test_after_midnight_a_night_shift_begun_with_a_machine_punch_is_still_the_working_day(unit: Repositories) -> None:
    # GIVEN Cucu on Monday's 21:00-07:00 shift, who punched the machine at 20:55
    night_shift(C)
    punch = machine_punch(unit, C, local(20, 55))
    cucu = Employee(nip=C, nama="Cucu", unor_id="U1")
    # WHEN her day is asked at 02:00, THEN it is Monday's shift, waiting for its check-out (not a new date)
    two_am = local(20, 0) + timedelta(hours=6)
    judged = recaps.judged_so_far(cucu, [punch], two_am, SETTINGS)
    assert recaps.working_day(cucu, judged, two_am, SETTINGS).plan.day == MONDAY


def judged_around(
    day: date, roster: dict[date, WorkHours | None], punches: list[datetime], cutover: date | None
) -> list[tuple[str, Decimal]]:
    """`day`'s status and the next day's as a recap judges them from these machine punches (local times) of an
    employee on this roster, in a unit that cut over to the app on `cutover`."""
    plan = EmployeePlan(shifts=roster)
    plans = [plan_day(day + timedelta(days=d), RegencyCalendar(), plan, RULES) for d in (-1, 0, 1, 2)]
    rows = [DayEvent("N", None, "accepted", None, at.astimezone(UTC), FINGERPRINT) for at in punches]
    statuses = classify_period(plans, recaps.to_events(rows, cutover), RULES)
    return [(s.status, s.deduction_percent) for s in statuses[1:3]]


def test_a_night_shift_ending_on_the_cut_over_date_keeps_its_machine_check_out() -> None:
    # GIVEN a roster 21:00-07:00 on 30 November 2026 (1 December off), and the machine's 20:55 and, on
    # 1 December, 07:05
    night, cut = date(2026, 11, 30), date(2026, 12, 1)

    def at(day: date, hour: int, minute: int) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=RULES.tz)

    roster: dict[date, WorkHours | None] = {night: WorkHours(time(21, 0), time(7, 0)), cut: None}
    punches = [at(night, 20, 55), at(cut, 7, 5)]
    # WHEN the unit cut over to the app on 1 December, THEN 30 November is whole, as without a cut-over: the 07:05
    # belongs to the night begun before the cut-over (it was PSW4, 1.5 %)
    assert judged_around(night, roster, punches, cut)[0] == judged_around(night, roster, punches, None)[0]
    assert judged_around(night, roster, punches, cut)[0] == ("H", Decimal(0))
    # AND a punch of the cut-over day's own shift does not count (1 December 08:00-16:00: its 16:05 departure)
    day_shift: dict[date, WorkHours | None] = {**roster, cut: WorkHours(time(8, 0), time(16, 0))}
    assert judged_around(night, day_shift, [*punches, at(cut, 16, 5)], cut) == [("H", Decimal(0)), ("TK", Decimal(5))]
    # AND nor does an arrival before midnight for a shift from midnight on the cut-over date, though dated before it
    midnight: dict[date, WorkHours | None] = {night: None, cut: WorkHours(time(0, 0), time(8, 0))}
    assert judged_around(night, midnight, [at(night, 23, 50), at(cut, 8, 5)], cut)[1][0] == "TK"
