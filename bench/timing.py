"""The line the in-process benchmarks (recap_bench, rollout_bench) print for one timed step: its wall time and
the process's peak resident memory so far."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def timed(label: str, action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<58} {elapsed:8.2f} s   peak RSS {peak_mb:7.1f} MB", flush=True)
    return result
