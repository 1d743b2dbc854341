"""The console to a screen reader, in a real browser against the local stack (the `world` of conftest.py: a stack
of this module's own): a change of screen moves the focus to the new screen's heading (a phone's menu closes under
the tapped link, a link inside a screen leaves with it), never on the first load; a row's buttons are named after
the row (a list of buttons tells one pending request, face or leave from another), and a cancellation asks about
the one named.

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tests.e2e.web_console import (
    PHONE,
    Desk,
    World,
    _expect,
    _import_unit,
    _jakarta_today,
    _self_enrol,
    day_text,
    expect,
)
from tools.nips import fresh_nip


def _focused(page: Any) -> str:
    """The focused element: its tag and text."""
    return str(page.evaluate("`${document.activeElement.tagName} ${document.activeElement.textContent}`"))


def _from_menu(page: Any, item: str) -> None:
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name=item, exact=True).click()


def test_a_new_screen_takes_the_focus_at_its_heading_but_not_the_first_load(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a phone (360 px: the menu folds behind "Menu" and closes under the tapped link)
    d = desk(PHONE, admin="unit_admin")
    page = d.page
    # WHEN "Rekap" is tapped in the menu, THEN the focus is on its heading, not fallen to the page
    _from_menu(page, "Rekap")
    expect(page.get_by_role("heading", name="Rekap", exact=True)).to_be_focused()
    assert _focused(page) == "H1 Rekap"
    # ... and so for a screen fetched when first opened ("Memuat…" stands where its heading comes)
    _from_menu(page, "Zona")
    expect(page.get_by_role("heading", name="Zona", exact=True)).to_be_focused()
    # WHEN a link inside a screen leads to another (a unit on Pemantauan, then "← Semua unit"), THEN likewise
    _from_menu(page, "Pemantauan")
    expect(page.get_by_role("heading", name="Pemantauan", exact=True)).to_be_focused()
    page.get_by_role("link", name=world.unit_name, exact=True).click()
    expect(page.get_by_role("heading", name=world.unit_name, exact=True)).to_be_focused()
    page.get_by_role("link", name="← Semua unit").click()
    expect(page.get_by_role("heading", name="Pemantauan", exact=True)).to_be_focused()
    # AND the first load of a screen leaves the focus at the top of the page (a screen reader reads from there)
    page.reload()
    expect(page.get_by_role("heading", name="Pemantauan", exact=True)).to_be_visible()
    d.settled()
    assert _focused(page).startswith("BODY"), _focused(page)
    d.assert_clean()


def _request(world: World, day: date, reason: str) -> None:
    body = {"type": "IZIN", "start_date": day.isoformat(), "end_date": day.isoformat(), "reason": reason}
    _expect(world.employee.post("/v1/me/requests", body), 201, "request")


def test_a_rows_buttons_are_named_after_its_row(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN two pending permits of the employee, far ahead, and a colleague whose face waits for approval
    tag = secrets.token_hex(3)
    first = date.fromisoformat(_jakarta_today()) + timedelta(days=200 + secrets.randbelow(100))
    days = [first, first + timedelta(days=7)]
    for day in days:
        _request(world, day, f"Urusan keluarga {tag}")
    waiting, waiting_name = fresh_nip(), f"Yuni Rahayu {tag}"
    _import_unit(world.admin, world.unit_id, world.unit_name, [(waiting, waiting_name)])
    _self_enrol(world, waiting)
    d = desk(admin="unit_admin")
    page = d.page
    # WHEN "Pengajuan" lists them
    d.open("Pengajuan")
    rows = page.get_by_role("row").filter(has_text=f"Urusan keluarga {tag}")
    expect(rows).to_have_count(2)
    # THEN no button is named only "Setujui" or "Tolak": each names its request, after the word it shows, with
    # its date as the row writes it ("3 Desember 2026", never the ISO form the screen does not show)
    expect(page.get_by_role("button", name="Setujui", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Tolak", exact=True)).to_have_count(0)
    for day in days:
        row = rows.filter(has=page.locator('td[data-label="Tanggal"]', has_text=re.compile(f"^{day_text(day)}$")))
        request = f"pengajuan {world.nama} (Izin, {day_text(day)})"
        expect(row.get_by_role("button", name=f"Setujui {request}", exact=True)).to_have_count(1)
        expect(row.get_by_role("button", name=f"Tolak {request}", exact=True)).to_have_count(1)
        expect(row.get_by_role("button", name="Setujui", exact=True)).to_have_count(0)

    # WHEN a leave of the employee is cancelled on "Cuti & Izin", THEN the question names whose and which days
    start, end = days[1] + timedelta(days=7), days[1] + timedelta(days=9)
    leave = {"nip": world.nip, "type": "SAKIT", "start_date": start.isoformat(), "end_date": end.isoformat()}
    _expect(world.admin.post("/v1/admin/leaves", leave), 201, "leave")
    d.open("Cuti & Izin")
    page.get_by_label("Dari").fill(start.isoformat())
    page.get_by_label("Sampai").fill(end.isoformat())
    row = page.get_by_role("row").filter(has_text=world.nama)
    question = f"Batalkan sakit {world.nama} {day_text(start)} – {day_text(end)}?"  # as the row writes them
    # (the button itself names it too: the question's first sentence)
    expect(row.get_by_role("button", name=question.removesuffix("?"), exact=True)).to_have_count(1)
    row.get_by_role("button", name="Batalkan").click()
    expect(row.get_by_role("group", name=question, exact=True)).to_be_visible()
    row.get_by_role("button", name="Batal", exact=True).click()

    # WHEN the faces awaiting approval are listed, THEN a row's decision and its reason name the employee
    d.open("Pegawai")
    page.get_by_label("Tampilkan").select_option(label="Menunggu persetujuan wajah")
    queue = page.get_by_role("region", name="Wajah menunggu persetujuan")
    face = queue.get_by_role("row").filter(has_text=waiting_name)
    expect(face.get_by_role("button", name=f"Setujui Wajah {waiting_name}", exact=True)).to_be_visible()
    expect(face.get_by_role("button", name=f"Tolak Wajah {waiting_name}", exact=True)).to_be_visible()
    expect(face.get_by_label(f"Alasan bila ditolak (dibaca {waiting_name})", exact=True)).to_be_visible()
    expect(queue.get_by_role("button", name=re.compile(r"^(Setujui|Tolak) Wajah$"))).to_have_count(0)
    d.settled()
    d.axe("nama-tombol-baris")
    d.assert_clean()
