"""The local stack of the stack benchmark: moto's server as a child process, and the environment pointing at it.

Kept apart from the phases so that the child processes of the benchmark (monthly report, SIMPEG sync, run
alone for a clean peak-RSS figure) reuse the same set-up without starting a second server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import urllib3

from chalicelib.runtime import ensure_ready
from chalicelib.settings import Settings, load_settings
from chalicelib.store import models
from chalicelib.store.aws import reset_clients
from chalicelib.store.schema import create_all

REPO_DIR = Path(__file__).resolve().parents[1]
BENCH_ENV = {
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "SMART_STAGE": "local",
    "SMART_TABLE_PREFIX": "bench-",
    "SMART_BUCKET": "bench-data",
}


def free_port() -> int:
    """A port nobody listens on right now (other helpers run servers on this machine too)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_serving(endpoint: str, process: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with code {process.returncode}")
        try:
            urllib3.request("GET", f"{endpoint}/moto-api/", timeout=1.0, retries=False)
            return
        except urllib3.exceptions.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("moto server did not start in time")


@contextmanager
def moto_server() -> Iterator[tuple[str, int]]:
    """moto's server (with `tools.moto_scaling`) on 127.0.0.1, a free port; yields (endpoint, pid), always stops it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.moto_scaling", "-H", "127.0.0.1", "-p", str(port)],
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(endpoint, process)
        yield endpoint, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def point_at(endpoint: str, table_prefix: str = "bench-") -> Settings:
    """Set this process's environment to the stack (the benchmark is an entry point) and return its settings."""
    os.environ.update(BENCH_ENV)
    os.environ["SMART_TABLE_PREFIX"] = table_prefix
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    os.environ["AWS_ENDPOINT_URL_S3"] = endpoint
    load_settings.cache_clear()
    reset_clients()
    return load_settings()


# Plain moto answered an index Query by sorting the whole table, so on a month of events one page could take
# longer than the app's 5 s read timeout. The bench's moto carries tools.moto_scaling, which removed that; the
# longer timeout stays so that a slow page on a loaded machine is measured instead of failing the phase.
BENCH_READ_TIMEOUT_S = 120


def prepare(endpoint: str, table_prefix: str = "bench-") -> Settings:
    """Point at the stack, create the tables and bucket (if missing) and configure the models."""
    models._Base.Meta.read_timeout_seconds = BENCH_READ_TIMEOUT_S
    settings = point_at(endpoint, table_prefix)
    create_all(settings)
    ensure_ready(settings)
    return settings
