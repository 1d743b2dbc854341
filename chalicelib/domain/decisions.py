"""Who took an admin's decision on a record, with what note, and when: what the record keeps of it (an event
under review, an employee's request), handed to its repository as one value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Decided:
    """`actor` decided at `at` (UTC), with the note they gave (None when they gave none)."""

    actor: str
    note: str | None
    at: datetime


__all__ = ["Decided"]
