"""Employees' requests on the in-memory twins: filing, attachments, cancelling, deciding (each type's effect),
parallel decisions, unit scopes; and the admin lists and cancellation of leaves and field duties."""

from __future__ import annotations

import base64
import contextlib
import functools
import json
import threading
import time as time_module
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError as PydanticValidationError

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.people import Employee, Principal
from chalicelib.domain.schedule import WorkHours
from chalicelib.errors import (
    AccountInactiveError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    UnavailableError,
    ValidationError,
)
from chalicelib.geo.errors import GeoValidationError
from chalicelib.settings import Settings, build_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id, punch_event_id
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import admin_views, recaps, requests, reviews, zones
from chalicelib.usecases import calendar as cal
from chalicelib.usecases.schemas.admin_views import AuditQuery
from chalicelib.usecases.schemas.calendar import HolidayRequest, LeaveRequest, ShiftsRequest
from chalicelib.usecases.schemas.reports import DecisionRequest
from chalicelib.usecases.schemas.requests import (
    AdminRequestsQuery,
    MyCorrectionsQuery,
    MyRequestsQuery,
    NewRequest,
    PeriodQuery,
    RequestDecisionRequest,
    RevocationRequest,
)
from chalicelib.usecases.schemas.zones import AssignmentRequest

from .admin_fixtures import AUDIT_START, AuditTrail, audited, settings
from .test_recaps import check

__all__ = ["audited", "settings"]  # the shared fixtures this module uses

NIP, OTHER, FAR = "198501012010011001", "199002022015032002", "197803032005011003"
NOW = datetime(2026, 3, 11, 3, 0, tzinfo=UTC)  # Wednesday 11 March 2026, 10:00 in Jakarta
SUPER = Principal(subject="admin", role="super_admin")
U1_ADMIN = Principal(subject="budi", role="unit_admin", unit_ids=frozenset({"U1"}))
U2_ADMIN = Principal(subject="sari", role="unit_admin", unit_ids=frozenset({"U2"}))
ME = Principal(subject=NIP, role="employee", device_id="android-0001-aaaa")
COLLEAGUE = Principal(subject=OTHER, role="employee", device_id="android-0002-bbbb")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64)
CIRCLE = {"lat": -6.8468, "lon": 107.4857, "radius_m": 150.0}


@pytest.fixture(autouse=True)
def people(repos: Repositories) -> None:
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"Unit {unit}")
    repos.people.put_employee(Employee(NIP, "Asep", "U1"))
    repos.people.put_employee(Employee(OTHER, "Budi", "U1"))
    repos.people.put_employee(Employee(FAR, "Cucu", "U2"))


def new(kind: str = "CUTI", start: str = "2026-03-16", end: str | None = None, **extra: Any) -> NewRequest:
    body = {"type": kind, "start_date": start, "end_date": end or start, "reason": "Keperluan keluarga", **extra}
    return NewRequest.model_validate(body)


def file(settings: Settings, body: NewRequest | None = None, who: Principal = ME) -> str:
    return requests.submit(who, body or new(), settings, NOW).request_id


def approve(request_id: str, settings: Settings, who: Principal = U1_ADMIN, **extra: Any) -> Any:
    body = RequestDecisionRequest.model_validate({"decision": "approve", **extra})
    return requests.decide(who, request_id, body, settings, NOW)


def reject(request_id: str, settings: Settings, note: str = "Tanpa surat") -> Any:
    body = RequestDecisionRequest.model_validate({"decision": "reject", "note": note})
    return requests.decide(U1_ADMIN, request_id, body, settings, NOW)


def at_once(decisions: list[Callable[[], Any]], outcome: Callable[[Any], str] = lambda r: str(r.status)) -> list[str]:
    """Run the admins' `decisions` from the same instant: each one's `outcome` (by default the resulting
    status), or "conflict" (409)."""
    start = threading.Barrier(len(decisions))

    def run(decision: Callable[[], Any]) -> str:
        start.wait()
        try:
            return outcome(decision())
        except ConflictError:
            return "conflict"

    with ThreadPoolExecutor(max_workers=len(decisions)) as pool:
        return list(pool.map(run, decisions))


def unit_admins(count: int) -> list[Principal]:
    return [Principal(subject=f"ops-{i}", role="unit_admin", unit_ids=frozenset({"U1"})) for i in range(count)]


# --- the employee ------------------------------------------------------------------------------------


def test_an_employee_files_lists_and_withdraws_their_requests(settings: Settings) -> None:
    # GIVEN two requests of the employee and one of a colleague
    first = file(settings)
    second = file(settings, new("SAKIT", "2026-03-10"))
    file(settings, who=COLLEAGUE)
    # WHEN the employee lists theirs, THEN they come newest first, pending, and only theirs
    mine = requests.my_requests(ME, MyRequestsQuery(), settings)
    assert {r.request_id for r in mine.items} == {first, second} and mine.next is None
    assert all(r.status == "pending" and r.nip == NIP and r.attachment is False for r in mine.items)
    # WHEN they withdraw one, THEN it is cancelled, and withdrawing it again is a conflict
    assert requests.cancel_mine(ME, first, settings, NOW).status == "cancelled"
    with pytest.raises(ConflictError):
        requests.cancel_mine(ME, first, settings, NOW)
    # AND a colleague cannot withdraw (nor learn about) it: 404
    with pytest.raises(NotFoundError):
        requests.cancel_mine(COLLEAGUE, second, settings, NOW)
    assert runtime.requests().get(second).status == "pending"  # type: ignore[union-attr]


def test_bad_dates_and_a_correction_without_time_are_refused(settings: Settings) -> None:
    refused = [
        (new("CUTI", "2026-03-16", "2026-03-13"), "end_date"),  # ends before it starts
        (new("CUTI", "2026-03-16", "2027-03-20"), "end_date"),  # more than a year
        (new("KOREKSI", "2026-03-10"), "time"),  # no time
        (new("KOREKSI", "2026-03-09", "2026-03-10", time="07:30"), "end_date"),  # two days
        (new("KOREKSI", "2026-03-12", time="07:30"), "start_date"),  # tomorrow
    ]
    for body, field in refused:
        with pytest.raises(ValidationError) as caught:
            requests.submit(ME, body, settings, NOW)
        assert list(caught.value.details) == [field], body  # the field at fault is named
    assert requests.my_requests(ME, MyRequestsQuery(), settings).items == []


def test_a_correction_time_with_a_line_break_after_it_is_refused_as_a_bad_time() -> None:
    # GIVEN a forgotten check-out corrected with a time pasted with its line break, "16:00\n"
    # WHEN the request is read, THEN the time is refused (400 naming it): the pattern's `$` let it through
    # and the clock parser then failed on it when the request was filed or decided (a 500)
    with pytest.raises(PydanticValidationError) as caught:
        new("KOREKSI", "2026-03-10", time="16:00\n", event_type="out")
    assert [error["loc"] for error in caught.value.errors()] == [("time",)]


def test_an_attachment_is_a_pdf_or_jpeg_of_at_most_2_mb_kept_privately(settings: Settings) -> None:
    # GIVEN a PDF and a JPEG letter, WHEN filed, THEN each is kept under the requests prefix as sent
    for content, kind in ((PDF, "pdf"), (JPEG, "jpg")):
        request_id = file(settings, new(attachment=base64.b64encode(content).decode()))
        stored = runtime.requests().get(request_id)
        assert stored is not None and stored.attachment_key == f"requests/{NIP}/{request_id}.{kind}"
        assert runtime.photos(settings).get(stored.attachment_key) == content
    # AND a PNG, a text file, broken base64 and an empty file are refused (400); over 2 MB is 413
    png = b"\x89PNG\r\n\x1a\n" + bytes(32)
    for bad in (base64.b64encode(png).decode(), base64.b64encode(b"hello").decode(), "%%%not-base64", ""):
        with pytest.raises(ValidationError):
            requests.submit(ME, new(attachment=bad), settings, NOW)
    with pytest.raises(PayloadTooLargeError):
        requests.submit(ME, new(attachment=base64.b64encode(PDF + bytes(2 * 1024 * 1024)).decode()), settings, NOW)
    assert len(requests.my_requests(ME, MyRequestsQuery(), settings).items) == 2


def test_an_attachment_one_byte_over_2_mb_is_refused_and_exactly_2_mb_is_filed(settings: Settings) -> None:
    # GIVEN a letter of exactly 2 MB and one a single byte longer: the longer one's base64 has no padding, so it
    # is exactly as long as the 2 MB one's (both 2,796,204 characters)
    limit = requests.MAX_ATTACHMENT_BYTES
    exact, over = (base64.b64encode(PDF + bytes(size - len(PDF))).decode() for size in (limit, limit + 1))
    assert len(exact) == len(over)
    # WHEN the employee files the longer one, THEN it is refused as too large (413), nothing stored
    with pytest.raises(PayloadTooLargeError):
        requests.submit(ME, new(attachment=over), settings, NOW)
    assert requests.my_requests(ME, MyRequestsQuery(), settings).items == []
    # AND the 2 MB one is filed, as API.md's "at most 2 MB" allows
    request_id = file(settings, new(attachment=exact))
    stored = runtime.requests().get(request_id)
    assert stored is not None and stored.attachment_key is not None
    assert len(runtime.photos(settings).get(stored.attachment_key) or b"") == limit


