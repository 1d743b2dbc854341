"""The admin console's "SIMPEG" and "Log Audit" screens in a real browser against a local stack of this module's own
(its SIMPEG simulator's 40 employees; no faces needed): a sync held back says so and what to do, and shows as
replaced once a later sync ran; a run's refused rows open with their NIPs; the import names the title columns it
reads and the NIP of each refused row, and a held import shows as replaced once its file was confirmed; the audit
log reads in Indonesian (actions, roles, details) and fits a laptop's width.

Skipped like test_web_admin.py when chromium or the built console (`make web`) is missing.
"""

from __future__ import annotations

import json
import re
import secrets
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.conftest import require_app
from tests.e2e.web_console import LAPTOP, PASSWORD, PHONE, Desk, _expect, expect
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient
from tools.nips import fresh_nip

WIDE_LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def stack() -> Iterator[StackUrls]:
    require_app()
    with LocalStack.for_tests(simpeg_size=40) as urls:
        yield urls


@pytest.fixture(scope="module")
def admin(stack: StackUrls) -> ApiClient:
    client = ApiClient(stack.api)
    _expect(client.login_admin(stack.admin_username, stack.admin_password), 200, "admin login")
    return client


@pytest.fixture
def desk(stack: StackUrls, console_tab: Callable[..., Desk]) -> Callable[..., Desk]:
    """A tab signed in as the stack's super admin."""

    def make(viewport: dict[str, int] = LAPTOP) -> Desk:
        d = console_tab(stack.api, viewport=viewport)
        d.login(stack.admin_username, stack.admin_password)
        return d

    return make


