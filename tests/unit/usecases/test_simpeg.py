"""SIMPEG use cases on the in-memory twins: an import goes to the runtime's SIMPEG repositories, its run is
listed, and the admin's import is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib import jobs
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import NotFoundError, UnavailableError
from chalicelib.settings import build_settings, load_settings
from chalicelib.simpeg import SyncRun, Trigger, settle_abandoned
from chalicelib.simpeg.sync import WORKER_DEADLINE_S
from chalicelib.store.faces import NewTemplate
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import calendar, requests, simpeg
from chalicelib.usecases.schemas.requests import AdminRequestsQuery, NewRequest, PeriodQuery, RequestDecisionRequest
from chalicelib.usecases.schemas.simpeg import ImportQuery, RunsQuery
from tests.unit.store.faces_contract import fingerprint, vectors

from .admin_fixtures import AuditTrail, audited
from .test_request_failures import audit_store_fails

__all__ = ["audited"]  # the shared fixture this module uses

SUPER = Principal("admin", "super_admin")
NOW = datetime.now(UTC)
ROWS = [
    {"nip": "198501012010011001", "nama": "Asep", "unor_id": "U1", "unor_nama": "SDN 1", "status": "aktif"},
    {"nip": "199002022015032002", "nama": "Budi", "unor_id": "U2", "unor_nama": "SDN 2", "status": "aktif"},
]


def import_rows(rows: list[dict[str, str]]) -> dict[str, Any]:
    body = json.dumps({"employees": rows}).encode()
    return simpeg.import_records(build_settings({}), SUPER, body, "application/json", ImportQuery()).model_dump(
        mode="json"
    )


def test_an_import_is_applied_listed_and_audited(repos: Repositories, audited: AuditTrail) -> None:
    # WHEN the super admin imports two employees, one row being bad
    answer = import_rows([*ROWS, {"nip": "12345", "nama": "X", "unor_id": "U1", "unor_nama": "SDN 1"}])
    # THEN the good rows are in the SIMPEG repository with their units, the bad one is reported
    assert answer["created"] == 2 and [e["row"] for e in answer["errors"]] == [3]
    assert sorted(e.nip for e in repos.simpeg_employees.list_employees()) == [r["nip"] for r in ROWS]
    assert sorted(u.unor_id for u in repos.simpeg_employees.list_units()) == ["U1", "U2"]
    # AND the run is listed, and the import is in the audit log under the run's id
    runs = simpeg.list_runs(RunsQuery(), NOW).model_dump(mode="json")
    assert [r["run_id"] for r in runs["items"]] == [answer["run_id"]] and runs["next"] is None
    [entry] = audited.entries()
    assert (entry.actor, entry.action, entry.target) == ("admin", "simpeg.import", answer["run_id"])
    assert entry.detail is not None and entry.detail["created"] == 2


def test_importing_the_same_rows_again_changes_nothing(repos: Repositories) -> None:
    import_rows(ROWS)
    again = import_rows(ROWS)
    assert again["created"] == 0 and again["unchanged"] == 2
    assert len(simpeg.list_runs(RunsQuery(), NOW).items) == 2


def test_a_run_its_worker_left_running_is_ended_failed_once_listed(repos: Repositories) -> None:
    # GIVEN a run left `running` by a worker that was cut off, and one still within the worker's deadline
    log = repos.sync_runs
    started = NOW - timedelta(seconds=WORKER_DEADLINE_S + 5)
    log.save_run(SyncRun("run-old", "running", Trigger("import", "admin"), started.isoformat()))
    log.save_run(SyncRun("run-new", "running", Trigger("import", "admin"), (NOW - timedelta(minutes=3)).isoformat()))
    # WHEN the runs are listed, THEN the abandoned one is failed (and recorded so), the other still running
    listed = {r.run_id: r for r in simpeg.list_runs(RunsQuery(), NOW).items}
    assert (listed["run-old"].status, listed["run-new"].status) == ("failed", "running")
    assert listed["run-old"].message is not None and "batas waktu" in listed["run-old"].message
    stored = log.get_run("run-old")
    assert stored is not None and stored.status == "failed" and stored.finished_at is not None
    # AND a run that ended meanwhile is not overwritten: the stored end is what is listed
    log.save_run(SyncRun("run-late", "succeeded", Trigger("import", "admin"), started.isoformat()))
    stale_view = SyncRun("run-late", "running", Trigger("import", "admin"), started.isoformat())
    assert settle_abandoned(log, stale_view, NOW).status == "succeeded"


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    """The job reads the process's settings (cached): read again from the environment this test sets, and
    forgotten after it."""
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


def test_the_nightly_sync_without_a_simpeg_url_is_recorded_as_skipped_not_failed(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch, fresh_settings: None
) -> None:
    # GIVEN a stage without SIMPEG (a regency that imports files only)
    monkeypatch.delenv("SMART_SIMPEG_URL", raising=False)
    monkeypatch.delenv("SMART_SECRETS_SSM_PATH", raising=False)
    # WHEN the schedule fires the nightly sync, THEN it ends without an error (no retry, no dead letter)
    result = jobs.nightly_simpeg_sync()
    assert (result["status"], result["message"]) == ("skipped", simpeg.NOT_CONFIGURED)
    # AND the job's run says so, succeeded; no SIMPEG run was started
    [run] = repos.job_runs.recent_runs([jobs.SIMPEG_SYNC], 5)
    assert (run.status, run.error) == ("succeeded", None)
    assert run.result is not None and run.result["status"] == "skipped"
    assert simpeg.list_runs(RunsQuery(), NOW).items == []


def test_a_sync_asked_for_without_simpeg_is_still_refused(repos: Repositories) -> None:
    # GIVEN no SIMPEG URL: an admin's sync is 503 UNAVAILABLE, as before, and starts no run
    with pytest.raises(UnavailableError) as refused:
        simpeg.sync_now(build_settings({}), SUPER)
    assert refused.value.details == {"dependency": "simpeg"}
    assert simpeg.list_runs(RunsQuery(), NOW).items == []
    # AND a URL without credentials is a misconfiguration the nightly sync still fails on (and alarms)
    with pytest.raises(UnavailableError):
        simpeg.nightly_sync(build_settings({"SMART_SIMPEG_URL": "https://simpeg.example.go.id/api"}))
    # AND a plain-http URL to another host is one too: 503 naming it, not a 500
    plain = build_settings({"SMART_SIMPEG_URL": "http://simpeg.example.go.id/api", "SMART_SIMPEG_API_KEY": "k"})
    with pytest.raises(UnavailableError) as insecure:
        simpeg.sync_now(plain, SUPER)
    assert insecure.value.details == {"dependency": "simpeg", "reason": "url"}
    assert simpeg.list_runs(RunsQuery(), NOW).items == []


def moved_to_u2(repos: Repositories, nip: str) -> None:
    """SIMPEG moves the employee from U1 (SDN 1) to U2 (SDN 2) today, through an import. The import writes the
    employees table the people repository reads; the in-memory twins keep two copies, so the move is told to
    the people twin as well (its move recorded now, as the table's is)."""
    assert import_rows([{**ROWS[0], "nip": nip, "unor_id": "U2", "unor_nama": "SDN 2"}])["moved"] == 1
    repos.people.put_employee(Employee(nip, "Asep", "U2"))


def test_a_pending_request_for_days_after_a_move_is_the_new_units_to_decide(repos: Repositories) -> None:
    # GIVEN Asep of U1 (SDN 1) with a permit for a day in 2030 waiting for U1's admin
    import_rows(ROWS)
    asep = ROWS[0]["nip"]
    repos.people.put_employee(Employee(asep, "Asep", "U1"))
    me = Principal(asep, "employee", device_id="android-0001-aaaa")
    body = NewRequest.model_validate(
        {"type": "IZIN", "start_date": "2030-01-07", "end_date": "2030-01-07", "reason": "Keluarga"}
    )
    filed = requests.submit(me, body, build_settings({}), NOW).request_id
    # WHEN SIMPEG moves him to U2
    moved_to_u2(repos, asep)
    # THEN the permit waits in U2's queue: U2's admin decides it, U1's admin no longer finds it
    u1, u2 = (Principal(f"ops-{u}", "unit_admin", frozenset({u})) for u in ("U1", "U2"))
    listed = requests.list_requests(u2, AdminRequestsQuery(status="pending", unor_id="U2"), build_settings({}), NOW)
    assert [r.request_id for r in listed.items] == [filed]
    decision = RequestDecisionRequest.model_validate({"decision": "reject", "note": "Sudah pindah"})
    with pytest.raises(NotFoundError):
        requests.decide(u1, filed, decision, build_settings({}), NOW)
    assert requests.decide(u2, filed, decision, build_settings({}), NOW).status == "rejected"


def test_a_pending_request_for_days_before_a_move_stays_with_the_unit_of_those_days(repos: Repositories) -> None:
    # GIVEN Asep of U1 (SDN 1) asking for a permit for a day last week, at SDN 1, not decided yet
    import_rows(ROWS)
    asep = ROWS[0]["nip"]
    repos.people.put_employee(Employee(asep, "Asep", "U1"))
    me = Principal(asep, "employee", device_id="android-0001-aaaa")
    day = (NOW.astimezone(build_settings({}).tz) - timedelta(days=7)).date().isoformat()
    body = NewRequest.model_validate({"type": "IZIN", "start_date": day, "end_date": day, "reason": "Keluarga"})
    filed = requests.submit(me, body, build_settings({}), NOW).request_id
    # WHEN SIMPEG moves him to U2 (SDN 2) today
    moved_to_u2(repos, asep)
    # THEN that day is still SDN 1's (decision 313): its admin lists and decides the permit, SDN 2's does not
    u1, u2 = (Principal(f"ops-{u}", "unit_admin", frozenset({u})) for u in ("U1", "U2"))

    def pending(admin: Principal, unit: str) -> list[str]:
        query = AdminRequestsQuery(status="pending", unor_id=unit)
        return [r.request_id for r in requests.list_requests(admin, query, build_settings({}), NOW).items]

    assert (pending(u1, "U1"), pending(u2, "U2")) == ([filed], [])
    decision = RequestDecisionRequest.model_validate({"decision": "approve", "note": "Benar"})
    with pytest.raises(NotFoundError):
        requests.decide(u2, filed, decision, build_settings({}), NOW)
    assert requests.decide(u1, filed, decision, build_settings({}), NOW).status == "approved"
    # AND the permit's leave is SDN 1's: listed there, not at SDN 2
    week = PeriodQuery.model_validate({"from": day, "to": day})

    def leaves(admin: Principal) -> list[str]:
        return [leave.nip for leave in calendar.list_leaves(admin, week, build_settings({}), NOW).items]

    assert (leaves(u1), leaves(u2)) == ([asep], [])


def test_a_move_whose_queue_could_not_follow_is_made_again_by_the_next_import(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep of U1 with a selfie waiting for U1's admin, and the faces store failing when the move's import runs
    import_rows(ROWS)
    asep = ROWS[0]["nip"]
    repos.people.put_employee(Employee(asep, "Asep", "U1"))
    waiting = NewTemplate("t-1", vectors(1), fingerprint(1), "k/t-1", asep, status="pending", unor_id="U1")
    repos.faces.save_template(asep, waiting)
    moved = {**ROWS[0], "unor_id": "U2", "unor_nama": "SDN 2"}
    real_move = repos.faces.move_pending

    def unavailable(nip: str, unor_id: str) -> list[str]:
        raise UnavailableError()

    monkeypatch.setattr(repos.faces, "move_pending", unavailable)
    # WHEN the import fails, THEN Asep is not moved yet (the next import plans the move again)
    with pytest.raises(UnavailableError):
        import_rows([moved])
    assert {e.nip: e.unor_id for e in repos.simpeg_employees.list_employees()}[asep] == "U1"
    assert {t.unor_id for t in repos.faces.template_rows(asep)} == {"U1"}
    # AND once the store answers, the same import moves him and his selfie follows to U2's queue
    monkeypatch.setattr(repos.faces, "move_pending", real_move)
    assert import_rows([moved])["moved"] == 1
    assert {t.unor_id for t in repos.faces.template_rows(asep)} == {"U2"}


def import_full(rows: list[dict[str, str]], deactivations: int) -> dict[str, Any]:
    """A full import (employees absent from it are deactivated) confirming `deactivations` of them."""
    body = json.dumps({"employees": rows, "full": True, "confirm_deactivations": deactivations}).encode()
    return simpeg.import_records(build_settings({}), SUPER, body, "application/json", ImportQuery()).model_dump(
        mode="json"
    )


def named(audited: AuditTrail) -> list[tuple[str, str, dict[str, object]]]:
    """The per-employee entries of the SIMPEG runs: (action, NIP, detail)."""
    return [(e.action, e.target, dict(e.detail or {})) for e in audited.entries() if e.action.startswith("employee.")]


def test_an_import_names_each_employee_it_deactivates_moves_or_reactivates(
    repos: Repositories, audited: AuditTrail
) -> None:
    # GIVEN Asep of U1 and Budi of U2, imported (a creation names no one: nothing of the employee changed)
    asep, budi = ROWS[0]["nip"], ROWS[1]["nip"]
    import_rows(ROWS)
    assert named(audited) == []
    # WHEN a full import moves Asep to U2 and leaves Budi out (deactivated, confirmed by the admin)
    first = import_full([{**ROWS[0], "unor_id": "U2", "unor_nama": "SDN 2"}], 1)
    assert (first["moved"], first["deactivated"]) == (1, 1)
    # AND Budi comes back in a later import
    second = import_rows([ROWS[1]])
    # THEN a search of the log by either NIP says which run did what, from which unit to which
    assert sorted(named(audited)) == sorted(
        [
            ("employee.move", asep, {"run_id": first["run_id"], "unor_id": "U2", "before": "U1"}),
            ("employee.deactivate", budi, {"run_id": first["run_id"], "unor_id": "U2", "before": "U2"}),
            ("employee.reactivate", budi, {"run_id": second["run_id"], "unor_id": "U2", "before": "U2"}),
        ]
    )
    # AND each entry is the importing admin's
    assert {e.actor for e in audited.entries() if e.action.startswith("employee.")} == {"admin"}


def test_an_import_whose_writes_fail_half_way_names_each_change_once_when_sent_again(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN three employees, and a full import keeping Citra only (two deactivations), written and named one at
    # a time
    citra = {**ROWS[0], "nip": "199103032016042003", "nama": "Citra"}
    import_rows([*ROWS, citra])
    monkeypatch.setattr(simpeg, "NAMED_AT_ONCE", 1, raising=False)
    real_apply = repos.simpeg_employees.apply
    writes = []

    def second_write_fails(changes: Any, audit: Any = None) -> None:
        writes.append(changes)
        if len(writes) == 2:
            raise UnavailableError(details={"dependency": "dynamodb"})
        real_apply(changes, audit)

    monkeypatch.setattr(repos.simpeg_employees, "apply", second_write_fails)
    # WHEN the employees table fails on the second write, THEN the import is answered 503
    with pytest.raises(UnavailableError):
        import_full([citra], 2)
    # AND the deactivation written is named, the one not written is not
    [(action, done, _)] = named(audited)
    assert action == "employee.deactivate"
    assert [e.nip for e in repos.simpeg_employees.list_employees() if not e.active] == [done]
    # WHEN the admin sends the import again (it now deactivates the other one only)
    again = import_full([citra], 1)
    # THEN each deactivation is named exactly once, the second by the run that made it
    entries = named(audited)
    assert sorted(nip for _, nip, _ in entries) == sorted(r["nip"] for r in ROWS)
    assert entries[1][2]["run_id"] == again["run_id"]


def test_an_import_whose_audit_write_fails_leaves_no_employee_deactivated_unnamed(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN three employees, and a full import keeping Citra only (two deactivations, confirmed by the admin)
    citra = {**ROWS[0], "nip": "199103032016042003", "nama": "Citra"}
    import_rows([*ROWS, citra])
    # WHEN the audit store fails as the deactivations are named (the admin is told 503)
    with audit_store_fails(monkeypatch, "employee.deactivate"):
        import_full([citra], 2)
    # THEN no employee is deactivated without an entry naming them
    inactive = {e.nip for e in repos.simpeg_employees.list_employees() if not e.active}
    assert inactive <= {nip for _, nip, _ in named(audited)}
    # WHEN the admin sends the import again, THEN both are deactivated, each named exactly once, by that run
    again = import_full([citra], 2)
    assert sorted(nip for _, nip, _ in named(audited)) == sorted(r["nip"] for r in ROWS)
    assert {detail["run_id"] for _, _, detail in named(audited)} == {again["run_id"]}
