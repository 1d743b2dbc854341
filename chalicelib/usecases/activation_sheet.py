"""Activation codes for a whole unit, printed on an A4 sheet: one card per employee with name, NIP, code, expiry,
a QR code that opens the app's activation screen filled in (UI.md `/app/#/aktivasi?nip=…&kode=…`) and short
instructions in Indonesian. The PDF is kept in the private bucket and answered as a short-lived signed link.

Codes are stored as keyed MACs (auth/codes.py: microseconds a code, where scrypt took ~12-50 ms), and the cards
are drawn with fpdf2's cheapest primitives (text at a position, a QR code as one path of rectangles), so a unit
of 500 is served well within API Gateway's 29 s (docs/decision_log.md, bench/admin_views_RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import segno
from fpdf import FPDF

from chalicelib import runtime
from chalicelib.attendance.export import CorePdf, file_part, pdf_text
from chalicelib.auth import codes
from chalicelib.domain.people import Employee, Principal
from chalicelib.errors import ConflictError
from chalicelib.settings import Settings
from chalicelib.store.base import ConditionFailed, iso
from chalicelib.store.photos import export_key
from chalicelib.usecases import access, directory, faces
from chalicelib.usecases.auth import epoch
from chalicelib.usecases.disclosure import evidence_ttl_s
from chalicelib.usecases.schemas.admin_views import ActivationSheet, ActivationSheetRequest, LeftOut, LeftOutReason

COLUMNS, ROWS = 2, 4  # cards per A4 page: 2 x 4, 95 x 68 mm each
CARD_W, CARD_H, MARGIN = 95.0, 68.0, 10.0
NAME_LINES = 3  # a longer name is cut: the card's lines below it have their places
INSTRUCTION_PT, MIN_INSTRUCTION_PT = 7.5, 5.0


@dataclass(frozen=True)
class Card:
    nama: str
    nip: str
    code: str
    expires: str  # as printed, local time
    link: str


def app_address(base_url: str) -> str:
    """The employee app's address."""
    return f"{base_url.rstrip('/')}/app/"


def activation_link(base_url: str, nip: str, code: str) -> str:
    """What the card's QR code holds: the app's activation screen with NIP and code filled in (UI.md)."""
    return f"{app_address(base_url)}#/aktivasi?{urlencode({'nip': nip, 'kode': code})}"


def card_instructions(app_url: str) -> tuple[str, ...]:
    """The steps every card prints, broken into its lines (7.5 pt, 87 mm wide), the app's address written out
    for a phone that reads no QR code (an app not yet installed cannot be "opened"; https:// is left out, as a
    browser adds it)."""
    return (
        "1. Pindai kode QR dengan kamera ponsel, atau buka alamat",
        f"    {app_url.removeprefix('https://')} lalu pilih Aktivasi.",
        "2. Periksa NIP dan kode aktivasi, lalu buat kata sandi baru",
        "    (minimal 10 karakter).",
        "3. Kode hanya untuk Anda dan hanya sekali pakai. Jangan dibagikan.",
    )


def issue(
    actor: Principal, unor_id: str, body: ActivationSheetRequest, settings: Settings, *, now: datetime, base_url: str
) -> ActivationSheet:
    """New codes for the unit's active employees (only those without a bound phone, by default), a PDF of their
    cards in the bucket, one audit entry for the batch. An operator's own record is left out: their code comes
    from another admin (`access.require_not_own`); so is a reset employee whose code from this admin would be
    refused at its use (`refused_at_use`: the audit entry names them). The answer names both (`left_out`), so
    the admin hands out the sheet knowing who still needs a code from a colleague."""
    unit = directory.unit_in_scope(actor, unor_id)
    asked = [
        e
        for e in runtime.people().iter_employees_of_unit(unor_id)
        if e.active and not (body.only_not_activated and e.device_bound)
    ]
    reasons = {e.nip: reason for e in asked if (reason := _left_out_because(actor, e, now))}
    left_out = [LeftOut(nip=e.nip, nama=e.nama, reason=reasons[e.nip]) for e in asked if e.nip in reasons]
    four_eyes = [nip for nip, reason in reasons.items() if reason == "four_eyes"]
    employees = [e for e in asked if e.nip not in reasons]
    expires = epoch(now) + settings.activation_ttl_s
    expires_at = datetime.fromtimestamp(expires, tz=now.tzinfo)
    printed = expires_at.astimezone(settings.tz).strftime("%d-%m-%Y %H:%M")
    drawn = [codes.new_code() for _ in employees]
    cards = [_card(e, code, printed, base_url) for e, code in zip(employees, drawn, strict=True)]
    filename = f"kode-aktivasi-{file_part(unit.unor_nama, unor_id)}.pdf"
    object_key = export_key(filename)
    store = runtime.photos(settings)
    # The sheet is kept before its codes replace the ones handed out: a bucket that cannot keep it (503) leaves
    # the printed cards working, and a sheet whose codes never became live opens nothing (the exports' lifecycle
    # lets it go). The codes are then saved all or nothing (`set_activations`): a failure part-way (503, 409) leaves
    # every printed card working, and the retry issues a whole new sheet.
    store.put(object_key, render_sheet(unit.unor_nama, cards, app_address(base_url)), "application/pdf")
    key = codes.code_key(settings.token_secret)
    sealed = [(e.nip, codes.seal(key, e.nip, expires, code)) for e, code in zip(employees, drawn, strict=True)]
    try:
        runtime.people().set_activations(sealed, expires, actor.subject)
    except ConditionFailed as exc:  # an employee left the table meanwhile: the client asks again
        raise ConflictError("Data pegawai berubah; coba lagi.", {"unor_id": unor_id}) from exc
    _audit_codes(actor, unor_id, employees)
    detail: dict[str, object] = {"count": len(cards), "only_not_activated": body.only_not_activated}
    if four_eyes:  # left out: their code comes from another admin
        detail["four_eyes"] = four_eyes
    runtime.audit().record(actor.subject, "unit.activation_codes", unor_id, detail, role=actor.role)
    url = store.presign(object_key, evidence_ttl_s(settings), filename)
    return ActivationSheet(count=len(cards), expires_at=iso(expires_at), sheet_url=url, left_out=left_out)


