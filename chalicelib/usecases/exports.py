"""Monthly report files built in the background: the regency's report can outlast API Gateway's 29 s.

`start` (POST /v1/admin/recaps/monthly/exports) checks the caller's scope, takes one of the caller's
`EXPORT_SLOTS` (the login-guard slots, so however many requests race, at most that many of one admin's
exports are being built), records the export as a run of the job `monthly_export` in the job-runs repository
and hands it to the report worker (`runtime.start_export`: the ReportWorker function when deployed, a thread
locally). `build` is the worker: the file exactly as GET /v1/admin/recaps/monthly makes it, stored under
exports/, the outcome recorded, the slot given back. `status` (GET .../exports/{export_id}) answers the caller
their own export, with a fresh short-lived link once it is built.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.errors import ForbiddenError, NotFoundError, RateLimitedError
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.store.base import iso
from chalicelib.store.job_runs import JobRun
from chalicelib.store.photos import export_key
from chalicelib.usecases import disclosure, reports
from chalicelib.usecases.access import units_of, visible
from chalicelib.usecases.auth import epoch
from chalicelib.usecases.operations import find_run, run_ref
from chalicelib.usecases.schemas.reports import MonthlyExport, MonthlyExportRequest

JOB = "monthly_export"
EXPORT_SLOTS = 3  # one admin's exports being built at once
# A worker ends within Lambda's 900 s; a slot it never gave back (the function was killed) frees itself after
# this, and an export still `running` then is answered as failed.
DEADLINE_S = 900 + 60
FAILED = "Berkas rekap gagal dibuat; coba lagi."
ABANDONED = "Berkas rekap tidak selesai dibuat; coba lagi."
EXPIRED = "Berkas rekap ini sudah dihapus sesuai masa simpannya; buat lagi."


def start(principal: Principal, body: MonthlyExportRequest, settings: Settings, now: datetime) -> MonthlyExport:
    """Start building the file; 403 outside the caller's units, 429 while `EXPORT_SLOTS` of theirs are building."""
    units = units_of(principal, body.unor_id)
    scope = _scope(principal.subject)
    claim = runtime.people().claim_login_attempt(scope, EXPORT_SLOTS, DEADLINE_S, epoch(now))
    if claim.slot is None:
        message = f"Sudah ada {EXPORT_SLOTS} berkas rekap Anda yang sedang dibuat; tunggu hingga selesai."
        raise RateLimitedError(claim.retry_after_s, message)
    asked = {"month": body.month, "unor_id": body.unor_id, "format": body.format}
    held = {"requested_by": principal.subject, "slot": claim.slot, "claim": claim.claim_id, "units": units}
    run = JobRun(secrets.token_hex(6), JOB, "manual", "running", now.replace(microsecond=0), result={**asked, **held})
    try:
        disclosure.record_report(
            principal, "monthly", body.unor_id, {"month": body.month, "format": body.format}, settings
        )
        runtime.job_runs().save_run(run)
    except Exception:
        _give_back(run)
        raise
    try:
        runtime.start_export(settings, export_id(run), lambda: build(export_id(run), settings))
    except Exception:
        _end(run, {}, "hand-over failed")
        raise
    return _view(run, settings, now)


def status(principal: Principal, export_id_: str, settings: Settings, now: datetime) -> MonthlyExport:
    """The caller's own export (404 for anyone else's, as for one that does not exist); 403 once the caller no
    longer sees its unit."""
    run = _find(export_id_)
    if run is None or _asked(run).get("requested_by") != principal.subject:
        raise NotFoundError("Berkas rekap tidak ditemukan.")
    if not all(visible(principal, unit) for unit in _asked(run)["units"]):
        raise ForbiddenError()
    return _view(run, settings, now)


def build(export_id_: str, settings: Settings) -> dict[str, Any]:
    """The worker: build the export's file, store it, record the outcome, give the slot back. An unknown or
    finished export (a retried invocation) is left as it is."""
    run = _find(export_id_)
    if run is None or run.status != "running":
        return {"export_id": export_id_, "status": run.status if run else "unknown"}
    asked = _asked(run)
    try:
        now = datetime.now(UTC)
        report = reports.month_report(asked["units"], asked["month"], settings, now)
        filename, content, content_type = reports.month_file(report, asked["format"], settings, now)
        key = export_key(filename)
        runtime.photos(settings).put(key, content, content_type)
    except Exception as exc:
        logger.exception("monthly export failed", extra={"export_id": export_id_})
        return _end(run, {}, type(exc).__name__)
    return _end(run, {"filename": filename, "key": key, "employees": len(report.rows)}, None)


def export_id(run: JobRun) -> str:
    """The id an admin polls (operations.run_ref)."""
    return run_ref(run)


def _find(export_id_: str) -> JobRun | None:
    return find_run(JOB, export_id_)


def _asked(run: JobRun) -> dict[str, Any]:
    return run.result or {}


def _scope(subject: str) -> str:
    return f"export#{subject}"


def _end(run: JobRun, outcome: dict[str, Any], error: str | None) -> dict[str, Any]:
    """Record the outcome, then give the slot back (a slot is freed by its deadline if this fails)."""
    ended = run.finished(datetime.now(UTC), {**_asked(run), **outcome}, error)
    runtime.job_runs().save_run(ended)
    _give_back(run)
    return {"export_id": export_id(run), "status": ended.status, **outcome}


def _give_back(run: JobRun) -> None:
    """Give the export's slot back, unless another export took it since (this one outlived `DEADLINE_S`: a
    worker Lambda delivered again after the first was cut off). An export recorded without its claim (before
    claims were named) leaves its slot to free itself at the deadline."""
    asked = _asked(run)
    runtime.people().release_login_attempt(_scope(asked["requested_by"]), asked["slot"], asked.get("claim", ""))


def _view(run: JobRun, settings: Settings, now: datetime) -> MonthlyExport:
    asked = _asked(run)
    state, message = run.status, FAILED if run.status == "failed" else None
    if state == "running" and (now - run.started_at).total_seconds() > DEADLINE_S:
        state, message = "failed", ABANDONED
    if state == "succeeded" and run.finished_at and now - run.finished_at >= timedelta(settings.export_retention_days):
        state, message = "expired", EXPIRED
    link = None
    if state == "succeeded":
        link = runtime.photos(settings).presign(asked["key"], settings.presign_ttl_s, asked["filename"])
    return MonthlyExport(
        export_id=export_id(run),
        status=state,
        month=asked["month"],
        unor_id=asked.get("unor_id"),
        format=asked["format"],
        started_at=iso(run.started_at),
        finished_at=iso(run.finished_at) if run.finished_at else None,
        filename=asked.get("filename"),
        download_url=link,
        expires_in_s=settings.presign_ttl_s if link else None,
        message=message,
    )
