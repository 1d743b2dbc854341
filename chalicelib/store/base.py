"""Shared helpers of the storage adapters: error wrapping, time formats, pagination cursors.

A DynamoDB or S3 failure becomes ``UnavailableError`` (HTTP 503 with Retry-After) so that clients retry;
a failed conditional write is reported separately because it is a normal business outcome.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.errors import UnavailableError, ValidationError
from chalicelib.settings import load_settings
from chalicelib.store.models import shared_connection

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")
Item = TypeVar("Item", bound=Model)
T = TypeVar("T")


class ConditionFailed(Exception):
    """A conditional write lost: the item already exists or changed meanwhile."""


def cancelled_items(exc: ConditionFailed) -> set[int]:
    """The positions (in the order they were added) of a failed transaction's items whose condition failed."""
    cause = exc.__cause__
    reasons = cause.cancellation_reasons if isinstance(cause, TransactWriteError) else None
    return {i for i, r in enumerate(reasons or []) if r is not None and r.code == "ConditionalCheckFailed"}


def _is_condition_failure(exc: BaseException) -> bool:
    if isinstance(exc, TransactWriteError):
        reasons = exc.cancellation_reasons or []
        return any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons)
    cause = getattr(exc, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


@contextmanager
def storage_call(what: str) -> Iterator[None]:
    """Wrap a storage call: conditional failures → ConditionFailed, anything else → UnavailableError."""
    try:
        yield
    except PynamoDBException as exc:
        if _is_condition_failure(exc):
            raise ConditionFailed(what) from exc
        if _is_bad_start_key(exc.cause_response_code, exc.cause_response_message):
            raise bad_cursor() from exc
        raise UnavailableError(details={"dependency": "dynamodb"}) from exc
    except ClientError as exc:
        error = exc.response.get("Error", {})
        if _is_bad_start_key(error.get("Code"), error.get("Message")):
            raise bad_cursor() from exc
        raise UnavailableError(details={"dependency": what}) from exc
    except BotoCoreError as exc:
        raise UnavailableError(details={"dependency": what}) from exc


def _is_bad_start_key(code: object, message: object) -> bool:
    """DynamoDB refusing a page's start key: a `next` cursor that decodes but names no key of this table."""
    return code == "ValidationException" and "start" in str(message).lower() and "key" in str(message).lower()


def request_token() -> str:
    """A new ClientRequestToken (or marker) for one write: the SDK's repeat of it (its answer lost) carries the
    same one and is answered as the write made (DynamoDB, within 10 minutes), never as a failed condition; another
    request, even the same admin's double tap in the same second, carries another and meets the condition."""
    return secrets.token_hex(18)


def transaction(client_request_token: str | None = None) -> TransactWrite:
    """A DynamoDB transaction on the configured region (use inside ``storage_call``).

    With a `client_request_token`, DynamoDB treats a repeat of the same transaction within 10 minutes as the
    one already made (the SDK repeats a request whose answer was lost).
    """
    return TransactWrite(connection=shared_connection(), client_request_token=client_request_token)


def record_from(cls: type[R], item: object, **computed: object) -> R:
    """A domain record whose fields are the stored item's attributes of the same names, except those given in
    `computed` (conversions, defaults for absent attributes)."""
    copied = {f.name: getattr(item, f.name) for f in fields(cls) if f.init and f.name not in computed}
    return cls(**copied, **computed)


def item_from(model: type[Item], record: DataclassInstance, **computed: Any) -> Item:
    """A stored item whose attributes are the record's fields of the same names, except those given in
    `computed`; the record's other fields are not stored in this table."""
    names = model.get_attributes().keys() - computed.keys()
    copied: dict[str, Any] = {f.name: getattr(record, f.name) for f in fields(record) if f.name in names}
    return model(**copied, **computed)


def batch_records(
    model: type[Item], keys: Iterable[str], record: Callable[[Item], T], *, consistent: bool = False
) -> list[T]:
    """The items of these hash keys that exist, as records, in key order (duplicates read once; `consistent`:
    strongly consistent reads). An empty key names no item and is not asked for: DynamoDB refuses a request
    naming one (ValidationException, a 503 here), where moto answers nothing (a letter without an area has the
    zone id "")."""
    wanted = sorted(k for k in set(keys) if k)
    if not wanted:
        return []
    hash_key = next(name for name, attribute in model.get_attributes().items() if attribute.is_hash_key)
    with storage_call("dynamodb"):
        found = {getattr(m, hash_key): record(m) for m in model.batch_get(wanted, consistent_read=consistent)}
    return [found[k] for k in wanted if k in found]


RawItem = dict[str, dict[str, Any]]


def raw_query(
    model: type[Model],
    hash_key: str,
    attributes: list[str],
    *,
    condition: Any = None,
    index: str | None = None,
    consistent: bool = False,
) -> Iterator[RawItem]:
    """The items of a Query of `model`'s table (or `index`), page by page, projected on `attributes`, as
    DynamoDB's attribute maps (``{"nip": {"S": "..."}}``): reads of thousands of small items skip building
    pynamodb models, which costs more than the query itself. `consistent` reads strongly consistent (tables
    only). Iterate it inside ``storage_call``."""
    connection = model._get_connection()
    start: dict[str, Any] | None = None
    while True:
        page = connection.query(
            hash_key,
            range_key_condition=condition,
            attributes_to_get=attributes,
            exclusive_start_key=start,
            index_name=index,
            consistent_read=consistent,
        )
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def raw_text(item: RawItem, name: str) -> str | None:
    """A string attribute of a raw item, None when the item has none."""
    value = item.get(name)
    return value.get("S") if value else None


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """UTC instant as ISO 8601 with offset, second precision."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def derived_hex(source: str, digits: int) -> str:
    """`digits` hex digits that are the same for the same `source`: the random part of an id made again by a
    retry (what a request's approval creates, a leave recorded twice) so that the retry finds the first."""
    return hashlib.sha256(source.encode()).hexdigest()[:digits]


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    """A `next` cursor: the JSON position, base64url, and a MAC over it (`decode_position` checks it), so that
    only cursors this deployment handed out are ever used as a start key."""
    if not last_key:
        return None
    payload = _b64(json.dumps(last_key, sort_keys=True).encode())
    return f"{payload}.{_b64(_mac(payload))}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _mac(payload: str) -> bytes:
    key = hashlib.sha256(b"smart-next-cursor:" + load_settings().token_secret.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).digest()[:16]


# What a broken `next` is answered with (details, then the Indonesian message): here and in one-page queries.
BAD_CURSOR = ("invalid cursor", "Kursor halaman tidak valid.")


def bad_cursor() -> ValidationError:
    problem, message = BAD_CURSOR
    return ValidationError(message, {"next": problem})


MAX_CURSOR_CHARS = 2048
_LIST_TAG = "~"  # not in base64url nor in a cursor: what `bind_cursor` appends starts after the last one


def bind_cursor(scope: str, cursor: str) -> str:
    """A `next` cursor tied to the list that handed it out (`scope`: its route and path parameters), so that a
    cursor of one list sent to another is refused (VALIDATION_ERROR) instead of reading from a position of
    another table or partition (an empty page on moto; DynamoDB's own refusal is not a contract)."""
    return f"{cursor}{_LIST_TAG}{_list_mac(scope, cursor)}"


def unbind_cursor(scope: str, bound: str) -> str:
    """The cursor `bind_cursor` tied to `scope`; VALIDATION_ERROR when it is not one of this list's."""
    cursor, tagged, tag = bound.rpartition(_LIST_TAG)
    if not tagged or not tag.isascii() or not hmac.compare_digest(tag, _list_mac(scope, cursor)):
        raise bad_cursor()
    return cursor


def _list_mac(scope: str, cursor: str) -> str:
    return _b64(_mac(f"{scope}\n{cursor}"))[:16]


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """A `next` cursor back into DynamoDB's start key; a cursor this deployment did not make is VALIDATION_ERROR,
    as is a key of another table (see storage_call)."""
    return start_key(decode_position(cursor))


def decode_position(cursor: str | None) -> dict[str, Any] | None:
    """A cursor back into the JSON object it was made of (`encode_cursor`); VALIDATION_ERROR when it is not one
    this deployment made (altered, truncated, forged or from another deployment)."""
    if not cursor:
        return None
    payload, _, mac = cursor.partition(".")
    if len(cursor) > MAX_CURSOR_CHARS or not payload.isascii() or not mac.isascii():
        raise bad_cursor()
    if not hmac.compare_digest(mac, _b64(_mac(payload))):
        raise bad_cursor()
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise bad_cursor() from exc
    if not isinstance(data, dict):
        raise bad_cursor()
    return data


def start_key(data: object) -> dict[str, Any] | None:
    """`data` as a DynamoDB start key (None for none); VALIDATION_ERROR when it is not a key at all. (A cursor
    reused on another route is refused by the HTTP layer first: `bind_cursor`.)"""
    if data is None:
        return None
    if not isinstance(data, dict) or not data or not all(isinstance(v, dict) for v in data.values()):
        raise bad_cursor()
    return data
