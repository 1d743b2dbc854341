"""Monthly exports: XLSX opened with openpyxl and checked, CSV dialect for Excel, JSON, unknown format."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from chalicelib.attendance.export import export_csv, export_monthly, export_xlsx, file_part, month_label
from chalicelib.attendance.monthly import EmployeeMonth, MonthlyReport, monthly_report
from chalicelib.domain.status import DayStatus
from chalicelib.errors import ExportFormatError

from .helpers import RULES, november_days

NIP_A, NIP_B, NIP_C = "199001012015011001", "198512312010122002", "197702152005011003"


@pytest.fixture(scope="module")
def report() -> MonthlyReport:
    employees = [
        EmployeeMonth(NIP_A, "Siti Aminah", "U1", "Dinas Pendidikan", november_days(late_on=3)),
        EmployeeMonth(NIP_B, "Taufik Hidayat", "U1", "Dinas Pendidikan", november_days()),
        EmployeeMonth(NIP_C, '=HYPERLINK("x")', "U2", "Puskesmas Kota/Desa [Rawat Inap]", november_days()),
    ]
    return monthly_report("2026-11", employees, RULES)


def test_xlsx_sheets_headers_frozen_pane_nip_as_text(report: MonthlyReport) -> None:
    # WHEN the workbook is built and opened again with openpyxl
    workbook = load_workbook(io.BytesIO(export_xlsx(report)))
    # THEN a summary sheet comes first, then one sheet per unit (names cleaned of forbidden characters)
    assert workbook.sheetnames == ["Ringkasan", "Dinas Pendidikan", "Puskesmas Kota Desa Rawat Inap"]
    unit = workbook["Dinas Pendidikan"]
    headers = [cell.value for cell in unit[1]]
    assert headers[:5] == ["NIP", "Nama", "Unit", "Hari Kerja", "Hadir"]
    for expected in (
        "Tepat Waktu (H)",
        "TL1",
        "TL4",
        "PSW1",
        "PSW4",
        "Tanpa Keterangan (TK)",
        "Dinas Luar (DL)",
        "Cuti (C)",
        "Izin (I)",
        "Sakit (S)",
        "Libur",
        "Potongan TPP (%)",
        "Hukuman Disiplin (PP 94/2021)",
    ):
        assert expected in headers
    assert unit.freeze_panes == "C2"
    assert unit.max_row == 3
    nip_cell = unit["A2"]
    assert (nip_cell.value, nip_cell.data_type, nip_cell.number_format) == (NIP_A, "s", "@")
    assert unit["A3"].value == NIP_B
    injected = workbook["Puskesmas Kota Desa Rawat Inap"]["B2"]
    assert injected.value == '\'=HYPERLINK("x")' and injected.data_type == "s"
    deduction = unit.cell(row=2, column=headers.index("Potongan TPP (%)") + 1)
    assert deduction.value == pytest.approx(2.0) and deduction.number_format == "0.00"
    next_row = unit.cell(row=3, column=headers.index("Potongan TPP (%)") + 1)
    assert next_row.value == 0 and next_row.number_format == "0.00"
    assert unit.cell(row=2, column=headers.index("TL4") + 1).value == 1
    assert unit.column_dimensions["A"].width >= 20


def test_xlsx_print_setup_and_summary(report: MonthlyReport) -> None:
    workbook = load_workbook(io.BytesIO(export_xlsx(report)))
    for sheet in workbook.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == "$1:$1"
        assert "November 2026" in sheet.oddHeader.center.text
    summary = workbook["Ringkasan"]
    assert summary.freeze_panes == "B2"
    assert [cell.value for cell in summary["A"]][1:] == ["Dinas Pendidikan", "Puskesmas Kota/Desa [Rawat Inap]"]
    headers = [cell.value for cell in summary[1]]
    assert summary.cell(row=2, column=headers.index("Jumlah Pegawai") + 1).value == 2
    assert summary.cell(row=2, column=headers.index("Rata-rata Potongan TPP (%)") + 1).value == pytest.approx(1.0)


def test_a_control_character_in_a_name_does_not_fail_the_workbook() -> None:
    # GIVEN a name and a unit name stored with a bell, a backspace and noncharacters (pasted into SIMPEG long ago)
    rows = [EmployeeMonth(NIP_A, "Budi\x07 Santoso\uffff", "U1", "SDN\x08 1 Ngamprah\ufffe", november_days())]
    # WHEN the month is exported, THEN the workbook is built, and reads the names without them
    workbook = load_workbook(io.BytesIO(export_xlsx(monthly_report("2026-11", rows, RULES))))
    assert workbook.sheetnames == ["Ringkasan", "SDN 1 Ngamprah"]
    assert workbook["SDN 1 Ngamprah"]["B2"].value == "Budi Santoso"


def test_the_summary_s_average_rounds_half_up_as_the_unit_sheet_shows_it() -> None:
    # GIVEN eight employees of one unit, one of them 40 minutes late once (TL2, 1 %): an average of 0.125 %
    late = [DayStatus(d.day, "TL2", tl="TL2", late_minutes=40, early_minutes=0) if d.day.day == 3 else d
            for d in november_days()]  # fmt: skip
    rows = [EmployeeMonth(f"1990010120150110{i:02d}", f"P{i}", "U1", "SDN 1", late if i == 0 else november_days())
            for i in range(8)]  # fmt: skip
    summary = load_workbook(io.BytesIO(export_xlsx(monthly_report("2026-11", rows, RULES))))["Ringkasan"]
    headers = [cell.value for cell in summary[1]]
    # THEN the summary says 0.13, as =AVERAGE over the unit sheet shows it, not 0.12
    assert summary.cell(row=2, column=headers.index("Rata-rata Potongan TPP (%)") + 1).value == pytest.approx(0.13)


def test_the_discipline_count_is_not_headed_as_days_absent(report: MonthlyReport) -> None:
    # The count sums TK days and each 7.5 h of lateness and early departure (PP 94/2021): its header says so
    headers = [cell.value for cell in load_workbook(io.BytesIO(export_xlsx(report)))["Dinas Pendidikan"][1]]
    assert "Hari TK untuk Disiplin (TK + TL/PSW per 7,5 jam)" in headers
    assert not [h for h in headers if str(h).startswith("TK ")]


def test_a_unit_asked_for_without_statuses_is_in_the_summary_with_nothing(report: MonthlyReport) -> None:
    # GIVEN the month of two units with rows, and a third asked for that has no statuses that month
    asked = replace(report, empty_units=(("U3", "SMP Negeri 3 Lembang"),))
    workbook = load_workbook(io.BytesIO(export_xlsx(asked)))
    # THEN it has its row in the summary, with no employee, and its (empty) sheet
    summary = workbook["Ringkasan"]
    headers = [cell.value for cell in summary[1]]
    last = [cell.value for cell in summary[4]]
    assert last[0] == "SMP Negeri 3 Lembang" and last[headers.index("Jumlah Pegawai")] == 0
    assert workbook.sheetnames[-1] == "SMP Negeri 3 Lembang" and workbook["SMP Negeri 3 Lembang"].max_row == 1


def test_csv_is_excel_friendly(report: MonthlyReport) -> None:
    content = export_csv(report)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["NIP", "Nama", "Unit"]
    assert len(rows) == 4 and len({len(row) for row in rows}) == 1
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["NIP"] == f'="{NIP_A}"'
    assert first["Potongan TPP (%)"] == "2"
    assert dict(zip(rows[0], rows[3], strict=True))["Nama"].startswith("'=")
    assert b"\r\n" in content


def test_csv_decimal_comma() -> None:
    day = DayStatus(date(2026, 11, 2), "TL1", tl="TL1", late_minutes=5)
    one = monthly_report("2026-11", [EmployeeMonth(NIP_A, "A", "U1", "Unit", [day])], RULES)
    rows = list(csv.reader(io.StringIO(export_csv(one).decode("utf-8-sig")), delimiter=";"))
    assert dict(zip(rows[0], rows[1], strict=True))["Potongan TPP (%)"] == "0,5"


def test_files_are_named_by_the_unit_an_admin_knows() -> None:
    assert file_part("SD Negeri 1 Cisarua", "0b19c6a5") == "sd-negeri-1-cisarua"
    assert file_part("Dinas Kependudukan & Pencatatan Sipil (Disdukcapil)", "U9") == (
        "dinas-kependudukan-pencatatan-sipil-disdukcapil"
    )
    assert (file_part("SMP Négeri 2 – Ciké", "U3"), file_part("  —  ", "U3")) == ("smp-negeri-2-cike", "U3")
    assert len(file_part("Unit " * 30, "U4")) <= 60 and not file_part("Unit " * 30, "U4").endswith("-")


def test_json_and_dispatch(report: MonthlyReport) -> None:
    exported = export_monthly(report, "json")
    body = json.loads(exported.content)
    assert body["month"] == "2026-11" and body["items"][0]["nip"] == NIP_A
    assert body["items"][0]["counts"]["TL4"] == 1 and body["items"][0]["deduction_percent"] == 2.0
    assert export_monthly(report, "xlsx").filename == "rekap-absensi-2026-11.xlsx"  # two units: the regency's name
    one_unit = replace(report, rows=tuple(r for r in report.rows if r.unor_id == report.rows[0].unor_id))
    unit_name = file_part(report.rows[0].unor_nama, "")
    assert export_monthly(one_unit, "csv").filename == f"rekap-absensi-{unit_name}-2026-11.csv"
    assert export_monthly(report, "csv").content_type.startswith("text/csv")
    with pytest.raises(ExportFormatError) as caught:
        export_monthly(report, "pdf")
    assert caught.value.code == "VALIDATION_ERROR" and caught.value.details["field"] == "format"


def test_month_label_is_indonesian() -> None:
    assert month_label("2026-08") == "Agustus 2026"


def test_duplicate_unit_names_get_distinct_sheets() -> None:
    employees = [
        EmployeeMonth(NIP_A, "A", "U1", "SDN 1", november_days()),
        EmployeeMonth(NIP_B, "B", "U2", "SDN 1", november_days()),
    ]
    workbook = load_workbook(io.BytesIO(export_xlsx(monthly_report("2026-11", employees, RULES))))
    assert workbook.sheetnames == ["Ringkasan", "SDN 1", "SDN 1 (2)"]


def test_a_unit_sheet_cut_to_excels_31_characters_never_ends_with_an_apostrophe() -> None:
    # GIVEN a school whose name has its apostrophe as the 31st character (Excel's limit for a sheet's name)
    school = "SD Islam Terpadu Raudhatul Qur'an Ngamprah"
    employees = [EmployeeMonth(NIP_A, "Asep", "U1", school, november_days())]
    # WHEN the monthly workbook is built
    workbook = load_workbook(io.BytesIO(export_xlsx(monthly_report("2026-11", employees, RULES))))
    # THEN its sheet is named within Excel's rules: at most 31 characters, neither starting nor ending with an
    # apostrophe (Excel refuses such a name and "repairs" the file BKPSDM opens)
    sheet = workbook.sheetnames[1]
    assert sheet == "SD Islam Terpadu Raudhatul Qur"
    assert len(sheet) <= 31 and not sheet.startswith("'") and not sheet.endswith("'")


@pytest.mark.parametrize("name", ["Dinas Pendidikan & Kebudayaan " * 8, "&" * 300, "SDN 1 Ngamprah"])
def test_a_sheet_s_page_header_fits_excel_s_255_characters(name: str) -> None:
    # GIVEN a unit whose long name has `&` in it, doubled in a header (Excel asks to repair a longer one)
    rows = [EmployeeMonth(NIP_A, "Budi Santoso", "U1", name, november_days())]
    # WHEN the month is exported
    data = export_xlsx(monthly_report("2026-11", rows, RULES))
    # THEN every sheet's header, as written in the file, is at most 255 characters, its `&` still doubled (none
    # cut in half, which would start a header code); a short name's header is whole
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    headers = [html.unescape(h) for xml in sheets for h in re.findall(r"<oddHeader>(.*?)</oddHeader>", xml)]
    assert headers and all(len(h) <= 255 and "&" not in h.removeprefix("&C").replace("&&", "") for h in headers)
    assert all(h.endswith("…") for h in headers[1:]) == (len(name) > 100)
