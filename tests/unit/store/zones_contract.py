"""The behaviour every implementation of `chalicelib.store.zones.ZonesRepository` must have.

Subclass `ZonesRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty repository
that moves the `duty_until` hints of the employees in `people`. The in-memory twins run it in tests/unit/store,
the DynamoDB ones (moto in-process) in tests/functional/test_zones_store.py; `people` and `seed_employee` (stores
an employee with given hints there) come from each folder's conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chalicelib.domain.attendance import Duty
from chalicelib.domain.decisions import Decided
from chalicelib.domain.people import Employee
from chalicelib.domain.zones import Assignment, StoredZone
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.people import PeopleRepository
from chalicelib.store.zones import MAX_DUTY_DAYS, ZonesRepository

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
THIRD = "199103032016041003"
NO_FIELD_DUTY = "0000-00-00"

SeedEmployee = Callable[..., None]  # (nip, **hints): an employee of U1 with these hints, in `people`


def zone(zone_id: str = "z-1", **changes: object) -> StoredZone:
    """A circle zone of a few cells; keyword arguments override fields."""
    base = StoredZone(
        zone_id=zone_id,
        name="Kantor Bupati",
        kind="circle",
        geometry={"circle": {"lat": -6.84, "lon": 107.48, "radius_m": 150.0}},
        resolution=11,
        cells=["8b8c1a0d0a2cfff", "8b8c1a0d0a2dfff"],
        cell_count=2,
        version=1,
        purpose="unit",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def letter(assignment_id: str = "a-1", nips: tuple[str, ...] = (NIP,), **changes: object) -> Assignment:
    """A field-duty letter from 2026-03-02 to 2026-03-06 in zone z-a; keyword arguments override fields."""
    base = Assignment(assignment_id, "z-a", frozenset(nips), "2026-03-02", "2026-03-06", "800/12", "Survei")
    return replace(base, **changes)  # type: ignore[arg-type]


def duty(nip: str, assignment: Assignment, unor_id: str = "U1") -> Duty:
    return Duty(nip, assignment.assignment_id, unor_id, assignment.zone_id, assignment.start_date, assignment.end_date)


class ZonesRepositoryContract:
    """Subclass with `repo`, `people` and `seed_employee` fixtures (see the module's docstring)."""

    # --- zones ---------------------------------------------------------------------------------------

    def test_a_new_repository_knows_no_zone_and_no_duty(self, repo: ZonesRepository) -> None:
        assert repo.get_zone("z-1") is None and repo.get_zones(["z-1"]) == [] and repo.get_zones([]) == []
        assert repo.cached_zones(["z-1"]) == [] and repo.list_zone_ids() == []
        assert repo.duties_of(NIP, date(2026, 3, 2)) == [] and repo.duties_of_unit("U1", date(2026, 3, 2)) == []

    def test_a_created_zone_reads_back_whole(self, repo: ZonesRepository) -> None:
        # WHEN a zone is created
        repo.put_zone(zone(), expected_version=None)
        # THEN every read gives it back as written
        assert repo.get_zone("z-1") == zone()
        assert repo.get_zones(["z-1"]) == [zone()] == repo.cached_zones(["z-1"])
        assert repo.list_zone_ids() == ["z-1"]
        # AND the zone "" of a letter without an area is none (DynamoDB is not asked for an empty key)
        assert repo.get_zones(["", "z-1"]) == [zone()]

    def test_creating_an_existing_zone_is_refused(self, repo: ZonesRepository) -> None:
        # GIVEN a zone
        repo.put_zone(zone(), expected_version=None)
        # WHEN another zone is created under its id
        with pytest.raises(ConditionFailed):
            repo.put_zone(zone(name="Lain"), expected_version=None)
        # THEN the first one is kept
        assert repo.get_zone("z-1") == zone()

    def test_a_zone_is_replaced_only_at_the_expected_version(self, repo: ZonesRepository) -> None:
        # GIVEN a zone at version 1, changed once to version 2
        repo.put_zone(zone(), expected_version=None)
        repo.put_zone(zone(name="Baru", version=2), expected_version=1)
        assert repo.get_zone("z-1") == zone(name="Baru", version=2)
        # WHEN a second admin, who read version 1, writes too
        with pytest.raises(ConditionFailed):
            repo.put_zone(zone(name="Basi", version=2), expected_version=1)
        # THEN the change of the first one stays
        assert repo.get_zone("z-1") == zone(name="Baru", version=2)

    def test_replacing_a_missing_zone_is_refused(self, repo: ZonesRepository) -> None:
        with pytest.raises(ConditionFailed):
            repo.put_zone(zone(version=2), expected_version=1)
        assert repo.get_zone("z-1") is None

    def test_zones_are_read_by_id_each_once_the_missing_left_out(self, repo: ZonesRepository) -> None:
        # GIVEN three zones created in no particular order
        for zone_id in ("z-3", "z-1", "z-2"):
            repo.put_zone(zone(zone_id), expected_version=None)
        # WHEN they are asked for with repeats and an unknown id
        asked = ["z-3", "z-9", "z-1", "z-3"]
        # THEN each known one comes once, by id, from both reads
        assert repo.get_zones(asked) == [zone("z-1"), zone("z-3")] == repo.cached_zones(asked)
        assert repo.get_zones(asked, consistent=True) == [zone("z-1"), zone("z-3")]  # as last written
        assert repo.list_zone_ids() == ["z-1", "z-2", "z-3"]

    def test_the_cached_read_sees_this_process_s_writes(self, repo: ZonesRepository) -> None:
        # GIVEN a zone read through the cached read
        repo.put_zone(zone(), expected_version=None)
        assert repo.cached_zones(["z-1"]) == [zone()]
        # WHEN it is changed, THEN the cached read gives the new version
        repo.put_zone(zone(version=2, cells=["8b8c1a0d0a2cfff"], cell_count=1), expected_version=1)
        assert repo.cached_zones(["z-1"]) == [zone(version=2, cells=["8b8c1a0d0a2cfff"], cell_count=1)]
        # WHEN it is deleted, THEN the cached read no longer gives it
        repo.delete_zone("z-1", version=2)
        assert repo.cached_zones(["z-1"]) == []

    def test_a_deleted_zone_is_gone(self, repo: ZonesRepository, audit_log: AuditRepository) -> None:
        # GIVEN two zones
        repo.put_zone(zone("z-1"), expected_version=None)
        repo.put_zone(zone("z-2"), expected_version=None)
        # WHEN one is deleted with the entry naming it
        repo.delete_zone("z-1", version=1, audit=audit_log.stamped("admin", "zone.delete", {"z-1": {}}))
        # THEN only the other is read or listed, the log names the deletion, and the id can be created again
        assert [(e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())] == [("zone.delete", "z-1")]
        assert repo.get_zone("z-1") is None and repo.get_zones(["z-1", "z-2"]) == [zone("z-2")]
        assert repo.list_zone_ids() == ["z-2"]
        repo.put_zone(zone("z-1", name="Lagi"), expected_version=None)
        assert repo.get_zone("z-1") == zone("z-1", name="Lagi")

    def test_a_zone_is_deleted_only_at_the_version_read_and_a_refused_deletion_names_nothing(
        self, repo: ZonesRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a zone read at version 1, then redrawn by another admin (version 2)
        repo.put_zone(zone(), expected_version=None)
        repo.put_zone(zone(version=2, name="Digambar ulang"), expected_version=1)
        # WHEN it is deleted as read (version 1), THEN that is refused and names nothing: the zone stays
        with pytest.raises(ConditionFailed):
            repo.delete_zone("z-1", version=1, audit=audit_log.stamped("admin", "zone.delete", {"z-1": {}}))
        assert repo.get_zone("z-1") == zone(version=2, name="Digambar ulang")
        # AND once deleted, deleting it again (a parallel deletion came first) is refused the same way
        repo.delete_zone("z-1", version=2)
        with pytest.raises(ConditionFailed):
            repo.delete_zone("z-1", version=2, audit=audit_log.stamped("admin", "zone.delete", {"z-1": {}}))
        assert audit_log.entries_of_day(AUDIT_START.date()) == []

    # --- field duty ----------------------------------------------------------------------------------

    def test_a_letter_gives_each_employee_a_duty_on_each_day_of_its_range(self, repo: ZonesRepository) -> None:
        # WHEN a letter names two employees of two units
        assignment = letter(nips=(NIP, OTHER))
        repo.save_assignment(assignment, {NIP: "U1", OTHER: "U2"}, "admin")
        # THEN each has the duty from its first to its last day, and not the day before or after
        for day in (2, 4, 6):
            assert repo.duties_of(NIP, date(2026, 3, day)) == [duty(NIP, assignment)]
            assert repo.duties_of(OTHER, date(2026, 3, day)) == [duty(OTHER, assignment, "U2")]
            assert repo.duties_of_unit("U1", date(2026, 3, day)) == [duty(NIP, assignment)]
        for day in (1, 7):
            assert repo.duties_of(NIP, date(2026, 3, day)) == [] == repo.duties_of_unit("U1", date(2026, 3, day))
        assert repo.duties_of(THIRD, date(2026, 3, 4)) == [] == repo.duties_of_unit("U3", date(2026, 3, 4))

    def test_overlapping_duties_come_by_start_date(self, repo: ZonesRepository) -> None:
        # GIVEN two letters for the same employee, the later-starting one saved first
        late = letter("a-1", start_date="2026-03-04", end_date="2026-03-10")
        early = letter("a-2", zone_id="z-b", start_date="2026-03-01", end_date="2026-03-05")
        repo.save_assignment(late, {NIP: "U1"}, "admin")
        repo.save_assignment(early, {NIP: "U1"}, "admin")
        # WHEN a day both cover is read, THEN both come, the earlier start first
        assert repo.duties_of(NIP, date(2026, 3, 5)) == [duty(NIP, early), duty(NIP, late)]
        assert repo.duties_of_unit("U1", date(2026, 3, 5)) == [duty(NIP, early), duty(NIP, late)]
        # AND a day only one covers gives that one
        assert repo.duties_of(NIP, date(2026, 3, 8)) == [duty(NIP, late)]

    def test_letters_are_read_listed_per_unit_and_cancelled_with_their_duties_and_entry(
        self, repo: ZonesRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a letter for employees of U1 and U2, a later one for U1, and one without an area
        first = letter("a-1", nips=(NIP, OTHER))
        later = letter("a-2", start_date="2026-03-20", end_date="2026-03-21")
        bare = letter("a-3", nips=(THIRD,), zone_id="")
        repo.save_assignment(first, {NIP: "U1", OTHER: "U2"}, "admin")
        repo.save_assignment(later, {NIP: "U1"}, "admin")
        repo.save_assignment(bare, {THIRD: "U1"}, "admin")
        assert repo.get_assignment("a-1") == first and repo.get_assignment("a-9") is None
        # WHEN U1's letters of 1-10 March are listed, THEN each comes once with U1's employees only
        listed = repo.assignments_of_unit("U1", date(2026, 3, 1), date(2026, 3, 10))
        assert listed == [replace(first, nips=frozenset({NIP})), bare]
        assert repo.assignments_of_unit("U2", date(2026, 3, 1), date(2026, 3, 31)) == [
            replace(first, nips=frozenset({OTHER}))
        ]
        # WHEN the first is cancelled with its audit entry, THEN it is kept as cancelled and its duties no longer count
        at = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)

        def cancelled() -> AuditBatch:
            return audit_log.stamped("ops", "assignment.cancel", {"a-1": {"nips": [NIP, OTHER]}})

        assert repo.cancel_assignment("a-1", Decided("ops", None, at), cancelled()) == first
        assert repo.get_assignment("a-1") == replace(first, cancelled_at=iso(at), cancelled_by="ops")
        assert repo.duties_of(NIP, date(2026, 3, 3)) == [] and repo.duties_of_unit("U2", date(2026, 3, 3)) == []
        assert repo.assignments_of_unit("U1", date(2026, 3, 1), date(2026, 3, 31)) == [bare, later]
        # AND a unit's rows of a range are those that overlap it (a letter ending on its first day included)
        assert repo.duties_of_unit("U1", date(2026, 3, 6), date(2026, 3, 20)) == [duty(THIRD, bare), duty(NIP, later)]
        assert repo.duties_of_unit("U1", date(2026, 3, 7), date(2026, 3, 19)) == []
        # AND cancelling it again, or an unknown letter, is refused whole: the log names the cancellation once
        for assignment_id in ("a-1", "a-9"):
            with pytest.raises(ConditionFailed):
                repo.cancel_assignment(assignment_id, Decided("ops", None, at), cancelled())
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["assignment.cancel"]

    def test_an_employee_s_duties_of_a_range_and_a_letter_s_units_are_read(self, repo: ZonesRepository) -> None:
        # GIVEN a letter for employees of U1 and U2 (2-6 March), a later one for U1 (20-21 March), then the
        # first cancelled
        first = letter("a-1", nips=(NIP, OTHER))
        later = letter("a-2", start_date="2026-03-20", end_date="2026-03-21")
        repo.save_assignment(first, {NIP: "U1", OTHER: "U2"}, "admin")
        repo.save_assignment(later, {NIP: "U1"}, "admin")
        # WHEN the employee's duties of a range are read, THEN those that overlap it come, by start date
        assert repo.duties_of(NIP, date(2026, 3, 6), date(2026, 3, 20)) == [duty(NIP, first), duty(NIP, later)]
        assert repo.duties_of(NIP, date(2026, 3, 7), date(2026, 3, 19)) == []
        assert repo.duties_of(NIP, date(2026, 3, 21), date(2026, 3, 31)) == [duty(NIP, later)]
        # AND each NIP of a letter comes with the unit its row was stored under, also once it is cancelled
        assert repo.duty_units(first) == {NIP: "U1", OTHER: "U2"}
        repo.cancel_assignment("a-1", Decided("ops", None, datetime(2026, 3, 3, 2, 0, tzinfo=UTC)))
        assert repo.duty_units(first) == {NIP: "U1", OTHER: "U2"}
        assert repo.duties_of(NIP, date(2026, 3, 1), date(2026, 3, 31)) == [duty(NIP, later)]
        # AND a letter never stored has none
        assert repo.duty_units(letter("a-9")) == {}

    def test_duty_reads_reach_back_only_as_far_as_a_letter_can_last(
        self, repo: ZonesRepository, people: PeopleRepository, seed_employee: SeedEmployee
    ) -> None:
        # GIVEN a letter of the longest length that still covers 2 March 2026, and an older one of a week
        longest = letter("a-1", start_date="2025-03-01", end_date="2026-03-02")
        assert (date(2026, 3, 2) - date(2025, 3, 1)).days == MAX_DUTY_DAYS
        older = letter("a-2", start_date="2025-02-24", end_date="2025-03-02")
        repo.save_assignment(longest, {NIP: "U1"}, "admin")
        repo.save_assignment(older, {NIP: "U1"}, "admin")
        # WHEN the duties covering 2 March (or a range from it) are read, THEN the longest one comes, not the past
        day, later = date(2026, 3, 2), date(2026, 3, 6)
        assert repo.duties_of(NIP, day) == [duty(NIP, longest)] == repo.duties_of_unit("U1", day, later)
        assert repo.assignments_of_unit("U1", day, later) == [longest]
        assert repo.duties_of(NIP, date(2025, 3, 1)) == [duty(NIP, older), duty(NIP, longest)]
        # AND a longer letter is refused and writes nothing, not even its employees' hints
        seed_employee(OTHER, duty_until=NO_FIELD_DUTY)
        with pytest.raises(ValueError):
            repo.save_assignment(letter("a-3", nips=(OTHER,), start_date="2025-02-28", end_date="2026-03-02"),
                                 {OTHER: "U1"}, "admin")  # fmt: skip
        assert repo.get_assignment("a-3") is None and repo.duties_of(OTHER, date(2025, 3, 1)) == []
        assert getattr(people.get_employee(OTHER), "duty_until", "?") == NO_FIELD_DUTY

    def test_a_letter_id_is_used_once_and_a_refused_letter_writes_nothing(self, repo: ZonesRepository) -> None:
        # GIVEN a saved letter
        repo.save_assignment(letter(), {NIP: "U1"}, "admin")
        # WHEN another letter comes under the same id for someone else
        with pytest.raises(ConditionFailed):
            repo.save_assignment(letter(nips=(OTHER,), zone_id="z-b"), {OTHER: "U2"}, "admin")
        # THEN none of its duty rows is stored and the first letter's stay
        assert repo.duties_of(OTHER, date(2026, 3, 4)) == [] == repo.duties_of_unit("U2", date(2026, 3, 4))
        assert repo.duties_of(NIP, date(2026, 3, 4)) == [duty(NIP, letter())]

    def test_a_letter_is_kept_with_its_audit_entry_and_a_retry_names_it_no_second_time(
        self, repo: ZonesRepository, audit_log: AuditRepository
    ) -> None:
        def named() -> AuditBatch:
            return audit_log.stamped("admin", "assignment.create", {"a-1": {"nips": [NIP]}})

        # GIVEN a letter saved with the entry naming it, WHEN it is saved again (a retry), THEN that is refused whole
        repo.save_assignment(letter(), {NIP: "U1"}, "admin", named())
        with pytest.raises(ConditionFailed):
            repo.save_assignment(letter(), {NIP: "U1"}, "admin", named())
        # AND the log names the letter once
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("assignment.create", "a-1", {"nips": [NIP]})]

    def test_a_letter_moves_the_employees_hints_only_later(
        self, repo: ZonesRepository, people: PeopleRepository, seed_employee: SeedEmployee
    ) -> None:
        # GIVEN an employee never on field duty, one whose hint is already later, one without a hint
        seed_employee(NIP, duty_until=NO_FIELD_DUTY)
        seed_employee(OTHER, duty_until="2026-12-31")
        seed_employee(THIRD, duty_until=None)
        # WHEN a letter ending 2026-03-06 names all three
        repo.save_assignment(letter(nips=(NIP, OTHER, THIRD)), {NIP: "U1", OTHER: "U1", THIRD: "U1"}, "admin")
        # THEN only the earlier hint moves to the letter's end; an absent one stays absent
        hints = {nip: getattr(people.get_employee(nip), "duty_until", "?") for nip in (NIP, OTHER, THIRD)}
        assert hints == {NIP: "2026-03-06", OTHER: "2026-12-31", THIRD: None}

    def test_the_hint_spares_the_read_only_when_it_is_earlier(self, repo: ZonesRepository) -> None:
        # GIVEN a duty row from 2026-03-02 to 2026-03-06
        repo.save_assignment(letter(), {NIP: "U1"}, "admin")
        employee = Employee(NIP, "Asep", "U1")
        day = date(2026, 3, 4)
        # THEN a record whose hint ends before the day reads nothing; a later or absent hint reads the row
        assert repo.duties_of_employee(replace(employee, duty_until="2026-03-03"), day) == []
        assert repo.duties_of_employee(replace(employee, duty_until="2026-03-06"), day) == [duty(NIP, letter())]
        assert repo.duties_of_employee(employee, day) == [duty(NIP, letter())]
