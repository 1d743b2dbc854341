"""The monthly recap as a printable PDF, the paper a unit's head signs before the TPP is paid (and a unit's
daily recap on the same paper: `export_daily_pdf`).

A4 landscape, one section per unit starting on its own page: the month and the unit, a table of every employee
(No, Nama, NIP, working days, days present, one column per category of the rule table, minutes late and early,
the TPP deduction), a legend of the codes, and a signature block "Mengetahui, Kepala <unit>" with room for the
signature and the head's NIP. The table's header row repeats on every page; a footer names the month, the unit
and the page ("Halaman 2/5"). Drawn with fpdf2's core fonts (Windows-1252: `export.pdf_text` folds other letters).
A unit whose month is not final yet (`MonthlyReport.provisional`), or a day not final yet, is titled and footed
SEMENTARA and closes with a note instead of the signature block: its head cannot sign what may still change.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from fpdf import FPDF

from chalicelib.attendance.export import (
    MONTH_NAMES,
    PROVISIONAL,
    Cell,
    CorePdf,
    TableFile,
    day_label,
    marked,
    month_label,
    pdf_text,
)
from chalicelib.attendance.monthly import MonthlyReport, MonthlyRow

TITLE = "REKAPITULASI KEHADIRAN PEGAWAI"
LEGEND = (
    "Keterangan: angka kategori = jumlah hari. H = hadir tepat waktu; TL = terlambat; PSW = pulang sebelum "
    "waktunya; TK = tanpa keterangan; DL = dinas luar; C = cuti; I = izin; S = sakit."
)
NO_ROWS = "Belum ada rekap harian untuk bulan ini."
PROVISIONAL_NOTE = (
    f"{PROVISIONAL}: bulan ini belum selesai atau hari terakhirnya belum direkap tuntas (shift malamnya berakhir "
    "esok paginya), sehingga angkanya masih dapat berubah. Lembar ini tidak untuk ditandatangani dan bukan dasar "
    "pembayaran TPP; cetak ulang setelah rekap ulang pagi hari sesudah hari terakhir bulan ini."
)
DAILY_PROVISIONAL_NOTE = (
    f"{PROVISIONAL}: hari ini belum selesai atau belum direkap tuntas (shift malamnya berakhir esok paginya), "
    "sehingga angkanya masih dapat berubah. Lembar ini tidak untuk ditandatangani; cetak ulang setelah rekap ulang "
    "pagi hari berikutnya."
)
PAGE_W, MARGIN = 297.0, 10.0
FIXED = (("No", 8.0), ("Nama", 48.0), ("NIP", 30.0), ("Hari Kerja", 10.0), ("Hadir", 9.0))
TAIL = (("Menit Terlambat", 14.0), ("Menit Pulang Cepat", 14.0), ("Potongan TPP (%)", 14.0))
SIGNATURE_LINES = ("(" + "." * 54 + ")", "NIP. " + "." * 38)  # name and NIP, written by hand
SIGNATURE_H = 42.0  # the block's height: a section moves it to a new page when less is left
# The legend under a table (2 mm apart, at most two lines) and the signature block: what the last rows keep with.
CLOSING_H = 2 + 2 * 3.5 + SIGNATURE_H
KEPT_ROWS = 3  # rows moved with the closing to a new page, so that the head signs under the table itself
FONT = "Helvetica"
HEADER_H, ROW_H, PAD = 9.0, 4.2, 0.8
HEADER_FILL = (221, 235, 247)
NAME_COLUMN, NIP_COLUMN = 1, 2


def moment_label(at: datetime) -> str:
    """A local instant as Indonesian text: "4 Desember 2026 06.12 WIB" (the zone's own abbreviation)."""
    return f"{at.day} {MONTH_NAMES[at.month - 1]} {at.year} {at:%H.%M} {at.tzname() or ''}".rstrip()


@dataclass(frozen=True)
class _Section:
    unor_nama: str
    rows: Sequence[MonthlyRow]
    provisional: bool = False


class _RecapPdf(CorePdf):
    """FPDF with the recap's footer: the period (`label`) and unit on the left, the page of all on the right."""

    def __init__(self, label: str) -> None:
        super().__init__("landscape")
        self.label = label
        self.unit = ""
        self.set_title(pdf_text(label))
        self.set_creator("SMART")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=14)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT, "", 7)
        page = f"Halaman {self.page_no()}/{{nb}}"
        room = PAGE_W - 2 * MARGIN - self.get_string_width(page + "9999") - 4  # {nb} is drawn as its number
        self.cell(0, 4, fitted(self, pdf_text(f"{self.label} - {self.unit}"), room))
        self.set_x(MARGIN)
        self.cell(0, 4, page, align="R")


def export_pdf(report: MonthlyReport, printed_at: datetime) -> bytes:
    """The report as an A4 landscape PDF, one section per unit (see the module docstring); `printed_at` is the
    local instant printed under each title."""
    pdf = _RecapPdf(f"Rekap kehadiran {month_label(report.month)}")
    for section in _sections(report):
        _draw_section(pdf, report, section, printed_at)
    return bytes(pdf.output())


