"""Face use cases: the per-process engine, enrolment (by admins, and self-enrolment waiting for review),
templates, the review queue with four eyes after a device reset, duplicate faces, verification with a cached
cohort.

Models and the cohort load lazily once per process (Lambda container reuse). The scoring policy named by
SMART_FACE_POLICY decides which models run; templates made by other models are never compared with them:
the employee must be re-enrolled or the batch recompute (``python -m chalicelib.usecases.faces recompute``)
must run first.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib import runtime
from chalicelib.domain.audit import VIEW_PHOTOS
from chalicelib.domain.faces import (
    APPROVED,
    PENDING,
    REJECTED,
    OwnMatch,
    PendingTemplate,
    TemplateInfo,
    TemplateStatus,
    made_by_policy,
)
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import AccountInactiveError, ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.face import (
    DuplicateFaceError,
    FaceAnalysis,
    ReplayedPhotoError,
    Template,
    UnsupportedImageError,
    Vector,
    Verdict,
    decode_image,
)
from chalicelib.face.config import Purpose, ReplayLimits
from chalicelib.face.index import PAIR_BLOCK, Match, Pair
from chalicelib.face.replay import check_replay
from chalicelib.face.scoring import verify, verify_vectors
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.store.audit import AuditBatch, AuditOf
from chalicelib.store.base import ConditionFailed, bad_cursor, decode_position, encode_cursor, iso, parse_iso
from chalicelib.store.events import EVENT_ID, PhotoTaken
from chalicelib.store.faces import (
    PENDING_PER_EMPLOYEE,
    Decision,
    FoundTemplate,
    NewTemplate,
    new_template_id,
    nip_of_template,
)
from chalicelib.store.photos import photo_key
from chalicelib.usecases import access, disclosure
from chalicelib.usecases.access import employee_of
from chalicelib.usecases.directory import employee_in_scope, employee_to_change
from chalicelib.usecases.disclosure import evidence_ttl_s
from chalicelib.usecases.schemas.attendance import (
    EnrolRequest,
    FaceDeleted,
    FaceEnrolled,
    FaceQuality,
    FaceRejection,
    FacesForgotten,
    FacesRecomputed,
    FaceTemplate,
    FaceTemplatePage,
    Onboarding,
    OnboardingFaces,
)
from chalicelib.usecases.schemas.faces import (
    DuplicateFaces,
    DuplicatePage,
    FaceDecided,
    OwnMatchView,
    PendingFace,
    PendingFacePage,
    PendingFacesQuery,
    SelfEnrolled,
)
from chalicelib.usecases.schemas.reports import DecisionRequest

# A face enrolled this long after a device reset of the same employee waits for an admin other than the one
# who reset the device (a phone taken over with a colleague's help must not get a new face the same way).
FOUR_EYES = timedelta(days=7)
PENDING_PAGE = 100


def decode_photo(value: str, settings: Settings, field: str = "photo") -> bytes:
    """The base64 photo (or frame: `field` names it) of a request; limits are checked again when the image
    is decoded."""
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError("Foto bukan base64 yang valid.", {field: "invalid base64"}) from exc
    if not data:
        raise ValidationError("Foto kosong.", {field: "empty"})
    return data


# --- enrolment ---------------------------------------------------------------------------------------


# What an enrolment photo too like an earlier one is told. The check-in text ("sudah pernah digunakan ... langsung
# dari kamera") accuses someone who did use the live camera: two enrolment shots taken without moving the phone,
# or a retake after an answer lost on a weak link, are that alike. What helps is a change of angle.
ENROL_REPLAYED = (
    "Foto ini sama atau sangat mirip dengan foto yang sudah dikirim sebelumnya. Ubah sedikit posisi kamera "
    "(lebih tinggi, lebih rendah, atau ke samping), lalu ambil foto lagi."
)


def check_not_sent_before(nip: str, analysis: FaceAnalysis, limits: ReplayLimits, now: datetime) -> None:
    """REPLAYED_PHOTO (the same code as at check-in, and as it, telling the `reason` alone: not how near the copy
    came, decision 543) when an enrolment photo is a copy of one the employee sent before, in words that ask for a
    new angle instead of a live photo."""
    try:
        check_replay(analysis, runtime.events().fingerprints_of(nip, now), limits)
    except ReplayedPhotoError as exc:
        raise ReplayedPhotoError(ENROL_REPLAYED, {"reason": exc.details.get("reason")}) from exc


# How long after an enrolment the same photo from the same actor is taken for its retry, not a replay: longer than
# a client waits and tries again after a 503, far shorter than an attacker's replay of an old photo.
RESENT_WITHIN = timedelta(minutes=10)


def new_or_kept(
    actor: Principal, nip: str, data: bytes, analysis: FaceAnalysis, *, settings: Settings, now: datetime
) -> TemplateInfo | None:
    """None for a photo not sent before (`check_not_sent_before`). The very bytes `actor` enrolled for the
    employee within RESENT_WITHIN are the retry of that enrolment, which stored its template (with its `face.enrol`
    entry) and then failed (its re-check: 503, or its answer lost): that template (`_answered_again`). Any other
    copy: REPLAYED_PHOTO as before."""
    engine, _ = runtime.engine_and_policy(settings)
    try:
        check_not_sent_before(nip, analysis, engine.config.replay, now)
    except ReplayedPhotoError as exc:
        if not _identical(exc):
            raise
        return _answered_again(actor, nip, data, exc, settings=settings, now=now)
    return None


def _answered_again(
    actor: Principal, nip: str, data: bytes, refusal: Exception, *, settings: Settings, now: datetime
) -> TemplateInfo:
    """The template `actor` enrolled for the employee from these very bytes within RESENT_WITHIN, what followed its
    storing finished again (`_finish_enrolment`, no second entry): the answer to a retry of that enrolment, or to
    the second of two sent at once. None such: `refusal` is raised."""
    kept = _enrolled_from(data, actor.subject, nip, settings, now)
    if kept is None:
        raise refusal
    _finish_enrolment(actor, nip, kept, settings)
    return kept.info


# The replay refusal's reason for the very bytes sent before (`face.replay`).
IDENTICAL = "identical_bytes"


def _identical(refusal: ReplayedPhotoError) -> bool:
    return bool(refusal.details) and refusal.details.get("reason") == IDENTICAL


def _enrolled_from(data: bytes, actor: str, nip: str, settings: Settings, now: datetime) -> FoundTemplate | None:
    """The employee's template `actor` enrolled within RESENT_WITHIN from exactly `data` (the stored photo's
    sha256; read only for such recent templates of the actor, on a refusal), or None."""
    digest = hashlib.sha256(data).digest()
    photos = runtime.photos(settings)
    for info in runtime.faces().template_rows(nip):
        recent = info.created_by == actor and abs(now - parse_iso(info.created_at)) <= RESENT_WITHIN
        if recent and hashlib.sha256(photos.get(info.photo_key)).digest() == digest:
            return runtime.faces().get_template(nip, info.template_id)
    return None


def first_status(info: TemplateInfo) -> TemplateStatus:
    """The status a template was enrolled with: pending when it has been decided since."""
    return PENDING if info.decided_at else info.status


def _finish_enrolment(actor: Principal, nip: str, kept: FoundTemplate, settings: Settings) -> None:
    """What follows storing an enrolment, done again for its retry: an approved face's re-check (an admin's
    enrolment). Its audit entry was written with the template: not again."""
    if first_status(kept.info) == APPROVED and kept.info.status == APPROVED:
        rechecked(actor.subject, nip, kept.template, settings, actor.role)


def _enrolment_detail(template_id: str, status: TemplateStatus, own: OwnMatch | None) -> dict[str, object]:
    """The `face.enrol` audit entry's details: the template, its status unless approved, its own-face score."""
    detail: dict[str, object] = {"template_id": template_id}
    if status != APPROVED:
        detail["status"] = status
    if own is not None:
        detail["own_score"] = own.score
    return detail


