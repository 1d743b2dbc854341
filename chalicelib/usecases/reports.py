"""Admin reads of attendance: daily recap, live monitor, monthly TPP report.

Every function takes the caller and checks the unit scope first: a unit admin never sees another unit.
"""

from __future__ import annotations

import time
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from chalicelib import runtime
from chalicelib.attendance.classify import MONITOR_KEYS, day_deduction
from chalicelib.attendance.export import ExportFile, daily_table, export_monthly, export_table, monthly_stem
from chalicelib.attendance.monthly import EmployeeMonth, MonthlyReport, MonthlyRow, monthly_report
from chalicelib.attendance.recap_pdf import export_daily_pdf, export_pdf
from chalicelib.attendance.rules import RuleTable
from chalicelib.domain.people import Member, Principal
from chalicelib.domain.status import DayStatus, EmployeeDay, YearToDate
from chalicelib.errors import ValidationError
from chalicelib.settings import Settings
from chalicelib.store.base import bad_cursor, decode_cursor, encode_cursor
from chalicelib.store.photos import export_key
from chalicelib.store.statuses import CounterRow, Counters, MonthRows
from chalicelib.usecases import disclosure, recaps, rejudge
from chalicelib.usecases.access import one_unit, units_of
from chalicelib.usecases.paging import across_units, offset_page
from chalicelib.usecases.schemas import reports as schema
from chalicelib.usecases.schemas.reports import DailyRecapQuery, MonitorQuery, MonthlyQuery, MonthScope, RecapRequest

INLINE_CSV_BYTES = 1_000_000
DAILY_PAGE = 500  # statuses of a day's page (a unit's day is a page or two)
# An admin's daily recap of several units judges units for this long, then hands the rest to the report worker:
# API Gateway ends a request at 29 s and the API's Lambda at 30 s, and the units in hand must still finish (a
# 400-person unit's day) and the rest be handed over. The regency's first run took 15.65 s at 60 units on moto.
RECAP_BUDGET_S = 20.0
_clock = time.monotonic  # the budget's clock (tests step it)
# A monthly report file (csv, xlsx, pdf) of several units is built within the request up to this many employees;
# more are refused with the export to use: the regency's (7,000) took 19-25 s on moto, JSON or XLSX.
SYNC_FILE_EMPLOYEES = 3000
EXPORTS = "/v1/admin/recaps/monthly/exports"
# When a day's stored statuses are whole: the morning run judges the day before again at 10:30 local time
# (infra/schedules.py, decision 139: every shift of the day, the night shifts ending by 08:30 included, has its
# check-out by then); a run that judged the day as of that instant or later stored it whole (`day_final`). A day
# stored before runs kept that instant is trusted to the schedule: whole once the morning run may have ended,
# after as long as the DailyRecap function's timeout (.chalice/config.json, 900 s).
MORNING_RUN = timedelta(hours=10, minutes=30)  # after local midnight
MORNING_RUN_TAKES = timedelta(minutes=15)


# --- daily -------------------------------------------------------------------------------------------


def run_recap(
    principal: Principal, body: RecapRequest, settings: Settings, now: datetime
) -> schema.RecapRun | schema.RecapAccepted:
    """Recap a day that has begun (the scheduled job recaps today at 23:30); a later day has no attendance to
    judge yet and would store every employee as absent. `as_scheduled`: judged as the scheduled runs judge it
    at `now` (decision 144). A run of several units (a super admin's "Semua unit": the regency) judges units
    for `RECAP_BUDGET_S`, finishes those in hand, and hands the units not begun to the report worker
    (`rejudge.recap_later`), answered as `RecapAccepted` (202) with the run to follow; a unit is judged either
    here or there, never in both, and a run cut short before its hand-over is simply run again."""
    day, unor_id = body.date, body.unor_id
    if day > now.astimezone(settings.tz).date():
        raise ValidationError("Rekap hanya untuk hari ini atau hari yang sudah lewat.", {"date": "today or earlier"})
    units = units_of(principal, unor_id)
    scheduled_at = now if body.as_scheduled else None
    deadline = _clock() + RECAP_BUDGET_S
    stop = (lambda: _clock() >= deadline) if len(units) > 1 else None
    result, left = recaps.recap_units(day, settings, units, scheduled_at=scheduled_at, stop=stop, now=now)
    answer = result
    if left:
        run_id = rejudge.recap_later(day, left, scheduled_at, settings, now)
        answer = schema.RecapAccepted(**result.model_dump(), run_id=run_id, recapping=len(left))
    detail = {"unor_id": unor_id, "as_scheduled": body.as_scheduled, **answer.model_dump()}
    runtime.audit().record(principal.subject, "recap.daily", day.isoformat(), detail)
    return answer


