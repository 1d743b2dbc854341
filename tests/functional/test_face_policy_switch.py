"""A change of face models never compares vectors of different models: refused until recomputed."""

from __future__ import annotations

import pytest

from chalicelib.settings import load_settings
from chalicelib.usecases.faces import recompute
from chalicelib.usecases.schemas.attendance import FacesRecomputed
from tests.functional.checkin_setup import enrolled_employee, selfie
from tests.functional.conftest import Api


def use_policy(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("SMART_FACE_POLICY", name)
    load_settings.cache_clear()


def enrolment(api: Api, token: str) -> tuple[bool, int]:
    """What `GET /v1/me` says of the employee's enrolment: enrolled, and how many approved faces count."""
    profile = api.call("GET", "/v1/me", token=token).body
    return profile["enrolled"], profile["onboarding"]["faces"]["approved"]


def test_templates_of_another_model_are_refused_then_migrated(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an employee enrolled under the licence-clean policy (dlib vectors only)
    use_policy(monkeypatch, "cc0")
    employee = enrolled_employee(api)
    faces = api.call("GET", f"/v1/admin/employees/{employee.nip}/faces", token=employee.admin)
    assert faces.body["items"][0]["models"] == ["dlib_resnet_v1"]
    assert faces.body["items"][0]["photo_url"].startswith("http")
    # WHEN the deployment switches to the default policy (dlib + MobileFaceNet)
    use_policy(monkeypatch, "default")
    refused = employee.check_in(selfie("deepface/img2.jpg"))
    # THEN the old templates are not compared: the check-in asks for re-enrolment
    assert refused.status == 422 and refused.body["error"]["code"] == "NOT_ENROLLED"
    # AND the profile says the same, so the app offers Daftar Wajah instead of a check-in that can only be refused
    assert enrolment(api, employee.token) == (False, 0)
    # AND after the batch recompute from the kept enrolment photos, the same person checks in
    assert recompute(load_settings(), [employee.nip]) == FacesRecomputed(recomputed=1, failed=0)
    accepted = employee.check_in(selfie("deepface/img4.jpg"))
    assert accepted.status == 201, accepted.body
    assert enrolment(api, employee.token) == (True, 1)
    faces = api.call("GET", f"/v1/admin/employees/{employee.nip}/faces", token=employee.admin)
    assert faces.body["items"][0]["models"] == ["dlib_resnet_v1", "mobilefacenet_fp"]
