"""Cohort hygiene, on the in-memory twins with the real face engine and real photos (../shared/faces/dev-asia).

S-norm judges a check-in against a cohort of other employees' templates. When the claimed person's own face
sits in that cohort (enrolled under colleagues' NIPs before duplicates were refused), the template's cohort
statistics rise with it and the genuine check-in was refused FACE_MISMATCH. The cohort now holds only active
employees' approved templates and leaves out members that look like the claimed identity.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

import pytest

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import Settings, build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import checkin, faces
from tests.conftest import faces_dir

from .test_checkin import NIP, NOW, SETTINGS, audited, employee, enrolled, request

__all__ = ["audited", "employee", "enrolled"]  # fixtures: the employee of U1 and its office zone

CLAIMED = "Tang_Jiaxuan"  # six photos in dev-asia
TEMPLATE, PROBE = "6.jpg", "1.jpg"  # measured: refused with the look-alikes in the cohort (score 1.40), 4.88 without
LOOK_ALIKES = ("2.jpg", "3.jpg", "4.jpg", "5.jpg")
COPIES = 3  # each look-alike photo enrolled under this many colleagues


def asia_photos() -> dict[str, list[str]]:
    """dev-asia's photos by identity (paths relative to the set), in file order."""
    root = faces_dir("dev-asia")
    by_identity: dict[str, list[str]] = {}
    with (root / "labels.csv").open(encoding="utf-8") as labels:
        for row in csv.DictReader(labels):
            by_identity.setdefault(row["identity"], []).append(row["path"])
    return by_identity


def colleague(n: int) -> str:
    return f"19900101{n:010d}"


def keep(nip: str, relative: str, settings: Settings, *, active: bool = True) -> bool:
    """Enrol a dev-asia photo for a new employee of U1 the way a tool does (no duplicate check: data from
    before it existed); False when the photo does not pass enrolment (several faces in a news photo)."""
    if runtime.people().get_employee(nip) is None:
        runtime.people().put_employee(Employee(nip, f"Rekan {nip[-4:]}", "U1", active=active))
    data = (faces_dir("dev-asia") / relative).read_bytes()
    engine, _ = runtime.engine_and_policy(settings)
    try:
        analysis = engine.analyse(data, purpose="enrol")
    except Exception:
        return False
    faces.keep_enrolment("tool", nip, data, analysis, settings=settings, now=NOW)
    return True


@pytest.fixture
def regency(repos: Repositories, employee: Principal, enrolled: Settings) -> Iterator[Settings]:
    """GIVEN the employee of U1 (office zone: `enrolled`) enrolled with one photo of CLAIMED instead of the
    fixture's face, every other dev-asia identity enrolled under its own colleague, and CLAIMED's other photos
    enrolled under several colleagues."""
    [first] = runtime.faces().template_rows(NIP)
    assert runtime.faces().delete_template(NIP, first.template_id)
    photos = asia_photos()
    folder = f"images/{CLAIMED}/"
    assert keep(NIP, folder + TEMPLATE, SETTINGS)
    n = 0
    for identity, paths in photos.items():
        if identity == CLAIMED:
            continue
        for path in paths:
            n += 1
            keep(colleague(n), path, SETTINGS)
    for name in LOOK_ALIKES:
        for _ in range(COPIES):
            n += 1
            assert keep(colleague(n), folder + name, SETTINGS)
    runtime.forget_cohort()
    # Liveness is not the subject here, and the tests' frames show another person than the probe photo.
    yield build_settings({"SMART_LIVENESS": "off"})


def test_the_genuine_check_in_passes_with_look_alikes_in_the_cohort(
    repos: Repositories, employee: Principal, regency: Settings
) -> None:
    # GIVEN a cohort large enough for S-norm, with CLAIMED's own face 12 times under other NIPs
    cohort = runtime.cohort(regency)
    _, policy = runtime.engine_and_policy(regency)
    assert all(cohort.size(m) >= policy.cohort_min_size for m in policy.model_ids)
    # WHEN the employee checks in with another photo of their own face
    body, raw = request(photo=(faces_dir("dev-asia") / f"images/{CLAIMED}/{PROBE}").read_bytes())
    answer = checkin.check_in(employee, body, raw, regency, NOW)
    # THEN it is recorded (it was refused FACE_MISMATCH while the look-alikes normalised the score)
    assert answer.status_code == 201, answer.body
    rendered = answer.body.model_dump(mode="json")
    assert rendered["face"]["score"] >= policy.review_threshold


def test_the_cohort_holds_only_active_employees_approved_templates(
    repos: Repositories, employee: Principal, regency: Settings
) -> None:
    # GIVEN one colleague who left and one whose only face waits for approval
    gone, waiting = colleague(1), colleague(2)
    repos.people.put_employee(Employee(gone, "Rekan lama", "U1", active=False))
    runtime.faces().delete_template(waiting, runtime.faces().template_rows(waiting)[0].template_id)
    data = (faces_dir("dev-asia") / f"images/{CLAIMED}/{PROBE}").read_bytes()
    faces.keep_enrolment(
        "tool",
        waiting,
        data,
        faces.analyse_selfie(data, regency),
        settings=regency,
        now=NOW,
        status="pending",
        unor_id="U1",
    )
    runtime.forget_cohort()
    # THEN neither is in the cohort, everyone else's approved templates are
    cohort = runtime.cohort(regency)
    owners = {owner for m in cohort.model_ids if (rows := cohort.for_model(m)) for owner in rows.owners}
    assert gone not in owners and waiting not in owners
    assert colleague(3) in owners and NIP in owners
