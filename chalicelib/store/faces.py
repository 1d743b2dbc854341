"""Face templates in DynamoDB (personal data: never logged, never in the audit log).

Vectors of several models are packed into one binary attribute (`store.vectors`), so a template always says
which models made it. An enrolment photo's fingerprint is written with its template; the events repository
(`store.events`) owns the fingerprints and reads them for replay checks.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.face.cohort import CohortMember
from chalicelib.face.types import PhotoFingerprint, Template, Vector
from chalicelib.store.base import iso, storage_call, transaction, utc_now
from chalicelib.store.events import fingerprint_item
from chalicelib.store.models import EmployeeModel, FaceTemplateModel
from chalicelib.store.vectors import pack, unpack

SHARDS = 16
COHORT_PER_SHARD = 40


def _template(m: FaceTemplateModel) -> Template:
    return Template(m.template_id, unpack(m.vectors, m.layout))


def new_template_id() -> str:
    return f"t-{secrets.token_hex(6)}"


def save_template(
    nip: str, template_id: str, analysis: tuple[Mapping[str, Vector], PhotoFingerprint], meta: Mapping[str, Any]
) -> None:
    """Store a template, its photo fingerprint and the employee's template count, all or nothing."""
    vectors, fp = analysis
    data, layout = pack(vectors)
    now = utc_now()
    model = FaceTemplateModel(
        nip,
        template_id,
        layout=layout,
        vectors=data,
        quality=dict(meta.get("quality", {})),
        photo_key=str(meta["photo_key"]),
        shard=random.randrange(SHARDS),
        created_at=iso(now),
        created_by=str(meta["actor"]),
    )
    with storage_call("dynamodb"), transaction() as tx:
        tx.save(model, condition=FaceTemplateModel.template_id.does_not_exist())
        tx.save(fingerprint_item(nip, template_id, fp, now))
        tx.update(
            EmployeeModel(nip),
            actions=[
                EmployeeModel.template_count.add(1),
                EmployeeModel.face_model.set(",".join(m for m, _ in layout)),
            ],
            condition=EmployeeModel.nip.exists(),
        )


def templates_of(nip: str) -> list[Template]:
    with storage_call("dynamodb"):
        return [_template(m) for m in FaceTemplateModel.query(nip, consistent_read=True)]


def template_rows(nip: str) -> list[dict[str, Any]]:
    """What an admin may see of the templates: ids, models, quality, dates (never vectors)."""
    with storage_call("dynamodb"):
        return [
            {
                "template_id": m.template_id,
                "models": [str(x[0]) for x in m.layout],
                "quality": m.quality or {},
                "created_at": m.created_at,
                "created_by": m.created_by,
                "photo_key": m.photo_key,
            }
            for m in FaceTemplateModel.query(nip)
        ]


def delete_template(nip: str, template_id: str) -> bool:
    """Remove one template; False when it did not exist."""
    with storage_call("dynamodb"):
        try:
            found = FaceTemplateModel.get(nip, template_id, consistent_read=True)
        except FaceTemplateModel.DoesNotExist:
            return False
    with storage_call("dynamodb"), transaction() as tx:
        tx.delete(found)
        tx.update(EmployeeModel(nip), actions=[EmployeeModel.template_count.add(-1)])
    return True


def replace_vectors(nip: str, template_id: str, vectors: Mapping[str, Vector]) -> None:
    """Recompute a template with the current models (batch migration after a model change)."""
    data, layout = pack(vectors)
    with storage_call("dynamodb"):
        FaceTemplateModel(nip, template_id).update(
            actions=[FaceTemplateModel.layout.set(layout), FaceTemplateModel.vectors.set(data)],
            condition=FaceTemplateModel.template_id.exists(),
        )


def iter_template_keys(nips: Iterable[str]) -> Iterable[tuple[str, str, str]]:
    """(nip, template_id, photo_key) of every template of the given employees."""
    for nip in nips:
        with storage_call("dynamodb"):
            rows = list(FaceTemplateModel.query(nip, attributes_to_get=["nip", "template_id", "photo_key"]))
        for m in rows:
            yield m.nip, m.template_id, m.photo_key


def set_face_model(nip: str, models: str) -> None:
    with storage_call("dynamodb"):
        EmployeeModel(nip).update(actions=[EmployeeModel.face_model.set(models)])


# --- cohort ------------------------------------------------------------------------------------------


def cohort_members() -> list[CohortMember]:
    """A sample of enrolled templates from every shard: the score-normalisation cohort of this regency."""
    members: list[CohortMember] = []
    with storage_call("dynamodb"):
        for shard in range(SHARDS):
            for m in FaceTemplateModel.by_shard.query(shard, limit=COHORT_PER_SHARD):
                members.append(CohortMember(m.nip, _template(m)))
    return members
