"""Routes: SIMPEG import, on-demand sync, confirmation of held-back runs, run history."""

from __future__ import annotations

from chalicelib.api.http import Call, Routes, endpoint
from chalicelib.usecases import simpeg
from chalicelib.usecases.schemas import simpeg as schema

bp = Routes(__name__, tag="simpeg")


@endpoint(
    bp,
    "POST /v1/admin/simpeg/import",
    auth_as="super_admin",
    raw_body=schema.ImportBody,
    response=schema.ImportResult,
    accepted=schema.RunAccepted,
    errors=("CONFLICT",),
)
def simpeg_import(call: Call, query: schema.ImportQuery) -> schema.ImportResult | schema.RunAccepted:
    """Import employees from a JSON body or a CSV file.

    **Roles:** super_admin. Bad rows are reported in `errors`, good rows are applied; units are created from
    `unor_id`/`unor_nama`. Deactivation only happens for a full import (`"full": true` in JSON, `?full=true` for
    CSV). A plan the guard holds back (too many deactivations) answers 200 with `status: needs_confirmation` and
    `blocked_by`; send again with `confirm_deactivations` set to exactly the number shown (any other number:
    409 `CONFLICT` with the number in `details.deactivated`, nothing changes). A full import without a valid
    row: 400, nothing changes. An import that cannot finish within 25 s answers 202 `{"run_id"}` and goes on
    in the background (`GET /v1/admin/simpeg/runs`). CSV: UTF-8, `,` or `;` separated, header row with the
    EmployeeRecord columns (`text/plain` is read as CSV too). One SIMPEG run (sync, confirmation or import) at a
    time: while another is going on, 409 `CONFLICT` with its id in `details.running_run_id`, nothing changes.
    """
    return simpeg.import_records(call.settings, call.principal, call.raw_body(), call.content_type(), query)


@endpoint(
    bp,
    "POST /v1/admin/simpeg/sync",
    auth_as="super_admin",
    errors=("CONFLICT",),
    response=schema.SyncRun,
    accepted=schema.RunAccepted,
)
def simpeg_sync(call: Call) -> schema.SyncRun | schema.RunAccepted:
    """Pull from the configured SIMPEG API now.

    **Roles:** super_admin. Same code as the nightly schedule, run by the worker. An unreachable SIMPEG ends
    the run as `failed` (answered 200 with that run); 503 when SIMPEG is not configured or storage is down.
    A run still going after 25 s answers 202 `{"run_id"}` (`GET /v1/admin/simpeg/runs`). 409 `CONFLICT` while
    another SIMPEG run (the nightly sync, an import, a confirmation) is going on, its id in
    `details.running_run_id`; no run is started.
    """
    return simpeg.sync_now(call.settings, call.principal)


@endpoint(
    bp,
    "POST /v1/admin/simpeg/runs/{run_id}/confirm",
    auth_as="super_admin",
    errors=("NOT_FOUND", "CONFLICT"),
    response=schema.SyncRun,
    accepted=schema.RunAccepted,
)
def simpeg_confirm(call: Call, run_id: str) -> schema.SyncRun | schema.RunAccepted:
    """Confirm a held-back sync run (runs a fresh sync under the confirmation, in the worker).

    **Roles:** super_admin. 409 `CONFLICT` when the run is not waiting for confirmation, or while another SIMPEG
    run is going on (its id in `details.running_run_id`). A run still going after 25 s answers 202 `{"run_id"}`
    (`GET /v1/admin/simpeg/runs`).
    """
    return simpeg.confirm(call.settings, call.principal, run_id)


@endpoint(bp, "GET /v1/admin/simpeg/runs", auth_as="super_admin")
def simpeg_runs(call: Call, query: schema.RunsQuery) -> schema.RunPage:
    """Sync and import runs, newest first.

    **Roles:** super_admin. A run still `running` 16 minutes after it started (its worker was cut off) is
    ended `failed` when listed.
    """
    return simpeg.list_runs(query, call.now)
