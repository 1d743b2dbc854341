"""Fixtures the in-memory contract runs share."""

from __future__ import annotations

import pytest

from chalicelib.store.memory.people import InMemoryPeopleRepository


@pytest.fixture
def people() -> InMemoryPeopleRepository:
    """The in-memory people twin: where the faces and zones twins under test read employees."""
    return InMemoryPeopleRepository()
