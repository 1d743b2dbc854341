"""In-memory twin of the timeclock repository (`chalicelib.store.timeclock.TimeclockRepository`)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, datetime

from chalicelib.domain.decisions import Decided
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed
from chalicelib.store.timeclock import CutoverChange, CutoverState


class InMemoryTimeclockRepository:
    def __init__(self) -> None:
        self._pins: dict[str, dict[str, str]] = {}
        self._cutovers: dict[str, date] = {}
        self._reruns: dict[str, tuple[date, date]] = {}
        self._lock = threading.Lock()

    def put_pins(self, unor_id: str, pins: Mapping[str, str], actor: str, now: datetime) -> None:
        with self._lock:
            self._pins.setdefault(unor_id, {}).update(pins)

    def pins_of_unit(self, unor_id: str) -> dict[str, str]:
        with self._lock:
            return dict(self._pins.get(unor_id, {}))

    def set_cutover(self, unor_id: str, change: CutoverChange, by: Decided, audit: AuditBatch | None = None) -> None:
        with self._lock:
            if self._state(unor_id) != change.as_read:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the cut-over as it was, as a failed transaction does
            self._cutovers[unor_id] = change.day
            if change.rerun is None:
                self._reruns.pop(unor_id, None)
            else:
                self._reruns[unor_id] = change.rerun

    def cutover_of(self, unor_id: str) -> date | None:
        with self._lock:
            return self._cutovers.get(unor_id)

    def cutover_state(self, unor_id: str) -> CutoverState:
        with self._lock:
            return self._state(unor_id)

    def _state(self, unor_id: str) -> CutoverState:
        """The unit's cut-over as stored (hold the lock)."""
        return CutoverState(self._cutovers.get(unor_id), self._reruns.get(unor_id))

    def rerun_done(self, unor_id: str, rerun: tuple[date, date]) -> None:
        with self._lock:
            if self._reruns.get(unor_id) == rerun:
                del self._reruns[unor_id]
