"""Zone administration through the API: geometry validation, unit zones, field duty, scopes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from pynamodb.connection.base import Connection

from chalicelib.domain.people import Employee
from chalicelib.store import models
from chalicelib.store.people import DynamoPeopleRepository
from tests.functional.conftest import Api

PEOPLE = DynamoPeopleRepository()

DEMO = json.loads((Path(__file__).resolve().parents[2] / "tools" / "demo_zones.json").read_text())["zones"]
NIP = "198501012010011001"


def test_create_list_get_update_delete(api: Api) -> None:
    admin = api.admin_token()
    created = api.call("POST", "/v1/admin/zones", DEMO[0], token=admin)
    assert created.status == 201, created.body
    zone_id = created.body["zone_id"]
    assert created.body["cell_count"] > 100 and created.body["resolution"] == 13
    listed = api.call("GET", "/v1/admin/zones", token=admin)
    assert [z["zone_id"] for z in listed.body["items"]] == [zone_id]
    circle = {"name": "Lingkaran", "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}}
    updated = api.call("PUT", f"/v1/admin/zones/{zone_id}", circle, token=admin)
    assert updated.status == 200 and updated.body["version"] == 2 and updated.body["kind"] == "circle"
    PEOPLE.upsert_unit("U1", "Unit 1")
    assert api.call("PUT", "/v1/admin/units/U1/zones", {"zone_ids": [zone_id]}, token=admin).status == 200
    in_use = api.call("DELETE", f"/v1/admin/zones/{zone_id}", token=admin)
    assert in_use.status == 409
    assert api.call("PUT", "/v1/admin/units/U1/zones", {"zone_ids": []}, token=admin).status == 200
    assert api.call("DELETE", f"/v1/admin/zones/{zone_id}", token=admin).status == 200
    assert api.call("GET", f"/v1/admin/zones/{zone_id}", token=admin).status == 404


@contextmanager
def audit_throttled(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Within the block DynamoDB throttles every transaction that writes to the audit table: the change it carries
    is not made, and the caller is answered 503."""
    real = Connection._make_api_call

    def throttled(self: Connection, name: str, kwargs: dict[str, Any]) -> Any:
        tables = [next(iter(i.values())).get("TableName", "") for i in kwargs.get("TransactItems", [])]
        if name == "TransactWriteItems" and any(t.endswith(models.AuditModel.base_name) for t in tables):
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "pelan"}}, name)
        return real(self, name, kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Connection, "_make_api_call", throttled)
        yield


