"""Face templates and photo fingerprints in DynamoDB (personal data: never logged, never in the audit log).

`FacesRepository` is what the use cases may ask of the templates (through `runtime.faces()`);
`DynamoFacesRepository` answers it from DynamoDB and `chalicelib.store.memory.faces.InMemoryFacesRepository`
from dicts, and `tests/unit/store/faces_contract.py` is the one test class both pass.

Vectors of several models are packed into one binary attribute: float32 little-endian, in the order of a
``layout`` list of ``[model id, dimension]``, so a template always says which models made it
(`store.vectors`). An enrolment photo's fingerprint, and the claim of its bytes, are written with its template; the
events repository (`store.events`) owns the fingerprints and claims and reads them for replay checks.

Review: a template is approved, pending or rejected (`domain.faces`). Only approved ones carry a `shard`, so
the `by_shard` index (cohort, duplicate index) holds nothing else; pending ones carry `pending_unit`, the
sparse `by_pending` index of a unit's queue. The employee item counts approved templates (`template_count`),
notes the models that made them (`face_model`, `_noted_models`: what the admin views count) and counts pending
ones (`pending_faces`, capped at PENDING_PER_EMPLOYEE under a condition, so a burst of uploads cannot flood the
queue). One item (VERSION_KEY) counts every change of the approved set, in the same
transactions, so a process can tell with one read whether its duplicate index is still current; and every
approval is logged in the same transaction (`FaceApprovalModel`), so a load of the approved set right after
another process's commit sees it although the `by_shard` index (eventually consistent) may not show it yet.

Every change of the approved set (a template approved, re-embedded or deleted) is also logged under the count it
made (`FaceChangeModel`, `approved_changes`): a process whose index is at count n reads the changes after n
instead of every approved template. The count is therefore set, not added to: a change reads it (n), writes n + 1
under the condition that it is still n, and its log entry n + 1 in the same transaction; when another process
moved it first, the change is made again on the new count (`_with_change_count`). So count n means entries 1..n
were all committed, each exactly once.
"""

from __future__ import annotations

import random
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any, Protocol

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.domain.faces import (
    APPROVED,
    PENDING,
    REJECTED,
    OwnMatch,
    PendingTemplate,
    TemplateInfo,
    TemplateKey,
    TemplateStatus,
    note_models,
)
from chalicelib.domain.people import Page
from chalicelib.errors import UnavailableError
from chalicelib.face.cohort import CohortMember
from chalicelib.face.index import Pair
from chalicelib.face.types import PhotoFingerprint, Template, Vector
from chalicelib.store.audit import AuditBatch, save_in
from chalicelib.store.base import (
    ConditionFailed,
    cancelled_items,
    decode_cursor,
    encode_cursor,
    iso,
    request_token,
    storage_call,
    transaction,
    utc_now,
)
from chalicelib.store.events import PhotoTaken, add_fingerprint, add_photo_claim, forget_vectors
from chalicelib.store.models import (
    EmployeeModel,
    FaceApprovalModel,
    FaceChangeModel,
    FacePairModel,
    FaceTemplateModel,
)
from chalicelib.store.vectors import pack, unpack

SHARDS = 16
COHORT_PER_SHARD = 40
PENDING_PER_EMPLOYEE = 5
# The item that counts changes of the approved set; no NIP sorts or looks like it, and it is in no index.
VERSION_KEY = ("~version", "~version")
# The partition of the suspected duplicate pairs (FacePairModel); no NIP looks like it.
PAIRS_PARTITION = "~pairs"
# The log of recent approvals (FaceApprovalModel): what a load reads beside the index. A GSI lags its table by
# well under a second; the window leaves a wide margin, the TTL cleans the log.
APPROVALS_PARTITION = "~approved"
APPROVALS_WINDOW = timedelta(minutes=15)
APPROVALS_TTL = timedelta(days=1)
# The log of every change of the approved set by the count it made (FaceChangeModel): what a process reads to
# bring its duplicate index up to date. Older changes may be gone (TTL): then the index is loaded again in full.
CHANGES_PARTITION = "~changes"
CHANGES_TTL = timedelta(days=1)
# A change made again when other processes moved the count first (a read and a transaction each time), with a
# random pause growing by CHANGE_BACKOFF_S a try (up to CHANGE_ATTEMPTS steps). A try lost to a change that
# committed is the approved set's progress, not a stall: with 8 enrolments at once each try loses to the others
# several times, and a fixed number of tries failed unrelated employees at random (2 of 7,000 in the load bench).
# So only tries on a count that did not move are counted: 503 (the client repeats it) after CHANGE_ATTEMPTS of
# them, or once CHANGE_BUDGET_S is spent (well inside the API's 30 s).
CHANGE_ATTEMPTS = 20
CHANGE_BACKOFF_S = 0.02
CHANGE_BUDGET_S = 10.0
# Where an enrolment's transaction claims its photo's bytes (`add_photo_claim`), after the template.
PHOTO_CLAIM_ITEM = 1
# Parallel Queries of the `by_shard` index when loading every approved template (pynamodb's pool holds 10).
SHARD_READERS = 8
_TEMPLATE_ID = re.compile(r"^t-[0-9a-f]{12}-([0-9]{18})$")


