"""Import parsing (JSON and CSV as Excel writes it) and NIP/record validation."""

from __future__ import annotations

import json

import pytest

from chalicelib.simpeg.errors import SimpegValidationError
from chalicelib.simpeg.importing import parse_import_csv, parse_import_json
from chalicelib.simpeg.mapping import FieldMapping, map_listing
from chalicelib.simpeg.validation import nip_problem

NIP = "198501012010011001"
NIP2 = "199003152015032002"


def row(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {"nip": NIP, "nama": "Asep Sudrajat", "unor_id": "u-1",
                               "unor_nama": "SDN 1 Ngamprah", "jabatan": "Guru", "status": "aktif"}  # fmt: skip
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("12345", "INVALID_NIP"),
        ("19850101201001100A", "INVALID_NIP"),
        ("198513012010011001", "INVALID_NIP"),  # month 13 of birth
        ("198502302010011001", "INVALID_NIP"),  # 30 February
        ("198501011990011001", "INVALID_NIP"),  # appointed at 5
        ("198501012010131001", "INVALID_NIP"),  # TMT month 13
        ("199712202023202008", "INVALID_NIP"),  # neither a month nor a PPPK code (20)
        ("199712202023302008", "INVALID_NIP"),  # nor 30
        ("198501012010013001", "INVALID_NIP"),  # sex digit 3
        ("1.98501E+17", "NIP_SCIENTIFIC_NOTATION"),
        ("1,98501E+17", "NIP_SCIENTIFIC_NOTATION"),
    ],
)
def test_implausible_nips_are_refused(nip: str, code: str) -> None:
    problem = nip_problem(nip)
    assert problem is not None and problem.code == code


@pytest.mark.parametrize(
    "nip",
    [NIP, NIP2, "196601011993051184", "199712202023212008", "199009132025242014"],  # PNS, PPPK, PPPK paruh waktu
)
def test_plausible_nips_pass(nip: str) -> None:
    assert nip_problem(nip) is None


def test_json_import_applies_good_rows_and_reports_bad_ones_by_position() -> None:
    body = {"employees": [row(), row(nip="123"), row(nip=NIP2, nama=""), row(nip=198501012010011002)], "full": True}
    request = parse_import_json(body)
    assert request.full and [r.nip for r in request.batch.records] == [NIP]
    errors = [(e.row, e.code) for e in request.batch.errors]
    assert errors == [(2, "INVALID_NIP"), (3, "MISSING_FIELD"), (4, "INVALID_NIP")]
    assert "18 digit" in request.batch.errors[0].message  # Indonesian, tells what is expected
    # AND the employees of refused rows are not taken for absent by the full import: the NIP sent as a whole
    # number is named too (its digits are a plausible NIP); a number Excel shortened names nobody
    assert request.batch.refused_nips == {NIP2, "198501012010011002"}
    shortened = parse_import_json({"employees": [row(), row(nip=1.98501e17)], "full": True})
    assert shortened.batch.refused_nips == frozenset()


def test_a_json_row_with_a_non_text_value_is_reported_not_stored_as_its_python_spelling() -> None:
    # GIVEN rows whose name is an object, whose unit is a list, whose position is a number or status a boolean
    odd = [row(nip=NIP2, nama={"a": 1}), row(nip=NIP2, unor_id=["x"], jabatan=5), row(nip=NIP2, status=True)]
    request = parse_import_json({"employees": [row(), *odd]})
    # THEN each is a row error naming its columns, in Indonesian; the good row is applied, no "{'a': 1}" employee
    assert [r.nip for r in request.batch.records] == [NIP]
    assert [(e.row, e.code) for e in request.batch.errors] == [
        (2, "INVALID_RECORD"),
        (3, "INVALID_RECORD"),
        (4, "INVALID_RECORD"),
    ]
    assert [e.message for e in request.batch.errors][1] == "Kolom 'unor_id', 'jabatan' harus berupa teks."
    # AND the rows' NIP goes with them: a full import does not take NIP2 for absent and deactivate them
    assert {e.nip for e in request.batch.errors} == {NIP2} and request.batch.refused_nips == {NIP2}


