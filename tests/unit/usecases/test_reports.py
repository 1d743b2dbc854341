"""Report use cases on the in-memory twins: the stored daily recap, and the monthly report with its
year-to-date counters carried from month to month."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from pydantic import ValidationError as PydanticValidationError

from chalicelib import runtime
from chalicelib.attendance.export import ExportFile
from chalicelib.attendance.recap_pdf import DAILY_NO_ROWS, DAILY_TITLE
from chalicelib.domain.people import Employee, Member, Principal
from chalicelib.domain.status import DayStatus, YearToDate
from chalicelib.errors import ForbiddenError, ValidationError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import reports
from chalicelib.usecases.schemas.reports import (
    DailyRecap,
    DailyRecapQuery,
    ExportLink,
    MonthlyQuery,
    MonthlyReport,
    MonthScope,
)
from infra.schedules import SCHEDULES
from tests.unit.attendance.helpers import THREE_BAND_PERBUP

MONDAY = date(2026, 11, 2)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
AFTER_THE_MORNING_RUN = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # 11:00 WIB: 30 November judged whole at 10:30
A, B, C = "198501012010011001", "199002022015032002", "197803032005011003"
D = "196912122000121004"
SETTINGS = build_settings({})
SUPER = Principal("admin", "super_admin")
U1_ADMIN = Principal("admin-u1", "unit_admin", frozenset({"U1"}))
U2_ADMIN = Principal("admin-u2", "unit_admin", frozenset({"U2"}))
EMPLOYEE = Principal(A, "employee")


def absent(day: date) -> DayStatus:
    return DayStatus(day=day, status="TK", deduction_percent=Decimal(3))


def on_time(day: date) -> DayStatus:
    return DayStatus(day=day, status="H")


def recap_query(unor_id: str | None = "U1", fmt: str = "json") -> DailyRecapQuery:
    return DailyRecapQuery.model_validate({"date": MONDAY.isoformat(), "unor_id": unor_id, "format": fmt})


def month_query(month: str = "2026-11", unor_id: str | None = "U1") -> MonthlyQuery:
    return MonthlyQuery.model_validate({"month": month, "unor_id": unor_id, "format": "json"})


def test_the_daily_recap_lists_a_units_stored_statuses_by_nip(repos: Repositories) -> None:
    # GIVEN Monday's statuses of U1 (stored in no particular order) and of U2
    repos.statuses.save_day("U1", MONDAY, [(Member(C, "Cucu", True), absent(MONDAY)),
                                           (Member(A, "Asep", True), on_time(MONDAY))])  # fmt: skip
    repos.statuses.save_day("U2", MONDAY, [(Member(B, "Budi", True), absent(MONDAY))])
    # WHEN U1's admin reads U1's recap of Monday
    answer = reports.daily_recap(U1_ADMIN, recap_query(), SETTINGS, NOW).model_dump(mode="json")
    # THEN U1's employees come by NIP with their stored status and name, and no next page
    assert answer["date"] == "2026-11-02" and answer["unor_id"] == "U1" and answer["next"] is None
    assert [(i["nip"], i["nama"], i["status"]) for i in answer["items"]] == [(C, "Cucu", "TK"), (A, "Asep", "H")]
    assert answer["items"][0]["deduction_percent"] == 5.0  # TK under the table in force, whatever was stored


def test_the_daily_recap_and_the_month_agree_on_a_day_after_the_rule_table_changes(repos: Repositories) -> None:
    # GIVEN Monday judged TK under the default table (5 %), then a Perbup lowering TK to 4 %
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.statuses.save_day(
        "U1", MONDAY, [(Member(A, "Asep", True), DayStatus(MONDAY, "TK", deduction_percent=Decimal(5)))]
    )
    changed = build_settings({"SMART_RULES": '{"tk_deduction_percent": "4"}'})
    # WHEN both reports are read under the new table, THEN they say 4 % for that day alike
    daily = reports.daily_recap(U1_ADMIN, recap_query(), changed, NOW)
    monthly = reports.monthly(U1_ADMIN, month_query(), changed, NOW)
    assert isinstance(daily, DailyRecap) and isinstance(monthly, MonthlyReport)
    assert daily.items[0].deduction_percent == monthly.items[0].deduction_percent == 4.0


def test_days_judged_under_four_bands_are_read_under_a_three_band_perbup_in_every_report(repos: Repositories) -> None:
    # GIVEN Monday judged under the default table: Asep arrived 09:30 (TL4), Budi 08:10 and left 12:00 (TL2+PSW4)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    asep = DayStatus(MONDAY, "TL4", tl="TL4", late_minutes=120, early_minutes=0, deduction_percent=Decimal("1.5"))
    budi = DayStatus(MONDAY, "TL2+PSW4", tl="TL2", psw="PSW4", late_minutes=40, early_minutes=240)
    repos.statuses.save_day("U1", MONDAY, [(Member(A, "Asep", True), asep), (Member(B, "Budi", True), budi)])
    # WHEN on 1 December the regency's Perbup with three bands (the last 2.5 %) is set in SMART_RULES
    perbup = build_settings({"SMART_RULES": json.dumps(THREE_BAND_PERBUP)})
    december = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    # THEN November's report answers, the fourth levels counted under the last band (TL3, PSW3) at 2.5 %
    monthly = reports.monthly(U1_ADMIN, month_query(), perbup, december)
    assert isinstance(monthly, MonthlyReport)
    figures = {i.nip: (i.counts["TL2"], i.counts["TL3"], i.counts["PSW3"], i.deduction_percent) for i in monthly.items}
    assert figures == {A: (0, 1, 0, 2.5), B: (1, 0, 1, 3.5)}
    assert all("TL4" not in i.counts and "PSW4" not in i.counts for i in monthly.items)
    # AND the CSV says the same
    inline = reports.monthly(U1_ADMIN, month_query().model_copy(update={"format": "csv"}), perbup, december)
    assert isinstance(inline, ExportFile)
    lines = list(csv.DictReader(io.StringIO(inline.content.decode("utf-8-sig")), delimiter=";"))
    assert [(r["Nama"], r["TL3"], r["PSW3"], r["Potongan TPP (%)"]) for r in lines] == [
        ("Asep", "1", "0", "2,5"),
        ("Budi", "0", "1", "3,5"),
    ]
    # AND the workbook, the signed PDF, the day's recap and the employee's own month answer too
    assert isinstance(
        reports.monthly(U1_ADMIN, month_query().model_copy(update={"format": "xlsx"}), perbup, december), ExportLink
    )
    scope = MonthScope.model_validate({"month": "2026-11", "unor_id": "U1"})
    assert isinstance(reports.monthly_pdf(U1_ADMIN, scope, perbup, december), ExportLink)
    daily = reports.daily_recap(U1_ADMIN, recap_query(), perbup, december)
    assert isinstance(daily, DailyRecap)
    assert [(i.nip, i.deduction_percent) for i in daily.items] == [(A, 2.5), (B, 3.5)]
    assert isinstance(reports.daily_recap(U1_ADMIN, recap_query(fmt="csv"), perbup, december), ExportFile)
    _, own = reports.employee_month(A, "U1", "2026-11", perbup)
    assert (own.counts["TL3"], own.deduction_percent) == (1, Decimal("2.5"))


def test_the_daily_recap_of_a_day_never_recapped_is_empty(repos: Repositories) -> None:
    assert reports.daily_recap(SUPER, recap_query(), SETTINGS, NOW).items == []


def test_the_daily_recap_downloads_as_csv_xlsx_and_pdf(repos: Repositories) -> None:
    # GIVEN Monday's statuses of U1: Asep on time (07.12 to 16.05 in Jakarta), Cucu late and early, Dedi absent
    repos.people.upsert_unit("U1", "SD Negeri 1 Ngamprah")
    at = datetime(2026, 11, 2, 0, 12, tzinfo=UTC)
    late = DayStatus(
        MONDAY, "TL2+PSW1", tl="TL2", psw="PSW1", late_minutes=40, early_minutes=10,
        check_in=at + timedelta(minutes=40), check_out=at + timedelta(hours=8), deduction_percent=Decimal("2.5"),
    )  # fmt: skip
    asep = replace(on_time(MONDAY), check_in=at, check_out=at + timedelta(hours=8, minutes=53))
    rows = [
        (Member(A, "Asep", True), asep),
        (Member(C, "Cucu", True), late),
        (Member(D, "=Dedi", True), absent(MONDAY)),
    ]
    repos.statuses.save_day("U1", MONDAY, rows)
    repos.statuses.save_day("U2", MONDAY, [(Member(B, "Budi", True), absent(MONDAY))])
    # WHEN U1's admin downloads it as CSV, THEN it is the whole day inline, in Excel's id-ID dialect
    inline = reports.daily_recap(U1_ADMIN, recap_query(fmt="csv"), SETTINGS, NOW)
    assert isinstance(inline, ExportFile) and inline.content_type == "text/csv; charset=utf-8"
    assert inline.filename == "rekap-harian-sd-negeri-1-ngamprah-2026-11-02.csv"  # the name the browser saves
    csv_bytes = inline.content
    assert list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";")) == [
        ["No", "Nama", "NIP", "Status", "Masuk", "Pulang", "Menit Terlambat", "Menit Pulang Cepat", "Potongan TPP (%)"],
        ["1", "'=Dedi", f'="{D}"', "TK", "", "", "", "", "5"],  # a name Excel would run is written as text
        ["2", "Cucu", f'="{C}"', "TL2+PSW1", "07.52", "15.12", "40", "10", "1,5"],
        ["3", "Asep", f'="{A}"', "H", "07.12", "16.05", "", "", "0"],
    ]
    # AND as XLSX, a download link to one titled sheet with the same rows
    link = reports.daily_recap(U1_ADMIN, recap_query(fmt="xlsx"), SETTINGS, NOW)
    assert isinstance(link, ExportLink) and link.filename == "rekap-harian-sd-negeri-1-ngamprah-2026-11-02.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url))).active
    assert (
        sheet is not None
        and sheet.oddHeader.center.text == "Rekap Harian Senin, 2 November 2026 — SD Negeri 1 Ngamprah"
    )
    assert [c.value for c in sheet[3]] == [2, "Cucu", C, "TL2+PSW1", "07.52", "15.12", 40, 10, 1.5]
    assert sheet.max_row == 4
    # AND as PDF, the paper the head signs: title, date, unit, every row, the signature block
    link = reports.daily_recap(U1_ADMIN, recap_query(fmt="pdf"), SETTINGS, NOW)
    assert isinstance(link, ExportLink) and link.filename == "rekap-harian-sd-negeri-1-ngamprah-2026-11-02.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for expected in (DAILY_TITLE, "Senin, 2 November 2026", "Unit: SD Negeri 1 Ngamprah", A, C, D, "TL2+PSW1",
                     "07.52", "1,50", "Mengetahui,", "Kepala SD Negeri 1 Ngamprah"):  # fmt: skip
        assert expected in text, expected
    assert B not in text


def test_a_day_never_recapped_downloads_as_a_file_that_says_so(repos: Repositories) -> None:
    link = reports.daily_recap(SUPER, recap_query(fmt="pdf"), SETTINGS, NOW)
    assert isinstance(link, ExportLink)
    pdf = pypdf.PdfReader(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    assert DAILY_NO_ROWS in pdf.pages[0].extract_text()
    inline = reports.daily_recap(SUPER, recap_query(fmt="csv"), SETTINGS, NOW)
    assert isinstance(inline, ExportFile) and inline.content.decode("utf-8-sig").splitlines()[1:] == []


def _day_files(now: datetime, day: date = MONDAY) -> tuple[str, str]:
    """U1's PDF text and XLSX title of `day`, downloaded by its admin at `now`."""
    query = recap_query(fmt="pdf").model_copy(update={"date": day})
    link = reports.daily_recap(U1_ADMIN, query, SETTINGS, now)
    assert isinstance(link, ExportLink)
    pdf = pypdf.PdfReader(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    link = reports.daily_recap(U1_ADMIN, query.model_copy(update={"format": "xlsx"}), SETTINGS, now)
    assert isinstance(link, ExportLink)
    book = openpyxl.load_workbook(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    return text, str(book.properties.title)


def test_a_day_not_over_or_not_recapped_prints_provisional_without_a_signature(repos: Repositories) -> None:
    # GIVEN the admin's "Hitung Ulang" stored Monday's statuses at noon, printed that afternoon (16:00 WIB)
    repos.people.upsert_unit("U1", "SD Negeri 1 Ngamprah")
    _store_days(repos, [MONDAY])
    text, title = _day_files(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    # THEN the sheet is provisional: the day is still running (a check-out still to come, a no-show not TK yet), so
    # its head cannot sign it: SEMENTARA in the title, the footer and the note, no signature block
    assert "SEMENTARA" in text and "Mengetahui," not in text and "NIP. ...." not in text
    assert text.count("SEMENTARA") >= 3 and A in text and B in text  # the rows are still there to check
    assert "SEMENTARA" in title
    # AND after midnight it is still provisional: a night shift of Monday ends on Tuesday morning, after the 23:30
    # run stored it as it stood (decision 141); the morning run judges it whole
    text, title = _day_files(datetime(2026, 11, 2, 18, 0, tzinfo=UTC))
    assert "SEMENTARA" in text and "Mengetahui," not in text and "SEMENTARA" in title
    # AND once the morning run of Tuesday has seen every shift of Monday, the sheet is final: signed, no SEMENTARA
    tuesday = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    text, title = _day_files(tuesday)
    assert "SEMENTARA" not in text and "Mengetahui," in text and "Kepala SD Negeri 1 Ngamprah" in text
    assert "SEMENTARA" not in title
    # AND a day over but never recapped (no TK stored for anyone yet) says SEMENTARA too
    text, title = _day_files(tuesday + timedelta(days=1), MONDAY + timedelta(days=1))
    assert "SEMENTARA" in text and "SEMENTARA" in title


def test_a_daily_recap_in_another_format_is_refused() -> None:
    with pytest.raises(PydanticValidationError):
        recap_query(fmt="docx")


@pytest.mark.parametrize(
    ("caller", "unor_id", "error"),
    [(U2_ADMIN, "U1", ForbiddenError), (EMPLOYEE, "U1", ForbiddenError), (SUPER, None, ValidationError)],
)
def test_the_daily_recap_is_refused_outside_the_callers_units(
    repos: Repositories, caller: Principal, unor_id: str | None, error: type[Exception]
) -> None:
    # GIVEN a stored recap of U1
    repos.statuses.save_day("U1", MONDAY, [(Member(A, "Asep", True), on_time(MONDAY))])
    # WHEN another unit's admin or an employee asks for it, or a super admin asks for a file of no unit,
    # THEN it is refused
    with pytest.raises(error):
        reports.daily_recap(caller, recap_query(unor_id, fmt="json" if unor_id else "csv"), SETTINGS, NOW)


def test_the_daily_recap_without_a_unit_lists_every_unit_the_caller_sees(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN stored recaps of U1 (two employees) and U2 (one)
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"Unit {unit}")
    repos.statuses.save_day("U1", MONDAY, [(Member(A, "Asep", True), on_time(MONDAY)),
                                           (Member(B, "Budi", True), absent(MONDAY))])  # fmt: skip
    repos.statuses.save_day("U2", MONDAY, [(Member(C, "Cucu", True), on_time(MONDAY))])
    # WHEN a super admin asks without a unit (API.md: `unor_id` is optional), a page of two at a time
    monkeypatch.setattr(reports, "DAILY_PAGE", 2)
    first = reports.daily_recap(SUPER, recap_query(None), SETTINGS, NOW)
    assert isinstance(first, DailyRecap) and first.next is not None
    second = reports.daily_recap(SUPER, recap_query(None).model_copy(update={"next": first.next}), SETTINGS, NOW)
    # THEN the pages hold every unit's rows, unit by unit, each named, and the day's unit is null
    assert isinstance(second, DailyRecap) and second.next is None and first.unor_id is None
    assert [(i.unor_id, i.nip) for i in [*first.items, *second.items]] == [("U1", A), ("U1", B), ("U2", C)]
    # AND a unit admin of U2 alone gets U2's day, named
    only = reports.daily_recap(U2_ADMIN, recap_query(None), SETTINGS, NOW)
    assert isinstance(only, DailyRecap) and only.unor_id == "U2" and [i.nip for i in only.items] == [C]


def _store_days(repos: Repositories, days: list[date], status: DayStatus | None = None) -> None:
    """Asep absent and Budi on time (or `status`) on `days` in U1, stored without the instant a run judged them as
    of (as before runs kept it): `reports.day_final` trusts the schedule for such days (tests/unit/usecases/
    test_day_final.py has the days recap runs store)."""
    for day in days:
        rows = [(Member(A, "Asep", True), absent(day)), (Member(B, "Budi", True), status or on_time(day))]
        repos.statuses.save_day("U1", day, rows)


def test_the_monthly_report_starts_from_last_months_counters_and_stores_its_own(repos: Repositories) -> None:
    # GIVEN unit U1, October's month-end counters (Asep 3 TK days) and two November days (Asep absent)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.statuses.save_year_to_date("U1", "2026-10", [(A, "Asep", YearToDate(3, 0, 3, 3))], {}, datetime.now(UTC))
    _store_days(repos, [MONDAY, MONDAY + timedelta(days=1)])
    # WHEN U1's admin reads November's report
    answer = reports.monthly(U1_ADMIN, month_query(), build_settings({}), NOW)
    assert isinstance(answer, MonthlyReport)
    report = answer.model_dump(mode="json")
    # THEN each employee's year to date continues from October, under the unit's name
    assert report["month"] == "2026-11"
    rows = {r["nip"]: r for r in report["items"]}
    assert rows[A]["unor_nama"] == "SDN 1 Ngamprah" and rows[A]["present_days"] == 0
    assert rows[A]["year_to_date"] == {"tk_days": 5, "late_early_minutes": 0, "tk_streak": 5, "longest_tk_streak": 5}
    assert rows[B]["year_to_date"]["tk_days"] == 0 and rows[B]["present_days"] == 2
    # AND November's month-end counters are kept for December's report to start from
    assert repos.statuses.year_to_date("U1", "2026-11") == {A: YearToDate(5, 0, 5, 5), B: YearToDate()}


def test_a_run_of_absent_days_across_new_year_is_counted_in_a_row(repos: Repositories) -> None:
    # GIVEN Asep absent on every working day from 21 December (Christmas a holiday) and on 4-5 January (New Year's
    # Day a holiday): 10 working days in a row, 8 of them last year; Budi absent only on 31 December
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    holidays = {date(2026, 12, 25), date(2027, 1, 1)}
    days = [date(2026, 12, 21) + timedelta(days=n) for n in range(16)]
    for day in (d for d in days if d.weekday() < 5):
        asep = DayStatus(day=day, status="LIBUR") if day in holidays else absent(day)
        budi = absent(day) if day == date(2026, 12, 31) else on_time(day)
        repos.statuses.save_day("U1", day, [(Member(A, "Asep", True), asep), (Member(B, "Budi", True), budi)])
    # WHEN January's report is read (December's never was)
    answer = reports.monthly(SUPER, month_query("2027-01"), build_settings({}), NOW + timedelta(days=40))
    assert isinstance(answer, MonthlyReport)
    rows = {r.nip: r for r in answer.items}
    # THEN Asep's run goes on from December: 10 in a row, the dismissal step, though only 2 TK days this year
    assert rows[A].year_to_date.model_dump() == {
        "tk_days": 2,
        "late_early_minutes": 0,
        "tk_streak": 10,
        "longest_tk_streak": 10,
    }
    assert rows[A].discipline == "Pemberhentian dengan hormat tidak atas permintaan sendiri"
    # AND Budi's run of one, broken on 4 January, leaves him nothing this year
    assert rows[B].year_to_date.model_dump()["tk_streak"] == 0 and rows[B].discipline is None


def test_the_run_across_new_year_does_not_depend_on_which_month_is_read_first_and_follows_december(
    repos: Repositories,
) -> None:
    # GIVEN Asep absent on every working day from 21 December to 5 January, as above
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    days = [d for d in (date(2026, 12, 21) + timedelta(days=n) for n in range(16)) if d.weekday() < 5]
    off = {date(2026, 12, 25), date(2027, 1, 1)}

    def store(dates: list[date], status: Callable[[date], DayStatus]) -> None:
        for day in dates:
            row = DayStatus(day=day, status="LIBUR") if day in off else status(day)
            repos.statuses.save_day("U1", day, [(Member(A, "Asep", True), row)])

    def february() -> tuple[int, str | None]:
        answer = reports.monthly(SUPER, month_query("2027-02"), build_settings({}), NOW + timedelta(days=70))
        assert isinstance(answer, MonthlyReport)
        [row] = [r for r in answer.items if r.nip == A]
        return row.year_to_date.longest_tk_streak, row.discipline

    store(days, absent)
    repos.statuses.save_day("U1", date(2027, 2, 1), [(Member(A, "Asep", True), on_time(date(2027, 2, 1)))])
    # WHEN February's report is read first (January's never was), THEN it counts the 10 in a row too
    assert february() == (10, "Pemberhentian dengan hormat tidak atas permintaan sendiri")
    # WHEN a sick note entered late turns Asep's December days into S, THEN February no longer carries the run
    store([d for d in days if d.month == 12], lambda day: DayStatus(day=day, status="S"))
    assert february() == (2, None)


def test_a_unit_asked_for_alone_without_statuses_is_named_in_its_files_and_others_are_left_out(
    repos: Repositories,
) -> None:
    # GIVEN U1 with November's days, and U3 with none (its recap never ran)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.upsert_unit("U3", "SMP Negeri 3 Lembang")
    _store_days(repos, [MONDAY])
    settings = build_settings({})
    # WHEN U3's month is asked for alone, THEN its files name it (a page saying it has no days)
    assert reports.month_report(["U3"], "2026-11", settings, NOW).empty_units == (("U3", "SMP Negeri 3 Lembang"),)
    # AND asked for with U1 (a regency's many units), the units without days are left out
    assert reports.month_report(["U1", "U3"], "2026-11", settings, NOW).empty_units == ()


def _month_pdf_text(now: datetime) -> str:
    scope = MonthScope.model_validate({"month": "2026-11", "unor_id": "U1"})
    link = reports.monthly_pdf(U1_ADMIN, scope, SETTINGS, now)
    pdf = pypdf.PdfReader(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    return "\n".join(page.extract_text() for page in pdf.pages)


def _month_xlsx_title(now: datetime) -> str:
    link = reports.monthly(U1_ADMIN, month_query().model_copy(update={"format": "xlsx"}), SETTINGS, now)
    assert isinstance(link, ExportLink)
    book = openpyxl.load_workbook(io.BytesIO(runtime.photos(SETTINGS).resolve(link.download_url)))
    return str(book.properties.title)


def test_a_month_not_over_or_not_recapped_to_its_end_is_printed_provisional_without_a_signature(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's November recapped up to Friday 27 November, read on Monday 30 November (the month still running)
    _november_of_u1(repos, monkeypatch, 26)
    # WHEN the unit's head prints the signing sheet, THEN it says SEMENTARA and has no signature block: a sheet
    # signed now would send a month missing its last days to the TPP payment
    running = _month_pdf_text(NOW)
    assert "SEMENTARA" in running and "Mengetahui," not in running and "NIP. ...." not in running
    assert A in running and B in running  # the rows are still there to check
    # AND the workbook of the same month says so in its title
    assert "SEMENTARA" in _month_xlsx_title(NOW)
    # AND on 1 December, with 30 November's recap still not stored (the nightly run failed), it stays provisional
    first = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert "SEMENTARA" in _month_pdf_text(first)
    # AND once the month's last day is recapped and the morning run judged it whole, the sheet is final: signature
    # block, no SEMENTARA
    _store_days(repos, [date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)])
    final = _month_pdf_text(AFTER_THE_MORNING_RUN)
    assert "SEMENTARA" not in final and "Mengetahui," in final and "Kepala SDN 1 Ngamprah" in final
    assert "SEMENTARA" not in _month_xlsx_title(AFTER_THE_MORNING_RUN)


def _november_of_u1(repos: Repositories, monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    """U1 with Asep and Budi followed since October, and their first `days` days of November from the 2nd recapped."""
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    _members(repos, monkeypatch, True, datetime(2026, 10, 1, 3, 0, tzinfo=UTC))
    _store_days(repos, [date(2026, 11, 2) + timedelta(days=i) for i in range(days)])


def _members(repos: Repositories, monkeypatch: pytest.MonkeyPatch, active: bool, at: datetime) -> None:
    """Asep and Budi put in U1 (or deactivated, `active` False) as SIMPEG's sync records it at `at`."""
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: at)
    for nip, nama in ((A, "Asep"), (B, "Budi")):
        repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id="U1", active=active))


def test_a_month_whose_last_day_has_a_night_shift_still_running_is_not_final(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's November recapped to its last day by the 23:30 run of Monday 30 November, which stored a night
    # shift of that day as it stood (decision 141: its check-out, or its TK, comes on 1 December at 07:00)
    _november_of_u1(repos, monkeypatch, 29)
    # WHEN the head prints the sheet at 01:00 WIB on 1 December, or at 10:00 before the morning run judged the
    # last day whole (jobs.day_before_recap, 10:30 WIB)
    for printed in (datetime(2026, 11, 30, 18, 0, tzinfo=UTC), datetime(2026, 12, 1, 3, 0, tzinfo=UTC)):
        text = _month_pdf_text(printed)
        # THEN it is SEMENTARA, unsigned: signed now, the nurse's night would be paid without its check-out
        assert "SEMENTARA" in text and "Mengetahui," not in text, printed
    # AND after the morning run, the month is final
    text = _month_pdf_text(AFTER_THE_MORNING_RUN)
    assert "SEMENTARA" not in text and "Kepala SDN 1 Ngamprah" in text


def test_the_month_of_a_unit_whose_members_all_left_before_its_last_day_is_final(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN U1's members recapped from 2 to 19 November, then both deactivated on 20 November (retired, or the
    # unit merged away): no status of the month's last day will ever be stored
    _november_of_u1(repos, monkeypatch, 18)
    _members(repos, monkeypatch, False, datetime(2026, 11, 20, 3, 0, tzinfo=UTC))
    # WHEN its head prints November while it runs, THEN it is SEMENTARA
    assert "SEMENTARA" in _month_pdf_text(NOW)
    # AND once the month is over, it is final: nobody was followed on its last day, so nothing is missing
    text = _month_pdf_text(AFTER_THE_MORNING_RUN)
    assert "SEMENTARA" not in text and "Kepala SDN 1 Ngamprah" in text and A in text and B in text


def test_a_month_without_stored_counters_is_walked_from_its_statuses(repos: Repositories) -> None:
    # GIVEN two October days recapped (Asep absent) but no October report ever read
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    _store_days(repos, [date(2026, 10, 29), date(2026, 10, 30)])
    # WHEN November's report is read with one November day
    _store_days(repos, [MONDAY])
    answer = reports.monthly(SUPER, month_query(), build_settings({}), NOW)
    assert isinstance(answer, MonthlyReport)
    report = answer.model_dump(mode="json")
    # THEN Asep's year to date counts October's days too
    assert isinstance(report, dict)
    assert {r["nip"]: r["year_to_date"]["tk_days"] for r in report["items"]} == {A: 3, B: 0}


def _report(month: str, unor_id: str = "U1") -> MonthlyReport:
    answer = reports.monthly(SUPER, month_query(month, unor_id), build_settings({}), NOW)
    assert isinstance(answer, MonthlyReport)
    return answer


def _year_to_date_of(month: str, unor_id: str) -> dict[str, int]:
    return {row.nip: row.year_to_date.tk_days for row in _report(month, unor_id).items}


def _year_to_date(month: str) -> dict[str, int]:
    return _year_to_date_of(month, "U1")


def test_a_day_judged_again_after_its_months_report_reaches_the_next_months_year_to_date(
    repos: Repositories,
) -> None:
    # GIVEN Asep absent on 30 October, and October's report read (its counters stored: 1 TK day)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    october = date(2026, 10, 30)
    _store_days(repos, [october])
    assert _year_to_date("2026-10") == {A: 1, B: 0}
    # WHEN his sick note arrives in November and 30 October is judged again as S
    sick = DayStatus(day=october, status="S")
    repos.statuses.save_day(
        "U1", october, [(Member(A, "Asep", True), sick), (Member(B, "Budi", True), on_time(october))]
    )
    # THEN November's report counts no TK day for him: October's stored counters no longer hold
    _store_days(repos, [MONDAY], on_time(MONDAY))
    assert _year_to_date("2026-11")[A] == 1  # November's own absence only
    # AND October's counters were counted again on the way, so the next report starts from them
    assert repos.statuses.year_to_date("U1", "2026-10")[A] == YearToDate()
    assert {"2026-10", "2026-11"} <= repos.statuses.trusted_months("U1", "2026")


def test_a_month_read_before_its_end_is_counted_whole_for_the_next_month(repos: Repositories) -> None:
    # GIVEN Asep absent on 2 November and November's report read that afternoon
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    _store_days(repos, [MONDAY])
    assert _year_to_date("2026-11")[A] == 1
    # WHEN the rest of November is recapped (absent again on the 3rd)
    _store_days(repos, [MONDAY + timedelta(days=1)])
    # THEN December's report starts from the whole of November, not from what was read on the 2nd
    assert _year_to_date("2026-12") == {}  # nobody has a December day yet: no rows
    repos.statuses.save_day("U1", date(2026, 12, 1), [(Member(A, "Asep", True), on_time(date(2026, 12, 1)))])
    assert _year_to_date("2026-12") == {A: 2}


@pytest.mark.parametrize("read_between", [True, False], ids=["quiet month read", "quiet month never read"])
def test_a_month_without_days_keeps_an_employee_s_year_to_date(repos: Repositories, read_between: bool) -> None:
    # GIVEN Asep absent on 5 and 6 October (Budi present), October's report read
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    _store_days(repos, [date(2026, 10, 5), date(2026, 10, 6)])
    assert _year_to_date("2026-10") == {A: 2, B: 0}
    # AND no day of Asep's in November (deactivated by mistake, or on study leave): Budi's days only
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        repos.statuses.save_day("U1", day, [(Member(B, "Budi", True), on_time(day))])
    if read_between:
        assert _year_to_date("2026-11") == {B: 0}
    # WHEN he is back in December and absent again on 1 December
    _store_days(repos, [date(2026, 12, 1)])
    # THEN December's report counts all three absences of his year, not the last one alone
    assert _year_to_date("2026-12") == {A: 3, B: 0}
    # AND November's month end, though he had no day in it, keeps his counters for the months after it
    assert repos.statuses.year_to_date("U1", "2026-11")[A].tk_days == 2


def test_a_quiet_month_corrected_to_nothing_reads_the_same_twice(repos: Repositories) -> None:
    # GIVEN Asep absent on 5 and 6 October, none of his days in November, both months' reports read
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    october = [date(2026, 10, 5), date(2026, 10, 6)]
    _store_days(repos, october)
    assert _year_to_date("2026-10") == {A: 2, B: 0}
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        repos.statuses.save_day("U1", day, [(Member(B, "Budi", True), on_time(day))])
    assert _year_to_date("2026-11") == {B: 0}  # November's month end carries his 2
    # WHEN his sick note turns both October days into S, and he is absent on 1 December
    for day in october:
        sick = DayStatus(day=day, status="S")
        repos.statuses.save_day("U1", day, [(Member(A, "Asep", True), sick), (Member(B, "Budi", True), on_time(day))])
    _store_days(repos, [date(2026, 12, 1)])
    # THEN December's report counts the one absence, read once or twice (November's carried 2 is replaced)
    assert _year_to_date("2026-12") == {A: 1, B: 0}
    assert _year_to_date("2026-12") == {A: 1, B: 0}
    assert repos.statuses.year_to_date("U1", "2026-11")[A] == YearToDate()


@pytest.mark.parametrize("read_between", [True, False], ids=["quiet months read", "quiet months never read"])
def test_absences_a_quiet_month_apart_are_no_run(repos: Repositories, read_between: bool) -> None:
    # GIVEN Asep absent 26-30 October, none of his days in November, absent 1-4 and 7 December
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    _store_days(repos, [date(2026, 10, d) for d in (26, 27, 28, 29, 30)])
    _report("2026-10")
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        repos.statuses.save_day("U1", day, [(Member(B, "Budi", True), on_time(day))])
    if read_between:
        _report("2026-11")
    _store_days(repos, [date(2026, 12, d) for d in (1, 2, 3, 4, 7)])
    # THEN December counts ten absent days in the year but five in a row at most: no dismissal for a run
    [row] = [r for r in _report("2026-12").items if r.nip == A]
    assert (row.year_to_date.tk_days, row.year_to_date.tk_streak, row.year_to_date.longest_tk_streak) == (10, 5, 5)
    assert row.discipline != "Pemberhentian dengan hormat tidak atas permintaan sendiri"


def test_a_run_open_at_a_year_end_ends_with_a_year_without_days(repos: Repositories) -> None:
    # GIVEN Asep absent 28-31 December 2026, then a year of study leave (Budi's days only), back in January 2028
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    _store_days(repos, [date(2026, 12, d) for d in (28, 29, 30, 31)])
    _report("2026-12")
    day = date(2027, 12, 1)
    repos.statuses.save_day("U1", day, [(Member(B, "Budi", True), on_time(day))])
    _report("2027-12")
    _store_days(repos, [date(2028, 1, d) for d in (3, 4, 5, 6, 7, 10)])
    # THEN January 2028's six absences are a run of six, not ten joined across a year he was away
    [row] = [r for r in _report("2028-01").items if r.nip == A]
    assert row.year_to_date.longest_tk_streak == 6


def test_a_mover_s_year_is_walked_as_a_stayer_s_through_a_quiet_month(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep, moved from U1 into U2 in February, and Cucu, always in U2: both absent 26-30 October, neither
    # with a day in November (study leave), both absent 1-4 and 7 December
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"SDN {unit}")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 2, 15, 3, 0, tzinfo=UTC))
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    repos.people.put_employee(Employee(nip=C, nama="Cucu", unor_id="U2"))
    october, december = [date(2026, 10, d) for d in (26, 27, 28, 29, 30)], [date(2026, 12, d) for d in (1, 2, 3, 4, 7)]
    for day in october + december:
        both = [(Member(A, "Asep", True), absent(day)), (Member(C, "Cucu", True), absent(day))]
        repos.statuses.save_day("U2", day, [*both, (Member(B, "Budi", True), on_time(day))])
    for day in (date(2026, 11, 2), date(2026, 11, 3)):
        repos.statuses.save_day("U2", day, [(Member(B, "Budi", True), on_time(day))])
    # WHEN U2's December is read, THEN the mover's run ends with the quiet month as the stayer's does: 5, not 10
    rows = {r.nip: r for r in _report("2026-12", "U2").items}
    assert rows[A].year_to_date.longest_tk_streak == rows[C].year_to_date.longest_tk_streak == 5
    assert rows[A].discipline == rows[C].discipline


def test_a_mover_in_january_keeps_the_run_december_left_open(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep and Cucu of U1 absent on the last five working days of 2025; Asep moved to U2 on 1 January
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"SDN {unit}")
    for nip, nama in ((A, "Asep"), (C, "Cucu")):
        repos.people.put_employee(Employee(nip=nip, nama=nama, unor_id="U1"))
    for day in [date(2025, 12, d) for d in (24, 26, 29, 30, 31)]:
        repos.statuses.save_day(
            "U1", day, [(Member(A, "Asep", True), absent(day)), (Member(C, "Cucu", True), absent(day))]
        )
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 1, 1, 3, 0, tzinfo=UTC))
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    # WHEN both are absent on the first five working days of 2026, each in their unit
    for day in [date(2026, 1, d) for d in (2, 5, 6, 7, 8)]:
        repos.statuses.save_day("U2", day, [(Member(A, "Asep", True), absent(day))])
        repos.statuses.save_day("U1", day, [(Member(C, "Cucu", True), absent(day))])
    # THEN the mover's run goes on from December as the stayer's does: ten in a row
    [asep], [cucu] = _report("2026-01", "U2").items, _report("2026-01", "U1").items
    assert asep.year_to_date.longest_tk_streak == cucu.year_to_date.longest_tk_streak == 10