def _left_out_because(actor: Principal, employee: Employee, now: datetime) -> LeftOutReason | None:
    """Why `actor`'s sheet has no card for the employee, whose code must come from another admin: the actor's own
    record (`access.require_not_own`), or a code that would be refused at its use (`refused_at_use`); None: a card."""
    if access.is_own(actor, employee.nip):
        return "own_record"
    return "four_eyes" if refused_at_use(actor, employee, now) else None


def _audit_codes(actor: Principal, unor_id: str, employees: Sequence[Employee]) -> None:
    """One `employee.activation_code` entry per employee on the sheet (target the NIP), as a code issued alone
    writes: a new code moves an activated account to whichever phone uses it (decision 193), and "who issued a
    code for this employee?" is a search by their NIP, which the sheet's own entry (the unit, a count) never
    answered. `device_bound`: a phone was bound, so the code re-keys an account in use. Written once the codes
    are saved (codes not saved were never issued), before the sheet's entry."""
    details: dict[str, Mapping[str, object] | None] = {
        e.nip: {"via": "sheet", "unor_id": unor_id, "device_bound": e.device_bound} for e in employees
    }
    if details:
        runtime.audit().stamped(actor.subject, "employee.activation_code", details, role=actor.role).write()


def refused_at_use(actor: Principal, employee: Employee, now: datetime) -> bool:
    """Whether the employee's code from `actor` would be refused when used: an account activated before, one of
    whose faces `actor` put on within FOUR_EYES (`auth.bind_first_phone`, decision 312). Read only for an employee
    whose phone was reset and not bound again, with an approved face: the default sheet's only accounts activated
    before, few. A bound employee on a reprint for all is not read (a read each, 500 in a unit, would cost seconds
    of the sheet's 29 s): their card is refused at its use."""
    if employee.device_bound or employee.device_reset_at is None or not employee.enrolled:
        return False
    if not faces.vouched_by(actor.subject, employee.nip, now):
        return False
    account = runtime.people().employee_account(employee.nip)
    return account is not None and account.credentials.password_hash is not None


def _card(employee: Employee, code: str, expires: str, base_url: str) -> Card:
    return Card(employee.nama, employee.nip, code, expires, activation_link(base_url, employee.nip, code))