def test_an_employee_cannot_flood_the_queue(settings: Settings) -> None:
    for i in range(requests.MAX_PENDING):
        file(settings, new(reason=f"Keperluan keluarga {i}"))
    with pytest.raises(ConflictError):
        file(settings, new(reason="Satu lagi"))


def letter(i: int) -> str:
    """A PDF letter of its own (its bytes differ by `i`)."""
    return base64.b64encode(PDF + str(i).encode()).decode()


def test_an_employee_sends_at_most_ten_letters_a_day_even_sent_at_once_or_withdrawn(settings: Settings) -> None:
    # GIVEN letters filed and withdrawn in a loop today (each is kept, locked, in the bucket for two years)
    for i in range(4):
        requests.cancel_mine(ME, file(settings, new(attachment=letter(i), reason=f"Surat {i}")), settings, NOW)
    # WHEN twelve more arrive at once
    start = threading.Barrier(12)

    def send(i: int) -> str:
        start.wait()
        try:
            return file(settings, new(attachment=letter(100 + i), reason=f"Surat lagi {i}"))
        except RateLimitedError as exc:
            return f"429 after {exc.retry_after_s} s"

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(send, range(12)))
    # THEN six are filed (ten letters today in all), the others refused until midnight in Jakarta (14 hours on)
    assert sorted(a for a in answers if a.startswith("429")) == ["429 after 50400 s"] * 6
    stored = [r for r in runtime.requests().of_employee_in(NIP, "pending") if r.attachment_key]
    assert len(stored) == 6
    # AND a request without a letter is filed as ever, and tomorrow a letter is taken again
    file(settings, new(reason="Tanpa surat"))
    tomorrow = requests.submit(ME, new(attachment=letter(999), reason="Besok"), settings, NOW + timedelta(days=1))
    assert tomorrow.status == "pending"


