"""An entry of the audit log of admin actions: who did what to what, when (ids only, no personal data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AuditEntry:
    """One admin action. `at` is the UTC instant at second precision; `detail` is None when none was given;
    `role` is the actor's role when the entry was written (None for entries written without it)."""

    at: datetime
    actor: str
    action: str
    target: str
    detail: Mapping[str, object] | None = None
    role: str | None = None


@dataclass(frozen=True)
class AuditPage:
    """Entries of one UTC day, newest first, their range keys (a reader stopping after `keys[i]` reads on
    `before` it), and the range key to read on from (None: the day is done)."""

    entries: list[AuditEntry]
    keys: list[str]
    last_key: str | None