def test_the_cap_holds_for_an_employee_who_moved_away_and_back_within_the_month(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep absent 12 working days at U1 (60 %), moved to U2 and absent 9 days there (45 %), then back to U1
    for unit in ("U1", "U2"):
        repos.people.upsert_unit(unit, f"SDN {unit}")
    asep = Member(A, "Asep", True)
    working = [d for d in (date(2026, 11, 1) + timedelta(days=n) for n in range(30)) if d.weekday() < 5]
    moves = ((None, "U1", working[:12]), (datetime(2026, 11, 16, 18, 0, tzinfo=UTC), "U2", working[12:]))
    for moved_at, unit, days in moves:
        if moved_at is not None:
            monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda at=moved_at: at)
        repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id=unit))
        for day in days:
            repos.statuses.save_day(unit, day, [(asep, absent(day))])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 30, 18, 0, tzinfo=UTC))
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    # WHEN both units' November reports are read, THEN the rows share one cap, in date order: 60 % and 40 %
    shares = [_report("2026-11", unit).items[0].deduction_percent for unit in ("U1", "U2")]
    assert shares == [60.0, 40.0]


def test_an_employee_who_moved_keeps_the_year_to_date_of_the_unit_they_left(
    repos: Repositories, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN Asep absent at U1 on 30 October and 2 November, moved to U2 on 16 November (SIMPEG), absent there
    # on the 17th and present on the 18th
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.upsert_unit("U2", "SDN 2 Ngamprah")
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U1"))
    asep = Member(A, "Asep", True)
    for day in (date(2026, 10, 30), MONDAY):
        repos.statuses.save_day("U1", day, [(asep, absent(day))])
    monkeypatch.setattr("chalicelib.store.memory.people.utc_now", lambda: datetime(2026, 11, 15, 18, 0, tzinfo=UTC))
    repos.people.put_employee(Employee(nip=A, nama="Asep", unor_id="U2"))
    repos.statuses.save_day("U2", date(2026, 11, 17), [(asep, absent(date(2026, 11, 17)))])
    repos.statuses.save_day("U2", date(2026, 11, 18), [(asep, on_time(date(2026, 11, 18)))])
    # WHEN U2's November report is read
    [row] = _report("2026-11", "U2").items
    # THEN his row counts U2's days, and his year to date every absence of the year, U1's included
    assert (row.counts["TK"], row.present_days) == (1, 1)
    assert row.year_to_date.tk_days == 3
    # AND U2's December report goes on from there, though U2 never stored his earlier days
    repos.statuses.save_day("U2", date(2026, 12, 1), [(asep, absent(date(2026, 12, 1)))])
    assert _year_to_date_of("2026-12", "U2") == {A: 4}
    # AND his own month shows every November day, wherever it was judged
    month, own = reports.employee_month(A, "U2", "2026-11", build_settings({}))
    assert [d.day.day for d in month.days] == [2, 17, 18] and own.counts["TK"] == 2
    assert own.year_to_date.tk_days == 3


def test_the_monthly_report_is_refused_to_another_units_admin(repos: Repositories) -> None:
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    _store_days(repos, [MONDAY])
    with pytest.raises(ForbiddenError):
        reports.monthly(U2_ADMIN, month_query(), build_settings({}), NOW)
    assert repos.statuses.year_to_date("U1", "2026-11") == {}


def test_a_days_sheet_is_final_once_the_morning_run_that_judges_it_whole_is_over() -> None:
    # GIVEN the schedule of the morning run (infra/schedules.py) and the DailyRecap function's timeout
    morning = next(s for s in SCHEDULES if s.job_name == "day_before_recap")
    config = json.loads((Path(__file__).parents[3] / ".chalice" / "config.json").read_text())
    stages = [stage.get("lambda_functions", {}).get("daily_recap", {}) for stage in config["stages"].values()]
    timeouts = {function["lambda_timeout"] for function in stages if "lambda_timeout" in function}
    # THEN the instant a day's sheet turns final is that run's time, plus the longest it may run
    assert [timedelta(hours=t.hour, minutes=t.minute) for t in morning.local_times()] == [reports.MORNING_RUN]
    assert timeouts == {reports.MORNING_RUN_TAKES.total_seconds()}
