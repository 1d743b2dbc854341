"""A write that DynamoDB commits but whose answer is lost: botocore's standard retry (after a read timeout;
models.py sets 5 s) sends the very same call again, which meets what the first one wrote. moto ignores
ClientRequestToken, so the repeat fails its condition here as it would on DynamoDB after the token's 10 minutes:
what the store does with that failure is what these tests see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pynamodb.connection.base import Connection


@contextmanager
def answer_lost_once(monkeypatch: pytest.MonkeyPatch, operation: str, table: str) -> Iterator[None]:
    """Within the block, the first `operation` (UpdateItem, TransactWriteItems, ...) touching `table` is committed,
    its answer lost and the call sent again, as the SDK does. It must happen: a block that sends no such call fails
    the test (it would test nothing)."""
    real = Connection._make_api_call
    seen: list[str] = []

    def repeated(self: Connection, name: str, kwargs: dict[str, Any]) -> Any:
        names = [kwargs.get("TableName", "")] + [
            next(iter(i.values())).get("TableName", "") for i in kwargs.get("TransactItems", [])
        ]
        if name == operation and not seen and any(n.endswith(table) for n in names):
            seen.append(name)
            real(self, name, kwargs)  # committed; the answer never arrives
        return real(self, name, kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(Connection, "_make_api_call", repeated)
        yield
    assert seen == [operation], f"no {operation} touching {table} was sent"
