"""`GET /v1/me` `today` and `GET /v1/me/recap` on the in-memory twins: the day so far is judged as the daily
recap judges it, and the month's figures are the monthly report's."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from chalicelib import runtime
from chalicelib.attendance.classify import Judgement
from chalicelib.domain.attendance import Event
from chalicelib.domain.calendar import LeaveEntry
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, me, recaps, reports
from chalicelib.usecases.schemas.calendar import ShiftsRequest
from chalicelib.usecases.schemas.reports import MonthlyQuery, MyRecapQuery

NIP = "198501012010011001"
SETTINGS = build_settings({})
TZ = SETTINGS.tz
WEDNESDAY = date(2026, 3, 11)  # the regency's default week: 07:30-16:00
EMPLOYEE = Principal(subject=NIP, role="employee", device_id="android-0001-aaaa")
SUPER = Principal(subject="admin", role="super_admin")
RULES = runtime.rule_table(SETTINGS)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=TZ).astimezone(UTC)


@pytest.fixture(autouse=True)
def employee(repos: Repositories) -> None:
    repos.people.upsert_unit("U1", "Unit 1")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))


def check(
    repos: Repositories,
    kind: str,
    at: datetime,
    answer: dict[str, object] | None = None,
    working_day: date | None = None,
    *,
    status: str = "accepted",
) -> str:
    """A check-in or check-out stored as the check-in stores it, with the `answer` it was given (and the working
    day it counts for, when not its date)."""
    day = at.astimezone(TZ).date().isoformat()
    e = Event(new_event_id(NIP, at), NIP, kind, status, iso(at), iso(at), day, "U1", warnings=(), answer=answer,
              working_day=working_day.isoformat() if working_day else None)  # fmt: skip
    repos.events.write_checkin(CheckinWrite(e, f"{NIP}#{at.timestamp()}", "body", StoredAnswer(201, {}), at))
    return e.event_id


def test_before_the_hours_nobody_checked_in_is_not_yet(repos: Repositories) -> None:
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 6)).today
    assert (today.status, today.state, today.check_in, today.check_out) == ("BELUM", "not_yet", None, None)
    assert today.schedule is not None and (today.schedule.start, today.schedule.end) == ("07:30", "16:00")
    assert today.opens_at == iso(local(WEDNESDAY, 6))  # check-ins count from the regency's opening time
    assert today.closes_at == iso(local(WEDNESDAY, 18))  # check-outs count until the regency's closing time
    # still "not yet" after the start: a late arrival is possible until the hours are over
    assert me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 11)).today.status == "BELUM"


def test_attendance_outside_the_day_s_hours_shows_as_the_app_answered_it(repos: Repositories) -> None:
    # GIVEN an arrival at 05:50, before check-in opens (answered: not counted), then one at 07:20
    check(repos, "in", local(WEDNESDAY, 5, 50), {"category": "TL4", "late_minutes": 0, "early_minutes": 0})
    counted = check(repos, "in", local(WEDNESDAY, 7, 20), {"category": None, "late_minutes": 0})
    # AND a check-out at 18:30, after check-out closed (answered: not counted)
    late = check(repos, "out", local(WEDNESDAY, 18, 30), {"category": "PSW4", "late_minutes": 0, "early_minutes": 0})
    # WHEN the app asks at 19:00, THEN the arrival shown is the counted one, and the check-out stays shown
    # (it was made: the app must not offer "Absen Pulang" again)
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 19)).today
    assert today.check_in is not None and today.check_in.event_id == counted
    assert today.check_out is not None and today.check_out.event_id == late


def test_a_late_arrival_shows_its_band_and_no_early_leave_before_the_end(repos: Repositories) -> None:
    arrival = check(repos, "in", local(WEDNESDAY, 7, 50))
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 10)).today
    assert today.check_in is not None and today.check_in.event_id == arrival and today.check_out is None
    assert (today.status, today.state) == (RULES.tl_category(20), "late")


def test_after_the_hours_the_status_is_the_recap_s(repos: Repositories) -> None:
    # GIVEN an arrival on time and a departure an hour early
    check(repos, "in", local(WEDNESDAY, 7, 20))
    departure = check(repos, "out", local(WEDNESDAY, 15))
    # WHEN the employee looks after the hours, THEN they see the early leave, as the recap stores it
    evening = local(WEDNESDAY, 17)
    today = me.profile(EMPLOYEE, SETTINGS, evening).today
    assert today.check_out is not None and today.check_out.event_id == departure
    assert today.status == RULES.psw_category(60)
    recaps.run_daily_recap(WEDNESDAY, SETTINGS, ["U1"])
    stored = repos.statuses.employee_status(NIP, WEDNESDAY)
    assert stored is not None and stored[1].status.status == today.status


def test_the_check_out_shown_is_the_latest_by_its_time_not_the_last_to_arrive(repos: Repositories) -> None:
    # GIVEN an arrival, a live check-out at 16:30, and a check-out captured offline at 16:05 that reached SMART
    # only at 16:40 (the phone's outbox sent it when the signal came back)
    check(repos, "in", local(WEDNESDAY, 7, 20))
    live = check(repos, "out", local(WEDNESDAY, 16, 30))
    captured, received = local(WEDNESDAY, 16, 5), local(WEDNESDAY, 16, 40)
    late = Event(new_event_id(NIP, received), NIP, "out", "review", iso(captured), iso(received),
                 WEDNESDAY.isoformat(), "U1", warnings=())  # fmt: skip
    repos.events.write_checkin(CheckinWrite(late, f"{NIP}#late", "body", StoredAnswer(201, {}), received))
    # WHEN the employee looks at 17:00, THEN the check-out shown is 16:30's, the one the recap counts
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 17)).today
    assert today.check_out is not None and today.check_out.event_id == live
    assert today.status == "H"


def test_absent_after_the_hours_and_on_leave(repos: Repositories) -> None:
    assert me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 17)).today.status == "TK"
    repos.calendar.add_leave(LeaveEntry(NIP, "U1", "C", WEDNESDAY, WEDNESDAY, None), "admin")
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 9)).today
    assert (today.status, today.state, today.leave) == ("C", "leave", "C")


def test_a_check_in_on_a_day_of_leave_is_answered_as_the_day_is_recapped(repos: Repositories) -> None:
    # GIVEN a permit (izin) for Wednesday, and the employee who still checks in at 09:00 and out at 13:00
    repos.calendar.add_leave(LeaveEntry(NIP, "U1", "I", WEDNESDAY, WEDNESDAY, None), "admin")
    employee = runtime.people().get_employee(NIP)
    assert employee is not None
    # WHEN the phone is answered, THEN nothing is late or early (it was told TL2, 90 minutes, and PSW4)
    for kind, hour in (("in", 9), ("out", 13)):
        answer = recaps.counted_answer(employee, kind, local(WEDNESDAY, hour), SETTINGS)
        assert (answer.judgement, answer.day) == (Judgement(0, None), WEDNESDAY), kind
    # AND that is the day the recap stores: I, with no deduction
    check(repos, "in", local(WEDNESDAY, 9))
    check(repos, "out", local(WEDNESDAY, 13))
    recaps.run_daily_recap(WEDNESDAY, SETTINGS, ["U1"])
    stored = repos.statuses.employee_status(NIP, WEDNESDAY)
    assert stored is not None and (stored[1].status.status, stored[1].status.deduction_percent) == ("I", 0)


def test_a_night_shift_in_progress_is_the_day_the_app_shows_after_midnight(repos: Repositories) -> None:
    # GIVEN a 21:00-07:00 shift on Wednesday, Thursday off, and the nurse's check-in at 20:55 on Wednesday
    thursday = WEDNESDAY + timedelta(days=1)
    night = {"start": "21:00", "end": "07:00"}
    shifts = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night, thursday.isoformat(): None}})
    calendar.set_shifts(SUPER, NIP, shifts, SETTINGS, local(WEDNESDAY, 8))
    arrival = check(repos, "in", local(WEDNESDAY, 20, 55))
    # WHEN she opens the app at 02:00 and at 06:50 on Thursday, THEN it is still her Wednesday shift: checked in,
    # the check-out still to come (the app offers "Absen Pulang", not "Absen Masuk" for a day off)
    for hour, minute in ((2, 0), (6, 50)):
        today = me.profile(EMPLOYEE, SETTINGS, local(thursday, hour, minute)).today
        assert (today.date, today.check_in and today.check_in.event_id, today.check_out) == (
            WEDNESDAY.isoformat(),
            arrival,
            None,
        )
        assert today.schedule is not None and (today.schedule.start, today.schedule.end) == ("21:00", "07:00")
        assert (today.status, today.state) == ("H", "present")
        # a check-out counts until two hours after the shift's end: until then an app without signal keeps the day
        assert today.closes_at == iso(local(thursday, 9))
        assert today.opens_at == iso(local(WEDNESDAY, 19, 30))  # 90 minutes before the shift's start
    # WHEN she has checked out at 07:05, THEN the app shows Thursday, her day off
    check(repos, "out", local(thursday, 7, 5))
    today = me.profile(EMPLOYEE, SETTINGS, local(thursday, 7, 6)).today
    assert (today.date, today.schedule, today.check_in) == (thursday.isoformat(), None, None)


def test_after_a_night_shift_s_early_check_out_the_app_still_shows_that_shift_until_it_ends(
    repos: Repositories,
) -> None:
    # GIVEN a 21:00-07:00 shift on Wednesday, Thursday off, the nurse's check-in at 20:55, and a check-out at 01:00
    # answered 360 minutes early (an errand, or a tap by mistake)
    thursday = WEDNESDAY + timedelta(days=1)
    night = {"start": "21:00", "end": "07:00"}
    shifts = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night, thursday.isoformat(): None}})
    calendar.set_shifts(SUPER, NIP, shifts, SETTINGS, local(WEDNESDAY, 8))
    check(repos, "in", local(WEDNESDAY, 20, 55))
    answer = {"category": "PSW4", "late_minutes": 0, "early_minutes": 360}
    errand = check(repos, "out", local(thursday, 1), answer, WEDNESDAY)
    # WHEN she opens the app at 01:05 and at 06:55, THEN it is still her Wednesday shift, its check-out the early
    # one (the app offers "Absen Pulang" again: a later one replaces it), not Thursday's "Absen Masuk"
    for hour, minute in ((1, 5), (6, 55)):
        today = me.profile(EMPLOYEE, SETTINGS, local(thursday, hour, minute)).today
        assert today.date == WEDNESDAY.isoformat()
        assert today.check_out is not None and today.check_out.event_id == errand
        assert today.check_out.early_minutes == 360
    # WHEN she checks out on time at 07:02, THEN the app shows Thursday
    check(repos, "out", local(thursday, 7, 2), {"category": None, "late_minutes": 0, "early_minutes": 0}, WEDNESDAY)
    assert me.profile(EMPLOYEE, SETTINGS, local(thursday, 7, 3)).today.date == thursday.isoformat()


def test_a_night_shift_s_check_out_after_midnight_is_answered_against_that_shift(repos: Repositories) -> None:
    # GIVEN 21:00-07:00 shifts on Wednesday and Thursday
    night = {"start": "21:00", "end": "07:00"}
    thursday = WEDNESDAY + timedelta(days=1)
    shifts = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night, thursday.isoformat(): night}})
    calendar.set_shifts(SUPER, NIP, shifts, SETTINGS, local(WEDNESDAY, 8))
    employee = runtime.people().get_employee(NIP)
    assert employee is not None
    # WHEN the nurse checks out at 07:05 on Thursday, THEN the phone is told she left on time (not 1,435 minutes
    # early against Thursday's own shift), and an arrival at 21:10 is 10 minutes late for Thursday's
    assert recaps.counted_answer(employee, "out", local(thursday, 7, 5), SETTINGS).judgement == Judgement(0, None)
    assert recaps.counted_answer(employee, "in", local(thursday, 21, 10), SETTINGS).judgement == Judgement(10, "TL1")


def test_a_nurse_moved_to_another_unit_is_answered_by_its_hours_as_its_recap_judges_her(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a nurse of U1 rostered 21:00-07:00 on Wednesday by U1's admin
    night = {"start": "21:00", "end": "07:00"}
    shifts = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night}})
    calendar.set_shifts(SUPER, NIP, shifts, SETTINGS, local(WEDNESDAY - timedelta(days=3), 8))
    # AND SIMPEG's sync moving her to U2, an office on the regency's week, at 01:00 on Monday
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: local(WEDNESDAY - timedelta(days=2), 1))
    repos.people.upsert_unit("U2", "Unit 2")
    repos.people.put_employee(Employee(NIP, "Asep", "U2"))
    moved = runtime.people().get_employee(NIP)
    assert moved is not None
    # WHEN she opens the app on Wednesday at 07:00, THEN it shows U2's hours, not the night U1 rostered
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 7)).today
    assert today.schedule is not None and (today.schedule.start, today.schedule.end) == ("07:30", "16:00")
    # AND her check-in at U2 at 07:20 is answered on time, as U2's daily recap stores the day (it was answered
    # TL4, "not counted", against the roster of the unit she left)
    arrival = recaps.counted_answer(moved, "in", local(WEDNESDAY, 7, 20), SETTINGS)
    assert (arrival.judgement, arrival.day) == (Judgement(0, None), WEDNESDAY)
    for kind, hour, minute in (("in", 7, 20), ("out", 16, 5)):
        at = local(WEDNESDAY, hour, minute)
        e = Event(new_event_id(NIP, at), NIP, kind, "accepted", iso(at), iso(at), WEDNESDAY.isoformat(), "U2")
        repos.events.write_checkin(CheckinWrite(e, f"{NIP}#{at.timestamp()}", "body", StoredAnswer(201, {}), at))
    recaps.run_daily_recap(WEDNESDAY, SETTINGS, ["U2"])
    stored = repos.statuses.employee_status(NIP, WEDNESDAY)
    assert stored is not None and (stored[0], stored[1].status.status) == ("U2", "H")


def punch(repos: Repositories, at: datetime, hint: str) -> str:
    """A machine punch as the import stores it: typed by its calendar date only as a hint."""
    e = Event(new_event_id(NIP, at), NIP, hint, "accepted", iso(at), iso(at), at.astimezone(TZ).date().isoformat(),
              "U1", warnings=(), source="fingerprint")  # fmt: skip
    assert repos.events.put_punches([e]) == [True]
    return e.event_id


def test_machine_punches_show_in_the_working_day_they_fall_in_not_by_their_date_s_hint(repos: Repositories) -> None:
    # GIVEN a nurse on 21:00-07:00 shifts on Wednesday and Thursday who pressed the machine at 20:55 on Wednesday
    # and at 07:05 on Thursday: each the first press of its date, both imported with the hint "in"
    thursday = WEDNESDAY + timedelta(days=1)
    night = {"start": "21:00", "end": "07:00"}
    shifts = ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night, thursday.isoformat(): night}})
    calendar.set_shifts(SUPER, NIP, shifts, SETTINGS, local(WEDNESDAY, 8))
    arrival = punch(repos, local(WEDNESDAY, 20, 55), "in")
    punch(repos, local(thursday, 7, 5), "in")
    # WHEN she opens the app at 06:50 on Thursday, THEN Wednesday's shift shows the 20:55 punch as its arrival
    today = me.profile(EMPLOYEE, SETTINGS, local(thursday, 6, 50)).today
    assert (today.date, today.check_in and today.check_in.event_id) == (WEDNESDAY.isoformat(), arrival)
    # WHEN she opens it at 07:10 or 20:50 on Thursday, THEN Thursday's shift has no arrival yet: the morning
    # punch ended Wednesday's (shown as Thursday's arrival, the app offered "Absen Pulang" for a shift not begun)
    for hour, minute in ((7, 10), (20, 50)):
        today = me.profile(EMPLOYEE, SETTINGS, local(thursday, hour, minute)).today
        assert (today.date, today.check_in, today.check_out) == (thursday.isoformat(), None, None)


def test_a_day_worker_s_machine_punches_are_the_day_s_arrival_and_departure(repos: Repositories) -> None:
    # GIVEN presses of the machine at 07:20 and 16:05 on a 07:30-16:00 day
    arrival, departure = punch(repos, local(WEDNESDAY, 7, 20), "in"), punch(repos, local(WEDNESDAY, 16, 5), "out")
    # WHEN the app asks at 16:10, THEN both show, as the day counts them
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 16, 10)).today
    assert (today.check_in and today.check_in.event_id, today.check_out and today.check_out.event_id) == (
        arrival,
        departure,
    )
    assert today.status == "H"


def test_a_night_shift_not_begun_leaves_the_app_on_the_new_date(repos: Repositories) -> None:
    # GIVEN a 21:00-07:00 shift on Wednesday that the nurse never checked in for
    night = {"start": "21:00", "end": "07:00"}
    calendar.set_shifts(SUPER, NIP, ShiftsRequest.model_validate({"shifts": {WEDNESDAY.isoformat(): night}}),
                        SETTINGS, local(WEDNESDAY, 8))  # fmt: skip
    # WHEN she opens the app at 02:00 on Thursday, THEN it shows Thursday: nothing of Wednesday to finish
    thursday = WEDNESDAY + timedelta(days=1)
    assert me.profile(EMPLOYEE, SETTINGS, local(thursday, 2)).today.date == thursday.isoformat()


def shifts(hours: dict[str, str], *days: date) -> None:
    """GIVEN the nurse rostered on `days` with `hours`."""
    body = ShiftsRequest.model_validate({"shifts": {d.isoformat(): hours for d in days}})
    calendar.set_shifts(SUPER, NIP, body, SETTINGS, local(min(days) - timedelta(days=1), 8))


def test_a_shift_from_midnight_is_offered_once_its_window_opens_and_keeps_its_arrival_before_midnight(
    repos: Repositories,
) -> None:
    # GIVEN 00:00-08:00 shifts on Wednesday and Thursday, and Wednesday's done (in 00:05, out 08:00)
    thursday = WEDNESDAY + timedelta(days=1)
    shifts({"start": "00:00", "end": "08:00"}, WEDNESDAY, thursday)
    check(repos, "in", local(WEDNESDAY, 0, 5))
    check(repos, "out", local(WEDNESDAY, 8))
    # WHEN the nurse opens the app at 23:40 on Wednesday, THEN it shows Thursday's shift, not checked in yet (the
    # app offers "Absen Masuk"; Wednesday's shift, long over, would offer nothing)
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 23, 40)).today
    assert (today.date, today.check_in, today.check_out) == (thursday.isoformat(), None, None)
    # WHEN she has checked in at 23:45 for it, THEN until its end it is Thursday's, with that arrival and no
    # check-out (the app offers "Absen Pulang", not "Absen Masuk" that the API would refuse)
    arrival = check(repos, "in", local(WEDNESDAY, 23, 45), working_day=thursday)
    for at in (local(WEDNESDAY, 23, 50), local(thursday, 0, 30), local(thursday, 7, 55)):
        today = me.profile(EMPLOYEE, SETTINGS, at).today
        assert (today.date, today.check_in and today.check_in.event_id, today.check_out) == (
            thursday.isoformat(),
            arrival,
            None,
        )


def test_a_late_arrival_after_midnight_stays_with_its_shift_and_leaves_the_evening_s_shift_free(
    repos: Repositories,
) -> None:
    # GIVEN 23:00-07:00 shifts on Tuesday and Wednesday, and the nurse in late at 00:15 for Tuesday's
    tuesday = WEDNESDAY - timedelta(days=1)
    shifts({"start": "23:00", "end": "07:00"}, tuesday, WEDNESDAY)
    arrival = check(repos, "in", local(WEDNESDAY, 0, 15), working_day=tuesday)
    # WHEN she opens the app at 03:00, THEN it is Tuesday's shift, checked in, its check-out to come
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 3)).today
    assert (today.date, today.check_in and today.check_in.event_id, today.check_out) == (
        tuesday.isoformat(),
        arrival,
        None,
    )
    # WHEN she has checked out at 07:00, THEN at 22:45 it is Wednesday's shift with nothing recorded yet
    check(repos, "out", local(WEDNESDAY, 7), working_day=tuesday)
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 22, 45)).today
    assert (today.date, today.check_in, today.check_out) == (WEDNESDAY.isoformat(), None, None)


def test_my_recap_has_the_monthly_report_s_figures(repos: Repositories) -> None:
    # GIVEN three recapped days: on time, late, absent
    monday = date(2026, 3, 2)
    check(repos, "in", local(monday, 7, 25))
    check(repos, "out", local(monday, 16, 5))
    check(repos, "in", local(monday + timedelta(days=1), 8, 40))
    check(repos, "out", local(monday + timedelta(days=1), 16, 1))
    for d in range(3):
        recaps.run_daily_recap(monday + timedelta(days=d), SETTINGS, ["U1"])
    # WHEN the employee reads March
    mine = me.my_recap(EMPLOYEE, MyRecapQuery(month="2026-03"), SETTINGS)
    # THEN the days are the stored ones and the figures those of the unit's monthly report
    report = reports.monthly(SUPER, MonthlyQuery(month="2026-03", unor_id="U1"), SETTINGS, datetime.now(UTC))
    row = next(r for r in report.items if r.nip == NIP)  # type: ignore[union-attr]
    assert [d.date for d in mine.days] == ["2026-03-02", "2026-03-03", "2026-03-04"]
    assert [d.status for d in mine.days][0::2] == ["H", "TK"] and mine.days[1].late_minutes == 70
    assert (mine.counts, mine.deduction_percent) == (row.counts, row.deduction_percent)
    assert mine.deduction_percent > 0
    # AND a month not recapped yet has no days and nothing deducted
    future = me.my_recap(EMPLOYEE, MyRecapQuery(month="2026-05"), SETTINGS)
    assert future.days == [] and future.deduction_percent == 0 and set(future.counts.values()) == {0}


def test_where_lateness_is_made_up_the_day_s_word_follows_the_recap_s_code(repos: Repositories) -> None:
    # GIVEN a regency whose Perbup lets up to 30 late minutes be made up by staying after the end (decision 148)
    made_up = build_settings({"SMART_RULES": '{"late_make_up_minutes": 30}'})
    # AND an employee who came 20 minutes late and stayed 20 minutes after 16:00
    check(repos, "in", local(WEDNESDAY, 7, 50))
    check(repos, "out", local(WEDNESDAY, 16, 20))
    evening = local(WEDNESDAY, 17)
    # WHEN the employee, and the admin on the unit's monitor, look in the evening
    today = me.profile(EMPLOYEE, made_up, evening).today
    [item] = recaps.monitor("U1", WEDNESDAY, evening, made_up).items
    # THEN the recap stores H, the app shows H, and neither calls the day "late"
    recaps.run_daily_recap(WEDNESDAY, made_up, ["U1"])
    stored = repos.statuses.employee_status(NIP, WEDNESDAY)
    assert stored is not None and stored[1].status.status == "H"
    assert (today.status, today.state) == ("H", "present")
    assert item.state == "present"
    # AND before the end the arrival is still late (the make-up is not made yet)
    assert me.profile(EMPLOYEE, made_up, local(WEDNESDAY, 12)).today.state == "late"


def test_a_check_in_in_review_is_not_on_time_before_the_admin_decides(repos: Repositories) -> None:
    # GIVEN an arrival at 07:50 (20 minutes late) that went to review (a borderline face)
    arrival = check(repos, "in", local(WEDNESDAY, 7, 50), status="review")
    # WHEN the employee looks at 10:00, before their unit's admin decides
    today = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 10)).today
    # THEN the arrival shows (in review) and the monitor's word is late, but the day's code is not H: the recap
    # counts nothing in review, so the day has no code yet, as a recap run now would store none (decision 141)
    assert today.check_in is not None and today.check_in.event_id == arrival
    assert (today.status, today.state) == ("BELUM", "late")
    # AND once the admin approves it, the day is the late arrival's TL1, as the recap judges it
    repos.events.decide_review(arrival, "approve", Decided("budi", None, local(WEDNESDAY, 10, 5)))
    approved = me.profile(EMPLOYEE, SETTINGS, local(WEDNESDAY, 11)).today
    assert (approved.status, approved.state) == (RULES.tl_category(20), "late")
