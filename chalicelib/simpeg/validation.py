"""Validation of employee records coming from SIMPEG or an import, shared by both paths.

A NIP is 18 digits: birth date (YYYYMMDD), TMT of appointment (YYYYMM), sex digit (1/2) and a sequence. A PPPK's
number (NI PPPK) has the same shape but a type code where the month stands: the year of appointment then 21 (PPPK)
or 24 (PPPK paruh waktu, 2025); 21-29 are taken as such codes, so every ASN the regency pays is followed.
Checking the embedded date and sex digit is cheap and catches typos and Excel damage that the bare
`^[0-9]{18}$` pattern lets through. Messages are Indonesian: they are shown to administrators as-is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from chalicelib.domain.people import NIP_PATTERN
from chalicelib.simpeg.models import EmployeeRecord, RowError

# Excel shows a long number like 198501012010011001 as 1.98501E+17 (1,98501E+17 in Indonesian locale).
SCIENTIFIC_PATTERN = re.compile(r"^[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$")

MIN_BIRTH_YEAR = 1940
MIN_AGE_AT_TMT = 15
MAX_AGE_AT_TMT = 60
MAX_TEXT_LENGTH = 200
PPPK_CODES = range(21, 30)  # digits 13-14 of an NI PPPK (module docstring)


@dataclass(frozen=True)
class Problem:
    """Why a record was refused: a stable row-error code and an Indonesian message."""

    code: str
    message: str


# What to do when Excel kept a NIP column as numbers (it keeps 15 significant digits).
_AS_TEXT = "format kolom NIP sebagai Teks di Excel lalu ekspor ulang."


def nip_problem(nip: str) -> Problem | None:
    """The reason `nip` is not a plausible NIP, or None when it is."""
    if SCIENTIFIC_PATTERN.match(nip):
        return Problem(
            "NIP_SCIENTIFIC_NOTATION", f"NIP '{nip}' tertulis dalam notasi ilmiah sehingga digitnya hilang; {_AS_TEXT}"
        )
    if not NIP_PATTERN.match(nip):
        return Problem("INVALID_NIP", f"NIP '{nip}' harus terdiri dari 18 digit angka.")
    return _embedded_problem(nip)


def padded_nip_problem(nip: str) -> Problem | None:
    """The reason `nip` is a NIP Excel wrote from a Number cell, or None. Excel keeps 15 significant digits and saves
    198501012010011006 as 198501012010011000: still a plausible NIP, of nobody (no NIP's serial, digits 16-18, is
    000; decision 85), so an import would create that employee and a full one deactivate the real one. Checked on
    a CSV (`importing.parse_import_csv`), which the console sends as Excel wrote it; the console refuses such a number
    cell of a workbook itself, and SIMPEG's listing sends NIPs as text (a number is refused, `mapping.raw_nip`)."""
    if NIP_PATTERN.match(nip) and nip.endswith("000"):
        return Problem(
            "NIP_SCIENTIFIC_NOTATION",
            f"NIP '{nip}' berakhiran 000: Excel menyimpannya sebagai angka sehingga hanya 15 digit pertama yang "
            f"tersisa (nomor urut NIP tidak pernah 000); {_AS_TEXT}",
        )
    return None


def _embedded_problem(nip: str) -> Problem | None:
    birth_year, birth_month, birth_day = int(nip[0:4]), int(nip[4:6]), int(nip[6:8])
    try:
        date(birth_year, birth_month, birth_day)
    except ValueError:
        birth_year = 0
    if birth_year < MIN_BIRTH_YEAR:
        return Problem("INVALID_NIP", f"NIP '{nip}': tanggal lahir (digit 1-8) tidak valid.")
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    month_or_pppk = 1 <= tmt_month <= 12 or tmt_month in PPPK_CODES
    if not month_or_pppk or not (birth_year + MIN_AGE_AT_TMT <= tmt_year <= birth_year + MAX_AGE_AT_TMT):
        return Problem(
            "INVALID_NIP", f"NIP '{nip}': TMT pengangkatan (digit 9-14; kode 21-29 untuk NI PPPK) tidak valid."
        )
    if nip[14] not in "12":
        return Problem("INVALID_NIP", f"NIP '{nip}': digit jenis kelamin (digit 15) harus 1 atau 2.")
    return None


def clean_text(value: object) -> str:
    """Trimmed text with inner runs of whitespace collapsed, control characters and unassigned code points
    dropped (a bell, a backspace or U+FFFF in a name would break every spreadsheet it is exported to); None
    becomes ''."""
    if value is None:
        return ""
    text = "".join(ch for ch in str(value) if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cn"))
    return " ".join(text.split())


def clean_nip(value: str) -> str:
    """A NIP as people write it ("19850101 201001 1 001", ="1985...", '1985...) reduced to its digits."""
    text = value.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    text = text.lstrip("'")
    return "".join(text.split())


_REQUIRED = (("nama", "nama"), ("unor_id", "unor_id"), ("unor_nama", "unor_nama"))


def record_problem(record: EmployeeRecord) -> Problem | None:
    """The first reason `record` cannot be applied, or None when it is valid."""
    problem = nip_problem(record.nip)
    if problem is not None:
        return problem
    for attr, label in _REQUIRED:
        if not getattr(record, attr):
            return Problem("MISSING_FIELD", f"Kolom '{label}' wajib diisi.")
    for attr in ("nama", "unor_nama", "jabatan", "gelar_depan", "gelar_belakang", "unor_id"):
        if len(getattr(record, attr)) > MAX_TEXT_LENGTH:
            return Problem("FIELD_TOO_LONG", f"Kolom '{attr}' melebihi {MAX_TEXT_LENGTH} karakter.")
    return None


@dataclass(frozen=True)
class RecordBatch:
    """Valid records in input order, refused rows, and the valid NIPs among refused rows.

    `refused_nips` protects employees whose upstream record is temporarily broken from being
    deactivated as "absent" by a full sync.
    """

    records: tuple[EmployeeRecord, ...]
    errors: tuple[RowError, ...]
    refused_nips: frozenset[str]


class BatchBuilder:
    """Collects rows from any source (API pages, JSON import, CSV import) into a RecordBatch."""

    def __init__(self) -> None:
        self._records: dict[str, EmployeeRecord] = {}
        self._first_row: dict[str, int] = {}
        self._errors: list[RowError] = []
        self._refused: set[str] = set()

    def add(self, row: int, record: EmployeeRecord) -> bool:
        """Validate `record` and keep it (True), or report it as a row error (False)."""
        problem = record_problem(record)
        if problem is not None:
            self.reject(row, problem, record.nip)
            return False
        first = self._first_row.get(record.nip)
        if first is not None:
            message = f"NIP {record.nip} muncul lebih dari sekali (pertama di baris {first})."
            self._errors.append(RowError(row, "DUPLICATE_NIP", message, record.nip))
            return False
        self._first_row[record.nip] = row
        self._records[record.nip] = record
        return True

    def reject(self, row: int, problem: Problem, nip: str | None = None) -> None:
        """Report a row that could not even be turned into a record (or failed validation)."""
        self._errors.append(RowError(row, problem.code, problem.message, nip))
        if nip is not None and nip_problem(nip) is None:
            self._refused.add(nip)

    def build(self) -> RecordBatch:
        """The batch; refused NIPs that also have a valid row are not 'refused'."""
        refused = frozenset(self._refused - self._records.keys())
        return RecordBatch(tuple(self._records.values()), tuple(self._errors), refused)
