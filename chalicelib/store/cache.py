"""A small per-process time-to-live cache for data that changes rarely and is read on every check-in
(zones, units, the regency calendar, unit schedules). A warm Lambda container then skips those reads; a
change made by an admin reaches every container within `ttl_s` seconds."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
_ALL: list[TtlCache[object]] = []


class TtlCache(Generic[V]):
    """Values by key, each kept for `ttl_s` seconds; at most `max_entries` (oldest dropped first)."""

    def __init__(self, ttl_s: float, max_entries: int = 4096, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, V]] = {}
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            found = self._values.get(key)
            if found is not None and now - found[0] < self._ttl_s:
                return found[1]
        value = load()
        with self._lock:
            if len(self._values) >= self._max:
                self._values.pop(next(iter(self._values)))
            self._values[key] = (now, value)
        return value

    def peek(self, key: Hashable) -> V | None:
        """The value if it is fresh, else None (nothing is loaded)."""
        with self._lock:
            found = self._values.get(key)
            return found[1] if found is not None and self._clock() - found[0] < self._ttl_s else None

    def put(self, key: Hashable, value: V) -> None:
        """Keep a value loaded by the caller (several loaded together, see `get` for one)."""
        with self._lock:
            if len(self._values) >= self._max:
                self._values.pop(next(iter(self._values)))
            self._values[key] = (self._clock(), value)

    def forget(self, key: Hashable | None = None) -> None:
        """Drop one key (after a local write) or everything."""
        with self._lock:
            if key is None:
                self._values.clear()
            else:
                self._values.pop(key, None)


def forget_all() -> None:
    """Empty every cache of this process (tests that swap the whole storage between cases)."""
    for cache in _ALL:
        cache.forget()
