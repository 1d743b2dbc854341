"""Admin views on moto: the regency monitor summary, reviews and refused attempts with their evidence (photo
links fetched), the audit log, the `auditor` role on every admin route, and the unit's activation sheet (PDF)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pypdf
import pytest
import requests
import yaml

from chalicelib import runtime
from chalicelib.domain import people as domain
from chalicelib.domain.attendance import Event
from chalicelib.domain.audit import VIEWS
from chalicelib.settings import load_settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.store.models import AuditModel
from chalicelib.store.schema import create_tables
from tests.functional.checkin_setup import OUTSIDE, PEOPLE, Employee, b64, enrolled_employee, selfie
from tests.functional.conftest import ADMIN_PASSWORD, Api, finished_export
from tests.functional.test_admin_accounts import add_admin

GENUINE = "deepface/img2.jpg"  # the same person as the enrolment photo img1
IMPOSTOR = "deepface/img13.jpg"
FALLBACK_VIEWS = {"_method_not_allowed", "_not_found"}
READS = {"GET", "HEAD", "OPTIONS"}
OWN_ACCOUNT = {("POST", "/v1/admin/me/mfa"), ("POST", "/v1/admin/me/mfa/confirm")}
STARTS_A_REPORT = {("POST", "/v1/admin/recaps/monthly/exports")}  # changes no data: an auditor's read
PASSWORD = "auditor-kuat-77"


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


def auditor_token(api: Api, admin: str, username: str = "pemeriksa", unit_ids: list[str] | None = None) -> str:
    body = {"username": username, "password": PASSWORD, "role": "auditor", "unit_ids": unit_ids or []}
    created = api.call("POST", "/v1/admin/users", body, token=admin)
    assert created.status == 201, created.body
    assert created.body["role"] == "auditor"
    return api.admin_token(username, PASSWORD)


def fetch(url: str) -> requests.Response:
    """A signed link as a browser opens it (moto answers it in-process)."""
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    return answer


def lifetime_s(url: str) -> int:
    return int(parse_qs(urlparse(url).query)["X-Amz-Expires"][0])


def admin_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the app's route table under /v1/admin, fallbacks left out."""
    from app import app

    return sorted(
        (method, path)
        for path, entries in app.routes.items()
        if path.startswith("/v1/admin")
        for method, entry in entries.items()
        if entry.view_name not in FALLBACK_VIEWS
    )


# --- auditor -------------------------------------------------------------------------------------------


def test_an_auditor_is_refused_every_state_changing_admin_route(employee: Employee) -> None:
    # GIVEN a regency-wide auditor created by the super admin
    api = employee.api
    token = auditor_token(api, employee.admin)
    changing = [(m, p) for m, p in admin_routes() if m not in READS and (m, p) not in OWN_ACCOUNT | STARTS_A_REPORT]
    assert len(changing) >= 25  # the walk covers the app's table, not a list kept by hand
    # WHEN the auditor calls each of them (path parameters of real objects, an empty body)
    answers = {}
    for method, path in changing:
        concrete = re.sub(r"\{unor_id\}", "U1", re.sub(r"\{nip\}", employee.nip, path))
        concrete = re.sub(r"\{[a-z_]+\}", "x1", concrete)
        answer = api.call(method, concrete, {}, token=token)
        answers[(method, path)] = (answer.status, answer.body["error"]["code"] if answer.status >= 400 else None)
    # THEN every one answers 403 FORBIDDEN, and nothing was written on the auditor's behalf
    assert {route: a for route, a in answers.items() if a != (403, "FORBIDDEN")} == {}
    today = datetime.now(UTC).date()
    assert [e for e in runtime.audit().entries_of_day(today) if e.actor == "pemeriksa"] == []


def test_an_employee_or_a_caller_without_a_token_is_refused_every_admin_route(employee: Employee) -> None:
    # GIVEN every route under /v1/admin (reads included), with path parameters of real objects
    routes = admin_routes()
    assert len(routes) >= 60  # the walk covers the app's table, not a list kept by hand
    answers = {}
    for method, path in routes:
        concrete = re.sub(r"\{unor_id\}", "U1", re.sub(r"\{nip\}", employee.nip, path))
        concrete = re.sub(r"\{[a-z_]+\}", "x1", concrete)
        # WHEN an activated employee calls it with their own token, and a caller with none
        mine = employee.api.call(method, concrete, {}, token=employee.token)
        anonymous = employee.api.call(method, concrete, {})
        answers[(method, path)] = (mine.status, anonymous.status)
    # THEN the employee is refused (403) and the anonymous caller asked to log in (401), everywhere
    assert {route: a for route, a in answers.items() if a != (403, 401)} == {}
    today = datetime.now(UTC).date()
    by_employee = [e.action for e in runtime.audit().entries_of_day(today) if e.actor == employee.nip]
    assert by_employee == ["employee.device_bind"]  # their own activation, nothing an admin route did


