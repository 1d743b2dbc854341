"""Routes: enrolment of reference faces by admins (API.md section 4)."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import faces
from chalicelib.usecases.schemas import attendance as att_schema

bp = Routes(__name__, tag="faces")


@endpoint(
    bp,
    "POST /v1/admin/employees/{nip}/faces",
    auth_as="admin",
    status=201,
    guard=guards.EMPLOYEE_IN_SCOPE,
    errors=("UNSUPPORTED_IMAGE", "NO_FACE", "MULTIPLE_FACES", "LOW_QUALITY", "REPLAYED_PHOTO"),
)
def enrol_face(call: Call, nip: str, body: att_schema.EnrolRequest) -> att_schema.FaceEnrolled:
    """Enrol a reference face photo.

    **Roles:** unit_admin (own units), super_admin. The photo is analysed; no face, several faces, poor quality
    or a photo already used → 422. An employee may have several templates.
    """
    return faces.enrol(call.principal, nip, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/employees/{nip}/faces", auth_as="admin", errors=("VALIDATION_ERROR", "NOT_FOUND"))
def list_faces(call: Call, nip: str) -> att_schema.FaceTemplatePage:
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

    **Roles:** unit_admin (own units), super_admin.
    """
    return faces.delete_template(call.principal, nip, template_id)
