"""An entry of the audit log of admin actions: who did what to what, when (ids only, no personal data).

The log has two parts, kept apart so that reading one never wades through the other:
- CHANGES, what admins changed (the entries API.md lists: codes, resets, faces, decisions, zones, ...);
- VIEWS, whose personal files admins were handed links to: selfies and enrolment photos (`view.photos`) and
  request letters (`view.attachments`), one entry per employee per request that issued the links; and the
  recap files of a unit's employees an admin took away (`view.reports`, one entry per file, its unit).
An entry's action names its part (`log_of`), so writers never choose it.

An entry keeps the role its actor acted in when it was written: the HTTP layer names the caller of each request
(`acting_as`, around the route's work) and the log stamps that role on the caller's own entries (`acting_role`)
when the writer gives none, so no use case passes it, and a promotion later does not rewrite who had which power.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

CHANGES = "changes"
VIEWS = "views"
VIEW = "view"  # the family of every action of the VIEWS part
VIEW_PHOTOS = "view.photos"
VIEW_ATTACHMENTS = "view.attachments"
VIEW_REPORTS = "view.reports"  # a file of employees' attendance (a daily or monthly recap) handed to an admin
# Items of one DynamoDB transaction (TransactWriteItems' limit): a change written with the entries naming it, all
# or none, holds at most this many writes and entries together.
TRANSACTION_ITEMS = 100


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


class PendingEntries(Protocol):
    """Audit entries stamped and keyed (range key, entry) under one partition, not yet written: a store writes them
    in the transaction of the change they name, so both are kept or neither (`chalicelib.store.audit.AuditBatch`).
    Layers below the store (the SIMPEG sync's repository protocol) name them by this."""

    @property
    def day_key(self) -> str: ...

    @property
    def rows(self) -> tuple[tuple[str, AuditEntry], ...]: ...

    def write(self) -> None:
        """Append the entries on their own (an in-memory twin, just before making the change)."""
        ...


@dataclass(frozen=True)
class Acting:
    """The authenticated caller of the request being served: who (`subject`) in which role."""

    subject: str
    role: str


# Per request (a context variable: each thread of the local server, each task, sees its own; None outside one).
_ACTING: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)


@contextmanager
def acting_as(subject: str, role: str) -> Iterator[None]:
    """Inside the block, entries `subject` writes without a role get `role`; the caller before is back after."""
    token = _ACTING.set(Acting(subject, role))
    try:
        yield
    finally:
        _ACTING.reset(token)


def acting_role(actor: str) -> str | None:
    """The role `actor` holds in the request being served when they are its caller; None outside a request and
    for any other actor (a system actor writing meanwhile, say)."""
    acting = _ACTING.get()
    return acting.role if acting is not None and acting.subject == actor else None
