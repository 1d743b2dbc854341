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
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta

from chalicelib import runtime
from chalicelib.domain.faces import APPROVED, PENDING, REJECTED, PendingTemplate, TemplateInfo, TemplateStatus
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import AccountInactiveError, ConflictError, ForbiddenError, NotFoundError, ValidationError
from chalicelib.face import DuplicateFaceError, FaceAnalysis, Template, Vector, Verdict
from chalicelib.face.cohort import CohortMember
from chalicelib.face.replay import check_replay
from chalicelib.face.scoring import verify
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, decode_position, encode_cursor, iso, parse_iso
from chalicelib.store.faces import PENDING_PER_EMPLOYEE, Decision, NewTemplate, new_template_id, nip_of_template
from chalicelib.store.photos import photo_key
from chalicelib.usecases import access
from chalicelib.usecases.auth import employee_of
from chalicelib.usecases.directory import employee_in_scope
from chalicelib.usecases.schemas.attendance import (
    EnrolRequest,
    FaceDeleted,
    FaceEnrolled,
    FaceQuality,
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


def enrol(actor: Principal, nip: str, body: EnrolRequest, settings: Settings, now: datetime) -> FaceEnrolled:
    """Add a reference photo: analysed, refused on no/many faces, poor quality, a replay or another employee's
    face, photo kept privately; approved at once unless the device was reset within FOUR_EYES."""
    employee = employee_in_scope(actor, nip)
    data = decode_photo(body.photo, settings)
    engine, policy = runtime.engine_and_policy(settings)
    analysis = engine.analyse(data, purpose="enrol")
    check_replay(analysis, runtime.events().fingerprints_of(employee.nip, now), engine.config.replay)
    check_not_duplicate(employee.nip, analysis.embeddings, settings)
    reset_by = four_eyes(employee, now)
    status: TemplateStatus = PENDING if reset_by else APPROVED
    template_id, quality = keep_enrolment(
        actor.subject,
        employee.nip,
        data,
        analysis,
        settings=settings,
        now=now,
        status=status,
        unor_id=employee.unor_id,
        reset_by=reset_by,
    )
    return FaceEnrolled(template_id=template_id, quality=quality, models=list(policy.model_ids), status=status)


def self_enrol(principal: Principal, body: EnrolRequest, settings: Settings, now: datetime) -> SelfEnrolled:
    """An employee's own face from the app's camera: the same checks as an admin's enrolment, kept pending
    until an admin of the unit approves it; at most PENDING_PER_EMPLOYEE wait at once (409 beyond)."""
    employee = employee_of(principal)
    if employee is None or not employee.active:
        raise AccountInactiveError()
    _refuse_full_queue(sum(t.status == PENDING for t in runtime.faces().template_rows(employee.nip)))
    data = decode_photo(body.photo, settings)
    engine, _ = runtime.engine_and_policy(settings)
    analysis = engine.analyse(data, purpose="enrol")
    check_replay(analysis, runtime.events().fingerprints_of(employee.nip, now), engine.config.replay)
    check_not_duplicate(employee.nip, analysis.embeddings, settings)
    try:
        template_id, _ = keep_enrolment(
            employee.nip,
            employee.nip,
            data,
            analysis,
            settings=settings,
            now=now,
            status=PENDING,
            unor_id=employee.unor_id,
            reset_by=four_eyes(employee, now),
        )
    except ConditionFailed:  # parallel uploads: the stored count's condition let only the first ones in
        _refuse_full_queue(PENDING_PER_EMPLOYEE)
        raise
    return SelfEnrolled(template_id=template_id, status=PENDING)


def _refuse_full_queue(pending: int) -> None:
    if pending >= PENDING_PER_EMPLOYEE:
        raise ConflictError(
            "Masih ada foto wajah yang menunggu persetujuan admin. Tunggu keputusan admin unit.",
            {"pending": pending, "limit": PENDING_PER_EMPLOYEE},
        )


def four_eyes(employee: Employee, now: datetime) -> str | None:
    """The admin who reset the employee's device within FOUR_EYES before `now`: they may not approve a face
    enrolled now (None: no such reset)."""
    if not employee.device_reset_by or not employee.device_reset_at:
        return None
    return employee.device_reset_by if now - parse_iso(employee.device_reset_at) <= FOUR_EYES else None


def check_not_duplicate(nip: str, embeddings: Mapping[str, Vector], settings: Settings) -> None:
    """DUPLICATE_FACE when the face matches an approved template of another ACTIVE employee (the raw fused
    cosine at the policy's duplicate threshold). The error names nobody: neither the caller nor the admin
    may learn from it whose face it is (the super admin's duplicates list does)."""
    _, policy = runtime.engine_and_policy(settings)
    matches = runtime.face_index(settings).matches(embeddings, policy.duplicate_threshold, exclude_owner=nip)
    if not matches:
        return
    active = {e.nip for e in runtime.people().get_employees({m.owner for m in matches}) if e.active}
    if any(m.owner in active for m in matches):
        raise DuplicateFaceError()


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
) -> tuple[str, FaceQuality]:
    """Store an accepted enrolment: the photo privately, template + fingerprint + count, the audit entry.
    Returns the template's id and its stored quality measures.

    Public so that tools preparing many employees (bench/load_checkin.py --fast-setup) write exactly what
    `enrol` writes without one HTTP request and one analysis per employee.
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
    )
    runtime.faces().save_template(nip, new)
    detail: dict[str, object] = {"template_id": template_id}
    if status != APPROVED:
        detail["status"] = status
    runtime.audit().record(actor, "face.enrol", nip, detail)
    if status == APPROVED:
        runtime.face_index_changed(added=CohortMember(nip, Template(template_id, analysis.embeddings)))
    return template_id, quality


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
        _template_row(t, store.presign(t.photo_key, settings.presign_ttl_s))
        for t in runtime.faces().template_rows(employee.nip)
    ]
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
    employee = employee_in_scope(actor, nip)
    found = runtime.faces().get_template(employee.nip, template_id)
    if found is None or not runtime.faces().delete_template(employee.nip, template_id):
        raise NotFoundError("Template wajah tidak ditemukan.", {"template_id": template_id})
    runtime.audit().record(actor.subject, "face.delete", employee.nip, {"template_id": template_id})
    if found.info.status == APPROVED:
        runtime.face_index_changed(removed=template_id)
    return FaceDeleted(template_id=template_id, deleted=True)


# --- the review queue ----------------------------------------------------------------------------------


def list_pending(principal: Principal, query: PendingFacesQuery, settings: Settings) -> PendingFacePage:
    """Pending templates of one unit, or of every unit the admin may see, by unit then template id."""
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


def _pending_position(cursor: str | None, units: list[str]) -> tuple[str | None, str | None]:
    """The unit and that unit's own cursor a `next` of `list_pending` points at."""
    position = decode_position(cursor)
    if position is None:
        return None, None
    unit, inner = position.get("unit"), position.get("inner")
    if unit not in units or not (inner is None or isinstance(inner, str)):
        raise ValidationError("Kursor halaman tidak valid.", {"next": "invalid cursor"})
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
            photo_url=store.presign(row.info.photo_key, settings.presign_ttl_s),
            reset_by=row.info.reset_by,
        )
        for row in rows
    ]


