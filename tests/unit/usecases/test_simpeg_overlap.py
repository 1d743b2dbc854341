"""Two SIMPEG runs at once, on the in-memory twins: the nightly sync while an admin's import is in the worker, an
admin's double click, a dead run. Each run plans from its own snapshot of SMART's employees, so one run at a time
may go: the others are refused (409 naming the run going on) or, for the nightly sync, skipped."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib import jobs, runtime
from chalicelib.settings import Settings, build_settings, load_settings
from chalicelib.simpeg import SimpegConflictError, SyncRun, Trigger
from chalicelib.simpeg.sync import WORKER_DEADLINE_S
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import simpeg, turns
from chalicelib.usecases.auth import epoch
from chalicelib.usecases.schemas import simpeg as schema
from chalicelib.usecases.schemas.simpeg import ImportQuery
from tools.simpeg_sim import DEFAULT_API_KEY, start_in_thread, stop

from .admin_fixtures import SUPER

ROWS = [
    {"nip": "198501012010011001", "nama": "Asep", "unor_id": "U1", "unor_nama": "SDN 1", "status": "aktif"},
    {"nip": "199002022015032002", "nama": "Budi", "unor_id": "U2", "unor_nama": "SDN 2", "status": "aktif"},
]
# Every import goes to the worker, and the request answers 202 at once.
TO_WORKER = {"SMART_SIMPEG_INLINE_CHANGES": "0", "SMART_SIMPEG_WAIT_S": "0"}


@pytest.fixture
def parked(monkeypatch: pytest.MonkeyPatch) -> list[Callable[[], object]]:
    """The worker's work, handed over but not yet begun (the worker Lambda still starting, or still at it)."""
    works: list[Callable[[], object]] = []
    monkeypatch.setattr(runtime, "start_worker", lambda settings, run_id, here, turn: works.append(here))
    return works


