"""Judging days from stored data: the check-in answer, the daily recap, the live monitor, the month.

This module loads plain data from the store and hands it to the pure rules (calendar, classify, monthly).
Reads go per unit and per local date (events through the ``by_unit_date`` index, statuses through the
``unit_month`` partition), so a recap never scans a table.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from time import monotonic
from typing import Any, TypeVar, cast

from chalicelib import runtime
from chalicelib.attendance.calendar import DayPlan, plan_day
from chalicelib.attendance.classify import (
    MONITOR_KEYS,
    AttendanceEvent,
    DayInputs,
    EventState,
    Judgement,
    as_it_stands,
    as_recapped,
    assign_events,
    classify_period,
    counting_plan,
    judge_answer,
    live_inputs,
    marks_so_far,
    monitor_state,
)
from chalicelib.attendance.punches import FINGERPRINT
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.attendance import REVOKE, Duty, Event
from chalicelib.domain.calendar import MAX_LEAVE_DAYS, EmployeePlan, RegencyCalendar, UnitPlans
from chalicelib.domain.people import AttemptClaim, Employee, Member, recorded_day
from chalicelib.domain.schedule import ScheduleVersion
from chalicelib.domain.status import DayStatus, EventKind
from chalicelib.observability import logger
from chalicelib.settings import Settings
from chalicelib.store.base import parse_iso
from chalicelib.store.cache import TtlCache
from chalicelib.store.calendar import duty_ranges
from chalicelib.store.events import MISSING_DIGEST, DayDigest, DayEvent
from chalicelib.store.people import cached_members_of_unit
from chalicelib.usecases import turns
from chalicelib.usecases.schemas.reports import DailyRecapItem, Monitor, MonitorItem, RecapRun

NEIGHBOURS = (-1, 0, 1)  # night shifts: a day's events may fall on the local dates around it
UNIT_WORKERS = 8
FRAME_TTL_S = 300  # the regency's unit list (with names) is read again after this many seconds
T = TypeVar("T")


def _state(m: DayEvent) -> EventState | None:
    if m.status == "accepted":
        return EventState.REJECTED if m.decision == REVOKE else EventState.ACCEPTED
    if m.status != "review":
        return None
    return {"approve": EventState.APPROVED, "reject": EventState.REJECTED}.get(str(m.decision), EventState.PENDING)


def counts(m: DayEvent) -> bool:
    """Whether an app event counts as attendance: accepted and not revoked, or approved in review."""
    state = _state(m)
    return state is not None and state.counts


def to_events(rows: Iterable[DayEvent], cutover: date | None = None) -> list[AttendanceEvent]:
    """The events a day's judgement counts. App events by their type and review state; fingerprint punches
    untyped (the working day they fall in types them: classify `_typed`), each with the unit's cut-over to the
    app: it counts only for a working day before it (`classify.before_cutover`: a night shift begun the evening
    before keeps its 07:05 check-out of the cut-over date)."""
    out = []
    for m in rows:
        if m.source == FINGERPRINT:
            out.append(AttendanceEvent(None, m.attendance_time, cutover=cutover))
            continue
        state = _state(m)
        if state is not None and m.type in ("in", "out"):
            out.append(AttendanceEvent("in" if m.type == "in" else "out", m.attendance_time, state))
    return out


def _plans(day: date, calendar: RegencyCalendar, plan: EmployeePlan, rules: RuleTable) -> list[DayPlan]:
    return [plan_day(day + timedelta(days=d), calendar, plan, rules) for d in NEIGHBOURS]


@dataclass(frozen=True)
class CountedAnswer:
    """A check-in's answer and the working day it counts for (`counted_answer`)."""

    judgement: Judgement
    day: date  # the day whose plan holds it (`counting_plan`), or the local date of the event when none does


def counted_answer(
    employee: Employee, kind: str, at: datetime, settings: Settings, duties: Sequence[Duty] | None = None
) -> CountedAnswer:
    """Late/early minutes and category for the check-in answer, under the schedule in force on the day it counts
    for, and that day: the date of `at`, the day before while that day's night shift holds it, or the day after
    for an arrival before midnight at a shift from midnight (`judge_answer`). The day is the one the recap
    counts the event on: an arrival is the first of that day's shift, not of its calendar date.

    `duties`: the employee's field-duty rows of the date of `at` when the check-in has read them already.
    """
    rules = runtime.rule_table(settings)
    day = at.astimezone(rules.tz).date()
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    if duties is None:
        duties = runtime.zones().duties_of_employee(employee, day)
    plan = runtime.calendar().employee_plan(employee, before, after, duties)
    calendar = runtime.calendar().cached_regency_calendar({before.year, after.year})
    plans = [plan_day(d, calendar, plan, rules) for d in (before, day, after)]
    event_kind: EventKind = "in" if kind == "in" else "out"
    counted = counting_plan(event_kind, at, plans, rules)
    return CountedAnswer(judge_answer(event_kind, at, plans, rules), counted.day if counted else day)


def day_event(e: Event) -> DayEvent:
    """What judging a day reads of an employee's stored event."""
    return DayEvent(e.nip, e.type, e.status, e.decision, parse_iso(str(e.attendance_time)), e.source)


# --- one employee's day so far -------------------------------------------------------------------------

NOT_YET = "BELUM"  # no check-in yet while the day's hours are not over


@dataclass(frozen=True)
class DaySoFar:
    status: str  # a daily recap code, or NOT_YET
    state: str  # the live monitor's state (classify.monitor_state)


def _employee_plans(employee: Employee, day: date, rules: RuleTable) -> list[DayPlan]:
    """The employee's plans of `day` and its neighbours (their leaves, field duties, roster and unit hours)."""
    duties = runtime.zones().duties_of_employee(employee, day)
    plan = runtime.calendar().employee_plan(employee, day - timedelta(days=1), day + timedelta(days=1), duties)
    calendar = runtime.calendar().cached_regency_calendar({(day + timedelta(days=d)).year for d in NEIGHBOURS})
    return _plans(day, calendar, plan, rules)


def day_plan(employee: Employee, day: date, settings: Settings) -> DayPlan:
    """The employee's plan of `day` (hours, leave, field duty, holiday)."""
    return _employee_plans(employee, day, runtime.rule_table(settings))[1]


