"""The behaviour every implementation of `chalicelib.store.timeclock.TimeclockRepository` must have.

Subclass `TimeclockRepositoryContract` with a `repo` fixture returning an empty repository: the in-memory twin
in tests/unit/store, the DynamoDB one (moto in-process) in tests/functional/test_timeclock_store.py.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.domain.decisions import Decided
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed
from chalicelib.store.timeclock import CutoverChange, CutoverState, TimeclockRepository

from .audit_contract import START as AUDIT_START

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
A, B = "198501012010011001", "199002022015032002"


ADMIN = Decided("admin", None, NOW)  # who sets the cut-overs here, and when


class TimeclockRepositoryContract:
    def test_an_empty_repository_has_no_pins_and_no_cutover(self, repo: TimeclockRepository) -> None:
        assert repo.pins_of_unit("U1") == {}
        assert repo.cutover_of("U1") is None

    def test_pins_are_kept_per_unit_and_mapped_again(self, repo: TimeclockRepository) -> None:
        repo.put_pins("U1", {"1": A, "2": B}, "admin", NOW)
        repo.put_pins("U2", {"1": B}, "admin", NOW)
        repo.put_pins("U1", {"2": A}, "ops-u1", NOW)
        assert repo.pins_of_unit("U1") == {"1": A, "2": A}
        assert repo.pins_of_unit("U2") == {"1": B}
        repo.put_pins("U1", {}, "admin", NOW)
        assert repo.pins_of_unit("U1") == {"1": A, "2": A}

    def test_a_cutover_is_set_moved_and_kept_apart_from_the_pins(self, repo: TimeclockRepository) -> None:
        repo.put_pins("U1", {"1": A}, "admin", NOW)
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 4)), ADMIN)
        repo.set_cutover("U1", CutoverChange(date(2027, 2, 1), as_read=repo.cutover_state("U1")), ADMIN)
        assert repo.cutover_of("U1") == date(2027, 2, 1)
        assert repo.cutover_of("U2") is None
        assert repo.pins_of_unit("U1") == {"1": A}

    def test_the_days_a_cutover_change_has_to_judge_again_are_kept_until_their_re_run_is_done(
        self, repo: TimeclockRepository
    ) -> None:
        # GIVEN a cut-over moved to 4 January whose re-run of 1-4 January is not done yet
        days = (date(2027, 1, 1), date(2027, 1, 4))
        assert repo.cutover_state("U1") == CutoverState()
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 4), days), ADMIN)
        assert repo.cutover_state("U1") == CutoverState(date(2027, 1, 4), days)
        # WHEN another change set other days meanwhile THEN the first re-run's end leaves them
        others = (date(2027, 1, 1), date(2027, 1, 6))
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 6), others, as_read=repo.cutover_state("U1")), ADMIN)
        repo.rerun_done("U1", days)
        assert repo.cutover_state("U1").rerun == others
        # AND their own re-run's end forgets them, the date stays
        repo.rerun_done("U1", others)
        assert repo.cutover_state("U1") == CutoverState(date(2027, 1, 6))
        # AND a change with nothing to judge again keeps no days
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 6), days, as_read=repo.cutover_state("U1")), ADMIN)
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 6), as_read=repo.cutover_state("U1")), ADMIN)
        assert repo.cutover_state("U1").rerun is None
        repo.rerun_done("U2", days)  # a unit without a cut-over: nothing to forget
        assert repo.cutover_state("U2") == CutoverState()

    def test_a_cutover_change_is_kept_with_its_entry_naming_the_date_it_replaced_only_over_the_cutover_as_read(
        self, repo: TimeclockRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN U1 cutting over on 4 January, its days from 1 January still to judge again, as an admin reads it
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 4), (date(2027, 1, 1), date(2027, 1, 4))), ADMIN)
        stood = repo.cutover_state("U1")

        def entry(replaced: date | None) -> AuditBatch:
            before = replaced.isoformat() if replaced else None
            return audit_log.stamped("admin", "unit.cutover", {"U1": {"date": "2027-02-01", "before": before}})

        # WHEN the admin moves it to 1 February over what they read, the entry built from the date it replaces
        repo.set_cutover("U1", CutoverChange(date(2027, 2, 1), as_read=stood), ADMIN, entry(stood.day))
        # THEN the date moved, and its entry, kept with it, names 4 January
        assert repo.cutover_of("U1") == date(2027, 2, 1)
        logged = [(e.action, e.target, e.detail) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("unit.cutover", "U1", {"date": "2027-02-01", "before": "2027-01-04"})]
        # WHEN another admin's change relies on the cut-over as read before the move, or on none set, THEN neither
        # it nor its entry is written (its rules were checked against a date that no longer stands)
        for stale in (stood, CutoverState()):
            with pytest.raises(ConditionFailed):
                repo.set_cutover("U1", CutoverChange(date(2027, 1, 11), as_read=stale), ADMIN, entry(stale.day))
        # AND so is one relying on the date as it stands again after a move away and back whose re-run is not done
        # (A-B-A): written over what it read, it would drop the days that move has still to judge (decision 216)
        read = repo.cutover_state("U1")
        away = (date(2027, 2, 1), date(2027, 2, 8))
        repo.set_cutover("U1", CutoverChange(date(2027, 2, 8), away, as_read=read), ADMIN)
        repo.set_cutover("U1", CutoverChange(date(2027, 2, 1), away, as_read=repo.cutover_state("U1")), ADMIN)
        with pytest.raises(ConditionFailed):
            repo.set_cutover("U1", CutoverChange(date(2027, 1, 25), as_read=read), ADMIN, entry(read.day))
        assert repo.cutover_state("U1") == CutoverState(date(2027, 2, 1), away)
        assert len(audit_log.entries_of_day(AUDIT_START.date())) == 1

    def test_of_two_cutover_changes_at_once_each_written_names_the_other(self, repo: TimeclockRepository) -> None:
        # GIVEN U1 cutting over on 4 January, WHEN two admins move it at the same moment to different dates, each
        # over the cut-over as they read it, both reading before either writes (five rounds)
        repo.set_cutover("U1", CutoverChange(date(2027, 1, 4)), ADMIN)
        both_read = threading.Barrier(2, timeout=10)

        def move(day: date) -> date | None:
            stood = repo.cutover_state("U1")
            both_read.wait()
            try:
                repo.set_cutover("U1", CutoverChange(day, as_read=stood), ADMIN)
            except ConditionFailed:
                return None  # beaten between its read and its write: the admin is told to try again
            return stood.day  # the date the write replaced, as its audit entry names it

        with ThreadPoolExecutor(max_workers=2) as pool:
            for round_ in range(5):
                before = repo.cutover_of("U1")
                ours, theirs = date(2027, 3, 1) + timedelta(days=round_), date(2027, 6, 1) + timedelta(days=round_)
                first, second = pool.map(move, [ours, theirs])
                # THEN they do not both replace the date that stood: the one whose date stands replaced it, the other
                # was refused
                answers, held = {ours: first, theirs: second}, repo.cutover_of("U1")
                assert held is not None
                other = theirs if held == ours else ours
                assert (answers[other], answers[held]) == (None, before), (round_, first, second)
