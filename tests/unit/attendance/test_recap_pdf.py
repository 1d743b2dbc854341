"""The monthly recap PDF (the paper a unit's head signs), read back with pypdf: one section per unit on its own
pages, every employee's row with its figures, the header repeated on every page, the signature block, text folded
to the core font, and a month without recapped days."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from unicodedata import normalize
from zoneinfo import ZoneInfo

import pypdf
import pytest

from chalicelib.attendance.export import pdf_text
from chalicelib.attendance.monthly import EmployeeMonth, MonthlyReport, monthly_report
from chalicelib.attendance.recap_pdf import NO_ROWS, TITLE, export_pdf, moment_label, percent_text

from .helpers import RULES, november_days

PRINTED = datetime(2026, 12, 4, 6, 12, tzinfo=ZoneInfo("Asia/Jakarta"))
SCHOOL, OFFICE = "SD Negeri 1 Ngamprah", "Dinas Pendidikan"


def _nip(i: int) -> str:
    return f"1985010120100110{i:02d}"


def _pages(report: MonthlyReport) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(export_pdf(report, PRINTED)))
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def pages() -> list[str]:
    school = [EmployeeMonth(_nip(i), f"Guru Nomor {i:02d}", "U1", SCHOOL, november_days()) for i in range(70)]
    office = [
        EmployeeMonth(_nip(80), "Siti Aminah", "U2", OFFICE, november_days(late_on=3)),
        EmployeeMonth(_nip(81), "Ñoman Şükrü Ma’ruf " + "Panjang " * 12, "U2", OFFICE, november_days()),
    ]
    return _pages(monthly_report("2026-11", school + office, RULES))


def test_each_unit_starts_on_its_own_page_and_names_itself(pages: list[str]) -> None:
    units = [(SCHOOL in p and f"Unit: {SCHOOL}" in p, f"Unit: {OFFICE}" in p) for p in pages]
    firsts = [i for i, p in enumerate(pages) if TITLE in p]
    assert len(firsts) == 2 and firsts[0] == 0
    assert units[firsts[0]] == (False, True) and units[firsts[1]] == (True, False)  # ordered by unit name
    assert all("Bulan November 2026" in pages[i] and moment_label(PRINTED) in pages[i] for i in firsts)


def test_every_employee_has_one_row_and_the_header_repeats_on_every_page(pages: list[str]) -> None:
    text = "\n".join(pages)
    assert all(text.count(_nip(i)) == 1 for i in [*range(70), 80, 81])
    assert len(pages) >= 4  # 70 rows do not fit on one page
    with_rows = [p for p in pages if "19850101201001" in p]
    assert len(with_rows) >= 3 and all("PSW4" in p and "Potongan" in p for p in with_rows)
    assert all(f"Halaman {n}/{len(pages)}" in p for n, p in enumerate(pages, start=1))


def test_a_row_carries_the_report_figures(pages: list[str]) -> None:
    row = next(line for p in pages for line in p.splitlines() if _nip(80) in line)
    expected = monthly_report(
        "2026-11", [EmployeeMonth(_nip(80), "Siti Aminah", "U2", OFFICE, november_days(3))], RULES
    )
    figures = expected.rows[0]
    # 21 working days, all present, 20 on time, one TL4 + PSW1 (95 and 5 minutes); the deduction, decimal comma
    assert (figures.working_days, figures.present_days, figures.late_minutes) == (21, 21, 95)
    assert row.startswith(f"1 Siti Aminah {_nip(80)} 21 21 20 0 0 0 1 1 0 0 0 ")
    assert row.endswith(f" 95 5 {figures.deduction_percent:.2f}".replace(".", ","))
    assert figures.deduction_percent > 0


def test_a_percent_is_printed_as_the_workbook_shows_it_rounded_half_up() -> None:
    assert [percent_text(Decimal(v)) for v in ("1.125", "1.115", "0.5", "100", "2.004")] == [
        "1,13", "1,12", "0,50", "100,00", "2,00",
    ]  # fmt: skip


def test_the_signature_block_closes_each_unit(pages: list[str]) -> None:
    text = "\n".join(pages)
    assert text.count("Mengetahui,") == 2
    assert f"Kepala {SCHOOL}" in text and f"Kepala {OFFICE}" in text
    assert text.count("NIP. ....") == 2


def test_text_beyond_the_core_font_is_folded_and_a_long_name_cut(pages: list[str]) -> None:
    row = next(line for p in pages for line in p.splitlines() if _nip(81) in line)
    # Ñ, ü and ’ are in the fonts' Windows-1252 and stay; Ş is not and loses its cedilla.
    assert "Ñoman Sükrü Ma’ruf Panjang" in row and "..." in row and "Panjang " * 12 not in row


@pytest.mark.parametrize("count", [1, 26, 30, 36, 37, 38, 70])
def test_the_head_signs_under_rows_of_the_table_never_on_a_page_of_its_own(count: int) -> None:
    people = [EmployeeMonth(_nip(i), f"Guru {i:02d}", "U1", SCHOOL, november_days()) for i in range(count)]
    pages = _pages(monthly_report("2026-11", people, RULES))
    (signed,) = [p for p in pages if f"Kepala {SCHOOL}" in p]
    assert _nip(count - 1) in signed  # the last row stands above the signature
    assert all(sum(p.count(_nip(i)) for p in pages) == 1 for i in range(count))  # every row once


def test_letters_typed_with_separate_accents_keep_the_accents_the_fonts_have() -> None:
    # as some machines paste names: a letter, then its accent (NFD)
    assert pdf_text(normalize("NFD", "José Ñoman Şükrü")) == "José Ñoman Sükrü"


def test_a_month_without_recapped_days_says_so() -> None:
    pages = _pages(monthly_report("2026-12", [], RULES))
    assert len(pages) == 1 and TITLE in pages[0] and NO_ROWS in pages[0] and "Desember 2026" in pages[0]
    # AND the sheet of a unit asked for that has no days names the unit, on its page and in its footer
    empty = replace(monthly_report("2026-12", [], RULES), empty_units=(("U3", "SMP Negeri 3 Lembang"),))
    [page] = _pages(empty)
    assert NO_ROWS in page and "Unit: SMP Negeri 3 Lembang" in page and "Desember 2026 - SMP Negeri 3 Lembang" in page


def test_a_unit_s_long_name_stays_on_the_page() -> None:
    # GIVEN a unit whose name is some 200 characters long
    name = "UPT Puskesmas Rawat Inap dan Pelayanan Obstetri Neonatal Emergensi Dasar " * 3
    people = [EmployeeMonth(_nip(1), "Siti Aminah", "U9", name.strip(), november_days())]
    # WHEN its month is printed
    [page] = _pages(monthly_report("2026-11", people, RULES))
    # THEN the heading wraps it whole (it ran past the page's edge on one line), and the footer cuts it short of
    # the page number (the two were drawn over each other)
    lines = page.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("Unit: "))
    assert lines[heading] != f"Unit: {name.strip()}"
    assert f"{lines[heading]} {lines[heading + 1]}".startswith(f"Unit: {name.strip()}"[:200])
    footer = next(line for line in lines if line.startswith("Rekap kehadiran November 2026 - "))
    assert footer.endswith("... Halaman 1/1"), footer
