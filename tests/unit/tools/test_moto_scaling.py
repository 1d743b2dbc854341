"""tools.moto_scaling changes how moto finds items, never what it answers: the same requests against plain and
patched moto must give the same responses, pages, rollbacks and final table contents."""

from __future__ import annotations

import json
import random
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from tools import moto_scaling

Client = Any
Step = Callable[[Client], object]


def _create(client: Client) -> None:
    client.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": t}
            for n, t in (("pk", "S"), ("sk", "S"), ("unit", "S"), ("day", "S"), ("n", "N"))
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_unit_day",
                "KeySchema": [
                    {"AttributeName": "unit", "KeyType": "HASH"},
                    {"AttributeName": "day", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_n",
                "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName="h",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _seed(client: Client) -> None:
    rng = random.Random(7)
    for i in range(300):
        item: dict[str, Any] = {
            "pk": {"S": f"p{rng.randrange(20)}"},
            "sk": {"S": f"s{i:04d}"},
            "n": {"N": str(rng.randrange(5))},
            "pad": {"S": "x" * rng.randrange(1, 200)},
        }
        if rng.random() < 0.8:  # some items stay out of the unit index
            item["unit"] = {"S": f"u{rng.randrange(4)}"}
            item["day"] = {"S": f"2026-10-{rng.randrange(1, 29):02d}"}
        client.put_item(TableName="t", Item=item)
    for i in range(30):
        client.put_item(TableName="h", Item={"pk": {"S": f"h{i}"}, "v": {"N": str(i)}})
    # Every attribute type, for the answers written without moto's serializer.
    client.put_item(TableName="h", Item=_ALL_TYPES)


_ALL_TYPES: dict[str, Any] = {
    "pk": {"S": "types"},
    "b": {"B": b"\x00\xff\x10"},
    "bs": {"BS": [b"1", b"\xfe"]},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2.50"]},
    "m": {"M": {"x": {"N": "1.50"}, "l": {"L": [{"S": "é"}, {"NULL": True}, {"BOOL": False}]}}},
    "n": {"N": "-0.001"},
}


def _item_reads(client: Client) -> list[object]:
    keys = [{"pk": {"S": "types"}}, {"pk": {"S": "h3"}}, {"pk": {"S": "missing"}}]
    answers: list[dict[str, Any]] = [
        client.get_item(TableName="h", Key=keys[0]),
        client.get_item(TableName="h", Key=keys[2]),
        client.get_item(
            TableName="h",
            Key=keys[0],
            ProjectionExpression="b, m, ns, #n, absent, m.l[1]",
            ExpressionAttributeNames={"#n": "n"},
        ),
        client.get_item(TableName="h", Key=keys[0], ProjectionExpression="bs, ss, n, pk, ns, b"),
        client.batch_get_item(RequestItems={"h": {"Keys": keys}}),
        client.transact_get_items(TransactItems=[{"Get": {"TableName": "h", "Key": k}} for k in keys[:2]]),
        client.put_item(TableName="h", Item={**_ALL_TYPES, "pk": {"S": "types2"}}, ReturnValues="ALL_OLD"),
        client.put_item(TableName="h", Item={**_ALL_TYPES, "pk": {"S": "types2"}}, ReturnValues="ALL_OLD"),
        client.delete_item(TableName="h", Key={"pk": {"S": "types2"}}, ReturnValues="ALL_OLD"),
        client.batch_write_item(
            RequestItems={"h": [{"PutRequest": {"Item": {"pk": {"S": f"bw{i}"}}}} for i in range(3)]}
        ),
    ]
    for answer in answers:
        answer.pop("ResponseMetadata", None)
    failed = _error_code(
        lambda: client.put_item(TableName="h", Item={"pk": {"S": "h3"}}, ConditionExpression="attribute_not_exists(pk)")
    )
    too_large = _error_code(
        lambda: client.put_item(
            TableName="h", Item={"pk": {"S": "big"}, "a": {"S": "x" * 300_000}, "b": {"S": "y" * 110_000}}
        )
    )
    binary_filter = client.scan(
        TableName="h",
        FilterExpression="b = :b OR contains(bs, :one)",
        ExpressionAttributeValues={":b": {"B": b"\x00\xff\x10"}, ":one": {"B": b"1"}},
    )["Items"]
    return [answers, failed, too_large, _scan(client, "h"), binary_filter]


def _pages(client: Client, **request: Any) -> list[dict[str, Any]]:
    pages = []
    while True:
        answer = client.query(**request)
        answer.pop("ResponseMetadata", None)
        pages.append(answer)
        if "LastEvaluatedKey" not in answer:
            return pages
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _queries(client: Client) -> list[object]:
    eq = {":p": {"S": "p3"}}
    unit = {":u": {"S": "u1"}}
    return [
        _pages(client, TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues=eq),
        _pages(
            client,
            TableName="t",
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues=eq,
            Limit=4,
            ScanIndexForward=False,
        ),
        _pages(
            client,
            TableName="t",
            KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
            ExpressionAttributeValues={**eq, ":a": {"S": "s0050"}, ":b": {"S": "s0200"}},
        ),
        _pages(
            client,
            TableName="t",
            KeyConditionExpression="pk = :p",
            FilterExpression="n > :z",
            ExpressionAttributeValues={**eq, ":z": {"N": "2"}},
            ProjectionExpression="sk, n",
        ),
        _pages(
            client, TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "none"}}
        ),
        _pages(
            client,
            TableName="t",
            IndexName="by_unit_day",
            KeyConditionExpression="unit = :u",
            ExpressionAttributeValues=unit,
            Limit=7,
        ),
        _pages(
            client,
            TableName="t",
            IndexName="by_unit_day",
            KeyConditionExpression="unit = :u AND begins_with(#d, :m)",
            ExpressionAttributeNames={"#d": "day"},
            ExpressionAttributeValues={**unit, ":m": {"S": "2026-10-1"}},
            ScanIndexForward=False,
        ),
        _pages(
            client,
            TableName="t",
            IndexName="by_n",
            KeyConditionExpression="n = :n",
            ExpressionAttributeValues={":n": {"N": "3"}},
            Limit=9,
        ),
        _pages(client, TableName="h", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "h4"}}),
        _scan(client, "t"),
    ]


