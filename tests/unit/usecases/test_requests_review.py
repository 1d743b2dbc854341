"""Two findings of a review of the requests, on the in-memory twins: a same-day correction of an arrival approved
before the employee's real (late) arrival, and the admins' usernames in the employee's own list."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.errors import ConflictError
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import recaps, requests
from chalicelib.usecases.admin_users import USERNAME_PATTERN
from chalicelib.usecases.schemas.requests import (
    AdminRequestsQuery,
    MyRequestsQuery,
    RequestDecisionRequest,
    RevocationRequest,
)

from .admin_fixtures import audited, settings
from .test_recaps import check
from .test_requests import ME, NIP, SUPER, U1_ADMIN, correction, new, people

__all__ = ["audited", "people", "settings"]  # the shared fixtures this module uses

WEDNESDAY = date(2026, 3, 11)  # 07:30-16:00 by the regency's default week; its attendance window 06:00-18:00


def local(hour: int, minute: int) -> datetime:
    """That Wednesday at a clock time in Jakarta (UTC+7), as UTC."""
    return datetime(2026, 3, 11, hour - 7, minute, tzinfo=UTC)


def decide(request_id: str, decision: str, settings: Settings, at: datetime) -> Any:
    body = RequestDecisionRequest.model_validate({"decision": decision, "note": "cek"})
    return requests.decide(U1_ADMIN, request_id, body, settings, at)


def recorded_time(request_id: str, settings: Settings, at: datetime) -> str | None:
    items = requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, at).items
    return next(i.recorded_time for i in items if i.request_id == request_id)


# --- a same-day correction of an arrival -----------------------------------------------------------------


def test_a_correction_of_today_s_arrival_is_approved_only_once_the_day_s_window_has_closed(
    settings: Settings, repos: Repositories
) -> None:
    # GIVEN Asep, at 07:40 on Wednesday, asking to correct that day's arrival to 07:25 (nothing recorded yet)
    request_id = requests.submit(ME, correction(WEDNESDAY.isoformat(), "07:25"), settings, local(7, 40)).request_id
    assert recorded_time(request_id, settings, local(7, 45)) is None
    # WHEN the admin approves it at 07:45, THEN it is refused (409 CONFLICT, in words naming when it can be
    # decided): his real arrival may still come, and the admin must see it beside the correction (decision 286)
    with pytest.raises(ConflictError) as caught:
        decide(request_id, "approve", settings, local(7, 45))
    assert caught.value.details == {"event_type": "in", "decidable_from": local(18, 0).isoformat()}
    assert "18.00" in str(caught.value.message)
    # AND it stays pending, its quota place free for nothing else but itself, no event recorded
    stored = runtime.requests().get(request_id)
    assert stored is not None and (stored.status, stored.decided_by, stored.result_id) == ("pending", None, None)
    assert runtime.requests().quota_holders(f"KOREKSI#{NIP}#2026-03") == frozenset()
    assert runtime.events().events_between(NIP, local(7, 0), local(18, 0)) == []
    # WHEN he then really arrives at 10:30 (TL4) and leaves at 16:05, THEN an approval at 17:59 is refused still,
    # and once the window has closed the admin's list shows the 10:30 arrival the correction would stand beside
    check(repos, NIP, "in", local(10, 30))
    check(repos, NIP, "out", local(16, 5))
    with pytest.raises(ConflictError):
        decide(request_id, "approve", settings, local(17, 59))
    assert recorded_time(request_id, settings, local(18, 0)) == local(10, 30).isoformat()
    # AND the day stands as recorded: late, with the real arrival
    recaps.run_daily_recap(WEDNESDAY, settings, ["U1"])
    stored_day = repos.statuses.employee_status(NIP, WEDNESDAY)
    assert stored_day is not None and stored_day[1].status.status == "TL4"
    assert stored_day[1].status.check_in == local(10, 30)
    # AND the admin, who now sees it, may still decide either way: here, reject it
    assert decide(request_id, "reject", settings, local(18, 0)).status == "rejected"


def test_a_same_day_arrival_correction_may_be_rejected_at_once_and_approved_after_the_window(
    settings: Settings,
) -> None:
    # GIVEN two of Asep's corrections of Wednesday's arrival (the second filed after the first was rejected)
    first = requests.submit(ME, correction(WEDNESDAY.isoformat(), "07:25"), settings, local(7, 40)).request_id
    # THEN rejecting needs no wait
    assert decide(first, "reject", settings, local(7, 45)).status == "rejected"
    second = requests.submit(ME, correction(WEDNESDAY.isoformat(), "07:20"), settings, local(8, 0)).request_id
    # AND approving is allowed from the window's close on (nothing recorded: the forgotten arrival it is for)
    decision = decide(second, "approve", settings, local(18, 0))
    assert decision.status == "approved" and decision.result_id


def test_a_same_day_departure_correction_is_approved_once_its_time_has_passed(settings: Settings) -> None:
    # GIVEN Asep's forgotten check-out of Wednesday at 16:00, filed at 16:05
    request_id = requests.submit(ME, correction(WEDNESDAY.isoformat(), "16:00", "out"), settings, local(16, 5))
    # WHEN the admin approves it at 16:10, THEN it is approved (no wait for the window: a real check-out made
    # after the approval is later than 16:00, and the day's last check-out is the one that counts)
    assert decide(request_id.request_id, "approve", settings, local(16, 10)).status == "approved"


# --- the employee's own list names no admin ------------------------------------------------------------


def test_the_employee_s_own_list_names_no_admin(settings: Settings) -> None:
    # GIVEN Asep's permit rejected by budi, his leave approved by budi then taken back by the super admin, his
    # sick note approved by budi, and a request he withdrew himself
    at = local(9, 0)
    rejected = requests.submit(ME, new("IZIN", "2026-03-16"), settings, at).request_id
    revoked = requests.submit(ME, new("CUTI", "2026-03-17"), settings, at).request_id
    approved = requests.submit(ME, new("SAKIT", "2026-03-18"), settings, at).request_id
    withdrawn = requests.submit(ME, new("CUTI", "2026-03-19"), settings, at).request_id
    waiting = requests.submit(ME, new("CUTI", "2026-03-20"), settings, at).request_id
    decide(rejected, "reject", settings, at)
    decide(revoked, "approve", settings, at)
    decide(approved, "approve", settings, at)
    requests.revoke(SUPER, revoked, RevocationRequest(note="Salah input"), settings, at)
    answered = requests.cancel_mine(ME, withdrawn, settings, at)
    # WHEN he lists his requests
    mine = {i.request_id: i for i in requests.my_requests(ME, MyRequestsQuery(), settings).items}
    # THEN no admin's username is in them (a username is half of an admin's login, and five wrong passwords lock
    # it for 15 minutes): an admin's decision says ADMIN, his own withdrawal his NIP, a pending one nothing
    seen = {r: (i.status, i.decided_by, i.approved_by, i.note) for r, i in mine.items()}
    assert seen == {
        rejected: ("rejected", "ADMIN", None, "cek"),
        revoked: ("cancelled", "ADMIN", "ADMIN", "Salah input"),
        approved: ("approved", "ADMIN", None, "cek"),
        withdrawn: ("cancelled", NIP, None, None),
        waiting: ("pending", None, None, None),
    }
    dumped = str([i.model_dump() for i in mine.values()])
    assert "budi" not in dumped and "'admin'" not in dumped
    assert not USERNAME_PATTERN.match(requests.DECIDED_BY_ADMIN)  # a word no admin account can have
    assert (answered.status, answered.decided_by) == ("cancelled", NIP)
    # AND the admins' lists still name who decided
    listed = {i.request_id: i for i in requests.list_requests(U1_ADMIN, AdminRequestsQuery(), settings, at).items}
    assert (listed[rejected].decided_by, listed[approved].decided_by) == ("budi", "budi")
    admin_view = requests.list_requests(SUPER, AdminRequestsQuery(), settings, at).items
    assert [(i.decided_by, i.approved_by) for i in admin_view if i.request_id == revoked] == [("admin", "budi")]
