"""The review queue: check-ins recorded as `review` wait for an admin's decision; a decision on a day
already recapped re-runs that day's recap at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any, TypeVar

from chalicelib import runtime
from chalicelib.domain.attendance import Event
from chalicelib.domain.audit import VIEW_PHOTOS
from chalicelib.domain.decisions import Decided
from chalicelib.domain.faces import APPROVED
from chalicelib.domain.people import Principal
from chalicelib.errors import ConflictError, NotFoundError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.people import cached_members_of_unit
from chalicelib.usecases import disclosure, recaps
from chalicelib.usecases.access import require_not_own, require_unit_scope, units_of, visible
from chalicelib.usecases.checkin import event_as
from chalicelib.usecases.disclosure import evidence_ttl_s
from chalicelib.usecases.paging import across_units
from chalicelib.usecases.schemas.reports import (
    Decision,
    DecisionRequest,
    RecapRun,
    ReviewItem,
    ReviewPage,
    ReviewsQuery,
)

PAGE_SIZE = 100
Fetch = Callable[[str, int, dict[str, Any] | None], tuple[list[Event], dict[str, Any] | None]]
Evidence = TypeVar("Evidence", bound=ReviewItem)


def list_reviews(principal: Principal, query: ReviewsQuery, settings: Settings) -> ReviewPage:
    """Pending reviews of the caller's units (or one unit), 100 per page, with their evidence."""
    units = units_of(principal, query.unor_id)
    rows, cursor = page_across_units(units, query.next, runtime.events().pending_reviews)
    return ReviewPage(items=evidence(ReviewItem, rows, settings, principal, "reviews"), next=cursor)


def page_across_units(
    units: Sequence[str], cursor: str | None, fetch: Fetch
) -> tuple[list[tuple[str, Event]], str | None]:
    """Up to a page of events of `units` in turn, each with its unit, from `fetch(unit, limit, start key)`, and
    the signed cursor of the rest (`paging.across_units`)."""

    def unit_rows(unor_id: str, limit: int, start: dict[str, Any] | None) -> tuple[list[tuple[str, Event]], Any]:
        found, last = fetch(unor_id, limit, start)
        return [(unor_id, e) for e in found], last

    return across_units(units, cursor, unit_rows)


def evidence(
    view: type[Evidence],
    rows: Sequence[tuple[str, Event]],
    settings: Settings,
    principal: Principal,
    via: str,
    **extra: Callable[[Event], object],
) -> list[Evidence]:
    """The events as `view` with who (name from the unit's one-minute member cache), where, and signed links
    to the check-in photo and the enrolment photos of the employee's approved faces, the ones a check-in is matched
    with (one template read per employee, overlapped; a pending or rejected face, maybe a stand-in's, is not shown),
    each link recorded as handed to `principal` through the list `via`; `extra` computes the view's further
    fields from each event."""
    photos, ttl = runtime.photos(settings), evidence_ttl_s(settings)
    names = {
        unit: {m.nip: m.nama for m in cached_members_of_unit(runtime.people(), unit)} for unit in {u for u, _ in rows}
    }
    nips = sorted({e.nip for _, e in rows})
    enrolled = _enrolment_photos(principal, nips)
    items = [
        event_as(
            view,
            e,
            nip=e.nip,
            nama=names[unit].get(e.nip),
            unor_id=unit,
            latitude=e.latitude,
            longitude=e.longitude,
            accuracy_m=e.accuracy_m,
            selfie_url=photos.presign(e.photo_key, ttl) if e.photo_key else None,
            enrolment_urls=[photos.presign(key, ttl) for key in enrolled[e.nip]],
            **{name: compute(e) for name, compute in extra.items()},
        )
        for unit, e in rows
    ]
    linked = (item.nip for item in items for _ in range(bool(item.selfie_url) + len(item.enrolment_urls)))
    disclosure.record_links(principal, VIEW_PHOTOS, via, linked, settings)
    return items


def _enrolment_photos(principal: Principal, nips: list[str]) -> dict[str, list[str]]:
    """Per employee, the photo keys of their approved faces the caller may see: every one while the employee is in
    a unit the caller sees; once moved out of it, only those enrolled in a unit the caller sees (the old unit's
    admin keeps the evidence of the faces it enrolled, not the new unit's). One template read per employee."""
    units = {e.nip: e.unor_id for e in runtime.people().get_employees(nips)}

    def seen(nip: str) -> list[str]:
        sees_employee = nip in units and visible(principal, units[nip])
        return [
            t.photo_key
            for t in runtime.faces().template_rows(nip)
            if t.status == APPROVED and (sees_employee or (t.unor_id is not None and visible(principal, t.unor_id)))
        ]

    return dict(zip(nips, recaps.map_units(seen, nips), strict=True))


