"""The behaviour every implementation of `chalicelib.store.faces.FacesRepository` must have.

Subclass `FacesRepositoryContract` as `Test...` and provide three fixtures over one fresh, empty deployment:
`people` (the people repository, where the employees are), `repo` (the faces repository writing their
template counts there) and `history` (the events repository's `fingerprints_of`: the replay history the
enrolment photos' fingerprints join): the in-memory twins in tests/unit/store, the DynamoDB ones (moto in-process) in
tests/functional/test_faces_store.py (`people` comes from each folder's conftest.py). Nothing here depends on
how the repositories are built.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

import numpy as np
import pytest

from chalicelib.domain.faces import OwnMatch, TemplateInfo, TemplateKey
from chalicelib.domain.people import DeviceReset, Employee, PhoneBinding, UnitCounts
from chalicelib.face.index import Pair
from chalicelib.face.types import PhotoFingerprint, Template, Vector
from chalicelib.store.audit import AuditBatch, AuditRepository
from chalicelib.store.base import ConditionFailed, iso, parse_iso, utc_now
from chalicelib.store.events import PhotoTaken
from chalicelib.store.faces import COHORT_PER_SHARD, PENDING_PER_EMPLOYEE, Decision, FacesRepository, NewTemplate
from chalicelib.store.people import PeopleRepository

from .audit_contract import START as AUDIT_START

NIP = "198501012010011001"
OTHER = "199002022015032002"
PHONE = "android-0001-aaaa"
# A scoring policy's models (those `vectors` makes by default), and a model it no longer runs (a model change).
POLICY = ("dlib_resnet_v1", "mobilefacenet_fp")
OLD_MODELS = {"old_model": 4}
OLD_POLICY = ("old_model",)
QUALITY = {"face_width_px": 212.5, "brightness": 118.0, "sharpness": 40.2, "yaw_ratio": 0.031}


def vectors(seed: int, models: Mapping[str, int] | None = None) -> dict[str, Vector]:
    """Reproducible random vectors, one per model (default: two models of different sizes)."""
    rng = np.random.default_rng(seed)
    dims = models or {"mobilefacenet_fp": 128, "dlib_resnet_v1": 4}
    return {m: rng.standard_normal(dim).astype(np.float32) for m, dim in dims.items()}


def fingerprint(seed: int) -> PhotoFingerprint:
    return PhotoFingerprint(f"{seed:064x}", seed, vectors(seed))


def same_vectors(a: Mapping[str, Vector], b: Mapping[str, Vector]) -> bool:
    return sorted(a) == sorted(b) and all(np.array_equal(np.asarray(a[m]), np.asarray(b[m])) for m in a)


def same_templates(found: list[Template], expected: list[Template]) -> bool:
    ids_match = [t.template_id for t in found] == [t.template_id for t in expected]
    return ids_match and all(same_vectors(f.embeddings, e.embeddings) for f, e in zip(found, expected, strict=True))


class FacesSetUp:
    """Two employees of U1, and templates saved approved (`save`) or pending (`pending`); subclass with `people`
    and `repo` fixtures over one empty deployment."""

    @pytest.fixture(autouse=True)
    def employees(self, people: PeopleRepository) -> None:
        people.put_employee(Employee(NIP, "Asep Saepudin", "U1"))
        people.put_employee(Employee(OTHER, "Siti Aminah", "U1"))

    def save(self, repo: FacesRepository, template_id: str, seed: int, nip: str = NIP) -> dict[str, Vector]:
        stored = vectors(seed)
        repo.save_template(nip, NewTemplate(template_id, stored, fingerprint(seed), f"k/{template_id}", "op", QUALITY))
        return stored

    def pending(self, repo: FacesRepository, template_id: str, seed: int, nip: str = NIP, unit: str = "U1") -> None:
        new = NewTemplate(
            template_id, vectors(seed), fingerprint(seed), f"k/{template_id}", nip, status="pending", unor_id=unit
        )
        repo.save_template(nip, new)

    def employee(self, people: PeopleRepository, nip: str = NIP) -> Employee:
        found = people.get_employee(nip)
        assert found is not None
        return found

    def enrolled(self, people: PeopleRepository) -> tuple[bool, bool]:
        """Whether NIP's record says a check-in compares with a face under the policy's models, and under the old
        model's; the unit's counts (per unit and in the one pass, both of NIP alone here) say the same."""
        found = self.employee(people)
        said = (found.enrolled_for(POLICY), found.enrolled_for(OLD_POLICY))
        counted = tuple(people.unit_counts("U1", models).enrolled == 1 for models in (POLICY, OLD_POLICY))
        every = tuple(people.counts_of_all_units(models)["U1"].enrolled == 1 for models in (POLICY, OLD_POLICY))
        assert said == counted == every
        return said

    def old(self, repo: FacesRepository, template_id: str, seed: int, *, pending: bool = False) -> None:
        """A face of NIP made by a model the policy no longer runs (approved, or pending)."""
        status = "pending" if pending else "approved"
        new = NewTemplate(template_id, vectors(seed, OLD_MODELS), fingerprint(seed), f"k/{template_id}", "op", QUALITY)
        repo.save_template(NIP, replace(new, status=status, unor_id="U1" if pending else None))


class FacesRepositoryContract(FacesSetUp):
    """Subclass with `people` and `repo` fixtures over one empty deployment."""

    def count_of(self, people: PeopleRepository, nip: str = NIP) -> tuple[int, str | None]:
        found = people.get_employee(nip)
        assert found is not None
        return found.template_count, found.face_model

    def test_a_new_repository_has_no_templates(self, repo: FacesRepository) -> None:
        assert repo.templates_of(NIP) == [] and repo.template_rows(NIP) == []
        assert list(repo.iter_template_keys([NIP, OTHER])) == [] and repo.cohort_members() == []
        assert repo.delete_template(NIP, "t-1") is False

    def test_a_saved_template_comes_back_with_its_vectors_and_its_record(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN a template of two models saved by an operator
        before = utc_now().replace(microsecond=0)
        stored = self.save(repo, "t-1", seed=1)
        # THEN its vectors come back exactly (float32), by model
        assert same_templates(repo.templates_of(NIP), [Template("t-1", stored)])
        # AND its record names the models (sorted), quality, author, photo and time, never vectors
        [info] = repo.template_rows(NIP)
        assert info == TemplateInfo(
            "t-1", ("dlib_resnet_v1", "mobilefacenet_fp"), info.created_at, "op", "k/t-1", QUALITY
        )
        assert before <= parse_iso(info.created_at) <= utc_now() + timedelta(seconds=1)
        # AND the employee counts it and says which models made it
        assert self.count_of(people) == (1, "dlib_resnet_v1,mobilefacenet_fp")
        assert self.count_of(people, OTHER) == (0, None)

    def test_templates_come_by_template_id_per_employee(self, repo: FacesRepository, people: PeopleRepository) -> None:
        # GIVEN three templates of one employee saved out of order and one of another
        saved = {tid: self.save(repo, tid, seed) for seed, tid in enumerate(["t-c", "t-a", "t-b"])}
        other = self.save(repo, "t-a", seed=9, nip=OTHER)
        # THEN each employee sees their own, by template id
        expected = [Template(tid, saved[tid]) for tid in ("t-a", "t-b", "t-c")]
        assert same_templates(repo.templates_of(NIP), expected)
        assert [t.template_id for t in repo.template_rows(NIP)] == ["t-a", "t-b", "t-c"]
        assert same_templates(repo.templates_of(OTHER), [Template("t-a", other)])
        assert self.count_of(people) == (3, "dlib_resnet_v1,mobilefacenet_fp") and self.count_of(people, OTHER)[0] == 1

    def test_a_taken_template_id_is_refused_and_changes_nothing(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN a saved template
        first = self.save(repo, "t-1", seed=1)
        # WHEN another is saved under the same id
        with pytest.raises(ConditionFailed):
            self.save(repo, "t-1", seed=2)
        # THEN the first is kept and counted once
        assert same_templates(repo.templates_of(NIP), [Template("t-1", first)])
        assert self.count_of(people)[0] == 1

    def test_a_template_of_an_unknown_employee_is_refused(self, repo: FacesRepository) -> None:
        with pytest.raises(ConditionFailed):
            self.save(repo, "t-1", seed=1, nip="200001012020011001")
        assert repo.templates_of("200001012020011001") == [] and repo.cohort_members() == []

    def test_deleting_removes_one_template_and_uncounts_it_once_named_once(
        self, repo: FacesRepository, people: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        def named() -> AuditBatch:
            return audit_log.stamped("op", "face.delete", {NIP: {"template_id": "t-1"}})

        # GIVEN two templates
        self.save(repo, "t-1", seed=1)
        kept = self.save(repo, "t-2", seed=2)
        # WHEN one is deleted twice, each time with the entry naming the deletion
        assert repo.delete_template(NIP, "t-1", named()) is True
        assert repo.delete_template(NIP, "t-1", named()) is False
        # THEN the other one is left and counted, and the log names the one deletion made
        assert same_templates(repo.templates_of(NIP), [Template("t-2", kept)])
        assert [t.template_id for t in repo.template_rows(NIP)] == ["t-2"]
        assert self.count_of(people)[0] == 1
        assert [e.action for e in audit_log.entries_of_day(AUDIT_START.date())] == ["face.delete"]

    def test_the_unit_counts_count_a_face_the_policy_s_models_made(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN NIP's approved face of both models, and OTHER's made by a model the policy no longer runs
        self.save(repo, "t-1", seed=1)
        repo.save_template(OTHER, NewTemplate("t-2", vectors(2, OLD_MODELS), fingerprint(2), "k/t-2", "op", QUALITY))
        # THEN the unit's counts (per unit and in the one pass) hold NIP enrolled, not OTHER, as a check-in would
        assert people.unit_counts("U1", POLICY) == UnitCounts(2, 0, 1) == people.counts_of_all_units(POLICY)["U1"]
        assert people.unit_counts("U1", OLD_POLICY) == UnitCounts(2, 0, 1)
        # WHEN the recompute re-embeds OTHER's face by the policy's models (noting them on the employee)
        repo.replace_vectors(OTHER, "t-2", vectors(3))
        # THEN both count
        assert people.unit_counts("U1", POLICY) == UnitCounts(2, 0, 2) == people.counts_of_all_units(POLICY)["U1"]

    def test_recomputed_vectors_replace_the_old_ones_and_their_models(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN a template of two models
        self.save(repo, "t-1", seed=1)
        # WHEN it is recomputed with one model (the employee told so in the same write)
        new = vectors(5, {"dlib_resnet_v1": 4})
        repo.replace_vectors(NIP, "t-1", new)
        # THEN the new vectors and model are read, the rest of the record kept
        assert same_templates(repo.templates_of(NIP), [Template("t-1", new)])
        [info] = repo.template_rows(NIP)
        assert (info.models, info.photo_key, info.quality, info.created_by) == (
            ("dlib_resnet_v1",),
            "k/t-1",
            QUALITY,
            "op",
        )
        assert self.count_of(people) == (1, "dlib_resnet_v1")

    def test_recomputing_an_unknown_template_is_refused(self, repo: FacesRepository) -> None:
        with pytest.raises(ConditionFailed):
            repo.replace_vectors(NIP, "t-missing", vectors(1))
        assert repo.templates_of(NIP) == []

    def test_template_keys_come_employee_by_employee(self, repo: FacesRepository) -> None:
        # GIVEN templates of two employees
        self.save(repo, "t-2", seed=2)
        self.save(repo, "t-1", seed=1)
        self.save(repo, "t-9", seed=9, nip=OTHER)
        # WHEN the keys of both are walked, OTHER first, with an employee without templates
        keys = list(repo.iter_template_keys([OTHER, "200001012020011001", NIP]))
        # THEN they come in that order, by template id
        assert keys == [
            TemplateKey(OTHER, "t-9", "k/t-9"),
            TemplateKey(NIP, "t-1", "k/t-1"),
            TemplateKey(NIP, "t-2", "k/t-2"),
        ]

    def test_the_cohort_holds_every_template_of_a_small_regency(self, repo: FacesRepository) -> None:
        # GIVEN three templates of two employees
        saved = {(NIP, "t-1"): self.save(repo, "t-1", 1), (NIP, "t-2"): self.save(repo, "t-2", 2)}
        saved[OTHER, "t-3"] = self.save(repo, "t-3", 3, nip=OTHER)
        # THEN each is in the cohort once, owned by its employee
        members = sorted(repo.cohort_members(), key=lambda m: (m.owner, m.template.template_id))
        assert [(m.owner, m.template.template_id) for m in members] == sorted(saved)
        assert all(same_vectors(m.template.embeddings, saved[m.owner, m.template.template_id]) for m in members)

    def test_the_cohort_takes_at_most_its_share_of_a_shard_by_template_id(
        self, repo: FacesRepository, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # GIVEN one more template than a shard's share, all drawn into the same shard
        monkeypatch.setattr(random, "randrange", lambda _stop: 3)
        ids = [f"t-{i:03d}" for i in range(COHORT_PER_SHARD + 1)]
        for i, tid in enumerate(reversed(ids)):
            repo.save_template(NIP, NewTemplate(tid, {"m": np.full(2, i, np.float32)}, fingerprint(i), tid, "op"))
        # THEN the cohort holds the share with the lowest template ids
        assert [m.template.template_id for m in repo.cohort_members()] == ids[:COHORT_PER_SHARD]

    # --- review: pending, decisions, the duplicate index's load and change count ---------------------------

    def pending_count(self, repo: FacesRepository, nip: str = NIP) -> int:
        return sum(t.status == "pending" for t in repo.template_rows(nip))

    def test_a_pending_template_is_kept_but_never_used_nor_counted(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # WHEN a pending template is saved (a self-enrolment)
        self.pending(repo, "t-p", seed=1)
        # THEN the admin sees it waiting, in the unit's queue
        [info] = repo.template_rows(NIP)
        assert (info.status, info.unor_id, info.created_by) == ("pending", "U1", NIP)
        queue = repo.pending_of_unit("U1")
        assert [(p.nip, p.info) for p in queue.items] == [(NIP, info)] and queue.next is None
        assert repo.pending_of_unit("U2").items == []
        # AND nothing uses it: no verification, no cohort, no duplicate index, no count, no change count
        assert repo.templates_of(NIP) == [] and repo.cohort_members() == []
        assert list(repo.approved_templates()) == [] and repo.approved_version() == 0
        assert self.count_of(people) == (0, None)

    def test_a_template_keeps_how_it_matched_the_employee_s_approved_faces(self, repo: FacesRepository) -> None:
        own = OwnMatch(score=0.1234, threshold=0.55)
        new = NewTemplate(
            "t-o", vectors(1), fingerprint(1), "k/t-o", NIP, status="pending", unor_id="U1", own_match=own
        )
        repo.save_template(NIP, new)
        self.save(repo, "t-a", seed=2)
        assert {t.template_id: t.own_match for t in repo.template_rows(NIP)} == {"t-a": None, "t-o": own}
        [queued] = repo.pending_of_unit("U1").items
        assert queued.info.own_match == own and queued.info.own_match.unlike

    def test_a_template_keeps_every_admin_who_reset_the_phone_before_it(self, repo: FacesRepository) -> None:
        # GIVEN a face enrolled after budi reset the phone and sari's code bound it again (the last reset hers)
        new = NewTemplate(
            "t-r", vectors(1), fingerprint(1), "k/t-r", NIP, status="pending", unor_id="U1", reset_by="sari",
            resetters=frozenset({"budi", "sari"}),
        )  # fmt: skip
        repo.save_template(NIP, new)
        # THEN it keeps them all: none of them, nor its enroller, may approve it
        [info] = repo.template_rows(NIP)
        assert (info.reset_by, info.resetters) == ("sari", {"budi", "sari"})
        assert info.barred_from_approval() == {"budi", "sari", NIP}
        [queued] = repo.pending_of_unit("U1").items
        assert queued.info.resetters == {"budi", "sari"}
        # AND a face enrolled with no reset bars nobody
        self.pending(repo, "t-p", seed=2)
        assert repo.get_template(NIP, "t-p").info.barred_from_approval() == frozenset()  # type: ignore[union-attr]

    def test_the_pending_templates_of_an_employee_are_capped(self, repo: FacesRepository) -> None:
        for n in range(PENDING_PER_EMPLOYEE):
            self.pending(repo, f"t-{n}", seed=n)
        with pytest.raises(ConditionFailed):
            self.pending(repo, "t-more", seed=99)
        assert self.pending_count(repo) == PENDING_PER_EMPLOYEE and "t-more" not in {
            t.template_id for t in repo.template_rows(NIP)
        }
        # an approved template does not count against the cap, and a deleted pending one frees a place
        self.save(repo, "t-approved", seed=50)
        assert repo.delete_template(NIP, "t-0") is True
        self.pending(repo, "t-more", seed=99)
        assert self.pending_count(repo) == PENDING_PER_EMPLOYEE
        # the other employee has their own places
        self.pending(repo, "t-x", seed=7, nip=OTHER)

    def test_one_photo_is_stored_once_for_an_employee_by_enrolments_sent_at_once(
        self,
        repo: FacesRepository,
        people: PeopleRepository,
        audit_log: AuditRepository,
        history: Callable[[str, datetime], list[PhotoFingerprint]],
    ) -> None:
        def named(template_id: str) -> AuditBatch:
            return audit_log.stamped("op", "face.enrol", {NIP: {"template_id": template_id}})

        # GIVEN an admin's enrolment stored (approved) and the employee's own (pending), each claiming its bytes
        repo.save_template(NIP, NewTemplate("t-1", vectors(1), fingerprint(1), "k/t-1", "op", QUALITY), named("t-1"))
        self.pending(repo, "t-p", seed=2)
        # WHEN each photo is stored again under a new id (the second of two sent at once: both replay checks read
        # the history before either write), approved or pending alike
        approved = NewTemplate("t-2", vectors(1), fingerprint(1), "k/t-2", "op", QUALITY)
        waiting = NewTemplate("t-q", vectors(2), fingerprint(2), "k/t-q", NIP, status="pending", unor_id="U1")
        for again in (approved, waiting):
            with pytest.raises(PhotoTaken):
                repo.save_template(NIP, again, named(again.template_id))
        # THEN nothing of them is written: no template, count, change, fingerprint nor entry
        assert [t.template_id for t in repo.template_rows(NIP)] == ["t-1", "t-p"]
        assert (self.count_of(people)[0], self.pending_count(repo), repo.approved_version()) == (1, 1, 1)
        assert sorted(fp.sha256 for fp in history(NIP, utc_now())) == sorted(fingerprint(n).sha256 for n in (1, 2))
        assert [e.detail for e in audit_log.entries_of_day(AUDIT_START.date())] == [{"template_id": "t-1"}]
        # AND another employee's photo of the same bytes is theirs to store (the claims are each employee's)
        self.save(repo, "t-o", seed=1, nip=OTHER)
        assert [t.template_id for t in repo.template_rows(OTHER)] == ["t-o"]

    def test_the_employee_record_says_a_face_waits_until_each_is_decided_or_deleted(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        def waiting() -> tuple[int, bool]:
            employee = people.get_employee(NIP)
            assert employee is not None
            return employee.pending_faces, employee.face_pending

        assert waiting() == (0, False)
        for template_id, seed in (("t-1", 1), ("t-2", 2), ("t-3", 3)):
            self.pending(repo, template_id, seed=seed)
        assert waiting() == (3, True)
        repo.decide_template(NIP, "t-1", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))
        repo.decide_template(NIP, "t-2", Decision(False, "sari", "2026-12-03T01:00:00+00:00"))
        assert waiting() == (1, True)
        assert repo.delete_template(NIP, "t-3") is True
        assert waiting() == (0, False)
        assert repo.delete_template(NIP, "t-2") is True  # a rejected one was counted nowhere
        assert waiting() == (0, False)

    def test_an_approval_makes_it_count_once(self, repo: FacesRepository, people: PeopleRepository) -> None:
        self.pending(repo, "t-p", seed=1)
        repo.decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00", "cocok"))
        # THEN it verifies, joins the cohort and the index, is counted, and left the queue
        found = repo.get_template(NIP, "t-p")
        assert found is not None and found.info.status == "approved"
        assert (found.info.decided_by, found.info.decided_at, found.info.note) == (
            "sari",
            "2026-12-03T01:00:00+00:00",
            "cocok",
        )
        assert same_templates(repo.templates_of(NIP), [Template("t-p", vectors(1))])
        assert [m.owner for m in repo.approved_templates()] == [NIP] and len(repo.cohort_members()) == 1
        assert self.count_of(people) == (1, "dlib_resnet_v1,mobilefacenet_fp") and repo.approved_version() == 1
        assert repo.pending_of_unit("U1").items == [] and self.pending_count(repo) == 0
        # AND it cannot be decided again
        for approve in (True, False):
            with pytest.raises(ConditionFailed):
                repo.decide_template(NIP, "t-p", Decision(approve, "op", "2026-12-03T02:00:00+00:00"))
        assert self.count_of(people)[0] == 1

    def test_a_decision_is_kept_with_its_audit_entry_and_a_second_one_writes_none(
        self, repo: FacesRepository, audit_log: AuditRepository
    ) -> None:
        # GIVEN a pending face, WHEN it is approved with the entry naming the approval
        self.pending(repo, "t-p", seed=1)

        def named(action: str) -> AuditBatch:
            return audit_log.stamped("sari", action, {NIP: {"template_id": "t-p"}})

        repo.decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00"), named("face.approve"))
        # WHEN another decision comes (a second admin), THEN it is refused whole, its entry with it
        with pytest.raises(ConditionFailed):
            repo.decide_template(NIP, "t-p", Decision(False, "op", "2026-12-03T02:00:00+00:00"), named("face.reject"))
        logged = [(e.action, e.target) for e in audit_log.entries_of_day(AUDIT_START.date())]
        assert logged == [("face.approve", NIP)]

    def test_a_rejection_keeps_it_out_for_good(self, repo: FacesRepository, people: PeopleRepository) -> None:
        self.pending(repo, "t-p", seed=1)
        repo.decide_template(NIP, "t-p", Decision(False, "sari", "2026-12-03T01:00:00+00:00"))
        [info] = repo.template_rows(NIP)
        assert info.status == "rejected" and info.note is None
        assert repo.templates_of(NIP) == [] and list(repo.approved_templates()) == []
        assert self.count_of(people)[0] == 0 and repo.pending_of_unit("U1").items == []
        # the employee record counts the rejection: with none approved or waiting, they must enrol again
        employee = self.employee(people)
        assert employee.face_rejections == 1 and employee.face_rejected
        with pytest.raises(ConditionFailed):
            repo.decide_template(NIP, "t-p", Decision(True, "op", "2026-12-03T02:00:00+00:00"))
        # deleting a rejected template uncounts nothing
        assert repo.delete_template(NIP, "t-p") is True and self.count_of(people)[0] == 0
        # a new face sent waits for the admin: no longer "rejected"
        self.pending(repo, "t-q", seed=2)
        employee = self.employee(people)
        assert employee.face_pending and not employee.face_rejected

    def test_a_rejected_face_keeps_no_vectors_and_is_never_recomputed(self, repo: FacesRepository) -> None:
        # GIVEN an employee's approved face and a pending one (a stand-in's, self-enrolled)
        self.save(repo, "t-1", seed=1)
        self.pending(repo, "t-p", seed=2)
        # WHEN an admin rejects the pending one
        repo.decide_template(NIP, "t-p", Decision(False, "sari", "2026-12-03T01:00:00+00:00", "bukan wajah pegawai"))
        # THEN its biometric vectors are gone at once (they match nothing and were kept until the employee left);
        # the refusal's record and the photo, evidence until the bucket lets it go, stay
        found = repo.get_template(NIP, "t-p")
        assert found is not None and found.template.embeddings == {} and found.info.models == ()
        assert (found.info.status, found.info.note, found.info.photo_key) == (
            "rejected",
            "bukan wajah pegawai",
            "k/t-p",
        )
        # AND a recompute that listed it before the rejection (its re-embedding under way) writes none back
        repo.replace_vectors(NIP, "t-p", vectors(3))
        again = repo.get_template(NIP, "t-p")
        assert again is not None and again.template.embeddings == {} and again.info.models == ()
        # AND a recompute after a model change does not make them again: it is not among the templates to re-embed
        assert [key.template_id for key in repo.iter_template_keys([NIP])] == ["t-1"]

    def test_a_refused_or_deleted_face_s_enrolment_photo_keeps_its_hashes_but_no_vectors(
        self, repo: FacesRepository, history: Callable[[str, datetime], list[PhotoFingerprint]]
    ) -> None:
        # GIVEN a pending face (a stand-in's), an approved one, and one more approved: each enrolment photo's
        # fingerprint joins the replay history with the face's vectors
        self.pending(repo, "t-p", seed=2)
        self.save(repo, "t-1", seed=1)
        self.save(repo, "t-2", seed=3)
        # WHEN the pending face is rejected and the first approved one deleted
        repo.decide_template(NIP, "t-p", Decision(False, "sari", iso(utc_now()), "bukan wajah pegawai"))
        assert repo.delete_template(NIP, "t-1") is True
        # THEN their photos' fingerprints keep the hashes replay detection reads, but not the faces' vectors (the
        # notice says a face's data goes at once when it is refused or deleted); the face kept keeps its own
        kept = {fp.sha256: fp for fp in history(NIP, utc_now())}
        assert sorted(kept) == sorted(fingerprint(seed).sha256 for seed in (1, 2, 3))
        assert kept[fingerprint(2).sha256].embeddings == {} and kept[fingerprint(1).sha256].embeddings == {}
        assert kept[fingerprint(2).sha256].phash == 2 and same_vectors(
            kept[fingerprint(3).sha256].embeddings, vectors(3)
        )

    def test_of_parallel_decisions_exactly_one_is_applied(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        self.pending(repo, "t-p", seed=1)
        applied: list[bool] = []
        start = threading.Barrier(6)

        def decide(approve: bool) -> None:
            start.wait()
            try:
                repo.decide_template(NIP, "t-p", Decision(approve, "op", "2026-12-03T01:00:00+00:00"))
                applied.append(approve)
            except ConditionFailed:
                pass

        threads = [threading.Thread(target=decide, args=(n % 2 == 0,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(applied) == 1
        assert self.count_of(people)[0] == (1 if applied[0] else 0) and self.pending_count(repo) == 0

    # --- the record's face state: what the admin views count (`Employee.enrolled_for`) ---------------------------

    def test_a_deleted_face_leaves_the_record_saying_what_the_faces_left_were_made_by(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN NIP's face approved before a model change (the old model made it) and one approved after it
        self.old(repo, "t-1", seed=1)
        self.save(repo, "t-2", seed=2)
        assert self.enrolled(people) == (True, True)
        # WHEN an admin deletes the new face
        assert repo.delete_template(NIP, "t-2")
        # THEN the record no longer says a check-in compares with a face: only the old one is left (NOT_ENROLLED)
        assert self.enrolled(people) == (False, True)
        # WHEN the last face is deleted too, THEN none counts
        assert repo.delete_template(NIP, "t-1")
        assert self.enrolled(people) == (False, False)
        # WHEN a new face is approved, then an old one's deletion leaves it counted
        self.old(repo, "t-3", seed=3)
        self.save(repo, "t-4", seed=4)
        assert repo.delete_template(NIP, "t-3")
        assert self.enrolled(people) == (True, False)

    def test_a_re_embedded_face_is_noted_on_the_record_only_when_approved(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN NIP's approved face and a pending one, both made by a model the policy no longer runs
        self.old(repo, "t-1", seed=1)
        self.old(repo, "t-p", seed=2, pending=True)
        # WHEN the operator's recompute re-embeds the pending one with the policy's models
        repo.replace_vectors(NIP, "t-p", vectors(3))
        # THEN the record still says no face counts: a check-in compares only with approved faces
        assert self.enrolled(people) == (False, True)
        # WHEN it re-embeds the approved one, THEN the same write notes its models on the record
        repo.replace_vectors(NIP, "t-1", vectors(4))
        assert self.enrolled(people) == (True, False)

    @pytest.mark.parametrize("approved_models", [None, OLD_MODELS])
    def test_a_parallel_approval_and_deletion_leave_the_record_true(
        self, repo: FacesRepository, people: PeopleRepository, approved_models: dict[str, int] | None
    ) -> None:
        # GIVEN NIP's old face and new face, and a pending one made by the policy's models or the old one's
        self.old(repo, "t-1", seed=1)
        self.save(repo, "t-2", seed=2)
        repo.save_template(
            NIP,
            NewTemplate(
                "t-p", vectors(3, approved_models), fingerprint(3), "k/t-p", NIP, status="pending", unor_id="U1"
            ),
        )
        start = threading.Barrier(2)

        def approve() -> None:
            start.wait()
            repo.decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))

        def delete() -> None:
            start.wait()
            assert repo.delete_template(NIP, "t-2")

        # WHEN an admin approves the pending face while another deletes the new one
        threads = [threading.Thread(target=work) for work in (approve, delete)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # THEN the record says what the approved faces left (the old one and the approved one) were made by
        assert self.enrolled(people) == (approved_models is None, True)
        assert self.count_of(people)[0] == 2

    # --- four eyes under concurrency: the template's save and the device reset each hold on the other ------------

    def test_an_approved_template_is_refused_when_the_phone_was_reset_since_the_moment_it_names(
        self, repo: FacesRepository, people: PeopleRepository, audit_log: AuditRepository
    ) -> None:
        def named(nip: str) -> AuditBatch:
            return audit_log.stamped("budi", "face.enrol", {nip: {"template_id": "t"}})

        # GIVEN the employee's phone reset by an admin after an enrolment read the employee (no reset then)
        people.bind_device(NIP, PhoneBinding(PHONE, "password-hash"))
        read_at = iso(utc_now() - timedelta(minutes=1))
        people.release_device(NIP, PHONE, DeviceReset("budi"))
        # WHEN the enrolment's approved template is saved on condition that no reset came since its read
        new = NewTemplate("t-1", vectors(1), fingerprint(1), "k/t-1", "budi", QUALITY, unless_reset_since=read_at)
        with pytest.raises(ConditionFailed):
            repo.save_template(NIP, new, named(NIP))
        # THEN nothing of it is kept, counted, indexed or named
        assert repo.template_rows(NIP) == [] and repo.approved_version() == 0 and list(repo.approved_templates()) == []
        assert (self.employee(people).template_count, self.employee(people).face_approvals) == (0, 0)
        assert audit_log.entries_of_day(AUDIT_START.date()) == []
        # AND the same condition passes on a reset older than the moment, and on an employee never reset, each
        # template kept with its entry
        repo.save_template(NIP, replace(new, unless_reset_since=iso(utc_now() + timedelta(seconds=2))), named(NIP))
        repo.save_template(OTHER, replace(new, template_id="t-2", unless_reset_since=iso(utc_now())), named(OTHER))
        assert [t.template_id for t in repo.templates_of(NIP) + repo.templates_of(OTHER)] == ["t-1", "t-2"]
        assert sorted(e.target for e in audit_log.entries_of_day(AUDIT_START.date())) == sorted([NIP, OTHER])

    def test_a_reset_conditioned_on_the_approvals_it_read_is_refused_once_a_face_was_approved_since(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN a device reset that read the employee (no face approved yet), then an approved enrolment
        people.bind_device(NIP, PhoneBinding(PHONE, "password-hash"))
        seen = self.employee(people).face_approvals
        self.save(repo, "t-1", seed=1)
        # WHEN the reset is written on condition that no face was approved since its read, THEN it is refused
        # and changes nothing: the phone stays bound, no reset is noted, no session ends
        before = self.employee(people)
        with pytest.raises(ConditionFailed):
            people.release_device(NIP, PHONE, DeviceReset("budi", seen))
        assert self.employee(people) == before and people.device_owner(PHONE) == NIP
        # AND an approval of a waiting face counts as one too, a pending face or a deletion does not
        self.pending(repo, "t-p", seed=2)
        seen = self.employee(people).face_approvals
        repo.decide_template(NIP, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))
        with pytest.raises(ConditionFailed):
            people.release_device(NIP, PHONE, DeviceReset("budi", seen))
        assert repo.delete_template(NIP, "t-1") is True
        # AND with what it reads now it is written
        people.release_device(NIP, PHONE, DeviceReset("budi", self.employee(people).face_approvals))
        assert people.device_owner(PHONE) is None and self.employee(people).device_reset_by == "budi"
        assert self.employee(people).face_approvals == 2

    def test_a_binding_conditioned_on_the_approvals_it_read_is_refused_once_a_face_was_approved_since(
        self, repo: FacesRepository, people: PeopleRepository
    ) -> None:
        # GIVEN an activated employee whose phone was reset, and an activation with a new code that read the
        # employee (no face approved yet), then an approved enrolment
        people.bind_device(NIP, PhoneBinding(PHONE, "password-hash"))
        people.release_device(NIP, PHONE, DeviceReset("sari"))
        seen = self.employee(people).face_approvals
        self.save(repo, "t-1", seed=1)
        before, secrets = self.employee(people), people.employee_account(NIP)
        # WHEN the binding is written on condition that no face was approved since its read, THEN it is refused
        # and writes nothing: no phone bound either way, the password and the code kept, no reset, no session ended
        with pytest.raises(ConditionFailed):
            people.bind_device(
                NIP, PhoneBinding("android-0666-eeee", "new-hash", reset_by="budi", revoke=True, approvals_seen=seen)
            )
        assert self.employee(people) == before and people.employee_account(NIP) == secrets
        assert people.device_owner("android-0666-eeee") is None
        # AND with what it reads now it is written
        seen = self.employee(people).face_approvals
        people.bind_device(
            NIP, PhoneBinding("android-0666-eeee", "new-hash", reset_by="budi", revoke=True, approvals_seen=seen)
        )
        assert people.device_owner("android-0666-eeee") == NIP and self.employee(people).device_reset_by == "budi"
        # AND an employee never counted (no face approved yet) passes with 0
        people.bind_device(OTHER, PhoneBinding(PHONE, "password-hash", approvals_seen=0))
        assert people.device_owner(PHONE) == OTHER

    def test_an_employee_who_moved_takes_their_pending_templates_to_the_new_unit_s_queue(
        self, repo: FacesRepository
    ) -> None:
        # GIVEN two pending templates of the employee in U1, one decided already, and a colleague's
        self.pending(repo, "t-a", seed=1)
        self.pending(repo, "t-b", seed=2)
        self.pending(repo, "t-c", seed=3)
        repo.decide_template(NIP, "t-c", Decision(False, "sari", "2026-12-03T01:00:00+00:00"))
        self.pending(repo, "t-x", seed=4, nip=OTHER)
        # WHEN the employee's pending ones move to U2, THEN U2's queue has them and U1's only the colleague's
        assert repo.move_pending(NIP, "U2") == ["t-a", "t-b"]
        assert [(p.nip, p.info.template_id, p.info.unor_id) for p in repo.pending_of_unit("U2").items] == [
            (NIP, "t-a", "U2"),
            (NIP, "t-b", "U2"),
        ]
        assert [p.info.template_id for p in repo.pending_of_unit("U1").items] == ["t-x"]
        # AND the rejected one stays as decided; moving again moves nothing
        assert {t.template_id: t.unor_id for t in repo.template_rows(NIP)}["t-c"] == "U1"
        assert repo.move_pending(NIP, "U2") == []

    def test_the_queue_pages_by_template_id(self, repo: FacesRepository) -> None:
        for n, tid in enumerate(["t-c", "t-a", "t-b"]):
            self.pending(repo, tid, seed=n, nip=NIP if n < 2 else OTHER)
        self.pending(repo, "t-z", seed=9, unit="U2")
        page = repo.pending_of_unit("U1", None, 2)
        assert [p.info.template_id for p in page.items] == ["t-a", "t-b"] and page.next is not None
        rest = repo.pending_of_unit("U1", page.next, 2)
        assert [(p.nip, p.info.template_id) for p in rest.items] == [(NIP, "t-c")] and rest.next is None

    def test_the_change_count_follows_the_approved_set_only(self, repo: FacesRepository) -> None:
        assert repo.approved_version() == 0
        self.save(repo, "t-1", seed=1)
        self.save(repo, "t-2", seed=2, nip=OTHER)
        assert repo.approved_version() == 2
        self.pending(repo, "t-p", seed=3)
        repo.decide_template(NIP, "t-p", Decision(False, "op", "2026-12-03T01:00:00+00:00"))
        assert repo.approved_version() == 2
        assert repo.delete_template(NIP, "t-1") is True and repo.approved_version() == 3
        assert repo.delete_template(NIP, "t-p") is True and repo.approved_version() == 3
        assert sorted((m.owner, m.template.template_id) for m in repo.approved_templates()) == [(OTHER, "t-2")]
        assert repo.get_template(NIP, "t-1") is None

    def test_every_change_of_the_approved_set_is_logged_under_the_count_it_made(self, repo: FacesRepository) -> None:
        # GIVEN an approval at enrolment, a pending face approved, a rejection, two recomputes, two deletions
        first = self.save(repo, "t-1", seed=1)
        self.pending(repo, "t-p", seed=2, nip=OTHER)
        repo.decide_template(OTHER, "t-p", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))
        self.pending(repo, "t-r", seed=3)
        repo.decide_template(NIP, "t-r", Decision(False, "sari", "2026-12-03T01:00:00+00:00"))
        repo.replace_vectors(NIP, "t-1", vectors(4))
        repo.replace_vectors(NIP, "t-r", vectors(5))  # rejected: not in the approved set
        assert repo.delete_template(NIP, "t-1") and repo.delete_template(NIP, "t-r")
        # THEN each change of the approved set, and only those, is logged under the count it made, in order:
        # approved or re-embedded with the vectors it has from then on, removed without
        changes = repo.approved_changes(0)
        assert [(c.version, c.owner, c.template_id, c.template is None) for c in changes] == [
            (1, NIP, "t-1", False),
            (2, OTHER, "t-p", False),
            (3, NIP, "t-1", False),
            (4, NIP, "t-1", True),
        ]
        assert repo.approved_version() == 4
        expected = [first, vectors(2), vectors(4)]
        assert all(
            c.template is not None
            and c.template.template_id == c.template_id
            and same_vectors(c.template.embeddings, v)
            for c, v in zip(changes, expected, strict=False)
        )
        # AND the changes after a count are those that followed it
        assert [c.version for c in repo.approved_changes(2)] == [3, 4] and repo.approved_changes(4) == []

    def test_the_recent_changes_up_to_a_count_are_those_a_full_load_at_that_count_may_not_show_yet(
        self, repo: FacesRepository
    ) -> None:
        # GIVEN a template approved, re-embedded and deleted, then another approved (counts 1 to 4)
        self.save(repo, "t-1", seed=1)
        repo.replace_vectors(NIP, "t-1", vectors(2))
        assert repo.delete_template(NIP, "t-1")
        self.save(repo, "t-2", seed=3, nip=OTHER)
        # THEN the changes up to a count come by count, with what each left (vectors, or removed)
        assert [(c.version, c.template_id, c.template is None) for c in repo.recent_changes(3)] == [
            (1, "t-1", False),
            (2, "t-1", False),
            (3, "t-1", True),
        ]
        assert [c.version for c in repo.recent_changes(4)] == [1, 2, 3, 4] and repo.recent_changes(0) == []
        [_, embedded, *_] = repo.recent_changes(2)
        assert embedded.template is not None and same_vectors(embedded.template.embeddings, vectors(2))

    def test_a_change_refused_by_its_own_condition_logs_nothing(self, repo: FacesRepository) -> None:
        self.save(repo, "t-1", seed=1)
        with pytest.raises(ConditionFailed):
            self.save(repo, "t-1", seed=2)  # the id is taken
        with pytest.raises(ConditionFailed):
            repo.decide_template(NIP, "t-1", Decision(True, "sari", "2026-12-03T01:00:00+00:00"))  # not pending
        with pytest.raises(ConditionFailed):
            repo.replace_vectors(NIP, "t-none", vectors(3))
        assert repo.approved_version() == 1 and [c.version for c in repo.approved_changes(0)] == [1]

    def test_parallel_changes_are_each_logged_once_under_counts_that_follow_on(self, repo: FacesRepository) -> None:
        # GIVEN templates approved and deleted by several threads at once (processes sharing the tables)
        def work(n: int) -> None:
            self.save(repo, f"t-{n}", seed=n, nip=NIP if n % 2 else OTHER)
            if n % 3 == 0:
                assert repo.delete_template(NIP if n % 2 else OTHER, f"t-{n}")

        threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # THEN the count is the number of changes, and the log holds every one, each under its own count
        changes = repo.approved_changes(0)
        assert repo.approved_version() == 8 and [c.version for c in changes] == list(range(1, 9))
        added = sorted(c.template_id for c in changes if c.template is not None)
        removed = sorted(c.template_id for c in changes if c.template is None)
        assert added == [f"t-{n}" for n in range(6)] and removed == ["t-0", "t-3"]
        assert sorted(m.template.template_id for m in repo.approved_templates()) == ["t-1", "t-2", "t-4", "t-5"]

    def test_suspected_pairs_are_kept_per_policy_and_dropped_with_a_template(self, repo: FacesRepository) -> None:
        # GIVEN pairs found under two policies, one given with its templates out of id order
        repo.save_pairs("default", [Pair((OTHER, NIP), ("t-b", "t-a"), 0.81), Pair((NIP, OTHER), ("t-a", "t-c"), 0.9)])
        repo.save_pairs("cc0", [Pair((NIP, OTHER), ("t-a", "t-b"), 0.98)])
        # THEN each policy lists its own, best first, templates (and their owners) in id order
        assert repo.pairs("default") == [
            Pair((NIP, OTHER), ("t-a", "t-c"), 0.9),
            Pair((NIP, OTHER), ("t-a", "t-b"), 0.81),
        ]
        assert repo.pairs("cc0") == [Pair((NIP, OTHER), ("t-a", "t-b"), 0.98)] and repo.pairs("none") == []
        # AND a pair found again is kept once, with its new score
        repo.save_pairs("default", [Pair((NIP, OTHER), ("t-a", "t-b"), 0.8)])
        assert [p.score for p in repo.pairs("default")] == [0.9, 0.8]
        # AND forgetting a template drops its pairs under every policy, nothing else
        assert repo.drop_pairs("t-b") == 2
        assert repo.pairs("default") == [Pair((NIP, OTHER), ("t-a", "t-c"), 0.9)] and repo.pairs("cc0") == []
        assert repo.drop_pairs("t-b") == 0
