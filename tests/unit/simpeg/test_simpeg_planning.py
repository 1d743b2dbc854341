"""Pure sync planning: every diff outcome, full vs partial, unit upserts, and the guard."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.people import Unit
from chalicelib.simpeg.errors import SimpegConflictError
from chalicelib.simpeg.memory import InMemoryEmployeeRepository
from chalicelib.simpeg.models import Confirmation, EmployeeRecord, StoredEmployee
from chalicelib.simpeg.planning import GuardConfig, plan_sync
from chalicelib.simpeg.sync import apply_plan
from chalicelib.simpeg.validation import RecordBatch

NOW = "2026-02-02T00:00:00Z"
EARLIER = "2026-01-01T00:00:00Z"


def rec(i: int, **changes: object) -> EmployeeRecord:
    base = EmployeeRecord(f"198501012010011{i:03d}", f"Pegawai {i}", "u-1", "SDN 1 Ngamprah", "Guru Ahli Pertama")
    return replace(base, **changes)  # type: ignore[arg-type]


def stored(record: EmployeeRecord) -> StoredEmployee:
    return StoredEmployee.from_record(record, changed_at=EARLIER)


def batch(*records: EmployeeRecord, refused: frozenset[str] = frozenset()) -> RecordBatch:
    return RecordBatch(tuple(records), (), refused)


def test_each_outcome_is_classified() -> None:
    # GIVEN four stored employees
    current = [stored(rec(i)) for i in range(1, 5)]
    # WHEN SIMPEG lists: 1 unchanged, 2 with a new jabatan, 3 in another unit, 4 retired, 5 new
    incoming = batch(
        rec(1), rec(2, jabatan="Guru Ahli Muda"), rec(3, unor_id="u-2", unor_nama="SMPN 1 Lembang"),
        rec(4, active=False), rec(5),
    )  # fmt: skip
    plan = plan_sync(current, [Unit("u-1", "SDN 1 Ngamprah")], incoming, full=False, now=NOW,
                     guard=GuardConfig(max_deactivation_share=1.0))  # fmt: skip
    # THEN
    kinds = {c.nip[-3:]: c.kind for c in plan.changes}
    assert kinds == {"002": "updated", "003": "moved", "004": "deactivated", "005": "created"}
    assert (plan.counts.unchanged, plan.counts.created, plan.counts.updated) == (1, 1, 1)
    assert (plan.counts.moved, plan.counts.deactivated) == (1, 1)
    assert plan.units == (Unit("u-2", "SMPN 1 Lembang"),)
    retired = next(c for c in plan.changes if c.kind == "deactivated")
    assert retired.after.deactivated_at == NOW and retired.before == rec(4)


def test_move_with_other_changes_counts_as_moved() -> None:
    plan = plan_sync([stored(rec(1))], [], batch(rec(1, unor_id="u-9", nama="Pegawai Satu")), full=False, now=NOW)
    assert [c.kind for c in plan.changes] == ["moved"]


def test_absent_employees_are_deactivated_only_in_full_mode() -> None:
    current = [stored(rec(i)) for i in range(1, 41)]
    listed = batch(*(rec(i) for i in range(1, 40)))  # number 40 is missing
    partial = plan_sync(current, [], listed, full=False, now=NOW)
    full = plan_sync(current, [], listed, full=True, now=NOW)
    assert partial.counts.deactivated == 0
    assert [c.nip for c in full.changes] == [rec(40).nip] and full.changes[0].kind == "deactivated"
    assert not full.blocked  # 1 of 40 = 2.5 % ≤ 5 %


def test_employee_with_refused_record_is_not_deactivated_as_absent() -> None:
    current = [stored(rec(i)) for i in range(1, 41)]
    listed = batch(*(rec(i) for i in range(1, 40)), refused=frozenset({rec(40).nip}))
    assert plan_sync(current, [], listed, full=True, now=NOW).counts.deactivated == 0


def test_already_inactive_absent_employee_is_left_alone() -> None:
    gone = StoredEmployee.from_record(rec(2, active=False), changed_at=EARLIER, deactivated_at=EARLIER)
    plan = plan_sync([stored(rec(1)), gone], [], batch(rec(1)), full=True, now=NOW)
    assert plan.changes == () and not plan.blocked


def test_reactivation_clears_deactivated_at_and_counts_as_update() -> None:
    gone = StoredEmployee.from_record(rec(1, active=False), changed_at=EARLIER, deactivated_at=EARLIER)
    plan = plan_sync([gone], [], batch(rec(1)), full=True, now=NOW)
    assert [c.kind for c in plan.changes] == ["updated"] and plan.changes[0].after.deactivated_at is None


def test_an_inactive_employee_keeps_the_date_smart_stopped_following_them() -> None:
    # GIVEN an employee retired in January, one stored inactive without a date (an older record), and SIMPEG
    # listing a third for the first time, already retired
    gone = StoredEmployee.from_record(rec(1, active=False), changed_at=EARLIER, deactivated_at=EARLIER)
    undated = StoredEmployee.from_record(rec(2, active=False), changed_at=EARLIER)
    # WHEN SIMPEG corrects the names of all three
    incoming = batch(*(rec(i, active=False, nama=f"Pegawai Ke-{i}") for i in (1, 2, 3)))
    plan = plan_sync([gone, undated], [], incoming, full=False, now=NOW)
    # THEN no date moves to the day of the correction: that would re-judge the days between (TK on a re-run)
    dates = {c.nip: (c.kind, c.after.deactivated_at) for c in plan.changes}
    assert dates == {rec(1).nip: ("updated", EARLIER), rec(2).nip: ("updated", None), rec(3).nip: ("created", None)}


def test_applied_plan_replanned_is_all_unchanged() -> None:
    # GIVEN a plan applied to a store
    repo = InMemoryEmployeeRepository()
    incoming = batch(*(rec(i) for i in range(1, 30)), rec(30, active=False))
    apply_plan(plan_sync(repo.list_employees(), repo.list_units(), incoming, full=True, now=NOW), repo)
    # WHEN planned again from the same input
    again = plan_sync(repo.list_employees(), repo.list_units(), incoming, full=True, now=NOW)
    # THEN nothing changes
    assert again.changes == () and again.units == () and again.counts.unchanged == 30


def test_empty_listing_is_held_back() -> None:
    plan = plan_sync([stored(rec(1))], [], batch(), full=True, now=NOW)
    assert "EMPTY_LISTING" in plan.blocked_by and plan.counts.deactivated == 1


def test_blocked_plan_cannot_be_applied() -> None:
    repo = InMemoryEmployeeRepository()
    plan = plan_sync([stored(rec(1))], [], batch(), full=True, now=NOW)
    with pytest.raises(SimpegConflictError):
        apply_plan(plan, repo)
    assert list(repo.list_employees()) == []


def test_empty_listing_into_empty_store_is_harmless() -> None:
    assert not plan_sync([], [], batch(), full=True, now=NOW).blocked


def test_incomplete_listing_is_held_back_even_without_deactivations() -> None:
    plan = plan_sync([], [], batch(rec(1)), full=True, now=NOW, complete=False)
    assert plan.blocked_by == ("INCOMPLETE_LISTING",)


def test_deactivating_more_than_the_share_is_held_back() -> None:
    current = [stored(rec(i)) for i in range(1, 101)]
    five_gone = plan_sync(current, [], batch(*(rec(i) for i in range(1, 96))), full=True, now=NOW)
    six_gone = plan_sync(current, [], batch(*(rec(i) for i in range(1, 95))), full=True, now=NOW)
    assert not five_gone.blocked
    assert six_gone.blocked_by == ("TOO_MANY_DEACTIVATIONS",)


def test_explicit_retirements_count_towards_the_share() -> None:
    current = [stored(rec(i)) for i in range(1, 11)]
    plan = plan_sync(current, [], batch(rec(1, active=False)), full=False, now=NOW)
    assert plan.blocked_by == ("TOO_MANY_DEACTIVATIONS",)  # 1 of 10 = 10 %


def test_confirmation_covers_up_to_the_confirmed_number() -> None:
    current = [stored(rec(i)) for i in range(1, 21)]
    listing = batch(*(rec(i) for i in range(1, 11)))  # 10 of 20 absent
    assert not plan_sync(current, [], listing, full=True, now=NOW, confirmation=Confirmation(10)).blocked
    still = plan_sync(current, [], listing, full=True, now=NOW, confirmation=Confirmation(9))
    assert still.blocked_by == ("TOO_MANY_DEACTIVATIONS",)


def test_renamed_unit_is_upserted() -> None:
    plan = plan_sync([], [Unit("u-1", "SDN 1 Ngamprah")], batch(rec(1, unor_nama="SD Negeri 1 Ngamprah")),
                     full=False, now=NOW)  # fmt: skip
    assert plan.units == (Unit("u-1", "SD Negeri 1 Ngamprah"),)


def test_moving_many_out_of_a_unit_with_zones_into_one_without_is_held() -> None:
    # GIVEN 25 teachers of a school with a work zone, and a second school with one
    current = [stored(rec(i)) for i in range(1, 26)]
    units = [Unit("u-1", "SDN 1 Ngamprah", frozenset({"z-1"})), Unit("u-2", "SDN 2", frozenset({"z-2"}))]

    def moved_to(unor_id: str, count: int) -> tuple[str, ...]:
        moves = [rec(i, unor_id=unor_id, unor_nama="Unit baru") for i in range(1, count + 1)]
        return plan_sync(current, units, batch(*moves), full=False, now=NOW).blocked_by

    # WHEN SIMPEG renames the school's unit id (a reorganisation): 20 or more moved into a unit without a zone,
    # who could not check in the next morning, THEN the run is held for a confirmation
    # (moving all 25 also leaves the school with nobody: UNITS_EMPTIED)
    assert moved_to("u-new", 25) == ("MOVES_TO_UNITS_WITHOUT_ZONES", "UNITS_EMPTIED")
    assert moved_to("u-new", 20) == ("MOVES_TO_UNITS_WITHOUT_ZONES",)
    # AND fewer than 20 (a few transfers to a school not yet set up), or some into a unit with a zone, are not
    assert moved_to("u-new", 19) == ()
    assert moved_to("u-2", 24) == ()
    # BUT all of them into another zoned school (a merge: their building's zone stays with the old unit) is
    assert moved_to("u-2", 25) == ("UNITS_EMPTIED",)
    # AND a confirmation lets it through
    moves = [rec(i, unor_id="u-new", unor_nama="Unit baru") for i in range(1, 26)]
    confirmed = plan_sync(current, units, batch(*moves), full=False, now=NOW, confirmation=Confirmation(0))
    assert confirmed.blocked_by == () and (confirmed.counts.moved, confirmed.counts.stranded) == (25, 25)


def test_a_unit_whose_every_employee_the_sync_drops_is_held_below_the_deactivation_share() -> None:
    # GIVEN a regency of 400 active employees, 12 of them in a dinas merged away in a restructuring (SOTK)
    current = [stored(rec(i, unor_id="u-1" if i <= 12 else "u-2")) for i in range(1, 401)]
    listing = batch(*(rec(i, unor_id="u-2") for i in range(13, 401)))
    # WHEN SIMPEG's listing leaves that dinas out: 3 % of the regency, below the 5 % share
    plan = plan_sync(current, [], listing, full=True, now=NOW)
    # THEN the run waits for a confirmation, naming the unit left with nobody
    assert plan.blocked_by == ("UNITS_EMPTIED",) and plan.counts.emptied_units == 1
    assert plan.counts.deactivated == 12
    # AND a small unit (fewer than 10) emptied, or a large one keeping someone, passes
    small = [stored(rec(i, unor_id="u-1" if i <= 9 else "u-2")) for i in range(1, 401)]
    assert (
        plan_sync(small, [], batch(*(rec(i, unor_id="u-2") for i in range(10, 401))), full=True, now=NOW).blocked_by
        == ()
    )
    kept = batch(rec(12, unor_id="u-1"), *(rec(i, unor_id="u-2") for i in range(13, 401)))
    assert plan_sync(current, [], kept, full=True, now=NOW).blocked_by == ()
