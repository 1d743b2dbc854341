"""The review queue: check-ins recorded as `review` wait for an admin's decision; a decision on a day
already recapped re-runs that day's recap at once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from chalicelib import runtime
from chalicelib.domain.people import Principal
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.usecases import recaps
from chalicelib.usecases.access import require_unit_scope, units_of
from chalicelib.usecases.checkin import event_as
from chalicelib.usecases.paging import across_units
from chalicelib.usecases.schemas.reports import (
    Decision,
    DecisionRequest,
    RecapRun,
    ReviewItem,
    ReviewPage,
    ReviewsQuery,
)


def list_reviews(principal: Principal, query: ReviewsQuery) -> ReviewPage:
    """Pending reviews of the caller's units (or one unit), 100 per page."""

    def unit_rows(unor_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[ReviewItem], Any]:
        rows, last = runtime.events().pending_reviews(unor_id, limit, start)
        return [event_as(ReviewItem, r, nip=r.nip, unor_id=unor_id) for r in rows], last

    items, cursor = across_units(units_of(principal, query.unor_id), query.next, unit_rows)
    return ReviewPage(items=items, next=cursor)


def decide(principal: Principal, event_id: str, body: DecisionRequest, settings: Settings, now: datetime) -> Decision:
    decision, note = body.decision, body.note
    event = runtime.events().get_event(event_id)
    if event is None:
        raise NotFoundError("Data absen tidak ditemukan.", {"event_id": event_id})
    require_unit_scope(principal, str(event.unor_id))
    if event.status != "review" or event.decision:
        raise ConflictError("Data absen ini tidak menunggu keputusan.", {"status": event.status})
    try:
        runtime.events().decide_review(event_id, decision, principal.subject, note, now)
    except ConditionFailed as exc:
        raise ConflictError("Data absen ini sudah diputuskan.", {"event_id": event_id}) from exc
    runtime.audit().record(principal.subject, f"review.{decision}", event_id, {"nip": event.nip})
    day = date.fromisoformat(str(event.local_date))
    recap = _rerun_if_recapped(str(event.unor_id), day, settings, now)
    return Decision(event_id=event_id, decision=decision, decided_at=iso(now), recap=recap)


def _rerun_if_recapped(unor_id: str, day: date, settings: Settings, now: datetime) -> RecapRun | None:
    """A decision on a day already recapped changes that day's stored status at once."""
    if day >= now.astimezone(settings.tz).date():
        return None
    return recaps.run_daily_recap(day, settings, [unor_id])
