"""An employee's own events on the in-memory twins (the events part of usecases/me.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from chalicelib.domain.attendance import Event
from chalicelib.domain.decisions import Decided
from chalicelib.domain.faces import PENDING
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ValidationError
from chalicelib.face import PhotoFingerprint
from chalicelib.settings import build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.faces import Decision, NewTemplate
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import me
from chalicelib.usecases.schemas.attendance import MyEventsQuery

NIP = "198501012010011001"
OTHER = "199002022015032002"
NOW = datetime(2026, 12, 10, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
SETTINGS = build_settings({})
EMPLOYEE = Principal(subject=NIP, role="employee", device_id="android-0001-aaaa")


def recorded(repos: Repositories, nip: str, at: datetime) -> Event:
    local = at.astimezone(SETTINGS.tz).date().isoformat()
    e = Event(new_event_id(nip, at), nip, "in", "accepted", iso(at), iso(at), local, "U1", warnings=())
    repos.events.write_checkin(CheckinWrite(e, f"{nip}#{at.timestamp()}", "body", StoredAnswer(201, {}), at))
    return e


def test_my_events_are_those_of_the_asked_local_days(repos: Repositories) -> None:
    # GIVEN arrivals at 00:30 local time (still the day before in UTC) on Dec 2, 3, 4 and 9, and another's
    days = [datetime(2026, 12, d, 17, 30, tzinfo=UTC) for d in (1, 2, 3, 8)]  # 00:30 local the next day
    mine = [recorded(repos, NIP, at) for at in days]
    recorded(repos, OTHER, days[1])
    # WHEN the employee asks for Dec 3 to Dec 4 (local), THEN exactly those days' events come, oldest first
    page = me.my_events(EMPLOYEE, MyEventsQuery(**{"from": date(2026, 12, 3), "to": date(2026, 12, 4)}), SETTINGS, NOW)
    assert [e.event_id for e in page.items] == [mine[1].event_id, mine[2].event_id]
    # AND by default the last seven days up to today come
    default = me.my_events(EMPLOYEE, MyEventsQuery(), SETTINGS, NOW)
    assert [e.event_id for e in default.items] == [e.event_id for e in mine[2:]]


def test_the_employee_reads_why_an_admin_rejected_their_check_in(repos: Repositories) -> None:
    # GIVEN Asep's arrival of 9 December in review, rejected by his unit's admin with a note, and one accepted
    at = datetime(2026, 12, 9, 0, 20, tzinfo=UTC)
    local = at.astimezone(SETTINGS.tz).date().isoformat()
    e = Event(new_event_id(NIP, at), NIP, "in", "review", iso(at), iso(at), local, "U1", warnings=("FACE_BORDERLINE",))
    repos.events.write_checkin(CheckinWrite(e, f"{NIP}#review", "body", StoredAnswer(201, {}), at))
    repos.events.decide_review(e.event_id, "reject", Decided("budi", "Foto bukan wajah Anda", NOW))
    accepted = recorded(repos, NIP, datetime(2026, 12, 8, 0, 20, tzinfo=UTC))
    at_7 = datetime(2026, 12, 7, 0, 20, tzinfo=UTC)
    approved = Event(new_event_id(NIP, at_7), NIP, "in", "review", iso(at_7), iso(at_7), "2026-12-07", "U1")
    repos.events.write_checkin(CheckinWrite(approved, f"{NIP}#approved", "body", StoredAnswer(201, {}), at_7))
    repos.events.decide_review(approved.event_id, "approve", Decided("budi", "Lokasi diperiksa lewat telepon", NOW))
    # WHEN he lists his events, THEN the rejected one carries the admin's note; the accepted one none, and an
    # approval's note stays the admins'
    assert (
        me.my_events(EMPLOYEE, MyEventsQuery(**{"from": date(2026, 12, 7), "to": date(2026, 12, 7)}), SETTINGS, NOW)
        .items[0]
        .decision_note
        is None
    )
    page = me.my_events(EMPLOYEE, MyEventsQuery(**{"from": date(2026, 12, 8), "to": date(2026, 12, 9)}), SETTINGS, NOW)
    assert [(i.event_id, i.decision, i.decision_note) for i in page.items] == [
        (accepted.event_id, None, None),
        (e.event_id, "reject", "Foto bukan wajah Anda"),
    ]


def test_a_reversed_or_too_long_range_is_refused(repos: Repositories) -> None:
    for start, end in ((date(2026, 12, 5), date(2026, 12, 4)), (date(2026, 9, 1), date(2026, 12, 4))):
        with pytest.raises(ValidationError):
            me.my_events(EMPLOYEE, MyEventsQuery(**{"from": start, "to": end}), SETTINGS, NOW)


def test_the_profile_tells_the_last_face_rejected_with_the_admin_s_note_until_a_newer_face(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    repos.people.upsert_unit("U1", "Unit 1")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    clock = [NOW]
    monkeypatch.setattr("chalicelib.store.memory.faces.utc_now", lambda: clock[0])

    def enrol(name: str, minutes: int) -> str:
        clock[0] = NOW + timedelta(minutes=minutes)
        tid = f"t-{name * 12}-{NIP}"
        fingerprint = PhotoFingerprint(name * 64, minutes)
        repos.faces.save_template(
            NIP,
            NewTemplate(
                tid, {"m": np.ones(2, np.float32)}, fingerprint, f"k/{name}", NIP, status=PENDING, unor_id="U1"
            ),
        )
        return tid

    def decide(tid: str, approve: bool, minutes: int, note: str | None = None) -> None:
        repos.faces.decide_template(NIP, tid, Decision(approve, "sari", iso(NOW + timedelta(minutes=minutes)), note))

    def rejection() -> tuple[str | None, str] | None:
        found = me.profile(EMPLOYEE, SETTINGS, NOW + timedelta(hours=1)).onboarding.faces.last_rejection
        return None if found is None else (found.note, found.rejected_at)

    # GIVEN no face yet: nothing was rejected
    assert rejection() is None
    # WHEN the admin rejects the two photos sent, one with a note
    first, second = enrol("a", 1), enrol("b", 2)
    decide(second, False, 5, "terlalu gelap")
    decide(first, False, 6)
    # THEN the profile tells the latest decision (a rejection without a note has none)
    assert rejection() == (None, iso(NOW + timedelta(minutes=6)))
    # AND a newer photo waiting for the admin replaces it
    third = enrol("c", 10)
    assert rejection() is None
    # AND when that one is rejected too, its note is told
    decide(third, False, 12, "kacamata")
    assert rejection() == ("kacamata", iso(NOW + timedelta(minutes=12)))
    faces = me.profile(EMPLOYEE, SETTINGS, NOW + timedelta(hours=1)).onboarding.faces
    assert (faces.approved, faces.pending) == (0, 0)
    # AND once a newer face is approved, the rejections are history
    decide(enrol("d", 20), True, 21)
    assert rejection() is None


def test_the_profile_names_the_regency_s_zone_so_the_app_shows_its_clock(repos: Repositories) -> None:
    # GIVEN a regency in Papua (WIT), whose employees' phones may be set to another zone (bought in Java, set by
    # hand): the app must show check-in times and today's date on the regency's clock, not on the phone's
    repos.people.upsert_unit("U1", "Unit 1")
    repos.people.put_employee(Employee(NIP, "Yohanes", "U1"))
    papua = build_settings({"SMART_TIMEZONE": "Asia/Jayapura"})
    # WHEN the employee reads his profile, THEN it names the regency's zone (and a WIB stage's, WIB)
    assert me.profile(EMPLOYEE, papua, NOW).timezone == "Asia/Jayapura"
    assert me.profile(EMPLOYEE, SETTINGS, NOW).timezone == "Asia/Jakarta"
