"""A clock of seconds that a test moves by hand, for code that takes `clock: Callable[[], float]`."""

from __future__ import annotations


class ManualClock:
    """Answers `now` (seconds, e.g. of time.monotonic) until the test sets it."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