def decide(
    principal: Principal, template_id: str, body: DecisionRequest, settings: Settings, now: datetime
) -> FaceDecided:
    """Approve or reject a pending template of the admin's unit. Four eyes: the admin who reset the device
    may not approve a face enrolled within FOUR_EYES after it (403). Approval checks duplicates again (an
    identical face may have been approved for someone else meanwhile). Of parallel decisions one wins (409)."""
    access.require_admin(principal)
    nip = nip_of_template(template_id)
    found = runtime.faces().get_template(nip, template_id) if nip else None
    if nip is None or found is None:
        raise NotFoundError("Template wajah tidak ditemukan.", {"template_id": template_id})
    employee = runtime.people().get_employee(nip)
    access.require_unit_scope(principal, found.info.unor_id or (employee.unor_id if employee else ""))
    if found.info.status != PENDING:
        raise ConflictError("Foto wajah ini sudah diputuskan.", {"status": found.info.status})
    approve = body.decision == "approve"
    if approve and found.info.reset_by == principal.subject:
        raise ForbiddenError("Foto wajah setelah reset perangkat harus disetujui admin lain.", {"reason": "four_eyes"})
    if approve:
        check_not_duplicate(nip, found.template.embeddings, settings)
    decision = Decision(approve, principal.subject, iso(now), body.note, ",".join(found.info.models))
    try:
        runtime.faces().decide_template(nip, template_id, decision)
    except ConditionFailed as exc:
        raise ConflictError("Foto wajah ini sudah diputuskan.", {"template_id": template_id}) from exc
    runtime.audit().record(principal.subject, f"face.{body.decision}", nip, {"template_id": template_id})
    if approve:
        runtime.face_index_changed(added=CohortMember(nip, found.template))
    return FaceDecided(
        template_id=template_id,
        decision=body.decision,
        status=APPROVED if approve else REJECTED,
        decided_at=iso(now),
    )


