"""Face use cases against the in-memory twins, with the real face engine on real photos (../shared/faces):
enrol, list and delete an employee's templates, and recompute them from the kept photos."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from PIL import Image

from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.face import NoFaceError, ReplayedPhotoError
from chalicelib.settings import Settings, load_settings
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.memory.photos import InMemoryPhotoStore
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import faces
from chalicelib.usecases.schemas.attendance import EnrolRequest, FaceDeleted, FaceEnrolled, FacesRecomputed
from tests.functional.checkin_setup import b64, selfie
from tests.unit.usecases.admin_fixtures import AuditTrail

NIP = "198501012010011001"
OTHER = "199002022015032002"
SUPER = Principal("op", "super_admin")
NOW = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
ENROL = "deepface/img1.jpg"
SECOND = "deepface/img2.jpg"  # another photo of the same person

Audit = Callable[[], list[tuple[str, str, str, dict[str, Any]]]]


@pytest.fixture(scope="module")
def settings() -> Settings:
    found = load_settings()
    if not (found.model_dir / "dlib_resnet_v1.onnx").is_file():
        pytest.skip(f"face models not built in {found.model_dir} (run: python -m models.build)")
    return found


@pytest.fixture
def twins(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Iterator[Audit]:
    """GIVEN two employees of U1 in the twins (the faces twin hands enrolment fingerprints to the events
    twin, the replay history); yields the audit trail (actor, action, target, detail) in order."""
    assert isinstance(repos.people, InMemoryPeopleRepository)
    trail = AuditTrail()
    runtime.use_repositories(replace(repos, audit=trail.log))
    for nip in (NIP, OTHER):
        repos.people.put_employee(Employee(nip, "Asep Saepudin", "U1"))
    yield lambda: [(e.actor, e.action, e.target, dict(e.detail or {})) for e in trail.entries()]


def enrol(photo: str | bytes, settings: Settings, nip: str = NIP, actor: Principal = SUPER) -> FaceEnrolled:
    data = selfie(photo) if isinstance(photo, str) else photo
    return faces.enrol(actor, nip, EnrolRequest(photo=b64(data)), settings, NOW)


def employee(nip: str = NIP) -> Employee:
    found = runtime.people().get_employee(nip)
    assert found is not None
    return found


def test_an_accepted_enrolment_is_kept_with_its_photo_and_listed(settings: Settings, twins: Audit) -> None:
    # WHEN an admin enrols a real photo
    kept = enrol(ENROL, settings)
    # THEN the answer names the new template, its quality and the policy's models
    _, policy = runtime.engine_and_policy(settings)
    assert kept.template_id.startswith("t-") and kept.models == list(policy.model_ids)
    assert set(kept.quality.model_dump(mode="json")) == {"face_width_px", "brightness", "sharpness", "yaw_ratio"}
    # AND the employee counts as enrolled with those models, the enrolment audited
    assert (employee().template_count, employee().face_model) == (1, ",".join(sorted(policy.model_ids)))
    assert twins() == [("op", "face.enrol", NIP, {"template_id": kept.template_id})]
    # AND the listing shows the template with a link that opens the kept photo, never vectors
    listed = faces.list_templates(SUPER, NIP, settings)
    [row] = listed.items
    assert listed.next is None
    assert row.status == "approved"  # an admin's enrolment counts at once
    assert set(row.model_dump(mode="json")) == {
        "template_id",
        "status",
        "models",
        "quality",
        "created_at",
        "created_by",
        "photo_url",
    }
    assert (row.template_id, row.quality, row.created_by) == (kept.template_id, kept.quality, "op")
    assert row.models == sorted(policy.model_ids)
    store = runtime.photos(settings)
    assert isinstance(store, InMemoryPhotoStore)
    assert store.resolve(row.photo_url) == selfie(ENROL)
    # AND the template verifies the same person's other photo
    templates = runtime.faces().templates_of(NIP)
    verdict = faces.verify_selfie(NIP, faces.analyse_selfie(selfie(SECOND), settings), templates, settings)
    assert verdict.decision == "accept"


def test_a_second_photo_adds_a_template_and_each_employee_sees_their_own(settings: Settings, twins: Audit) -> None:
    first, second = enrol(ENROL, settings), enrol(SECOND, settings)
    other = enrol("deepface/img13.jpg", settings, nip=OTHER)
    ids = [row.template_id for row in faces.list_templates(SUPER, NIP, settings).items]
    assert ids == sorted([first.template_id, second.template_id]) and employee().template_count == 2
    assert [row.template_id for row in faces.list_templates(SUPER, OTHER, settings).items] == [other.template_id]


def test_the_same_photo_twice_is_a_replay(settings: Settings, twins: Audit) -> None:
    # GIVEN an enrolled photo
    enrol(ENROL, settings)
    # WHEN it is sent again, recompressed
    with pytest.raises(ReplayedPhotoError):
        enrol(selfie(ENROL, long_side=500, quality=60), settings)
    # THEN nothing more is kept
    assert employee().template_count == 1 and len(twins()) == 1


def shifted(relative: str, px: int) -> bytes:
    """The photo as the next frame of a phone held almost still: the scene moved `px` pixels sideways."""
    with Image.open(io.BytesIO(selfie(relative))) as image:
        moved = image.crop((px, 0, image.width, image.height))
        out = io.BytesIO()
        moved.save(out, "JPEG", quality=85)
        return out.getvalue()


def test_a_second_enrolment_shot_without_moving_the_phone_asks_for_another_angle(
    settings: Settings, twins: Audit
) -> None:
    # GIVEN an enrolled photo
    enrol(ENROL, settings)
    # WHEN the next shot is taken with the phone moved by a few pixels only
    with pytest.raises(ReplayedPhotoError) as refused:
        enrol(shifted(ENROL, 6), settings)
    # THEN it is still refused with the same code and its reason alone (not how near the copy came: an altered copy
    # would be stepped under the limit), but in words that ask for a change of angle instead of the check-in's
    # accusation of an old photo
    assert refused.value.code == "REPLAYED_PHOTO" and set(refused.value.details) == {"reason"}
    assert refused.value.message == faces.ENROL_REPLAYED
    assert "Ubah sedikit posisi kamera" in str(refused.value) and "sudah pernah digunakan" not in str(refused.value)


def test_a_photo_without_a_face_is_refused_and_nothing_kept(settings: Settings, twins: Audit) -> None:
    blank = io.BytesIO()
    gradient = np.tile(np.linspace(0, 255, 640, dtype=np.uint8), (480, 1))
    Image.fromarray(np.stack([gradient] * 3, axis=-1)).save(blank, "JPEG")
    with pytest.raises(NoFaceError):
        enrol(blank.getvalue(), settings)
    assert runtime.faces().template_rows(NIP) == [] and employee().template_count == 0 and twins() == []


def test_an_admin_outside_the_unit_or_an_unknown_employee_is_refused(settings: Settings, twins: Audit) -> None:
    outsider = Principal("budi", "unit_admin", frozenset({"U2"}))
    with pytest.raises(ForbiddenError):
        enrol(ENROL, settings, actor=outsider)
    with pytest.raises(ForbiddenError):
        faces.list_templates(outsider, NIP, settings)
    with pytest.raises(NotFoundError):
        enrol(ENROL, settings, nip="200001012020011001")
    assert employee().template_count == 0 and twins() == []


def test_deleting_a_template_uncounts_it_once(settings: Settings, twins: Audit) -> None:
    # GIVEN two templates
    first, second = enrol(ENROL, settings), enrol(SECOND, settings)
    # WHEN the first is deleted
    answer = faces.delete_template(SUPER, NIP, first.template_id)
    # THEN it is gone, the other one listed, the deletion audited
    assert answer == FaceDeleted(template_id=first.template_id, deleted=True)
    listed = faces.list_templates(SUPER, NIP, settings).items
    assert [row.template_id for row in listed] == [second.template_id] and employee().template_count == 1
    assert twins()[-1] == ("op", "face.delete", NIP, {"template_id": first.template_id})
    # AND deleting it again, or deleting out of scope, is refused
    with pytest.raises(NotFoundError):
        faces.delete_template(SUPER, NIP, first.template_id)
    with pytest.raises(ForbiddenError):
        faces.delete_template(Principal("budi", "unit_admin", frozenset({"U2"})), NIP, second.template_id)
    assert employee().template_count == 1


def test_recompute_reembeds_every_template_from_its_kept_photo(settings: Settings, twins: Audit) -> None:
    # GIVEN an enrolled template whose vectors were made by an older model
    kept = enrol(ENROL, settings)
    runtime.faces().replace_vectors(NIP, kept.template_id, {"old_model": np.ones(4, np.float32)})
    # WHEN the templates of both employees (one without any) are recomputed
    assert faces.recompute(settings, [NIP, OTHER]) == FacesRecomputed(recomputed=1, failed=0)
    # THEN the template carries the policy's models again and verifies the same person
    _, policy = runtime.engine_and_policy(settings)
    [template] = runtime.faces().templates_of(NIP)
    assert sorted(template.embeddings) == sorted(policy.model_ids)
    assert employee().face_model == ",".join(policy.model_ids)
    verdict = faces.verify_selfie(NIP, faces.analyse_selfie(selfie(SECOND), settings), [template], settings)
    assert verdict.decision == "accept"
