"""Where a check-in's cost goes: storage calls by operation and table, and the API's CPU by function.

Why: the morning rush on the local stack costs ~0.11 API CPU-s and ~0.08 moto CPU-s per RECORDED check-in,
twice and four times what refused-early check-ins cost (bench/LOAD_RESULTS.md). This tells which storage
calls and which code make up that cost.

How: a stack of its own (as `bench.load_checkin --start`, one API worker: only the set-up's SIMPEG import and
zones go through it) and N phones prepared as `--fast-setup` prepares them. Their check-ins (challenge +
POST /v1/attendance, the same bodies the load tool sends) are then played IN THIS PROCESS through the Chalice
app (chalice.test.Client) against the stack's moto server, one after the other:

1. a few warm-up check-ins (models loaded, caches filled), not counted;
2. half of the rest measured: every botocore call counted by operation and table or bucket (the items of a
   TransactWriteItems and the tables of a BatchGetItem one by one), this process's CPU and moto's CPU;
3. the other half under cProfile timed by this process's CPU (waiting for moto does not count): the
   functions with the most CPU, cumulative and own;
4. the measured half again (those whose identity has a third photo), checking out with that photo: the same
   counts for a check-in that is not the employee's first (its replay lookup has nothing left to fold).

  SMART_LIVENESS=off python -m bench.checkin_profile --phones 120
  python -m bench.checkin_profile --phones 120 --pstats /tmp/checkin.pstats   # liveness as configured

Liveness follows the environment, as the stack's API does (SMART_LIVENESS=off to leave it out).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from unittest.mock import patch

import psutil
from botocore.client import BaseClient

from bench.load_checkin import (
    DEFAULT_FACES,
    Answer,
    CpuMeter,
    LoadConfig,
    Phone,
    PhoneResult,
    RetryPolicy,
    check_in,
    own_stack,
    set_up,
    stack_env,
)
from chalicelib import runtime
from chalicelib.settings import load_settings
from chalicelib.store.aws import reset_clients

WARM_UP = 5
_API_CALL = "_make_api_call"  # what every botocore client request goes through (pynamodb's and boto3's)


# --- counting storage calls ------------------------------------------------------------------------------


def _targets(operation: str, params: dict[str, Any]) -> list[str]:
    """`operation table` (or bucket) for each thing one botocore call touches: a transaction's items one by one."""
    if operation == "TransactWriteItems":
        return [
            f"Transact.{kind} {body.get('TableName', '?')}"
            for item in params.get("TransactItems", [])
            for kind, body in item.items()
        ]
    if operation == "BatchGetItem":
        return [f"BatchGetItem {table}" for table in params.get("RequestItems", {})]
    return [f"{operation} {params.get('TableName') or params.get('Bucket') or ''}".rstrip()]


class CallCounter:
    """Every botocore API call of this process while `installed`, by operation and table (or bucket)."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()  # botocore requests (a transaction is one)
        self._lock = threading.Lock()

    @contextmanager
    def installed(self) -> Iterator[None]:
        original = getattr(BaseClient, _API_CALL)
        counter = self

        def counted(client: Any, operation: str, params: dict[str, Any]) -> Any:
            with counter._lock:
                counter.requests[operation] += 1
                counter.calls.update(_targets(operation, params))
            return original(client, operation, params)

        with patch.object(BaseClient, _API_CALL, counted):
            yield


# --- the app in this process ----------------------------------------------------------------------------


class InProcessHttp:
    """`bench.load_checkin.Http`'s `once`, answered by the Chalice app in this process (no socket, no worker)."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def once(self, method: str, path: str, body: Any = None, token: str | None = None) -> Answer:
        headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else b""
        response = self._client.http.request(method=method, path=path, headers=headers, body=data)
        decoded = json.loads(response.body) if response.body else None
        return Answer(response.status_code, decoded, str(response.status_code))


@contextmanager
def app_in_process(env: dict[str, str]) -> Iterator[InProcessHttp]:
    """This process configured as the stack's API (its environment, fresh settings and runtime, the `local`
    stage of .chalice/config.json as `chalice local` runs it); the app's log and metric lines are written,
    to /dev/null."""
    from chalice.test import Client

    from app import app

    saved = dict(os.environ)
    os.environ.update(env)
    load_settings.cache_clear()
    reset_clients()
    runtime.forget()
    try:
        with open(os.devnull, "w") as sink, redirect_stdout(sink), Client(app, stage_name="local") as client:
            yield InProcessHttp(client)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        load_settings.cache_clear()
        reset_clients()
        runtime.forget()


# --- the run ---------------------------------------------------------------------------------------------