def render_sheet(unit_name: str, cards: Sequence[Card], app_url: str) -> bytes:
    """The A4 PDF: a header per page, then the cards in a 2 x 4 grid (a page with no card says so); each card
    prints how to reach the app at `app_url`."""
    instructions = tuple(pdf_text(line) for line in card_instructions(app_url))
    pdf = CorePdf("portrait")
    pdf.set_auto_page_break(False)
    pdf.set_title(pdf_text(f"Kode aktivasi SMART - {unit_name}"))
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(cards), 1), per_page):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 11)
        pdf.set_xy(MARGIN, 6)
        pdf.cell(0, 5, pdf_text(f"Kode aktivasi SMART - {unit_name}"))
        if not cards:
            pdf.set_xy(MARGIN, 20)
            pdf.set_font("Helvetica", "", 11)
            pdf.cell(0, 6, "Semua pegawai unit ini sudah aktif.")
        for index, card in enumerate(cards[start : start + per_page]):
            x = MARGIN + (index % COLUMNS) * CARD_W
            y = 14 + (index // COLUMNS) * CARD_H
            _draw_card(pdf, card, x, y, instructions)
    return bytes(pdf.output())


def qr_matrix(link: str) -> tuple[bytearray, ...]:
    """The QR code of `link` (error correction M), dark modules truthy. The mask is fixed: every mask gives a
    valid code, and choosing the best of eight took most of a sheet's time (decision 69)."""
    return tuple(segno.make_qr(link, error="m", mask=0, boost_error=False).matrix)


def _qr_runs(matrix: Sequence[bytearray]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of every run of dark modules in a row."""
    runs = []
    for row, modules in enumerate(matrix):
        column, width = 0, len(modules)
        while column < width:
            if not modules[column]:
                column += 1
                continue
            start = column
            while column < width and modules[column]:
                column += 1
            runs.append((row, start, column - start))
    return runs


def _draw_qr(pdf: FPDF, link: str, x: float, y: float, size: float) -> None:
    """The QR code as ONE filled path of rectangles, one per run of dark modules in a row, written as PDF
    operators (no image to encode or parse; `pdf.rect` per run cost ~15 µs each, ~360 a card)."""
    matrix = qr_matrix(link)
    module, k, top = size / len(matrix), pdf.k, pdf.h - y
    pdf.set_fill_color(0, 0, 0)
    path = " ".join(
        f"{(x + start * module) * k:.2f} {(top - row * module) * k:.2f} {length * module * k:.2f} {-module * k:.2f} re"
        for row, start, length in _qr_runs(matrix)
    )
    pdf._out(f"{path} f")  # fpdf2's own writer of page content (what `rect` calls), once for the whole code


def _wrapped(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """`text` broken at spaces (a word wider than a line in `_pieces`) into lines of at most `width` mm in the
    current font (a longer last line is cut with "..."); cheaper than fpdf2's `multi_cell`, which lays out every
    line as styled fragments."""
    lines: list[str] = []
    for word in (piece for whole in text.split() for piece in _pieces(pdf, whole, width)):
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and pdf.get_string_width(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines, rest = lines[:max_lines], lines[max_lines:]
        last = " ".join([lines[-1], *rest])
        while last and pdf.get_string_width(f"{last}...") > width:
            last = last[:-1]
        lines[-1] = f"{last.rstrip()}..."
    return lines or [""]


def _pieces(pdf: FPDF, word: str, width: float) -> list[str]:
    """`word` as parts of at most `width` mm, cut after its last "," that fits (between a name and its titles),
    else its last "." or "-", else where it no longer fits: a name typed without spaces
    ("Dr.H.ABDURRAHMAN,S.Pd.,M.Pd.") ran into the QR code beside it, and a code drawn over does not scan."""
    pieces: list[str] = []
    while pdf.get_string_width(word) > width:
        end = 1
        while end < len(word) and pdf.get_string_width(word[: end + 1]) <= width:
            end += 1
        mark = word.rfind(",", 0, end)
        mark = mark if mark > 0 else max(word.rfind(".", 0, end), word.rfind("-", 0, end))
        end = mark + 1 if mark > 0 else end
        pieces, word = [*pieces, word[:end]], word[end:]
    return [*pieces, word] if word else pieces


def _text(pdf: FPDF, x: float, baseline: float, text: str, *, font: tuple[str, float]) -> None:
    pdf.set_font("Helvetica", *font)
    pdf.text(x, baseline, text)


def _draw_card(pdf: FPDF, card: Card, x: float, y: float, instructions: Sequence[str]) -> None:
    """One card: its border, the QR code on the right, name, NIP, code and expiry on the left, the instructions
    across the bottom; every line placed at its baseline with `pdf.text` (no cell layout)."""
    pdf.set_draw_color(150, 150, 150)
    pdf.set_dash_pattern(dash=1.5, gap=1.5)
    pdf.rect(x, y, CARD_W - 2, CARD_H - 2)
    pdf.set_dash_pattern()
    _draw_qr(pdf, card.link, x + CARD_W - 36, y + 4, 30)
    left = x + 3
    pdf.set_font("Helvetica", "B", 10)
    name_lines = _wrapped(pdf, pdf_text(card.nama), CARD_W - 42, NAME_LINES)
    for line_no, line in enumerate(name_lines):
        pdf.text(left, y + 6.3 + line_no * 4.5, line)
    below = y + 3 + 4.5 * len(name_lines)
    _text(pdf, left, below + 3.6, f"NIP: {card.nip}", font=("", 9))
    _text(pdf, left, below + 10.5, card.code, font=("B", 14))
    _text(pdf, left, below + 15.0, "Kode aktivasi", font=("", 8))
    pdf.text(left, below + 19.0, f"Berlaku sampai {card.expires}")
    for line_no, line in enumerate(instructions):
        _fitted(pdf, line, CARD_W - 8)
        pdf.text(left, y + 40.5 + line_no * 3.4, line)


def _fitted(pdf: FPDF, line: str, width: float) -> None:
    """The instructions' font, smaller for a line that would not fit (a regency's long address)."""
    size = INSTRUCTION_PT
    pdf.set_font("Helvetica", "", size)
    while size > MIN_INSTRUCTION_PT and pdf.get_string_width(line) > width:
        size -= 0.5
        pdf.set_font_size(size)