def daily_recap(
    principal: Principal, query: DailyRecapQuery, settings: Settings, now: datetime
) -> schema.DailyRecap | schema.ExportLink | ExportFile:
    """The stored statuses of a day (today unless `date` names another): a page of them (`json`) of one unit or,
    without one, of every unit the caller sees, unit by unit; or one unit's whole day as a file: a CSV inline,
    an XLSX or the PDF a unit's head signs as a download link (SEMENTARA, unsigned, while the day is not final:
    `day_final`; a page of one unit's rows says so too)."""
    day = query.date or now.astimezone(settings.tz).date()
    if query.format == "json":
        return _daily_page(principal, query, day, settings, now)
    rules = runtime.rule_table(settings)
    unit = one_unit(principal, query.unor_id)
    unit_name = _unit_name(unit)
    rows = _whole_day(unit, day)
    provisional = not _unit_day_final(unit, day, bool(rows), now, settings.tz)
    table = daily_table(unit, unit_name, day, [_ruled(r, rules) for r in rows], settings.tz, provisional=provisional)
    disclosure.record_report(principal, "daily", unit, {"date": day.isoformat(), "format": query.format}, settings)
    if query.format == "pdf":
        content = export_daily_pdf(table, day, unit_name, now.astimezone(settings.tz), provisional=provisional)
        return export_link(f"{table.stem}.pdf", content, "application/pdf", settings)
    exported = export_table(table, query.format)
    if query.format == "csv" and len(exported.content) <= INLINE_CSV_BYTES:
        return exported
    return export_link(exported.filename, exported.content, exported.content_type, settings)


def _daily_page(
    principal: Principal, query: DailyRecapQuery, day: date, settings: Settings, now: datetime
) -> schema.DailyRecap:
    """A page of the day's stored statuses of the caller's units (or the one asked for), by unit then NIP; a page
    of one unit's rows says whether its files are provisional at `now` (`day_final`; a recap stored the day when
    this page, or one before it, has rows), one of several units' does not (null: each has its own)."""
    units, rules = units_of(principal, query.unor_id), runtime.rule_table(settings)

    def unit_rows(unor_id: str, limit: int, after: dict[str, Any] | None) -> tuple[list[schema.DailyRecapItem], Any]:
        rows, cursor = runtime.statuses().day_page(unor_id, day, encode_cursor(after), limit)
        items = [recaps.recap_item(unor_id, r.nama, r.nip, _ruled(r, rules).status) for r in rows]
        return items, decode_cursor(cursor)

    items, cursor = across_units(units, query.next, unit_rows, limit=DAILY_PAGE)
    one = _the_one(units)
    recapped = bool(items) or query.next is not None
    provisional = None if one is None else not _unit_day_final(one, day, recapped, now, settings.tz)
    return schema.DailyRecap(date=day.isoformat(), unor_id=one, items=items, next=cursor, provisional=provisional)


def _the_one(units: list[str]) -> str | None:
    """The unit of a list of one unit's rows; None for rows of several."""
    return units[0] if len(units) == 1 else None


