"""Routes: health, authentication, admin users, employees and units (API.md sections 1-3)."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api import fields
from chalicelib.api.http import Call, endpoint
from chalicelib.domain.people import validate_device, validate_nip
from chalicelib.settings import VERSION
from chalicelib.store.base import iso
from chalicelib.usecases import admin_users, auth, directory, onboarding

bp = Blueprint(__name__)


@endpoint(bp, "/v1/health", ["GET"], auth_as="none")
def health(call: Call) -> dict[str, Any]:
    return {"status": "ok", "version": VERSION}


@endpoint(bp, "/v1/auth/admin/login", ["POST"], auth_as="none")
def admin_login(call: Call) -> dict[str, Any]:
    body = call.json()
    username = fields.req_string(body, "username", max_len=40)
    password = fields.req_string(body, "password", max_len=128)
    result = auth.admin_login(username, password, call.settings, call.now)
    return {"token": result.token.token, "role": result.role, "expires_at": iso(result.token.expires_at)}


@endpoint(bp, "/v1/auth/activate", ["POST"], auth_as="none")
def activate(call: Call) -> dict[str, Any]:
    body = call.json()
    nip = validate_nip(body.get("nip"))
    code = fields.req_string(body, "activation_code", max_len=20)
    password = auth.validate_password(body.get("password"))
    device_id = validate_device(body.get("device_id"))
    token = auth.activate(nip, code, password, device_id, settings=call.settings, now=call.now)
    return {"token": token.token, "expires_at": iso(token.expires_at)}


@endpoint(bp, "/v1/auth/login", ["POST"], auth_as="none")
def employee_login(call: Call) -> dict[str, Any]:
    body = call.json()
    nip = validate_nip(body.get("nip"))
    password = fields.req_string(body, "password", max_len=128)
    device_id = validate_device(body.get("device_id"))
    token = auth.employee_login(nip, password, device_id, call.settings, call.now)
    return {"token": token.token, "expires_at": iso(token.expires_at)}


@endpoint(bp, "/v1/admin/employees/{nip}/activation", ["POST"], auth_as="admin", status=201)
def create_activation(call: Call, nip: str) -> dict[str, Any]:
    code, expires = onboarding.create_activation(call.principal, validate_nip(nip), call.settings, call.now)
    return {"activation_code": code, "expires_at": iso(expires)}


@endpoint(bp, "/v1/admin/employees/{nip}/reset-device", ["POST"], auth_as="admin")
def reset_device(call: Call, nip: str) -> dict[str, Any]:
    onboarding.reset_device(call.principal, validate_nip(nip))
    return {"nip": nip, "device_bound": False}


@endpoint(bp, "/v1/admin/users", ["POST"], auth_as="super_admin", status=201)
def create_admin_user(call: Call) -> dict[str, Any]:
    body = call.json()
    user = admin_users.create_admin_user(
        call.principal,
        fields.req_string(body, "username", max_len=40),
        auth.validate_password(body.get("password")),
        fields.req_string(body, "role", max_len=20),
        fields.string_list(body, "unit_ids", max_items=200, required=False),
    )
    return {"username": user.username, "role": user.role, "unit_ids": sorted(user.unit_ids)}


@endpoint(bp, "/v1/admin/employees", ["GET"], auth_as="admin")
def list_employees(call: Call) -> dict[str, Any]:
    return directory.list_employees(call.principal, call.query("unor_id"), call.query("q"), call.query("next"))


@endpoint(bp, "/v1/admin/units", ["GET"], auth_as="admin")
def list_units(call: Call) -> dict[str, Any]:
    return directory.list_units(call.principal)
