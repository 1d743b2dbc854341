"""Parsing of admin imports (JSON body or CSV file) into validated employee records.

Admins export from their SIMPEG or from Excel, so the CSV reader copes with what Excel writes: a UTF-8
byte-order mark, `;` as separator (Indonesian locale), NIPs written with spaces or as ="..." text. Each line is
read on its own, so a quote an export left open spoils only its row. A NIP that Excel turned into a number, written
in scientific notation (1.98501E+17) or with its last digits as zeros (198501012010011000), has lost digits for good:
that row is refused with a message telling how to re-export, never guessed.

Row numbers: for JSON the 1-based position in `employees`; for CSV the spreadsheet row (header = row 1).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from chalicelib.domain.files import csv_cells
from chalicelib.simpeg.errors import SimpegValidationError
from chalicelib.simpeg.models import EmployeeRecord
from chalicelib.simpeg.validation import (
    BatchBuilder,
    Problem,
    RecordBatch,
    clean_nip,
    clean_text,
    padded_nip_problem,
)

COLUMNS = ("nip", "nama", "unor_id", "unor_nama", "jabatan", "status")
OPTIONAL_COLUMNS = ("gelar_depan", "gelar_belakang")
ACTIVE_STATUS = "aktif"
MAX_ROWS = 20_000
MAX_STATUS_VALUES = 20  # distinct inactive status values an import reports (the most common)


@dataclass(frozen=True)
class ImportRequest:
    """A parsed import: valid records, row errors, whether absent employees may be deactivated, and the status
    values taken as inactive (anything but `aktif`, as written) with their rows: a file whose active employees
    say "Aktif Bekerja" imports them all inactive, and the answer says so."""

    batch: RecordBatch
    full: bool
    inactive_statuses: Mapping[str, int] = field(default_factory=dict)


def parse_import_json(body: object) -> ImportRequest:
    """Parse `{"employees": [EmployeeRecord...], "full": bool}`; bad rows become row errors."""
    if not isinstance(body, Mapping) or not isinstance(body.get("employees"), list):
        raise SimpegValidationError(
            "Isi permintaan harus berupa objek JSON dengan daftar 'employees'.", {"fields": ["employees"]}
        )
    full = body.get("full", False)
    if not isinstance(full, bool):
        raise SimpegValidationError("'full' harus bernilai true atau false.", {"fields": ["full"]})
    rows: list[object] = body["employees"]
    _check_size(len(rows))
    builder, inactive = BatchBuilder(), Counter[str]()
    for row, item in enumerate(rows, start=1):
        _add_row(builder, row, _json_row(item), inactive, _numeric_nip(item))
    return ImportRequest(builder.build(), full, _most_common(inactive))


def _json_row(item: object) -> Mapping[str, object] | Problem:
    if not isinstance(item, Mapping):
        return Problem("INVALID_RECORD", "Baris harus berupa objek JSON.")
    nip = item.get("nip")
    if nip is not None and not isinstance(nip, str):
        # A JSON number cannot carry 18 digits through JavaScript or Excel intact.
        return Problem("INVALID_NIP", f"NIP '{nip}' harus dikirim sebagai teks, bukan angka.")
    return item


def _numeric_nip(item: object) -> str | None:
    """The NIP of a row that sent it as a whole JSON number: refused (JavaScript or Excel may have changed its
    digits), yet named with the row's error, so that a full import does not take that employee for absent when
    the digits are a plausible NIP (`BatchBuilder.reject`)."""
    nip = item.get("nip") if isinstance(item, Mapping) else None
    return str(nip) if isinstance(nip, int) and not isinstance(nip, bool) else None


def parse_import_csv(data: bytes | str, *, full: bool = False) -> ImportRequest:
    """Parse a CSV export with the import columns; `full` comes from the request's query flag."""
    text = _decode(data).lstrip("\ufeff")
    lines = io.StringIO(text, newline="").readlines()  # ends of lines only (\n, \r\n, \r), as a CSV reader takes them
    if not lines or not lines[0].strip():
        raise SimpegValidationError("Berkas CSV kosong.", {"fields": ["file"]})
    delimiter = _delimiter(lines[0])
    header = [clean_text(h).casefold() for h in csv_cells(lines[0], delimiter) or []]
    _check_header(header)
    builder, inactive = BatchBuilder(), Counter[str]()
    # Each line is read on its own (`csv_cells`): a quote a SIMPEG export left open spoils its row, not every row
    # after it (taken into one cell, then absent from a full import, or a reader's error past its cell limit).
    for row, line in enumerate(lines[1:], start=2):
        cells = csv_cells(line, delimiter)
        if cells is not None and not any(c.strip() for c in cells):
            continue  # blank spreadsheet row: nothing to import, row numbers stay aligned
        _check_size(row - 1)
        values, named = _csv_row(header, cells)
        _add_row(builder, row, values, inactive, named)
    return ImportRequest(builder.build(), full, _most_common(inactive))