def enrol(actor: Principal, nip: str, body: EnrolRequest, settings: Settings, now: datetime) -> FaceEnrolled:
    """Add a reference photo: analysed, refused on no/many faces, poor quality, a replay or another employee's
    face, photo kept privately; approved at once unless the device was reset within FOUR_EYES, or the face is
    unlike the employee's approved ones (`own_match`: it waits for a super admin)."""
    employee = employee_to_change(actor, nip)
    require_active(employee)
    data = decode_photo(body.photo, settings)
    engine, policy = runtime.engine_and_policy(settings)
    analysis = engine.analyse(data, purpose="enrol")
    if (kept := new_or_kept(actor, employee.nip, data, analysis, settings=settings, now=now)) is not None:
        quality = FaceQuality(**kept.quality)
        return FaceEnrolled(template_id=kept.template_id, quality=quality, models=list(kept.models),
                            status=first_status(kept))  # fmt: skip
    check_not_duplicate(employee.nip, analysis.embeddings, settings)
    try:
        template_id, quality, status = _keep_checked(actor, employee, data, analysis, settings=settings, now=now)
    except ConditionFailed as exc:  # a face that must wait (four eyes) finds the employee's queue full
        raise _full_queue(PENDING_PER_EMPLOYEE, actor) from exc
    return FaceEnrolled(template_id=template_id, quality=quality, models=list(policy.model_ids), status=status)


# Said to the admin: the code's default text ("Akun Anda tidak aktif") would tell them their own account is locked.
EMPLOYEE_INACTIVE = "Pegawai ini tidak aktif menurut SIMPEG; wajahnya tidak dapat didaftarkan atau disetujui."


def require_active(employee: Employee | None) -> None:
    """403 ACCOUNT_INACTIVE for an admin putting a face on an employee SIMPEG deactivated (or removed): no check-in
    needs it, and the face retention visits each departure once (decision 213), so a face enrolled or approved
    after that run would be kept for good. A reactivated employee enrols again."""
    if employee is None or not employee.active:
        raise AccountInactiveError(EMPLOYEE_INACTIVE)


def self_enrol(principal: Principal, body: EnrolRequest, settings: Settings, now: datetime) -> SelfEnrolled:
    """An employee's own face from the app's camera: the same checks as an admin's enrolment, kept pending
    until an admin of the unit approves it; at most PENDING_PER_EMPLOYEE wait at once (409 beyond)."""
    employee = employee_of(principal)
    if employee is None or not employee.active:
        raise AccountInactiveError()
    data = decode_photo(body.photo, settings)
    if (resent := _resent_to_full_queue(principal, employee.nip, data, settings, now)) is not None:
        return SelfEnrolled(template_id=resent.template_id, status=PENDING)
    engine, _ = runtime.engine_and_policy(settings)
    analysis = engine.analyse(data, purpose="enrol")
    if (kept := new_or_kept(principal, employee.nip, data, analysis, settings=settings, now=now)) is not None:
        return SelfEnrolled(template_id=kept.template_id, status=PENDING)
    check_not_duplicate(employee.nip, analysis.embeddings, settings)
    try:
        template_id, _, _ = _keep_checked(principal, employee, data, analysis, settings=settings, now=now)
    except ConditionFailed as exc:  # parallel uploads: the stored count's condition let only the first ones in
        raise _full_queue(PENDING_PER_EMPLOYEE, principal) from exc
    return SelfEnrolled(template_id=template_id, status=PENDING)


def _keep_checked(
    actor: Principal, employee: Employee, data: bytes, analysis: FaceAnalysis, *, settings: Settings, now: datetime
) -> tuple[str, FaceQuality, TemplateStatus]:
    """`keep_enrolment` of a photo that passed the checks, under four eyes and the own-face match: an employee's
    own face, or one an admin enrolled after a device reset within FOUR_EYES or unlike the employee's approved
    ones (for want of a super admin), is kept pending; any other admin's enrolment approved (and re-checked).
    The same photo sent twice at once (a double tap; a retry of a try API Gateway cut off while it ran on) passes
    both replay checks: the write's claim of its bytes keeps the first, and the other is answered with its
    template as a later retry is (`_answered_again`; REPLAYED_PHOTO when another sender's it is)."""
    reset_by = four_eyes(employee, now)
    own = own_match(employee, analysis.embeddings, settings)
    waits = actor.role == "employee" or reset_by is not None or _needs_super_admin(own, actor)
    try:
        return keep_enrolment(
            actor.subject, employee.nip, data, analysis, settings=settings, now=now,
            status=PENDING if waits else APPROVED, unor_id=employee.unor_id, reset_by=reset_by,
            resetters=resetters(employee, now), own=own, recheck=True, role=actor.role,
        )  # fmt: skip
    except PhotoTaken:
        replayed = ReplayedPhotoError(ENROL_REPLAYED, {"reason": IDENTICAL})
        kept = _answered_again(actor, employee.nip, data, replayed, settings=settings, now=now)
        return kept.template_id, FaceQuality(**kept.quality), first_status(kept)


