"""The admin views of the second wave: the regency's monitor summary, refused check-in attempts (fraud
evidence) and the audit log (API.md "Admin views").

The summary judges every visible unit like the unit's live monitor (`recaps.unit_counts`); attempts carry the
same evidence as reviews (`reviews.evidence`); the audit log is read day by day from its per-UTC-day partitions,
newest first, filtered within a bounded range of dates (and, for a unit admin or an auditor with units, to the
entries of their units, their employees and their own).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from chalicelib import runtime
from chalicelib.attendance.classify import MONITOR_KEYS
from chalicelib.domain.attendance import Event
from chalicelib.domain.audit import CHANGES, AuditEntry, log_of
from chalicelib.domain.people import NIP_PATTERN, Principal
from chalicelib.domain.text import matches_whole
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store.base import bad_cursor, decode_position, encode_cursor, iso
from chalicelib.store.cache import TtlCache
from chalicelib.usecases import access, recaps, reviews
from chalicelib.usecases.auth import phone_hash
from chalicelib.usecases.schemas.admin_views import (
    Attempt,
    AttemptPage,
    AttemptsQuery,
    AuditItem,
    AuditPage,
    AuditQuery,
    MonitorSummary,
    SummaryQuery,
    UnitSummary,
)
from chalicelib.usecases.schemas.common import parse_date

MAX_AUDIT_DAYS = 92
AUDIT_PAGE = 100
AUDIT_READ = 200  # entries read per store call
AUDIT_BUDGET = 2000  # entries read per request at most; the cursor goes on from there


def _today(settings: Settings, now: datetime) -> date:
    return now.astimezone(settings.tz).date()


# --- monitor summary -----------------------------------------------------------------------------------


_UNITS: TtlCache[dict[str, str]] = TtlCache(ttl_s=recaps.FRAME_TTL_S)


def _regency_units() -> dict[str, str]:
    """Every unit's name by id, as read at most FRAME_TTL_S ago (units come and go with the nightly SIMPEG sync)."""

    def load() -> dict[str, str]:
        ids = runtime.people().list_unit_ids()
        return {u.unor_id: u.unor_nama for u in runtime.people().get_units(ids)}

    return _UNITS.get("all", load)


def monitor_summary(principal: Principal, query: SummaryQuery, settings: Settings, now: datetime) -> MonitorSummary:
    """Counts per monitor state of every unit the caller may see, and their totals: one batch read of the day's
    digests per poll (decision 67)."""
    day = query.date or _today(settings, now)
    visible = access.visible_units(principal, None)
    names = _regency_units()
    units = sorted(names) if visible is None else visible
    counted = recaps.unit_counts(units, day, now, settings)
    # A day over: which units a recap stored it for (their absences are TK; the others' are not yet).
    stored: list[bool | None] = (
        list(recaps.recapped(units, day)) if recaps.before_today(day, now, settings.tz) else [None] * len(units)
    )
    totals: dict[str, int] = dict.fromkeys(MONITOR_KEYS, 0)
    rows = []
    for unit, (_, counts), recapped in zip(units, counted, stored, strict=True):
        for state, count in counts.items():
            totals[state] += count
        rows.append(
            UnitSummary(
                unor_id=unit,
                unor_nama=names.get(unit, unit),
                employee_count=sum(counts.values()),  # those judged (a day over: followed by then)
                counts=counts,
                recapped=recapped,
            )
        )
    return MonitorSummary(date=day.isoformat(), totals=totals, units=rows)


# --- refused attempts ----------------------------------------------------------------------------------


def attempts(principal: Principal, query: AttemptsQuery, settings: Settings, now: datetime) -> AttemptPage:
    """Refused check-ins of one local date in the caller's units (or one unit), 100 per page, with evidence."""
    day = (query.date or _today(settings, now)).isoformat()
    units = access.units_of(principal, query.unor_id)
    fetch = partial(_refused, day, query.code)
    rows, cursor = reviews.page_across_units(units, query.next, fetch)
    items = reviews.evidence(
        Attempt, rows, settings, principal, "attempts", code=lambda e: (e.reasons or ("",))[0], details=_told
    )
    return AttemptPage(items=items, next=cursor)


