"""Requests and results of face review: self-enrolment, the pending queue and its decisions, duplicate
faces, and the onboarding state an employee sees (API.md "Additions of v1")."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from chalicelib.domain.faces import APPROVED, PENDING, REJECTED
from chalicelib.usecases.schemas.attendance import FaceQuality
from chalicelib.usecases.schemas.common import NEXT, InstantText, Nip, Page, Query, Result, UnitId, enum_schema
from chalicelib.usecases.schemas.reports import DECISIONS

STATUSES = (APPROVED, PENDING, REJECTED)
Status = Annotated[str, enum_schema(STATUSES)]


class SelfEnrolled(Result):
    """A self-enrolment waiting for an admin: it counts only once approved."""

    template_id: str
    status: Annotated[str, enum_schema((PENDING,))]


class PendingFacesQuery(Query):
    unor_id: UnitId | None = Field(default=None, description="The unit; all the caller's units when absent.")
    nip: Nip | None = Field(
        default=None,
        description="One employee's waiting faces only (an employee's page): no other employee's photo is linked.",
    )
    next: str | None = NEXT


class OwnMatchView(Result):
    score: float | None = Field(
        description="Null: the employee had approved faces, but none is left to compare with (deleted first, or "
        "made by other models)."
    )
    threshold: float
    unlike: bool = Field(
        description="Below the threshold: not the face the employee checks in with, so only a super admin who "
        "did not enrol it may approve it."
    )


class PendingFace(Result):
    template_id: str
    nip: str
    nama: str | None
    unor_id: str
    status: Status
    created_at: str
    created_by: str = Field(description="The admin who enrolled it, or the employee's NIP (self-enrolment).")
    quality: FaceQuality
    photo_url: str = Field(json_schema_extra={"format": "uri"}, description="Short-lived signed link.")
    reset_by: str | None = Field(
        description="Four eyes: enrolled within 7 days after this admin reset the employee's device (the last "
        "reset; `resetters` names every admin barred), so another admin must approve it (null: any admin of the "
        "unit)."
    )
    resetters: list[str] = Field(
        description="Four eyes: every admin who reset the employee's device, or issued the activation code it was "
        "bound with, within 7 days before the face was enrolled (`reset_by` among them), sorted. None of them, nor "
        "its enroller (`created_by`), may approve it (403 `four_eyes`); empty: any admin of the unit."
    )
    own_match: OwnMatchView | None = Field(
        description="The face scored against the employee's approved faces when it was enrolled, as a "
        "check-in would be (null: there were none)."
    )


class PendingFacePage(Page[PendingFace]):
    pass


class FaceDecided(Result):
    template_id: str
    decision: Annotated[str, enum_schema(DECISIONS)]
    status: Status
    decided_at: InstantText


class DuplicateFaces(Result):
    """Templates of different employees that look like one person (raw fused cosine at or above the
    policy's duplicate threshold)."""

    nips: list[str]
    template_ids: list[str]
    score: float


class DuplicatePage(Page[DuplicateFaces]):
    pass
