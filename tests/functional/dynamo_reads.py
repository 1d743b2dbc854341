"""Counting what DynamoDB is asked: the requests made, by operation, and the items each Query examined (its
`ScannedCount`, before any filter), by the table or index it read, to pin that a read takes a key range and not a
whole partition's past; refusing, as DynamoDB does, a key that moto lets through (`refusing_empty_keys`); and
indexes that fill a while after a write, as DynamoDB's do (`lagging_indexes`; moto's show every write at once)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from chalicelib.store.models import shared_connection

_API_CALL = "_make_api_call"  # what every botocore client request goes through (pynamodb's and boto3's)


@contextmanager
def queries_read() -> Iterator[list[tuple[str, int]]]:
    """(table name or `table/index`, items examined) of each Query answered while inside, in order."""
    read: list[tuple[str, int]] = []
    real = getattr(BaseClient, _API_CALL)

    def counting(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        answer = real(client, operation, params)
        if operation == "Query":
            index = f"/{params['IndexName']}" if params.get("IndexName") else ""
            read.append((f"{params['TableName']}{index}", int(answer.get("ScannedCount", 0))))
        return answer

    with patch.object(BaseClient, _API_CALL, counting):
        yield read


@contextmanager
def dynamodb_requests() -> Iterator[Counter[str]]:
    """The DynamoDB requests made meanwhile (from every thread), by operation."""
    client, seen, lock = shared_connection().client, Counter[str](), threading.Lock()

    def count(model: Any, **_: Any) -> None:
        with lock:
            seen[model.name] += 1

    client.meta.events.register("before-call.dynamodb", count)
    try:
        yield seen
    finally:
        client.meta.events.unregister("before-call.dynamodb", count)


def _empty_key(keys: list[dict[str, Any]]) -> str | None:
    """The name of a key attribute given as an empty string, if any."""
    return next((name for key in keys for name, value in key.items() if value in ({"S": ""}, {"B": b""})), None)


@contextmanager
def refusing_empty_keys() -> Iterator[None]:
    """Answer a GetItem or BatchGetItem naming an empty string key as DynamoDB does, with a ValidationException
    (moto 5 answers it as a key that names no item)."""
    real = getattr(BaseClient, _API_CALL)

    def strict(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        keys = [params["Key"]] if operation == "GetItem" else []
        if operation == "BatchGetItem":
            keys = [key for table in params["RequestItems"].values() for key in table["Keys"]]
        name = _empty_key(keys)
        if name is not None:
            message = (
                "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain"
                f" an empty string value. Key: {name}"
            )
            raise ClientError({"Error": {"Code": "ValidationException", "Message": message}}, operation)
        return real(client, operation, params)

    with patch.object(BaseClient, _API_CALL, strict):
        yield


_WRITES = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem")


def _written_keys(client: BaseClient, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(table, primary key) of each item a write request changes."""
    if operation in ("PutItem", "UpdateItem", "DeleteItem"):
        item = params.get("Item") or params["Key"]
        return [(params["TableName"], _key_of(client, params["TableName"], item))]
    if operation == "TransactWriteItems":
        parts = [next(iter(t.items())) for t in params["TransactItems"]]
        return [
            (part["TableName"], _key_of(client, part["TableName"], part.get("Item") or part["Key"]))
            for kind, part in parts
            if kind != "ConditionCheck"
        ]
    return [
        (
            table,
            _key_of(
                client, table, (r.get("PutRequest") or r["DeleteRequest"]).get("Item") or r["DeleteRequest"]["Key"]
            ),
        )
        for table, requests in params["RequestItems"].items()
        for r in requests
    ]


_KEY_NAMES: dict[str, list[str]] = {}


def _key_of(client: BaseClient, table: str, item: dict[str, Any]) -> dict[str, Any]:
    if table not in _KEY_NAMES:
        schema = getattr(BaseClient, _API_CALL)(client, "DescribeTable", {"TableName": table})["Table"]["KeySchema"]
        _KEY_NAMES[table] = [k["AttributeName"] for k in schema]
    return {name: item[name] for name in _KEY_NAMES[table] if name in item}


