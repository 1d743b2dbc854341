"""SIMPEG import and sync through the API and the schedule, against the local SIMPEG simulator over HTTP."""

from __future__ import annotations

import json
import urllib.request

from chalice.test import Client

from tests.functional.conftest import Api

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
    again = api.call("POST", "/v1/admin/simpeg/import", {"employees": ROWS}, token=admin)
    assert again.body["created"] == 0 and again.body["unchanged"] == 2
    units = api.call("GET", "/v1/admin/units", token=admin).body["items"]
    assert {u["unor_id"]: u["employee_count"] for u in units} == {"U1": 1, "U2": 1}


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
