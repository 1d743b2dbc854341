"""Start-up time of the local stack (`make run` equivalent), empty and with a realistic amount of data.

Measures, on free ports and a temporary data dir (models and venv assumed ready, as after `make run` once):
  1. first start on an empty data dir: until GET /v1/health answers 200, and until admin login answers 200
     (then the demo seed, timed separately: it is a one-off);
  2. a day of data written straight to moto the way the app would (every write goes through the
     write-ahead log): EMPLOYEES employee items, two check-in events and a selfie object per employee and
     direction, challenge items;
  3. clean stop (final snapshot) and restart: loaded from the snapshot (the usual case);
  4. LATE_WRITES more check-ins, then moto killed with SIGKILL, and restart: snapshot + replay of the log
     written since the last snapshot (what a crash costs; periodic snapshots bound that log).

Synthetic tables (prefix "bench-") are used for the bulk so the figures do not depend on the app's current
table layout; persistence is generic over tables and objects, so the cost is the same.

Run: .venv/bin/python -m bench.startup_bench [--employees 7000] [--photo-kb 25] [--late-writes 500]
Prints figures; copy them with the date and machine into bench/startup_RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from tools.devstack import LocalStack, StackConfig, free_port
from tools.devstack_http import ApiClient, wait_until
from tools.devstack_persist import aws_client

REGION = "ap-southeast-3"


def timed_start(config: StackConfig) -> tuple[LocalStack, dict[str, float]]:
    """Start the stack; seconds until health, until admin login answers, and the stack's own phase timings."""
    began = time.monotonic()
    stack = LocalStack(config)
    urls = stack.start()
    figures = {"health_s": stack.timings["api_ready_s"]}
    client = ApiClient(urls.api)
    wait_until(lambda: client.login_admin("admin", config.admin_password).status == 200, timeout_s=60, what="login")
    figures["login_s"] = time.monotonic() - began
    return stack, figures


def write_day(moto: str, employees: int, photo_kb: int) -> dict[str, float]:
    """A day of a regency's data, written through moto's HTTP API (so it is logged like the app's writes)."""
    ddb = aws_client("dynamodb", moto, REGION)
    began = time.monotonic()
    _create_tables(ddb)
    _batch_put(ddb, "bench-employees", (_employee(n) for n in range(employees)))
    _batch_put(ddb, "bench-events", (_event(n, kind) for n in range(employees) for kind in ("in", "out")))
    _batch_put(ddb, "bench-challenges", (_challenge(n, kind) for n in range(employees) for kind in ("in", "out")))
    items_s = time.monotonic() - began
    s3 = aws_client("s3", moto, REGION)
    s3.create_bucket(Bucket="bench-photos", CreateBucketConfiguration={"LocationConstraint": REGION})
    photo = os.urandom(photo_kb * 1024)  # incompressible, like a JPEG

    def put(key: str) -> None:
        s3.put_object(Bucket="bench-photos", Key=key, Body=photo, ContentType="image/jpeg")

    keys = [f"selfies/2026-11-27/{n:018d}-{kind}.jpg" for n in range(employees) for kind in ("in", "out")]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(put, keys))
    return {"items_write_s": items_s, "objects_write_s": time.monotonic() - began - items_s}


def _create_tables(ddb: Any) -> None:
    def key(name: str, kind: str) -> dict[str, str]:
        return {"AttributeName": name, "KeyType": kind}

    def attr(name: str) -> dict[str, str]:
        return {"AttributeName": name, "AttributeType": "S"}

    simple = {"KeySchema": [key("pk", "HASH")], "AttributeDefinitions": [attr("pk")]}
    ddb.create_table(TableName="bench-employees", BillingMode="PAY_PER_REQUEST", **simple)
    ddb.create_table(TableName="bench-challenges", BillingMode="PAY_PER_REQUEST", **simple)
    ddb.create_table(
        TableName="bench-events",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[key("pk", "HASH"), key("sk", "RANGE")],
        AttributeDefinitions=[attr("pk"), attr("sk"), attr("unit_day")],
        GlobalSecondaryIndexes=[
            {"IndexName": "by_unit_day", "KeySchema": [key("unit_day", "HASH"), key("sk", "RANGE")],
             "Projection": {"ProjectionType": "ALL"}}
        ],
    )  # fmt: skip


def _employee(n: int) -> dict[str, Any]:
    return {
        "pk": {"S": f"{198501012010011000 + n:018d}"},
        "nama": {"S": f"Pegawai Uji Nomor {n} S.Pd."},
        "unor_id": {"S": f"unor-{n % 60:03d}"},
        "unor_nama": {"S": f"SD Negeri {n % 60} Ngamprah"},
        "jabatan": {"S": "Guru Ahli Pertama"},
        "active": {"BOOL": True},
        "device_id": {"S": f"device-{n:08x}-android"},
        "password_hash": {"S": "pbkdf2_sha256$600000$" + "x" * 80},
        "templates": {"L": [{"B": os.urandom(512)}]},  # one face embedding (128 float32)
    }