@contextmanager
def lagging_indexes(lag_s: float, *, tables: bool = False) -> Iterator[None]:
    """Global secondary indexes that show an item as it stood before the writes made to it within the last
    `lag_s` seconds (an item created meanwhile not at all), as DynamoDB's do for a moment after a write; with
    `tables`, the tables' eventually consistent reads (GetItem, Query, BatchGetItem without ConsistentRead) too,
    as DynamoDB allows; strongly consistent reads show every write at once. Only writes made while inside lag."""
    real = getattr(BaseClient, _API_CALL)
    before: dict[tuple[str, str], tuple[float, dict[str, Any] | None]] = {}
    lock = threading.Lock()

    def as_read(client: BaseClient, table: str, item: dict[str, Any]) -> dict[str, Any] | None:
        """The item as a lagging read shows it: as it stood before its recent writes, projected as read."""
        return _as_before(client, table, _key_of(client, table, item), item)

    def _as_before(
        client: BaseClient, table: str, key: dict[str, Any], item: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        with lock:
            written, old = before.get((table, repr(sorted(key.items()))), (0.0, None))
        if time.monotonic() - written >= lag_s:
            return item
        return None if old is None else {name: old[name] for name in (item or old) if name in old}

    def shown(client: BaseClient, table: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [read for item in items if (read := as_read(client, table, item)) is not None]

    def lagging(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation in _WRITES:
            for table, key in _written_keys(client, operation, params):
                found = real(client, "GetItem", {"TableName": table, "Key": key, "ConsistentRead": True}).get("Item")
                with lock:
                    ident = (table, repr(sorted(key.items())))
                    prior = before.get(ident)
                    first = prior[1] if prior is not None and time.monotonic() - prior[0] < lag_s else found
                    before[ident] = (time.monotonic(), first)
        eventual = tables and not params.get("ConsistentRead")
        if operation == "Query" and (params.get("IndexName") or eventual):
            projected, asked = _with_keys(client, params)
            answer = real(client, operation, asked)
            if "Items" not in answer:  # a count
                return answer
            items = shown(client, params["TableName"], answer["Items"])
            return {
                **answer,
                "Items": [{n: v for n, v in i.items() if projected is None or n in projected} for i in items],
            }
        if operation == "GetItem" and eventual:
            answer = real(client, operation, params)
            item = _as_before(client, params["TableName"], params["Key"], answer.get("Item"))
            return {**{k: v for k, v in answer.items() if k != "Item"}, **({"Item": item} if item else {})}
        if operation == "BatchGetItem" and tables:
            answer = real(client, operation, params)
            lagged = {t for t, asked in params["RequestItems"].items() if not asked.get("ConsistentRead")}
            responses = {
                t: shown(client, t, items) if t in lagged else items for t, items in answer["Responses"].items()
            }
            return {**answer, "Responses": responses}
        return real(client, operation, params)

    with patch.object(BaseClient, _API_CALL, lagging):
        yield


def _with_keys(client: BaseClient, params: dict[str, Any]) -> tuple[set[str] | None, dict[str, Any]]:
    """The attributes a Query projects (None: all), and the Query projecting the table's key attributes too."""
    if "ProjectionExpression" not in params:
        return None, params
    names = dict(params.get("ExpressionAttributeNames", {}))
    projected = {names.get(p.strip(), p.strip()) for p in params["ProjectionExpression"].split(",")}
    _key_of(client, params["TableName"], {})  # the table's key names, read once
    extra = {f"#lagkey{i}": name for i, name in enumerate(_KEY_NAMES[params["TableName"]])}
    expression = ", ".join([params["ProjectionExpression"], *extra])
    return projected, {**params, "ProjectionExpression": expression, "ExpressionAttributeNames": {**names, **extra}}