def _resent_to_full_queue(
    actor: Principal, nip: str, data: bytes, settings: Settings, now: datetime
) -> TemplateInfo | None:
    """None while the employee's queue has room. A full one refuses (409) any photo but the retry of the one that
    filled it (its answer lost on a weak link): that template, its enrolment finished again (`new_or_kept`)."""
    pending = sum(t.status == PENDING for t in runtime.faces().template_rows(nip))
    if pending < PENDING_PER_EMPLOYEE:
        return None
    return _answered_again(actor, nip, data, _full_queue(pending, actor), settings=settings, now=now)


def _full_queue(pending: int, actor: Principal) -> ConflictError:
    """409: the employee's queue of faces waiting for a decision is full. The employee waits for their admin; an
    admin (whose face must wait too, under four eyes) decides the waiting ones first."""
    message = (
        "Masih ada foto wajah yang menunggu persetujuan admin. Tunggu keputusan admin unit."
        if actor.role == "employee"
        else "Pegawai ini masih memiliki foto wajah yang menunggu persetujuan. Putuskan foto tersebut lebih dulu."
    )
    return ConflictError(message, {"pending": pending, "limit": PENDING_PER_EMPLOYEE})


def four_eyes(employee: Employee, now: datetime) -> str | None:
    """The admin of the employee's last device reset, when within FOUR_EYES before `now`: the one the pending queue
    shows (`reset_by`; `resetters` names every admin a face enrolled now waits for another than; None: no such
    reset)."""
    if not employee.device_reset_by or not employee.device_reset_at:
        return None
    return employee.device_reset_by if now - parse_iso(employee.device_reset_at) <= FOUR_EYES else None


def resetters(employee: Employee, now: datetime) -> frozenset[str]:
    """Every admin who reset the employee's device, or issued the code it was bound with again, within FOUR_EYES
    before `now` (`four_eyes`'s among them): none of them may approve a face enrolled now. A later code of another
    admin does not free the one who reset the phone (empty: no such reset)."""
    return employee.resets_since(now - FOUR_EYES)


def vouched_by(subject: str, nip: str, now: datetime) -> list[str]:
    """The employee's approved templates that `subject` enrolled within FOUR_EYES before `now`. Four eyes the
    other way round (`four_eyes`): whoever put a face on an employee may not also free the phone it would check
    in from, or an admin's own face enrolled on a colleague, then the colleague's phone reset and a new code,
    would take the account over alone. (Approving an employee's own self-enrolment puts no one else's face on
    them: it does not count.)"""
    return [
        t.template_id
        for t in runtime.faces().template_rows(nip)
        if t.status == APPROVED and t.created_by == subject and now - parse_iso(t.created_at) <= FOUR_EYES
    ]


def own_match(employee: Employee, embeddings: Mapping[str, Vector], settings: Settings) -> OwnMatch | None:
    """A new face of the employee scored against those of their approved faces it can be compared with (made by
    the policy's models) as a check-in selfie would be. A face below the accept threshold is not shown to be
    theirs: a stand-in's, or a look-alike's in the review band, would check in as the employee once approved
    (decisions 202, 235). None only for a first face: an employee who had approved faces but
    has none left to compare with (deleted first, or all made by other models) gets a match without a score,
    which counts as unlike."""
    _, policy = runtime.engine_and_policy(settings)
    templates = [t for t in runtime.faces().templates_of(employee.nip) if _comparable(t, embeddings, policy.model_ids)]
    if not templates:
        had_faces = employee.face_model is not None or employee.template_count > 0
        return OwnMatch(score=None, threshold=policy.accept_threshold) if had_faces else None
    cohort = runtime.cohort(settings).without_owners({employee.nip})
    verdict = verify_vectors(embeddings, templates, cohort, policy)
    return OwnMatch(score=round(verdict.score, 4), threshold=verdict.accept_threshold)


def _needs_super_admin(own: OwnMatch | None, actor: Principal) -> bool:
    """Whether an admin's enrolment waits for a super admin: a face scored unlike the employee's, whoever enrols
    it; one with nothing left to compare with, unless a super admin enrols it (they are the check)."""
    if own is None or not own.unlike:
        return False
    return own.score is not None or not actor.is_super_admin


def _comparable(template: Template, embeddings: Mapping[str, Vector], model_ids: Sequence[str]) -> bool:
    """Whether the template carries every model's vector, of the new face's length."""
    return all(
        m in template.embeddings and m in embeddings and len(template.embeddings[m]) == len(embeddings[m])
        for m in model_ids
    )


def check_not_duplicate(nip: str, embeddings: Mapping[str, Vector], settings: Settings) -> None:
    """DUPLICATE_FACE when the face matches an approved template of another ACTIVE employee (the raw fused
    cosine at the policy's duplicate threshold). The error names nobody: neither the caller nor the admin
    may learn from it whose face it is (the super admin's duplicates list does)."""
    matches, active = _duplicate_hits(nip, embeddings, settings)
    if any(m.owner in active for m in matches):
        raise DuplicateFaceError()


def _duplicate_hits(nip: str, embeddings: Mapping[str, Vector], settings: Settings) -> tuple[list[Match], set[str]]:
    """The approved templates of other employees matching the face, and which of their owners are active."""
    _, policy = runtime.engine_and_policy(settings)
    matches = runtime.face_index(settings).matches(embeddings, policy.duplicate_threshold, exclude_owner=nip)
    if not matches:
        return [], set()
    return matches, {e.nip for e in runtime.people().get_employees({m.owner for m in matches}) if e.active}


