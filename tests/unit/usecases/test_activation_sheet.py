"""The activation sheet's parts: the QR payload (UI.md's activation link) and the A4 PDF, read back with pypdf."""

from __future__ import annotations

import io

import pypdf
import segno

from chalicelib.usecases.activation_sheet import COLUMNS, ROWS, Card, activation_link, render_sheet

NIP = "198501012010011001"


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
    cards.append(Card("Ñoman Śāstra Wiryawan", "198501012010011099", "12345678", "10-12-2026 07:00", "http://x"))
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", cards)))
    assert len(reader.pages) == -(-len(cards) // (COLUMNS * ROWS)) == 2
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert all(card.nip in text and card.code in text for card in cards)
    assert "Noman Sastra Wiryawan" in text  # letters outside the core font lose their accents, nothing is lost
    assert "Berlaku sampai 10-12-2026 07:00" in text and "Pindai kode QR" in text and "SDN Cibeber" in text


def test_an_empty_sheet_says_everyone_is_active() -> None:
    reader = pypdf.PdfReader(io.BytesIO(render_sheet("SDN Cibeber", [])))
    assert len(reader.pages) == 1 and "sudah aktif" in reader.pages[0].extract_text()
