"""The behaviour every implementation of `chalicelib.store.statuses.StatusesRepository` must have.

Subclass `StatusesRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository: the in-memory twin in tests/unit/store, the DynamoDB one (moto in-process) in
tests/functional/test_statuses_store.py. Nothing here depends on how the repository is built.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from chalicelib.domain.people import Member
from chalicelib.domain.status import DayStatus, EmployeeDay, YearToDate
from chalicelib.store.statuses import StatusesRepository

MONDAY = date(2026, 11, 2)
WIB = timezone(timedelta(hours=7))


def nip_of(i: int) -> str:
    return f"1985010120100110{i:02d}"


def member(i: int, nama: str | None = None) -> Member:
    return Member(nip_of(i), nama or f"P{i}", True)


def late(day: date, minutes: int = 12) -> DayStatus:
    """A late arrival with every field set; the check-in carries microseconds and a local offset."""
    arrival = datetime(day.year, day.month, day.day, 7, minutes, 5, 987654, tzinfo=WIB)
    return DayStatus(
        day=day,
        status="TL1",
        tl="TL1",
        late_minutes=minutes,
        early_minutes=None,
        check_in=arrival,
        check_out=arrival + timedelta(hours=9),
        deduction_percent=Decimal("0.5"),
    )


def absent(day: date) -> DayStatus:
    return DayStatus(day=day, status="TK", deduction_percent=Decimal(3))


def walk(repo: StatusesRepository, unor_id: str, day: date, limit: int) -> list[EmployeeDay]:
    """Every stored status of the day, page by page, checking each page's size."""
    seen: list[EmployeeDay] = []
    cursor: str | None = None
    while True:
        page, cursor = repo.day_page(unor_id, day, cursor, limit)
        assert len(page) <= limit
        seen += page
        if cursor is None:
            return seen


