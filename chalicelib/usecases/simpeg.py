"""SIMPEG use cases as the API and the nightly schedule run them: the same code for both."""

from __future__ import annotations

import json

from pydantic_core import PydanticCustomError

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.errors import UnavailableError, ValidationError
from chalicelib.settings import Settings
from chalicelib.simpeg import (
    ApiKeyAuth,
    ClientConfig,
    GuardConfig,
    ImportResult,
    OAuth2ClientCredentials,
    SimpegClient,
    Stores,
    SyncConfig,
    SyncRun,
    Trigger,
    confirm_run,
    default_mapping,
    parse_import_csv,
    parse_import_json,
    run_import,
    run_sync,
)
from chalicelib.usecases.schemas import simpeg as schema
from chalicelib.usecases.schemas.simpeg import ImportQuery, RunsQuery, count_or_error

MAX_RUNS_PAGE = 50


def _stores() -> Stores:
    return Stores(runtime.simpeg_employees(), runtime.sync_runs())


def _config(settings: Settings) -> SyncConfig:
    return SyncConfig(mapping=default_mapping(), guard=GuardConfig(settings.simpeg_max_deactivate_share))


def _client(settings: Settings) -> SimpegClient:
    if not settings.simpeg_url:
        raise UnavailableError("SIMPEG belum dikonfigurasi (SMART_SIMPEG_URL).", {"dependency": "simpeg"})
    auth: ApiKeyAuth | OAuth2ClientCredentials
    if settings.simpeg_client_id and settings.simpeg_client_secret and settings.simpeg_token_url:
        auth = OAuth2ClientCredentials(
            settings.simpeg_token_url, settings.simpeg_client_id, settings.simpeg_client_secret
        )
    elif settings.simpeg_api_key:
        auth = ApiKeyAuth(settings.simpeg_api_key)
    else:
        raise UnavailableError("Kredensial SIMPEG belum dikonfigurasi.", {"dependency": "simpeg"})
    return SimpegClient(ClientConfig(settings.simpeg_url, auth, default_mapping()))


def _run(run: SyncRun) -> schema.SyncRun:
    """A run as the API lists it (the run log's record, read attribute by attribute)."""
    return schema.SyncRun.model_validate(run, from_attributes=True)


def sync_now(settings: Settings, actor: Principal | None) -> schema.SyncRun:
    """Pull the whole SIMPEG listing and apply it (or hold it back for confirmation)."""
    trigger = Trigger("admin", actor.subject) if actor else Trigger("schedule", None)
    run = run_sync(_client(settings), _stores(), trigger=trigger, config=_config(settings))
    if actor:
        runtime.audit().record(actor.subject, "simpeg.sync", run.run_id, {"status": run.status})
    return _run(run)


def confirm(settings: Settings, actor: Principal, run_id: str) -> schema.SyncRun:
    run = confirm_run(run_id, _client(settings), _stores(), actor=actor.subject, config=_config(settings))
    runtime.audit().record(actor.subject, "simpeg.confirm", run_id, {"new_run": run.run_id, "status": run.status})
    return _run(run)


def import_records(
    settings: Settings, actor: Principal, body: bytes, content_type: str, query: ImportQuery
) -> schema.ImportResult:
    """Apply a JSON or CSV import; bad rows are reported, good rows applied."""
    confirm_count = query.confirm_deactivations
    if content_type in ("text/csv", "text/plain"):
        request = parse_import_csv(body, full=query.full in ("true", "1"))
    else:
        data = _json(body)
        request = parse_import_json(data)
        if confirm_count is None and isinstance(data, dict):
            confirm_count = _optional_int(data.get("confirm_deactivations"), "confirm_deactivations")
    result = run_import(
        request, _stores(), actor=actor.subject, config=_config(settings), confirm_deactivations=confirm_count
    )
    response = _imported(result)
    runtime.audit().record(
        actor.subject,
        "simpeg.import",
        result.run.run_id,
        response.model_dump(include={"status", "created", "updated", "moved", "deactivated", "unchanged"}),
    )
    return response


def _imported(result: ImportResult) -> schema.ImportResult:
    run, counts = result.run, result.run.counts
    return schema.ImportResult(
        run_id=run.run_id,
        status=run.status,
        created=counts.created,
        updated=counts.updated,
        moved=counts.moved,
        deactivated=counts.deactivated,
        unchanged=counts.unchanged,
        blocked_by=list(run.blocked_by),
        errors=[schema.RowError.model_validate(e, from_attributes=True) for e in result.errors],
    )


def list_runs(query: RunsQuery) -> schema.RunPage:
    runs, next_cursor = runtime.sync_runs().list_runs(MAX_RUNS_PAGE, query.next)
    return schema.RunPage(items=[_run(r) for r in runs], next=next_cursor)


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError("Format JSON tidak valid.", {"body": "malformed JSON"}) from exc


def _optional_int(value: object, name: str) -> int | None:
    try:
        return count_or_error(value, name)
    except PydanticCustomError as exc:
        message = (exc.context or {}).get("message")
        raise ValidationError(message if isinstance(message, str) else None, {name: exc.message()}) from exc
