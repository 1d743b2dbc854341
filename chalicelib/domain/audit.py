"""An entry of the audit log of admin actions: who did what to what, when (ids only, no personal data).

The log has two parts, kept apart so that reading one never wades through the other:
- CHANGES, what admins changed (the entries API.md lists: codes, resets, faces, decisions, zones, ...);
- VIEWS, whose personal files admins were handed links to: selfies and enrolment photos (`view.photos`) and
  request letters (`view.attachments`), one entry per employee per request that issued the links; and the
  recap files of a unit's employees an admin took away (`view.reports`, one entry per file, its unit).
An entry's action names its part (`log_of`), so writers never choose it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

CHANGES = "changes"
VIEWS = "views"
VIEW = "view"  # the family of every action of the VIEWS part
VIEW_PHOTOS = "view.photos"
VIEW_ATTACHMENTS = "view.attachments"
VIEW_REPORTS = "view.reports"  # a file of employees' attendance (a daily or monthly recap) handed to an admin


def log_of(action: str) -> str:
    """The part of the log an action (or a family of actions) belongs to."""
    return VIEWS if action == VIEW or action.startswith(f"{VIEW}.") else CHANGES


@dataclass(frozen=True)
class AuditEntry:
    """One admin action. `at` is the UTC instant at second precision; `detail` is None when none was given;
    `role` is the actor's role when the entry was written (None for entries written without it); `expires`, from
    when the store may drop it (UTC, second precision; None: kept for good, as every change is)."""

    at: datetime
    actor: str
    action: str
    target: str
    detail: Mapping[str, object] | None = None
    role: str | None = None
    expires: datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    """Entries of one UTC day, newest first, their range keys (a reader stopping after `keys[i]` reads on
    `before` it), and the range key to read on from (None: the day is done)."""

    entries: list[AuditEntry]
    keys: list[str]
    last_key: str | None
