"""Fixtures shared by the admin use-case tests of zones and calendar (imported by the test modules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from chalicelib import runtime
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.people import Principal
from chalicelib.settings import Settings, build_settings
from chalicelib.store.memory.audit import InMemoryAuditRepository
from chalicelib.store.repositories import Repositories

AUDIT_START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SUPER = Principal("admin", "super_admin")
UNIT_ADMIN = Principal("ua", "unit_admin", frozenset({"U1"}))  # of unit U1 only
NIP = "198501012010011001"  # an employee of U1 in the tests that put one


class AuditTrail:
    """The audit log twin of one test, its entries stamped one second apart from AUDIT_START (so they read
    back in the order they were written). Calling it gives the trail as (actor, action, target)."""

    def __init__(self) -> None:
        self._ticks = count()
        self.log = InMemoryAuditRepository(lambda: AUDIT_START + timedelta(seconds=next(self._ticks)))

    def entries(self) -> list[AuditEntry]:
        return self.log.entries_of_day(AUDIT_START.date())

    def __call__(self) -> list[tuple[str, str, str]]:
        return [(e.actor, e.action, e.target) for e in self.entries()]


@pytest.fixture
def settings() -> Settings:
    """Default settings (Asia/Jakarta, the regency's bounds)."""
    return build_settings({})


@pytest.fixture(autouse=True)  # autouse in every module that imports it
def audited(repos: Repositories) -> AuditTrail:
    """The twins of the test, with an audit log whose entries the test reads back in order."""
    trail = AuditTrail()
    runtime.use_repositories(replace(repos, audit=trail.log))
    return trail
