"""Benchmark: daily recap, monthly report, monitor and SIMPEG sync of a 7,000-employee regency on the local stack.

Run on purpose (never part of the tests):
    .venv/bin/python -m bench.stack_bench [--employees 7000] [--only recap|monthly|monitor|simpeg] [--profile]
    (monthly: the JSON and XLSX reports, the XLSX through the report worker, and the JSON unit by unit as the
    console reads every unit, each in a child process)
moto's server (a real DynamoDB/S3 API over HTTP) runs as a child process on 127.0.0.1 and a free port and is
stopped at the end. The monthly report and the SIMPEG sync run in child processes of their own so that their
peak RSS is theirs alone (not the generator's). Targets (issues 6 and 7): daily recap ≤ 20 s; monthly report
≤ 60 s and ≤ 512 MB; monitor ≤ 300 ms p95; SIMPEG first sync ≤ 60 s, no-change ≤ 15 s, ≤ 256 MB.
Figures are printed; bench/STACK_RESULTS.md records measured runs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import stack_seed
from bench.stack_env import REPO_DIR, moto_server, prepare
from chalicelib.domain.people import Principal
from chalicelib.settings import Settings
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import exports, recaps, reports
from chalicelib.usecases.schemas.reports import MonitorQuery, MonthlyExportRequest, MonthlyQuery, MonthlyReport

PEOPLE = DynamoPeopleRepository()

T = TypeVar("T")
MONTH = "2026-10"
SUPER_ADMIN = Principal("bench", "super_admin")
SIMPEG_PREFIX = "bench-simpeg-"
SIMPEG_KEY = "local-simpeg-key"
MONITOR_CALLS = 50
PHASES = ("recap", "monthly", "monitor", "simpeg")
_profile = {"on": False}


def peak_rss_mb() -> float:
    """This process's own peak RSS. VmHWM, not ru_maxrss: on Linux a child's ru_maxrss starts at its parent's
    RSS when it was spawned, so a child started by a 140 MB parent could never report less than 140 MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


@contextmanager
def profiled(label: str) -> Iterator[None]:
    """With --profile: the calls that dominate a phase, by cumulative time (the project's and boto's)."""
    if not _profile["on"]:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
            r"chalicelib|pynamodb|botocore|urllib3", 25
        )
        print(f"--- profile of {label} ---\n{out.getvalue()}")


def cpu_seconds() -> float:
    """CPU time of this process (user + system): the client's own work, whatever the machine's load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, call: Callable[[], T]) -> tuple[T, float]:
    """Run `call`, print its wall time, this process's CPU time during it, the load and the peak RSS."""
    with profiled(label):
        began, cpu = time.perf_counter(), cpu_seconds()
        value = call()
        elapsed, used = time.perf_counter() - began, cpu_seconds() - cpu
    print(
        f"{label:<44} {elapsed:8.2f} s  (client cpu {used:6.2f} s)   load {load_average()}   "
        f"peak rss {peak_rss_mb():6.1f} MB",
        flush=True,
    )
    return value, elapsed


def probe_latency(unit_id: str, calls: int = 30) -> None:
    """Round trip of one small GetItem on this stack: the floor under every request of the phases."""
    samples = []
    for _ in range(calls):
        began = time.perf_counter()
        PEOPLE.get_unit(unit_id)
        samples.append((time.perf_counter() - began) * 1000)
    print(f"GetItem round trip ({calls} calls): median {statistics.median(samples):.1f} ms, "
          f"max {max(samples):.1f} ms   load {load_average()}")  # fmt: skip


# --- phases in this process --------------------------------------------------------------------------


def seed(
    settings: Settings, employees: int, seed_value: int, day_limit: int | None, statuses_only: bool
) -> stack_seed.Month:
    month = stack_seed.generate(employees, MONTH, seed_value, day_limit)
    sizes = sorted((len(u.nips) for u in month.units), reverse=True)
    print(f"regency: {month.employees} employees in {len(month.units)} units (largest {sizes[:5]}, smallest "
          f"{sizes[-3:]}), {len(month.working_days)} weekdays of {MONTH}, holiday {month.holiday}, "
          f"{len(month.leave_days)} employees with leave")  # fmt: skip
    timed("load units + employees (batch writes)", lambda: stack_seed.write_people(month))
    timed("load holiday + leaves", lambda: stack_seed.write_calendar(month))
    probe_latency(month.units[0].unor_id)
    if statuses_only:
        return month
    count, _ = timed("load events (batch writes, 4 threads)", lambda: stack_seed.write_events(month, seed_value))
    print(f"events written: {count}")
    return month