def models_of(layout: list[list[Any]]) -> tuple[str, ...]:
    """The model ids of a packed layout, in its (sorted) order."""
    return tuple(str(entry[0]) for entry in layout)


def new_template_id(nip: str) -> str:
    """A new template's id; it names its employee, so a decision needs only the id (`nip_of_template`)."""
    return f"t-{secrets.token_hex(6)}-{nip}"


def nip_of_template(template_id: str) -> str | None:
    """The employee of a template id made by `new_template_id` (None for older ids and anything else)."""
    found = _TEMPLATE_ID.match(template_id)
    return found.group(1) if found else None


def pair_key(policy: str, pair: Pair) -> str:
    """A pair's range key: the policy, then its template ids in order (either way round, the same key)."""
    return "|".join((policy, *sorted(pair.template_ids)))


def ordered(pair: Pair) -> Pair:
    """The pair with its templates (and their owners) in template id order, as stored."""
    if pair.template_ids[0] <= pair.template_ids[1]:
        return pair
    return Pair(pair.owners[::-1], pair.template_ids[::-1], pair.score)


def best_first(pairs: Iterable[Pair]) -> list[Pair]:
    return sorted(pairs, key=lambda p: (-p.score, p.template_ids))


def _template(m: FaceTemplateModel) -> Template:
    return Template(m.template_id, unpack(m.vectors, m.layout))


def _status(m: FaceTemplateModel) -> TemplateStatus:
    return PENDING if m.status == PENDING else REJECTED if m.status == REJECTED else APPROVED


def _info(m: FaceTemplateModel) -> TemplateInfo:
    return TemplateInfo(
        template_id=m.template_id,
        models=models_of(m.layout),
        created_at=m.created_at,
        created_by=m.created_by,
        photo_key=m.photo_key,
        quality=m.quality or {},
        status=_status(m),
        unor_id=m.unor_id,
        reset_by=m.reset_by,
        resetters=frozenset(m.resetters or ()),
        own_match=OwnMatch(**m.own_match) if m.own_match else None,
        decided_by=m.decided_by,
        decided_at=m.decided_at,
        note=m.note,
    )


@dataclass(frozen=True)
class NewTemplate:
    """A template to store: the vectors of an accepted enrolment photo, the photo's fingerprint (for replay
    detection), what an admin will see of it, and its review state."""

    template_id: str
    vectors: Mapping[str, Vector]
    fingerprint: PhotoFingerprint
    photo_key: str
    actor: str
    quality: Mapping[str, Any] = field(default_factory=dict)
    status: TemplateStatus = APPROVED  # or PENDING (never stored as rejected)
    unor_id: str | None = None
    reset_by: str | None = None
    resetters: frozenset[str] = frozenset()  # TemplateInfo.resetters
    own_match: OwnMatch | None = None
    # Saved only while the employee's phone was not reset at or after this moment (ISO 8601 UTC): an enrolment
    # that read no reset within four eyes (FOUR_EYES) passes the start of that window, so a reset landing during
    # its analysis refuses the save (ConditionFailed) instead of letting it bypass four eyes. None: no condition.
    unless_reset_since: str | None = None


@dataclass(frozen=True)
class Decision:
    """An admin's decision on a pending template."""

    approve: bool
    actor: str
    at: str  # ISO 8601 UTC
    note: str | None = None


