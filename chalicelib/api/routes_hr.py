"""Routes: SIMPEG import, on-demand sync, confirmation of held-back runs, run history."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.api.http import Call, endpoint
from chalicelib.usecases import simpeg

bp = Blueprint(__name__)


@endpoint(bp, "/v1/admin/simpeg/import", ["POST"], auth_as="super_admin")
def simpeg_import(call: Call) -> dict[str, Any]:
    query = dict(call.request.query_params or {})
    return simpeg.import_records(call.settings, call.principal, call.raw_body(), call.content_type(), query)


@endpoint(bp, "/v1/admin/simpeg/sync", ["POST"], auth_as="super_admin")
def simpeg_sync(call: Call) -> dict[str, Any]:
    return simpeg.sync_now(call.settings, call.principal)


@endpoint(bp, "/v1/admin/simpeg/runs/{run_id}/confirm", ["POST"], auth_as="super_admin")
def simpeg_confirm(call: Call, run_id: str) -> dict[str, Any]:
    return simpeg.confirm(call.settings, call.principal, run_id)


@endpoint(bp, "/v1/admin/simpeg/runs", ["GET"], auth_as="super_admin")
def simpeg_runs(call: Call) -> dict[str, Any]:
    return simpeg.list_runs(call.query("next"))