def _sections(report: MonthlyReport) -> list[_Section]:
    groups: dict[str, list[MonthlyRow]] = {}
    for row in report.rows:
        groups.setdefault(row.unor_id, []).append(row)
    sections = [
        _Section(rows[0].unor_nama or rows[0].unor_id, rows, unor_id in report.provisional)
        for unor_id, rows in groups.items()
    ]
    sections += [_Section(name, (), unor_id in report.provisional) for unor_id, name in report.empty_units]
    return sections or [_Section("", ())]


def _draw_section(pdf: _RecapPdf, report: MonthlyReport, section: _Section, printed_at: datetime) -> None:
    heading = (TITLE + marked(section.provisional), f"Bulan {month_label(report.month)}", section.unor_nama)
    drawn = _draw_heading(pdf, heading, printed_at, NO_ROWS if not section.rows else None)
    pdf.unit += marked(section.provisional)  # every page's footer says it too: a page alone is no final sheet
    if not drawn:
        return
    table = _Table(pdf, _widths(report.keys), [name for name, _ in FIXED] + list(report.keys) + [n for n, _ in TAIL])
    _draw_rows(pdf, table, [_cells(number, row, report.keys) for number, row in enumerate(section.rows, start=1)])
    _draw_closing(pdf, section.unor_nama, PROVISIONAL_NOTE if section.provisional else None)