def test_control_characters_in_names_are_dropped_at_import() -> None:
    # A bell or a backspace pasted into SIMPEG would fail every spreadsheet the name is exported to
    request = parse_import_json({"employees": [row(nama="Budi\x08 Santoso\uffff", unor_nama="SDN\x07 1\tNgamprah")]})
    [record] = request.batch.records
    assert (record.nama, record.unor_nama) == ("Budi Santoso", "SDN 1 Ngamprah")


def test_json_status_other_than_aktif_is_inactive_and_missing_status_is_refused() -> None:
    request = parse_import_json({"employees": [row(status="Pensiun"), row(nip=NIP2, status="")]})
    assert [r.active for r in request.batch.records] == [False]
    assert [e.code for e in request.batch.errors] == ["MISSING_FIELD"] and not request.full


def test_the_status_values_taken_as_inactive_are_counted_as_written() -> None:
    # GIVEN a file whose active teachers say "Aktif Bekerja", a retiree, an active one, and a refused row
    nips = ["198501012010011003", "198501012010011004", "198501012010011005", NIP2]
    statuses = ("Aktif Bekerja", "Aktif Bekerja", "Pensiun", "AKTIF")
    rows = [row(nip=nip, status=status) for nip, status in zip(nips, statuses, strict=True)]
    rows.append(row(nip="123", status="Aktif Bekerja"))
    # THEN JSON and CSV alike name each value taken as inactive with its valid rows ("AKTIF" is active)
    csv_text = "nip,nama,unor_id,unor_nama,jabatan,status\n" + "\n".join(
        f"{r['nip']},{r['nama']},{r['unor_id']},{r['unor_nama']},{r['jabatan']},{r['status']}" for r in rows
    )
    for request in (parse_import_json({"employees": rows}), parse_import_csv(csv_text)):
        assert request.inactive_statuses == {"Aktif Bekerja": 2, "Pensiun": 1}
        assert [r.active for r in request.batch.records] == [False, False, False, True]


def test_json_duplicate_nip_is_reported_and_first_kept() -> None:
    request = parse_import_json({"employees": [row(), row(nama="Orang Lain")]})
    assert [r.nama for r in request.batch.records] == ["Asep Sudrajat"]
    assert request.batch.errors[0].code == "DUPLICATE_NIP" and "baris 1" in request.batch.errors[0].message


@pytest.mark.parametrize("body", [[], {"employees": "x"}, {"employees": [], "full": "yes"}, None])
def test_json_body_of_the_wrong_shape_is_a_validation_error(body: object) -> None:
    with pytest.raises(SimpegValidationError) as caught:
        parse_import_json(body)
    assert caught.value.code == "VALIDATION_ERROR" and caught.value.details["fields"]


def test_csv_with_comma_reads_like_json() -> None:
    text = f"nip,nama,unor_id,unor_nama,jabatan,status\n{NIP},Asep Sudrajat,u-1,SDN 1 Ngamprah,Guru,aktif\n"
    assert parse_import_csv(text).batch.records == parse_import_json({"employees": [row()]}).batch.records


def test_csv_saved_by_excel_with_bom_semicolons_and_text_nip_is_read() -> None:
    # GIVEN what Excel (Indonesian locale) writes: BOM, ';', CRLF, a NIP kept as ="..." and one with spaces
    text = (
        "\ufeffNIP;Nama;Unor_ID;Unor_Nama;Jabatan;Status\r\n"
        f'="{NIP}";"Sudrajat; Asep";u-1;SDN 1 Ngamprah;Guru;Aktif\r\n'
        "19900315 201503 2 002;Euis Komalasari;u-2;Kecamatan Lembang;Camat;aktif\r\n"
    )
    # WHEN parsed from bytes
    request = parse_import_csv(text.encode("utf-8"), full=True)
    # THEN both rows are read exactly
    assert request.batch.errors == ()
    assert [(r.nip, r.nama, r.active) for r in request.batch.records] == [
        (NIP, "Sudrajat; Asep", True),
        (NIP2, "Euis Komalasari", True),
    ]
    assert request.full