def test_a_zone_sent_again_after_a_throttled_audit_entry_is_one_zone(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a zone sent while DynamoDB throttled its audit entry (the console was told 503)
    admin = api.admin_token()
    body = {"name": "SDN 1 Ngamprah", "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}}
    with audit_throttled(monkeypatch):
        first = api.call("POST", "/v1/admin/zones", body, token=admin)
    assert first.status == 503, first.body
    # THEN no zone was stored unnamed
    assert api.call("GET", "/v1/admin/zones", token=admin).body["items"] == []
    # WHEN the console sends it again, and again (its answer lost)
    again = api.call("POST", "/v1/admin/zones", body, token=admin)
    assert again.status == 201, again.body
    assert api.call("POST", "/v1/admin/zones", body, token=admin).body["zone_id"] == again.body["zone_id"]
    # THEN there is one zone, named once
    listed = api.call("GET", "/v1/admin/zones", token=admin).body["items"]
    assert [z["zone_id"] for z in listed] == [again.body["zone_id"]]
    audit = api.call("GET", "/v1/admin/audit?action=zone.create", token=admin).body["items"]
    assert [i["target"] for i in audit] == [again.body["zone_id"]]


def test_a_zone_change_sent_again_after_a_throttled_audit_entry_is_answered_and_audited(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zone the console reshapes from version 1 into a polygon while its audit entry is throttled (503)
    admin = api.admin_token()
    created = api.call(
        "POST",
        "/v1/admin/zones",
        {"name": "SDN 2", "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}},
        token=admin,
    )
    zone_id = created.body["zone_id"]
    square = [[-6.8468, 107.4857], [-6.8468, 107.49], [-6.84, 107.49], [-6.84, 107.4857]]
    change = {"polygon": square, "version": 1}
    with audit_throttled(monkeypatch):
        first = api.call("PUT", f"/v1/admin/zones/{zone_id}", change, token=admin)
    assert first.status == 503, first.body
    # THEN the zone is not reshaped unnamed
    assert api.call("GET", f"/v1/admin/zones/{zone_id}", token=admin).body["version"] == 1
    # WHEN the console sends it again, THEN it answers the zone at version 2, and the change is named once, with
    # the circle it replaced
    again = api.call("PUT", f"/v1/admin/zones/{zone_id}", change, token=admin)
    assert again.status == 200 and again.body["version"] == 2, again.body
    audit = api.call("GET", "/v1/admin/audit?action=zone.update", token=admin).body["items"]
    assert [i["target"] for i in audit] == [zone_id]
    assert audit[0]["details"]["before"]["area"] == {"circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}}


def test_a_zone_and_a_holiday_deleted_while_their_audit_entries_are_throttled_stay_until_the_retry_names_them(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a zone no unit uses and a holiday, deleted while DynamoDB throttles their audit entries (503)
    admin = api.admin_token()
    body = {"name": "Kantor Lama", "circle": {"lat": -6.8468, "lon": 107.4857, "radius_m": 80}}
    zone = f"/v1/admin/zones/{api.call('POST', '/v1/admin/zones', body, token=admin).body['zone_id']}"
    holiday = "/v1/admin/holidays/2026-08-17"
    assert api.call("PUT", holiday, {"name": "HUT RI", "kind": "national"}, token=admin).status == 200
    with audit_throttled(monkeypatch):
        assert api.call("DELETE", zone, token=admin).status == 503
        assert api.call("DELETE", holiday, token=admin).status == 503
    # THEN neither is deleted unnamed
    assert api.call("GET", zone, token=admin).status == 200
    assert [h["name"] for h in api.call("GET", "/v1/admin/holidays?year=2026", token=admin).body["items"]] == ["HUT RI"]
    # WHEN the console deletes them again, THEN they go, each named once; once more finds nothing to delete
    for path, action in ((zone, "zone.delete"), (holiday, "holiday.delete")):
        assert api.call("DELETE", path, token=admin).status == 200
        assert api.call("DELETE", path, token=admin).status == 404
        audit = api.call("GET", f"/v1/admin/audit?action={action}", token=admin).body["items"]
        assert [i["target"] for i in audit] == [path.rsplit("/", 1)[1]], action


def test_bad_geometry_is_a_validation_error(api: Api) -> None:
    admin = api.admin_token()
    bowtie = {"name": "x", "polygon": [[-6.80, 107.60], [-6.81, 107.61], [-6.80, 107.61], [-6.81, 107.60]]}
    two_points = {"name": "x", "polygon": [[-6.80, 107.60], [-6.81, 107.61]]}
    huge = {"name": "x", "circle": {"lat": -6.8, "lon": 107.6, "radius_m": 50000}}
    abroad = {"name": "x", "circle": {"lat": 48.85, "lon": 2.35, "radius_m": 100}}
    for body in (bowtie, two_points, huge, abroad, {"name": "x"}, {"name": "x", "polygon": "nope"}):
        answer = api.call("POST", "/v1/admin/zones", body, token=admin)
        assert answer.status == 400, (body, answer.body)
        assert answer.body["error"]["code"] == "VALIDATION_ERROR"
        if body in (bowtie, two_points):  # API.md: the details name the field
            assert "polygon" in answer.body["error"]["details"], answer.body
    assert api.call("GET", "/v1/admin/zones", token=admin).body["items"] == []


def test_a_zone_sent_with_two_shapes_is_refused_not_guessed(api: Api) -> None:
    # GIVEN an admin whose map tool sent both the drawn square and a circle left over from an earlier try
    admin = api.admin_token()
    square = [[-6.84, 107.48], [-6.84, 107.49], [-6.85, 107.49], [-6.85, 107.48]]
    circle = {"lat": -6.8468, "lon": 107.4857, "radius_m": 200}
    for body in (
        {"name": "x", "polygon": square, "circle": circle},
        {"name": "x", "circle": circle, "holes": [square]},
    ):
        # WHEN the zone is created with more than API.md's one `polygon` or `circle`
        answer = api.call("POST", "/v1/admin/zones", body, token=admin)
        # THEN it is invalid geometry (400 naming the zone), not one of the two shapes picked silently
        assert answer.status == 400, (body, answer.body)
        assert answer.body["error"]["code"] == "VALIDATION_ERROR"
        assert "zone" in answer.body["error"]["details"], answer.body
    assert api.call("GET", "/v1/admin/zones", token=admin).body["items"] == []


def test_unit_zones_refuse_unknown_zones(api: Api) -> None:
    admin = api.admin_token()
    PEOPLE.upsert_unit("U1", "Unit 1")
    answer = api.call("PUT", "/v1/admin/units/U1/zones", {"zone_ids": ["z-nope"]}, token=admin)
    assert answer.status == 400 and answer.body["error"]["details"]["zone_ids"] == ["z-nope"]
    assert api.call("PUT", "/v1/admin/units/NOPE/zones", {"zone_ids": []}, token=admin).status == 404


def test_field_duty_assignment(api: Api) -> None:
    admin = api.admin_token()
    PEOPLE.upsert_unit("U1", "Unit 1")
    PEOPLE.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    body = {
        "nips": [NIP],
        "circle": {"lat": -6.9, "lon": 107.6, "radius_m": 150},
        "start_date": "2026-11-30",
        "end_date": "2026-12-02",
        "letter_no": "800/123/BKPSDM",
        "reason": "Bimtek",
    }
    created = api.call("POST", "/v1/admin/assignments", body, token=admin)
    assert created.status == 201, created.body
    assert created.body["assignment_id"].startswith("a-")
    backwards = {**body, "start_date": "2026-12-05"}
    assert api.call("POST", "/v1/admin/assignments", backwards, token=admin).status == 400
    unknown = {**body, "nips": ["199912312020121001"]}
    assert api.call("POST", "/v1/admin/assignments", unknown, token=admin).status == 400