@dataclass(frozen=True)
class ApprovedChange:
    """One logged change of the approved set: the count it made, and the template approved or re-embedded
    (`template`: its vectors now) or removed (`template` None)."""

    version: int
    owner: str
    template_id: str
    template: Template | None


@dataclass(frozen=True)
class FoundTemplate:
    """One template as stored: what an admin sees and its vectors."""

    info: TemplateInfo
    template: Template


class FacesRepository(Protocol):
    """Employees' face templates. Templates of one employee come by template id; a write whose condition
    fails raises ConditionFailed."""

    def save_template(self, nip: str, new: NewTemplate, audit: AuditBatch | None = None) -> None:
        """Store a new template (its vectors and the photo's fingerprint, its bytes claimed for the employee as a
        recorded check-in claims them: `store.events.photo_claim_key`), count it on the employee (approved: and
        note the models of their approved faces there, `note_models`; pending: at most PENDING_PER_EMPLOYEE
        waiting), with the `audit` entries naming the enrolment, all or nothing: PhotoTaken when a check-in or
        another enrolment of the employee claimed these bytes first (two enrolments of one photo sent at once);
        ConditionFailed when the id is taken, the employee is unknown or too many of theirs are pending."""
        ...

    def templates_of(self, nip: str) -> list[Template]:
        """The employee's approved templates with their vectors (read consistently: a check-in right after
        enrolment)."""
        ...

    def template_rows(self, nip: str) -> list[TemplateInfo]:
        """What an admin may see of all the employee's templates, any status (never vectors), read consistently
        (a four-eyes check made again must see the face that refused its write)."""
        ...

    def get_template(self, nip: str, template_id: str) -> FoundTemplate | None:
        """One template of the employee, read consistently."""
        ...

    def pending_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        """A unit's pending templates (`PendingTemplate`), by template id, paged."""
        ...

    def move_pending(self, nip: str, unor_id: str) -> list[str]:
        """Put the employee's pending templates in `unor_id`'s queue (they moved: the new unit decides them); the
        ids moved. One decided meanwhile stays as decided."""
        ...

    def decide_template(self, nip: str, template_id: str, decision: Decision, audit: AuditBatch | None = None) -> None:
        """Approve or reject a pending template and move the employee's counts (approved: and note the models of
        their approved faces, `note_models`), with the `audit` entries naming the decision, all or none;
        ConditionFailed when it is not (or no longer) pending: of parallel decisions exactly one is applied (its
        entries with it). A rejected template keeps no vectors
        (nor models): biometric data of a face that matches nothing, maybe a stand-in's, is not kept until the
        employee leaves (UU 27/2022); its record, note and photo key stay, the photo evidence for its period."""
        ...

    def delete_template(self, nip: str, template_id: str, audit: AuditBatch | None = None) -> bool:
        """Remove one template and uncount it (by its status), with the `audit` entries naming the removal, all or
        none; False when it did not exist (nothing written, no entry). An approved one's
        removal notes on the employee the models of the approved faces left (`note_models`; none left: the note
        stays, their count says none), so the admin views stop counting a face the check-in can no longer use."""
        ...

    def replace_vectors(self, nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
        """Recompute a template with the current models (ConditionFailed when there is no such template); an
        approved one's new vectors are a change of the approved set, their models noted on the employee with those
        of their other approved faces in the same write (a pending one's are noted when it is approved)."""
        ...

    def iter_template_keys(self, nips: Iterable[str]) -> Iterator[TemplateKey]:
        """Where the enrolment photo of every approved or pending template of the given employees is, employee by
        employee: a rejected one keeps no vectors, and a recompute must not make them again."""
        ...

    def cohort_members(self) -> list[CohortMember]:
        """A sample of approved templates, at most COHORT_PER_SHARD of each of the SHARDS random shards: the
        score-normalisation cohort of this regency."""
        ...

    def approved_templates(self) -> Iterator[CohortMember]:
        """Every approved template of every employee (the duplicate index's load)."""
        ...

    def approved_version(self) -> int:
        """How many changes the approved set has seen: equal numbers, the same set (read consistently)."""
        ...

    def approved_changes(self, after: int) -> list[ApprovedChange]:
        """The logged changes of the approved set after the count `after`, by count (read consistently): each
        change is logged under the count it made, in the same write. Changes older than CHANGES_TTL may be gone;
        the caller checks the counts follow on from `after` (`approved_version` at least) before relying on them."""
        ...

    def recent_changes(self, upto: int) -> list[ApprovedChange]:
        """The logged changes of the last APPROVALS_WINDOW at counts up to `upto`, by count (read consistently):
        what a full load at count `upto` may not show yet, the `by_shard` index lagging (a template deleted, or its
        old vectors). The caller checks the counts follow on to `upto` before relying on them."""
        ...

    def save_pairs(self, policy: str, pairs: Sequence[Pair]) -> None:
        """Remember suspected duplicate pairs found under a scoring policy (a pair already kept is replaced)."""
        ...

    def pairs(self, policy: str) -> list[Pair]:
        """The suspected duplicate pairs kept for the policy, best first, templates in id order."""
        ...

    def drop_pairs(self, template_id: str) -> int:
        """Forget every kept pair (of any policy) holding the template; how many were dropped."""
        ...


def change_key(version: int) -> str:
    """The range key of the change log's entry of one count (in count order as strings)."""
    return f"{version:012d}"


Packed = tuple[bytes, list[list[Any]]]  # `store.vectors.pack`: the vectors and their layout


def _counted_change(tx: TransactWrite, count: int, nip: str, template_id: str, packed: Packed | None) -> None:
    """What every change of the approved set adds to its transaction: the change count moved from `count` (read
    before) to count + 1, on condition that nobody moved it meanwhile, and the change's log entry under count + 1
    (`packed`: the template's vectors now; None: it was removed)."""
    still = FaceTemplateModel.version == count
    if count == 0:
        still = FaceTemplateModel.version.does_not_exist() | still
    tx.update(FaceTemplateModel(*VERSION_KEY), actions=[FaceTemplateModel.version.set(count + 1)], condition=still)
    data, layout = packed if packed is not None else (None, None)
    now = utc_now()
    entry = FaceChangeModel(
        CHANGES_PARTITION,
        change_key(count + 1),
        owner=nip,
        changed=template_id,
        layout=layout,
        vectors=data,
        expires=now + CHANGES_TTL,
    )
    tx.save(entry)


def _logged_approval(tx: TransactWrite, nip: str, template_id: str) -> None:
    """What every approval adds to its transaction besides the counted change: its entry in the approvals log
    (the full load's complement to the lagging `by_shard` index)."""
    now = utc_now()
    log = FaceApprovalModel(APPROVALS_PARTITION, f"{iso(now)}#{template_id}", owner=nip, expires=now + APPROVALS_TTL)
    tx.save(log)


def _still(status: TemplateStatus) -> Condition:
    """The template's status is still the one read (an approved one may be stored without a status)."""
    same: Condition = FaceTemplateModel.status == status
    if status == APPROVED:
        either: Condition = FaceTemplateModel.status.does_not_exist() | same
        return either
    return same


def _not_reset_since(moment: str) -> Condition:
    """The employee's phone was not reset at or after `moment` (both ISO 8601 UTC to the second: they sort as
    text)."""
    either: Condition = EmployeeModel.device_reset_at.does_not_exist() | (EmployeeModel.device_reset_at < moment)
    return either


def _conflicted(exc: UnavailableError) -> bool:
    """DynamoDB cancelled the transaction because another one held one of its items (the change count)."""
    cause = exc.__cause__
    reasons = cause.cancellation_reasons if isinstance(cause, TransactWriteError) else None
    return any(r is not None and r.code == "TransactionConflict" for r in reasons or [])


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, CHANGE_BACKOFF_S * (attempt + 1)))


