"""An entry of the audit log of admin actions: who did what to what, when (ids only, no personal data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One admin action. `at` is the UTC instant at second precision; `detail` is None when none was given."""

    at: datetime
    actor: str
    action: str
    target: str
    detail: Mapping[str, object] | None = None
