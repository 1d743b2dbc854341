"""What a monthly report reads of DynamoDB at the turn of the year (moto in-process): the TK run carried from
December (decision 222) costs December's month end, not its days, once December was counted."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib import runtime
from chalicelib.domain.people import Member, Principal
from chalicelib.domain.status import DayStatus
from chalicelib.settings import load_settings
from chalicelib.usecases import reports
from chalicelib.usecases.schemas.reports import MonthlyQuery
from tests.functional.dynamo_reads import queries_read

SUPER = Principal("admin", "super_admin")
STAFF = [Member(f"1985010120100110{i:02d}", f"Pegawai {i}", True) for i in range(5)]


def _items_read(month: str) -> list[int]:
    """The items each Query of the daily statuses examined while the unit's report of `month` was made."""
    query = MonthlyQuery.model_validate({"month": month, "unor_id": "U1", "format": "json"})
    with queries_read() as read:
        reports.monthly(SUPER, query, load_settings(), datetime(2027, 2, 1, tzinfo=UTC))
    return [items for table, items in read if "daily_status" in table]


def test_january_reads_december_s_month_end_not_its_days_once_december_was_counted(aws: None) -> None:
    # GIVEN a unit of five recapped every day of December and of 1-10 January
    runtime.people().upsert_unit("U1", "SDN 1 Ngamprah")
    first = date(2026, 12, 1)
    for day in (first + timedelta(days=n) for n in range(41)):
        runtime.statuses().save_day("U1", day, [(m, DayStatus(day=day, status="H")) for m in STAFF])
    december_rows = len(STAFF) * 31
    # WHEN December's report is read (it keeps its month end), and then January's, twice
    _items_read("2026-12")
    _items_read("2027-01")
    again = _items_read("2027-01")
    # THEN no read of January's report goes through December's days: the stored month end answers
    assert sum(again) < december_rows, again
