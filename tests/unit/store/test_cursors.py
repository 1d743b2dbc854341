"""`next` cursors: only cursors this deployment made are read back; DynamoDB refusing a start key is bad input."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from chalicelib.errors import UnavailableError, ValidationError
from chalicelib.settings import load_settings
from chalicelib.store.base import decode_cursor, decode_position, encode_cursor, storage_call

KEY = {"unor_id": {"S": "U1"}, "nip": {"S": "198501012010011001"}}


@pytest.fixture(autouse=True)
def local_stage(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SMART_STAGE", "local")
    monkeypatch.delenv("SMART_TOKEN_SECRET", raising=False)
    load_settings.cache_clear()
    yield
    load_settings.cache_clear()


def test_a_cursor_reads_back_as_the_key_it_was_made_of() -> None:
    cursor = encode_cursor(KEY)
    assert cursor is not None and decode_cursor(cursor) == KEY
    assert encode_cursor(None) is None and decode_cursor(None) is None and decode_cursor("") is None


def test_an_altered_or_foreign_cursor_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cursor = encode_cursor(KEY)
    assert cursor is not None
    payload, _, mac = cursor.partition(".")
    altered = [
        payload,  # the MAC dropped
        f"{payload[:-2]}xx.{mac}",  # the position changed
        f"{payload}.{mac[:-1]}",  # the MAC cut
        f"{payload}.{mac}.",
        "ü" + cursor,
    ]
    for text in altered:
        with pytest.raises(ValidationError) as refused:
            decode_position(text)
        assert refused.value.details == {"next": "invalid cursor"}
    monkeypatch.setenv("SMART_TOKEN_SECRET", "another-deployment-secret-of-enough-length-1234567890")
    load_settings.cache_clear()
    with pytest.raises(ValidationError):
        decode_cursor(cursor)


def client_error(code: str, message: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, "Query")


def test_dynamodb_refusing_a_start_key_is_bad_input_and_other_refusals_an_outage() -> None:
    with pytest.raises(ValidationError) as refused, storage_call("dynamodb"):
        raise client_error("ValidationException", "The provided starting key is invalid: missing key")
    assert refused.value.details == {"next": "invalid cursor"}
    with pytest.raises(UnavailableError), storage_call("dynamodb"):
        raise client_error("ValidationException", "One or more parameter values were invalid")
    with pytest.raises(UnavailableError), storage_call("dynamodb"):
        raise client_error("ProvisionedThroughputExceededException", "slow down")
