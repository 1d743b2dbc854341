"""Admin lists of employees (chalicelib.usecases.directory) on the in-memory repositories."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import directory
from chalicelib.usecases.schemas.core import EmployeesQuery

SETTINGS = build_settings({})
SUPER = Principal(subject="admin", role="super_admin")
TWO_UNITS = Principal(subject="budi", role="unit_admin", unit_ids=frozenset({"U1", "U3"}))
SIZES = {"U1": 150, "U2": 0, "U3": 30, "U4": 5}


def nip(unit: int, i: int) -> str:
    return f"1985010120100{unit}{i:04d}"


@pytest.fixture(autouse=True)
def units(repos: Repositories) -> None:
    """Four units of 150, 0, 30 and 5 employees; every tenth one is called Budi."""
    for u, (unit, size) in enumerate(SIZES.items(), start=1):
        repos.people.upsert_unit(unit, f"Unit {unit}")
        for i in range(size):
            repos.people.put_employee(Employee(nip(u, i), "Budi" if i % 10 == 0 else f"Pegawai {i}", unit))


def every_page(who: Principal, **query: str) -> list[list[str]]:
    """The NIPs of each page, following `next` to the end."""
    pages, cursor = [], None
    while True:
        page = directory.list_employees(who, EmployeesQuery.model_validate({**query, "next": cursor}), SETTINGS)
        pages.append([e.nip for e in page.items])
        cursor = page.next
        if cursor is None:
            return pages


def test_without_a_unit_the_super_admin_pages_through_every_unit() -> None:
    pages = every_page(SUPER)
    assert [len(p) for p in pages] == [100, 85]
    listed = [n for p in pages for n in p]
    assert len(set(listed)) == len(listed) == sum(SIZES.values())


def test_without_a_unit_a_unit_admin_pages_through_their_units_only() -> None:
    listed = [n for p in every_page(TWO_UNITS) for n in p]
    assert sorted(listed) == sorted([nip(1, i) for i in range(150)] + [nip(3, i) for i in range(30)])
    with pytest.raises(ForbiddenError):
        every_page(TWO_UNITS, unor_id="U2")


def test_a_name_is_searched_across_the_caller_s_units() -> None:
    found = [n for p in every_page(SUPER, q="budi") for n in p]
    assert sorted(found) == sorted(nip(u, i) for u, size in enumerate(SIZES.values(), 1) for i in range(0, size, 10))
    assert len(every_page(SUPER, q="budi")) == 1  # within one page's read budget: one round trip


def test_one_unit_and_a_full_nip_answer_as_before() -> None:
    assert [len(p) for p in every_page(SUPER, unor_id="U1")] == [100, 50]
    assert every_page(TWO_UNITS, q=nip(3, 7)) == [[nip(3, 7)]]
    assert every_page(TWO_UNITS, q=nip(4, 1)) == [[]]  # another unit's employee: not found


def test_a_cursor_not_made_here_is_refused() -> None:
    with pytest.raises(ValidationError):
        directory.list_employees(SUPER, EmployeesQuery.model_validate({"next": "eyJ1bml0IjogOX0.forged"}), SETTINGS)