def counted_on(employee: Employee, day: date, kind: str, at: datetime, settings: Settings) -> DayPlan | None:
    """The plan of the day, of `day` and its neighbours, that an event of `kind` at `at` counts for as the daily
    recap gives it (`assign_events`: a working day's window before a day off's); None when none holds it."""
    rules = runtime.rule_table(settings)
    return counting_plan("in" if kind == "in" else "out", at, _employee_plans(employee, day, rules), rules)


def judged_so_far(
    employee: Employee, events: Sequence[Event], now: datetime, settings: Settings
) -> list[AttendanceEvent]:
    """The employee's events recorded up to `now`, as a day's judgement counts them (one read: their unit's
    cut-over)."""
    so_far = (day_event(e) for e in events if e.attendance_time and parse_iso(e.attendance_time) <= now)
    return to_events(so_far, runtime.timeclock().cutover_of(employee.unor_id))


@dataclass(frozen=True)
class WorkingDay:
    """The local date whose shift an employee is in (`working_day`), with its plans and its neighbours'."""

    plans: list[DayPlan]  # the day before, the day, the day after

    @property
    def plan(self) -> DayPlan:
        return self.plans[1]

    def closes_at(self, rules: RuleTable) -> datetime:
        """The end of the day's window: until then a check-in or check-out counts for this day."""
        return self.plan.window(rules)[1]

    def so_far(self, judged: Sequence[AttendanceEvent], now: datetime, rules: RuleTable) -> DaySoFar:
        """The day's status judged as the daily recap judges it (classify_period on the day and its neighbours)
        from the events recorded up to `now` (`judged`: the employee's around the day, `judged_so_far`): the code a
        recap run at `now` would store (`as_it_stands`). Before the day's hours are over a missing check-in is
        NOT_YET (not TK), and so is one still in review (the monitor's `state` counts it; the recap does not
        until approved), and a missing check-out no PSW yet."""
        status = as_it_stands(classify_period(self.plans, judged, rules)[1], self.plan, now, rules)
        state = monitor_state(DayInputs(self.plan, assign_events(self.plans, judged, rules)[1]), now, rules)
        return DaySoFar(status.status if status is not None else NOT_YET, state)

    def punch_marks(
        self, judged: Sequence[AttendanceEvent], now: datetime, rules: RuleTable
    ) -> tuple[datetime | None, datetime | None]:
        """The check-in and check-out the day's machine punches make, typed as the day types them (a night
        shift's 07:05 punch is its end, not the new date's arrival)."""
        punches = [e for e in assign_events(self.plans, judged, rules)[1] if e.kind is None]
        return marks_so_far(punches, self.plan, rules, now)


def working_day(
    employee: Employee,
    judged: Sequence[AttendanceEvent],
    now: datetime,
    settings: Settings,
    *,
    early_outs: Collection[datetime] = (),
) -> WorkingDay:
    """The day whose shift the employee is in at `now`: today; or the day before while its night shift, which
    they checked in for, waits for its check-out and its window still holds `now` (after midnight the app offers
    "Absen Pulang" for it, not "Absen Masuk" for the new date; also after a check-out answered early, at
    `early_outs`: a later one replaces it, decision 483); or tomorrow once its shift's window has opened and
    today's has closed (a shift from midnight, checked in for at 23:45). `judged`: their events from the day
    before yesterday on (`judged_so_far`). One read of today's plans (with its neighbours'); the day before's
    again only for an arrival before today's window with no departure after it but early ones, tomorrow's only
    once its window holds `now`."""
    rules = runtime.rule_table(settings)
    today = WorkingDay(_employee_plans(employee, now.astimezone(rules.tz).date(), rules))
    night = _night_before(employee, today, judged, now, rules, early_outs=early_outs)
    if night is not None:
        return night
    ahead = today.plans[2]
    closed = today.plan.hours is None or now >= today.closes_at(rules)
    if closed and ahead.hours is not None and ahead.window(rules)[0] <= now:
        return WorkingDay(_employee_plans(employee, ahead.day, rules))
    return today


def _night_before(
    employee: Employee,
    today: WorkingDay,
    judged: Sequence[AttendanceEvent],
    now: datetime,
    rules: RuleTable,
    *,
    early_outs: Collection[datetime],
) -> WorkingDay | None:
    """The day before, while its shift (checked in for, not yet out but early) holds `now`. Its arrivals are those
    from the start of that date to the opening of today's window (all of today on a day off): a late arrival after
    midnight for a shift of the evening before is that shift's (decision 294)."""
    before = today.plan.day - timedelta(days=1)
    since = datetime.combine(before, time(0, 0), tzinfo=rules.tz)
    until = today.plan.window(rules)[0] if today.plan.hours is not None else today.closes_at(rules)
    counted = [e for e in judged if e.state != EventState.REJECTED]
    arrivals = [e.at for e in counted if e.kind != "out" and since <= e.at < until]
    if not arrivals or any(e.kind != "in" and e.at > max(arrivals) and e.at not in early_outs for e in counted):
        return None
    night = WorkingDay(_employee_plans(employee, before, rules))
    begin, end = night.plan.window(rules)
    check_in, check_out = marks_so_far(assign_events(night.plans, counted, rules)[1], night.plan, rules)
    not_left = check_out is None or check_out in early_outs
    if night.plan.hours is not None and begin <= now < end and check_in is not None and not_left:
        return night
    return None


# --- a unit's day ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EmployeeDay:
    employee: Member
    plans: list[DayPlan]  # the day and its neighbours
    events: list[AttendanceEvent]  # every event read for the day (its window may reach a neighbouring date)
    by_plan: list[list[AttendanceEvent]]  # `events` given to each of `plans` (assign_events)

    @property
    def inputs(self) -> DayInputs:
        """The day itself, with the events that belong to it."""
        return DayInputs(self.plans[1], self.by_plan[1])

    def live(self, now: datetime, rules: RuleTable) -> DayInputs:
        """What the live monitor shows of the employee at `now` (`live_inputs`)."""
        return live_inputs(self.plans, self.by_plan, now, rules)