def _stored_as(stored: FaceTemplateModel | None, written: FaceTemplateModel) -> bool:
    """Whether `stored` is exactly the template `written` (its vectors, photo, author and moment)."""
    mine = (written.vectors, written.photo_key, written.created_by, written.created_at)
    return stored is not None and (stored.vectors, stored.photo_key, stored.created_by, stored.created_at) == mine


def _change(m: FaceChangeModel) -> ApprovedChange:
    template = None if m.vectors is None else Template(m.changed, unpack(m.vectors, m.layout))
    return ApprovedChange(int(m.template_id), m.owner, m.changed, template)


def _noted_models(nip: str, changed: str, made: tuple[str, ...] | None = None) -> list[Action]:
    """What a change of the employee's approved faces writes on their record: the models of the approved faces
    after it (`note_models`): those of the others, read now, with `made` (the changed face's models; None: it
    goes). Called within `_with_change_count`, after the change count was read: the change's transaction holds
    on that count, which every change of any approved face moves, so a parallel approval or deletion that
    commits between this read and that transaction refuses it, and it is made again on a new read; the record
    never keeps a set the other's commit made untrue. No face left: nothing noted (`Employee.face_model`)."""
    with storage_call("dynamodb"):
        rows = FaceTemplateModel.query(nip, consistent_read=True, attributes_to_get=["template_id", "status", "layout"])
        others = [models_of(m.layout) for m in rows if _status(m) == APPROVED and m.template_id != changed]
    note = note_models(others if made is None else [*others, made])
    return [] if note is None else [EmployeeModel.face_model.set(note)]