def day_final(day: date, recapped: bool, judged_at: datetime | None, now: datetime, tz: tzinfo) -> bool:
    """Whether the stored recap of a unit's `day` is the one its head signs: a recap stored it (`recapped`: a day
    no run judged has no TK yet for a no-show), and the run that last stored it judged it as of the next morning's
    run time or later (`judged_at`, store.statuses `judged_at`). A night shift of the day ends the next morning,
    after the 23:30 run stored it as it stood (decision 141: no check-out yet, no TK for a shift not begun); a
    run from 10:30 on (the morning run, the next night's, an admin's, scheduled or not) sees every shift's
    check-out. Evidence, not the clock: a morning run that failed or never fired leaves the day SEMENTARA until a
    run judges it whole. A day stored before runs kept their instant (`judged_at` None) trusts the schedule: final
    once `now` is past the morning run's end. The one rule of the daily sheet and of the month's last day
    (`_final`)."""
    after = day + timedelta(days=1)
    whole = datetime(after.year, after.month, after.day, tzinfo=tz) + MORNING_RUN
    if judged_at is None:
        return recapped and now >= whole + MORNING_RUN_TAKES
    return recapped and judged_at >= whole


def _unit_day_final(unor_id: str, day: date, recapped: bool, now: datetime, tz: tzinfo) -> bool:
    """`day_final` of a unit's day, with the instant its last run judged it as of (one read)."""
    return day_final(day, recapped, runtime.statuses().judged_at(unor_id, day), now, tz)


def _ruled(row: EmployeeDay, rules: RuleTable) -> EmployeeDay:
    """A stored day with its deduction under the rule table in force, as the monthly report reads it (decision
    148): after a Perbup changes a percent, the daily recap and the month agree on the same day."""
    return replace(row, status=replace(row.status, deduction_percent=day_deduction(row.status, rules)))


def _whole_day(unor_id: str, day: date) -> list[EmployeeDay]:
    """Every stored status of the unit's day, by NIP (a unit's day is a page or two)."""
    rows, cursor = runtime.statuses().day_page(unor_id, day, None)
    while cursor is not None:
        more, cursor = runtime.statuses().day_page(unor_id, day, cursor)
        rows += more
    return rows


def monitor(principal: Principal, query: MonitorQuery, settings: Settings, now: datetime) -> schema.Monitor:
    """The live day of one unit; without one, of every unit the caller sees: the counts of them all (as the
    regency summary counts them) and their employees unit by unit, a page at a time."""
    day = query.date or now.astimezone(settings.tz).date()
    units = units_of(principal, query.unor_id)
    if len(units) == 1:
        if query.next is not None:  # one unit's day is one page: no cursor was ever issued for it
            raise bad_cursor()
        answer = recaps.monitor(units[0], day, now, settings)
        if not recaps.before_today(day, now, settings.tz):
            return answer
        return answer.model_copy(update={"recapped": recaps.recapped(units, day)[0]})
    counts: dict[str, int] = dict.fromkeys(MONITOR_KEYS, 0)
    for _, unit_counts in recaps.unit_counts(units, day, now, settings):
        for state, count in unit_counts.items():
            counts[state] += count

    def unit_rows(unor_id: str, limit: int, after: dict[str, Any] | None) -> tuple[list[schema.MonitorItem], Any]:
        return offset_page(recaps.monitor(unor_id, day, now, settings).items, limit, after)

    items, cursor = across_units(units, query.next, unit_rows)
    return schema.Monitor(date=day.isoformat(), unor_id=None, counts=counts, items=items, next=cursor)


# --- monthly -----------------------------------------------------------------------------------------


def _months_before(month: str) -> list[str]:
    year, number = int(month[:4]), int(month[5:7])
    return [f"{year}-{m:02d}" for m in range(1, number)]


