"""Make moto's DynamoDB scale like DynamoDB for the local stack and the benchmarks (dev tooling, never shipped).

moto 5.2 emulates DynamoDB's answers faithfully but not its costs:
- every Query (on the table or an index) lists and SORTS THE WHOLE TABLE (`Table.all_items`) and then filters
  it, so one Query costs O(N log N) in the table's size, however small the partition it reads;
- every TransactWriteItems deep-copies every table it touches, to be able to roll back.
With a month of a regency's events (≈ 280,000 items) a single Query takes seconds, and each check-in's
transaction copies the whole events table: the local stack then measures moto, not SMART.

`install()` changes only how moto finds the candidates, never what it answers:
- `Table.all_items` keeps its sorted list until the table's set of items changes (a version counter bumped by
  every put, delete and update);
- a Query on the table hands moto's own `Table.query` only the items of the asked partition, and a Query on an
  index only the items whose first index hash attribute equals the asked value (from a per-index map built
  lazily per version); moto's code still applies every condition, sorts, pages, filters and projects;
- TransactWriteItems keeps a copy of the items it touches instead of the whole tables, and puts them back
  when moto rolls the transaction back;
- the answers of the item operations (GetItem, Query, Scan, ...) are written with `json.dumps`: they are
  already in DynamoDB's wire format, and moto's generic serializer walks the botocore shape of every
  attribute value (≈ 2 ms per item with 4 attributes measured here), which made any read of a few
  thousand items take seconds;
- one DynamoDB request is handled at a time: moto's condition checks and writes are separate steps, so two
  concurrent conditional writes on one item could both succeed (measured: 6 threads, each making 30
  read-then-conditional-increment attempts on one counter: 66-73 "succeeded", the counter ended at 50).
  DynamoDB serialises writes per item; serialising whole requests costs little in a process whose Python
  already runs one thread at a time;
- the requests of the item operations are read with `json.loads` (binary values decoded from base64, as
  moto's shape-walking parser does) instead of walking the botocore shape of every attribute value;
- a Query with a projection skips moto's deep copy of every full result item (the projection builds new
  items anyway);
- a projection on top-level attributes converts just those attributes, once (moto converted the whole item
  to Python and back for every projected name);
- the server finds the service of a request from a memo of host → backend (moto listed its own package
  directory and tried its URL patterns for every request, under a lock all requests share), and the names of
  a handler's actions from a memo per class (moto ran `inspect.getmembers` on the handler for every request);
- a new item checks its 400 KB size limit once, on all its attributes, instead of re-adding the sizes of
  every attribute already set each time one more is set (quadratic in the attribute count: 3 of every 4
  seconds of a batch write of 14-attribute items went there).
tests/unit/tools/test_moto_scaling.py runs the same requests against moto with and without it and compares.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import json
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from moto.core import responses as moto_responses
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict, deserializer, serializer
from moto.dynamodb.models.table import Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoHandler, DynamoResult
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

__all__ = ["install", "installed", "uninstall"]

_ItemKey = tuple[str, DynamoType, DynamoType | None]


@dataclass
class _TableCache:
    """What is known about one table at `version` (bumped by every write)."""

    version: int = 0
    items_at: int = -1
    items: list[Item] = field(default_factory=list)
    # index name → (version, items by first hash key value, the values whose items are in index order)
    index_maps: dict[str, tuple[int, dict[DynamoType, list[Item]], set[DynamoType]]] = field(default_factory=dict)


_caches: weakref.WeakKeyDictionary[Table, _TableCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()
_in_transaction = threading.local()
_one_request_at_a_time = threading.Lock()
_results_need_no_copy = threading.local()
_originals: dict[tuple[object, str], Callable[..., Any]] = {}


def _cache(table: Table) -> _TableCache:
    with _caches_lock:
        found = _caches.get(table)
        if found is None:
            found = _caches[table] = _TableCache()
        return found


def _bump(table: Table) -> None:
    _cache(table).version += 1


class _Candidates:
    """The table as moto's `Table.query` sees it, with `all_items()` narrowed to the possible matches."""

    def __init__(self, table: Table, items: list[Item]) -> None:
        self._table = table
        self._items = items

    def all_items(self) -> list[Item]:
        return self._items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def _all_items(self: Table) -> list[Item]:
    cache = _cache(self)
    version = cache.version
    if cache.items_at != version:
        cache.items, cache.items_at = _originals[(Table, "all_items")](self), version
    return list(cache.items)