def recap_phase(settings: Settings, month: stack_seed.Month) -> None:
    day = month.working_days[min(1, len(month.working_days) - 1)]
    first, _ = timed(f"daily recap {day} (first run)", lambda: recaps.run_daily_recap(day, settings))
    print(f"  {first.model_dump()}")
    again, _ = timed(f"daily recap {day} (re-run, nothing changed)", lambda: recaps.run_daily_recap(day, settings))
    print(f"  {again.model_dump()}")


def all_recaps(settings: Settings, month: stack_seed.Month) -> None:
    def run() -> int:
        return sum(recaps.run_daily_recap(d, settings).written for d in month.working_days)

    written, _ = timed(f"daily recap of all {len(month.working_days)} weekdays", run)
    print(f"  statuses written: {written}")


def seeded_statuses(month: stack_seed.Month, seed_value: int) -> None:
    label = f"classify in-process + save_day, {len(month.working_days)} days"
    written, _ = timed(label, lambda: stack_seed.write_statuses(month, seed_value))
    print(f"  statuses written: {written}")


def monitor_phase(settings: Settings, month: stack_seed.Month, calls: int) -> None:
    unit = month.largest_unit()
    day = month.working_days[min(5, len(month.working_days) - 1)]
    now = datetime.combine(day, datetime.min.time()).replace(hour=9, tzinfo=stack_seed.WIB)
    samples = []
    with profiled("monitor"):
        for _ in range(calls):
            began = time.perf_counter()
            answer = reports.monitor(SUPER_ADMIN, MonitorQuery(date=day, unor_id=unit.unor_id), settings, now)
            samples.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    print(f"monitor {unit.unor_id} ({len(unit.nips)} employees) {day}, {calls} calls: p50 {cuts[49]:.0f} ms, "
          f"p95 {cuts[94]:.0f} ms, max {max(samples):.0f} ms   load {load_average()}")  # fmt: skip
    print(f"  counts {answer.counts}")


# --- phases in child processes (clean peak RSS) ------------------------------------------------------


def run_child(kind: str, endpoint: str, extra: list[str] | None = None) -> dict[str, Any]:
    """Run `--child kind` in a fresh interpreter; its output is shown, its last line is its JSON result."""
    command = [sys.executable, "-m", "bench.stack_bench", "--child", kind, "--endpoint", endpoint, *(extra or [])]
    if _profile["on"]:
        command.append("--profile")
    done = subprocess.run(command, cwd=REPO_DIR, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"  [{kind}] {line}")
    if done.returncode != 0 or not lines:
        print(done.stderr[-4000:])
        raise RuntimeError(f"child {kind} failed with code {done.returncode}")
    result: dict[str, Any] = json.loads(lines[-1])
    print(f"  [{kind}] {result}")
    return result


def child_monthly(endpoint: str, fmt: str) -> dict[str, Any]:
    settings = prepare(endpoint)
    answer, elapsed = timed(
        f"monthly report {MONTH} {fmt}",
        lambda: reports.monthly(SUPER_ADMIN, MonthlyQuery(month=MONTH, format=fmt), settings, datetime.now(UTC)),
    )
    items = len(answer.items) if isinstance(answer, MonthlyReport) else 0
    return {"format": fmt, "seconds": round(elapsed, 2), "peak_rss_mb": round(peak_rss_mb(), 1), "items": items}


def child_units(endpoint: str) -> dict[str, Any]:
    """The console's table of every unit: each unit's JSON report, four at a time (as the console asks them)."""
    from concurrent.futures import ThreadPoolExecutor

    settings = prepare(endpoint)
    units = DynamoPeopleRepository().list_unit_ids()

    def one(unit: str) -> float:
        began = time.perf_counter()
        reports.monthly(SUPER_ADMIN, MonthlyQuery(month=MONTH, unor_id=unit), settings, datetime.now(UTC))
        return time.perf_counter() - began

    with ThreadPoolExecutor(max_workers=4) as pool:
        each, elapsed = timed(f"monthly report {MONTH} json, unit by unit", lambda: list(pool.map(one, units)))
    slowest = max(each)
    print(f"{len(units)} units, slowest request {slowest:.2f} s, median {sorted(each)[len(each) // 2]:.2f} s")
    return {"units": len(units), "seconds": round(elapsed, 2), "slowest_request_s": round(slowest, 2)}


