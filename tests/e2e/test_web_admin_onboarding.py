"""The admin console's onboarding of many employees in a real browser against the local stack (the `world` of
conftest.py: a stack of this module's own): a unit's faces awaiting approval listed on "Pegawai"
("Tampilkan: Menunggu persetujuan wajah") and approved there, and a name found across every unit ("Semua unit",
the API's search) with the units listed by name.

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from tests.e2e.web_console import PASSWORD, Desk, World, _admin_user, _expect, _import_unit, _self_enrol, expect
from tools.nips import fresh_nip


def test_a_units_faces_awaiting_approval_are_listed_on_pegawai_and_approved_there(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a unit where one employee enrolled their face in the app and another never tried
    tag = secrets.token_hex(2).upper()
    unit_id, unit_name = f"ANTRE-{tag}", f"SD Negeri Antrean {tag}"
    (waiting, waiting_name), (idle, idle_name) = (fresh_nip(), f"Yuni Rahayu {tag}"), (fresh_nip(), f"Agus Salim {tag}")
    _import_unit(world.admin, unit_id, unit_name, [(waiting, waiting_name), (idle, idle_name)])
    template_id = _self_enrol(world, waiting)
    # WHEN the unit's admin asks "Pegawai" for the faces awaiting approval
    d = desk()
    d.login(*_admin_user(world, "unit_admin", [unit_id]))
    d.open("Pegawai")
    page = d.page
    # ... whose list already tells the waiting face from none ("Menunggu", not "Belum")
    listed = page.get_by_role("table", name=re.compile(r"^Daftar pegawai"))
    expect(listed.get_by_role("row").filter(has_text=waiting_name).locator('td[data-label="Wajah"]')).to_have_text(
        "Menunggu"
    )
    expect(listed.get_by_role("row").filter(has_text=idle_name).locator('td[data-label="Wajah"]')).to_have_text("Belum")
    page.get_by_label("Tampilkan").select_option(label="Menunggu persetujuan wajah")
    queue = page.get_by_role("region", name="Wajah menunggu persetujuan")
    # THEN the waiting face is listed with its employee's name (a link to their page), NIP, time and who enrolled
    # it; the employee who never tried is not
    row = queue.get_by_role("row").filter(has_text=waiting_name)
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=waiting_name)).to_have_attribute("href", f"#/pegawai/{waiting}")
    expect(row.locator('td[data-label="NIP"]')).to_have_text(waiting)
    expect(row.locator('td[data-label="Didaftarkan"]')).to_have_text(re.compile(r"\d{4}"))
    expect(row.locator('td[data-label="Oleh"]')).to_have_text("Pegawai (aplikasi)")
    expect(row.get_by_role("img", name=f"Wajah {waiting_name} yang menunggu persetujuan")).to_be_visible()
    expect(queue).not_to_contain_text(idle_name)
    d.settled()
    d.axe("antrean wajah")
    d.shot("pegawai-antrean-wajah")
    # AND approving it there approves it in the API
    row.get_by_role("button", name="Setujui Wajah").click()
    expect(row.get_by_role("status")).to_have_text("Wajah disetujui.")
    expect(row.get_by_role("button", name="Setujui Wajah")).to_have_count(0)
    faces = _expect(world.admin.get(f"/v1/admin/employees/{waiting}/faces"), 200, "faces")["items"]
    assert [(f["template_id"], f["status"]) for f in faces] == [(template_id, "approved")], faces
    d.assert_clean()


def test_a_super_admin_finds_a_name_in_every_unit_and_the_units_are_listed_by_name(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN two units whose ids run against their names, and an employee of the one listed last
    tag = secrets.token_hex(2).upper()
    first, last = f"SD Negeri Anggrek {tag}", f"SMP Negeri Zaitun {tag}"
    sought = f"Joko Ujang Hidayat {tag}"
    nip = fresh_nip()
    _import_unit(world.admin, f"URUT-A-{tag}", last, [(nip, sought)])
    _import_unit(world.admin, f"URUT-B-{tag}", first, [(fresh_nip(), f"Rina Kartika {tag}")])
    d = desk(admin="bootstrap")
    d.open("Pegawai")
    page = d.page
    # THEN the unit dropdown lists the units by name, after "Semua unit"
    options = page.get_by_label("Unit").locator("option").all_inner_texts()
    assert options.index(first) < options.index(last), options
    assert options[0] == "Semua unit", options
    # WHEN the super admin searches the full name from the unit shown first, THEN it is not there...
    page.get_by_label("Cari nama atau NIP").fill(sought)
    expect(page.get_by_text("Tidak ada pegawai yang cocok.")).to_be_visible()
    # ... AND searching every unit (through the server) finds them, with their unit
    page.get_by_role("button", name="Cari di Semua Unit").click()
    expect(page.get_by_label("Unit")).to_have_value("")
    row = page.get_by_role("row").filter(has_text=nip)
    expect(row.locator('td[data-label="Unit"]')).to_have_text(last)
    d.settled()
    row.get_by_role("link", name=sought).click()
    expect(page.get_by_role("heading", name=sought)).to_be_visible()
    d.assert_clean()


def test_adopsi_counts_the_faces_held_up_by_a_unit_admin_and_leads_to_that_units_queue(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a unit where one employee enrolled their face in the app and no admin decided it yet
    tag = secrets.token_hex(2).upper()
    unit_id, unit_name = f"TUNGGU-{tag}", f"SD Negeri Tunggu {tag}"
    waiting, waiting_name = fresh_nip(), f"Sri Wahyuni {tag}"
    _import_unit(world.admin, unit_id, unit_name, [(waiting, waiting_name), (fresh_nip(), f"Dedi Kurnia {tag}")])
    _self_enrol(world, waiting)
    # WHEN BKPSDM opens "Adopsi"
    d = desk(admin="bootstrap")
    d.open("Adopsi")
    page = d.page
    table = page.get_by_role("table", name=re.compile("^Adopsi per unit"))
    expect(table).to_have_accessible_name(re.compile(r"^Adopsi per unit pada \d{1,2} [A-Z][a-z]+ \d{4}$"))  # as read
    # THEN the unit's row counts one employee held up by the admin alone, as a link to the unit's queue
    held = table.get_by_role("row").filter(has_text=unit_name).locator('td[data-label="Menunggu persetujuan wajah"]')
    expect(held).to_have_text("1")
    d.axe("adopsi")
    held.get_by_role("link", name="1").click()
    # AND the link opens "Pegawai" on that unit with the faces awaiting approval shown, the employee among them
    expect(page.get_by_label("Unit", exact=True)).to_have_value(unit_id)
    expect(page.get_by_label("Tampilkan")).to_have_value("face-pending")
    queue = page.get_by_role("region", name="Wajah menunggu persetujuan")
    expect(queue.get_by_role("row").filter(has_text=waiting_name)).to_have_count(1)
    d.assert_clean()


def test_a_school_operator_printing_the_sheet_is_told_their_own_card_comes_from_another_admin(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a school whose operator (its unit admin) is one of its teachers, neither of them activated yet
    tag = secrets.token_hex(2).upper()
    unit_id, unit_name = f"OPS-{tag}", f"SD Negeri Operator {tag}"
    (own, own_name), colleague = (fresh_nip(), f"Rina Operator {tag}"), fresh_nip()
    _import_unit(world.admin, unit_id, unit_name, [(own, own_name), (colleague, f"Hadi Guru {tag}")])
    username = f"konsol-operator-{tag.lower()}"
    body = {"username": username, "password": PASSWORD, "role": "unit_admin", "unit_ids": [unit_id], "nip": own}
    _expect(world.admin.post("/v1/admin/users", body), 201, "operator")
    # WHEN the operator prints the school's activation sheet
    d = desk()
    d.login(username, PASSWORD)
    page = d.page
    page.goto(f"/admin/#/pegawai?unit={unit_id}")
    page.get_by_role("button", name="Cetak Kode Aktivasi").click()
    with page.context.expect_page():
        page.get_by_role("button", name="Ya, cetak kode aktivasi").click()
    # THEN the console says one card was made and that the operator's own has to come from another admin (the
    # sheet leaves it out), rather than the operator finding it missing in the hall
    said = page.get_by_role("status").filter(has_text="kode aktivasi dibuat")
    expect(said).to_contain_text("1 kode aktivasi dibuat")
    expect(said).to_contain_text(f"Tanpa kartu, kodenya harus dibuat admin lain: {own_name} (data Anda sendiri).")
    d.assert_clean()


def test_an_employee_whose_face_was_rejected_is_listed_to_enrol_again(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a unit where one employee's face was rejected (too dark) and another never sent one
    tag = secrets.token_hex(2).upper()
    unit_id, unit_name = f"TOLAK-{tag}", f"SD Negeri Tolak {tag}"
    (rejected, rejected_name), idle_name = (fresh_nip(), f"Wawan Setiawan {tag}"), f"Nina Marlina {tag}"
    _import_unit(world.admin, unit_id, unit_name, [(rejected, rejected_name), (fresh_nip(), idle_name)])
    template_id = _self_enrol(world, rejected)
    decided = world.admin.post(f"/v1/admin/faces/{template_id}", {"decision": "reject", "note": "terlalu gelap"})
    _expect(decided, 200, "rejection")
    # WHEN the unit's admin opens Pegawai
    d = desk(admin="bootstrap")
    page = d.page
    page.goto(f"/admin/#/pegawai?unit={unit_id}")
    listed = page.get_by_role("table", name=re.compile(r"^Daftar pegawai"))
    # THEN the rejected employee's Wajah says so, apart from the one who never sent a face
    face = listed.get_by_role("row").filter(has_text=rejected_name).locator('td[data-label="Wajah"]')
    expect(face).to_have_text("Ditolak")
    expect(listed.get_by_role("row").filter(has_text=idle_name).locator('td[data-label="Wajah"]')).to_have_text("Belum")
    # AND "Wajah ditolak (daftar lagi)" lists only them: the ones to tell to enrol again in the hall
    page.get_by_label("Tampilkan").select_option(label="Wajah ditolak (daftar lagi)")
    expect(listed.get_by_role("row").filter(has_text=rejected_name)).to_have_count(1)
    expect(listed).not_to_contain_text(idle_name)
    d.axe("pegawai-wajah-ditolak")
    d.assert_clean()
