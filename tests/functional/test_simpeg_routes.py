"""SIMPEG import and sync through the API and the schedule, against the local SIMPEG simulator over HTTP."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import jobs, runtime
from chalicelib.settings import load_settings
from tests.functional.conftest import Api, handed_over, worker_held

ROWS = [
    {
        "nip": "198501012010011001",
        "nama": "Asep Saepudin",
        "unor_id": "U1",
        "unor_nama": "SDN 1 Ngamprah",
        "jabatan": "Guru",
        "status": "aktif",
    },
    {
        "nip": "199002022015032002",
        "nama": "Euis Komalasari",
        "unor_id": "U2",
        "unor_nama": "Puskesmas Lembang",
        "jabatan": "Perawat",
        "status": "aktif",
    },
]


def test_json_import_reports_bad_rows_and_applies_good_ones(api: Api) -> None:
    admin = api.admin_token()
    rows = [*ROWS, {"nip": "12345", "nama": "X", "unor_id": "U1", "unor_nama": "SDN 1", "status": "aktif"}]
    answer = api.call("POST", "/v1/admin/simpeg/import", {"employees": rows}, token=admin)
    assert answer.status == 200, answer.body
    assert answer.body["created"] == 2
    assert [e["row"] for e in answer.body["errors"]] == [3]
    assert answer.body["inactive_statuses"] == {}
    again = api.call("POST", "/v1/admin/simpeg/import", {"employees": ROWS}, token=admin)
    assert again.body["created"] == 0 and again.body["unchanged"] == 2
    units = api.call("GET", "/v1/admin/units", token=admin).body["items"]
    assert {u["unor_id"]: u["employee_count"] for u in units} == {"U1": 1, "U2": 1}
    # AND a file whose active employees say "Aktif Bekerja" is applied as written (API.md: anything but `aktif`
    # is inactive), and the answer names the value and its rows, so the mistake shows at once
    worded = [{**r, "status": "Aktif Bekerja"} for r in ROWS]
    taken = api.call("POST", "/v1/admin/simpeg/import", {"employees": worded}, token=admin)
    assert taken.status == 200 and taken.body["inactive_statuses"] == {"Aktif Bekerja": 2}, taken.body


def test_excel_csv_with_scientific_notation_is_refused_per_row(api: Api) -> None:
    admin = api.admin_token()
    csv = (
        "\ufeffnip;nama;unor_id;unor_nama;jabatan;status\r\n"
        "198501012010011001;Asep;U1;SDN 1;Guru;aktif\r\n"
        "1,98501E+17;Budi;U1;SDN 1;Guru;aktif\r\n"
    ).encode()
    answer = api.call("POST", "/v1/admin/simpeg/import", raw=csv, content_type="text/csv", token=admin)
    assert answer.status == 200, answer.body
    assert answer.body["created"] == 1
    assert answer.body["errors"][0]["row"] == 3


def test_import_is_super_admin_only_and_validates(api: Api) -> None:
    admin = api.admin_token()
    assert api.call("POST", "/v1/admin/simpeg/import", {"employees": "x"}, token=admin).status == 400
    assert api.call("POST", "/v1/admin/simpeg/import", raw=b"{oops", token=admin).status == 400


def test_sync_pulls_from_the_simulator_and_records_runs(api: Api, simulator: str) -> None:
    admin = api.admin_token()
    first = api.call("POST", "/v1/admin/simpeg/sync", token=admin)
    assert first.status == 200, first.body
    assert first.body["status"] == "succeeded" and first.body["counts"]["created"] == 40
    second = api.call("POST", "/v1/admin/simpeg/sync", token=admin)
    assert second.body["counts"]["unchanged"] == 40 and second.body["counts"]["created"] == 0
    runs = api.call("GET", "/v1/admin/simpeg/runs", token=admin)
    assert [r["run_id"] for r in runs.body["items"]] == [second.body["run_id"], first.body["run_id"]]


def test_empty_upstream_is_held_for_confirmation(api: Api, simulator: str) -> None:
    admin = api.admin_token()
    api.call("POST", "/v1/admin/simpeg/sync", token=admin)
    control = json.dumps({"action": "fault", "kind": "empty", "count": 5}).encode()
    urllib.request.urlopen(
        urllib.request.Request(
            f"{simulator}/_control", data=control, method="POST", headers={"Content-Type": "application/json"}
        )
    )
    held = api.call("POST", "/v1/admin/simpeg/sync", token=admin)
    assert held.body["status"] == "needs_confirmation", held.body
    employees = api.call("GET", "/v1/admin/units", token=admin).body["items"]
    assert sum(u["employee_count"] for u in employees) == 40


def test_schedule_function_runs_the_same_sync(aws: None, simulator: str) -> None:
    from app import app

    with Client(app, stage_name="local") as client:
        result = client.lambda_.invoke(
            "simpeg_sync",
            client.events.generate_cw_event(
                source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]
            ),
        )
    assert result.payload["status"] == "succeeded"
    assert result.payload["trigger"]["kind"] == "schedule"


def hold_a_sync(api: Api, simulator: str, admin: str) -> dict[str, Any]:
    """A first sync of the simulator's 40 employees, then one held back (an empty listing would deactivate all)."""
    assert api.call("POST", "/v1/admin/simpeg/sync", token=admin).body["counts"]["created"] == 40
    control = json.dumps({"action": "fault", "kind": "empty", "count": 5}).encode()
    headers = {"Content-Type": "application/json"}
    urllib.request.urlopen(
        urllib.request.Request(f"{simulator}/_control", data=control, method="POST", headers=headers)
    )
    held = api.call("POST", "/v1/admin/simpeg/sync", token=admin).body
    assert held["status"] == "needs_confirmation", held
    return held


