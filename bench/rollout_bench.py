"""Benchmark of the rollout: the adoption report for a regency's month, and fingerprint imports.

Run on purpose (never part of the tests), DynamoDB and S3 from moto in-process (as the functional tests):
    .venv/bin/python bench/rollout_bench.py [--units 63] [--employees 7000] [--month 2026-11] [--machine 300]
Seeds units, employees (60 % activated, 45 % enrolled) and a month of events written directly (a third of the
units by app, a third by fingerprint, a third both), then times the adoption report (JSON and XLSX) through the
use case as a super admin, printing the DynamoDB requests each step made; then parses a year's ATTLOG of a
`--machine`-person machine and imports a month of it through the use case (twice: the second is the idempotent
re-import; `--no-import` leaves that part out).

The events are written without their unit-day digests (as events recorded before digests were kept): the first
report rebuilds every unit-day's digest from its events (once after a deployment; moto makes this slow: it
re-indexes the whole table after every write), the second reads digests alone (every later report). With
`--seed-digests` every unit-day's digest is written with the events, as a first report leaves it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from botocore.client import BaseClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import timed

WIB_OFFSET = timedelta(hours=7)
JAKARTA = ZoneInfo("Asia/Jakarta")
T = TypeVar("T")
_API_CALL = "_make_api_call"  # what every botocore client request goes through (pynamodb's and boto3's)


@contextmanager
def dynamodb_requests() -> Iterator[Counter[str]]:
    """The DynamoDB requests made meanwhile, from every thread, by operation."""
    seen, lock, real = Counter[str](), threading.Lock(), getattr(BaseClient, _API_CALL)

    def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            with lock:
                seen[operation] += 1
        return real(client, operation, params)

    setattr(BaseClient, _API_CALL, counting)
    try:
        yield seen
    finally:
        setattr(BaseClient, _API_CALL, real)


def timed_requests(label: str, action: Callable[[], T]) -> T:
    """`timed`, then the DynamoDB requests the step made."""
    with dynamodb_requests() as seen:
        result = timed(label, action)
    print("  DynamoDB requests: " + ", ".join(f"{op} {n:,}" for op, n in sorted(seen.items())), flush=True)
    return result


def nip_of(number: int) -> str:
    return f"19800101200501{number:04d}"


def seed(
    units: int, employees: int, month_days: list[date], rng: random.Random, *, face_model: str, digests: bool = False
) -> None:
    """`digests`: also write each unit-day's digest as the write paths and a first report leave it (complete,
    and an empty one for a day without events). `face_model`: the models an enrolled employee's face was made by
    (the policy's, so that the adoption report counts them enrolled)."""
    from chalicelib.domain.people import Employee
    from chalicelib.store.events import new_event_id, punch_event_id
    from chalicelib.store.models import EmployeeModel, EventModel
    from chalicelib.store.people import DynamoPeopleRepository

    people = DynamoPeopleRepository()
    for u in range(units):
        people.upsert_unit(f"U{u:02d}", f"Unit {u:02d}")
    with EmployeeModel.batch_write() as batch:
        for n in range(employees):
            e = Employee(nip=nip_of(n), nama=f"Pegawai {n}", unor_id=f"U{n % units:02d}")
            model = EmployeeModel(e.nip, nama=e.nama, unor_id=e.unor_id, active=True)
            if rng.random() < 0.6:
                model.device_id = f"android-{n:08d}"
            if rng.random() < 0.45:
                model.template_count, model.face_model = 1, face_model
            batch.save(model)
    tokens: dict[tuple[str, str], set[str]] = {}
    with EventModel.batch_write() as batch:
        for n in range(employees):
            unit = n % units
            source = ("app", "fingerprint", "both")[unit * 3 // units]
            for day in month_days:
                if day.weekday() >= 5 or rng.random() < 0.05:
                    continue
                for kind, hh in (("in", 7), ("out", 16)):
                    at = datetime.combine(day, clock(hh, rng.randint(0, 59))) - WIB_OFFSET
                    at = at.replace(tzinfo=UTC)
                    fingerprint = source == "fingerprint" or (source == "both" and kind == "out")
                    event_id = punch_event_id(nip_of(n), at) if fingerprint else new_event_id(nip_of(n), at)
                    batch.save(
                        EventModel(
                            nip_of(n),
                            f"E#{at.isoformat(timespec='seconds')}#{event_id[-8:]}",
                            event_id=event_id,
                            type=kind,
                            status="accepted",
                            attendance_time=at.isoformat(timespec="seconds"),
                            local_date=day.isoformat(),
                            unor_id=f"U{unit:02d}",
                            unit_date=f"U{unit:02d}#{day.isoformat()}",
                            source="fingerprint" if fingerprint else None,
                        )
                    )
                    if digests:
                        tokens.setdefault((f"U{unit:02d}", day.isoformat()), set()).add(
                            digest_token(event_id, kind, at, fingerprint)
                        )
    if digests:
        from chalicelib.store.events import REBUILT_MARK, digest_keys

        with EventModel.batch_write() as batch:  # days without events too: as a first report leaves them
            for unit in range(units):
                for day in month_days:
                    marked = {*tokens.get((f"U{unit:02d}", day.isoformat()), ()), REBUILT_MARK}
                    batch.save(
                        EventModel(*digest_keys(f"U{unit:02d}", day.isoformat()), day_events=marked, day_version=1)
                    )


def digest_token(event_id: str, kind: str, at: datetime, fingerprint: bool) -> str:
    """The token the check-in (or the punch import) adds to its unit-day's digest."""
    from chalicelib.domain.attendance import Event
    from chalicelib.store.events import day_token

    source = "fingerprint" if fingerprint else None
    return day_token(Event(event_id, event_id[:18], kind, "accepted", at.isoformat(), None, None, None, source=source))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=63)
    parser.add_argument("--employees", type=int, default=7000)
    parser.add_argument("--month", default="2026-11")
    parser.add_argument("--machine", type=int, default=300)
    parser.add_argument("--no-import", action="store_true", help="time the adoption report only")
    parser.add_argument("--report-out", help="write the month's JSON report here (to compare two versions)")
    parser.add_argument(
        "--seed-digests",
        action="store_true",
        help="write every unit-day's digest with the events, complete (as a first report leaves them)",
    )
    parser.add_argument(
        "--store",
        choices=["moto", "memory"],
        default="moto",
        help="moto in-process (seeding a month takes ~20 min on a busy 2-core machine), or the in-memory twins",
    )
    args = parser.parse_args()
    os.environ.update(SMART_STAGE="local", SMART_TABLE_PREFIX="b-", SMART_BUCKET="b-bucket")
    from moto import mock_aws

    from chalicelib import runtime
    from chalicelib.attendance.punches import parse_punch_file
    from chalicelib.domain.people import Principal
    from chalicelib.settings import load_settings
    from chalicelib.store.aws import reset_clients
    from chalicelib.store.schema import create_all
    from chalicelib.usecases import adoption, directory, fingerprint
    from chalicelib.usecases.schemas.rollout import AdoptionQuery, ImportQuery
    from tools import moto_scaling
    from tools.attlog_sample import generate

    first = date.fromisoformat(f"{args.month}-01")
    days = [first + timedelta(days=i) for i in range(31) if (first + timedelta(days=i)).month == first.month]
    caller = Principal("admin", "super_admin")
    with moto_scaling.patched(), mock_aws():
        load_settings.cache_clear()
        reset_clients()
        runtime.forget()
        settings = load_settings()
        create_all(settings)
        runtime.ensure_ready(settings)
        timed(
            f"seed {args.units} units, {args.employees} employees, a month of events",
            lambda: seed(
                args.units,
                args.employees,
                days,
                random.Random(1),
                face_model=",".join(directory.policy_models(settings)),
                digests=args.seed_digests,
            ),
        )
        query = AdoptionQuery.model_validate({"from": days[0].isoformat(), "to": days[-1].isoformat()})
        print(f"  {args.units * len(days):,} unit-days", flush=True)
        report = timed_requests(
            "adoption report JSON (all units, the month), first",
            lambda: adoption.adoption(caller, query, settings),
        )
        assert hasattr(report, "totals")
        second = timed_requests(
            "adoption report JSON (all units, the month), again",
            lambda: adoption.adoption(caller, query, settings),
        )
        assert second == report
        if args.report_out:
            Path(args.report_out).write_text(report.model_dump_json(indent=1))
        xlsx = AdoptionQuery.model_validate({"from": days[0].isoformat(), "to": days[-1].isoformat(), "format": "xlsx"})
        timed_requests("adoption report XLSX (all units, the month)", lambda: adoption.adoption(caller, xlsx, settings))
        one = AdoptionQuery.model_validate({"from": days[0].isoformat(), "to": days[-1].isoformat(), "unor_id": "U00"})
        timed_requests("adoption report JSON (one unit, the month)", lambda: adoption.adoption(caller, one, settings))
        if args.no_import:
            return

        pins = [nip_of(n) for n in range(args.machine)]
        year = timed(
            f"generate a year's ATTLOG of a {args.machine}-person machine",
            lambda: generate(pins, date(2025, 11, 1), 365, seed=2),
        )
        print(f"  year file: {len(year.data):,} bytes, gzip {len(gzip.compress(year.data)):,} bytes", flush=True)
        timed("parse the year's ATTLOG", lambda: parse_punch_file(year.data, False, JAKARTA, today=date(2026, 11, 1)))
        month = generate(pins, date(2025, 11, 3), 28, seed=3)
        print(f"  month file: {len(month.data):,} bytes, {sum(len(v) for v in month.punches.values()):,} punches")
        now = datetime.now(UTC)
        first_import = timed(
            "import a month of the machine (new punches)",
            lambda: fingerprint.import_punches(
                caller, month.data, "text/plain", ImportQuery(), settings=settings, now=now
            ),
        )
        print(f"  imported {first_import.imported}, duplicates {first_import.duplicates}", flush=True)
        again = timed(
            "import the same month again (all duplicates)",
            lambda: fingerprint.import_punches(
                caller, month.data, "text/plain", ImportQuery(), settings=settings, now=now
            ),
        )
        print(f"  imported {again.imported}, duplicates {again.duplicates}", flush=True)


if __name__ == "__main__":
    main()
