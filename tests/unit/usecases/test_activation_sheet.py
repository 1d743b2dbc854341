"""The activation sheet's parts: the QR payload (UI.md's activation link) and the A4 PDF, read back with pypdf."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
import pytest
import segno
from pypdf.generic import ContentStream

from chalicelib import runtime
from chalicelib.attendance.export import CorePdf
from chalicelib.domain.people import Employee, PhoneBinding, Principal
from chalicelib.errors import UnavailableError
from chalicelib.settings import build_settings
from chalicelib.store.repositories import Repositories
from chalicelib.usecases import activation_sheet
from chalicelib.usecases.activation_sheet import COLUMNS, ROWS, Card, activation_link, qr_matrix, render_sheet
from chalicelib.usecases.schemas.admin_views import ActivationSheetRequest

from .admin_fixtures import AuditTrail, audited
from .test_request_failures import failing

__all__ = ["audited"]  # the shared fixture this module uses

NIP = "198501012010011001"
BUDI = "199002022015032002"
APP = "https://smart.example.go.id/app/"


def test_the_qr_payload_opens_the_apps_activation_screen_filled_in() -> None:
    assert activation_link("https://smart.example.go.id", NIP, "04718293") == (
        f"https://smart.example.go.id/app/#/aktivasi?nip={NIP}&kode=04718293"
    )
    # a base URL with a trailing slash, or odd characters, still gives one well-formed link
    assert activation_link("http://127.0.0.1:8000/", NIP, "00000001").startswith(
        "http://127.0.0.1:8000/app/#/aktivasi?"
    )
    assert activation_link("http://x", "a&b c", "1") == "http://x/app/#/aktivasi?nip=a%26b+c&kode=1"


def test_the_qr_code_holds_the_payload_in_a_scannable_size() -> None:
    link = activation_link("https://smart.example.go.id", NIP, "04718293")
    qr = segno.make(link, error="m")
    assert qr.designator.endswith("-M") and qr.version <= 6  # 41 modules at most: 32 mm wide is ~0.8 mm a module


def test_the_sheet_has_a_card_per_employee_eight_to_a_page() -> None:
    cards = [
        Card(f"Pegawai {i}", f"1985010120100110{i:02d}", f"{i:08d}", "10-12-2026 07:00", "http://x") for i in range(11)
    ]
    cards.append(Card("Ñoman Śāstra Ma’ruf", "198501012010011099", "12345678", "10-12-2026 07:00", "http://x"))
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", cards, APP)))
    assert len(reader.pages) == -(-len(cards) // (COLUMNS * ROWS)) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(card.nip in text and card.code in text for card in cards)
    assert "Ñoman Sastra Ma’ruf" in text  # letters outside the fonts' Windows-1252 lose their accents, nothing is lost
    assert "Berlaku sampai 10-12-2026 07:00" in text and "Pindai kode QR" in text and "SDN Cibeber" in text
    # AND each card writes out the app's address, for a phone that reads no QR code
    assert text.count("smart.example.go.id/app/ lalu pilih Aktivasi.") == len(cards) and "https://" not in text


def test_a_long_address_is_printed_smaller_within_the_card() -> None:
    long_app = "https://absensi-pegawai.bkpsdm.kabupatenbandungbarat.go.id/app/"
    reader = pypdf.PdfReader(
        io.BytesIO(render_sheet("SDN Cibeber", [Card("Asep", NIP, "1", "x", "http://x")], long_app))
    )
    assert (
        "absensi-pegawai.bkpsdm.kabupatenbandungbarat.go.id/app/ lalu pilih Aktivasi." in reader.pages[0].extract_text()
    )
    sizes = {
        float(operands[1])
        for operands, op in ContentStream(reader.pages[0].get_contents(), reader).operations
        if op == b"Tf"
    }
    assert min(sizes) < 7.5 and min(sizes) >= 5.0


def test_an_empty_sheet_says_everyone_is_active() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", [], APP)))
    assert len(reader.pages) == 1 and "sudah aktif" in reader.pages[0].extract_text()


def filled_rectangles(page: pypdf.PageObject, reader: pypdf.PdfReader) -> list[tuple[float, float, float, float]]:
    """Every rectangle the page fills (x, y from the top, width, height in pt), read from its content stream."""
    height, pending, filled = float(page.mediabox.height), [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"re":
            x, y, w, h = (float(o) for o in operands)
            pending.append((x, height - y - h if h > 0 else height - y, w, abs(h)))
        elif operator in (b"f", b"F", b"f*"):
            filled, pending = filled + pending, []
        elif operator in (b"S", b"n", b"B", b"b"):
            pending = []
    return filled


def test_the_drawn_qr_code_is_the_links_module_for_module() -> None:
    # GIVEN a card whose QR code is drawn as a path of rectangles straight into the page
    link = activation_link("https://smart.example.go.id", NIP, "04718293")
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", [Card("Asep", NIP, "04718293", "x", link)], APP)))
    page = reader.pages[0]
    # WHEN the filled rectangles are put back on the module grid (first card: QR at x 69 mm, y 18 mm, 30 mm wide)
    matrix = qr_matrix(link)
    mm, size = 72 / 25.4, len(matrix)
    left, top, module = (10 + 95 - 36) * mm, (14 + 4) * mm, 30 * mm / size
    dark = [[False] * size for _ in range(size)]
    for x, y, w, h in filled_rectangles(page, reader):
        row, first = round((y - top) / module), round((x - left) / module)
        assert round(h / module) == 1 and 0 <= row < size and 0 <= first < size
        for column in range(first, first + round(w / module)):
            dark[row][column] = True
    # THEN the modules are exactly segno's matrix of the activation link
    assert dark == [[bool(m) for m in row] for row in matrix]


def test_a_sheet_the_bucket_cannot_keep_leaves_the_codes_handed_out_as_they_were(
    repos: Repositories, audited: AuditTrail, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a unit whose sheet was printed and handed out (Asep's card holds a live code)
    settings, now = build_settings({}), datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    admin, body = Principal("admin", "super_admin"), ActivationSheetRequest(only_not_activated=True)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    activation_sheet.issue(admin, "U1", body, settings, now=now, base_url="https://smart.example.go.id")
    handed_out = repos.people.employee_account(NIP)
    # WHEN the admin prints it again while the bucket is down (S3 throttled: 503)
    with failing(monkeypatch, runtime.photos(settings), "put"), pytest.raises(UnavailableError):
        activation_sheet.issue(admin, "U1", body, settings, now=now, base_url="https://smart.example.go.id")
    # THEN nothing was half-written: the printed codes still open the accounts (no code replaced by one nobody
    # holds), and the audit log names only the sheet that was handed out (and Asep's code on it)
    assert repos.people.employee_account(NIP) == handed_out
    assert [a for _, a, _ in audited()] == ["employee.activation_code", "unit.activation_codes"]


def drawn_lines(page: pypdf.PageObject) -> list[tuple[str, float, float, float]]:
    """Every line of text the page draws: its text, left and right edges and baseline from the top (mm), measured
    in its own font."""
    measure, lines, mm = CorePdf("portrait"), [], 25.4 / 72

    def seen(text: str, _: object, matrix: list[float], font: dict[str, str] | None, size: float) -> None:
        if text.strip() and font is not None:
            measure.set_font("Helvetica", "B" if font["/BaseFont"].endswith("Bold") else "", size)
            left, baseline = matrix[4] * mm, float(page.mediabox.height) * mm - matrix[5] * mm
            lines.append((text, left, left + measure.get_string_width(text), baseline))

    page.extract_text(visitor_text=seen)
    return lines


@pytest.mark.parametrize(
    "nama", ["Dr.H.ABDURRAHMAN,S.Pd.,M.Pd.", "SITINURHALIZAHPUTRIWULANDARIKUSUMANINGRUM" * 5], ids=["titles", "200"]
)
def test_a_name_without_spaces_stays_clear_of_the_qr_code(nama: str) -> None:
    # GIVEN an employee whose SIMPEG name has no space to break it at (titles typed without spaces)
    link = activation_link("https://smart.example.go.id", NIP, "04718293")
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", [Card(nama, NIP, "04718293", "x", link)], APP)))
    # WHEN the first card is drawn (its QR code 30 mm wide at 69 mm from the left, 18 mm from the top)
    qr_left, qr_top = 10 + 95 - 36, 14 + 4
    beside = [line for line in drawn_lines(reader.pages[0]) if qr_top < line[3] < qr_top + 30]
    # THEN every line beside the code ends before its quiet zone (four modules of ~0.8 mm kept white), so it scans
    assert beside and all(right <= qr_left - 3 for _, _, right, _ in beside), beside
    # AND the name (the lines above the NIP) is printed whole when it fits in the card's three lines, else cut
    printed = [text for text, *_ in beside]
    name = "".join(printed[: printed.index(f"NIP: {NIP}")])
    assert name == nama if len(nama) < 40 else (name.endswith("...") and nama.startswith(name[:-3]))


def test_a_sheet_names_each_employee_whose_code_it_issued(repos: Repositories, audited: AuditTrail) -> None:
    # GIVEN U1 with Asep, whose phone is bound, and Budi, not activated yet
    settings, now = build_settings({}), datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    repos.people.upsert_unit("U1", "SDN 1 Ngamprah")
    repos.people.put_employee(Employee(nip=NIP, nama="Asep", unor_id="U1"))
    repos.people.bind_device(NIP, PhoneBinding("android-asep", "password-hash"))
    repos.people.put_employee(Employee(nip=BUDI, nama="Budi", unor_id="U1"))
    # WHEN an admin prints the sheet for everyone (a new code moves Asep's account to whichever phone uses it)
    body = ActivationSheetRequest(only_not_activated=False)
    activation_sheet.issue(Principal("ops", "unit_admin", frozenset({"U1"})), "U1", body, settings, now=now,
                           base_url="https://smart.example.go.id")  # fmt: skip
    # THEN "who issued a code for Asep?" reads from the log by his NIP, as a code issued alone does: one entry per
    # employee on the sheet, saying whose phone was bound, beside the sheet's own entry
    codes = [(e.actor, e.target, e.detail) for e in audited.entries() if e.action == "employee.activation_code"]
    assert sorted(codes) == [
        ("ops", NIP, {"via": "sheet", "unor_id": "U1", "device_bound": True}),
        ("ops", BUDI, {"via": "sheet", "unor_id": "U1", "device_bound": False}),
    ]
    assert [a for _, a, _ in audited()][-1] == "unit.activation_codes"
