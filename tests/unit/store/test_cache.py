"""The per-process TTL cache: values kept for their lifetime, peeked without loading, put after a batch load."""

from __future__ import annotations

from chalicelib.store.cache import TtlCache
from tests.clocks import ManualClock


def test_peek_answers_only_fresh_values_and_loads_nothing() -> None:
    clock = ManualClock(100.0)
    cache: TtlCache[str] = TtlCache(ttl_s=10, clock=clock)
    assert cache.peek("a") is None
    cache.put("a", "one")
    clock.now += 9.9
    assert cache.peek("a") == "one"
    assert cache.get("a", lambda: "reloaded") == "one"
    clock.now += 0.1
    assert cache.peek("a") is None
    assert cache.get("a", lambda: "reloaded") == "reloaded"


def test_put_keeps_at_most_max_entries_oldest_dropped_first() -> None:
    cache: TtlCache[int] = TtlCache(ttl_s=10, max_entries=2, clock=ManualClock(100.0))
    for key in ("a", "b", "c"):
        cache.put(key, ord(key))
    assert (cache.peek("a"), cache.peek("b"), cache.peek("c")) == (None, 98, 99)