def _scan(client: Client, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table, "Limit": 37}
    while True:
        answer = client.scan(**request)
        items.extend(answer["Items"])
        if "LastEvaluatedKey" not in answer:
            return items
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def _error_code(call: Callable[[], object]) -> object:
    try:
        return call()
    except ClientError as exc:
        return exc.response["Error"]["Code"], exc.response.get("CancellationReasons")


def _unit_day_item(sk: str, day: str) -> dict[str, object]:
    """An item of table t in partition p3, unit u9, on `day`."""
    return {"pk": {"S": "p3"}, "sk": {"S": sk}, "unit": {"S": "u9"}, "day": {"S": day}}


def _writes(client: Client) -> list[object]:
    key = {"pk": {"S": "p3"}, "sk": {"S": "new"}}
    moved = _pages(
        client, TableName="t", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p3"}}
    )
    first = moved[0]["Items"][0]
    return [
        # An update that moves an item to another index partition must show in the next index query.
        client.update_item(
            TableName="t",
            Key={"pk": first["pk"], "sk": first["sk"]},
            UpdateExpression="SET #u = :u",
            ExpressionAttributeNames={"#u": "unit"},
            ExpressionAttributeValues={":u": {"S": "u9"}},
            ReturnValues="ALL_NEW",
        )["Attributes"],
        # update_item creating an item.
        client.update_item(
            TableName="t",
            Key=key,
            UpdateExpression="SET #u = :u, #d = :d",
            ExpressionAttributeNames={"#u": "unit", "#d": "day"},
            ExpressionAttributeValues={":u": {"S": "u9"}, ":d": {"S": "2026-10-30"}},
        )["ResponseMetadata"]["HTTPStatusCode"],
        client.delete_item(TableName="t", Key={"pk": {"S": "h"}, "sk": {"S": "none"}})["ResponseMetadata"][
            "HTTPStatusCode"
        ],
        # A transaction that succeeds...
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": "t",
                        "Item": _unit_day_item("tx1", "2026-10-31"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                    }
                },
                {
                    "Update": {
                        "TableName": "h",
                        "Key": {"pk": {"S": "h1"}},
                        "UpdateExpression": "SET v = v + :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
                {"Delete": {"TableName": "t", "Key": key}},
            ]
        )["ResponseMetadata"]["HTTPStatusCode"],
        # ...and one whose last condition fails after the first three ops were applied: all rolled back.
        _error_code(
            lambda: client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": "t",
                            "Item": _unit_day_item("tx2", "2026-10-01"),
                        }
                    },
                    {
                        "Update": {
                            "TableName": "h",
                            "Key": {"pk": {"S": "h2"}},
                            "UpdateExpression": "SET v = :z",
                            "ExpressionAttributeValues": {":z": {"N": "99"}},
                        }
                    },
                    {"Delete": {"TableName": "t", "Key": {"pk": {"S": "p3"}, "sk": {"S": "tx1"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": "h",
                            "Key": {"pk": {"S": "h5"}},
                            "ConditionExpression": "v = :w",
                            "ExpressionAttributeValues": {":w": {"N": "-1"}},
                        }
                    },
                ]
            )
        ),
        # Two operations on one item: refused as a whole.
        _error_code(
            lambda: client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "h", "Item": {"pk": {"S": "h7"}, "v": {"N": "1"}}}},
                    {"Delete": {"TableName": "h", "Key": {"pk": {"S": "h7"}}}},
                ]
            )
        ),
    ]