def _csv_row(header: list[str], cells: list[str] | None) -> tuple[Mapping[str, object] | Problem, str | None]:
    """The row's cells by column (or its problem), and the NIP a problem names. A NIP Excel cut to 15 digits
    (`padded_nip_problem`) names nobody: the real employee is then not in the file, and a full import is held
    (`sync.plan_import`) instead of deactivating them."""
    if cells is None:
        return _UNREADABLE, None
    nip = _first_nip(header, cells)
    padded = padded_nip_problem(nip) if nip is not None else None
    if padded is not None:
        return padded, None
    return _row_values(header, cells), nip


_UNREADABLE = Problem("INVALID_RECORD", "Baris CSV tidak dapat dibaca (sel terlalu panjang).")
_SHIFTED = Problem(
    "INVALID_RECORD",
    "Baris ini berisi lebih banyak kolom daripada judul kolom (koma di dalam nama atau jabatan tanpa tanda kutip?):"
    " kolomnya bergeser, sehingga tidak diimpor.",
)


def _row_values(header: list[str], cells: list[str]) -> dict[str, str] | Problem:
    """The row's cells by column, or a problem when it has more filled cells than the header: a comma in a name
    ("Budi, S.Pd") an export left unquoted shifts every cell after it, and the row would read as another unit and a
    status other than `aktif` (the employee deactivated and moved, with no row error)."""
    if any(cell.strip() for cell in cells[len(header) :]):
        return _SHIFTED
    return dict(zip(header, cells, strict=False))


def _first_nip(header: list[str], cells: list[str]) -> str | None:
    """The row's NIP, named with its problem (a full import then keeps that employee as they are), or None. The
    header holds `nip` (`_check_header`)."""
    column = header.index("nip")
    if column >= len(cells):
        return None
    return clean_nip(clean_text(cells[column]))


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SimpegValidationError(
            "Berkas CSV harus berenkode UTF-8; di Excel simpan sebagai 'CSV UTF-8 (Comma delimited)'.",
            {"fields": ["file"], "byte_offset": exc.start},
        ) from exc


def _delimiter(header_line: str) -> str:
    # Excel writes ';' where the decimal separator is ',' (Indonesian locale), ',' elsewhere.
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d])


def _check_header(header: list[str]) -> None:
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise SimpegValidationError(
            f"Kolom wajib tidak ada di baris judul: {', '.join(missing)}. "
            f"Kolom yang diharapkan: {', '.join(COLUMNS)} (pemisah ',' atau ';').",
            {"fields": missing},
        )


def _check_size(rows: int) -> None:
    if rows > MAX_ROWS:
        raise SimpegValidationError(
            f"Impor dibatasi {MAX_ROWS} baris; bagi berkas menjadi beberapa bagian.", {"max_rows": MAX_ROWS}
        )


def _most_common(inactive: Counter[str]) -> dict[str, int]:
    """The MAX_STATUS_VALUES status values taken as inactive on most rows (a run record keeps them)."""
    return dict(inactive.most_common(MAX_STATUS_VALUES))


def _add_row(
    builder: BatchBuilder,
    row: int,
    values: Mapping[str, object] | Problem,
    inactive: Counter[str],
    problem_nip: str | None = None,
) -> None:
    """Add the row to the batch (or its problem, naming `problem_nip`); a status other than `aktif` is counted in
    `inactive`."""
    if isinstance(values, Problem):
        builder.reject(row, values, problem_nip)
        return
    nip = clean_nip(clean_text(values.get("nip")))
    # Every column is text (a JSON row's object, list, number or true would be stored as its Python spelling);
    # the row's NIP goes with its error, so a full import does not take that employee for absent.
    wrong = [name for name in (*COLUMNS, *OPTIONAL_COLUMNS) if not isinstance(values.get(name, ""), str | None)]
    if wrong:
        problem = Problem("INVALID_RECORD", f"Kolom {', '.join(repr(n) for n in wrong)} harus berupa teks.")
        builder.reject(row, problem, nip)
        return
    written = clean_text(values.get("status"))
    if not written:
        builder.reject(row, Problem("MISSING_FIELD", "Kolom 'status' wajib diisi (aktif atau lainnya)."), nip)
        return
    active = written.casefold() == ACTIVE_STATUS
    if builder.add(row, _record(nip, values, active=active)) and not active:
        inactive[written] += 1


def _record(nip: str, values: Mapping[str, object], *, active: bool) -> EmployeeRecord:
    return EmployeeRecord(
        nip=nip,
        nama=clean_text(values.get("nama")),
        unor_id=clean_text(values.get("unor_id")),
        unor_nama=clean_text(values.get("unor_nama")),
        jabatan=clean_text(values.get("jabatan")),
        gelar_depan=clean_text(values.get("gelar_depan")),
        gelar_belakang=clean_text(values.get("gelar_belakang")),
        active=active,
    )