def decide(principal: Principal, event_id: str, body: DecisionRequest, settings: Settings, now: datetime) -> Decision:
    decision, note = body.decision, body.note
    event = runtime.events().get_event(event_id)
    if event is None:
        raise NotFoundError("Data absen tidak ditemukan.", {"event_id": event_id})
    require_unit_scope(principal, str(event.unor_id))
    require_not_own(principal, event.nip)
    if (event.decision, event.decided_by) == (decision, principal.subject):
        # This admin's own decision, sent again: an earlier try stopped after storing it (with its audit entry;
        # the day's re-run failed). Finish what follows it and answer as that try would have.
        return _followed_up(event, event.decided_at or iso(now), settings, now)
    if event.status != "review" or event.decision:
        if event.decision:  # decided already: an earlier try may have stopped before re-running the day
            _day_changed(event, settings, now)
        raise ConflictError("Data absen ini tidak menunggu keputusan.", {"status": event.status})
    decided = replace(event, decision=decision, decision_note=note)
    audit = runtime.audit().stamped(principal.subject, f"review.{decision}", {event_id: _audited(decided)})
    try:
        runtime.events().decide_review(event_id, decision, Decided(principal.subject, note, now), audit=audit)
    except ConditionFailed as exc:
        # The SDK sends a write again when its answer was lost: the repeat meets this very decision, stored.
        stored = runtime.events().get_event(event_id)
        if stored is None or (stored.decision, stored.decided_by) != (decision, principal.subject):
            raise ConflictError("Data absen ini sudah diputuskan.", {"event_id": event_id}) from exc
        return _followed_up(stored, stored.decided_at or iso(now), settings, now)
    return _followed_up(decided, iso(now), settings, now)


def _followed_up(event: Event, decided_at: str, settings: Settings, now: datetime) -> Decision:
    """What follows a decision on `event`, stored with its audit entry (`review.<decision>`, in the decision's
    own transaction: a decision never stands unnamed, and a retry names it no second time): its day."""
    decision = str(event.decision)
    recap = _day_changed(event, settings, now)
    return Decision(event_id=event.event_id, decision=decision, decided_at=decided_at, recap=recap)


def _audited(event: Event) -> dict[str, object]:
    """An audit entry's details of a decision on `event`: the employee (`nip`, how the log finds it by NIP), the
    check-in or check-out and its time, the admin's note, and the day's stored status before the decision
    changes it (`status_before`, when the day is recapped: one read)."""
    detail: dict[str, object] = {"nip": event.nip, "event_type": event.type}
    detail |= {"date": event.arrival_day, "attendance_time": event.attendance_time}
    if event.decision_note:
        detail["note"] = event.decision_note
    stored = runtime.statuses().employee_status(event.nip, date.fromisoformat(str(event.arrival_day)))
    if stored is not None:
        detail["status_before"] = stored[1].status.status
    return detail


def _day_changed(event: Event, settings: Settings, now: datetime) -> RecapRun | None:
    """Follow a decision on `event` through its day: re-run the day in the units where it is recapped (the
    recap), and let the summaries of the other units it touches be read afresh. Its day is the working day it
    counts for (a 23:45 arrival for a shift from midnight is the next day's; the calendar date for events
    recorded before)."""
    day = date.fromisoformat(str(event.arrival_day))
    units = _units_of_day(event, day, settings)
    rerun = _recapped_past(units, day, settings, now)
    # As the scheduled runs judge it now: a night shift of yesterday still running keeps its status as it stands.
    recap = recaps.run_daily_recap(day, settings, rerun, scheduled_at=now) if rerun else None
    if elsewhere := set(units) - {str(event.unor_id), *rerun}:
        recaps.frames_changed(elsewhere)  # the summary's frame of that unit carries the event (`_left_behind`)
    return recap


def _units_of_day(event: Event, day: date, settings: Settings) -> list[str]:
    """The units whose day the decision changes: the event's, and the one whose day it is for the employee
    when they moved since (a check-in made at the old unit before a move recorded that day counts in the new
    unit's day: decisions 120 and 124)."""
    employee = runtime.people().get_employee(event.nip)
    ours = recaps.unit_on(employee, day, settings) if employee is not None else str(event.unor_id)
    return sorted({str(event.unor_id), ours})


def _recapped_past(units: list[str], day: date, settings: Settings, now: datetime) -> list[str]:
    """Those of `units` whose `day` is past and recapped (one key-only query each): a decision changes their
    stored status at once. A past day a unit never recapped (its run failed: decision 146) waits for its
    scheduled make-up run, which judges it with the decision; an admin's first run of it here would judge every
    member followed that day and charge TK to an appointee SMART began to follow only after it (decision 134)."""
    if not recaps.before_today(day, now, settings.tz):
        return []
    return [unor_id for unor_id, done in zip(units, recaps.recapped(units, day), strict=True) if done]
