"""The behaviour every implementation of `chalicelib.store.requests.RequestsRepository` must have.

Subclass `RequestsRepositoryContract` as `Test...` and provide a `repo` fixture returning a fresh, empty
repository: the in-memory twin in tests/unit/store, the DynamoDB one (moto in-process) in
tests/functional/test_requests_store.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import chain
from typing import Any

import pytest

from chalicelib.domain.decisions import Decided
from chalicelib.domain.requests import EmployeeRequest
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.requests import Quota, QuotaFull, RequestsRepository

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def request(request_id: str, nip: str = NIP, unor_id: str = "U1", minutes: int = 0, **changes: Any) -> EmployeeRequest:
    base = EmployeeRequest(
        request_id,
        nip,
        unor_id,
        "CUTI",
        "2026-03-09",
        "2026-03-10",
        "Keperluan keluarga",
        iso(T0 + timedelta(minutes=minutes)),
    )
    return replace(base, **changes)


def every_page(read: Any, limit: int) -> list[list[str]]:
    """The ids of each page until the cursor runs out (a store may answer a last, empty page)."""
    pages, cursor = [], None
    while True:
        rows, cursor = read(limit, cursor)
        pages.append([r.request_id for r in rows])
        if cursor is None:
            return [p for p in pages if p]


def entry(audit_log: AuditRepository, action: str) -> AuditBatch:
    """The entry naming `action` on the request r-1, stamped by `audit_log` for the repository to keep."""
    return audit_log.stamped("admin", action, {"r-1": {"nip": NIP}})


def logged(audit_log: AuditRepository) -> list[tuple[str, str]]:
    """The (action, target) of every entry the log holds of the audit contract's day."""
    return [(e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())]