def _told(event: Event) -> dict[str, object]:
    """The details of the refusal the phone was given (kept with the event as its answer)."""
    error = (event.answer or {}).get("error")
    details = error.get("details") if isinstance(error, dict) else None
    return dict(details) if isinstance(details, dict) else {}


def _refused(
    day: str, code: str | None, unor_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Event], dict[str, Any] | None]:
    return runtime.events().refused_of_unit_day(unor_id, day, code, limit, start)


# --- audit log -----------------------------------------------------------------------------------------


def audit_log(principal: Principal, query: AuditQuery, settings: Settings, now: datetime) -> AuditPage:
    """Entries between two local dates (at most 92 days), newest first, 100 per page, filtered by actor,
    action (or family: `zone` matches `zone.*`) and target. The changes, unless the action asks for the links to
    personal files (`view`, `view.photos`, `view.attachments`, `view.reports`).

    Super admins and regency-wide auditors read every entry. A unit admin or an auditor with units reads the
    changes of their units: entries whose target is one of their units or an employee (NIP) now in one of them,
    the decisions on such an employee's requests and check-ins (`request.*`, `review.*`: their details name the
    NIP, and `target=` that NIP finds them too), the field-duty letters naming such an employee (`assignment.*`:
    their details name every NIP, each of which `target=` finds), and the entries they wrote themselves; entries
    about anything else (zones, holidays, admin users, ...) are not theirs, nor is the record of links to personal
    files (403). A page may then hold fewer than 100 items; `next` goes on until the range is read."""
    access.require_admin(principal)
    log = log_of(query.action) if query.action else CHANGES
    scope = None if principal.sees_all_units else principal.unit_ids
    if scope is not None and log != CHANGES:
        raise ForbiddenError()
    end = query.to or _today(settings, now)
    start = query.from_ or end
    if start > end or (end - start).days >= MAX_AUDIT_DAYS:
        raise ValidationError(
            "Rentang tanggal tidak valid.", {"from": f"on or before `to`, at most {MAX_AUDIT_DAYS} days"}
        )
    low = datetime.combine(start, time(), settings.tz).astimezone(UTC)
    high = datetime.combine(end + timedelta(days=1), time(), settings.tz).astimezone(UTC)
    day, before = _audit_position(query.next, low.date(), (high - timedelta(microseconds=1)).date())
    roles: dict[str, str | None] = {}
    units_of: dict[str, str | None] = {}
    items: list[AuditItem] = []
    read = 0
    while day >= low.date():
        page = runtime.audit().page_of_day(day, before, AUDIT_READ, log)
        read += len(page.keys)
        found = [
            (e, k) for e, k in zip(page.entries, page.keys, strict=True) if low <= e.at < high and _matches(e, query)
        ]
        if scope is not None:
            found = _in_scope(found, principal.subject, scope, units_of)
        for entry, key in found:
            items.append(_audit_item(entry, roles))
            if len(items) == AUDIT_PAGE:
                return AuditPage(items=items, next=_audit_cursor(day, key))
        if page.last_key is not None:
            before = page.last_key
        else:
            day, before = day - timedelta(days=1), None
        if read >= AUDIT_BUDGET and day >= low.date():
            return AuditPage(items=items, next=_audit_cursor(day, before))
    return AuditPage(items=items, next=None)


