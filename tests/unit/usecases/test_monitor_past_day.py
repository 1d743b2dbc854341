"""The monitor of a day already over (the console's "Pemantauan" with a past Tanggal), on the in-memory twins: a
day never recapped counts absent only whom its recap (the nightly run, or the console's Hitung Ulang) will charge
TK, and says whether a recap stored it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_views, reports
from chalicelib.usecases.schemas.admin_views import SummaryQuery
from chalicelib.usecases.schemas.reports import MonitorQuery, RecapRequest

MONDAY = date(2026, 11, 2)
A, C, D = "198501012010011001", "197803032005011003", "199505052025032005"
SETTINGS = build_settings({})
SUPER = Principal("admin", "super_admin")
TUESDAY_TEN = datetime(2026, 11, 3, 3, 0, tzinfo=UTC)  # 10:00 WIB, when SIMPEG brings Dewi in
WEDNESDAY = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)  # 09:00 WIB: Monday is over, never recapped


def arrive(repos: Repositories, nip: str, at: datetime) -> None:
    """A check-in of `nip` in U1, stored as a check-in stores it."""
    day = at.astimezone(SETTINGS.tz).date().isoformat()
    event = Event(new_event_id(nip, at), nip, "in", "accepted", iso(at), iso(at), day, "U1", warnings=())
    repos.events.write_checkin(CheckinWrite(event, f"{nip}#in", "body", StoredAnswer(201, {}), at, first_arrival=True))


@pytest.fixture
def unit(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Repositories:
    """U1: Asep and Cucu followed since October (Asep came on Monday at 07:02, Cucu never did), and Dewi, a new
    appointee brought in by SIMPEG on Tuesday at 10:00."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    with monkeypatch.context() as clock:
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 10, 1, tzinfo=UTC))
        for nip, nama in ((A, "Asep"), (C, "Cucu")):
            repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: TUESDAY_TEN)
        repos.people.put_employee(Employee(nip=D, nama="Dewi", unor_id="U1"))
    arrive(repos, A, datetime(2026, 11, 2, 0, 2, tzinfo=UTC))
    return repos


def monday(now: datetime) -> tuple[dict[str, str], dict[str, int], bool | None, admin_views.UnitSummary]:
    """Monday as the console shows it at `now`: the unit's live list (states, counts, recapped) and its summary row."""
    live = reports.monitor(SUPER, MonitorQuery(date=MONDAY, unor_id="U1"), SETTINGS, now)
    (row,) = admin_views.monitor_summary(SUPER, SummaryQuery(date=MONDAY), SETTINGS, now).units
    return {i.nip: i.state for i in live.items}, live.counts, live.recapped, row


def test_a_past_day_never_recapped_counts_absent_only_whom_its_recap_charges_tk(unit: Repositories) -> None:
    # WHEN an admin looks at Monday on Wednesday morning, the day never recapped (the 23:30 runs missed)
    states, counts, recapped, row = monday(WEDNESDAY)
    # THEN Cucu is absent, but not Dewi, whom SMART did not follow on Monday; and the day says it is not recapped
    assert states == {A: "present", C: "absent"}
    assert (counts["present"], counts["absent"]) == (1, 1) and recapped is False
    assert (row.counts, row.employee_count, row.recapped) == (counts, 2, False)
    # WHEN a check-in of Dewi's on Monday reaches SMART afterwards (a machine's log imported on Wednesday)
    arrive(unit, D, datetime(2026, 11, 2, 0, 0, tzinfo=UTC))
    # THEN the next poll counts her, as the unit's monitor does (and as the day's recap will judge her)
    states, counts, recapped, row = monday(WEDNESDAY + timedelta(minutes=1))
    assert states == {A: "present", C: "absent", D: "present"}
    assert (row.counts, row.employee_count) == (counts, 3)

    # WHEN the console's Hitung Ulang recaps Monday (judged as the scheduled runs judge it, decision 144)
    body = RecapRequest.model_validate({"date": MONDAY.isoformat(), "unor_id": "U1", "as_scheduled": True})
    reports.run_recap(SUPER, body, SETTINGS, WEDNESDAY)
    # THEN it charges TK exactly to whom the monitor showed absent, and the monitor now says the day is recapped
    stored = {r.nip: r.status.status for r in unit.statuses.day_page("U1", MONDAY, None)[0]}
    assert stored == {A: "PSW4", C: "TK", D: "PSW4"}  # neither checked out
    after, counts_after, recapped_after, row_after = monday(WEDNESDAY)
    assert (after, counts_after) == (states, counts)
    assert (recapped_after, row_after.recapped) == (True, True)


def test_today_is_shown_whole_and_says_nothing_of_a_recap(unit: Repositories) -> None:
    # WHEN Tuesday is looked at on Tuesday afternoon (Dewi's first day is hers: decision 122)
    now = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)  # 16:30 WIB, after the working hours
    live = reports.monitor(SUPER, MonitorQuery(date=date(2026, 11, 3), unor_id="U1"), SETTINGS, now)
    (row,) = admin_views.monitor_summary(SUPER, SummaryQuery(), SETTINGS, now).units
    # THEN everyone followed that day is judged, and no recap is spoken of before the day is over
    assert {i.nip: i.state for i in live.items} == {A: "absent", C: "absent", D: "absent"}
    assert (live.recapped, row.recapped, row.employee_count) == (None, None, 3)


def test_a_past_check_in_still_in_review_counts_as_its_recap_counts_it(unit: Repositories) -> None:
    # GIVEN Cucu's Monday check-in at 07:05 sent to review (a borderline face), not decided by Wednesday
    at = datetime(2026, 11, 2, 0, 5, tzinfo=UTC)
    event = Event(new_event_id(C, at), C, "in", "review", iso(at), iso(at), MONDAY.isoformat(), "U1", warnings=())
    unit.events.write_checkin(CheckinWrite(event, f"{C}#in", "body", StoredAnswer(201, {}), at, first_arrival=True))
    # WHEN the console's Hitung Ulang recaps Monday and an admin then looks at Monday on Wednesday
    body = RecapRequest.model_validate({"date": MONDAY.isoformat(), "unor_id": "U1", "as_scheduled": True})
    reports.run_recap(SUPER, body, SETTINGS, WEDNESDAY)
    stored = {r.nip: r.status.status for r in unit.statuses.day_page("U1", MONDAY, None)[0]}
    states, counts, _, row = monday(WEDNESDAY + timedelta(minutes=1))
    # THEN the recap charged her TK (a check-in counts once approved, decision 16), and the monitor and the
    # summary say absent with it, not present: the day's figures are the recap's (decisions 126, 258)
    assert stored[C] == "TK"
    assert states == {A: "present", C: "absent"}
    assert (counts["present"], counts["absent"]) == (1, 1) and row.counts == counts
    # WHEN her unit's admin approves it
    unit.events.decide_review(
        event.event_id, "approve", Decided("budi", "Wajah diperiksa", WEDNESDAY + timedelta(minutes=2))
    )
    states, counts, _, row = monday(WEDNESDAY + timedelta(minutes=3))
    # THEN she counts as present on the monitor and in the summary alike
    assert states == {A: "present", C: "present"} and row.counts == counts
