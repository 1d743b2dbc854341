"""Scheduled jobs (EventBridge → Lambda): the same use cases the admin endpoints run on demand."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from chalicelib import runtime
from chalicelib.settings import load_settings
from chalicelib.usecases import recaps, simpeg

logger = logging.getLogger("smart.jobs")


def nightly_simpeg_sync() -> dict[str, Any]:
    settings = load_settings()
    runtime.ensure_ready(settings)
    run = simpeg.sync_now(settings, actor=None)
    logger.info("simpeg sync %s: %s %s", run["run_id"], run["status"], run.get("counts"))
    return run


def daily_recap(day: str | None = None) -> dict[str, Any]:
    """Recap the regency's local date (today when the schedule fires at 23:30 WIB)."""
    settings = load_settings()
    runtime.ensure_ready(settings)
    target = datetime.now(UTC).astimezone(settings.tz).date() if day is None else datetime.fromisoformat(day).date()
    result = recaps.run_daily_recap(target, settings)
    logger.info("daily recap %s: %s", result["date"], result)
    return result
