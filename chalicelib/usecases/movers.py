"""Whose days a leave, field-duty letter or request of an employee covers once SIMPEG moved them to another unit:
the units whose admins list it and may change it (decision 313, from an insider audit).

A record keeps the unit it was entered under (a leave's, a request's `unor_id`, a letter's duty rows), and the
unit lists read it by that unit. Its days from the employee's recorded move on (`Employee.unit_since`, the rule
of the recaps, decision 120) are the current unit's; the days before the move stay the record's unit's. So a
leave the old school entered for weeks after the move is the new school's to see and cancel, a letter of a day
the employee spent at the old school stays the old school's, and a record across the move is both units': each
lists it, and only an admin of both (a super admin) cancels it, as API.md has no partial cancellation and a
letter naming employees of two units already needs an admin of both. A record of days before the move is entered
under the unit that judged them (`entered_under`): an employee's request for a day at the old school is the old
school's to decide, and an admin of the new school alone enters no leave or letter for such days (decision 494;
before it, the new unit could, and the old unit neither listed nor cancelled what changed its report). Without a
recorded move, the record's unit alone.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from typing import Protocol, TypeVar

from chalicelib import runtime
from chalicelib.domain.calendar import MAX_LEAVE_DAYS
from chalicelib.domain.people import Employee, Principal, recorded_day
from chalicelib.errors import ForbiddenError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.usecases import access, recaps


class Kept(Protocol):
    """A record of one employee's days, entered under a unit: a leave, a request, a letter's duty row."""

    @property
    def nip(self) -> str: ...

    @property
    def unor_id(self) -> str: ...

    @property
    def start_date(self) -> str: ...  # YYYY-MM-DD, inclusive

    @property
    def end_date(self) -> str: ...  # YYYY-MM-DD, inclusive


K = TypeVar("K", bound=Kept)


def owners(record_unit: str, first: str, last: str, current: str, moved: date | None) -> frozenset[str]:
    """The units whose days `first`..`last` a record entered under `record_unit` covers, for an employee now in
    `current` since `moved` (None: no move recorded): `record_unit` for the days before the move, `current` from
    it on."""
    if moved is None:
        return frozenset({record_unit})
    day = moved.isoformat()
    return frozenset(unit for unit, covered in ((record_unit, first < day), (current, last >= day)) if covered)


def owners_of(employee: Employee | None, record: Kept, tz: tzinfo) -> frozenset[str]:
    """`owners` of `record` for its `employee` (None: unknown, the record's unit alone)."""
    if employee is None:
        return frozenset({record.unor_id})
    moved = recorded_day(employee.unit_since, tz)
    return owners(record.unor_id, record.start_date, record.end_date, employee.unor_id, moved)


def record_owners(record: Kept, tz: tzinfo) -> frozenset[str]:
    """`owners_of` the record, its employee read."""
    return owners_of(runtime.people().get_employee(record.nip), record, tz)


@dataclass(frozen=True)
class Entry:
    """The unit a record of an employee's days is entered under, and whether a unit judged its first day (False: a
    day before a recorded move that no unit stored, entered under the current unit)."""

    unit: str
    judged: bool


def entered_under(employee: Employee, start: date, settings: Settings) -> Entry:
    """The unit a record of the employee's days from `start` is entered under: the unit that judged `start`
    (`recaps.judged_unit`: the old unit for a day before a recorded move, its current one otherwise, or when no
    unit judged the day)."""
    judged = recaps.judged_unit(employee, start, settings)
    return Entry(judged or employee.unor_id, judged is not None)


def require_entry(actor: Principal, employee: Employee, entry: Entry, days: tuple[date, date], tz: tzinfo) -> None:
    """403 unless the caller is admin of every unit whose days a record of `employee` entered under `entry.unit`
    (the unit of its first day, `entered_under`) covers (`owners`): a new school's admin alone enters no leave or
    letter for the days the employee spent at the old one, which that school's report counts. Days before the move
    that no unit judged are a super admin's to enter; days the current unit judged before (a move away and back)
    are its own admin's."""
    moved = recorded_day(employee.unit_since, tz)
    if moved is None or days[0] >= moved:
        return  # the current unit's days alone, whose scope the caller was checked for with the employee
    first, last = (day.isoformat() for day in days)
    units = owners(entry.unit, first, last, employee.unor_id, moved)
    if (not entry.judged and not actor.is_super_admin) or not all(access.visible(actor, u) for u in units):
        raise ForbiddenError(BEFORE_MOVE.format(day=moved.isoformat()), {"nip": employee.nip, "moved_on": str(moved)})


# Said to the new unit's admin (decision 494).
BEFORE_MOVE = (
    "Hari sebelum {day} adalah hari pegawai ini di unit lamanya (pindah unit menurut SIMPEG): cuti atau surat tugas"
    " untuk hari itu dicatat admin yang memegang unit lama dan unit barunya, misalnya BKPSDM."
)


def require_owner(actor: Principal, units: Collection[str], not_found: NotFoundError) -> None:
    """The caller may change a record covering these units' days: `not_found` (404) when they see none of them,
    as for another unit's record; 403 when one of them is not theirs (some of its days are another unit's)."""
    if not any(access.visible(actor, unit) for unit in units):
        raise not_found
    for unit in sorted(units):
        access.require_unit_scope(actor, unit)


def owned(unor_id: str, records: Sequence[K], tz: tzinfo) -> list[K]:
    """The records entered under the unit (a page of its own list) that cover days of it: not those of an
    employee who moved away before their first day (one batch read of the employees)."""
    employees = {e.nip: e for e in runtime.people().get_employees({r.nip for r in records})}
    return [r for r in records if unor_id in owners_of(employees.get(r.nip), r, tz)]


def followed(
    unor_id: str, since: date, read: Callable[[str], Iterable[K]], tz: tzinfo, until: date | None = None
) -> list[K]:
    """The records that followed into the unit its members who moved in from `since` to `until` (None: to now):
    those `read(nip)` finds (a member's records, by NIP) that were entered under another unit and cover days of
    this one. A move after `until` (the end of the listed days) leaves the listed days the old unit's: not read.
    The members' reads overlap (`recaps.map_units`): after a reorganisation a unit's list has hundreds of them.

    Moves before `since` are left out, as the recap leaves them out (`recaps._movers_follow`): a record entered
    before such a move that still reaches the listed days would have to be more than a year long."""
    movers = [
        (member.nip, moved)
        for member in runtime.people().members_of_unit(unor_id)
        if (moved := member.moved_on(tz)) is not None and since <= moved and (until is None or moved <= until)
    ]
    reads = recaps.map_units(lambda nip: list(read(nip)), [nip for nip, _ in movers])
    return [
        r
        for (_, moved), records in zip(movers, reads, strict=True)
        for r in records
        if r.unor_id != unor_id and unor_id in owners(r.unor_id, r.start_date, r.end_date, unor_id, moved)
    ]


def followed_since(first: date) -> date:
    """The earliest move whose followed records a list of days from `first` on reads (see `followed`)."""
    return first - timedelta(days=MAX_LEAVE_DAYS)
