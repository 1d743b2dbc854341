"""Routes: work zones, unit zones and field-duty assignments."""

from __future__ import annotations

from chalicelib.api import guards
from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import requests, zones
from chalicelib.usecases.schemas import requests as req_schema
from chalicelib.usecases.schemas import zones as schema

bp = Routes(__name__, tag="zones")


@endpoint(bp, "POST /v1/admin/zones", auth_as="admin", roles=("super_admin",), status=201, guard=guards.SUPER_ADMIN)
def create_zone(call: Call, body: schema.CreateZoneRequest) -> schema.ZoneView:
    """Create a work zone (polygon with optional holes, circle, or GeoJSON polygon).

    **Roles:** super_admin (the route admits admins, the use case refuses a unit_admin with 403). Invalid
    geometry → 400 `VALIDATION_ERROR` naming the field.
    """
    return zones.create_zone(call.principal, body, call.settings)


@endpoint(bp, "GET /v1/admin/zones", auth_as="admin")
def list_zones(call: Call, query: schema.ZonesQuery) -> schema.ZonePage:
    """Zones the caller may see (with `geometry=true`, each with its shape).

    **Roles:** unit_admin (zones of own units), super_admin (all).
    """
    return zones.list_zones(call.principal, query)


@endpoint(bp, "GET /v1/admin/zones/{zone_id}", auth_as="admin", errors=("NOT_FOUND",))
def get_zone(call: Call, zone_id: str, query: schema.ZoneQuery) -> schema.ZoneView:
    """One zone with its geometry.

    With `cells=true`, also its H3 cells as stored: the ones a check-in is judged against.
    **Roles:** unit_admin (zones of own units, and the areas of field-duty letters naming their employees; others
    are 404), super_admin.
    """
    return zones.get_zone(call.principal, zone_id, query)


@endpoint(
    bp,
    "PUT /v1/admin/zones/{zone_id}",
    auth_as="admin",
    roles=("super_admin",),
    guard=guards.ZONE_TO_UPDATE,
    errors=("CONFLICT",),
)
def update_zone(call: Call, zone_id: str, body: schema.UpdateZoneRequest) -> schema.ZoneView:
    """Replace a zone's shape (and optionally its name).

    **Roles:** super_admin (a unit_admin gets 403). Cells are rebuilt and `version` bumped; a concurrent change,
    or a `version` in the body older than the zone's (another admin changed it since it was read) → 409
    `CONFLICT`; the same change sent again after it was stored (a 503 or a lost answer) → 200 with the zone as it
    left it, named no second time.
    """
    return zones.update_zone(call.principal, zone_id, body, call.settings)


@endpoint(
    bp, "DELETE /v1/admin/zones/{zone_id}", auth_as="admin", roles=("super_admin",), errors=("NOT_FOUND", "CONFLICT")
)
def delete_zone(call: Call, zone_id: str) -> schema.ZoneDeleted:
    """Delete a zone no unit uses.

    **Roles:** super_admin (a unit_admin gets 403). 409 `CONFLICT` (details `unor_ids`) while a unit uses it, or
    (details `assignment_id`) while it is the area of a field-duty letter that may still admit a check-in: not
    cancelled, its last day not before the oldest offline capture SMART still takes; also when another super
    admin changed or deleted it at the same moment (send again). Audited (`zone.delete`, with the shape it had) in
    the deletion's own write: after a 503 nothing is deleted; send it again.
    """
    return zones.delete_zone(call.principal, zone_id, call.settings, call.now)


@endpoint(bp, "PUT /v1/admin/units/{unor_id}/zones", auth_as="admin", guard=guards.UNIT_IN_SCOPE, errors=("CONFLICT",))
def set_unit_zones(call: Call, unor_id: str, body: schema.UnitZonesRequest) -> schema.UnitZones:
    """Set the zones where a unit's employees may check in.

    **Roles:** unit_admin (own units), super_admin. Unknown zone ids → 400 (details `zone_ids`). 409 `CONFLICT`
    when another change of the unit's zones was stored at the same moment (the audit entry names the zones
    replaced, so the write is made only over what was read): send it again.
    """
    return zones.set_unit_zones(call.principal, unor_id, body)


@endpoint(bp, "POST /v1/admin/assignments", auth_as="admin", status=201, errors=("ACCOUNT_INACTIVE",))
def create_assignment(call: Call, body: schema.AssignmentRequest) -> schema.AssignmentCreated:
    """Field duty (dinas luar) for named employees in an area between two dates.

    **Roles:** unit_admin (employees of own units), super_admin. At most 90 employees and 366 days; unknown NIPs
    → 400 (details `nips`). A letter reaching a day on or after a named employee's SIMPEG deactivation → 403
    `ACCOUNT_INACTIVE` naming them (`details.nip`, `deactivated_on`), nothing recorded, as its approval would be;
    a leaver's days before it are recorded as anyone's.
    """
    return zones.create_assignment(call.principal, body, call.settings, call.now)


@endpoint(bp, "GET /v1/admin/assignments", auth_as="admin")
def list_assignments(call: Call, query: req_schema.PeriodQuery) -> req_schema.AssignmentPage:
    """Field duties (not cancelled) that overlap `from`..`to` (default: 30 days either side of today; at most
    366 days), one item per letter and unit with that unit's employees (after a SIMPEG move, an employee's days
    from the move on are the new unit's, those before it stay the unit the letter was written in).

    **Roles:** unit_admin (own units), super_admin (all units unless `unor_id`). 100 per page.
    """
    return zones.list_assignments(call.principal, query, call.settings, call.now)


@endpoint(bp, "DELETE /v1/admin/assignments/{assignment_id}", auth_as="admin", errors=("NOT_FOUND", "CONFLICT"))
def cancel_assignment(call: Call, assignment_id: str) -> req_schema.Cancelled:
    """Cancel a field duty: its days no longer count and its area no longer admits check-ins; past days
    already recapped are re-run (`recapped`).

    **Roles:** unit_admin (a letter of own units' days only: one covering days of other units too → 403, one of
    other units only → 404; an employee's days are those of the unit they were in, as listed), super_admin.
    The letter stays recorded as cancelled (evidence); cancelling it again → 409 `CONFLICT`, except by the admin
    who cancelled it (a retry after a 503): 200 as the first answer, named no second time. When an employee's
    request created it, that request becomes `revoked` with a note saying so. Audited in the cancellation's write.
    """
    return requests.cancel_letter(call.principal, assignment_id, call.settings, call.now)
