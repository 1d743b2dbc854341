"""The review queue on the in-memory twins: listing by unit scope in pages with its photo links recorded,
deciding, and the refusals. The audit log is the `audited` fixture's twin, stamped a second apart.

(A decision on a past day re-runs that day's recap where it is recapped: the functional tests cover it; a day never
recapped is left to its scheduled run.)
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.audit import VIEWS
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError, ForbiddenError, NotFoundError, UnavailableError
from chalicelib.face.types import PhotoFingerprint
from chalicelib.settings import build_settings
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.faces import NewTemplate
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, recaps, reviews
from chalicelib.usecases.schemas.calendar import ShiftsRequest
from chalicelib.usecases.schemas.reports import DecisionRequest, ReviewsQuery

from .admin_fixtures import AUDIT_START, AuditTrail, audited
from .test_request_failures import audit_store_fails

__all__ = ["audited"]  # the shared fixture this module uses

NOW = datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
SETTINGS = build_settings({})
SUPER = Principal(subject="admin", role="super_admin")
U1_ADMIN = Principal(subject="budi", role="unit_admin", unit_ids=frozenset({"U1"}))


def nip_of(i: int) -> str:
    return f"1985010120100110{i:02d}"


def recorded(repos: Repositories, i: int, unor_id: str = "U1", status: str = "review", nip: str | None = None) -> Event:
    """The check-in of employee `i` (or of `nip`), i minutes after NOW, recorded with `status` and a selfie."""
    at = NOW + timedelta(minutes=i)
    nip = nip or nip_of(i % 100)
    e = Event(
        new_event_id(nip, at), nip, "in", status, iso(at), iso(at), "2026-12-03", unor_id, warnings=("X",),
        photo_key=f"checkins/{nip}/{i}.jpg",
    )  # fmt: skip
    repos.events.write_checkin(CheckinWrite(e, f"{nip}#r-{i}", "body", StoredAnswer(201, {}), at))
    return e


def test_an_admin_sees_the_pending_reviews_of_their_units(repos: Repositories) -> None:
    # GIVEN reviews in U1 and U2, and an accepted check-in in U1
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"Unit {unit}")
    u1, u2 = recorded(repos, 1), recorded(repos, 2, "U2")
    recorded(repos, 3, status="accepted")
    # WHEN the unit admin of U1 and the super admin list them
    mine = reviews.list_reviews(U1_ADMIN, ReviewsQuery(), SETTINGS)
    every = reviews.list_reviews(SUPER, ReviewsQuery(), SETTINGS)
    # THEN each sees the reviews of their units, with employee and unit
    assert [(r.event_id, r.nip, r.unor_id) for r in mine.items] == [(u1.event_id, u1.nip, "U1")]
    assert [r.event_id for r in every.items] == [u1.event_id, u2.event_id]
    assert mine.next is None and every.next is None
    # AND a unit admin may not ask for another unit
    with pytest.raises(ForbiddenError):
        reviews.list_reviews(U1_ADMIN, ReviewsQuery(unor_id="U2"), SETTINGS)


def test_the_photo_links_of_the_queue_are_recorded_per_employee_apart_from_the_changes(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN two reviews of one employee and one of another, each with its selfie
    repos.people.upsert_unit("U1", "Unit U1")
    for i, nip in enumerate((nip_of(1), nip_of(1), nip_of(2))):
        recorded(repos, i, nip=nip)
    # WHEN the unit admin lists the queue
    page = reviews.list_reviews(U1_ADMIN, ReviewsQuery(), SETTINGS)
    # THEN every link handed out is recorded under the admin and the employee, counted per employee
    assert len(page.items) == 3 and all(item.selfie_url for item in page.items)
    views = audited.log.entries_of_day(AUDIT_START.date(), VIEWS)
    assert sorted((e.actor, e.role, e.action, e.target, e.detail) for e in views) == [
        ("budi", "unit_admin", "view.photos", nip_of(1), {"via": "reviews", "links": 2}),
        ("budi", "unit_admin", "view.photos", nip_of(2), {"via": "reviews", "links": 1}),
    ]
    # AND those entries are kept as long as the photos are (from the link on: the photo is gone by then)
    assert all(e.expires == e.at + timedelta(days=SETTINGS.photo_retention_days) for e in views)
    # AND the log of changes stays as it was
    assert audited() == []


def test_the_old_unit_s_admin_no_longer_sees_faces_enrolled_after_a_transfer(repos: Repositories) -> None:
    # GIVEN an employee of U1 with a face U1 enrolled and a review of U1, since moved to U2, which enrolled another
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"Unit {unit}")
    nip = nip_of(1)
    repos.people.put_employee(Employee(nip, "Asep", "U1"))
    recorded(repos, 1, nip=nip)
    vectors = {"m": np.ones(4, dtype=np.float32)}
    for unit in ("U1", "U2"):
        face = NewTemplate(f"t-{unit}", vectors, PhotoFingerprint(sha256=unit * 32, phash=0), f"enrol/{unit}.jpg",
                           "admin", unor_id=unit)  # fmt: skip
        repos.faces.save_template(nip, face)
    repos.people.put_employee(Employee(nip, "Asep", "U2"))
    # WHEN U1's admin and a super admin open the review
    (old_unit,) = reviews.list_reviews(U1_ADMIN, ReviewsQuery(), SETTINGS).items
    (regency,) = reviews.list_reviews(SUPER, ReviewsQuery(), SETTINGS).items

    # THEN U1's admin gets the face U1 enrolled, not the new unit's; the super admin, who sees U2, gets both
    def linked(urls: list[str]) -> list[str]:
        return sorted(key for key in ("enrol/U1.jpg", "enrol/U2.jpg") for url in urls if f"/{key}?" in url)

    assert (linked(old_unit.enrolment_urls), linked(regency.enrolment_urls)) == (
        ["enrol/U1.jpg"],
        ["enrol/U1.jpg", "enrol/U2.jpg"],
    )


def test_a_long_queue_comes_in_pages_of_a_hundred(repos: Repositories) -> None:
    # GIVEN 130 reviews in U1 and 5 in U2
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"Unit {unit}")
    expected = [recorded(repos, i).event_id for i in range(130)] + [recorded(repos, 200 + i, "U2").event_id
                                                                    for i in range(5)]  # fmt: skip
    # WHEN the super admin follows the cursor to the end
    seen: list[str] = []
    page = reviews.list_reviews(SUPER, ReviewsQuery(), SETTINGS)
    while True:
        assert len(page.items) <= 100
        seen += [r.event_id for r in page.items]
        if page.next is None:
            break
        page = reviews.list_reviews(SUPER, ReviewsQuery(next=page.next), SETTINGS)
    # THEN every review comes once, unit by unit, oldest first
    assert seen == expected


def test_a_decision_on_an_unknown_event_is_not_found(repos: Repositories) -> None:
    with pytest.raises(NotFoundError):
        reviews.decide(SUPER, new_event_id(nip_of(1), NOW), DecisionRequest(decision="approve"), SETTINGS, NOW)


def test_a_unit_admin_decides_only_in_their_units(repos: Repositories) -> None:
    # GIVEN a review in U2, WHEN the admin of U1 decides it, THEN it is forbidden and it still waits
    e = recorded(repos, 1, "U2")
    with pytest.raises(ForbiddenError):
        reviews.decide(U1_ADMIN, e.event_id, DecisionRequest(decision="approve"), SETTINGS, NOW)
    assert repos.events.pending_reviews("U2", 10, None) == ([e], None)


def test_only_an_undecided_review_can_be_decided(repos: Repositories) -> None:
    # GIVEN an accepted check-in and a review already rejected
    accepted = recorded(repos, 1, status="accepted")
    decided = recorded(repos, 2)
    repos.events.decide_review(decided.event_id, "reject", Decided("siti", "buram", NOW))
    # WHEN either is decided, THEN it is a conflict and the stored decision stays
    for e in (accepted, decided):
        with pytest.raises(ConflictError):
            reviews.decide(SUPER, e.event_id, DecisionRequest(decision="approve"), SETTINGS, NOW)
    found = repos.events.get_event(decided.event_id)
    assert found is not None and (found.decision, found.decided_by) == ("reject", "siti")


def test_a_unit_admin_decides_a_review_of_today_once(repos: Repositories, audited: AuditTrail) -> None:
    # GIVEN a review of today in U1
    e = recorded(repos, 1)
    # WHEN its unit admin approves it with a note
    later = NOW + timedelta(hours=2)
    answer = reviews.decide(U1_ADMIN, e.event_id, DecisionRequest(decision="approve", note="ok"), SETTINGS, later)
    # THEN the decision is stored, audited, out of the queue, and today's recap is left to the evening job
    assert answer.model_dump(mode="json") == {
        "event_id": e.event_id,
        "decision": "approve",
        "decided_at": iso(later),
        "recap": None,
    }
    found = repos.events.get_event(e.event_id)
    assert found is not None and (found.decision, found.decided_by, found.decision_note) == ("approve", "budi", "ok")
    assert audited() == [("budi", "review.approve", e.event_id)]
    assert repos.events.pending_reviews("U1", 10, None) == ([], None)


def test_a_review_decision_is_audited_with_the_check_in_its_note_and_the_day_before(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN a review of Asep's arrival of 3 December, whose day is recapped absent (the check-in still waiting)
    repos.people.upsert_unit("U1", "Unit U1")
    e = recorded(repos, 1)
    repos.people.put_employee(Employee(e.nip, "Asep", "U1"))
    later = NOW + timedelta(days=1)
    recaps.run_daily_recap(date(2026, 12, 3), SETTINGS, ["U1"])
    # WHEN its unit admin rejects it with a note
    reviews.decide(U1_ADMIN, e.event_id, DecisionRequest(decision="reject", note="Foto orang lain"), SETTINGS, later)
    # THEN the entry names the check-in, its time, the note and the day's status before the decision
    [entry] = audited.entries()
    assert entry.detail == {
        "nip": e.nip,
        "event_type": "in",
        "date": "2026-12-03",
        "attendance_time": e.attendance_time,
        "note": "Foto orang lain",
        "status_before": "TK",
    }


def test_a_decision_on_a_night_arrival_re_runs_the_shift_it_counts_for(repos: Repositories) -> None:
    # GIVEN a nurse rostered 00:00-08:00 on 4 December, her 23:45 arrival of the 3rd awaiting review (it counts for
    # the 4th's shift), and the 4th recapped while it waits: absent
    repos.people.upsert_unit("U1", "Unit U1")
    nip, at = nip_of(7), datetime(2026, 12, 3, 16, 45, tzinfo=UTC)  # 23:45 in Jakarta
    repos.people.put_employee(Employee(nip, "Sari", "U1"))
    night = ShiftsRequest.model_validate({"shifts": {"2026-12-04": {"start": "00:00", "end": "08:00"}}})
    calendar.set_shifts(SUPER, nip, night, SETTINGS, NOW)
    arrival = Event(new_event_id(nip, at), nip, "in", "review", iso(at), iso(at), "2026-12-03", "U1", warnings=("X",),
                    working_day="2026-12-04")  # fmt: skip
    repos.events.write_checkin(CheckinWrite(arrival, f"{nip}#r-night", "body", StoredAnswer(201, {}), at))
    recaps.run_daily_recap(date(2026, 12, 4), SETTINGS, ["U1"])
    assert stored_status(nip, date(2026, 12, 4)) == "TK"
    # WHEN an admin approves it two days on, THEN the 4th is judged again with it: present (its check-out missing)
    later = NOW + timedelta(days=2)
    reviews.decide(U1_ADMIN, arrival.event_id, DecisionRequest(decision="approve", note=None), SETTINGS, later)
    assert stored_status(nip, date(2026, 12, 4)) == "PSW4"


def stored_status(nip: str, day: date) -> str | None:
    stored = runtime.statuses().employee_status(nip, day)
    return None if stored is None else stored[1].status.status


def test_a_decision_sent_again_after_its_recap_failed_re_runs_the_day_and_answers_the_decision(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a review of 3 December, a day recapped while it waited, decided two days on, WHEN re-running that day's
    # recap fails the first time (503)
    e, later = recorded(repos, 1), NOW + timedelta(days=2)
    repos.people.put_employee(Employee(e.nip, "Asep", "U1"))
    recaps.run_daily_recap(date(2026, 12, 3), SETTINGS, ["U1"])
    real, runs = recaps.run_daily_recap, []

    def recap(*args: Any, **kwargs: Any) -> Any:
        runs.append(args[0])
        if len(runs) == 1:
            raise UnavailableError()
        return real(*args, **kwargs)

    monkeypatch.setattr(recaps, "run_daily_recap", recap)
    approve = DecisionRequest(decision="approve")
    with pytest.raises(UnavailableError):
        reviews.decide(U1_ADMIN, e.event_id, approve, SETTINGS, later)
    found = repos.events.get_event(e.event_id)
    assert found is not None and found.decision == "approve"
    # WHEN the admin sends the decision again, THEN the day is re-run and the decision answered as first made
    again = reviews.decide(U1_ADMIN, e.event_id, approve, SETTINGS, later + timedelta(minutes=1))
    assert runs == [date(2026, 12, 3)] * 2
    assert (again.decision, again.decided_at) == ("approve", iso(later))
    # AND another decision on it, or another admin's, re-runs the day too before answering 409 (decided already)
    for who, body in ((U1_ADMIN, DecisionRequest(decision="reject")), (SUPER, approve)):
        with pytest.raises(ConflictError):
            reviews.decide(who, e.event_id, body, SETTINGS, later)
    assert runs == [date(2026, 12, 3)] * 4


def committed_then_refused(monkeypatch: pytest.MonkeyPatch, repos: Repositories, *, by: str | None = None) -> None:
    """`decide_review` stores the decision (or, `by` another admin, theirs) and then fails its condition: the SDK's
    repeat of a write whose answer was lost meets what its first try wrote."""
    real = repos.events.decide_review

    def decide_review(event_id: str, decision: str, decided: Decided, *, audit: AuditBatch | None = None) -> None:
        real(event_id, decision, replace(decided, actor=by or decided.actor), audit=audit if by is None else None)
        raise ConditionFailed("dynamodb")

    monkeypatch.setattr(repos.events, "decide_review", decide_review)


def test_a_decision_whose_answer_was_lost_is_answered_and_audited(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a review in U1, WHEN its admin approves it and the write commits but the SDK's repeat fails its condition
    e = recorded(repos, 1)
    committed_then_refused(monkeypatch, repos)
    answer = reviews.decide(U1_ADMIN, e.event_id, DecisionRequest(decision="approve"), SETTINGS, NOW)
    # THEN the decision is answered as made (not 409: it is this admin's own) and audited once
    assert (answer.decision, answer.decided_at) == ("approve", iso(NOW))
    assert audited() == [("budi", "review.approve", e.event_id)]


def test_a_decision_that_lost_to_another_admin_is_still_a_conflict(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a review in U1, WHEN its admin approves it as the super admin's approval is stored
    e = recorded(repos, 1)
    committed_then_refused(monkeypatch, repos, by="admin")
    # THEN the unit admin gets 409, and nothing is audited in their name
    with pytest.raises(ConflictError):
        reviews.decide(U1_ADMIN, e.event_id, DecisionRequest(decision="approve"), SETTINGS, NOW)
    assert audited() == []


def test_a_decision_whose_audit_entry_cannot_be_written_is_not_made_and_its_retry_is_audited_once(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a review, WHEN its admin approves it and the audit store fails (the admin is told 503)
    e = recorded(repos, 1)
    approve = DecisionRequest(decision="approve")
    with audit_store_fails(monkeypatch, "review.approve"):
        reviews.decide(U1_ADMIN, e.event_id, approve, SETTINGS, NOW)
    # THEN the check-in is not accepted unnamed: it still awaits a decision (an admin who never sends it again
    # leaves no approval the log does not show)
    pending = repos.events.get_event(e.event_id)
    assert pending is not None and (pending.status, pending.decision) == ("review", None) and audited() == []
    # WHEN the admin sends the decision again, and again (its answer lost)
    again = reviews.decide(U1_ADMIN, e.event_id, approve, SETTINGS, NOW + timedelta(minutes=1))
    reviews.decide(U1_ADMIN, e.event_id, approve, SETTINGS, NOW + timedelta(minutes=2))
    # THEN it is made once, and the log names it once
    assert (again.decision, again.decided_at) == ("approve", iso(NOW + timedelta(minutes=1)))
    found = repos.events.get_event(e.event_id)
    assert found is not None and (found.decision, found.decided_by) == ("approve", "budi")
    assert audited() == [("budi", "review.approve", e.event_id)]


def followed_from(monkeypatch: pytest.MonkeyPatch, since: datetime, *people: tuple[str, str]) -> None:
    """`people` (NIP, name) put in U1 as SMART begins to follow them at `since` (a SIMPEG sync's write)."""
    with monkeypatch.context() as clock:
        clock.setattr("chalicelib.store.memory.people.utc_now", lambda: since)
        for nip, nama in people:
            runtime.people().put_employee(Employee(nip, nama, "U1"))


def at_jakarta(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SETTINGS.tz).astimezone(UTC)


def checked(nip: str, kind: str, at: datetime, status: str = "accepted") -> Event:
    """A check-in or check-out of `nip` at U1, stored as the check-in path stores it."""
    day = at.astimezone(SETTINGS.tz).date().isoformat()
    event = Event(new_event_id(nip, at), nip, kind, status, iso(at), iso(at), day, "U1", warnings=())
    claim = f"{nip}#{kind}-{at.timestamp()}"
    write = CheckinWrite(event, claim, "body", StoredAnswer(201, {}), at, first_arrival=kind == "in")
    runtime.events().write_checkin(write)
    return event


def monday_statuses() -> dict[str, str]:
    return {row.nip: row.status.status for row in runtime.statuses().day_page("U1", MONDAY, None)[0]}


MONDAY, TUESDAY = date(2026, 11, 2), date(2026, 11, 3)
ASEP, BUDI, NINA = "198501012010011001", "199002022015032002", "199505052025032005"


def test_a_decision_on_a_day_never_recapped_leaves_it_to_its_scheduled_run(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep and Budi followed since October, and Nina, a new appointee, brought in by the 01:00 sync of Tuesday
    repos.people.upsert_unit("U1", "Unit U1")
    followed_from(monkeypatch, datetime(2026, 10, 1, tzinfo=UTC), (ASEP, "Asep"), (BUDI, "Budi"))
    followed_from(monkeypatch, at_jakarta(TUESDAY, 1, 0), (NINA, "Nina"))
    # AND Monday: Budi on time, Asep's 07:25 check-in waiting in review; Monday's 23:30 recap failed (an outage)
    for nip in (ASEP, BUDI):
        checked(nip, "out", at_jakarta(MONDAY, 16, 5))
    checked(BUDI, "in", at_jakarta(MONDAY, 7, 20))
    pending = checked(ASEP, "in", at_jakarta(MONDAY, 7, 25), status="review")
    # WHEN the unit admin approves Asep's check-in on Tuesday at 09:00
    approve = DecisionRequest(decision="approve")
    answer = reviews.decide(U1_ADMIN, pending.event_id, approve, SETTINGS, at_jakarta(TUESDAY, 9, 0))
    # THEN Monday, never recapped, is not judged for the first time by the decision (which would charge Nina TK for a
    # day before SMART followed her), and the answer says no recap was re-run
    assert answer.recap is None and monday_statuses() == {}
    # AND the scheduled make-up run judges Monday with the check-in approved: Asep and Budi present, Nina nothing
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"], scheduled_at=at_jakarta(TUESDAY, 10, 30))
    assert monday_statuses() == {ASEP: "H", BUDI: "H"}


SARI = "199101012015032001"


def test_a_decision_before_a_night_shift_has_ended_judges_it_as_it_stands(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Sari, a nurse rostered 20:00-08:00 on Monday who checked in at 19:55, and Asep's Monday check-in awaiting
    # review; Monday's 23:30 run stored Sari's night as it stood (present, her check-out not due yet)
    repos.people.upsert_unit("U1", "Unit U1")
    followed_from(monkeypatch, datetime(2026, 10, 1, tzinfo=UTC), (ASEP, "Asep"), (SARI, "Sari"))
    night = ShiftsRequest.model_validate({"shifts": {MONDAY.isoformat(): {"start": "20:00", "end": "08:00"}}})
    calendar.set_shifts(SUPER, SARI, night, SETTINGS, at_jakarta(MONDAY, 8, 0))
    checked(SARI, "in", at_jakarta(MONDAY, 19, 55))
    pending = checked(ASEP, "in", at_jakarta(MONDAY, 7, 25), status="review")
    checked(ASEP, "out", at_jakarta(MONDAY, 16, 5))
    recaps.run_daily_recap(MONDAY, SETTINGS, ["U1"], scheduled_at=at_jakarta(MONDAY, 23, 30))
    assert monday_statuses() == {ASEP: "TL4", SARI: "H"}
    # WHEN the unit admin approves Asep's check-in on Tuesday at 07:45, while Sari is still on duty
    approve = DecisionRequest(decision="approve")
    answer = reviews.decide(U1_ADMIN, pending.event_id, approve, SETTINGS, at_jakarta(TUESDAY, 7, 45))
    # THEN Asep's Monday is judged again with it, and Sari's night stays as it stands: her check-out is not due
    # until 08:00 (judging the day finished stored PSW4, "check-out missing", until the 10:30 run)
    assert answer.recap is not None and monday_statuses() == {ASEP: "H", SARI: "H"}