def _simpeg(stack: StackUrls, command: dict[str, Any]) -> None:
    """Tell the SIMPEG simulator to change its data or misbehave (tools/simpeg_sim.py `/_control`)."""
    body = json.dumps(command).encode()
    request = urllib.request.Request(f"{stack.simpeg}/_control", body, {"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).close()


def _simpeg_nip(stack: StackUrls) -> str:
    request = urllib.request.Request(
        f"{stack.simpeg}/api/v1/pegawai?page=1&limit=1", headers={"X-API-Key": "local-simpeg-key"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(json.load(answer)["data"][0]["nipBaru"])


def _import(admin: ApiClient, unit: str, people: list[tuple[str, str]], unit_name: str = "") -> None:
    named = unit_name or f"SD {unit}"
    rows = [
        {"nip": nip, "nama": nama, "unor_id": unit, "unor_nama": named, "jabatan": "Guru", "status": "aktif"}
        for nip, nama in people
    ]
    assert not _expect(admin.post("/v1/admin/simpeg/import", {"employees": rows}), 200, "import")["errors"]


def test_a_held_sync_says_so_and_is_replaced_by_the_next_and_refused_rows_open_with_their_nips(
    stack: StackUrls, desk: Callable[..., Desk]
) -> None:
    d = desk()
    page = d.page
    d.open("SIMPEG")
    sync = page.get_by_role("button", name="Sinkronkan Sekarang")
    done = page.get_by_role("status").filter(has_text="Sinkronisasi")
    history = page.get_by_role("table", name="Riwayat sinkronisasi dan impor")
    # GIVEN SIMPEG's employees synced
    sync.click()
    expect(done).to_contain_text("Sinkronisasi selesai:")
    # WHEN SIMPEG answers an empty list once and a sync runs
    _simpeg(stack, {"action": "fault", "kind": "empty", "count": 1})
    sync.click()
    # THEN the console says it was held, that nothing changed, and what to do; its row has the button
    expect(done).to_contain_text(
        "Sinkronisasi ditahan; belum ada data yang diubah. Ditahan: daftar pegawai dari SIMPEG kosong; "
    )
    expect(done).to_contain_text("tekan Konfirmasi Sinkronisasi di barisnya")
    held = history.locator("tbody tr").first
    expect(held.locator('td[data-label="Status"]')).to_have_text("Menunggu konfirmasi")
    expect(held.get_by_role("button", name="Konfirmasi Sinkronisasi")).to_be_visible()

    # WHEN one employee's name is lost in SIMPEG and the next sync runs
    nip = _simpeg_nip(stack)
    _simpeg(stack, {"action": "update", "nip": nip, "fields": {"nama": ""}})
    sync.click()
    expect(done).to_contain_text("Sinkronisasi selesai:")
    # THEN the held sync shows as replaced by it, with no button left to press
    replaced = history.locator("tbody tr").nth(1)
    expect(replaced.locator('td[data-label="Status"]')).to_have_text("Digantikan")
    expect(replaced.locator('td[data-label="Aksi"]')).to_contain_text("Digantikan sinkronisasi")
    expect(history.get_by_role("button", name="Konfirmasi Sinkronisasi")).to_have_count(0)
    # AND the new sync's refused row opens with its NIP, row and reason
    refused = history.locator("tbody tr").first.locator('td[data-label="Baris salah"]')
    refused.get_by_text("1 baris salah").click()
    expect(refused.get_by_role("listitem")).to_have_text(
        [re.compile(rf"^NIP {nip} · baris \d+: Kolom 'nama' wajib diisi\.$")]
    )
    d.axe("simpeg-sinkron")
    d.shot("simpeg-sinkron")
    assert d.page_errors == []


def test_an_import_names_its_title_columns_and_refused_nips_and_a_confirmed_file_replaces_its_held_run(
    stack: StackUrls, admin: ApiClient, desk: Callable[..., Desk], tmp_path: Any
) -> None:
    # GIVEN twenty employees in a unit of their own, and a file of two others, one more row without a name
    tag = secrets.token_hex(2).upper()
    _import(admin, f"LAMA-{tag}", [(fresh_nip(), f"Pegawai Lama {tag} {i}") for i in range(20)])
    unit, bad = f"BARU-{tag}", fresh_nip()
    lines = ["nip,nama,gelar_depan,gelar_belakang,unor_id,unor_nama,jabatan,status"]
    lines += [f"{fresh_nip()},Guru {tag} {i},Drs.,M.Pd.,{unit},SD {unit},Guru,aktif" for i in range(2)]
    lines.append(f"{bad},,,,{unit},SD {unit},Guru,aktif")
    file = tmp_path / "pegawai.csv"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = desk()
    page = d.page
    d.open("SIMPEG")
    # WHEN it is imported in full (the label names every column the import reads, the title columns too)
    page.get_by_label(
        re.compile(r"^Berkas CSV atau XLSX \(kolom nip, nama, gelar_depan, gelar_belakang, ")
    ).set_input_files(str(file))
    page.get_by_label("Impor penuh").check()
    page.get_by_role("button", name="Impor", exact=True).click()
    # THEN it is held (everyone else would be deactivated), and the refused row shows with its NIP
    confirm = page.get_by_role("button", name=re.compile(r"^Konfirmasi \d+ penonaktifan$"))
    expect(confirm).to_be_visible()
    refused = page.get_by_role("table", name="Baris yang tidak diimpor")
    expect(refused.locator('tbody td[data-label="NIP"]')).to_have_text([bad])
    history = page.get_by_role("table", name="Riwayat sinkronisasi dan impor")
    expect(history.locator("tbody tr").first.locator('td[data-label="Aksi"]')).to_contain_text(
        "Pilih lagi berkas yang sama"
    )

    # WHEN the same file is confirmed with the count shown
    confirm.click()
    expect(page.get_by_role("status").filter(has_text="Impor selesai: 2 baru")).to_be_visible()
    # THEN the held import shows as replaced by it, no longer asking for its file again
    rows = history.locator("tbody tr")
    expect(rows.first.locator('td[data-label="Status"]')).to_have_text("Berhasil")
    expect(rows.nth(1).locator('td[data-label="Status"]')).to_have_text("Digantikan")
    expect(rows.nth(1).locator('td[data-label="Aksi"]')).to_contain_text("Digantikan impor")
    expect(history).not_to_contain_text("Pilih lagi berkas yang sama")
    assert d.page_errors == []


def test_the_audit_log_reads_in_indonesian_and_fits_a_laptop(
    stack: StackUrls, admin: ApiClient, desk: Callable[..., Desk]
) -> None:
    # GIVEN an employee imported and activated on their phone (their own entry), and a holiday put
    tag = secrets.token_hex(2).upper()
    nip = fresh_nip()
    _import(admin, f"AUDIT-{tag}", [(nip, f"Pegawai Audit {tag}")])
    code = _expect(admin.post(f"/v1/admin/employees/{nip}/activation"), 201, "activation code")["activation_code"]
    body = {"nip": nip, "activation_code": code, "password": PASSWORD, "device_id": secrets.token_hex(16)}
    _expect(ApiClient(stack.api).post("/v1/auth/activate", body), 200, "activation")
    day = f"{2040 + secrets.randbelow(50)}-08-1{secrets.randbelow(10)}"
    _expect(admin.put(f"/v1/admin/holidays/{day}", {"name": f"Libur {tag}", "kind": "cuti_bersama"}), 200, "holiday")
    d = desk(WIDE_LAPTOP)
    page = d.page
    d.open("Log Audit")
    table = page.get_by_role("table", name=re.compile(r"^Log audit"))
    # THEN actions are named in words with their code kept, roles in Indonesian, details as short text
    bound = table.locator("tbody tr").filter(has_text="employee.device_bind")
    expect(bound.locator('td[data-label="Tindakan"]')).to_contain_text("Ponsel pegawai terdaftar")
    expect(bound.locator('td[data-label="Pelaku"]')).to_have_text(f"{nip} (Pegawai)")
    expect(bound.locator('td[data-label="Rincian"]')).to_contain_text("lewat: aktivasi")
    imported = table.locator("tbody tr").filter(has_text="simpeg.import").first
    expect(imported.locator('td[data-label="Tindakan"]')).to_contain_text("Impor berkas SIMPEG")
    expect(imported.locator('td[data-label="Rincian"]')).to_have_text(re.compile(r"^status: berhasil; baru: 1; "))
    expect(table.locator('tbody td[data-label="Rincian"]').filter(has_text="{")).to_have_count(0)
    # AND the log fits the laptop's width: long ids and details wrap
    assert table.evaluate("t => t.parentElement.scrollWidth <= t.parentElement.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDE_LAPTOP["width"]
    d.shot("log-audit")

    # WHEN the holidays put are picked from the actions by name, for that day
    page.get_by_label("Tindakan").select_option(label="Hari libur disimpan")
    page.get_by_label("Sasaran").fill(day)
    page.get_by_role("button", name="Tampilkan").click()
    # THEN that one entry shows, its details in words
    # (a new day's holiday replaced none: "sebelumnya" says so)
    expect(table.locator('tbody td[data-label="Rincian"]')).to_have_text(
        [f"nama: Libur {tag}; jenis: cuti bersama; sebelumnya: –"]
    )
    d.axe("log-audit")
    assert d.page_errors == []


# The console's screens that filter by unit (a select as wide as its longest unit name, unless it may shrink)
UNIT_FILTERED = ("Verifikasi", "Percobaan Ditolak", "Pegawai", "Pengajuan", "Cuti & Izin", "Jadwal", "Rekap")
UNIT_FILTERED += ("Adopsi", "Sidik Jari")


def test_unit_filters_and_the_audit_log_fit_a_phone_with_long_unit_names(
    admin: ApiClient, desk: Callable[..., Desk]
) -> None:
    # GIVEN a unit with a long name and an id of 32 hex digits (one word with no place to break, as SIMPEG's unit
    # ids are), and an audit entry naming that id (its work zones set)
    unit, name = secrets.token_hex(16), "Dinas Kependudukan dan Pencatatan Sipil Kabupaten"
    _import(admin, unit, [(fresh_nip(), "Pegawai Nama Unit Panjang")], unit_name=name)
    _expect(admin.put(f"/v1/admin/units/{unit}/zones", {"zone_ids": []}), 200, "unit zones")
    # WHEN a super admin opens each screen with a unit filter, and the log, on a 360 px phone
    d = desk(PHONE)
    page = d.page
    for menu in (*UNIT_FILTERED, "Log Audit"):
        d.open(menu)
        # THEN nothing of the page reaches past the screen: fields shrink to it, long words wrap in their cards
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], menu
    expect(page.get_by_role("table", name=re.compile(r"^Log audit")).get_by_text(unit)).not_to_have_count(0)
    d.shot("log-audit-ponsel")
    assert d.page_errors == []
