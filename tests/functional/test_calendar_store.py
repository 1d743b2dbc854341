"""The DynamoDB calendar repository passes the same contract as its in-memory twin (moto in-process), and reads
a unit's roster by the dates asked."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from chalicelib.domain.calendar import NewScheduleVersion
from chalicelib.domain.schedule import WeekSchedule, WorkHours
from chalicelib.errors import UnavailableError
from chalicelib.settings import load_settings
from chalicelib.store.calendar import CalendarRepository, DynamoCalendarRepository, employee_owner, unit_owner
from chalicelib.store.models import ScheduleModel
from tests.functional.dynamo_reads import queries_read
from tests.unit.store.calendar_contract import CalendarRepositoryContract, put_in_parts

NIGHT, MORNING = WorkHours.parse("21:00", "07:00"), WorkHours.parse("07:00", "14:00")
STAFF = ("198501012010011001", "199002022015032002")
DAY = date(2026, 3, 2)
ROSTER_INDEX = "by_unit_day"


class TestDynamoCalendarRepository(CalendarRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> CalendarRepository:
        return DynamoCalendarRepository()


def rostered_unit(days: int) -> DynamoCalendarRepository:
    """U1 with a week schedule, an own version of its first employee, and `days` roster days of both employees up
    to DAY + 1, every tenth date removed again (each leaves a mark in the table)."""
    repo = DynamoCalendarRepository()
    repo.add_schedule_version(NewScheduleVersion(unit_owner("U1"), date(2024, 1, 1), WeekSchedule.of(MORNING), "admin"))
    repo.add_schedule_version(
        NewScheduleVersion(employee_owner(STAFF[0]), date(2024, 6, 1), WeekSchedule.of(MORNING), "a", "U1")
    )
    dates = [DAY + timedelta(days=1 - d) for d in range(days)]
    for nip in STAFF:
        put_in_parts(repo, nip, {day: (NIGHT, None)[day.toordinal() % 2] for day in dates})
        for day in dates[5::10]:
            assert repo.remove_shift(nip, day, "admin")
    return repo


def expected_day() -> dict[str, dict[date, WorkHours | None]]:
    return {nip: {DAY: (NIGHT, None)[DAY.toordinal() % 2]} for nip in STAFF}


def test_a_unit_s_plans_read_the_roster_days_of_their_dates_not_the_roster_s_past(aws: None) -> None:
    # GIVEN 120 days of roster of two employees of U1 (with removal marks), an own version and the unit's version
    repo = rostered_unit(120)
    # WHEN the unit's plans of one day are read
    with queries_read() as read:
        plans = repo.unit_plans("U1", DAY, DAY, [])
    # THEN they hold that day's roster and the own version
    assert plans.shifts == expected_day() and len(plans.own[STAFF[0]]) == 1
    # AND the schedules table was read for 4 items: the two roster days, the own version, the unit's version (the
    # whole roster history was 240 items)
    schedules = ScheduleModel.Meta.table_name
    assert sum(items for table, items in read if table.startswith(schedules)) == 4, read
    assert (f"{schedules}/{ROSTER_INDEX}", 2) in read


def test_the_roster_is_read_without_its_index_until_the_index_exists(
    aws: None, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a table without the roster index (a deploy has not added it yet; an older local stack's snapshot)
    repo = rostered_unit(30)
    client = boto3.client("dynamodb", region_name=load_settings().region)
    client.update_table(
        TableName=ScheduleModel.Meta.table_name,
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": ROSTER_INDEX}}],
    )
    # WHEN the unit's plans of a day are read, THEN they hold that day's roster, read the way it was read before
    # the index, and a warning says so
    with caplog.at_level(logging.WARNING):
        assert repo.unit_plans("U1", DAY, DAY, []).shifts == expected_day()
    assert "roster read without its index" in caplog.text


@pytest.mark.parametrize(
    ("code", "message", "answered"),
    [
        ("ValidationException", f"Cannot read from backfilling global secondary index: {ROSTER_INDEX}", True),
        ("ValidationException", f"The table does not have the specified index: {ROSTER_INDEX}", True),
        ("ValidationException", "One or more parameter values were invalid", False),
        ("ProvisionedThroughputExceededException", f"Throughput exceeded on index {ROSTER_INDEX}", False),
    ],
)
def test_only_an_index_not_ready_is_read_around(
    aws: None, monkeypatch: pytest.MonkeyPatch, code: str, message: str, answered: bool
) -> None:
    # GIVEN a roster, and DynamoDB refusing the Queries on the roster index with this error
    repo = rostered_unit(10)
    real = BaseClient._make_api_call

    def refusing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "Query" and params.get("IndexName") == ROSTER_INDEX:
            raise ClientError({"Error": {"Code": code, "Message": message}}, operation)
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", refusing)
    # WHEN the unit's plans are read, THEN an index still being added (or not yet) is read around; any other
    # refusal is the outage it is (503 UNAVAILABLE)
    if answered:
        assert repo.unit_plans("U1", DAY, DAY, []).shifts == expected_day()
    else:
        with pytest.raises(UnavailableError):
            repo.unit_plans("U1", DAY, DAY, [])
