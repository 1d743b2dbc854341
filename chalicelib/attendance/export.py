"""Recap exports: JSON for programs, CSV and XLSX for people opening them in Excel (the monthly report; one
table as a file: a unit's daily recap, the adoption report).

Decisions:
- One column list serves CSV and XLSX, so both files always agree.
- CSV targets Excel in the Indonesian locale: UTF-8 with BOM, `;` as separator (the id-ID list
  separator), decimal comma, CRLF line ends. The NIP is written as `="199001012015011001"` because Excel
  would otherwise read the 18 digits as a number and silently zero the last three (15-digit precision).
  Programs should use `format=json`.
- XLSX: a "Ringkasan" summary sheet, then one sheet per unit; header row frozen (with NIP and Nama),
  NIP cells stored as text with number format '@', fixed column widths, autofilter, landscape A4 fitted to
  one page wide, header row repeated on every printed page, month and unit in the printed page header.
- Text that a spreadsheet would run as a formula (starting with = + - @) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any, Literal

from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chalicelib.attendance.monthly import MonthlyReport, MonthlyRow, UnitSummary
from chalicelib.domain.status import EmployeeDay
from chalicelib.errors import ExportFormatError

Cell = str | int | Decimal | None
FORMATS: tuple[str, ...] = ("json", "csv", "xlsx")
MONTH_NAMES: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
SUMMARY_SHEET = "Ringkasan"
PROVISIONAL = "SEMENTARA"  # a month not final yet (`MonthlyReport.provisional`): not the sheet that pays the TPP
_KEY_HEADERS: dict[str, str] = {
    "H": "Tepat Waktu (H)",
    "TK": "Tanpa Keterangan (TK)",
    "DL": "Dinas Luar (DL)",
    "C": "Cuti (C)",
    "I": "Izin (I)",
    "S": "Sakit (S)",
    "LIBUR": "Libur",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NONCHARACTERS = re.compile("[\ufffe\uffff]")  # not XML characters, and not controls (openpyxl lets them by)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


TEXT, PERCENT = "@", "0.00"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Heading:
    """A column's Indonesian header, width in characters and spreadsheet number format."""

    header: str
    width: int = 8
    number_format: str | None = None


@dataclass(frozen=True)
class Column(Heading):
    """An exported per-employee column: a heading and how to read its value from a row."""

    value: Callable[[MonthlyRow], Cell] = field(kw_only=True)


@dataclass(frozen=True)
class ExportFile:
    """An export ready to send or store: bytes, content type and a suggested file name."""

    content: bytes
    content_type: str
    filename: str


def employee_columns(keys: Sequence[str]) -> list[Column]:
    """Columns of the per-employee recap (CSV and unit sheets)."""
    return [
        Column("NIP", 21, TEXT, value=lambda r: r.nip),
        Column("Nama", 32, TEXT, value=lambda r: r.nama),
        Column("Unit", 28, TEXT, value=lambda r: r.unor_nama),
        Column("Hari Kerja", 10, value=lambda r: r.working_days),
        Column("Hadir", value=lambda r: r.present_days),
        *(Column(_count_header(key), _width(key), value=_count_getter(key)) for key in keys),
        Column("Total Menit Terlambat", 12, value=lambda r: r.late_minutes),
        Column("Total Menit Pulang Cepat", 12, value=lambda r: r.early_minutes),
        Column("Potongan TPP (%)", 11, PERCENT, value=lambda r: r.deduction_percent),
        # TK days of the year plus each 7.5 h of lateness and early departure, as discipline counts them: not
        # only absences, so the header says so (a bare "TK" read as days absent that never were).
        Column("Hari TK untuk Disiplin (TK + TL/PSW per 7,5 jam)", 16, value=lambda r: r.tk_days_for_discipline),
        Column("Hukuman Disiplin (PP 94/2021)", 40, TEXT, value=lambda r: r.discipline),
    ]


def export_json(report: MonthlyReport) -> bytes:
    return json.dumps(report.to_dict(), ensure_ascii=False).encode("utf-8")


def export_csv(report: MonthlyReport) -> bytes:
    """CSV for Excel (see the module docstring for the dialect)."""
    columns = employee_columns(report.keys)
    return _csv(columns, ([_csv_cell(column, row) for column in columns] for row in report.rows))