def _prior(unor_id: str, month: str, counted_at: datetime) -> dict[str, YearToDate]:
    """Counters at the start of `month`: the latest month-end counters of the year still trusted (counted after
    every change of the days they sum up, so a sick note entered late or a month read before its end does not
    linger), advanced through the months after them (usually a single read: last month's counters). The months
    walked keep their counters too, counted at `counted_at`, so the next report starts from the latest of them."""
    return _walked(unor_id, month[:4], _months_before(month), counted_at)


def _walked(unor_id: str, year: str, months: list[str], counted_at: datetime) -> dict[str, YearToDate]:
    """Counters at the end of `months` (the first months of `year`, in order; none: at its start), from the latest
    trusted stored ones, or from what the year inherits (`_open_runs`)."""
    statuses = runtime.statuses()
    trusted = statuses.trusted_months(unor_id, year) if months else set()
    ytd: dict[str, YearToDate] = {}
    start = 0
    for index in range(len(months) - 1, -1, -1):
        stored = statuses.year_to_date(unor_id, months[index]) if months[index] in trusted else {}
        if stored:
            ytd, start = dict(stored), index + 1
            break
    if start == 0:
        ytd = _open_runs(unor_id, int(year) - 1, counted_at)
    for later in months[start:]:
        ytd = _month_end(unor_id, later, ytd, statuses.month_and_counters(unor_id, later), counted_at)
    return ytd


def _month_end(
    unor_id: str, month: str, ytd: dict[str, YearToDate], read: tuple[MonthRows, Counters], counted_at: datetime
) -> dict[str, YearToDate]:
    """The counters `ytd` advanced through the month's days (`read`: its rows and stored counters), kept as the
    month's end for the next report; those of employees without a day in it are carried (`_quiet`)."""
    rows, kept = read
    ends = {nip: _quiet(counters) for nip, counters in ytd.items() if nip not in rows}
    for nip, (_, days) in rows.items():
        ends[nip] = ytd.get(nip, YearToDate()).advance(days)
    if rows:
        counters = [(nip, nama, ends[nip]) for nip, (nama, _) in sorted(rows.items())]
        runtime.statuses().save_year_to_date(unor_id, month, counters + _carried(rows, ends, kept), kept, counted_at)
    return ends


def _quiet(counters: YearToDate) -> YearToDate:
    """An employee's counters through a month without a day of theirs (deactivated by mistake, a month on study
    leave): the year's totals go on, but no day was expected of them, so a run of absent days ends there
    (10 in a row is dismissal: TK days a month apart are no run; decision 263)."""
    return replace(counters, tk_streak=0)


def _carried(rows: MonthRows, ends: Counters, stored: Counters) -> list[CounterRow]:
    """The month-end counters of the employees with no day in the month, where they differ from the stored ones
    (zero where `ends` no longer has them): the next month starts from this month end alone, so it keeps them
    too (without them such an employee's year began again at nothing), and a correction that takes them back to
    nothing replaces what an earlier report carried. Only those written are named (one batched read)."""
    quiet = {nip: ends.get(nip, YearToDate()) for nip in (set(ends) | set(stored)) - set(rows)}
    changed = {nip: ytd for nip, ytd in quiet.items() if stored.get(nip, YearToDate()) != ytd}
    names = {e.nip: e.nama for e in runtime.people().get_employees(changed)} if changed else {}
    return [(nip, names.get(nip, nip), ytd) for nip, ytd in sorted(changed.items())]


def _open_runs(unor_id: str, year: int, counted_at: datetime) -> dict[str, YearToDate]:
    """What a year inherits from `year`: nothing but a TK run still open at its end, for a run of absent days does
    not end with the year (PP 94/2021: 10 in a row). December's stored month end when trusted (two small reads),
    else its days walked and kept; a December without days has no run open (and the walk back through the years
    stops there). A change of December's days distrusts the next year's counters (`store.statuses.changed_months`)."""
    december = f"{year}-12"
    statuses = runtime.statuses()
    if december in statuses.trusted_months(unor_id, str(year)):
        ends = dict(statuses.year_to_date(unor_id, december))
    else:
        read = statuses.month_and_counters(unor_id, december)
        if not read[0]:
            return {}
        before = _walked(unor_id, str(year), _months_before(december), counted_at)
        ends = _month_end(unor_id, december, before, read, counted_at)
    return {nip: YearToDate(tk_streak=end.tk_streak) for nip, end in ends.items() if end.tk_streak}