class RequestsRepositoryContract:
    """Subclass with a `repo` fixture returning an empty RequestsRepository."""

    def test_a_request_is_stored_once_and_read_back(self, repo: RequestsRepository) -> None:
        r = request("r-1", attachment_key="requests/x/r-1.pdf", attachment_type="application/pdf")
        repo.add(r)
        assert repo.get("r-1") == r and repo.get("r-2") is None
        with pytest.raises(ConditionFailed):
            repo.add(replace(r, reason="again"))
        assert repo.get("r-1") == r

    def test_an_employee_s_requests_come_newest_first_in_pages(self, repo: RequestsRepository) -> None:
        for minutes in range(5):
            repo.add(request(f"r-{minutes}", minutes=minutes))
        repo.add(request("r-other", nip=OTHER, minutes=9))
        pages = every_page(lambda limit, cursor: repo.of_employee(NIP, limit, cursor), 2)
        assert pages == [["r-4", "r-3"], ["r-2", "r-1"], ["r-0"]]
        assert repo.of_employee(OTHER, 10, None)[0] == [request("r-other", nip=OTHER, minutes=9)]

    def test_an_employee_s_requests_of_one_status_come_all_at_once_newest_first(self, repo: RequestsRepository) -> None:
        for minutes in range(5):
            repo.add(request(f"r-{minutes}", minutes=minutes))
        repo.add(request("r-other", nip=OTHER, minutes=9))
        repo.decide("r-2", "approved", Decided("admin", "ok", T0))
        assert [r.request_id for r in repo.of_employee_in(NIP, "pending")] == ["r-4", "r-3", "r-1", "r-0"]
        assert [r.request_id for r in repo.of_employee_in(NIP, "approved")] == ["r-2"]
        assert (
            repo.of_employee_in(OTHER, "approved") == [] and repo.of_employee_in("199001012020121999", "pending") == []
        )

    def test_a_unit_s_requests_come_by_status_newest_first(self, repo: RequestsRepository) -> None:
        for minutes in range(4):
            repo.add(request(f"r-{minutes}", minutes=minutes))
        repo.add(request("r-u2", unor_id="U2"))
        repo.decide("r-1", "approved", Decided("admin", "ok", T0))
        assert every_page(lambda limit, cursor: repo.of_unit("U1", "pending", limit, cursor), 2) == [
            ["r-3", "r-2"],
            ["r-0"],
        ]
        assert [r.request_id for r in repo.of_unit("U1", "approved", 10, None)[0]] == ["r-1"]
        everything = every_page(lambda limit, cursor: repo.of_unit("U1", None, limit, cursor), 3)
        assert list(chain.from_iterable(everything)) == ["r-3", "r-2", "r-0", "r-1"]  # pending > approved, backwards
        assert [r.request_id for r in repo.of_unit("U2", None, 10, None)[0]] == ["r-u2"]

    def test_a_decision_is_taken_once(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))
        decided = repo.decide("r-1", "rejected", Decided("admin", "Tidak ada surat", T0))
        assert decided == replace(
            request("r-1"), status="rejected", decided_by="admin", decided_at=iso(T0), note="Tidak ada surat"
        )
        assert repo.get("r-1") == decided
        for status in ("approved", "cancelled"):
            with pytest.raises(ConditionFailed):
                repo.decide("r-1", status, Decided("other", None, T0))
        with pytest.raises(ConditionFailed):
            repo.decide("r-missing", "approved", Decided("admin", None, T0))
        assert repo.get("r-1") == decided

    def test_only_the_owner_cancels_with_a_nip_condition(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))
        with pytest.raises(ConditionFailed):
            repo.decide("r-1", "cancelled", Decided(OTHER, None, T0), nip=OTHER)
        assert repo.get("r-1") == request("r-1")
        assert repo.decide("r-1", "cancelled", Decided(NIP, None, T0), nip=NIP).status == "cancelled"

    def test_of_parallel_decisions_exactly_one_wins(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))

        def decide(actor: str) -> str:
            try:
                return repo.decide("r-1", "approved", Decided(actor, None, T0)).decided_by or ""
            except ConditionFailed:
                return "lost"

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(decide, [f"admin-{i}" for i in range(8)]))
        winners = [o for o in outcomes if o != "lost"]
        assert len(winners) == 1 and repo.get("r-1") == replace(  # type: ignore[comparison-overlap]
            request("r-1"), status="approved", decided_by=winners[0], decided_at=iso(T0)
        )

    def test_an_approval_without_its_effect_is_undone_by_its_admin_only(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))
        repo.decide("r-1", "approved", Decided("admin", "ok", T0))
        with pytest.raises(ConditionFailed):
            repo.reopen("r-1", "someone-else")
        repo.reopen("r-1", "admin")
        assert repo.get("r-1") == request("r-1")
        assert [r.request_id for r in repo.of_unit("U1", "pending", 10, None)[0]] == ["r-1"]
        repo.decide("r-1", "approved", Decided("admin", None, T0))
        repo.set_result("r-1", "l-123")
        assert repo.get("r-1").result_id == "l-123"  # type: ignore[union-attr]
        with pytest.raises(ConditionFailed):
            repo.reopen("r-1", "admin")  # its effect exists: it stays approved

    def test_an_effect_is_named_only_on_a_request_still_approved(self, repo: RequestsRepository) -> None:
        # GIVEN an approval taken back (revoked) while its effect was being made
        repo.add(request("r-1"))
        repo.decide("r-1", "approved", Decided("admin", "ok", T0))
        repo.revoke("r-1", Decided("bkpsdm", "keliru", T0), quota_key=None)
        # WHEN the approval names its effect, THEN it is refused and the request names nothing
        with pytest.raises(ConditionFailed):
            repo.set_result("r-1", "l-123")
        assert repo.get("r-1").result_id is None  # type: ignore[union-attr]

    def test_a_decision_is_kept_with_its_audit_entry_and_a_retry_names_it_no_second_time(
        self, repo: RequestsRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a rejection stored with the entry naming it, WHEN it is sent again, THEN that is refused whole
        repo.add(request("r-1"))
        repo.decide("r-1", "rejected", Decided("admin", "Tanpa surat", T0), audit=entry(audit_log, "request.reject"))
        with pytest.raises(ConditionFailed):
            repo.decide(
                "r-1", "rejected", Decided("admin", "Tanpa surat", T0), audit=entry(audit_log, "request.reject")
            )
        # AND the log names the rejection once
        assert logged(audit_log) == [("request.reject", "r-1")]

    def test_an_effect_is_named_once_with_the_approval_s_audit_entry(
        self, repo: RequestsRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN an approved request whose effect is named with the entry naming the approval
        repo.add(request("r-1"))
        repo.decide("r-1", "approved", Decided("admin", None, T0))
        repo.set_result("r-1", "l-123", entry(audit_log, "request.approve"))
        # WHEN it is named again, with the same effect or another (a second finishing), THEN that is refused whole
        for result_id in ("l-123", "l-456"):
            with pytest.raises(ConditionFailed):
                repo.set_result("r-1", result_id, entry(audit_log, "request.approve"))
        # AND the request names the first effect, the log the approval once
        assert repo.get("r-1").result_id == "l-123"  # type: ignore[union-attr]
        assert logged(audit_log) == [("request.approve", "r-1")]

    def test_a_revocation_is_kept_with_its_audit_entry_and_its_quota_place(
        self, repo: RequestsRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a correction approved within its quota, WHEN it is revoked with its entry, and that is sent again
        repo.add(request("r-1"))
        quota = Quota("KOREKSI#x#2026-03", 2)
        repo.approve_within("r-1", quota, Decided("admin", None, T0))
        repo.revoke(
            "r-1", Decided("bkpsdm", "keliru", T0), quota_key=quota.key, audit=entry(audit_log, "request.revoke")
        )
        with pytest.raises(ConditionFailed):
            repo.revoke(
                "r-1", Decided("bkpsdm", "keliru", T0), quota_key=quota.key, audit=entry(audit_log, "request.revoke")
            )
        # THEN it is revoked once, its place given back, and the log names the revocation once
        assert repo.get("r-1").status == "revoked"  # type: ignore[union-attr]
        assert repo.quota_holders(quota.key) == frozenset()
        assert logged(audit_log) == [("request.revoke", "r-1")]

    def test_an_approval_takes_a_place_in_its_quota_until_it_is_full(self, repo: RequestsRepository) -> None:
        for n in range(4):
            repo.add(request(f"r-{n}", minutes=n))
        quota = Quota("KOREKSI#x#2026-03", 2)
        repo.approve_within("r-0", quota, Decided("admin", None, T0))
        repo.approve_within("r-1", quota, Decided("admin", None, T0))
        with pytest.raises(QuotaFull):
            repo.approve_within("r-2", quota, Decided("admin", None, T0))
        assert repo.get("r-2") == request("r-2", minutes=2)  # nothing written
        assert repo.quota_holders(quota.key) == {"r-0", "r-1"}
        assert repo.quota_holders("KOREKSI#x#2026-04") == frozenset()
        # Another quota, and a rejection, take no place in this one.
        repo.approve_within("r-2", Quota("KOREKSI#x#2026-04", 2), Decided("admin", None, T0))
        repo.decide("r-3", "rejected", Decided("admin", None, T0))
        assert repo.quota_holders(quota.key) == {"r-0", "r-1"}

    def test_a_request_not_pending_takes_no_place(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))
        repo.decide("r-1", "cancelled", Decided(NIP, None, T0), nip=NIP)
        for limit in (0, 1):
            with pytest.raises(ConditionFailed):
                repo.approve_within("r-1", Quota("q", limit), Decided("admin", None, T0))
        assert repo.quota_holders("q") == frozenset()
        repo.add(request("r-2"))
        with pytest.raises(QuotaFull):
            repo.approve_within("r-2", Quota("q", 0), Decided("admin", None, T0))
        assert repo.get("r-2") == request("r-2")

    def test_a_reopened_approval_gives_its_place_back(self, repo: RequestsRepository) -> None:
        repo.add(request("r-1"))
        repo.add(request("r-2", minutes=1))
        quota = Quota("q", 1)
        repo.approve_within("r-1", quota, Decided("admin", None, T0))
        repo.reopen("r-1", "admin", quota_key=quota.key)
        assert repo.quota_holders(quota.key) == frozenset() and repo.get("r-1") == request("r-1")
        repo.approve_within("r-2", quota, Decided("admin", None, T0))
        assert repo.quota_holders(quota.key) == {"r-2"}

    def test_an_approval_is_revoked_once_giving_its_place_back(self, repo: RequestsRepository) -> None:
        # GIVEN a quota of one held by an approved request, and a request still pending
        repo.add(request("r-1"))
        repo.add(request("r-2", minutes=1))
        quota = Quota("q", 1)
        repo.approve_within("r-1", quota, Decided("admin", "ok", T0))
        # WHEN a pending request is revoked, THEN nothing changes
        with pytest.raises(ConditionFailed):
            repo.revoke("r-2", Decided("bkpsdm", "salah", T0), quota_key=quota.key)
        assert repo.get("r-2") == request("r-2", minutes=1)
        # WHEN the approved one is revoked, THEN it is stored so (keeping who approved it), listed so, and its
        # place is free
        later = T0 + timedelta(days=3)
        revoked = repo.revoke("r-1", Decided("bkpsdm", "Tidak ada bukti", later), quota_key=quota.key)
        assert revoked == replace(request("r-1"), status="revoked", decided_by="bkpsdm", decided_at=iso(later),
                                  note="Tidak ada bukti", approved_by="admin", approved_at=iso(T0))  # fmt: skip
        assert repo.get("r-1") == revoked and repo.quota_holders(quota.key) == frozenset()
        assert [r.request_id for r in repo.of_unit("U1", "revoked", 10, None)[0]] == ["r-1"]
        repo.approve_within("r-2", quota, Decided("admin", None, T0))
        # AND a second revocation, of it or without a quota, is refused
        with pytest.raises(ConditionFailed):
            repo.revoke("r-1", Decided("siti", "lagi", later), quota_key=None)
        assert repo.get("r-1") == revoked and repo.quota_holders(quota.key) == {"r-2"}
        repo.add(request("r-3", minutes=2))
        repo.decide("r-3", "approved", Decided("admin", None, T0))
        assert repo.revoke("r-3", Decided("bkpsdm", "x", later), quota_key=None).status == "revoked"
        assert repo.get("r-3").status == "revoked"  # type: ignore[union-attr]

    def test_parallel_approvals_of_different_requests_never_pass_the_quota(self, repo: RequestsRepository) -> None:
        ids = [f"r-{n}" for n in range(6)]
        for n, request_id in enumerate(ids):
            repo.add(request(request_id, minutes=n))
        quota = Quota("q", 2)

        def approve(request_id: str) -> bool:
            try:
                repo.approve_within(request_id, quota, Decided(f"admin-{request_id}", None, T0))
            except QuotaFull:
                return False
            return True

        with ThreadPoolExecutor(max_workers=6) as pool:
            approved = [i for i, won in zip(ids, pool.map(approve, ids), strict=True) if won]
        assert len(approved) == 2 and repo.quota_holders(quota.key) == set(approved)
        statuses = {i: repo.get(i).status for i in ids}  # type: ignore[union-attr]
        assert statuses == {i: "approved" if i in approved else "pending" for i in ids}
