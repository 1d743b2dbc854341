"""`make stop` finds the stack `make run` started by the pids and start times in its pid file; a step of the wall
clock between the two (NTP, a resumed VM) must not make a running process look gone."""

from __future__ import annotations

import os
import subprocess
import sys

import psutil
import pytest

from tools import devstack

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc start times are Linux's")


@linux_only
def test_a_step_of_the_wall_clock_does_not_hide_a_running_process(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = [os.getpid(), devstack._process_identity(os.getpid())]
    created, booted = psutil.Process().create_time(), psutil.boot_time()
    # The wall clock (and with it the boot time psutil derives from it) moves 3 s after the entry was written
    monkeypatch.setattr(psutil._pslinux, "boot_time", lambda: booted + 3.0)
    assert psutil.Process().create_time() == pytest.approx(created + 3.0)  # psutil's start time moved with it
    assert devstack._same_process(entry) == os.getpid()


def test_a_recycled_or_ended_pid_is_not_the_recorded_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        entry = [child.pid, devstack._process_identity(child.pid)]
        assert devstack._same_process(entry) == child.pid
        assert devstack._same_process([child.pid, entry[1] + 1]) is None  # same pid, another start: recycled
    finally:
        child.kill()
        child.wait()
    assert devstack._same_process(entry) is None  # ended
    assert devstack._same_process("not an entry") is None
