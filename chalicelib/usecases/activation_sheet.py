"""Activation codes for a whole unit, printed on an A4 sheet: one card per employee with name, NIP, code, expiry,
a QR code that opens the app's activation screen filled in (UI.md `/app/#/aktivasi?nip=…&kode=…`) and short
instructions in Indonesian. The PDF is kept in the private bucket and answered as a short-lived signed link.

Codes of a batch are hashed with a lighter scrypt cost than passwords (`BATCH_KDF`): a code is single-use,
expires with SMART_ACTIVATION_TTL_S and is evaluated at most 5 times per 15 minutes (the login slots), and a
unit of 500 must be served well within API Gateway's 29 s (docs/decision_log.md).
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import segno
from fpdf import FPDF

from chalicelib import runtime
from chalicelib.auth import passwords
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.photos import EXPORT_PREFIX
from chalicelib.usecases import directory
from chalicelib.usecases.auth import epoch
from chalicelib.usecases.reviews import evidence_ttl_s
from chalicelib.usecases.schemas.admin_views import ActivationSheet, ActivationSheetRequest

BATCH_KDF = passwords.KdfParams(n=2**12)  # ~4x cheaper than a password's; see the module's docstring
HASH_WORKERS = 4  # scrypt runs outside the GIL: a Lambda with several vCPUs hashes in parallel
COLUMNS, ROWS = 2, 4  # cards per A4 page: 2 x 4, 95 x 68 mm each
CARD_W, CARD_H, MARGIN = 95.0, 68.0, 10.0
INSTRUCTIONS = (  # broken into the lines a card prints (7.5 pt, 87 mm wide): no line breaking per card
    "1. Pindai kode QR dengan kamera ponsel, atau buka aplikasi SMART",
    "    lalu pilih Aktivasi.",
    "2. Periksa NIP dan kode aktivasi, lalu buat kata sandi baru",
    "    (minimal 10 karakter).",
    "3. Kode hanya untuk Anda dan hanya sekali pakai. Jangan dibagikan.",
)


@dataclass(frozen=True)
class Card:
    nama: str
    nip: str
    code: str
    expires: str  # as printed, local time
    link: str


def activation_link(base_url: str, nip: str, code: str) -> str:
    """What the card's QR code holds: the app's activation screen with NIP and code filled in (UI.md)."""
    return f"{base_url.rstrip('/')}/app/#/aktivasi?{urlencode({'nip': nip, 'kode': code})}"


def issue(
    actor: Principal, unor_id: str, body: ActivationSheetRequest, settings: Settings, *, now: datetime, base_url: str
) -> ActivationSheet:
    """New codes for the unit's active employees (only those without a bound phone, by default), a PDF of their
    cards in the bucket, one audit entry for the batch."""
    unit = directory.unit_in_scope(actor, unor_id)
    employees = [
        e
        for e in runtime.people().iter_employees_of_unit(unor_id)
        if e.active and not (body.only_not_activated and e.device_bound)
    ]
    expires = epoch(now) + settings.activation_ttl_s
    expires_at = datetime.fromtimestamp(expires, tz=now.tzinfo)
    printed = expires_at.astimezone(settings.tz).strftime("%d-%m-%Y %H:%M")
    codes = [passwords.new_activation_code() for _ in employees]
    with ThreadPoolExecutor(max_workers=HASH_WORKERS) as pool:
        hashes = list(pool.map(lambda code: passwords.hash_secret(code, BATCH_KDF), codes))
    try:
        runtime.people().set_activations([(e.nip, h) for e, h in zip(employees, hashes, strict=True)], expires)
    except ConditionFailed as exc:  # an employee left the table meanwhile: the client asks again
        raise ConflictError("Data pegawai berubah; coba lagi.", {"unor_id": unor_id}) from exc
    cards = [_card(e, code, printed, base_url) for e, code in zip(employees, codes, strict=True)]
    pdf = render_sheet(unit.unor_nama, cards)
    filename = f"kode-aktivasi-{unor_id}.pdf"
    key = f"{EXPORT_PREFIX}{secrets.token_hex(8)}/{filename}"
    store = runtime.photos(settings)
    store.put(key, pdf, "application/pdf")
    runtime.audit().record(
        actor.subject,
        "unit.activation_codes",
        unor_id,
        {"count": len(cards), "only_not_activated": body.only_not_activated},
        role=actor.role,
    )
    url = store.presign(key, evidence_ttl_s(settings), filename)
    return ActivationSheet(count=len(cards), expires_at=iso(expires_at), sheet_url=url)


def _card(employee: Employee, code: str, expires: str, base_url: str) -> Card:
    return Card(employee.nama, employee.nip, code, expires, activation_link(base_url, employee.nip, code))


def _latin1(text: str) -> str:
    """The PDF's core font covers Latin-1: other letters lose their accents, anything else becomes '?'."""
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).encode("latin-1", "replace").decode("latin-1")


def render_sheet(unit_name: str, cards: Sequence[Card]) -> bytes:
    """The A4 PDF: a header per page, then the cards in a 2 x 4 grid (a page with no card says so)."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(_latin1(f"Kode aktivasi SMART - {unit_name}"))
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(cards), 1), per_page):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_xy(MARGIN, 6)
        pdf.cell(0, 5, _latin1(f"Kode aktivasi SMART - {unit_name}"))
        if not cards:
            pdf.set_xy(MARGIN, 20)
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(0, 6, "Semua pegawai unit ini sudah aktif.")
        for index, card in enumerate(cards[start : start + per_page]):
            x = MARGIN + (index % COLUMNS) * CARD_W
            y = 14 + (index // COLUMNS) * CARD_H
            _draw_card(pdf, card, x, y)
    return bytes(pdf.output())


def qr_matrix(link: str) -> tuple[bytearray, ...]:
    """The QR code of `link` (error correction M), dark modules truthy. The mask is fixed: every mask gives a
    valid code, and choosing the best of eight took most of a sheet's time (decision 69)."""
    return tuple(segno.make_qr(link, error="m", mask=0, boost_error=False).matrix)


def _draw_qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles, one per run of dark modules in a row (no image to encode or parse)."""
    matrix = qr_matrix(link)
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, modules in enumerate(matrix):
        column = 0
        while column < len(modules):
            if not modules[column]:
                column += 1
                continue
            start = column
            while column < len(modules) and modules[column]:
                column += 1
            pdf.rect(x + start * module, y + row * module, (column - start) * module, module, style="F")


def _draw_card(pdf: FPDF, card: Card, x: float, y: float) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.rect(x, y, CARD_W - 2, CARD_H - 2)
    pdf.set_dash_pattern()
    _draw_qr(pdf, card.link, x + CARD_W - 36, y + 4, 30)
    pdf.set_xy(x + 3, y + 3)
    pdf.set_font("Helvetica", "B", 10)
    pdf.multi_cell(CARD_W - 42, 4.5, _latin1(card.nama), max_line_height=4.5)
    pdf.set_font("Helvetica", "", 9)
    pdf.set_x(x + 3)
    pdf.cell(CARD_W - 42, 5, f"NIP: {card.nip}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x + 3)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(CARD_W - 42, 8, card.code, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.set_x(x + 3)
    pdf.cell(CARD_W - 42, 4, "Kode aktivasi", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x + 3)
    pdf.cell(CARD_W - 42, 4, f"Berlaku sampai {card.expires}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(x + 3, y + 38)
    pdf.set_font("Helvetica", "", 7.5)
    for line in INSTRUCTIONS:
        pdf.set_x(x + 3)
        pdf.cell(CARD_W - 8, 3.4, line, new_x="LMARGIN", new_y="NEXT")
