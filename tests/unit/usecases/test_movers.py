"""Leaves, field-duty letters and approved requests of an employee SIMPEG moved to another unit (from an insider
audit): each unit's admin sees and changes them for the days the employee spent in that unit, the new unit's from
the move on, the old unit's before it (`usecases.movers`), in the lists and the cancellations alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import recaps, requests, zones
from chalicelib.usecases.schemas.calendar import LeaveRequest
from chalicelib.usecases.schemas.requests import (
    AdminRequestsQuery,
    Cancelled,
    PeriodQuery,
    RevocationRequest,
)
from chalicelib.usecases.schemas.zones import AssignmentRequest

from .admin_fixtures import AuditTrail, audited, settings
from .test_requests import NIP as ASEP
from .test_requests import NOW, SUPER, U1_ADMIN, U2_ADMIN, approve, file, new, people
from .test_requests import OTHER as BUDI

__all__ = ["audited", "people", "settings"]  # the shared fixtures this module uses: Asep and Budi of U1, Cucu of U2

SPRING = PeriodQuery.model_validate({"from": "2026-02-01", "to": "2026-05-31"})


def move_asep(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIMPEG moves Asep from U1 to U2, recorded on Wednesday 11 March (his days from then on are U2's)."""
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: NOW)
    repos.people.put_employee(Employee(ASEP, "Asep", "U2"))


def leave(settings: Settings, start: str, end: str) -> str:
    body = {"nip": ASEP, "type": "CUTI", "start_date": start, "end_date": end, "reason": "Cuti tahunan"}
    return cal.add_leave(U1_ADMIN, LeaveRequest.model_validate(body), settings, NOW).leave_id


def leaves_of(admin: Principal, settings: Settings) -> list[tuple[str, str]]:
    return [(i.leave_id, i.unor_id) for i in cal.list_leaves(admin, SPRING, settings, NOW).items]


def letter(settings: Settings, nips: list[str], start: str, end: str) -> str:
    body = {"nips": nips, "start_date": start, "end_date": end, "letter_no": "ST/1", "reason": "Rapat"}
    return zones.create_assignment(U1_ADMIN, AssignmentRequest.model_validate(body), settings, NOW).assignment_id


def letters_of(admin: Principal, settings: Settings) -> list[tuple[str, str, list[str]]]:
    return [(i.assignment_id, i.unor_id, i.nips) for i in zones.list_assignments(admin, SPRING, settings, NOW).items]


