"""The DynamoDB people repository passes the same contract as its in-memory twin (moto in-process)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.client import BaseClient

from chalicelib.store.people import DynamoPeopleRepository, PeopleRepository
from tests.unit.store.people_contract import NOW, PeopleRepositoryContract


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
