"""Child process of the local stack: moto's server whose state survives restarts and kills.

Why not the plain `moto_server` CLI: its recorder appends every request (reads included) from many server
threads without a lock, so two concurrent large bodies (selfies) can interleave inside the log, the log grows
with every read the app makes, and nothing ever compacts it. Here, in one process:
- on start, the newest snapshot is loaded and later write-ahead logs are replayed (`devstack_persist`);
- moto's recorder is the write-ahead log, with each append serialised by a lock and reads not recorded;
- a snapshot is taken every `--snapshot-every-s` seconds when something was written, and on SIGTERM/SIGINT;
  incoming requests are held only while the log rotates and the process forks: a child writes the periodic
  snapshot from its copy-on-write view of the state while the server goes on;
- moto's DynamoDB reads only the asked partition and rolls transactions back item by item (`moto_scaling`),
  as DynamoDB does, instead of listing the whole table per Query and copying it per transaction, and its
  requests skip Flask (`moto_scaling.dynamodb_fast_path`).
Dev tooling only; never shipped to Lambda.

Run: python -m tools.devstack_moto --port 0 --data-dir DIR
Prints "RESTORE <json>" then "MOTO_PORT=<port>" once it serves the restored state.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from tools import moto_scaling
from tools.devstack import fork_dying_with_parent
from tools.devstack_persist import (
    REPLAY_HEADER,
    SERVICES,
    MotoStore,
    RestoreReport,
    count_items_and_objects,
    replay_wal,
)

_SERVER_THREADS = 8  # moto handles one DynamoDB request at a time anyway (moto_scaling); S3 overlaps
_KEEP_ALIVE_LIMIT = 64  # cheroot's default 10 is fewer than the API's pools (DynamoDB 10 + S3 10) hold open
_REPLAY_ENVIRON = "HTTP_" + REPLAY_HEADER.upper().replace("-", "_")
_RESTORING = b'{"__type": "ServiceUnavailable", "message": "local storage is restoring its data"}'

# DynamoDB actions that change nothing; everything else is logged (an unknown action is logged, to be safe).
_DYNAMODB_READ_ACTIONS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "DescribeTable",
        "ListTables",
        "DescribeTimeToLive",
        "DescribeContinuousBackups",
        "ListTagsOfResource",
        "TransactGetItems",
        "DescribeEndpoints",
        "DescribeLimits",
    }
)
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_read_only(method: str, amz_target: str | None) -> bool:
    """True when replaying this request could not change any state (so it need not be logged)."""
    if amz_target:
        return amz_target.rsplit(".", 1)[-1] in _DYNAMODB_READ_ACTIONS
    return method.upper() in _READ_METHODS


class _Gate:
    """Many requests at once, or one snapshot alone (a minimal readers-writer lock)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._active = 0
        self._exclusive = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive)
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._exclusive)
            self._exclusive = True  # new requests wait from here on
            self._cond.wait_for(lambda: self._active == 0)
        try:
            yield
        finally:
            with self._cond:
                self._exclusive = False
                self._cond.notify_all()


