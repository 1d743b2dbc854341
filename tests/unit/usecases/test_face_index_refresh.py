"""The duplicate index of several API containers sharing one deployment (the in-memory twins as its tables): each
container keeps its own index (`runtime.face_index`) and, when the approved set's change count has moved, brings
it up to date from the logged changes after its count instead of reading every approved template again, and
loads it in full only when those changes cannot all be read. Whatever the interleaving, an index never misses an
approved template: the duplicate check would then let the same face through for a second employee."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import pytest

from chalicelib import runtime
from chalicelib.domain.faces import APPROVED, PENDING, TemplateStatus
from chalicelib.domain.people import Employee, Principal
from chalicelib.face import DuplicateFaceError, Template
from chalicelib.face.cohort import CohortMember
from chalicelib.face.index import TemplateIndex
from chalicelib.face.types import PhotoFingerprint, Vector
from chalicelib.settings import Settings
from chalicelib.store import base
from chalicelib.store.audit import AuditBatch
from chalicelib.store.faces import Decision, NewTemplate
from chalicelib.store.memory import faces as memory_faces
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import faces
from tests.unit.usecases.test_faces import settings

if TYPE_CHECKING:
    from chalicelib.store.faces import ApprovedChange

__all__ = ["settings"]  # the fixture: settings whose model directory holds the built face models

NIPS = tuple(f"19850101201001{n:04d}" for n in range(1, 6))
SUPER = Principal("op", "super_admin")
DAY_AND_MORE = timedelta(days=1, hours=1)


class Container:
    """One Lambda container: its own duplicate indexes (the runtime's), the deployment's tables shared."""

    def __init__(self) -> None:
        self.indexes: dict[tuple[str, str], TemplateIndex] = {}

    @contextmanager
    def running(self) -> Iterator[None]:
        kept = runtime._indexes
        runtime._indexes = self.indexes
        try:
            yield
        finally:
            runtime._indexes = kept

    def index_ids(self, settings: Settings) -> list[str]:
        with self.running():
            return sorted(runtime.face_index(settings).template_ids())


@pytest.fixture
def loads(repos: Repositories, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """GIVEN five active employees of U1 in the twins; yields the list of full loads of the approved set (one
    entry per `approved_templates` call)."""
    assert isinstance(repos.people, InMemoryPeopleRepository)
    runtime.forget_cohort()
    for nip in NIPS:
        repos.people.put_employee(Employee(nip, f"Pegawai {nip[-3:]}", "U1"))
    calls: list[int] = []
    load = repos.faces.approved_templates

    def counted() -> Iterator[CohortMember]:
        calls.append(1)
        return load()

    monkeypatch.setattr(repos.faces, "approved_templates", counted)
    yield calls
    runtime.forget_cohort()


def face(settings: Settings, seed: int) -> dict[str, Vector]:
    """A face: a random unit vector per model of the policy (two faces of different seeds are far apart)."""
    rng = np.random.default_rng(seed)
    _, policy = runtime.engine_and_policy(settings)
    dims = {"dlib_resnet_v1": 128, "mobilefacenet_fp": 512}
    out: dict[str, Vector] = {}
    for m in policy.model_ids:
        v = rng.standard_normal(dims[m]).astype(np.float32)
        out[m] = v / np.linalg.norm(v)
    return out


def write(nip: str, template_id: str, vectors: dict[str, Vector], status: TemplateStatus = APPROVED) -> Template:
    """A template stored as an enrolment stores it (the photo's analysis left out)."""
    fp = PhotoFingerprint(f"{abs(hash(template_id)):064x}", 0)
    new = NewTemplate(template_id, vectors, fp, f"k/{template_id}", "op", status=status, unor_id="U1")
    runtime.faces().save_template(nip, new)
    return Template(template_id, vectors)


def enrol(nip: str, template_id: str, vectors: dict[str, Vector], settings: Settings) -> None:
    """An enrolment approved at once: the check before the write, the write, the re-check after it."""
    faces.check_not_duplicate(nip, vectors, settings)
    faces.confirm_unique(nip, write(nip, template_id, vectors), settings)


def refused(nip: str, vectors: dict[str, Vector], settings: Settings) -> bool:
    try:
        faces.check_not_duplicate(nip, vectors, settings)
    except DuplicateFaceError:
        return True
    return False


def stored_ids() -> list[str]:
    """The approved set as stored (read past the fixture's count of full loads)."""
    return sorted(m.template.template_id for m in memory_faces.InMemoryFacesRepository.approved_templates(faces_repo()))


def faces_repo() -> memory_faces.InMemoryFacesRepository:
    repo = runtime.faces()
    assert isinstance(repo, memory_faces.InMemoryFacesRepository)
    return repo


def test_an_index_follows_other_containers_approvals_and_deletions_without_loading_every_template(
    settings: Settings, loads: list[int]
) -> None:
    a, b, c = Container(), Container(), Container()
    faces_of = {n: face(settings, n) for n in range(1, 6)}
    # GIVEN two approved faces and a pending one; container A has loaded its index (one full load)
    write(NIPS[0], "t-1", faces_of[1])
    write(NIPS[1], "t-2", faces_of[2])
    write(NIPS[2], "t-3", faces_of[3], status=PENDING)
    with a.running():
        assert not refused(NIPS[4], faces_of[5], settings)
    assert len(loads) == 1
    # WHEN container B enrols a new face and deletes an approved one, and container C approves the pending one
    with b.running():
        enrol(NIPS[3], "t-4", faces_of[4], settings)
        faces.delete_template(SUPER, NIPS[0], "t-1")
    with c.running():
        faces_repo().decide_template(NIPS[2], "t-3", Decision(True, "sari", "2026-12-06T01:00:00+00:00"))
        faces.confirm_unique(NIPS[2], Template("t-3", faces_of[3]), settings)
    # THEN A's next check reads only the changes after its count: B's and C's approvals refuse the same faces for
    # another employee, the deleted face no longer does
    loaded_before = len(loads)
    with a.running():
        assert refused(NIPS[4], faces_of[4], settings) and refused(NIPS[4], faces_of[3], settings)
        assert not refused(NIPS[4], faces_of[1], settings)
        assert runtime.face_index(settings).version == faces_repo().approved_version()
    assert len(loads) == loaded_before  # no full load in A
    assert a.index_ids(settings) == b.index_ids(settings) == c.index_ids(settings) == stored_ids()
    assert stored_ids() == ["t-2", "t-3", "t-4"]


def test_one_face_enrolled_in_two_containers_at_once_is_kept_at_most_once_and_both_indexes_see_the_outcome(
    settings: Settings, loads: list[int]
) -> None:
    a, b = Container(), Container()
    same = face(settings, 7)
    write(NIPS[4], "t-0", face(settings, 8))
    # GIVEN both containers' checks passed before either write (each loaded its index once)
    with a.running():
        faces.check_not_duplicate(NIPS[0], same, settings)
    with b.running():
        faces.check_not_duplicate(NIPS[1], same, settings)
    assert len(loads) == 2
    # WHEN both write, then both re-check: each index is behind by the other's change as well as its own
    first, second = write(NIPS[0], "t-a", same), write(NIPS[1], "t-b", same)
    outcomes = []
    for container, nip, template in ((a, NIPS[0], first), (b, NIPS[1], second)):
        with container.running():
            try:
                faces.confirm_unique(nip, template, settings)
                outcomes.append("kept")
            except DuplicateFaceError:
                outcomes.append("refused")
    # THEN the first re-check sees the second's write in the log and gives its own up; the second then finds
    # itself alone; both indexes hold exactly what is stored, read from the log, no full load
    assert outcomes == ["refused", "kept"] and stored_ids() == ["t-0", "t-b"]
    assert a.index_ids(settings) == b.index_ids(settings) == stored_ids()
    assert len(loads) == 2
    with a.running():
        assert refused(NIPS[2], same, settings)


def test_changes_the_log_no_longer_holds_load_the_index_in_full_and_the_next_ones_come_from_the_log(
    settings: Settings, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = Container(), Container()
    x, y = face(settings, 11), face(settings, 12)
    with a.running():
        assert not refused(NIPS[4], x, settings)
    # GIVEN B's approval of X, logged more than a day before A's next check (its entry expired)
    with b.running():
        enrol(NIPS[0], "t-x", x, settings)
    loaded = len(loads)
    later = base.utc_now() + DAY_AND_MORE
    monkeypatch.setattr(memory_faces, "utc_now", lambda: later)
    # THEN A cannot bring its index up to date from the log: it loads it in full, and refuses X
    with a.running():
        assert refused(NIPS[4], x, settings)
    assert len(loads) == loaded + 1
    # AND a change after that is read from the log again
    with b.running():
        enrol(NIPS[1], "t-y", y, settings)
    with a.running():
        assert refused(NIPS[4], y, settings)
    assert len(loads) == loaded + 1 and a.index_ids(settings) == stored_ids() == ["t-x", "t-y"]


@pytest.mark.parametrize(
    "logged",
    [
        pytest.param(lambda changes: [c for c in changes if c.version != 2], id="an entry missing"),
        pytest.param(lambda changes: changes[:-1], id="the last entry missing"),
        pytest.param(lambda changes: [], id="none"),
    ],
)
def test_a_log_whose_counts_do_not_follow_on_loads_the_index_in_full(
    settings: Settings,
    loads: list[int],
    monkeypatch: pytest.MonkeyPatch,
    logged: Callable[[list[ApprovedChange]], list[ApprovedChange]],
) -> None:
    # GIVEN A's index loaded, then three changes by B of which the log does not give every one (a process of an
    # older version moving the count without logging, an entry deleted)
    a, b = Container(), Container()
    with a.running():
        faces.check_not_duplicate(NIPS[4], face(settings, 20), settings)
    with b.running():
        for n in range(3):
            enrol(NIPS[n], f"t-{n}", face(settings, 21 + n), settings)
    read = faces_repo().approved_changes
    monkeypatch.setattr(faces_repo(), "approved_changes", lambda after: logged(read(after)))
    loaded = len(loads)
    # THEN A loads its index in full and refuses all three
    with a.running():
        assert all(refused(NIPS[4], face(settings, 21 + n), settings) for n in range(3))
    assert len(loads) == loaded + 1 and a.index_ids(settings) == stored_ids()


def test_an_own_single_change_is_read_from_the_log_after_the_index_s_count_without_a_full_load(
    settings: Settings, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Container()
    with a.running():
        faces.check_not_duplicate(NIPS[0], face(settings, 30), settings)
        read: list[int] = []
        log = faces_repo().approved_changes

        def logged(after: int) -> list[ApprovedChange]:
            read.append(after)
            return log(after)

        monkeypatch.setattr(faces_repo(), "approved_changes", logged)
        enrol(NIPS[0], "t-own", face(settings, 30), settings)
        assert refused(NIPS[1], face(settings, 30), settings)
    assert read == [0] and len(loads) == 1  # one Query of the entries after its count (its own), once


@pytest.mark.parametrize("change", ["deleted", "re-embedded"])
def test_a_full_load_that_lists_a_change_the_shard_index_does_not_show_yet_is_put_right_by_the_log(
    settings: Settings, loads: list[int], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    a, b = Container(), Container()
    old, new, other = face(settings, 40), face(settings, 41), face(settings, 42)
    # GIVEN a face approved, then deleted or re-embedded (counts 1 and 2)
    write(NIPS[0], "t-old", old)
    if change == "deleted":
        faces.delete_template(SUPER, NIPS[0], "t-old")
    else:
        faces_repo().replace_vectors(NIPS[0], "t-old", new)
    # WHEN container A loads its index in full at count 2 from a `by_shard` index that still shows the template as
    # it was at count 1 (a GSI lags its table)
    shown = list(memory_faces.InMemoryFacesRepository.approved_templates(faces_repo()))
    lagging = [*(m for m in shown if m.template.template_id != "t-old"), CohortMember(NIPS[0], Template("t-old", old))]
    monkeypatch.setattr(faces_repo(), "approved_templates", lambda: iter(lagging))
    with a.running():
        faces.check_not_duplicate(NIPS[4], other, settings)
    monkeypatch.undo()
    # AND another container approves a face (A's next check reads that change from the log, no full load)
    with b.running():
        enrol(NIPS[1], "t-next", other, settings)
    # THEN A's index holds the approved set as stored: the old face refuses nobody, the new one (re-embedded) does
    with a.running():
        assert refused(NIPS[4], other, settings)
        assert not refused(NIPS[4], old, settings)
        assert refused(NIPS[4], new, settings) == (change == "re-embedded")
    assert a.index_ids(settings) == stored_ids()


def test_a_re_check_whose_template_another_path_deleted_leaves_the_next_approval_in_the_index(
    settings: Settings, loads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Container()
    same, later = face(settings, 50), face(settings, 51)
    # GIVEN A's index loaded with another employee's face; A approves the same face for NIPS[0] (count 2)
    write(NIPS[1], "t-there", same)
    with a.running():
        faces.check_not_duplicate(NIPS[3], later, settings)
    template = write(NIPS[0], "t-mine", same)
    # AND before A's re-check, another path deletes that template (count 3)
    assert faces_repo().delete_template(NIPS[0], "t-mine")
    # WHEN A's re-check finds the duplicate, its delete finds nothing, and another process approves a face just then
    # (count 4)
    delete = faces_repo().delete_template

    def deleted_then_approved(nip: str, template_id: str, audit: AuditBatch | None = None) -> bool:
        found = delete(nip, template_id, audit)
        write(NIPS[2], "t-later", later)
        return found

    monkeypatch.setattr(faces_repo(), "delete_template", deleted_then_approved)
    with a.running(), pytest.raises(DuplicateFaceError):
        faces.confirm_unique(NIPS[0], template, settings)
    monkeypatch.undo()
    # THEN A's index still takes that approval: its face is refused for another employee
    with a.running():
        assert refused(NIPS[3], later, settings)
    assert a.index_ids(settings) == stored_ids() == ["t-later", "t-there"]