def test_a_unit_admin_of_another_unit_is_refused_every_route_naming_the_employee_or_their_unit(
    employee: Employee,
) -> None:
    # GIVEN the admin of unit U2 and every admin route whose path names an employee or a unit
    PEOPLE.upsert_unit("U2", "SDN U2")
    token = employee.api.unit_admin_token(employee.admin, "U2")
    routes = [(m, p) for m, p in admin_routes() if "{nip}" in p or "{unor_id}" in p]
    assert len(routes) >= 12  # the walk covers the app's table, not a list kept by hand
    # WHEN they call each of them on the U1 employee and unit U1 (an empty body)
    answers = {}
    for method, path in routes:
        concrete = path.replace("{nip}", employee.nip).replace("{unor_id}", "U1")
        concrete = re.sub(r"\{[a-z_]+\}", "x1", concrete)
        answer = employee.api.call(method, concrete, {}, token=token)
        answers[(method, path)] = answer.status
    # THEN every one is refused before anything is read or written: 403, or 404 where the employee is named
    assert {route: status for route, status in answers.items() if status not in (403, 404)} == {}
    today = datetime.now(UTC).date()
    assert [e for e in runtime.audit().entries_of_day(today) if e.actor == "ops-u2"] == []


def unit_filtered_routes() -> list[tuple[str, str]]:
    """Every (METHOD, path) under /v1/admin that takes `unor_id` in its query, as the generated OpenAPI lists it."""
    document = yaml.safe_load((Path(__file__).parents[2] / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    return sorted(
        (method.upper(), path)
        for path, operations in document["paths"].items()
        if path.startswith("/v1/admin")
        for method, operation in operations.items()
        if isinstance(operation, dict)
        and any(p["in"] == "query" and p["name"] == "unor_id" for p in operation.get("parameters", []))
    )


def test_a_unit_admin_of_another_unit_is_refused_every_list_filtered_to_a_unit_not_theirs(
    employee: Employee,
) -> None:
    # GIVEN the admin of unit U2 and every admin route that filters by `unor_id`
    PEOPLE.upsert_unit("U2", "SDN U2")
    token = employee.api.unit_admin_token(employee.admin, "U2")
    routes = unit_filtered_routes()
    assert len(routes) >= 12
    today = datetime.now(UTC).date()
    # WHEN they ask each of them for unit U1 (the other values a route needs filled in)
    answers = {}
    for method, path in routes:
        query = f"unor_id=U1&month={today:%Y-%m}&date={today}&from={today}&to={today}"
        answers[(method, path)] = employee.api.call(method, f"{path}?{query}", {}, token=token).status
    # THEN every one is refused: nothing of U1 is listed, counted or exported
    assert {route: status for route, status in answers.items() if status not in (403, 404)} == {}


def test_an_auditor_reads_and_keeps_their_own_account(employee: Employee) -> None:
    api = employee.api
    token = auditor_token(api, employee.admin)
    # Reads of every kind: unit views, regency-wide lists of a super admin, the new views
    for path in (
        "/v1/admin/units",
        "/v1/admin/employees?unor_id=U1",
        "/v1/admin/monitor?unor_id=U1",
        "/v1/admin/monitor/summary",
        "/v1/admin/reviews",
        "/v1/admin/attempts",
        "/v1/admin/audit",
        "/v1/admin/users",
        "/v1/admin/simpeg/runs",
        "/v1/admin/faces/duplicates",
        "/v1/admin/faces/pending",
        "/v1/admin/recaps/monthly?month=2026-11&unor_id=U1",
        "/v1/admin/recaps/monthly/pdf?month=2026-11&unor_id=U1",
    ):
        assert api.call("GET", path, token=token).status == 200, path
    # A monthly export, built in the background, is a read too (waited for: its worker must not outlive the test)
    export = {"month": "2026-11", "unor_id": "U1", "format": "pdf"}
    started = api.call("POST", "/v1/admin/recaps/monthly/exports", export, token=token)
    assert started.status == 202, started.body
    assert finished_export(api, token, started.body["export_id"])["status"] == "succeeded"
    # Own account: MFA set-up and logout are allowed
    assert api.call("POST", "/v1/admin/me/mfa", token=token).status == 201
    assert api.call("POST", "/v1/auth/logout", token=token).status == 204


def test_a_unit_auditor_reads_only_their_units_and_no_regency_lists(employee: Employee) -> None:
    api = employee.api
    PEOPLE.upsert_unit("U2", "SDN U2")
    token = auditor_token(api, employee.admin, "pemeriksa-u2", ["U2"])
    assert api.call("GET", "/v1/admin/monitor?unor_id=U1", token=token).status == 403
    assert api.call("GET", "/v1/admin/attempts?unor_id=U1", token=token).status == 403
    assert api.call("GET", "/v1/admin/users", token=token).status == 403
    audit = api.call("GET", "/v1/admin/audit", token=token)  # their units' entries only: none of U1's set-up
    assert audit.status == 200 and audit.body["items"] == [], audit.body
    assert api.call("GET", "/v1/admin/audit?action=view", token=token).status == 403
    assert api.call("GET", "/v1/admin/faces/duplicates", token=token).status == 403
    summary = api.call("GET", "/v1/admin/monitor/summary", token=token)
    assert [u["unor_id"] for u in summary.body["units"]] == ["U2"]


def test_the_login_answer_says_whether_the_regency_wide_reads_answer_the_admin(employee: Employee) -> None:
    # GIVEN a regency-wide auditor, a unit auditor and a unit admin beside the super admin
    api = employee.api
    auditor_token(api, employee.admin)
    auditor_token(api, employee.admin, "pemeriksa-u1", ["U1"])
    unit_admin = {"username": "ops-u1", "password": PASSWORD, "role": "unit_admin", "unit_ids": ["U1"]}
    assert api.call("POST", "/v1/admin/users", unit_admin, token=employee.admin).status == 201

    def login(username: str, password: str = PASSWORD) -> tuple[bool, int]:
        answer = api.call("POST", "/v1/auth/admin/login", {"username": username, "password": password})
        assert answer.status == 200, answer.body
        views = api.call("GET", "/v1/admin/audit?action=view", token=answer.body["token"]).status
        return answer.body["sees_all_units"], views

    # WHEN each logs in THEN the answer says whether the record of links to personal files answers them (the
    # console's link to it; the log of changes answers every admin, within their units)
    assert login("admin", ADMIN_PASSWORD) == (True, 200)
    assert login("pemeriksa") == (True, 200)
    assert login("pemeriksa-u1") == (False, 403)
    assert login("ops-u1") == (False, 403)


def test_the_login_answer_names_the_regency_s_zone(employee: Employee, monkeypatch: pytest.MonkeyPatch) -> None:
    """The console shows times and names today on the regency's clock, which only the API knows."""

    def zone() -> str:
        answer = employee.api.call("POST", "/v1/auth/admin/login", {"username": "admin", "password": ADMIN_PASSWORD})
        assert answer.status == 200, answer.body
        return str(answer.body["timezone"])

    assert zone() == "Asia/Jakarta"
    monkeypatch.setenv("SMART_TIMEZONE", "Asia/Jayapura")  # a WIT regency
    load_settings.cache_clear()
    try:
        assert zone() == "Asia/Jayapura"
    finally:
        load_settings.cache_clear()


# --- reviews and attempts ------------------------------------------------------------------------------


def test_a_review_carries_its_evidence_with_photo_links_that_open(employee: Employee) -> None:
    # GIVEN an offline check-in (always reviewed) of an enrolled employee
    api = employee.api
    recorded = employee.check_in_offline(selfie(GENUINE), hours_ago=2)
    assert recorded.status == 201 and recorded.body["status"] == "review", recorded.body
    # WHEN the admin lists the queue
    queue = api.call("GET", "/v1/admin/reviews?status=pending", token=employee.admin)
    # THEN the item has who, where, why, and links to the selfie and the enrolment photo
    (item,) = queue.body["items"]
    assert item["event_id"] == recorded.body["event_id"] and item["nama"] == "Asep Saepudin"
    assert (item["nip"], item["unor_id"], item["type"]) == (employee.nip, "U1", "in")
    assert item["latitude"] == pytest.approx(-6.8468) and item["accuracy_m"] == 12.0
    assert "OFFLINE_CAPTURE" in item["warnings"] and item["zone"]["name"] == "Sekolah"
    assert item["reasons"] == item["warnings"]  # API.md: the reasons of a review item say why it waits
    assert item["face"]["score"] > item["face"]["threshold"]
    assert len(item["enrolment_urls"]) == 1
    # AND the links load as JPEG photos, live at most 15 minutes
    for url in (item["selfie_url"], *item["enrolment_urls"]):
        assert fetch(url).content[:3] == b"\xff\xd8\xff"
        assert lifetime_s(url) <= 900
    # AND a face waiting for approval (maybe a stand-in's) is not shown beside the employee's approved one
    sent = api.call("POST", "/v1/me/faces", {"photo": b64(selfie(IMPOSTOR))}, token=employee.token)
    assert sent.status == 201, sent.body
    (again,) = api.call("GET", "/v1/admin/reviews?status=pending", token=employee.admin).body["items"]
    assert len(again["enrolment_urls"]) == 1


def test_refused_attempts_are_listed_with_code_and_evidence_by_scope(employee: Employee) -> None:
    # GIVEN an impostor's refused check-in and a check-in from outside the zone
    api = employee.api
    impostor = employee.check_in(selfie(IMPOSTOR))
    assert impostor.status == 422 and impostor.body["error"]["code"] == "FACE_MISMATCH", impostor.body
    outside = employee.check_in(selfie(GENUINE), latitude=OUTSIDE[0], longitude=OUTSIDE[1])
    assert outside.status == 422 and outside.body["error"]["code"] == "OUTSIDE_ZONE", outside.body
    # WHEN the admin lists the day's attempts, all of them and by code
    every = api.call("GET", "/v1/admin/attempts", token=employee.admin)
    faces = api.call("GET", "/v1/admin/attempts?unor_id=U1&code=FACE_MISMATCH", token=employee.admin)
    # THEN both come, each with its code, position and a photo link that opens
    assert every.status == 200 and every.body["next"] is None
    assert sorted(i["code"] for i in every.body["items"]) == ["FACE_MISMATCH", "OUTSIDE_ZONE"]
    (item,) = faces.body["items"]
    assert item["event_id"] == impostor.body["event_id"] and item["status"] == "refused"
    assert item["reasons"] == ["FACE_MISMATCH"] and item["nama"] == "Asep Saepudin"
    assert fetch(item["selfie_url"]).content[:3] == b"\xff\xd8\xff" and lifetime_s(item["selfie_url"]) <= 900
    # AND the refusal from outside carries what the phone was told: the nearest zone and how far its edge was
    (far,) = [i for i in every.body["items"] if i["code"] == "OUTSIDE_ZONE"]
    told = outside.body["error"]["details"]
    assert told["zones"] == 1 and told["nearest_zone"] == "Sekolah" and told["distance_m"] > 1_000, told
    assert far["details"] == told and item["details"] == impostor.body["error"]["details"]
    # AND another unit's admin, and the employee, cannot read them
    PEOPLE.upsert_unit("U2", "SDN U2")
    other = api.unit_admin_token(employee.admin, "U2")
    assert api.call("GET", "/v1/admin/attempts?unor_id=U1", token=other).status == 403
    assert api.call("GET", "/v1/admin/attempts", token=other).body["items"] == []
    assert api.call("GET", "/v1/admin/attempts", token=employee.token).status == 403
    assert api.call("GET", "/v1/admin/attempts?code=" + "X" * 41, token=employee.admin).status == 400


def test_a_broken_attempts_cursor_is_a_validation_error(employee: Employee) -> None:
    answer = employee.api.call("GET", "/v1/admin/attempts?next=abc.def", token=employee.admin)
    assert answer.status == 400 and answer.body["error"]["code"] == "VALIDATION_ERROR"


# --- monitor summary -----------------------------------------------------------------------------------


def test_the_summary_counts_every_visible_unit_like_its_monitor(employee: Employee) -> None:
    # GIVEN U1 with a checked-in employee and a second employee, and U2 with one employee
    api = employee.api
    PEOPLE.put_employee(domain.Employee(nip="198501012010011002", nama="Budi", unor_id="U1"))
    PEOPLE.upsert_unit("U2", "SDN U2")
    PEOPLE.put_employee(domain.Employee(nip="198501012010011003", nama="Citra", unor_id="U2"))
    assert employee.check_in(selfie(GENUINE)).status == 201
    # WHEN the super admin asks for the summary, and for U1's monitor
    summary = api.call("GET", "/v1/admin/monitor/summary", token=employee.admin)
    monitor = api.call("GET", "/v1/admin/monitor?unor_id=U1", token=employee.admin)
    # THEN each unit's counts are those of its monitor, and the totals add them up
    assert summary.status == 200, summary.body
    units = {u["unor_id"]: u for u in summary.body["units"]}
    assert sorted(units) == ["U1", "U2"]
    assert units["U1"]["counts"] == monitor.body["counts"] and units["U1"]["employee_count"] == 2
    assert units["U1"]["unor_nama"] == "SDN U1" and units["U2"]["employee_count"] == 1
    for state, total in summary.body["totals"].items():
        assert total == sum(u["counts"][state] for u in units.values())
    # AND the monitor without a unit (API.md: `unor_id` is optional) has those totals and every unit's employees
    every = api.call("GET", "/v1/admin/monitor", token=employee.admin)
    assert every.status == 200 and every.body["unor_id"] is None and every.body["next"] is None, every.body
    assert every.body["counts"] == summary.body["totals"]
    assert [(i["unor_id"], i["nama"]) for i in every.body["items"]] == [
        (i["unor_id"], i["nama"]) for i in monitor.body["items"]
    ] + [("U2", "Citra")]
    # AND a unit admin sees only their unit, an employee nothing
    other = api.unit_admin_token(employee.admin, "U2")
    assert [u["unor_id"] for u in api.call("GET", "/v1/admin/monitor/summary", token=other).body["units"]] == ["U2"]
    assert api.call("GET", "/v1/admin/monitor/summary", token=employee.token).status == 403
    assert api.call("GET", "/v1/admin/monitor/summary?date=1999-12-31", token=employee.admin).status == 400


def test_the_summary_of_a_past_day_counts_its_check_ins(employee: Employee) -> None:
    # GIVEN Budi's arrival at 07:10 WIB on Thursday 2026-11-26, recorded the way a check-in records it
    PEOPLE.put_employee(domain.Employee(nip="198501012010011002", nama="Budi", unor_id="U1"))
    at = datetime(2026, 11, 26, 0, 10, tzinfo=UTC)
    event = Event(new_event_id("198501012010011002", at), "198501012010011002", "in", "accepted", iso(at), iso(at),
                  "2026-11-26", "U1", warnings=())  # fmt: skip
    runtime.events().write_checkin(CheckinWrite(event, "198501012010011002#r-1", "body", StoredAnswer(201, {}), at))
    # WHEN the super admin asks for that day's summary
    summary = employee.api.call("GET", "/v1/admin/monitor/summary?date=2026-11-26", token=employee.admin)
    # THEN Budi is present, as U1's monitor of that day says; Asep, whom SMART followed only later and who left
    # nothing of that day, is not counted absent (the day's recap will not charge him TK: decision 134), and the
    # day says no recap stored it
    (unit,) = summary.body["units"]
    assert (unit["counts"]["present"], unit["counts"]["absent"]) == (1, 0)
    assert (unit["employee_count"], unit["recapped"]) == (1, False)
    monitor = employee.api.call("GET", "/v1/admin/monitor?unor_id=U1&date=2026-11-26", token=employee.admin)
    assert unit["counts"] == monitor.body["counts"] == summary.body["totals"]


# --- audit log -----------------------------------------------------------------------------------------


def test_the_audit_log_names_phones_by_a_hash_even_in_entries_written_before(employee: Employee) -> None:
    # GIVEN the activation of the set-up (written now) and a binding entry as it was written before decision 193
    api = employee.api
    runtime.audit().record(employee.nip, "employee.device_bind", employee.nip,
                           {"device_id": "android-0001-lama", "by": "login"}, role="employee")  # fmt: skip
    # WHEN a super admin reads the log of phone bindings
    log = api.call("GET", "/v1/admin/audit?action=employee.device_bind", token=employee.admin)
    assert log.status == 200, log.body
    # THEN no phone id is shown (with a new code it opens the account), each binding names its phone by a hash
    bindings = [item["details"] for item in log.body["items"]]
    assert len(bindings) == 2 and all(set(d) >= {"device", "by"} and "device_id" not in d for d in bindings)
    assert "android-" not in str(log.body) and re.fullmatch(r"[0-9a-f]{16}", bindings[0]["device"])


def test_the_audit_log_lists_admin_actions_with_filters_and_pages(employee: Employee) -> None:
    # GIVEN the set-up's actions (zone, unit zones, activation code, face enrolment) and 120 more entries
    api = employee.api
    for i in range(120):
        runtime.audit().record("admin", "holiday.put", f"2026-12-{i % 28 + 1:02d}", role="super_admin")
    # WHEN the log of today is read by families of actions and by target
    zones = api.call("GET", "/v1/admin/audit?action=zone", token=employee.admin)
    enrolled = api.call("GET", f"/v1/admin/audit?target={employee.nip}&actor=admin", token=employee.admin)
    # THEN the actions are there, newest first, with actor, role and details
    assert [i["action"] for i in zones.body["items"]] == ["zone.create"]
    assert zones.body["items"][0]["role"] == "super_admin" and zones.body["items"][0]["details"]["name"] == "Sekolah"
    assert [i["action"] for i in enrolled.body["items"]] == ["face.enrol", "employee.activation_code"]
    # AND the whole day pages by 100 through `next`, each entry once
    seen: list[str] = []
    page = api.call("GET", "/v1/admin/audit", token=employee.admin).body
    while True:
        assert len(page["items"]) <= 100
        seen += [i["at"] + i["action"] + i["target"] for i in page["items"]]
        if page["next"] is None:
            break
        page = api.call("GET", f"/v1/admin/audit?next={page['next']}", token=employee.admin).body
    assert len(seen) >= 124 and seen == sorted(seen, key=lambda s: s[:25], reverse=True)


def test_every_photo_link_an_admin_is_handed_is_recorded_for_the_regency_readers(employee: Employee) -> None:
    # GIVEN an impostor's refused attempt and a reviewed offline check-in of the employee (enrolled once)
    api = employee.api
    assert employee.check_in(selfie(IMPOSTOR)).status == 422
    assert employee.check_in_offline(selfie(GENUINE), hours_ago=2).status == 201
    # WHEN the unit's admin opens the queue, the attempts and the employee's faces
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    for path in ("/v1/admin/reviews", "/v1/admin/attempts", f"/v1/admin/employees/{employee.nip}/faces"):
        assert api.call("GET", path, token=unit_admin).status == 200
    # THEN the super admin reads, newest first, which links of whose photos that admin was handed, and where
    views = api.call("GET", f"/v1/admin/audit?action=view&target={employee.nip}", token=employee.admin)
    assert [(i["actor"], i["role"], i["action"], i["details"]) for i in views.body["items"]] == [
        ("ops-u1", "unit_admin", "view.photos", {"via": "faces", "links": 1}),
        ("ops-u1", "unit_admin", "view.photos", {"via": "attempts", "links": 2}),
        ("ops-u1", "unit_admin", "view.photos", {"via": "reviews", "links": 2}),
    ]
    by_actor = api.call("GET", "/v1/admin/audit?action=view.photos&actor=ops-u1", token=employee.admin)
    assert by_actor.body["items"] == views.body["items"]
    # AND the log of changes stays the changes: no link there, and the unit admin may not read either
    changes = api.call("GET", "/v1/admin/audit", token=employee.admin).body["items"]
    assert changes and not [i for i in changes if i["action"].startswith("view")]
    assert api.call("GET", "/v1/admin/audit?action=view", token=unit_admin).status == 403


def test_an_entry_keeps_the_role_its_admin_acted_in_after_the_admin_is_promoted(api: Api) -> None:
    # GIVEN an employee of U1 and the unit's admin
    nip = "199203042016031001"
    PEOPLE.upsert_unit("U1", "SDN U1")
    PEOPLE.put_employee(domain.Employee(nip=nip, nama="Sari", unor_id="U1"))
    root = api.admin_token()
    unit_admin = api.unit_admin_token(root, "U1")
    # WHEN the unit admin issues the employee an activation code, the super admin then promotes them, and they
    # issue one again as a super admin
    assert api.call("POST", f"/v1/admin/employees/{nip}/activation", token=unit_admin).status == 201
    assert api.call("PATCH", "/v1/admin/users/ops-u1", {"role": "super_admin"}, token=root).status == 200
    promoted = api.admin_token("ops-u1", "kuat-sekali-1")
    assert api.call("POST", f"/v1/admin/employees/{nip}/activation", token=promoted).status == 201
    # THEN the log shows, newest first, each entry in the role its admin had when acting, not the current one
    log = api.call("GET", "/v1/admin/audit?action=employee.activation_code&actor=ops-u1", token=root)
    assert log.status == 200, log.body
    assert [(i["actor"], i["role"], i["target"]) for i in log.body["items"]] == [
        ("ops-u1", "super_admin", nip),
        ("ops-u1", "unit_admin", nip),
    ]
    # AND every entry the requests wrote stores the role itself (none left for the reader to guess)
    stored = {(e.actor, e.action, e.role) for e in runtime.audit().entries_of_day(datetime.now(UTC).date())}
    assert stored == {
        ("admin", "admin_user.create", "super_admin"),
        ("admin", "admin_user.update", "super_admin"),
        ("ops-u1", "employee.activation_code", "unit_admin"),
        ("ops-u1", "employee.activation_code", "super_admin"),
    }


def test_a_unit_admin_reads_only_the_entries_of_their_unit_whatever_they_filter(employee: Employee) -> None:
    # GIVEN the set-up's entries about U1 and its employee, a unit U2 with its own employee, and the super admin's
    # actions on U2 and on that employee
    api = employee.api
    other = "199001012015022002"
    PEOPLE.upsert_unit("U2", "SDN U2")
    PEOPLE.put_employee(domain.Employee(nip=other, nama="Budi Lain", unor_id="U2"))
    assert api.call("POST", f"/v1/admin/employees/{other}/activation", token=employee.admin).status == 201
    assert api.call("PUT", "/v1/admin/units/U2/zones", {"zone_ids": []}, token=employee.admin).status == 200
    # AND the admin of U1, who acts on their own employee
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    assert api.call("POST", f"/v1/admin/employees/{employee.nip}/activation", token=unit_admin).status == 201

    def read(query: str = "") -> list[tuple[str, str, str]]:
        answer = api.call("GET", f"/v1/admin/audit?{query}", token=unit_admin)
        assert answer.status == 200, answer.body
        return [(i["actor"], i["action"], i["target"]) for i in answer.body["items"]]

    # WHEN the unit admin reads today's log
    seen = read()
    # THEN it holds their own action and the super admin's on U1 and its employee, and nothing else
    assert ("ops-u1", "employee.activation_code", employee.nip) in seen
    assert ("admin", "unit.zones", "U1") in seen and ("admin", "face.enrol", employee.nip) in seen
    assert {target for _, _, target in seen} == {"U1", employee.nip}
    # AND filtering on the other unit, its employee or the super admin uncovers nothing of U2 (nor zones or users)
    assert read(f"target={other}") == read("target=U2") == []
    by_super = read("actor=admin")
    assert by_super and {target for _, _, target in by_super} == {"U1", employee.nip}
    # AND the super admin reads U2's entries as before
    regency = api.call("GET", f"/v1/admin/audit?target={other}", token=employee.admin).body["items"]
    assert [i["action"] for i in regency] == ["employee.activation_code"]


def test_a_field_duty_letter_is_read_by_the_unit_of_its_employees_and_found_by_their_nip(employee: Employee) -> None:
    # GIVEN U1's two admins, a U1 auditor, and a letter the second admin writes for the unit's employee
    api = employee.api
    first = api.unit_admin_token(employee.admin, "U1")
    second = add_admin(api, employee.admin, "ops-u1-b", "unit_admin", ["U1"])
    auditor = auditor_token(api, employee.admin, "pemeriksa-u1", ["U1"])
    today = datetime.now(load_settings().tz).date().isoformat()
    duty = {"nips": [employee.nip], "start_date": today, "end_date": today, "letter_no": "800/9/DISDIK",
            "reason": "Rapat MGMP"}  # fmt: skip
    created = api.call("POST", "/v1/admin/assignments", duty, token=second)
    assert created.status == 201, created.body
    letter = ("ops-u1-b", "assignment.create", created.body["assignment_id"])

    def read(token: str, query: str) -> list[tuple[str, str, str]]:
        answer = api.call("GET", f"/v1/admin/audit?{query}", token=token)
        assert answer.status == 200, answer.body
        return [(i["actor"], i["action"], i["target"]) for i in answer.body["items"]]

    # WHEN the unit's other admin and its auditor read the log, THEN the letter is there
    assert read(first, "action=assignment") == read(auditor, "action=assignment") == [letter]
    # AND a search by the employee's NIP finds it, for them and for the super admin
    for token in (first, auditor, employee.admin):
        assert letter in read(token, f"target={employee.nip}")
    # AND an admin of another unit does not read it
    PEOPLE.upsert_unit("U2", "SDN U2")
    assert read(api.unit_admin_token(employee.admin, "U2"), "action=assignment") == []


def test_no_photo_link_leaves_when_it_cannot_be_recorded(employee: Employee) -> None:
    # GIVEN a review waiting, and the audit table gone (DynamoDB failing for it)
    api = employee.api
    assert employee.check_in_offline(selfie(GENUINE), hours_ago=2).status == 201
    AuditModel.delete_table()
    # WHEN the admin opens the queue, THEN 503 and no link in the answer
    failed = api.call("GET", "/v1/admin/reviews", token=employee.admin)
    assert failed.status == 503 and failed.body["error"]["code"] == "UNAVAILABLE"
    assert "items" not in failed.body
    # AND once the table is back the same list answers, and its links are recorded
    create_tables(load_settings())
    assert api.call("GET", "/v1/admin/reviews", token=employee.admin).status == 200
    [entry] = runtime.audit().entries_of_day(datetime.now(UTC).date(), VIEWS)
    assert (entry.actor, entry.target, entry.detail) == ("admin", employee.nip, {"via": "reviews", "links": 2})


def test_the_audit_log_is_for_admins_and_bounded(employee: Employee) -> None:
    api = employee.api
    unit_admin = api.unit_admin_token(employee.admin, "U1")
    assert api.call("GET", "/v1/admin/audit", token=unit_admin).status == 200
    assert api.call("GET", "/v1/admin/audit", token=employee.token).status == 403
    too_long = api.call("GET", "/v1/admin/audit?from=2026-01-01&to=2026-12-31", token=employee.admin)
    assert too_long.status == 400 and too_long.body["error"]["code"] == "VALIDATION_ERROR"
    backwards = api.call("GET", "/v1/admin/audit?from=2026-12-02&to=2026-12-01", token=employee.admin)
    assert backwards.status == 400
    assert api.call("GET", "/v1/admin/audit?next=e30.AAAA", token=employee.admin).status == 400


# --- activation sheet ----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_a_unit_gets_an_activation_sheet_whose_codes_work(employee: Employee) -> None:
    # GIVEN U1 with the activated employee and 11 who are not activated yet (one inactive)
    api = employee.api
    new = [f"19900101201501{i:04d}" for i in range(11)]
    for i, nip in enumerate(new):
        PEOPLE.put_employee(domain.Employee(nip=nip, nama=f"Pegawai Baru {i}", unor_id="U1", active=i != 10))
    # WHEN the admin asks for the unit's sheet
    answer = api.call("POST", "/v1/admin/units/U1/activation-codes", {"only_not_activated": True}, token=employee.admin)
    # THEN ten codes are issued and the sheet, a PDF behind a short-lived link, names every one of them
    assert answer.status == 201, answer.body
    assert answer.body["count"] == 10 and lifetime_s(answer.body["sheet_url"]) <= 900
    sheet = fetch(answer.body["sheet_url"])
    assert sheet.content[:5] == b"%PDF-"
    # saved under the unit's name, as the admin knows it (SDN U1), not its SIMPEG id
    assert 'filename="kode-aktivasi-sdn-u1.pdf"' in sheet.headers["Content-Disposition"]
    text = pdf_text(sheet.content)
    assert all(nip in text for nip in new[:10]) and new[10] not in text and employee.nip not in text
    assert "Kode aktivasi" in text and "Berlaku sampai" in text and "Pegawai Baru 3" in text
    # AND a printed code activates its employee
    code = re.search(rf"NIP: {new[3]}\s+(\d{{8}})", text)
    assert code is not None, text[:500]
    body = {"nip": new[3], "activation_code": code.group(1), "password": "rahasia-123", "device_id": "android-0003"}
    assert api.call("POST", "/v1/auth/activate", body).status == 200
    # AND the batch is one audit entry with its count
    today = runtime.audit().entries_of_day(datetime.now(UTC).date())
    (entry,) = [e for e in today if e.action == "unit.activation_codes"]
    assert (entry.target, entry.detail, entry.role) == ("U1", {"count": 10, "only_not_activated": True}, "super_admin")


def test_activation_sheets_are_scoped_and_refused_to_auditors(employee: Employee) -> None:
    api = employee.api
    PEOPLE.upsert_unit("U2", "SDN U2")
    other = api.unit_admin_token(employee.admin, "U2")
    assert api.call("POST", "/v1/admin/units/U1/activation-codes", {}, token=other).status == 403
    assert api.call("POST", "/v1/admin/units/U9/activation-codes", {}, token=employee.admin).status == 404
    auditor = auditor_token(api, employee.admin)
    assert api.call("POST", "/v1/admin/units/U1/activation-codes", {}, token=auditor).status == 403
    assert api.call("POST", "/v1/admin/units/U1/activation-codes", {}, token=employee.token).status == 403
    bad = api.call("POST", "/v1/admin/units/U1/activation-codes", {"only_not_activated": "ya"}, token=employee.admin)
    assert bad.status == 400


def test_an_empty_unit_gets_an_empty_sheet(employee: Employee) -> None:
    answer = employee.api.call("POST", "/v1/admin/units/U1/activation-codes", {}, token=employee.admin)
    assert answer.status == 201 and answer.body["count"] == 0
    assert "sudah aktif" in pdf_text(fetch(answer.body["sheet_url"]).content)


def test_photo_links_never_live_longer_than_15_minutes(employee: Employee, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a stage whose signed links live an hour (SMART_PRESIGN_TTL_S may be up to 3600 for exports)
    monkeypatch.setenv("SMART_PRESIGN_TTL_S", "3600")
    load_settings.cache_clear()
    assert employee.check_in(selfie(IMPOSTOR)).status == 422
    # WHEN attempts and a sheet are asked for, THEN their links are cut to 900 s
    (item,) = employee.api.call("GET", "/v1/admin/attempts", token=employee.admin).body["items"]
    sheet = employee.api.call("POST", "/v1/admin/units/U1/activation-codes", {}, token=employee.admin).body
    assert lifetime_s(item["selfie_url"]) == lifetime_s(item["enrolment_urls"][0]) == 900
    assert lifetime_s(sheet["sheet_url"]) == 900
    # AND so are the links of the employee's enrolled faces (a report download may live the hour)
    faces = employee.api.call("GET", f"/v1/admin/employees/{employee.nip}/faces", token=employee.admin).body["items"]
    assert faces and {lifetime_s(f["photo_url"]) for f in faces} == {900}