@dataclass
class Round:
    """Check-ins played without the profiler: what they asked of storage and the CPU they cost."""

    check_ins: int
    outcomes: dict[str, int]
    calls_per_checkin: dict[str, float]
    requests_per_checkin: dict[str, float]
    cpu_s_per_checkin: dict[str, float]  # this process (the API's work) and moto


@dataclass
class Profile:
    first: Round  # each employee's first check-in (an arrival): its replay lookup folds the past months
    later: Round  # a check-out of the same employees, another photo: the steady state of a working day
    top_cumulative: str
    top_own: str


def _measure(phones: Sequence[Phone], play: Callable[[Phone], PhoneResult], moto_pid: int) -> Round:
    counter, meter, own_before = CallCounter(), CpuMeter({"moto": moto_pid}), _own_cpu_s()
    with counter.installed():
        results = [play(p) for p in phones]
    own, moto, n = _own_cpu_s() - own_before, meter.used().get("moto", 0.0), len(phones)
    return Round(
        check_ins=n,
        outcomes=dict(Counter(r.outcome for r in results)),
        calls_per_checkin={k: round(v / n, 2) for k, v in sorted(counter.calls.items())},
        requests_per_checkin={k: round(v / n, 2) for k, v in sorted(counter.requests.items())},
        cpu_s_per_checkin={"api (this process)": round(own / n, 4), "moto": round(moto / n, 4)},
    )


def profile(config: LoadConfig, top: int, pstats_path: Path | None, log: Callable[[str], None] = print) -> Profile:
    with own_stack(config.model_dir, None, api_workers=1) as stack:
        urls = stack.urls
        assert urls is not None
        config = replace(config, api_url=urls.api, moto_url=urls.moto)
        prepared = set_up(config, stack, log)
        phones, moto_pid = prepared.phones, stack.child_pid("moto")
        with app_in_process(stack_env(config, stack)) as http:
            policy = RetryPolicy(config.retry_cap_s, config.give_up_after_s)

            def arrive(phone: Phone) -> PhoneResult:
                return check_in(http, policy, prepared.photos, phone)  # type: ignore[arg-type]  # same `once`

            def leave(phone: Phone) -> PhoneResult:  # a third photo: the second one is the arrival's
                return check_in(http, policy, prepared.photos, phone, kind="out", shift=2)  # type: ignore[arg-type]

            warm, rest = phones[:WARM_UP], phones[WARM_UP:]
            measured, profiled = rest[: len(rest) // 2], rest[len(rest) // 2 :]
            for phone in warm:
                arrive(phone)
            first = _measure(measured, arrive, moto_pid)
            profiler = cProfile.Profile(time.process_time)  # CPU, not the wait on moto
            profiler.enable()
            for phone in profiled:
                arrive(phone)
            profiler.disable()
            later = _measure([p for p in measured if len(p.photos) >= 3], leave, moto_pid)
    stats = pstats.Stats(profiler)
    if pstats_path is not None:
        stats.dump_stats(str(pstats_path))
    return Profile(first, later, top_cumulative=_top(stats, "cumulative", top), top_own=_top(stats, "tottime", top))


def _own_cpu_s() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def _top(stats: pstats.Stats, key: str, top: int) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(key).print_stats(top)
    return out.getvalue()


def format_round(name: str, r: Round) -> list[str]:
    return [
        f"{name}: {r.check_ins} measured; answers: {r.outcomes}",
        f"  CPU-s per check-in: {r.cpu_s_per_checkin}",
        "  botocore requests per check-in (challenge + POST /v1/attendance):",
        *(f"    {k}: {v}" for k, v in r.requests_per_checkin.items()),
        "  storage calls per check-in by operation and table (transaction items one by one):",
        *(f"    {k}: {v}" for k, v in r.calls_per_checkin.items()),
    ]


def format_profile(p: Profile) -> str:
    lines = [
        *format_round("first check-in of each employee (arrival)", p.first),
        *format_round("later check-in of the same employees (check-out, another photo)", p.later),
        "cProfile of as many first check-ins, by cumulative time:",
        p.top_cumulative,
        "cProfile, by own time:",
        p.top_own,
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.checkin_profile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--phones", type=int, default=120)
    parser.add_argument("--top", type=int, default=40, help="functions listed per cProfile table")
    parser.add_argument("--pstats", type=Path, default=None, help="also keep the cProfile statistics here")
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.phones <= WARM_UP + 2:
        parser.error(f"--phones must be more than {WARM_UP + 2}")
    config = LoadConfig(phones=args.phones, fast_setup=True, faces_dir=args.faces.resolve(), model_dir=args.model_dir)
    began = time.monotonic()
    result = profile(config, args.top, args.pstats)
    print(format_profile(result))
    print(f"({time.monotonic() - began:.0f} s in all)")
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
