"""The console's "Zona" screen without a base map or a mouse (the `world` of conftest.py: a stack of this
module's own, one unit with an enrolled, activated employee): a school's circle placed by a pasted "lat, lon"
pair and a polygon typed one corner a line, the zone limits named in the refusal; a zone's shape changed with
"Ubah bentuk" (another admin's change in between is caught and explained), which a unit admin is not offered;
field duties listed with the employees' names, a readable letter and their dates as people read them.

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tests.e2e.web_console import CENTRE, Desk, World, _expect, _jakarta_today, day_text, expect


def _zone_named(world: World, name: str) -> dict[str, Any]:
    zones = _expect(world.admin.get("/v1/admin/zones?geometry=true"), 200, "zones")["items"]
    return next(z for z in zones if z["name"] == name)


def test_a_school_is_placed_by_typed_coordinates_with_the_keyboard(world: World, desk: Callable[..., Desk]) -> None:
    d = desk(admin="bootstrap")
    page = d.page
    d.open("Zona")
    panel = page.get_by_role("region", name="Gambar zona")
    tag = secrets.token_hex(2).upper()

    # A circle: the pair a phone's map app copies (here with decimal commas) pasted into "Lintang" fills both
    panel.get_by_role("button", name="Gambar Lingkaran").press("Enter")
    panel.get_by_label("Lintang").fill("-6,8468, 107,4857")
    expect(panel.get_by_label("Lintang")).to_have_value("-6.8468")
    expect(panel.get_by_label("Bujur")).to_have_value("107.4857")
    expect(panel.get_by_role("status")).to_contain_text("Pusat -6.846800, 107.485700.")
    # ... a radius beyond the limits is refused with the limits named (ZoneConfig's, from the API)
    panel.get_by_label("Jari-jari (meter)").fill("6000")
    panel.get_by_label("Nama zona").fill(f"SD Ketik {tag}")
    panel.get_by_label("Nama zona").press("Enter")
    expect(page.get_by_role("alert")).to_have_text("Jari-jari harus 10–5.000 meter.")
    panel.get_by_label("Jari-jari (meter)").fill("60")
    panel.get_by_label("Nama zona").press("Enter")
    expect(page.get_by_role("status").filter(has_text="Zona tersimpan")).to_be_visible()
    assert _zone_named(world, f"SD Ketik {tag}")["geometry"]["circle"] == {
        "lat": -6.8468,
        "lon": 107.4857,
        "radius_m": 60,
    }

    # A polygon typed one corner a line; a line with lat and lon swapped is named before anything is sent
    panel.get_by_role("button", name="Gambar Poligon").press("Enter")
    corners = [(-6.8460, 107.4850), (-6.8460, 107.4857), (-6.8467, 107.4857), (-6.8467, 107.4850)]
    lines = [f"{lat}, {lon}" for lat, lon in corners]
    panel.get_by_label("Titik sudut").fill("\n".join([lines[0], "107.4857, -6.846", *lines[2:]]))
    expect(panel.locator("p.error")).to_contain_text("Baris 2: Lintang dan bujur tertukar?")
    panel.get_by_label("Titik sudut").fill("\n".join(lines))
    expect(panel.get_by_role("status")).to_contain_text("(4 titik)")
    expect(panel.get_by_role("status")).to_contain_text("sel H3 (resolusi")  # the preview, as for clicks
    panel.get_by_label("Nama zona").fill(f"Kebun Ketik {tag}")
    panel.get_by_role("button", name="Simpan Zona").press("Enter")
    expect(page.get_by_role("status").filter(has_text="Zona tersimpan")).to_be_visible()
    assert [tuple(p) for p in _zone_named(world, f"Kebun Ketik {tag}")["geometry"]["polygon"]] == corners
    d.axe("zona ketik")
    d.assert_clean(lambda status, path: status == 400 and path == "/v1/admin/zones")


def test_a_zone_s_shape_is_changed_and_another_admin_s_change_meanwhile_is_not_overwritten_unasked(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a zone of 100 m
    name = f"Halaman Ubah {secrets.token_hex(2).upper()}"
    circle = {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 100}
    made = _expect(world.admin.post("/v1/admin/zones", {"name": name, "circle": circle}), 201, "zone")
    path = f"/v1/admin/zones/{made['zone_id']}"
    d = desk(admin="bootstrap")
    page = d.page
    d.open("Zona")
    # WHEN the super admin opens it with "Ubah bentuk": its shape is in the panel, ready to change
    page.get_by_role("row").filter(has_text=name).get_by_role("button", name="Ubah bentuk").click()
    panel = page.get_by_role("region", name="Gambar zona")
    expect(panel.get_by_role("heading")).to_have_text(f"Ubah bentuk zona {name}")
    expect(panel.get_by_role("heading")).to_be_focused()
    expect(panel.get_by_label("Lintang")).to_have_value(str(CENTRE[0]))
    expect(panel.get_by_label("Jari-jari (meter)")).to_have_value("100")
    d.shot("zona-ubah")
    # ... another admin widens it meanwhile, and this one saves 80 m
    _expect(world.admin.put(path, {"circle": {**circle, "radius_m": 120}}), 200, "other admin's change")
    panel.get_by_label("Jari-jari (meter)").fill("80")
    panel.get_by_role("button", name="Simpan Perubahan").click()
    # THEN nothing is overwritten unasked, and the console says why and what to do
    expect(page.get_by_role("alert")).to_contain_text(
        f"Zona {name} sudah diubah admin lain sejak Anda membukanya, jadi perubahan Anda belum disimpan."
    )
    assert _expect(world.admin.get(path), 200, "zone")["geometry"]["circle"]["radius_m"] == 120
    # ... saving again keeps this admin's shape, knowingly
    panel.get_by_role("button", name="Simpan Perubahan").click()
    expect(page.get_by_role("status").filter(has_text=f"Zona {name} diubah")).to_be_visible()
    stored = _expect(world.admin.get(path), 200, "zone")
    assert stored["geometry"]["circle"]["radius_m"] == 80 and stored["version"] == 3, stored
    d.assert_clean(lambda status, at: (status, at) == (409, path))  # the API refused the change drawn from v1

    # A unit admin draws and changes no zone: no drawing panel, no "Ubah bentuk"
    u = desk(admin="unit_admin")
    u.open("Zona")
    expect(u.page.get_by_role("row").filter(has_text=f"Halaman {world.unit_name}")).to_be_visible()
    expect(u.page.get_by_role("region", name="Gambar zona")).to_have_count(0)
    expect(u.page.get_by_role("button", name="Ubah bentuk")).to_have_count(0)
    u.assert_clean()


def test_field_duties_show_the_employees_names_and_a_readable_letter(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a field duty made by approving the employee's request (no letter number of its own) and a letter of
    # two units' employees
    day = (date.fromisoformat(_jakarta_today()) + timedelta(days=3 + secrets.randbelow(20))).isoformat()
    tag = secrets.token_hex(3)
    asked = {"type": "DL", "start_date": day, "end_date": day, "reason": f"Rapat kecamatan {tag}"}
    request_id = _expect(world.employee.post("/v1/me/requests", asked), 201, "request")["request_id"]
    _expect(world.admin.post(f"/v1/admin/requests/{request_id}", {"decision": "approve"}), 200, "approve")
    letter = f"800/{tag}/Disdik"
    duty = {
        "nips": [world.nip, world.other_nip],
        "circle": {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 100},
        "start_date": day,
        "end_date": day,
        "letter_no": letter,
        "reason": f"Lomba guru {tag}",
    }
    _expect(world.admin.post("/v1/admin/assignments", duty), 201, "assignment")
    d = desk(admin="bootstrap")
    page = d.page
    reads = d.requests_to("/v1/admin/employees?")
    d.open("Zona")
    table = page.get_by_role("table", name="Penugasan dinas luar")
    # THEN the approved request reads as such, with the employee's name beside the NIP
    from_request = table.get_by_role("row").filter(has_text=f"Rapat kecamatan {tag}")
    expect(from_request.locator('td[data-label="Surat tugas"]')).to_have_text("Dari pengajuan pegawai")
    expect(from_request.locator('td[data-label="Pegawai"]')).to_have_text(f"{world.nama} {world.nip}")
    # ... its one day as people read it ("3 Desember 2026", not the API's ISO form), as its Batalkan names it
    expect(from_request.locator('td[data-label="Tanggal"]')).to_have_text(day_text(day))
    cancel = f"Batalkan dinas luar {world.nama} {day_text(day)}"
    expect(from_request.get_by_role("button", name=cancel, exact=True)).to_have_count(1)
    # ... and the letter of two units, one row a unit, each with its employee's name
    rows = table.get_by_role("row").filter(has_text=letter)
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=world.nama)).to_contain_text(world.nip)
    expect(rows.filter(has_text=world.other_nama)).to_contain_text(world.other_nip)
    expect(table).not_to_contain_text("PENGAJUAN r-")
    d.shot("zona-dinas-luar")
    # ... the names read once per unit, not once per row
    assert len(reads) == 2 and all("unor_id=" in url for url in reads), reads
    # AND the list says which dates it shows (30 days either side of today): a letter for a trip in nine weeks is
    # not among them, and is found by moving "Sampai"
    later = (date.fromisoformat(_jakarta_today()) + timedelta(days=63)).isoformat()
    trip = {**duty, "nips": [world.nip], "start_date": later, "end_date": later, "letter_no": f"{letter}/2"}
    _expect(world.admin.post("/v1/admin/assignments", trip), 201, "assignment")
    expect(page.get_by_label("Sampai")).to_have_value(
        (date.fromisoformat(_jakarta_today()) + timedelta(days=30)).isoformat()
    )
    page.get_by_label("Sampai").fill(later)
    expect(table.get_by_role("row").filter(has_text=f"{letter}/2")).to_have_count(1)
    d.assert_clean()


def test_a_zone_name_written_as_markup_is_shown_as_text_on_the_map(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a zone whose name is markup (a zone name, or a letter number in a letter area's name, is typed by an
    # admin: Leaflet would put a string tooltip in as HTML)
    name = f"<b>Taman</b> <img src=x> {secrets.token_hex(2).upper()}"
    circle = {"lat": CENTRE[0] + 0.003, "lon": CENTRE[1], "radius_m": 60}
    made = _expect(world.admin.post("/v1/admin/zones", {"name": name, "circle": circle}), 201, "zone")
    try:
        d = desk(admin="bootstrap")
        page = d.page
        d.open("Zona")
        page.get_by_role("row").filter(has_text=name).get_by_role("button", name="Lihat").click()
        # WHEN the pointer rests on the zone shown (drawn last, over the others)
        page.locator(".leaflet-overlay-pane path.leaflet-interactive").last.hover(force=True)
        # THEN its tooltip reads the name as written, with no element made of it (another zone's tooltip, opened
        # where the pointer lay as the map drew, may stand beside it: the one with the name's text is this one's;
        # had the name been put in as HTML, no tooltip would read "<b>Taman</b> …")
        tooltip = page.locator(".leaflet-tooltip").filter(has_text=name)
        expect(tooltip).to_have_count(1)
        expect(tooltip).to_have_text(name)
        expect(tooltip.locator("b, img")).to_have_count(0)
        d.assert_clean()
    finally:
        _expect(world.admin.request("DELETE", f"/v1/admin/zones/{made['zone_id']}"), 200, "zone deleted")