def confirm_unique(nip: str, template: Template, settings: Settings, removal: AuditBatch | None = None) -> None:
    """The re-check after a template became approved (decision 86): an identical face approved for another
    active employee meanwhile, by another process in the same instant, passed neither check before the
    writes but shows now, since each process re-checks after its own write. Then this template is removed
    and DUPLICATE_FACE (of two such writes at least the later one is refused; both, when both re-check
    after both writes). Otherwise its matches (owners inactive now) are kept as suspected pairs: the super
    admin's list is a read. `removal`: the audit entries naming the removal, written with it."""
    runtime.face_index_changed()
    matches, active = _duplicate_hits(nip, template.embeddings, settings)
    if any(m.owner in active for m in matches):
        if runtime.faces().delete_template(nip, template.template_id, removal):  # False: another path took it
            runtime.face_index_changed()
        logger.warning("approved face refused on re-check")  # not its template id, which holds the raw NIP
        raise DuplicateFaceError()
    if matches:
        pairs = [Pair((nip, m.owner), (template.template_id, m.template_id), m.score) for m in matches]
        runtime.faces().save_pairs(runtime.engine_and_policy(settings)[1].name, pairs)


def rechecked(actor: str, nip: str, template: Template, settings: Settings, role: str | None = None) -> None:
    """`confirm_unique` after `actor`'s change made `template` approved (an enrolment, an approval), whose entry was
    written with it: a removal of the face by the re-check is named too, in the removal's own write (`face.delete`,
    reason `duplicate`), so the log never says only that the face was added."""
    detail = {"template_id": template.template_id, "reason": "duplicate"}
    confirm_unique(nip, template, settings, runtime.audit().stamped(actor, "face.delete", {nip: detail}, role))


def keep_enrolment(
    actor: str,
    nip: str,
    data: bytes,
    analysis: FaceAnalysis,
    *,
    settings: Settings,
    now: datetime,
    status: TemplateStatus = APPROVED,
    unor_id: str | None = None,
    reset_by: str | None = None,
    resetters: frozenset[str] = frozenset(),
    own: OwnMatch | None = None,
    recheck: bool = False,
    role: str | None = None,
) -> tuple[str, FaceQuality, TemplateStatus]:
    """Store an accepted enrolment: the photo privately, template + fingerprint + count with the audit entry.
    Returns the template's id, its stored quality measures and the status it was stored with (`status`, or
    pending when a device reset landed after the enrolment read the employee: `_saved`); `role`: the actor's,
    for the audit entry (an employee's own enrolment, or an admin's). `recheck`: an approved template is checked
    again after the write (`confirm_unique`: DUPLICATE_FACE and nothing kept on a parallel duplicate).

    Public so that tools preparing many employees (bench/load_checkin.py --fast-setup) write exactly what
    `enrol` writes without one HTTP request and one analysis per employee (without the duplicate checks:
    data from before them; `backfill_pairs` finds their pairs).
    """
    template_id = new_template_id(nip)
    key = photo_key("enrol", now.astimezone(settings.tz).date().isoformat(), nip, template_id)
    runtime.photos(settings).put(key, data)
    quality = _quality(analysis)
    new = NewTemplate(
        template_id,
        analysis.embeddings,
        analysis.fingerprint,
        key,
        actor,
        quality.model_dump(),
        status=status,
        unor_id=unor_id,
        reset_by=reset_by,
        resetters=resetters,
        own_match=own,
        unless_reset_since=None if reset_by else iso(now - FOUR_EYES),
    )

    def named(stored: TemplateStatus) -> AuditBatch:
        return runtime.audit().stamped(actor, "face.enrol", {nip: _enrolment_detail(template_id, stored, own)}, role)

    status = _saved(nip, new, now, named)
    if status == APPROVED and recheck:
        rechecked(actor, nip, Template(template_id, analysis.embeddings), settings, role)
    elif status == APPROVED:
        runtime.face_index_changed()
    return template_id, quality, status


def _saved(nip: str, new: NewTemplate, now: datetime, named: AuditOf[TemplateStatus]) -> TemplateStatus:
    """Store the template; the status it was stored with. An enrolment that read no device reset within
    FOUR_EYES is stored on condition that none landed since (`NewTemplate.unless_reset_since`): its admin may
    have sent the reset of the employee's phone together with their own face, and the read alone would let
    both through. One that landed makes it pending, naming the resetter, as had the reset come first (its photo
    and id kept: the refused write stored nothing)."""
    try:
        runtime.faces().save_template(nip, new, named(new.status))
        return new.status
    except ConditionFailed:
        employee = runtime.people().get_employee(nip) if new.unless_reset_since else None
        resetter = four_eyes(employee, now) if employee is not None else None
        if employee is None or resetter is None:
            raise  # not the reset's condition: the employee left, or their queue is full
    held = replace(new, status=PENDING, reset_by=resetter, resetters=resetters(employee, now), unless_reset_since=None)
    runtime.faces().save_template(nip, held, named(PENDING))
    return PENDING


def _quality(analysis: FaceAnalysis) -> FaceQuality:
    q = analysis.quality
    return FaceQuality(
        face_width_px=round(q.face_width_px, 1),
        brightness=round(q.brightness, 1),
        sharpness=round(q.sharpness, 1),
        yaw_ratio=round(q.yaw_ratio, 3),
    )


def list_templates(actor: Principal, nip: str, settings: Settings) -> FaceTemplatePage:
    employee = employee_in_scope(actor, nip)
    store = runtime.photos(settings)
    items = [
        _template_row(t, store.presign(t.photo_key, evidence_ttl_s(settings)))
        for t in runtime.faces().template_rows(employee.nip)
    ]
    disclosure.record_links(actor, VIEW_PHOTOS, "faces", [employee.nip] * len(items), settings)
    return FaceTemplatePage(items=items, next=None)


