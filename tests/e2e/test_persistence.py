"""Storage persistence of the local stack, without the app: moto's server + write-ahead log + snapshots.

These drive DynamoDB and S3 directly with boto3 against the stack's moto server, so they pin down what
`make run` promises about data independently of the app's routes.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from tools.devstack import LocalStack
from tools.devstack_persist import aws_client

REGION = "ap-southeast-3"
PHOTO = bytes(range(256)) * 200  # 51 KB of every byte value: a body that must come back bit for bit


def storage(data_dir: Path, **overrides: Any) -> LocalStack:
    return LocalStack.for_tests(data_dir, storage_only=True, **overrides)


def create_schema(moto: str) -> None:
    ddb = aws_client("dynamodb", moto, REGION)
    ddb.create_table(
        TableName="events",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "day", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_day",
                "KeySchema": [{"AttributeName": "day", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.update_time_to_live(TableName="events", TimeToLiveSpecification={"Enabled": True, "AttributeName": "ttl"})
    aws_client("s3", moto, REGION).create_bucket(
        Bucket="photos", CreateBucketConfiguration={"LocationConstraint": REGION}
    )


def put_event(moto: str, n: int) -> None:
    item = {"pk": {"S": f"emp#{n}"}, "sk": {"S": "2026-11-27T07:00:00Z"}, "day": {"S": "2026-11-27"}}
    aws_client("dynamodb", moto, REGION).put_item(TableName="events", Item=item)
    aws_client("s3", moto, REGION).put_object(
        Bucket="photos", Key=f"selfies/{n}.jpg", Body=PHOTO, ContentType="image/jpeg", Metadata={"nip": str(n)}
    )


def events_of_day(moto: str) -> list[str]:
    ddb = aws_client("dynamodb", moto, REGION)
    resp = ddb.query(
        TableName="events",
        IndexName="by_day",
        KeyConditionExpression="#d = :d",
        ExpressionAttributeNames={"#d": "day"},
        ExpressionAttributeValues={":d": {"S": "2026-11-27"}},
    )
    return sorted(i["pk"]["S"] for i in resp["Items"])


def photo(moto: str, n: int) -> dict[str, Any]:
    obj = aws_client("s3", moto, REGION).get_object(Bucket="photos", Key=f"selfies/{n}.jpg")
    return {"body": obj["Body"].read(), "type": obj["ContentType"], "meta": obj["Metadata"]}


def test_tables_indexes_ttl_and_objects_survive_a_clean_restart(tmp_path: Path) -> None:
    with storage(tmp_path) as urls:
        create_schema(urls.moto)
        put_event(urls.moto, 1)

    with storage(tmp_path) as urls:
        assert events_of_day(urls.moto) == ["emp#1"]  # the GSI was recreated and filled
        assert photo(urls.moto, 1) == {"body": PHOTO, "type": "image/jpeg", "meta": {"nip": "1"}}
        ttl = aws_client("dynamodb", urls.moto, REGION).describe_time_to_live(TableName="events")
        assert ttl["TimeToLiveDescription"] == {"TimeToLiveStatus": "ENABLED", "AttributeName": "ttl"}


def test_writes_survive_a_kill_of_the_storage_server(tmp_path: Path) -> None:
    # GIVEN data from an earlier session (now in a snapshot) and new writes in this one
    with storage(tmp_path) as urls:
        create_schema(urls.moto)
        put_event(urls.moto, 1)
    stack = storage(tmp_path)
    with stack as urls:
        put_event(urls.moto, 2)
        # WHEN the server is killed without any chance to save
        os.kill(stack.child_pid("moto"), signal.SIGKILL)

    # THEN both sessions' data is there after the next start
    with storage(tmp_path) as urls:
        assert events_of_day(urls.moto) == ["emp#1", "emp#2"]
        assert photo(urls.moto, 2)["body"] == PHOTO


def test_a_log_line_torn_by_a_kill_is_skipped_and_the_rest_restored(tmp_path: Path) -> None:
    # GIVEN a session killed mid-write: its log ends with half a line
    stack = storage(tmp_path)
    with stack as urls:
        create_schema(urls.moto)
        put_event(urls.moto, 1)
        os.kill(stack.child_pid("moto"), signal.SIGKILL)
    wal = next((tmp_path / "moto").glob("wal-*.jsonl"))
    with wal.open("a", encoding="utf-8") as log:
        log.write(json.dumps({"method": "PUT", "url": "http://x/photos/half"})[:25])  # no newline: torn

    # WHEN the stack starts again THEN everything before the torn line is back, and the torn line is counted
    stack = storage(tmp_path)
    with stack as urls:
        assert events_of_day(urls.moto) == ["emp#1"]
        assert photo(urls.moto, 1)["body"] == PHOTO
    assert stack.restore_report is not None
    assert stack.restore_report.skipped_torn_lines == 1
    assert stack.restore_report.replayed_requests >= 5  # table, TTL, bucket, item, object


def test_reads_are_not_logged_and_a_clean_stop_leaves_only_a_snapshot(tmp_path: Path) -> None:
    with storage(tmp_path) as urls:
        create_schema(urls.moto)
        put_event(urls.moto, 1)
        wal = next((tmp_path / "moto").glob("wal-*.jsonl"))
        size_after_writes = wal.stat().st_size
        for _ in range(20):
            events_of_day(urls.moto)
            photo(urls.moto, 1)
        assert wal.stat().st_size == size_after_writes

    assert sorted(p.name for p in (tmp_path / "moto").iterdir()) == ["snapshot-1.pickle"]
    stack = storage(tmp_path)
    with stack:
        pass
    assert stack.restore_report is not None and stack.restore_report.replayed_requests == 0
    assert (stack.restore_report.items, stack.restore_report.objects) == (1, 1)


def test_periodic_snapshot_bounds_what_a_kill_must_replay(tmp_path: Path) -> None:
    # GIVEN a stack snapshotting every half second, with data written and then a quiet moment
    stack = storage(tmp_path, snapshot_every_s=0.5)
    with stack as urls:
        create_schema(urls.moto)
        put_event(urls.moto, 1)
        moto_dir = tmp_path / "moto"
        deadline = time.monotonic() + 30
        # Folded: a snapshot exists and every log it covers has been deleted.
        while not (list(moto_dir.glob("snapshot-*.pickle")) and not list(moto_dir.glob("wal-*.jsonl"))):
            assert time.monotonic() < deadline, "no periodic snapshot written"
            time.sleep(0.1)
        # WHEN the server is killed after the snapshot
        os.kill(stack.child_pid("moto"), signal.SIGKILL)

    # THEN the next start loads the snapshot and has nothing to replay
    stack = storage(tmp_path)
    with stack as urls:
        assert events_of_day(urls.moto) == ["emp#1"]
    assert stack.restore_report is not None
    assert stack.restore_report.snapshot_generation is not None
    assert stack.restore_report.replayed_requests == 0
