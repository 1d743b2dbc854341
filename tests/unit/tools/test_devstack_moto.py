"""The local moto server's periodic snapshot does not hold requests while the state is encoded and written."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from moto.moto_api import recorder

from tools.devstack_moto import PersistentMoto
from tools.devstack_persist import MotoStore


class _SlowStore(MotoStore):
    """Encodes only once `release` exists: stands for a regency's state that takes long to encode."""

    def __init__(self, directory: Path, release: Path) -> None:
        super().__init__(directory)
        self._release = release

    def encode_snapshot(self, backends: dict[str, Any]) -> bytes:
        while not self._release.exists():
            time.sleep(0.01)
        return super().encode_snapshot(backends)


def _wait_for(condition: Any, timeout_s: float = 20.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def moto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PersistentMoto:
    # PersistentMoto patches moto's process-wide recorder: give the original back after the test.
    monkeypatch.setattr(recorder, "_record_request", recorder._record_request)
    monkeypatch.setattr(recorder, "_location", recorder._location)
    server = PersistentMoto(tmp_path / "data", 0)
    yield server
    server.wait_for_snapshot()
    server.shutdown()


def test_requests_go_on_while_a_snapshot_is_written(moto: PersistentMoto, tmp_path: Path) -> None:
    # GIVEN something written since the last snapshot, and a state that takes long to encode
    release = tmp_path / "release"
    moto.store = _SlowStore(tmp_path / "data", release)
    moto._written = True
    first_log = moto.store.wal_path(moto._wal_gen)
    first_log.write_text("{}\n")
    # WHEN the periodic snapshot starts (from the main thread, as the server's loop does: the writer process
    # dies with the thread that forked it); were it written in place, the timer would end the wait after 30 s
    fallback = threading.Timer(30, release.touch)
    fallback.start()
    began = time.monotonic()
    assert moto.snapshot_if_written() is True
    waited = time.monotonic() - began
    # THEN it has handed the work to another process: requests pass the gate while the snapshot is unwritten
    assert waited < 10, "the snapshot held the server"
    entered = threading.Event()

    def request() -> None:
        with moto._gate.shared():
            entered.set()

    threading.Thread(target=request).start()
    assert entered.wait(timeout=5), "a request was held during the snapshot"
    assert moto.snapshot_running()
    assert not list((tmp_path / "data").glob("snapshot-*.pickle"))
    assert moto.snapshot_if_written() is False  # one snapshot at a time
    # AND once encoded, the snapshot is complete and the log it covers is gone
    release.touch()
    fallback.cancel()
    _wait_for(lambda: not moto.snapshot_running())
    assert moto.store.latest_snapshot() == 1
    assert not first_log.exists()
    assert moto.store.wal_path(moto._wal_gen) != first_log