def _unit_name(unor_id: str) -> str:
    unit = runtime.people().get_unit(unor_id)
    return unit.unor_nama if unit else unor_id


def _unit_month(unor_id: str, month: str, tz: tzinfo) -> tuple[list[EmployeeMonth], bool, datetime | None]:
    """The unit's employees' month, whether its last day has what a recap stores (`_recapped_to_end`), and the
    instant the last run judged that day as of (`day_final`)."""
    counted_at = datetime.now(UTC)  # before the first read: a change stamped after it distrusts these counters
    unit_name = _unit_name(unor_id)
    prior = _prior(unor_id, month, counted_at)
    rows, stored = runtime.statuses().month_and_counters(unor_id, month)
    members = runtime.people().members_of_unit(unor_id)
    movers = _movers(unor_id, month, tz, set(rows), members)
    result = [
        _moved_month(EmployeeMonth(nip, nama, unor_id, unit_name, days_), month)
        if nip in movers
        else EmployeeMonth(nip, nama, unor_id, unit_name, days_, prior.get(nip, YearToDate()))
        for nip, (nama, days_) in sorted(rows.items())
    ]
    # Kept for next month's report to start from; a repeated report writes only counters that changed.
    ends = [(m.nip, m.nama, m.year_end()) for m in result]
    quiet = {nip: _quiet(counters) for nip, counters in prior.items() if nip not in rows}
    runtime.statuses().save_year_to_date(unor_id, month, ends + _carried(rows, quiet, stored), stored, counted_at)
    last = _year_until(month)[1]
    return result, _recapped_to_end(month, rows, members, tz), runtime.statuses().judged_at(unor_id, last)


def _recapped_to_end(month: str, rows: MonthRows, members: Sequence[Member], tz: tzinfo) -> bool:
    """Whether the month's last day has what its recap stores: statuses of it, or nobody to judge on it (every
    member deactivated or moved away before it: no status will ever come, and none is missing). A failed nightly
    run, or one not come yet, leaves it False; the morning run makes up the days before (`jobs.missed_days`).
    Read from the month's rows and the unit's members the report reads anyway: no extra query."""
    _, last = _year_until(month)
    stored = any(day.day == last for _, days_ in rows.values() for day in days_)
    return stored or not any(member.followed_on(last, tz) for member in members)


def _final(month: str, recapped_to_end: bool, judged_at: datetime | None, now: datetime, tz: tzinfo) -> bool:
    """Whether a unit's month is the one its head signs for the TPP: its last day final (`day_final`: recapped, and
    judged whole by a run as of the next morning's run time, which sees the check-out of a night shift begun on
    it; `judged_at` that run's instant)."""
    _, last = _year_until(month)
    return day_final(last, recapped_to_end, judged_at, now, tz)


def _movers(unor_id: str, month: str, tz: tzinfo, nips: set[str], members: Sequence[Member]) -> set[str]:
    """Of the employees `nips` with days in the unit's month, those whose year may hold another unit's days:
    members who moved into it this year, by the end of `month` (this unit's stored counters do not hold their
    earlier unit's days: decision 120), and employees now in another unit (moved away since: their month's
    other days are another unit's, and the monthly cap is the person's, decision 179)."""
    first, last = _year_until(month)
    people = runtime.people()
    moved_in = {m.nip for m in members if (moved := m.moved_on(tz)) is not None and first <= moved <= last}
    gone = nips - {m.nip for m in members}
    moved_away = {e.nip for e in people.get_employees(gone) if e.unor_id != unor_id} if gone else set()
    return (moved_in | moved_away) & nips


