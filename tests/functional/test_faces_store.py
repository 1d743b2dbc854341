"""The DynamoDB faces repository passes the same contract as its in-memory twin (moto in-process), and loads
an approval that the eventually consistent `by_shard` index does not show yet (its twin has no index to lag)."""

from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.store import faces as faces_store
from chalicelib.store.base import utc_now
from chalicelib.store.faces import APPROVALS_WINDOW, Decision, DynamoFacesRepository, FacesRepository
from chalicelib.store.models import FaceTemplateModel
from tests.unit.store.faces_contract import NIP, OTHER, FacesRepositoryContract, FacesSetUp


class TestDynamoFacesRepository(FacesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> FacesRepository:
        return DynamoFacesRepository()


def _lagging(nip: str, template_id: str) -> None:
    """What a GSI that has not caught up shows: the approved item without its `shard`, so not in `by_shard`
    (moto's indexes never lag)."""
    FaceTemplateModel(nip, template_id).update(actions=[FaceTemplateModel.shard.remove()])


def _loaded(repo: FacesRepository) -> list[tuple[str, str]]:
    return sorted((m.owner, m.template.template_id) for m in repo.approved_templates())


class TestALoadRightAfterACommit(FacesSetUp):
    """The duplicate re-check (decision 86) reloads the approved set right after another process's commit."""

    @pytest.fixture()
    def repo(self, aws: None) -> FacesRepository:
        return DynamoFacesRepository()

    def test_approvals_the_index_does_not_show_yet_are_loaded_from_their_log(self, repo: FacesRepository) -> None:
        self.save(repo, "t-a", seed=1)  # approved at enrolment
        self.pending(repo, "t-b", seed=2, nip=OTHER)
        repo.decide_template(OTHER, "t-b", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))
        for nip, template_id in ((NIP, "t-a"), (OTHER, "t-b")):
            _lagging(nip, template_id)
        assert _loaded(repo) == [(NIP, "t-a"), (OTHER, "t-b")]
        assert [m.template.template_id for m in repo.cohort_members()] == []  # the index alone misses both

    def test_a_template_deleted_again_is_not_loaded_from_the_log(self, repo: FacesRepository) -> None:
        self.save(repo, "t-a", seed=1)
        _lagging(NIP, "t-a")
        assert repo.delete_template(NIP, "t-a")
        assert _loaded(repo) == []

    def test_the_log_is_read_for_its_window_only(self, repo: FacesRepository, monkeypatch: pytest.MonkeyPatch) -> None:
        earlier: datetime = utc_now() - APPROVALS_WINDOW * 2
        monkeypatch.setattr(faces_store, "utc_now", lambda: earlier)
        self.save(repo, "t-old", seed=1)
        monkeypatch.undo()
        self.save(repo, "t-new", seed=2)
        for template_id in ("t-old", "t-new"):
            _lagging(NIP, template_id)
        assert _loaded(repo) == [(NIP, "t-new")]  # an index lagging that long is not what the log covers
