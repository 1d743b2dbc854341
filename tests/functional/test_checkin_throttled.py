"""The 07:00 rush meets AWS's own limits: DynamoDB throttling (ProvisionedThroughputExceededException, a
transaction cancelled for ThrottlingError) and S3's SlowDown answer 503 `UNAVAILABLE` with `Retry-After` (API.md),
never 500, record nothing, and the phone's retry with the same `client_request_id` is recorded once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError

from chalicelib.settings import load_settings
from chalicelib.store.aws import s3_client
from chalicelib.store.models import shared_connection
from tests.functional.checkin_setup import Employee, enrolled_employee, selfie
from tests.functional.conftest import Api
from tests.functional.test_checkin import GENUINE, stored_events


def _throttled(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "Rate exceeded"}}, operation)


@contextmanager
def _failing(client: Any, event: str, error: Callable[[], Exception]) -> Iterator[dict[str, bool]]:
    """`client` refuses every call of `event` (a botocore before-call event) while `broken["on"]`."""
    broken = {"on": True}

    def refuse(**_: Any) -> None:
        if broken["on"]:
            raise error()

    client.meta.events.register(event, refuse)
    try:
        yield broken
    finally:
        client.meta.events.unregister(event, refuse)


@pytest.fixture()
def employee(api: Api) -> Employee:
    return enrolled_employee(api)


@pytest.mark.parametrize(
    ("service", "event", "code", "operation"),
    [
        ("dynamodb", "before-call.dynamodb.TransactWriteItems", "ThrottlingException", "TransactWriteItems"),
        ("dynamodb", "before-call.dynamodb.PutItem", "ProvisionedThroughputExceededException", "PutItem"),
        ("s3", "before-call.s3.PutObject", "SlowDown", "PutObject"),
    ],
)
def test_a_throttled_dependency_answers_503_with_retry_after_and_the_retry_is_recorded_once(
    employee: Employee, service: str, event: str, code: str, operation: str
) -> None:
    # GIVEN an AWS dependency throttling at the 07:00 rush
    settings = load_settings()
    client = shared_connection().client if service == "dynamodb" else s3_client(settings.region)
    body = employee.body(selfie(GENUINE))
    with _failing(client, event, lambda: _throttled(code, operation)) as broken:
        # WHEN a phone checks in
        failed = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
        # THEN it is told to come back later (503 with Retry-After), not a 500, and nothing is recorded
        assert (failed.status, failed.body["error"]["code"]) == (503, "UNAVAILABLE"), failed.body
        assert int(failed.headers["Retry-After"]) > 0
        assert stored_events(employee.nip) == []
        # AND once the dependency has room again, the same request is recorded once
        broken["on"] = False
        retry = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
        assert retry.status == 201, retry.body
        again = employee.api.call("POST", "/v1/attendance", body, token=employee.token)
        assert again.status == 201 and again.body["event_id"] == retry.body["event_id"]
    assert len(stored_events(employee.nip)) == 1