def _window_dates(plan: DayPlan, rules: RuleTable) -> set[date]:
    """Local dates that the window of `plan` touches: its own, and the next one for a night shift."""
    begin, end = plan.window(rules)
    first = begin.astimezone(rules.tz).date()
    last = (end - timedelta(microseconds=1)).astimezone(rules.tz).date()
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def _dates_read(day: date, day_plans: Iterable[list[DayPlan]], rules: RuleTable) -> frozenset[date]:
    """The local dates whose events a unit's day needs: those its employees' windows of the day touch, and those of
    a night shift of the day before that runs into it (the live monitor shows that shift after midnight,
    `live_inputs`; its check-in is on the day before)."""
    dates = {day}
    seen: dict[tuple[DayPlan, DayPlan], set[date]] = {}  # employees share a handful of plans
    for plans in day_plans:
        pair = (plans[0], plans[1])
        if pair not in seen:
            before = _window_dates(plans[0], rules)
            seen[pair] = _window_dates(plans[1], rules) | (before if day in before else set())
        dates |= seen[pair]
    return frozenset(dates)


def _events_by_nip(unor_id: str, dates: Iterable[date], *, current: bool = False) -> dict[str, list[DayEvent]]:
    """The unit's events of these dates by NIP; `current`: with every one recorded by then (a run that stores the
    day waits for the index, `EventsRepository.events_of_unit_day`; a live view does not)."""
    by_nip: dict[str, list[DayEvent]] = {}
    events = runtime.events()
    for local_date in sorted(dates):
        for row in events.events_of_unit_day(unor_id, local_date.isoformat(), current=current):
            by_nip.setdefault(row.nip, []).append(row)
    return by_nip


def _unit_plans(unor_id: str, start: date, end: date) -> UnitPlans:
    """The unit's plans between two dates, with its field duties on any of them (a duty that ends on `start`
    or the day itself counts there too)."""
    return runtime.calendar().unit_plans(unor_id, start, end, runtime.zones().duties_of_unit(unor_id, start, end))


@dataclass(frozen=True)
class UnitFrame:
    """What a unit's day is judged against, before any event: its followed (active) members, each one's plans
    of the day and its neighbours, and the local dates whose events those windows reach (the day included)."""

    employees: list[Member]
    day_plans: dict[str, list[DayPlan]]
    dates: frozenset[date]
    cutover: date | None = None  # the unit's cut-over to the app: fingerprint punches from then on do not count
    # Events of the dates that its employees made under another unit around a move on one of them (members who
    # moved in, before the move; former members, after it: `_left_behind`): read once with the frame.
    carried: Mapping[str, tuple[DayEvent, ...]] = field(default_factory=dict)
    # NIPs whose status of the day the unit stored is void (`_former_members`): a move recorded that day made the
    # day another unit's, or a deactivation recorded that day ended it. A recap deletes their rows here.
    dropped: frozenset[str] = frozenset()
    # The summary's frame of a day already over (`before_today`): members SMART began to follow only after the day
    # and whom the unit did not judge on it. They count only once they have an event of the day (a machine log
    # imported, a correction approved later than the frame was built), as the day's recap judges them (decision 134).
    on_trace: frozenset[str] = frozenset()
    # The summary's frame of a day already over: its employees are judged on what its recap counts (`as_recapped`).
    past: bool = False
    # The regency summary's memo of judgements made with this frame (see _judged_state).
    memo: dict[tuple[object, ...], Any] = field(default_factory=dict, compare=False, repr=False)


def _frame(
    day: date,
    members: Sequence[Member],
    plans: UnitPlans,
    settings: Settings,
    cutover: date | None,
    *,
    calendar: RegencyCalendar | None = None,
    known: frozenset[str] | None = None,
    former: Former | None = None,
    as_written: AsWritten | None = None,
) -> UnitFrame:
    """`calendar`: the regency calendar of the day's years, when read already (else as read a minute ago).
    The unit's members judged on `day` (`Member.judged_again_on`: active then, not moved in after it (the day
    was their old unit's), and, on a re-run, judged by the earlier run, with an event of the day, or followed
    by then: `known` holds those NIPs), and `former` members (`_former_members`) with their own plans; those
    `as_written` gives are read again (`_plans_as_written`)."""
    rules = runtime.rule_table(settings)
    if calendar is None:
        calendar = runtime.calendar().cached_regency_calendar({(day + timedelta(days=d)).year for d in NEIGHBOURS})
    employees = [e for e in members if e.judged_again_on(day, rules.tz, known)]
    plans = _movers_follow(plans, employees, day, rules.tz)
    own = {e.nip: plans.plan_for(e.nip) for e in employees}
    for nip, (member, plan) in (former.members if former else {}).items():
        employees.append(member)
        own[nip] = plan
    if as_written is not None:
        own.update(as_written(own.keys(), plans.unit_versions))
    day_plans = {nip: _plans(day, calendar, plan, rules) for nip, plan in own.items()}
    dates = _dates_read(day, day_plans.values(), rules)
    dropped = former.dropped if former else frozenset()
    return UnitFrame(employees, day_plans, dates, cutover, dropped=dropped)


def _movers_follow(plans: UnitPlans, members: Sequence[Member], day: date, tz: tzinfo) -> UnitPlans:
    """Leaves and field duties follow the employee: the unit's plans read them by the unit they were entered
    in, so those of members who moved in (a maternity leave or a letter from the old school) are read by NIP
    too, while one entered before the move can still cover `day` (neither lasts more than MAX_LEAVE_DAYS).
    Their own schedule versions and roster days stay with the unit they were written for."""
    since = day - timedelta(days=MAX_LEAVE_DAYS)
    movers = [m.nip for m in members if (moved := m.moved_on(tz)) is not None and moved >= since]
    if not movers:
        return plans
    leaves, duties = dict(plans.leaves), dict(plans.duties)
    for nip in movers:
        found = runtime.calendar().leaves_of(nip, day - timedelta(days=1), day + timedelta(days=1))
        leaves[nip] = list(dict.fromkeys([*leaves.get(nip, ()), *found]))
        ranges = duty_ranges(runtime.zones().duties_of(nip, day), day)
        duties[nip] = list(dict.fromkeys([*duties.get(nip, ()), *ranges]))
    return replace(plans, leaves=leaves, duties=duties)


# The plans of a change's employees among those judged (NIPs), under the unit's versions, read as written.
AsWritten = Callable[[Iterable[str], tuple[ScheduleVersion, ...]], dict[str, EmployeePlan]]


