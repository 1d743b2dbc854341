"""A run of work in one of SMART's Lambda functions (a SIMPEG run, a scheduled job's run): when one that still
says `running` can no longer end by itself."""

from __future__ import annotations

from datetime import datetime

# Every worker and scheduled function is cut off at its Lambda timeout (900 s, .chalice/config.json) without a
# word, its run left `running`; a minute more and such a run will never end by itself.
FUNCTION_TIMEOUT_S = 900
ABANDONED_AFTER_S = FUNCTION_TIMEOUT_S + 60
ABANDONED = "terhenti: proses tidak selesai dalam batas waktu"


def abandoned(status: str, started_at: datetime, now: datetime) -> bool:
    """Whether a run that started at `started_at` and says `status` was abandoned by its function by `now`."""
    return status == "running" and (now - started_at).total_seconds() >= ABANDONED_AFTER_S
