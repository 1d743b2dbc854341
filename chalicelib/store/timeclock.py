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
from datetime import date, datetime
from typing import Protocol

from chalicelib.store.base import ConditionFailed, iso, storage_call
from chalicelib.store.models import MachinePinModel
from chalicelib.store.people import get_model

PIN_PREFIX = "pin#"
CUTOVER_KEY = "cutover"
PIN_WRITERS = 8


class TimeclockRepository(Protocol):
    def put_pins(self, unor_id: str, pins: Mapping[str, str], actor: str, now: datetime) -> None:
        """Map each PIN of the unit's machines to a NIP (a PIN mapped before is mapped again)."""
        ...

    def pins_of_unit(self, unor_id: str) -> dict[str, str]:
        """The unit's PIN -> NIP map."""
        ...

    def set_cutover(
        self, unor_id: str, day: date, actor: str, now: datetime, rerun: tuple[date, date] | None = None
    ) -> None:
        """From `day` on (local date), only app check-ins count for the unit; `rerun`: the days [first, last) the
        change has still to judge again (kept until `rerun_done`)."""
        ...

    def cutover_of(self, unor_id: str) -> date | None:
        """The unit's cut-over date, or None while its machine still counts."""
        ...

    def cutover_rerun_of(self, unor_id: str) -> tuple[date, date] | None:
        """The days [first, last) a change of the unit's cut-over has still to judge again, or None."""
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
            rows = MachinePinModel.query(unor_id, MachinePinModel.key.startswith(PIN_PREFIX))
            return {row.key[len(PIN_PREFIX) :]: str(row.nip) for row in rows}

    def set_cutover(
        self, unor_id: str, day: date, actor: str, now: datetime, rerun: tuple[date, date] | None = None
    ) -> None:
        item = MachinePinModel(unor_id, CUTOVER_KEY, date=day.isoformat(), updated_by=actor, updated_at=iso(now))
        if rerun is not None:
            item.rerun_from, item.rerun_to = rerun[0].isoformat(), rerun[1].isoformat()
        with storage_call("dynamodb"):
            item.save()

    def cutover_of(self, unor_id: str) -> date | None:
        found: MachinePinModel | None = get_model(MachinePinModel, unor_id, CUTOVER_KEY)
        return date.fromisoformat(found.date) if found is not None and found.date else None

    def cutover_rerun_of(self, unor_id: str) -> tuple[date, date] | None:
        found: MachinePinModel | None = get_model(MachinePinModel, unor_id, CUTOVER_KEY)
        if found is None or not found.rerun_from or not found.rerun_to:
            return None
        return date.fromisoformat(found.rerun_from), date.fromisoformat(found.rerun_to)

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
