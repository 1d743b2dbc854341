"""The admin console's schedule panels in a real browser against the local stack (the `world` of
conftest.py: a stack of this module's own, one unit with an enrolled, activated employee): the super admin's
"Periode Ramadan" on "Jadwal" (PUT /v1/admin/ramadan/{year}, shown back with GET; what it stored is also read
from the audit log), hidden from a unit admin, and the "Jadwal sif" roster on an employee's page
(PUT /v1/admin/employees/{nip}/shifts), whose effect shows in the employee's own GET /v1/me.

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.attendance.export import month_label
from chalicelib.store.base import iso
from tests.e2e.web_console import PHONE, Desk, World, _expect, _jakarta_today, day_text, expect
from tools.devstack import StackConfig
from tools.devstack_persist import aws_client


def _audit(world: World, action: str, target: str) -> list[dict[str, Any]]:
    """Today's audit entries of `action` on `target`, newest first."""
    query = f"action={action}&target={target}"
    return list(_expect(world.admin.get(f"/v1/admin/audit?{query}"), 200, "audit")["items"])


def _day_ahead(at_least: int) -> str:
    """A date at least `at_least` days after today, at random among the next hundred: no other test's dates
    (nor an earlier run's on the same stack) meet it."""
    return (date.fromisoformat(_jakarta_today()) + timedelta(days=at_least + secrets.randbelow(100))).isoformat()


def _working_day_ahead(at_least: int) -> str:
    """`_day_ahead`, moved back to a Monday-Thursday (the default week's full days): a time correction of a day
    off is refused."""
    day = date.fromisoformat(_day_ahead(at_least))
    while day.weekday() > 3:
        day -= timedelta(days=1)
    return day.isoformat()


def _ramadan_put(status: int, path: str) -> bool:
    return status == 400 and path.startswith("/v1/admin/ramadan/")


def test_a_super_admin_sets_the_ramadan_period_and_a_refused_one_stores_nothing(
    world: World, desk: Callable[..., Desk]
) -> None:
    # Years no other test touches, dates of this run's own: what the audit log holds can only be this test's
    year = 2031 + secrets.randbelow(30)
    start = date(year, 2, 1) + timedelta(days=secrets.randbelow(40))
    end = start + timedelta(days=29)
    refused_year = year + 1
    refused_start = date(refused_year, 3, 1)
    assert _audit(world, "ramadan.put", str(year)) == []
    d = desk(admin="bootstrap")
    page = d.page
    d.open("Jadwal")
    form = page.get_by_role("form", name="Periode Ramadan")
    expect(form.get_by_role("heading", name="Periode Ramadan")).to_be_visible()
    expect(form).to_contain_text("jam kerja Ramadan kabupaten")

    # WHEN the super admin picks the start (the year follows it) and the end, and saves
    form.get_by_label("Mulai").fill(start.isoformat())
    expect(form.get_by_label("Tahun")).to_have_value(str(year))
    expect(form).to_contain_text(f"Belum ada periode Ramadan untuk tahun {year}.")
    form.get_by_label("Selesai").fill(end.isoformat())
    form.get_by_role("button", name="Simpan Periode Ramadan").click()
    # THEN the console names the stored period (its dates as people read them), and the API stored exactly these
    # dates for that year
    period = f"{day_text(start)} – {day_text(end)}"
    expect(form.get_by_role("status")).to_have_text(f"Periode Ramadan {year} tersimpan: {period}.")
    stored = _audit(world, "ramadan.put", str(year))
    assert [(e["actor"], e["details"]) for e in stored] == [
        (world.stack.admin_username, {"start": start.isoformat(), "end": end.isoformat(), "before": None})
    ], stored
    # AND the form shows the period as the API reads it back for that year
    expect(form).to_contain_text(f"Tersimpan untuk {year}: {period}.")
    d.axe("jadwal-ramadan")
    d.shot("jadwal-ramadan")

    # WHEN a period of 40 days is asked for, THEN the API's refusal is shown and nothing is stored
    form.get_by_label("Mulai").fill(refused_start.isoformat())
    form.get_by_label("Tahun").fill(str(refused_year))
    form.get_by_label("Selesai").fill((refused_start + timedelta(days=40)).isoformat())
    with page.expect_response(lambda r: r.request.method == "PUT" and "/v1/admin/ramadan/" in r.url) as answered:
        form.get_by_role("button", name="Simpan Periode Ramadan").click()
    assert (answered.value.status, answered.value.url.rsplit("/", 1)[-1]) == (400, str(refused_year))
    expect(form.get_by_role("alert")).to_have_text("Periode Ramadan tidak valid.")
    expect(form.get_by_role("status")).to_have_count(0)
    assert _audit(world, "ramadan.put", str(refused_year)) == []
    assert len(_audit(world, "ramadan.put", str(year))) == 1
    expect(form).to_contain_text(f"Belum ada periode Ramadan untuk tahun {refused_year}.")
    # AND going back to the first year shows its stored period again
    form.get_by_label("Tahun").fill(str(year))
    expect(form).to_contain_text(f"Tersimpan untuk {year}: {period}.")
    # WHEN the super admin removes it (a period saved by mistake), THEN the year has none, and it is audited
    # (the button is named after the period, as its question: "Hapus periode Ramadan 3 Februari 2031 – ...")
    form.get_by_role("button", name=f"Hapus periode Ramadan {period}", exact=True).click()
    question = f"Hapus periode Ramadan {period}? Rekap hari-harinya dihitung ulang."
    expect(form.get_by_role("group", name=question, exact=True)).to_be_visible()
    form.get_by_role("button", name="Ya, hapus periode", exact=True).click()
    expect(form.get_by_role("status")).to_have_text("Periode Ramadan dihapus.")
    expect(form).to_contain_text(f"Belum ada periode Ramadan untuk tahun {year}.")
    assert [e["details"] for e in _audit(world, "ramadan.delete", str(year))] == [
        {"start": start.isoformat(), "end": end.isoformat()}
    ]
    d.assert_clean(_ramadan_put)


