"""SIMPEG import guards (API.md): a full import without a valid row and a wrong `confirm_deactivations` are
refused and change nothing; an import or sync that cannot finish within the wait answers 202 `{"run_id"}`
and goes on in the worker, its result read from `GET /v1/admin/simpeg/runs`."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chalicelib import jobs, runtime
from chalicelib.settings import load_settings
from tests.functional.conftest import Api, handed_over, worker_held


def employee(i: int, *, unit: str = "U1", status: str = "aktif") -> dict[str, str]:
    return {
        "nip": f"198501012010011{i:03d}",
        "nama": f"Pegawai {i}",
        "unor_id": unit,
        "unor_nama": f"Unit {unit}",
        "jabatan": "Guru",
        "status": status,
    }


STAFF = [employee(i) for i in range(1, 41)]


def state(api: Api, admin: str) -> tuple[list[tuple[str, bool]], list[str]]:
    """Every employee (nip, active) and every run id: what 'nothing changes' compares."""
    people = api.call("GET", "/v1/admin/employees?unor_id=U1", token=admin)
    assert people.status == 200, people.body
    runs = api.call("GET", "/v1/admin/simpeg/runs", token=admin)
    return sorted((e["nip"], e["active"]) for e in people.body["items"]), [r["run_id"] for r in runs.body["items"]]


def imported(api: Api, admin: str, body: dict[str, Any], query: str = "") -> dict[str, Any]:
    answer = api.call("POST", f"/v1/admin/simpeg/import{query}", body, token=admin)
    assert answer.status == 200, answer.body
    return dict(answer.body)


def wait_for(api: Api, admin: str, run_id: str, timeout_s: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        runs = api.call("GET", "/v1/admin/simpeg/runs", token=admin).body["items"]
        run = next((r for r in runs if r["run_id"] == run_id), None)
        if run is not None and run["status"] != "running":
            return dict(run)
        time.sleep(0.1)
    raise AssertionError(f"run {run_id} still running after {timeout_s} s")


@pytest.fixture()
def admin(api: Api) -> str:
    token = api.admin_token()
    assert imported(api, token, {"employees": STAFF})["created"] == 40
    return token


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"nip": "123", "nama": "X", "unor_id": "U1", "unor_nama": "Unit U1", "status": "aktif"}],
        [{"nip": 198501012010010001, "nama": "X", "unor_id": "U1", "unor_nama": "Unit U1", "status": "aktif"}],
        ["not a row", None],
    ],
)
def test_a_full_import_without_a_valid_row_is_refused_and_changes_nothing(
    api: Api, admin: str, rows: list[Any]
) -> None:
    before = state(api, admin)
    answer = api.call("POST", "/v1/admin/simpeg/import", {"employees": rows, "full": True}, token=admin)
    assert answer.status == 400, answer.body
    assert answer.body["error"]["code"] == "VALIDATION_ERROR" and "employees" in answer.body["error"]["details"]
    confirmed = {"employees": rows, "full": True, "confirm_deactivations": 40}
    assert api.call("POST", "/v1/admin/simpeg/import", confirmed, token=admin).status == 400
    csv = b"nip,nama,unor_id,unor_nama,jabatan,status\n123,X,U1,Unit U1,Guru,aktif\n"
    as_csv = api.call("POST", "/v1/admin/simpeg/import?full=true", raw=csv, content_type="text/csv", token=admin)
    assert as_csv.status == 400, as_csv.body
    assert state(api, admin) == before


@pytest.mark.parametrize(
    ("query", "body", "content_type"),
    [
        ("", {"employees": STAFF[:30], "full": "true"}, "application/json"),
        ("", {"employees": STAFF[:30], "full": 1}, "application/json"),
        ("?full=yes", {"employees": STAFF[:30]}, "application/json"),
        ("?full=yes", None, "text/csv"),
    ],
)
def test_an_import_whose_full_is_no_yes_or_no_is_refused_not_taken_as_partial(
    api: Api, admin: str, query: str, body: dict[str, Any] | None, content_type: str
) -> None:
    # GIVEN a script meaning a full import but writing `full` as text, a number or a word
    before = state(api, admin)
    csv = (
        "nip,nama,unor_id,unor_nama,jabatan,status\n"
        + "".join(f"{e['nip']},{e['nama']},U1,Unit U1,Guru,aktif\n" for e in STAFF[:30])
    ).encode()
    # WHEN it is sent
    answer = api.call(
        "POST",
        f"/v1/admin/simpeg/import{query}",
        body,
        raw=csv if body is None else None,
        content_type=content_type,
        token=admin,
    )
    # THEN it is a bad value (400 naming `full`), not a partial import that silently deactivates nobody
    assert answer.status == 400, answer.body
    assert answer.body["error"]["code"] == "VALIDATION_ERROR" and "full" in answer.body["error"]["details"]
    assert state(api, admin) == before


def test_a_partial_import_without_a_valid_row_still_reports_its_rows(api: Api, admin: str) -> None:
    bad = [{"nip": "123", "nama": "X", "unor_id": "U1", "unor_nama": "Unit U1", "status": "aktif"}]
    answer = imported(api, admin, {"employees": bad})
    assert answer["status"] == "succeeded" and [e["row"] for e in answer["errors"]] == [1]


@pytest.mark.parametrize("wrong", [0, 9, 11, 40, 1000])
def test_confirm_deactivations_must_be_the_exact_number(api: Api, admin: str, wrong: int) -> None:
    # GIVEN a full import that lists 30 of the 40: held back (10 deactivations > 5 %)
    body: dict[str, Any] = {"employees": STAFF[:30], "full": True}
    held = imported(api, admin, body)
    assert held["status"] == "needs_confirmation" and held["deactivated"] == 10
    before = state(api, admin)
    # WHEN it is sent again with another number, in the body or the query
    for answer in (
        api.call("POST", "/v1/admin/simpeg/import", {**body, "confirm_deactivations": wrong}, token=admin),
        api.call("POST", f"/v1/admin/simpeg/import?confirm_deactivations={wrong}", body, token=admin),
    ):
        # THEN 409 CONFLICT names the number, and nothing changes
        assert answer.status == 409, answer.body
        assert answer.body["error"]["code"] == "CONFLICT"
        assert answer.body["error"]["details"]["deactivated"] == 10
        assert "10" in answer.body["error"]["message"]
    assert state(api, admin) == before
    # AND the exact number applies it
    done = imported(api, admin, {**body, "confirm_deactivations": 10})
    assert done["status"] == "succeeded" and done["deactivated"] == 10
    assert sum(1 for _, active in state(api, admin)[0] if not active) == 10


def test_confirming_an_import_that_deactivates_nobody_needs_zero(api: Api, admin: str) -> None:
    refused = api.call("POST", "/v1/admin/simpeg/import", {"employees": STAFF, "confirm_deactivations": 3}, token=admin)
    assert refused.status == 409 and refused.body["error"]["details"]["deactivated"] == 0
    assert imported(api, admin, {"employees": STAFF, "confirm_deactivations": 0})["unchanged"] == 40


def slow_imports(monkeypatch: pytest.MonkeyPatch, wait_s: str) -> None:
    """Every import goes to the worker (no change applied in the request); the request waits `wait_s`."""
    monkeypatch.setenv("SMART_SIMPEG_INLINE_CHANGES", "0")
    monkeypatch.setenv("SMART_SIMPEG_WAIT_S", wait_s)
    load_settings.cache_clear()


def test_an_import_that_cannot_finish_in_time_answers_202_and_goes_on(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_imports(monkeypatch, "0")
    answered = worker_held(monkeypatch)
    more = [employee(i, unit="U2") for i in range(100, 159)] + [employee(159, unit="U2", status="Pensiun")]
    answer = api.call("POST", "/v1/admin/simpeg/import", {"employees": [*STAFF, *more]}, token=admin)
    answered.set()
    assert answer.status == 202, answer.body
    assert set(answer.body) == {"run_id"}
    run = wait_for(api, admin, answer.body["run_id"])
    assert run["status"] == "succeeded" and run["counts"]["created"] == 60 and run["counts"]["unchanged"] == 40
    # AND the run says which status values it took as inactive (the answer came before the work)
    assert run["inactive_statuses"] == {"Pensiun": 1}
    units = {u["unor_id"]: u["employee_count"] for u in api.call("GET", "/v1/admin/units", token=admin).body["items"]}
    assert units == {"U1": 40, "U2": 59}  # the retiree is imported, not counted (decision 290)


def test_a_worker_that_finishes_within_the_wait_answers_the_result(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_imports(monkeypatch, "25")
    # a row refused under its NIP: one naming no employee would hold the full import (the next test)
    bad = {"nip": employee(42)["nip"], "nama": "", "unor_id": "U1", "unor_nama": "Unit U1", "status": "aktif"}
    answer = imported(api, admin, {"employees": [*STAFF[:39], employee(41), bad], "full": True})
    assert answer["status"] == "succeeded"
    assert (answer["created"], answer["deactivated"], answer["unchanged"]) == (1, 1, 39)
    assert [e["row"] for e in answer["errors"]] == [41]


def test_a_full_csv_import_with_a_nip_excel_wrote_as_a_number_is_held_and_changes_nothing(api: Api, admin: str) -> None:
    # GIVEN the 40 employees' full export, Excel having written the last one's NIP as 1,98501E+17 (1 of 40: under
    # the deactivation share)
    before = state(api, admin)
    csv = "nip;nama;unor_id;unor_nama;jabatan;status\n" + "".join(
        f"{'1,98501E+17' if e is STAFF[-1] else e['nip']};{e['nama']};U1;Unit U1;Guru;aktif\n" for e in STAFF
    )
    # WHEN it is imported in full
    path = "/v1/admin/simpeg/import?full=true"
    held = api.call("POST", path, raw=csv.encode(), content_type="text/csv", token=admin)
    # THEN the employee behind that row is not deactivated as absent: the import waits for a confirmation
    assert held.status == 200, held.body
    assert (held.body["status"], held.body["blocked_by"], held.body["deactivated"]) == (
        "needs_confirmation",
        ["INCOMPLETE_LISTING"],
        1,
    )
    assert [(e["row"], e["code"]) for e in held.body["errors"]] == [(41, "NIP_SCIENTIFIC_NOTATION")]
    # AND a confirmation of another number is 409 with the number, and nothing changes
    wrong = api.call("POST", path + "&confirm_deactivations=0", raw=csv.encode(), content_type="text/csv", token=admin)
    assert wrong.status == 409 and wrong.body["error"]["details"]["deactivated"] == 1, wrong.body
    assert state(api, admin)[0] == before[0]


def test_the_deployed_worker_resumes_a_run_from_its_record(
    api: Api, admin: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an import handed to the deployed worker: the event the API would send, kept instead of invoking
    sent = handed_over(monkeypatch, "start_worker", runtime.worker_event)
    monkeypatch.setenv("SMART_SIMPEG_WORKER_FUNCTION", "smart-dev-SimpegSync")
    slow_imports(monkeypatch, "0")
    body = {"employees": [*STAFF[:39], employee(41)], "full": True, "confirm_deactivations": 1}
    answer = api.call("POST", "/v1/admin/simpeg/import", body, token=admin)
    assert answer.status == 202, answer.body
    run_id = answer.body["run_id"]
    assert wait_for_status(api, admin, run_id) == "running"
    # WHEN the SimpegSync function receives that event (naming the run and the claim of its turn)
    assert [(e["detail"]["run_id"], bool(e["detail"]["turn"])) for e in sent] == [(run_id, True)]
    result = jobs.simpeg_event(sent[0])
    # THEN it plans the stored import again and applies it under the same run
    assert result["run_id"] == run_id and result["status"] == "succeeded"
    assert (result["counts"]["created"], result["counts"]["deactivated"]) == (1, 1)
    assert jobs.simpeg_event(sent[0])["status"] == "succeeded"  # Lambda's retry of the event changes nothing
    assert wait_for(api, admin, run_id)["counts"]["deactivated"] == 1
    # AND the worker gave the run's turn back: the next import is not refused as if the run still went on
    again = api.call("POST", "/v1/admin/simpeg/import", {**body, "confirm_deactivations": 0}, token=admin)
    assert again.status in (200, 202), again.body


def wait_for_status(api: Api, admin: str, run_id: str) -> str:
    runs = api.call("GET", "/v1/admin/simpeg/runs", token=admin).body["items"]
    return str(next(r["status"] for r in runs if r["run_id"] == run_id))


def test_an_import_moving_a_zoned_unit_into_a_unit_without_zones_is_held_until_confirmed(api: Api, admin: str) -> None:
    # GIVEN U1's 40 employees check in at U1's work zone
    circle = {"name": "SDN U1", "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 150.0}}
    zone = api.call("POST", "/v1/admin/zones", circle, token=admin)
    assert zone.status == 201, zone.body
    put = api.call("PUT", "/v1/admin/units/U1/zones", {"zone_ids": [zone.body["zone_id"]]}, token=admin)
    assert put.status == 200, put.body
    before = state(api, admin)[0]
    # WHEN SIMPEG's file puts all of them under a new unit id (a reorganisation), which has no zone yet
    moved = [employee(i, unit="U1-BARU") for i in range(1, 41)]
    held = imported(api, admin, {"employees": moved})
    # THEN nothing moves: none of them could check in the next morning, and U1 would be left with nobody; the run
    # waits for a confirmation
    blocked = ["MOVES_TO_UNITS_WITHOUT_ZONES", "UNITS_EMPTIED"]
    assert (held["status"], held["blocked_by"]) == ("needs_confirmation", blocked)
    assert (held["moved"], held["stranded"], held["emptied_units"]) == (40, 40, 1)
    assert state(api, admin)[0] == before
    # WHEN BKPSDM sends it again confirming (no deactivation in it), THEN it is applied
    applied = imported(api, admin, {"employees": moved}, "?confirm_deactivations=0")
    assert (applied["status"], applied["moved"]) == ("succeeded", 40), applied