def test_a_letter_whose_filing_storage_fails_spends_none_of_the_day_s_places(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the bucket down for twelve tries of a letter, then the request store down for twelve more
    def down(*args: object) -> None:
        raise UnavailableError()

    for store, method in ((type(runtime.photos(settings)), "put"), (type(runtime.requests()), "add")):
        with monkeypatch.context() as patch:
            patch.setattr(store, method, down)
            for _ in range(12):
                with pytest.raises(UnavailableError):
                    file(settings, new(attachment=letter(0), reason="Surat dokter"))
    # WHEN it is sent again once storage is back, THEN it is filed, and so are nine letters more that day
    filed = {file(settings, new(attachment=letter(i), reason="Surat dokter")) for i in range(10)}
    assert len(filed) == 10
    with pytest.raises(RateLimitedError):
        file(settings, new(attachment=letter(10), reason="Surat dokter"))


def test_the_same_request_sent_again_is_filed_once(settings: Settings) -> None:
    # GIVEN a request with a letter, sent twice (a double tap, a retry after a lost answer)
    letter = base64.b64encode(PDF).decode()
    first = file(settings, new("SAKIT", "2026-03-10", attachment=letter))
    again = file(settings, new("SAKIT", "2026-03-10", attachment=letter))
    # THEN both answers name one request, and one is stored
    assert again == first
    assert [r.request_id for r in requests.my_requests(ME, MyRequestsQuery(), settings).items] == [first]
    # AND another letter, another reason or another day is another request
    others = {
        file(settings, new("SAKIT", "2026-03-10", attachment=base64.b64encode(JPEG).decode())),
        file(settings, new("SAKIT", "2026-03-10", attachment=letter, reason="Demam")),
        file(settings, new("SAKIT", "2026-03-09", attachment=letter)),
    }
    assert first not in others and len(others) == 3
    # AND once withdrawn, filing it again is a new request, pending, which a second tap finds again
    requests.cancel_mine(ME, first, settings, NOW)
    renewed = file(settings, new("SAKIT", "2026-03-10", attachment=letter))
    assert renewed != first and runtime.requests().get(renewed).status == "pending"  # type: ignore[union-attr]
    assert file(settings, new("SAKIT", "2026-03-10", attachment=letter)) == renewed
    # AND once that one is rejected, filing it again (twice) is one more request
    reject(renewed, settings)
    third = {file(settings, new("SAKIT", "2026-03-10", attachment=letter)) for _ in range(2)}
    assert len(third) == 1 and not third & {first, renewed}
    mine = requests.my_requests(ME, MyRequestsQuery(), settings).items
    assert [r.request_id for r in mine if r.status == "pending" and r.request_id not in others] == list(third)


def test_the_same_request_sent_in_parallel_is_filed_once(settings: Settings) -> None:
    # GIVEN eight copies of one request arriving at the same moment
    start = threading.Barrier(8)

    def send(_: int) -> str:
        start.wait()
        return file(settings, new("IZIN", "2026-03-12"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(send, range(8)))
    # THEN all answers name the one request stored
    assert len(ids) == 1
    assert [r.request_id for r in requests.my_requests(ME, MyRequestsQuery(), settings).items] == list(ids)


# --- deciding ----------------------------------------------------------------------------------------


def test_an_approved_leave_request_records_the_leave(settings: Settings, audited: AuditTrail) -> None:
    request_id = file(settings, new("SAKIT", "2026-03-16", "2026-03-17"))
    decision = approve(request_id, settings, note="Semoga lekas sembuh")
    assert decision.status == "approved" and decision.result_id and decision.recapped == []
    leaves = cal.list_leaves(U1_ADMIN, PeriodQuery(), settings, NOW).items
    assert [(le.leave_id, le.nip, le.nama, le.type, le.start_date, le.end_date) for le in leaves] == [
        (decision.result_id, NIP, "Asep", "SAKIT", "2026-03-16", "2026-03-17")
    ]
    mine = requests.my_requests(ME, MyRequestsQuery(), settings).items[0]
    # the employee's own list says an admin decided, not which one (their username is half of their login)
    assert (mine.status, mine.note, mine.decided_by, mine.result_id) == (
        "approved", "Semoga lekas sembuh", "ADMIN", decision.result_id
    )  # fmt: skip
    assert ("budi", "request.approve", request_id) in audited()
    assert ("budi", "leave.add", NIP) in audited()


def test_a_leave_request_overlapping_a_recorded_leave_is_not_approved(settings: Settings, audited: AuditTrail) -> None:
    # GIVEN a sick leave the admin entered for 16 and 17 March, and the employee's permit asked for the 17th
    body = {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-16", "end_date": "2026-03-17"}
    sick = cal.add_leave(U1_ADMIN, LeaveRequest.model_validate(body), settings, NOW)
    request_id = file(settings, new("IZIN", "2026-03-17"))
    # WHEN the admin approves the permit, THEN it is 409 naming the sick leave (17 March would be I or S by
    # whichever leave was read first), nothing is recorded and the request is pending again
    with pytest.raises(ConflictError) as caught:
        approve(request_id, settings)
    assert caught.value.details["leave_id"] == sick.leave_id
    leaves = cal.list_leaves(U1_ADMIN, PeriodQuery(), settings, NOW).items
    assert [le.leave_id for le in leaves] == [sick.leave_id]
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    assert ("budi", "request.approve", request_id) not in audited()


def test_a_rejection_records_nothing_but_the_note(settings: Settings, audited: AuditTrail) -> None:
    request_id = file(settings)
    assert reject(request_id, settings).status == "rejected"
    assert cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items == []
    assert requests.my_requests(ME, MyRequestsQuery(), settings).items[0].note == "Tanpa surat"
    assert ("budi", "request.reject", request_id) in audited()


def test_an_approved_field_duty_request_records_a_letter_with_or_without_an_area(settings: Settings) -> None:
    bare = approve(file(settings, new("DL", "2026-03-12", "2026-03-13")), settings)
    placed = approve(file(settings, new("DL", "2026-03-16")), settings, circle=CIRCLE, letter_no="800/7")
    listed = zones.list_assignments(U1_ADMIN, PeriodQuery(), settings, NOW).items
    assert [(a.assignment_id, a.nips, a.zone_id is None, a.start_date) for a in listed] == [
        (bare.result_id, [NIP], True, "2026-03-12"),
        (placed.result_id, [NIP], False, "2026-03-16"),
    ]
    assert listed[1].letter_no == "800/7" and listed[0].letter_no.startswith("PENGAJUAN r-")
    assert [d.assignment_id for d in runtime.zones().duties_of(NIP, date(2026, 3, 12))] == [bare.result_id]


def test_a_field_duty_whose_area_is_invalid_stays_pending(settings: Settings) -> None:
    request_id = file(settings, new("DL", "2026-03-16"))
    with pytest.raises(GeoValidationError):  # VALIDATION_ERROR, in the geo package's words
        approve(request_id, settings, polygon=[[-6.84, 107.48], [-6.85, 107.49]])
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    assert approve(request_id, settings).status == "approved"


def test_an_approved_correction_records_an_event_marked_as_such(settings: Settings) -> None:
    request_id = file(settings, new("KOREKSI", "2026-03-10", time="07:45", event_type="in"))
    decision = approve(request_id, settings)
    day = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    events = runtime.events().events_between(NIP, day, day + timedelta(days=1))
    assert [(e.event_id, e.type, e.status, e.attendance_time, e.warnings) for e in events] == [
        (decision.result_id, "in", "accepted", "2026-03-10T00:45:00+00:00", ("CORRECTION",))
    ]
    assert events[0].answer and events[0].answer["request_id"] == request_id


def test_a_correction_of_a_day_before_a_move_is_recorded_and_judged_in_the_unit_of_that_day(
    settings: Settings, repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's Tuesday 10 March recapped in U1 (absent), then his move to U2 recorded on the 11th
    recaps.run_daily_recap(date(2026, 3, 10), settings, ["U1"])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: NOW)
    repos.people.put_employee(Employee(NIP, "Asep", "U2"))
    # WHEN he asks, from U2, to correct his arrival that Tuesday: the request is U1's, whose day it is (U2's admin
    # neither sees nor decides it: decision 494), and U1's admin approves
    request_id = file(settings, new("KOREKSI", "2026-03-10", time="07:25", event_type="in"))
    with pytest.raises(NotFoundError):
        approve(request_id, settings, who=U2_ADMIN)
    decision = approve(request_id, settings, who=U1_ADMIN)
    # THEN the corrected arrival is U1's event, and U1's Tuesday is judged again with it (no longer absent)
    assert decision.recapped == ["2026-03-10"]
    [event] = runtime.events().events_of_unit_day("U1", "2026-03-10")
    assert (event.nip, event.attendance_time) == (NIP, datetime(2026, 3, 10, 0, 25, tzinfo=UTC))
    assert runtime.events().events_of_unit_day("U2", "2026-03-10") == []
    stored = repos.statuses.employee_status(NIP, date(2026, 3, 10))
    assert stored is not None and stored[0] == "U1" and stored[1].status.status != "TK"


@pytest.mark.parametrize("dated", ["2026-03-07", "2026-03-08"], ids=["the-evening-s-date", "the-shift-s-date"])
def test_a_corrected_arrival_before_midnight_re_judges_the_shift_from_midnight_it_begins(
    settings: Settings, repos: Repositories, dated: str
) -> None:
    # GIVEN Asep rostered on Sunday 8 March 00:00-08:00; his 08:05 check-out recorded, his 23:45 arrival the
    # evening before lost; Sunday recapped without it (TL4)
    sunday = date(2026, 3, 8)
    roster = ShiftsRequest.model_validate({"shifts": {sunday.isoformat(): {"start": "00:00", "end": "08:00"}}})
    cal.set_shifts(SUPER, NIP, roster, settings, datetime(2026, 3, 7, 1, 0, tzinfo=UTC))
    check(repos, NIP, "out", datetime(2026, 3, 8, 1, 5, tzinfo=UTC))
    recaps.run_daily_recap(sunday, settings, ["U1"])
    before = repos.statuses.employee_status(NIP, sunday)
    assert before is not None and before[1].status.status == "TL4"
    # WHEN his correction of the arrival at 23:45, dated Saturday or dated the shift's Sunday (it names Saturday's
    # 23:45 either way: Sunday's own 23:45 is outside the shift's window), is approved on Wednesday
    decision = approve(file(settings, new("KOREKSI", dated, time="23:45", event_type="in")), settings)
    [event] = [e for e in runtime.events().events_between(NIP, NOW - timedelta(days=7), NOW) if e.type == "in"]
    assert event.attendance_time == "2026-03-07T16:45:00+00:00" and event.working_day == sunday.isoformat()
    # THEN Sunday, the shift it begins (decision 294), is judged again: present, no deduction
    assert sunday.isoformat() in decision.recapped
    after = repos.statuses.employee_status(NIP, sunday)
    assert after is not None and after[1].status.status == "H"


def correction(day: str, at: str = "07:30", kind: str = "in") -> NewRequest:
    return new("KOREKSI", day, time=at, event_type=kind)


def with_cap(cap: int | None, tmp_path: Path) -> Settings:
    """Settings whose rule table allows `cap` approved corrections a month (None: no cap)."""
    rules = tmp_path / f"rules-{cap}.json"
    rules.write_text(json.dumps({"corrections_per_month": cap}))
    return build_settings({"SMART_RULES_FILE": str(rules)})


def corrections(nip: str = NIP) -> list[str]:
    day = datetime(2026, 2, 1, tzinfo=UTC)
    found = runtime.events().events_between(nip, day, day + timedelta(days=60))
    return [e.local_date for e in found if "CORRECTION" in e.warnings]


def test_an_employee_gets_at_most_two_corrections_a_month(settings: Settings) -> None:
    # GIVEN two corrections of March filed (the default rule table: 2 a month)
    first, second = file(settings, correction("2026-03-02")), file(settings, correction("2026-03-03"))
    # WHEN a third of March is filed, THEN it is a conflict that names the month and the limit
    with pytest.raises(ConflictError) as caught:
        file(settings, correction("2026-03-04"))
    assert caught.value.details == {"limit": 2, "month": "2026-03", "used": 2}
    assert "Maret 2026" in str(caught.value.message)
    # AND sending one of the two again still answers its id, and another month or another type is filed
    assert file(settings, correction("2026-03-02")) == first
    file(settings, correction("2026-02-27"))
    file(settings, new("IZIN", "2026-03-05"))
    # WHEN one is rejected, THEN its place is free again; once two are approved, March is full
    reject(second, settings)
    third = file(settings, correction("2026-03-04", "16:00", "out"))
    approve(first, settings)
    approve(third, settings)
    with pytest.raises(ConflictError):
        file(settings, correction("2026-03-06"))
    assert corrections() == ["2026-03-02", "2026-03-04"]


def allowance(settings: Settings, month: str = "2026-03", who: Principal = ME) -> tuple[Any, ...]:
    left = requests.my_corrections(who, MyCorrectionsQuery.model_validate({"month": month}), settings)
    return left.limit, left.approved, left.pending, left.remaining


def test_the_app_is_told_the_corrections_left_the_way_filing_counts_them(settings: Settings, tmp_path: Path) -> None:
    # GIVEN nothing filed, THEN March leaves the default two
    assert allowance(settings) == (2, 0, 0, 2)
    # WHEN one March correction is approved and one waits, THEN none is left, and filing agrees
    approve(file(settings, correction("2026-03-02")), settings)
    waiting = file(settings, correction("2026-03-03"))
    assert allowance(settings) == (2, 1, 1, 0)
    with pytest.raises(ConflictError):
        file(settings, correction("2026-03-04"))
    # AND other months, and a colleague's March, are untouched
    assert allowance(settings, "2026-02") == (2, 0, 0, 2)
    assert allowance(settings, who=COLLEAGUE) == (2, 0, 0, 2)
    # WHEN the waiting one is withdrawn, THEN its place is back
    requests.cancel_mine(ME, waiting, settings, NOW)
    assert allowance(settings) == (2, 1, 0, 1)
    # AND a regency with no cap tells no counts; one that allows fewer than are approved tells none left
    assert allowance(with_cap(None, tmp_path)) == (None, None, None, None)
    assert allowance(with_cap(0, tmp_path)) == (0, 1, 0, 0)


def test_an_admin_list_tells_each_correction_s_month_so_far(settings: Settings, tmp_path: Path) -> None:
    # GIVEN Asep's approved correction of 2 March, his pending ones of 3 March and of February, and a permit
    approve(file(settings, correction("2026-03-02")), settings)
    file(settings, correction("2026-03-03"))
    file(settings, correction("2026-02-27"))
    file(settings, new("IZIN", "2026-03-05"))

    def listed(rules: Settings) -> dict[str, Any]:
        items = requests.list_requests(U1_ADMIN, AdminRequestsQuery(), rules, NOW).items
        counts = {(i.type, i.start_date): i.month_corrections for i in items}
        return {f"{t} {d}": (c.month, c.limit, c.approved) if c else None for (t, d), c in counts.items()}

    # THEN each correction carries its month's approved corrections against the cap; the permit nothing
    assert listed(settings) == {
        "KOREKSI 2026-03-02": ("2026-03", 2, 1),
        "KOREKSI 2026-03-03": ("2026-03", 2, 1),
        "KOREKSI 2026-02-27": ("2026-02", 2, 0),
        "IZIN 2026-03-05": None,
    }
    # AND with no cap there is nothing to tell
    assert set(listed(with_cap(None, tmp_path)).values()) == {None}


def test_an_admin_sees_the_check_a_correction_would_stand_beside(settings: Settings) -> None:
    # GIVEN Asep's machine arrival at 09:10 on Tuesday 10 March (TL4), and his correction asking for 07:25 that day
    arrived = Event(
        event_id=punch_event_id(NIP, datetime(2026, 3, 10, 2, 10, tzinfo=UTC)), nip=NIP, type="in",
        status="accepted", attendance_time="2026-03-10T02:10:00+00:00", received_at="2026-03-10T03:00:00+00:00",
        local_date="2026-03-10", unor_id="U1", warnings=(), reasons=(), source="fingerprint",
    )  # fmt: skip
    runtime.events().put_punches([arrived])
    file(settings, correction("2026-03-10", "07:25"))
    file(settings, correction("2026-03-09", "16:05", "out"))  # a day with no departure recorded
    # WHEN the unit's admin lists the requests
    items = requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, NOW).items
    # THEN the Tuesday correction shows the 09:10 arrival it would stand beside; Monday's has none to show
    assert {i.start_date: i.recorded_time for i in items} == {
        "2026-03-10": "2026-03-10T02:10:00+00:00",
        "2026-03-09": None,
    }


def test_an_admin_sees_the_checks_a_correction_would_put_back(repos: Repositories, settings: Settings) -> None:
    # GIVEN Asep's 07:20 arrival on Tuesday 10 March rejected in review as a stand-in's, and a check-in refused
    # there at 07:18 for another face
    at = datetime(2026, 3, 10, 0, 20, tzinfo=UTC)
    stand_in = check(repos, NIP, "in", at, status="review")
    rejection = DecisionRequest(decision="reject", note="bukan wajah pegawai")
    reviews.decide(SUPER, stand_in.event_id, rejection, settings, NOW)
    tried = at - timedelta(minutes=2)
    refused = Event(new_event_id(NIP, tried), NIP, "in", "refused", iso(tried), iso(tried), "2026-03-10", "U1",
                    warnings=(), reasons=("FACE_MISMATCH",))  # fmt: skip
    repos.events.write_checkin(CheckinWrite(refused, f"{NIP}#refused", "body", StoredAnswer(422, {}), tried))
    # WHEN he asks for a correction to 07:20 that day, and the unit's admin lists it
    file(settings, correction("2026-03-10", "07:20"))
    [item] = requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, NOW).items
    # THEN the admin sees what it would put back: the rejected check-in (who, why) and the refused one (its code),
    # newest first, though the day records no arrival
    assert item.recorded_time is None and item.set_aside is not None
    assert [(a.how, a.by, a.note, a.code) for a in item.set_aside] == [
        ("rejected", SUPER.subject, "bukan wajah pegawai", None),
        ("refused", None, None, "FACE_MISMATCH"),
    ]
    # AND once a correction of that minute was approved and then taken back, a second one shows the revocation
    approve(item.request_id, settings)
    revoke(item.request_id, settings, note="tidak hadir, dicek atasan")
    file(settings, correction("2026-03-10", "07:21"))
    [again] = requests.list_requests(U1_ADMIN, AdminRequestsQuery(status="pending"), settings, NOW).items
    assert again.set_aside is not None
    assert ("revoked", SUPER.subject, "tidak hadir, dicek atasan") in [(a.how, a.by, a.note) for a in again.set_aside]


def test_a_night_shift_s_check_out_correction_shows_its_own_shift_s_departure(
    repos: Repositories, settings: Settings
) -> None:
    # GIVEN a nurse on 21:00-07:00 on Sunday 8 and Monday 9 March: Sunday's shift left Monday at 07:02, Monday's
    # began 20:55 and has no departure yet
    night = WorkHours(time(21, 0), time(7, 0))
    repos.calendar.put_shifts(NIP, "U1", {date(2026, 3, 8): night, date(2026, 3, 9): night}, "admin")
    for at, kind in ((datetime(2026, 3, 9, 0, 2, tzinfo=UTC), "out"), (datetime(2026, 3, 9, 13, 55, tzinfo=UTC), "in")):
        seen = Event(
            event_id=punch_event_id(NIP, at), nip=NIP, type=kind, status="accepted", attendance_time=at.isoformat(),
            received_at=at.isoformat(), local_date="2026-03-09", unor_id="U1", warnings=(), reasons=(),
        )  # fmt: skip
        runtime.events().put_punches([seen])
    # WHEN she asks for Monday's missing departure at 07:00 (Tuesday morning)
    file(settings, correction("2026-03-09", "07:00", "out"))
    [item] = [i for i in requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, NOW).items]
    # THEN the admin is shown no departure for it: Sunday's 07:02 belongs to Sunday's shift
    assert item.recorded_time is None


