"""Schedules (versioned), shift rosters, holidays, Ramadan periods and leaves: a repository of plain records.

`CalendarRepository` is what the use cases may ask; `DynamoCalendarRepository` answers it from DynamoDB
(with one-minute caches of the regency calendar and the units' schedule versions in front of the check-in's
reads) and `chalicelib.store.memory.calendar` from dicts; `tests/unit/store/calendar_contract.py` is the
one test class both pass.

Reads are shaped for the two callers: one employee's day (check-in answer) and one unit's day or month
(recaps, monitor), each a handful of queries whatever the unit's size, and each reading the roster days and
leaves of the dates asked, not the unit's whole past (rosters and leaves are never trimmed). Field duties are
the zones repository's: the plan readers take the duty rows the use case read there.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Protocol

from pynamodb.exceptions import PynamoDBException
from pynamodb.expressions.condition import Condition

from chalicelib import observability
from chalicelib.domain.attendance import Duty
from chalicelib.domain.calendar import (
    DateRange,
    EmployeePlan,
    Holiday,
    HolidayKind,
    Leave,
    LeaveEntry,
    LeaveKind,
    NewScheduleVersion,
    RamadanPeriod,
    RegencyCalendar,
    ScheduleEntry,
    StoredLeave,
    UnitPlans,
    leaves_begun_from,
)
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.schedule import MAX_ROSTER_DAYS, RosterDays, ScheduleVersion, WeekSchedule, WorkHours
from chalicelib.store.audit import AuditBatch, AuditOf, save_in
from chalicelib.store.base import (
    ConditionFailed,
    derived_hex,
    iso,
    parse_iso,
    record_from,
    storage_call,
    transaction,
    utc_now,
)
from chalicelib.store.cache import TtlCache
from chalicelib.store.models import OWN_PLAN_FOREVER, EmployeeModel, HolidayModel, LeaveModel, ScheduleModel
from chalicelib.store.people import extend_hint

RAMADAN_OWNER = "RAMADAN"


class CalendarRepository(Protocol):
    """Schedule versions by owner (`unit_owner`, `employee_owner`), shift rosters, holidays, Ramadan, leaves."""

    def add_schedule_version(self, version: NewScheduleVersion, audit: AuditBatch | None = None) -> str:
        """Append the version under its `version_id` (or a new one; never rewrites older ones), with the `audit`
        entries naming it (all or none), and answer its creation instant (UTC ISO 8601); ConditionFailed when the
        owner has a version with that id and effective date already (a retry of the same save: nothing written).
        `personal_unit` (the employee's unit) lists an employee's own version in the unit's plans. An own version
        moves the employee's `plan_until` hint to OWN_PLAN_FOREVER (`extend_hint`: an absent one stays absent)."""
        ...

    def schedule_history(self, owner: str) -> list[ScheduleEntry]:
        """Every version of the owner, by effective date then creation (then id), with its id and, an own
        version, the unit it was written for."""
        ...

    def put_shifts(
        self, nip: str, unor_id: str, shifts: RosterDays, actor: str, audit: AuditOf[RosterDays] | None = None
    ) -> RosterDays:
        """Set the employee's roster on these dates (None: a day off), replacing what those dates had, and answer
        what they had (the dates that had an entry); moves the employee's `plan_until` hint to the last date when
        that is later. `audit` gives the entries naming the change from the roster it replaces, kept with it all or
        none (`AuditBatch`). ConditionFailed when a date changed between its read and the write (a parallel
        change)."""
        ...

    def remove_shift(self, nip: str, day: date, actor: str, audit: AuditBatch | None = None) -> bool:
        """Remove the employee's roster entry of `day` (`actor` removes it), with the `audit` entries naming the
        removal, all or none: the date follows their schedule again. False, writing nothing, when it had none or
        it changed between its read and the removal (a parallel removal or roster came first)."""
        ...

    def roster(self, nip: str, start: date, end: date) -> dict[date, WorkHours | None]:
        """The employee's roster dates from `start` to `end` (inclusive) as last written, by date."""
        ...

    def put_holiday(
        self, day: date, name: str, kind: str, audit: AuditOf[Holiday | None] | None = None
    ) -> Holiday | None:
        """Create or replace the holiday on `day`, and answer the one it replaced (None: there was none). `audit`
        gives the entries naming the change from the holiday it replaces, kept with it all or none (`AuditBatch`).
        ConditionFailed when the day changed between its read and the write (a parallel change)."""
        ...

    def delete_holiday(self, day: date, audit: AuditOf[Holiday] | None = None) -> Holiday | None:
        """Delete the holiday on `day` and answer it, with the entries `audit` gives naming it, all or none; None,
        writing nothing, when `day` has none. ConditionFailed when the day changed between its read and the
        deletion (a parallel change)."""
        ...

    def holidays_of_year(self, year: int) -> list[Holiday]:
        """The year's holidays, by date."""
        ...

    def put_ramadan(
        self, period: DateRange, actor: str, audit: AuditOf[DateRange | None] | None = None
    ) -> DateRange | None:
        """Create a Ramadan period, or replace the one of its start year it corrects (`ramadan_key`), and answer
        the period it replaces (`replaced_period`), which is kept with it. `audit` gives the entries naming the
        change from the period it replaces, kept with it all or none. The same period stored already (a retry) is
        not written again, nor named. ConditionFailed when the slot changed between its read and the write."""
        ...

    def delete_ramadan(self, start: date, audit: AuditOf[DateRange] | None = None) -> DateRange | None:
        """Remove the Ramadan period starting on `start` and answer it, with the entries `audit` gives naming it,
        all or none; None, writing nothing, when no period starts then. ConditionFailed when the period changed
        between its read and the removal (a parallel change)."""
        ...

    def add_leave(
        self, entry: LeaveEntry, actor: str, leave_id: str | None = None, audit: AuditBatch | None = None
    ) -> str:
        """Record a leave and answer its id (`leave_id`, or a new one), with the `audit` entries naming it, all or
        none; ConditionFailed when the employee has a leave with that id and start already (a retry of the same
        recording: its entries were kept with it, and none are written again). Moves the employee's `plan_until`
        hint to the leave's end when that is later."""
        ...

    def get_leave(self, leave_id: str) -> StoredLeave | None:
        """The leave (cancelled or not), or None."""
        ...

    def leaves_of_unit(
        self, unor_id: str, start: date, end: date, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[StoredLeave], dict[str, Any] | None]:
        """Up to `limit` of the unit's leaves that are not cancelled and overlap `start`..`end`, by start date,
        and the cursor of the rest (None when there is none; a page may be short)."""
        ...

    def cancel_leave(self, leave_id: str, by: Decided, audit: AuditBatch | None = None) -> StoredLeave:
        """Mark the leave cancelled (it stays as evidence and no longer counts), with the `audit` entries naming
        that (all or none), and answer it as it was; ConditionFailed when it does not exist or is cancelled
        already."""
        ...

    def regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        """The holidays of these years and every Ramadan period."""
        ...

    def cached_regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        """`regency_calendar`, possibly as read up to a minute ago (the check-in's and the home screen's read)."""
        ...

    def employee_plan(self, employee: Employee, start: date, end: date, duties: Sequence[Duty]) -> EmployeePlan:
        """Everything scheduled for one employee between two dates (inclusive); `duties`: the employee's duty
        rows covering `end` (`ZonesRepository.duties_of(nip, end)`), those ended before `start` dropped. The
        employee's own versions, roster days and leaves are not read when the record's `plan_until` hint says
        none of them reaches `start` (`no_own_plan_reaches`). Own versions and roster days are those written for
        the employee's unit (`employee.unor_id`), as `unit_plans` gives them: after a move the new unit's hours
        apply, those written at the unit left stay its own (decision 120); leaves follow the employee."""
        ...

    def plan_as_written(
        self,
        nip: str,
        unor_id: str,
        start: date,
        end: date,
        *,
        duties: Sequence[Duty],
        unit_versions: tuple[ScheduleVersion, ...],
    ) -> EmployeePlan:
        """`employee_plan` of the employee as a member of `unor_id` under `unit_versions`, read strongly
        consistent by key, with no hint: what a re-run of a day right after a change of the employee's leaves,
        roster or own schedule judges with (an index, or a plain read, may not show the change yet)."""
        ...

    def leaves_of(self, nip: str, start: date, end: date) -> tuple[Leave, ...]:
        """The employee's leaves (not cancelled) that cover a date between `start` and `end`, whichever unit
        they were entered in."""
        ...

    def stored_leaves_of(self, nip: str, start: date, end: date) -> list[StoredLeave]:
        """`leaves_of` as the admin lists them (with their ids and the unit each was entered in), by start date:
        the leaves that followed an employee who moved to another unit. Strongly consistent: a leave stored a
        moment ago is seen (the overlap check under the employee's leave turn relies on it)."""
        ...

    def unit_plans(self, unor_id: str, start: date, end: date, duties: Sequence[Duty]) -> UnitPlans:
        """The plans of every employee of the unit between two dates; `duties`: the unit's duty rows covering
        a date of `start`..`end` (`ZonesRepository.duties_of_unit(unor_id, start, end)`; those ended before
        `start` are dropped)."""
        ...


def unit_owner(unor_id: str) -> str:
    return f"UNIT#{unor_id}"


def employee_owner(nip: str) -> str:
    return f"EMP#{nip}"


def shift_owner(nip: str) -> str:
    return f"SHIFT#{nip}"


def too_many(shifts: RosterDays) -> None:
    """Refuse a roster change of more dates than one transaction keeps with its audit entry (the API takes at
    most `MAX_ROSTER_DAYS`; a longer roster is written a part at a time)."""
    if len(shifts) > MAX_ROSTER_DAYS:
        raise ValueError(f"a roster change sets at most {MAX_ROSTER_DAYS} dates, not {len(shifts)}")


def own_plan_nip(owner: str) -> str | None:
    """The NIP of an employee's own schedule owner (`employee_owner`), None for any other owner."""
    prefix = employee_owner("")
    return owner.removeprefix(prefix) if owner.startswith(prefix) else None


def no_own_plan_reaches(employee: Employee, start: date) -> bool:
    """The employee's record says none of their own schedule versions, roster days or leaves reaches `start`
    (an absent hint says nothing)."""
    return employee.plan_until is not None and employee.plan_until < start.isoformat()


def version_key(effective_from: date, version_id: str) -> str:
    """The sort key of a schedule version: its effective date and id, the same for a retry of the same save
    (`new_version_id`), so that a conditional write stores it once. Versions written before it have
    `effective#created_at#random` keys; both list by effective date then creation (`schedule_history`)."""
    return f"{effective_from.isoformat()}#{version_id}"


VERSION_ID = re.compile(r"^v-[0-9a-f]{10}$")


def new_version_id(source: str | None = None) -> str:
    """A new schedule version id, or the one derived from `source` (the same source, the same id)."""
    return f"v-{derived_hex(source, 10) if source else secrets.token_hex(5)}"


def version_id_of(key: str) -> str:
    """The id of the version stored under `key` (`version_key`; an older key's random part)."""
    return key.rsplit("#", maxsplit=1)[-1]


LEAVE_ID = re.compile(r"^l-[0-9a-f]{10}$")


def new_leave_id(source: str | None = None) -> str:
    """A new leave id, or the one derived from `source` (the same source, the same id)."""
    return f"l-{derived_hex(source, 10) if source else secrets.token_hex(5)}"


def duty_ranges(duties: Iterable[Duty], start: date) -> list[DateRange]:
    """The date ranges of the duty rows that do not end before `start`."""
    return [
        DateRange(date.fromisoformat(r.start_date), date.fromisoformat(r.end_date))
        for r in duties
        if r.end_date >= start.isoformat()
    ]


def unit_duties(duties: Iterable[Duty], start: date) -> dict[str, list[DateRange]]:
    """`duty_ranges` of a unit's rows, by NIP."""
    by_nip: dict[str, list[DateRange]] = {}
    for duty in duties:
        for period in duty_ranges([duty], start):
            by_nip.setdefault(duty.nip, []).append(period)
    return by_nip


# --- DynamoDB ----------------------------------------------------------------------------------------


# Two Ramadans start this far apart at least (a lunar year, 354 or 355 days, less the few days the start of a month
# may move by sighting); a period nearer than this to a stored one of its year is that Ramadan corrected.
DISTINCT_RAMADANS = timedelta(days=320)


def ramadan_key(period: DateRange, stored: Mapping[str, DateRange]) -> str:
    """The key `period` is stored under: the key of the stored period of its start year it corrects (the nearest
    one less than `DISTINCT_RAMADANS` from it), else a new one. `stored`: the periods kept under the keys of its
    start year. A year holds two Ramadans every 32 or 33 years, one starting in early January and the next in
    late December (2030: 5 January and 26 December); with one period a year the second replaced the first,
    and January's recapped days were judged again at ordinary hours (decision 261)."""
    near = sorted(
        (abs(p.start - period.start), key)
        for key, p in stored.items()
        if abs(p.start - period.start) < DISTINCT_RAMADANS
    )
    if near:
        return near[0][1]
    year = str(period.start.year)
    return year if year not in stored else f"{year}-2"


def replaced_period(period: DateRange, stored: DateRange | None, stored_replaced: DateRange | None) -> DateRange | None:
    """The Ramadan period that `period`, written over the `stored` one (which had replaced `stored_replaced`),
    replaces: the stored one, or, when that is `period` already (a retry of a change whose re-run of the days
    failed), the one it replaced, so that the retry still judges those days again."""
    return stored_replaced if stored == period else stored


def _range_of(definition: dict[str, Any] | None) -> DateRange | None:
    """The dates of a stored Ramadan definition (or of the one it keeps as `replaced`), or None."""
    return None if definition is None else _period_of(definition)


def _period_of(definition: dict[str, Any]) -> DateRange:
    return DateRange(date.fromisoformat(definition["start"]), date.fromisoformat(definition["end"]))


def _item(
    owner: str,
    key: str,
    definition: dict[str, Any],
    actor: str,
    personal_unit: str | None,
    *,
    created_at: str | None = None,
) -> ScheduleModel:
    return ScheduleModel(
        owner,
        key,
        effective_from=key.split("#", maxsplit=1)[0],
        created_at=created_at or iso(utc_now()),
        created_by=actor,
        definition=definition,
        unor_id=personal_unit,
        owner_key=f"{owner}#{key}" if personal_unit else None,
    )


def _version(r: ScheduleModel) -> ScheduleVersion:
    return ScheduleVersion(
        date.fromisoformat(r.effective_from), parse_iso(r.created_at), WeekSchedule.from_dict(r.definition)
    )


def _versions(owner: str) -> tuple[ScheduleVersion, ...]:
    with storage_call("dynamodb"):
        return tuple(_version(r) for r in ScheduleModel.query(owner))


_REMOVED = "removed"  # the definition of a roster date removed (`remove_shift`): the date follows the schedule


def _roster_day(r: ScheduleModel) -> WorkHours | None:
    return None if r.definition.get("off") else WorkHours.parse(r.definition["start"], r.definition["end"])


def _rostered(r: ScheduleModel) -> bool:
    """A roster item that holds hours or a day off (not a removed date's mark)."""
    return not r.definition.get(_REMOVED)


def _own_versions(nip: str, unor_id: str, *, consistent: bool = False) -> tuple[ScheduleVersion, ...]:
    """The employee's own versions written for the unit (`personal_unit`), as its plans list them."""
    with storage_call("dynamodb"):
        rows = ScheduleModel.query(employee_owner(nip), consistent_read=consistent)
        return tuple(_version(r) for r in rows if r.unor_id == unor_id)


def _shifts(
    nip: str, start: date, end: date, unor_id: str | None = None, *, consistent: bool = False
) -> dict[date, WorkHours | None]:
    """The employee's roster days of `start`..`end`: every one, or those written for the unit `unor_id` (as its
    plans list them)."""
    condition = ScheduleModel.key.between(start.isoformat(), end.isoformat())
    with storage_call("dynamodb"):
        rows = ScheduleModel.query(shift_owner(nip), condition, consistent_read=consistent)
        return {
            date.fromisoformat(r.key): _roster_day(r) for r in rows if _rostered(r) and unor_id in (None, r.unor_id)
        }


def _unit_own_versions(unor_id: str) -> dict[str, list[ScheduleVersion]]:
    """The own schedule versions written for the unit's employees, by NIP: every one, a version holds from its
    date on (one key prefix of the by_unit index; the roster items under the other prefix are not read)."""
    own: dict[str, list[ScheduleVersion]] = {}
    prefix = employee_owner("")
    with storage_call("dynamodb"):
        for row in ScheduleModel.by_unit.query(unor_id, ScheduleModel.owner_key.startswith(prefix)):
            own.setdefault(row.owner.removeprefix(prefix), []).append(_version(row))
    return own


def _index_not_ready(exc: PynamoDBException, index_name: str) -> bool:
    """DynamoDB refusing a Query on an index the table does not have yet, or is still filling from its items
    ("The table does not have the specified index: …", "Cannot read from backfilling global secondary index: …";
    moto: "Invalid index: …")."""
    code, message = exc.cause_response_code, str(exc.cause_response_message or "")
    return code in {"ValidationException", "ResourceNotFoundException"} and index_name in message


def _unit_roster_rows(unor_id: str, start: date, end: date) -> list[ScheduleModel]:
    """The roster items (removal marks included) written for the unit's employees on a date of `start`..`end`,
    by NIP then date: one key range of the by_unit_day index, whatever the length of the rosters' history.

    Until that index can be read (a deploy adds it to the existing table, which DynamoDB then fills from the
    items already there, roster items included: minutes; a local stack restored from an older snapshot lacks it),
    the unit's roster items are read as before it, every date ever rostered (the by_unit index's `SHIFT#` prefix),
    and a warning says so."""
    days = ScheduleModel.effective_from.between(start.isoformat(), end.isoformat())
    prefix = shift_owner("")
    with storage_call("dynamodb"):
        try:
            rows = list(
                ScheduleModel.by_unit_day.query(unor_id, days, filter_condition=ScheduleModel.owner.startswith(prefix))
            )
        except PynamoDBException as exc:
            if not _index_not_ready(exc, ScheduleModel.by_unit_day.Meta.index_name):
                raise
            observability.logger.warning("roster read without its index", extra={"unor_id": unor_id})
            everything = ScheduleModel.by_unit.query(unor_id, ScheduleModel.owner_key.startswith(prefix))
            rows = [r for r in everything if start.isoformat() <= r.key <= end.isoformat()]
    return sorted(rows, key=lambda r: (r.owner, r.key))


def _leave(row: LeaveModel) -> Leave:
    return Leave(LeaveKind(row.type), DateRange(date.fromisoformat(row.start_date), date.fromisoformat(row.end_date)))


def _stored_leave(row: LeaveModel) -> StoredLeave:
    return record_from(StoredLeave, row, kind=row.type)


def _leave_rows(nip: str, start: date, end: date, *, consistent: bool = False) -> list[LeaveModel]:
    """The employee's leaves (not cancelled) begun by `end` that may still cover `start` (not every leave of the
    past years), by start date; `consistent`: a strongly consistent read (a leave stored a moment ago is seen)."""
    keys = LeaveModel.key.between(leaves_begun_from(start).isoformat(), f"{end.isoformat()}#~")
    with storage_call("dynamodb"):
        return [r for r in LeaveModel.query(nip, keys, consistent_read=consistent) if r.cancelled_at is None]


def _leaves(nip: str, start: date, end: date, *, consistent: bool = False) -> tuple[Leave, ...]:
    return tuple(_leave(r) for r in _leave_rows(nip, start, end, consistent=consistent))


def _own_plan(
    nip: str, unor_id: str, period: tuple[date, date], plan: EmployeePlan, *, consistent: bool
) -> EmployeePlan:
    """`plan` (its unit's versions and field duties) with the employee's own versions and roster days written
    for `unor_id` and their leaves of the `period`."""
    start, end = period
    return replace(
        plan,
        own_versions=_own_versions(nip, unor_id, consistent=consistent),
        shifts=_shifts(nip, start, end, unor_id, consistent=consistent),
        leaves=_leaves(nip, start, end, consistent=consistent),
    )


def _leave_row(leave_id: str) -> LeaveModel | None:
    with storage_call("dynamodb"):
        keys = list(LeaveModel.by_id.query(leave_id, limit=1))
        return LeaveModel.get(keys[0].nip, keys[0].key, consistent_read=True) if keys else None


def _holiday(h: HolidayModel) -> Holiday:
    return Holiday(date.fromisoformat(h.date), h.name, HolidayKind(h.kind))


def _holiday_as_read(held: Holiday | None) -> Condition:
    """The day's item is as it was read: absent, or with that name and kind (an item older than kinds has none,
    and reads as local)."""
    if held is None:
        absent: Condition = HolidayModel.date.does_not_exist()
        return absent
    kind: Condition = HolidayModel.kind == held.kind.value
    if held.kind is HolidayKind.LOCAL:
        kind = kind | HolidayModel.kind.does_not_exist()
    same: Condition = (HolidayModel.name == held.name) & kind
    return same


def _holiday_held(day: date) -> Holiday | None:
    """The holiday stored on `day`, read consistently (what a change of the day is conditioned on), or None."""
    with storage_call("dynamodb"):
        try:
            return _holiday(HolidayModel.get(str(day.year), day.isoformat(), consistent_read=True))
        except HolidayModel.DoesNotExist:
            return None


def _holidays(year: int) -> list[Holiday]:
    with storage_call("dynamodb"):
        return [_holiday(h) for h in HolidayModel.query(str(year))]


_CALENDARS: TtlCache[RegencyCalendar] = TtlCache(ttl_s=60)
_UNIT_VERSIONS: TtlCache[tuple[ScheduleVersion, ...]] = TtlCache(ttl_s=60)


class DynamoCalendarRepository:
    """`CalendarRepository` on the schedules, holidays and leaves tables (chalicelib.store.models)."""

    # --- writes --------------------------------------------------------------------------------------

    def add_schedule_version(self, version: NewScheduleVersion, audit: AuditBatch | None = None) -> str:
        now, owner = iso(utc_now()), version.owner
        nip = own_plan_nip(owner)
        if nip is not None:
            extend_hint(EmployeeModel.plan_until, nip, OWN_PLAN_FOREVER)
        key = version_key(version.effective_from, version.version_id or new_version_id())
        item = _item(owner, key, version.week.to_dict(), version.actor, version.personal_unit, created_at=now)
        with storage_call("dynamodb"), transaction() as tx:
            tx.save(item, condition=ScheduleModel.key.does_not_exist())
            save_in(tx, audit)
        _UNIT_VERSIONS.forget(owner)
        return now

    def put_shifts(
        self, nip: str, unor_id: str, shifts: RosterDays, actor: str, audit: AuditOf[RosterDays] | None = None
    ) -> RosterDays:
        # One consistent BatchGetItem for the dates' entries as they stand, then the dates, each conditioned on its
        # entry as read, and the audit entries in one transaction (`too_many`: at most 63 items): the entry's
        # `before` is what the write replaced.
        if not shifts:
            return {}
        too_many(shifts)
        extend_hint(EmployeeModel.plan_until, nip, max(shifts).isoformat())
        owner = shift_owner(nip)
        with storage_call("dynamodb"):
            keys = [(owner, day.isoformat()) for day in shifts]
            held = {row.key: row for row in ScheduleModel.batch_get(keys, consistent_read=True)}
            replaced = {date.fromisoformat(k): _roster_day(r) for k, r in sorted(held.items()) if _rostered(r)}
            with transaction() as tx:
                for day, hours in shifts.items():
                    definition = hours.to_dict() if hours else {"off": True}
                    row = held.get(day.isoformat())
                    as_read = ScheduleModel.definition == row.definition if row else ScheduleModel.key.does_not_exist()
                    tx.save(_item(owner, day.isoformat(), definition, actor, unor_id), condition=as_read)
                save_in(tx, audit(replaced) if audit is not None else None)
        return replaced

    def remove_shift(self, nip: str, day: date, actor: str, audit: AuditBatch | None = None) -> bool:
        # The item is overwritten with a removal mark, not deleted: the API may not delete schedule items (their
        # versions are never rewritten, decision 109), and the mark keeps who removed the date and when.
        with storage_call("dynamodb"):
            try:
                row = ScheduleModel.get(shift_owner(nip), day.isoformat(), consistent_read=True)
            except ScheduleModel.DoesNotExist:
                return False
        if row.definition.get(_REMOVED):
            return False
        mark = _item(row.owner, row.key, {_REMOVED: True}, actor, row.unor_id)
        # Only over the entry read: of two removals at once one writes (`created_at` has whole seconds, too coarse).
        try:
            with storage_call("dynamodb"), transaction() as tx:
                tx.save(mark, condition=ScheduleModel.definition == row.definition)
                save_in(tx, audit)
        except ConditionFailed:
            return False  # changed meanwhile: a removal or a new roster of that date came first
        return True

    def put_holiday(
        self, day: date, name: str, kind: str, audit: AuditOf[Holiday | None] | None = None
    ) -> Holiday | None:
        # One consistent GetItem for the holiday replaced, then the write, conditioned on the day as read, and its
        # audit entries in one transaction: the entry's `before` is what the write replaced.
        replaced = _holiday_held(day)
        with storage_call("dynamodb"), transaction() as tx:
            item = HolidayModel(str(day.year), day.isoformat(), name=name, kind=kind)
            tx.save(item, condition=_holiday_as_read(replaced))
            save_in(tx, audit(replaced) if audit is not None else None)
        _CALENDARS.forget()
        return replaced

    def delete_holiday(self, day: date, audit: AuditOf[Holiday] | None = None) -> Holiday | None:
        # As `put_holiday`: the deletion, conditioned on the holiday as read, and the entries naming it in one
        # transaction.
        held = _holiday_held(day)
        if held is None:
            return None
        with storage_call("dynamodb"), transaction() as tx:
            tx.delete(HolidayModel(str(day.year), day.isoformat()), condition=_holiday_as_read(held))
            save_in(tx, audit(held) if audit is not None else None)
        _CALENDARS.forget()
        return held

    def put_ramadan(
        self, period: DateRange, actor: str, audit: AuditOf[DateRange | None] | None = None
    ) -> DateRange | None:
        year = ScheduleModel.key.startswith(str(period.start.year))
        with storage_call("dynamodb"):
            items = {r.key: r.definition for r in ScheduleModel.query(RAMADAN_OWNER, year, consistent_read=True)}
        slot = ramadan_key(period, {key: _period_of(definition) for key, definition in items.items()})
        stored = items.get(slot)
        replaced = replaced_period(period, _range_of(stored), _range_of((stored or {}).get("replaced")))
        definition: dict[str, Any] = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        if replaced is not None:
            definition["replaced"] = {"start": replaced.start.isoformat(), "end": replaced.end.isoformat()}
        if _range_of(stored) != period:  # else this change, made before (a retry): nothing to write or name again
            as_read = ScheduleModel.definition == stored if stored else ScheduleModel.key.does_not_exist()
            with storage_call("dynamodb"), transaction() as tx:
                tx.save(_item(RAMADAN_OWNER, slot, definition, actor, None), condition=as_read)
                save_in(tx, audit(replaced) if audit is not None else None)
        _CALENDARS.forget()
        return replaced

    def delete_ramadan(self, start: date, audit: AuditOf[DateRange] | None = None) -> DateRange | None:
        year = ScheduleModel.key.startswith(str(start.year))
        with storage_call("dynamodb"):
            items = list(ScheduleModel.query(RAMADAN_OWNER, year, consistent_read=True))
        found = next((r for r in items if _period_of(r.definition).start == start), None)
        if found is None:
            return None
        removed = _period_of(found.definition)
        with storage_call("dynamodb"), transaction() as tx:
            tx.delete(ScheduleModel(RAMADAN_OWNER, found.key), condition=ScheduleModel.definition == found.definition)
            save_in(tx, audit(removed) if audit is not None else None)
        _CALENDARS.forget()
        return removed

    def add_leave(
        self, entry: LeaveEntry, actor: str, leave_id: str | None = None, audit: AuditBatch | None = None
    ) -> str:
        leave_id = leave_id or new_leave_id()
        extend_hint(EmployeeModel.plan_until, entry.nip, entry.end.isoformat())
        with storage_call("dynamodb"), transaction() as tx:
            leave = LeaveModel(
                entry.nip,
                f"{entry.start.isoformat()}#{leave_id}",
                leave_id=leave_id,
                unor_id=entry.unor_id,
                type=entry.kind,
                start_date=entry.start.isoformat(),
                end_date=entry.end.isoformat(),
                reason=entry.reason,
                created_by=actor,
                created_at=iso(utc_now()),
            )
            tx.save(leave, condition=LeaveModel.key.does_not_exist())
            save_in(tx, audit)
        return leave_id

    def cancel_leave(self, leave_id: str, by: Decided, audit: AuditBatch | None = None) -> StoredLeave:
        row = _leave_row(leave_id)
        if row is None:
            raise ConditionFailed("dynamodb")
        with storage_call("dynamodb"), transaction() as tx:
            tx.update(
                row,
                actions=[LeaveModel.cancelled_at.set(iso(by.at)), LeaveModel.cancelled_by.set(by.actor)],
                condition=LeaveModel.cancelled_at.does_not_exist(),
            )
            save_in(tx, audit)
        return _stored_leave(row)

    # --- reads ---------------------------------------------------------------------------------------

    def get_leave(self, leave_id: str) -> StoredLeave | None:
        row = _leave_row(leave_id)
        return _stored_leave(row) if row else None

    def leaves_of_unit(
        self, unor_id: str, start: date, end: date, limit: int, cursor: dict[str, Any] | None
    ) -> tuple[list[StoredLeave], dict[str, Any] | None]:
        wanted = (LeaveModel.end_date >= start.isoformat()) & LeaveModel.cancelled_at.does_not_exist()
        with storage_call("dynamodb"):
            result = LeaveModel.by_unit.query(
                unor_id,
                LeaveModel.start_date.between(leaves_begun_from(start).isoformat(), end.isoformat()),
                filter_condition=wanted,
                limit=limit,
                last_evaluated_key=cursor,
            )
            return [_stored_leave(r) for r in result], result.last_evaluated_key

    def schedule_history(self, owner: str) -> list[ScheduleEntry]:
        with storage_call("dynamodb"):
            found = ScheduleModel.query(owner, consistent_read=True)  # a save just made is there (`_add_version`)
            rows = sorted(found, key=lambda r: (r.effective_from, r.created_at, r.key))
        return [
            ScheduleEntry(r.effective_from, r.created_at, r.created_by, r.definition, version_id_of(r.key), r.unor_id)
            for r in rows
        ]

    def holidays_of_year(self, year: int) -> list[Holiday]:
        return _holidays(year)

    def roster(self, nip: str, start: date, end: date) -> dict[date, WorkHours | None]:
        return _shifts(nip, start, end)

    def regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        holidays = [holiday for year in sorted(set(years)) for holiday in _holidays(year)]
        with storage_call("dynamodb"):
            ramadan = [RamadanPeriod(_period_of(r.definition)) for r in ScheduleModel.query(RAMADAN_OWNER)]
        return RegencyCalendar.of(tuple(holidays), tuple(ramadan))

    def cached_regency_calendar(self, years: Iterable[int]) -> RegencyCalendar:
        """The calendar as read at most a minute ago (check-in answers, the home screen; recaps read it fresh)."""
        key = tuple(sorted(set(years)))
        return _CALENDARS.get(key, lambda: self.regency_calendar(key))

    def employee_plan(self, employee: Employee, start: date, end: date, duties: Sequence[Duty]) -> EmployeePlan:
        """The unit's versions as read at most a minute ago (every check-in of the unit reads them)."""
        owner = unit_owner(employee.unor_id)
        unit_versions = _UNIT_VERSIONS.get(owner, lambda: _versions(owner))
        plan = EmployeePlan(unit_versions=unit_versions, field_duties=tuple(duty_ranges(duties, start)))
        if no_own_plan_reaches(employee, start):
            return plan
        return _own_plan(employee.nip, employee.unor_id, (start, end), plan, consistent=False)

    def plan_as_written(
        self,
        nip: str,
        unor_id: str,
        start: date,
        end: date,
        *,
        duties: Sequence[Duty],
        unit_versions: tuple[ScheduleVersion, ...],
    ) -> EmployeePlan:
        plan = EmployeePlan(unit_versions=unit_versions, field_duties=tuple(duty_ranges(duties, start)))
        return _own_plan(nip, unor_id, (start, end), plan, consistent=True)

    def leaves_of(self, nip: str, start: date, end: date) -> tuple[Leave, ...]:
        return tuple(leave for leave in _leaves(nip, start, end) if leave.period.end >= start)

    def stored_leaves_of(self, nip: str, start: date, end: date) -> list[StoredLeave]:
        rows = _leave_rows(nip, start, end, consistent=True)
        return [_stored_leave(r) for r in rows if r.end_date >= start.isoformat()]

    def unit_plans(self, unor_id: str, start: date, end: date, duties: Sequence[Duty]) -> UnitPlans:
        leaves: dict[str, list[Leave]] = {}
        with storage_call("dynamodb"):
            begun = LeaveModel.start_date.between(leaves_begun_from(start).isoformat(), end.isoformat())
            for row in LeaveModel.by_unit.query(unor_id, begun):
                if row.end_date >= start.isoformat() and row.cancelled_at is None:
                    leaves.setdefault(row.nip, []).append(_leave(row))
        shifts: dict[str, dict[date, WorkHours | None]] = {}
        for row in _unit_roster_rows(unor_id, start, end):
            if _rostered(row):
                shifts.setdefault(row.owner.removeprefix(shift_owner("")), {})[date.fromisoformat(row.key)] = (
                    _roster_day(row)
                )
        own = _unit_own_versions(unor_id)
        return UnitPlans(_versions(unit_owner(unor_id)), leaves, unit_duties(duties, start), own, shifts)


__all__ = [
    "LEAVE_ID",
    "VERSION_ID",
    "CalendarRepository",
    "DynamoCalendarRepository",
    "duty_ranges",
    "employee_owner",
    "new_leave_id",
    "new_version_id",
    "no_own_plan_reaches",
    "own_plan_nip",
    "shift_owner",
    "unit_duties",
    "unit_owner",
    "version_id_of",
    "version_key",
]
