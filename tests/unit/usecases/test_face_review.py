"""Face review on the in-memory twins with the real face engine on real photos (../shared/faces): self-enrolment
waits for an admin, four eyes after a device reset, parallel decisions, duplicate faces across employees, the
employee's onboarding state and the units' counts, and the attacks on each."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pypdf
import pytest

from chalicelib import runtime
from chalicelib.domain.audit import VIEWS
from chalicelib.domain.people import AdminUser, Employee, PhoneBinding, Principal
from chalicelib.errors import (
    AccountInactiveError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    UnavailableError,
    ValidationError,
)
from chalicelib.face import DuplicateFaceError, FaceAnalysis, ReplayedPhotoError, Template
from chalicelib.face.config import Purpose
from chalicelib.face.index import Pair
from chalicelib.face.scoring import NotEnrolledForModelsError
from chalicelib.face.types import PhotoFingerprint
from chalicelib.messages import message_for
from chalicelib.settings import Settings, load_settings
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed
from chalicelib.store.faces import PENDING_PER_EMPLOYEE, Decision, NewTemplate
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import activation_sheet, admin_views, adoption, auth, directory, faces, me, onboarding
from chalicelib.usecases.schemas.admin_views import ActivationSheet, ActivationSheetRequest, AuditQuery
from chalicelib.usecases.schemas.attendance import EnrolRequest, FacesRecomputed
from chalicelib.usecases.schemas.core import ActivateRequest, EmployeesQuery
from chalicelib.usecases.schemas.faces import PendingFacesQuery
from chalicelib.usecases.schemas.reports import DecisionRequest
from chalicelib.usecases.schemas.rollout import AdoptionQuery, AdoptionReport
from tests.functional.checkin_setup import b64, selfie
from tests.unit.usecases.admin_fixtures import AUDIT_START, AuditTrail
from tests.unit.usecases.test_faces import Audit, settings, shifted
from tests.unit.usecases.test_request_failures import (
    audit_store_fails,
    failing,
    stored_entries_of,
)

NIP = "198501012010011001"  # Angelina Jolie's photos (dev/deepface img1, img2, img4, ...)
OTHER = "199002022015032002"  # another employee of U1
FAR = "197001012000011003"  # an employee of U2
SUPER = Principal("op", "super_admin")
RESETTER = Principal("budi", "unit_admin", frozenset({"U1"}))
COLLEAGUE = Principal("sari", "unit_admin", frozenset({"U1"}))
STRANGER = Principal("joko", "unit_admin", frozenset({"U2"}))
JOLIE = ("deepface/img1.jpg", "deepface/img2.jpg", "deepface/img4.jpg")
ZUCKERBERG = "deepface/img13.jpg"

__all__ = ["settings"]  # the fixture: settings whose model directory holds the built face models


@pytest.fixture
def now() -> datetime:
    """The real clock: a device reset is stamped by the store with it."""
    return datetime.now(UTC)


@pytest.fixture
def trail(repos: Repositories) -> Iterator[Audit]:
    """GIVEN employees NIP and OTHER of U1 (activated: a password) and FAR of U2, and the admins in office (their
    codes open accounts); yields the audit trail."""
    assert isinstance(repos.people, InMemoryPeopleRepository)
    log = AuditTrail()
    runtime.use_repositories(replace(repos, audit=log.log))
    for admin in (SUPER, RESETTER, COLLEAGUE, STRANGER):
        repos.people.create_admin(AdminUser(admin.subject, admin.role, admin.unit_ids), "password-hash")
    for nip, unit in ((NIP, "U1"), (OTHER, "U1"), (FAR, "U2")):
        repos.people.upsert_unit(unit, f"Dinas {unit}")
        repos.people.put_employee(Employee(nip, f"Pegawai {nip[-3:]}", unit))
    repos.people.bind_device(NIP, PhoneBinding("android-0001-aaaa", "password-hash"))
    yield lambda: [(e.actor, e.action, e.target, dict(e.detail or {})) for e in log.entries()]


def employee(nip: str = NIP) -> Principal:
    return Principal(subject=nip, role="employee")


def photo(name: str, long_side: int = 640) -> EnrolRequest:
    return EnrolRequest(photo=b64(selfie(name, long_side=long_side)))


def approve(admin: Principal, template_id: str, settings: Settings, now: datetime, note: str | None = None) -> str:
    body = DecisionRequest(decision="approve", note=note)
    return faces.decide(admin, template_id, body, settings, now).status


def another_admin_approves(
    template_id: str,
    refused: Principal,
    settings: Settings,
    now: datetime,
    *,
    reason: str = "four_eyes",
    approver: Principal = SUPER,
) -> None:
    """`refused` may not approve the face (403 naming `reason`: four eyes unless said), `approver` (BKPSDM unless
    said) may: the one step every four-eyes story ends with, so each checks the refusal's reason alike."""
    with pytest.raises(ForbiddenError) as refusal:
        approve(refused, template_id, settings, now)
    assert refusal.value.details == {"reason": reason}
    assert approve(approver, template_id, settings, now) == "approved"


def only_a_super_admin_approves(template_id: str, settings: Settings, now: datetime) -> None:
    """A face not shown to be the employee's: both unit admins of U1 get 403, BKPSDM approves it."""
    for admin in (COLLEAGUE, RESETTER):
        with pytest.raises(ForbiddenError):
            approve(admin, template_id, settings, now)
    assert approve(SUPER, template_id, settings, now) == "approved"


def verifies(nip: str, probe: str, settings: Settings) -> bool:
    """Whether a check-in photo would pass as the employee's face now (accept or review)."""
    templates = runtime.faces().templates_of(nip)
    if not templates:
        return False
    verdict = faces.verify_selfie(nip, faces.analyse_selfie(selfie(probe), settings), templates, settings)
    return verdict.decision != "reject"


def state(nip: str = NIP) -> tuple[int, int]:
    found = runtime.people().get_employee(nip)
    assert found is not None
    progress = faces.onboarding(found, load_settings()).faces
    return progress.approved, progress.pending


# --- self-enrolment -------------------------------------------------------------------------------------


