"""SMART's local stack: what `make run` / `make stop` start and stop, and the harness of the e2e tests.

One supervisor process starts, each in its own process group so that nothing is left behind:
  moto's server (DynamoDB + S3; a write-ahead log + snapshots keep data across restarts and kills,
  see `devstack_persist`),
  the SIMPEG simulator (`tools.simpeg_sim`), and the API (`chalice local`'s server in several worker processes,
  `tools.devstack_api`).
It creates tables and bucket (`python -m chalicelib.store.schema create`), waits for GET /v1/health and, on the
first start of a data directory only, seeds demo data through the HTTP API (`devstack_seed`).

  python -m tools.devstack run     # foreground; Ctrl-C (or SIGTERM) stops everything it started
  python -m tools.devstack stop    # from another terminal: stops the stack running on the same data dir
  python -m tools.devstack fire daily-recap   # run a scheduled job now against the running stack

While it runs, the scheduled jobs fire at their local times as EventBridge fires them in AWS (tools.devstack_jobs).

Environment (all optional): SMART_DATA_DIR (default <repo>/.local), SMART_PORT (8000), SMART_MOTO_PORT (4566),
SMART_SIMPEG_PORT (8077), SMART_SIMPEG_SIZE (7000), SMART_SIMPEG_SEED (1), SMART_BOOTSTRAP_ADMIN_PASSWORD
(admin-local), SMART_MODEL_DIR, SMART_TIMEZONE (Asia/Jakarta; Asia/Makassar or Asia/Jayapura rehearse a WITA or
WIT regency: the API, its rules and the local job times follow it). Tests use `LocalStack`, which picks free
ports and a temporary data dir.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any
from zoneinfo import ZoneInfo

import psutil
import urllib3

from tools.devstack_http import ApiClient, wait_until
from tools.devstack_jobs import JobScheduler, fire_argv, job_name
from tools.devstack_persist import RestoreReport
from tools.devstack_seed import SeedError, SeedReport, seed_demo

__all__ = ["LocalStack", "StackConfig", "StackError", "StackUrls", "main"]

REPO_DIR = Path(__file__).resolve().parents[1]
_PID_FILE = "devstack.pid"
_ENV_FILE = "stack-env.json"  # the API's environment, for `fire` (local credentials only)
_SEED_MARKER = "seeded.json"
_STOP_GRACE_S = 10.0
# moto writes its final snapshot on SIGTERM (seconds for a regency's day of data); killing it earlier is safe
# (the log is replayed) but makes the next start slow.
_MOTO_STOP_GRACE_S = 180.0
_PR_SET_PDEATHSIG = 1
# What the moto and SIMPEG children print once listening (both may be started on port 0).
_MOTO_PORT_LINE = re.compile(r"^MOTO_PORT=(\d+)")
_RESTORE_PREFIX = "RESTORE "
_SIMPEG_PORT_LINE = re.compile(r"listening on http://127\.0\.0\.1:(\d+)")


class StackError(Exception):
    """The local stack could not start (the message names the part and points at its log)."""


# The rule table of the test stacks (`LocalStack.for_tests`, and the functional tier's in-process app): check-in
# open round the clock. Tests against a stack run at whatever hour CI starts them, and the default window (06:00 to
# 18:00 local) put a check-in a test made at 01:00 outside the day's hours (recorded, not counted): the same test
# passed by day and failed by night. The window itself is tested at fixed times (tests/unit/attendance,
# tests/unit/usecases/test_checkin.py).
ROUND_THE_CLOCK_RULES = json.dumps({"check_in_opens": "00:00", "check_out_closes": "23:59"})


@dataclass(frozen=True)
class StackConfig:
    """Everything the stack needs; `from_env` builds it for the CLI, tests build it directly.

    Port 0 means "pick a free port". Defaults avoid moto's usual 5000 (taken by other tools on many machines).
    """

    data_dir: Path
    repo_dir: Path = REPO_DIR
    api_port: int = 8000
    moto_port: int = 4566
    simpeg_port: int = 8077
    simpeg_size: int = 7000
    simpeg_seed: int = 1
    region: str = "ap-southeast-3"
    table_prefix: str = "smart-local-"
    bucket: str = "smart-local-photos"
    admin_password: str = "admin-local"
    # Signs tokens of the local stage only; production reads its secret from its own settings.
    token_secret: str = "smart-local-token-secret-not-for-production"
    simpeg_api_key: str = "local-simpeg-key"
    timezone: str = "Asia/Jakarta"
    model_dir: Path | None = None
    # Processes serving the API on its one port (tools/devstack_api.py, decision 35).
    api_workers: int = 4
    seed_demo: bool = True
    # Only moto (with persistence): for tests of the storage layer and for tools that need DynamoDB/S3 alone.
    storage_only: bool = False
    startup_timeout_s: float = 120.0
    restore_timeout_s: float = 1800.0
    # How often moto's state is snapshotted while running (bounds the replay after a crash).
    snapshot_every_s: float = 300.0
    # Fire the scheduled jobs at their local times (tools.devstack_jobs): `make run` does, tests do not.
    run_schedules: bool = False
    extra_env: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> StackConfig:
        """The CLI's configuration: defaults overridden by SMART_* variables."""
        model_dir = environ.get("SMART_MODEL_DIR")
        return cls(
            data_dir=Path(environ.get("SMART_DATA_DIR") or REPO_DIR / ".local").resolve(),
            api_port=int(environ.get("SMART_PORT", cls.api_port)),
            moto_port=int(environ.get("SMART_MOTO_PORT", cls.moto_port)),
            simpeg_port=int(environ.get("SMART_SIMPEG_PORT", cls.simpeg_port)),
            simpeg_size=int(environ.get("SMART_SIMPEG_SIZE", cls.simpeg_size)),
            simpeg_seed=int(environ.get("SMART_SIMPEG_SEED", cls.simpeg_seed)),
            admin_password=environ.get("SMART_BOOTSTRAP_ADMIN_PASSWORD", cls.admin_password),
            timezone=environ.get("SMART_TIMEZONE") or cls.timezone,
            model_dir=Path(model_dir) if model_dir else None,
            api_workers=int(environ.get("SMART_API_WORKERS", cls.api_workers)),
            run_schedules=environ.get("SMART_LOCAL_SCHEDULES", "1") != "0",
        )

    def app_env(self, moto_url: str, simpeg_url: str | None) -> dict[str, str]:
        """The environment the stack's API (and anything acting as it) runs with."""
        env = _base_env()
        env.update(
            SMART_STAGE="local",
            SMART_TABLE_PREFIX=self.table_prefix,
            SMART_BUCKET=self.bucket,
            SMART_TOKEN_SECRET=self.token_secret,
            SMART_BOOTSTRAP_ADMIN_PASSWORD=self.admin_password,
            SMART_TIMEZONE=self.timezone,
            SMART_SIMPEG_URL=simpeg_url or "",
            SMART_SIMPEG_API_KEY=self.simpeg_api_key,
            AWS_DEFAULT_REGION=self.region,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_ENDPOINT_URL_DYNAMODB=moto_url,
            AWS_ENDPOINT_URL_S3=moto_url,
            AWS_EC2_METADATA_DISABLED="true",
        )
        if self.model_dir is not None:
            env["SMART_MODEL_DIR"] = str(self.model_dir)
        env.update(self.extra_env)
        return env


