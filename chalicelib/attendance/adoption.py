"""How far a unit has come in the rollout, day by day: who is activated and enrolled, whose face still waits for the
unit admin, who checked in by the app, by the fingerprint machine, by both, or not at all. Pure counting over plain
inputs (usecases/adoption.py reads them); counted events are those a day's judgement counts (accepted, or approved
after review)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from datetime import date


@dataclass(frozen=True)
class StaffState:
    """An employee of the unit now: whether a phone is bound, whether a face is approved, and whether one waits
    for an admin's decision (their state now)."""

    nip: str
    activated: bool
    enrolled: bool
    face_pending: bool = False

    @property
    def awaiting_approval(self) -> bool:
        """Held up by the unit admin alone: a face sent and waiting, none approved (no check-in can be made yet)."""
        return self.face_pending and not self.enrolled


@dataclass(frozen=True)
class DayUse:
    """Who the unit counted on one local date (`staff`: its members that day), who had a counted app event, and
    who a counted fingerprint punch."""

    day: date
    staff: frozenset[str]
    app: frozenset[str] = field(default_factory=frozenset)
    fingerprint: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Figures:
    """A day's counts of employees (`AdoptionCounts` names the day): what the report's columns show."""

    employees: int
    activated: int
    enrolled: int
    app: int
    fingerprint: int
    both: int
    none: int
    awaiting_approval: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


@dataclass(frozen=True)
class AdoptionCounts:
    day: date
    figures: Figures

    def as_dict(self) -> dict[str, int | str]:
        return {"date": self.day.isoformat(), **vars(self.figures)}


def unit_adoption(staff: Iterable[StaffState], days: Iterable[DayUse]) -> list[AdoptionCounts]:
    """One unit's counts per day. Only the unit's members of the day count (`DayUse.staff`: a punch of someone
    who moved away or retired before it is not adoption of this unit, nor is a day before someone moved in)."""
    people = {s.nip: s for s in staff}
    result = []
    for use in days:
        here = [people[nip] for nip in use.staff if nip in people]
        nips = frozenset(s.nip for s in here)
        app, machine = use.app & nips, use.fingerprint & nips
        figures = Figures(
            len(nips),
            sum(s.activated for s in here),
            sum(s.enrolled for s in here),
            len(app),
            len(machine),
            len(app & machine),
            len(nips - app - machine),
            sum(s.awaiting_approval for s in here),
        )
        result.append(AdoptionCounts(use.day, figures))
    return result


def totals(per_unit: Iterable[list[AdoptionCounts]], days: list[date]) -> list[AdoptionCounts]:
    """The sum over units, per day."""
    sums: dict[date, Figures] = dict.fromkeys(days, Figures(0, 0, 0, 0, 0, 0, 0))
    for unit in per_unit:
        for c in unit:
            sums[c.day] += c.figures
    return [AdoptionCounts(day, sums[day]) for day in days]
