"""`make run` / `make stop` as a developer uses them: `python -m tools.devstack run|stop` in real processes.

What matters: it says where things run and how to log in, and stopping it (Ctrl-C, `make stop` from another
terminal, or even killing the supervisor) leaves no process behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.e2e.conftest import require_app
from tools.devstack import REPO_DIR, free_port
from tools.devstack_http import ApiClient
from tools.devstack_seed import load_zones

BANNER = "SMART local stack is running"
START_TIMEOUT_S = 240.0


@dataclass
class RunningCli:
    proc: subprocess.Popen[bytes]
    out: Path
    env: dict[str, str]
    data_dir: Path

    def output(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def recorded_pids(self) -> list[int]:
        record = json.loads((self.data_dir / "devstack.pid").read_text(encoding="utf-8"))
        return [record["supervisor"][0]] + [entry[0] for entry in record["children"].values()]


def alive(pid: int) -> bool:
    try:
        return bool(psutil.Process(pid).status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


def wait_all_gone(pids: list[int], timeout_s: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[RunningCli]:
    """`python -m tools.devstack run` on free ports and a temp data dir, started and waited for."""
    require_app()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SMART_"))}
    env.update(
        SMART_DATA_DIR=str(tmp_path / "data"),
        SMART_PORT=str(free_port()),
        SMART_MOTO_PORT="0",
        SMART_SIMPEG_PORT="0",
        SMART_SIMPEG_SIZE="50",
    )
    out = tmp_path / "run.out"
    with out.open("wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tools.devstack", "run"],
            cwd=REPO_DIR, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    running = RunningCli(proc, out, env, tmp_path / "data")
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while BANNER not in running.output():
            assert proc.poll() is None, f"run exited early:\n{running.output()}"
            assert time.monotonic() < deadline, f"no banner after {START_TIMEOUT_S}s:\n{running.output()}"
            time.sleep(0.3)
        yield running
    finally:
        if proc.poll() is None:  # a failed test must not leave the stack behind either
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)


def test_banner_says_where_things_run_and_how_to_log_in(cli: RunningCli) -> None:
    text = cli.output()

    api = f"http://127.0.0.1:{cli.env['SMART_PORT']}"
    assert api in text
    assert f"{api}/app/" in text and f"{api}/admin/" in text  # the two web apps, as the README says
    assert str(cli.data_dir) in text
    assert "admin-local" in text and "'admin'" in text
    assert "make stop" in text


def test_make_stop_from_another_terminal_stops_everything(cli: RunningCli) -> None:
    pids = cli.recorded_pids()
    assert len(pids) == 4 and all(alive(p) for p in pids)  # supervisor, moto, simpeg, api

    done = subprocess.run(
        [sys.executable, "-m", "tools.devstack", "stop"],
        check=False,
        cwd=REPO_DIR,
        env=cli.env,
        capture_output=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert cli.proc.wait(timeout=60) == 0
    assert wait_all_gone(pids) == []
    assert not (cli.data_dir / "devstack.pid").exists()


def test_ctrl_c_stops_everything(cli: RunningCli) -> None:
    pids = cli.recorded_pids()

    cli.proc.send_signal(signal.SIGINT)

    assert cli.proc.wait(timeout=60) == 0
    assert wait_all_gone(pids) == []
    assert "devstack: stopped" in cli.output()


def test_killed_supervisor_takes_its_children_with_it(cli: RunningCli) -> None:
    pids = cli.recorded_pids()

    cli.proc.kill()  # SIGKILL: no chance to clean up; the kernel's parent-death signal must do it
    cli.proc.wait(timeout=10)

    assert wait_all_gone(pids) == []


def test_first_start_seeds_demo_data_through_the_api(cli: RunningCli) -> None:
    assert "NOT seeded" not in cli.output(), cli.output()
    admin = ApiClient(f"http://127.0.0.1:{cli.env['SMART_PORT']}")
    assert admin.login_admin("admin", "admin-local").status == 200

    zones = admin.get("/v1/admin/zones")
    units = admin.get("/v1/admin/units")

    demo_names = {z["name"] for z in load_zones(REPO_DIR / "tools" / "demo_zones.json")}
    assert zones.status == 200 and {z["name"] for z in zones.body["items"]} >= demo_names
    assert units.status == 200 and units.body["items"]
    assert all(unit["zone_ids"] for unit in units.body["items"])  # every unit has somewhere to check in
    # employees were pulled from the SIMPEG simulator (50 of them in this test) into their units
    assert sum(unit["employee_count"] for unit in units.body["items"]) == 50
    staffed = next(unit for unit in units.body["items"] if unit["employee_count"])
    employees = admin.get(f"/v1/admin/employees?unor_id={staffed['unor_id']}")
    assert employees.status == 200 and len(employees.body["items"]) == staffed["employee_count"]
    assert (cli.data_dir / "seeded.json").exists()