def _plans_as_written(
    unor_id: str, day: date, changed: frozenset[str], nips: Iterable[str], unit_versions: tuple[ScheduleVersion, ...]
) -> dict[str, EmployeePlan]:
    """The plans of `day` and its neighbours of those of `nips` whose leaves, field duties, roster or own schedule
    a change wrote a moment ago (`changed`), read strongly consistent by NIP (`CalendarRepository.plan_as_written`)
    instead of through the unit's indexes, which may not show the change yet: a leave entered for a recapped day
    re-runs it at once, and the re-run judges with the leave. One read of each kind per such employee."""
    start, end = day - timedelta(days=1), day + timedelta(days=1)

    def read(nip: str) -> EmployeePlan:
        duties = runtime.zones().duties_of(nip, start, end, consistent=True)
        return runtime.calendar().plan_as_written(nip, unor_id, start, end, duties=duties, unit_versions=unit_versions)

    judged = sorted(changed.intersection(nips))
    return dict(zip(judged, map_units(read, judged), strict=True))


def unit_on(employee: Employee, day: date, settings: Settings) -> str:
    """The unit whose day `day` is for the employee: their current one, or, for a day before a recorded move into
    it (decision 120), the unit that judged that day (its stored status: one read), when one did."""
    return judged_unit(employee, day, settings) or employee.unor_id


def judged_unit(employee: Employee, day: date, settings: Settings) -> str | None:
    """`unit_on`, but None for a day before a recorded move that no unit judged (no stored status). The unit that
    judged it may be the current one: an employee moved away and back (a SIMPEG error put right the next night)."""
    moved = recorded_day(employee.unit_since, settings.tz)
    if moved is None or day >= moved:
        return employee.unor_id
    stored = runtime.statuses().employee_status(employee.nip, day)
    return stored[0] if stored is not None else None


def _judged_before(unor_id: str, day: date, settings: Settings, *, live: bool) -> frozenset[str]:
    """The NIPs whose status of `day` the unit stored (one key-only query). A `live` view of today reads none
    (a poll each 30 s): what a run of today stored matters only to the recap, whose rows of a member moved out
    during the day it deletes."""
    if live and day >= datetime.now(settings.tz).date():
        return frozenset()
    return frozenset(runtime.statuses().nips_of_day(unor_id, day))


def _as_judged(
    unor_id: str,
    day: date,
    members: Sequence[Member],
    plans: UnitPlans,
    settings: Settings,
    *,
    live: bool,
    nips_with_events: Callable[[], Iterable[str]],
    scheduled: bool = False,
) -> tuple[frozenset[str] | None, Former | None]:
    """Who a day the unit judged before is judged for again, by a re-run and by a view of a past day alike:
    `known` for `Member.judged_again_on` (the NIPs judged before and those with an event of the day, read
    only then) and the day's former members. A day never judged (a run that never happened, or today in a
    live view) has no former members, and `known` None: every member followed that day is judged; a
    `scheduled` run's `known` is the NIPs with an event of the day (decision 134: a run made up after the 01:00
    sync charges no appointee of that sync TK), and so is that of a live view of a day already over
    (`before_today`): it counts absent only whom the day's recap will charge TK."""
    judged = _judged_before(unor_id, day, settings, live=live)
    if not judged:
        return (frozenset(nips_with_events()) if scheduled else None), None
    # Judged here, or left a check-in of the day here: a shift not begun at the nightly run has no status yet
    # (decision 141) and its nurse may be moved out by the 01:00 sync before the morning run judges it.
    known = judged | frozenset(nips_with_events())
    return known, _former_members(unor_id, known, day, members, plans, tz=settings.tz)


@dataclass(frozen=True)
class Former:
    """A day's former members of a unit (`_former_members`): those judged here still, with their own plans, and
    those whose stored status of the day is void (`dropped`)."""

    members: dict[str, tuple[Member, EmployeePlan]]
    dropped: frozenset[str]


def _former_members(
    unor_id: str, judged: frozenset[str], day: date, members: Sequence[Member], plans: UnitPlans, *, tz: tzinfo
) -> Former:
    """Employees whose status of `day` this unit stored or who left a check-in of it here (`judged`) and who are no
    longer its members (moved to another unit since), or are again since (moved away and back): a re-run of the
    day judges them here still, under this unit's hours, with their own leaves, roster and field duties read by
    NIP (a sick note for the day may have been entered after the move).
    A move recorded on `day` itself (or before) gives the day to the new unit (decision 120): the row this unit
    stored earlier that day is dropped, not judged again (decision 127); so is the row of a member whose
    deactivation was recorded that day (`Member.deactivated_by`: the day of a deactivation is not judged)."""
    # A member who joined after `day` but was judged here that day left and came back (a move SIMPEG put right the
    # next night, a transfer and return): that day is this unit's still, judged as a former member's.
    gone = judged - {m.nip for m in members if not m.joined_after(day, tz)}
    former = {}
    dropped = {m.nip for m in members if m.nip in judged and m.deactivated_by(day, tz)}
    for employee in runtime.people().get_employees(sorted(gone)):
        moved = recorded_day(employee.unit_since, tz)
        if moved is not None and moved <= day:
            dropped.add(employee.nip)
            continue
        here = replace(employee, unor_id=unor_id)
        duties = runtime.zones().duties_of(employee.nip, day)
        plan = runtime.calendar().employee_plan(here, day - timedelta(days=1), day + timedelta(days=1), duties)
        # Their move out, dated: a night shift it cut ends with a check-out stored under the new unit (_left_behind).
        member = Member(employee.nip, employee.nama, unit_since=employee.unit_since)
        former[employee.nip] = (member, replace(plan, unit_versions=plans.unit_versions))
    return Former(former, frozenset(dropped))


def _employee_days(frame: UnitFrame, by_nip: dict[str, list[DayEvent]], rules: RuleTable) -> list[EmployeeDay]:
    result = []
    for employee in frame.employees:
        plans = frame.day_plans[employee.nip]
        events = to_events([*by_nip.get(employee.nip, ()), *frame.carried.get(employee.nip, ())], frame.cutover)
        by_plan = assign_events(plans, events, rules)
        result.append(EmployeeDay(employee, plans, events, by_plan))
    return result


