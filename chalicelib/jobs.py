"""Scheduled jobs (EventBridge → Lambda): the same use cases the admin endpoints run on demand."""

from __future__ import annotations

import logging
from typing import Any

from chalicelib import hr_sync
from chalicelib.api import context
from chalicelib.settings import load_settings

logger = logging.getLogger("smart.jobs")


def nightly_simpeg_sync() -> dict[str, Any]:
    settings = load_settings()
    context.ensure_ready(settings)
    run = hr_sync.sync_now(settings, actor=None)
    logger.info("simpeg sync %s: %s %s", run["run_id"], run["status"], run.get("counts"))
    return run
