"""The console's decisions in a real browser against the local stack (the `world` of conftest.py: a stack of
this module's own, one unit with an enrolled, activated employee): an approved request says what it did, with the
dates whose recap was judged again, and a field duty's approval carries its letter's number and an area; a
keyboard working through "Verifikasi" stays at the item (the decision under its heading, on screen at 1366x768),
and moves on to the next one after a decision.

Skipped like test_web_admin.py when chromium, the built console (`make web`) or the face photos are missing.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tests.e2e.web_console import CENTRE, Desk, World, _expect, _jakarta_today, day_text, expect

LAPTOP_1366 = {"width": 1366, "height": 768}


def _focused(page: Any) -> str:
    """The focused element: its tag and text."""
    return str(page.evaluate("`${document.activeElement.tagName} ${document.activeElement.textContent}`"))


def _request(world: World, kind: str, day: str, reason: str) -> str:
    body = {"type": kind, "start_date": day, "end_date": day, "reason": reason}
    return str(_expect(world.employee.post("/v1/me/requests", body), 201, "request")["request_id"])


def test_an_approved_field_duty_keeps_its_letter_and_area_and_says_which_days_were_recapped(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN the employee's field duty of yesterday, a day already recapped, and a permit far ahead
    yesterday = (date.fromisoformat(_jakarta_today()) - timedelta(days=1)).isoformat()
    _expect(world.admin.post("/v1/admin/recaps/daily", {"date": yesterday, "unor_id": world.unit_id}), 200, "recap")
    tag = secrets.token_hex(3)
    duty_reason, permit_reason = f"Rapat di dinas {tag}", f"Urusan keluarga {tag}"
    _request(world, "DL", yesterday, duty_reason)
    permit_day = (date.fromisoformat(_jakarta_today()) + timedelta(days=150 + secrets.randbelow(100))).isoformat()
    _request(world, "IZIN", permit_day, permit_reason)
    d = desk(admin="unit_admin")
    page = d.page
    d.open("Pengajuan")

    # WHEN the field duty is approved with the number of its letter and a circle of 150 m around the office
    duty = page.get_by_role("row").filter(has_text=duty_reason)
    duty.get_by_text("Surat tugas dan area (opsional)").click()
    letter = f"800/{tag}/Disdik/2026"
    duty.get_by_label("Nomor surat tugas").fill(letter)
    duty.get_by_label("Pusat area (lintang, bujur)").fill(f"{CENTRE[0]}, {CENTRE[1]}")
    duty.get_by_label("Jari-jari area (meter)").fill("150")
    d.axe("pengajuan-dinas-luar")
    d.shot("pengajuan-dinas-luar")
    with page.expect_response(lambda r: r.request.method == "POST" and "/v1/admin/requests/" in r.url) as sent:
        duty.get_by_role("button", name="Setujui").click()
    circle = {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 150}
    assert sent.value.request.post_data_json == {"decision": "approve", "letter_no": letter, "circle": circle}
    answer = sent.value.json()
    assert answer["recapped"] == [yesterday], answer

    # THEN the outcome names the request, the letter, the area and the recapped day (dates as people write them),
    # and takes the focus
    outcome = page.get_by_role("status")
    expect(outcome).to_have_text(
        f"Pengajuan {world.nama} (Dinas luar, {day_text(yesterday)}) disetujui. Nomor surat tugas: {letter}. Area "
        f"dinas luar: jari-jari 150 m dari titik {CENTRE[0]}, {CENTRE[1]}. Rekap tanggal {day_text(yesterday)} "
        "dihitung ulang."
    )
    expect(outcome).to_be_focused()
    expect(duty).to_have_count(0)
    # AND the field duty's letter carries that number and an area of its own
    query = f"from={yesterday}&to={yesterday}&unor_id={world.unit_id}"
    letters = _expect(world.admin.get(f"/v1/admin/assignments?{query}"), 200, "assignments")["items"]
    assert [bool(a["zone_id"]) for a in letters if a["letter_no"] == letter] == [True], letters

    # WHEN the permit is approved by keyboard, without anything more, THEN its outcome takes the focus in turn
    permit = page.get_by_role("row").filter(has_text=permit_reason)
    permit.get_by_role("button", name="Setujui").focus()
    page.keyboard.press("Enter")
    expect(outcome).to_have_text(f"Pengajuan {world.nama} (Izin, {day_text(permit_day)}) disetujui.")
    expect(outcome).to_be_focused()
    d.assert_clean()


def test_a_keyboard_works_through_the_review_queue_without_losing_its_place(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN two offline check-outs waiting for review, on a 1366x768 laptop
    for _ in range(2):
        assert _expect(world.check_in("out", CENTRE, offline=True), 201, "offline check-out")["status"] == "review"
    d = desk(LAPTOP_1366, admin="bootstrap")
    page = d.page
    d.open("Verifikasi")
    page.get_by_label("Unit").select_option(world.unit_id)
    rows = page.get_by_role("row").filter(has_text=world.nama)
    expect(rows).to_have_count(2)
    d.settled()
    evidence = page.get_by_role("article", name=f"Bukti {world.nama}")
    heading = evidence.get_by_role("heading", name=re.compile(f"^{re.escape(world.nama)} · Pulang "))

    # WHEN the first is opened from the keyboard
    rows.first.get_by_role("button", name="Lihat").focus()
    page.keyboard.press("Enter")
    # THEN the item's heading has the focus, its decision is on screen without scrolling, two Tabs away
    expect(heading).to_be_focused()
    d.shot("verifikasi-1366")
    approve = evidence.get_by_role("button", name="Setujui")
    box = approve.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= LAPTOP_1366["height"], box
    # ... and the face score is written the Indonesian way, as on the employee's page
    score = evidence.locator("dt:text-is('Skor wajah') + dd")
    expect(score).to_have_text(re.compile(r"^\d,\d{2,4} \(ambang \d,\d{2,4}\)$"))
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(approve).to_be_focused()

    # WHEN it is approved, THEN the next item opens with the focus on its heading
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("button", name="Lihat")).to_have_attribute("aria-pressed", "true")
    expect(heading).to_be_focused()
    # WHEN that last one is approved too, THEN the focus is on the outcome, not on the page's start
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(0)
    outcome = page.get_by_role("status")
    said = re.compile(f"^Keputusan tersimpan: absen pulang {re.escape(world.nama)} .+ disetujui\\.$")
    expect(outcome).to_have_text(said)
    expect(outcome).to_be_focused()
    assert _focused(page).startswith("P Keputusan tersimpan")
    d.assert_clean()


def test_a_review_decided_by_another_admin_meanwhile_leaves_the_queue_when_this_one_decides(
    world: World, desk: Callable[..., Desk]
) -> None:
    # GIVEN an offline check-out waiting for review, opened in the console
    waiting = _expect(world.check_in("out", CENTRE, offline=True), 201, "offline check-out")
    assert waiting["status"] == "review"
    d = desk(admin="bootstrap")
    page = d.page
    d.open("Verifikasi")
    page.get_by_label("Unit").select_option(world.unit_id)
    rows = page.get_by_role("row").filter(has_text=world.nama)
    expect(rows).to_have_count(1)
    rows.first.get_by_role("button", name="Lihat").click()
    evidence = page.get_by_role("article", name=f"Bukti {world.nama}")
    # WHEN another admin rejects it meanwhile, and this one then approves it
    rejected = {"decision": "reject", "note": "foto buram"}
    _expect(world.admin.post(f"/v1/admin/reviews/{waiting['event_id']}", rejected), 200, "the other decision")
    evidence.get_by_role("button", name="Setujui").click()
    # THEN the console says it was decided elsewhere and reads the queue again (it stayed, to be refused again)
    expect(page.get_by_role("status")).to_have_text("Absen ini sudah diputuskan admin lain; daftar dibaca ulang.")
    expect(rows).to_have_count(0)
    d.assert_clean(lambda status, path: (status, path) == (409, f"/v1/admin/reviews/{waiting['event_id']}"))