def _event(n: int, kind: str) -> dict[str, Any]:
    return {
        "pk": {"S": f"{198501012010011000 + n:018d}"},
        "sk": {"S": f"2026-11-27T{'00' if kind == 'in' else '09'}:{n % 60:02d}:00+00:00#{kind}"},
        "unit_day": {"S": f"unor-{n % 60:03d}#2026-11-27"},
        "type": {"S": kind},
        "status": {"S": "accepted"},
        "lat": {"N": "-6.8468"},
        "lon": {"N": "107.4857"},
        "accuracy_m": {"N": "12.5"},
        "zone_id": {"S": "zone-pemkab"},
        "face_score": {"N": "0.83"},
        "photo_key": {"S": f"selfies/2026-11-27/{n:018d}-{kind}.jpg"},
        "client_request_id": {"S": f"{n:032x}"},
        "warnings": {"L": []},
    }


def _challenge(n: int, kind: str) -> dict[str, Any]:
    return {"pk": {"S": f"ch-{n:08d}-{kind}"}, "nip": {"S": f"{n:018d}"}, "ttl": {"N": "1795816930"}}


def _batch_put(ddb: Any, table: str, items: Any) -> None:
    batch: list[dict[str, Any]] = []
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == 25:
            _flush(ddb, table, batch)
            batch = []
    if batch:
        _flush(ddb, table, batch)


def _flush(ddb: Any, table: str, batch: list[dict[str, Any]]) -> None:
    pending: dict[str, Any] = {table: batch}
    while pending:
        pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=7000)
    parser.add_argument("--photo-kb", type=int, default=25)
    parser.add_argument("--simpeg-size", type=int, default=7000)
    parser.add_argument("--late-writes", type=int, default=500, help="check-ins after the last snapshot")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="smart-startup-bench-"))
    base = StackConfig(
        data_dir=data_dir,
        api_port=free_port(),
        moto_port=0,
        simpeg_port=0,
        simpeg_size=args.simpeg_size,
        seed_demo=False,  # seeded explicitly after the first start, to time it apart from start-up
    )
    print(f"startup bench: {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}, {data_dir}")

    stack, first = timed_start(base)
    seed_began = time.monotonic()
    stack.seed_once()
    print(f"1 first start (empty):      health {first['health_s']:.1f}s  login {first['login_s']:.1f}s"
          f"  then demo seed {time.monotonic() - seed_began:.1f}s")  # fmt: skip
    assert stack.urls is not None
    day = write_day(stack.urls.moto, args.employees, args.photo_kb)
    stop_began = time.monotonic()
    stack.stop()
    print(f"2 a day written:            {args.employees} employees, {2 * args.employees} events + challenges "
          f"in {day['items_write_s']:.1f}s, {2 * args.employees} x {args.photo_kb} KB selfies in "
          f"{day['objects_write_s']:.1f}s; clean stop (final snapshot) {time.monotonic() - stop_began:.1f}s; "
          f"data dir {dir_mb(data_dir):.0f} MB")  # fmt: skip

    stack, figures = timed_start(base)
    _print_restart("3 restart from snapshot:   ", stack, figures)
    assert stack.urls is not None
    late = write_late(stack.urls.moto, args.late_writes, args.photo_kb)
    os.kill(stack.child_pid("moto"), 9)  # unclean: no final snapshot, the log must be replayed
    stack.stop()
    print(f"4 {late} late writes, then moto killed (-9)")
    stack, figures = timed_start(base)
    _print_restart("5 restart after the kill:  ", stack, figures)
    stack.stop()
    print(f"data dir kept for inspection: {data_dir} (delete it when done)")


def write_late(moto: str, count: int, photo_kb: int) -> int:
    """`count` more check-ins (event item + selfie): what a kill between two snapshots leaves in the log."""
    ddb = aws_client("dynamodb", moto, REGION)
    s3 = aws_client("s3", moto, REGION)
    photo = os.urandom(photo_kb * 1024)
    for n in range(count):
        ddb.put_item(TableName="bench-events", Item=_event(100_000 + n, "in"))
        s3.put_object(Bucket="bench-photos", Key=f"selfies/late/{n}.jpg", Body=photo, ContentType="image/jpeg")
    return 2 * count


def _print_restart(label: str, stack: LocalStack, figures: dict[str, float]) -> None:
    report = stack.restore_report
    assert report is not None
    print(f"{label}health {figures['health_s']:.1f}s  login {figures['login_s']:.1f}s  (restore "
          f"{report.load_s:.1f}s load of a {report.snapshot_mb:.0f} MB snapshot + {report.replay_s:.1f}s replaying "
          f"{report.replayed_requests} logged writes; {report.items} items, {report.objects} objects)")  # fmt: skip


if __name__ == "__main__":
    main()