def judged_unit_day(
    unor_id: str,
    day: date,
    settings: Settings,
    *,
    live: bool = False,
    calendar: RegencyCalendar | None = None,
    scheduled: bool = False,
    changed: frozenset[str] = frozenset(),
) -> tuple[UnitFrame, list[EmployeeDay]]:
    """The frame of a unit's local date and the plans and events of every employee judged on it (a few
    queries in all).

    An event counts on the day whose window holds it (classify.assign_events), so only the local dates
    that the unit's windows of `day` touch are read: the date itself, and its neighbours only when a
    night shift reaches into them. The three independent reads (members, plans, the date's events) overlap.
    `live` (the monitor) takes the unit's members as read at most a minute ago; a recap reads them afresh, and
    passes the regency `calendar` it read afresh (else the one read at most a minute ago is used). A day the
    unit judged before is judged for the same people by a re-run and by the monitor of a past day
    (`_as_judged`): its former members again, and nobody who joined the unit later, nor anyone SMART began to
    follow after the day was judged without them, unless they left a check-in or punch of it
    (`Member.judged_again_on`). A `scheduled` run applies that rule to a day never judged too (decision 134).
    The frame names the NIPs whose stored status of the day is void (`dropped`).
    A run that stores the day (not `live`) reads its events as recorded by then (`_events_by_nip`'s `current`),
    and the plans of the `changed` employees as written (`_plans_as_written`): a re-run follows its change at
    once, though DynamoDB's indexes fill a moment after a write.
    """
    with ThreadPoolExecutor(max_workers=3) as pool:
        repo = runtime.people()
        members = (
            pool.submit(cached_members_of_unit, repo, unor_id) if live else pool.submit(repo.members_of_unit, unor_id)
        )
        unit_plans = pool.submit(_unit_plans, unor_id, day - timedelta(days=1), day + timedelta(days=1))
        own_date = pool.submit(_events_by_nip, unor_id, [day], current=not live)
        cutover = runtime.timeclock().cutover_of(unor_id)
        plans = unit_plans.result()
        by_nip = own_date.result()
        known, former = _as_judged(
            unor_id,
            day,
            members.result(),
            plans,
            settings,
            live=live,
            nips_with_events=lambda: by_nip,
            scheduled=scheduled,
        )
        as_written = functools.partial(_plans_as_written, unor_id, day, changed) if changed else None
        frame = _frame(
            day,
            members.result(),
            plans,
            settings,
            cutover,
            calendar=calendar,
            known=known,
            former=former,
            as_written=as_written,
        )
        frame = _left_behind(unor_id, frame, settings.tz)
    for nip, rows in _events_by_nip(unor_id, frame.dates - {day}, current=not live).items():
        by_nip.setdefault(nip, []).extend(rows)
    return frame, _employee_days(frame, by_nip, runtime.rule_table(settings))


def _left_behind(unor_id: str, frame: UnitFrame, tz: tzinfo) -> UnitFrame:
    """`frame` carrying the events of its dates that its employees made under another unit around a move on one of
    those dates: a member who moved in made them before the move was recorded, at the unit they left (a mutation
    imported at 10:00 finds the morning's check-in at the old school; the day of a move is the new unit's,
    decision 120, so they count here, decision 124); a former member made them after moving out (a night shift
    cut by the 01:00 sync ends with a check-out stored under the new unit; decision 130). One query by NIP per
    such employee (overlapping: a reorganisation moves hundreds at once), only around a move; the summary's frame
    reads them once, as the move rebuilds it."""
    movers = [m.nip for m in frame.employees if m.moved_on(tz) in frame.dates]
    start = datetime.combine(min(frame.dates), time.min, tz)
    end = datetime.combine(max(frame.dates) + timedelta(days=1), time.min, tz)
    dates = {d.isoformat() for d in frame.dates}

    def made_elsewhere(nip: str) -> tuple[DayEvent, ...]:
        rows = runtime.events().events_between(nip, start, end)
        return _by_time(
            day_event(e) for e in rows if e.unor_id != unor_id and e.local_date in dates and e.attendance_time
        )

    carried = {nip: rows for nip, rows in zip(movers, map_units(made_elsewhere, movers), strict=True) if rows}
    return replace(frame, carried=carried) if carried else frame


def classify(entry: EmployeeDay, rules: RuleTable) -> DayStatus:
    return classify_period(entry.plans, entry.events, rules)[1]


def map_units(work: Callable[[str], T], units: Sequence[str]) -> list[T]:
    """`work` for every unit (or employee), in order. They are independent: their reads overlap instead of
    queueing."""
    if not units:
        return []
    with ThreadPoolExecutor(max_workers=UNIT_WORKERS) as pool:
        return list(pool.map(work, units))


# --- daily recap -------------------------------------------------------------------------------------


def run_daily_recap(
    day: date,
    settings: Settings,
    unit_ids: Sequence[str] | None = None,
    *,
    scheduled_at: datetime | None = None,
    changed: frozenset[str] = frozenset(),
) -> RecapRun:
    """Judge and store every employee's status for `day`; re-runs write only what changed. A scheduled run (the
    jobs', `scheduled_at` the instant it runs) judges, even on the day's first run, nobody SMART began to follow
    after the day unless they left a trace of it (decision 134), and judges a day whose working hours are not
    over yet as it stands then (`classify.as_it_stands`, decision 141): a night shift is stored without the
    check-out it is not due to make yet, and a shift not begun has no status until a later run. An admin's run
    judges every member followed that day (122), each day as finished. A change's re-run of a recapped day
    (`rejudge`, a review decision) is judged as scheduled at the change's instant, with the plans of the
    employees whose own records it `changed` read as written (`judged_unit_day`)."""
    return recap_units(day, settings, unit_ids, scheduled_at=scheduled_at, changed=changed)[0]


def recap_units(
    day: date,
    settings: Settings,
    unit_ids: Sequence[str] | None = None,
    *,
    scheduled_at: datetime | None = None,
    stop: Callable[[], bool] | None = None,
    now: datetime | None = None,
    changed: frozenset[str] = frozenset(),
) -> tuple[RecapRun, list[str]]:
    """`run_daily_recap`, asking `stop` before each unit is begun (an admin's request, whose time is bounded):
    once it answers True the units not begun yet are left alone, and those in hand are finished, so each unit's
    day is judged whole or not at all. The run of the units judged, and the units left, in order.
    Each unit's day keeps the instant it was judged as of (`_judged_as_of`), the evidence that it is final
    (`reports.day_final`)."""
    rules = runtime.rule_table(settings)
    units = list(unit_ids) if unit_ids is not None else runtime.people().list_unit_ids()
    # Read afresh: a holiday or Ramadan period changed a moment ago (here or in another process) must count.
    calendar = runtime.calendar().regency_calendar({(day + timedelta(days=d)).year for d in NEIGHBOURS})
    scheduled = scheduled_at is not None

    def recap_unit(unor_id: str) -> tuple[int, int, int] | None:
        if stop is not None and stop():
            return None
        with unit_day_turn(unor_id, day):
            as_of = _judged_as_of(scheduled_at, now)
            frame, entries = judged_unit_day(
                unor_id, day, settings, calendar=calendar, scheduled=scheduled, changed=changed
            )
            judged = [(e.employee, _stored_status(e, rules, scheduled_at)) for e in entries]
            rows = [(member, status) for member, status in judged if status is not None]
            waiting = frozenset(member.nip for member, status in judged if status is None)
            statuses = runtime.statuses()
            written, unchanged = statuses.save_day(unor_id, day, rows, dropped=frame.dropped | waiting)
            statuses.mark_judged(unor_id, day, as_of)
        return written, unchanged, len(entries)

    outcomes = map_units(recap_unit, units)
    per_unit = [counted for counted in outcomes if counted is not None]
    left = [unor_id for unor_id, counted in zip(units, outcomes, strict=True) if counted is None]
    written, unchanged, employees = (sum(t) for t in zip(*per_unit, strict=True)) if per_unit else (0, 0, 0)
    return RecapRun(date=day.isoformat(), employees=employees, written=written, unchanged=unchanged), left


