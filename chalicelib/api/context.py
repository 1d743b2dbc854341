"""Per-process readiness: point the models at this deployment's tables and create the first admin.

Runs lazily on the first request of a Lambda container (or `chalice local` process), not at import,
so that importing the app never touches AWS and a failed start is retried by the next request.
"""

from __future__ import annotations

import threading

from chalicelib.auth.service import ensure_bootstrap_admin
from chalicelib.face_service import forget_cohort
from chalicelib.settings import Settings
from chalicelib.store.cache import forget_all
from chalicelib.store.models import configure

_lock = threading.Lock()
_ready: dict[str, bool] = {}


def ensure_ready(settings: Settings) -> None:
    key = f"{settings.table_prefix}|{settings.region}"
    if _ready.get(key):
        return
    with _lock:
        if _ready.get(key):
            return
        configure(settings.table_prefix, settings.region)
        ensure_bootstrap_admin(settings)
        _ready.clear()
        _ready[key] = True


def forget() -> None:
    """Tests that recreate tables call this so the next request configures again and reads afresh."""
    _ready.clear()
    forget_all()
    forget_cohort()