def _in_scope(
    found: list[tuple[AuditEntry, str]], subject: str, scope: frozenset[str], units_of: dict[str, str | None]
) -> list[tuple[AuditEntry, str]]:
    """The entries of a store page a unit-scoped reader may read: their own, or about one of their units or an
    employee now in one of them (a letter: any of its employees). The employees named are read in one batch per
    page (`units_of` keeps each NIP's unit, None when unknown, across the request's pages)."""
    named = [_employees_named(e) for e, _ in found]
    unknown = {
        nip
        for (e, _), nips in zip(found, named, strict=True)
        if e.actor != subject and e.target not in scope
        for nip in nips
        if nip not in units_of
    }
    if unknown:
        units_of.update(dict.fromkeys(unknown))
        units_of.update((emp.nip, emp.unor_id) for emp in runtime.people().get_employees(sorted(unknown)))
    return [
        (e, k)
        for (e, k), nips in zip(found, named, strict=True)
        if e.actor == subject or e.target in scope or any(units_of.get(nip) in scope for nip in nips)
    ]


# The families of actions whose target is an employee's NIP. An admin's username may be 18 digits too (a NIP
# used as a name): the entries about admin accounts (`admin_user.*`, `admin.unlock`) stay the regency readers'.
EMPLOYEE_ACTIONS = frozenset({"employee", "face", "schedule", "leave", "fingerprint"})
# The families whose target is something of one employee's (a request's id, an event's id) and whose details
# name that employee (`nip`): their entries are found by that NIP (`target=`) and read by the unit's readers.
EMPLOYEE_DETAIL_ACTIONS = frozenset({"request", "review"})
# The families whose target is something of several employees' (a field-duty letter's id) and whose details name
# them all (`nips`): found by any of those NIPs, and read by the readers of any of their units.
EMPLOYEES_DETAIL_ACTIONS = frozenset({"assignment"})


def _employees_named(entry: AuditEntry) -> tuple[str, ...]:
    """The NIPs of the employees an entry is about: its target, for a request's or review's decision the `nip` of
    its details, for a letter the `nips` of its details; none for an entry about anything else."""
    family = entry.action.partition(".")[0]
    detail = entry.detail or {}
    if family in EMPLOYEE_ACTIONS:
        named: object = [entry.target]
    elif family in EMPLOYEE_DETAIL_ACTIONS:
        named = [detail.get("nip")]
    else:
        named = detail.get("nips") if family in EMPLOYEES_DETAIL_ACTIONS else None
    listed = named if isinstance(named, list) else []
    return tuple(nip for nip in listed if matches_whole(NIP_PATTERN, nip))


def _audit_position(cursor: str | None, first: date, last: date) -> tuple[date, str | None]:
    position = decode_position(cursor)
    if position is None:
        return last, None
    before = position.get("before")
    try:
        day = parse_date(position.get("day"), "next")
    except ValidationError as exc:
        raise bad_cursor() from exc
    if not first <= day <= last or not (before is None or isinstance(before, str)):
        raise bad_cursor()
    return day, before


def _audit_cursor(day: date, before: str | None) -> str | None:
    return encode_cursor({"day": day.isoformat(), "before": before})


def _matches(entry: AuditEntry, query: AuditQuery) -> bool:
    action = query.action
    return (
        (query.actor is None or entry.actor == query.actor)
        and (query.target is None or query.target == entry.target or query.target in _employees_named(entry))
        and (action is None or entry.action == action or entry.action.startswith(f"{action}."))
    )


def _shown(detail: Mapping[str, object] | None) -> dict[str, object] | None:
    """An entry's detail as the log shows it: a phone's id, as entries written before decision 193 kept it, by its
    hash (`auth.phone_hash`)."""
    if not detail:
        return None
    shown = dict(detail)
    device_id = shown.pop("device_id", None)
    if isinstance(device_id, str):
        shown["device"] = phone_hash(device_id)
    return shown


def _audit_item(entry: AuditEntry, roles: dict[str, str | None]) -> AuditItem:
    """Entries written before roles were recorded show the actor's current role (read once per actor)."""
    role = entry.role
    if role is None:
        if entry.actor not in roles:
            admin = runtime.people().get_admin(entry.actor)
            roles[entry.actor] = admin.role if admin else None
        role = roles[entry.actor]
    details = _shown(entry.detail)
    return AuditItem(
        at=iso(entry.at), actor=entry.actor, role=role, action=entry.action, target=entry.target, details=details
    )