def _scenario() -> list[Any]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        _create(client)
        _seed(client)
        before = _queries(client)
        writes = _writes(client)
        return [before, writes, _queries(client), _scan(client, "h"), _item_reads(client)]


@pytest.fixture
def plain_answers() -> Iterator[list[Any]]:
    assert not moto_scaling.installed()
    yield _scenario()


def test_patched_moto_answers_exactly_like_plain_moto(plain_answers: list[Any]) -> None:
    # GIVEN the answers of plain moto to queries, index queries, pages, writes and transactions
    # WHEN the same requests run against patched moto
    with moto_scaling.patched():
        patched = _scenario()
    # THEN every answer and the final contents are the same
    assert patched == plain_answers
    assert not moto_scaling.installed()


def test_the_scenario_sees_rollbacks_and_index_moves(plain_answers: list[Any]) -> None:
    # The comparison above is only worth something if the scenario exercises what the patch changes.
    _, writes, after, h_items, (item_answers, failed, too_large, _, binary_filter) = plain_answers
    assert writes[4][0] == "TransactionCanceledException"
    unit_pages = after[5]
    assert len(unit_pages) > 1  # paged
    values = {i["pk"]["S"]: i["v"]["N"] for i in h_items if "v" in i}
    assert values["h1"] == "2" and values["h2"] == "2"  # committed +1 kept, rolled-back SET 99 undone
    tx1 = [i for p in after[0] for i in p["Items"] if i["sk"]["S"] == "tx1"]
    assert len(tx1) == 1  # the rolled-back Delete did not remove it
    assert item_answers[0]["Item"]["b"]["B"] == b"\x00\xff\x10"  # binary values come back as sent
    assert item_answers[7]["Attributes"]["m"] == _ALL_TYPES["m"]
    assert set(item_answers[3]["Item"]) == {"bs", "ss", "n", "pk", "ns", "b"}
    assert failed[0] == "ConditionalCheckFailedException"
    assert too_large[0] == "ValidationException"
    assert {i["pk"]["S"] for i in binary_filter} == {"types"}  # binary values in a request are compared as bytes


def test_concurrent_conditional_writes_on_one_item_never_both_succeed() -> None:
    # GIVEN 6 threads that each read a counter and increment it only if it still has the value read
    # (threads switched as often as possible, which makes plain moto let two of them win on one value)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with moto_scaling.patched(), mock_aws():
            client = boto3.client("dynamodb", region_name="ap-southeast-3")
            _create(client)
            client.put_item(TableName="h", Item={"pk": {"S": "n"}, "v": {"N": "0"}})
            wins = _race_increments(threads=6, attempts=30)
            final = client.get_item(TableName="h", Key={"pk": {"S": "n"}})["Item"]["v"]["N"]
    finally:
        sys.setswitchinterval(switch)
    # THEN every write that was told it succeeded is in the counter, and no more
    assert wins > 0 and int(final) == wins


