"""Face use cases: the per-process engine, enrolment, templates, verification with a cached cohort.

Models and the cohort load lazily once per process (Lambda container reuse). The scoring policy named by
SMART_FACE_POLICY decides which models run; templates made by other models are never compared with them:
the employee must be re-enrolled or the batch recompute (``python -m chalicelib.usecases.faces recompute``)
must run first.
"""

from __future__ import annotations

import base64
import binascii
import sys
from datetime import datetime

from chalicelib import runtime
from chalicelib.domain.faces import TemplateInfo
from chalicelib.domain.people import Principal
from chalicelib.errors import NotFoundError, ValidationError
from chalicelib.face import FaceAnalysis, PhotoFingerprint, Template, Verdict
from chalicelib.face.replay import check_replay
from chalicelib.face.scoring import verify
from chalicelib.settings import Settings
from chalicelib.store.faces import NewTemplate, new_template_id
from chalicelib.store.photos import photo_key
from chalicelib.usecases.directory import employee_in_scope
from chalicelib.usecases.schemas.attendance import (
    EnrolRequest,
    FaceDeleted,
    FaceEnrolled,
    FaceQuality,
    FacesRecomputed,
    FaceTemplate,
    FaceTemplatePage,
)


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
    """Add a reference photo: analysed, refused on no/many faces or poor quality, photo kept privately."""
    employee = employee_in_scope(actor, nip)
    data = decode_photo(body.photo, settings)
    engine, policy = runtime.engine_and_policy(settings)
    analysis = engine.analyse(data, purpose="enrol")
    check_replay(analysis, runtime.events().fingerprints_of(employee.nip, now), engine.config.replay)
    template_id, quality = keep_enrolment(actor.subject, employee.nip, data, analysis, settings=settings, now=now)
    return FaceEnrolled(template_id=template_id, quality=quality, models=list(policy.model_ids))


def keep_enrolment(
    actor: str, nip: str, data: bytes, analysis: FaceAnalysis, *, settings: Settings, now: datetime
) -> tuple[str, FaceQuality]:
    """Store an accepted enrolment: the photo privately, template + fingerprint + count, the audit entry.
    Returns the template's id and its stored quality measures.

    Public so that tools preparing many employees (bench/load_checkin.py --fast-setup) write exactly what
    `enrol` writes without one HTTP request and one analysis per employee.
    """
    template_id = new_template_id()
    key = photo_key("enrol", now.astimezone(settings.tz).date().isoformat(), nip, template_id)
    runtime.photos(settings).put(key, data)
    quality = _quality(analysis)
    runtime.faces().save_template(
        nip, NewTemplate(template_id, analysis.embeddings, analysis.fingerprint, key, actor, quality.model_dump())
    )
    runtime.audit().record(actor, "face.enrol", nip, {"template_id": template_id})
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
        models=list(template.models),
        quality=FaceQuality(**template.quality),
        created_at=template.created_at,
        created_by=template.created_by,
        photo_url=photo_url,
    )


def delete_template(actor: Principal, nip: str, template_id: str) -> FaceDeleted:
    employee = employee_in_scope(actor, nip)
    if not runtime.faces().delete_template(employee.nip, template_id):
        raise NotFoundError("Template wajah tidak ditemukan.", {"template_id": template_id})
    runtime.audit().record(actor.subject, "face.delete", employee.nip, {"template_id": template_id})
    return FaceDeleted(template_id=template_id, deleted=True)


# --- verification (check-in) -------------------------------------------------------------------------


def analyse_selfie(data: bytes, settings: Settings) -> FaceAnalysis:
    engine, _ = runtime.engine_and_policy(settings)
    return engine.analyse(data, purpose="verify")


def verify_selfie(nip: str, analysis: FaceAnalysis, templates: list[Template], settings: Settings) -> Verdict:
    _, policy = runtime.engine_and_policy(settings)
    members = runtime.cohort(settings)
    return verify(analysis, templates, members.without_owners({nip}), policy)


def check_not_replayed(analysis: FaceAnalysis, history: list[PhotoFingerprint], settings: Settings) -> None:
    engine, _ = runtime.engine_and_policy(settings)
    check_replay(analysis, history, engine.config.replay)


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
