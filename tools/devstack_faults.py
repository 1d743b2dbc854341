"""Fault injection for the local stack: kill moto's server mid-run and bring it back on the same port.

Why a separate module: `LocalStack` can start and stop the whole stack, but the load tool must kill ONLY the
storage while the API keeps running (the API's AWS endpoint names moto's port, so the new moto must listen on
that very port). This reuses LocalStack's own moto start (`_start_moto`: new write-ahead log generation,
restore of snapshot + logs, recording restarted) rather than copying it. Dev tooling only.
"""

from __future__ import annotations

import signal
import time
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from tools.devstack import LocalStack, _signal_group

__all__ = ["MotoRestart", "kill_and_restart_moto"]


@dataclass(frozen=True)
class MotoRestart:
    """What one kill/restart of moto took (seconds) and restored."""

    down_s: float  # from the kill until moto serves the restored data again
    restart_s: float  # of which: process start + restore + recording on
    restored_items: int
    replayed_requests: int


def kill_and_restart_moto(stack: LocalStack, *, down_s: float = 0.0) -> MotoRestart:
    """SIGKILL the stack's moto server (no clean shutdown), wait `down_s`, start it again on the same port.

    Data comes back from the write-ahead log: this is the unclean-kill path of `devstack_persist`.
    Call it from a thread that outlives the stack (e.g. the main thread): children get PR_SET_PDEATHSIG,
    which Linux fires when the creating THREAD exits, so a moto started from a short-lived thread dies with it.
    """
    assert stack.urls is not None, "start the stack first"
    port = urlsplit(stack.urls.moto).port
    children = stack._children  # private: LocalStack has no public per-part restart
    position = next(i for i, c in enumerate(children) if c.name == "moto")
    old = children.pop(position)
    began = time.monotonic()
    _signal_group(old.pid, signal.SIGKILL)
    old.proc.wait(timeout=10)
    old._log_file.close()  # private: the log handle of the killed child
    time.sleep(down_s)
    config = stack.config
    stack.config = replace(config, moto_port=port or config.moto_port)
    try:
        restarted_at = time.monotonic()
        url = stack._start_moto()  # private: the one place that knows how moto starts with persistence
    finally:
        stack.config = config
    # Keep "newest first" stop order meaningful: storage is still stopped after the API that writes to it.
    children.insert(position, children.pop())
    if url != stack.urls.moto:
        raise RuntimeError(f"moto came back on {url}, not {stack.urls.moto}")
    report = stack.restore_report
    return MotoRestart(
        down_s=time.monotonic() - began,
        restart_s=time.monotonic() - restarted_at,
        restored_items=report.items if report else 0,
        replayed_requests=report.replayed_requests if report else 0,
    )