@pytest.fixture
def sim_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The stage's SIMPEG (the simulator's 40 employees over HTTP), in the environment the nightly job reads."""
    server, base_url = start_in_thread(port=0, size=40, seed=7)
    monkeypatch.setenv("SMART_SIMPEG_URL", base_url)
    monkeypatch.setenv("SMART_SIMPEG_API_KEY", DEFAULT_API_KEY)
    load_settings.cache_clear()
    yield build_settings({"SMART_SIMPEG_URL": base_url, "SMART_SIMPEG_API_KEY": DEFAULT_API_KEY, **TO_WORKER})
    load_settings.cache_clear()
    stop(server)


def send(rows: list[dict[str, str]], settings: Settings) -> schema.ImportResult | schema.RunAccepted:
    body = json.dumps({"employees": rows}).encode()
    return simpeg.import_records(settings, SUPER, body, "application/json", ImportQuery())


def test_an_import_sent_twice_while_the_first_is_in_the_worker_is_refused(
    repos: Repositories, parked: list[Callable[[], object]]
) -> None:
    settings = build_settings(TO_WORKER)
    # GIVEN an import moving no one yet, handed to the worker (202), not yet applied
    first = send(ROWS, settings)
    assert isinstance(first, schema.RunAccepted)
    # WHEN the admin clicks again (the same file), THEN 409 CONFLICT naming the run going on: the second would
    # plan from the snapshot the first is changing (both create the two employees, the moves twice dated)
    with pytest.raises(SimpegConflictError) as refused:
        send(ROWS, settings)
    assert refused.value.code == "CONFLICT" and refused.value.details["running_run_id"] == first.run_id
    # AND no second run was recorded
    assert [r.run_id for r in repos.sync_runs.list_runs(10)[0]] == [first.run_id]
    # WHEN the worker ends the first run, THEN the next import goes (and finds nothing left to do)
    [work] = parked
    work()
    assert (repos.sync_runs.get_run(first.run_id) or first).status == "succeeded"
    again = send(ROWS, build_settings({}))
    assert isinstance(again, schema.ImportResult) and (again.created, again.unchanged) == (0, 2)


def test_the_nightly_sync_while_an_admin_import_runs_is_skipped_not_failed(
    repos: Repositories, parked: list[Callable[[], object]], sim_env: Settings
) -> None:
    # GIVEN an admin's import in the worker
    first = send(ROWS, sim_env)
    assert isinstance(first, schema.RunAccepted)
    # WHEN the schedule fires the nightly sync meanwhile, THEN it ends without an error (no retry, no alarm),
    # skipped, naming the run going on; it applied nothing
    result = jobs.nightly_simpeg_sync()
    assert (result["status"], result["running_run_id"]) == ("skipped", first.run_id)
    assert first.run_id in result["message"]
    [job] = repos.job_runs.recent_runs([jobs.SIMPEG_SYNC], 5)
    assert (job.status, job.error) == ("succeeded", None)
    assert [r.run_id for r in repos.sync_runs.list_runs(10)[0]] == [first.run_id]
    assert list(repos.simpeg_employees.list_employees()) == []
    # AND an admin's sync now is refused as well (409)
    with pytest.raises(SimpegConflictError) as refused:
        simpeg.sync_now(sim_env, SUPER)
    assert refused.value.details["running_run_id"] == first.run_id
    # WHEN the import ends, THEN the next night's sync goes (held back: it would deactivate the two imported)
    parked.pop()()
    night = jobs.nightly_simpeg_sync()
    assert night["status"] == "needs_confirmation" and night["run_id"] != first.run_id


def test_a_sync_now_clicked_twice_starts_one_run(
    repos: Repositories, parked: list[Callable[[], object]], sim_env: Settings
) -> None:
    # GIVEN an admin's sync handed to the worker
    first = simpeg.sync_now(sim_env, SUPER)
    assert isinstance(first, schema.RunAccepted)
    # WHEN the admin clicks again, THEN 409 naming the first run, and only one run in the log
    with pytest.raises(SimpegConflictError) as refused:
        simpeg.sync_now(sim_env, SUPER)
    assert refused.value.details["running_run_id"] == first.run_id
    assert len(repos.sync_runs.list_runs(10)[0]) == 1
    # WHEN the worker ends it, THEN the next click goes
    parked.pop()()
    ended = repos.sync_runs.get_run(first.run_id)
    assert ended is not None and ended.status == "succeeded" and ended.counts.created == 40
    assert isinstance(simpeg.sync_now(sim_env, SUPER), schema.RunAccepted)


def test_a_run_whose_worker_died_does_not_block_the_next(repos: Repositories) -> None:
    # GIVEN a run left `running` by a worker that was cut off, its turn taken then
    then = datetime.now(UTC) - timedelta(seconds=WORKER_DEADLINE_S + 5)
    repos.sync_runs.save_run(SyncRun("run-dead", "running", Trigger("import", "admin"), then.isoformat()))
    assert runtime.people().claim_login_attempt(simpeg.RUN_TURN, 1, WORKER_DEADLINE_S, epoch(then)).granted
    # WHEN an admin imports now, THEN it is applied
    answer = send(ROWS, build_settings({}))
    assert isinstance(answer, schema.ImportResult) and (answer.status, answer.created) == ("succeeded", 2)


def test_a_worker_that_outlived_its_turn_leaves_the_next_run_its_turn(
    repos: Repositories, parked: list[Callable[[], object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = build_settings(TO_WORKER)
    # GIVEN an import whose local worker is stuck (a thread has no Lambda timeout), and, once its turn lapsed
    # (the clock past the worker's deadline), another admin's import that took the turn and is in the worker
    stuck = send(ROWS, settings)
    now_s = turns.now_s
    monkeypatch.setattr(turns, "now_s", lambda: now_s() + WORKER_DEADLINE_S + 1)
    going = send([{**ROWS[0], "unor_id": "U3", "unor_nama": "SDN 3"}], settings)
    assert isinstance(stuck, schema.RunAccepted) and isinstance(going, schema.RunAccepted)
    # WHEN the stuck worker ends at last and gives its turn back
    parked[0]()
    # THEN the turn stays the run going on's: a third import is still refused, naming it
    with pytest.raises(SimpegConflictError) as refused:
        send(ROWS, settings)
    assert refused.value.details["running_run_id"] == going.run_id
    # AND once that run's worker ends, the next import goes
    parked[1]()
    assert isinstance(send(ROWS, settings), schema.RunAccepted)


def test_a_failed_hand_over_gives_the_turn_back(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a worker that cannot be reached
    def unreachable(settings: Settings, run_id: str, here: Callable[[], object], turn: str) -> None:
        raise RuntimeError("lambda down")

    monkeypatch.setattr(runtime, "start_worker", unreachable)
    # WHEN an import is handed over and that fails, THEN its run ends failed
    with pytest.raises(RuntimeError):
        send(ROWS, build_settings(TO_WORKER))
    [run] = repos.sync_runs.list_runs(10)[0]
    assert run.status == "failed"
    # AND the next import is not refused as if that run still went on
    monkeypatch.undo()
    answer = send(ROWS, build_settings({}))
    assert isinstance(answer, schema.ImportResult) and answer.created == 2


def late_invocation(repos: Repositories, settings: Settings, started: datetime) -> SyncRun:
    """An import run recorded `running` at `started`, its rows waiting in the bucket, whose worker invocation Lambda
    delivers again now (the first one was cut off or crashed): the run as the worker answers it."""
    run = SyncRun("run-late", "running", Trigger("import", "admin"), started.isoformat(), fetched=len(ROWS))
    repos.sync_runs.save_run(run)
    stash = {"text": json.dumps({"employees": ROWS}), "content_type": "application/json", "full": False}
    runtime.photos(settings).put(
        simpeg.IMPORT_PREFIX + run.run_id, json.dumps({**stash, "confirm_deactivations": None}).encode(), "x"
    )
    answer = simpeg.resume_run(settings, run.run_id, "turn-of-the-dead-run")
    return repos.sync_runs.get_run(answer.run_id) or run


def test_a_retried_worker_invocation_of_a_dead_run_does_not_overlap_the_run_going_on(
    repos: Repositories, parked: list[Callable[[], object]]
) -> None:
    settings = build_settings(TO_WORKER)
    # GIVEN a run whose worker was cut off long ago, and an admin's import going on now (it holds the turn)
    going = send([{**ROWS[0], "unor_id": "U3", "unor_nama": "SDN 3"}], settings)
    assert isinstance(going, schema.RunAccepted)
    # WHEN Lambda delivers the dead run's invocation again, THEN the worker does none of its work (it would plan
    # from a snapshot the import going on is changing) and ends it failed
    late = late_invocation(repos, settings, datetime.now(UTC) - timedelta(seconds=WORKER_DEADLINE_S + 5))
    assert late.status == "failed" and list(repos.simpeg_employees.list_employees()) == []
    # AND it does not give back the turn of the run going on: another import is still refused
    with pytest.raises(SimpegConflictError) as refused:
        send(ROWS, settings)
    assert refused.value.details["running_run_id"] == going.run_id


def test_a_worker_invocation_too_late_to_end_within_the_turn_does_no_work(repos: Repositories) -> None:
    # GIVEN a run started two minutes ago whose first worker invocation crashed: a retry now could still be working
    # after the run's turn lapsed (the worker's deadline counts from the start)
    settings = build_settings({})
    late = late_invocation(repos, settings, datetime.now(UTC) - timedelta(minutes=2))
    # THEN it does none of the work and ends the run failed, saying why (the admin sends the import again)
    assert late.status == "failed" and late.message is not None and "terlambat" in late.message
    assert list(repos.simpeg_employees.list_employees()) == []


def test_a_confirmation_while_an_import_runs_is_refused_and_waits(
    repos: Repositories, parked: list[Callable[[], object]], sim_env: Settings
) -> None:
    # GIVEN a sync held back for confirmation, and an admin's import going on
    held = SyncRun("run-held", "needs_confirmation", Trigger("admin", "admin"), datetime.now(UTC).isoformat())
    repos.sync_runs.save_run(held)
    going = send(ROWS, sim_env)
    assert isinstance(going, schema.RunAccepted)
    # WHEN the super admin confirms the held run, THEN 409 naming the import, and the held run still waits
    with pytest.raises(SimpegConflictError) as refused:
        simpeg.confirm(sim_env, SUPER, held.run_id)
    assert refused.value.details["running_run_id"] == going.run_id
    assert repos.sync_runs.get_run(held.run_id) == held
    # AND once the import ended, the confirmation goes
    parked.pop()()
    assert isinstance(simpeg.confirm(sim_env, SUPER, held.run_id), schema.RunAccepted)
    assert (repos.sync_runs.get_run(held.run_id) or held).status == "confirmed"


def test_the_next_sync_right_after_an_answered_one_waits_for_the_turn_its_worker_gives_back(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a worker that records its run's end, then takes a moment to give its turn back (a DynamoDB write)
    server, base_url = start_in_thread(port=0, size=40, seed=7)
    settings = build_settings({"SMART_SIMPEG_URL": base_url, "SMART_SIMPEG_API_KEY": DEFAULT_API_KEY})
    give_back = turns.give_back

    def slow_in_the_worker(scope: str, claim_id: str) -> None:
        if threading.current_thread().name.startswith("worker-"):
            time.sleep(0.5)
        give_back(scope, claim_id)

    monkeypatch.setattr(turns, "give_back", slow_in_the_worker)
    try:
        # WHEN an admin's sync is answered (it ended) and the admin (or a script) syncs again at once
        first = simpeg.sync_now(settings, SUPER)
        assert isinstance(first, schema.SyncRun) and first.status == "succeeded"
        again = simpeg.sync_now(settings, SUPER)
    finally:
        stop(server)
    # THEN the second is not refused as if the first still went on: it waited for the turn, and ran
    assert isinstance(again, schema.SyncRun) and (again.status, again.counts.unchanged) == ("succeeded", 40)
