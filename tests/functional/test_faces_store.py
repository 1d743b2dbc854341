"""The DynamoDB faces repository passes the same contract as its in-memory twin (moto in-process), and loads
an approval that the eventually consistent `by_shard` index does not show yet (its twin has no index to lag)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from pynamodb.expressions.update import Action

from chalicelib.errors import UnavailableError
from chalicelib.face.types import PhotoFingerprint
from chalicelib.store import faces as faces_store
from chalicelib.store.base import utc_now
from chalicelib.store.events import DynamoEventsRepository
from chalicelib.store.faces import APPROVALS_WINDOW, Decision, DynamoFacesRepository, FacesRepository
from chalicelib.store.models import FaceTemplateModel
from chalicelib.store.people import PeopleRepository
from tests.unit.store.faces_contract import NIP, OTHER, FacesRepositoryContract, FacesSetUp, same_vectors, vectors


class TestDynamoFacesRepository(FacesRepositoryContract):
    @pytest.fixture()
    def repo(self, aws: None) -> FacesRepository:
        return DynamoFacesRepository()

    @pytest.fixture()
    def history(self, aws: None) -> Callable[[str, datetime], list[PhotoFingerprint]]:
        return DynamoEventsRepository().fingerprints_of


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

    def test_the_recent_changes_are_read_back_for_the_window_only(
        self, repo: FacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        earlier: datetime = utc_now() - APPROVALS_WINDOW * 2
        monkeypatch.setattr(faces_store, "utc_now", lambda: earlier)
        self.save(repo, "t-old", seed=1)
        monkeypatch.undo()
        self.save(repo, "t-new", seed=2)
        assert repo.delete_template(NIP, "t-new")
        assert [(c.version, c.template_id) for c in repo.recent_changes(3)] == [(2, "t-new"), (3, "t-new")]
        assert [c.version for c in repo.recent_changes(2)] == [2] and repo.recent_changes(1) == []


class TestAChangeOnACountAnotherProcessMoved(FacesSetUp):
    """Each change of the approved set writes the count it read plus one, and its log entry under that number,
    on condition that the count is still what it read: another process's change between the read and the write
    must neither be overwritten in the log nor counted once for two."""

    @pytest.fixture()
    def repo(self, aws: None) -> DynamoFacesRepository:
        return DynamoFacesRepository()

    def test_a_change_made_after_another_moved_the_count_is_made_again_on_the_new_count(
        self, repo: DynamoFacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN another process that approves a face between this process's read of the count and its write
        other = DynamoFacesRepository()
        read = DynamoFacesRepository.approved_version
        meanwhile = ["t-b", "t-c"]
        interleaved: list[int] = []

        def stale(self: DynamoFacesRepository) -> int:
            count = read(self)
            if self is repo and len(interleaved) < len(meanwhile) and count == 2 * len(interleaved):
                template_id = meanwhile[len(interleaved)]
                interleaved.append(count)
                FacesSetUp().save(other, template_id, seed=len(interleaved) + 1, nip=OTHER)
            return count

        monkeypatch.setattr(DynamoFacesRepository, "approved_version", stale)
        # WHEN this process approves one at enrolment, then deletes it, each time after the other's change
        self.save(repo, "t-a", seed=1)
        assert repo.delete_template(NIP, "t-a")
        # THEN every change has its own count and entry, the other's included
        assert interleaved == [0, 2]
        changes = repo.approved_changes(0)
        assert [(c.version, c.template_id, c.template is None) for c in changes] == [
            (1, "t-b", False),
            (2, "t-a", False),
            (3, "t-c", False),
            (4, "t-a", True),
        ]
        assert read(repo) == 4

    def test_changes_of_other_employees_committed_ahead_of_each_try_never_make_an_enrolment_unavailable(
        self, repo: DynamoFacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN a morning of onboarding: a colleague's approval commits between this enrolment's read of the change
        # count and its write, more times in a row than the store tries (the load bench's 8 set-up threads lost 2
        # of 7,000 enrolments to 503 UNAVAILABLE so)
        other = DynamoFacesRepository()
        read = DynamoFacesRepository.approved_version
        ahead = 2 * faces_store.CHANGE_ATTEMPTS + 5  # each try reads the count twice when it loses
        interleaved: list[int] = []

        def overtaken(self: DynamoFacesRepository) -> int:
            count = read(self)
            if self is repo and len(interleaved) < ahead and count == len(interleaved):
                interleaved.append(count)
                FacesSetUp().save(other, f"t-o{count}", seed=100 + count, nip=OTHER)
            return count

        monkeypatch.setattr(DynamoFacesRepository, "approved_version", overtaken)
        monkeypatch.setattr(faces_store, "CHANGE_BACKOFF_S", 0.0)
        # WHEN this employee enrols
        self.save(repo, "t-a", seed=1)
        # THEN each lost try was another employee's progress, so it was tried again until made: saved, counted last
        assert len(interleaved) == ahead
        assert [c.template_id for c in repo.approved_changes(0)][-1] == "t-a" and read(repo) == ahead + 1

    def test_a_change_held_up_by_transactions_that_never_commit_answers_unavailable_after_its_tries(
        self, repo: DynamoFacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN every try cancelled for a conflict while the count never moves (nobody makes progress)
        tries: list[int] = []

        def cancelled(tx: object, count: int, *args: object) -> None:
            tries.append(count)
            raise UnavailableError(details={"dependency": "dynamodb"})

        monkeypatch.setattr(faces_store, "_counted_change", cancelled)
        monkeypatch.setattr(faces_store, "_conflicted", lambda exc: True)
        monkeypatch.setattr(faces_store, "CHANGE_BACKOFF_S", 0.0)
        # WHEN an enrolment is approved THEN it answers 503 after the first try and CHANGE_ATTEMPTS more, no sooner
        with pytest.raises(UnavailableError):
            self.save(repo, "t-a", seed=1)
        assert tries == [0] * (faces_store.CHANGE_ATTEMPTS + 1)

    def test_an_approval_logs_the_vectors_the_template_has_when_approved(
        self, repo: DynamoFacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN a pending face re-embedded (the recompute command) between the approval's read and its write
        self.pending(repo, "t-p", seed=1)
        read = DynamoFacesRepository._get
        interleaved: list[str] = []

        def then_recomputed(self: DynamoFacesRepository, nip: str, template_id: str) -> FaceTemplateModel | None:
            found = read(self, nip, template_id)
            if not interleaved:
                interleaved.append(template_id)
                DynamoFacesRepository().replace_vectors(nip, template_id, vectors(7))
            return found

        monkeypatch.setattr(DynamoFacesRepository, "_get", then_recomputed)
        repo.decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))
        # THEN the approval was made again on the template as it is: its log entry has the new vectors
        [change] = repo.approved_changes(0)
        assert change.template is not None and same_vectors(change.template.embeddings, vectors(7))
        assert same_vectors(repo.templates_of(NIP)[0].embeddings, vectors(7))

    def test_an_approval_committed_between_a_deletion_s_read_and_its_write_is_not_undone(
        self, repo: DynamoFacesRepository, people: PeopleRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN NIP's face made by the old model, a new one, and a new one waiting
        self.old(repo, "t-1", seed=1)
        self.save(repo, "t-2", seed=2)
        self.pending(repo, "t-p", seed=3)
        read = faces_store._noted_models
        interleaved: list[str] = []

        def then_approved(nip: str, changed: str, made: tuple[str, ...] | None = None) -> list[Action]:
            noted = read(nip, changed, made)
            if changed == "t-2" and not interleaved:  # the deletion read the faces left: the old one alone
                interleaved.append(changed)
                DynamoFacesRepository().decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00Z"))
            return noted

        monkeypatch.setattr(faces_store, "_noted_models", then_approved)
        # WHEN an admin deletes the new face while another admin's approval of the waiting one commits
        assert repo.delete_template(NIP, "t-2") and interleaved == ["t-2"]
        # THEN the record says a face the check-in compares with is left (the approved one): the deletion, on a
        # count the approval moved, was made again on a new read instead of writing what it read before
        assert self.enrolled(people) == (True, True)
