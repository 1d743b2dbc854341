"""Storage failing in the middle of a SIMPEG confirmation or import, on the in-memory twins and the local SIMPEG
simulator over HTTP: what the admin's 503 leaves behind, and that trying again finishes the work, once, with an
audit log that says what was done."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib import runtime
from chalicelib.errors import UnavailableError
from chalicelib.settings import Settings, build_settings
from chalicelib.simpeg import SimpegConflictError, SyncRun
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import simpeg
from chalicelib.usecases.schemas import simpeg as schema
from tools.simpeg_sim import DEFAULT_API_KEY, start_in_thread, stop

from .admin_fixtures import SUPER, audited
from .test_request_failures import audit_of, failing

__all__ = ["audited"]  # the shared fixture this module uses


@pytest.fixture
def simpeg_settings() -> Iterator[Settings]:
    """The stage's SIMPEG: the simulator's 40 employees over HTTP."""
    server, base_url = start_in_thread(port=0, size=40, seed=7)
    yield build_settings({"SMART_SIMPEG_URL": base_url, "SMART_SIMPEG_API_KEY": DEFAULT_API_KEY})
    stop(server)


def held_sync(settings: Settings) -> str:
    """A first sync of the simulator's 40 employees, then one held back (an empty listing would deactivate all):
    its id."""
    first = simpeg.sync_now(settings, SUPER)
    assert isinstance(first, schema.SyncRun) and first.counts.created == 40
    control = json.dumps({"action": "fault", "kind": "empty", "count": 5}).encode()
    request = urllib.request.Request(
        f"{settings.simpeg_url}/_control", data=control, method="POST", headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request).close()
    held = simpeg.sync_now(settings, SUPER)
    assert isinstance(held, schema.SyncRun) and held.status == "needs_confirmation"
    return held.run_id


def stored(run_id: str) -> SyncRun:
    run = runtime.sync_runs().get_run(run_id)
    assert run is not None
    return run


def follow_ups(held_id: str) -> list[SyncRun]:
    """The runs that carried out (or were to carry out) a confirmation of `held_id`, oldest first."""
    runs, _ = runtime.sync_runs().list_runs(50)
    return sorted((r for r in runs if r.trigger.confirms_run_id == held_id), key=lambda r: r.started_at)


def confirmed_again(settings: Settings, held_id: str) -> schema.SyncRun:
    """The admin confirming again: the follow-up applied under their go-ahead (all 40 deactivated)."""
    done = simpeg.confirm(settings, SUPER, held_id)
    assert isinstance(done, schema.SyncRun) and (done.status, done.counts.deactivated) == ("succeeded", 40)
    return done


def test_a_confirmation_whose_audit_entry_fails_is_confirmed_again_by_one_follow_up(
    repos: Repositories, simpeg_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a sync held back for confirmation
    held_id = held_sync(simpeg_settings)
    # WHEN the super admin confirms it and the audit log fails to record the confirmation, THEN 503
    with (
        failing(monkeypatch, runtime.audit(), "record", when=audit_of("simpeg.confirm")),
        pytest.raises(UnavailableError),
    ):
        simpeg.confirm(simpeg_settings, SUPER, held_id)
    # AND its follow-up run is failed, never handed to a worker, and the held run waits for a confirmation again
    [first] = follow_ups(held_id)
    assert first.status == "failed"
    assert (stored(held_id).status, stored(held_id).followed_by) == ("needs_confirmation", None)
    assert sum(1 for e in repos.simpeg_employees.list_employees() if e.active) == 40
    # WHEN the admin confirms again, THEN it is carried out by one new follow-up, which the held run names
    done = confirmed_again(simpeg_settings, held_id)
    assert [(r.run_id, r.status) for r in follow_ups(held_id)] == [(first.run_id, "failed"), (done.run_id, "succeeded")]
    assert (stored(held_id).status, stored(held_id).followed_by) == ("confirmed", done.run_id)
    # AND a third confirmation is refused: the confirmation was carried out
    with pytest.raises(SimpegConflictError):
        simpeg.confirm(simpeg_settings, SUPER, held_id)


def test_a_confirmation_whose_follow_up_run_is_not_recorded_can_be_sent_again(
    repos: Repositories, simpeg_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a sync held back for confirmation
    held_id = held_sync(simpeg_settings)
    # WHEN the super admin confirms it and the run log fails to record the run that carries it out, THEN 503
    log = runtime.sync_runs()
    with (
        failing(monkeypatch, log, "save_run", when=lambda run, *rest: run.trigger.kind == "confirm"),
        pytest.raises(UnavailableError),
    ):
        simpeg.confirm(simpeg_settings, SUPER, held_id)
    # AND the held run waits for a confirmation again, with no follow-up
    assert (stored(held_id).status, stored(held_id).followed_by) == ("needs_confirmation", None)
    assert follow_ups(held_id) == []
    # WHEN the admin confirms again, THEN it is carried out
    done = confirmed_again(simpeg_settings, held_id)
    assert [r.run_id for r in follow_ups(held_id)] == [done.run_id]


def test_a_hand_over_reported_failed_that_reached_the_worker_is_not_confirmed_twice(
    repos: Repositories, simpeg_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a sync held back, and a hand-over that does the work but then reports a failure (Lambda queued the
    # invocation, its answer was lost)
    held_id = held_sync(simpeg_settings)

    def lost_answer(settings: Settings, run_id: str, here: Any) -> None:
        here()
        raise UnavailableError(details={"dependency": "lambda"})

    monkeypatch.setattr(runtime, "start_worker", lost_answer)
    # WHEN the super admin confirms it, THEN 503
    with pytest.raises(UnavailableError):
        simpeg.confirm(simpeg_settings, SUPER, held_id)
    # AND the follow-up carried it out: the held run stays confirmed by it
    [done] = follow_ups(held_id)
    assert (done.status, done.counts.deactivated) == ("succeeded", 40)
    assert (stored(held_id).status, stored(held_id).followed_by) == ("confirmed", done.run_id)
    # WHEN the admin confirms again, THEN it is refused: no second follow-up
    with pytest.raises(SimpegConflictError):
        simpeg.confirm(simpeg_settings, SUPER, held_id)
    assert len(follow_ups(held_id)) == 1