# A unit's day is judged by one run at a time: two at once (a leave's re-run beside a review's, the 10:30 run of
# yesterday beside an admin's decision) each read the day, and the one that read first and saved last stored its
# older judgement over the newer (a leave entered, answered as re-run, and the day still TK). A run waits for the
# day's turn up to UNIT_DAY_WAIT_S (a unit's day is judged in a second or two), holding it at most UNIT_DAY_HOLD_S.
UNIT_DAY_HOLD_S = 60
UNIT_DAY_WAIT_S = 20.0


def unit_day_turn(unor_id: str, day: date) -> AbstractContextManager[None]:
    """Hold the turn of the unit's `day` while judging and storing it (see UNIT_DAY_WAIT_S). Not had after the wait
    (a run cut off holds it until its hold time ends), the day is judged all the same, logged: a recap is never
    refused for it."""

    def unheld(claim: AttemptClaim) -> None:
        logger.warning("a unit's day judged without its turn", extra={"unor_id": unor_id, "day": day.isoformat()})

    return turns.held(f"recap#{unor_id}#{day.isoformat()}", UNIT_DAY_HOLD_S, wait_s=UNIT_DAY_WAIT_S, refused=unheld)


def _judged_as_of(scheduled_at: datetime | None, now: datetime | None) -> datetime:
    """The instant a run judges a unit's day as of: a scheduled run's `scheduled_at` (a day not over is stored as
    it stands then, `as_it_stands`); else the admin's request (`now`) or, for a run without one, the clock
    before the unit's events are read: everything stored by then is in what the run judges."""
    if scheduled_at is not None:
        return scheduled_at
    return now if now is not None else datetime.now(UTC)


def _stored_status(entry: EmployeeDay, rules: RuleTable, scheduled_at: datetime | None) -> DayStatus | None:
    """What a run stores of the employee's day: as finished, or, for a scheduled run, as it stands then (None:
    no status yet, and a row stored earlier is deleted)."""
    status = classify(entry, rules)
    return status if scheduled_at is None else as_it_stands(status, entry.inputs.plan, scheduled_at, rules)


def run_nightly_recap(now: datetime, settings: Settings) -> tuple[RecapRun, RecapRun]:
    """The scheduled run at 23:30 (decision 130; `now` the instant it runs): the day before judged again, then
    today. A night shift of the day before ended this morning, after last night's run judged it as it stood
    (decision 141: without the check-out it was not due to make yet; a late shift that starts after the run had
    no status); a run missed last night is made up."""
    today = now.astimezone(settings.tz).date()
    before = run_daily_recap(today - timedelta(days=1), settings, scheduled_at=now)
    return before, run_daily_recap(today, settings, scheduled_at=now)


def recapped(units: Sequence[str], day: date) -> list[bool]:
    """Whether a recap stored each unit's statuses of `day` (one key-only query per unit, overlapping): a day
    over but never recapped has no TK yet for those the monitor shows absent."""
    return map_units(lambda unor_id: bool(runtime.statuses().nips_of_day(unor_id, day)), units)


def recap_item(unor_id: str, nama: str, nip: str, status: DayStatus) -> DailyRecapItem:
    return DailyRecapItem(
        nip=nip,
        nama=nama,
        unor_id=unor_id,
        status=status.status,
        tl=status.tl,
        psw=status.psw,
        check_in=status.check_in.isoformat() if status.check_in else None,
        check_out=status.check_out.isoformat() if status.check_out else None,
        late_minutes=status.late_minutes,
        early_minutes=status.early_minutes,
        deduction_percent=float(status.deduction_percent),
    )


# --- monitor -----------------------------------------------------------------------------------------


def before_today(day: date, now: datetime, tz: tzinfo) -> bool:
    """Whether `day` is over at `now`: the monitor shows such a day as the scheduled runs (and the console's
    Hitung Ulang, decision 144) judge it, so a day never recapped counts nobody SMART began to follow only after
    it (decision 134), as its recap will not."""
    return day < now.astimezone(tz).date()


def monitor(unor_id: str, day: date, now: datetime, settings: Settings) -> Monitor:
    rules = runtime.rule_table(settings)
    past = before_today(day, now, settings.tz)
    _, entries = judged_unit_day(unor_id, day, settings, live=True, scheduled=past)
    counts: dict[str, int] = dict.fromkeys(MONITOR_KEYS, 0)
    items = []
    for entry in entries:
        shown = _watched(entry.live(now, rules), past)
        state = monitor_state(shown, now, rules)
        counts[state] += 1
        first_in = marks_so_far(shown.events, shown.plan, rules, now)[0]
        check_in = first_in.isoformat() if first_in else None
        items.append(
            MonitorItem(
                nip=entry.employee.nip, nama=entry.employee.nama, unor_id=unor_id, state=state, check_in=check_in
            )
        )
    return Monitor(date=day.isoformat(), unor_id=unor_id, counts=counts, items=items, next=None)


# --- regency summary ---------------------------------------------------------------------------------

# A unit's frame is kept while its frame version (`people.frame_stamps`, bumped by `frames_changed`) holds; the
# cache only bounds memory (days gone by age out). Digests are kept per unit-day and version: a poll reads the
# versions alone and re-reads only the digests that changed.
FRAME_KEEP_S = 24 * 3600
# A frame is read through the unit's indexes, which DynamoDB fills a moment after a write: one built at the first
# poll after its unit's version changed may miss the change itself. It is built once more at the first poll
# FRAME_SETTLE_S later, and that one is kept.
FRAME_SETTLE_S = 5.0