def test_a_leave_after_the_move_is_the_new_units_to_see_and_cancel(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN 38 days of leave U1's admin recorded for Asep from Saturday 14 March, while he was in U1
    cuti = leave(settings, "2026-03-14", "2026-04-20")
    # WHEN SIMPEG moves him to U2
    move_asep(repos, monkeypatch)
    # THEN the leave is listed in U2 (whose days it covers), no longer in U1
    assert leaves_of(U2_ADMIN, settings) == [(cuti, "U2")]
    assert leaves_of(U1_ADMIN, settings) == []
    # AND U1's admin cannot cancel it (404, as for any other unit's leave): his days in U2 stay on leave
    with pytest.raises(NotFoundError):
        requests.cancel_leave(U1_ADMIN, cuti, settings, NOW)
    stored = runtime.calendar().get_leave(cuti)
    assert stored is not None and stored.cancelled_at is None
    # AND U2's admin can
    assert requests.cancel_leave(U2_ADMIN, cuti, settings, NOW).cancelled is True
    assert leaves_of(U2_ADMIN, settings) == []
    assert ("sari", "leave.cancel", ASEP) in audited()


def test_a_leave_before_the_move_stays_the_old_units_and_one_across_it_is_both_units(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's leaves of Asep: one of February (his days in U1), one from 9 to 13 March (across the move)
    before = leave(settings, "2026-02-16", "2026-02-20")
    across = leave(settings, "2026-03-09", "2026-03-13")
    # WHEN SIMPEG moves him to U2 on 11 March
    move_asep(repos, monkeypatch)
    # THEN February's stays U1's alone: listed there, cancelled there, not found by U2's admin
    assert leaves_of(U1_ADMIN, settings) == [(before, "U1"), (across, "U1")]
    assert leaves_of(U2_ADMIN, settings) == [(across, "U2")]
    with pytest.raises(NotFoundError):
        requests.cancel_leave(U2_ADMIN, before, settings, NOW)
    assert requests.cancel_leave(U1_ADMIN, before, settings, NOW).cancelled is True
    # AND the one across the move is seen by both, and cancelled by neither alone (403: some of its days are the
    # other unit's), but by an admin of both
    only_an_admin_of_both_cancels(requests.cancel_leave, across, settings)


def only_an_admin_of_both_cancels(
    cancel: Callable[[Principal, str, Settings, datetime], Cancelled], record: str, settings: Settings
) -> None:
    """`cancel` of a record covering days of both units: refused (403) to each unit's admin, done by a super
    admin."""
    for admin in (U1_ADMIN, U2_ADMIN):
        with pytest.raises(ForbiddenError):
            cancel(admin, record, settings, NOW)
    assert cancel(SUPER, record, settings, NOW).cancelled is True


def test_a_list_of_days_before_a_move_reads_nothing_of_the_movers(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's February leave entered in U1, and his move to U2 on 11 March
    before = leave(settings, "2026-02-16", "2026-02-20")
    move_asep(repos, monkeypatch)
    read: list[str] = []
    stored = repos.calendar.stored_leaves_of
    monkeypatch.setattr(repos.calendar, "stored_leaves_of", lambda nip, *a: read.append(nip) or stored(nip, *a))
    # WHEN U2's admin lists February (days all before the move)
    february = PeriodQuery.model_validate({"from": "2026-02-01", "to": "2026-02-28"})
    listed = [i.leave_id for i in cal.list_leaves(U2_ADMIN, february, settings, NOW).items]
    # THEN nothing of his is U2's, and his records are not even read (after a reorganisation, hundreds would be)
    assert (listed, read) == ([], [])
    assert [i.leave_id for i in cal.list_leaves(U1_ADMIN, february, settings, NOW).items] == [before]


def test_a_letter_of_a_day_in_the_old_unit_is_the_old_units_to_cancel(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's field-duty letter for Asep on Monday 2 March, recapped in U1 as DL
    duty = letter(settings, [ASEP], "2026-03-02", "2026-03-02")
    recaps.run_daily_recap(date(2026, 3, 2), settings, ["U1"])

    def monday() -> tuple[str, str] | None:
        stored = repos.statuses.employee_status(ASEP, date(2026, 3, 2))
        return (stored[0], stored[1].status.status) if stored else None

    assert monday() == ("U1", "DL")
    # WHEN SIMPEG moves him to U2
    move_asep(repos, monkeypatch)
    # THEN U2's admin neither lists nor cancels it (404): U1's Monday stays DL
    assert letters_of(U2_ADMIN, settings) == []
    with pytest.raises(NotFoundError):
        requests.cancel_letter(U2_ADMIN, duty, settings, NOW)
    assert monday() == ("U1", "DL")
    # AND U1's admin still lists and cancels it
    assert letters_of(U1_ADMIN, settings) == [(duty, "U1", [ASEP])]
    assert requests.cancel_letter(U1_ADMIN, duty, settings, NOW).recapped == ["2026-03-02"]
    assert monday() == ("U1", "TK")


def test_a_letter_after_the_move_is_listed_with_each_units_employees(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's letters for next week: one for Asep alone, one for Asep and Budi
    alone = letter(settings, [ASEP], "2026-03-16", "2026-03-17")
    both = letter(settings, [ASEP, BUDI], "2026-03-18", "2026-03-18")
    # WHEN SIMPEG moves Asep to U2
    move_asep(repos, monkeypatch)
    # THEN each unit lists the letters with its own employees of those days
    assert letters_of(U1_ADMIN, settings) == [(both, "U1", [BUDI])]
    assert letters_of(U2_ADMIN, settings) == [(alone, "U2", [ASEP]), (both, "U2", [ASEP])]
    # AND U2's admin cancels Asep's own letter, U1's gets 404 for it
    with pytest.raises(NotFoundError):
        requests.cancel_letter(U1_ADMIN, alone, settings, NOW)
    assert requests.cancel_letter(U2_ADMIN, alone, settings, NOW).cancelled is True
    # AND the letter of both is cancelled by neither alone (403), but by an admin of both
    only_an_admin_of_both_cancels(requests.cancel_letter, both, settings)


def test_an_approved_request_after_the_move_is_the_new_units_to_revoke(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's leave of next week and his permit of last Monday, both approved by U1's admin
    later, earlier = file(settings, new("IZIN", "2026-03-16")), file(settings, new("IZIN", "2026-03-02"))
    approve(later, settings)
    approve(earlier, settings)
    # WHEN SIMPEG moves him to U2
    move_asep(repos, monkeypatch)

    def listed(admin: Principal) -> list[tuple[str, str]]:
        query = AdminRequestsQuery(status="approved")
        return [(r.request_id, r.unor_id) for r in requests.list_requests(admin, query, settings, NOW).items]

    # THEN next week's is listed in U2, last Monday's in U1
    assert listed(U2_ADMIN) == [(later, "U2")]
    assert listed(U1_ADMIN) == [(earlier, "U1")]
    # AND each is revoked by its unit's admin only (404 for the other)
    note = RevocationRequest(note="Batal")
    with pytest.raises(NotFoundError):
        requests.revoke(U1_ADMIN, later, note, settings, NOW)
    with pytest.raises(NotFoundError):
        requests.revoke(U2_ADMIN, earlier, note, settings, NOW)
    assert requests.revoke(U2_ADMIN, later, note, settings, NOW).status == "revoked"
    assert requests.revoke(U1_ADMIN, earlier, note, settings, NOW).status == "revoked"


def absent_at_u1_then_moved(repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> date:
    """Asep absent on Monday 2 March in U1 (recapped TK), then moved to U2 on the 11th: that Monday."""
    monday = date(2026, 3, 2)
    recaps.run_daily_recap(monday, settings, ["U1"])
    assert status_on(repos, monday) == ("U1", "TK")
    move_asep(repos, monkeypatch)
    return monday


def status_on(repos: Repositories, day: date) -> tuple[str, str] | None:
    stored = repos.statuses.employee_status(ASEP, day)
    return (stored[0], stored[1].status.status) if stored else None


def test_the_new_unit_s_admin_alone_excuses_no_day_the_mover_spent_at_the_old_unit(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's unexcused absence at U1, then his move to U2
    monday = absent_at_u1_then_moved(repos, settings, monkeypatch)
    sick = LeaveRequest.model_validate({"nip": ASEP, "type": "SAKIT", "start_date": "2026-03-02",
                                        "end_date": "2026-03-02", "reason": "Sakit"})  # fmt: skip
    duty = AssignmentRequest.model_validate({"nips": [ASEP], "start_date": "2026-03-02", "end_date": "2026-03-02",
                                             "letter_no": "ST/9", "reason": "Rapat"})  # fmt: skip
    # WHEN U2's admin records a sick leave, or a field-duty letter, for that Monday, THEN 403: U1's report counts it,
    # and U1's admin would neither list nor cancel it
    with pytest.raises(ForbiddenError, match="Hari sebelum 2026-03-11 adalah hari pegawai ini di unit lamanya"):
        cal.add_leave(U2_ADMIN, sick, settings, NOW)
    with pytest.raises(ForbiddenError, match="unit lamanya"):
        zones.create_assignment(U2_ADMIN, duty, settings, NOW)
    assert status_on(repos, monday) == ("U1", "TK")
    assert leaves_of(U1_ADMIN, settings) == leaves_of(U2_ADMIN, settings) == []
    # AND BKPSDM may: the leave is entered under U1, listed there, and U1's Monday judged again with it
    leave_id = cal.add_leave(SUPER, sick, settings, NOW).leave_id
    assert leaves_of(U1_ADMIN, settings) == [(leave_id, "U1")]
    assert status_on(repos, monday) == ("U1", "S")


def test_after_a_move_away_and_back_the_unit_enters_a_leave_for_its_own_earlier_days(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's unexcused absence at U1 on Monday the 2nd, a move to U2 on the 11th, and SIMPEG putting it right
    # the next night (back to U1: his move is now recorded on the 12th)
    monday = absent_at_u1_then_moved(repos, settings, monkeypatch)
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: NOW + timedelta(days=1))
    repos.people.put_employee(Employee(ASEP, "Asep", "U1"))
    sick = LeaveRequest.model_validate({"nip": ASEP, "type": "SAKIT", "start_date": "2026-03-02",
                                        "end_date": "2026-03-02", "reason": "Sakit"})  # fmt: skip
    # WHEN U1's admin records his sick note for that Monday, which U1 judged, THEN it is taken (it was 403, as if
    # no unit had judged the day, because the unit that judged it is his unit again)
    leave_id = cal.add_leave(U1_ADMIN, sick, settings, NOW + timedelta(days=1)).leave_id
    assert leaves_of(U1_ADMIN, settings) == [(leave_id, "U1")]
    assert status_on(repos, monday) == ("U1", "S")
    # AND a day before the move that no unit judged stays BKPSDM's to enter
    unjudged = LeaveRequest.model_validate({"nip": ASEP, "type": "SAKIT", "start_date": "2026-03-03",
                                            "end_date": "2026-03-03", "reason": "Sakit"})  # fmt: skip
    with pytest.raises(ForbiddenError, match="unit lamanya"):
        cal.add_leave(U1_ADMIN, unjudged, settings, NOW + timedelta(days=1))


def test_a_request_for_a_day_before_the_move_is_the_old_unit_s_to_decide(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep's unexcused absence at U1, then his move to U2
    monday = absent_at_u1_then_moved(repos, settings, monkeypatch)
    # WHEN he files a sick note for that Monday from U2, THEN it is U1's: listed there, not in U2
    sick = file(settings, new("SAKIT", "2026-03-02"))
    pending = AdminRequestsQuery(status="pending")
    assert [r.request_id for r in requests.list_requests(U1_ADMIN, pending, settings, NOW).items] == [sick]
    assert requests.list_requests(U2_ADMIN, pending, settings, NOW).items == []
    # AND U2's admin cannot approve it (404, as another unit's); U1's admin decides, and U1's Monday follows
    with pytest.raises(NotFoundError):
        approve(sick, settings, who=U2_ADMIN)
    assert approve(sick, settings, who=U1_ADMIN).status == "approved"
    assert status_on(repos, monday) == ("U1", "S")
