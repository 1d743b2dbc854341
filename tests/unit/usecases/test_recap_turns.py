"""One run at a time judges a unit's day (`recaps.unit_day_turn`): two re-runs of one day at once must not store
the older judgement over the newer (a leave entered, answered as re-run, and its day still TK)."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from chalicelib.settings import Settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar as cal
from chalicelib.usecases import recaps
from chalicelib.usecases.schemas.calendar import LeaveRequest

from .admin_fixtures import settings
from .test_requests import NIP as ASEP
from .test_requests import NOW, U1_ADMIN, people
from .test_requests import OTHER as BUDI

__all__ = ["people", "settings"]

MONDAY = date(2026, 3, 2)


def sick(nip: str) -> LeaveRequest:
    day = MONDAY.isoformat()
    return LeaveRequest.model_validate(
        {"nip": nip, "type": "SAKIT", "start_date": day, "end_date": day, "reason": "Sakit"}
    )


def statuses(repos: Repositories) -> dict[str, str]:
    found = {nip: repos.statuses.employee_status(nip, MONDAY) for nip in (ASEP, BUDI)}
    return {nip: stored[1].status.status for nip, stored in found.items() if stored is not None}


def test_two_leaves_of_one_recapped_day_entered_at_once_both_reach_the_recap(
    repos: Repositories, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Monday recapped in U1: Asep and Budi absent (TK)
    recaps.run_daily_recap(MONDAY, settings, ["U1"])
    assert statuses(repos) == {ASEP: "TK", BUDI: "TK"}
    # AND Asep's sick note, whose re-run of Monday is slow to judge the day (read before Budi's note is entered)
    judging, budi_done = threading.Event(), threading.Event()
    judge = recaps.judged_unit_day

    def slow_first(*args: object, **kwargs: object) -> object:
        judged = judge(*args, **kwargs)  # type: ignore[arg-type]
        if not judging.is_set():  # Asep's run: judged, not stored yet
            judging.set()
            budi_done.wait(2)  # the other run finishes meanwhile, unless it waits for this one's turn
        return judged

    monkeypatch.setattr(recaps, "judged_unit_day", slow_first)
    asep = threading.Thread(target=cal.add_leave, args=(U1_ADMIN, sick(ASEP), settings, NOW))
    asep.start()
    assert judging.wait(5)
    # WHEN Budi's sick note is entered while Asep's re-run judges the day
    answer = cal.add_leave(U1_ADMIN, sick(BUDI), settings, NOW)
    budi_done.set()
    asep.join(30)
    # THEN both notes count: the run that read first stored nothing over the one that read after it (it stored
    # Budi's TK back over his S before)
    assert answer.recapped == [MONDAY.isoformat()]
    assert statuses(repos) == {ASEP: "S", BUDI: "S"}
