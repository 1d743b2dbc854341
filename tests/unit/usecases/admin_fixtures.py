"""Fixtures shared by the admin use-case tests of zones and calendar (imported by the test modules)."""

from __future__ import annotations

import pytest

from chalicelib.settings import Settings, build_settings
from chalicelib.store import audit

AuditTrail = list[tuple[str, str, str]]


@pytest.fixture
def settings() -> Settings:
    """Default settings (Asia/Jakarta, the regency's bounds)."""
    return build_settings({})


@pytest.fixture(autouse=True)  # autouse in every module that imports it
def audited(monkeypatch: pytest.MonkeyPatch) -> AuditTrail:
    """The audit trail of the test as (actor, action, target): the audit log has no in-memory twin yet."""
    trail: AuditTrail = []
    monkeypatch.setattr(
        audit, "record", lambda actor, action, target, detail=None: trail.append((actor, action, target))
    )
    return trail
