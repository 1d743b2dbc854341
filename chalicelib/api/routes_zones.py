"""Routes: work zones, unit zones and field-duty assignments."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.usecases import zones

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/zones", ["POST"], auth_as="admin", status=201)
def create_zone(call: Call) -> dict[str, Any]:
    return zones.create_zone(call.principal, call.json(), call.settings)


@endpoint(bp, "/v1/admin/zones", ["GET"], auth_as="admin")
def list_zones(call: Call) -> dict[str, Any]:
    return zones.list_zones(call.principal)


@endpoint(bp, "/v1/admin/zones/{zone_id}", ["GET"], auth_as="admin")
def get_zone(call: Call, zone_id: str) -> dict[str, Any]:
    return zones.get_zone(call.principal, zone_id)


@endpoint(bp, "/v1/admin/zones/{zone_id}", ["PUT"], auth_as="admin")
def update_zone(call: Call, zone_id: str) -> dict[str, Any]:
    return zones.update_zone(call.principal, zone_id, call.json(), call.settings)


@endpoint(bp, "/v1/admin/zones/{zone_id}", ["DELETE"], auth_as="admin")
def delete_zone(call: Call, zone_id: str) -> dict[str, Any]:
    return zones.delete_zone(call.principal, zone_id)


@endpoint(bp, "/v1/admin/units/{unor_id}/zones", ["PUT"], auth_as="admin")
def set_unit_zones(call: Call, unor_id: str) -> dict[str, Any]:
    return zones.set_unit_zones(call.principal, unor_id, call.json())


@endpoint(bp, "/v1/admin/assignments", ["POST"], auth_as="admin", status=201)
def create_assignment(call: Call) -> dict[str, Any]:
    return zones.create_assignment(call.principal, call.json(), call.settings)
