"""Daily status of one employee on one day, the check-in answer, and today's monitor counts.

Statuses: `H` (on time), `TL1`–`TL4` late arrival, `PSW1`–`PSW4` early departure, combined as
"TL1+PSW2" when both happen (the `status` string; `tl` and `psw` carry the parts separately), `TK`
(no attendance, no excuse), `DL` field duty, `C`/`I`/`S` leave, `LIBUR` day off.

Decisions:
- Precedence: LIBUR (holiday, or a day the schedule has no hours) > leave (C/I/S) > DL > attendance.
  Attendance on a day off is kept (check_in/check_out filled) but the status is LIBUR.
- Only events inside the day's attendance window count (see DayPlan.window), so the caller may pass the
  events of the surrounding dates; a night shift's morning check-out is found on the next date.
- An event counts when accepted, or when in review and approved; pending and rejected reviews never count.
- The day's check-in is the first counted `in`, its check-out the last counted `out` after the check-in.
- Fingerprint punches are typed within the working day they fall in, not by calendar date (a night shift's
  07:05 punch ends the shift begun the evening before): of two or more, the first is an `in` and the last an
  `out`; a lone punch is whichever of the day's start and end it is nearer to (an app check-in at 07:25 and a
  machine punch at 16:05 make a whole day). People press twice: a burst (punches each less than
  `REPEAT_WINDOW` after the one before) is one press, its first when it is the day's arrival and its last
  when it is the day's departure (15:59:40 and 16:00:10 leave at 16:00, on time), never both; so are a day's
  punches all within `ONE_VISIT` (07:20 and 07:26: the arrival, not a departure 514 minutes early). A day
  without hours (a holiday) has no bound to be nearer to: a lone press or visit is its arrival.
- A unit's cut-over to the app is judged by working day too (`before_cutover`): a machine punch counts only for
  a working day before it, the one `assign_events` gives it to (a night shift begun the evening before keeps its
  07:05 check-out of the cut-over date; a 23:50 arrival for a shift from midnight on that date does not count).
- Minutes are whole clock minutes (seconds ignored): 07:30:59 is on time for 07:30.
- `classify_day` judges a finished day. For a day in progress use `monitor_state`, or `as_it_stands` for the
  status a recap stores of it (decision 141). The live monitor of today shows a night shift of the day before
  that still runs after midnight (`live_inputs`, decision 145).
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from chalicelib.attendance.calendar import DayPlan
from chalicelib.attendance.punches import ONE_VISIT, in_bursts
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.status import DL, LIBUR, ON_TIME, TK, DayStatus, EventKind
from chalicelib.errors import ScheduleError

_MINUTE = timedelta(minutes=1)


class EventState(StrEnum):
    """Where an attendance event stands: accepted at once, or in review (pending/approved/rejected)."""

    ACCEPTED = "accepted"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def counts(self) -> bool:
        """Whether an event in this state counts as attendance."""
        return self in (EventState.ACCEPTED, EventState.APPROVED)


@dataclass(frozen=True)
class AttendanceEvent:
    """One recorded check-in or check-out; `at` is the attendance time (UTC, timezone-aware). A fingerprint
    punch says neither (`kind` None): what it is follows from the working day it falls in (`_typed`).
    `cutover`: its unit's cut-over to the app (a machine punch): it counts only for a working day before it."""

    kind: EventKind | None
    at: datetime
    state: EventState = EventState.ACCEPTED
    cutover: date | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ScheduleError("Waktu absensi harus memiliki zona waktu", {"field": "at"})

    @property
    def counts(self) -> bool:
        return self.state.counts


@dataclass(frozen=True)
class DayInputs:
    """Everything needed to judge one employee's day."""

    plan: DayPlan
    events: Sequence[AttendanceEvent] = ()


@dataclass(frozen=True)
class Judgement:
    """The check-in answer: whole minutes late (for `in`) or early (for `out`) and the category or None."""

    minutes: int
    category: str | None