def run_of(api: Api, admin: str, run_id: str, timeout_s: float = 20.0) -> dict[str, Any]:
    """The run once it has ended (polling the runs list as a client would)."""
    deadline = time.monotonic() + timeout_s
    while True:
        runs = api.call("GET", "/v1/admin/simpeg/runs", token=admin).body["items"]
        run = next(r for r in runs if r["run_id"] == run_id)
        if run["status"] != "running" or time.monotonic() > deadline:
            return dict(run)
        time.sleep(0.1)


def test_a_confirmation_runs_in_the_worker_and_answers_202_when_slow(
    api: Api, simulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a held-back sync, and a request that may not wait for the worker
    admin = api.admin_token()
    held = hold_a_sync(api, simulator, admin)
    monkeypatch.setenv("SMART_SIMPEG_WAIT_S", "0")
    load_settings.cache_clear()
    answered = worker_held(monkeypatch)
    # WHEN the super admin confirms it, THEN 202 with the new run's id, and the work goes on in the worker
    answer = api.call("POST", f"/v1/admin/simpeg/runs/{held['run_id']}/confirm", token=admin)
    answered.set()
    assert answer.status == 202 and set(answer.body) == {"run_id"}, answer.body
    done = run_of(api, admin, answer.body["run_id"])
    assert done["status"] == "succeeded" and done["counts"]["deactivated"] == 40
    assert done["trigger"] == {"kind": "confirm", "actor": "admin", "confirms_run_id": held["run_id"]}
    # AND the held run is marked confirmed and followed; confirming it again is a conflict
    confirmed = run_of(api, admin, held["run_id"])
    assert (confirmed["status"], confirmed["followed_by"]) == ("confirmed", answer.body["run_id"])
    again = api.call("POST", f"/v1/admin/simpeg/runs/{held['run_id']}/confirm", token=admin)
    assert again.status == 409 and again.body["error"]["code"] == "CONFLICT"


def test_a_confirmation_the_worker_refused_can_be_sent_again(
    api: Api, simulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.errors import UnavailableError

    # GIVEN a held-back sync, and Lambda refusing to invoke the worker once (throttled)
    admin = api.admin_token()
    held = hold_a_sync(api, simulator, admin)
    real = runtime.start_worker

    def refused_once(*args: Any, **kwargs: Any) -> None:
        monkeypatch.setattr(runtime, "start_worker", real)
        raise UnavailableError(details={"dependency": "lambda"})

    monkeypatch.setattr(runtime, "start_worker", refused_once)
    # WHEN the super admin confirms it, THEN 503, nothing applied, and the held run waits for a confirmation again
    refused = api.call("POST", f"/v1/admin/simpeg/runs/{held['run_id']}/confirm", token=admin)
    assert (refused.status, refused.body["error"]["code"]) == (503, "UNAVAILABLE"), refused.body
    assert run_of(api, admin, held["run_id"])["status"] == "needs_confirmation"
    assert sum(u["employee_count"] for u in api.call("GET", "/v1/admin/units", token=admin).body["items"]) == 40
    # WHEN they confirm it again, THEN it is carried out under their go-ahead
    again = api.call("POST", f"/v1/admin/simpeg/runs/{held['run_id']}/confirm", token=admin)
    assert again.status in (200, 202), again.body
    done = run_of(api, admin, again.body["run_id"])
    assert (done["status"], done["counts"]["deactivated"]) == ("succeeded", 40)


def test_the_deployed_worker_carries_out_a_confirmation_from_its_record(
    api: Api, simulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a confirmation handed to the deployed worker: the event the API would send, kept instead of invoking
    admin = api.admin_token()
    held = hold_a_sync(api, simulator, admin)
    sent = handed_over(monkeypatch, "start_worker", runtime.worker_event)
    monkeypatch.setenv("SMART_SIMPEG_WAIT_S", "0")
    load_settings.cache_clear()
    answer = api.call("POST", f"/v1/admin/simpeg/runs/{held['run_id']}/confirm", token=admin)
    assert answer.status == 202, answer.body
    # WHEN the SimpegSync function receives it, THEN it applies the sync under the go-ahead the admin gave
    result = jobs.simpeg_event(sent[0])
    assert result["run_id"] == answer.body["run_id"] and result["status"] == "succeeded"
    assert result["counts"]["deactivated"] == 40


def test_one_simpeg_run_at_a_time_through_the_api_and_the_schedule(
    api: Api, simulator: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin's sync handed to the deployed worker (the event kept, not yet received)
    admin = api.admin_token()
    sent = handed_over(monkeypatch, "start_worker", runtime.worker_event)
    monkeypatch.setenv("SMART_SIMPEG_WAIT_S", "0")
    load_settings.cache_clear()
    first = api.call("POST", "/v1/admin/simpeg/sync", token=admin)
    assert first.status == 202, first.body
    # WHEN the admin clicks again, or sends an import, THEN 409 CONFLICT naming the run going on
    for method, path, body in (("POST", "/v1/admin/simpeg/sync", None), ("POST", "/v1/admin/simpeg/import", ROWS)):
        refused = api.call(method, path, {"employees": body} if body else None, token=admin)
        assert (refused.status, refused.body["error"]["code"]) == (409, "CONFLICT"), refused.body
        assert refused.body["error"]["details"]["running_run_id"] == first.body["run_id"]
    # AND the schedule's sync meanwhile is skipped, not failed
    night = jobs.simpeg_event({})
    assert (night["status"], night["running_run_id"]) == ("skipped", first.body["run_id"])
    # WHEN the SimpegSync function receives the hand-over, THEN it runs it, and gives the turn back
    [event] = sent
    assert jobs.simpeg_event(event)["status"] == "succeeded"
    assert api.call("POST", "/v1/admin/simpeg/sync", token=admin).status == 202
