"""The rollout's adoption report: per unit and day, employees activated, enrolled, checking in by the app, by the
fingerprint machine, by both, or not at all (`GET /v1/admin/reports/adoption`; docs/rollout.md has the JSON).

Per unit: its employees once (one query), its cut-over (one GetItem) and the digests of all its days in one
BatchGetItem (at most 62 keys: `EventsRepository.digests_of_unit_days`, the tokens the regency monitor summary
reads), the units in parallel (recaps.map_units). The old way read every day's events through the
`by_unit_date` index (one query per unit and day: 12,000 for 400 units and 30 days, past API Gateway's 29 s).
A digest not yet vouched for by a rebuild (`DayDigest.complete`: it may lack events recorded before it was first
written) is rebuilt from that day's events once, and stays complete: a day without events is given an empty
digest, so a later report reads nothing but digests. A day counts the unit's members of that day: an employee
who moved in later, or was deactivated before it, is not counted; one who moved away since is counted in the
unit they are in now only. `activated`, `enrolled` and `awaiting_approval` are the employees' state now: SMART
keeps no history of them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta, tzinfo

from chalicelib import runtime
from chalicelib.attendance.adoption import AdoptionCounts, DayUse, StaffState, totals, unit_adoption
from chalicelib.attendance.export import ADOPTION_COLUMNS, TableFile, export_table
from chalicelib.attendance.punches import FINGERPRINT
from chalicelib.domain.people import Principal
from chalicelib.errors import ValidationError
from chalicelib.settings import Settings
from chalicelib.store.events import DayDigest, DayEvent
from chalicelib.usecases import access, directory, recaps, reports
from chalicelib.usecases.schemas.reports import ExportLink
from chalicelib.usecases.schemas.rollout import AdoptionDay, AdoptionQuery, AdoptionReport, AdoptionUnit

MAX_DAYS = 62


def adoption(principal: Principal, query: AdoptionQuery, settings: Settings) -> AdoptionReport | ExportLink:
    if query.to < query.from_ or (query.to - query.from_).days >= MAX_DAYS:
        raise ValidationError("Rentang tanggal tidak valid.", {"to": f"on/after from, at most {MAX_DAYS} days"})
    days = [query.from_ + timedelta(days=i) for i in range((query.to - query.from_).days + 1)]
    unit_ids = access.units_of(principal, query.unor_id)
    models = directory.policy_models(settings)
    per_unit = recaps.map_units(lambda unor_id: _unit(unor_id, days, settings.tz, models), unit_ids)
    report = AdoptionReport(
        from_date=query.from_.isoformat(),
        to_date=query.to.isoformat(),
        units=[unit for unit, _ in per_unit],
        totals=[_day(c) for c in totals([counts for _, counts in per_unit], days)],
    )
    if query.format == "json":
        return report
    return _xlsx(report, settings)


def _unit(
    unor_id: str, days: list[date], tz: tzinfo, models: Collection[str]
) -> tuple[AdoptionUnit, list[AdoptionCounts]]:
    """One unit's days; `enrolled`: a face the check-in compares with under a policy of `models`."""
    unit = runtime.people().get_unit(unor_id)
    cutover = runtime.timeclock().cutover_of(unor_id)
    employees = list(runtime.people().iter_employees_of_unit(unor_id))
    staff = [StaffState(e.nip, e.device_bound, e.enrolled_for(models), e.face_pending) for e in employees]
    members = [e.as_member() for e in employees]
    digests = _digests(unor_id, days)
    uses = []
    for day in days:
        followed = frozenset(m.nip for m in members if m.followed_on(day, tz))
        uses.append(_day_use(day, followed, digests[(unor_id, day.isoformat())].events(followed), cutover))
    counts = unit_adoption(staff, uses)
    unit_view = AdoptionUnit(
        unor_id=unor_id,
        unor_nama=unit.unor_nama if unit else unor_id,
        cutover=cutover.isoformat() if cutover else None,
        days=[_day(c) for c in counts],
    )
    return unit_view, counts


def _digests(unor_id: str, days: list[date]) -> dict[tuple[str, str], DayDigest]:
    """The unit's days as their digests hold them (one batch read); the days whose digest may lack events
    (not `complete`: never rebuilt, or never written) rebuilt from their events, once for all later reports."""
    events = runtime.events()
    digests = events.digests_of_unit_days([(unor_id, day.isoformat()) for day in days])
    unvouched = [key for key, digest in digests.items() if not digest.complete]
    if unvouched:
        digests.update(events.rebuild_digests(unvouched, keep_empty=True))
    return digests


def _day_use(day: date, staff: frozenset[str], rows: list[DayEvent], cutover: date | None) -> DayUse:
    """Who counted by which source among the unit's members of the day (`Member.followed_on`: active then, not
    moved in after it): the events a recap counts (recaps.to_events' rules, per source). `rows` are the day's
    recorded events (a refusal counts for neither source)."""
    app = {r.nip for r in rows if r.source != FINGERPRINT and r.type in ("in", "out") and recaps.counts(r)}
    machine = {r.nip for r in rows if r.source == FINGERPRINT and (cutover is None or day < cutover)}
    return DayUse(day, staff, frozenset(app), frozenset(machine))


def _day(c: AdoptionCounts) -> AdoptionDay:
    return AdoptionDay.model_validate(c.as_dict())


def _xlsx(report: AdoptionReport, settings: Settings) -> ExportLink:
    rows = [
        [
            d.date,
            u.unor_nama,
            d.employees,
            d.activated,
            d.enrolled,
            d.awaiting_approval,
            d.app,
            d.fingerprint,
            d.both,
            d.none,
            u.cutover,
        ]
        for u in report.units
        for d in u.days
    ]
    title = f"Laporan Adopsi SMART {report.from_date} s.d. {report.to_date}"
    table = TableFile("Adopsi", title, f"adopsi-{report.from_date}-{report.to_date}", ADOPTION_COLUMNS, rows)
    exported = export_table(table, "xlsx")
    return reports.export_link(exported.filename, exported.content, exported.content_type, settings)
