"""The behaviour every implementation of `chalicelib.store.calendar.CalendarRepository` must have.

Subclass `CalendarRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository that moves the `plan_until` hints of the employees in `people`: the in-memory twin in
tests/unit/store, the DynamoDB one (moto in-process) in tests/functional/test_calendar_store.py; `people` and
`seed_employee` (stores an employee with given hints there) come from each folder's conftest.py. Nothing here
depends on how the repository is built.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain import calendar as cal
from chalicelib.domain.attendance import Duty
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.schedule import MAX_ROSTER_DAYS, RosterDays, ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.store.audit import AuditBatch, AuditOf, AuditRepository
from chalicelib.store.base import ConditionFailed, iso, parse_iso
from chalicelib.store.calendar import (
    VERSION_ID,
    CalendarRepository,
    employee_owner,
    new_version_id,
    unit_owner,
)
from chalicelib.store.people import PeopleRepository

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
OFFICE = WeekSchedule.of(WorkHours.parse("07:30", "16:00"), WorkHours.parse("07:30", "11:00"))
SHORT = WeekSchedule.of(WorkHours.parse("08:00", "14:00"))
NIGHT = WorkHours.parse("22:00", "06:00")
NO_OWN_PLAN, FOREVER = "0000-00-00", "9999-12-31"

SeedEmployee = Callable[..., None]  # (nip, **hints): an employee of U1 with these hints, in `people`


def staff(nip: str = NIP, unor_id: str = "U1", plan_until: str | None = None) -> Employee:
    """An employee record as the plan readers get it; no hint (a record from before it) means: read everything."""
    return Employee(nip, "Pegawai", unor_id, plan_until=plan_until)


def put_in_parts(repo: CalendarRepository, nip: str, roster: RosterDays) -> None:
    """Write a roster of the employee in U1 longer than one change sets (`MAX_ROSTER_DAYS`), a part at a time."""
    dates = sorted(roster)
    for at in range(0, len(dates), MAX_ROSTER_DAYS):
        repo.put_shifts(nip, "U1", {day: roster[day] for day in dates[at : at + MAX_ROSTER_DAYS]}, "admin")


def version(entry: cal.ScheduleEntry) -> ScheduleVersion:
    """The version a stored entry stands for."""
    return ScheduleVersion(
        date.fromisoformat(entry.effective_from), parse_iso(entry.created_at), WeekSchedule.from_dict(entry.days)
    )


def duty(nip: str, start: str, end: str, unor_id: str = "U1") -> Duty:
    return Duty(nip, f"a-{start}", unor_id, "z-a", start, end)


def leave(kind: cal.LeaveKind, start: date, end: date) -> cal.Leave:
    return cal.Leave(kind, cal.DateRange(start, end))


def period_named(audit_log: AuditRepository, action: str) -> AuditOf[cal.DateRange | None]:
    """The entries of a Ramadan change (`action`) from the period the store read: one naming its first day
    (`period`, None for none)."""

    def named(period: cal.DateRange | None) -> AuditBatch:
        return audit_log.stamped("admin", action, {"ramadan": {"period": period.start.isoformat() if period else None}})

    return named


def leave_cancelled(audit_log: AuditRepository) -> AuditBatch:
    """An entry naming a leave's cancellation, for the repository to keep with it."""
    return audit_log.stamped("ops", "leave.cancel", {NIP: {"type": "C"}})