def _race_increments(threads: int, attempts: int) -> int:
    wins: list[int] = []

    def work() -> None:
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        key = {"pk": {"S": "n"}}
        for _ in range(attempts):
            seen = client.get_item(TableName="h", Key=key, ConsistentRead=True)["Item"]["v"]["N"]
            values = {":new": {"N": str(int(seen) + 1)}, ":seen": {"N": seen}}
            try:
                client.update_item(
                    TableName="h",
                    Key=key,
                    UpdateExpression="SET v = :new",
                    ConditionExpression="v = :seen",
                    ExpressionAttributeValues=values,
                )
                wins.append(1)
            except client.exceptions.ConditionalCheckFailedException:
                pass

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(wins)


# --- the server's DynamoDB fast path -----------------------------------------------------------------------

_AUTH = (
    "AWS4-HMAC-SHA256 Credential=testing/20261128/ap-southeast-3/dynamodb/aws4_request, SignedHeaders=host, Signature=x"
)


def _wsgi_call(app: Any, action: str, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    from werkzeug.test import Client as WsgiClient

    headers = {
        "X-Amz-Target": f"DynamoDB_20120810.{action}",
        "Content-Type": "application/x-amz-json-1.0",
        "Authorization": _AUTH,
    }
    answer = WsgiClient(app).post("/", data=json.dumps(body), headers=headers)
    return answer.status_code, dict(answer.headers), answer.get_data()


def _fast_path_scenario(table: str) -> list[tuple[str, dict[str, Any]]]:
    key = {"pk": {"S": "a"}, "sk": {"S": "1"}}
    return [
        ("PutItem", {"TableName": table, "Item": {**key, "n": {"N": "1"}, "b": {"B": "AAEC"}}}),
        ("PutItem", {"TableName": table, "Item": key, "ConditionExpression": "attribute_not_exists(pk)"}),
        ("GetItem", {"TableName": table, "Key": key}),
        (
            "UpdateItem",
            {
                "TableName": table,
                "Key": key,
                "UpdateExpression": "SET n = n + :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
                "ReturnValues": "ALL_NEW",
            },
        ),
        (
            "Query",
            {"TableName": table, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "a"}}},
        ),
        (
            "TransactWriteItems",
            {
                "TransactItems": [
                    {"Put": {"TableName": table, "Item": {"pk": {"S": "b"}, "sk": {"S": "1"}}}},
                    {
                        "ConditionCheck": {
                            "TableName": table,
                            "Key": key,
                            "ConditionExpression": "n = :z",
                            "ExpressionAttributeValues": {":z": {"N": "0"}},
                        }
                    },
                ]
            },
        ),
        ("GetItem", {"TableName": "no-such-table", "Key": key}),
        ("DeleteItem", {"TableName": table, "Key": key, "ReturnValues": "ALL_OLD"}),
    ]


def test_fast_path_answers_dynamodb_exactly_like_moto_through_flask() -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    # GIVEN moto's server app, and the same app behind the fast path, each with its own identical table
    with mock_aws(), moto_scaling.patched():
        app = DomainDispatcherApplication(create_backend_app)
        fast = moto_scaling.dynamodb_fast_path(app)
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        for name in ("via_flask", "via_fast"):
            client.create_table(
                TableName=name,
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
                BillingMode="PAY_PER_REQUEST",
            )
        # WHEN the same requests go through both
        slow_answers = [_wsgi_call(app, a, b) for a, b in _fast_path_scenario("via_flask")]
        fast_answers = [_wsgi_call(fast, a, b) for a, b in _fast_path_scenario("via_fast")]
    # THEN status, body, checksum and error type are the same (request ids differ; CORS is for browsers)
    assert [s for s, _, _ in slow_answers] == [200, 400, 200, 200, 200, 400, 400, 200]
    for (s_status, s_headers, s_body), (f_status, f_headers, f_body) in zip(slow_answers, fast_answers, strict=True):
        assert (f_status, f_body.replace(b"via_fast", b"via_flask")) == (s_status, s_body)
        for header in ("Content-Type", "X-Amzn-ErrorType"):
            assert f_headers.get(header) == s_headers.get(header)
        if b"via" not in s_body:
            assert f_headers["x-amz-crc32"] == s_headers["x-amz-crc32"]
