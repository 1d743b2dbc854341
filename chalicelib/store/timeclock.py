"""The timeclock repository: what SMART keeps of a unit's fingerprint machines during the rollout.

A unit's PIN -> NIP map and its cut-over date (from that local date on only app check-ins count), with the days
a change of that date has still to judge again until their re-run is done, one partition per unit
(`MachinePinModel`). `TimeclockRepository` is what the use cases may ask;
`DynamoTimeclockRepository` answers it from DynamoDB and `chalicelib.store.memory.timeclock` from dicts, and
`tests/unit/store/timeclock_contract.py` is the one test class both pass. The punches themselves are events
(`store.events`, `put_punches`).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from pynamodb.expressions.condition import Condition

from chalicelib.domain.decisions import Decided
from chalicelib.store.audit import AuditBatch, save_in
from chalicelib.store.base import ConditionFailed, iso, storage_call, transaction
from chalicelib.store.models import MachinePinModel
from chalicelib.store.people import get_model

PIN_PREFIX = "pin#"
CUTOVER_KEY = "cutover"
PIN_WRITERS = 8


@dataclass(frozen=True)
class CutoverState:
    """A unit's cut-over as stored: its date (None while the machine still counts) and the days [first, last) a
    change of it has still to judge again (None: none). A change is decided on it and written only over it."""

    day: date | None = None
    rerun: tuple[date, date] | None = None


NO_CUTOVER = CutoverState()  # a unit whose machine still counts, no day left to judge again


@dataclass(frozen=True)
class CutoverChange:
    """A unit's cut-over moved to `day`, with the days [first, last) the change has still to judge again
    (`rerun`), decided on the cut-over as read (`as_read`; by default none set)."""

    day: date
    rerun: tuple[date, date] | None = None
    as_read: CutoverState = NO_CUTOVER


class TimeclockRepository(Protocol):
    def put_pins(self, unor_id: str, pins: Mapping[str, str], actor: str, now: datetime) -> None:
        """Map each PIN of the unit's machines to a NIP (a PIN mapped before is mapped again)."""
        ...

    def pins_of_unit(self, unor_id: str) -> dict[str, str]:
        """The unit's PIN -> NIP map."""
        ...

    def set_cutover(self, unor_id: str, change: CutoverChange, by: Decided, audit: AuditBatch | None = None) -> None:
        """From the change's `day` on (local date), only app check-ins count for the unit; its `rerun` is kept until
        `rerun_done`. Written only over the cut-over as read (`as_read`, which the caller's rules and `rerun` were
        worked out from), else ConditionFailed (a parallel change). `audit`: the entries naming the change (from
        `as_read`), kept with it all or none."""
        ...

    def cutover_of(self, unor_id: str) -> date | None:
        """The unit's cut-over date, or None while its machine still counts."""
        ...

    def cutover_state(self, unor_id: str) -> CutoverState:
        """The unit's cut-over as it stands (a consistent read): what a change of it is decided on."""
        ...

    def rerun_done(self, unor_id: str, rerun: tuple[date, date]) -> None:
        """The re-run of these days is done: forget them, unless a later change set others meanwhile."""
        ...


class DynamoTimeclockRepository:
    def put_pins(self, unor_id: str, pins: Mapping[str, str], actor: str, now: datetime) -> None:
        items = [
            MachinePinModel(unor_id, PIN_PREFIX + pin, nip=nip, updated_by=actor, updated_at=iso(now))
            for pin, nip in pins.items()
        ]
        with storage_call("dynamodb"), ThreadPoolExecutor(max_workers=PIN_WRITERS) as pool:
            list(pool.map(lambda item: item.save(), items))

    def pins_of_unit(self, unor_id: str) -> dict[str, str]:
        with storage_call("dynamodb"):
            # Consistent: a map's audit names the owner a PIN had as the last map wrote it (decision 563).
            rows = MachinePinModel.query(unor_id, MachinePinModel.key.startswith(PIN_PREFIX), consistent_read=True)
            return {row.key[len(PIN_PREFIX) :]: str(row.nip) for row in rows}

    def set_cutover(self, unor_id: str, change: CutoverChange, by: Decided, audit: AuditBatch | None = None) -> None:
        # The item is written only as read, with the audit entries in the same transaction: the entry's `before`
        # is the date the write replaced.
        item = MachinePinModel(unor_id, CUTOVER_KEY, date=change.day.isoformat(), updated_by=by.actor)
        item.updated_at = iso(by.at)
        if change.rerun is not None:
            item.rerun_from, item.rerun_to = change.rerun[0].isoformat(), change.rerun[1].isoformat()
        with storage_call("dynamodb"), transaction() as tx:
            tx.save(item, condition=_cutover_as_read(change.as_read))
            save_in(tx, audit)

    def cutover_of(self, unor_id: str) -> date | None:
        return self.cutover_state(unor_id).day

    def cutover_state(self, unor_id: str) -> CutoverState:
        found: MachinePinModel | None = get_model(MachinePinModel, unor_id, CUTOVER_KEY)
        if found is None or not found.date:
            return NO_CUTOVER
        kept = found.rerun_from and found.rerun_to
        rerun = (date.fromisoformat(found.rerun_from), date.fromisoformat(found.rerun_to)) if kept else None
        return CutoverState(date.fromisoformat(found.date), rerun)

    def rerun_done(self, unor_id: str, rerun: tuple[date, date]) -> None:
        item = MachinePinModel(unor_id, CUTOVER_KEY)
        try:
            with storage_call("dynamodb"):
                item.update(
                    actions=[MachinePinModel.rerun_from.remove(), MachinePinModel.rerun_to.remove()],
                    condition=(MachinePinModel.rerun_from == rerun[0].isoformat())
                    & (MachinePinModel.rerun_to == rerun[1].isoformat()),
                )
        except ConditionFailed:
            pass  # a later change set its own days meanwhile: they stay for its re-run


def _cutover_as_read(state: CutoverState) -> Condition:
    """The unit's cut-over item is as it was read: absent (no date), or with that date and those days to judge
    again (none: absent)."""
    if state.day is None:
        absent: Condition = MachinePinModel.date.does_not_exist()
        return absent
    same: Condition = MachinePinModel.date == state.day.isoformat()
    if state.rerun is None:
        none_left: Condition = same & MachinePinModel.rerun_from.does_not_exist()
        return none_left
    first, last = (day.isoformat() for day in state.rerun)
    as_read: Condition = same & (MachinePinModel.rerun_from == first) & (MachinePinModel.rerun_to == last)
    return as_read