def _template_row(template: TemplateInfo, photo_url: str) -> FaceTemplate:
    """What an admin sees of one template: never its vectors, its photo only through a short link."""
    return FaceTemplate(
        template_id=template.template_id,
        status=template.status,
        models=list(template.models),
        quality=FaceQuality(**template.quality),
        created_at=template.created_at,
        created_by=template.created_by,
        photo_url=photo_url,
    )


def delete_template(actor: Principal, nip: str, template_id: str) -> FaceDeleted:
    """Delete one of the employee's templates, with its audit entry in the deletion's own write: a deletion whose
    entry cannot be written is not made (503, the face kept), and one made is named once (a deleted template
    leaves nothing to find: its retry, or a parallel deletion that lost, answers 404 and names nothing). What
    follows the deletion is done again first by that retry: a deletion whose kept pairs could not be dropped
    (503) left them in the duplicates list, naming a face that is gone."""
    employee = employee_to_change(actor, nip)
    found = runtime.faces().get_template(employee.nip, template_id)
    missing = NotFoundError("Template wajah tidak ditemukan.", {"template_id": template_id})
    if found is None:
        if nip_of_template(template_id) == employee.nip:  # never another employee's pairs: the id names its owner
            runtime.faces().drop_pairs(template_id)
        raise missing
    entry = runtime.audit().stamped(actor.subject, "face.delete", {employee.nip: {"template_id": template_id}})
    if not _removed(employee.nip, found.info, entry):  # a parallel deletion took it, named by that one
        raise missing
    return FaceDeleted(template_id=template_id, deleted=True)


def _removed(nip: str, template: TemplateInfo, audit: AuditBatch | None = None) -> bool:
    """Delete the template (its vectors, with the `audit` entries naming that) and, if it was approved, its place
    in the indexes and its kept pairs; False when a parallel delete took it."""
    if not runtime.faces().delete_template(nip, template.template_id, audit):
        return False
    if template.status == APPROVED:
        runtime.face_index_changed()
        runtime.faces().drop_pairs(template.template_id)
    return True


RETENTION_ACTOR = "system:retensi"


def forget_departed(settings: Settings, now: datetime) -> FacesForgotten:
    """Delete every face template (approved, pending, rejected: all hold vectors) of the employees SIMPEG
    deactivated more than SMART_FACE_RETENTION_DAYS ago: their biometric data has outlived its purpose (UU
    27/2022). Each departure is visited once (the employee is marked cleared, decision 213); each face that goes is
    named by its own audit entry (`face.forget`), written in its deletion's transaction: a failed entry (503) keeps
    the face for the Lambda's retry, which finds it (the employee is marked cleared only at the end) and names it
    once. The enrolment photos stay evidence until the bucket lets them go, and an employee reactivated afterwards
    enrols again. Run nightly (jobs.forget_departed_faces, decision 204)."""
    left_by = iso(now - timedelta(days=settings.face_retention_days))
    employees = templates = 0
    for nip in runtime.people().faces_to_forget(left_by):
        gone = _forget(nip, left_by, now)
        if gone:
            employees, templates = employees + 1, templates + gone
    return FacesForgotten(employees=employees, templates=templates, left_by=left_by)


def _forget(nip: str, left_by: str, now: datetime) -> int:
    """Delete the faces of one listed departure, each with its entry, and mark them cleared; how many went. The
    record is read again before each deletion: SIMPEG may have reactivated the employee since the listing (a
    transfer back, a deactivation undone, an import run meanwhile), and an active employee's faces are the ones
    they check in with tomorrow. Stopped so, the employee is not marked cleared (leaving again, they are due)."""
    if not _still_due(nip, left_by):
        return 0
    gone = 0
    for template in runtime.faces().template_rows(nip):
        if not _still_due(nip, left_by):
            return gone
        detail = {"template_id": template.template_id, "status": template.status, "left_by": left_by}
        gone += _removed(nip, template, runtime.audit().stamped(RETENTION_ACTOR, "face.forget", {nip: detail}))
    runtime.people().faces_forgotten(nip, iso(now))
    return gone


def _still_due(nip: str, left_by: str) -> bool:
    """Whether the stored record (read now, consistently) still says the retention clears the employee's faces."""
    employee = runtime.people().get_employee(nip)
    return employee is not None and employee.faces_due(left_by)


# --- the review queue ----------------------------------------------------------------------------------


def list_pending(principal: Principal, query: PendingFacesQuery, settings: Settings) -> PendingFacePage:
    """Pending templates of one unit, or of every unit the admin may see, by unit then template id; their photo
    links recorded as handed to the caller."""
    page = _pending_page(principal, query, settings)
    disclosure.record_links(principal, VIEW_PHOTOS, "pending_faces", (item.nip for item in page.items), settings)
    return page


def _pending_page(principal: Principal, query: PendingFacesQuery, settings: Settings) -> PendingFacePage:
    if query.nip is not None:
        return _pending_of_employee(principal, query.nip, settings)
    units = access.units_of(principal, query.unor_id)
    unit, inner = _pending_position(query.next, units)
    items: list[PendingFace] = []
    for unor_id in units[units.index(unit) :] if unit else units:
        page = runtime.faces().pending_of_unit(unor_id, inner, PENDING_PAGE - len(items))
        items += _pending_views(page.items, unor_id, settings)
        inner = None
        if page.next is not None:
            return PendingFacePage(items=items, next=encode_cursor({"unit": unor_id, "inner": page.next}))
        if len(items) >= PENDING_PAGE and unor_id != units[-1]:
            following = units[units.index(unor_id) + 1]
            return PendingFacePage(items=items, next=encode_cursor({"unit": following, "inner": None}))
    return PendingFacePage(items=items, next=None)


def _pending_of_employee(principal: Principal, nip: str, settings: Settings) -> PendingFacePage:
    """One employee's waiting faces (a few at most: `PENDING_PER_EMPLOYEE`), in one page."""
    employee = employee_in_scope(principal, nip)
    rows = [PendingTemplate(nip, t) for t in runtime.faces().template_rows(nip) if t.status == PENDING]
    return PendingFacePage(items=_pending_views(rows, employee.unor_id, settings), next=None)


