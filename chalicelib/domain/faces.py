"""What an admin may see of an employee's face templates: never the vectors (personal data), only their
models, quality, dates, review state and where the enrolment photo is kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

TemplateStatus = Literal["approved", "pending", "rejected"]
APPROVED: TemplateStatus = "approved"
PENDING: TemplateStatus = "pending"
REJECTED: TemplateStatus = "rejected"


def made_by_policy(models: Iterable[str], model_ids: Iterable[str]) -> bool:
    """Whether every model the scoring policy runs (`model_ids`) made a face: what a check-in can compare it with.
    `models`: a template's (`TemplateInfo.models`), or one set the employee record notes (`noted_models`); after a
    model change, until the operator's recompute, the others answer NOT_ENROLLED."""
    return set(model_ids) <= set(models)


def note_models(made_by: Iterable[Iterable[str]]) -> str | None:
    """What the employee record notes (`Employee.face_model`) of the models that made their approved faces: each
    face's models joined by commas, the distinct sets sorted and joined by semicolons ("a,b;old"); None for no
    face. Every set is kept, not the last approved face's alone: a deletion must leave the record saying whether
    a face the check-in compares with is left, whatever policy reads it."""
    sets = {",".join(sorted(models)) for models in made_by}
    return ";".join(sorted(sets)) or None


def noted_models(note: str | None) -> list[tuple[str, ...]]:
    """The model sets an employee record notes (`note_models`; a record noted before holds one set)."""
    return [tuple(models.split(",")) for models in note.split(";")] if note else []


@dataclass(frozen=True)
class OwnMatch:
    """A new face scored against the employee's approved faces as a check-in would be (`score`), and the
    accept threshold that applied: below it the face is not shown to be the employee's (a stand-in's, or a
    look-alike's the review band would let through), and only a super admin may approve it (decision 235).
    `score` None: the employee had approved faces, but none is left that it can be compared with (deleted
    first, or made by other models), so it cannot be shown to be theirs either."""

    score: float | None
    threshold: float

    @property
    def unlike(self) -> bool:
        return self.score is None or self.score < self.threshold


@dataclass(frozen=True)
class TemplateInfo:
    """One stored template of an employee, without its vectors.

    Only approved templates verify check-ins and join the cohort and the duplicate index; a self-enrolment,
    and any enrolment soon after a device reset, waits as pending for an admin's decision."""

    template_id: str
    models: tuple[str, ...]  # the models that made its vectors, sorted
    created_at: str  # ISO 8601 UTC
    created_by: str  # the admin (or tool, or the employee themselves) that enrolled it
    photo_key: str  # the enrolment photo in the photo store
    quality: Mapping[str, Any] = field(default_factory=dict)  # face size, brightness, sharpness, yaw
    status: TemplateStatus = APPROVED  # templates stored before review existed are approved
    unor_id: str | None = None  # the employee's unit when enrolled: who may decide a pending one
    reset_by: str | None = None  # four eyes: the admin whose device reset makes this one need another admin
    # Four eyes: every admin who reset the phone (or issued the code it was bound with) within the window before its
    # enrolment, `reset_by` among them; empty on templates stored before it (`reset_by` alone, the last).
    resetters: frozenset[str] = frozenset()
    # How well the face matched the employee's approved faces when enrolled; None: there were none.
    own_match: OwnMatch | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    note: str | None = None

    @property
    def reset_admins(self) -> frozenset[str]:
        """Every admin who reset the phone or issued the code it was bound with within the window before its
        enrolment (`resetters`, `reset_by` among them: a template stored before `resetters` names it alone)."""
        return self.resetters | ({self.reset_by} if self.reset_by else frozenset())

    def barred_from_approval(self) -> frozenset[str]:
        """Four eyes: the admins who may not approve it, enrolled within the window after a device reset: every
        admin who reset the phone or issued the code it was bound with (`reset_admins`), and its enroller; none
        otherwise."""
        resetters = self.reset_admins
        return resetters | {self.created_by} if resetters else frozenset()


@dataclass(frozen=True)
class PendingTemplate:
    """A template in a unit's queue and whose it is."""

    nip: str
    info: TemplateInfo


@dataclass(frozen=True)
class TemplateKey:
    """Where a template's enrolment photo is: what the batch recompute needs to re-embed it."""

    nip: str
    template_id: str
    photo_key: str
