"""Pure sync planning: diff incoming records against the store and decide whether it is safe to apply.

Kept free of I/O so every outcome (created / updated / moved / deactivated / unchanged) and every guard
rule is tested on plain data, and the same planner serves the API sync and admin imports. Planning the
current state again after applying yields no changes, which is what makes sync idempotent.

Guard: an upstream that answers with an empty or incomplete list, or one that would deactivate more than
`max_deactivation_share` of the active employees, is most likely broken, not a mass retirement; such a
plan is held back (`blocked_by`) until an admin confirms it. So is one that moves at least
`max_stranded_moves` active employees out of units with work zones into units without any (a reorganisation
that renamed the unit ids, or a wrong unit column): applied at 01:00, none of them could check in at 07:00.
And so is one that leaves a unit of `min_emptied_unit` or more active employees with none (a dinas merged away in
a restructuring, SOTK, whose staff SIMPEG drops or moves into a unit whose zones, schedule and cut-over date are
not theirs): below the deactivation share in a large regency, it went through with no word.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from chalicelib.domain.people import Placement, Unit, hr_marks
from chalicelib.simpeg.models import (
    Change,
    Confirmation,
    EmployeeRecord,
    GuardReason,
    StoredEmployee,
    SyncCounts,
    SyncPlan,
)
from chalicelib.simpeg.validation import RecordBatch


@dataclass(frozen=True)
class GuardConfig:
    """Limits beyond which a plan needs an admin's confirmation."""

    max_deactivation_share: float = 0.05  # of the employees active before the run
    max_stranded_moves: int = 20  # active employees moved from units with zones into units without any
    min_emptied_unit: int = 10  # active employees of a unit a plan leaves with none


def plan_sync(
    current: Iterable[StoredEmployee],
    units: Iterable[Unit],
    batch: RecordBatch,
    *,
    full: bool,
    now: str,
    guard: GuardConfig | None = None,
    complete: bool = True,
    confirmation: Confirmation | None = None,
) -> SyncPlan:
    """Plan applying `batch` to `current`; `full` means absent employees are deactivated.

    `now` (UTC ISO 8601) stamps the changes; `complete` is False when the upstream listing was cut short.
    """
    stored = {e.nip: e for e in current}
    changes: list[Change] = []
    unchanged = 0
    for record in batch.records:
        change = _diff(stored.get(record.nip), record, now)
        if change is None:
            unchanged += 1
        else:
            changes.append(change)
    if full:
        seen = {r.nip for r in batch.records} | batch.refused_nips
        changes.extend(_deactivate(e, now) for e in stored.values() if e.active and e.nip not in seen)
    new_units = _units_to_upsert(units, batch.records)
    guard = guard or GuardConfig()
    counts = replace(
        _count(changes, unchanged=unchanged, errors=len(batch.errors), units=len(new_units)),
        stranded=_stranded(changes, units),
        emptied_units=_emptied(stored.values(), changes, guard.min_emptied_unit),
    )
    active_before = sum(1 for e in stored.values() if e.active)
    reasons = _guard_reasons(counts, batch, full=full, complete=complete, active_before=active_before, guard=guard)
    if confirmation is not None and counts.deactivated <= confirmation.max_deactivations:
        reasons = ()
    return SyncPlan(tuple(changes), new_units, counts, batch.errors, reasons, active_before)


def _diff(before: StoredEmployee | None, record: EmployeeRecord, now: str) -> Change | None:
    if before is None:
        return Change("created", _stored(None, record, now), None)
    old = before.to_record()
    if old == record:
        return None
    after = _stored(before, record, now)
    if old.active and not record.active:
        return Change("deactivated", after, old)
    if old.unor_id != record.unor_id:
        return Change("moved", after, old)
    return Change("updated", after, old)


def _stored(before: StoredEmployee | None, record: EmployeeRecord, now: str) -> StoredEmployee:
    """`record` as stored after the change, its deactivation dated by the HR rule (`hr_marks`)."""
    placement = Placement(before.unor_id, before.active) if before else None
    marks = hr_marks(placement, record.unor_id, record.active)
    deactivated_at = marks.deactivated_at(before.deactivated_at if before else None, now)
    return StoredEmployee.from_record(record, changed_at=now, deactivated_at=deactivated_at)


def _deactivate(employee: StoredEmployee, now: str) -> Change:
    after = replace(employee, active=False, changed_at=now, deactivated_at=now)
    return Change("deactivated", after, employee.to_record())


def _units_to_upsert(units: Iterable[Unit], records: Iterable[EmployeeRecord]) -> tuple[Unit, ...]:
    known = {u.unor_id: u.unor_nama for u in units}
    wanted: dict[str, str] = {}
    for record in records:
        wanted[record.unor_id] = record.unor_nama  # the last listed name wins
    return tuple(Unit(i, n) for i, n in sorted(wanted.items()) if known.get(i) != n)


def _stranded(changes: Iterable[Change], units: Iterable[Unit]) -> int:
    """Active employees the changes move from a unit with work zones into one without any (or a new unit)."""
    zoned = {u.unor_id for u in units if u.zone_ids}
    return sum(
        1
        for c in changes
        if c.kind == "moved" and c.after.active and c.before is not None
        and c.before.unor_id in zoned and c.after.unor_id not in zoned
    )  # fmt: skip


def _emptied(current: Iterable[StoredEmployee], changes: Iterable[Change], at_least: int) -> int:
    """Units with `at_least` active employees before the changes and none after them (every one deactivated
    or moved out)."""
    before: dict[str, int] = {}
    for employee in current:
        if employee.active:
            before[employee.unor_id] = before.get(employee.unor_id, 0) + 1
    after = dict(before)
    for change in changes:
        if change.before is not None and change.before.active:
            after[change.before.unor_id] -= 1
        if change.after.active:
            after[change.after.unor_id] = after.get(change.after.unor_id, 0) + 1
    return sum(1 for unit, count in before.items() if count >= at_least and after[unit] == 0)


def _count(changes: Iterable[Change], *, unchanged: int, errors: int, units: int) -> SyncCounts:
    kinds = [c.kind for c in changes]
    return SyncCounts(
        created=kinds.count("created"),
        updated=kinds.count("updated"),
        moved=kinds.count("moved"),
        deactivated=kinds.count("deactivated"),
        unchanged=unchanged,
        errors=errors,
        units_upserted=units,
    )


def _guard_reasons(
    counts: SyncCounts,
    batch: RecordBatch,
    *,
    full: bool,
    complete: bool,
    active_before: int,
    guard: GuardConfig,
) -> tuple[GuardReason, ...]:
    reasons: list[GuardReason] = []
    if full and not batch.records and active_before > 0:
        reasons.append("EMPTY_LISTING")
    if not complete:
        reasons.append("INCOMPLETE_LISTING")
    if counts.deactivated > guard.max_deactivation_share * active_before:
        reasons.append("TOO_MANY_DEACTIVATIONS")
    if counts.stranded >= guard.max_stranded_moves:
        reasons.append("MOVES_TO_UNITS_WITHOUT_ZONES")
    if counts.emptied_units:
        reasons.append("UNITS_EMPTIED")
    return tuple(reasons)