@dataclass(frozen=True)
class StackUrls:
    """Where the running stack answers."""

    api: str
    moto: str
    simpeg: str | None
    data_dir: Path
    admin_username: str
    admin_password: str


def log_file(data_dir: Path, name: str) -> Path:
    """Where a part's stdout and stderr go: `<data dir>/logs/<name>.log`, appended across restarts.

    The API's (`api.log`) is JSON lines: the app's log lines, one "request" line per request, and the CloudWatch
    EMF metric lines (those with an "_aws" key); see tools/devstack_api.py.
    """
    return data_dir / "logs" / f"{name}.log"


def free_port() -> int:
    """A port free on 127.0.0.1 right now (for servers that cannot report the port they bound)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _load_prctl() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None  # not Linux: children may outlive a killed supervisor; `make stop` still cleans up


# Looked up once in the parent: the child between fork and exec must not load libraries (dlopen takes locks).
_PRCTL = _load_prctl()


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Runs in a child (before exec): if its parent is killed (-9), the kernel sends the child `signum`.

    Linux ties this to the THREAD that started the child: start stacks from a thread that outlives them.
    """
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signum)


def fork_dying_with_parent() -> int:
    """`os.fork()` whose child is SIGKILLed when this process dies (returns 0 in the child, as os.fork).

    A child whose parent died before the tie took effect exits at once instead of running orphaned.
    """
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        die_with_parent(signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)
    return pid