@pytest.mark.parametrize("later_rows", [3, 3_000])  # the rest of the file under, and over, the reader's cell limit
def test_a_quote_left_open_in_a_csv_spoils_its_row_not_the_rest_of_the_file(later_rows: int) -> None:
    # GIVEN a SIMPEG export that does not escape quotes: row 2's name opens one it never closes, and rows follow
    nips = [f"1985010120100110{n:02d}" for n in range(1, 91)]
    later = [f"{nips[2 + n % 88]};Pegawai {n};u-1;SDN 1;Guru;aktif" for n in range(later_rows)]
    text = "\n".join(["nip;nama;unor_id;unor_nama;jabatan;status", f'{nips[0]};"Ujang Suparman;u-1;SDN 1;Guru;aktif',
                      f'{nips[1]};Asep;u-1;SDN 1;Guru;aktif', *later])  # fmt: skip
    # WHEN parsed (a full import)
    request = parse_import_csv(text.encode("utf-8"), full=True)
    # THEN row 2 is a row error under its NIP (kept from deactivation), and every later row is read: the open quote
    # took them into one cell (a full import deactivated them as absent), or, past the limit, failed with a 500
    assert [(e.row, e.nip) for e in request.batch.errors if e.code != "DUPLICATE_NIP"] == [(2, nips[0])]
    assert request.batch.refused_nips == frozenset({nips[0]})
    assert nips[1] in {r.nip for r in request.batch.records}
    assert len(request.batch.records) == min(later_rows, 88) + 1


def test_a_csv_row_shifted_by_an_unquoted_comma_is_refused_under_its_nip_not_read_as_another_unit() -> None:
    # GIVEN a hand-made export whose name carries a degree after an unquoted comma: one cell too many
    text = (
        "nip,nama,unor_id,unor_nama,jabatan,status\n"
        f"{NIP},Budi, S.Pd,u-1,SDN 1 Ngamprah,Guru,aktif\n"
        f"{NIP2},Euis Komalasari,u-2,Kecamatan Lembang,Camat,aktif\n"
    )
    # WHEN parsed for a full import
    request = parse_import_csv(text, full=True)
    # THEN the shifted row is a row error under its NIP (kept as it is: not moved to a unit "S.Pd", nor deactivated
    # by a status "Guru"), and the next row is read
    (error,) = request.batch.errors
    assert (error.row, error.code, error.nip) == (2, "INVALID_RECORD", NIP) and "kolom" in error.message
    assert request.batch.refused_nips == frozenset({NIP})
    assert [r.nip for r in request.batch.records] == [NIP2]
    # AND blank cells past the header (a spreadsheet's trailing separators) shift nothing
    trailing = f"nip,nama,unor_id,unor_nama,jabatan,status\n{NIP},Asep Sudrajat,u-1,SDN 1 Ngamprah,Guru,aktif,,\n"
    assert parse_import_csv(trailing).batch.records == parse_import_json({"employees": [row()]}).batch.records


def test_a_quoted_csv_cell_after_a_space_is_one_cell() -> None:
    # GIVEN a hand-made CSV with a space after each comma, and the name and unit quoted because they hold a comma
    text = (
        "nip, nama, unor_id, unor_nama, jabatan, status\n"
        f'{NIP}, "Sudrajat, Asep", u-1, "SDN 1 Ngamprah, Kab.", Guru, aktif\n'
    )
    # WHEN parsed
    request = parse_import_csv(text, full=True)
    # THEN the quotes are read as quotes: one record, the comma inside its cells (it was refused as a shifted row)
    assert request.batch.errors == ()
    (record,) = request.batch.records
    assert (record.nip, record.nama, record.unor_nama) == (NIP, "Sudrajat, Asep", "SDN 1 Ngamprah, Kab.")


def test_csv_scientific_notation_nip_is_refused_with_row_number() -> None:
    text = (
        "nip;nama;unor_id;unor_nama;jabatan;status\n"
        f"{NIP};Asep;u-1;SDN 1 Ngamprah;Guru;aktif\n"
        "\n"  # a blank spreadsheet row still counts for the row numbers admins see in Excel
        "1,98501E+17;Budi;u-1;SDN 1 Ngamprah;Guru;aktif\n"
    )
    request = parse_import_csv(text)
    assert [r.nip for r in request.batch.records] == [NIP]
    (error,) = request.batch.errors
    assert (error.row, error.code) == (4, "NIP_SCIENTIFIC_NOTATION")
    assert "notasi ilmiah" in error.message and "Teks" in error.message