def _csv(headings: Sequence[Heading], lines: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([heading.header for heading in headings])
    writer.writerows(lines)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(report: MonthlyReport) -> bytes:
    """Workbook with a summary sheet and one sheet per unit (see the module docstring)."""
    # Write-only mode streams rows: several times faster and lighter for a regency of thousands.
    workbook = Workbook(write_only=True)
    title = f"Rekap Absensi {month_label(report.month)}"
    _fill_sheet(workbook.create_sheet(SUMMARY_SHEET), title + marked(bool(report.provisional)), _summary_table(report))
    columns = employee_columns(report.keys)
    names = {SUMMARY_SHEET}
    rows_by_unit: dict[str, list[MonthlyRow]] = {}
    for row in report.rows:
        rows_by_unit.setdefault(row.unor_id, []).append(row)
    for unit in report.units():
        values = [[column.value(row) for column in columns] for row in rows_by_unit.get(unit.unor_id, [])]
        sheet = workbook.create_sheet(_sheet_name(unit.unor_nama or unit.unor_id, names))
        unit_title = f"{title} — {unit.unor_nama}{marked(unit.unor_id in report.provisional)}"
        _fill_sheet(sheet, unit_title, _Table(columns, values, "C2"))
    return _saved(workbook, title + marked(bool(report.provisional)))


def marked(provisional: bool) -> str:
    """What a title of a month not final yet ends with: " (SEMENTARA)" (nothing for a final one)."""
    return f" ({PROVISIONAL})" if provisional else ""


def _saved(workbook: Workbook, title: str) -> bytes:
    workbook.properties.title = printable(title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def file_part(name: str, fallback: str) -> str:
    """A unit's name as a part of a file name an admin recognises in their downloads ("SDN 1 Cisarua" →
    "sdn-1-cisarua"); `fallback` (its id) when nothing of the name is left."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].rstrip("-") or fallback


def monthly_stem(report: MonthlyReport) -> str:
    """The monthly report's file name without extension: named by its unit when it covers one only."""
    units = {(r.unor_id, r.unor_nama) for r in report.rows} | set(report.empty_units)
    if len(units) == 1:
        ((unor_id, unor_nama),) = units
        return f"rekap-absensi-{file_part(unor_nama, unor_id)}-{report.month}"
    return f"rekap-absensi-{report.month}"


def export_monthly(report: MonthlyReport, fmt: str) -> ExportFile:
    """The report as `fmt` (json, csv or xlsx)."""
    stem = monthly_stem(report)
    if fmt == "json":
        return ExportFile(export_json(report), "application/json; charset=utf-8", f"{stem}.json")
    if fmt == "csv":
        return ExportFile(export_csv(report), CSV_TYPE, f"{stem}.csv")
    if fmt == "xlsx":
        return ExportFile(export_xlsx(report), XLSX_TYPE, f"{stem}.xlsx")
    raise ExportFormatError("Format ekspor harus json, csv, atau xlsx", {"field": "format", "allowed": FORMATS})


def month_label(month: str) -> str:
    """ "2026-11" → "November 2026"."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


# fpdf2 declares its core fonts (Helvetica, ...) WinAnsiEncoding: Windows-1252, Latin-1 with the typographic
# marks names and unit names are typed with (’ ‘ “ ” – — …) where Latin-1 has control codes.
PDF_ENCODING = "cp1252"


class CorePdf(FPDF):
    """FPDF writing its core fonts in Windows-1252, the encoding they are declared with (fpdf2's default,
    Latin-1, refuses ’ in "Ma’ruf"). Text goes through `pdf_text` first."""

    def __init__(self, orientation: Literal["portrait", "landscape"]) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.core_fonts_encoding = PDF_ENCODING


def pdf_text(text: str) -> str:
    """For PDF core fonts: a letter outside Windows-1252 loses its accents (ā → a); anything else left
    becomes '?'. Letters the fonts have (é, ’) stay as they are, also when typed as a letter and its accent."""
    return "".join(c if _in_pdf_fonts(c) else _folded(c) for c in unicodedata.normalize("NFC", text))


def _in_pdf_fonts(character: str) -> bool:
    try:
        character.encode(PDF_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def _folded(character: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
    return plain.encode(PDF_ENCODING, "replace").decode(PDF_ENCODING)


def safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would evaluate as a formula, without the control characters a workbook
    cannot hold (one in a name would fail the whole file)."""
    value = printable(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def printable(text: str) -> str:
    """`text` without the characters XML, and so XLSX, forbids: control characters, U+FFFE and U+FFFF."""
    return _NONCHARACTERS.sub("", str(ILLEGAL_CHARACTERS_RE.sub("", text)))


@dataclass(frozen=True)
class _Table:
    columns: Sequence[Heading]
    values: list[list[Cell]]
    freeze: str


def _summary_table(report: MonthlyReport) -> _Table:
    columns = [
        Heading("Unit", 32, TEXT),
        Heading("Jumlah Pegawai", 10),
        *(Heading(_count_header(key), _width(key)) for key in report.keys),
        Heading("Total Menit Terlambat", 12),
        Heading("Total Menit Pulang Cepat", 12),
        Heading("Rata-rata Potongan TPP (%)", 12, PERCENT),
    ]
    return _Table(columns, [_summary_values(unit, report.keys) for unit in report.units()], "B2")


def _summary_values(unit: UnitSummary, keys: Sequence[str]) -> list[Cell]:
    counts: list[Cell] = [unit.counts[key] for key in keys]
    return [unit.unor_nama, unit.employees, *counts, unit.late_minutes, unit.early_minutes, unit.average_deduction]


def _fill_sheet(sheet: Any, title: str, table: _Table) -> None:
    # A write-only sheet takes its layout before the first row.
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = table.freeze
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.values) + 1}"
    _print_setup(sheet, title)
    sheet.append([_header_cell(sheet, column.header) for column in table.columns])
    templates = [_styled_cell(sheet, column.number_format) for column in table.columns]
    for values in table.values:
        sheet.append([_in_cell(cell, _xlsx_value(value)) for cell, value in zip(templates, values, strict=True)])


def _header_cell(sheet: Any, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=header)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return cell


def _styled_cell(sheet: Any, number_format: str | None) -> WriteOnlyCell | None:
    if number_format is None:
        return None
    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell


def _in_cell(template: WriteOnlyCell | None, value: Cell | float) -> WriteOnlyCell | Cell | float:
    # The styled template is re-used row after row: a write-only sheet serialises each row as it is appended.
    if template is None or value is None:
        return value
    template.value = value
    return template


def _print_setup(sheet: Any, title: str) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddHeader.center.text = header_text(title)
    sheet.oddFooter.right.text = "Halaman &P dari &N"


# Excel keeps a page header of at most 255 characters (MS-OI29500 2.1.633), its `&C` included, and asks to repair
# a workbook whose header is longer: a unit's long name with a few `&` in it made one.
HEADER_CHARS = 255 - len("&C")


def header_text(title: str) -> str:
    """A sheet's page header: `title` with its `&` doubled (one starts Excel's header codes), cut with "…" to fit."""
    text = printable(title)
    while len(text.replace("&", "&&")) > HEADER_CHARS:
        text = text[: HEADER_CHARS - len("…") - text.count("&")].rstrip() + "…"
    return text.replace("&", "&&")


def _xlsx_value(value: Cell) -> Cell | float:
    if isinstance(value, Decimal):
        return float(value)
    return safe_text(value) if isinstance(value, str) else value


def _csv_cell(column: Column, row: MonthlyRow) -> str:
    return _csv_value(column, column.value(row))


def _csv_value(heading: Heading, value: Cell) -> str:
    if value is None:
        return ""
    if heading.number_format == TEXT and isinstance(value, str) and value.isdigit():
        return f'="{value}"'
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    return safe_text(value) if isinstance(value, str) else str(value)


def _count_getter(key: str) -> Callable[[MonthlyRow], Cell]:
    return lambda row: row.counts[key]


def _count_header(key: str) -> str:
    return _KEY_HEADERS.get(key, key)


def _width(key: str) -> int:
    return max(6, min(12, len(_count_header(key)) // 2 + 2))


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A sheet name Excel opens without "repairing" the file: none of its forbidden characters, at most 31
    characters, not starting or ending with an apostrophe once cut ("...Raudhatul Qur'an" cut at the
    apostrophe), distinct from the names `taken` whatever their case."""
    base = " ".join(_SHEET_FORBIDDEN.sub(" ", printable(wanted)).split())[:31].strip("' ") or "Unit"
    name, counter = base, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({counter})"
        name, counter = base[: 31 - len(suffix)] + suffix, counter + 1
    taken.add(name)
    return name


# --- the rollout's adoption report -------------------------------------------------------------------


ADOPTION_COLUMNS = (
    Heading("Tanggal", 12, TEXT),
    Heading("Unit", 32, TEXT),
    Heading("Jumlah Pegawai", 10),
    Heading("Sudah Aktivasi", 10),
    Heading("Wajah Terdaftar", 10),
    Heading("Menunggu Persetujuan Wajah", 12),
    Heading("Absen Aplikasi", 10),
    Heading("Absen Mesin Sidik Jari", 12),
    Heading("Keduanya", 10),
    Heading("Tidak Absen", 10),
    Heading("Beralih ke Aplikasi Sejak", 14, TEXT),
)


# --- one table as a file (the adoption report, a unit's daily recap) ---------------------------------


@dataclass(frozen=True)
class TableFile:
    """One table to export: its sheet's name, the title above it, the file name's stem, headings and rows (cells
    in the order of the headings; the first two columns stay in view when scrolling)."""

    sheet: str
    title: str
    stem: str
    headings: Sequence[Heading]
    rows: Sequence[Sequence[Cell]]


def export_table(table: TableFile, fmt: str) -> ExportFile:
    """`table` as an XLSX of one sheet or a CSV (the monthly report's dialects: see the module docstring)."""
    if fmt == "csv":
        lines = ([_csv_value(h, v) for h, v in zip(table.headings, row, strict=True)] for row in table.rows)
        return ExportFile(_csv(table.headings, lines), CSV_TYPE, f"{table.stem}.csv")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(table.sheet, set()))
    _fill_sheet(sheet, table.title, _Table(table.headings, [list(r) for r in table.rows], "C2"))
    return ExportFile(_saved(workbook, table.title), XLSX_TYPE, f"{table.stem}.xlsx")


# --- a unit's daily recap ------------------------------------------------------------------------------

WEEKDAY_NAMES: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAILY_COLUMNS = (
    Heading("No", 5),
    Heading("Nama", 32, TEXT),
    Heading("NIP", 21, TEXT),
    Heading("Status", 12, TEXT),
    Heading("Masuk", 8, TEXT),
    Heading("Pulang", 8, TEXT),
    Heading("Menit Terlambat", 10),
    Heading("Menit Pulang Cepat", 10),
    Heading("Potongan TPP (%)", 10, PERCENT),
)


def day_label(day: date) -> str:
    """ "Kamis, 3 Desember 2026"."""
    return f"{WEEKDAY_NAMES[day.weekday()]}, {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def daily_table(
    unor_id: str, unor_nama: str, day: date, rows: Sequence[EmployeeDay], tz: tzinfo, *, provisional: bool = False
) -> TableFile:
    """A unit's stored statuses of `day` (by NIP) as DAILY_COLUMNS: the status ("TL1+PSW2" when both), arrival
    and departure as local clock times ("07.12"). A day not final yet is titled SEMENTARA (`marked`)."""
    cells: list[list[Cell]] = [
        [number, r.nama, r.nip, r.status.status, _clock(r.status.check_in, tz),
         _clock(r.status.check_out, tz), r.status.late_minutes, r.status.early_minutes, r.status.deduction_percent]
        for number, r in enumerate(rows, start=1)
    ]  # fmt: skip
    title = f"Rekap Harian {day_label(day)} — {unor_nama or unor_id}{marked(provisional)}"
    stem = f"rekap-harian-{file_part(unor_nama, unor_id)}-{day.isoformat()}"
    return TableFile("Rekap Harian", title, stem, DAILY_COLUMNS, cells)


def _clock(at: datetime | None, tz: tzinfo) -> str | None:
    return f"{at.astimezone(tz):%H.%M}" if at else None
