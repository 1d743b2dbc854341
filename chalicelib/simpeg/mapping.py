"""Field mapping from an upstream SIMPEG's JSON shape to `EmployeeRecord`, kept as configuration.

Regencies run different SIMPEG products; most follow SIASN names (`nipBaru`, `unorId`...), some do not.
The mapping (field names, which status values mean "active", and how a listing page is shaped) is
therefore data loaded from JSON (`mappings/siasn.json` is the default), so another regency's shape
needs a new JSON file, not new code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from chalicelib.simpeg.models import EmployeeRecord
from chalicelib.simpeg.validation import BatchBuilder, Problem, RecordBatch, clean_nip, clean_text, record_problem

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


@dataclass(frozen=True)
class ListingShape:
    """How the upstream pages its employee list. Keys may be dotted paths into nested objects."""

    path: str = "/api/v1/pegawai"
    items_key: str = "data"
    total_key: str | None = "meta.total"  # None: the upstream announces no total
    page_param: str = "page"
    size_param: str = "limit"
    first_page: int = 1
    page_size: int = 500


@dataclass(frozen=True)
class FieldMapping:
    """Upstream field name for each EmployeeRecord field (dotted paths allowed)."""

    nip: str = "nipBaru"
    nama: str = "nama"
    gelar_depan: str = "gelarDepan"
    gelar_belakang: str = "gelarBelakang"
    unor_id: str = "unorId"
    unor_nama: str = "unorNama"
    jabatan: str = "jabatanNama"
    status: str = "kedudukanPnsNama"
    active_values: tuple[str, ...] = ("Aktif",)  # compared case-insensitively
    listing: ListingShape = field(default_factory=ListingShape)

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> FieldMapping:
        """Build from a JSON object; unknown keys are refused so a typo cannot silently drop a field."""
        _refuse_unknown(data, FieldMapping)
        listing = data.get("listing", {})
        _refuse_unknown(listing, ListingShape)
        values = {k: v for k, v in data.items() if k != "listing"}
        if "active_values" in values:
            values["active_values"] = tuple(values["active_values"])
        return FieldMapping(**values, listing=ListingShape(**listing))

    @staticmethod
    def load(path: str | Path) -> FieldMapping:
        """Load a mapping JSON file."""
        return FieldMapping.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def is_active(self, status: object) -> bool:
        """True when the upstream status value means the employee is active."""
        wanted = {v.casefold() for v in self.active_values}
        return clean_text(status).casefold() in wanted


def _refuse_unknown(data: Mapping[str, Any], cls: type) -> None:
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise ValueError(f"unknown mapping keys for {cls.__name__}: {sorted(unknown)}")


def default_mapping() -> FieldMapping:
    """The SIASN-named mapping shipped in mappings/siasn.json (matches tools/simpeg_sim.py)."""
    return FieldMapping.load(MAPPINGS_DIR / "siasn.json")


def dig(data: Mapping[str, object], dotted: str) -> object:
    """The value at a dotted path in nested mappings, or None when any step is missing."""
    current: object = data
    for part in dotted.split("."):
        if not isinstance(current, Mapping):
            return None
        current = current.get(part)
    return current


def raw_nip(value: object) -> str | Problem:
    """The NIP from an upstream value: strings are fine; a number is refused, as an import's is (`_numeric_nip`):
    every 18-digit NIP is beyond 2**53, so an upstream that types the field as a number (a JavaScript or JSON
    double) may have rounded it to another plausible NIP (197001151995021974 sent as 197001151995021980), and the
    real employee would read as absent and a NIP of no one be created."""
    if isinstance(value, bool | float):
        return Problem("INVALID_NIP", f"NIP '{value}' dikirim sebagai angka pecahan sehingga digitnya hilang.")
    if isinstance(value, int):
        return Problem("INVALID_NIP", f"NIP {value} dikirim sebagai angka, bukan teks: digitnya mungkin sudah berubah.")
    return clean_nip(clean_text(value))


def map_item(item: Mapping[str, object], mapping: FieldMapping) -> EmployeeRecord | Problem:
    """One upstream item as a record (not yet validated), or why it cannot be read."""
    nip = raw_nip(dig(item, mapping.nip))
    if isinstance(nip, Problem):
        return nip
    return EmployeeRecord(
        nip=nip,
        nama=clean_text(dig(item, mapping.nama)),
        unor_id=clean_text(dig(item, mapping.unor_id)),
        unor_nama=clean_text(dig(item, mapping.unor_nama)),
        jabatan=clean_text(dig(item, mapping.jabatan)),
        gelar_depan=clean_text(dig(item, mapping.gelar_depan)),
        gelar_belakang=clean_text(dig(item, mapping.gelar_belakang)),
        active=mapping.is_active(dig(item, mapping.status)),
    )


def map_listing(items: Iterable[Mapping[str, object]], mapping: FieldMapping) -> RecordBatch:
    """Map and validate upstream items; `row` in errors is the 1-based position in the listing. An item without a
    status is refused under its NIP (`BatchBuilder.reject`), as an import's row without one is: read as "not
    active", a status SIMPEG left blank deactivated its employee (below the deactivation share, with no word) or
    created a new one inactive."""
    builder = BatchBuilder()
    for row, item in enumerate(items, start=1):
        mapped = map_item(item, mapping) if isinstance(item, Mapping) else _not_an_object()
        if isinstance(mapped, Problem):
            builder.reject(row, mapped)
        elif not clean_text(dig(item, mapping.status)):
            builder.reject(row, record_problem(mapped) or _no_status(mapping), mapped.nip)
        else:
            builder.add(row, mapped)
    return builder.build()


def _no_status(mapping: FieldMapping) -> Problem:
    return Problem(
        "MISSING_FIELD",
        f"Status kepegawaian (kolom '{mapping.status}') kosong di SIMPEG; data pegawai ini tidak diubah.",
    )


def _not_an_object() -> Problem:
    return Problem("INVALID_RECORD", "Data pegawai bukan objek JSON.")
