"""The behaviour every implementation of `chalicelib.store.timeclock.TimeclockRepository` must have.

Subclass `TimeclockRepositoryContract` with a `repo` fixture returning an empty repository: the in-memory twin
in tests/unit/store, the DynamoDB one (moto in-process) in tests/functional/test_timeclock_store.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from chalicelib.store.timeclock import TimeclockRepository

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
A, B = "198501012010011001", "199002022015032002"


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
        repo.set_cutover("U1", date(2027, 1, 4), "admin", NOW)
        repo.set_cutover("U1", date(2027, 2, 1), "admin", NOW)
        assert repo.cutover_of("U1") == date(2027, 2, 1)
        assert repo.cutover_of("U2") is None
        assert repo.pins_of_unit("U1") == {"1": A}

    def test_the_days_a_cutover_change_has_to_judge_again_are_kept_until_their_re_run_is_done(
        self, repo: TimeclockRepository
    ) -> None:
        # GIVEN a cut-over moved to 4 January whose re-run of 1-4 January is not done yet
        days = (date(2027, 1, 1), date(2027, 1, 4))
        assert repo.cutover_rerun_of("U1") is None
        repo.set_cutover("U1", date(2027, 1, 4), "admin", NOW, rerun=days)
        assert (repo.cutover_of("U1"), repo.cutover_rerun_of("U1")) == (date(2027, 1, 4), days)
        # WHEN another change set other days meanwhile THEN the first re-run's end leaves them
        others = (date(2027, 1, 1), date(2027, 1, 6))
        repo.set_cutover("U1", date(2027, 1, 6), "admin", NOW, rerun=others)
        repo.rerun_done("U1", days)
        assert repo.cutover_rerun_of("U1") == others
        # AND their own re-run's end forgets them, the date stays
        repo.rerun_done("U1", others)
        assert (repo.cutover_of("U1"), repo.cutover_rerun_of("U1")) == (date(2027, 1, 6), None)
        # AND a change with nothing to judge again keeps no days
        repo.set_cutover("U1", date(2027, 1, 6), "admin", NOW, rerun=days)
        repo.set_cutover("U1", date(2027, 1, 6), "admin", NOW)
        assert repo.cutover_rerun_of("U1") is None
        repo.rerun_done("U2", days)  # a unit without a cut-over: nothing to forget
        assert repo.cutover_rerun_of("U2") is None
