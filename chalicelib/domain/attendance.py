"""What SMART records of attendance: check-in events and field-duty days, as plain records.

The store hands these out and takes them in (``chalicelib.store.events``, ``chalicelib.store.zones``), so
use cases never see a table row. Instants stay the UTC ISO 8601 text they are stored as: answers show them
unchanged, and the check-in path reads a month of events without parsing every one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# An admin's later word on an accepted event: it no longer counts (an approved time correction taken back).
REVOKE = "revoke"
# Decisions after which an event no longer counts: a review rejected, an accepted event revoked.
VOIDING = ("reject", REVOKE)
# Statuses of an attempt that was recorded as attendance (accepted, or awaiting review); a refused one never is.
RECORDED = ("accepted", "review")


@dataclass(frozen=True, slots=True)
class Event:
    """One check-in or check-out attempt of an employee, recorded whatever its outcome.

    `status` is how the check-in judged it (accepted | review | refused); `decision` an admin's later word
    on a `review` event (approve | reject), or REVOKE on an accepted one. `answer` is the body the phone was
    given, kept so that a review or a second arrival can show the minutes and category it was told. `reasons`
    and `warnings` are None when the record has none stored (a refusal has reasons; a recorded check-in has
    warnings, possibly empty).
    """

    event_id: str
    nip: str
    type: str | None  # in | out
    status: str | None
    attendance_time: str | None  # UTC ISO 8601: the challenge's issue time, or the offline capture time
    received_at: str | None  # UTC ISO 8601
    local_date: str | None  # YYYY-MM-DD in the regency's zone
    unor_id: str | None
    reasons: tuple[str, ...] | None = None
    warnings: tuple[str, ...] | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    zone_id: str | None = None
    zone_name: str | None = None
    face_score: float | None = None
    face_threshold: float | None = None
    spoof_score: float | None = None  # passive anti-spoof score of the selfie (SMART_ANTISPOOF shadow or on)
    photo_key: str | None = None
    answer: dict[str, Any] | None = None
    decision: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    decision_note: str | None = None
    source: str | None = None  # None: the app; "fingerprint": a punch imported from a fingerprint machine
    # An offline capture dated by SMART's clock as the app knew it: how far it moved the phone's (s); None: not moved.
    clock_correction_s: int | None = None
    # The working day (YYYY-MM-DD) the recap counts it for, when that was judged as it was recorded: a 23:45
    # arrival for a shift from midnight is the next day's, a 00:15 arrival late for a 23:00 shift the day
    # before's. None on refusals, machine punches and events recorded before it was kept (`arrival_day`).
    working_day: str | None = None

    @property
    def voided(self) -> bool:
        """Whether an admin's decision took it out of attendance (a review rejected, a correction revoked)."""
        return self.decision in VOIDING

    @property
    def outside_hours(self) -> bool:
        """Whether its answer said it falls outside the day's hours for checking in or out (decision 176: a
        category with no minutes), so the day does not count it."""
        return answered_outside_hours(self.type, self.answer)

    @property
    def left_early(self) -> bool:
        """Whether it is a check-out answered as leaving before the hours' end (`early_minutes`): the day's last
        check-out counts, so a later one still replaces it (decision 483)."""
        return self.type == "out" and bool((self.answer or {}).get("early_minutes"))

    @property
    def holds_arrival(self) -> bool:
        """Whether it is the day's arrival that a second one must not repeat: an app `in` recorded (accepted or
        awaiting review), not voided, and counted by the day (one before check-in opens is not: the employee
        checks in again once it opens). A voided one gives the day's first-arrival mark back. A machine punch
        holds none: its `type` is a listing hint by calendar date (the day types punches: decision 171), and the
        07:05 punch that ended a night shift refused the app's arrival for the evening's shift."""
        return (
            self.source is None
            and self.type == "in"
            and self.status in RECORDED
            and not self.voided
            and not self.outside_hours
        )

    @property
    def arrival_day(self) -> str | None:
        """The day whose first arrival it is, under which its first-arrival mark is kept: its working day, so a
        shift's arrival neither blocks nor is blocked by another shift's made on the same calendar date. An
        event recorded before the working day was kept took the mark of its local date, and still holds that
        one (for a day schedule the two are the same date)."""
        return self.working_day or self.local_date


def answered_outside_hours(kind: str | None, answer: Mapping[str, Any] | None) -> bool:
    """Whether a check-in answer (its `category` and minutes) says the attendance falls outside the day's hours:
    the missing-event category with no minutes (`attendance.classify.judge_answer`)."""
    if not answer or not answer.get("category"):
        return False
    return not answer.get("late_minutes" if kind == "in" else "early_minutes")


@dataclass(frozen=True, slots=True)
class Duty:
    """One employee's share of a field-duty assignment (surat tugas): a zone over a range of local dates."""

    nip: str
    assignment_id: str
    unor_id: str
    zone_id: str
    start_date: str  # YYYY-MM-DD, inclusive
    end_date: str  # YYYY-MM-DD, inclusive
