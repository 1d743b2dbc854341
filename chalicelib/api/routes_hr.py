"""Routes: SIMPEG import, on-demand sync, confirmation of held-back runs, run history."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.usecases import simpeg
from chalicelib.usecases.schemas import simpeg as schema

bp = Blueprint(__name__)


@endpoint(
    bp,
    "/v1/admin/simpeg/import",
    ["POST"],
    auth_as="super_admin",
    query=schema.ImportQuery,
    raw_body=schema.ImportBody,
    response=schema.ImportResult,
    tag="simpeg",
)
def simpeg_import(call: Call, query: schema.ImportQuery) -> dict[str, Any]:
    return simpeg.import_records(call.settings, call.principal, call.raw_body(), call.content_type(), query)


@endpoint(bp, "/v1/admin/simpeg/sync", ["POST"], auth_as="super_admin", response=schema.SyncRun, tag="simpeg")
def simpeg_sync(call: Call) -> dict[str, Any]:
    return simpeg.sync_now(call.settings, call.principal)


@endpoint(
    bp,
    "/v1/admin/simpeg/runs/{run_id}/confirm",
    ["POST"],
    auth_as="super_admin",
    response=schema.SyncRun,
    errors=("NOT_FOUND", "CONFLICT"),
    tag="simpeg",
)
def simpeg_confirm(call: Call, run_id: str) -> dict[str, Any]:
    return simpeg.confirm(call.settings, call.principal, run_id)


@endpoint(
    bp,
    "/v1/admin/simpeg/runs",
    ["GET"],
    auth_as="super_admin",
    query=schema.RunsQuery,
    response=schema.RunPage,
    tag="simpeg",
)
def simpeg_runs(call: Call, query: schema.RunsQuery) -> dict[str, Any]:
    return simpeg.list_runs(query)