def test_a_unit_admin_does_not_see_the_ramadan_panel(world: World, desk: Callable[..., Desk]) -> None:
    d = desk(PHONE, admin="unit_admin")
    page = d.page
    d.open("Jadwal")
    # The unit's own schedule is theirs to change; the regency's Ramadan period is not
    expect(page.get_by_role("heading", name="Ubah jadwal unit")).to_be_visible()
    expect(page.get_by_role("button", name="Simpan Jadwal", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Periode Ramadan")).to_have_count(0)
    expect(page.get_by_role("button", name="Simpan Periode Ramadan")).to_have_count(0)
    d.assert_clean()


def _shifts_put(nip: str) -> Callable[[Any], bool]:
    return lambda r: r.request.method == "PUT" and r.url.endswith(f"/v1/admin/employees/{nip}/shifts")


def _saved_shifts(page: Any) -> list[list[str]]:
    """The date and hours cells of the "Sif tersimpan" table on the employee page, row by row."""
    table = page.get_by_role("region", name="Jadwal sif pegawai").get_by_role("table")
    expect(table).not_to_contain_text("Memuat")
    rows = table.locator("tbody tr").all()
    return [[c.inner_text().strip() for c in row.locator("td").all()[:3]] for row in rows]


def test_a_unit_admin_enters_a_night_shift_and_a_day_off_on_the_employee_page_at_phone_width(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's roster for today (the module's world): a shift over the whole day
    me = _expect(world.employee.get("/v1/me"), 200, "me")["today"]
    today = _jakarta_today()
    assert (me["date"], me["schedule"]) == (today, {"start": "00:01", "end": "23:59"}), me
    tomorrow = (date.fromisoformat(today) + timedelta(days=1)).isoformat()
    after = (date.fromisoformat(today) + timedelta(days=2)).isoformat()
    d = desk(PHONE, admin="unit_admin")
    page = d.page
    page.goto(f"/admin/#/pegawai/{world.nip}")
    expect(page.get_by_role("heading", name=world.nama)).to_be_visible()
    d.settled()
    form = page.get_by_role("region", name="Jadwal sif pegawai").get_by_role("form", name="Jadwal sif")
    expect(form.get_by_label("Tanggal hari ke-1")).to_have_value(today)  # the first row starts today
    # ... and the saved roster above the form shows today's stored shift as the API reads it back, its date as
    # people read it ("3 Desember 2026"); the roster's fields are named after their date so too
    assert [day_text(today), "00:01", "23:59"] in _saved_shifts(page)

    # A refusal first: the same hours in and out; the API's words are shown and the roster is unchanged
    form.get_by_label(f"Masuk {day_text(today)}").fill("08:00")
    form.get_by_label(f"Pulang {day_text(today)}").fill("08:00")
    with page.expect_response(_shifts_put(world.nip)) as refused:
        form.get_by_role("button", name="Simpan Jadwal Sif").click()
    assert refused.value.status == 400
    expect(form.get_by_role("alert")).to_have_text("Jam sif tidak valid.")
    assert _expect(world.employee.get("/v1/me"), 200, "me")["today"]["schedule"] == {"start": "00:01", "end": "23:59"}

    # WHEN the admin enters 22:00-06:00 today, adds two days (each the day after the row before), makes the
    # first of them "Libur" and removes the other
    form.get_by_label(f"Masuk {day_text(today)}").fill("22:00")
    form.get_by_label(f"Pulang {day_text(today)}").fill("06:00")
    form.get_by_role("button", name="Tambah Hari").click()
    form.get_by_role("button", name="Tambah Hari").click()
    expect(form.get_by_label("Tanggal hari ke-2")).to_have_value(tomorrow)
    expect(form.get_by_label("Tanggal hari ke-3")).to_have_value(after)
    expect(form.get_by_label(f"Masuk {day_text(tomorrow)}")).to_have_value("22:00")  # the hours of the row before
    form.get_by_label(f"Libur {day_text(tomorrow)}").check()
    expect(form.get_by_label(f"Masuk {day_text(tomorrow)}")).to_have_count(0)
    form.get_by_role("button", name=f"Hapus {day_text(after)}", exact=True).click()
    expect(form.get_by_label("Tanggal hari ke-3")).to_have_count(0)
    # Nothing of the page (the roster, the "Jadwal khusus" week table above it) reaches past the 360 px screen
    rightmost = "f => Math.max(...[f, ...f.querySelectorAll('*')].map(e => e.getBoundingClientRect().right))"
    assert form.evaluate(rightmost) <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    d.axe("pegawai-jadwal-sif")
    d.shot("pegawai-jadwal-sif")
    with page.expect_response(_shifts_put(world.nip)) as saved:
        form.get_by_role("button", name="Simpan Jadwal Sif").click()

    # THEN the API took both days as entered: the night shift today, a day off tomorrow, nothing for the removed row
    assert saved.value.status == 200
    assert saved.value.request.post_data_json == {"shifts": {today: {"start": "22:00", "end": "06:00"}, tomorrow: None}}
    # (the day before a changed date is judged again when its recap is stored: a night shift's window reaches it)
    answer = saved.value.json()
    yesterday = (date.fromisoformat(today) - timedelta(days=1)).isoformat()
    assert (answer["nip"], answer["days"]) == (world.nip, 2) and set(answer["recapped"]) <= {yesterday}, answer
    rerun = f" Rekap tanggal {day_text(yesterday)} dihitung ulang." if answer["recapped"] else ""
    saved_days = f"{day_text(today)} – {day_text(tomorrow)}"
    expect(form.get_by_role("status")).to_have_text(f"Jadwal sif tersimpan: 2 hari ({saved_days}).{rerun}")
    expect(form.get_by_role("alert")).to_have_count(0)  # the refusal's words are gone (an empty line is hidden)
    # ... the saved roster shows both dates as stored now (read again from the API after the save)
    saved_table = page.get_by_role("region", name="Jadwal sif pegawai").get_by_role("table")
    expect(saved_table.get_by_role("row").filter(has_text=day_text(tomorrow))).to_contain_text("Libur")
    saved_rows = _saved_shifts(page)
    assert [day_text(today), "22:00", "06:00"] in saved_rows, saved_rows
    assert [day_text(tomorrow), "Libur", "Libur"] in saved_rows, saved_rows
    # ... the employee's today is now the night shift, and the audit log has the unit admin's roster of two days
    me = _expect(world.employee.get("/v1/me"), 200, "me")["today"]
    assert me["schedule"] == {"start": "22:00", "end": "06:00"}, me
    entry = _audit(world, "schedule.shifts", world.nip)[0]
    hours = {today: {"start": "22:00", "end": "06:00"}, tomorrow: None}  # each date's hours, a day off as null
    # ... naming what the two dates had: the world's whole-day shifts it replaced
    before = {today: {"start": "00:01", "end": "23:59"}, tomorrow: {"start": "01:45", "end": "23:59"}}
    details = {"days": 2, "dates": sorted([today, tomorrow]), "hours": hours, "before": before}
    assert (entry["actor"], entry["details"]) == (d.username, details), entry
    d.assert_clean(lambda status, path: (status, path) == (400, f"/v1/admin/employees/{world.nip}/shifts"))


def test_a_roster_date_entered_by_mistake_is_removed_from_the_employee_page(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a day off rostered by mistake for the employee within the page's range (30 days ahead at most), on a
    # date no other test's roster meets
    day = (date.fromisoformat(_jakarta_today()) + timedelta(days=10 + secrets.randbelow(15))).isoformat()
    path = f"/v1/admin/employees/{world.nip}/shifts"
    _expect(world.admin.put(path, {"shifts": {day: None}}), 200, "roster")
    d = desk(admin="unit_admin")
    page = d.page
    page.goto(f"/admin/#/pegawai/{world.nip}")
    expect(page.get_by_role("heading", name=world.nama)).to_be_visible()
    d.settled()
    region = page.get_by_role("region", name="Jadwal sif pegawai")
    row = region.get_by_role("table").get_by_role("row").filter(has_text=day_text(day))
    expect(row).to_contain_text("Libur")
    # WHEN the unit admin removes it (the button named after the date as the row writes it) and confirms
    row.get_by_role("button", name=f"Hapus sif {day_text(day)}", exact=True).click()
    expect(row).to_contain_text(f"Hapus sif {day_text(day)}? Tanggal itu kembali mengikuti jadwal biasa.")
    with page.expect_response(lambda r: r.request.method == "DELETE" and r.url.endswith(f"{path}/{day}")) as gone:
        row.get_by_role("button", name="Ya, hapus").click()
    # THEN the API removed it, the console says so and reads the roster again without it
    assert gone.value.status == 200 and gone.value.json()["removed"] is True
    expect(region.get_by_role("status")).to_have_text("Sif dihapus: tanggal itu mengikuti jadwal biasa.")
    expect(region.get_by_role("table").get_by_role("row").filter(has_text=day_text(day))).to_have_count(0)
    roster = _expect(world.admin.get(f"{path}?from={day}&to={day}"), 200, "roster")
    assert roster["shifts"] == {}, roster
    # AND the audit log has the unit admin's removal of that date
    entry = _audit(world, "schedule.shift_removed", world.nip)[0]
    assert (entry["actor"], entry["details"]) == (d.username, {"date": day}), entry
    d.assert_clean()


def test_an_employee_s_own_schedule_is_listed_and_a_new_version_starts_from_it(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's own schedule as the API holds it (none, or versions of an earlier run of this test)
    path = f"/v1/admin/employees/{world.nip}/schedule"
    before = _expect(world.admin.get(path), 200, "schedule")["versions"]
    tomorrow = (date.fromisoformat(_jakarta_today()) + timedelta(days=1)).isoformat()
    d = desk(admin="unit_admin")
    page = d.page
    page.goto(f"/admin/#/pegawai/{world.nip}")
    panel = page.get_by_role("region", name="Jadwal pegawai")
    table = panel.get_by_role("table", name="Versi jadwal pegawai")
    expect(table).not_to_contain_text("Memuat")
    d.settled()
    if not before:
        expect(table).to_contain_text("Belum ada jadwal khusus: jadwal unit berlaku.")

    # WHEN the unit admin sets, from tomorrow, Monday to Thursday 06:30-13:00 and Friday off
    form = panel.get_by_role("form", name="Jadwal kerja")
    form.get_by_label("Berlaku mulai").fill(tomorrow)
    for day in ("Senin", "Selasa", "Rabu", "Kamis"):
        form.get_by_label(f"Masuk {day}").fill("06:30")
        form.get_by_label(f"Pulang {day}").fill("13:00")
    form.get_by_role("row", name="Jumat").get_by_role("checkbox").uncheck()
    form.get_by_role("button", name="Simpan Jadwal").click()
    expect(form.get_by_role("status")).to_have_text(f"Jadwal tersimpan, berlaku mulai {day_text(tomorrow)}.")

    # THEN the API holds that version, the table lists it (read again), and the form keeps what was entered
    hours = {"start": "06:30", "end": "13:00"}
    versions = _expect(world.admin.get(path), 200, "schedule")["versions"]
    assert len(versions) == len(before) + 1
    assert (versions[-1]["effective_from"], versions[-1]["days"], versions[-1]["created_by"]) == (
        tomorrow,
        dict.fromkeys(("mon", "tue", "wed", "thu"), hours),
        d.username,
    ), versions
    expect(table.get_by_role("row").filter(has_text=d.username)).to_have_count(1)
    expect(table).to_contain_text("Senin 06:30–13:00")
    # AND a new visit starts the form from that latest version, not from the standard week
    page.reload()
    form = page.get_by_role("region", name="Jadwal pegawai").get_by_role("form", name="Jadwal kerja")
    expect(form.get_by_label("Masuk Senin")).to_have_value("06:30")
    expect(form.get_by_label("Masuk Jumat")).to_have_count(0)
    d.assert_clean()


def test_holiday_kinds_and_audit_roles_are_named_in_indonesian_and_a_phone_sorts_the_table(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN holidays of each kind in a year no other test touches, put through the API by the super admin
    year = 2031 + secrets.randbelow(60)
    kinds = {"national": "Libur nasional", "cuti_bersama": "Cuti bersama", "local": "Libur daerah"}
    days = [date(year, 5, day) for day in (2, 10, 30)]  # in words, "10 Mei" sorts before "2 Mei"
    for day, kind in zip(days, kinds, strict=True):
        body = {"name": f"Libur {kind}", "kind": kind}
        _expect(world.admin.put(f"/v1/admin/holidays/{day.isoformat()}", body), 200, "holiday")
    d = desk(PHONE, admin="bootstrap")
    page = d.page
    # WHEN the year's holidays are listed, THEN each kind is named as the console's users say it, and each date as
    # people read it ("2 Mei 2031")
    d.open("Hari Libur")
    page.get_by_label("Tahun").fill(str(year))
    table = page.get_by_role("table", name=f"Hari libur {year}")
    may = [day_text(day) for day in days]
    for day, name in zip(may, kinds.values(), strict=True):
        row = table.locator("tbody tr").filter(has_text=day)
        expect(row.locator('td[data-label="Jenis"]')).to_have_text(name)
    # AND on a phone, where the rows are cards without column heads, the table is sorted with its picker: by the
    # date, not by the words shown
    dates = table.locator('tbody td[data-label="Tanggal"]')
    expect(dates).to_have_text(may)
    picker = page.locator(".table-wrap").filter(has=table).get_by_label("Urutkan baris")
    picker.select_option(label="Tanggal (turun)")
    expect(dates).to_have_text(may[::-1])
    picker.select_option(label="Nama (naik)")
    expect(dates).to_have_text([may[1], may[2], may[0]])  # Libur cuti_bersama, local, national
    picker.select_option(label="Tanggal (naik)")
    expect(dates).to_have_text(may)
    d.axe("hari-libur-ponsel")
    # AND the audit log names the role of whoever put them
    d.open("Log Audit")
    page.get_by_label("Tindakan").select_option("holiday.put")  # a choice of the known actions
    page.get_by_label("Sasaran").fill(days[0].isoformat())
    page.get_by_role("button", name="Tampilkan").click()
    actor = page.get_by_role("table", name="Log audit").locator('tbody td[data-label="Pelaku"]')
    expect(actor).to_have_text([f"{world.stack.admin_username} (Admin BKPSDM)"])  # the one entry of that day
    d.assert_clean()


def test_a_request_is_rejected_only_with_a_reason_the_employee_then_reads(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's request for a day's permit, far enough ahead that no other test's dates meet it
    day = _day_ahead(200)
    reason = f"Urusan keluarga {secrets.token_hex(3)}"
    body = {"type": "IZIN", "start_date": day, "end_date": day, "reason": reason}
    request_id = _expect(world.employee.post("/v1/me/requests", body), 201, "request")["request_id"]
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Pengajuan")
    row = page.get_by_role("row").filter(has_text=reason)
    expect(row).to_have_count(1)
    expect(row.locator('td[data-label="Pegawai"]')).to_have_text(world.nama)  # by name, not by NIP

    # WHEN the unit admin rejects it without a note, THEN the console asks for the reason and nothing is sent
    decisions: list[str] = []
    page.on(
        "request", lambda r: decisions.append(r.url) if r.method == "POST" and "/v1/admin/requests/" in r.url else None
    )
    row.get_by_role("button", name="Tolak").click()
    expect(row.get_by_role("alert")).to_have_text("Tulis alasan penolakan di catatan: pegawai akan membacanya.")
    assert decisions == []

    def mine() -> dict[str, Any]:
        items = _expect(world.employee.get("/v1/me/requests"), 200, "requests")["items"]
        return next(r for r in items if r["request_id"] == request_id)

    assert mine()["status"] == "pending"
    # WHEN they write why and reject, THEN the employee's own list shows the rejection with that note
    note = "Tanggal bertepatan dengan ujian sekolah; ajukan tanggal lain."
    row.get_by_label(f"Catatan untuk {world.nama}").fill(note)
    row.get_by_role("button", name="Tolak").click()
    expect(page.get_by_role("row").filter(has_text=reason)).to_have_count(0)  # gone from the pending list
    decided = mine()
    assert (decided["status"], decided["note"]) == ("rejected", note), decided
    d.assert_clean()


def test_a_time_correction_shows_the_time_it_asks_for_before_the_admin_decides(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's correction of a forgotten arrival long ago: 07:20
    day = _working_day_ahead(-600)
    reason = f"Lupa absen masuk {secrets.token_hex(3)}"
    body = {"type": "KOREKSI", "start_date": day, "end_date": day, "reason": reason, "time": "07:20"}
    _expect(world.employee.post("/v1/me/requests", body), 201, "correction")
    # WHEN the unit admin opens the pending requests, THEN the row says it is the arrival at 07.20
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Pengajuan")
    row = page.get_by_role("row").filter(has_text=reason)
    expect(row.locator('td[data-label="Jenis"]')).to_have_text("Koreksi absen · Masuk 07.20")
    # AND how many corrections of that month are approved already, against the regency's cap of two
    expect(row.get_by_text(f"Koreksi {month_label(day[:7])} yang sudah disetujui: 0 dari 2.")).to_be_visible()
    # AND it is rejected, with why, so that it waits for nobody
    row.get_by_label(f"Catatan untuk {world.nama}").fill("Tidak ada bukti kehadiran pada tanggal itu.")
    row.get_by_role("button", name="Tolak").click()
    expect(page.get_by_role("row").filter(has_text=reason)).to_have_count(0)
    d.assert_clean()


def test_an_approved_time_correction_is_taken_back_only_with_a_reason(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN the employee's correction of a forgotten departure long ago, approved by the BKPSDM officer
    day = _working_day_ahead(-700)
    reason = f"Lupa absen pulang {secrets.token_hex(3)}"
    body = {
        "type": "KOREKSI",
        "start_date": day,
        "end_date": day,
        "reason": reason,
        "time": "16:05",
        "event_type": "out",
    }
    request_id = _expect(world.employee.post("/v1/me/requests", body), 201, "correction")["request_id"]
    _expect(world.admin.post(f"/v1/admin/requests/{request_id}", {"decision": "approve"}), 200, "approval")
    # WHEN the unit admin lists the approved requests and takes it back without a reason, THEN nothing is sent
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Pengajuan")
    page.get_by_label("Status").select_option("approved")
    row = page.get_by_role("row").filter(has_text=reason)
    expect(row.locator('td[data-label="Jenis"]')).to_have_text("Koreksi absen · Pulang 16.05")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and r.url.endswith("/revoke") else None)
    row.get_by_role("button", name="Batalkan Persetujuan").click()
    row.get_by_role("button", name="Ya, batalkan persetujuan").click()
    expect(page.get_by_role("alert").filter(has_text="Tulis alasan pembatalan")).to_be_visible()
    assert sent == []
    # WHEN they write why and confirm, THEN it leaves the approved list and the employee reads it, with why
    note = "Tidak ada bukti kehadiran sampai jam pulang."
    row.get_by_label(f"Alasan pembatalan untuk {world.nama}").fill(note)
    row.get_by_role("button", name="Batalkan Persetujuan").click()
    row.get_by_role("button", name="Ya, batalkan persetujuan").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Persetujuan pengajuan {world.nama} dibatalkan.")
    ).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=reason)).to_have_count(0)
    mine = _expect(world.employee.get("/v1/me/requests"), 200, "requests")["items"]
    assert [(r["status"], r["note"]) for r in mine if r["request_id"] == request_id] == [("cancelled", note)]
    # AND the list of revoked requests shows it, with the reason, who approved it and who took it back
    page.get_by_label("Status").select_option("revoked")
    revoked = page.get_by_role("row").filter(has_text=reason)
    expect(revoked.locator('td[data-label="Catatan"]')).to_have_text(note)
    approver = world.stack.admin_username
    expect(revoked.locator('td[data-label="Diputuskan"]')).to_have_text(
        re.compile(rf"^Disetujui {approver} \(.+\); dibatalkan {d.username} \(.+\)$")
    )
    d.axe("pengajuan-dibatalkan")
    d.assert_clean()


def test_an_approval_that_stopped_half_way_is_finished_from_the_console(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's permit, approved, whose approval then stopped before naming its leave (storage failed):
    # as stored then, approved with no result, two minutes ago
    reason = f"Urusan keluarga {secrets.token_hex(3)}"
    day = _day_ahead(30)
    body = {"type": "IZIN", "start_date": day, "end_date": day, "reason": reason}
    request_id = _expect(world.employee.post("/v1/me/requests", body), 201, "permit")["request_id"]
    approved = _expect(world.admin.post(f"/v1/admin/requests/{request_id}", {"decision": "approve"}), 200, "approval")
    client = aws_client("dynamodb", world.stack.moto, StackConfig.region)
    client.update_item(
        TableName=f"{StackConfig.table_prefix}requests",
        Key={"request_id": {"S": request_id}},
        UpdateExpression="REMOVE result_id SET decided_at = :at",
        ExpressionAttributeValues={":at": {"S": iso(datetime.now(UTC) - timedelta(minutes=2))}},
    )
    # WHEN the unit admin lists the approved requests, THEN that one offers to finish the approval
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Pengajuan")
    page.get_by_label("Status").select_option("approved")
    row = page.get_by_role("row").filter(has_text=reason)
    expect(row).to_contain_text("belum selesai tercatat")
    d.axe("pengajuan-belum-selesai")
    # WHEN they finish it, THEN it names the leave its first try stored (one leave, not two) and offers it no more
    row.get_by_role("button", name="Selesaikan Persetujuan").click()
    expect(
        page.get_by_role("status").filter(has_text=f"Persetujuan pengajuan {world.nama} diselesaikan.")
    ).to_be_visible()
    expect(row.get_by_role("button", name="Selesaikan Persetujuan")).to_have_count(0)
    mine = _expect(world.employee.get("/v1/me/requests"), 200, "requests")["items"]
    assert [r["result_id"] for r in mine if r["request_id"] == request_id] == [approved["result_id"]]
    leaves = _expect(
        world.admin.get(f"/v1/admin/leaves?from={body['start_date']}&to={body['start_date']}"), 200, "leaves"
    )
    assert [leave["leave_id"] for leave in leaves["items"] if leave["reason"] == reason] == [approved["result_id"]]
    d.assert_clean()


def test_a_leave_recorded_in_the_console_is_listed_by_name_and_cancelled(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN a day of sick leave to record for the employee, far ahead of every other test's dates
    day = _day_ahead(400)
    reason = f"Demam {secrets.token_hex(3)}"
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Cuti & Izin")
    # WHEN the unit admin records it
    form = page.get_by_role("form", name="Catat cuti atau izin")
    form.get_by_label("NIP pegawai").fill(world.nip)
    form.get_by_label("Jenis").select_option("SAKIT")
    form.get_by_label("Tanggal mulai").fill(day)
    form.get_by_label("Tanggal selesai").fill(day)
    form.get_by_label("Alasan").fill(reason)
    form.get_by_role("button", name="Simpan Cuti/Izin").click()
    expect(page.get_by_role("status").filter(has_text="Cuti/izin tercatat.")).to_be_visible()

    # THEN the API holds it, and the list of that day shows it by the employee's name and the kind in words
    query = f"unor_id={world.unit_id}&from={day}&to={day}"
    leaves = [
        le
        for le in _expect(world.admin.get(f"/v1/admin/leaves?{query}"), 200, "leaves")["items"]
        if le["reason"] == reason
    ]
    assert [(le["nip"], le["nama"], le["type"], le["start_date"]) for le in leaves] == [
        (world.nip, world.nama, "SAKIT", day)
    ], leaves
    # ... the list moved to the day saved (over a year ahead of this month: that day alone)
    expect(page.get_by_label("Dari")).to_have_value(day)
    expect(page.get_by_label("Sampai")).to_have_value(day)
    page.get_by_label("Sampai").fill(_day_ahead(0))  # before "Dari" for a moment: said here, not asked of the API
    expect(page.get_by_text("Tanggal 'Dari' harus sebelum atau sama dengan 'Sampai'.")).to_be_visible()
    page.get_by_label("Sampai").fill(day)
    row = page.get_by_role("table", name="Cuti dan izin").locator("tbody tr").filter(has_text=reason)
    expect(row.locator('td[data-label="Pegawai"]')).to_have_text(world.nama)
    expect(row.locator('td[data-label="Jenis"]')).to_have_text("Sakit")
    expect(row.locator('td[data-label="Mulai"]')).to_have_text(day_text(day))  # as people read it, not ISO
    expect(row.locator('td[data-label="Selesai"]')).to_have_text(day_text(day))

    # WHEN it is cancelled (after the confirmation), THEN it leaves the list and the API's
    row.get_by_role("button", name="Batalkan").click()
    row.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_role("status").filter(has_text="Cuti/izin dibatalkan.")).to_be_visible()
    expect(row).to_have_count(0)
    after = _expect(world.admin.get(f"/v1/admin/leaves?{query}"), 200, "leaves")["items"]
    assert [le for le in after if le["reason"] == reason] == []
    d.assert_clean()