class _Child:
    """One started process, leader of its own process group; stopping it stops the whole group."""

    def __init__(
        self, name: str, argv: Sequence[str], *, env: Mapping[str, str], cwd: Path, log: Path, grace_s: float
    ) -> None:
        self.name = name
        self.log = log
        self.grace_s = grace_s
        self._log_file: IO[bytes] = log.open("ab")
        self._log_start = self._log_file.tell()  # logs are appended across restarts; this run starts here
        self.proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,  # noqa: PLW1509 - only a prctl call, no Python locks taken
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM to the group, SIGKILL after a grace period; also reaps the leader."""
        _signal_group(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=self.grace_s)
        except subprocess.TimeoutExpired:
            _signal_group(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=_STOP_GRACE_S)
        # Grandchildren that outlived their leader are still in the group.
        _signal_group(self.pid, signal.SIGKILL)
        self._log_file.close()

    def output(self) -> list[str]:
        """Lines this run of the process has written to its log."""
        with self.log.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode("utf-8", errors="replace").splitlines()

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.output()[-lines:])


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class LocalStack:
    """Start/stop the whole local stack; a context manager yielding `StackUrls`.

    `LocalStack.for_tests(data_dir)` gives free ports, a small simulator and no demo seeding; passing the same
    `data_dir` to a second instance after the first has stopped restarts on the same data.
    """

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self._children: list[_Child] = []
        self.urls: StackUrls | None = None
        self.restore_report: RestoreReport | None = None
        self.seed_report: SeedReport | None = None
        self.timings: dict[str, float] = {}
        self._owned_tmp: Path | None = None
        self.scheduler: JobScheduler | None = None

    @classmethod
    def for_tests(cls, data_dir: Path | None = None, *, simpeg_size: int = 50, **overrides: Any) -> LocalStack:
        """Free ports, `simpeg_size` employees, no demo seeding, check-in open round the clock
        (ROUND_THE_CLOCK_RULES, unless `extra_env` names SMART_RULES); a temp data dir (removed on exit) if none."""
        owned = None
        if data_dir is None:
            owned = Path(tempfile.mkdtemp(prefix="smart-stack-"))
            data_dir = owned
        config = StackConfig(
            data_dir=data_dir, api_port=0, moto_port=0, simpeg_port=0, simpeg_size=simpeg_size, seed_demo=False
        )
        overrides["extra_env"] = {"SMART_RULES": ROUND_THE_CLOCK_RULES, **overrides.get("extra_env", {})}
        stack = cls(replace(config, **overrides))
        stack._owned_tmp = owned
        return stack

    # -- context manager -----------------------------------------------------------------------------------

    def __enter__(self) -> StackUrls:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
        if self._owned_tmp is not None:
            shutil.rmtree(self._owned_tmp, ignore_errors=True)

    # -- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> StackUrls:
        """Start every part in order; on any failure stop what was started and raise StackError."""
        cfg = self.config
        _refuse_if_running(cfg.data_dir)
        (cfg.data_dir / "logs").mkdir(parents=True, exist_ok=True)
        began = time.monotonic()
        try:
            moto_url = self._start_moto()
            self.timings["moto_ready_s"] = time.monotonic() - began
            if cfg.storage_only:
                self.urls = StackUrls("", moto_url, None, cfg.data_dir, "admin", cfg.admin_password)
                return self.urls
            simpeg_url = self._start_simpeg()
            env = self.config.app_env(moto_url, simpeg_url)
            self._create_schema(env)
            api_url = self._start_api(env)
            self.timings["api_ready_s"] = time.monotonic() - began
            self._start_jobs(env)
            self.urls = StackUrls(api_url, moto_url, simpeg_url, cfg.data_dir, "admin", cfg.admin_password)
            if cfg.seed_demo:
                self.seed_once()
        except BaseException:
            self.stop()
            raise
        self.timings["total_s"] = time.monotonic() - began
        return self.urls

    def stop(self) -> None:
        """Stop every started part, newest first (API before the storage it writes to)."""
        if self.scheduler is not None:
            self.scheduler.stop()
            self.scheduler = None
        (self.config.data_dir / _ENV_FILE).unlink(missing_ok=True)
        while self._children:
            self._children.pop().stop()
        pid_file = self.config.data_dir / _PID_FILE
        if _same_process(_read_pid_file(pid_file).get("supervisor")) == os.getpid():
            pid_file.unlink(missing_ok=True)

    def child_pid(self, name: str) -> int:
        """Pid (= process group id) of a started part: "moto", "simpeg" or "api"."""
        return next(c.pid for c in self._children if c.name == name)

    def dead_children(self) -> list[str]:
        """Names of parts that exited on their own."""
        return [c.name for c in self._children if not c.alive()]

    # -- parts ---------------------------------------------------------------------------------------------

    def _spawn(self, name: str, argv: Sequence[str], env: Mapping[str, str], grace_s: float = _STOP_GRACE_S) -> _Child:
        log = log_file(self.config.data_dir, name)
        child = _Child(name, argv, env=env, cwd=self.config.repo_dir, log=log, grace_s=grace_s)
        self._children.append(child)
        self._write_pid_file()  # at once, so `make stop` also works on a stack that is still starting
        return child

    def _start_moto(self) -> str:
        cfg = self.config
        argv = [sys.executable, "-m", "tools.devstack_moto", "--port", str(cfg.moto_port)]
        argv += ["--data-dir", str(cfg.data_dir / "moto"), "--snapshot-every-s", str(cfg.snapshot_every_s)]
        child = self._spawn("moto", argv, _base_env(), grace_s=_MOTO_STOP_GRACE_S)
        # Restoring a big data dir after a crash replays a whole session: allow far more than a normal start.
        port = _wait_for_port_line(child, _MOTO_PORT_LINE, cfg.restore_timeout_s)
        restore = next(line for line in child.output() if line.startswith(_RESTORE_PREFIX))
        self.restore_report = RestoreReport.from_json(restore[len(_RESTORE_PREFIX) :])
        self.timings["restore_s"] = self.restore_report.load_s + self.restore_report.replay_s
        return f"http://127.0.0.1:{port}"

    def _start_simpeg(self) -> str | None:
        cfg = self.config
        if not (cfg.repo_dir / "tools" / "simpeg_sim.py").exists():
            print("devstack: tools/simpeg_sim.py not found, starting without the SIMPEG simulator", file=sys.stderr)
            return None
        argv = [sys.executable, "-m", "tools.simpeg_sim", "--port", str(cfg.simpeg_port)]
        argv += ["--size", str(cfg.simpeg_size), "--seed", str(cfg.simpeg_seed), "--api-key", cfg.simpeg_api_key]
        child = self._spawn("simpeg", argv, _base_env())
        port = _wait_for_port_line(child, _SIMPEG_PORT_LINE, cfg.startup_timeout_s)
        return f"http://127.0.0.1:{port}"

    def _create_schema(self, env: Mapping[str, str]) -> None:
        log = self.config.data_dir / "logs" / "schema.log"
        with log.open("ab") as out:
            done = subprocess.run(
                [sys.executable, "-m", "chalicelib.store.schema", "create"],
                cwd=self.config.repo_dir,
                env=dict(env),
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=self.config.startup_timeout_s,
                check=False,
            )
        if done.returncode != 0:
            tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
            raise StackError(f"creating tables/bucket failed (exit {done.returncode}), see {log}:\n{tail}")

    def _start_api(self, env: Mapping[str, str]) -> str:
        port = self.config.api_port or free_port()
        argv = [sys.executable, "-m", "tools.devstack_api", "--stage", "local", "--host", "127.0.0.1"]
        argv += ["--port", str(port), "--workers", str(self.config.api_workers)]
        child = self._spawn("api", argv, env)
        url = f"http://127.0.0.1:{port}"
        client = ApiClient(url, timeout_s=5)
        last: list[str] = ["no answer"]

        def healthy() -> bool:
            if not child.alive():
                raise StackError(f"the API exited while starting, see {child.log}:\n{child.tail()}")
            try:
                resp = client.get("/v1/health")
            except Exception as exc:  # not listening yet: any connection error means "try again"
                last[0] = type(exc).__name__
                return False
            last[0] = f"HTTP {resp.status} {resp.raw[:300]!r}"
            return resp.status == 200

        try:
            wait_until(healthy, timeout_s=self.config.startup_timeout_s, interval_s=0.2, what="GET /v1/health")
        except TimeoutError as exc:
            raise StackError(f"{exc} (last answer: {last[0]}); see {child.log}:\n{child.tail()}") from exc
        return url

    def _start_jobs(self, env: Mapping[str, str]) -> None:
        """Leave the API's environment for `fire`, and start the scheduler when asked."""
        env_file = self.config.data_dir / _ENV_FILE
        env_file.touch(mode=0o600)
        env_file.write_text(json.dumps(dict(env)), encoding="utf-8")
        if self.config.run_schedules:
            log = log_file(self.config.data_dir, "jobs")
            self.scheduler = JobScheduler(env, self.config.repo_dir, log, ZoneInfo(self.config.timezone))
            self.scheduler.start()

    def seed_once(self) -> None:
        """Seed demo data through the API unless this data dir was seeded already (stack must be running)."""
        assert self.urls is not None, "start the stack first"
        marker = self.config.data_dir / _SEED_MARKER
        if marker.exists():
            return
        zones_file = self.config.repo_dir / "tools" / "demo_zones.json"
        print(
            f"devstack: first start of {self.config.data_dir}: seeding demo data through the API at {self.urls.api} "
            f"(SIMPEG sync of {self.config.simpeg_size} employees, zones; this can take minutes)...",
            flush=True,
        )
        try:
            self.seed_report = seed_demo(self.urls.api, "admin", self.config.admin_password, zones_file)
        except (SeedError, TimeoutError, OSError, urllib3.exceptions.HTTPError) as exc:
            # The stack itself is fine: keep it running, say what is missing, try again next start.
            print(f"devstack: demo data NOT seeded ({exc}); will retry on the next start", file=sys.stderr)
            return
        # The marker is written only after seeding finished, so an interrupted seed is retried next start.
        marker.write_text(json.dumps(self.seed_report.as_dict(), indent=1), encoding="utf-8")

    def _write_pid_file(self) -> None:
        record = {
            "supervisor": [os.getpid(), _process_identity(os.getpid())],
            "children": {c.name: [c.pid, _process_identity(c.pid)] for c in self._children},
        }
        (self.config.data_dir / _PID_FILE).write_text(json.dumps(record), encoding="utf-8")