def _moved_month(employee: EmployeeMonth, month: str) -> EmployeeMonth:
    """A mover's month in this unit: the year to date from their days in every unit, and the days of the month
    another unit judged (they count towards it, not towards this unit's row)."""
    prior, of_month = _person_year(employee.nip, month)
    elsewhere = [day.status for unit, day in of_month if unit != employee.unor_id]
    return replace(employee, prior=prior, elsewhere=elsewhere)


def _person_year(nip: str, month: str) -> tuple[YearToDate, list[tuple[str, EmployeeDay]]]:
    """An employee's counters at the start of `month` from their days in every unit, walked month by month as the
    units' month ends are (`_months_walked`) from the run of absent days their last year left open, and the
    month's days with the unit that judged each (read by NIP: one query of the year before and this one so far)."""
    first, last = _year_until(month)
    start, last_year = date.fromisoformat(f"{month}-01"), date(first.year - 1, 1, 1)
    every = runtime.statuses().employee_days(nip, last_year, last)
    days = [(unit, day) for unit, day in every if day.status.day >= first]
    opened = _months_walked(YearToDate(), [day.status for _, day in every if day.status.day < first], last_year, first)
    before = [day.status for _, day in days if day.status.day < start]
    prior = _months_walked(YearToDate(tk_streak=opened.tk_streak), before, first, start)
    return prior, [(unit, day) for unit, day in days if day.status.day >= start]


def _months_walked(counters: YearToDate, days: Sequence[DayStatus], first: date, end: date) -> YearToDate:
    """`counters` advanced through `days` month by month, from the month starting `first` to the one before the
    month starting `end`: a month without a day ends a run of absent days (`_quiet`), as at a unit's month end."""
    month = first
    while month < end:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        of_month = [day for day in days if month <= day.day < following]
        counters = counters.advance(of_month) if of_month else _quiet(counters)
        month = following
    return counters


