"""Employees' requests (leave, permit, sick leave, field duty, corrections): a repository of plain records.

`RequestsRepository` is what the use cases may ask; `DynamoRequestsRepository` answers it from the `requests`
table and `chalicelib.store.memory.requests` from a dict; `tests/unit/store/requests_contract.py` is the one
test class both pass. A request's status moves once out of `pending`, by a conditional write: of two admins
deciding at once (or an admin and the employee cancelling), exactly one wins, the other gets ConditionFailed.
An approval may take a place in a `Quota` (an employee's time corrections of a month) in the same write, so
admins approving different requests at once cannot pass its limit either.
Lists page with DynamoDB's last evaluated key (JSON-able; the use case signs it into `next`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from typing import Any, Protocol

from pynamodb.expressions.condition import size

from chalicelib.domain.decisions import Decided
from chalicelib.domain.requests import APPROVED, PENDING, REVOKED, EmployeeRequest
from chalicelib.store.audit import AuditBatch, save_in
from chalicelib.store.base import (
    ConditionFailed,
    cancelled_items,
    derived_hex,
    iso,
    item_from,
    record_from,
    request_token,
    storage_call,
    transaction,
)
from chalicelib.store.models import RequestModel, RequestQuotaModel
from chalicelib.store.people import get_model

Page = tuple[list[EmployeeRequest], dict[str, Any] | None]


REQUEST_ID = re.compile(r"^r-[0-9a-f]{12}$")


def new_request_id(source: str | None = None) -> str:
    """A new request id, or the one derived from `source` (the same source, the same id)."""
    return f"r-{derived_hex(source, 12) if source else secrets.token_hex(6)}"


def own_key(r: EmployeeRequest) -> str:
    """The employee index's range key: by creation (the list reads it newest first)."""
    return f"{r.created_at}#{r.request_id}"


def unit_key(r: EmployeeRequest) -> str:
    """The unit index's range key: by status, then creation."""
    return f"{r.status}#{r.created_at}#{r.request_id}"


@dataclass(frozen=True)
class Quota:
    """At most `limit` approved requests hold `key` at once (e.g. an employee's time corrections of a month)."""

    key: str
    limit: int


class QuotaFull(Exception):
    """An approval would pass its `quota`; nothing was written."""

    def __init__(self, quota: Quota) -> None:
        super().__init__(quota.key)
        self.quota = quota


def decided(r: EmployeeRequest, status: str, by: Decided) -> EmployeeRequest:
    """`r` moved out of pending `by` an admin (or the employee)."""
    return replace(r, status=status, decided_by=by.actor, decided_at=iso(by.at), note=by.note)


def revoked(r: EmployeeRequest, by: Decided) -> EmployeeRequest:
    """Approved `r` taken back `by` an admin, keeping who had approved it and when."""
    return replace(decided(r, REVOKED, by), approved_by=r.decided_by, approved_at=r.decided_at)