def _pending_position(cursor: str | None, units: list[str]) -> tuple[str | None, str | None]:
    """The unit and that unit's own cursor a `next` of `list_pending` points at."""
    position = decode_position(cursor)
    if position is None:
        return None, None
    unit, inner = position.get("unit"), position.get("inner")
    if unit not in units or not (inner is None or isinstance(inner, str)):
        raise bad_cursor()
    return str(unit), inner


def _pending_views(rows: list[PendingTemplate], unor_id: str, settings: Settings) -> list[PendingFace]:
    names = {e.nip: e.nama for e in runtime.people().get_employees(row.nip for row in rows)}
    store = runtime.photos(settings)
    return [
        PendingFace(
            template_id=row.info.template_id,
            nip=row.nip,
            nama=names.get(row.nip),
            unor_id=row.info.unor_id or unor_id,
            status=row.info.status,
            created_at=row.info.created_at,
            created_by=row.info.created_by,
            quality=FaceQuality(**row.info.quality),
            photo_url=store.presign(row.info.photo_key, evidence_ttl_s(settings)),
            reset_by=row.info.reset_by,
            resetters=sorted(row.info.reset_admins),
            own_match=_own_match_view(row.info.own_match),
        )
        for row in rows
    ]


def _own_match_view(own: OwnMatch | None) -> OwnMatchView | None:
    return None if own is None else OwnMatchView(score=own.score, threshold=own.threshold, unlike=own.unlike)


def decide(
    principal: Principal, template_id: str, body: DecisionRequest, settings: Settings, now: datetime
) -> FaceDecided:
    """Approve or reject a pending template of the admin's unit. Four eyes: no admin who reset the device (or
    issued the code it was bound with) within FOUR_EYES before the face was enrolled may approve it (403).
    Approval checks duplicates again (an identical face may have been approved for someone else meanwhile). Of
    parallel decisions one wins (409)."""
    access.require_admin(principal)
    nip = nip_of_template(template_id)
    found = runtime.faces().get_template(nip, template_id) if nip else None
    if nip is None or found is None:
        raise NotFoundError("Template wajah tidak ditemukan.", {"template_id": template_id})
    employee = runtime.people().get_employee(nip)
    access.require_unit_scope(principal, found.info.unor_id or (employee.unor_id if employee else ""))
    access.require_not_own(principal, nip)
    approve = body.decision == "approve"
    if _decided_by(found, approve, principal):
        # This admin's own decision, sent again: an earlier try stopped after storing it (its re-check or its audit
        # entry failed). Finish what follows it and answer as that try would have.
        return _followed_up(principal, nip, found, body.decision, decided_at=found.info.decided_at or iso(now),
                            settings=settings)  # fmt: skip
    if found.info.status != PENDING:
        raise ConflictError("Foto wajah ini sudah diputuskan.", {"status": found.info.status})
    # After a reset (or a new activation, noted as one) the face waits for a second admin: none who reset the phone
    # (or issued the code it was bound with) within the window, nor the one who enrolled it.
    if approve and principal.subject in found.info.barred_from_approval():
        raise ForbiddenError("Foto wajah setelah reset perangkat harus disetujui admin lain.", {"reason": "four_eyes"})
    if approve:
        require_active(employee)
        _require_policy_models(found, settings)
        _require_own_face_or_super_admin(principal, employee, found, settings)
        check_not_duplicate(nip, found.template.embeddings, settings)
    decision = Decision(approve, principal.subject, iso(now), body.note)
    audit = runtime.audit().stamped(principal.subject, f"face.{body.decision}", {nip: {"template_id": template_id}})
    try:
        runtime.faces().decide_template(nip, template_id, decision, audit)
    except ConditionFailed as exc:
        # The SDK sends a write again when its answer was lost: the repeat meets this very decision, stored.
        stored = runtime.faces().get_template(nip, template_id)
        if stored is None or not _decided_by(stored, approve, principal):
            raise ConflictError("Foto wajah ini sudah diputuskan.", {"template_id": template_id}) from exc
        return _followed_up(principal, nip, stored, body.decision, decided_at=stored.info.decided_at or iso(now),
                            settings=settings)  # fmt: skip
    return _followed_up(principal, nip, found, body.decision, decided_at=iso(now), settings=settings)


def _decided_by(found: FoundTemplate, approve: bool, principal: Principal) -> bool:
    """Whether the template already carries this decision by this admin (an earlier try of the same call)."""
    return (found.info.status, found.info.decided_by) == (APPROVED if approve else REJECTED, principal.subject)


def _followed_up(
    principal: Principal, nip: str, found: FoundTemplate, decision: str, *, decided_at: str, settings: Settings
) -> FaceDecided:
    """What follows a decision on `found`, stored with its audit entry (`face.<decision>`, in the decision's own
    transaction: a face is never approved unnamed, and a retry names it no second time): an approval's re-check
    (`confirm_unique`), whose removal of the face is named too (`face.delete`, reason `duplicate`)."""
    approve = decision == "approve"
    template_id = found.info.template_id
    if approve:
        rechecked(principal.subject, nip, found.template, settings)
    return FaceDecided(
        template_id=template_id,
        decision=decision,
        status=APPROVED if approve else REJECTED,
        decided_at=decided_at,
    )


def _require_policy_models(found: FoundTemplate, settings: Settings) -> None:
    """409 `stale_models` for approving a face made by models the scoring policy no longer runs (it waited since
    before a model change the operator's recompute has not reached yet): it could verify no check-in, and neither
    the duplicate check nor the own-face match can compare it. Once recomputed it is approved as any other."""
    if not made_by_policy(found.info.models, runtime.engine_and_policy(settings)[1].model_ids):
        raise ConflictError(
            "Foto wajah ini dibuat dengan model pengenalan wajah sebelumnya dan belum diperbarui. Setujui setelah "
            "operator memperbarui data wajah, atau tolak dan minta pegawai mendaftar ulang.",
            {"reason": "stale_models", "template_id": found.info.template_id},
        )