def late_minutes(at: datetime, start: datetime) -> int:
    """Whole clock minutes after `start` (0 when on time or early)."""
    return max(0, (_clock_minute(at) - start) // _MINUTE)


def early_minutes(at: datetime, end: datetime) -> int:
    """Whole clock minutes before `end` (0 when leaving at or after it)."""
    return max(0, (end - _clock_minute(at)) // _MINUTE)


def judge_attendance(kind: EventKind, at: datetime, plan: DayPlan, rules: RuleTable) -> Judgement:
    """Answer for a check-in/check-out at `at` on the planned day: minutes and TLn/PSWn (None if fine).

    On a day without hours nothing is late or early, nor on one its excuse decides (a leave, field duty: the
    recap stores C/I/S or DL whatever is recorded, `_judge`), so the phone is told what the day will count.
    """
    bounds = plan.bounds(rules)
    if bounds is None or _excuse(plan) is not None:
        return Judgement(0, None)
    if kind == "in":
        minutes = late_minutes(at, bounds[0])
        return Judgement(rules.counted_lateness(minutes), rules.tl_category(minutes))
    minutes = early_minutes(at, bounds[1])
    return Judgement(minutes, rules.psw_category(minutes))


def judge_answer(kind: EventKind, at: datetime, plans: Sequence[DayPlan], rules: RuleTable) -> Judgement:
    """The check-in answer for an event at `at`, given consecutive days' `plans` around the day of `at`:
    judged against the day the recap will count it on (`assign_events`), so a night shift's 07:00 check-out is
    measured against that shift's end, not against the new date's hours, and a 23:45 arrival for a shift from
    midnight against that shift. An event no window holds (a check-out after the check-out window closed)
    does not count for its working day: the answer says what the day then records, the missing-event level
    (TL4 or PSW4) with no minutes, not "on time"."""
    plan = counting_plan(kind, at, plans, rules)
    if plan is not None:
        return judge_attendance(kind, at, plan, rules)
    local_day = at.astimezone(rules.tz).date()
    own = next((plan for plan in plans if plan.day == local_day), plans[-1])
    if _excuse(own) is not None or own.bounds(rules) is None:
        return Judgement(0, None)  # a day the recap does not judge by its attendance (`judge_attendance`)
    if kind == "in":
        return Judgement(0, f"TL{rules.missing_check_in_level}")
    return Judgement(0, f"PSW{rules.missing_check_out_level}")


def counting_plan(kind: EventKind | None, at: datetime, plans: Sequence[DayPlan], rules: RuleTable) -> DayPlan | None:
    """The one of `plans` an event of `kind` (None: a machine punch) at `at` counts for, as the recap gives it
    (`assign_events`); None when no window holds it. One place, so that the check-in's answer, its first-arrival
    guard, a correction and the import's cut-over check all name the day the recap will count."""
    owners = assign_events(plans, [AttendanceEvent(kind, at)], rules)
    return next((plan for plan, got in zip(plans, owners, strict=True) if got), None)


def before_cutover(day: date, cutover: date | None) -> bool:
    """Whether a machine punch given to the working day `day` counts under its unit's cut-over to the app: only
    for a day before it. By working day, not by the punch's date: a 21:00-07:00 night of 30 November keeps its
    07:05 punch of a 1 December cut-over; an arrival at 23:50 on 30 November for a shift from midnight on
    1 December does not count. The recap applies it to the day it gives a punch to (`assign_events`), the import
    to the day `punch_day` names (AFTER_CUTOVER)."""
    return cutover is None or day < cutover


def punch_day(at: datetime, plans: Sequence[DayPlan], rules: RuleTable) -> date:
    """The working day a machine punch at `at` belongs to: the one of `plans` (consecutive days around its local
    date) the recap gives it to (`counting_plan`), else, when no window holds it, its local date."""
    owner = counting_plan(None, at, plans, rules)
    return owner.day if owner is not None else at.astimezone(rules.tz).date()


def first_check_in_and_last_check_out(
    events: Iterable[AttendanceEvent], plan: DayPlan, rules: RuleTable
) -> tuple[datetime | None, datetime | None]:
    """The first counted `in` and the last counted `out` (after that `in`) inside the day's window."""
    return _first_in_last_out(_in_window(events, plan, rules), plan.bounds(rules))


def classify_day(inputs: DayInputs, rules: RuleTable) -> DayStatus:
    """Judge one finished day of one employee under the rule table (see the module docstring)."""
    return _judge(inputs.plan, _in_window(inputs.events, inputs.plan, rules), rules)


def assign_events(
    plans: Sequence[DayPlan], events: Iterable[AttendanceEvent], rules: RuleTable
) -> list[list[AttendanceEvent]]:
    """Give each event to at most one of `plans` (one employee's consecutive days).

    Windows of neighbouring days can overlap (a night shift ending 07:00 and a day shift opening 06:00),
    so an event goes to the day, among those whose window holds it, whose start (for `in`) or end (for
    `out`) is nearest; a day off is only chosen when no working day's window holds the event. As near to
    two days, it goes to the one whose hours hold it, else to the earlier: at a back-to-back handover (a
    night shift ending 07:00, the next shift starting 07:00) a punch at 06:55 or 07:00 ends the night and one
    at 07:05 starts the next shift, each press on its own (a repeated press across 07:00 is one of each).
    A machine punch given to a day on or after its unit's cut-over is dropped (`before_cutover`).
    """
    windows = sorted((*plan.window(rules), index) for index, plan in enumerate(plans))
    begins = [begin for begin, _, _ in windows]
    longest = max((end - begin for begin, end, _ in windows), default=timedelta())
    bounds = [plan.bounds(rules) for plan in plans]
    assigned: list[list[AttendanceEvent]] = [[] for _ in plans]
    for event in events:
        # Only windows that begin at most `longest` before the event can hold it.
        first, last = bisect_right(begins, event.at - longest), bisect_right(begins, event.at)
        candidates = [
            (*_nearness(event, bounds[index]), index)
            for _, end, index in windows[max(first - 1, 0) : last]
            if event.at < end
        ]
        if candidates:
            index = min(candidates)[-1]
            if before_cutover(plans[index].day, event.cutover):
                assigned[index].append(event)
    return assigned


def classify_period(plans: Sequence[DayPlan], events: Iterable[AttendanceEvent], rules: RuleTable) -> list[DayStatus]:
    """Judge consecutive days of one employee, each event counted on one day only (see assign_events)."""
    per_day = assign_events(plans, events, rules)
    return [_judge(plan, day_events, rules) for plan, day_events in zip(plans, per_day, strict=True)]


def _nearness(event: AttendanceEvent, bounds: tuple[datetime, datetime] | None) -> tuple[timedelta, bool]:
    """How near `event` is to a day, nearest first: its distance to the day's start (an `in`), end (an `out`) or
    the nearer of the two (a punch), then whether it falls outside the day's hours (their start and end
    included), which decides between two days it is as near to (`assign_events`)."""
    if bounds is None:
        return timedelta.max, True
    outside = not bounds[0] <= event.at <= bounds[1]
    if event.kind is None:  # a punch: the nearer of the day's start and end
        return min(abs(event.at - bounds[0]), abs(event.at - bounds[1])), outside
    anchor = bounds[0] if event.kind == "in" else bounds[1]
    return abs(event.at - anchor), outside


def status_code(tl: str | None, psw: str | None) -> str:
    """ "H", "TL2", "PSW1" or "TL2+PSW1"."""
    return "+".join(part for part in (tl, psw) if part) or ON_TIME


def day_deduction(status: DayStatus, rules: RuleTable) -> Decimal:
    """Deduction percent of a judged day under `rules` (recomputed so a stored day follows the table)."""
    return _deduction(status.status, status.tl, status.psw, rules)


def hours_over(plan: DayPlan, now: datetime, rules: RuleTable) -> bool:
    """Whether the day can be judged as finished at `now`: its working hours have ended, or it has none to wait
    for (a day off, leave or field duty)."""
    bounds = plan.bounds(rules)
    return _excuse(plan) is not None or bounds is None or now >= bounds[1]


def as_it_stands(status: DayStatus, plan: DayPlan, now: datetime, rules: RuleTable) -> DayStatus | None:
    """The day judged (`status`, from the events recorded by `now`) as it stands at `now`: as it is once its
    working hours are over (`hours_over`). Before that the departure is not due: no PSW and no early minutes
    (an early check-out stays recorded; the day's end judges it), and a day with no attendance yet has no status
    (None), not TK (decision 141)."""
    if hours_over(plan, now, rules):
        return status
    if status.status == TK:
        return None
    code = status_code(status.tl, None)
    deduction = _deduction(code, status.tl, None, rules)
    return replace(status, status=code, psw=None, early_minutes=None, deduction_percent=deduction)


def _in_window(events: Iterable[AttendanceEvent], plan: DayPlan, rules: RuleTable) -> list[AttendanceEvent]:
    begin, end = plan.window(rules)
    return [event for event in events if begin <= event.at < end and before_cutover(plan.day, event.cutover)]


def _first_in_last_out(
    events: Iterable[AttendanceEvent], bounds: tuple[datetime, datetime] | None
) -> tuple[datetime | None, datetime | None]:
    counted = _typed([event for event in events if event.counts], bounds)
    ins = [event.at for event in counted if event.kind == "in"]
    check_in = min(ins) if ins else None
    outs = [event.at for event in counted if event.kind == "out" and (check_in is None or event.at > check_in)]
    return check_in, max(outs) if outs else None


def _typed(events: Sequence[AttendanceEvent], bounds: tuple[datetime, datetime] | None) -> list[AttendanceEvent]:
    """One day's events with its fingerprint punches typed (see the module docstring): the first burst's first
    press is the check-in and the last burst's last press the check-out; a lone burst (or punches all within
    `ONE_VISIT`) is the one of the two whose bound it is nearer to. The punches between count for nothing."""
    punches = sorted((event for event in events if event.kind is None), key=lambda event: event.at)
    bursts = in_bursts(punches, lambda event: event.at)
    typed = [event for event in events if event.kind is not None]
    if len(bursts) == 1 or (bursts and punches[-1].at - punches[0].at < ONE_VISIT):
        first, last = punches[0], punches[-1]
        nearer_end = bounds is not None and abs(last.at - bounds[1]) < abs(first.at - bounds[0])
        typed.append(replace(last, kind="out") if nearer_end else replace(first, kind="in"))
    elif bursts:
        typed += [replace(bursts[0][0], kind="in"), replace(bursts[-1][-1], kind="out")]
    return typed


def _judge(plan: DayPlan, events: Iterable[AttendanceEvent], rules: RuleTable) -> DayStatus:
    """Classify a day from events already known to fall inside its window."""
    excuse, bounds = _excuse(plan), plan.bounds(rules)
    check_in, check_out = _first_in_last_out(events, bounds)
    if excuse is not None or bounds is None:
        return DayStatus(plan.day, excuse or LIBUR, check_in=check_in, check_out=check_out)
    if check_in is None and check_out is None:
        return DayStatus(plan.day, TK, deduction_percent=_deduction(TK, None, None, rules))
    late = _lateness(check_in, check_out, bounds, rules) if check_in else None
    early = early_minutes(check_out, bounds[1]) if check_out else None
    tl = rules.tl_category(late) if late is not None else f"TL{rules.missing_check_in_level}"
    late = rules.counted_lateness(late) if late is not None else None
    psw = rules.psw_category(early) if early is not None else f"PSW{rules.missing_check_out_level}"
    code = status_code(tl, psw)
    return DayStatus(plan.day, code, tl, psw, late, early, check_in, check_out, _deduction(code, tl, psw, rules))


def _lateness(
    check_in: datetime, check_out: datetime | None, bounds: tuple[datetime, datetime], rules: RuleTable
) -> int:
    """The day's late minutes: the arrival's, less what staying after the end made up of them (decision 148). One
    place for the recap and the monitor, so the monitor's `late` is a day whose recap is TL."""
    late = late_minutes(check_in, bounds[0])
    if late and check_out:  # minutes after the end are minutes after a bound, as lateness is
        late = rules.late_after_make_up(late, late_minutes(check_out, bounds[1]))
    return late


def _deduction(code: str, tl: str | None, psw: str | None, rules: RuleTable) -> Decimal:
    if code == TK:
        return rules.tk_deduction_percent
    return rules.late_early_deduction(tl, psw)


def excuse_of(plan: DayPlan) -> str | None:
    """The status that excuses the whole day whatever is recorded on it (`LIBUR`, a leave's `C`/`I`/`S`,
    `DL`), or None on a working day that attendance decides."""
    return _excuse(plan)


def _excuse(plan: DayPlan) -> str | None:
    if plan.hours is None:
        return LIBUR
    if plan.leave is not None:
        return plan.leave.value
    return DL if plan.field_duty else None


def _clock_minute(at: datetime) -> datetime:
    # Zone offsets are whole minutes (Indonesia's are whole hours), so truncating in UTC equals truncating
    # on the regency's clock.
    return at.replace(second=0, microsecond=0)


# ---- Monitor (a day in progress) -------------------------------------------------------------------

MonitorState = Literal["present", "late", "not_yet", "absent", "leave", "field_duty", "off"]
MONITOR_KEYS: tuple[MonitorState, ...] = ("present", "late", "not_yet", "absent", "leave", "field_duty", "off")
_EXCUSE_STATES: dict[str, MonitorState] = {LIBUR: "off", DL: "field_duty"}


def monitor_state(inputs: DayInputs, now: datetime, rules: RuleTable) -> MonitorState:
    """Where one employee stands at `now` on a day in progress.

    The states are disjoint: `present` = checked in on time (or made the lateness up by staying after the
    end, where the rules allow it: the recap's H), `late` = checked in late (or only checked out), `not_yet` =
    no check-in while the working hours have not ended, `absent` = no check-in and the hours are over.
    Check-ins still pending review count here (the person did come; the admin decides later), unlike in
    `classify_day`; rejected ones never count. A day already over is given `as_recapped` inputs.
    """
    plan = inputs.plan
    excuse, bounds = _excuse(plan), plan.bounds(rules)
    if excuse is not None or bounds is None:
        return _EXCUSE_STATES.get(excuse or LIBUR, "leave")
    check_in, check_out = marks_so_far(inputs.events, plan, rules, now)
    if check_in is not None:
        return "late" if rules.tl_category(_lateness(check_in, check_out, bounds, rules)) else "present"
    if check_out is not None:
        return "late"
    return "not_yet" if now < bounds[1] else "absent"


def as_recapped(inputs: DayInputs) -> DayInputs:
    """The day with only the events its recap counts (accepted, or approved in review): how the monitor judges a
    day already over. A check-in still in review counts as present only on a day in progress (the person came, the
    admin decides later: decision 16); on a past day the recap charged TK for it until the decision, and the monitor
    and the summary of that day show the recap's figures (decisions 126, 258)."""
    return replace(inputs, events=[event for event in inputs.events if event.counts])


def marks_so_far(
    events: Iterable[AttendanceEvent], plan: DayPlan, rules: RuleTable, now: datetime | None = None
) -> tuple[datetime | None, datetime | None]:
    """The day's first check-in and last check-out as a day in progress shows them (the monitor, the app's
    day): from the events recorded by `now`, reviews still pending counted (the person did come), rejected ones
    never; machine punches typed as the day types them."""
    visible = [e for e in events if e.state is not EventState.REJECTED and (now is None or e.at <= now)]
    return first_check_in_and_last_check_out([replace(e, state=EventState.ACCEPTED) for e in visible], plan, rules)


def live_inputs(
    plans: Sequence[DayPlan], assigned: Sequence[Sequence[AttendanceEvent]], now: datetime, rules: RuleTable
) -> DayInputs:
    """What the live monitor of a day shows of one employee at `now`: the day's own plan and events, except while
    the day before's shift still runs after midnight (its working hours began and have not ended, the day's own
    have not begun): then that shift's. A nurse who checked in at 20:55 for a 21:00-07:00 shift is on duty at
    02:00, not off for the new date. `plans`: the day before, the day, the day after; `assigned`: their events
    (`assign_events`)."""
    before, day = plans[0], plans[1]
    return DayInputs(before, assigned[0]) if _still_on(before, day, now, rules) else DayInputs(day, assigned[1])


def _still_on(before: DayPlan, day: DayPlan, now: datetime, rules: RuleTable) -> bool:
    """Whether `before`'s shift (the day before `day`) still runs at `now`, a moment of `day` before its own hours."""
    if now.astimezone(rules.tz).date() != day.day or _excuse(before) is not None:
        return False
    past, own = before.bounds(rules), day.bounds(rules)
    return past is not None and past[0] <= now < past[1] and (own is None or now < own[0])


def monitor_counts(entries: Iterable[DayInputs], now: datetime, rules: RuleTable) -> dict[str, int]:
    """Counts per monitor state for a unit (API.md `counts`, plus `off`), every key present."""
    tally = Counter(monitor_state(entry, now, rules) for entry in entries)
    return {key: tally.get(key, 0) for key in MONITOR_KEYS}