# -- helpers ---------------------------------------------------------------------------------------------------


def _base_env() -> dict[str, str]:
    """The caller's environment without AWS settings that could point a part at a real account."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _wait_for_port_line(child: _Child, pattern: re.Pattern[str], timeout_s: float) -> int:
    """The port a child reports on its output once it listens (it may have been started on port 0)."""
    found: list[int] = []

    def port_printed() -> bool:
        if not child.alive():
            raise StackError(f"{child.name} exited while starting, see {child.log}:\n{child.tail()}")
        found[:] = [int(m.group(1)) for line in child.output() if (m := pattern.search(line))]
        return bool(found)

    wait_until(port_printed, timeout_s=timeout_s, what=f"{child.name} to listen")
    return found[-1]


def _read_pid_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _process_identity(pid: int) -> float:
    """When `pid` started: with the pid it identifies one process even after pids are recycled.

    On Linux the start in clock ticks since boot (`/proc/<pid>/stat`), which no step of the wall clock moves.
    psutil's `create_time` adds a boot time derived from the wall clock, so a clock step (NTP, a resumed VM)
    between `make run` and `make stop` made a running stack look gone: `make stop` removed its pid file and
    left every part running on its ports. Elsewhere psutil's `create_time`.
    """
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        fields = stat.read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
        return float(fields[19])  # `starttime`, field 22 of proc(5); the fields after the name start at 3
    return float(psutil.Process(pid).create_time())


def _same_process(entry: object) -> int | None:
    """The pid of a pid-file entry `[pid, start_time]` if that very process is still alive."""
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    pid, started = entry
    try:
        alive = psutil.Process(int(pid))
        if alive.status() == psutil.STATUS_ZOMBIE or abs(_process_identity(alive.pid) - float(started)) > 0.01:
            return None
    except (psutil.NoSuchProcess, psutil.AccessDenied, OSError, IndexError, ValueError, TypeError):
        return None
    return int(pid)


def _refuse_if_running(data_dir: Path) -> None:
    record = _read_pid_file(data_dir / _PID_FILE)
    supervisor = _same_process(record.get("supervisor"))
    if supervisor is not None and supervisor != os.getpid():
        raise StackError(f"a stack already runs on {data_dir} (pid {supervisor}); stop it with `make stop`")
    _kill_orphans(record)


def _kill_orphans(record: Mapping[str, Any]) -> list[str]:
    """Stop children of a supervisor that died without cleaning up (each leads its own process group)."""
    killed = []
    for name, entry in dict(record.get("children", {})).items():
        pid = _same_process(entry)
        if pid is not None:
            _signal_group(pid, signal.SIGKILL)
            killed.append(name)
    return killed


# -- CLI -------------------------------------------------------------------------------------------------------


def _print_banner(stack: LocalStack, urls: StackUrls) -> None:
    restore = stack.restore_report
    lines = [
        "",
        "SMART local stack is running",
        f"  API          {urls.api}   (try {urls.api}/v1/health)",
        f"  employee app {urls.api}/app/",
        f"  admin        {urls.api}/admin/",
        f"  moto (AWS)   {urls.moto}   DynamoDB + S3, region {stack.config.region}",
        f"  SIMPEG sim   {urls.simpeg or 'not started (tools/simpeg_sim.py missing)'}",
        f"  data dir     {urls.data_dir}   (logs in {urls.data_dir / 'logs'})",
        f"  API log      {log_file(urls.data_dir, 'api')}   (one JSON object per line: a 'request' line",
        "               per request, errors, jobs; metric lines (CloudWatch EMF) carry an '_aws' key; try jq -c)",
        f"  admin login  username 'admin', password '{urls.admin_password}'  (as first created: a password changed",
        "               since in Akun Saya stays; an empty data dir starts afresh)",
    ]
    if restore is not None and (restore.snapshot_generation is not None or restore.replayed_requests):
        lines.append(
            f"  restored     {restore.items} items, {restore.objects} objects ({restore.snapshot_mb:.0f} MB "
            f"snapshot + {restore.replayed_requests} logged writes) in {restore.load_s + restore.replay_s:.1f}s"
        )
    if stack.seed_report is not None:
        lines.append(f"  demo data    {stack.seed_report.summary()}")
    if stack.scheduler is not None:
        fires = ", ".join(
            f"{name} {at.astimezone(ZoneInfo(stack.config.timezone)):%Y-%m-%d %H:%M}"
            for name, at in sorted(stack.scheduler.next_at.items())
        )
        lines.append(f"  jobs         next: {fires} ({stack.config.timezone}); log {log_file(urls.data_dir, 'jobs')}")
        lines.append("               fire one now: python -m tools.devstack fire daily-recap (or make fire JOB=...)")
    lines.append(f"  started in   {stack.timings.get('total_s', 0):.1f}s")
    lines.append("Stop with Ctrl-C here, or `make stop` (python -m tools.devstack stop) from another terminal.")
    print("\n".join(lines), flush=True)


def _run(config: StackConfig) -> int:
    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Explicit: a shell starts background jobs with SIGINT ignored, and Python then installs no handler.
    signal.signal(signal.SIGINT, on_term)
    stack = LocalStack(config)
    try:
        urls = stack.start()
        _print_banner(stack, urls)
        while not (dead := stack.dead_children()):
            time.sleep(1.0)
        print(f"devstack: {', '.join(dead)} exited unexpectedly; stopping the rest", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndevstack: stopping...", flush=True)
        return 0
    except (StackError, TimeoutError) as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        print("devstack: stopped", flush=True)


def _stop(config: StackConfig) -> int:
    pid_file = config.data_dir / _PID_FILE
    record = _read_pid_file(pid_file)
    supervisor = _same_process(record.get("supervisor"))
    if supervisor is not None:
        os.kill(supervisor, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            wait_until(
                lambda: _same_process(record["supervisor"]) is None,
                timeout_s=_MOTO_STOP_GRACE_S + 3 * _STOP_GRACE_S,
                what="the stack to stop",
            )
        print(f"devstack: stopped the stack of {config.data_dir}")
    else:
        print(f"devstack: no running stack on {config.data_dir}")
    orphans = _kill_orphans(record)
    if orphans:
        print(f"devstack: killed leftover {', '.join(orphans)}")
    pid_file.unlink(missing_ok=True)
    return 0


def _fire(config: StackConfig, job: str | None) -> int:
    """Run one scheduled job now, in its own process with the running stack's environment; its output here."""
    if not job:
        print(
            "devstack: name the job: python -m tools.devstack fire"
            " daily-recap|day-before-recap|simpeg-sync|face-retention|day-off-watch",
            file=sys.stderr,
        )
        return 2
    name = job_name(job)
    record = _read_pid_file(config.data_dir / _PID_FILE)
    env_file = config.data_dir / _ENV_FILE
    if _same_process(record.get("supervisor")) is None or not env_file.exists():
        print(f"devstack: no running stack on {config.data_dir}; start it with `make run`", file=sys.stderr)
        return 1
    env = json.loads(env_file.read_text(encoding="utf-8"))
    print(f"devstack: firing {name} against the stack of {config.data_dir}", flush=True)
    return subprocess.run(fire_argv(name, "manual"), cwd=config.repo_dir, env=env, check=False).returncode


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m tools.devstack {run,stop,fire JOB}`."""
    parser = argparse.ArgumentParser(prog="python -m tools.devstack", description="SMART local stack")
    parser.add_argument("command", choices=["run", "stop", "fire"])
    parser.add_argument(
        "job", nargs="?", help="fire: daily-recap, day-before-recap, simpeg-sync, face-retention or day-off-watch"
    )
    args = parser.parse_args(argv)
    config = StackConfig.from_env(os.environ)
    if args.command == "fire":
        return _fire(config, args.job)
    return _run(config) if args.command == "run" else _stop(config)


if __name__ == "__main__":
    sys.exit(main())