def child_export(endpoint: str) -> dict[str, Any]:
    """The regency's XLSX through the report worker (a thread here, as in `make run`): how soon the request that
    starts it answers, and how long until the file is stored (polled as the console polls, without its pause)."""
    settings = prepare(endpoint)
    body = MonthlyExportRequest.model_validate({"month": MONTH, "format": "xlsx"})
    began = time.perf_counter()
    started = exports.start(SUPER_ADMIN, body, settings, datetime.now(UTC))
    answered_ms = (time.perf_counter() - began) * 1000
    state = started
    while state.status == "running":
        time.sleep(0.2)
        state = exports.status(SUPER_ADMIN, started.export_id, settings, datetime.now(UTC))
    built_s = time.perf_counter() - began
    label = f"monthly export {MONTH} xlsx"
    print(f"{label:<40} answered in {answered_ms:.0f} ms, {state.status} after {built_s:.2f} s")
    return {"status": state.status, "answered_ms": round(answered_ms, 1), "built_s": round(built_s, 2),
            "peak_rss_mb": round(peak_rss_mb(), 1)}  # fmt: skip


def child_simpeg(endpoint: str, sim_url: str) -> dict[str, Any]:
    from chalicelib.usecases import simpeg  # imported here: the recap children never need the SIMPEG client

    os.environ["SMART_SIMPEG_URL"] = sim_url
    os.environ["SMART_SIMPEG_API_KEY"] = SIMPEG_KEY
    settings = prepare(endpoint, SIMPEG_PREFIX)
    first, first_s = timed("SIMPEG sync, first run", lambda: simpeg.scheduled_sync(settings))
    print(f"status {first.status} counts {first.counts.to_dict()}")
    second, second_s = timed("SIMPEG sync, no-change run", lambda: simpeg.scheduled_sync(settings))
    print(f"status {second.status} counts {second.counts.to_dict()}")
    return {"first_s": round(first_s, 2), "no_change_s": round(second_s, 2), "peak_rss_mb": round(peak_rss_mb(), 1)}


def simpeg_phase(endpoint: str, employees: int) -> None:
    from tools import simpeg_sim

    server, sim_url = simpeg_sim.start_in_thread(port=0, size=employees, seed=1)
    try:
        run_child("simpeg", endpoint, ["--sim-url", sim_url])
    finally:
        simpeg_sim.stop(server)


# --- entry point -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=7000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=PHASES, action="append", help="repeatable; default: every phase")
    parser.add_argument("--days", type=int, help="load and recap only the first N weekdays (default: all 22)")
    parser.add_argument("--monitor-calls", type=int, default=MONITOR_CALLS)
    parser.add_argument(
        "--statuses-only",
        action="store_true",
        help="monthly only: store statuses classified in-process instead of loading events and recapping on moto",
    )
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of each phase")
    parser.add_argument(
        "--child",
        choices=("monthly-json", "monthly-xlsx", "monthly-export", "monthly-units", "simpeg"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    parser.add_argument("--sim-url", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def child_main(args: argparse.Namespace) -> None:
    if args.child == "simpeg":
        result = child_simpeg(args.endpoint, args.sim_url)
    elif args.child == "monthly-export":
        result = child_export(args.endpoint)
    elif args.child == "monthly-units":
        result = child_units(args.endpoint)
    else:
        result = child_monthly(args.endpoint, args.child.removeprefix("monthly-"))
    print(json.dumps(result))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    _profile["on"] = args.profile
    if args.child:
        child_main(args)
        return
    wanted = set(args.only or PHASES)
    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}  cpus={os.cpu_count()}  load {load_average()}  "
          f"employees={args.employees} days={args.days or 'all'} seed={args.seed} phases={sorted(wanted)}")  # fmt: skip
    with moto_server() as (endpoint, pid):
        print(f"moto server pid {pid} at {endpoint}")
        settings = prepare(endpoint)
        month = (
            seed(settings, args.employees, args.seed, args.days, args.statuses_only) if wanted - {"simpeg"} else None
        )
        if month is not None and "recap" in wanted and not args.statuses_only:
            recap_phase(settings, month)
        if month is not None and "monthly" in wanted:
            if args.statuses_only:
                seeded_statuses(month, args.seed)
            else:
                all_recaps(settings, month)
            run_child("monthly-json", endpoint)
            run_child("monthly-xlsx", endpoint)
            run_child("monthly-export", endpoint)
            run_child("monthly-units", endpoint)
        if month is not None and "monitor" in wanted and not args.statuses_only:
            monitor_phase(settings, month, args.monitor_calls)
        if "simpeg" in wanted:
            simpeg_phase(endpoint, args.employees)
    print(f"moto server stopped; finished {date.today()} load {load_average()}")


if __name__ == "__main__":
    main()
