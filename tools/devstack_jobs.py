"""The scheduled jobs of the local stack: what EventBridge fires in AWS, fired by `make run` at the same local times.

The schedules are infra/schedules.py's `SCHEDULES` (the ones the deployed template gets, in the regency's local
time; app.py's UTC expressions are checked against them at build): daily recap 23:30, SIMPEG sync 01:00, face
retention 02:00, the day before recapped again 10:30, and the day-off watch every 5 minutes of 07:00-09:00 and
16:00-17:00, Monday to Friday. The stack's supervisor runs a `JobScheduler` thread that
starts, at each fire time, a process running the same job function a Lambda runs (`chalicelib.jobs.JOBS`) with the
API's environment; its output is appended to `<data dir>/logs/jobs.log`, and the run is recorded
(`GET /v1/admin/jobs`).

    python -m tools.devstack fire daily-recap       # fire one now, against the running stack (make fire JOB=...)
    python -m tools.devstack_jobs run daily_recap   # the process a fire starts (needs the API's environment)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from infra.schedules import SCHEDULES, LocalSchedule

Clock = Callable[[], datetime]


def job_name(name: str) -> str:
    """`daily-recap` or `daily_recap` -> `daily_recap`; SystemExit naming the jobs for anything else."""
    canonical = name.strip().replace("-", "_")
    known = [s.job_name for s in SCHEDULES]
    if canonical not in known:
        raise SystemExit(f"unknown job {name!r}; jobs: {', '.join(n.replace('_', '-') for n in known)}")
    return canonical


def next_fire(schedule: LocalSchedule, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant strictly after `after` at which the schedule fires (one of its local times in `zone`, on a
    day it runs), in UTC."""
    local = after.astimezone(zone)
    for days in range(8):  # a week holds a day every schedule runs on
        day = local.date() + timedelta(days=days)
        if not schedule.runs_on(day):
            continue
        for clock in schedule.local_times():
            at = datetime.combine(day, clock, tzinfo=zone)
            if at > local:
                return at.astimezone(UTC)
    raise ValueError(f"{schedule.job_name} never fires")


def fire_argv(job: str, trigger: str) -> list[str]:
    return [sys.executable, "-m", "tools.devstack_jobs", "run", job, "--trigger", trigger]


class JobScheduler:
    """Fires each schedule at its next local time by starting `fire_argv` with `env`; output to `log`."""

    def __init__(
        self,
        env: Mapping[str, str],
        cwd: Path,
        log: Path,
        zone: ZoneInfo,
        *,
        schedules: Sequence[LocalSchedule] = SCHEDULES,
        clock: Clock = lambda: datetime.now(UTC),
    ) -> None:
        self._env, self._cwd, self._log, self._zone, self._clock = dict(env), cwd, log, zone, clock
        now = clock()
        self.next_at = {s.job_name: next_fire(s, now, zone) for s in schedules}
        self._schedules = {s.job_name: s for s in schedules}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-scheduler", daemon=True)
        self._running: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        for proc in self._running:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=30)

    def due(self) -> list[str]:
        """Jobs whose time has come, each moved on to its next fire time."""
        now = self._clock()
        fired = [name for name, at in self.next_at.items() if at <= now]
        for name in fired:
            self.next_at[name] = next_fire(self._schedules[name], now, self._zone)
        return fired

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            self._running = [p for p in self._running if p.poll() is None]
            for name in self.due():
                self._running.append(self.fire(name, "schedule"))

    def fire(self, job: str, trigger: str) -> subprocess.Popen[bytes]:
        self._log.parent.mkdir(parents=True, exist_ok=True)
        with self._log.open("ab") as out:
            out.write(f"{datetime.now(UTC).isoformat()} firing {job} ({trigger})\n".encode())
            out.flush()
            return subprocess.Popen(
                fire_argv(job, trigger), cwd=self._cwd, env=self._env, stdout=out, stderr=subprocess.STDOUT
            )


def run_job(job: str, trigger: str) -> int:
    """Run one job in this process (the environment must be the API's) and print its result as JSON."""
    from chalicelib.jobs import JOBS

    result = JOBS[job_name(job)](trigger)
    print(json.dumps({"job": job_name(job), "trigger": trigger, "result": result}, default=str), flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.devstack_jobs", description="run one scheduled job")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("job")
    parser.add_argument("--trigger", choices=["schedule", "manual"], default="manual")
    args = parser.parse_args(argv)
    return run_job(args.job, args.trigger)


if __name__ == "__main__":
    sys.exit(main())