def _draw_heading(pdf: _RecapPdf, heading: tuple[str, str, str], printed_at: datetime, nothing: str | None) -> bool:
    """A new page for one unit (`heading`: title, period, unit name) and its title lines; False, after writing
    `nothing`, when the unit has no rows to draw."""
    title, period, unor_nama = heading
    pdf.add_page()  # draws the footer of the page before, which names the unit before
    pdf.unit = unor_nama
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 6, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 5, pdf_text(period), align="C", new_x="LMARGIN", new_y="NEXT")
    if unor_nama:
        # wrapped: a unit's long name ran past the page's edge on one line
        pdf.multi_cell(0, 5, pdf_text(f"Unit: {unor_nama}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 7)
    pdf.cell(
        0, 4, pdf_text(f"Dicetak dari SMART: {moment_label(printed_at)}"), align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(1)
    if nothing is not None:
        pdf.set_font(FONT, "", 10)
        pdf.cell(0, 8, nothing, new_x="LMARGIN", new_y="NEXT")
    return nothing is None


def _draw_closing(pdf: _RecapPdf, unor_nama: str, unsigned: str | None = None) -> None:
    """The legend of the codes and the head's signature block under a unit's table, or, for a sheet that is not
    to be signed, the note `unsigned` saying why in its place."""
    pdf.ln(2)
    pdf.set_font(FONT, "", 7)
    pdf.multi_cell(0, 3.5, LEGEND, new_x="LMARGIN", new_y="NEXT")
    if unsigned is None:
        _draw_signature(pdf, unor_nama)
        return
    pdf.ln(4)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(0, 4.5, unsigned, new_x="LMARGIN", new_y="NEXT")


def _widths(keys: Sequence[str]) -> list[float]:
    """Fixed columns, then the categories sharing what is left of the page's width."""
    fixed = [w for _, w in FIXED] + [w for _, w in TAIL]
    left = PAGE_W - 2 * MARGIN - sum(fixed)
    share = left / max(len(keys), 1)
    return [*(w for _, w in FIXED), *([share] * len(keys)), *(w for _, w in TAIL)]


def _cells(number: int, row: MonthlyRow, keys: Sequence[str]) -> list[str]:
    return [
        str(number),
        pdf_text(row.nama),
        row.nip,
        str(row.working_days),
        str(row.present_days),
        *(str(row.counts.get(key, 0)) for key in keys),
        str(row.late_minutes),
        str(row.early_minutes),
        percent_text(row.deduction_percent),
    ]


def percent_text(value: Decimal) -> str:
    """A percent as the signed sheet prints it: two decimals, rounded half up as the spreadsheet shows it (Python's
    own format rounds half to even: 1.125 % printed 1,12 beside the workbook's 1,13), decimal comma."""
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}".replace(".", ",")


def _draw_rows(pdf: _RecapPdf, table: _Table, rows: Sequence[Sequence[str]]) -> None:
    """The table drawn with text at positions and lines (fpdf2's `table()` lays out every cell and took 33 s for
    the regency's 7,000 rows). The header row is drawn again on every page, and the last `KEPT_ROWS` rows go to
    the page of the legend and signature block: a signature on a page of its own could be put under any table."""
    top = table.draw_header()
    tail = len(rows) - KEPT_ROWS
    for index, cells in enumerate(rows):
        needed = ROW_H + (KEPT_ROWS * ROW_H + CLOSING_H if index == max(tail, 0) else 0)
        if pdf.get_y() + needed > pdf.h - pdf.b_margin and pdf.get_y() > top + HEADER_H:
            table.draw_rules(top)
            pdf.add_page()
            top = table.draw_header()
        table.draw_row(cells)
    table.draw_rules(top)


class _Table:
    """Draws one section's table on `pdf`: columns of `widths` from the left margin."""

    def __init__(self, pdf: FPDF, widths: Sequence[float], headings: Sequence[str]) -> None:
        self.pdf, self.widths, self.headings = pdf, widths, headings
        self.lefts = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
        self.right = MARGIN + sum(widths)
        # Text widths at the rows' font: measuring is fpdf2's costliest call, and most cells hold a few numbers.
        self.measure = functools.cache(pdf.get_string_width)

    def draw_header(self) -> float:
        """The heading row (wrapped, centred, shaded) at the current position; returns the table's top."""
        pdf, top = self.pdf, self.pdf.get_y()
        pdf.set_fill_color(*HEADER_FILL)
        pdf.rect(MARGIN, top, self.right - MARGIN, HEADER_H, style="DF")
        pdf.set_font(FONT, "B", 6)
        for left, width, name in zip(self.lefts, self.widths, self.headings, strict=True):
            lines = len(cast(list[str], pdf.multi_cell(width, 2.6, name, dry_run=True, output="LINES")))
            pdf.set_xy(left, top + (HEADER_H - 2.6 * lines) / 2)
            pdf.multi_cell(width, 2.6, name, align="C")
        pdf.set_font(FONT, "", 7)
        pdf.set_xy(MARGIN, top + HEADER_H)
        return top

    def draw_row(self, cells: Sequence[str]) -> None:
        """One row's texts (name cut to fit, NIP left-aligned, numbers right-aligned) and the rule under it."""
        pdf, y = self.pdf, self.pdf.get_y()
        baseline = y + ROW_H - 1.3
        for index, (left, width, text) in enumerate(zip(self.lefts, self.widths, cells, strict=True)):
            if index == NAME_COLUMN:
                pdf.text(left + PAD, baseline, self.fit(text, width - 2 * PAD))
            elif index == NIP_COLUMN:
                pdf.text(left + PAD, baseline, text)
            else:
                pdf.text(left + width - PAD - self.measure(text), baseline, text)
        pdf.line(MARGIN, y + ROW_H, self.right, y + ROW_H)
        pdf.set_xy(MARGIN, y + ROW_H)

    def draw_rules(self, top: float) -> None:
        """The column rules from the table's top on this page down to its last row."""
        bottom = self.pdf.get_y()
        for x in [*self.lefts, self.right]:
            self.pdf.line(x, top, x, bottom)

    def fit(self, text: str, width: float) -> str:
        """`text` cut to `width` with "..." (a long name with its titles)."""
        return text if self.measure(text) <= width else fitted(self.pdf, text, width)


def fitted(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut to `width` at the current font with "...", or whole when it fits."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def _draw_signature(pdf: _RecapPdf, unor_nama: str) -> None:
    if pdf.get_y() + SIGNATURE_H > pdf.h - pdf.b_margin:
        pdf.add_page()
    x, width = PAGE_W - MARGIN - 90, 90.0
    pdf.ln(4)
    pdf.set_font(FONT, "", 9)
    for text in ("Mengetahui,", pdf_text(f"Kepala {unor_nama}")):
        pdf.set_x(x)
        pdf.multi_cell(width, 4.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(18)
    for text in (
        "(......................................................)",
        "NIP. ......................................",
    ):
        pdf.set_x(x)
        pdf.cell(width, 4.5, text, align="C", new_x="LMARGIN", new_y="NEXT")


# --- a unit's daily recap ------------------------------------------------------------------------------

DAILY_TITLE = "REKAPITULASI KEHADIRAN HARIAN PEGAWAI"
DAILY_NO_ROWS = "Belum ada rekap harian untuk tanggal ini."
DAILY_WIDTHS = (8.0, 0.0, 32.0, 24.0, 16.0, 16.0, 20.0, 20.0, 20.0)  # Nama (0) takes what is left


def export_daily_pdf(
    table: TableFile, day: date, unor_nama: str, printed_at: datetime, *, provisional: bool = False
) -> bytes:
    """A unit's daily recap (`export.daily_table`) on the monthly recap's paper: title, date and unit, the
    table, the legend and the head's signature block. A day not final yet (`provisional`) is marked as a month
    not final is: SEMENTARA in the title and every footer, the note in place of the signature block."""
    pdf = _RecapPdf(f"Rekap harian {day_label(day)}")
    heading = (DAILY_TITLE + marked(provisional), day_label(day), unor_nama)
    drawn = _draw_heading(pdf, heading, printed_at, None if table.rows else DAILY_NO_ROWS)
    pdf.unit += marked(provisional)
    if drawn:
        widths = [w or PAGE_W - 2 * MARGIN - sum(DAILY_WIDTHS) for w in DAILY_WIDTHS]
        drawn_table = _Table(pdf, widths, [h.header for h in table.headings])
        _draw_rows(pdf, drawn_table, [[_text(value) for value in row] for row in table.rows])
        _draw_closing(pdf, unor_nama, DAILY_PROVISIONAL_NOTE if provisional else None)
    return bytes(pdf.output())


def _text(value: Cell) -> str:
    if value is None:
        return ""
    return percent_text(value) if isinstance(value, Decimal) else pdf_text(str(value))
