"""Counting what DynamoDB is asked: the requests made, by operation, and the items each Query examined (its
`ScannedCount`, before any filter), by the table or index it read, to pin that a read takes a key range and not a
whole partition's past; and refusing, as DynamoDB does, a key that moto lets through (`refusing_empty_keys`)."""

from __future__ import annotations

import threading
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
