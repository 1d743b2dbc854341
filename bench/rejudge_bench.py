"""Benchmark: a fingerprint machine's month imported after its days were recapped, on the local stack.

Run on purpose (never part of the tests):
    .venv/bin/python -m bench.rejudge_bench [--employees 150] [--month 2026-10]
moto's server (a real DynamoDB/S3 API over HTTP, with tools.moto_scaling) runs as a child process. One unit of
`--employees` is recapped on every weekday of the month (all TK: nobody checked in by app), then the machine's
log of that month (tools/attlog_sample: ~95 % present, 5 % repeated presses) is imported through the use case
as the unit's admin: the request re-runs the recapped days within itself (usecases/rejudge.py, at most
SYNC_UNIT_DAYS unit-days judging at most SYNC_EMPLOYEE_DAYS employees; more are handed to the report worker, a
thread here), so its duration is what API Gateway's 29 s must hold. Then the same file again
(nothing new, every day re-run, nothing written). Figures are printed; bench/rollout_RESULTS.md records runs.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TypeVar

from bench.stack_env import moto_server, prepare
from chalicelib import runtime
from chalicelib.domain.people import Employee, Principal
from chalicelib.store.people import DynamoPeopleRepository
from chalicelib.usecases import fingerprint, recaps, rejudge
from chalicelib.usecases.schemas.rollout import ImportQuery, ImportResult
from tools.attlog_sample import generate, working_days

T = TypeVar("T")
UNIT = "U-BENCH"
ADMIN = Principal("ops-bench", "unit_admin", frozenset({UNIT}))


def timed(label: str, action: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - began
    print(f"{label:<60} {elapsed:8.2f} s   load {os.getloadavg()[0]:.2f}", flush=True)
    return result, elapsed


def settled() -> None:
    """Wait until no re-judge run of the report worker is running."""
    while any(run.status == "running" for run in runtime.job_runs().recent_runs([rejudge.JOB], 50)):
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=150)
    parser.add_argument("--month", default="2026-10")
    args = parser.parse_args()
    first = date.fromisoformat(f"{args.month}-01")
    days = [d for d in working_days(first, 31) if d.month == first.month]
    nips = [f"19800101200501{n:04d}" for n in range(args.employees)]
    print(
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S %Z}  cpus={os.cpu_count()}  one unit of {len(nips)} "
        f"employees, {len(days)} weekdays of {args.month}, sync limit {rejudge.SYNC_UNIT_DAYS} unit-days, "
        f"{rejudge.SYNC_EMPLOYEE_DAYS} employee-days"
    )
    with moto_server() as (endpoint, _):
        settings = prepare(endpoint)
        people = DynamoPeopleRepository()
        people.upsert_unit(UNIT, "SDN Bench")
        for nip in nips:
            people.put_employee(Employee(nip=nip, nama=f"Pegawai {nip[-4:]}", unor_id=UNIT))
        timed(
            f"daily recap of the unit, {len(days)} days",
            lambda: [recaps.run_daily_recap(d, settings, [UNIT]) for d in days],
        )
        sample = generate(nips, first, 31, seed=1)
        print(f"machine log: {sum(len(p) for p in sample.punches.values())} punches + {sample.repeats} repeats, "
              f"{len(sample.data):,} bytes")  # fmt: skip
        now = datetime.now(UTC)

        def run() -> ImportResult:
            return fingerprint.import_punches(
                ADMIN, sample.data, "text/plain", ImportQuery(), settings=settings, now=now
            )

        for label in ("import the month (new punches, recapped days re-run)",
                      "import the same month again (nothing new, days re-run)"):  # fmt: skip
            answer, _ = timed(label, run)
            print(f"  imported {answer.imported}, duplicates {answer.duplicates}, recapped {len(answer.recapped)} "
                  f"dates, handed over {answer.recapping} unit-days")  # fmt: skip
            if answer.recapping:
                timed("  ... until the report worker's runs (threads here) finished", settled)
        timed(
            f"re-run the {len(days)} recapped days alone (the unit's daily recap of each)",
            lambda: [recaps.run_daily_recap(d, settings, [UNIT]) for d in days],
        )
        one = days[len(days) // 2]
        timed(
            f"daily recap of the unit on {one} alone (re-run, nothing changed)",
            lambda: recaps.run_daily_recap(one, settings, [UNIT]),
        )
    print(f"finished {datetime.now().astimezone():%H:%M:%S %Z}")


if __name__ == "__main__":
    main()