def test_admins_approving_at_once_never_pass_the_cap(settings: Settings, tmp_path: Path) -> None:
    # GIVEN three March corrections filed while the rule table had no cap
    filed = [file(with_cap(None, tmp_path), correction(f"2026-03-0{day}")) for day in (2, 3, 4)]
    # WHEN three admins approve them at the same moment under the default cap of two
    pairs = zip(filed, unit_admins(3), strict=True)
    outcomes = at_once([functools.partial(approve, r, settings, who=admin) for r, admin in pairs])
    # THEN two are approved and recorded, and the third stays pending
    assert sorted(outcomes) == ["approved", "approved", "conflict"]
    assert len(corrections()) == 2
    assert [runtime.requests().get(r).status for r in filed].count("pending") == 1  # type: ignore[union-attr]


def test_the_rule_table_sets_the_cap(tmp_path: Path) -> None:
    # GIVEN a regency with no cap, THEN three corrections of a month are filed and approved
    free = with_cap(None, tmp_path)
    for day in (2, 3, 4):
        approve(file(free, correction(f"2026-03-0{day}")), free)
    assert len(corrections()) == 3
    # GIVEN a regency that allows none, THEN a correction is refused, and so is approving one filed before
    waiting = file(free, correction("2026-02-02"))
    closed = with_cap(0, tmp_path)
    with pytest.raises(ConflictError) as caught:
        file(closed, correction("2026-02-03"))
    assert caught.value.details == {"limit": 0, "month": "2026-02", "used": 1}  # the one waiting counts
    with pytest.raises(ConflictError):
        approve(waiting, closed)
    assert runtime.requests().get(waiting).status == "pending"  # type: ignore[union-attr]


def test_a_correction_whose_event_could_not_be_written_gives_its_place_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a cap of two and two corrections of March, WHEN storage fails while the first is approved
    first, second = file(settings, correction("2026-03-02")), file(settings, correction("2026-03-03"))

    def down(*args: object) -> None:
        raise UnavailableError()

    with monkeypatch.context() as patch:
        patch.setattr(type(runtime.events()), "write_checkin", down)
        with pytest.raises(UnavailableError):
            approve(first, settings)
    # THEN it is pending again and holds no place: both can still be approved, the other one first
    assert runtime.requests().get(first).status == "pending"  # type: ignore[union-attr]
    approve(second, settings)
    approve(first, settings)
    assert corrections() == ["2026-03-02", "2026-03-03"]


def revoke(request_id: str, settings: Settings, who: Principal = SUPER, note: str = "Tidak ada bukti") -> Any:
    return requests.revoke(who, request_id, RevocationRequest.model_validate({"note": note}), settings, NOW)


