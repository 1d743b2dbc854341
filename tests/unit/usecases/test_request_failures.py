"""Storage failing in the middle of a decision, on the in-memory twins: what an approval, a rejection, a revocation
and an admin's own leave or letter leave behind, and that trying again finishes the work without doubling it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.domain.attendance import REVOKE
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Principal
from chalicelib.errors import ConflictError, NotFoundError, UnavailableError
from chalicelib.settings import Settings
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import recaps, rejudge, requests, zones
from chalicelib.usecases.schemas.calendar import LeaveRequest
from chalicelib.usecases.schemas.requests import PeriodQuery, RequestDecisionRequest, RevocationRequest
from chalicelib.usecases.schemas.zones import AssignmentRequest

from .admin_fixtures import AuditTrail, audited, settings
from .test_requests import (
    CIRCLE,
    COLLEAGUE,
    ME,
    NIP,
    NOW,
    SUPER,
    U1_ADMIN,
    approve,
    correction,
    corrections,
    file,
    new,
    people,
    reject,
    revoke,
)

__all__ = ["audited", "people", "settings"]  # the shared fixtures this module uses

LATER = NOW + timedelta(minutes=2)


@contextmanager
def failing(
    monkeypatch: pytest.MonkeyPatch, owner: object, name: str, *, when: Callable[..., bool] = lambda *a: True
) -> Iterator[None]:
    """Storage fails in `owner.name` (a repository's method, on its class) whenever `when(*args)` holds."""
    real = getattr(type(owner), name)

    def down(self: object, *args: Any, **kwargs: Any) -> Any:
        if when(*args):
            raise UnavailableError()
        return real(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(type(owner), name, down)
        yield


def audit_of(action: str) -> Callable[..., bool]:
    """`failing`'s `when` for the audit log's `record`: the entry of `action`."""
    return lambda actor, what, *rest: what == action


@contextmanager
def audit_write_fails(monkeypatch: pytest.MonkeyPatch, action: str) -> Iterator[None]:
    """The audit log's write of the entry of `action` fails (throttled), so the call inside is answered 503."""
    with failing(monkeypatch, runtime.audit(), "record", when=audit_of(action)), pytest.raises(UnavailableError):
        yield


def stored_entries_of(action: str) -> Callable[..., bool]:
    """`failing`'s `when` for the audit store's write (`_append`): one holding an entry of `action`."""
    return lambda day_key, rows: any(entry.action == action for _, entry in rows)


@contextmanager
def audit_store_fails(monkeypatch: pytest.MonkeyPatch, action: str) -> Iterator[None]:
    """The audit store fails (throttled) as it writes the entry of `action`, whether the log writes it on its own
    (`record`) or a repository writes it in its change's transaction (`AuditBatch`): the call inside is answered
    503."""
    with (
        failing(monkeypatch, runtime.audit(), "_append", when=stored_entries_of(action)),
        pytest.raises(UnavailableError),
    ):
        yield


def active_leaves(settings: Settings) -> list[str]:
    return [leave.leave_id for leave in cal.list_leaves(SUPER, PeriodQuery(), settings, NOW).items]


def status_of(request_id: str) -> str:
    stored = runtime.requests().get(request_id)
    assert stored is not None
    return stored.status


def approve_later(request_id: str, settings: Settings, who: Principal = U1_ADMIN) -> Any:
    """An admin approving again, two minutes on (longer than any request runs)."""
    body = RequestDecisionRequest.model_validate({"decision": "approve"})
    return requests.decide(who, request_id, body, settings, LATER)


def approval_left_unfinished(settings: Settings, monkeypatch: pytest.MonkeyPatch, *, leave_stored: bool = True) -> str:
    """Asep's permit of Tuesday 10 March, approved with storage failing twice (the admin was told 503): as its leave,
    stored, was named (`leave_stored` false: before that, as the leave was stored), and again as the approval was
    undone. Its id."""
    permit = file(settings, new("IZIN", "2026-03-10"))
    owner, step = (runtime.requests(), "set_result") if leave_stored else (runtime.calendar(), "add_leave")
    with (
        failing(monkeypatch, owner, step),
        failing(monkeypatch, runtime.requests(), "reopen"),
        pytest.raises(UnavailableError),
    ):
        approve(permit, settings)
    return permit


def approval_leaving_its_leave(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    """Asep's permit of Tuesday 10 March, approved: its leave stored (and audited with it), then naming the leave in
    the request failed, so the approval was undone (the admin was told 503) and the request is pending again, its
    leave left behind. Its id."""
    permit = file(settings, new("IZIN", "2026-03-10"))
    with failing(monkeypatch, runtime.requests(), "set_result"), pytest.raises(UnavailableError):
        approve(permit, settings)
    return permit


def test_naming_the_leave_fails_then_approving_again_finds_the_same_leave(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's permit, WHEN storage fails as the approval names the leave it created
    permit = file(settings, new("IZIN", "2026-03-10"))
    with failing(monkeypatch, runtime.requests(), "set_result"), pytest.raises(UnavailableError):
        approve(permit, settings)
    # THEN the request is pending again (the admin was told 503)
    assert status_of(permit) == "pending"
    # WHEN the admin approves again, THEN the leave the first try stored is the request's: one leave, not two
    leave_id = approve(permit, settings).result_id
    assert active_leaves(settings) == [leave_id]
    # AND revoking the request cancels it: no leave counts
    revoke(permit, settings)
    assert active_leaves(settings) == []


def test_an_approval_left_unfinished_is_finished_by_an_admin_approving_it_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's permit, WHEN storage fails as the leave is named and again as the approval is undone
    permit = approval_left_unfinished(settings, monkeypatch)
    assert status_of(permit) == "approved"
    # WHEN the admin, or BKPSDM, approves again at once (the first try could still be running), THEN it is 409
    with pytest.raises(ConflictError):
        approve(permit, settings)
    with pytest.raises(ConflictError):
        approve(permit, settings, who=SUPER)
    # WHEN BKPSDM approves again two minutes on, THEN the approval is finished with the leave already stored
    finished = approve_later(permit, settings, who=SUPER)
    assert finished.status == "approved" and active_leaves(settings) == [finished.result_id]
    stored = runtime.requests().get(permit)
    assert stored is not None and stored.result_id == finished.result_id
    # AND it can be revoked like any other
    revoke(permit, settings)
    assert active_leaves(settings) == []


def test_an_approval_left_unfinished_can_be_revoked_without_finishing_it(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an approval whose leave was stored but neither named nor undone
    permit = approval_left_unfinished(settings, monkeypatch)
    assert len(active_leaves(settings)) == 1
    # WHEN BKPSDM revokes it at once, THEN it is 409: the approval could still be running
    with pytest.raises(ConflictError):
        revoke(permit, settings)
    # WHEN BKPSDM revokes it two minutes on, THEN the leave it stored is cancelled and the request is revoked
    taken_back = requests.revoke(SUPER, permit, RevocationRequest(note="Tidak ada bukti"), settings, LATER)
    assert taken_back.status == "revoked" and active_leaves(settings) == [] and status_of(permit) == "revoked"


def test_an_approval_whose_leave_cannot_be_named_stores_no_leave_and_its_retry_names_it_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's permit, WHEN the audit store fails as the approval records its leave (the admin is told 503)
    permit = file(settings, new("IZIN", "2026-03-10"))
    with audit_store_fails(monkeypatch, "leave.add"):
        approve(permit, settings)
    # THEN no leave counts unnamed, and the request is pending again
    assert active_leaves(settings) == [] and status_of(permit) == "pending"
    # WHEN the admin approves again, THEN its leave is stored and named once
    leave_id = approve(permit, settings).result_id
    assert active_leaves(settings) == [leave_id]
    assert [a for _, a, _ in audited() if a == "leave.add"] == ["leave.add"]


def test_a_rejection_takes_back_what_a_failed_approval_left(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's permit, WHEN its leave is stored but the leave's audit entry fails (the approval is undone)
    permit = approval_leaving_its_leave(settings, monkeypatch)
    assert status_of(permit) == "pending" and len(active_leaves(settings)) == 1
    # WHEN the admin rejects it instead, THEN no leave counts for a rejected request
    reject(permit, settings)
    assert status_of(permit) == "rejected" and active_leaves(settings) == []
    assert [a for _, a, _ in audited() if a.startswith(("leave.", "request."))] == [
        "leave.add",  # the leftover was named as it was stored
        "request.reject",  # with the rejection, before what follows it
        "leave.cancel",
    ]


def test_a_rejection_of_a_request_never_approved_changes_nothing_else(settings: Settings) -> None:
    # GIVEN a leave the admin recorded for Asep and his correction request
    leave = LeaveRequest.model_validate(
        {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-10", "end_date": "2026-03-10", "reason": "Flu"}
    )
    kept = cal.add_leave(U1_ADMIN, leave, settings, NOW).leave_id
    asked = file(settings, correction("2026-03-02"))
    # WHEN it is rejected, THEN it is rejected and the leave stays
    reject(asked, settings)
    assert status_of(asked) == "rejected" and active_leaves(settings) == [kept]


def test_a_field_duty_approved_again_after_a_failure_is_one_letter(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's field-duty request, WHEN its letter's audit entry cannot be written (the admin is told 503)
    duty = file(settings, new("DL", "2026-03-10"))
    with audit_store_fails(monkeypatch, "assignment.create"):
        approve(duty, settings)
    # THEN no duty counts unnamed (a letter lets him check in away from his school)
    assert runtime.zones().duties_of(NIP, date(2026, 3, 10)) == [] and status_of(duty) == "pending"
    # WHEN the admin approves again, THEN there is one letter, named once, and revoking it leaves no duty
    letter_id = approve(duty, settings).result_id
    assert [d.assignment_id for d in runtime.zones().duties_of(NIP, date(2026, 3, 10))] == [letter_id]
    assert [target for _, a, target in audited() if a == "assignment.create"] == [letter_id]
    revoke(duty, settings)
    assert zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items == []


FAR_CIRCLE = {"lat": -6.9175, "lon": 107.6191, "radius_m": 150.0}  # another place, not CIRCLE's school


@pytest.mark.parametrize("failed_at", ["save_assignment", "set_result"], ids=["area-stored", "letter-stored"])
def test_a_field_duty_approved_again_with_another_area_grants_that_area(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail, failed_at: str
) -> None:
    # GIVEN Asep's field-duty request, approved with an area and letter 800/7 while storage failed after the area
    # (or the letter) was stored: the admin was told 503, the request is pending again
    duty = file(settings, new("DL", "2026-03-10"))
    owner = runtime.zones() if failed_at == "save_assignment" else runtime.requests()
    with failing(monkeypatch, owner, failed_at), pytest.raises(UnavailableError):
        approve(duty, settings, circle=FAR_CIRCLE, letter_no="800/7")
    assert status_of(duty) == "pending"
    # WHEN BKPSDM approves it with the right area and letter 800/8
    approved = approve(duty, settings, who=SUPER, circle=CIRCLE, letter_no="800/8")
    # THEN the one letter that counts is 800/8 with that area (the check-ins it lets in are at CIRCLE), as the
    # answer and the audit log say, not the first try's
    letters = zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items
    assert [(a.assignment_id, a.letter_no) for a in letters] == [(approved.result_id, "800/8")]
    zone = runtime.zones().get_zone(letters[0].zone_id or "")
    assert zone is not None and zone.geometry["circle"]["lat"] == CIRCLE["lat"]
    assert [d.assignment_id for d in runtime.zones().duties_of(NIP, date(2026, 3, 10))] == [approved.result_id]
    created = [t for a, what, t in audited() if what == "assignment.create" and a == "admin"]
    assert created == [approved.result_id]


def test_a_field_duty_approval_left_unfinished_is_finished_with_its_letter_and_area(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's field-duty request approved with letter 800/7 and the survey site as its area, while storage
    # failed as the letter was named and again as the approval was undone: approved, its letter stored
    duty = file(settings, new("DL", "2026-03-10"))
    with (
        failing(monkeypatch, runtime.requests(), "set_result"),
        failing(monkeypatch, runtime.requests(), "reopen"),
        pytest.raises(UnavailableError),
    ):
        approve(duty, settings, circle=CIRCLE, letter_no="800/7")
    assert status_of(duty) == "approved"
    # WHEN an admin finishes it two minutes on with the decision alone (the console's "Selesaikan Persetujuan")
    finished = approve_later(duty, settings, who=SUPER)
    # THEN the letter that counts is still 800/7 with its area: not a letter "PENGAJUAN r-..." without one, which
    # would leave Asep refused at the site he was sent to
    letters = zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items
    assert [(a.assignment_id, a.letter_no) for a in letters] == [(finished.result_id, "800/7")]
    zone = runtime.zones().get_zone(letters[0].zone_id or "")
    assert zone is not None and zone.geometry["circle"]["lat"] == CIRCLE["lat"]


def test_a_correction_whose_answer_was_lost_is_written_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's correction, WHEN its event is written but the answer is lost (storage reports a failure)
    asked = file(settings, correction("2026-03-02"))
    real = type(runtime.events()).write_checkin

    def written_then_lost(self: object, *args: Any) -> None:
        real(self, *args)
        raise UnavailableError()

    with monkeypatch.context() as patch:
        patch.setattr(type(runtime.events()), "write_checkin", written_then_lost)
        with pytest.raises(UnavailableError):
            approve(asked, settings)
    # WHEN the admin approves again, THEN one corrected event exists, the one the request names
    event_id = approve(asked, settings).result_id
    assert _corrected() == [(event_id, None)]
    # AND revoking it leaves it as evidence that no longer counts
    revoke(asked, settings)
    assert _corrected() == [(event_id, REVOKE)]


def _corrected() -> list[tuple[str, str | None]]:
    start = NOW - timedelta(days=30)
    found = runtime.events().events_between(NIP, start, NOW)
    return [(e.event_id, e.decision) for e in found if requests.CORRECTION in e.warnings]


def test_an_admin_leave_sent_again_after_a_failure_is_one_leave(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's sick leave, WHEN its audit entry cannot be written (the admin is told 503)
    leave = LeaveRequest.model_validate(
        {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-10", "end_date": "2026-03-10", "reason": "Flu"}
    )
    with audit_store_fails(monkeypatch, "leave.add"):
        cal.add_leave(U1_ADMIN, leave, settings, NOW)
    # THEN no leave was stored unnamed
    assert active_leaves(settings) == []
    # WHEN the admin sends it again, and again (its answer lost), THEN it is the same leave, once, named once
    first = cal.add_leave(U1_ADMIN, leave, settings, NOW).leave_id
    assert cal.add_leave(U1_ADMIN, leave, settings, NOW).leave_id == first
    assert active_leaves(settings) == [first]
    assert [(a, target) for _, a, target in audited() if a == "leave.add"] == [("leave.add", NIP)]
    # WHEN it is cancelled and recorded again, THEN that is a new leave
    cal.cancel_leave(U1_ADMIN, first, settings, NOW)
    again = cal.add_leave(U1_ADMIN, leave, settings, NOW).leave_id
    assert again != first and active_leaves(settings) == [again]


def test_an_admin_letter_sent_again_after_a_failure_is_one_letter(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN a field-duty letter for Asep, WHEN its audit entry cannot be written (the admin is told 503)
    body = AssignmentRequest.model_validate(
        {"nips": [NIP], "start_date": "2026-03-10", "end_date": "2026-03-11", "letter_no": "9/2026", "reason": "Rapat"}
    )
    with audit_store_fails(monkeypatch, "assignment.create"):
        zones.create_assignment(U1_ADMIN, body, settings, NOW)
    # THEN no letter was stored unnamed
    assert zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items == []
    # WHEN the admin sends it again, and again (its answer lost), THEN it is one letter, named once
    letter_id = zones.create_assignment(U1_ADMIN, body, settings, NOW).assignment_id
    assert zones.create_assignment(U1_ADMIN, body, settings, NOW).assignment_id == letter_id
    listed = zones.list_assignments(SUPER, PeriodQuery(), settings, NOW).items
    assert [a.assignment_id for a in listed] == [letter_id]
    assert [target for _, a, target in audited() if a == "assignment.create"] == [letter_id]


def status_on(day: date) -> str:
    stored = runtime.statuses().employee_status(NIP, day)
    assert stored is not None
    return stored[1].status.status


def rerun_fails_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-running recapped days fails the first time (storage times out), then works."""
    real, calls = rejudge.rerun_recapped, []

    def once(*args: Any) -> list[str]:
        calls.append(args)
        if len(calls) == 1:
            raise UnavailableError()
        return real(*args)

    monkeypatch.setattr(rejudge, "rerun_recapped", once)


TUESDAY = date(2026, 3, 10)


def test_a_revocation_sent_again_after_its_re_run_failed_judges_the_days_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's approved permit of a recapped Tuesday (I)
    recaps.run_daily_recap(TUESDAY, settings, ["U1"])
    permit = file(settings, new("IZIN", TUESDAY.isoformat()))
    approve(permit, settings)
    assert status_on(TUESDAY) == "I"
    # WHEN it is revoked and re-running the Tuesday fails after the leave was cancelled (503)
    rerun_fails_once(monkeypatch)
    with pytest.raises(UnavailableError):
        revoke(permit, settings)
    assert status_on(TUESDAY) == "I" and status_of(permit) == "approved"
    # WHEN BKPSDM revokes again, THEN the request is revoked and the Tuesday is judged again: absent
    assert revoke(permit, settings).recapped == [TUESDAY.isoformat()]
    assert status_of(permit) == "revoked" and status_on(TUESDAY) == "TK"


def test_a_leave_cancelled_again_after_its_re_run_failed_judges_the_days_and_answers_as_the_first_try(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a sick leave the admin recorded for a recapped Tuesday (S)
    recaps.run_daily_recap(TUESDAY, settings, ["U1"])
    leave = LeaveRequest.model_validate(
        {"nip": NIP, "type": "SAKIT", "start_date": "2026-03-10", "end_date": "2026-03-10", "reason": "Flu"}
    )
    leave_id = cal.add_leave(U1_ADMIN, leave, settings, NOW).leave_id
    assert status_on(TUESDAY) == "S"
    # WHEN the admin cancels it and re-running the Tuesday fails (503)
    rerun_fails_once(monkeypatch)
    with pytest.raises(UnavailableError):
        requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW)
    assert status_on(TUESDAY) == "S"
    # WHEN the admin cancels again, THEN the Tuesday is judged again and the cancellation answered (their own)
    assert requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW).recapped == [TUESDAY.isoformat()]
    assert status_on(TUESDAY) == "TK"


def test_an_approval_sent_again_after_its_re_run_failed_judges_the_days_and_answers_as_the_first_try(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's permit of a recapped Tuesday (TK), WHEN it is approved and re-running the Tuesday fails (503)
    recaps.run_daily_recap(TUESDAY, settings, ["U1"])
    permit = file(settings, new("IZIN", TUESDAY.isoformat()))
    rerun_fails_once(monkeypatch)
    with pytest.raises(UnavailableError):
        approve(permit, settings)
    assert status_of(permit) == "approved" and status_on(TUESDAY) == "TK"
    # WHEN the admin approves again, THEN the Tuesday is judged again (permit) and the approval answered as the
    # first try would have been (their own decision: decision 218), another admin's approval still 409
    answer = approve(permit, settings)
    assert (answer.status, answer.recapped) == ("approved", [TUESDAY.isoformat()]) and status_on(TUESDAY) == "I"
    with pytest.raises(ConflictError):
        approve(permit, settings, who=SUPER)


def test_a_rejection_sent_again_takes_back_what_a_failed_approval_left(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a permit whose failed approval left its leave stored (its audit entry failed; the request reopened)
    permit = approval_leaving_its_leave(settings, monkeypatch)
    # WHEN the admin rejects it and taking the leave back fails (503)
    with failing(monkeypatch, runtime.calendar(), "cancel_leave"), pytest.raises(UnavailableError):
        reject(permit, settings)
    assert status_of(permit) == "rejected" and len(active_leaves(settings)) == 1
    # WHEN the admin rejects again, THEN the leave no longer counts and the rejection is answered (their own)
    assert reject(permit, settings).status == "rejected" and active_leaves(settings) == []


def test_a_leftover_cancelled_from_the_list_does_not_hide_the_next_try_from_a_rejection(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a permit whose failed approval left a leave, which the admin cancelled from the leave list
    permit = approval_leaving_its_leave(settings, monkeypatch)
    (leftover,) = active_leaves(settings)
    requests.cancel_leave(U1_ADMIN, leftover, settings, NOW)
    # WHEN the next approval stores a new leave and fails again, THEN a rejection finds and takes back that one
    with failing(monkeypatch, runtime.requests(), "set_result"), pytest.raises(UnavailableError):
        approve(permit, settings)
    (second,) = active_leaves(settings)
    assert second != leftover
    reject(permit, settings)
    assert active_leaves(settings) == [] and status_of(permit) == "rejected"


def test_a_rejection_of_an_unfinished_approval_is_refused_and_undoes_nothing(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN an approval left unfinished two minutes ago (its leave stored, nothing named)
    permit = approval_left_unfinished(settings, monkeypatch)
    (leave_id,) = active_leaves(settings)
    # WHEN an admin with a stale list rejects it, THEN it is 409 (approved already), and the leave and request stay
    body = RequestDecisionRequest.model_validate({"decision": "reject", "note": "Tanpa surat"})
    with pytest.raises(ConflictError):
        requests.decide(U1_ADMIN, permit, body, settings, LATER)
    assert status_of(permit) == "approved" and active_leaves(settings) == [leave_id]
    assert "request.reject" not in [a for _, a, _ in audited()]


def test_an_approval_finished_while_another_admin_revokes_it_leaves_nothing_counting(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an unfinished approval whose leave was never stored (storage failed before it, and on the undo)
    permit = approval_left_unfinished(settings, monkeypatch, leave_stored=False)
    assert status_of(permit) == "approved" and active_leaves(settings) == []
    # WHEN an admin finishes it while BKPSDM revokes it (the revocation lands between the leave and its naming)
    real = type(runtime.requests()).set_result

    def revoked_first(self: Any, request_id: str, result_id: str, audit: Any = None) -> None:
        runtime.requests().revoke(request_id, Decided("bkpsdm", "keliru", LATER), quota_key=None)
        real(self, request_id, result_id, audit)

    with monkeypatch.context() as patch:
        patch.setattr(type(runtime.requests()), "set_result", revoked_first)
        with pytest.raises(ConflictError):
            approve_later(permit, settings)
    # THEN the request stays revoked and the leave the finishing made no longer counts
    assert status_of(permit) == "revoked" and active_leaves(settings) == []


def test_a_rejection_sent_again_re_runs_the_days_of_a_leftover_cancelled_before_its_re_run_failed(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a permit of a recapped Tuesday whose failed approval left its leave (the Tuesday judged I)
    recaps.run_daily_recap(TUESDAY, settings, ["U1"])
    permit = approval_leaving_its_leave(settings, monkeypatch)
    recaps.run_daily_recap(TUESDAY, settings, ["U1"])  # the evening's recap counts the leftover leave
    assert status_on(TUESDAY) == "I"
    # WHEN it is rejected, the leftover cancelled, and re-running the Tuesday fails (503)
    rerun_fails_once(monkeypatch)
    with pytest.raises(UnavailableError):
        reject(permit, settings)
    assert active_leaves(settings) == []
    # WHEN the admin rejects again, THEN the Tuesday is judged again before the rejection is answered
    assert reject(permit, settings).recapped == [TUESDAY.isoformat()] and status_on(TUESDAY) == "TK"


def test_an_approval_whose_audit_entry_fails_does_not_stand_and_the_next_one_is_named_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's correction (it feeds pay), WHEN its approval's audit entry fails as the approval is finished (503)
    asked = file(settings, correction("2026-03-09"))
    with audit_store_fails(monkeypatch, "request.approve"):
        approve(asked, settings)
    # THEN the approval does not stand unnamed: the request waits for a decision again
    assert status_of(asked) == "pending"
    assert "request.approve" not in [a for _, a, _ in audited()]
    # WHEN another admin approves it, THEN the correction is made once and the approval named once, in their name
    answer = approve(asked, settings, who=SUPER)
    assert answer.status == "approved" and corrections() == ["2026-03-09"]
    named = [(who, a, t) for who, a, t in audited() if a.startswith("request.")]
    assert named == [("admin", "request.approve", asked)]
    assert audited.entries()[-1].detail["result_id"] == answer.result_id
    # AND their approval sent again (its answer lost) is answered as before and named no second time
    assert approve(asked, settings, who=SUPER).result_id == answer.result_id
    assert [(who, a, t) for who, a, t in audited() if a.startswith("request.")] == named


def test_a_rejection_whose_audit_entry_fails_leaves_the_request_pending(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's permit, WHEN its rejection's audit entry fails (503)
    permit = file(settings, new("IZIN", "2026-03-10"))
    with audit_store_fails(monkeypatch, "request.reject"):
        reject(permit, settings)
    # THEN nothing was decided: the request is still pending
    assert status_of(permit) == "pending"
    # WHEN the admin rejects again, THEN it is rejected and named once, with this try's note; sent once more, the
    # rejection is answered as before and named no second time
    assert reject(permit, settings, note="lain").status == "rejected"
    assert reject(permit, settings, note="lain").status == "rejected"
    assert [(who, a, t) for who, a, t in audited() if a.startswith("request.")] == [("budi", "request.reject", permit)]
    assert audited.entries()[-1].detail["note"] == "lain"


def test_a_revocation_whose_audit_entry_fails_does_not_stand_and_the_next_one_is_named_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's approved correction, WHEN its revocation's audit entry fails (503)
    asked = file(settings, correction("2026-03-09"))
    approve(asked, settings)
    with audit_store_fails(monkeypatch, "request.revoke"):
        revoke(asked, settings)
    # THEN the request is still approved (its corrected event no longer counts: the effect is undone first)
    assert status_of(asked) == "approved"
    # WHEN the admin revokes it again, THEN it is revoked and named once; sent once more, named no second time
    assert revoke(asked, settings).status == "revoked"
    assert revoke(asked, settings).status == "revoked"
    assert [(who, a, t) for who, a, t in audited() if a == "request.revoke"] == [("admin", "request.revoke", asked)]


def test_a_leave_whose_request_s_revocation_failed_takes_it_back_named_when_cancelled_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's approved permit, WHEN its leave is cancelled from the list but the request's audit entry fails
    asked = file(settings, new("IZIN", "2026-03-16"))
    leave_id = str(approve(asked, settings).result_id)
    with audit_store_fails(monkeypatch, "request.revoke"):
        requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW)
    assert status_of(asked) == "approved" and active_leaves(settings) == []
    # WHEN the admin cancels it again, THEN the request is taken back, named once
    assert requests.cancel_leave(U1_ADMIN, leave_id, settings, NOW).cancelled is True
    assert status_of(asked) == "revoked"
    assert [(who, t) for who, a, t in audited() if a == "request.revoke"] == [("budi", asked)]


def test_a_request_withdrawn_after_a_failed_approval_leaves_no_leave_counting(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's permit of Tuesday 10 March (recapped TK), whose approval stored its leave and then failed: the
    # request is pending again, its leave left behind
    recaps.run_daily_recap(date(2026, 3, 10), settings, ["U1"])
    permit = approval_leaving_its_leave(settings, monkeypatch)
    assert status_of(permit) == "pending" and len(active_leaves(settings)) == 1
    # WHEN Asep withdraws it (he went to work after all)
    assert requests.cancel_mine(ME, permit, settings, NOW).status == "cancelled"
    # THEN no leave counts for a withdrawn request: the day stays TK, also when it is judged again
    assert active_leaves(settings) == []
    recaps.run_daily_recap(date(2026, 3, 10), settings, ["U1"])
    stored = runtime.statuses().employee_status(NIP, date(2026, 3, 10))
    assert stored is not None and stored[1].status.status == "TK"
    assert (NIP, "leave.cancel", NIP) in audited()


def test_a_correction_withdrawn_after_a_failed_approval_no_longer_counts(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's correction, whose approval wrote the corrected event and then failed (pending again)
    asked = file(settings, correction("2026-03-02"))
    with failing(monkeypatch, runtime.requests(), "set_result"), pytest.raises(UnavailableError):
        approve(asked, settings)
    [(event_id, decision)] = _corrected()
    assert status_of(asked) == "pending" and decision is None
    # WHEN Asep withdraws it, THEN the corrected event stays as evidence and no longer counts
    requests.cancel_mine(ME, asked, settings, NOW)
    assert _corrected() == [(event_id, REVOKE)]


def test_a_withdrawal_whose_take_back_failed_takes_it_back_when_sent_again(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a permit pending again with the leave its failed approval left, WHEN Asep withdraws it and storage
    # fails as the leave is taken back (he is told 503, the request is withdrawn already)
    permit = approval_leaving_its_leave(settings, monkeypatch)
    with failing(monkeypatch, runtime.calendar(), "cancel_leave"), pytest.raises(UnavailableError):
        requests.cancel_mine(ME, permit, settings, NOW)
    assert status_of(permit) == "cancelled" and len(active_leaves(settings)) == 1
    # WHEN the app sends the withdrawal again, THEN it is 409 (withdrawn already) and the leave no longer counts
    with pytest.raises(ConflictError):
        requests.cancel_mine(ME, permit, settings, NOW)
    assert active_leaves(settings) == []
    # AND a colleague's withdrawal of it is still not found, and takes nothing back
    with pytest.raises(NotFoundError):
        requests.cancel_mine(COLLEAGUE, permit, settings, NOW)


def test_a_field_duty_withdrawn_after_a_failed_approval_leaves_no_duty(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN Asep's field-duty request, whose letter was stored before naming it in the request failed (pending
    # again)
    duty = file(settings, new("DL", "2026-03-10"))
    with failing(monkeypatch, runtime.requests(), "set_result"), pytest.raises(UnavailableError):
        approve(duty, settings)
    [letter] = runtime.zones().duties_of(NIP, date(2026, 3, 10))
    # WHEN Asep withdraws it, THEN no duty counts on that day, and the letter's cancellation is audited
    requests.cancel_mine(ME, duty, settings, NOW)
    assert runtime.zones().duties_of(NIP, date(2026, 3, 10)) == []
    assert (NIP, "assignment.cancel", letter.assignment_id) in audited()
