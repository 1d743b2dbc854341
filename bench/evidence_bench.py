"""Benchmark: what recording the photo links of a list (decision 115) adds to the review queue, on the local stack.

Run on purpose (never part of the tests):
    .venv/bin/python -m bench.evidence_bench [--reviews 100] [--calls 20]
moto's server runs as a child process on 127.0.0.1 and a free port and is stopped at the end.

One unit with `--reviews` pending reviews, each of another employee, each with its selfie (a page of the queue
at most: 100). `reviews.list_reviews` is called `--calls` times as a super admin (one audit entry per employee
and call), then `disclosure.record_links` alone for the same employees as many times: the second is what the
first pays for the record. Wall times; figures are printed, bench/evidence_RESULTS.md records measured runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bench.stack_env import moto_server, prepare
from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.audit import VIEW_PHOTOS
from chalicelib.domain.people import Employee, Principal
from chalicelib.settings import Settings
from chalicelib.store.base import iso
from chalicelib.store.events import CheckinWrite, StoredAnswer, new_event_id
from chalicelib.usecases import disclosure, reviews
from chalicelib.usecases.schemas.reports import ReviewsQuery

SUPER_ADMIN = Principal("bench", "super_admin")
UNIT = "BENCH-U1"
AT = datetime(2026, 10, 15, 0, 30, tzinfo=UTC)


def seed(count: int) -> list[str]:
    """`count` employees of UNIT, each with one pending review carrying a selfie key; their NIPs."""
    people, events = runtime.people(), runtime.events()
    people.upsert_unit(UNIT, "Unit benchmark")
    nips = [f"19850101201001{i:04d}" for i in range(count)]
    for i, nip in enumerate(nips):
        people.put_employee(Employee(nip=nip, nama=f"Pegawai {i}", unor_id=UNIT))
        at = AT + timedelta(seconds=i)
        event = Event(
            new_event_id(nip, at), nip, "in", "review", iso(at), iso(at), "2026-10-15", UNIT,
            warnings=("OFFLINE_CAPTURE",), photo_key=f"photos/checkin/2026-10-15/{nip}/bench.jpg",
        )  # fmt: skip
        events.write_checkin(CheckinWrite(event, f"{nip}#bench", "body", StoredAnswer(201, {}), at))
    return nips


def timed(work: Callable[[], object], calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return times


def cuts(times: list[float]) -> str:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    return f"p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {max(times):.0f} ms"


def run(settings: Settings, args: argparse.Namespace) -> None:
    nips = seed(args.reviews)
    page = reviews.list_reviews(SUPER_ADMIN, ReviewsQuery(), settings)
    assert len(page.items) == args.reviews, len(page.items)
    listing = timed(lambda: reviews.list_reviews(SUPER_ADMIN, ReviewsQuery(), settings), args.calls)
    recording = timed(lambda: disclosure.record_links(SUPER_ADMIN, VIEW_PHOTOS, "bench", nips, settings), args.calls)
    print(f"review queue, {args.reviews} reviews of as many employees, {args.calls} calls: {cuts(listing)}")
    print(f"  of which recording their {args.reviews} photo links alone: {cuts(recording)}")
    print(f"  load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    with moto_server() as (endpoint, _):
        run(prepare(endpoint), args)


if __name__ == "__main__":
    main()