def test_the_decisions_on_a_correction_are_audited_with_what_they_changed_and_found_by_nip(
    settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN Asep's Tuesday 10 March recapped absent, and his "Masuk 07:20" of that day
    recaps.run_daily_recap(date(2026, 3, 10), settings, ["U1"])
    request_id = file(settings, correction("2026-03-10", "07:20"))
    # WHEN his unit admin approves it with a note, and the BKPSDM officer takes it back with another
    event_id = approve(request_id, settings, note="Ada saksi").result_id
    revoke(request_id, settings, note="Foto bukan orangnya")
    # THEN each entry says what was asked, the note, and the day's status before it
    approval, revocation = (e.detail for e in audited.entries() if e.target == request_id)
    asked = {"nip": NIP, "type": "KOREKSI", "result_id": event_id, "start_date": "2026-03-10"}
    asked |= {"end_date": "2026-03-10", "time": "07:20", "event_type": "in"}
    assert approval == {**asked, "note": "Ada saksi", "status_before": "TK"}
    assert revocation is not None and revocation["note"] == "Foto bukan orangnya"
    assert revocation["status_before"] not in ("TK", None)
    # AND another admin of U1 (or an auditor of U1) finds both by Asep's NIP; U2's admin finds nothing
    query = AuditQuery.model_validate({"from": "2026-03-02", "to": "2026-03-02", "target": NIP})
    later = AUDIT_START + timedelta(hours=1)
    for reader in (unit_admins(1)[0], Principal(subject="pemeriksa", role="auditor", unit_ids=frozenset({"U1"}))):
        found = admin_views.audit_log(reader, query, settings, later).items
        assert [(i.action, i.target) for i in found] == [
            ("request.revoke", request_id),
            ("request.approve", request_id),
        ]
        assert found[1].details == approval
    assert admin_views.audit_log(U2_ADMIN, query, settings, later).items == []


def test_an_approved_correction_is_taken_back_once_and_no_longer_counts(
    settings: Settings, repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN Asep's Tuesday 10 March recapped, then his arrival and departure corrected (March's cap of two full)
    tuesday = date(2026, 3, 10)
    recaps.run_daily_recap(tuesday, settings, ["U1"])
    arrival = file(settings, correction("2026-03-10", "07:20"))
    departure = file(settings, correction("2026-03-10", "16:05", "out"))
    approve(arrival, settings)
    event_id = approve(departure, settings).result_id

    def status() -> str:
        stored = repos.statuses.employee_status(NIP, tuesday)
        return stored[1].status.status if stored else ""

    assert status() == "H"
    with pytest.raises(ConflictError):
        file(settings, correction("2026-03-09"))
    # WHEN the BKPSDM officer takes the departure back
    decision = revoke(departure, settings)
    # THEN the request is revoked, its event kept as evidence but no longer counted, and Tuesday judged again
    assert (decision.status, decision.result_id, decision.recapped) == ("revoked", event_id, ["2026-03-10"])
    kept = runtime.events().get_event(event_id)
    assert kept is not None and (kept.status, kept.decision, kept.decision_note) == (
        "accepted",
        "revoke",
        "Tidak ada bukti",
    )
    assert status() not in ("H", "")
    assert ("admin", "request.revoke", departure) in audited()
    # AND Asep sees it cancelled by the admin (API.md's statuses), and March has a place again
    mine = {i.request_id: i for i in requests.my_requests(ME, MyRequestsQuery(), settings).items}
    assert (mine[departure].status, mine[departure].note, mine[departure].decided_by) == (
        "cancelled", "Tidak ada bukti", "ADMIN"
    )  # fmt: skip
    assert (mine[departure].approved_by, mine[departure].approved_at) == ("ADMIN", NOW.isoformat())
    # AND withdrawing it is refused in the same words: it is no longer pending, it is cancelled
    with pytest.raises(ConflictError) as withdrawn:
        requests.cancel_mine(ME, departure, settings, NOW)
    assert withdrawn.value.details == {"status": "cancelled"}
    pending = file(settings, correction("2026-03-09"))
    # AND it is not taken back twice (by another admin; the same one is answered as before), nor is a pending or
    # a rejected request, nor by another unit's admin
    assert revoke(departure, settings).status == "revoked"
    with pytest.raises(ConflictError):
        revoke(departure, settings, who=U1_ADMIN)
    rejected = file(settings, new("IZIN"))
    reject(rejected, settings)
    for request_id in (pending, rejected):
        with pytest.raises(ConflictError):
            revoke(request_id, settings, who=U1_ADMIN)
    with pytest.raises(NotFoundError):
        revoke(arrival, settings, who=U2_ADMIN)
    with pytest.raises(ForbiddenError):
        revoke(arrival, settings, who=ME)
    assert runtime.requests().get(arrival).status == "approved"  # type: ignore[union-attr]


def test_an_approved_leave_or_field_duty_taken_back_is_cancelled_even_if_cancelled_already(
    settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN Asep's approved permit and field duty on Tuesday 10 March, recapped as such
    tuesday = date(2026, 3, 10)
    permit = file(settings, new("IZIN", "2026-03-10"))
    duty = file(settings, new("DL", "2026-03-10"))
    leave_id, letter_id = approve(permit, settings).result_id, approve(duty, settings).result_id
    recaps.run_daily_recap(tuesday, settings, ["U1"])
    # WHEN the permit is taken back, THEN the leave is cancelled, the request revoked, and Tuesday judged again
    decision = revoke(permit, settings, who=U1_ADMIN)
    assert (decision.status, decision.result_id, decision.recapped) == ("revoked", leave_id, ["2026-03-10"])
    assert cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items == []
    assert [(a, t) for _, a, t in audited()][-2:] == [("leave.cancel", NIP), ("request.revoke", permit)]
    # WHEN the letter was cancelled first from its own screen, THEN taking the request back still revokes it
    zones.cancel_assignment(U1_ADMIN, str(letter_id), settings, NOW)
    assert revoke(duty, settings).status == "revoked"
    assert runtime.zones().duties_of(NIP, tuesday) == []
    mine = {i.request_id: i.status for i in requests.my_requests(ME, MyRequestsQuery(), settings).items}
    assert mine == {permit: "cancelled", duty: "cancelled"}


def test_a_leave_or_letter_cancelled_from_its_own_list_takes_its_request_back(
    settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN Asep's approved permit, field duty and leave, and a leave the admin recorded without a request
    days = {"IZIN": "2026-03-10", "DL": "2026-03-11", "CUTI": "2026-03-13"}
    permit, duty, kept = (file(settings, new(kind, day)) for kind, day in days.items())
    leave_id, letter_id, _ = (approve(r, settings).result_id for r in (permit, duty, kept))
    sick = {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-12", "end_date": "2026-03-12", "reason": "Flu"}
    plain = cal.add_leave(U1_ADMIN, LeaveRequest.model_validate(sick), settings, NOW).leave_id

    def mine() -> dict[str, tuple[str, str | None, str | None]]:
        items = requests.my_requests(ME, MyRequestsQuery(), settings).items
        return {i.request_id: (i.status, i.note, i.decided_by) for i in items}

    # WHEN another unit's admin tries, THEN nothing is cancelled nor taken back
    with pytest.raises(NotFoundError):
        requests.cancel_leave(U2_ADMIN, str(leave_id), settings, NOW)
    assert mine()[permit][0] == "approved"
    # WHEN the unit's admin cancels the permit's leave in "Cuti & Izin"
    assert requests.cancel_leave(U1_ADMIN, str(leave_id), settings, NOW).cancelled is True
    # THEN its request is taken back with a note Asep reads; his other leave's request stays approved
    assert mine()[permit] == ("cancelled", requests.LEAVE_CANCELLED, "ADMIN")
    assert mine()[kept][0] == "approved"
    assert [(a, t) for _, a, t in audited()][-2:] == [("leave.cancel", NIP), ("request.revoke", permit)]
    # WHEN the letter was cancelled but its request not (a failure in between), THEN cancelling again mends it
    zones.cancel_assignment(U1_ADMIN, str(letter_id), settings, NOW)
    assert mine()[duty][0] == "approved"
    assert requests.cancel_letter(U1_ADMIN, str(letter_id), settings, NOW).cancelled is True  # their own: answered
    assert mine()[duty] == ("cancelled", requests.LETTER_CANCELLED, "ADMIN")
    # AND a leave no request created is cancelled as before, taking nothing else back
    trail = len(audited())
    assert requests.cancel_leave(U1_ADMIN, plain, settings, NOW).cancelled is True
    assert [a for _, a, _ in audited()[trail:]] == ["leave.cancel"]
    assert mine()[kept][0] == "approved"


def test_admins_cancelling_one_leave_at_once_take_its_request_back_once(
    settings: Settings, audited: AuditTrail
) -> None:
    # GIVEN Asep's approved permit
    permit = file(settings, new("IZIN", "2026-03-10"))
    leave_id = str(approve(permit, settings).result_id)
    # WHEN eight admins cancel its leave from the list at the same moment
    admins = (SUPER, U1_ADMIN, *unit_admins(6))
    cancels = [functools.partial(requests.cancel_leave, a, leave_id, settings, NOW) for a in admins]
    outcomes = at_once(cancels, outcome=lambda c: "cancelled" if c.cancelled else "kept")
    # THEN one cancellation wins, the others are told 409; the request is revoked and audited once
    assert sorted(outcomes) == ["cancelled"] + ["conflict"] * (len(admins) - 1)
    assert runtime.requests().get(permit).status == "revoked"  # type: ignore[union-attr]
    assert [t for _, a, t in audited() if a == "request.revoke"] == [permit]


def test_two_admins_who_both_find_the_request_still_approved_audit_its_revocation_once(
    settings: Settings, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's approved permit, and two admins whose cancellations both read its request as still approved
    # (the interleaving a loaded machine gives now and then, made certain: each waits for the other's read)
    permit = file(settings, new("IZIN", "2026-03-10"))
    leave_id = str(approve(permit, settings).result_id)
    store, both_read = runtime.requests(), threading.Barrier(2, timeout=5)
    read = store.of_employee_in

    def read_together(nip: str, status: str) -> list[Any]:
        found = read(nip, status)
        if status == "approved":
            both_read.wait()
        return found

    monkeypatch.setattr(store, "of_employee_in", read_together)
    cancels = [functools.partial(requests.cancel_leave, a, leave_id, settings, NOW) for a in (SUPER, U1_ADMIN)]
    # WHEN both cancel the leave at the same moment
    outcomes = at_once(cancels, outcome=lambda c: "cancelled" if c.cancelled else "kept")
    # THEN the request is taken back once, and the audit log says so once, by the admin who took it back
    assert sorted(outcomes) == ["cancelled", "conflict"]
    revoked = runtime.requests().get(permit)
    assert revoked is not None and revoked.status == "revoked"
    assert [(actor, t) for actor, a, t in audited() if a == "request.revoke"] == [(revoked.decided_by, permit)]


def test_a_leave_cancelled_while_storage_fails_is_mended_by_cancelling_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's approved permit, WHEN its leave is cancelled and storage fails as the request is taken back
    permit = file(settings, new("IZIN", "2026-03-10"))
    leave_id = str(approve(permit, settings).result_id)

    def down(*args: object, **kwargs: object) -> None:
        raise UnavailableError()

    with monkeypatch.context() as patch:
        patch.setattr(type(runtime.requests()), "revoke", down)
        with pytest.raises(UnavailableError):
            requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW)
    # THEN the leave is cancelled and the request still approved (the admin was told 503)
    assert cal.list_leaves(U1_ADMIN, PeriodQuery(), settings, NOW).items == []
    assert runtime.requests().get(permit).status == "approved"  # type: ignore[union-attr]
    # WHEN the admin cancels again, THEN it is answered as cancelled (their own cancellation) and the request is
    # taken back
    assert requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW).cancelled is True
    assert runtime.requests().get(permit).status == "revoked"  # type: ignore[union-attr]


def test_the_request_behind_a_cancelled_leave_is_found_beyond_the_first_page(settings: Settings) -> None:
    # GIVEN Asep's approved permit, then 50 newer requests of his, rejected
    permit = file(settings, new("IZIN", "2026-03-10"))
    leave_id = str(approve(permit, settings).result_id)
    for i in range(requests.PAGE):
        later = NOW + timedelta(minutes=i + 1)
        reject(requests.submit(ME, new("CUTI", "2026-03-20", reason=f"Keperluan {i}"), settings, later).request_id,
               settings)  # fmt: skip
    assert permit not in {i.request_id for i in requests.my_requests(ME, MyRequestsQuery(), settings).items}
    # WHEN the permit's leave is cancelled from its list, THEN the permit is taken back
    requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW)
    assert runtime.requests().get(permit).status == "revoked"  # type: ignore[union-attr]


def test_admins_taking_back_one_correction_at_once_revoke_it_once(settings: Settings, audited: AuditTrail) -> None:
    # GIVEN an approved correction and the cap of two
    request_id = file(settings, correction("2026-03-10"))
    approve(request_id, settings)
    # WHEN three admins take it back at the same moment
    admins = [SUPER, U1_ADMIN, *unit_admins(1)]
    outcomes = at_once([functools.partial(revoke, request_id, settings, who=admin) for admin in admins])
    # THEN one revocation wins and is audited once; the others are told 409
    assert sorted(outcomes) == ["conflict", "conflict", "revoked"]
    assert [a for _, a, target in audited() if target == request_id] == ["request.approve", "request.revoke"]
    assert runtime.requests().quota_holders(f"KOREKSI#{NIP}#2026-03") == frozenset()


def test_a_night_shift_s_forgotten_check_out_is_corrected_under_the_shift_s_date_or_the_next(
    settings: Settings, repos: Repositories
) -> None:
    # GIVEN Asep and Budi on Monday's 21:00-07:00 shift, Monday recapped while neither had checked in
    monday, tuesday = date(2026, 3, 9), date(2026, 3, 10)
    night = ShiftsRequest.model_validate({"shifts": {monday.isoformat(): {"start": "21:00", "end": "07:00"}}})
    for nip in (NIP, OTHER):
        cal.set_shifts(SUPER, nip, night, settings, NOW - timedelta(days=3))
    recaps.run_daily_recap(monday, settings, ["U1"])

    def status(nip: str) -> str:
        stored = repos.statuses.employee_status(nip, monday)
        return stored[1].status.status if stored else ""

    # WHEN each has his arrival at 20:55 corrected, THEN Monday lacks only the check-out
    for who in (ME, COLLEAGUE):
        approve(file(settings, correction("2026-03-09", "20:55"), who=who), settings)
    assert status(NIP) == status(OTHER) == "PSW4"
    # WHEN Asep asks for "Pulang 07:00" on Monday, the shift's date, THEN it is recorded on Tuesday morning
    decision = approve(file(settings, correction("2026-03-09", "07:00", "out")), settings)
    [event] = [
        e
        for e in runtime.events().events_between(NIP, datetime.combine(tuesday, time(), settings.tz), NOW)
        if e.type == "out"
    ]
    assert (event.attendance_time, event.local_date) == ("2026-03-10T00:00:00+00:00", "2026-03-10")
    assert "2026-03-09" in decision.recapped and status(NIP) == "H"
    # AND Budi, who asks for it on Tuesday, the date of the morning, gets Monday judged again too
    decision = approve(file(settings, correction("2026-03-10", "07:00", "out"), who=COLLEAGUE), settings)
    assert decision.recapped == ["2026-03-09"] and status(OTHER) == "H"


def test_a_night_shift_s_corrected_late_arrival_after_midnight_is_that_shift_s_arrival(settings: Settings) -> None:
    # GIVEN Asep on 23:00-07:00 shifts on Monday and Tuesday
    shift = {"start": "23:00", "end": "07:00"}
    nights = ShiftsRequest.model_validate({"shifts": {"2026-03-09": shift, "2026-03-10": shift}})
    cal.set_shifts(SUPER, NIP, nights, settings, NOW - timedelta(days=3))
    # WHEN his arrival at 00:15 for Monday's shift is corrected: recorded on Tuesday morning
    approve(file(settings, correction("2026-03-09", "00:15")), settings)
    # THEN it is kept on Tuesday's date as Monday's arrival: Tuesday evening's arrival is not a second one
    [event] = runtime.events().events_between(NIP, NOW - timedelta(days=3), NOW)
    assert (event.local_date, event.arrival_day) == ("2026-03-10", "2026-03-09")


def test_a_rule_table_without_corrections_says_they_are_not_allowed(tmp_path: Path) -> None:
    # GIVEN a regency whose rule table allows no correction at all
    settings = with_cap(0, tmp_path)
    # WHEN Asep asks for one, THEN it is refused saying corrections are not allowed (not "0 a month reached")
    with pytest.raises(ConflictError) as caught:
        file(settings, correction("2026-03-10"))
    assert caught.value.message == "Koreksi absen tidak diizinkan: aturan yang berlaku tidak memberi jatah koreksi."
    assert caught.value.details == {"limit": 0, "month": "2026-03", "used": 0}


def test_a_request_runs_at_most_366_days_after_its_first(settings: Settings) -> None:
    # GIVEN a leave from 16 March 2026: 16 March 2027 is 365 days later, 17 March 366, 18 March 367
    # WHEN it ends 366 days after its first day, THEN it is filed (as the field's description says)
    assert file(settings, new("CUTI", "2026-03-16", "2027-03-17"))
    # AND one day more is refused, saying how long a request may run
    with pytest.raises(ValidationError) as caught:
        file(settings, new("CUTI", "2026-03-16", "2027-03-18"))
    assert caught.value.details == {"end_date": "on/after start_date, at most 366 days later"}
    assert "paling lama 366 hari" in str(caught.value.message)


def test_older_waiting_corrections_still_count_after_many_later_requests(settings: Settings) -> None:
    # GIVEN a correction of March waiting, then 60 permits filed and withdrawn (the correction is no longer
    # among the employee's 50 newest requests)
    file(settings, correction("2026-03-02"))
    for i in range(60):
        later = NOW + timedelta(seconds=i + 1)
        permit = requests.submit(ME, new("IZIN", "2026-03-16", reason=f"Keperluan {i}"), settings, later)
        requests.cancel_mine(ME, permit.request_id, settings, later)
    # WHEN the app asks what is left, THEN the waiting one still takes its place
    allowance = requests.my_corrections(ME, MyCorrectionsQuery(month="2026-03"), settings)
    assert (allowance.pending, allowance.remaining) == (1, 1)
    # AND the cap of two holds: a second is filed, a third refused
    file(settings, correction("2026-03-03"))
    with pytest.raises(ConflictError) as caught:
        file(settings, correction("2026-03-04"))
    assert caught.value.details == {"limit": 2, "month": "2026-03", "used": 2}


def test_a_correction_cannot_claim_a_time_still_to_come(settings: Settings) -> None:
    # GIVEN it is 10:00 on Wednesday 11 March in Jakarta
    # WHEN Asep asks for "Pulang 16:00" today (to leave at noon and be counted till four), THEN it is refused (400)
    with pytest.raises(ValidationError) as caught:
        file(settings, correction("2026-03-11", "16:00", "out"))
    assert caught.value.details == {"time": "not later than now"}
    assert requests.my_requests(ME, MyRequestsQuery(), settings).items == []
    # AND a time already past today, or any time of yesterday, is filed
    assert file(settings, correction("2026-03-11", "09:59"))
    assert file(settings, correction("2026-03-10", "16:00", "out"))


def test_a_correction_the_day_would_not_count_is_refused(settings: Settings) -> None:
    # GIVEN Tuesday's office hours, whose check-in opens at 06.00 and check-out closes at 18.00
    # WHEN Asep asks for "Pulang 18:30" or "Masuk 05:30" that day, THEN each is refused: the recap would not
    # count it, and it would use up one of the month's two corrections
    for clock, kind in (("18:30", "out"), ("05:30", "in")):
        with pytest.raises(ValidationError) as caught:
            file(settings, correction("2026-03-10", clock, kind))
        assert caught.value.details == {"time": "within the day's attendance window", "from": "06.00", "to": "18.00"}
        assert "06.00–18.00" in str(caught.value.message)
    assert requests.my_requests(ME, MyRequestsQuery(), settings).items == []
    # AND "Pulang 17:55" is filed
    assert file(settings, correction("2026-03-10", "17:55", "out"))


def test_a_correction_of_a_day_off_leave_or_field_duty_is_refused(settings: Settings) -> None:
    # GIVEN Asep's approved sick day on Monday 9 March and field duty on Tuesday 10 March
    approve(file(settings, new("SAKIT", "2026-03-09")), settings)
    approve(file(settings, new("DL", "2026-03-10")), settings)
    # WHEN he asks to correct Saturday 7 March (no working hours), Monday or Tuesday, THEN each is refused (400):
    # the recap would keep the day LIBUR, S or DL, and the correction would use up one of the month's two
    for day, excuse, label in (("2026-03-07", "LIBUR", "hari libur"), ("2026-03-09", "S", "sakit"),
                               ("2026-03-10", "DL", "dinas luar")):  # fmt: skip
        with pytest.raises(ValidationError) as caught:
            file(settings, correction(day, "07:20"))
        assert caught.value.details["status"] == excuse and "start_date" in caught.value.details
        assert f"tercatat {label}" in str(caught.value.message)
    assert [r.type for r in requests.my_requests(ME, MyRequestsQuery(), settings).items] == ["DL", "SAKIT"]
    # AND a forgotten check-out of a working day is filed, with the month's two places free
    allowance = requests.my_corrections(ME, MyCorrectionsQuery(month="2026-03"), settings)
    assert allowance.remaining == 2
    assert file(settings, correction("2026-03-05", "16:05", "out"))


def test_a_correction_of_a_day_off_counting_for_the_night_before_is_filed(settings: Settings) -> None:
    # GIVEN Friday 6 March a 21:00-07:00 night shift, Saturday a day off
    night = ShiftsRequest.model_validate({"shifts": {"2026-03-06": {"start": "21:00", "end": "07:00"}}})
    cal.set_shifts(SUPER, NIP, night, settings, NOW)
    # WHEN Asep asks for "Pulang 07:00" on Saturday (the end of Friday's shift), THEN it is filed and approved:
    # the recap counts it for Friday
    decision = approve(file(settings, correction("2026-03-07", "07:00", "out")), settings)
    assert decision.status == "approved" and corrections() == ["2026-03-07"]


def test_a_holiday_declared_after_a_correction_was_filed_stops_its_approval(settings: Settings) -> None:
    # GIVEN Asep's "Masuk 07:20" of Monday 9 March, filed
    request_id = file(settings, correction("2026-03-09", "07:20"))
    # WHEN that Monday is declared a holiday, THEN approving the correction is a conflict (409) naming the day
    cal.put_holiday(SUPER, "2026-03-09", HolidayRequest(name="Hari Jadi Kabupaten"), settings, NOW)
    with pytest.raises(ConflictError) as caught:
        approve(request_id, settings)
    assert caught.value.details["status"] == "LIBUR"
    assert "Senin, 9 Maret 2026 tercatat hari libur" in str(caught.value.message)
    # AND nothing is written, it stays pending, its place in the month's quota is free
    assert corrections() == []
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    assert runtime.requests().quota_holders(f"KOREKSI#{NIP}#2026-03") == frozenset()


def test_a_correction_whose_time_moved_into_the_future_waits_for_it(settings: Settings) -> None:
    # GIVEN Asep's "Pulang 07:00" of today, filed at 10:00 while his day ran 07:30-16:00 (07:00 had passed)
    request_id = file(settings, correction("2026-03-11", "07:00", "out"))
    # WHEN today becomes a 21:00-07:00 night shift, whose 07:00 check-out is tomorrow morning's
    night = ShiftsRequest.model_validate({"shifts": {"2026-03-11": {"start": "21:00", "end": "07:00"}}})
    cal.set_shifts(SUPER, NIP, night, settings, NOW)
    # THEN approving it now is a conflict, no event is written, and it stays pending with its quota place
    with pytest.raises(ConflictError) as caught:
        approve(request_id, settings)
    assert caught.value.details == {"time": "07:00", "at": "2026-03-12T00:00:00+00:00"}
    assert corrections() == []
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    assert runtime.requests().quota_holders(f"KOREKSI#{NIP}#2026-03") == frozenset()
    # AND after 07:00 tomorrow it is approved and recorded on that morning
    later = datetime(2026, 3, 12, 1, 0, tzinfo=UTC)
    body = RequestDecisionRequest.model_validate({"decision": "approve"})
    assert requests.decide(U1_ADMIN, request_id, body, settings, later).status == "approved"
    assert corrections() == ["2026-03-12"]


def test_a_request_is_decided_once_even_by_admins_at_the_same_moment(settings: Settings) -> None:
    request_id = file(settings)
    outcomes = at_once([functools.partial(approve, request_id, settings, who=admin) for admin in unit_admins(8)])
    assert sorted(outcomes) == ["approved"] + ["conflict"] * 7
    assert len(cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items) == 1
    with pytest.raises(ConflictError):
        reject(request_id, settings)


def test_a_unit_admin_sees_and_decides_only_their_units_requests(settings: Settings) -> None:
    mine, far = file(settings), file(settings, who=Principal(subject=FAR, role="employee"))
    assert [r.request_id for r in requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, NOW).items] == [mine]
    assert {r.request_id for r in requests.list_requests(SUPER, AdminRequestsQuery(), settings, NOW).items} == {
        mine,
        far,
    }
    # ... each named as SIMPEG names the employee (an admin knows people by name, not by 18 digits)
    assert {(r.nip, r.nama) for r in requests.list_requests(SUPER, AdminRequestsQuery(), settings, NOW).items} == {
        (NIP, "Asep"),
        (FAR, "Cucu"),
    }
    with pytest.raises(ForbiddenError):
        requests.list_requests(U1_ADMIN, AdminRequestsQuery(unor_id="U2"), settings, NOW)
    with pytest.raises(NotFoundError):
        approve(far, settings)  # another unit's request is not found
    with pytest.raises(ForbiddenError):
        approve(mine, settings, who=ME)  # an employee decides nothing
    assert runtime.requests().get(far).status == "pending"  # type: ignore[union-attr]
    pending = requests.list_requests(U2_ADMIN, AdminRequestsQuery(status="pending"), settings, NOW).items
    assert [r.request_id for r in pending] == [far]


# --- leaves and field duties of the admin -------------------------------------------------------------


def test_a_leave_is_cancelled_once_within_the_unit_scope(settings: Settings, audited: AuditTrail) -> None:
    leave_id = approve(file(settings), settings).result_id
    with pytest.raises(NotFoundError):
        cal.cancel_leave(U2_ADMIN, leave_id, settings, NOW)
    assert cal.cancel_leave(U1_ADMIN, leave_id, settings, NOW).cancelled is True
    assert cal.list_leaves(U1_ADMIN, PeriodQuery(), settings, NOW).items == []
    with pytest.raises(ConflictError):  # another admin: cancelled already
        cal.cancel_leave(SUPER, leave_id, settings, NOW)
    assert ("budi", "leave.cancel", NIP) in audited()


def test_a_letter_naming_employees_of_two_units_is_cancelled_by_an_admin_of_both(settings: Settings) -> None:
    body = {"nips": [NIP, FAR], "circle": CIRCLE, "start_date": "2026-03-12", "end_date": "2026-03-13"}
    created = zones.create_assignment(
        SUPER, AssignmentRequest.model_validate({**body, "letter_no": "1/2026", "reason": "Rapat"}), settings, NOW
    )
    with pytest.raises(ForbiddenError):
        zones.cancel_assignment(U1_ADMIN, created.assignment_id, settings, NOW)
    with pytest.raises(NotFoundError):
        zones.cancel_assignment(U1_ADMIN, "a-unknown", settings, NOW)
    assert [a.nips for a in zones.list_assignments(U2_ADMIN, PeriodQuery(), settings, NOW).items] == [[FAR]]
    assert zones.cancel_assignment(SUPER, created.assignment_id, settings, NOW).cancelled is True
    assert zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items == []
    assert runtime.zones().duties_of(FAR, date(2026, 3, 12)) == []
    with pytest.raises(ConflictError):  # another admin: cancelled already
        zones.cancel_assignment(Principal("rina", "super_admin"), created.assignment_id, settings, NOW)


def test_lists_page_across_units(settings: Settings) -> None:
    for i in range(3):
        approve(file(settings, new("CUTI", f"2026-03-{16 + i}")), settings)
        approve(file(settings, new("CUTI", f"2026-03-{16 + i}"), who=Principal(subject=FAR, role="employee")),
                settings, who=U2_ADMIN)  # fmt: skip
    seen: list[str] = []
    cursor = None
    while True:
        page = cal.list_leaves(SUPER, PeriodQuery(next=cursor), settings, NOW)
        seen += [f"{le.unor_id}:{le.start_date}" for le in page.items]
        cursor = page.next
        if cursor is None:
            break
    assert seen == [f"{u}:2026-03-{d}" for u in ("U1", "U2") for d in (16, 17, 18)]
    with pytest.raises(ValidationError):
        cal.list_leaves(SUPER, PeriodQuery(next="forged.cursor"), settings, NOW)
    with pytest.raises(ValidationError):
        cal.list_leaves(SUPER, PeriodQuery.model_validate({"from": "2026-03-10", "to": "2026-01-01"}), settings, NOW)


# --- an employee SIMPEG deactivated meanwhile ------------------------------------------------------------

LEFT_AT = datetime(2026, 3, 10, 1, 0, tzinfo=UTC)  # 10 March 08:00 in Jakarta: from that day SMART no longer judges


def deactivate(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIMPEG deactivates Asep at LEFT_AT (the store stamps its own clock on the deactivation)."""
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: LEFT_AT)
    repos.people.put_employee(Employee(NIP, "Asep", "U1", active=False))


@pytest.mark.parametrize(
    "asked",
    [new("CUTI", "2026-03-16"), new("DL", "2026-03-09", "2026-03-12"), correction("2026-03-10", "07:45")],
    ids=["leave", "field-duty-across-the-day", "correction"],
)
def test_a_request_for_days_after_the_employee_left_is_not_approved_but_can_be_rejected(
    settings: Settings, repos: Repositories, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail, asked: NewRequest
) -> None:
    # GIVEN Asep's request filed while active, and SIMPEG deactivating him on 10 March before any admin decided it
    request_id = file(settings, asked)
    deactivate(repos, monkeypatch)
    # WHEN an admin approves it, THEN 403 ACCOUNT_INACTIVE in words for the admin: nothing is written for days
    # SMART no longer judges (no leave, letter or event), and the request stays pending
    with pytest.raises(AccountInactiveError) as caught:
        approve(request_id, settings)
    assert "tidak aktif" in caught.value.message and caught.value.details["deactivated_on"] == "2026-03-10"
    assert cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items == []
    assert zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items == []
    day = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert runtime.events().events_between(NIP, day, day + timedelta(days=1)) == []
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    assert ("budi", "request.approve", request_id) not in audited()
    # AND the admin can still clear the queue by rejecting it
    assert reject(request_id, settings, note="Pegawai sudah tidak aktif").status == "rejected"


def test_a_request_for_a_leaver_s_last_days_is_still_approved(
    settings: Settings, repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's sick note for 6 March and a correction of 9 March, filed before SIMPEG deactivated him on 10 March
    sick = file(settings, new("SAKIT", "2026-03-06"))
    fixed = file(settings, correction("2026-03-09", "07:45"))
    deactivate(repos, monkeypatch)
    # WHEN an admin approves them, THEN they are recorded: a leaver's last days are judged like anyone's
    assert approve(sick, settings).status == "approved"
    assert approve(fixed, settings).status == "approved"


def test_two_overlapping_leaves_approved_at_the_same_moment_record_one(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's sick note for 16-17 March and his permit for the 17th, both pending, and two admins whose
    # approvals would both read his leaves before either is stored (the interleaving a loaded machine gives now
    # and then, made certain: each read waits a moment for the other one)
    sick = file(settings, new("SAKIT", "2026-03-16", "2026-03-17"))
    permit = file(settings, new("IZIN", "2026-03-17"))
    store, both_read = runtime.calendar(), threading.Barrier(2, timeout=1)
    read = store.stored_leaves_of

    def read_together(nip: str, start: date, end: date) -> list[Any]:
        found = read(nip, start, end)
        with contextlib.suppress(threading.BrokenBarrierError):  # the other approval never came to read
            both_read.wait()
        return found

    monkeypatch.setattr(store, "stored_leaves_of", read_together)
    # WHEN both admins approve at the same moment
    outcomes = at_once(
        [functools.partial(approve, sick, settings), functools.partial(approve, permit, settings, who=SUPER)]
    )
    # THEN one leave is recorded and the other approval is the 409 a later one gets: nothing of it stored, its
    # request pending again, no approval audited for it
    assert sorted(outcomes) == ["approved", "conflict"]
    leaves = cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items
    won, lost = (sick, permit) if outcomes[0] == "approved" else (permit, sick)
    assert [le.leave_id for le in leaves] == [runtime.requests().get(won).result_id]  # type: ignore[union-attr]
    assert runtime.requests().get(lost).status == "pending"  # type: ignore[union-attr]
    assert [t for _, a, t in audited() if a == "request.approve"] == [won]


def test_a_leave_turn_left_held_by_a_cut_off_approval_answers_409_until_it_frees(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an approval cut off while it held the turn to record Asep's leaves (it never gave it back)
    request_id = file(settings, new("SAKIT", "2026-03-16"))
    held = runtime.people().claim_login_attempt(f"leave#{NIP}", 1, cal.LEAVE_TURN_S, int(time_module.time()))
    assert held.slot is not None
    monkeypatch.setattr(cal, "TURN_WAIT_S", 0.1)
    # WHEN an admin approves his sick note, THEN 409 saying when the turn frees, nothing stored, still pending
    with pytest.raises(ConflictError) as caught:
        approve(request_id, settings)
    assert 0 < int(caught.value.details["retry_after_s"]) <= cal.LEAVE_TURN_S  # type: ignore[call-overload]
    assert cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items == []
    assert runtime.requests().get(request_id).status == "pending"  # type: ignore[union-attr]
    # AND once the turn frees, the approval goes through
    runtime.people().release_login_attempt(f"leave#{NIP}", held.slot, held.claim_id)
    assert approve(request_id, settings).status == "approved"


def enter_leave(settings: Settings, start: str, end: str) -> Any:
    body = {"nip": NIP, "type": "SAKIT", "start_date": start, "end_date": end, "reason": "Surat dokter"}
    return cal.add_leave(U1_ADMIN, LeaveRequest.model_validate(body), settings, NOW)


def enter_letter(settings: Settings, nips: list[str], start: str, end: str) -> Any:
    body = {"nips": nips, "circle": CIRCLE, "start_date": start, "end_date": end, "letter_no": "7/2026"}
    return zones.create_assignment(SUPER, AssignmentRequest.model_validate({**body, "reason": "Rapat"}), settings, NOW)


@pytest.mark.parametrize(
    "entry",
    [
        ("leave", ["2026-03-09", "2026-03-12"]),
        ("letter", [[NIP], "2026-03-10", "2026-03-10"]),
        ("letter", [[OTHER, NIP], "2026-03-05", "2026-03-16"]),
    ],
    ids=["leave-across-the-day", "letter", "group-letter"],
)
def test_an_admin_enters_no_leave_or_letter_for_days_after_the_employee_left(
    settings: Settings,
    repos: Repositories,
    monkeypatch: pytest.MonkeyPatch,
    audited: AuditTrail,
    entry: tuple[str, list[Any]],
) -> None:
    # GIVEN Asep deactivated by SIMPEG on 10 March
    deactivate(repos, monkeypatch)
    # WHEN an admin enters a leave or a field-duty letter for him that reaches 10 March or later (by hand, not
    # through a request), THEN it is the approval's 403 ACCOUNT_INACTIVE naming him and the day he left: nothing is
    # written for days SMART no longer judges (a letter naming a colleague too is refused whole, not half-stored)
    with pytest.raises(AccountInactiveError) as caught:
        (enter_leave if entry[0] == "leave" else enter_letter)(settings, *entry[1])
    assert "tidak aktif" in caught.value.message
    assert caught.value.details == {"nip": NIP, "deactivated_on": "2026-03-10"}
    assert cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items == []
    assert zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items == []
    assert [a for _, a, _ in audited() if a in ("leave.add", "assignment.create")] == []


def test_an_admin_still_enters_a_leaver_s_last_days(
    settings: Settings, repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep deactivated by SIMPEG on 10 March
    deactivate(repos, monkeypatch)
    # WHEN an admin enters his sick note for 5-9 March and a letter for 9 March, THEN both are recorded: a leaver's
    # last days are judged like anyone's (decision 281)
    assert enter_leave(settings, "2026-03-05", "2026-03-09").leave_id
    assert enter_letter(settings, [NIP], "2026-03-09", "2026-03-09").assignment_id


def test_the_admin_queue_tells_which_requests_of_a_deactivated_employee_can_no_longer_be_approved(
    settings: Settings, repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's sick note for 6 March and his leave for 16 March, both pending when SIMPEG deactivated him on
    # 10 March, and a colleague's pending leave
    sick = file(settings, new("SAKIT", "2026-03-06"))
    leave = file(settings, new("CUTI", "2026-03-16"))
    colleague = file(settings, who=COLLEAGUE)
    deactivate(repos, monkeypatch)
    # WHEN the admin reads the pending queue
    page = requests.list_requests(U1_ADMIN, AdminRequestsQuery(status="pending"), settings, NOW)
    marks = {i.request_id: i.model_dump(exclude_none=True).get("employee_inactive") for i in page.items}
    # THEN Asep's requests say since when he is inactive, and whether the approval's rule still lets them through
    # (his last days do; the leave after them would answer 403), so the console offers no Setujui that fails; the
    # colleague's request carries no such word
    assert marks == {
        sick: {"deactivated_on": "2026-03-10", "approvable": True},
        leave: {"deactivated_on": "2026-03-10", "approvable": False},
        colleague: None,
    }
    with pytest.raises(AccountInactiveError):
        approve(leave, settings)
    assert approve(sick, settings).status == "approved"
