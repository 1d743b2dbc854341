"""The local moto server's periodic snapshot does not hold requests while the state is encoded and written."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from moto.moto_api import recorder

from tools.devstack_moto import PersistentMoto, _keep_alive_server
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


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    answer = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {len(body)} {hashlib.sha256(body).hexdigest()}"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
    return [answer.encode()]


def _read_answer(reader: Any) -> str:
    status = reader.readline()
    assert status.startswith(b"HTTP/1.1 200"), status
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return str(reader.read(length).decode())


def test_the_keep_alive_server_reads_sequential_large_and_pipelined_requests() -> None:
    # GIVEN the local moto's HTTP server (cheroot with its C socket reader) around an echo app
    server = _keep_alive_server(_echo, 0)
    threading.Thread(target=server.serve, daemon=True).start()
    try:
        photo = bytes(range(256)) * 400  # 100 KB, more than one read buffer
        with socket.create_connection(("127.0.0.1", int(server.bind_addr[1])), timeout=10) as conn:
            reader = conn.makefile("rb")
            # WHEN one connection sends a request, then a large body, then two requests in one write
            conn.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
            first = _read_answer(reader)
            conn.sendall(b"PUT /photo HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(photo) + photo)
            large = _read_answer(reader)
            conn.sendall(
                b"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /c HTTP/1.1\r\nHost: x\r\n\r\n"
            )
            pipelined = [_read_answer(reader), _read_answer(reader)]
        # THEN every request is answered on the same connection, bodies intact, in order
        assert first == f"GET /a 0 {hashlib.sha256(b'').hexdigest()}"
        assert large == f"PUT /photo {len(photo)} {hashlib.sha256(photo).hexdigest()}"
        assert pipelined == [
            f"POST /b 3 {hashlib.sha256(b'abc').hexdigest()}",
            f"GET /c 0 {hashlib.sha256(b'').hexdigest()}",
        ]
    finally:
        server.stop()