class CalendarRepositoryContract:
    """Subclass with a `repo` fixture returning an empty CalendarRepository."""

    def test_a_new_repository_has_no_schedule_holiday_or_leave(self, repo: CalendarRepository) -> None:
        day = date(2026, 3, 2)
        assert repo.schedule_history(unit_owner("U1")) == [] and repo.holidays_of_year(2026) == []
        assert repo.regency_calendar([2026]) == cal.RegencyCalendar() == repo.cached_regency_calendar([2026])
        assert repo.employee_plan(staff(), day, day, []) == cal.EmployeePlan()
        assert repo.unit_plans("U1", day, day, []).plan_for(NIP) == cal.EmployeePlan()

    # --- schedule versions ---------------------------------------------------------------------------

    def test_versions_are_appended_and_listed_by_effective_date(self, repo: CalendarRepository) -> None:
        # GIVEN two versions of a unit, the later-effective one written first
        owner = unit_owner("U1")
        later = repo.add_schedule_version(cal.NewScheduleVersion(owner, date(2026, 4, 1), SHORT, "admin"))
        earlier = repo.add_schedule_version(cal.NewScheduleVersion(owner, date(2026, 3, 1), OFFICE, "budi"))
        # THEN both are kept as written, by effective date, each with the instant its write answered (and an id)
        history = repo.schedule_history(owner)
        assert [replace(e, version_id="") for e in history] == [
            cal.ScheduleEntry("2026-03-01", earlier, "budi", OFFICE.to_dict()),
            cal.ScheduleEntry("2026-04-01", later, "admin", SHORT.to_dict()),
        ]
        assert all(VERSION_ID.match(e.version_id) for e in history) and history[0].version_id != history[1].version_id
        assert isinstance(parse_iso(later), datetime)
        # AND other owners have none
        assert repo.schedule_history(unit_owner("U2")) == [] == repo.schedule_history(employee_owner(NIP))

    def test_a_version_sent_again_under_its_id_is_stored_and_named_once(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN an own version stored under an id derived from what it records, with the entry naming it
        owner, version_id = employee_owner(NIP), new_version_id("admin#EMP#2026-04-01#week")
        version = cal.NewScheduleVersion(owner, date(2026, 4, 1), SHORT, "admin", "U1", version_id=version_id)

        def named() -> AuditBatch:
            return audit_log.stamped("admin", "schedule.employee", {NIP: {"effective_from": "2026-04-01"}})

        first = repo.add_schedule_version(version, named())
        # WHEN it is stored again under that id (a retry), THEN it is refused whole, and the first one stays alone
        with pytest.raises(ConditionFailed):
            repo.add_schedule_version(version, named())
        assert repo.schedule_history(owner) == [
            cal.ScheduleEntry("2026-04-01", first, "admin", SHORT.to_dict(), version_id, unor_id="U1")
        ]
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["schedule.employee"]

    def test_an_employee_plan_holds_the_unit_s_and_own_versions(self, repo: CalendarRepository) -> None:
        # GIVEN a unit version and an own version of the employee
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 3, 1), OFFICE, "admin"))
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 9), SHORT, "admin", personal_unit="U1")
        )
        # WHEN the employee's plan is read
        plan = repo.employee_plan(staff(), date(2026, 3, 9), date(2026, 3, 10), [])
        # THEN it holds both, as the histories list them
        assert plan.unit_versions == tuple(version(e) for e in repo.schedule_history(unit_owner("U1")))
        assert plan.own_versions == tuple(version(e) for e in repo.schedule_history(employee_owner(NIP)))
        assert len(plan.unit_versions) == len(plan.own_versions) == 1
        # AND another employee of the unit has only the unit's
        other = repo.employee_plan(staff(OTHER), date(2026, 3, 9), date(2026, 3, 10), [])
        assert other.unit_versions == plan.unit_versions and other.own_versions == ()

    def test_an_employee_plan_holds_the_own_versions_and_roster_days_written_for_their_unit(
        self, repo: CalendarRepository
    ) -> None:
        # GIVEN an own version and a night on the roster written for the employee in U1, and an own version
        # written for them in U2 after SIMPEG moved them there
        start, end = date(2026, 3, 9), date(2026, 3, 11)
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 2), SHORT, "admin", personal_unit="U1")
        )
        repo.put_shifts(NIP, "U1", {date(2026, 3, 10): NIGHT}, "admin")
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 16), OFFICE, "budi", personal_unit="U2")
        )
        # WHEN their plan is read as a member of U2 (the check-in's answer, the app's day)
        moved = repo.employee_plan(staff(unor_id="U2"), start, end, [])
        # THEN it holds U2's part only, as U2's plans (the daily recap's) do: the new unit's hours apply
        in_u2 = tuple(version(e) for e in repo.schedule_history(employee_owner(NIP)) if e.created_by == "budi")
        assert moved.own_versions == in_u2 and dict(moved.shifts) == {}
        assert moved == repo.unit_plans("U2", start, end, []).plan_for(NIP)
        # AND read as a member of U1 (a day before the move judged again there) it holds U1's part
        stayed = repo.employee_plan(staff(), start, end, [])
        assert stayed == repo.unit_plans("U1", start, end, []).plan_for(NIP)
        assert dict(stayed.shifts) == {date(2026, 3, 10): NIGHT} and len(stayed.own_versions) == 1

    def test_a_plan_as_written_holds_what_the_employee_s_plan_holds_whatever_the_hint(
        self, repo: CalendarRepository
    ) -> None:
        # GIVEN an own version and a roster night written for the employee in U1, and a sick note
        start, end = date(2026, 3, 9), date(2026, 3, 11)
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 2), SHORT, "admin", personal_unit="U1")
        )
        repo.put_shifts(NIP, "U1", {date(2026, 3, 10): NIGHT}, "admin")
        repo.add_leave(cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 11), date(2026, 3, 11), None), "admin")
        # WHEN it is read as written, under the versions the unit's plans hold
        unit = repo.unit_plans("U1", start, end, [])
        written = repo.plan_as_written(NIP, "U1", start, end, duties=[], unit_versions=unit.unit_versions)
        # THEN it is the employee's plan in the unit, read without the record's hint (a change may outrun it)
        assert written == unit.plan_for(NIP) == repo.employee_plan(staff(), start, end, [])
        assert len(written.leaves) == len(written.own_versions) == len(written.shifts) == 1
        assert repo.employee_plan(staff(plan_until="2026-03-01"), start, end, []).leaves == ()
        # AND as a member of U2 it holds the leave alone (own hours stay with the unit they were written for)
        moved = repo.plan_as_written(NIP, "U2", start, end, duties=[], unit_versions=())
        assert (moved.leaves, moved.own_versions, dict(moved.shifts)) == (written.leaves, (), {})

    def test_a_new_unit_version_reaches_the_next_plan(self, repo: CalendarRepository) -> None:
        # GIVEN a plan read once (a cached read of the unit's versions may sit in front)
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 3, 1), OFFICE, "admin"))
        day = date(2026, 3, 9)
        assert len(repo.employee_plan(staff(), day, day, []).unit_versions) == 1
        # WHEN the unit gets another version, THEN the next plan holds it
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 4, 1), SHORT, "admin"))
        assert len(repo.employee_plan(staff(), day, day, []).unit_versions) == 2

    # --- rosters, leaves and field duty in plans -----------------------------------------------------

    def test_a_plan_holds_the_roster_days_of_its_range(self, repo: CalendarRepository) -> None:
        # GIVEN a roster of four days, one off, then one day rewritten
        roster: dict[date, WorkHours | None] = {date(2026, 3, d): NIGHT for d in (1, 2, 3)}
        roster[date(2026, 3, 4)] = None
        repo.put_shifts(NIP, "U1", roster, "admin")
        repo.put_shifts(NIP, "U1", {date(2026, 3, 3): None}, "admin")
        # WHEN the plan of 2 to 4 March is read
        plan = repo.employee_plan(staff(), date(2026, 3, 2), date(2026, 3, 4), [])
        # THEN it holds those days as last written, and nothing of another employee
        assert dict(plan.shifts) == {date(2026, 3, 2): NIGHT, date(2026, 3, 3): None, date(2026, 3, 4): None}
        assert dict(repo.employee_plan(staff(OTHER), date(2026, 3, 2), date(2026, 3, 4), []).shifts) == {}

    def test_the_roster_of_a_range_is_read_by_date_as_last_written(self, repo: CalendarRepository) -> None:
        # GIVEN roster days of the employee (one rewritten as a day off) and one of another employee
        repo.put_shifts(NIP, "U1", {date(2026, 3, 5): NIGHT, date(2026, 3, 1): NIGHT, date(2026, 3, 9): NIGHT}, "a")
        repo.put_shifts(NIP, "U1", {date(2026, 3, 5): None}, "admin")
        repo.put_shifts(OTHER, "U1", {date(2026, 3, 4): NIGHT}, "admin")
        # WHEN 1 to 5 March is read, THEN both ends are included, in date order, and nothing of the other
        assert list(repo.roster(NIP, date(2026, 3, 1), date(2026, 3, 5)).items()) == [
            (date(2026, 3, 1), NIGHT),
            (date(2026, 3, 5), None),
        ]
        assert repo.roster(NIP, date(2026, 3, 10), date(2026, 3, 31)) == {}

    def test_a_roster_date_removed_is_gone_from_the_roster_and_the_plans(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN two roster days of the employee, one a day off, and one of another employee on the same date
        repo.put_shifts(NIP, "U1", {date(2026, 3, 2): NIGHT, date(2026, 3, 3): None}, "admin")
        repo.put_shifts(OTHER, "U1", {date(2026, 3, 3): NIGHT}, "admin")
        # WHEN the day off is removed, THEN it is gone from the roster, the employee's plan and the unit's
        assert repo.remove_shift(NIP, date(2026, 3, 3), "admin") is True
        assert repo.roster(NIP, date(2026, 3, 1), date(2026, 3, 5)) == {date(2026, 3, 2): NIGHT}
        assert dict(repo.employee_plan(staff(), date(2026, 3, 3), date(2026, 3, 3), []).shifts) == {}
        unit = repo.unit_plans("U1", date(2026, 3, 3), date(2026, 3, 3), [])
        assert dict(unit.plan_for(NIP).shifts) == {} and dict(unit.plan_for(OTHER).shifts) == {date(2026, 3, 3): NIGHT}
        # AND removing it again, or a date with no entry, finds nothing and names nothing
        removal = audit_log.stamped("admin", "schedule.shift_removed", {NIP: {"date": "2026-03-03"}})
        assert repo.remove_shift(NIP, date(2026, 3, 3), "admin", removal) is False
        assert repo.remove_shift(NIP, date(2026, 3, 9), "admin", removal) is False
        assert audit_log.entries_of_day(AUDIT_START.date()) == []
        # AND the date can be rostered again, then removed again with the entry naming the removal
        repo.put_shifts(NIP, "U1", {date(2026, 3, 3): NIGHT}, "admin")
        assert repo.roster(NIP, date(2026, 3, 3), date(2026, 3, 3)) == {date(2026, 3, 3): NIGHT}
        assert repo.remove_shift(NIP, date(2026, 3, 3), "admin", removal) is True
        assert repo.roster(NIP, date(2026, 3, 3), date(2026, 3, 3)) == {}
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["schedule.shift_removed"]

    def test_of_two_removals_of_one_roster_date_at_once_one_removes_it(self, repo: CalendarRepository) -> None:
        # GIVEN twenty roster dates, WHEN two admins remove each at the same moment (a double click, two consoles;
        # twenty tries, so that the two calls meet between one's read and its write)
        days = [date(2026, 3, 1) + timedelta(days=d) for d in range(20)]
        repo.put_shifts(NIP, "U1", dict.fromkeys(days, NIGHT), "admin")
        with ThreadPoolExecutor(max_workers=2) as pool:
            for day in days:
                answers = list(pool.map(lambda actor, d=day: repo.remove_shift(NIP, d, actor), ["a1", "a2"]))
                # THEN one removes it and the other finds nothing to remove (one audit entry, one re-run)
                assert sorted(answers) == [False, True], day
        assert repo.roster(NIP, days[0], days[-1]) == {}

    def test_a_roster_change_answers_and_audits_what_its_dates_had(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a night shift on 2 March, a day off on 3 March and 4 March rostered then removed
        repo.put_shifts(NIP, "U1", {date(2026, 3, 2): NIGHT, date(2026, 3, 3): None, date(2026, 3, 4): NIGHT}, "a")
        assert repo.remove_shift(NIP, date(2026, 3, 4), "admin")
        change = {date(2026, 3, d): (None, NIGHT, NIGHT, NIGHT)[d - 2] for d in (2, 3, 4, 5)}

        def entry(replaced: RosterDays) -> AuditBatch:
            before = {day.isoformat(): hours.to_dict() if hours else None for day, hours in replaced.items()}
            return audit_log.stamped("admin", "schedule.shifts", {NIP: {"before": before}})

        # WHEN the four dates are set with the audit entry built from what the write replaces
        replaced = repo.put_shifts(NIP, "U1", change, "admin", entry)
        # THEN it answers the two dates that had an entry (the removed date and the new one had none) ...
        assert replaced == {date(2026, 3, 2): NIGHT, date(2026, 3, 3): None}
        assert repo.roster(NIP, date(2026, 3, 1), date(2026, 3, 9)) == change
        # ... and its entry, kept with it, names them
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        before = {"2026-03-02": {"start": "22:00", "end": "06:00"}, "2026-03-03": None}
        assert logged == [("schedule.shifts", NIP, {"before": before})]

    def test_of_two_roster_changes_of_one_date_at_once_each_written_names_the_other(
        self, repo: CalendarRepository
    ) -> None:
        # GIVEN a date with no roster entry, WHEN two admins set it at the same moment to different hours (twenty
        # dates, so that the two calls meet between one's read and its write; test_forced_races.py: always)
        days = [date(2026, 4, 1) + timedelta(days=d) for d in range(20)]
        late = WorkHours.parse("14:00", "22:00")

        def put(day: date, hours: WorkHours) -> RosterDays | None:
            try:
                return repo.put_shifts(NIP, "U1", {day: hours}, "admin")
            except ConditionFailed:
                return None  # beaten between its read and its write: the admin is told to try again

        with ThreadPoolExecutor(max_workers=2) as pool:
            for day in days:
                first, second = pool.map(put, [day, day], [NIGHT, late])
                # THEN they do not both replace "nothing": the one whose hours stand names the other's as replaced,
                # or the other was refused (its admin is told to try again)
                answers, held = {NIGHT: first, late: second}, repo.roster(NIP, day, day)[day]
                other = NIGHT if held == late else late
                assert (answers[other], answers[held]) in ((None, {}), ({}, {day: other})), (day, first, second)

    def test_a_roster_change_sets_at_most_two_months_of_dates(self, repo: CalendarRepository) -> None:
        # WHEN more dates than one transaction keeps with its audit entry are set at once, THEN nothing is written
        days = [date(2026, 1, 1) + timedelta(days=d) for d in range(MAX_ROSTER_DAYS + 1)]
        with pytest.raises(ValueError, match="at most 62 dates"):
            repo.put_shifts(NIP, "U1", dict.fromkeys(days, NIGHT), "admin")
        assert repo.roster(NIP, days[0], days[-1]) == {}

    def test_a_plan_holds_the_leaves_begun_by_its_end(self, repo: CalendarRepository) -> None:
        # GIVEN three leaves of the employee and one of another
        ids = {
            repo.add_leave(cal.LeaveEntry(NIP, "U1", "C", date(2026, 3, 2), date(2026, 3, 4), "Cuti"), "admin"),
            repo.add_leave(cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 9), date(2026, 3, 9), None), "admin"),
            repo.add_leave(cal.LeaveEntry(NIP, "U1", "I", date(2026, 3, 20), date(2026, 3, 20), None), "admin"),
            repo.add_leave(cal.LeaveEntry(OTHER, "U1", "C", date(2026, 3, 9), date(2026, 3, 9), None), "admin"),
        }
        # THEN each got its own id
        assert len(ids) == 4 and all(i.startswith("l-") for i in ids)
        # WHEN the plan of 8 to 10 March is read, THEN it holds the employee's leaves begun by the 10th
        plan = repo.employee_plan(staff(), date(2026, 3, 8), date(2026, 3, 10), [])
        assert plan.leaves == (
            leave(cal.LeaveKind.CUTI, date(2026, 3, 2), date(2026, 3, 4)),
            leave(cal.LeaveKind.SAKIT, date(2026, 3, 9), date(2026, 3, 9)),
        )
        # AND the employee's leaves covering a date of 8 to 10 March, read by NIP, are the sick day only
        sick = leave(cal.LeaveKind.SAKIT, date(2026, 3, 9), date(2026, 3, 9))
        assert repo.leaves_of(NIP, date(2026, 3, 8), date(2026, 3, 10)) == (sick,)
        assert repo.leaves_of(NIP, date(2026, 3, 4), date(2026, 3, 4)) == (leave(cal.LeaveKind.CUTI, date(2026, 3, 2),
                                                                                 date(2026, 3, 4)),)  # fmt: skip
        assert repo.leaves_of(NIP, date(2026, 3, 5), date(2026, 3, 8)) == ()

    def test_a_plan_reads_back_only_as_far_as_a_leave_can_last(self, repo: CalendarRepository) -> None:
        # GIVEN a leave of the longest length that still covers 2 March 2026, and an older one
        longest = cal.LeaveEntry(NIP, "U1", "C", date(2025, 3, 1), date(2026, 3, 2), "Cuti besar")
        assert (longest.end - longest.start).days == cal.MAX_LEAVE_DAYS
        repo.add_leave(longest, "admin")
        repo.add_leave(cal.LeaveEntry(NIP, "U1", "S", date(2025, 2, 28), date(2025, 3, 5), None), "admin")
        # WHEN the plans of 2 to 6 March are read, THEN they hold the one that can cover them, not the past
        covering = leave(cal.LeaveKind.CUTI, date(2025, 3, 1), date(2026, 3, 2))
        assert repo.employee_plan(staff(), date(2026, 3, 2), date(2026, 3, 6), []).leaves == (covering,)
        assert repo.unit_plans("U1", date(2026, 3, 2), date(2026, 3, 6), []).plan_for(NIP).leaves == (covering,)
        # AND a longer leave cannot be recorded at all (the use case answers 400 before)
        with pytest.raises(ValueError):
            cal.LeaveEntry(NIP, "U1", "C", date(2025, 2, 28), date(2026, 3, 2), None)

    def test_a_leave_recorded_again_under_its_id_is_refused_and_kept_once(self, repo: CalendarRepository) -> None:
        # GIVEN a leave recorded under an id its caller chose
        entry = cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 2), date(2026, 3, 4), None)
        assert repo.add_leave(entry, "admin", "l-00000000aa") == "l-00000000aa"
        # WHEN it is recorded again under that id (a retry), THEN the second write is refused and one leave stays
        with pytest.raises(ConditionFailed):
            repo.add_leave(entry, "other-admin", "l-00000000aa")
        stored = repo.get_leave("l-00000000aa")
        assert stored is not None and stored.created_by == "admin"
        assert [
            leave.leave_id for leave in repo.leaves_of_unit("U1", date(2026, 3, 1), date(2026, 3, 31), 10, None)[0]
        ] == ["l-00000000aa"]

    def test_a_leave_is_kept_with_its_audit_entry_and_a_retry_names_it_no_second_time(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a sick leave recorded with the entry naming it
        entry = cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 2), date(2026, 3, 4), None)

        def named() -> AuditBatch:
            return audit_log.stamped("admin", "leave.add", {NIP: {"leave_id": "l-00000000aa"}})

        repo.add_leave(entry, "admin", "l-00000000aa", named())
        # WHEN it is recorded again under its id (a retry whose first answer was lost), THEN it is refused whole
        with pytest.raises(ConditionFailed):
            repo.add_leave(entry, "admin", "l-00000000aa", named())
        # AND the log names the leave once
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("leave.add", NIP, {"leave_id": "l-00000000aa"})]

    def test_leaves_are_read_by_id_listed_per_unit_and_cancelled_once_with_their_entry(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN four leaves in U1 (one before the period, one after it) and one in U2
        march = [
            cal.LeaveEntry(NIP, "U1", "C", date(2026, 2, 20), date(2026, 2, 27), "Cuti"),
            cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 2), date(2026, 3, 4), None),
            cal.LeaveEntry(OTHER, "U1", "I", date(2026, 3, 5), date(2026, 3, 5), "Urusan"),
            cal.LeaveEntry(OTHER, "U1", "C", date(2026, 3, 20), date(2026, 3, 21), None),
            cal.LeaveEntry("X", "U2", "I", date(2026, 3, 5), date(2026, 3, 5), None),
        ]
        ids = [repo.add_leave(entry, "admin") for entry in march]
        stored = repo.get_leave(ids[1])
        assert stored is not None and (stored.nip, stored.unor_id, stored.kind, stored.start_date, stored.end_date) == (
            NIP, "U1", "S", "2026-03-02", "2026-03-04"
        ) and stored.created_by == "admin" and stored.cancelled_at is None  # fmt: skip
        assert repo.get_leave("l-unknown") is None

        def listed(limit: int) -> list[str]:
            found: list[str] = []
            cursor = None
            while True:
                rows, cursor = repo.leaves_of_unit("U1", date(2026, 3, 1), date(2026, 3, 10), limit, cursor)
                found += [r.leave_id for r in rows]
                if cursor is None:
                    return found

        # WHEN U1's leaves of 1-10 March are listed, THEN the two overlapping come by start date, in any page size
        assert listed(1) == listed(10) == [ids[1], ids[2]]
        # WHEN one is cancelled with its audit entry, THEN it is kept as cancelled but no longer listed nor planned
        at = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)
        assert repo.cancel_leave(ids[1], Decided("ops", None, at), leave_cancelled(audit_log)).leave_id == ids[1]
        cancelled = repo.get_leave(ids[1])
        assert cancelled is not None and (cancelled.cancelled_at, cancelled.cancelled_by) == (iso(at), "ops")
        assert listed(10) == [ids[2]]
        february = (leave(cal.LeaveKind.CUTI, date(2026, 2, 20), date(2026, 2, 27)),)
        assert repo.employee_plan(staff(), date(2026, 3, 2), date(2026, 3, 4), []).leaves == february
        assert repo.unit_plans("U1", date(2026, 3, 2), date(2026, 3, 4), []).plan_for(NIP).leaves == ()
        # AND cancelling it again, or an unknown leave, is refused whole: the log names the cancellation once
        for leave_id in (ids[1], "l-unknown"):
            with pytest.raises(ConditionFailed):
                repo.cancel_leave(leave_id, Decided("ops", None, at), leave_cancelled(audit_log))
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["leave.cancel"]

    def test_an_employee_s_leaves_are_listed_by_nip_whichever_unit_entered_them(self, repo: CalendarRepository) -> None:
        # GIVEN the employee's leaves entered in U1 and, after a move, in U2, and a colleague's
        entries = [
            cal.LeaveEntry(NIP, "U1", "C", date(2026, 2, 20), date(2026, 2, 27), "Cuti"),
            cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 2), date(2026, 4, 10), None),
            cal.LeaveEntry(NIP, "U2", "I", date(2026, 3, 20), date(2026, 3, 20), None),
            cal.LeaveEntry(OTHER, "U1", "I", date(2026, 3, 5), date(2026, 3, 5), None),
        ]
        ids = [repo.add_leave(entry, "admin") for entry in entries]
        # WHEN those overlapping March are read, THEN they come as stored, by start date, whichever unit
        found = repo.stored_leaves_of(NIP, date(2026, 3, 1), date(2026, 3, 31))
        assert [(s.leave_id, s.unor_id, s.start_date, s.end_date) for s in found] == [
            (ids[1], "U1", "2026-03-02", "2026-04-10"),
            (ids[2], "U2", "2026-03-20", "2026-03-20"),
        ]
        # AND a cancelled one no longer
        repo.cancel_leave(ids[2], Decided("ops", None, datetime(2026, 3, 3, 2, 0, tzinfo=UTC)))
        assert [s.leave_id for s in repo.stored_leaves_of(NIP, date(2026, 3, 15), date(2026, 3, 31))] == [ids[1]]

    def test_a_plan_keeps_the_given_duties_not_ended_before_its_start(self, repo: CalendarRepository) -> None:
        duties = [duty(NIP, "2026-03-01", "2026-03-07"), duty(NIP, "2026-03-05", "2026-03-12")]
        plan = repo.employee_plan(staff(), date(2026, 3, 8), date(2026, 3, 10), duties)
        assert plan.field_duties == (cal.DateRange(date(2026, 3, 5), date(2026, 3, 12)),)

    # --- the employee's `plan_until` hint ----------------------------------------------------------------

    def test_each_own_write_moves_the_employee_s_hint_only_later(
        self, repo: CalendarRepository, people: PeopleRepository, seed_employee: SeedEmployee
    ) -> None:
        # GIVEN an employee with nothing of their own planned, one whose hint is later, one without a hint
        third = "199103032016041003"
        seed_employee(NIP, plan_until=NO_OWN_PLAN)
        seed_employee(OTHER, plan_until="2026-12-31")
        seed_employee(third, plan_until=None)

        def hints() -> dict[str, str | None]:
            return {nip: getattr(people.get_employee(nip), "plan_until", "?") for nip in (NIP, OTHER, third)}

        # WHEN each gets a leave ending 6 March, THEN only the earlier hint moves to its end; an absent one stays
        for nip in (NIP, OTHER, third):
            repo.add_leave(cal.LeaveEntry(nip, "U1", "C", date(2026, 3, 2), date(2026, 3, 6), None), "admin")
        assert hints() == {NIP: "2026-03-06", OTHER: "2026-12-31", third: None}
        # WHEN the employee gets roster days, THEN the hint moves to the last of them, never back
        repo.put_shifts(NIP, "U1", {date(2026, 3, 10): NIGHT, date(2026, 3, 3): None}, "admin")
        repo.put_shifts(NIP, "U1", {date(2026, 3, 4): NIGHT}, "admin")
        repo.put_shifts(NIP, "U1", {}, "admin")
        assert hints()[NIP] == "2026-03-10"
        # WHEN the unit gets a version, THEN no hint moves; WHEN the employee gets an own one, THEN theirs never ends
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 3, 1), OFFICE, "admin"))
        assert hints() == {NIP: "2026-03-10", OTHER: "2026-12-31", third: None}
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 4, 1), SHORT, "admin", personal_unit="U1")
        )
        assert hints() == {NIP: FOREVER, OTHER: "2026-12-31", third: None}
        # AND a write for an employee the people repository does not know leaves it unknown
        repo.add_leave(cal.LeaveEntry("X", "U1", "I", date(2026, 3, 2), date(2026, 3, 2), None), "admin")
        assert people.get_employee("X") is None

    def test_the_hint_spares_the_own_reads_only_when_it_ends_before_the_plan(self, repo: CalendarRepository) -> None:
        # GIVEN a unit version, an own version, a roster day and a leave of the employee, and a duty
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 3, 1), OFFICE, "admin"))
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 1), SHORT, "admin", personal_unit="U1")
        )
        repo.put_shifts(NIP, "U1", {date(2026, 3, 3): NIGHT}, "admin")
        repo.add_leave(cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 2), date(2026, 3, 4), None), "admin")
        duties = [duty(NIP, "2026-03-01", "2026-03-07")]
        start, end = date(2026, 3, 2), date(2026, 3, 3)
        full = repo.employee_plan(staff(), start, end, duties)
        assert full.own_versions and full.shifts and full.leaves and full.unit_versions and full.field_duties
        # THEN a record whose hint ends before the plan's first day reads only the unit's part and the duties
        spared = repo.employee_plan(staff(plan_until="2026-03-01"), start, end, duties)
        assert spared == cal.EmployeePlan(unit_versions=full.unit_versions, field_duties=full.field_duties)
        # AND a hint reaching that day, or none, reads everything
        assert repo.employee_plan(staff(plan_until="2026-03-02"), start, end, duties) == full
        assert repo.employee_plan(staff(plan_until=FOREVER), start, end, duties) == full

    def test_unit_plans_hold_each_employee_s_part(self, repo: CalendarRepository) -> None:
        # GIVEN a unit version, an own version, rosters, leaves and duties of two employees of U1 and one of U2
        start, end = date(2026, 3, 9), date(2026, 3, 11)
        repo.add_schedule_version(cal.NewScheduleVersion(unit_owner("U1"), date(2026, 3, 1), OFFICE, "admin"))
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2026, 3, 2), SHORT, "admin", personal_unit="U1")
        )
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner("X"), date(2026, 3, 2), SHORT, "admin", personal_unit="U2")
        )
        repo.put_shifts(OTHER, "U1", {date(2026, 3, 8): NIGHT, date(2026, 3, 10): NIGHT, date(2026, 3, 11): None},
                        "admin")  # fmt: skip
        repo.put_shifts("X", "U2", {date(2026, 3, 10): NIGHT}, "admin")
        repo.add_leave(cal.LeaveEntry(NIP, "U1", "C", date(2026, 3, 2), date(2026, 3, 8), None), "admin")
        repo.add_leave(cal.LeaveEntry(NIP, "U1", "S", date(2026, 3, 11), date(2026, 3, 13), None), "admin")
        repo.add_leave(cal.LeaveEntry(OTHER, "U1", "I", date(2026, 3, 9), date(2026, 3, 9), None), "admin")
        repo.add_leave(cal.LeaveEntry("X", "U2", "I", date(2026, 3, 9), date(2026, 3, 9), None), "admin")
        duties = [duty(NIP, "2026-03-01", "2026-03-08"), duty(OTHER, "2026-03-10", "2026-03-20")]
        # WHEN the unit's plans of 9 to 11 March are read
        plans = repo.unit_plans("U1", start, end, duties)
        # THEN each employee's plan holds their part within the range, and the unit's versions
        unit_versions = tuple(version(e) for e in repo.schedule_history(unit_owner("U1")))
        own = tuple(version(e) for e in repo.schedule_history(employee_owner(NIP)))
        assert plans.plan_for(NIP) == cal.EmployeePlan(
            unit_versions, own, {}, (leave(cal.LeaveKind.SAKIT, date(2026, 3, 11), date(2026, 3, 13)),), ()
        )
        assert plans.plan_for(OTHER) == cal.EmployeePlan(
            unit_versions,
            (),
            {date(2026, 3, 10): NIGHT, date(2026, 3, 11): None},
            (leave(cal.LeaveKind.IZIN, date(2026, 3, 9), date(2026, 3, 9)),),
            (cal.DateRange(date(2026, 3, 10), date(2026, 3, 20)),),
        )
        # AND an employee of another unit has only U1's versions there
        assert plans.plan_for("X") == cal.EmployeePlan(unit_versions)

    def test_unit_plans_hold_the_roster_days_of_their_range_and_every_own_version(
        self, repo: CalendarRepository
    ) -> None:
        # GIVEN a year and more of one employee's roster in U1 (a night, a day off, a night, ...), one date of the
        # range removed again, an own version of theirs from two years before, an own version of another employee
        # of U1 that takes effect inside the range, and a roster day of someone of U2 in the range
        first = date(2025, 3, 1)
        history = [first + timedelta(days=d) for d in range(380)]
        put_in_parts(repo, NIP, {day: (NIGHT, None)[i % 2] for i, day in enumerate(history)})
        assert repo.remove_shift(NIP, date(2026, 3, 3), "admin") is True
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(NIP), date(2024, 3, 1), SHORT, "admin", personal_unit="U1")
        )
        repo.add_schedule_version(
            cal.NewScheduleVersion(employee_owner(OTHER), date(2026, 3, 3), SHORT, "admin", personal_unit="U1")
        )
        repo.put_shifts("X", "U2", {date(2026, 3, 3): NIGHT}, "admin")
        # WHEN the unit's plans of 2 to 4 March 2026 are read
        plans = repo.unit_plans("U1", date(2026, 3, 2), date(2026, 3, 4), [])
        # THEN the employee's plan holds the roster days of those dates only (the removed one not), and the own
        # versions of both employees, however old, none of them read as a roster day
        assert dict(plans.plan_for(NIP).shifts) == {date(2026, 3, 2): NIGHT, date(2026, 3, 4): NIGHT}
        assert plans.plan_for(NIP).own_versions == tuple(version(e) for e in repo.schedule_history(employee_owner(NIP)))
        assert dict(plans.plan_for(OTHER).shifts) == {}
        assert plans.plan_for(OTHER).own_versions == tuple(
            version(e) for e in repo.schedule_history(employee_owner(OTHER))
        )
        assert plans.plan_for("X") == cal.EmployeePlan()
        # AND a range before the roster began, or after it ended, holds no roster day
        assert repo.unit_plans("U1", date(2025, 2, 1), date(2025, 2, 28), []).shifts == {}
        assert repo.unit_plans("U1", date(2026, 3, 16), date(2026, 3, 31), []).shifts == {}

    # --- holidays and Ramadan ------------------------------------------------------------------------

    def test_holidays_are_listed_by_date_within_their_year(self, repo: CalendarRepository) -> None:
        # GIVEN holidays of two years, one day written twice
        assert repo.put_holiday(date(2026, 8, 17), "HUT RI", "national") is None
        repo.put_holiday(date(2026, 1, 1), "Tahun Baru", "national")
        repo.put_holiday(date(2027, 1, 1), "Tahun Baru", "national")
        replaced = repo.put_holiday(date(2026, 8, 17), "Hari Kemerdekaan", "cuti_bersama")
        # THEN the second write of a day answers the holiday it replaced (its audit entry's `before`)
        assert replaced == cal.Holiday(date(2026, 8, 17), "HUT RI", cal.HolidayKind.NATIONAL)
        # THEN a year lists its own, by date, as last written
        assert repo.holidays_of_year(2026) == [
            cal.Holiday(date(2026, 1, 1), "Tahun Baru", cal.HolidayKind.NATIONAL),
            cal.Holiday(date(2026, 8, 17), "Hari Kemerdekaan", cal.HolidayKind.CUTI_BERSAMA),
        ]
        assert repo.holidays_of_year(2027) == [cal.Holiday(date(2027, 1, 1), "Tahun Baru")]

    def test_a_holiday_is_written_with_its_audit_entry_naming_the_holiday_it_replaced(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN 17 August a national holiday
        repo.put_holiday(date(2026, 8, 17), "HUT RI", "national")

        def entry(replaced: cal.Holiday | None) -> AuditBatch:
            before = replaced.name if replaced is not None else None
            return audit_log.stamped("admin", "holiday.put", {"2026-08-17": {"before": before}})

        # WHEN it is replaced with the audit entry built from the holiday the write replaces
        repo.put_holiday(date(2026, 8, 17), "Kemerdekaan", "cuti_bersama", entry)
        # THEN the change and its entry are both kept, the entry naming the holiday that stood before
        assert [h.name for h in repo.holidays_of_year(2026)] == ["Kemerdekaan"]
        logged = audit_log.entries_of_day(AUDIT_START.date())
        assert [(e.action, e.target, e.detail) for e in logged] == [("holiday.put", "2026-08-17", {"before": "HUT RI"})]

    def test_a_deleted_holiday_is_gone_named_with_its_entry_and_deleting_nothing_names_nothing(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        def named(held: cal.Holiday) -> AuditBatch:
            return audit_log.stamped("admin", "holiday.delete", {held.day.isoformat(): {"name": held.name}})

        # GIVEN New Year's Day, WHEN it is deleted with the entry naming it, THEN it answers the holiday deleted
        repo.put_holiday(date(2026, 1, 1), "Tahun Baru", "national")
        assert repo.delete_holiday(date(2026, 1, 1), named) == cal.Holiday(date(2026, 1, 1), "Tahun Baru")
        assert repo.holidays_of_year(2026) == []
        # AND deleting it again finds nothing and names nothing: the log names the one deletion
        assert repo.delete_holiday(date(2026, 1, 1), named) is None
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("holiday.delete", "2026-01-01", {"name": "Tahun Baru"})]

    def test_the_regency_calendar_holds_the_years_holidays_and_every_ramadan(self, repo: CalendarRepository) -> None:
        # GIVEN holidays of three years and two Ramadan periods, one of them rewritten
        for year in (2025, 2026, 2027):
            repo.put_holiday(date(year, 1, 1), "Tahun Baru", "national")
        repo.put_ramadan(cal.DateRange(date(2027, 2, 8), date(2027, 3, 9)), "admin")
        repo.put_ramadan(cal.DateRange(date(2026, 2, 17), date(2026, 3, 18)), "admin")
        repo.put_ramadan(cal.DateRange(date(2026, 2, 18), date(2026, 3, 19)), "admin")
        # WHEN the calendar of 2026 and 2027 is read
        calendar = repo.regency_calendar([2027, 2026, 2026])
        # THEN it holds those years' holidays and every Ramadan, by year, as last written
        assert calendar == cal.RegencyCalendar.of(
            (cal.Holiday(date(2026, 1, 1), "Tahun Baru"), cal.Holiday(date(2027, 1, 1), "Tahun Baru")),
            (
                cal.RamadanPeriod(cal.DateRange(date(2026, 2, 18), date(2026, 3, 19))),
                cal.RamadanPeriod(cal.DateRange(date(2027, 2, 8), date(2027, 3, 9))),
            ),
        )
        assert repo.cached_regency_calendar([2026, 2027]) == calendar

    def test_a_ramadan_period_answers_the_one_it_replaces_and_a_retry_the_same(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        first, moved = (
            cal.DateRange(date(2026, 2, 17), date(2026, 3, 18)),
            cal.DateRange(date(2026, 2, 1), date(2026, 2, 20)),
        )

        named = period_named(audit_log, "ramadan.put")
        # GIVEN no period of 2026 yet: the first replaces none
        assert repo.put_ramadan(first, "admin", named) is None
        # WHEN it is moved THEN the move answers the period it replaced, which its entry names
        assert repo.put_ramadan(moved, "admin", named) == first
        # WHEN the same move is written again (the retry of one whose re-run failed) THEN it answers that one still,
        # and is named no second time
        assert repo.put_ramadan(moved, "admin", named) == first
        logged = [e.detail for e in audit_log.entries_of_day(AUDIT_START.date())]  # one instant: in any order
        assert sorted(logged, key=str) == [{"period": "2026-02-17"}, {"period": None}]
        # AND the calendar holds the move alone; another year's period replaces none of 2026's
        assert repo.regency_calendar([2026]).ramadan == (cal.RamadanPeriod(moved),)
        assert repo.put_ramadan(cal.DateRange(date(2027, 2, 8), date(2027, 3, 9)), "admin") is None
        # AND moving it on answers the move, not the first
        assert repo.put_ramadan(first, "admin") == moved

    def test_a_year_holds_a_ramadan_starting_in_january_and_another_in_december(self, repo: CalendarRepository) -> None:
        # GIVEN 2030's two Ramadans (1451 H from about 5 January, 1452 H from about 25 December)
        january = cal.DateRange(date(2030, 1, 5), date(2030, 2, 3))
        december, moved = (
            cal.DateRange(date(2030, 12, 25), date(2031, 1, 23)),
            cal.DateRange(date(2030, 12, 26), date(2031, 1, 24)),
        )
        assert repo.put_ramadan(january, "admin") is None
        # WHEN December's is set, THEN it replaces nothing and both stand
        assert repo.put_ramadan(december, "admin") is None
        assert repo.regency_calendar([2030]).ramadan == (cal.RamadanPeriod(january), cal.RamadanPeriod(december))
        # AND moving December's replaces December's only
        assert repo.put_ramadan(moved, "admin") == december
        assert repo.regency_calendar([2030]).ramadan == (cal.RamadanPeriod(january), cal.RamadanPeriod(moved))

    def test_a_ramadan_typed_months_off_corrects_its_year_s_period_instead_of_adding_one(
        self, repo: CalendarRepository
    ) -> None:
        # GIVEN 2027's Ramadan from 8 February
        february = cal.DateRange(date(2027, 2, 8), date(2027, 3, 9))
        repo.put_ramadan(february, "admin")
        # WHEN a period is typed with its day and month swapped (2 August): no second Ramadan of 2027 is that near
        swapped = cal.DateRange(date(2027, 8, 2), date(2027, 8, 31))
        # THEN it replaces February's (the stored period shows it, to be corrected again), as one a year did
        assert repo.put_ramadan(swapped, "admin") == february
        assert repo.regency_calendar([2027]).ramadan == (cal.RamadanPeriod(swapped),)
        assert repo.put_ramadan(february, "admin") == swapped
        assert repo.regency_calendar([2027]).ramadan == (cal.RamadanPeriod(february),)

    def test_a_ramadan_period_is_removed_by_its_first_day(
        self, repo: CalendarRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN 2028's Ramadan and a period saved beside it by mistake (December typed for January)
        january, typo = (
            cal.DateRange(date(2028, 1, 28), date(2028, 2, 25)),
            cal.DateRange(date(2028, 12, 28), date(2029, 1, 25)),
        )
        repo.put_ramadan(january, "admin")
        repo.put_ramadan(typo, "admin")
        assert repo.cached_regency_calendar([2028]).ramadan == (cal.RamadanPeriod(january), cal.RamadanPeriod(typo))

        named = period_named(audit_log, "ramadan.delete")
        # WHEN the mistaken one is removed by its first day, with the entry naming it, THEN it answers it and the
        # year holds its own alone
        assert repo.delete_ramadan(date(2028, 12, 28), named) == typo
        assert repo.cached_regency_calendar([2028]).ramadan == (cal.RamadanPeriod(january),)
        # AND a day no period starts on removes nothing and names nothing
        assert repo.delete_ramadan(date(2028, 12, 28), named) is None
        assert repo.delete_ramadan(date(2028, 1, 29), named) is None
        assert repo.regency_calendar([2028]).ramadan == (cal.RamadanPeriod(january),)
        logged = [(e.action, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("ramadan.delete", {"period": "2028-12-28"})]

    def test_the_cached_calendar_sees_this_process_s_writes(self, repo: CalendarRepository) -> None:
        # GIVEN the cached calendar read once
        assert repo.cached_regency_calendar([2026]) == cal.RegencyCalendar()
        # WHEN a holiday is put, THEN the cached read holds it; WHEN deleted, no longer
        repo.put_holiday(date(2026, 1, 1), "Tahun Baru", "national")
        assert repo.cached_regency_calendar([2026]) == cal.RegencyCalendar.of(
            (cal.Holiday(date(2026, 1, 1), "Tahun Baru"),)
        )
        repo.delete_holiday(date(2026, 1, 1))
        assert repo.cached_regency_calendar([2026]) == cal.RegencyCalendar()
        # AND a Ramadan period reaches it too
        repo.put_ramadan(cal.DateRange(date(2026, 2, 18), date(2026, 3, 19)), "admin")
        assert repo.cached_regency_calendar([2026]).ramadan_on(date(2026, 3, 1)) is not None
