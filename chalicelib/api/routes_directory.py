"""Routes: employees and units as SMART knows them from SIMPEG (API.md section 3)."""

from __future__ import annotations

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import directory
from chalicelib.usecases.schemas import core as schema
from chalicelib.usecases.schemas.common import OnePageQuery

bp = Routes(__name__, tag="directory")


@endpoint(bp, "GET /v1/admin/employees", auth_as="admin")
def list_employees(call: Call, query: schema.EmployeesQuery) -> schema.EmployeePage:
    """Employees of one unit, or of every unit the caller sees (unit by unit), paged; or one employee by full NIP.

    **Roles:** unit_admin (own units), super_admin. Without `unor_id`, the caller's units in turn (a page may end
    within a unit; `next` goes on from there). A full 18-digit NIP in `q` finds the employee anywhere in the
    caller's scope; otherwise `q` filters by name substring or NIP prefix.
    """
    return directory.list_employees(call.principal, query, call.settings)


@endpoint(bp, "GET /v1/admin/units", auth_as="admin")
def list_units(call: Call, query: OnePageQuery) -> schema.UnitPage:
    """Units the caller may see.

    **Roles:** unit_admin (own units), super_admin (all).
    """
    return directory.list_units(call.principal, call.settings)
