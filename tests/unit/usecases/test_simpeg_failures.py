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
from chalicelib.usecases.schemas.simpeg import ImportQuery
from tools.simpeg_sim import DEFAULT_API_KEY, start_in_thread, stop

from .admin_fixtures import SUPER, AuditTrail, audited
from .test_request_failures import audit_write_fails, failing

__all__ = ["audited"]  # the shared fixture this module uses

COUNTS = ("created", "updated", "moved", "deactivated", "unchanged")  # those an import's audit entry keeps
ROWS = [
    {"nip": "198501012010011001", "nama": "Asep", "unor_id": "U1", "unor_nama": "SDN 1", "status": "aktif"},
    {"nip": "199002022015032002", "nama": "Budi", "unor_id": "U2", "unor_nama": "SDN 2", "status": "aktif"},
]


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
    repos: Repositories, simpeg_settings: Settings, monkeypatch: pytest.MonkeyPatch, audited: AuditTrail
) -> None:
    # GIVEN a sync held back for confirmation
    held_id = held_sync(simpeg_settings)
    # WHEN the super admin confirms it and the audit log fails to record the confirmation, THEN 503
    with audit_write_fails(monkeypatch, "simpeg.confirm"):
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
    # AND each of the 40 deactivations is named once by NIP, by the admin and the follow-up that made it
    named = [
        (e.actor, e.target, (e.detail or {})["run_id"]) for e in audited.entries() if e.action == "employee.deactivate"
    ]
    assert len({nip for _, nip, _ in named}) == len(named) == 40
    assert {(actor, run_id) for actor, _, run_id in named} == {(SUPER.subject, done.run_id)}


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

    def lost_answer(settings: Settings, run_id: str, here: Any, turn: str) -> None:
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


def import_rows(rows: list[dict[str, str]], settings: Settings | None = None) -> dict[str, Any]:
    body = json.dumps({"employees": rows}).encode()
    answer = simpeg.import_records(settings or build_settings({}), SUPER, body, "application/json", ImportQuery())
    return answer.model_dump(mode="json")


def counts_of(answer: dict[str, Any]) -> dict[str, Any]:
    return {name: answer[name] for name in ("status", *COUNTS)}


def listed(run_id: str) -> dict[str, Any]:
    """A run as GET /v1/admin/simpeg/runs lists it: its status and the counts of the import's answer."""
    run = stored(run_id)
    return {"status": run.status, **{name: run.counts.to_dict()[name] for name in COUNTS}}


@pytest.mark.parametrize("inline_changes", ["1000", "0"], ids=["applied-in-the-request", "handed-to-the-worker"])
def test_an_import_whose_audit_entry_fails_is_logged_with_what_its_retry_did(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch, inline_changes: str
) -> None:
    # GIVEN the audit log failing to record the next import (applied in the request, or by the worker)
    settings = build_settings({"SMART_SIMPEG_INLINE_CHANGES": inline_changes})
    # WHEN the super admin imports two new employees, THEN 503
    with audit_write_fails(monkeypatch, "simpeg.import"):
        import_rows(ROWS, settings)
    # WHEN the client sends it again, THEN the import creates both
    answer = import_rows(ROWS, settings)
    assert counts_of(answer) == {"status": "succeeded", "created": 2, "updated": 0, "moved": 0, "deactivated": 0,
                                 "unchanged": 0}  # fmt: skip
    assert sorted(e.nip for e in repos.simpeg_employees.list_employees()) == [r["nip"] for r in ROWS]
    # AND the audit log says so, as the answer and the run list do (not "created 0": the failed try applied nothing)
    [entry] = audited.entries()
    assert (entry.action, entry.target) == ("simpeg.import", answer["run_id"])
    expected_status = "succeeded" if inline_changes == "1000" else "running"
    assert entry.detail == {**counts_of(answer), "status": expected_status}
    assert listed(answer["run_id"]) == counts_of(answer)


def test_an_import_whose_apply_fails_is_logged_with_what_it_was_to_do_and_its_retry_does_it(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the employees store failing as the next import is applied
    # WHEN the super admin imports two new employees, THEN 503, its run failed
    with failing(monkeypatch, repos.simpeg_employees, "apply"), pytest.raises(UnavailableError):
        import_rows(ROWS)
    [failed_entry] = audited.entries()
    assert stored(failed_entry.target).status == "failed"
    # AND the audit entry says what it was to do: the 503 asks for the retry that makes it true
    assert failed_entry.detail is not None and failed_entry.detail["created"] == 2
    # WHEN the client sends it again, THEN both are created, and entry, answer and run list agree on it
    answer = import_rows(ROWS)
    assert answer["created"] == 2 and len(list(repos.simpeg_employees.list_employees())) == 2
    retried = audited.entries()[-1]
    assert (retried.target, retried.detail) == (answer["run_id"], counts_of(answer))
    assert listed(answer["run_id"]) == counts_of(answer)


def test_a_full_import_whose_audit_entry_fails_is_logged_with_the_deactivations_its_retry_made(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep and Budi, and a full import that keeps only Asep (confirmed: it deactivates Budi)
    import_rows(ROWS)
    full = json.dumps({"employees": ROWS[:1], "full": True, "confirm_deactivations": 1}).encode()

    def send() -> dict[str, Any]:
        answer = simpeg.import_records(build_settings({}), SUPER, full, "application/json", ImportQuery())
        return answer.model_dump(mode="json")

    # WHEN the audit log fails to record it, THEN 503, and Budi is still active
    with audit_write_fails(monkeypatch, "simpeg.import"):
        send()
    assert {e.nip: e.active for e in repos.simpeg_employees.list_employees()}[ROWS[1]["nip"]]
    # WHEN the client sends it again, THEN Budi is deactivated, and the audit log says one was, as the answer does
    answer = send()
    assert (answer["status"], answer["deactivated"]) == ("succeeded", 1)
    *_, run_entry, budi_entry = audited.entries()
    assert (run_entry.action, run_entry.detail) == ("simpeg.import", counts_of(answer))
    # AND names Budi, after the run's entry (written before anything was applied)
    assert (budi_entry.action, budi_entry.target) == ("employee.deactivate", ROWS[1]["nip"])
    assert listed(answer["run_id"]) == counts_of(answer)
