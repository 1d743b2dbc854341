"""How far a unit has come in the rollout, day by day: who is activated and enrolled, who checked in by the app,
by the fingerprint machine, by both, or not at all. Pure counting over plain inputs (usecases/adoption.py reads
them); counted events are those a day's judgement counts (accepted, or approved after review)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class StaffState:
    """An employee of the unit now: whether a phone is bound and whether a face is approved (their state now)."""

    nip: str
    activated: bool
    enrolled: bool


@dataclass(frozen=True)
class DayUse:
    """Who the unit counted on one local date (`staff`: its members that day), who had a counted app event, and
    who a counted fingerprint punch."""

    day: date
    staff: frozenset[str]
    app: frozenset[str] = field(default_factory=frozenset)
    fingerprint: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class AdoptionCounts:
    day: date
    employees: int
    activated: int
    enrolled: int
    app: int
    fingerprint: int
    both: int
    none: int

    def as_dict(self) -> dict[str, int | str]:
        return {
            "date": self.day.isoformat(),
            "employees": self.employees,
            "activated": self.activated,
            "enrolled": self.enrolled,
            "app": self.app,
            "fingerprint": self.fingerprint,
            "both": self.both,
            "none": self.none,
        }


def unit_adoption(staff: Iterable[StaffState], days: Iterable[DayUse]) -> list[AdoptionCounts]:
    """One unit's counts per day. Only the unit's members of the day count (`DayUse.staff`: a punch of someone
    who moved away or retired before it is not adoption of this unit, nor is a day before someone moved in)."""
    people = {s.nip: s for s in staff}
    result = []
    for use in days:
        here = [people[nip] for nip in use.staff if nip in people]
        nips = frozenset(s.nip for s in here)
        app, machine = use.app & nips, use.fingerprint & nips
        result.append(
            AdoptionCounts(
                use.day,
                len(nips),
                sum(s.activated for s in here),
                sum(s.enrolled for s in here),
                len(app),
                len(machine),
                len(app & machine),
                len(nips - app - machine),
            )
        )
    return result


def totals(per_unit: Iterable[list[AdoptionCounts]], days: list[date]) -> list[AdoptionCounts]:
    """The sum over units, per day."""
    sums: Mapping[date, list[int]] = {day: [0] * 7 for day in days}
    for unit in per_unit:
        for c in unit:
            row = sums[c.day]
            for index, value in enumerate((c.employees, c.activated, c.enrolled, c.app, c.fingerprint, c.both, c.none)):
                row[index] += value
    return [AdoptionCounts(day, *sums[day]) for day in days]
