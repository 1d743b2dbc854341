"""Counting the rollout's adoption per unit and day (chalicelib.attendance.adoption)."""

from __future__ import annotations

from datetime import date

from chalicelib.attendance.adoption import AdoptionCounts, DayUse, Figures, StaffState, totals, unit_adoption

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)
STAFF = [StaffState("a", True, True), StaffState("b", True, False), StaffState("c", False, False)]


ALL = frozenset({"a", "b", "c"})


def counts(
    day: date, *staff: int, app: int, fingerprint: int, both: int, none: int, awaiting: int = 0
) -> AdoptionCounts:
    """A day's counts: employees, activated and enrolled (`staff`), then the day's sources."""
    return AdoptionCounts(day, Figures(*staff, app, fingerprint, both, none, awaiting_approval=awaiting))


def test_each_employee_counts_once_per_source_and_day() -> None:
    uses = [
        DayUse(D1, ALL, app=frozenset({"a", "b"}), fingerprint=frozenset({"a", "c", "moved-away"})),
        DayUse(D2, ALL),
    ]
    first, second = unit_adoption(STAFF, uses)
    assert first == counts(D1, 3, 2, 1, app=2, fingerprint=2, both=1, none=0)
    assert second == counts(D2, 3, 2, 1, app=0, fingerprint=0, both=0, none=3)
    assert first.as_dict()["date"] == "2026-11-02"


def test_a_day_counts_only_the_units_members_of_that_day() -> None:
    # GIVEN b moved in on D2 (so not a member on D1) and c retired after D1 (a member on D1 only), both by app
    uses = [
        DayUse(D1, frozenset({"a", "c"}), app=frozenset({"b", "c"})),
        DayUse(D2, frozenset({"a", "b"}), app=frozenset({"b", "c"})),
    ]
    # THEN each day counts its own members, their app use and their state, and no one else's
    first, second = unit_adoption(STAFF, uses)
    assert first == counts(D1, 2, 1, 1, app=1, fingerprint=0, both=0, none=1)
    assert second == counts(D2, 2, 2, 1, app=1, fingerprint=0, both=0, none=1)


def test_totals_add_units_per_day() -> None:
    u1 = unit_adoption(STAFF, [DayUse(D1, ALL, app=frozenset({"a"})), DayUse(D2, ALL)])
    d = frozenset({"d"})
    u2 = unit_adoption([StaffState("d", False, False)], [DayUse(D1, d), DayUse(D2, d, fingerprint=d)])
    summed = totals([u1, u2], [D1, D2])
    assert [(t.figures.employees, t.figures.app, t.figures.fingerprint, t.figures.none) for t in summed] == [
        (4, 1, 0, 3),
        (4, 0, 1, 3),
    ]
    assert totals([], [D1]) == [counts(D1, 0, 0, 0, app=0, fingerprint=0, both=0, none=0)]


def test_a_face_waiting_for_the_admin_counts_only_while_none_is_approved() -> None:
    # GIVEN a: approved and another photo waiting (can check in), b: waiting, none approved (held up by the
    # admin alone), c: nothing sent, d: waiting but not a member that day (moved in later)
    staff = [
        StaffState("a", True, True, face_pending=True),
        StaffState("b", True, False, face_pending=True),
        StaffState("c", True, False),
        StaffState("d", True, False, face_pending=True),
    ]
    (day,) = unit_adoption(staff, [DayUse(D1, ALL)])
    # THEN one employee waits for the admin, and the JSON says so beside the other figures
    assert day == counts(D1, 3, 3, 1, app=0, fingerprint=0, both=0, none=3, awaiting=1)
    assert day.as_dict() == {
        "date": "2026-11-02",
        "employees": 3,
        "activated": 3,
        "enrolled": 1,
        "app": 0,
        "fingerprint": 0,
        "both": 0,
        "none": 3,
        "awaiting_approval": 1,
    }
    # AND the regency's totals add it up
    (total,) = totals([[day], [day]], [D1])
    assert total.figures.awaiting_approval == 2