def _partition(table: Table, hash_key: DynamoType | None) -> list[Item]:
    part = table.items.get(hash_key) if hash_key is not None else None
    if part is None:
        return []
    if isinstance(part, Item):
        return [part]
    return list(part.values())


def _index_group(table: Table, index: Any, attribute: str, value: DynamoType) -> list[Item]:
    """The items whose `attribute` (the index's first hash key) equals `value`, in index order.

    The groups are built once per table version; each is put in index order the first time it is asked for.
    """
    cache = _cache(table)
    version = cache.version
    known = cache.index_maps.get(index.name)
    if known is None or known[0] != version:
        grouped: dict[DynamoType, list[Item]] = {}
        for item in _all_items(table):
            found = item.attrs.get(attribute)
            if found is not None:
                grouped.setdefault(found, []).append(item)
        known = cache.index_maps[index.name] = (version, grouped, set())
    _, groups, ordered = known
    if value not in ordered and value in groups:
        groups[value] = _in_index_order(table, index, groups[value])
        ordered.add(value)
    return list(groups.get(value, []))


def _in_index_order(table: Table, index: Any, items: list[Item]) -> list[Item]:
    """Items in the order moto sorts them for a query on `index`. moto sorts them again, so this only saves
    work (a stable sort of sorted items makes one comparison per item); any order would give the same answers.
    """
    keys = {kind: [k["AttributeName"] for k in index.schema if k["KeyType"] == kind] for kind in ("HASH", "RANGE")}
    try:
        return table.sorted_items(keys["HASH"] + [table.hash_key_attr], keys["RANGE"] + [table.range_key_attr], items)
    except (KeyError, TypeError):  # an item without every sort attribute: moto's own query leaves it out
        return items