def test_a_csv_nip_excel_cut_to_15_digits_is_refused_and_names_nobody() -> None:
    # GIVEN a CSV Excel saved with the NIP column as Number: 198501012010011006 written as 198501012010011000
    text = (
        "nip;nama;unor_id;unor_nama;jabatan;status\n"
        f"{NIP};Asep;u-1;SDN 1 Ngamprah;Guru;aktif\n"
        "198501012010011000;Budi;u-1;SDN 1 Ngamprah;Guru;aktif\n"
    )
    # WHEN it is parsed for a full import
    request = parse_import_csv(text, full=True)
    # THEN the row is refused with the advice for Excel, not imported as an employee nobody is
    assert [r.nip for r in request.batch.records] == [NIP]
    (error,) = request.batch.errors
    assert (error.row, error.code) == (3, "NIP_SCIENTIFIC_NOTATION")
    assert "berakhiran 000" in error.message and "sebagai Teks" in error.message
    # AND it names nobody (the digits are not the employee's): no refused NIP, so a full import is held
    assert error.nip is None and request.batch.refused_nips == frozenset()


def test_csv_missing_column_is_refused_naming_it() -> None:
    with pytest.raises(SimpegValidationError) as caught:
        parse_import_csv("nip;nama;unor_id;jabatan\n")
    assert caught.value.details["fields"] == ["unor_nama", "status"]


def test_csv_not_utf8_is_refused_not_mangled() -> None:
    data = f"nip,nama,unor_id,unor_nama,jabatan,status\n{NIP},Jos\xe9,u-1,SDN,Guru,aktif\n".encode("cp1252")
    with pytest.raises(SimpegValidationError) as caught:
        parse_import_csv(data)
    assert "UTF-8" in caught.value.message


def test_csv_empty_file_is_refused() -> None:
    with pytest.raises(SimpegValidationError):
        parse_import_csv(b"\xef\xbb\xbf")


def test_mapping_from_json_config_reads_another_regency_shape() -> None:
    # GIVEN a regency whose SIMPEG uses other names, nested objects and other status words
    config = json.loads(
        '{"nip": "nip", "nama": "nama_lengkap", "unor_id": "unit.kode", "unor_nama": "unit.nama",'
        ' "jabatan": "jabatan", "status": "status_pegawai", "active_values": ["AKTIF", "Tugas Belajar"],'
        ' "listing": {"items_key": "result.rows", "total_key": null, "page_param": "hal"}}'
    )
    mapping = FieldMapping.from_dict(config)
    item = {"nip": NIP, "nama_lengkap": "  Asep   Sudrajat ", "unit": {"kode": "U1", "nama": "Dinas Sosial"},
            "jabatan": "Analis", "status_pegawai": "tugas belajar"}  # fmt: skip
    # WHEN mapped
    batch = map_listing([item], mapping)
    # THEN no code change was needed
    (record,) = batch.records
    assert (record.nama, record.unor_id, record.unor_nama, record.active) == (
        "Asep Sudrajat",
        "U1",
        "Dinas Sosial",
        True,
    )
    assert mapping.listing.items_key == "result.rows" and mapping.listing.total_key is None


def test_mapping_with_unknown_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unor_nma"):
        FieldMapping.from_dict({"unor_nma": "x"})


def test_upstream_float_nip_is_refused_but_kept_from_deactivation_when_valid() -> None:
    batch = map_listing([{"nipBaru": 1.98501e17, "nama": "A"}, {"nipBaru": NIP, "nama": ""}], FieldMapping())
    assert [e.code for e in batch.errors] == ["INVALID_NIP", "MISSING_FIELD"]
    assert batch.refused_nips == frozenset({NIP})


def test_upstream_nip_sent_as_a_number_is_refused_it_may_have_been_rounded() -> None:
    # 197001151995021974 through a JSON double arrives as 197001151995021980: another plausible NIP
    batch = map_listing([{"nipBaru": 197001151995021980, "nama": "A", "kedudukanPnsNama": "Aktif"}], FieldMapping())
    assert [e.code for e in batch.errors] == ["INVALID_NIP"] and batch.records == ()
