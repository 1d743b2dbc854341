"""Counting what DynamoDB is asked: the requests made, by operation, and the items each Query examined (its
`ScannedCount`, before any filter), by the table or index it read, to pin that a read takes a key range and not a
whole partition's past."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

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

    setattr(BaseClient, _API_CALL, counting)
    try:
        yield read
    finally:
        setattr(BaseClient, _API_CALL, real)


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
