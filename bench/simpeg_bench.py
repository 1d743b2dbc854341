"""Benchmark: full SIMPEG sync of a regency-sized upstream through the in-memory repository.

Run on purpose (never part of the tests):  .venv/bin/python -m bench.simpeg_bench [--size 7000]
The simulator runs as a separate process so the memory figure is the sync's own (client + plan + store).
Targets from the brief: first run ≤ 60 s, no-change run ≤ 15 s, ≤ 256 MB. The lead re-runs it against the
DynamoDB repository by swapping `Stores`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil
import urllib3

from chalicelib.simpeg import (
    ApiKeyAuth,
    ClientConfig,
    InMemoryEmployeeRepository,
    InMemoryRunLog,
    SimpegClient,
    Stores,
    SyncRun,
    Trigger,
    default_mapping,
    run_sync,
)

REPO_DIR = Path(__file__).resolve().parents[1]


def start_simulator(size: int, seed: int) -> tuple[subprocess.Popen[str], str]:
    """The simulator in its own process on a free port; returns (process, base_url)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.simpeg_sim", "--port", "0", "--size", str(size), "--seed", str(seed)],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # "simpeg_sim listening on http://127.0.0.1:PORT (...)"
    return process, line.split()[3]


def timed_sync(client: SimpegClient, stores: Stores, label: str) -> SyncRun:
    """One sync, printing its wall time, counts and the process memory."""
    began = time.perf_counter()
    run = run_sync(client, stores, trigger=Trigger("admin", "bench"))
    elapsed = time.perf_counter() - began
    rss_mb = psutil.Process().memory_info().rss / 2**20
    counts = {k: v for k, v in run.counts.to_dict().items() if v}
    print(f"{label:<22} {elapsed:7.2f} s   status={run.status}   rss={rss_mb:6.1f} MB   {counts}")
    return run


def control(base_url: str, **command: object) -> None:
    """Change the simulated upstream."""
    urllib3.request("POST", f"{base_url}/_control", body=json.dumps(command).encode())


def main() -> None:
    """Start the simulator, run first / no-change / some-changes syncs, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=7000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    process, base_url = start_simulator(args.size, args.seed)
    try:
        config = ClientConfig(base_url, ApiKeyAuth("local-simpeg-key"), default_mapping())
        client = SimpegClient(config)
        stores = Stores(InMemoryEmployeeRepository(), InMemoryRunLog())
        print(f"size={args.size} page_size={config.mapping.listing.page_size} upstream={base_url}")
        timed_sync(client, stores, "first run")
        timed_sync(client, stores, "no-change run")
        control(base_url, action="hire", count=50)
        control(base_url, action="transfer", count=50)
        control(base_url, action="retire", count=20, mode="status")
        timed_sync(client, stores, "120 changes run")
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"peak rss of the sync process: {peak_mb:.1f} MB")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