@dataclass(frozen=True)
class _Built:
    """A unit's frame as kept for its version: when it was built (monotonic), and whether it is the second build."""

    frame: UnitFrame
    at: float
    settled: bool

    def unsettled(self) -> bool:
        """The first build of its version, and old enough to be built again."""
        return not self.settled and monotonic() - self.at >= FRAME_SETTLE_S


_FRAMES: TtlCache[_Built] = TtlCache(ttl_s=FRAME_KEEP_S, max_entries=1024)
_DIGESTS: TtlCache[DayDigest] = TtlCache(ttl_s=FRAME_KEEP_S, max_entries=4096)


def frames_changed(unit_ids: Iterable[str] | None = None) -> None:
    """Something the units' days are judged against changed (members, a leave, a field duty, a schedule or
    roster, the cut-over; None: the regency calendar, every unit): their frames are built again at the next
    summary poll of every process. Call it after the write."""
    people = runtime.people()
    people.touch_units(people.list_unit_ids() if unit_ids is None else unit_ids)


def _build_frame(unor_id: str, day: date, settings: Settings, calendar: RegencyCalendar, past: bool) -> UnitFrame:
    """Read afresh (the one-minute caches of the check-in path could predate the change that bumped the unit).
    `past`: the day is over, judged as the scheduled runs judge it (`before_today`)."""
    members = runtime.people().members_of_unit(unor_id)
    plans = _unit_plans(unor_id, day - timedelta(days=1), day + timedelta(days=1))
    known, former = _as_judged(
        unor_id, day, members, plans, settings, live=True, nips_with_events=lambda: _events_by_nip(unor_id, [day])
    )
    cutover = runtime.timeclock().cutover_of(unor_id)
    if not past:
        frame = _frame(day, members, plans, settings, cutover, calendar=calendar, known=known, former=former)
        return _left_behind(unor_id, frame, settings.tz)
    # Every member followed that day, those a (re-)run would judge only for a trace of the day marked `on_trace`:
    # their events may come after the frame was built, and are seen in the digests of each poll.
    frame = _frame(day, members, plans, settings, cutover, calendar=calendar, known=None, former=former)
    former_nips = former.members.keys() if former else set()
    on_trace = frozenset(
        e.nip
        for e in frame.employees
        if e.nip not in former_nips and not e.judged_again_on(day, settings.tz, known or frozenset())
    )
    return _left_behind(unor_id, replace(frame, on_trace=on_trace, past=True), settings.tz)


def cached_frames(units: Sequence[str], day: date, settings: Settings, *, past: bool = False) -> list[UnitFrame]:
    """The units' frames as built for their current frame versions (one batch read of the versions); only the
    frames of units changed since (or never built in this process) are built, their reads overlapping. `past`:
    the day is over (`before_today`); a frame built while it was today is not used for it then."""
    stamps = runtime.people().frame_stamps(units)
    keys = [(unit, day, settings.rules or "", stamps.get(unit, 0), past) for unit in units]
    found = {key[0]: _FRAMES.peek(key) for key in keys}
    missing = [unit for unit, kept in found.items() if kept is None or kept.unsettled()]
    built: dict[str, UnitFrame] = {}
    if missing:
        calendar = runtime.calendar().regency_calendar({(day + timedelta(days=d)).year for d in NEIGHBOURS})
        frames = map_units(lambda unit: _build_frame(unit, day, settings, calendar, past), missing)
        built = dict(zip(missing, frames, strict=True))
    for key in keys:
        if key[0] in built:
            _FRAMES.put(key, _Built(built[key[0]], monotonic(), settled=found[key[0]] is not None))
    return [built[unit] if unit in built else cast(_Built, found[unit]).frame for unit in units]


def day_digests(days: Sequence[tuple[str, str]]) -> dict[tuple[str, str], DayDigest]:
    """The digests of these unit-days: their versions read in one batch, the changed ones read again. A day
    without a stored digest is rebuilt from its events once per process (days recorded before digests were
    kept, or by a path that missed them); one without recorded events stays empty until a write stores it."""
    events = runtime.events()
    versions = events.digest_versions(days)
    kept = {day: _DIGESTS.peek(day) for day in versions}
    stale = [d for d, v in versions.items() if v is not None and not _same(kept[d], v)]
    unknown = [d for d, v in versions.items() if v is None and kept[d] is None]
    for day, digest in {**events.digests_of_unit_days(stale), **events.rebuild_digests(unknown)}.items():
        _DIGESTS.put(day, digest)
        kept[day] = digest
    return {day: kept[day] or MISSING_DIGEST for day in versions}


def _same(kept: DayDigest | None, version: int) -> bool:
    return kept is not None and kept.stored and kept.version == version


def backfill_digests(start: date, end: date, unit_ids: Sequence[str] | None = None) -> int:
    """Rebuild the digests of every unit's days from `start` to `end` from their events (the day digests were
    first kept, or a path that missed them was fixed: a digest written in part); the unit-days that hold events.
    Idempotent, and safe while check-ins arrive (tokens are added, never removed)."""
    units = list(unit_ids) if unit_ids is not None else runtime.people().list_unit_ids()
    days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    rebuilt = map_units(lambda unit: runtime.events().rebuild_digests([(unit, d) for d in days]), units)
    _DIGESTS.forget()
    return sum(digest.stored for per_unit in rebuilt for digest in per_unit.values())


def unit_counts(
    units: Sequence[str], day: date, now: datetime, settings: Settings
) -> list[tuple[UnitFrame, dict[str, int]]]:
    """Each unit's frame and its counts per monitor state at `now`, judged like the unit's live monitor
    (`assign_events`, `monitor_state`) from the day's digests. Only the employees whose tokens changed, whose
    working hours ended, or whose later events became due since the unit was last judged are judged again."""
    rules = runtime.rule_table(settings)
    frames = cached_frames(units, day, settings, past=before_today(day, now, settings.tz))
    digests = day_digests(
        [(unit, d.isoformat()) for unit, frame in zip(units, frames, strict=True) for d in frame.dates]
    )
    result = []
    for unit, frame in zip(units, frames, strict=True):
        own = tuple(digests[(unit, d.isoformat())] for d in sorted(frame.dates))
        result.append((frame, _unit_tally(frame, own, now, rules)))
    return result


