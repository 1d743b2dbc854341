"""Routes: enrolment of reference faces by admins and by employees themselves, the review queue, duplicate
faces (API.md section 4 and "Additions of v1")."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import faces
from chalicelib.usecases.schemas import attendance as att_schema
from chalicelib.usecases.schemas import faces as face_schema
from chalicelib.usecases.schemas import reports as rep_schema
from chalicelib.usecases.schemas.common import OnePageQuery

bp = Routes(__name__, tag="faces")
# An enrolment's refusals, the admin's and the employee's alike: the photo's checks, another employee's face, and a
# full queue of faces waiting for a decision.
ENROL_ERRORS = (
    "UNSUPPORTED_IMAGE",
    "NO_FACE",
    "MULTIPLE_FACES",
    "LOW_QUALITY",
    "REPLAYED_PHOTO",
    "DUPLICATE_FACE",
    "CONFLICT",
)


@endpoint(
    bp,
    "POST /v1/admin/employees/{nip}/faces",
    auth_as="admin",
    status=201,
    guard=guards.EMPLOYEE_IN_SCOPE,
    errors=(*ENROL_ERRORS, "ACCOUNT_INACTIVE"),
)
def enrol_face(call: Call, nip: str, body: att_schema.EnrolRequest) -> att_schema.FaceEnrolled:
    """Enrol a reference face photo.

    **Roles:** unit_admin (own units), super_admin. The photo is analysed; no face, several faces, poor quality
    or a photo already used → 422; another active employee's face → 409 `DUPLICATE_FACE`. An employee may have
    several templates. `status` is `pending` when the employee's device was reset within 7 days: an admin other
    than the one who reset it must approve it (`POST /v1/admin/faces/{template_id}`); 409 `CONFLICT` when such a
    face finds 5 of the employee's faces already waiting (decide them first). The very same photo sent
    again by the same admin within 10 minutes (a retry after a 503 or a lost answer) → 201 with the template its
    first try kept, audited again. 403 `ACCOUNT_INACTIVE` for an employee SIMPEG deactivated.
    """
    return faces.enrol(call.principal, nip, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/employees/{nip}/faces", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def list_faces(call: Call, query: OnePageQuery, nip: str) -> att_schema.FaceTemplatePage:
    """An employee's face templates (never the vectors).

    **Roles:** unit_admin (own units), super_admin. `photo_url` is a short-lived signed link.
    """
    return faces.list_templates(call.principal, nip, call.settings)


@endpoint(
    bp,
    "DELETE /v1/admin/employees/{nip}/faces/{template_id}",
    auth_as="admin",
    errors=("VALIDATION_ERROR", "NOT_FOUND"),
)
def delete_face(call: Call, nip: str, template_id: str) -> att_schema.FaceDeleted:
    """Delete one face template.

    **Roles:** unit_admin (own units), super_admin. Audited (`face.delete`) in the deletion's own write: after a
    503 the face is kept, send it again; a deletion sent again after it was made answers 404.
    """
    return faces.delete_template(call.principal, nip, template_id)


@endpoint(
    bp,
    "POST /v1/me/faces",
    auth_as="employee",
    status=201,
    errors=ENROL_ERRORS,
)
def self_enrol(call: Call, body: att_schema.EnrolRequest) -> face_schema.SelfEnrolled:
    """Enrol one's own face from the app's camera; it counts only after an admin of the unit approves it.

    **Roles:** employee (own account). The same checks as an admin's enrolment; 409 `DUPLICATE_FACE` when the
    face is another employee's (never named); 409 `CONFLICT` when 5 of the employee's faces already wait. The
    very same photo sent again within 10 minutes (a retry) → 201 with the face its first try kept.
    """
    return faces.self_enrol(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/faces/pending", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def list_pending_faces(call: Call, query: face_schema.PendingFacesQuery) -> face_schema.PendingFacePage:
    """Face templates awaiting a decision (self-enrolments, enrolments within 7 days after a device reset).

    **Roles:** unit_admin (own units), super_admin. At most 100 items per page. With `nip`, that employee's
    only (404 `NOT_FOUND` for an unknown one, 403 for another unit's): an employee's page links no one else's
    photo.
    """
    return faces.list_pending(call.principal, query, call.settings)


@endpoint(bp, "GET /v1/admin/faces/duplicates", auth_as="super_admin")
def list_duplicate_faces(call: Call, query: OnePageQuery) -> face_schema.DuplicatePage:
    """Approved templates of different active employees that look like one person.

    **Roles:** super_admin, regency-wide auditor.
    """
    return faces.list_duplicates(call.principal, call.settings)


@endpoint(
    bp,
    "POST /v1/admin/faces/{template_id}",
    auth_as="admin",
    errors=("VALIDATION_ERROR", "NOT_FOUND", "CONFLICT", "DUPLICATE_FACE", "ACCOUNT_INACTIVE"),
)
def decide_face(call: Call, template_id: str, body: rep_schema.DecisionRequest) -> face_schema.FaceDecided:
    """Approve or reject a pending face template.

    **Roles:** unit_admin (own units), super_admin. Four eyes: no admin who reset the employee's device, or
    issued the code it was bound with again, within 7 days before a face was enrolled may approve it, nor the admin
    who enrolled it (403 `FORBIDDEN`, `details.reason` `four_eyes`). 409 `CONFLICT` when it is not (or no
    longer) pending, or when approving a face made by face models the policy no longer runs (`details.reason`
    `stale_models`: approve it once the recompute has re-embedded it); 409 `DUPLICATE_FACE` when approving it
    would give another employee's face; 403 `ACCOUNT_INACTIVE` when approving a face of an employee SIMPEG
    deactivated (rejecting it is allowed).
    """
    return faces.decide(call.principal, template_id, body, call.settings, call.now)
