"""The one rule for the dates an HR change records, and whether it ends the employee's sessions (a move or a
reactivation: decision 517) (domain.people.hr_marks), on every kind of change."""

from __future__ import annotations

import pytest

from chalicelib.domain.people import HrMarks, Placement, hr_marks

EARLIER = "2026-01-05T01:00:00+00:00"
NOW = "2026-03-02T01:00:00+00:00"


@pytest.mark.parametrize(
    ("before", "after", "marks"),
    [
        (None, Placement("U1", True), HrMarks(followed=True)),  # a new appointee
        (None, Placement("U1", False), HrMarks(followed=True)),  # listed already retired: never judged
        (Placement("U1", True), Placement("U1", True), HrMarks()),  # a new jabatan or name
        (Placement("U1", True), Placement("U2", True), HrMarks(moved=True, ends_sessions=True)),
        (Placement("U1", True), Placement("U1", False), HrMarks(deactivation="stamp")),
        (Placement("U1", True), Placement("U2", False), HrMarks(moved=True, deactivation="stamp", ends_sessions=True)),
        (Placement("U1", False), Placement("U1", False), HrMarks()),  # the first deactivation date stays
        (
            Placement("U1", False),
            Placement("U1", True),
            HrMarks(followed=True, deactivation="clear", ends_sessions=True),
        ),
        (
            Placement("U1", False),
            Placement("U2", True),
            HrMarks(moved=True, followed=True, deactivation="clear", ends_sessions=True),
        ),
    ],
)
def test_each_hr_change_stamps_its_dates(before: Placement | None, after: Placement, marks: HrMarks) -> None:
    assert hr_marks(before, after.unor_id, after.active) == marks


def test_the_marks_turn_the_dates_before_into_the_dates_after() -> None:
    kept = HrMarks()
    assert (kept.unit_since(EARLIER, NOW), kept.followed_since(EARLIER, NOW)) == (EARLIER, EARLIER)
    assert kept.deactivated_at(EARLIER, NOW) == EARLIER
    stamped = HrMarks(moved=True, followed=True, deactivation="stamp")
    assert (stamped.unit_since(EARLIER, NOW), stamped.followed_since(None, NOW)) == (NOW, NOW)
    assert stamped.deactivated_at(None, NOW) == NOW
    assert HrMarks(deactivation="clear").deactivated_at(EARLIER, NOW) is None