@dataclass(frozen=True)
class _Judged:
    """A unit's last judgement in the summary: the digests it was made from, each employee's rows and state, the
    counts of those states."""

    digests: tuple[DayDigest, ...]
    rows: dict[str, tuple[DayEvent, ...]]
    states: dict[str, str]
    counts: dict[str, int]
    at: datetime
    pending: frozenset[str]  # employees with an event after `at`: their state changes when it is reached


def _unit_tally(frame: UnitFrame, own: tuple[DayDigest, ...], now: datetime, rules: RuleTable) -> dict[str, int]:
    last: _Judged | None = frame.memo.get(("judged",))
    if last is None or now < last.at:
        judged = _judge(frame, own, now, rules)
    else:
        judged = _judge(frame, own, now, rules, last=last, again=_to_judge_again(frame, last, own, now, rules))
    frame.memo[("judged",)] = judged
    return dict(judged.counts)


def _judge(
    frame: UnitFrame,
    own: tuple[DayDigest, ...],
    now: datetime,
    rules: RuleTable,
    *,
    last: _Judged | None = None,
    again: set[str] | None = None,
) -> _Judged:
    """Every employee judged (`last` None), or those of `again` with the others' states kept from `last`."""
    if last is not None and again is not None and not again:
        return replace(last, digests=own, at=now)
    if last is None or again is None:
        again = {e.nip for e in frame.employees}
        rows: dict[str, tuple[DayEvent, ...]] = {}
        states: dict[str, str] = {}
        counts: dict[str, int] = dict.fromkeys(MONITOR_KEYS, 0)
        pending: set[str] = set()
    else:
        rows, states, counts, pending = dict(last.rows), dict(last.states), dict(last.counts), set(last.pending)
    read = _rows_by_nip(own, again)
    for nip in again & frame.day_plans.keys():
        carried = frame.carried.get(nip)
        rows[nip] = _by_time((*read.get(nip, ()), *carried)) if carried else read.get(nip, ())
        if nip in states:
            counts[states.pop(nip)] -= 1
        if nip in frame.on_trace and not _left_a_trace(read.get(nip, ()), frame.day_plans[nip][1].day, rules.tz):
            pending.discard(nip)
            continue
        states[nip] = _judged_state(frame, nip, rows[nip], now, rules)
        counts[states[nip]] += 1
        if rows[nip] and rows[nip][-1].attendance_time > now:
            pending.add(nip)
        else:
            pending.discard(nip)
    return _Judged(own, rows, states, counts, now, frozenset(pending))


def _left_a_trace(rows: Iterable[DayEvent], day: date, tz: tzinfo) -> bool:
    """Whether the unit holds an event of `day` of the employee (whatever its review state), as the day's run reads
    them (`_as_judged`'s `nips_with_events`: the unit's events of that local date)."""
    return any(row.attendance_time.astimezone(tz).date() == day for row in rows)


def _to_judge_again(
    frame: UnitFrame, last: _Judged, own: tuple[DayDigest, ...], now: datetime, rules: RuleTable
) -> set[str]:
    """The employees whose state may differ from `last`'s: new or changed tokens (events and decisions), working
    hours that ended in between, events that were still ahead."""
    nips = set(last.pending)
    for before, after in zip(last.digests, own, strict=True):
        if before != after:
            changed = (before.tokens ^ after.tokens) | (before.decisions ^ after.decisions)
            nips.update(token.split(".", 1)[0] for token in changed)
    ends, order = _ends(frame, rules)
    nips.update(order[bisect.bisect_right(ends, last.at) : bisect.bisect_right(ends, now)])
    return nips


def _rows_by_nip(own: tuple[DayDigest, ...], nips: set[str] | None) -> dict[str, tuple[DayEvent, ...]]:
    """Each employee's rows of the digests (only those of `nips` when given), by attendance time."""
    by_nip: dict[str, list[DayEvent]] = {}
    for digest in own:
        for row in digest.events(nips):
            by_nip.setdefault(row.nip, []).append(row)
    return {nip: _by_time(rows) for nip, rows in by_nip.items()}


def _by_time(rows: Iterable[DayEvent]) -> tuple[DayEvent, ...]:
    return tuple(sorted(rows, key=lambda e: (e.attendance_time, e.type or "")))


def _ends(frame: UnitFrame, rules: RuleTable) -> tuple[list[datetime], list[str]]:
    """The instants at which an employee's state may change with no event, sorted, and whose they are (memoised):
    the end of their working hours of the day, and the end of the day before's (a night shift shown until then,
    `live_inputs`) with the start of the day's."""
    if ("ends",) not in frame.memo:
        pairs = sorted((at, nip) for nip, plans in frame.day_plans.items() for at in _turns(plans, rules))
        frame.memo[("ends",)] = ([at for at, _ in pairs], [nip for _, nip in pairs])
    ends: tuple[list[datetime], list[str]] = frame.memo[("ends",)]
    return ends


def _turns(plans: list[DayPlan], rules: RuleTable) -> list[datetime]:
    """One employee's instants of `_ends` (`plans`: the day before, the day, the day after)."""
    own, before = plans[1].bounds(rules), plans[0].bounds(rules)
    turns = [own[1]] if own else []
    if before is not None and before[1].astimezone(rules.tz).date() == plans[1].day:
        turns += [before[1], *([own[0]] if own else [])]  # a night shift of the day before, shown until it ends
    return turns


def _judged_state(frame: UnitFrame, nip: str, rows: tuple[DayEvent, ...], now: datetime, rules: RuleTable) -> str:
    """`monitor_state` of one employee as the live monitor shows it (`live_inputs`); the events assigned to each
    plan are memoised per employee and rows (they do not depend on the clock; the state depends on it only through
    the events already made and which working hours have begun or ended: `_ends`)."""
    plans = frame.day_plans[nip]
    memo = frame.memo.get((nip,))
    if memo is None or memo[0] != rows:
        memo = (rows, assign_events(plans, to_events(rows, frame.cutover), rules))
        frame.memo[(nip,)] = memo
    return str(monitor_state(_watched(live_inputs(plans, memo[1], now, rules), frame.past), now, rules))


def _watched(inputs: DayInputs, past: bool) -> DayInputs:
    """What the monitor and the summary judge of an employee's day: on a day already over only what its recap
    counts (`as_recapped`), so both agree with the stored recap; on a day in progress a check-in in review too."""
    return as_recapped(inputs) if past else inputs