def _require_own_face_or_super_admin(
    principal: Principal, employee: Employee | None, found: FoundTemplate, settings: Settings
) -> None:
    """A face unlike the employee's approved ones, when enrolled or now, is approved only by a super admin who
    did not enrol it (403 `different_person`): a unit admin could otherwise give a stand-in the employee's
    check-ins. An employee whose approved faces were deleted first has nothing to compare with: unlike too."""
    now = own_match(employee, found.template.embeddings, settings) if employee else None
    unlike = [m for m in (found.info.own_match, now) if m is not None and m.unlike]
    if not unlike:
        return
    proven = any(m.score is not None for m in unlike)  # scored unlike: a second person looks, not its enroller
    if not principal.is_super_admin or (proven and principal.subject == found.info.created_by):
        raise ForbiddenError(
            "Wajah ini tidak cocok dengan foto wajah pegawai yang sudah disetujui. Hanya super admin (bukan yang "
            "mendaftarkannya) yang dapat menyetujuinya.",
            {"reason": "different_person"},
        )


def list_duplicates(principal: Principal, settings: Settings) -> DuplicatePage:
    """Every kept pair of approved templates of two different active employees that look like one person:
    a read of the pairs the enrolments' re-checks (and the backfill) recorded, never a computation (decision
    86). A pair of an employee no longer active is left out while they are (and shown again if reactivated)."""
    access.require_regency_reader(principal)
    _, policy = runtime.engine_and_policy(settings)
    pairs = [p for p in runtime.faces().pairs(policy.name) if p.score >= policy.duplicate_threshold]
    owners = {nip for p in pairs for nip in p.owners}
    active = {e.nip for e in runtime.people().get_employees(owners) if e.active}
    items = [
        DuplicateFaces(nips=list(p.owners), template_ids=list(p.template_ids), score=round(p.score, 4))
        for p in pairs
        if set(p.owners) <= active
    ]
    return DuplicatePage(items=items, next=None)


def backfill_pairs(settings: Settings, after: str | None = None, block: int = PAIR_BLOCK) -> tuple[int, str | None]:
    """One step of the one-off backfill of the kept pairs (templates approved before the re-check kept them):
    the `block` approved templates following `after` in id order, compared with all others (~1.5 s for
    1,024 × 21,000 on the bench machine, so a step fits any call limit). Returns the pairs found and where
    the next step starts (None: done)."""
    ids = [t for t in runtime.face_index(settings).template_ids() if after is None or t > after][:block]
    return keep_pairs(settings, ids), (ids[-1] if len(ids) == block else None)


def keep_pairs(settings: Settings, template_ids: Sequence[str]) -> int:
    """Keep, under the scoring policy, the pairs of these templates (those approved and made by its models) with
    every other approved template at its duplicate threshold; how many."""
    _, policy = runtime.engine_and_policy(settings)
    pairs = runtime.face_index(settings).pairs_of(template_ids, policy.duplicate_threshold)
    runtime.faces().save_pairs(policy.name, pairs)
    return len(pairs)


def onboarding(employee: Employee, settings: Settings) -> Onboarding:
    """What an employee still has to do: activation, faces approved or waiting, and the last face rejected
    since (with the admin's note, so the next photo avoids the same mistake). An approved face counts only when
    the scoring policy's models made it: after a model change, until the operator's recompute, a check-in
    refuses the others with NOT_ENROLLED ("daftar ulang"), and the app must offer Daftar Wajah, not check-in
    buttons that can only be refused."""
    account = runtime.people().employee_account(employee.nip)
    rows = runtime.faces().template_rows(employee.nip)
    _, policy = runtime.engine_and_policy(settings)
    return Onboarding(
        activated=account is not None and account.credentials.password_hash is not None,
        faces=OnboardingFaces(
            approved=sum(t.status == APPROVED and made_by_policy(t.models, policy.model_ids) for t in rows),
            pending=sum(t.status == PENDING for t in rows),
            last_rejection=_last_rejection(rows),
        ),
    )


def _last_rejection(rows: list[TemplateInfo]) -> FaceRejection | None:
    """The most recently decided rejection no pending or approved face enrolled at or after it replaces (the
    note is the one the decision kept on the template; an old rejection before a newer face is history)."""
    kept = [t.created_at for t in rows if t.status in (APPROVED, PENDING)]
    unanswered = [t for t in rows if t.status == REJECTED and not any(at >= t.created_at for at in kept)]
    if not unanswered:
        return None
    last = max(unanswered, key=lambda t: (t.decided_at or t.created_at, t.created_at))
    return FaceRejection(note=last.note or None, rejected_at=last.decided_at or last.created_at)


# --- verification (check-in) -------------------------------------------------------------------------


def analyse_selfie(data: bytes, settings: Settings) -> FaceAnalysis:
    engine, _ = runtime.engine_and_policy(settings)
    return engine.analyse(data, purpose="verify")


def is_photo(data: bytes, settings: Settings) -> bool:
    """Whether `data` decodes as a photo the face engine would analyse (the same limits): a refusal judged before
    its selfie was read keeps it as evidence only then, never bytes that are no image."""
    try:
        decode_image(data, runtime.engine_and_policy(settings)[0].config.decode)
    except UnsupportedImageError:
        return False
    return True


def verify_selfie(nip: str, analysis: FaceAnalysis, templates: list[Template], settings: Settings) -> Verdict:
    """The selfie scored against the employee's templates it can be compared with (made by the policy's models),
    as `own_match` does: a face re-enrolled after a model change verifies while the old ones wait for the
    recompute. None such: `verify` refuses with NOT_ENROLLED, naming the stale templates."""
    _, policy = runtime.engine_and_policy(settings)
    members = runtime.cohort(settings)
    usable = [t for t in templates if _comparable(t, analysis.embeddings, policy.model_ids)]
    return verify(analysis, usable or templates, members.without_owners({nip}), policy)


def check_not_replayed(nip: str, analysis: FaceAnalysis, at: datetime, settings: Settings) -> None:
    """REPLAYED_PHOTO when the selfie is a copy of one the employee sent within the replay window. Only the
    earlier photos whose aligned-face hash is nearest its own are read in full (`replay_candidates`)."""
    limits = runtime.engine_and_policy(settings)[0].config.replay
    candidates = runtime.events().replay_candidates(nip, analysis.fingerprint, at, limits)
    check_replay(analysis, candidates, limits)


SPOOF_SUSPECTED = "SPOOF_SUSPECTED"


