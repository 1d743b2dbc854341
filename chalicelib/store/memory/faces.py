"""In-memory twin of the faces repository (`chalicelib.store.faces.FacesRepository`), for tests and tools.

It answers exactly as the DynamoDB repository does, as pinned by `tests/unit/store/faces_contract.py`, which
both pass. What DynamoDB writes in the same transaction as a template lives in other twins here: the
employee's template count and models in the people twin it is given, the photo's fingerprint in whatever
`fingerprints` receives (the replay history's twin; without one it is not kept), the claim of its bytes in
`photo_claim` (the same twin's, shared with the check-ins; without one nothing is claimed). The log of the
approved set's changes leaves out entries past their expiry (DynamoDB's TTL may have deleted them, or not yet).
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.faces import (
    APPROVED,
    PENDING,
    REJECTED,
    PendingTemplate,
    TemplateInfo,
    TemplateKey,
    note_models,
)
from chalicelib.domain.people import Page
from chalicelib.face.cohort import CohortMember
from chalicelib.face.index import Pair
from chalicelib.face.types import PhotoFingerprint, Template, Vector
from chalicelib.store.audit import AuditBatch
from chalicelib.store.base import ConditionFailed, iso, utc_now
from chalicelib.store.faces import (
    APPROVALS_WINDOW,
    CHANGES_TTL,
    COHORT_PER_SHARD,
    PENDING_PER_EMPLOYEE,
    SHARDS,
    ApprovedChange,
    Decision,
    FoundTemplate,
    NewTemplate,
    best_first,
    models_of,
    ordered,
    pair_key,
)
from chalicelib.store.memory.people import InMemoryPeopleRepository
from chalicelib.store.vectors import pack, unpack

# (nip, ref, fingerprint, when): where the twin hands the fingerprint of an enrolment photo.
FingerprintSink = Callable[[str, str, PhotoFingerprint, datetime], None]
# (nip, ref, when as stored): where it says that a refused or deleted face's enrolment photo keeps no vectors.
VectorsGone = Callable[[str, str, str], None]
# (nip, sha256): where it claims an enrolment photo's bytes (the events twin's `photo_claim`), held while the
# template is written: PhotoTaken when a check-in or enrolment of the employee claimed them first.
PhotoClaim = Callable[[str, str], AbstractContextManager[None]]


@dataclass(frozen=True)
class _Stored:
    info: TemplateInfo
    vectors: Mapping[str, Vector]
    shard: int


@dataclass(frozen=True)
class _Change:
    change: ApprovedChange
    expires: datetime


def _as_stored(vectors: Mapping[str, Vector]) -> tuple[Mapping[str, Vector], tuple[str, ...]]:
    """The vectors as DynamoDB gives them back (float32, by model id) and the models that made them."""
    data, layout = pack(vectors)
    return unpack(data, layout), models_of(layout)


class InMemoryFacesRepository:
    """Templates by NIP then template id; the employees' face state in `people`."""

    def __init__(
        self,
        people: InMemoryPeopleRepository,
        fingerprints: FingerprintSink | None = None,
        vectors_gone: VectorsGone | None = None,
        photo_claim: PhotoClaim | None = None,
    ) -> None:
        self._people = people
        self._fingerprints = fingerprints
        self._vectors_gone = vectors_gone
        self._photo_claim = photo_claim
        self._templates: dict[str, dict[str, _Stored]] = {}
        self._version = 0
        self._changes: dict[int, _Change] = {}  # by the count each made
        self._pairs: dict[str, Pair] = {}  # by pair_key
        self._lock = threading.Lock()

    def _of(self, nip: str) -> list[_Stored]:
        with self._lock:
            found = self._templates.get(nip, {})
            return [found[t] for t in sorted(found)]

    def save_template(self, nip: str, new: NewTemplate, audit: AuditBatch | None = None) -> None:
        vectors, models = _as_stored(new.vectors)
        now = utc_now()
        quality = json.loads(json.dumps(dict(new.quality)))  # as the JSON attribute gives it back
        info = TemplateInfo(
            new.template_id,
            models,
            iso(now),
            new.actor,
            new.photo_key,
            quality,
            new.status,
            new.unor_id,
            new.reset_by,
            new.resetters,
            own_match=new.own_match,
        )
        with self._lock:
            mine = self._templates.get(nip, {})
            full = new.status == PENDING and self._pending_count(nip) >= PENDING_PER_EMPLOYEE
            employee = self._people.get_employee(nip)
            if new.template_id in mine or employee is None or full:
                raise ConditionFailed("dynamodb")
            since = new.unless_reset_since
            if since is not None and employee.device_reset_at is not None and employee.device_reset_at >= since:
                raise ConditionFailed("dynamodb")  # `update_face_state` checks it again as it writes
            with self._claimed(nip, new.fingerprint.sha256):
                if audit is not None:
                    audit.write()  # its failure stores no template, as a failed transaction does
                if new.status == APPROVED:  # its condition first: refused, nothing is written
                    noted = self._noted_models(nip, new.template_id, models)
                    self._people.update_face_state(
                        nip, templates_added=1, face_model=noted, approved=True, unless_reset_since=since
                    )
                    self._counted_change(nip, Template(new.template_id, dict(vectors)))
                else:
                    self._people.update_face_state(nip, pending_added=1, unless_reset_since=since)
                self._templates.setdefault(nip, {})[new.template_id] = _Stored(info, vectors, random.randrange(SHARDS))
        if self._fingerprints is not None:
            self._fingerprints(nip, new.template_id, new.fingerprint, now)

    def _claimed(self, nip: str, sha256: str) -> AbstractContextManager[None]:
        """The claim of the photo's bytes held while its template is written (none without a claims' twin)."""
        return nullcontext() if self._photo_claim is None else self._photo_claim(nip, sha256)

    def _counted_change(self, nip: str, template: Template | None, removed: str | None = None) -> None:
        """The approved set changed (caller holds the lock): the count moves and the change is logged under it."""
        self._version += 1
        template_id = template.template_id if template is not None else str(removed)
        change = ApprovedChange(self._version, nip, template_id, template)
        self._changes[self._version] = _Change(change, utc_now() + CHANGES_TTL)

    def _noted_models(self, nip: str, changed: str, made: tuple[str, ...] | None = None) -> str | None:
        """What a change of the employee's approved faces notes on their record (caller holds the lock, as
        DynamoDB's transaction holds on the change count): the models of the other approved faces, with `made`
        (the changed face's; None: it goes). None: no face left, the note stays."""
        others = [
            s.info.models
            for template_id, s in self._templates.get(nip, {}).items()
            if s.info.status == APPROVED and template_id != changed
        ]
        return note_models(others if made is None else [*others, made])

    def _pending_count(self, nip: str) -> int:
        return sum(s.info.status == PENDING for s in self._templates.get(nip, {}).values())

    def templates_of(self, nip: str) -> list[Template]:
        return [Template(s.info.template_id, dict(s.vectors)) for s in self._of(nip) if s.info.status == APPROVED]

    def template_rows(self, nip: str) -> list[TemplateInfo]:
        return [s.info for s in self._of(nip)]

    def get_template(self, nip: str, template_id: str) -> FoundTemplate | None:
        with self._lock:
            found = self._templates.get(nip, {}).get(template_id)
        return None if found is None else FoundTemplate(found.info, Template(template_id, dict(found.vectors)))

    def pending_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        """The cursor is the last template id of the page before."""
        with self._lock:
            queue = sorted(
                (s.info.template_id, nip, s.info)
                for nip, by_id in self._templates.items()
                for s in by_id.values()
                if s.info.status == PENDING and s.info.unor_id == unor_id
            )
        rest = [row for row in queue if cursor is None or row[0] > cursor]
        page = [PendingTemplate(nip, info) for _, nip, info in rest[:limit]]
        return Page(page, page[-1].info.template_id if len(rest) > limit else None)

    def move_pending(self, nip: str, unor_id: str) -> list[str]:
        with self._lock:
            by_id = self._templates.get(nip, {})
            moving = sorted(t for t, s in by_id.items() if s.info.status == PENDING and s.info.unor_id != unor_id)
            for template_id in moving:
                by_id[template_id] = replace(by_id[template_id], info=replace(by_id[template_id].info, unor_id=unor_id))
        return moving

    def decide_template(self, nip: str, template_id: str, decision: Decision, audit: AuditBatch | None = None) -> None:
        with self._lock:
            found = self._templates.get(nip, {}).get(template_id)
            if found is None or found.info.status != PENDING:
                raise ConditionFailed("dynamodb")
            if audit is not None:
                audit.write()  # its failure leaves the face pending, as a failed transaction does
            info = replace(
                found.info,
                status=APPROVED if decision.approve else REJECTED,
                decided_by=decision.actor,
                decided_at=decision.at,
                note=decision.note or None,
            )
            if decision.approve:
                self._templates[nip][template_id] = replace(found, info=info)
            else:  # a refused face keeps no vectors (store.faces.FacesRepository.decide_template)
                self._templates[nip][template_id] = replace(found, info=replace(info, models=()), vectors={})
            self._people.update_face_state(nip, pending_added=-1, rejected=not decision.approve)
            if decision.approve:
                noted = self._noted_models(nip, template_id, found.info.models)
                self._people.update_face_state(nip, templates_added=1, face_model=noted, approved=True)
                self._counted_change(nip, Template(template_id, dict(found.vectors)))
        if not decision.approve:
            self._forget_vectors(nip, found.info)

    def delete_template(self, nip: str, template_id: str, audit: AuditBatch | None = None) -> bool:
        with self._lock:
            if template_id not in self._templates.get(nip, {}):
                return False
            if audit is not None:
                audit.write()  # its failure keeps the template, as a failed transaction does
            found = self._templates[nip].pop(template_id)
            if found.info.status == APPROVED:
                noted = self._noted_models(nip, template_id)
                self._people.update_face_state(nip, templates_added=-1, face_model=noted)
                self._counted_change(nip, None, removed=template_id)
            elif found.info.status == PENDING:
                self._people.update_face_state(nip, pending_added=-1)
        self._forget_vectors(nip, found.info)
        return True

    def _forget_vectors(self, nip: str, info: TemplateInfo) -> None:
        """What DynamoDB's transaction writes to the enrolment photo's fingerprint (`store.events.forget_vectors`)."""
        if self._vectors_gone is not None:
            self._vectors_gone(nip, info.template_id, info.created_at)

    def replace_vectors(self, nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
        stored, models = _as_stored(vectors)
        with self._lock:
            found = self._templates.get(nip, {}).get(template_id)
            if found is None:
                raise ConditionFailed("dynamodb")
            if found.info.status == REJECTED:
                return  # a refused face keeps no vectors
            info = replace(found.info, models=models)
            self._templates[nip][template_id] = replace(found, info=info, vectors=stored)
            if info.status == APPROVED:
                self._people.update_face_state(nip, face_model=self._noted_models(nip, template_id, models))
                self._counted_change(nip, Template(template_id, dict(stored)))

    def iter_template_keys(self, nips: Iterable[str]) -> Iterator[TemplateKey]:
        for nip in nips:
            for s in self._of(nip):
                if s.info.status != REJECTED:
                    yield TemplateKey(nip, s.info.template_id, s.info.photo_key)

    def _approved(self) -> list[tuple[str, _Stored]]:
        with self._lock:
            return [
                (nip, s) for nip, by_id in self._templates.items() for s in by_id.values() if s.info.status == APPROVED
            ]

    def approved_templates(self) -> Iterator[CohortMember]:
        for nip, s in self._approved():
            yield CohortMember(nip, Template(s.info.template_id, dict(s.vectors)))

    def approved_version(self) -> int:
        with self._lock:
            return self._version

    def approved_changes(self, after: int) -> list[ApprovedChange]:
        now = utc_now()
        with self._lock:
            logged = [self._changes[n] for n in sorted(self._changes) if n > after]
        return [entry.change for entry in logged if entry.expires > now]

    def recent_changes(self, upto: int) -> list[ApprovedChange]:
        now = utc_now()
        since = now - APPROVALS_WINDOW
        with self._lock:
            logged = [self._changes[n] for n in sorted(self._changes) if n <= upto]
        return [e.change for e in logged if e.expires > now and e.expires - CHANGES_TTL >= since]

    def cohort_members(self) -> list[CohortMember]:
        stored = self._approved()
        members: list[CohortMember] = []
        for shard in range(SHARDS):
            in_shard = sorted((pair for pair in stored if pair[1].shard == shard), key=lambda p: p[1].info.template_id)
            members += [
                CohortMember(nip, Template(s.info.template_id, dict(s.vectors)))
                for nip, s in in_shard[:COHORT_PER_SHARD]
            ]
        return members

    def save_pairs(self, policy: str, pairs: Sequence[Pair]) -> None:
        with self._lock:
            self._pairs.update({pair_key(policy, p): ordered(p) for p in pairs})

    def pairs(self, policy: str) -> list[Pair]:
        with self._lock:
            return best_first(p for key, p in self._pairs.items() if key.startswith(f"{policy}|"))

    def drop_pairs(self, template_id: str) -> int:
        with self._lock:
            gone = [key for key, p in self._pairs.items() if template_id in p.template_ids]
            for key in gone:
                del self._pairs[key]
        return len(gone)