class RequestsRepository(Protocol):
    """Requests by id, one employee's and one unit's; conditional status changes (ConditionFailed)."""

    def add(self, request: EmployeeRequest) -> None:
        """Store a new request (ConditionFailed when the id exists)."""
        ...

    def get(self, request_id: str) -> EmployeeRequest | None: ...

    def of_employee(self, nip: str, limit: int, cursor: dict[str, Any] | None) -> Page:
        """Up to `limit` of the employee's requests, newest first, and the cursor of the rest (or None)."""
        ...

    def of_employee_in(self, nip: str, status: str) -> list[EmployeeRequest]:
        """All of the employee's requests of one status, newest first (however many they filed before)."""
        ...

    def of_unit(self, unor_id: str, status: str | None, limit: int, cursor: dict[str, Any] | None) -> Page:
        """Up to `limit` of the unit's requests (of one status, or all by status), newest first within a status,
        and the cursor of the rest (or None)."""
        ...

    def decide(
        self, request_id: str, status: str, by: Decided, *, nip: str | None = None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        """Move a pending request to `status` once and answer it as stored, with the `audit` entries naming the
        decision (all or none); ConditionFailed when it is not pending (or, with `nip`, not that employee's)."""
        ...

    def approve_within(self, request_id: str, quota: Quota, by: Decided) -> EmployeeRequest:
        """`decide` to approve, the request taking a place in `quota` in the same write: QuotaFull (and nothing
        written) when `quota.limit` requests hold it already."""
        ...

    def reopen(self, request_id: str, actor: str, *, quota_key: str | None = None) -> None:
        """Undo `actor`'s approval whose effect could not be written (ConditionFailed when it is not theirs),
        giving back its place in the quota `quota_key`."""
        ...

    def revoke(
        self, request_id: str, by: Decided, *, quota_key: str | None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        """Move an approved request to `revoked` once and answer it as stored, giving back its place in the
        quota `quota_key` and writing the `audit` entries naming it in the same write; ConditionFailed when it is
        not approved."""
        ...

    def quota_holders(self, key: str) -> frozenset[str]:
        """The ids of the approved requests that hold the quota `key`."""
        ...

    def set_result(self, request_id: str, result_id: str, audit: AuditBatch | None = None) -> None:
        """Name what the approval created, once, with the `audit` entries naming the approval (all or none):
        ConditionFailed when the request is not approved (any more: taken back while the approval ran) or names
        an effect already."""
        ...


def _request(m: RequestModel) -> EmployeeRequest:
    return record_from(EmployeeRequest, m)


def _item(r: EmployeeRequest) -> RequestModel:
    return item_from(RequestModel, r, own_key=own_key(r), unit_key=unit_key(r))


class DynamoRequestsRepository:
    """`RequestsRepository` on the `requests` table (indexes `by_nip`, `by_unit`)."""

    def add(self, request: EmployeeRequest) -> None:
        with storage_call("dynamodb"):
            _item(request).save(condition=RequestModel.request_id.does_not_exist())

    def get(self, request_id: str) -> EmployeeRequest | None:
        found: RequestModel | None = get_model(RequestModel, request_id)
        return _request(found) if found else None

    def of_employee(self, nip: str, limit: int, cursor: dict[str, Any] | None) -> Page:
        with storage_call("dynamodb"):
            result = RequestModel.by_nip.query(nip, scan_index_forward=False, limit=limit, last_evaluated_key=cursor)
            return [_request(m) for m in result], result.last_evaluated_key

    def of_employee_in(self, nip: str, status: str) -> list[EmployeeRequest]:
        with storage_call("dynamodb"):
            found = RequestModel.by_nip.query(
                nip, filter_condition=RequestModel.status == status, scan_index_forward=False
            )
            return [_request(m) for m in found]

    def of_unit(self, unor_id: str, status: str | None, limit: int, cursor: dict[str, Any] | None) -> Page:
        condition = RequestModel.unit_key.startswith(f"{status}#") if status else None
        with storage_call("dynamodb"):
            result = RequestModel.by_unit.query(
                unor_id, condition, scan_index_forward=False, limit=limit, last_evaluated_key=cursor
            )
            return [_request(m) for m in result], result.last_evaluated_key

    def decide(
        self, request_id: str, status: str, by: Decided, *, nip: str | None = None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        after = decided(self._stored(request_id), status, by)
        condition = _PENDING if nip is None else _PENDING & (RequestModel.nip == nip)
        self._update(after, condition, audit=audit)
        return after

    def approve_within(self, request_id: str, quota: Quota, by: Decided) -> EmployeeRequest:
        after = decided(self._stored(request_id), APPROVED, by)
        held, below = RequestQuotaModel.approved, size(RequestQuotaModel.approved) < quota.limit  # type: ignore[no-untyped-call]
        # Tested before size() (moto fails on the size of a missing set); a quota of none admits nothing.
        room = held.does_not_exist() | below if quota.limit > 0 else held.exists() & below
        try:
            with storage_call("dynamodb"), transaction(write_id := request_token()) as tx:
                tx.update(RequestModel(request_id), actions=_status_actions(after, write_id), condition=_PENDING)
                tx.update(_quota(quota.key), actions=[RequestQuotaModel.approved.add({request_id})], condition=room)
        except ConditionFailed as exc:
            if cancelled_items(exc) == {1}:  # the request was pending, its quota full
                raise QuotaFull(quota) from exc
            if not _written_by(request_id, write_id):
                raise
        return after

    def reopen(self, request_id: str, actor: str, *, quota_key: str | None = None) -> None:
        stored = self.get(request_id)
        if stored is None:
            return
        pending = replace(stored, status=PENDING, decided_by=None, decided_at=None, note=None)
        condition = (RequestModel.decided_by == actor) & (RequestModel.result_id.does_not_exist())
        self._update(pending, condition, give_back=quota_key)

    def revoke(
        self, request_id: str, by: Decided, *, quota_key: str | None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        after = revoked(self._stored(request_id), by)
        approved = (RequestModel.status == APPROVED) & RequestModel.request_id.exists()
        self._update(after, approved, give_back=quota_key, audit=audit)
        return after

    def quota_holders(self, key: str) -> frozenset[str]:
        found: RequestQuotaModel | None = get_model(RequestQuotaModel, _quota(key).request_id)
        return frozenset(found.approved or ()) if found else frozenset()

    def set_result(self, request_id: str, result_id: str, audit: AuditBatch | None = None) -> None:
        # The SDK's repeat of this transaction, its answer lost, finds the effect named: the use case reads it back.
        unnamed = (RequestModel.status == APPROVED) & RequestModel.result_id.does_not_exist()
        with storage_call("dynamodb"), transaction(request_token()) as tx:
            tx.update(RequestModel(request_id), actions=[RequestModel.result_id.set(result_id)], condition=unnamed)
            save_in(tx, audit)

    def _stored(self, request_id: str) -> EmployeeRequest:
        stored = self.get(request_id)
        if stored is None:
            raise ConditionFailed("dynamodb")
        return stored

    @staticmethod
    def _update(
        r: EmployeeRequest, condition: Any, *, give_back: str | None = None, audit: AuditBatch | None = None
    ) -> None:
        """Store `r`'s status and decision on `condition`, marked with a new `write_id`; with `give_back` or
        `audit`, in one transaction with the request's place in that quota given back and the entries. A failed
        condition that finds its own mark stored is this write, made before: the SDK sends a write again when its
        answer was lost (a read timeout while storage is slow), and the repeat meets what the first try wrote.
        That is success, not a lost race (a double tap is another write, with another mark: it still loses)."""
        write_id = request_token()
        actions = _status_actions(r, write_id)
        try:
            if give_back is None and audit is None:
                with storage_call("dynamodb"):
                    RequestModel(r.request_id).update(actions=actions, condition=condition)
            else:
                with storage_call("dynamodb"), transaction(write_id) as tx:
                    tx.update(RequestModel(r.request_id), actions=actions, condition=condition)
                    if give_back is not None:
                        tx.update(_quota(give_back), actions=[RequestQuotaModel.approved.delete({r.request_id})])
                    save_in(tx, audit)
        except ConditionFailed:
            if not _written_by(r.request_id, write_id):
                raise


_PENDING = (RequestModel.status == PENDING) & RequestModel.request_id.exists()


_DECISION_FIELDS = ("decided_by", "decided_at", "note", "approved_by", "approved_at")


def _status_actions(r: EmployeeRequest, write_id: str) -> list[Any]:
    """The update that stores `r`'s status and decision, marked as the write `write_id`."""
    return [
        RequestModel.status.set(r.status),
        RequestModel.write_id.set(write_id),
        RequestModel.unit_key.set(unit_key(r)),
        *(_set_or_remove(name, getattr(r, name)) for name in _DECISION_FIELDS),
    ]


def _written_by(request_id: str, write_id: str) -> bool:
    """Whether the request's status was last set by the write marked `write_id` (a strongly consistent read)."""
    found: RequestModel | None = get_model(RequestModel, request_id)
    return found is not None and found.write_id == write_id


def _quota(key: str) -> RequestQuotaModel:
    return RequestQuotaModel(f"quota#{key}")


def _set_or_remove(name: str, value: str | None) -> Any:
    attribute = getattr(RequestModel, name)
    return attribute.remove() if value is None else attribute.set(value)


__all__ = [
    "REQUEST_ID",
    "DynamoRequestsRepository",
    "Quota",
    "QuotaFull",
    "RequestsRepository",
    "decided",
    "new_request_id",
    "own_key",
    "unit_key",
]