def _index_candidates(table: Table, index_name: str, conditions: list[tuple[str, DynamoType]]) -> list[Item] | None:
    indexes = {i.name: i for i in table.all_indexes()}
    index = indexes.get(index_name)
    if index is None or not conditions:
        return None  # moto's own code answers (and raises its own validation error)
    first_hash = next((k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"), None)
    wanted = dict(conditions)
    if first_hash not in wanted:
        return None
    return _index_group(table, index, first_hash, wanted[first_hash])


def _query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
    original = _originals[(Table, "query")]
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    projected = args[5] if len(args) > 5 else kwargs.get("projection_expressions")
    if index_name:
        candidates = _index_candidates(self, index_name, kwargs.get("hash_key_conditions") or [])
    else:
        candidates = _partition(self, hash_key)
    table: Any = self if candidates is None else _Candidates(self, candidates)
    # moto deep-copies every full result item before projecting it; a projection builds new items anyway
    # (index projections and filters only read), so with one the copies are never seen: skip them.
    _results_need_no_copy.active = bool(projected)
    try:
        return original(table, hash_key, *args, **kwargs)
    finally:
        _results_need_no_copy.active = False


def _item_deepcopy(self: Item, memo: dict[int, Any]) -> Item:
    if getattr(_results_need_no_copy, "active", False):
        return self
    return _originals[(Item, "__deepcopy__")](self, memo)  # type: ignore[no-any-return]


_ITEM_SIZE_LIMIT = 405_000  # LimitedSizeDict.__setitem__'s bound (DynamoDB's 400 KB, as moto measures it)


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    converted = {key: DynamoType(value) for key, value in attrs.items()}
    # Sizes are never negative: the whole item is over the bound iff some prefix of it would be.
    if sum(bytesize(key) + value.size() for key, value in converted.items()) > _ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge
    self.attrs = LimitedSizeDict()
    dict.update(self.attrs, converted)


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    if any(len(path) != 1 or "[" in path[0] for path in projection_expressions):
        return _originals[(Item, "project")](self, projection_expressions)  # type: ignore[no-any-return]
    names = dict.fromkeys(path[0] for path in projection_expressions)
    # The same round trip through Python values as moto's own projection, for the projected attributes only.
    regular = {
        name: deserializer.deserialize(self.attrs[name].to_regular_json()) for name in names if name in self.attrs
    }
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=dict(serializer.serialize(regular)["M"]))


_backend_of_host: dict[str | None, Any] = {}


def _backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
    # The answer depends only on the host, moto's installed modules and its URL patterns, fixed for a process.
    if host not in _backend_of_host:
        _backend_of_host[host] = _originals[(DomainDispatcherApplication, "get_backend_for_host")](self, host)
    return _backend_of_host[host]


def _bumping(cls: type, name: str, table_of: Callable[..., Table]) -> Callable[..., Any]:
    """Wrap a write so that the table's version is bumped afterwards (also when it failed half-way)."""

    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _originals[(cls, name)](self, *args, **kwargs)
        finally:
            # An unknown table: moto has raised its own error already.
            with contextlib.suppress(Exception):
                _bump(table_of(self, *args, **kwargs))

    return write


def _table_deepcopy(self: Table, memo: dict[int, Any]) -> Table:
    if getattr(_in_transaction, "active", False):
        return self  # the touched items are kept by _transact_write_items instead
    reductor = self.__reduce_ex__(4)
    return copy._reconstruct(self, memo, *reductor)  # type: ignore[attr-defined,no-any-return]


def _touched_items(
    backend: DynamoDBBackend, transact_items: list[dict[str, Any]]
) -> list[tuple[Table, _ItemKey, Item | None]]:
    kept = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        table = backend.get_table(op["TableName"])
        key = op.get("Key") or {
            name: op["Item"][name] for name in (table.hash_key_attr, table.range_key_attr) if name is not None
        }
        hash_value, range_value = backend.get_keys_value(table, key)
        kept.append(
            (table, (table.name, hash_value, range_value), copy.deepcopy(table.get_item(hash_value, range_value)))
        )
    return kept


def _put_back(table: Table, hash_value: DynamoType, range_value: DynamoType | None, item: Item | None) -> None:
    if item is None:
        table.delete_item(hash_value, range_value)
    elif range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item  # type: ignore[assignment]
    _bump(table)


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    original = _originals[(DynamoDBBackend, "transact_write_items")]
    try:
        kept = _touched_items(self, transact_items)
    except Exception:  # a malformed request: moto's own code raises the right error
        return original(self, transact_items)  # type: ignore[no-any-return]
    _in_transaction.active = True
    try:
        original(self, transact_items)
    except BaseException:
        for table, (_, hash_value, range_value), item in reversed(kept):
            _put_back(table, hash_value, range_value, item)
        raise
    finally:
        _in_transaction.active = False
        for table, _, _ in kept:
            _bump(table)


def _with_bytes(value: Any) -> Any:
    """A request body with its B and BS attribute values decoded, as moto's own parser hands them on."""
    if isinstance(value, dict):
        if len(value) == 1:
            kind, inner = next(iter(value.items()))
            if kind == "B" and isinstance(inner, str):
                return {kind: base64.b64decode(inner)}
            if kind == "BS" and isinstance(inner, list) and all(isinstance(v, str) for v in inner):
                return {kind: [base64.b64decode(v) for v in inner]}
        return {key: _with_bytes(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_with_bytes(inner) for inner in value]
    return value


def _parse_parameters(self: DynamoHandler, request: Any) -> None:
    if self._get_action() in _ITEM_OPERATIONS:
        try:
            body = json.loads(request.data or b"{}")
        except ValueError:
            body = None
        if isinstance(body, dict):
            self.params = _with_bytes(body)
            return
    _originals[(DynamoHandler, "parse_parameters")](self, request)


def _call_action(self: DynamoHandler) -> Any:
    with _one_request_at_a_time:
        return _originals[(DynamoHandler, "call_action")](self)


# Successful answers of these carry only items, keys, counts and capacities: plain JSON on the wire.
_ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "BatchGetItem",
        "Query",
        "Scan",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)


def _wire(value: object) -> str:
    if isinstance(value, bytes):  # B and BS values
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON: {type(value).__name__}")


def _execute_result(self: DynamoResult, context: Any) -> tuple[int, dict[str, str], str]:
    original = _originals[(DynamoResult, "execute_result")]
    if context.operation_model.name not in _ITEM_OPERATIONS:
        return original(self, context)  # type: ignore[no-any-return]
    serializer = context.serializer_class(operation_model=context.operation_model)
    content_type = serializer._get_protocol_specific_content_type()
    return 200, {"Content-Type": content_type}, json.dumps(self.result, default=_wire, separators=(",", ":"))


_DYNAMODB_TARGET = "DynamoDB_20120810."


def dynamodb_fast_path(app: Callable[..., Any]) -> Callable[..., Any]:
    """WSGI middleware for moto's server app: a DynamoDB request goes straight to moto's `DynamoHandler`.

    moto's server passes every request through Flask (request context, URL map, CORS hooks) before the
    handler; for the small JSON requests of DynamoDB that was about 40 % of the emulator's CPU. This does
    what moto's Flask view does (`convert_to_flask_response`: normalised request, recorder, handler, a
    ClientError as 400) and writes the handler's status, headers and body; anything else goes to `app`.
    """
    from botocore.exceptions import ClientError
    from moto.core.request import Request
    from moto.moto_api import recorder

    class _ServerRequest(Request):
        from_wsgi_server = True  # as moto's Flask request class says of requests that came over HTTP

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if environ.get("REQUEST_METHOD") != "POST" or not target.startswith(_DYNAMODB_TARGET):
            return app(environ, start_response)
        request = _ServerRequest(environ)
        recorder._record_request(request)
        try:
            status, headers, body = DynamoHandler.dispatch(request, request.raw_url, dict(request.headers))
        except ClientError as exc:
            status, headers, body = 400, {}, exc.response["Error"]["Message"]
        data = body.encode() if isinstance(body, str) else bytes(body)
        header_list = [(str(k), str(v)) for k, v in headers.items() if k.lower() != "content-length"]
        header_list.append(("Content-Length", str(len(data))))
        start_response(f"{int(status)} {HTTPStatus(int(status)).phrase}", header_list)
        return [data]

    return wsgi


@functools.cache
def _method_names(clazz: object) -> list[str]:
    names: list[str] = _originals[(moto_responses, "method_names_from_class")](clazz)
    return names


def _patches() -> list[tuple[object, str, Callable[..., Any]]]:
    table_by_name: Callable[..., Table] = lambda backend, table_name, *a, **k: backend.get_table(table_name)  # noqa: E731
    same_table: Callable[..., Table] = lambda table, *a, **k: table  # noqa: E731
    return [
        (Item, "__init__", _item_init),
        (Item, "project", _project),
        (Item, "__deepcopy__", _item_deepcopy),
        (DomainDispatcherApplication, "get_backend_for_host", _backend_for_host),
        (Table, "all_items", _all_items),
        (Table, "query", _query),
        (Table, "put_item", _bumping(Table, "put_item", same_table)),
        (Table, "delete_item", _bumping(Table, "delete_item", same_table)),
        (DynamoDBBackend, "update_item", _bumping(DynamoDBBackend, "update_item", table_by_name)),
        (DynamoDBBackend, "transact_write_items", _transact_write_items),
        (DynamoResult, "execute_result", _execute_result),
        (DynamoHandler, "call_action", _call_action),
        (DynamoHandler, "parse_parameters", _parse_parameters),
        (moto_responses, "method_names_from_class", _method_names),
    ]


def installed() -> bool:
    return bool(_originals)


def install() -> None:
    """Patch moto in this process (idempotent). Call before the server serves its first request."""
    if installed():
        return
    for cls, name, replacement in _patches():
        _originals[(cls, name)] = getattr(cls, name)
        setattr(cls, name, replacement)
    Table.__deepcopy__ = _table_deepcopy  # type: ignore[attr-defined]


def uninstall() -> None:
    """Undo `install()` (for the tests that compare patched and plain moto)."""
    for (cls, name), original in _originals.items():
        setattr(cls, name, original)
    _originals.clear()
    if "__deepcopy__" in vars(Table):
        del Table.__deepcopy__  # type: ignore[attr-defined]
    _caches.clear()
    _backend_of_host.clear()
    _method_names.cache_clear()


@contextmanager
def patched() -> Iterator[None]:
    install()
    try:
        yield
    finally:
        uninstall()


def main(argv: list[str] | None = None) -> None:
    """moto's own server, patched: `python -m tools.moto_scaling -H 127.0.0.1 -p PORT`."""
    from moto.server import main as moto_main

    install()
    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
