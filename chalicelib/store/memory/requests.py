"""In-memory twin of the requests repository (`chalicelib.store.requests.RequestsRepository`), for tests and
tools. It answers exactly as the DynamoDB repository does, as pinned by `tests/unit/store/requests_contract.py`;
its cursors have the shape of DynamoDB's last evaluated keys of the same indexes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from chalicelib.domain.decisions import Decided
from chalicelib.domain.requests import APPROVED, PENDING, EmployeeRequest
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed
from chalicelib.store.requests import Page, Quota, QuotaFull, decided, own_key, revoked, unit_key


class InMemoryRequestsRepository:
    """Requests by id; the two lists sort them as the indexes do."""

    def __init__(self) -> None:
        self._requests: dict[str, EmployeeRequest] = {}
        self._quotas: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def add(self, request: EmployeeRequest) -> None:
        with self._lock:
            if request.request_id in self._requests:
                raise ConditionFailed("dynamodb")
            self._requests[request.request_id] = request

    def get(self, request_id: str) -> EmployeeRequest | None:
        with self._lock:
            return self._requests.get(request_id)

    def of_employee(self, nip: str, limit: int, cursor: dict[str, Any] | None) -> Page:
        return self._page(lambda r: r.nip == nip, own_key, ("nip", "own_key"), limit, cursor)

    def of_employee_in(self, nip: str, status: str) -> list[EmployeeRequest]:
        with self._lock:
            found = [r for r in self._requests.values() if r.nip == nip and r.status == status]
        return sorted(found, key=own_key, reverse=True)

    def of_unit(self, unor_id: str, status: str | None, limit: int, cursor: dict[str, Any] | None) -> Page:
        def keep(r: EmployeeRequest) -> bool:
            return r.unor_id == unor_id and (status is None or r.status == status)

        return self._page(keep, unit_key, ("unor_id", "unit_key"), limit, cursor)

    def _page(
        self,
        keep: Callable[[EmployeeRequest], bool],
        key: Callable[[EmployeeRequest], str],
        index: tuple[str, str],
        limit: int,
        cursor: dict[str, Any] | None,
    ) -> Page:
        """Newest first (descending range key); the cursor names the last request answered, with the keys of
        the `index` (hash and range attribute names)."""
        hash_name, range_name = index
        with self._lock:
            rows = sorted((r for r in self._requests.values() if keep(r)), key=key, reverse=True)
        after = cursor[range_name]["S"] if cursor else None
        rest = [r for r in rows if after is None or key(r) < after]
        page = rest[:limit]
        if len(rest) <= limit:
            return page, None
        last = page[-1]
        return page, {
            "request_id": {"S": last.request_id},
            hash_name: {"S": getattr(last, hash_name)},
            range_name: {"S": key(last)},
        }

    def decide(
        self, request_id: str, status: str, by: Decided, *, nip: str | None = None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        with self._lock:
            return self._decide(request_id, status, by, nip=nip, audit=audit)

    def approve_within(self, request_id: str, quota: Quota, by: Decided) -> EmployeeRequest:
        with self._lock:
            if self._pending(request_id) and len(self._quotas.get(quota.key, ())) >= quota.limit:
                raise QuotaFull(quota)
            after = self._decide(request_id, APPROVED, by, nip=None)
            self._quotas.setdefault(quota.key, set()).add(request_id)
            return after

    def _pending(self, request_id: str, nip: str | None = None) -> bool:
        stored = self._requests.get(request_id)
        return stored is not None and stored.status == PENDING and nip in (None, stored.nip)

    def _decide(
        self, request_id: str, status: str, by: Decided, *, nip: str | None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        """`decide` under the lock."""
        if not self._pending(request_id, nip):
            raise ConditionFailed("dynamodb")
        after = decided(self._requests[request_id], status, by)
        if audit is not None:
            audit.write()  # its failure leaves the request pending, as a failed transaction does
        self._requests[request_id] = after
        return after

    def reopen(self, request_id: str, actor: str, *, quota_key: str | None = None) -> None:
        with self._lock:
            stored = self._requests.get(request_id)
            if stored is None:
                return
            if stored.decided_by != actor or stored.result_id is not None:
                raise ConditionFailed("dynamodb")
            self._requests[request_id] = replace(stored, status=PENDING, decided_by=None, decided_at=None, note=None)
            if quota_key is not None:
                self._quotas.get(quota_key, set()).discard(request_id)

    def revoke(
        self, request_id: str, by: Decided, *, quota_key: str | None, audit: AuditBatch | None = None
    ) -> EmployeeRequest:
        with self._lock:
            stored = self._requests.get(request_id)
            if stored is None or stored.status != APPROVED:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the request approved, as a failed transaction does
            after = self._requests[request_id] = revoked(stored, by)
            if quota_key is not None:
                self._quotas.get(quota_key, set()).discard(request_id)
            return after

    def quota_holders(self, key: str) -> frozenset[str]:
        with self._lock:
            return frozenset(self._quotas.get(key, ()))

    def set_result(self, request_id: str, result_id: str, audit: AuditBatch | None = None) -> None:
        with self._lock:
            stored = self._requests.get(request_id)
            if stored is None or stored.status != APPROVED or stored.result_id is not None:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the approval unnamed, as a failed transaction does
            self._requests[request_id] = replace(stored, result_id=result_id)