def spoof_warnings(analysis: FaceAnalysis, settings: Settings) -> list[str]:
    """SPOOF_SUSPECTED when SMART_ANTISPOOF is on and the passive anti-spoof score reaches
    SMART_ANTISPOOF_THRESHOLD: the check-in goes to review, never refused (the models are a signal until measured
    on a deployment's own photos; "shadow" only stores the score)."""
    score = analysis.spoof_score
    if settings.antispoof != "on" or score is None or score < settings.antispoof_threshold:
        return []
    logger.info("passive anti-spoof score over the threshold", extra={"spoof_score": round(score, 4)})
    return [SPOOF_SUSPECTED]


# --- batch recompute after a model change ------------------------------------------------------------


def recompute(settings: Settings, nips: list[str]) -> FacesRecomputed:
    """Re-embed every template of the given employees from their kept enrolment photos. The store notes the new
    models on the employee record with an approved face's new vectors, in the same write (`replace_vectors`):
    `face_model` says what the approved faces were made of, so a re-embedded pending face, or an approved one
    whose photo failed, leaves the admin views counting what a check-in compares with, and an employee with no
    approved face does not look as if they had one (`own_match`, decision 209). The re-embedded
    approved templates' suspected pairs are then kept under the policy (`keep_pairs`): the super admin's list
    reads the pairs of the policy in force, and those kept under the old one would be gone from it. A pair whose
    other template is still stale is found when that one's turn comes (it meets this one in the index)."""
    engine, _ = runtime.engine_and_policy(settings)
    store = runtime.photos(settings)
    done = failed = 0
    repo = runtime.faces()
    ids: list[str] = []
    for template in repo.iter_template_keys(nips):
        try:
            analysis = engine.analyse(store.get(template.photo_key), purpose="enrol")
        except Exception:  # a photo that no longer passes is reported, the others go on
            failed += 1
            continue
        repo.replace_vectors(template.nip, template.template_id, analysis.embeddings)
        ids.append(template.template_id)
        done += 1
    runtime.forget_cohort()
    for start in range(0, len(ids), PAIR_BLOCK):  # one block of rows times the whole index at a time
        keep_pairs(settings, ids[start : start + PAIR_BLOCK])
    return FacesRecomputed(recomputed=done, failed=failed)


# --- one-off backfill of the aligned-face hash (fingerprints stored before decision 66) -----------------


def backfill_face_hashes(settings: Settings, nips: list[str], now: datetime) -> dict[str, int]:
    """Give every fingerprint of the employees stored without a face hash its aligned face and hash, from the
    photo it was made of (kept `PhotoRetentionDays`, 730 by default, longer than the 400-day replay window),
    so that the check-in's rotation-proof lookup sees it (decision 88). A photo no longer kept is counted
    `photo_gone` (its fingerprint ages out of the window); one no longer analysable, `failed`."""
    engine, _ = runtime.engine_and_policy(settings)
    store, events = runtime.photos(settings), runtime.events()
    counts = {"hashed": 0, "photo_gone": 0, "failed": 0}
    for nip in nips:
        for key in events.unhashed_fingerprints(nip, now):
            where = fingerprint_photo(nip, key, settings)
            try:
                data = store.get(where[0]) if where else None
            except NotFoundError:
                data = None
            if data is None or where is None:
                counts["photo_gone"] += 1
                continue
            try:
                fingerprint = engine.analyse(data, purpose=where[1]).fingerprint
            except Exception:  # a photo that no longer passes is counted, the others go on
                counts["failed"] += 1
                continue
            if fingerprint.face_hash is None:
                counts["failed"] += 1
                continue
            events.add_face_hash(nip, key, fingerprint.face_chip, fingerprint.face_hash)
            counts["hashed"] += 1
    return counts


def fingerprint_photo(nip: str, key: str, settings: Settings) -> tuple[str, Purpose] | None:
    """Where the photo of a fingerprint (history key `<UTC ISO time>#<ref>`) is kept, and how it was analysed:
    a check-in's where its event says (`checkin._store_photo` keeps it under the local date of the capture: an
    offline check-out of 16:05 sent the next morning is under the day before its event id's time), else under the
    local date of its event id's time; an enrolment's under the local date of its fingerprint's time (the key
    `keep_enrolment` writes)."""
    at, _, ref = key.partition("#")
    event = EVENT_ID.match(ref)
    if event is not None and event["nip"] == nip:
        stored = runtime.events().get_event(ref)
        if stored is not None and stored.photo_key:
            return stored.photo_key, "verify"
        taken = datetime.strptime(event["at"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return photo_key(
            "checkin", taken.astimezone(settings.tz).date().isoformat(), nip, ref.split(".", 1)[1]
        ), "verify"
    if nip_of_template(ref) == nip:
        return photo_key("enrol", parse_iso(at).astimezone(settings.tz).date().isoformat(), nip, ref), "enrol"
    return None


USAGE = (
    "usage: python -m chalicelib.usecases.faces recompute|face-hash-backfill NIP... | --unit UNOR_ID\n"
    "       python -m chalicelib.usecases.faces pairs-backfill [AFTER]"
)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command not in ("recompute", "face-hash-backfill", "pairs-backfill") or (
        command != "pairs-backfill" and len(argv) < 3
    ):
        print(USAGE, file=sys.stderr)
        return 2
    settings = runtime.load_settings()
    runtime.ensure_ready(settings)
    if command == "pairs-backfill":
        return _backfill_all(settings, argv[2] if len(argv) > 2 else None)
    nips = [e.nip for e in runtime.people().iter_employees_of_unit(argv[3])] if argv[2] == "--unit" else argv[2:]
    if command == "face-hash-backfill":
        print(backfill_face_hashes(settings, nips, datetime.now(UTC)))
        return 0
    print(recompute(settings, nips).model_dump())
    return 0


def _backfill_all(settings: Settings, after: str | None) -> int:
    """Every step of the pairs' backfill, printing where each ended (rerun with it to resume)."""
    position: str | None = after
    while True:
        found, position = backfill_pairs(settings, position)
        print({"pairs": found, "next": position})
        if position is None:
            return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
