"""Fixtures the in-memory contract runs share."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chalicelib.domain.people import Employee
from chalicelib.store.memory.people import InMemoryPeopleRepository


@pytest.fixture
def people() -> InMemoryPeopleRepository:
    """The in-memory people twin: where the faces, zones and calendar twins under test read employees."""
    return InMemoryPeopleRepository()


@pytest.fixture
def seed_employee(people: InMemoryPeopleRepository) -> Callable[..., None]:
    """Store an employee of U1 with the given hints (`duty_until`, `plan_until`) in the people twin. No repository
    write sets a hint from nothing (the SIMPEG sync does, on DynamoDB), so the record is seeded."""

    def seed(nip: str, **hints: str | None) -> None:
        with people._lock:
            people._employees[nip] = Employee(nip, "Pegawai", "U1", **hints)  # type: ignore[arg-type]

    return seed