def list_duplicates(principal: Principal, settings: Settings) -> DuplicatePage:
    """Every pair of approved templates of two different active employees that look like one person."""
    access.require_super_admin(principal)
    _, policy = runtime.engine_and_policy(settings)
    pairs = runtime.face_index(settings).pairs(policy.duplicate_threshold)
    owners = {nip for p in pairs for nip in p.owners}
    active = {e.nip for e in runtime.people().get_employees(owners) if e.active}
    items = [
        DuplicateFaces(nips=list(p.owners), template_ids=list(p.template_ids), score=round(p.score, 4))
        for p in pairs
        if set(p.owners) <= active
    ]
    return DuplicatePage(items=items, next=None)


def onboarding(employee: Employee) -> Onboarding:
    """What an employee still has to do: activation, and faces approved or waiting."""
    account = runtime.people().employee_account(employee.nip)
    rows = runtime.faces().template_rows(employee.nip)
    return Onboarding(
        activated=account is not None and account.credentials.password_hash is not None,
        faces=OnboardingFaces(
            approved=sum(t.status == APPROVED for t in rows), pending=sum(t.status == PENDING for t in rows)
        ),
    )


# --- verification (check-in) -------------------------------------------------------------------------


def analyse_selfie(data: bytes, settings: Settings) -> FaceAnalysis:
    engine, _ = runtime.engine_and_policy(settings)
    return engine.analyse(data, purpose="verify")


def verify_selfie(nip: str, analysis: FaceAnalysis, templates: list[Template], settings: Settings) -> Verdict:
    _, policy = runtime.engine_and_policy(settings)
    members = runtime.cohort(settings)
    return verify(analysis, templates, members.without_owners({nip}), policy)


def check_not_replayed(nip: str, analysis: FaceAnalysis, at: datetime, settings: Settings) -> None:
    """REPLAYED_PHOTO when the selfie is a copy of one the employee sent within the replay window. Only the
    earlier photos whose aligned-face hash is nearest its own are read in full (`replay_candidates`)."""
    limits = runtime.engine_and_policy(settings)[0].config.replay
    candidates = runtime.events().replay_candidates(nip, analysis.fingerprint, at, limits)
    check_replay(analysis, candidates, limits)


SPOOF_SUSPECTED = "SPOOF_SUSPECTED"


def spoof_warnings(analysis: FaceAnalysis, settings: Settings) -> list[str]:
    """SPOOF_SUSPECTED when the passive anti-spoof score reaches SMART_ANTISPOOF_THRESHOLD: the check-in goes
    to review, never refused (the models are a signal until measured on a deployment's own photos)."""
    score = analysis.spoof_score
    if not settings.antispoof or score is None or score < settings.antispoof_threshold:
        return []
    logger.info("passive anti-spoof score over the threshold", extra={"spoof_score": round(score, 4)})
    return [SPOOF_SUSPECTED]


# --- batch recompute after a model change ------------------------------------------------------------


def recompute(settings: Settings, nips: list[str]) -> FacesRecomputed:
    """Re-embed every template of the given employees from their kept enrolment photos."""
    engine, policy = runtime.engine_and_policy(settings)
    store = runtime.photos(settings)
    done = failed = 0
    repo = runtime.faces()
    for template in repo.iter_template_keys(nips):
        try:
            analysis = engine.analyse(store.get(template.photo_key), purpose="enrol")
        except Exception:  # a photo that no longer passes is reported, the others go on
            failed += 1
            continue
        repo.replace_vectors(template.nip, template.template_id, analysis.embeddings)
        repo.set_face_model(template.nip, ",".join(policy.model_ids))
        done += 1
    runtime.forget_cohort()
    return FacesRecomputed(recomputed=done, failed=failed)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "recompute":
        print("usage: python -m chalicelib.usecases.faces recompute NIP... | --unit UNOR_ID", file=sys.stderr)
        return 2
    settings = runtime.load_settings()
    runtime.ensure_ready(settings)
    nips = [e.nip for e in runtime.people().iter_employees_of_unit(argv[3])] if argv[2] == "--unit" else argv[2:]
    print(recompute(settings, nips).model_dump())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
