"""The DynamoDB people repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import EndpointConnectionError

from chalicelib.errors import UnavailableError
from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from tests.unit.store.people_contract import NOW, PeopleRepositoryContract, employee


class TestDynamoPeopleRepository(PeopleRepositoryContract):
    CLOCK = "chalicelib.store.people.utc_now"

    @pytest.fixture()
    def repo(self, aws: None) -> PeopleRepository:
        return DynamoPeopleRepository()


def test_a_slot_claim_whose_answer_was_lost_takes_one_slot(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN DynamoDB applies a login's slot write but its answer is lost, so the SDK sends the same write again
    # (botocore retries a timed-out request)
    repo = DynamoPeopleRepository()
    real = BaseClient._make_api_call

    def answer_lost_once(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "UpdateItem" and params["TableName"].endswith("login_guards"):
            real(client, operation, params)  # applied; its answer never arrived
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", answer_lost_once)
    # WHEN one login claims a slot, THEN it gets the slot it wrote, and no other
    first = repo.claim_login_attempt("employee#lost", 5, 900, NOW).slot
    assert first is not None
    monkeypatch.undo()
    # AND the four other slots are still there for the next four logins
    others = {repo.claim_login_attempt("employee#lost", 5, 900, NOW).slot for _ in range(4)}
    assert others == {"0", "1", "2", "3", "4"} - {first}
    assert not repo.claim_login_attempt("employee#lost", 5, 900, NOW).granted


def test_a_batch_of_codes_cut_off_by_storage_leaves_every_printed_code_working(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN 150 employees holding the codes of a printed sheet
    repo = DynamoPeopleRepository()
    nips = [f"19850101201001{i:04d}" for i in range(150)]
    for nip in nips:
        repo.put_employee(employee(nip=nip))
    repo.set_activations([(nip, f"printed-{nip}") for nip in nips], NOW, "ops")
    # WHEN a new sheet's codes are set and DynamoDB fails its second group (throttled, a transaction conflict)
    real, groups = BaseClient._make_api_call, []

    def second_group_fails(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            groups.append(params)
            if len(groups) == 2:
                raise EndpointConnectionError(endpoint_url="http://dynamodb.injected-failure")
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", second_group_fails)
    with pytest.raises(UnavailableError):
        repo.set_activations([(nip, f"new-{nip}") for nip in nips], NOW + 1, "bkd")
    monkeypatch.undo()
    # THEN 503, and no one's code changed, the first group's neither: the printed cards still open every account
    for nip in (nips[0], nips[99], nips[149]):
        account = repo.employee_account(nip)
        assert account is not None and account.credentials.activation_hash == f"printed-{nip}"
        assert account.credentials.activation_expires == NOW and account.holder.code_issued_by == "ops"
    # AND the admin's retry sets every code of its sheet
    repo.set_activations([(nip, f"retry-{nip}") for nip in nips], NOW + 2, "bkd")
    for nip in (nips[0], nips[149]):
        account = repo.employee_account(nip)
        assert account is not None and account.credentials.activation_hash == f"retry-{nip}"
