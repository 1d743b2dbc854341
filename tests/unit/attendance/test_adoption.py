"""Counting the rollout's adoption per unit and day (chalicelib.attendance.adoption)."""

from __future__ import annotations

from datetime import date

from chalicelib.attendance.adoption import AdoptionCounts, DayUse, StaffState, totals, unit_adoption

D1, D2 = date(2026, 11, 2), date(2026, 11, 3)
STAFF = [StaffState("a", True, True), StaffState("b", True, False), StaffState("c", False, False)]


ALL = frozenset({"a", "b", "c"})


def test_each_employee_counts_once_per_source_and_day() -> None:
    uses = [
        DayUse(D1, ALL, app=frozenset({"a", "b"}), fingerprint=frozenset({"a", "c", "moved-away"})),
        DayUse(D2, ALL),
    ]
    first, second = unit_adoption(STAFF, uses)
    assert first == AdoptionCounts(D1, 3, 2, 1, app=2, fingerprint=2, both=1, none=0)
    assert second == AdoptionCounts(D2, 3, 2, 1, app=0, fingerprint=0, both=0, none=3)
    assert first.as_dict()["date"] == "2026-11-02"


def test_a_day_counts_only_the_units_members_of_that_day() -> None:
    # GIVEN b moved in on D2 (so not a member on D1) and c retired after D1 (a member on D1 only), both by app
    uses = [
        DayUse(D1, frozenset({"a", "c"}), app=frozenset({"b", "c"})),
        DayUse(D2, frozenset({"a", "b"}), app=frozenset({"b", "c"})),
    ]
    # THEN each day counts its own members, their app use and their state, and no one else's
    first, second = unit_adoption(STAFF, uses)
    assert first == AdoptionCounts(D1, 2, 1, 1, app=1, fingerprint=0, both=0, none=1)
    assert second == AdoptionCounts(D2, 2, 2, 1, app=1, fingerprint=0, both=0, none=1)


def test_totals_add_units_per_day() -> None:
    u1 = unit_adoption(STAFF, [DayUse(D1, ALL, app=frozenset({"a"})), DayUse(D2, ALL)])
    d = frozenset({"d"})
    u2 = unit_adoption([StaffState("d", False, False)], [DayUse(D1, d), DayUse(D2, d, fingerprint=d)])
    summed = totals([u1, u2], [D1, D2])
    assert [(t.employees, t.app, t.fingerprint, t.none) for t in summed] == [(4, 1, 0, 3), (4, 0, 1, 3)]
    assert totals([], [D1]) == [AdoptionCounts(D1, 0, 0, 0, 0, 0, 0, 0)]
