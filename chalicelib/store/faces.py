"""Face templates and photo fingerprints in DynamoDB (personal data: never logged, never in the audit log).

`FacesRepository` is what the use cases may ask of the templates (through `runtime.faces()`);
`DynamoFacesRepository` answers it from DynamoDB and `chalicelib.store.memory.faces.InMemoryFacesRepository`
from dicts, and `tests/unit/store/faces_contract.py` is the one test class both pass.

Vectors of several models are packed into one binary attribute: float32 little-endian, in the order of a
``layout`` list of ``[model id, dimension]``, so a template always says which models made it
(`store.vectors`). An enrolment photo's fingerprint is written with its template; the events repository
(`store.events`) owns the fingerprints and reads them for replay checks.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from chalicelib.domain.faces import TemplateInfo, TemplateKey
from chalicelib.face.cohort import CohortMember
from chalicelib.face.types import PhotoFingerprint, Template, Vector
from chalicelib.store.base import iso, storage_call, transaction, utc_now
from chalicelib.store.events import add_fingerprint
from chalicelib.store.models import EmployeeModel, FaceTemplateModel
from chalicelib.store.vectors import pack, unpack

SHARDS = 16
COHORT_PER_SHARD = 40


def models_of(layout: list[list[Any]]) -> tuple[str, ...]:
    """The model ids of a packed layout, in its (sorted) order."""
    return tuple(str(entry[0]) for entry in layout)


def new_template_id() -> str:
    return f"t-{secrets.token_hex(6)}"


def _template(m: FaceTemplateModel) -> Template:
    return Template(m.template_id, unpack(m.vectors, m.layout))


def _info(m: FaceTemplateModel) -> TemplateInfo:
    return TemplateInfo(
        template_id=m.template_id,
        models=models_of(m.layout),
        created_at=m.created_at,
        created_by=m.created_by,
        photo_key=m.photo_key,
        quality=m.quality or {},
    )


@dataclass(frozen=True)
class NewTemplate:
    """A template to store: the vectors of an accepted enrolment photo, the photo's fingerprint (for replay
    detection) and what an admin will see of it."""

    template_id: str
    vectors: Mapping[str, Vector]
    fingerprint: PhotoFingerprint
    photo_key: str
    actor: str
    quality: Mapping[str, Any] = field(default_factory=dict)


class FacesRepository(Protocol):
    """Employees' face templates. Templates of one employee come by template id; a write whose condition
    fails raises ConditionFailed."""

    def save_template(self, nip: str, new: NewTemplate) -> None:
        """Store a new template (its vectors and the photo's fingerprint), count it on the employee and note
        its models there, all or nothing: ConditionFailed when the id is taken or the employee is unknown."""
        ...

    def templates_of(self, nip: str) -> list[Template]:
        """The employee's templates with their vectors (read consistently: a check-in right after enrolment)."""
        ...

    def template_rows(self, nip: str) -> list[TemplateInfo]:
        """What an admin may see of the employee's templates (never vectors)."""
        ...

    def delete_template(self, nip: str, template_id: str) -> bool:
        """Remove one template and uncount it; False when it did not exist."""
        ...

    def replace_vectors(self, nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
        """Recompute a template with the current models (ConditionFailed when there is no such template)."""
        ...

    def iter_template_keys(self, nips: Iterable[str]) -> Iterator[TemplateKey]:
        """Where the enrolment photo of every template of the given employees is, employee by employee."""
        ...

    def set_face_model(self, nip: str, models: str) -> None:
        """Note on the employee which models (comma-separated) their templates are made of."""
        ...

    def cohort_members(self) -> list[CohortMember]:
        """A sample of enrolled templates, at most COHORT_PER_SHARD of each of the SHARDS random shards: the
        score-normalisation cohort of this regency."""
        ...


class DynamoFacesRepository:
    """`FacesRepository` on the face_templates table (fingerprints and the employee's count in the same
    transaction)."""

    def save_template(self, nip: str, new: NewTemplate) -> None:
        data, layout = pack(new.vectors)
        now = utc_now()
        model = FaceTemplateModel(
            nip,
            new.template_id,
            layout=layout,
            vectors=data,
            quality=dict(new.quality),
            photo_key=new.photo_key,
            shard=random.randrange(SHARDS),
            created_at=iso(now),
            created_by=new.actor,
        )
        with storage_call("dynamodb"), transaction() as tx:
            tx.save(model, condition=FaceTemplateModel.template_id.does_not_exist())
            add_fingerprint(tx, nip, new.template_id, new.fingerprint, now)
            tx.update(
                EmployeeModel(nip),
                actions=[
                    EmployeeModel.template_count.add(1),
                    EmployeeModel.face_model.set(",".join(models_of(layout))),
                ],
                condition=EmployeeModel.nip.exists(),
            )

    def templates_of(self, nip: str) -> list[Template]:
        with storage_call("dynamodb"):
            return [_template(m) for m in FaceTemplateModel.query(nip, consistent_read=True)]

    def template_rows(self, nip: str) -> list[TemplateInfo]:
        with storage_call("dynamodb"):
            return [_info(m) for m in FaceTemplateModel.query(nip)]

    def delete_template(self, nip: str, template_id: str) -> bool:
        with storage_call("dynamodb"):
            try:
                found = FaceTemplateModel.get(nip, template_id, consistent_read=True)
            except FaceTemplateModel.DoesNotExist:
                return False
        with storage_call("dynamodb"), transaction() as tx:
            tx.delete(found)
            tx.update(EmployeeModel(nip), actions=[EmployeeModel.template_count.add(-1)])
        return True

    def replace_vectors(self, nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
        data, layout = pack(vectors)
        with storage_call("dynamodb"):
            FaceTemplateModel(nip, template_id).update(
                actions=[FaceTemplateModel.layout.set(layout), FaceTemplateModel.vectors.set(data)],
                condition=FaceTemplateModel.template_id.exists(),
            )

    def iter_template_keys(self, nips: Iterable[str]) -> Iterator[TemplateKey]:
        for nip in nips:
            with storage_call("dynamodb"):
                rows = list(FaceTemplateModel.query(nip, attributes_to_get=["nip", "template_id", "photo_key"]))
            for m in rows:
                yield TemplateKey(m.nip, m.template_id, m.photo_key)

    def set_face_model(self, nip: str, models: str) -> None:
        with storage_call("dynamodb"):
            EmployeeModel(nip).update(actions=[EmployeeModel.face_model.set(models)])

    def cohort_members(self) -> list[CohortMember]:
        members: list[CohortMember] = []
        with storage_call("dynamodb"):
            for shard in range(SHARDS):
                for m in FaceTemplateModel.by_shard.query(shard, limit=COHORT_PER_SHARD):
                    members.append(CohortMember(m.nip, _template(m)))
        return members
