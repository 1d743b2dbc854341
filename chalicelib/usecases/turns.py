"""One at a time: a turn is the one slot of a login-guard scope (`PeopleRepository.claim_login_attempt`, atomic: of
any number of callers racing, one holds it). It is held until its claim gives it back, or for at most its hold time,
so a holder cut off blocks no one after that; only the claim that took it gives it back (decision 415). Turns order
the one SIMPEG run going on (`simpeg._take_turn`) and the recording of one employee's leaves (`calendar._leave_turn`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from chalicelib import runtime
from chalicelib.domain.people import AttemptClaim
from chalicelib.observability import logger

POLL_S = 0.05  # how often a caller that waits for a turn asks again


def take(scope: str, hold_s: int, *, wait_s: float = 0.0) -> AttemptClaim:
    """Claim the turn of `scope` for at most `hold_s` seconds, asking again for up to `wait_s` seconds while another
    claim holds it. The last claim is answered: not granted, its `retry_after_s` says when the turn frees."""
    deadline = time.monotonic() + wait_s
    while True:
        claim = runtime.people().claim_login_attempt(scope, 1, hold_s, now_s())
        if claim.granted or time.monotonic() >= deadline:
            return claim
        time.sleep(POLL_S)


def now_s() -> int:
    """The clock turns are held by (epoch seconds; a test moves it past a hold time)."""
    return int(time.time())


def give_back(scope: str, claim_id: str) -> None:
    """Give the turn `claim_id` took back, if it still holds it: one that outlived its hold time leaves the turn of
    the claim that took it since. A failure is logged, not raised: the holder's own outcome is the answer, and the
    turn frees itself after its hold time. The log names the kind of turn only (a leave turn's scope holds a NIP)."""
    try:
        runtime.people().release_login_attempt(scope, "0", claim_id)
    except Exception:
        logger.exception("%s turn not given back (it frees itself after its hold time)", scope.split("#", 1)[0])


@contextmanager
def held(scope: str, hold_s: int, *, wait_s: float, refused: Callable[[AttemptClaim], None]) -> Iterator[None]:
    """Hold the turn of `scope` (`take`) while the block runs, and give it back after. Not had after `wait_s`, the
    claim goes to `refused`: it raises to refuse the work (a 409 to retry), or returns to let it run all the same."""
    claim = take(scope, hold_s, wait_s=wait_s)
    if not claim.granted:
        refused(claim)
    try:
        yield
    finally:
        if claim.granted:
            give_back(scope, claim.claim_id)
