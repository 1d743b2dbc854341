"""Admin reads of attendance: daily recap, live monitor, monthly TPP report, review queue and decisions.

Every function takes the caller and checks the unit scope first: a unit admin never sees another unit.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from chalicelib import runtime
from chalicelib.api import fields
from chalicelib.attendance.export import export_monthly
from chalicelib.attendance.monthly import EmployeeMonth, monthly_report
from chalicelib.auth.tokens import Principal
from chalicelib.domain.status import YearToDate
from chalicelib.errors import ConflictError, NotFoundError, ValidationError
from chalicelib.settings import Settings
from chalicelib.store import attendance as events_store
from chalicelib.store import audit, people, statuses
from chalicelib.store.base import ConditionFailed, decode_cursor, encode_cursor, iso
from chalicelib.store.photos import EXPORT_PREFIX
from chalicelib.usecases import auth, recaps
from chalicelib.usecases.checkin import event_view

INLINE_CSV_BYTES = 1_000_000


def _one_unit(principal: Principal, unor_id: str | None) -> str:
    units = auth.visible_units(principal, unor_id)
    if units is None or len(units) != 1:
        raise ValidationError("Pilih unit (unor_id).", {"unor_id": "required"})
    return units[0]


def _units(principal: Principal, unor_id: str | None) -> list[str]:
    units = auth.visible_units(principal, unor_id)
    return people.list_unit_ids() if units is None else units


# --- daily -------------------------------------------------------------------------------------------


def run_recap(principal: Principal, body: dict[str, Any], settings: Settings) -> dict[str, Any]:
    day = fields.date_field(body, "date")
    unor_id = fields.string(body, "unor_id", max_len=64, required=False)
    units = auth.visible_units(principal, unor_id)
    result = recaps.run_daily_recap(day, settings, units)
    audit.record(principal.subject, "recap.daily", day.isoformat(), {"unor_id": unor_id, **result})
    return result


def daily_recap(principal: Principal, day_text: str | None, unor_id: str | None, cursor: str | None) -> dict[str, Any]:
    day = fields.parse_date(day_text, "date")
    unit = _one_unit(principal, unor_id)
    rows, next_cursor = statuses.day_page(unit, day, cursor)
    items = [recaps.recap_item(m.nama, m.nip, statuses.to_status(m.date, m.status, dict(m.data))) for m in rows]
    return {"date": day.isoformat(), "unor_id": unit, "items": items, "next": next_cursor}


def monitor(
    principal: Principal, day_text: str | None, unor_id: str | None, settings: Settings, now: datetime
) -> dict[str, Any]:
    day = fields.parse_date(day_text, "date") if day_text else now.astimezone(settings.tz).date()
    return recaps.monitor(_one_unit(principal, unor_id), day, now, settings)


# --- monthly -----------------------------------------------------------------------------------------


def _months_before(month: str) -> list[str]:
    year, number = int(month[:4]), int(month[5:7])
    return [f"{year}-{m:02d}" for m in range(1, number)]


def _prior(unor_id: str, month: str) -> dict[str, YearToDate]:
    """Counters at the start of `month`: the latest stored month-end counters of the year, advanced through
    the months after them (usually a single read: last month's counters)."""
    earlier = _months_before(month)
    ytd: dict[str, YearToDate] = {}
    start = 0
    for index in range(len(earlier) - 1, -1, -1):
        stored = statuses.year_to_date(unor_id, earlier[index])
        if stored:
            ytd, start = dict(stored), index + 1
            break
    for later in earlier[start:]:
        for nip, (_, rows) in statuses.month_rows(unor_id, later).items():
            ytd[nip] = ytd.get(nip, YearToDate()).advance(rows)
    return ytd


def _unit_month(unor_id: str, month: str) -> list[EmployeeMonth]:
    unit = people.get_unit(unor_id)
    unit_name = unit.unor_nama if unit else unor_id
    prior = _prior(unor_id, month)
    rows, stored = statuses.month_and_counters(unor_id, month)
    result = [
        EmployeeMonth(nip, nama, unor_id, unit_name, days_, prior.get(nip, YearToDate()))
        for nip, (nama, days_) in sorted(rows.items())
    ]
    # Kept for next month's report to start from; a repeated report writes only counters that changed.
    statuses.save_year_to_date(unor_id, month, [(m.nip, m.nama, m.prior.advance(m.days)) for m in result], stored)
    return result


def monthly(
    principal: Principal, month: str | None, unor_id: str | None, fmt: str | None, settings: Settings
) -> dict[str, Any] | tuple[str, bytes]:
    if not month or len(month) != 7:
        raise ValidationError("Format bulan harus TTTT-BB.", {"month": "YYYY-MM"})
    fields.parse_date(f"{month}-01", "month")
    chosen = fmt or "json"
    if chosen not in ("json", "csv", "xlsx"):
        raise ValidationError("Format harus json, csv, atau xlsx.", {"format": "json|csv|xlsx"})
    per_unit = recaps.map_units(lambda unit: _unit_month(unit, month), _units(principal, unor_id))
    employees = [e for unit_rows in per_unit for e in unit_rows]
    report = monthly_report(month, employees, recaps.rule_table(settings))
    if chosen == "json":
        return report.to_dict()
    exported = export_monthly(report, chosen)
    if chosen == "csv" and len(exported.content) <= INLINE_CSV_BYTES:
        return exported.content_type, exported.content
    return _export_link(exported.filename, exported.content, exported.content_type, settings)


def _export_link(filename: str, content: bytes, content_type: str, settings: Settings) -> dict[str, Any]:
    store = runtime.photos(settings)
    key = f"{EXPORT_PREFIX}{secrets.token_hex(8)}/{filename}"
    store.put(key, content, content_type)
    url = store.presign(key, settings.presign_ttl_s, filename)
    return {"filename": filename, "download_url": url, "expires_in_s": settings.presign_ttl_s}


# --- reviews -----------------------------------------------------------------------------------------


def list_reviews(principal: Principal, status: str | None, unor_id: str | None, cursor: str | None) -> dict[str, Any]:
    if status not in (None, "pending"):
        raise ValidationError("Hanya status 'pending' yang didukung.", {"status": "pending"})
    position = decode_cursor(cursor) or {}
    units = _units(principal, unor_id)
    start = int(position.get("unit", 0))
    items: list[dict[str, Any]] = []
    last: dict[str, Any] | None = position.get("key")
    for index in range(start, len(units)):
        rows, last = events_store.pending_reviews(units[index], 100 - len(items), last)
        items += [{**event_view(r), "nip": r.nip, "unor_id": r.unor_id} for r in rows]
        if len(items) >= 100:
            cursor_out = {"unit": index if last else index + 1, "key": last}
            return {"items": items, "next": encode_cursor(cursor_out) if index + 1 < len(units) or last else None}
        last = None
    return {"items": items, "next": None}


def decide(
    principal: Principal, event_id: str, body: dict[str, Any], settings: Settings, now: datetime
) -> dict[str, Any]:
    decision = fields.choice(body, "decision", ("approve", "reject"))
    note = fields.string(body, "note", max_len=500, required=False)
    event = events_store.get_event(event_id)
    if event is None:
        raise NotFoundError("Data absen tidak ditemukan.", {"event_id": event_id})
    auth.require_unit_scope(principal, str(event.unor_id))
    if event.status != "review" or event.decision:
        raise ConflictError("Data absen ini tidak menunggu keputusan.", {"status": event.status})
    try:
        events_store.decide_review(event, decision, principal.subject, note, now)
    except ConditionFailed as exc:
        raise ConflictError("Data absen ini sudah diputuskan.", {"event_id": event_id}) from exc
    audit.record(principal.subject, f"review.{decision}", event_id, {"nip": event.nip})
    day = date.fromisoformat(str(event.local_date))
    recap = _rerun_if_recapped(str(event.unor_id), day, settings, now)
    return {"event_id": event_id, "decision": decision, "decided_at": iso(now), "recap": recap}


def _rerun_if_recapped(unor_id: str, day: date, settings: Settings, now: datetime) -> dict[str, Any] | None:
    """A decision on a day already recapped changes that day's stored status at once."""
    if day >= now.astimezone(settings.tz).date():
        return None
    return recaps.run_daily_recap(day, settings, [unor_id])