class PersistentMoto:
    """moto's server plus its write-ahead log and snapshots in one data directory."""

    def __init__(self, data_dir: Path, port: int) -> None:
        from moto.backends import get_backend
        from moto.moto_api import recorder

        self.store = MotoStore(data_dir)
        self._recorder = recorder
        self._backends = {name: get_backend(name) for name in SERVICES}  # type: ignore[call-overload]
        self._gate = _Gate()
        self._log_lock = threading.Lock()
        self._wal_gen = self.store.next_generation()
        self._written = False
        self._replaying = threading.Event()
        self._snapshotter: int | None = None  # pid of the process writing a background snapshot
        self._install_recorder()
        self._server = self._make_server(port)
        self.port = int(self._server.bind_addr[1])

    def _install_recorder(self) -> None:
        original: Callable[..., None] = self._recorder._record_request

        def record(request: Any, body: bytes | None = None) -> None:
            target = request.headers.get("X-Amz-Target")
            if not self._recorder._user_enabled or is_read_only(str(request.method), target):
                return
            with self._log_lock:
                original(request, body)
                self._written = True

        self._recorder._record_request = record  # type: ignore[method-assign]

    def _make_server(self, port: int) -> Any:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        app = moto_scaling.dynamodb_fast_path(DomainDispatcherApplication(create_backend_app))
        gate = self._gate

        replaying = self._replaying

        def gated(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if replaying.is_set() and environ.get(_REPLAY_ENVIRON) != "1":
                # Half-restored data must not be served: clients get 503 and retry, as after a crash.
                start_response("503 Service Unavailable", [("Content-Type", "application/x-amz-json-1.0")])
                return [_RESTORING]
            with gate.shared():  # state changes happen inside this call; the body is sent afterwards
                return app(environ, start_response)  # type: ignore[no-any-return]

        return _keep_alive_server(gated, port)

    def restore(self) -> RestoreReport:
        """Load the newest snapshot, replay later logs, compact; then start logging to a fresh log."""
        began = time.monotonic()
        snap = self.store.latest_snapshot()
        size = self.store.load_snapshot(snap, self._backends) if snap is not None else 0.0
        loaded = time.monotonic()
        wals = self.store.pending_wals()
        self._replaying.set()
        threading.Thread(target=self._server.serve, daemon=True).start()
        sent = torn = 0
        for gen in wals:
            done, bad = replay_wal(self.store.wal_path(gen), f"http://127.0.0.1:{self.port}")
            sent, torn = sent + done, torn + bad
        self._replaying.clear()
        if wals:
            # Fold the replayed logs into a snapshot numbered after the last one, so they are replayed once.
            self.store.write_snapshot(wals[-1], self.store.encode_snapshot(self._backends))
        self._recorder._location = str(self.store.wal_path(self._wal_gen))
        self._recorder._user_enabled = True
        items, objects = count_items_and_objects(self._backends)
        return RestoreReport(snap, size, sent, torn, loaded - began, time.monotonic() - loaded, items, objects)

    def snapshot_if_written(self, *, background: bool = True) -> bool:
        """Snapshot the state and rotate the log if anything was logged since the last snapshot.

        In the background (default), requests are held only while the log rotates and the process forks:
        the child encodes and writes the copy-on-write state it was given, the server goes on meanwhile
        (encoding a regency's data with its photos took tens of seconds, all of them a stalled API).
        Skipped while an earlier snapshot is still being written.
        """
        if self.snapshot_running():
            return False
        with self._gate.exclusive():
            if not self._written:
                return False
            generation = self._wal_gen
            self._wal_gen += 1
            self._recorder._location = str(self.store.wal_path(self._wal_gen))
            self._written = False
            if background:
                self._snapshotter = _fork_snapshot(self.store, self._backends, generation)
                return True
            data = self.store.encode_snapshot(self._backends)
        # Writing the file needs no gate: requests now go to the next log, which this snapshot does not claim.
        self.store.write_snapshot(generation, data)
        return True

    def snapshot_running(self) -> bool:
        """True while a background snapshot is still being written (its process is reaped once done)."""
        if self._snapshotter is None:
            return False
        pid, _ = os.waitpid(self._snapshotter, os.WNOHANG)
        if pid == 0:
            return True
        self._snapshotter = None
        return False

    def wait_for_snapshot(self) -> None:
        if self._snapshotter is not None:
            os.waitpid(self._snapshotter, 0)
            self._snapshotter = None

    def shutdown(self) -> None:
        self._server.stop()


def _fork_snapshot(store: MotoStore, backends: dict[str, Any], generation: int) -> int:
    """Fork a process that writes snapshot `generation` of the state as it is now, then exits; its pid.

    Called while requests are held: no request thread is inside moto, so no lock the encoding needs is held
    by a thread the child does not have. The child dies with the server (a killed server's restart must not
    race a leftover child deleting the logs it replays).
    """
    pid = fork_dying_with_parent()
    if pid:
        return pid
    code = 1
    try:
        store.write_snapshot(generation, store.encode_snapshot(backends))
        code = 0
    finally:
        os._exit(code)


class _SocketReader(io.BufferedReader):
    """cheroot's socket reader on C `io` instead of the pure-Python `_pyio` cheroot uses.

    Reading request lines byte by byte in Python was a quarter of moto's CPU per request. cheroot asks two
    things besides reading: `bytes_read`, and `has_data()` (is a pipelined request already buffered?),
    answered here with a non-blocking peek.
    """

    def __init__(self, sock: socket.socket, bufsize: int) -> None:
        super().__init__(socket.SocketIO(sock, "rb"), bufsize)
        self._sock = sock
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data

    def has_data(self) -> bool:
        timeout = self._sock.gettimeout()
        self._sock.setblocking(False)
        try:
            return bool(self.peek(1))  # what is buffered, else at most one non-blocking read
        except OSError:
            return False
        finally:
            self._sock.settimeout(timeout)


def _socket_file(sock: socket.socket, mode: str = "r", bufsize: int = io.DEFAULT_BUFFER_SIZE) -> Any:
    """cheroot's `makefile`: the C reader above, cheroot's own (write-through) writer."""
    from cheroot.makefile import StreamWriter

    return _SocketReader(sock, bufsize) if "r" in mode else StreamWriter(sock, mode, bufsize)


def _keep_alive_server(app: Callable[..., Iterable[bytes]], port: int) -> Any:
    """A threaded WSGI server on 127.0.0.1 that keeps connections open, already bound (its port is known).

    cheroot, not werkzeug's dev server: werkzeug closes the connection after every response, so each
    DynamoDB/S3 call of the API paid a new TCP connection and a new server thread (decision 34).
    """
    from cheroot.server import HTTPConnection
    from cheroot.wsgi import Server

    class _Connection(HTTPConnection):  # type: ignore[misc]
        def __init__(self, server: Any, sock: socket.socket, makefile: Any = None) -> None:
            super().__init__(server, sock, _socket_file)

    class _Server(Server):  # type: ignore[misc]
        ConnectionClass = _Connection

        @classmethod
        def prepare_socket(cls, *args: Any, **kwargs: Any) -> socket.socket:
            sock: socket.socket = super().prepare_socket(*args, **kwargs)
            # cheroot leaves this off for port 0; without it a restart on the port the first start was given
            # fails while the killed server's connections linger (tools/devstack_faults.py restarts that way).
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            return sock

    server = _Server(("127.0.0.1", port), app, numthreads=_SERVER_THREADS, request_queue_size=128, timeout=30)
    server.keep_alive_conn_limit = _KEEP_ALIVE_LIMIT
    server.prepare()
    return server


def main(argv: list[str] | None = None) -> int:
    """Restore, serve on 127.0.0.1, snapshot periodically; final snapshot on SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--snapshot-every-s", type=float, default=300.0)
    args = parser.parse_args(argv)

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    moto_scaling.install()
    moto = PersistentMoto(args.data_dir, args.port)
    report = moto.restore()
    print(f"RESTORE {report.to_json()}", flush=True)
    print(f"MOTO_PORT={moto.port}", flush=True)
    while not stop.wait(args.snapshot_every_s):
        moto.snapshot_if_written()
    moto.wait_for_snapshot()
    moto.snapshot_if_written(background=False)  # a clean stop leaves no log to replay
    moto.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
