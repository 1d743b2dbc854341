"""The DynamoDB zones repository passes the same contract as its in-memory twin (moto in-process), and reads
the duty rows covering a date back only as far as a letter can last."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.domain.zones import Assignment
from chalicelib.store.models import DutyModel
from chalicelib.store.zones import MAX_DUTY_DAYS, DynamoZonesRepository, ZonesRepository
from tests.functional.dynamo_reads import queries_read
from tests.unit.store.zones_contract import ZonesRepositoryContract

NIP = "198501012010011001"
DAY = date(2026, 3, 2)


class TestDynamoZonesRepository(ZonesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> ZonesRepository:
        return DynamoZonesRepository()


def week_letter(number: int, start: date) -> Assignment:
    end = start + timedelta(days=4)
    return Assignment(f"a-{number:012x}", "", frozenset({NIP}), start.isoformat(), end.isoformat(), f"ST/{number}",
                      "Survei")  # fmt: skip


def test_the_duties_covering_a_day_are_read_back_only_as_far_as_a_letter_can_last(aws: None) -> None:
    # GIVEN an employee of U1 sent on a week's field duty every fortnight for three years, the last one covering DAY
    repo = DynamoZonesRepository()
    starts = [DAY - timedelta(days=2 + 14 * n) for n in range(78)]
    for number, start in enumerate(starts):
        repo.save_assignment(week_letter(number, start), {NIP: "U1"}, "admin")
    within = [s for s in starts if s >= DAY - timedelta(days=MAX_DUTY_DAYS)]  # begun late enough to cover DAY
    assert len(within) == 27
    # WHEN the rows covering DAY are read by employee, by unit, and the unit's letters of DAY
    with queries_read() as read:
        by_nip = repo.duties_of(NIP, DAY)
        by_unit = repo.duties_of_unit("U1", DAY, DAY + timedelta(days=1))
        letters = repo.assignments_of_unit("U1", DAY, DAY)
    # THEN each finds the one that covers it
    assert [d.start_date for d in by_nip] == [d.start_date for d in by_unit] == [starts[0].isoformat()]
    assert [a.assignment_id for a in letters] == [week_letter(0, starts[0]).assignment_id]
    # AND each Query read only the rows begun within the longest letter before DAY, not the 78 of three years
    duties = DutyModel.Meta.table_name
    assert [(table, items) for table, items in read] == [
        (duties, len(within)),
        (f"{duties}/by_unit", len(within)),
        (f"{duties}/by_unit", len(within)),
    ]