class StatusesRepositoryContract:
    """Subclass with a `repo` fixture returning an empty StatusesRepository."""

    def test_a_new_repository_has_no_statuses(self, repo: StatusesRepository) -> None:
        assert repo.day_page("U1", MONDAY, None) == ([], None)
        assert repo.month_rows("U1", "2026-11") == {}
        assert repo.month_and_counters("U1", "2026-11") == ({}, {})
        assert repo.year_to_date("U1", "2026-11") == {}
        assert repo.employee_status(nip_of(1), MONDAY) is None

    def test_a_day_comes_back_with_instants_in_utc_to_the_second(self, repo: StatusesRepository) -> None:
        # GIVEN a late arrival judged with a local-time check-in carrying microseconds
        status = late(MONDAY)
        # WHEN it is stored and read back
        assert repo.save_day("U1", MONDAY, [(member(1, "Asep"), status)]) == (1, 0)
        [row] = repo.day_page("U1", MONDAY, None)[0]
        # THEN every field is kept, the instants in UTC at second precision
        assert status.check_in is not None and status.check_out is not None
        expected = DayStatus(
            day=MONDAY,
            status="TL1",
            tl="TL1",
            late_minutes=12,
            check_in=status.check_in.replace(microsecond=0).astimezone(UTC),
            check_out=status.check_out.replace(microsecond=0).astimezone(UTC),
            deduction_percent=Decimal("0.5"),
        )
        assert row == EmployeeDay(nip_of(1), "Asep", expected)
        assert row.status.check_in is not None and row.status.check_in.utcoffset() == timedelta(0)
        assert repo.employee_status(nip_of(1), MONDAY) == ("U1", row)

    def test_a_rerun_writes_only_the_rows_that_changed(self, repo: StatusesRepository) -> None:
        # GIVEN three statuses of a day stored once
        rows = [(member(i), absent(MONDAY)) for i in (1, 2, 3)]
        assert repo.save_day("U1", MONDAY, rows) == (3, 0)
        # WHEN the same day is stored again unchanged, THEN nothing is written
        assert repo.save_day("U1", MONDAY, rows) == (0, 3)
        # WHEN one status changes and another only its name, THEN only the changed status is written
        again = [(member(1), late(MONDAY)), (member(2, "Renamed"), absent(MONDAY)), (member(3), absent(MONDAY))]
        assert repo.save_day("U1", MONDAY, again) == (1, 2)
        stored = {r.nip: r for r in repo.day_page("U1", MONDAY, None)[0]}
        assert stored[nip_of(1)].status.status == "TL1"
        assert stored[nip_of(2)].nama == "P2"  # a name alone is not a change: the row was not rewritten

    def test_a_dropped_status_leaves_no_row_behind(self, repo: StatusesRepository) -> None:
        # GIVEN Monday stored in U1 for three employees, then P2's move to U2 recorded that day, and November
        # counted after it
        repo.save_day("U1", MONDAY, [(member(i), absent(MONDAY)) for i in (1, 2, 3)])
        repo.save_day("U2", MONDAY, [(member(2), late(MONDAY))])
        repo.save_year_to_date("U1", "2026-11", [], {}, datetime.now(UTC))
        assert repo.trusted_months("U1", "2026") == {"2026-11"}
        # WHEN U1's Monday is stored again, P2's row dropped (and that of someone never stored here alike)
        rows = [(member(i), absent(MONDAY)) for i in (1, 3)]
        assert repo.save_day("U1", MONDAY, rows, dropped={nip_of(2), nip_of(9)}) == (1, 2)
        # THEN P2's Monday is U2's alone, read by unit or by NIP, and November's counters are counted again
        assert repo.nips_of_day("U1", MONDAY) == {nip_of(1), nip_of(3)}
        assert [unit for unit, _ in repo.employee_days(nip_of(2), MONDAY, MONDAY)] == ["U2"]
        assert set(repo.month_rows("U1", "2026-11")) == {nip_of(1), nip_of(3)}
        assert repo.trusted_months("U1", "2026") == set()
        # AND nothing is left to drop a second time
        assert repo.save_day("U1", MONDAY, rows, dropped={nip_of(2)}) == (0, 2)

    def test_a_day_is_read_by_nip_in_pages_without_other_days_or_units(self, repo: StatusesRepository) -> None:
        # GIVEN five statuses of U1 on Monday stored in no particular order, and neighbours in date and unit
        repo.save_day("U1", MONDAY, [(member(i), absent(MONDAY)) for i in (3, 1, 5, 2, 4)])
        tuesday = MONDAY + timedelta(days=1)
        repo.save_day("U1", tuesday, [(member(6), absent(tuesday))])
        repo.save_day("U2", MONDAY, [(member(7), absent(MONDAY))])
        # WHEN Monday of U1 is walked two at a time
        seen = walk(repo, "U1", MONDAY, 2)
        # THEN each employee comes once, by NIP, and nothing else
        assert [r.nip for r in seen] == [nip_of(i) for i in range(1, 6)]
        assert {r.status.day for r in seen} == {MONDAY}
        assert [r.nip for r in walk(repo, "U1", tuesday, 2)] == [nip_of(6)]

    def test_a_month_groups_days_by_employee_in_date_order(self, repo: StatusesRepository) -> None:
        # GIVEN statuses on three days of November (stored out of order) and one on 1 December
        days = [MONDAY + timedelta(days=d) for d in (2, 0, 1)]
        for day in days:
            repo.save_day("U1", day, [(member(1), late(day)), (member(2), absent(day))])
        repo.save_day("U1", date(2026, 12, 1), [(member(1), absent(date(2026, 12, 1)))])
        # WHEN November is read
        rows = repo.month_rows("U1", "2026-11")
        # THEN each employee has its name and its November days by date, December apart
        assert set(rows) == {nip_of(1), nip_of(2)}
        name, statuses = rows[nip_of(1)]
        assert name == "P1" and [s.day for s in statuses] == sorted(days)
        assert [s.status for s in rows[nip_of(2)][1]] == ["TK"] * 3
        assert [s.day for s in repo.month_rows("U1", "2026-12")[nip_of(1)][1]] == [date(2026, 12, 1)]
        assert repo.month_rows("U2", "2026-11") == {}
        # AND one employee's days, read by NIP, are those of the unit's months, each with the unit, by date
        repo.save_year_to_date("U1", "2026-11", [(nip_of(1), "P1", YearToDate(3, 0, 0, 0))], {}, datetime.now(UTC))
        repo.save_day("U2", date(2026, 12, 2), [(member(1), absent(date(2026, 12, 2)))])  # moved meanwhile
        found = repo.employee_days(nip_of(1), date(2026, 1, 1), date(2026, 12, 31))
        assert [unit for unit, _ in found] == ["U1"] * 4 + ["U2"]
        assert [day.status for _, day in found[:3]] == statuses and found[3][1].status.day == date(2026, 12, 1)
        assert {(day.nip, day.nama) for _, day in found} == {(nip_of(1), "P1")}
        # AND within the dates asked for only; the month-end counters are no day
        assert [day.status.day for _, day in repo.employee_days(nip_of(1), MONDAY, MONDAY)] == [MONDAY]
        assert repo.employee_days(nip_of(1), date(2026, 11, 5), date(2026, 11, 30)) == []
        assert repo.employee_days(nip_of(3), date(2026, 1, 1), date(2026, 12, 31)) == []

    def test_month_end_counters_are_written_when_they_differ(self, repo: StatusesRepository) -> None:
        # GIVEN a month with one status and no counters yet
        repo.save_day("U1", MONDAY, [(member(1), absent(MONDAY))])
        one, two = YearToDate(1, 30, 1, 1), YearToDate(2, 0, 2, 2)
        # WHEN counters of two employees are stored against nothing stored
        counted = datetime.now(UTC)
        assert (
            repo.save_year_to_date("U1", "2026-11", [(nip_of(1), "P1", one), (nip_of(2), "P2", two)], {}, counted) == 2
        )
        # THEN they are read back, apart from the statuses
        assert repo.year_to_date("U1", "2026-11") == {nip_of(1): one, nip_of(2): two}
        assert set(repo.month_rows("U1", "2026-11")) == {nip_of(1)}
        rows, counters = repo.month_and_counters("U1", "2026-11")
        assert set(rows) == {nip_of(1)} and counters == {nip_of(1): one, nip_of(2): two}
        assert repo.year_to_date("U1", "2026-10") == {}
        # WHEN stored again with one changed, THEN only that one is written
        stored = repo.year_to_date("U1", "2026-11")
        three = YearToDate(3, 30, 0, 2)
        changed = [(nip_of(1), "P1", one), (nip_of(2), "P2", three)]
        assert repo.save_year_to_date("U1", "2026-11", changed, stored, counted) == 1
        assert repo.year_to_date("U1", "2026-11") == {nip_of(1): one, nip_of(2): three}
        # AND the counters are no day's status
        assert repo.employee_status(nip_of(2), MONDAY) is None

    def test_an_employee_status_is_found_in_whichever_unit_stored_it(self, repo: StatusesRepository) -> None:
        # GIVEN an employee's Monday stored under U2 and Tuesday under nothing
        repo.save_day("U2", MONDAY, [(member(1), late(MONDAY, 40))])
        # WHEN the employee's days are asked for, THEN Monday is found with its name, Tuesday is not
        found = repo.employee_status(nip_of(1), MONDAY)
        assert found is not None and found[0] == "U2"
        assert found[1].nama == "P1" and found[1].status.late_minutes == 40
        assert repo.employee_status(nip_of(1), MONDAY + timedelta(days=1)) is None
        assert repo.employee_status(nip_of(2), MONDAY) is None
        # AND the unit knows whom it judged that day
        assert repo.nips_of_day("U2", MONDAY) == {nip_of(1)}
        assert repo.nips_of_day("U1", MONDAY) == repo.nips_of_day("U2", MONDAY + timedelta(days=1)) == set()

    def test_a_december_day_changed_distrusts_the_next_year_s_counters(self, repo: StatusesRepository) -> None:
        december, january = date(2026, 12, 31), date(2027, 1, 4)
        # GIVEN a recapped 31 December and 4 January, and January 2027's counters stored after both
        repo.save_day("U1", december, [(member(1), absent(december))])
        repo.save_day("U1", january, [(member(1), absent(january))])
        repo.save_year_to_date("U1", "2027-01", [(nip_of(1), "P1", YearToDate(1, 0, 2, 2))], {}, datetime.now(UTC))
        assert repo.trusted_months("U1", "2027") == {"2027-01"}
        # WHEN the December day changes (a sick note entered late), THEN January's counters, which began from
        # December's open run of absent days, are no longer trusted; nor anything in that year's rows
        repo.save_day("U1", december, [(member(1), late(december))])
        assert repo.trusted_months("U1", "2027") == set()
        assert set(repo.month_rows("U1", "2027-01")) == {nip_of(1)}

    def test_counters_are_trusted_until_a_day_of_their_month_or_an_earlier_one_changes(
        self, repo: StatusesRepository
    ) -> None:
        october, november = date(2026, 10, 30), MONDAY
        # GIVEN a recapped October and November, and nothing counted yet
        repo.save_day("U1", october, [(member(1), absent(october))])
        repo.save_day("U1", november, [(member(1), absent(november))])
        assert repo.trusted_months("U1", "2026") == set()
        # WHEN both months' counters are stored, counted after those changes
        counted = datetime.now(UTC)
        for month in ("2026-10", "2026-11"):
            repo.save_year_to_date("U1", month, [(nip_of(1), "P1", YearToDate(1, 0, 1, 1))], {}, counted)
        # THEN both are trusted, in that unit and year only
        assert repo.trusted_months("U1", "2026") == {"2026-10", "2026-11"}
        assert repo.trusted_months("U2", "2026") == set() and repo.trusted_months("U1", "2025") == set()
        # WHEN a re-run stores the same October day again, THEN nothing changed and both stay trusted
        assert repo.save_day("U1", october, [(member(1), absent(october))]) == (0, 1)
        assert repo.trusted_months("U1", "2026") == {"2026-10", "2026-11"}
        # WHEN November's day changes, THEN November's counters are no longer trusted, October's are
        repo.save_day("U1", november, [(member(1), late(november))])
        assert repo.trusted_months("U1", "2026") == {"2026-10"}
        # WHEN October's day changes too, THEN neither is: October's change moves November's month end as well
        repo.save_day("U1", october, [(member(1), late(october))])
        assert repo.trusted_months("U1", "2026") == set()
        # WHEN October is counted again, THEN October is trusted; November waits for its own count
        repo.save_year_to_date("U1", "2026-10", [(nip_of(1), "P1", YearToDate())], {}, datetime.now(UTC))
        assert repo.trusted_months("U1", "2026") == {"2026-10"}
        # AND counters computed from reads that began before a change are not trusted, whenever they are written
        repo.save_year_to_date("U1", "2026-11", [(nip_of(1), "P1", YearToDate())], {}, counted)
        assert repo.trusted_months("U1", "2026") == {"2026-10"}
        # AND the stamps are no day's status, nor anyone's month
        assert set(repo.month_rows("U1", "2026-11")) == {nip_of(1)}
        assert repo.employee_status(nip_of(1), november) is not None

    def test_a_day_keeps_the_instant_its_last_run_judged_it_at(self, repo: StatusesRepository) -> None:
        # GIVEN a unit's day never judged, THEN it has no judged-at instant
        assert repo.judged_at("U1", MONDAY) is None
        # WHEN the nightly run stores Monday as it stood at 23:30 (microseconds kept: a stamp)
        nightly = datetime(2026, 11, 2, 16, 30, 0, 123456, tzinfo=UTC)
        repo.save_day("U1", MONDAY, [(member(1), absent(MONDAY))])
        repo.mark_judged("U1", MONDAY, nightly)
        # THEN the day was judged at that instant, in that unit and on that day only
        assert repo.judged_at("U1", MONDAY) == nightly
        assert repo.judged_at("U2", MONDAY) is None and repo.judged_at("U1", MONDAY + timedelta(days=1)) is None
        # WHEN the morning run judges it again and changes nothing, THEN the day was judged then all the same
        morning = datetime(2026, 11, 3, 3, 30, tzinfo=UTC)
        assert repo.save_day("U1", MONDAY, [(member(1), absent(MONDAY))]) == (0, 1)
        repo.mark_judged("U1", MONDAY, morning)
        assert repo.judged_at("U1", MONDAY) == morning
        # AND a run of a unit with nobody to judge leaves its instant too
        repo.save_day("U2", MONDAY, [])
        repo.mark_judged("U2", MONDAY, morning)
        assert repo.judged_at("U2", MONDAY) == morning and repo.nips_of_day("U2", MONDAY) == set()
        # AND the last run's instant is kept, even an earlier one (a change's re-run judged as it stood before)
        repo.save_day("U1", MONDAY, [(member(1), late(MONDAY))])
        repo.mark_judged("U1", MONDAY, nightly)
        assert repo.judged_at("U1", MONDAY) == nightly
        # AND rows stored without a mark (code before the evidence was kept) leave the stored one alone
        repo.save_day("U1", MONDAY, [(member(1), absent(MONDAY))])
        assert repo.judged_at("U1", MONDAY) == nightly
        # AND the instants are no day's status, nor anyone's month, nor a stamp of the months' counters
        assert set(repo.month_rows("U1", "2026-11")) == {nip_of(1)}
        assert repo.month_and_counters("U2", "2026-11") == ({}, {})
        repo.save_year_to_date("U1", "2026-11", [], {}, datetime.now(UTC))
        assert repo.trusted_months("U1", "2026") == {"2026-11"}
