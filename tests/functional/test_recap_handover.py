"""The daily recap of every unit through the API (`POST /v1/admin/recaps/daily` without `unor_id`): a small
regency answered 200 as ever, one the request has no time for answered 202 with the run the report worker
judges the rest in (listed by `GET /v1/admin/jobs`); the regency's monthly file refused for the export."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from chalice.test import Client

from chalicelib import runtime
from chalicelib.domain.people import Employee
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import reports
from tests.functional.conftest import Api, handed_over
from tests.functional.test_recaps import seed_event

PEOPLE = DynamoPeopleRepository()
MONDAY = date(2026, 11, 2)
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"
RECAP = "/v1/admin/recaps/daily"


@pytest.fixture()
def units(api: Api) -> None:
    """U1 (Asep, on time) and U2 (Budi, who did not come; Cucu, on time)."""
    PEOPLE.upsert_unit("U1", "SDN 1 Ngamprah")
    PEOPLE.upsert_unit("U2", "Puskesmas Ngamprah")
    for nip, nama, unit in ((A, "Asep", "U1"), (B, "Budi", "U2"), (C, "Cucu", "U2")):
        PEOPLE.put_employee(Employee(nip=nip, nama=nama, unor_id=unit))
    for nip, unit in ((A, "U1"), (C, "U2")):
        seed_event(nip, unit, "in", datetime.combine(MONDAY, datetime.min.time()).replace(hour=7, minute=20))
        seed_event(nip, unit, "out", datetime.combine(MONDAY, datetime.min.time()).replace(hour=16, minute=5))


def test_a_small_regency_s_recap_answers_200_as_ever(api: Api, units: None) -> None:
    # WHEN the super admin recaps Monday of every unit ("Semua unit")
    admin = api.admin_token()
    answer = api.call("POST", RECAP, {"date": MONDAY.isoformat()}, token=admin)
    # THEN the whole regency is judged within the request, answered in today's shape
    assert answer.status == 200, answer.body
    assert answer.body == {"date": "2026-11-02", "employees": 3, "written": 3, "unchanged": 0}
    assert (api.recapped_statuses(admin, MONDAY, "U1"), api.recapped_statuses(admin, MONDAY, "U2")) == (
        {A: "H"},
        {B: "TK", C: "H"},
    )
    assert api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin).body["items"] == []


def test_a_regency_the_request_has_no_time_for_is_handed_to_the_report_worker(
    api: Api, units: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a request with no time to judge any unit, and the report worker's events kept (nothing runs yet)
    monkeypatch.setattr(reports, "RECAP_BUDGET_S", 0.0)
    sent = handed_over(monkeypatch, "start_rejudge", runtime.rejudge_event)
    admin = api.admin_token()
    # WHEN the super admin recaps Monday of every unit
    answer = api.call("POST", RECAP, {"date": MONDAY.isoformat()}, token=admin)
    # THEN the answer is 202: nothing judged yet, both units handed over in one run the admin can follow
    assert answer.status == 202, answer.body
    assert answer.body == {"date": "2026-11-02", "employees": 0, "written": 0, "unchanged": 0,
                           "run_id": answer.body["run_id"], "recapping": 2}  # fmt: skip
    runs = api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin).body["items"]
    assert [(r["run_id"], r["status"], r["trigger"]) for r in runs] == [(answer.body["run_id"], "running", "admin")]
    assert api.recapped_statuses(admin, MONDAY, "U2") == {} and len(sent) == 1
    # AND one unit's recap is still judged within the request, answered 200
    one = api.call("POST", RECAP, {"date": MONDAY.isoformat(), "unor_id": "U1"}, token=admin)
    assert (one.status, one.body["written"]) == (200, 1)
    # WHEN the ReportWorker function receives the run
    from app import app

    with Client(app, stage_name="local") as client:
        done = client.lambda_.invoke("report_worker", sent[0]).payload
    # THEN it judges both units' day (U1's again: unchanged) and the run says so
    assert (done["status"], done["written"], done["unchanged"]) == ("succeeded", 2, 1)
    assert (api.recapped_statuses(admin, MONDAY, "U1"), api.recapped_statuses(admin, MONDAY, "U2")) == (
        {A: "H"},
        {B: "TK", C: "H"},
    )
    finished = api.call("GET", "/v1/admin/jobs?job=recap_rejudge", token=admin).body["items"]
    assert [r["status"] for r in finished] == ["succeeded"]


def test_the_regency_s_monthly_file_beyond_a_request_is_refused_for_the_export(
    api: Api, units: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN monthly files of at most two employees within a request (the regency here has three)
    monkeypatch.setattr(reports, "SYNC_FILE_EMPLOYEES", 2)
    admin = api.admin_token()
    # WHEN the regency's XLSX or PDF is asked synchronously THEN 400 points to the export
    for path in ("/v1/admin/recaps/monthly?month=2026-11&format=xlsx", "/v1/admin/recaps/monthly/pdf?month=2026-11"):
        refused = api.call("GET", path, token=admin)
        assert (refused.status, refused.body["error"]["code"]) == (400, "VALIDATION_ERROR"), refused.body
        assert "/v1/admin/recaps/monthly/exports" in refused.body["error"]["message"]
    # AND the regency's JSON report and one unit's file are answered as before
    assert api.call("GET", "/v1/admin/recaps/monthly?month=2026-11", token=admin).status == 200
    assert api.call("GET", "/v1/admin/recaps/monthly?month=2026-11&unor_id=U2&format=xlsx", token=admin).status == 200