def test_a_self_enrolment_waits_for_an_admin_and_counts_once_approved(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # WHEN the employee enrols their own face from the app
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # THEN it is pending: the employee is not enrolled, a check-in does not verify against it
    assert answer.status == "pending" and answer.template_id.endswith(NIP)
    assert state() == (0, 1) and not runtime.people().get_employee(NIP).enrolled  # type: ignore[union-attr]
    assert not verifies(NIP, JOLIE[1], settings)
    # AND the unit's admin sees it in the queue with its photo; another unit's admin does not
    [item] = faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items
    assert (item.template_id, item.nip, item.unor_id, item.status, item.reset_by) == (
        answer.template_id,
        NIP,
        "U1",
        "pending",
        None,
    )
    assert item.created_by == NIP and item.photo_url and item.resetters == []
    assert faces.list_pending(STRANGER, PendingFacesQuery(), settings).items == []
    with pytest.raises(ForbiddenError):
        faces.list_pending(STRANGER, PendingFacesQuery(unor_id="U1"), settings)
    # WHEN the admin approves it
    assert approve(COLLEAGUE, answer.template_id, settings, now, note="cocok") == "approved"
    # THEN it counts: enrolled, verifies, out of the queue, and everything was audited
    assert state() == (1, 0) and runtime.people().get_employee(NIP).enrolled  # type: ignore[union-attr]
    assert verifies(NIP, JOLIE[1], settings)
    assert faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items == []
    assert trail() == [
        (NIP, "face.enrol", NIP, {"template_id": answer.template_id, "status": "pending"}),
        ("sari", "face.approve", NIP, {"template_id": answer.template_id}),
    ]
    # AND the employee's own profile says so
    profile = me.profile(employee(), settings, now).onboarding
    assert (profile.activated, profile.faces.approved, profile.faces.pending) == (True, 1, 0)


def test_a_rejected_self_enrolment_never_counts_and_a_decision_is_final(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    decided = faces.decide(
        COLLEAGUE, answer.template_id, DecisionRequest(decision="reject", note="buram"), settings, now
    )
    assert decided.status == "rejected" and state() == (0, 0)
    assert not verifies(NIP, JOLIE[1], settings)
    # the unit's list says the employee must enrol again ("Ditolak"), no longer that a face waits
    [listed] = [
        e for e in directory.list_employees(COLLEAGUE, EmployeesQuery(unor_id="U1"), settings).items if e.nip == NIP
    ]
    assert (listed.enrolled, listed.face_pending, listed.face_rejected) == (False, False, True)
    # a second decision, either way, is a conflict
    for decision in ("approve", "reject"):
        with pytest.raises(ConflictError):
            faces.decide(SUPER, answer.template_id, DecisionRequest(decision=decision), settings, now)
    assert [a for _, a, _, _ in trail()] == ["face.enrol", "face.reject"]


def test_a_stand_in_s_refused_face_leaves_no_biometric_vectors_behind(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an enrolled employee who self-enrols a stand-in's face (another person), which waits for review
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    stand_in = faces.self_enrol(employee(), photo(ZUCKERBERG), settings, now).template_id
    # WHEN the unit's admin refuses it
    faces.decide(COLLEAGUE, stand_in, DecisionRequest(decision="reject", note="bukan wajah Anda"), settings, now)
    # THEN the stand-in's face vectors are not kept (they matched nothing and stayed until the employee left):
    # only the refusal's record, its note for the employee and the photo (evidence for its period) remain
    found = runtime.faces().get_template(NIP, stand_in)
    assert found is not None and found.template.embeddings == {}
    assert found.info.photo_key and found.info.note == "bukan wajah Anda"
    # AND a recompute after a model change re-embeds the employee's own face only, never the refused one
    assert faces.recompute(settings, [NIP]).recomputed == 1
    found = runtime.faces().get_template(NIP, stand_in)
    assert found is not None and found.template.embeddings == {}


def test_an_approval_whose_audit_entry_cannot_be_written_is_not_made_and_its_retry_is_audited_once(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a self-enrolment, WHEN an admin approves it and the audit store fails (the admin is told 503)
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    with audit_store_fails(monkeypatch, "face.approve"):
        approve(COLLEAGUE, answer.template_id, settings, now)
    # THEN the face is not approved unnamed: it still waits (an admin who never sends it again leaves no face the
    # log does not show)
    found = runtime.faces().get_template(NIP, answer.template_id)
    assert found is not None and found.info.status == "pending" and state() == (0, 1)
    # WHEN the admin approves it again, and again (its answer lost)
    again = faces.decide(COLLEAGUE, answer.template_id, DecisionRequest(decision="approve"), settings, now)
    faces.decide(COLLEAGUE, answer.template_id, DecisionRequest(decision="approve"), settings, now)
    # THEN it answers the approval, the face counts once, and the log names the approval once
    assert (again.status, again.decision) == ("approved", "approve") and state() == (1, 0)
    assert [(actor, a) for actor, a, _, _ in trail()] == [(NIP, "face.enrol"), ("sari", "face.approve")]
    # AND another admin's decision on it is still a conflict
    with pytest.raises(ConflictError):
        faces.decide(SUPER, answer.template_id, DecisionRequest(decision="approve"), settings, now)


def test_an_approval_undone_by_its_re_check_is_named_with_its_removal(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Jolie's face pending for NIP and, a stand-in's, for OTHER; NIP's approved
    mine = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now).template_id
    stand_in = faces.self_enrol(employee(OTHER), photo(JOLIE[1]), settings, now).template_id
    approve(COLLEAGUE, mine, settings, now)
    # WHEN BKPSDM approves OTHER's, its duplicate check having run before NIP's approval was written (two API
    # processes at once)
    monkeypatch.setattr(faces, "check_not_duplicate", lambda *args: None)
    with pytest.raises(DuplicateFaceError):
        approve(SUPER, stand_in, settings, now)
    # THEN the re-check after the write took it away again, and the log names the approval and the removal
    assert state(OTHER) == (0, 0) and runtime.faces().get_template(OTHER, stand_in) is None
    assert [(a, t, d) for _, a, t, d in trail()][-2:] == [
        ("face.approve", OTHER, {"template_id": stand_in}),
        ("face.delete", OTHER, {"template_id": stand_in, "reason": "duplicate"}),
    ]


def committed_then_refused(monkeypatch: pytest.MonkeyPatch, *, by: str | None = None) -> None:
    """`decide_template` stores the decision (or, `by` another admin, theirs) and then fails its condition: the
    SDK's repeat of a write whose answer was lost meets what its first try wrote."""
    store = runtime.faces()
    real = store.decide_template

    def decide_template(nip: str, template_id: str, decision: Decision, audit: AuditBatch | None = None) -> None:
        real(nip, template_id, replace(decision, actor=by or decision.actor), None if by else audit)
        raise ConditionFailed("dynamodb")

    monkeypatch.setattr(store, "decide_template", decide_template)


def test_an_approval_whose_answer_was_lost_is_answered_and_audited(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a self-enrolment, WHEN an admin approves it and the write commits but the SDK's repeat fails its condition
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    committed_then_refused(monkeypatch)
    decided = faces.decide(COLLEAGUE, answer.template_id, DecisionRequest(decision="approve"), settings, now)
    # THEN the approval is answered (not 409: it is this admin's own), the face counts once, and it is audited
    assert (decided.status, decided.decision) == ("approved", "approve") and state() == (1, 0)
    assert [(actor, a) for actor, a, _, _ in trail()] == [(NIP, "face.enrol"), ("sari", "face.approve")]


def test_a_face_decision_that_lost_to_another_admin_is_still_a_conflict(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a self-enrolment, WHEN an admin approves it as the super admin's approval is stored
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    committed_then_refused(monkeypatch, by=SUPER.subject)
    # THEN that admin gets 409, and nothing is audited in their name
    with pytest.raises(ConflictError):
        faces.decide(COLLEAGUE, answer.template_id, DecisionRequest(decision="approve"), settings, now)
    assert [a for _, a, _, _ in trail()] == ["face.enrol"]


def test_unknown_or_foreign_template_ids_are_not_found(settings: Settings, trail: Audit, now: datetime) -> None:
    for template_id in ("t-1", "t-000000000000-199912312020121001", f"t-000000000000-{NIP}", "../x"):
        with pytest.raises(NotFoundError):
            approve(SUPER, template_id, settings, now)


def _waiting(count: int, name: str, settings: Settings) -> None:
    """`count` of the employee's own faces waiting for a decision, stored directly (one photo for all: distinct
    ones are not needed here, each stored as if its bytes differed, as a photo's claim is of its bytes), each with
    its photo kept as an enrolment keeps it."""
    analysis = faces.analyse_selfie(selfie(name), settings)
    for n in range(count):
        template_id = f"t-{n:012x}-{NIP}"
        runtime.photos(settings).put(template_id, selfie(name))
        fingerprint = replace(analysis.fingerprint, sha256=f"{n:064x}")
        template = NewTemplate(
            template_id, analysis.embeddings, fingerprint, template_id, NIP, status="pending", unor_id="U1"
        )
        runtime.faces().save_template(NIP, template)


def test_the_pending_queue_is_capped_per_employee(settings: Settings, trail: Audit, now: datetime) -> None:
    # GIVEN as many pending faces as allowed (stored directly: five distinct photos are not needed here)
    _waiting(PENDING_PER_EMPLOYEE, JOLIE[0], settings)
    # WHEN the employee uploads one more
    with pytest.raises(ConflictError) as refused:
        faces.self_enrol(employee(), photo(JOLIE[1]), settings, now)
    # THEN it is refused before anything is kept
    assert refused.value.details == {"pending": PENDING_PER_EMPLOYEE, "limit": PENDING_PER_EMPLOYEE}
    assert state() == (0, PENDING_PER_EMPLOYEE) and trail() == []


def test_an_admin_s_face_that_must_wait_meets_a_full_queue_with_409_not_503(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an employee whose queue is full of their own faces, and whose phone was reset by an admin
    _waiting(PENDING_PER_EMPLOYEE, JOLIE[0], settings)
    onboarding.reset_device(RESETTER, NIP, now)
    # WHEN an admin enrols a face within 7 days of the reset (it would have to wait for another admin)
    with pytest.raises(ConflictError) as refused:
        faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now)
    # THEN it is refused as a full queue (a retry cannot help: the waiting faces must be decided first)
    assert refused.value.details == {"pending": PENDING_PER_EMPLOYEE, "limit": PENDING_PER_EMPLOYEE}
    assert "Putuskan" in refused.value.message
    assert state() == (0, PENDING_PER_EMPLOYEE) and "face.enrol" not in [a for _, a, _, _ in trail()]


def test_a_reset_landing_while_an_admin_s_face_is_analysed_meets_a_full_queue_with_409(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an employee whose queue is full of their own faces, and a reset of their phone landing while an
    # admin's face for them is analysed (that face, approved on its own, must now wait for another admin)
    _waiting(PENDING_PER_EMPLOYEE, JOLIE[0], settings)
    reset_while_analysed(monkeypatch, RESETTER, settings, now)
    # WHEN it is stored, THEN it is refused as a full queue, and nothing of it is kept
    with pytest.raises(ConflictError) as refused:
        faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now)
    assert refused.value.details == {"pending": PENDING_PER_EMPLOYEE, "limit": PENDING_PER_EMPLOYEE}
    assert state() == (0, PENDING_PER_EMPLOYEE) and "face.enrol" not in [a for _, a, _, _ in trail()]


def test_a_burst_of_self_enrolments_keeps_at_most_the_cap(settings: Settings, trail: Audit, now: datetime) -> None:
    # GIVEN one free place in the queue (the ones taken hold another photo)
    _waiting(PENDING_PER_EMPLOYEE - 1, "deepface/img5.jpg", settings)
    # WHEN three different photos arrive at once
    outcomes: list[str] = []

    def upload(name: str) -> None:
        try:
            outcomes.append(faces.self_enrol(employee(), photo(name), settings, now).status)
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=upload, args=(name,)) for name in JOLIE]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN exactly one took the free place
    assert sorted(outcomes) == ["conflict", "conflict", "pending"]
    assert state() == (0, PENDING_PER_EMPLOYEE)


def test_an_inactive_employee_cannot_self_enrol(
    settings: Settings, trail: Audit, now: datetime, repos: Repositories
) -> None:
    repos.people.put_employee(Employee(NIP, "Pegawai 001", "U1", active=False))
    with pytest.raises(AccountInactiveError):
        faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    assert state() == (0, 0)


def test_a_self_enrolment_sent_again_after_a_lost_answer_is_answered_and_a_retake_asks_for_another_angle(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN a self-enrolment that was kept (its answer lost on a weak link)
    kept = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # WHEN the app sends the very same photo again, THEN it is answered with the face kept, nothing more kept
    assert faces.self_enrol(employee(), photo(JOLIE[0]), settings, now) == kept and state() == (0, 1)
    # WHEN the employee takes the same shot again without moving the phone
    with pytest.raises(ReplayedPhotoError) as refused:
        faces.self_enrol(employee(), EnrolRequest(photo=b64(shifted(JOLIE[0], 6))), settings, now)
    # THEN the app is told to change the camera's position, not that the photo is an old one
    assert (refused.value.code, refused.value.message) == ("REPLAYED_PHOTO", faces.ENROL_REPLAYED)
    assert state() == (0, 1)


def test_the_photo_that_filled_the_queue_sent_again_after_a_lost_answer_is_answered(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN one free place in the queue, taken by a self-enrolment whose answer was lost on a weak link
    _waiting(PENDING_PER_EMPLOYEE - 1, "deepface/img5.jpg", settings)
    kept = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # WHEN the app sends the very same photo again, THEN it is answered with the face kept, not "queue full"
    assert faces.self_enrol(employee(), photo(JOLIE[0]), settings, now + timedelta(minutes=2)) == kept
    assert state() == (0, PENDING_PER_EMPLOYEE)
    # ... while another photo is still refused
    with pytest.raises(ConflictError):
        faces.self_enrol(employee(), photo(JOLIE[1]), settings, now)


def both_past_the_replay_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two enrolments meet after their replay checks (at the duplicate check, the last step before the write):
    each read a history without the other's photo, as a double tap, or a retry sent while API Gateway's cut-off
    first try still runs, do."""
    meet, check = threading.Barrier(2, timeout=120), faces.check_not_duplicate

    def checked_then_met(*args: object, **kwargs: object) -> None:
        check(*args, **kwargs)  # type: ignore[arg-type]
        meet.wait()

    monkeypatch.setattr(faces, "check_not_duplicate", checked_then_met)


@pytest.mark.parametrize("sender", [SUPER, employee()], ids=["admin", "employee"])
def test_the_same_photo_sent_twice_at_once_is_kept_once_and_both_answered_with_it(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch, sender: Principal
) -> None:
    # GIVEN the very same photo sent twice at once, both past the replay check before either is stored
    both_past_the_replay_check(monkeypatch)
    sent = photo(JOLIE[0])
    answers: list[str] = []

    def send() -> None:
        if sender.role == "employee":
            answers.append(faces.self_enrol(sender, sent, settings, now).template_id)
        else:
            answers.append(faces.enrol(sender, NIP, sent, settings, now).template_id)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN one face is kept (one place of the queue, or one approved face), named once, and both answers name it
    [kept] = runtime.faces().template_rows(NIP)
    assert answers == [kept.template_id] * 2
    assert state() == ((0, 1) if sender.role == "employee" else (1, 0))
    assert [(a, d["template_id"]) for _, a, _, d in trail()] == [("face.enrol", kept.template_id)]


# --- attacks on the decision ------------------------------------------------------------------------------


def test_a_unit_admin_cannot_decide_a_face_of_another_unit(settings: Settings, trail: Audit, now: datetime) -> None:
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    for decision in ("approve", "reject"):
        with pytest.raises(ForbiddenError):
            faces.decide(STRANGER, answer.template_id, DecisionRequest(decision=decision), settings, now)
    assert state() == (0, 1) and [a for _, a, _, _ in trail()] == ["face.enrol"]


def test_after_a_device_reset_only_another_admin_may_approve_a_new_face(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin resets the employee's device (a phone handed to someone else, say)
    onboarding.reset_device(RESETTER, NIP, now)
    # WHEN a face is enrolled within 7 days, even by an admin through the admin endpoint
    enrolled = faces.enrol(RESETTER, NIP, photo(JOLIE[0]), settings, now + timedelta(days=6))
    # THEN it waits (the answer keeps its shape, with the status) and names the resetter
    assert enrolled.status == "pending" and set(enrolled.model_dump()) == {"template_id", "quality", "models", "status"}
    assert state() == (0, 1)
    [item] = faces.list_pending(SUPER, PendingFacesQuery(unor_id="U1"), settings).items
    assert item.reset_by == "budi"
    # AND the resetter may not approve it (but may reject it)
    with pytest.raises(ForbiddenError) as refused:
        approve(RESETTER, enrolled.template_id, settings, now)
    assert refused.value.details == {"reason": "four_eyes"} and state() == (0, 1)
    # AND another admin of the unit may
    assert approve(COLLEAGUE, enrolled.template_id, settings, now) == "approved"
    assert state() == (1, 0)
    actions = [(actor, action) for actor, action, _, _ in trail()]
    assert actions == [("budi", "employee.reset_device"), ("budi", "face.enrol"), ("sari", "face.approve")]


def test_an_admin_who_put_a_face_on_an_employee_may_not_also_free_their_phone(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin who enrols a face on the employee (their own, say: approved at once, no reset before it)
    enrolled = faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now)
    assert enrolled.status == "approved"
    # WHEN the same admin then resets the employee's phone, to activate a phone of their own with a new code
    with pytest.raises(ForbiddenError) as refused:
        onboarding.reset_device(RESETTER, NIP, now + timedelta(days=6))
    # THEN it is refused, naming the face, and the phone stays bound
    assert refused.value.details == {"reason": "four_eyes", "template_ids": [enrolled.template_id]}
    assert runtime.people().device_owner("android-0001-aaaa") == NIP
    # AND another admin may reset it, as may the first one once 7 days have passed
    onboarding.reset_device(COLLEAGUE, NIP, now + timedelta(days=6))
    assert runtime.people().device_owner("android-0001-aaaa") is None
    onboarding.reset_device(RESETTER, NIP, now + timedelta(days=7, minutes=1))
    # AND approving an employee's own self-enrolment puts no one else's face on them: that admin may reset
    pending = faces.self_enrol(employee(OTHER), photo(JOLIE[0]), settings, now)
    assert approve(COLLEAGUE, pending.template_id, settings, now) == "approved"


# --- four eyes under concurrency: the enrolment and the reset sent together ---------------------------------


def reset_while_analysed(monkeypatch: pytest.MonkeyPatch, admin: Principal, settings: Settings, now: datetime) -> None:
    """The next enrolment photo analysed meets `admin`'s reset of NIP's phone, done during the analysis: after the
    enrolment read the employee, before it stores its face (the reset request sent ~10 ms after the enrolment)."""
    engine, _ = runtime.engine_and_policy(settings)
    analyse = engine.analyse

    def analyse_then_reset(data: bytes, *, purpose: Purpose) -> FaceAnalysis:
        monkeypatch.setattr(engine, "analyse", analyse)  # once
        analysis = analyse(data, purpose=purpose)
        onboarding.reset_device(admin, NIP, now)
        return analysis

    monkeypatch.setattr(engine, "analyse", analyse_then_reset)


def test_a_reset_landing_while_the_admin_s_own_face_is_analysed_leaves_that_face_pending(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin who sends his own face for the employee and, while it is analysed, resets the employee's phone
    # (the reset finds no face of his yet, so it is allowed)
    reset_while_analysed(monkeypatch, RESETTER, settings, now)
    request = photo(ZUCKERBERG)
    enrolled = faces.enrol(RESETTER, NIP, request, settings, now)
    assert runtime.people().device_owner("android-0001-aaaa") is None
    # THEN his face is not approved: it waits, naming him as the resetter, as it would had the reset come first
    assert enrolled.status == "pending" and state() == (0, 1)
    assert not verifies(NIP, "deepface/img14.jpg", settings)
    [item] = faces.list_pending(SUPER, PendingFacesQuery(unor_id="U1"), settings).items
    assert (item.template_id, item.reset_by) == (enrolled.template_id, "budi")
    # AND he may not approve it: another admin decides
    with pytest.raises(ForbiddenError) as refused:
        approve(RESETTER, enrolled.template_id, settings, now)
    assert refused.value.details == {"reason": "four_eyes"}
    # AND the enrolment sent again (its answer lost) is answered with the same face, still pending, named once
    again = faces.enrol(RESETTER, NIP, request, settings, now)
    assert (again.template_id, again.status) == (enrolled.template_id, "pending") and state() == (0, 1)
    writes = [(a, d.get("status")) for _, a, _, d in trail() if a in ("employee.reset_device", "face.enrol")]
    assert writes == [("employee.reset_device", None), ("face.enrol", "pending")]


def test_a_self_enrolment_analysed_while_the_phone_is_reset_names_the_resetter(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a face sent from the employee's phone while an admin resets that phone
    reset_while_analysed(monkeypatch, RESETTER, settings, now)
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # THEN it waits naming the resetter, who may not approve it, as had the reset come first
    [item] = faces.list_pending(SUPER, PendingFacesQuery(unor_id="U1"), settings).items
    assert (answer.status, item.template_id, item.reset_by) == ("pending", answer.template_id, "budi")
    another_admin_approves(answer.template_id, RESETTER, settings, now)


def approved_after_the_next_check(
    monkeypatch: pytest.MonkeyPatch, admin: Principal, face: str, settings: Settings, now: datetime
) -> list[str]:
    """The next four-eyes check (`faces.vouched_by`) reads, then `admin` enrols `face` on the employee, approved:
    a face landing between a check and the write it guards. The list gets the template's id once enrolled."""
    check, enrolled = faces.vouched_by, []

    def checked_then_enrolled(subject: str, nip: str, at: datetime) -> list[str]:
        monkeypatch.setattr(faces, "vouched_by", check)  # once
        found = check(subject, nip, at)
        answer = faces.enrol(admin, NIP, photo(face), settings, now)
        assert answer.status == "approved"
        enrolled.append(answer.template_id)
        return found

    monkeypatch.setattr(faces, "vouched_by", checked_then_enrolled)
    return enrolled


def test_an_admin_s_face_approved_while_his_reset_was_being_checked_refuses_the_reset(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin's reset of the employee's phone that checked his faces on the employee (none yet), and his own
    # face enrolled and approved after that check, before the reset is written
    enrolled = approved_after_the_next_check(monkeypatch, RESETTER, ZUCKERBERG, settings, now)
    # WHEN the reset is written, THEN it is refused as it would be had the face come first, and writes nothing
    with pytest.raises(ForbiddenError) as refused:
        onboarding.reset_device(RESETTER, NIP, now)
    assert refused.value.details == {"reason": "four_eyes", "template_ids": enrolled}
    assert runtime.people().device_owner("android-0001-aaaa") == NIP and state() == (1, 0)
    assert [a for _, a, _, _ in trail()] == ["face.enrol"]
    # AND another admin's reset is not held up by it
    onboarding.reset_device(COLLEAGUE, NIP, now)
    assert runtime.people().device_owner("android-0001-aaaa") is None


def test_another_admin_s_face_approved_while_a_reset_was_being_checked_does_not_refuse_it(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a colleague's face enrolment approved between an admin's reset check and its write
    approved_after_the_next_check(monkeypatch, COLLEAGUE, JOLIE[0], settings, now)
    # WHEN the reset is written, THEN it looks again, finds no face of its own admin, and resets the phone
    onboarding.reset_device(RESETTER, NIP, now)
    assert runtime.people().device_owner("android-0001-aaaa") is None
    assert [a for _, a, _, _ in trail()] == ["face.enrol", "employee.reset_device"]


def test_an_admin_who_put_his_face_on_an_employee_may_not_issue_the_code_after_another_admin_s_reset(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin who enrolled his own face on the employee (approved at once), then another admin's routine
    # reset of the employee's phone (a lost phone, say)
    enrolled = faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now)
    onboarding.reset_device(COLLEAGUE, NIP, now)
    # WHEN the first admin issues the new activation code (to activate a phone of his own with it)
    with pytest.raises(ForbiddenError) as refused:
        onboarding.create_activation(RESETTER, NIP, settings, now)
    # THEN it is refused, naming the face, as his reset would be: another admin issues it
    assert refused.value.details == {"reason": "four_eyes", "template_ids": [enrolled.template_id]}
    assert [a for _, a, _, _ in trail()] == ["face.enrol", "employee.reset_device"]
    activate_with_new_code(COLLEAGUE, settings, now, "android-0009-zzzz")
    # AND a first code (an account never activated) stays his to issue: no one's phone moves with it
    faces.enrol(RESETTER, OTHER, photo(JOLIE[0]), settings, now)
    onboarding.create_activation(RESETTER, OTHER, settings, now)


def test_after_a_reset_the_admin_who_enrolled_the_new_face_may_not_approve_it_either(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN another admin resets the employee's phone, and this admin then enrols a face on the employee
    onboarding.reset_device(COLLEAGUE, NIP, now)
    enrolled = faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now + timedelta(hours=1))
    assert enrolled.status == "pending"
    # WHEN the enroller approves it, THEN it is refused, as it is for the resetter: a third admin approves it
    with pytest.raises(ForbiddenError) as refused:
        approve(RESETTER, enrolled.template_id, settings, now)
    assert refused.value.details == {"reason": "four_eyes"} and state() == (0, 1)
    another_admin_approves(enrolled.template_id, COLLEAGUE, settings, now)


def test_a_self_enrolment_after_a_reset_needs_another_admin_too(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    onboarding.reset_device(RESETTER, NIP, now)
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    another_admin_approves(answer.template_id, RESETTER, settings, now)


def activate_with_new_code(issuer: Principal, settings: Settings, now: datetime, phone: str) -> None:
    """`issuer` issues NIP a new activation code, and it is used on `phone` (with a new password)."""
    code, _ = onboarding.create_activation(issuer, NIP, settings, now)
    request = ActivateRequest(nip=NIP, activation_code=code, password="teh-manis-siang", device_id=phone)
    auth.activate(request, settings, now, "10.0.0.1")


def test_after_a_reset_the_admin_whose_new_code_bound_the_phone_may_not_approve_the_face_it_brought(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN one admin resets the employee's phone, and another's new activation code binds the next phone (the
    # code could be in anyone's hands: DOMAIN.md, an operator who "helps")
    onboarding.reset_device(RESETTER, NIP, now)
    activate_with_new_code(COLLEAGUE, settings, now, "android-0009-zzzz")
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # THEN the queue names both, not the last alone: the console leaves the approval to a third admin before the click
    [queued] = faces.list_pending(SUPER, PendingFacesQuery(nip=NIP), settings).items
    assert (queued.template_id, queued.reset_by, queued.resetters) == (answer.template_id, "sari", ["budi", "sari"])
    # WHEN the code's issuer, or the admin who reset the phone (the later code does not free them), approves the
    # face enrolled on that phone, THEN it is refused: a third admin decides
    with pytest.raises(ForbiddenError) as refusal:
        approve(RESETTER, answer.template_id, settings, now)
    assert refusal.value.details == {"reason": "four_eyes"}
    another_admin_approves(answer.template_id, COLLEAGUE, settings, now)


def test_a_new_code_used_on_a_bound_account_counts_as_a_reset_and_one_never_used_does_not(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin issues a new code to the employee whose phone is bound (a forgotten password), not used yet
    code, _ = onboarding.create_activation(COLLEAGUE, NIP, settings, now)
    # THEN nothing changes for four eyes: the employee's own new face, sent from their phone, that admin approves
    # (had that admin enrolled a face of their own, the code would be refused at its use)
    own = faces.self_enrol(employee(), photo(JOLIE[1]), settings, now)
    assert approve(COLLEAGUE, own.template_id, settings, now) == "approved"
    # WHEN the code is used (on a phone claiming the bound phone's id: the code alone moves the account)
    request = ActivateRequest(nip=NIP, activation_code=code, password="teh-manis-siang", device_id="android-0001-aaaa")
    auth.activate(request, settings, now, "10.0.0.1")
    # THEN it counts as that admin's device reset: their enrolment waits, and they may not approve it
    enrolled = faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now + timedelta(hours=1))
    assert enrolled.status == "pending"
    another_admin_approves(enrolled.template_id, COLLEAGUE, settings, now)


def test_a_code_issued_before_the_reset_and_never_used_leaves_its_issuer_free_to_approve(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN a code a colleague issued, never used, then another admin's reset (the employee signs in again)
    onboarding.create_activation(COLLEAGUE, NIP, settings, now)
    onboarding.reset_device(RESETTER, NIP, now)
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # THEN that colleague is a second admin for the new face
    assert approve(COLLEAGUE, answer.template_id, settings, now) == "approved"


# --- four eyes at the code's use: an admin's own face, then his code for the colleague's account ----------------

OWN_PHONE = "android-0666-eeee"  # the admin's own phone
BOUND_PHONE = "android-0001-aaaa"  # the employee's phone (`trail`)


def use_code(code: str, settings: Settings, now: datetime, nip: str = NIP, phone: str = OWN_PHONE) -> str:
    request = ActivateRequest(nip=nip, activation_code=code, password="teh-manis-siang", device_id=phone)
    return auth.activate(request, settings, now, "10.0.0.1").token


def refused_at_use(code: str, settings: Settings, now: datetime, trail: Audit, phone: str = OWN_PHONE) -> None:
    """The code used on `phone` is refused (403 four_eyes, telling the employee to ask another admin) and writes
    nothing: no phone bound, the password and the code kept, no reset noted, no session ended, nothing audited."""
    people = runtime.people()
    before, owner, binds = phone_state(), people.device_owner(phone), bindings(trail)
    with pytest.raises(ForbiddenError) as refused:
        use_code(code, settings, now, phone=phone)
    assert refused.value.details == {"reason": "four_eyes"}
    assert refused.value.message is not None and "Minta kode baru ke admin lain" in refused.value.message
    assert phone_state() == before and people.device_owner(phone) == owner and bindings(trail) == binds


def bindings(trail: Audit) -> int:
    return len([a for _, a, _, _ in trail() if a == "employee.device_bind"])


def phone_state() -> tuple[object, ...]:
    """What an activation writes of NIP: phone, sessions, reset noted, password and code."""
    account = runtime.people().employee_account(NIP)
    assert account is not None
    held = account.holder
    return (
        held.device_id,
        held.token_version,
        held.sessions,
        held.device_reset_by,
        held.device_reset_at,
        account.credentials,
    )


def issued_sheet(admin: Principal, settings: Settings, now: datetime, *, only_not_activated: bool) -> ActivationSheet:
    """The unit sheet `admin` issues for U1."""
    body = ActivationSheetRequest(only_not_activated=only_not_activated)
    return activation_sheet.issue(admin, "U1", body, settings, now=now, base_url="https://smart.example.go.id")


def sheet_codes(admin: Principal, settings: Settings, now: datetime, *, only_not_activated: bool) -> dict[str, str]:
    """The codes printed on the unit sheet `admin` issues for U1, by NIP (read back from the PDF)."""
    return printed_codes(issued_sheet(admin, settings, now, only_not_activated=only_not_activated), settings)


def printed_codes(sheet: ActivationSheet, settings: Settings) -> dict[str, str]:
    """The codes a sheet prints, by NIP (read back from its PDF)."""
    pdf = pypdf.PdfReader(io.BytesIO(runtime.photos(settings).resolve(sheet.sheet_url)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    return dict(re.findall(r"NIP: (\d{18})\s+(\d{8})", text))


@pytest.mark.parametrize("reset_between", [False, True], ids=["bound", "after another admin's reset"])
def test_a_code_issued_before_the_admin_s_own_face_does_not_move_the_account_to_his_phone(
    settings: Settings, trail: Audit, now: datetime, reset_between: bool
) -> None:
    # GIVEN an admin's new code for the activated employee (a forgotten password, say: nothing to refuse yet),
    # then his own face enrolled on the employee (approved at once: no reset before it)
    code, _ = onboarding.create_activation(RESETTER, NIP, settings, now)
    assert faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now).status == "approved"
    # (and another admin's routine reset of the employee's phone; without it, the admin's phone claims the bound
    # phone's id: with a new code the id opens the account, decision 193)
    phone = OWN_PHONE if reset_between else BOUND_PHONE
    if reset_between:
        onboarding.reset_device(COLLEAGUE, NIP, now)
    # WHEN the code is used on the admin's phone, THEN it is refused and nothing is written
    refused_at_use(code, settings, now + timedelta(days=6), trail, phone)
    assert runtime.people().device_owner(BOUND_PHONE) == (None if reset_between else NIP)
    # AND a code from another admin moves the account
    other, _ = onboarding.create_activation(COLLEAGUE, NIP, settings, now)
    assert auth.authenticate(f"Bearer {use_code(other, settings, now, phone=phone)}", settings, now).subject == NIP


def test_a_code_from_the_unit_sheet_does_not_move_the_account_to_the_phone_of_the_admin_who_put_his_face_on(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin's own face on the activated employee (approved at once), then the unit's sheet he prints for
    # every employee, bound phones too
    faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now)
    printed = sheet_codes(RESETTER, settings, now, only_not_activated=False)
    # WHEN the employee's card is used on the admin's phone claiming the bound phone's id, THEN it is refused and
    # nothing is written
    refused_at_use(printed[NIP], settings, now, trail, BOUND_PHONE)
    assert runtime.people().device_owner(BOUND_PHONE) == NIP
    # AND the card of a colleague never activated (whom he put no face on) activates them
    assert use_code(printed[OTHER], settings, now, nip=OTHER, phone="android-0002-bbbb")


def test_the_sheet_leaves_out_an_employee_whose_code_its_admin_could_not_use_after_a_reset(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin's own face on the activated employee, then another admin's routine reset of their phone
    faces.enrol(RESETTER, NIP, photo(ZUCKERBERG), settings, now)
    onboarding.reset_device(COLLEAGUE, NIP, now)
    # WHEN he prints the unit's sheet of employees without a phone, THEN the employee has no card from him (it would
    # be refused at use), the colleague never activated has one
    sheet = issued_sheet(RESETTER, settings, now, only_not_activated=True)
    assert set(printed_codes(sheet, settings)) == {OTHER}
    # AND the answer names the employee left out and why, so he asks a colleague for that code
    assert [(e.nip, e.reason) for e in sheet.left_out] == [(NIP, "four_eyes")]
    entry = [d for _, a, _, d in trail() if a == "unit.activation_codes"][-1]
    assert entry == {"count": 1, "only_not_activated": True, "four_eyes": [NIP]}
    # AND another admin's sheet has it
    assert set(sheet_codes(COLLEAGUE, settings, now, only_not_activated=True)) == {NIP, OTHER}


def test_an_admin_s_face_approved_while_his_code_was_being_checked_at_use_refuses_the_code(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin's new code for the activated employee, used on his own phone: the use checked his faces on
    # the employee (none yet), and his own face is enrolled and approved after that check, before the binding
    code, _ = onboarding.create_activation(RESETTER, NIP, settings, now)
    approved_after_the_next_check(monkeypatch, RESETTER, ZUCKERBERG, settings, now)
    # WHEN the binding is written, THEN it is refused as it would be had the face come first, and writes nothing
    refused_at_use(code, settings, now, trail, BOUND_PHONE)
    assert runtime.people().device_owner(BOUND_PHONE) == NIP and state() == (1, 0)
    assert [a for _, a, _, _ in trail()] == ["employee.activation_code", "face.enrol"]


def test_another_admin_s_face_approved_while_a_code_was_being_checked_at_use_does_not_refuse_it(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a colleague's face approved between the check of an admin's code at its use and the binding
    code, _ = onboarding.create_activation(RESETTER, NIP, settings, now)
    approved_after_the_next_check(monkeypatch, COLLEAGUE, JOLIE[0], settings, now)
    # WHEN the binding is written, THEN it looks again, finds no face of the code's issuer, and binds the phone
    token = use_code(code, settings, now, phone=BOUND_PHONE)
    assert auth.authenticate(f"Bearer {token}", settings, now).subject == NIP
    stored = runtime.people().get_employee(NIP)
    assert stored is not None and stored.device_reset_by == "budi"


def test_a_first_activation_with_the_code_of_the_admin_who_enrolled_the_first_face_is_unchanged(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN a colleague never activated, whose first face and code come from the same admin (a school with one
    # operator: the threat model's known weakness, no one's account moves)
    code, _ = onboarding.create_activation(RESETTER, OTHER, settings, now)
    assert faces.enrol(RESETTER, OTHER, photo(JOLIE[0]), settings, now).status == "approved"
    # WHEN the code is used, THEN the phone is bound
    first = use_code(code, settings, now, nip=OTHER)
    assert runtime.people().device_owner(OWN_PHONE) == OTHER
    # AND the same activation sent again from that phone (its answer lost) signs in, writing nothing new
    again = use_code(code, settings, now, nip=OTHER)
    assert {auth.authenticate(f"Bearer {t}", settings, now).subject for t in (first, again)} == {OTHER}


def test_an_enrolment_more_than_7_days_after_a_reset_is_approved_at_once(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    onboarding.reset_device(RESETTER, NIP, now)
    enrolled = faces.enrol(RESETTER, NIP, photo(JOLIE[0]), settings, now + timedelta(days=7, minutes=1))
    assert enrolled.status == "approved" and state() == (1, 0)


def test_of_parallel_decisions_exactly_one_wins(settings: Settings, trail: Audit, now: datetime) -> None:
    answer = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def decide(admin: Principal, decision: str) -> None:
        start.wait()
        try:
            outcomes.append(
                faces.decide(admin, answer.template_id, DecisionRequest(decision=decision), settings, now).status
            )
        except ConflictError:
            outcomes.append("conflict")

    admins = [(COLLEAGUE, "approve"), (SUPER, "approve"), (RESETTER, "reject")] * 2
    threads = [threading.Thread(target=decide, args=pair) for pair in admins]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # one decision stands; its admin's twin request either lost the race (409) or found it theirs and answered it
    decided = [o for o in outcomes if o != "conflict"]
    assert len(outcomes) == 6 and len(decided) in (1, 2) and len(set(decided)) == 1
    approved, pending = state()
    assert pending == 0 and approved == (1 if "approved" in outcomes else 0)
    # AND the log names the one decision once, however many of its admin's requests answered it
    decisions = [(actor, a) for actor, a, _, _ in trail() if a != "face.enrol"]
    assert len(decisions) == 1


def test_a_second_persons_face_for_the_same_employee_does_not_count_until_an_admin_looks(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled by the admin
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    # WHEN someone else's face is self-enrolled on the employee's account (a colleague holding the phone)
    answer = faces.self_enrol(employee(), photo(ZUCKERBERG), settings, now)
    # THEN it is pending, and that other person still cannot check in as the employee
    assert answer.status == "pending" and state() == (1, 1)
    assert not verifies(NIP, "deepface/img14.jpg", settings)  # another photo of the same second person
    assert verifies(NIP, JOLIE[1], settings)
    # AND the admin who sees the photo rejects it: still nothing counts for the second person
    faces.decide(COLLEAGUE, answer.template_id, DecisionRequest(decision="reject"), settings, now)
    assert state() == (1, 0) and not verifies(NIP, "deepface/img14.jpg", settings)


def test_a_stand_in_s_face_on_an_enrolled_employee_needs_a_super_admin_who_did_not_enrol_it(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled and a stand-in's face self-enrolled on their account
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    answer = faces.self_enrol(employee(), photo(ZUCKERBERG), settings, now)
    # THEN the queue shows it is unlike the employee's approved face
    [item] = faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items
    assert item.own_match is not None and item.own_match.unlike
    assert item.own_match.score < item.own_match.threshold
    # WHEN the unit's admin (obliging, or in on it) approves it: 403, it stays pending and cannot check in
    with pytest.raises(ForbiddenError) as refused:
        approve(COLLEAGUE, answer.template_id, settings, now)
    assert refused.value.details == {"reason": "different_person"}
    assert state() == (1, 1) and not verifies(NIP, "deepface/img14.jpg", settings)
    # AND a super admin may (BKPSDM, having looked)
    assert approve(SUPER, answer.template_id, settings, now) == "approved"


def test_the_audit_log_names_an_employee_s_own_enrolment_as_an_employee_s(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an admin account whose username is the employee's NIP (a NIP used as a name), and the employee's
    # own enrolment from the app
    runtime.people().create_admin(AdminUser(NIP, "unit_admin", frozenset({"U1"})), "x")
    faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    # AND that admin account enrolling the employee's face from the console
    faces.enrol(Principal(NIP, "unit_admin", frozenset({"U1"})), NIP, photo(JOLIE[1]), settings, now)
    # WHEN a super admin reads the day's log
    day = AUDIT_START.date().isoformat()
    query = AuditQuery.model_validate({"from": day, "to": day, "action": "face.enrol"})
    entries = admin_views.audit_log(SUPER, query, settings, AUDIT_START + timedelta(hours=1)).items
    # THEN each names who acted as what they were: the admin account, then the employee from the app
    assert [(e.actor, e.role) for e in entries] == [(NIP, "unit_admin"), (NIP, "employee")]


def test_a_look_alike_in_the_review_band_needs_a_super_admin_too(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled (DiCaprio's photo), and a look-alike's face (Damon's) self-enrolled on the
    # account: like enough to reach the review band of a check-in, not enough to be accepted
    faces.enrol(SUPER, NIP, photo("deepface/img35.jpg"), settings, now)
    answer = faces.self_enrol(employee(), photo("deepface/img33.jpg"), settings, now)
    [item] = faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items
    _, policy = runtime.engine_and_policy(settings)
    assert item.own_match is not None and item.own_match.score is not None
    assert policy.raw_review_threshold <= item.own_match.score < item.own_match.threshold
    # THEN it is shown unlike the employee's face, and the unit's admin may not approve it; a super admin may
    assert item.own_match.unlike
    another_admin_approves(answer.template_id, COLLEAGUE, settings, now, reason="different_person")


def test_a_face_the_employee_checks_in_with_is_approved_by_the_unit_admin_and_shows_its_score(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled, then a second photo of the same person self-enrolled
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    answer = faces.self_enrol(employee(), photo(JOLIE[1]), settings, now)
    [item] = faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items
    assert item.own_match is not None and not item.own_match.unlike
    # THEN the unit's admin approves it as before
    assert approve(COLLEAGUE, answer.template_id, settings, now) == "approved"
    # AND a first face has nothing to be compared with
    first = faces.self_enrol(employee(OTHER), photo(ZUCKERBERG), settings, now)
    [other] = [i for i in faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items]
    assert other.template_id == first.template_id and other.own_match is None


def test_an_admin_cannot_put_a_stand_in_s_face_on_an_enrolled_employee_at_once(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    # WHEN a unit admin enrols another person's face for them: it waits, it does not check in
    enrolled = faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now)
    assert enrolled.status == "pending" and state() == (1, 1)
    assert not verifies(NIP, "deepface/img14.jpg", settings)
    assert trail()[-1][3]["status"] == "pending" and trail()[-1][3]["own_score"] < 0.5
    # AND neither that admin nor another unit admin may approve it, even once the employee's approved face is
    # deleted; a super admin may
    for admin in (COLLEAGUE, RESETTER):
        with pytest.raises(ForbiddenError):
            approve(admin, enrolled.template_id, settings, now)
    [approved] = [t for t in faces.list_templates(SUPER, NIP, settings).items if t.status == "approved"]
    faces.delete_template(COLLEAGUE, NIP, approved.template_id)
    only_a_super_admin_approves(enrolled.template_id, settings, now)


def test_a_face_enrolled_after_the_employee_s_faces_were_deleted_needs_a_super_admin(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled, then their approved face deleted by the unit admin
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    [approved] = faces.list_templates(SUPER, NIP, settings).items
    faces.delete_template(COLLEAGUE, NIP, approved.template_id)
    # WHEN the same admin enrols a stand-in's face: nothing left to compare with, so it is not shown to be theirs
    enrolled = faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now)
    assert enrolled.status == "pending" and state() == (0, 1)
    [item] = faces.list_pending(COLLEAGUE, PendingFacesQuery(unor_id="U1"), settings).items
    assert item.own_match is not None and item.own_match.score is None and item.own_match.unlike
    # THEN no unit admin may approve it; a super admin may
    only_a_super_admin_approves(enrolled.template_id, settings, now)


def test_a_stale_template_does_not_void_the_comparison_and_alone_counts_as_nothing_to_compare_with(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee's approved face, and an approved template of models the policy no longer runs
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    [current] = faces.list_templates(SUPER, NIP, settings).items
    stale = NewTemplate(
        f"t-stale-{NIP}", {"old-model": np.ones(8, np.float32)}, PhotoFingerprint("0" * 64, 0), "k", "op"
    )
    runtime.faces().save_template(NIP, stale)
    # WHEN a unit admin enrols a stand-in's face: compared with the current face, unlike, pending
    first = faces.enrol(COLLEAGUE, NIP, photo(ZUCKERBERG), settings, now)
    assert first.status == "pending"
    # AND with only the stale template left, another stand-in's face cannot be shown to be theirs either
    faces.delete_template(SUPER, NIP, current.template_id)
    second = faces.enrol(COLLEAGUE, NIP, photo("deepface/img14.jpg"), settings, now)
    assert second.status == "pending"
    with pytest.raises(ForbiddenError):
        approve(RESETTER, second.template_id, settings, now)


def test_after_a_model_change_the_profile_says_what_the_check_in_says_and_a_new_face_is_used(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee's approved face, made by a model the scoring policy no longer runs (a policy switch
    # deployed, the operator's recompute not run yet)
    enrolled = faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    runtime.faces().replace_vectors(NIP, enrolled.template_id, {"old-model": np.ones(8, np.float32)})
    # WHEN they check in, THEN the face cannot be compared: NOT_ENROLLED ("daftar ulang")
    with pytest.raises(NotEnrolledForModelsError):
        verifies(NIP, JOLIE[1], settings)
    # AND the app's Home is told the same (not enrolled, no approved face that counts), so it offers Daftar Wajah
    # instead of check-in buttons that can only be refused
    profile = me.profile(employee(), settings, now)
    assert (profile.enrolled, profile.onboarding.faces.approved) == (False, 0)
    # WHEN the employee does what the refusal says: a new face from the app, approved by BKPSDM (nothing current
    # to compare it with, decision 209)
    again = faces.self_enrol(employee(), photo(JOLIE[2]), settings, now)
    assert approve(SUPER, again.template_id, settings, now) == "approved"
    # THEN the check-in verifies against the new face, the stale template left aside, and the Home says enrolled
    assert verifies(NIP, JOLIE[1], settings)
    profile = me.profile(employee(), settings, now)
    assert (profile.enrolled, profile.onboarding.faces.approved) == (True, 1)


def test_after_a_model_change_the_admin_views_count_a_face_as_the_check_in_does(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP's approved face, made by a model the scoring policy no longer runs (the policy switched, the
    # operator's recompute not run yet), and FAR's face of U2 made by the current models
    stale = faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    runtime.faces().replace_vectors(NIP, stale.template_id, {"old-model": np.ones(8, np.float32)})
    faces.enrol(SUPER, FAR, photo(ZUCKERBERG), settings, now)
    assert not me.profile(employee(), settings, now).enrolled  # the app says "daftar ulang", as a check-in would
    # WHEN the unit's admin reads the employee list, the units' onboarding counts and the adoption report
    # THEN none of them counts NIP ready to check in: the admin would not ask them to enrol again
    assert admin_views_of_enrolment(settings, now) == {"list": False, "U1": 0, "U2": 1, "adoption": 0}
    # WHEN the employee enrols again and BKPSDM approves the new face (decision 209: nothing current to compare)
    again = faces.self_enrol(employee(), photo(JOLIE[2]), settings, now)
    assert approve(SUPER, again.template_id, settings, now) == "approved"
    # THEN every view counts them, as /v1/me does
    assert me.profile(employee(), settings, now).enrolled
    assert admin_views_of_enrolment(settings, now) == {"list": True, "U1": 1, "U2": 1, "adoption": 1}


def admin_views_of_enrolment(settings: Settings, now: datetime) -> dict[str, object]:
    """NIP's `enrolled` in U1's employee list, the units' `enrolled_count` (the per-unit reads and the super
    admin's one pass agree) and U1's adoption `enrolled` of today."""
    listed = {
        e.nip: e.enrolled for e in directory.list_employees(COLLEAGUE, EmployeesQuery(unor_id="U1"), settings).items
    }
    per_unit = {u.unor_id: u.enrolled_count for u in directory.list_units(COLLEAGUE, settings).items}
    every = {u.unor_id: u.enrolled_count for u in directory.list_units(SUPER, settings).items}
    assert every["U1"] == per_unit["U1"]
    today = now.astimezone(settings.tz).date()
    report = adoption.adoption(COLLEAGUE, AdoptionQuery.model_validate({"from": today, "to": today}), settings)
    assert isinstance(report, AdoptionReport)
    return {"list": listed[NIP], "U1": per_unit["U1"], "U2": every["U2"], "adoption": report.units[0].days[0].enrolled}


def old_face(template_id: str) -> None:
    """An approved face of NIP made by a model the scoring policy no longer runs (approved before a model change),
    whose enrolment photo is no longer kept (the operator's recompute cannot re-embed it)."""
    made = NewTemplate(template_id, {"old-model": np.ones(8, np.float32)}, PhotoFingerprint("0" * 64, 0), "k", "op")
    runtime.faces().save_template(NIP, made)


def every_view_of_enrolment(settings: Settings, now: datetime) -> dict[str, object]:
    """`admin_views_of_enrolment` with what `/v1/me` says (`me`) and whether a check-in compares (`checkin`)."""
    views = admin_views_of_enrolment(settings, now)
    views["me"] = me.profile(employee(), settings, now).enrolled
    try:
        views["checkin"] = verifies(NIP, JOLIE[1], settings)
    except NotEnrolledForModelsError:
        views["checkin"] = "NOT_ENROLLED"
    return views


NOT_ENROLLED_ANYWHERE = {"list": False, "U1": 0, "U2": 0, "adoption": 0, "me": False, "checkin": "NOT_ENROLLED"}


def test_after_the_new_face_is_deleted_every_view_says_what_the_check_in_says(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP's face approved before a model change (the old model made it): no view counts it
    old_face(f"t-old-{NIP}")
    assert every_view_of_enrolment(settings, now) == NOT_ENROLLED_ANYWHERE
    # WHEN the employee enrols again and BKPSDM approves the new face
    again = faces.self_enrol(employee(), photo(JOLIE[2]), settings, now)
    assert approve(SUPER, again.template_id, settings, now) == "approved"
    # THEN every view counts them, and the check-in verifies
    enrolled = {"list": True, "U1": 1, "U2": 0, "adoption": 1, "me": True, "checkin": True}
    assert every_view_of_enrolment(settings, now) == enrolled
    # WHEN an admin deletes the new face (a wrong photo), the old one left
    faces.delete_template(SUPER, NIP, again.template_id)
    # THEN the check-in answers NOT_ENROLLED, and neither the app nor any admin view says otherwise: the unit
    # admin sees them not enrolled and asks them to enrol again
    assert every_view_of_enrolment(settings, now) == NOT_ENROLLED_ANYWHERE


def test_a_recompute_that_re_embeds_only_a_pending_face_leaves_the_employee_not_enrolled(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP's approved face made by the old model, its photo no longer kept, and a new face waiting
    old_face(f"t-old-{NIP}")
    waiting = faces.self_enrol(employee(), photo(JOLIE[2]), settings, now)
    assert waiting.status == "pending"
    # WHEN the operator's recompute runs: the pending face is re-embedded, the approved one cannot be
    assert faces.recompute(settings, [NIP]) == FacesRecomputed(recomputed=1, failed=1)
    # THEN no view says the employee can check in: the only approved face is still the old model's
    assert every_view_of_enrolment(settings, now) == NOT_ENROLLED_ANYWHERE
    # WHEN BKPSDM approves the waiting face, THEN every view counts them
    assert approve(SUPER, waiting.template_id, settings, now) == "approved"
    enrolled = {"list": True, "U1": 1, "U2": 0, "adoption": 1, "me": True, "checkin": True}
    assert every_view_of_enrolment(settings, now) == enrolled


def test_a_face_waiting_since_before_a_model_change_is_not_approved_until_recomputed(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN another employee's approved face, and NIP's self-enrolment waiting since before a model change (its
    # vectors made by a model the policy no longer runs, the operator's recompute not run yet)
    faces.enrol(SUPER, OTHER, photo(ZUCKERBERG), settings, now)
    waiting = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now).template_id
    runtime.faces().replace_vectors(NIP, waiting, {"old-model": np.ones(8, np.float32)})
    # WHEN the unit admin approves it, THEN a 409 says why (not a 500): it could verify no check-in
    with pytest.raises(ConflictError) as refused:
        approve(COLLEAGUE, waiting, settings, now)
    assert refused.value.details == {"reason": "stale_models", "template_id": waiting}
    assert state() == (0, 1)
    # AND once the recompute re-embedded its photo, the same admin approves it and it counts
    faces.recompute(settings, [NIP])
    assert approve(COLLEAGUE, waiting, settings, now) == "approved" and state() == (1, 0)


def test_a_first_face_still_pending_stays_a_first_face_after_a_recompute(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN an employee's only face, self-enrolled and pending, when the operator re-embeds the unit's faces
    pending = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now).template_id
    assert faces.recompute(settings, [NIP]).recomputed == 1
    # THEN it is still a first face: the unit's admin approves it
    assert runtime.people().get_employee(NIP).face_model is None  # type: ignore[union-attr]
    assert approve(COLLEAGUE, pending, settings, now) == "approved"


def test_a_super_admin_s_own_enrolment_of_another_face_needs_another_super_admin(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    enrolled = faces.enrol(SUPER, NIP, photo(ZUCKERBERG), settings, now)
    assert enrolled.status == "pending"
    with pytest.raises(ForbiddenError):
        approve(SUPER, enrolled.template_id, settings, now)
    assert approve(Principal("rina", "super_admin"), enrolled.template_id, settings, now) == "approved"


def test_the_faces_of_an_employee_who_left_are_deleted_once_the_retention_has_passed(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP with an approved, a pending and a rejected face, and OTHER enrolled; both then deactivated
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    pending = faces.self_enrol(employee(), photo(JOLIE[1]), settings, now).template_id
    rejected = faces.self_enrol(employee(), photo(JOLIE[2]), settings, now).template_id
    faces.decide(COLLEAGUE, rejected, DecisionRequest(decision="reject", note="buram"), settings, now)
    faces.enrol(SUPER, OTHER, photo(ZUCKERBERG), settings, now)
    for nip in (NIP, OTHER):
        runtime.people().put_employee(replace(runtime.people().get_employee(nip), active=False))  # type: ignore[type-var]
    # WHEN the nightly job runs within the retention: nothing goes (a deactivation may still be undone)
    within = faces.forget_departed(settings, now + timedelta(days=settings.face_retention_days - 1))
    assert (within.employees, within.templates) == (0, 0) and len(runtime.faces().template_rows(NIP)) == 3
    # AND OTHER comes back meanwhile (SIMPEG corrected)
    runtime.people().put_employee(replace(runtime.people().get_employee(OTHER), active=True))  # type: ignore[type-var]
    # WHEN it runs after the retention
    held = sorted((t.template_id, t.status) for t in runtime.faces().template_rows(NIP))
    after = now + timedelta(days=settings.face_retention_days, minutes=1)
    done = faces.forget_departed(settings, after)
    # THEN every face of NIP is gone (vectors and all), counted off, and each named once; OTHER keeps theirs
    assert (done.employees, done.templates) == (1, 3)
    assert runtime.faces().template_rows(NIP) == [] and state() == (0, 0)
    assert pending not in {t.template_id for t in runtime.faces().template_rows(NIP)}
    assert len(runtime.faces().template_rows(OTHER)) == 1
    named = sorted((t[3]["template_id"], t[3]["status"]) for t in trail() if t[1] == "face.forget")
    assert named == held and {status for _, status in held} == {"approved", "pending", "rejected"}
    assert {(t[0], t[2], t[3]["left_by"]) for t in trail() if t[1] == "face.forget"} == {
        ("system:retensi", NIP, done.left_by)
    }
    # AND the next night finds nothing more to do
    assert faces.forget_departed(settings, after).employees == 0


def test_the_faces_of_one_who_left_before_any_was_approved_are_deleted_too(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP's only face waiting for an admin, and OTHER's only face refused; both then deactivated
    faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    refused = faces.self_enrol(employee(OTHER), photo(ZUCKERBERG), settings, now).template_id
    faces.decide(COLLEAGUE, refused, DecisionRequest(decision="reject", note="bukan wajah pegawai"), settings, now)
    for nip in (NIP, OTHER):
        runtime.people().put_employee(replace(runtime.people().get_employee(nip), active=False))  # type: ignore[type-var]
    # WHEN the nightly job runs after the retention
    done = faces.forget_departed(settings, now + timedelta(days=settings.face_retention_days, minutes=1))
    # THEN both faces are gone, each audited; nothing counted stays behind
    assert (done.employees, done.templates) == (2, 2)
    assert runtime.faces().template_rows(NIP) == [] and runtime.faces().template_rows(OTHER) == []
    assert [(t[1], t[2]) for t in trail()[-2:]] == [("face.forget", NIP), ("face.forget", OTHER)]


def test_no_face_is_put_on_an_employee_who_left_so_none_outlives_the_retention(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN NIP's face waiting for an admin when SIMPEG deactivates him (he retired)
    pending = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now).template_id
    runtime.people().put_employee(replace(runtime.people().get_employee(NIP), active=False))  # type: ignore[type-var]
    # WHEN the unit admin approves it, THEN it is refused: the departed employee gets no face (he may be rejected)
    with pytest.raises(AccountInactiveError):
        approve(COLLEAGUE, pending, settings, now)
    # AND the nightly retention clears what he left
    after = now + timedelta(days=settings.face_retention_days, minutes=1)
    assert faces.forget_departed(settings, after).templates == 1
    # WHEN an admin then enrols a face for him, THEN it is refused and nothing is kept: the retention visits each
    # departure once (decision 213), so a face put on him now would be kept for good
    for admin in (COLLEAGUE, SUPER):
        with pytest.raises(AccountInactiveError):
            faces.enrol(admin, NIP, photo(JOLIE[1]), settings, after)
    assert runtime.faces().template_rows(NIP) == [] and faces.forget_departed(settings, after).employees == 0


def test_an_employee_reactivated_while_the_retention_runs_keeps_his_faces(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN NIP's two faces, NIP deactivated longer ago than the retention (a transfer out of the regency)
    faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    faces.enrol(SUPER, NIP, photo(JOLIE[1]), settings, now)
    runtime.people().put_employee(replace(runtime.people().get_employee(NIP), active=False))  # type: ignore[type-var]
    after = now + timedelta(days=settings.face_retention_days, minutes=1)
    people = runtime.people()
    listed = people.faces_to_forget

    def listed_then_reactivated(left_by: str) -> list[str]:
        due = listed(left_by)
        # AND SIMPEG brings him back (the transfer undone) after the job listed him, before it reaches him
        people.put_employee(replace(people.get_employee(NIP), active=True))  # type: ignore[type-var]
        return due

    monkeypatch.setattr(people, "faces_to_forget", listed_then_reactivated)
    # WHEN the nightly job goes on with its list
    done = faces.forget_departed(settings, after)
    # THEN the active employee keeps his faces (he checks in with them tomorrow), nothing is audited as deleted,
    # and he is not noted as cleared
    assert (done.employees, done.templates) == (0, 0)
    assert len(runtime.faces().template_rows(NIP)) == 2 and state() == (2, 0)
    assert [t for t in trail() if t[1] == "face.forget"] == []
    assert runtime.people().get_employee(NIP).faces_forgotten_at is None  # type: ignore[union-attr]


def test_a_retention_run_whose_audit_entry_failed_deletes_nothing_unnamed_and_names_each_face_once_on_its_retry(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN NIP's two faces, NIP deactivated longer ago than the retention
    ids = sorted(faces.enrol(SUPER, NIP, photo(p), settings, now).template_id for p in JOLIE[:2])
    runtime.people().put_employee(replace(runtime.people().get_employee(NIP), active=False))  # type: ignore[type-var]
    after = now + timedelta(days=settings.face_retention_days, minutes=1)
    # WHEN the nightly job fails writing a face.forget entry (throttled)
    with audit_store_fails(monkeypatch, "face.forget"):
        faces.forget_departed(settings, after)
    # THEN no face was deleted unnamed
    assert sorted(t.template_id for t in runtime.faces().template_rows(NIP)) == ids
    assert [t for t in trail() if t[1] == "face.forget"] == []
    # WHEN the job is run again (the Lambda's retry), THEN the faces go, each named once
    assert faces.forget_departed(settings, after).templates == 2 and runtime.faces().template_rows(NIP) == []
    assert sorted(t[3]["template_id"] for t in trail() if t[1] == "face.forget") == ids


def test_an_enrolment_whose_audit_entry_fails_keeps_nothing_and_is_named_once_when_sent_again(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an admin's enrolment and an employee's own, each meeting a failing audit store (503)
    sent, own = photo(JOLIE[0]), photo(JOLIE[1])
    with failing(monkeypatch, runtime.audit(), "_append", when=stored_entries_of("face.enrol")):
        with pytest.raises(UnavailableError):
            faces.enrol(SUPER, NIP, sent, settings, now)
        with pytest.raises(UnavailableError):
            faces.self_enrol(employee(), own, settings, now)
    # THEN no face was kept unnamed (nor the photo's fingerprint: sending it again is no replay)
    assert runtime.faces().template_rows(NIP) == [] and trail() == []
    # WHEN each sends the very same photo again within minutes, and once more (the answer lost on a weak link)
    first = faces.enrol(SUPER, NIP, sent, settings, now + timedelta(minutes=1))
    mine = faces.self_enrol(employee(), own, settings, now + timedelta(minutes=1))
    again = faces.enrol(SUPER, NIP, sent, settings, now + timedelta(minutes=2))
    assert faces.self_enrol(employee(), own, settings, now + timedelta(minutes=2)).template_id == mine.template_id
    # THEN each is kept once, the retry answered with the template its first try stored, and each named once
    assert (again.template_id, again.status, mine.status) == (first.template_id, "approved", "pending")
    assert len(runtime.faces().template_rows(NIP)) == 2 and state() == (1, 1)
    assert [(t[0], t[1], t[3]["template_id"]) for t in trail()] == [
        ("op", "face.enrol", first.template_id),
        (NIP, "face.enrol", mine.template_id),
    ]
    # AND another admin sending the admin's photo is still refused as a replay
    with pytest.raises(ReplayedPhotoError):
        faces.enrol(COLLEAGUE, NIP, sent, settings, now + timedelta(minutes=3))


def test_a_face_deletion_whose_audit_entry_fails_keeps_the_face_and_the_next_one_is_named_once(
    settings: Settings, trail: Audit, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an enrolled face, WHEN its deletion meets a failing audit store (503)
    template_id = faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now).template_id
    with audit_store_fails(monkeypatch, "face.delete"):
        faces.delete_template(SUPER, NIP, template_id)
    # THEN the face is kept, and the log claims no deletion that was not made
    assert [t.template_id for t in runtime.faces().template_rows(NIP)] == [template_id]
    assert [t for t in trail() if t[1] == "face.delete"] == []
    # WHEN the admin deletes it again, THEN it goes and the deletion is named once; sent once more, it is 404
    assert faces.delete_template(SUPER, NIP, template_id).deleted
    assert runtime.faces().template_rows(NIP) == [] and state() == (0, 0)
    with pytest.raises(NotFoundError):
        faces.delete_template(SUPER, NIP, template_id)
    assert [t[:3] for t in trail() if t[1] == "face.delete"] == [("op", "face.delete", NIP)]


# --- duplicates ---------------------------------------------------------------------------------------------


def test_the_same_face_for_two_employees_is_refused_without_naming_the_other(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the employee enrolled
    first = faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    # WHEN another photo of the same face is enrolled for a colleague, by an admin or by the colleague
    with pytest.raises(DuplicateFaceError) as by_admin:
        faces.enrol(COLLEAGUE, OTHER, photo(JOLIE[1]), settings, now)
    with pytest.raises(DuplicateFaceError) as by_self:
        faces.self_enrol(employee(OTHER), photo(JOLIE[2]), settings, now)
    # THEN both are refused, naming nobody, and nothing of the colleague was kept
    for refused in (by_admin.value, by_self.value):
        assert refused.code == "DUPLICATE_FACE" and refused.details == {}
        said = message_for(refused.code, refused.message)  # what the caller reads
        assert NIP not in said and "Pegawai" not in said
    assert state(OTHER) == (0, 0) and runtime.faces().template_rows(OTHER) == []
    assert [(a, t) for _, a, t, _ in trail()] == [("face.enrol", NIP)]
    # AND a second photo of the employee's own face is welcome
    assert faces.enrol(SUPER, NIP, photo(JOLIE[1]), settings, now).status == "approved"
    assert len(runtime.faces().templates_of(NIP)) == 2 and first.status == "approved"


def test_a_pending_duplicate_is_refused_at_approval(settings: Settings, trail: Audit, now: datetime) -> None:
    # GIVEN the colleague's self-enrolment waits while the same face is approved for the employee
    waiting = faces.self_enrol(employee(OTHER), photo(JOLIE[0]), settings, now)
    faces.enrol(SUPER, NIP, photo(JOLIE[1]), settings, now)
    # WHEN an admin approves the waiting one
    with pytest.raises(DuplicateFaceError):
        approve(COLLEAGUE, waiting.template_id, settings, now)
    # THEN it stays pending (to be rejected)
    assert state(OTHER) == (0, 1)


def test_faces_of_inactive_employees_and_deleted_templates_do_not_block(
    settings: Settings, trail: Audit, now: datetime, repos: Repositories
) -> None:
    first = faces.enrol(SUPER, NIP, photo(JOLIE[0]), settings, now)
    # a deleted template frees the face (the index follows the deletion)
    faces.delete_template(SUPER, NIP, first.template_id)
    assert faces.enrol(SUPER, OTHER, photo(JOLIE[1]), settings, now).status == "approved"
    # an employee who left no longer blocks theirs
    repos.people.put_employee(Employee(OTHER, "Pegawai 002", "U1", active=False))
    assert faces.enrol(SUPER, NIP, photo(JOLIE[2]), settings, now).status == "approved"


def test_the_duplicates_list_shows_pairs_across_employees_to_the_super_admin_only(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the same face stored for two employees by a tool that skips the check (data from before it)
    engine, policy = runtime.engine_and_policy(settings)
    for nip, name in ((NIP, JOLIE[0]), (OTHER, JOLIE[1]), (FAR, ZUCKERBERG)):
        data = selfie(name)
        faces.keep_enrolment("tool", nip, data, engine.analyse(data, purpose="enrol"), settings=settings, now=now)
    # AND the one-off backfill run over them, in steps of two templates (three steps: the last one short)
    assert faces.list_duplicates(SUPER, settings).items == []
    steps = [faces.backfill_pairs(settings, None, block=2)]
    while steps[-1][1] is not None:
        steps.append(faces.backfill_pairs(settings, steps[-1][1], block=2))
    assert len(steps) == 2 and sum(found for found, _ in steps) >= 1
    # THEN the super admin sees the pair, with its score, and nothing else
    [item] = faces.list_duplicates(SUPER, settings).items
    assert sorted(item.nips) == sorted([NIP, OTHER]) and item.score >= policy.duplicate_threshold
    # AND nobody else may ask
    for caller in (COLLEAGUE, employee()):
        with pytest.raises(ForbiddenError):
            faces.list_duplicates(caller, settings)


def test_a_model_change_keeps_the_suspected_pairs_in_the_super_admin_s_list(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the same face approved for NIP and OTHER (data from before the checks) and another face for FAR, all
    # made by a model the policy no longer runs, the pair kept under the old policy
    engine, policy = runtime.engine_and_policy(settings)
    ids = {}
    for nip, name in ((NIP, JOLIE[0]), (OTHER, JOLIE[1]), (FAR, ZUCKERBERG)):
        data = selfie(name)
        analysis = engine.analyse(data, purpose="enrol")
        ids[nip], _, _ = faces.keep_enrolment("tool", nip, data, analysis, settings=settings, now=now)
        runtime.faces().replace_vectors(nip, ids[nip], {"old-model": np.ones(8, np.float32)})
    runtime.faces().save_pairs("old-policy", [Pair((NIP, OTHER), (ids[NIP], ids[OTHER]), 0.9)])
    runtime.forget_cohort()
    assert faces.list_duplicates(SUPER, settings).items == []
    # WHEN the operator re-embeds the kept photos after the policy switch (README), one employee at a time
    for nip in (NIP, OTHER, FAR):
        assert faces.recompute(settings, [nip]).recomputed == 1
    # THEN the super admin sees the pair again, scored by the current models, and nothing else
    [item] = faces.list_duplicates(SUPER, settings).items
    assert sorted(item.nips) == sorted([NIP, OTHER]) and item.score >= policy.duplicate_threshold


# --- units ----------------------------------------------------------------------------------------------------


def test_units_count_activated_and_enrolled_employees(settings: Settings, trail: Audit, now: datetime) -> None:
    faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)  # pending: not enrolled yet
    counts = {
        u.unor_id: (u.employee_count, u.activated_count, u.enrolled_count)
        for u in directory.list_units(SUPER, settings).items
    }
    assert counts == {"U1": (2, 1, 0), "U2": (1, 0, 0)}
    faces.enrol(SUPER, FAR, photo(ZUCKERBERG), settings, now)
    [u2] = directory.list_units(STRANGER, settings).items
    assert (u2.unor_id, u2.activated_count, u2.enrolled_count) == ("U2", 0, 1)
    # AND the super admin's one pass over all employees counts what the unit admin's per-unit reads count
    assert directory.unit_counts(["U1", "U2"], settings, every_unit=True) == directory.unit_counts(
        ["U1", "U2"], settings, every_unit=False
    )
    assert {u.unor_id: u.enrolled_count for u in directory.list_units(SUPER, settings).items} == {"U1": 0, "U2": 1}


def test_the_units_count_active_employees_and_call_activated_what_the_adoption_report_does(
    settings: Settings, trail: Audit, now: datetime, repos: Repositories
) -> None:
    # GIVEN U1 with NIP activated on a phone and OTHER never activated; FAR of U2 activated, then deactivated
    repos.people.bind_device(FAR, PhoneBinding("android-0003-aaaa", "password-hash"))
    repos.people.put_employee(Employee(FAR, "Pegawai 003", "U2", active=False))

    def console() -> dict[str, tuple[int, int]]:
        return {u.unor_id: (u.employee_count, u.activated_count) for u in directory.list_units(SUPER, settings).items}

    def report() -> dict[str, tuple[int, int]]:
        day = now.astimezone(settings.tz).date()
        query = AdoptionQuery.model_validate({"from": day.isoformat(), "to": day.isoformat()})
        answer = adoption.adoption(SUPER, query, settings)
        assert isinstance(answer, AdoptionReport)
        return {u.unor_id: (u.days[0].employees, u.days[0].activated) for u in answer.units}

    # THEN the deactivated employee is counted nowhere, and the console's "activated" is the report's
    assert console() == {"U1": (2, 1), "U2": (0, 0)} and report() == {"U1": (2, 1), "U2": (0, 0)}
    # AND after a device reset the employee is not activated in either until their next login binds a phone
    onboarding.reset_device(RESETTER, NIP, now)
    assert console()["U1"] == report()["U1"] == (2, 0)


def test_an_employee_s_page_asks_for_their_waiting_faces_only(settings: Settings, trail: Audit, now: datetime) -> None:
    # GIVEN two employees of U1 with a face waiting each
    mine = faces.self_enrol(employee(), photo(JOLIE[0]), settings, now)
    faces.self_enrol(employee(OTHER), photo("deepface/img5.jpg"), settings, now)
    # WHEN the admin opens one employee's page, THEN only that employee's face is listed and its link recorded
    before = len(runtime.audit().entries_of_day(AUDIT_START.date(), VIEWS))
    page = faces.list_pending(COLLEAGUE, PendingFacesQuery(nip=NIP), settings)
    assert [(i.template_id, i.nip, i.unor_id) for i in page.items] == [(mine.template_id, NIP, "U1")]
    views = runtime.audit().entries_of_day(AUDIT_START.date(), VIEWS)[before:]
    assert [(e.actor, e.target) for e in views] == [("sari", NIP)]
    # AND another unit's admin may not ask for them
    with pytest.raises(ForbiddenError):
        faces.list_pending(STRANGER, PendingFacesQuery(nip=NIP), settings)


def test_a_broken_pending_cursor_is_a_validation_error(settings: Settings, trail: Audit) -> None:
    with pytest.raises(ValidationError):
        faces.list_pending(SUPER, PendingFacesQuery(next="nonsense"), settings)


# --- the duplicate-enrolment race (decision 86) ---------------------------------------------------------------


def enrol_after_check(nip: str, name: str, settings: Settings, now: datetime) -> Callable[[], str]:
    """The first half of `faces.enrol` for one employee (analysis, replay and duplicate checks) run now; the
    returned call is its second half (the write and its re-check), run later: as two API processes do when
    both checks come before both writes."""
    engine, _ = runtime.engine_and_policy(settings)
    data = selfie(name)
    analysis = engine.analyse(data, purpose="enrol")
    faces.check_not_duplicate(nip, analysis.embeddings, settings)

    def write() -> str:
        kept = faces.keep_enrolment("op", nip, data, analysis, settings=settings, now=now, unor_id="U1", recheck=True)
        return kept[0]

    return write


def approved_owners() -> list[str]:
    return sorted(m.owner for m in runtime.faces().approved_templates())


def test_two_enrolments_of_one_face_checked_before_either_write_keep_at_most_one(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN the same face enrolled for two employees, both checks passing before either write
    first, second = enrol_after_check(NIP, JOLIE[0], settings, now), enrol_after_check(OTHER, JOLIE[1], settings, now)
    # WHEN both writes land, one after the other
    kept = first()
    # THEN the later one sees the earlier on its re-check: refused, and nothing of it counts
    with pytest.raises(DuplicateFaceError) as refused:
        second()
    assert refused.value.details == {} and approved_owners() == [NIP] and state(OTHER) == (0, 0)
    # AND the log names both enrolments as they were written, and the re-check's removal of the later one
    logged = [(a, t, d.get("reason")) for _, a, t, d in trail()]
    assert logged == [("face.enrol", NIP, None), ("face.enrol", OTHER, None), ("face.delete", OTHER, "duplicate")]
    assert trail()[0][3]["template_id"] == kept and trail()[2][3] == trail()[1][3] | {"reason": "duplicate"}
    assert not verifies(OTHER, JOLIE[2], settings) and faces.list_duplicates(SUPER, settings).items == []


def test_two_writes_of_one_face_before_either_re_check_keep_at_most_one(
    settings: Settings, trail: Audit, now: datetime
) -> None:
    # GIVEN both templates written (the tools' path: no re-check) before either process re-checks
    engine, _ = runtime.engine_and_policy(settings)
    written = []
    for nip, name in ((NIP, JOLIE[0]), (OTHER, JOLIE[1])):
        data = selfie(name)
        analysis = engine.analyse(data, purpose="enrol")
        template_id, _, _ = faces.keep_enrolment("op", nip, data, analysis, settings=settings, now=now)
        written.append((nip, Template(template_id, analysis.embeddings)))
    # WHEN each re-checks
    outcomes = []
    for nip, template in written:
        try:
            faces.confirm_unique(nip, template, settings)
            outcomes.append("kept")
        except DuplicateFaceError:
            outcomes.append("refused")
    # THEN the first re-check sees the other and gives its own up; the second finds itself alone
    assert outcomes == ["refused", "kept"] and approved_owners() == [OTHER]


def test_a_burst_of_enrolments_of_one_face_for_many_employees_approves_at_most_one(
    settings: Settings, trail: Audit, now: datetime, repos: Repositories
) -> None:
    # GIVEN six employees, and one photo of the same face for each, all sent at once
    assert isinstance(repos.people, InMemoryPeopleRepository)
    nips = [f"19900101{n:010d}" for n in range(6)]
    for nip in nips:
        repos.people.put_employee(Employee(nip, f"Rekan {nip[-2:]}", "U1"))
    start = threading.Barrier(len(nips))
    outcomes: list[str] = []

    def send(nip: str, name: str) -> None:
        start.wait()
        try:
            outcomes.append(faces.enrol(SUPER, nip, photo(name), settings, now).status)
        except DuplicateFaceError:
            outcomes.append("DUPLICATE_FACE")

    threads = [threading.Thread(target=send, args=(n, JOLIE[i % 3])) for i, n in enumerate(nips)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN at most one of them is approved, every other one refused, and the approved set agrees
    assert sorted(outcomes).count("approved") <= 1 and len(outcomes) == len(nips)
    assert len(approved_owners()) == outcomes.count("approved")


def test_a_deleted_template_leaves_the_duplicates_list(
    settings: Settings, trail: Audit, now: datetime, repos: Repositories
) -> None:
    # GIVEN the colleague left, so the face may be enrolled again for the employee: the pair is kept
    assert isinstance(repos.people, InMemoryPeopleRepository)
    theirs = faces.enrol(SUPER, OTHER, photo(JOLIE[0]), settings, now)
    repos.people.put_employee(Employee(OTHER, "Pegawai 002", "U1", active=False))
    mine = faces.enrol(SUPER, NIP, photo(JOLIE[1]), settings, now)
    _, policy = runtime.engine_and_policy(settings)
    [pair] = runtime.faces().pairs(policy.name)
    assert set(pair.template_ids) == {theirs.template_id, mine.template_id}
    # THEN it is hidden while the colleague is inactive, listed once they are back (a read, no computation)
    assert faces.list_duplicates(SUPER, settings).items == []
    repos.people.put_employee(Employee(OTHER, "Pegawai 002", "U1"))
    [item] = faces.list_duplicates(SUPER, settings).items
    assert sorted(item.template_ids) == sorted([theirs.template_id, mine.template_id])

    # AND deleting either template drops it, even when dropping its pairs failed (503) the first time: the
    # deletion's retry (404, the face gone) drops them
    def down(*args: object) -> None:
        raise UnavailableError()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(runtime.faces()), "drop_pairs", down)
        with pytest.raises(UnavailableError):
            faces.delete_template(SUPER, NIP, mine.template_id)
    assert len(faces.list_duplicates(SUPER, settings).items) == 1
    # (another employee's deletion naming this template drops nothing of it)
    with pytest.raises(NotFoundError):
        faces.delete_template(SUPER, OTHER, mine.template_id)
    assert len(faces.list_duplicates(SUPER, settings).items) == 1
    with pytest.raises(NotFoundError):
        faces.delete_template(SUPER, NIP, mine.template_id)
    assert faces.list_duplicates(SUPER, settings).items == [] and runtime.faces().pairs(policy.name) == []
