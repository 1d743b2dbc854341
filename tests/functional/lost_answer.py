"""A write that DynamoDB commits but whose answer is lost: botocore's standard retry (after a read timeout;
models.py sets 5 s) sends the very same call again, which meets what the first one wrote. moto ignores
ClientRequestToken, so the repeat fails its condition here as it would on DynamoDB after the token's 10 minutes:
what the store does with that failure is what these tests see."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.connection.base import Connection


def answer_lost_once(monkeypatch: pytest.MonkeyPatch, operation: str, table: str) -> list[str]:
    """The first `operation` (UpdateItem, TransactWriteItems, ...) touching `table` is committed, its answer
    lost and the call sent again, as the SDK does; answers the operations so repeated (one, once it happened)."""
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

    monkeypatch.setattr(Connection, "_make_api_call", repeated)
    return seen