class DynamoFacesRepository:
    """`FacesRepository` on the face_templates table (fingerprints and the employee's counts in the same
    transaction)."""

    def save_template(self, nip: str, new: NewTemplate, audit: AuditBatch | None = None) -> None:
        data, layout = pack(new.vectors)
        now = utc_now()
        approved = new.status == APPROVED
        model = FaceTemplateModel(
            nip,
            new.template_id,
            layout=layout,
            vectors=data,
            quality=dict(new.quality),
            photo_key=new.photo_key,
            shard=random.randrange(SHARDS) if approved else None,
            status=new.status,
            unor_id=new.unor_id,
            pending_unit=None if approved else new.unor_id or "-",
            reset_by=new.reset_by,
            resetters=set(new.resetters) or None,
            own_match=asdict(new.own_match) if new.own_match else None,
            created_at=iso(now),
            created_by=new.actor,
        )
        counts: list[Action]
        condition: Condition = EmployeeModel.nip.exists()
        if approved:
            counts = [EmployeeModel.template_count.add(1), EmployeeModel.face_approvals.add(1)]
        else:
            counts = [EmployeeModel.pending_faces.add(1)]
            below_cap = EmployeeModel.pending_faces.does_not_exist() | (
                EmployeeModel.pending_faces < PENDING_PER_EMPLOYEE
            )
            condition &= below_cap
        if new.unless_reset_since is not None:
            condition &= _not_reset_since(new.unless_reset_since)

        def write(count: int | None) -> None:
            # The SDK sends a transaction again when its answer was lost (a read timeout while storage is slow):
            # DynamoDB answers the repeat from its token; a repeat that meets the template anyway (the token
            # expired, or moto, which ignores tokens) finds it written by this very call (its id is new).
            noted = [] if count is None else _noted_models(nip, new.template_id, models_of(layout))
            try:
                with storage_call("dynamodb"), transaction(request_token()) as tx:
                    tx.save(model, condition=FaceTemplateModel.template_id.does_not_exist())
                    add_photo_claim(tx, nip, new.fingerprint.sha256, now)  # item PHOTO_CLAIM_ITEM
                    add_fingerprint(tx, nip, new.template_id, new.fingerprint, now)
                    tx.update(EmployeeModel(nip), actions=counts + noted, condition=condition)
                    if count is not None:
                        _logged_approval(tx, nip, new.template_id)
                        _counted_change(tx, count, nip, new.template_id, (data, layout))
                    save_in(tx, audit)
            except ConditionFailed as exc:
                if _stored_as(self._get(nip, new.template_id), model):
                    return
                if PHOTO_CLAIM_ITEM in cancelled_items(exc):
                    raise PhotoTaken() from exc
                raise

        if approved:
            self._with_change_count(write)
        else:
            write(None)

    def _with_change_count(self, write: Callable[[int], None]) -> None:
        """Make a change of the approved set: `write(count)` is its transaction, moving the change count from
        `count` (read just before) with `_counted_change`. Made again on the new count while other processes
        moved it first (or held it in a transaction of theirs); a failed condition of the change's own, with the
        count unmoved, raises ConditionFailed. Tries lost to other changes that committed do not count against
        CHANGE_ATTEMPTS (the budget CHANGE_BUDGET_S bounds them): unrelated employees never fail each other."""
        began = time.monotonic()
        stalled, attempt = 0, 0
        previous: int | None = None
        while stalled < CHANGE_ATTEMPTS and time.monotonic() - began < CHANGE_BUDGET_S:
            count = self.approved_version()
            stalled += count == previous  # the last try's conflict was with a transaction that did not commit
            previous = count
            try:
                write(count)
                return
            except ConditionFailed:
                if self.approved_version() == count:
                    raise
            except UnavailableError as exc:
                if not _conflicted(exc):
                    raise
            _pause(min(attempt, CHANGE_ATTEMPTS))
            attempt += 1
        raise UnavailableError(details={"dependency": "dynamodb"})

    def templates_of(self, nip: str) -> list[Template]:
        with storage_call("dynamodb"):
            rows = FaceTemplateModel.query(nip, consistent_read=True)
            return [_template(m) for m in rows if _status(m) == APPROVED]

    def template_rows(self, nip: str) -> list[TemplateInfo]:
        with storage_call("dynamodb"):
            return [_info(m) for m in FaceTemplateModel.query(nip, consistent_read=True)]

    def _get(self, nip: str, template_id: str) -> FaceTemplateModel | None:
        with storage_call("dynamodb"):
            try:
                return FaceTemplateModel.get(nip, template_id, consistent_read=True)
            except FaceTemplateModel.DoesNotExist:
                return None

    def get_template(self, nip: str, template_id: str) -> FoundTemplate | None:
        found = self._get(nip, template_id)
        return None if found is None else FoundTemplate(_info(found), _template(found))

    def pending_of_unit(self, unor_id: str, cursor: str | None = None, limit: int = 100) -> Page:
        with storage_call("dynamodb"):
            result = FaceTemplateModel.by_pending.query(unor_id, limit=limit, last_evaluated_key=decode_cursor(cursor))
            items = [PendingTemplate(m.nip, _info(m)) for m in result]
            return Page(items, encode_cursor(result.last_evaluated_key))

    def move_pending(self, nip: str, unor_id: str) -> list[str]:
        moved = []
        for info in self.template_rows(nip):
            if info.status != PENDING or info.unor_id == unor_id:
                continue
            actions: list[Action] = [
                FaceTemplateModel.unor_id.set(unor_id),
                FaceTemplateModel.pending_unit.set(unor_id),
            ]
            try:
                with storage_call("dynamodb"):
                    FaceTemplateModel(nip, info.template_id).update(
                        actions=actions, condition=FaceTemplateModel.status == PENDING
                    )
            except ConditionFailed:  # decided meanwhile
                continue
            moved.append(info.template_id)
        return moved

    def decide_template(self, nip: str, template_id: str, decision: Decision, audit: AuditBatch | None = None) -> None:
        """The template is read first (an approval logs its vectors); the decision is written on condition that
        it is still pending with those vectors, and tried again after a re-read when it was not."""
        for _ in range(CHANGE_ATTEMPTS):
            found = self._get(nip, template_id)
            if found is None or _status(found) != PENDING:
                raise ConditionFailed("dynamodb")
            try:
                if decision.approve:
                    self._with_change_count(partial(self._decide, found, decision, audit=audit))
                else:
                    self._decide(found, decision, None, audit=audit)
                return
            except ConditionFailed:
                continue  # decided, deleted or re-embedded meanwhile: read it again
        raise UnavailableError(details={"dependency": "dynamodb"})

    def _decide(
        self, found: FaceTemplateModel, decision: Decision, count: int | None, *, audit: AuditBatch | None = None
    ) -> None:
        nip, template_id = found.nip, found.template_id
        actions: list[Action] = [
            FaceTemplateModel.status.set(APPROVED if decision.approve else REJECTED),
            FaceTemplateModel.pending_unit.remove(),
            FaceTemplateModel.decided_by.set(decision.actor),
            FaceTemplateModel.decided_at.set(decision.at),
        ]
        if decision.note:
            actions.append(FaceTemplateModel.note.set(decision.note))
        counts: list[Action] = [EmployeeModel.pending_faces.add(-1)]
        if decision.approve:
            actions.append(FaceTemplateModel.shard.set(random.randrange(SHARDS)))
            counts += [EmployeeModel.template_count.add(1), EmployeeModel.face_approvals.add(1)]
            counts += _noted_models(nip, template_id, models_of(found.layout))
        else:  # a refused face keeps no vectors (`decide_template`)
            actions += [FaceTemplateModel.vectors.set(b""), FaceTemplateModel.layout.set([])]
            counts.append(EmployeeModel.face_rejections.add(1))
        unchanged = (FaceTemplateModel.status == PENDING) & (FaceTemplateModel.vectors == found.vectors)
        with storage_call("dynamodb"), transaction(request_token()) as tx:
            tx.update(FaceTemplateModel(nip, template_id), actions=actions, condition=unchanged)
            if not decision.approve:
                forget_vectors(tx, nip, template_id, found.created_at)
            tx.update(EmployeeModel(nip), actions=counts)
            if count is not None:
                _logged_approval(tx, nip, template_id)
                _counted_change(tx, count, nip, template_id, (found.vectors, found.layout))
            save_in(tx, audit)

    def delete_template(self, nip: str, template_id: str, audit: AuditBatch | None = None) -> bool:
        """Read, then deleted on condition that its status is still the one read (which says what to uncount
        and whether it is a change of the approved set); read again when it was not."""
        for _ in range(CHANGE_ATTEMPTS):
            found = self._get(nip, template_id)
            if found is None:
                return False  # never there, or a parallel delete took it
            try:
                if _status(found) == APPROVED:
                    self._with_change_count(partial(self._delete, found, audit=audit))
                else:
                    self._delete(found, None, audit)
                return True
            except ConditionFailed:
                continue
        raise UnavailableError(details={"dependency": "dynamodb"})

    def _delete(self, found: FaceTemplateModel, count: int | None, audit: AuditBatch | None = None) -> None:
        nip, template_id, status = found.nip, found.template_id, _status(found)
        counter = {APPROVED: EmployeeModel.template_count, PENDING: EmployeeModel.pending_faces}.get(status)
        # An approved one (counted): the record notes the models of the faces left.
        noted = [] if count is None else _noted_models(nip, template_id)
        with storage_call("dynamodb"), transaction() as tx:
            tx.delete(
                FaceTemplateModel(nip, template_id), condition=FaceTemplateModel.template_id.exists() & _still(status)
            )
            forget_vectors(tx, nip, template_id, found.created_at)
            if counter is not None:
                uncount: list[Action] = [counter.add(-1), *noted]
                tx.update(EmployeeModel(nip), actions=uncount)
            if count is not None:
                _counted_change(tx, count, nip, template_id, None)
            save_in(tx, audit)

    def replace_vectors(self, nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
        """An approved template's new vectors are written with the counted change that logs them (on condition
        that it is still approved); a pending one's alone (on condition that it is still so); a rejected one keeps
        none (a recompute that listed it before its rejection writes nothing back)."""
        data, layout = pack(vectors)
        actions: list[Action] = [FaceTemplateModel.layout.set(layout), FaceTemplateModel.vectors.set(data)]
        for _ in range(CHANGE_ATTEMPTS):
            found = self._get(nip, template_id)
            if found is None:
                raise ConditionFailed("dynamodb")
            status = _status(found)
            if status == REJECTED:
                return
            condition = FaceTemplateModel.template_id.exists() & _still(status)
            try:
                if status == APPROVED:
                    self._with_change_count(partial(_replace, found, actions, condition, (data, layout)))
                else:
                    with storage_call("dynamodb"):
                        FaceTemplateModel(nip, template_id).update(actions=actions, condition=condition)
                return
            except ConditionFailed:
                continue  # deleted or decided meanwhile: read it again
        raise UnavailableError(details={"dependency": "dynamodb"})

    def iter_template_keys(self, nips: Iterable[str]) -> Iterator[TemplateKey]:
        for nip in nips:
            with storage_call("dynamodb"):
                rows = list(
                    FaceTemplateModel.query(nip, attributes_to_get=["nip", "template_id", "photo_key", "status"])
                )
            for m in rows:
                if _status(m) != REJECTED:
                    yield TemplateKey(m.nip, m.template_id, m.photo_key)

    def cohort_members(self) -> list[CohortMember]:
        members: list[CohortMember] = []
        with storage_call("dynamodb"):
            for shard in range(SHARDS):
                for m in FaceTemplateModel.by_shard.query(shard, limit=COHORT_PER_SHARD):
                    members.append(CohortMember(m.nip, _template(m)))
        return members

    def approved_templates(self) -> Iterator[CohortMember]:
        """The `by_shard` index (its SHARDS Queries, SHARD_READERS at a time), then the logged approvals of the
        last APPROVALS_WINDOW it did not show (read from their own items: one that was deleted again is left
        out)."""
        with ThreadPoolExecutor(max_workers=SHARD_READERS) as pool:
            shards = list(pool.map(_approved_in_shard, range(SHARDS)))
        shown: set[str] = set()
        for rows in shards:
            shown.update(row.template.template_id for row in rows)
            yield from rows
        yield from self._logged_approvals(shown)

    def _logged_approvals(self, shown: set[str]) -> Iterator[CohortMember]:
        since = iso(utc_now() - APPROVALS_WINDOW)
        with storage_call("dynamodb"):
            logged = list(
                FaceApprovalModel.query(
                    APPROVALS_PARTITION, FaceApprovalModel.template_id >= since, consistent_read=True
                )
            )
        for entry in logged:
            template_id = entry.template_id.partition("#")[2]
            found = None if template_id in shown else self._get(entry.owner, template_id)
            if found is not None:
                shown.add(template_id)
                yield CohortMember(entry.owner, _template(found))

    def approved_version(self) -> int:
        with storage_call("dynamodb"):
            try:
                found = FaceTemplateModel.get(*VERSION_KEY, consistent_read=True, attributes_to_get=["version"])
            except FaceTemplateModel.DoesNotExist:
                return 0
        return int(found.version or 0)

    def approved_changes(self, after: int) -> list[ApprovedChange]:
        with storage_call("dynamodb"):
            rows = FaceChangeModel.query(
                CHANGES_PARTITION, FaceChangeModel.template_id > change_key(after), consistent_read=True
            )
            return [_change(m) for m in rows]

    def recent_changes(self, upto: int) -> list[ApprovedChange]:
        """Read back from `upto` and stopped at the first entry older than the window (entries follow in time)."""
        since = utc_now() - APPROVALS_WINDOW
        recent: list[ApprovedChange] = []
        with storage_call("dynamodb"):
            rows = FaceChangeModel.query(
                CHANGES_PARTITION,
                FaceChangeModel.template_id <= change_key(upto),
                consistent_read=True,
                scan_index_forward=False,
            )
            for m in rows:
                if m.expires - CHANGES_TTL < since:
                    break
                recent.append(_change(m))
        return recent[::-1]

    def save_pairs(self, policy: str, pairs: Sequence[Pair]) -> None:
        """One PutItem a pair (the API's role has no BatchWriteItem on this table; pairs are few)."""
        with storage_call("dynamodb"):
            for pair in map(ordered, pairs):
                key = pair_key(policy, pair)
                FacePairModel(PAIRS_PARTITION, key, owners=list(pair.owners), score=pair.score).save()

    def pairs(self, policy: str) -> list[Pair]:
        with storage_call("dynamodb"):
            rows = list(FacePairModel.query(PAIRS_PARTITION, FacePairModel.template_id.startswith(f"{policy}|")))
        return best_first(_pair(m) for m in rows)

    def drop_pairs(self, template_id: str) -> int:
        """One Query of the pairs (suspected duplicates are few: the strict threshold flags no impostor pair
        measured), then a delete of each holding the template."""
        with storage_call("dynamodb"):
            keys = [m.template_id for m in FacePairModel.query(PAIRS_PARTITION) if template_id in _pair(m).template_ids]
            for key in keys:  # the pair items' table is face_templates (FacePairModel shares it)
                FaceTemplateModel(PAIRS_PARTITION, key).delete()
        return len(keys)


def _replace(found: FaceTemplateModel, actions: list[Action], condition: Condition, packed: Packed, count: int) -> None:
    """An approved template's new vectors, with the counted change that logs them and its models noted on the
    employee record (`_noted_models`)."""
    nip, template_id = found.nip, found.template_id
    noted = _noted_models(nip, template_id, models_of(packed[1]))
    with storage_call("dynamodb"), transaction() as tx:
        tx.update(FaceTemplateModel(nip, template_id), actions=actions, condition=condition)
        tx.update(EmployeeModel(nip), actions=noted)
        _counted_change(tx, count, nip, template_id, packed)


def _approved_in_shard(shard: int) -> list[CohortMember]:
    with storage_call("dynamodb"):
        return [CohortMember(m.nip, _template(m)) for m in FaceTemplateModel.by_shard.query(shard)]


def _pair(m: FacePairModel) -> Pair:
    _, first, second = m.template_id.split("|")
    first_owner, second_owner = (str(owner) for owner in m.owners)
    return Pair((first_owner, second_owner), (first, second), float(m.score))