def _year_until(month: str) -> tuple[date, date]:
    """1 January of the month's year and the month's last day."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, 1, 1), date(year, number, monthrange(year, number)[1])


def employee_month(nip: str, unor_id: str, month: str, settings: Settings) -> tuple[EmployeeMonth, MonthlyRow]:
    """One employee's month, read by NIP: every day of it whichever unit judged it (a move during the month
    does not split it), counted as the monthly report counts a row, the year to date from every unit. A month
    without a stored day of theirs has no days. Nothing is written (an employee's read stores no counters)."""
    prior, of_month = _person_year(nip, month)
    own = [day for _, day in of_month]
    nama = own[-1].nama if own else ""
    employee = EmployeeMonth(nip, nama, unor_id, _unit_name(unor_id), [day.status for day in own], prior)
    return employee, monthly_report(month, [employee], runtime.rule_table(settings)).rows[0]


def monthly(
    principal: Principal, query: MonthlyQuery, settings: Settings, now: datetime
) -> schema.MonthlyReport | schema.ExportLink | ExportFile:
    """The report (`json`, saying whether its files come out SEMENTARA: `_report`), a small CSV inline (the file
    itself), or a download link."""
    chosen = query.format
    units = units_of(principal, query.unor_id)
    if chosen != "json":
        _within_a_request(units, chosen)
    report = month_report(units, query.month, settings, now)
    if chosen == "json":
        return _report(report)
    filename, content, content_type = month_file(report, chosen, settings, now)
    disclosure.record_report(principal, "monthly", query.unor_id, {"month": query.month, "format": chosen}, settings)
    if chosen == "csv" and len(content) <= INLINE_CSV_BYTES:
        return ExportFile(content, content_type, filename)
    return export_link(filename, content, content_type, settings)


def monthly_pdf(principal: Principal, query: MonthScope, settings: Settings, now: datetime) -> schema.ExportLink:
    """The report as the PDF a unit's head signs (attendance/recap_pdf.py), as a download link."""
    units = units_of(principal, query.unor_id)
    _within_a_request(units, "pdf")
    report = month_report(units, query.month, settings, now)
    disclosure.record_report(principal, "monthly", query.unor_id, {"month": query.month, "format": "pdf"}, settings)
    return export_link(*month_file(report, "pdf", settings, now), settings)


def _within_a_request(units: list[str], chosen: str) -> None:
    """Refuse a monthly file of several units whose employees (one count per unit) are more than a request builds
    in time (`SYNC_FILE_EMPLOYEES`): the export builds it in the background (decision 117). One unit, or a small
    regency, is answered as before; the JSON report is never refused here (API.md's, and the console reads the
    regency unit by unit)."""
    if len(units) < 2:
        return
    employees = sum(recaps.map_units(runtime.people().count_employees, units))
    if employees > SYNC_FILE_EMPLOYEES:
        raise ValidationError(
            f"Rekap bulanan {_thousands(employees)} pegawai dari {len(units)} unit terlalu besar untuk dibuat "
            f"langsung (paling banyak {_thousands(SYNC_FILE_EMPLOYEES)} pegawai). Buat berkasnya di latar belakang "
            f"dengan POST {EXPORTS} (konsol: Rekap, Unduh {chosen.upper()}), atau pilih satu unit.",
            {"format": f"{chosen} of at most {SYNC_FILE_EMPLOYEES} employees here: POST {EXPORTS} builds it"},
        )


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def month_report(units: list[str], month: str, settings: Settings, now: datetime) -> MonthlyReport:
    """The monthly report of these units at `now` (stores each unit's counters for next month's report to start
    from). One unit asked for without statuses is named in it (its files say it has none); of many, those without
    are left out (a regency's files would carry every dissolved or idle unit). The units whose month is not final
    (`_final`) are marked provisional: their files say SEMENTARA and the signed sheet has no signature block."""
    per_unit = recaps.map_units(lambda unit: _unit_month(unit, month, settings.tz), units)
    employees = [e for unit_rows, _, _ in per_unit for e in unit_rows]
    provisional = {
        unit
        for unit, (_, to_end, judged_at) in zip(units, per_unit, strict=True)
        if not _final(month, to_end, judged_at, now, settings.tz)
    }
    report = replace(monthly_report(month, employees, runtime.rule_table(settings)), provisional=frozenset(provisional))
    if len(units) == 1 and not employees:
        report = replace(report, empty_units=((units[0], _unit_name(units[0])),))
    return report


def month_file(report: MonthlyReport, chosen: str, settings: Settings, now: datetime) -> tuple[str, bytes, str]:
    """The report as a file (name, content, content type): `csv` or `xlsx`, or `pdf`, the sheet a unit's head
    signs (attendance/recap_pdf.py)."""
    if chosen == "pdf":
        return f"{monthly_stem(report)}.pdf", export_pdf(report, now.astimezone(settings.tz)), "application/pdf"
    exported = export_monthly(report, chosen)
    return exported.filename, exported.content, exported.content_type


def _report(report: MonthlyReport) -> schema.MonthlyReport:
    """The report as JSON, saying whether any unit's files come out SEMENTARA (`provisional`: the units
    `month_report` found not final, as the files mark them), so the console says what the download will say."""
    rows = [schema.MonthlyRow.model_validate(row, from_attributes=True) for row in report.rows]
    return schema.MonthlyReport(month=report.month, items=rows, next=None, provisional=bool(report.provisional))


def export_link(filename: str, content: bytes, content_type: str, settings: Settings) -> schema.ExportLink:
    store = runtime.photos(settings)
    key = export_key(filename)
    store.put(key, content, content_type)
    url = store.presign(key, settings.presign_ttl_s, filename)
    return schema.ExportLink(filename=filename, download_url=url, expires_in_s=settings.presign_ttl_s)


# --- reviews -----------------------------------------------------------------------------------------
