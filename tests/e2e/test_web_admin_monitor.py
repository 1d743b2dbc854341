"""The console's "Pemantauan" in a real browser against the local stack (Debian's chromium, headless, Playwright):
a refresh that fails keeps its figures and says from when they are; a refresh due while the summary is still on
its way leaves it to arrive; days off have their card and a day everyone has off says so; a day over that no recap
stored says so, and how to recap it; units sharing one zone stand apart on the map and open from the keyboard; the
tables fit a tablet in landscape (1024 px).

Three units share one zone (a school complex); their employees come in through the SIMPEG import. Skipped, with
the reason, when chromium or the built console (`make web`) is missing. Screenshots go to build/screenshots/."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import require_app
from tests.e2e.web_console import CENTRE, LAPTOP, Desk, _expect
from tools.devstack import LocalStack, StackUrls
from tools.devstack_http import ApiClient
from tools.nips import fresh_nip

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

SUMMARY = re.compile(r".*/v1/admin/monitor/summary\?.*")
TABLET = {"width": 1024, "height": 768}


def _jakarta_today() -> date:
    return (datetime.now(UTC) + timedelta(hours=7)).date()


@dataclass
class World:
    stack: StackUrls
    admin: ApiClient
    units: list[tuple[str, str]]  # (unor_id, unor_nama), sharing one zone


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    require_app()
    with LocalStack.for_tests(simpeg_size=5) as stack:
        admin = ApiClient(stack.api)
        _expect(admin.login_admin(stack.admin_username, stack.admin_password), 200, "admin login")
        tag = secrets.token_hex(2).upper()
        units = [(f"KOMPLEKS-{tag}-{i}", f"SD Negeri Kompleks {tag} {i}") for i in (1, 2, 3)]
        rows = [
            {
                "nip": fresh_nip(),
                "nama": f"Pegawai {name} {n}",
                "unor_id": unit,
                "unor_nama": name,
                "jabatan": "Guru",
                "status": "aktif",
            }
            for unit, name in units
            for n in (1, 2)
        ]
        imported = _expect(admin.post("/v1/admin/simpeg/import", {"employees": rows}), 200, "import")
        assert not imported["errors"], imported
        circle = {"lat": CENTRE[0], "lon": CENTRE[1], "radius_m": 120.0}
        zone = _expect(admin.post("/v1/admin/zones", {"name": f"Kompleks {tag}", "circle": circle}), 201, "zone")
        for unit, _ in units:
            _expect(admin.put(f"/v1/admin/units/{unit}/zones", {"zone_ids": [zone["zone_id"]]}), 200, "unit zones")
        yield World(stack, admin, units)


@pytest.fixture
def desk(world: World, console_tab: Callable[..., Desk]) -> Callable[..., Desk]:
    def make(
        viewport: dict[str, int] = LAPTOP, *, fake_clock: bool = False, before: Callable[[Any], None] | None = None
    ) -> Desk:
        """A super admin's tab on Pemantauan; `fake_clock`: its timers are the test's to move; `before`: called with
        the page before the console opens (routes of the first load)."""
        d = console_tab(world.stack.api, viewport=viewport)
        if fake_clock:
            d.page.clock.install()
        if before is not None:
            before(d.page)
        d.login(world.stack.admin_username, world.stack.admin_password)
        return d

    return make


def _refresh_line(page: Any) -> Any:
    """The line beside the date: how the figures stay fresh, and when the shown ones came."""
    return page.get_by_text(re.compile(r"^(Diperbarui otomatis|Pembaruan otomatis dijeda)"))


def _hint_time(page: Any) -> str:
    found = re.search(r"terakhir(?: diperbarui)? (\d\d\.\d\d)", _refresh_line(page).inner_text())
    assert found, _refresh_line(page).inner_text()
    return found.group(1)


def test_a_failed_refresh_keeps_its_figures_and_says_from_when_they_are(
    world: World, desk: Callable[..., Desk]
) -> None:
    d = desk(fake_clock=True)
    page = d.page
    d.settled()
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive")).not_to_have_count(0)  # the map drawn too
    shown = _hint_time(page)
    # WHEN every refresh after the first load fails (the API answers 503) for two and a half minutes
    busy = json.dumps({"error": {"code": "UNAVAILABLE", "message": "Layanan sedang sibuk."}})
    page.route(SUMMARY, lambda route: route.fulfill(status=503, content_type="application/json", body=busy))
    page.clock.fast_forward(150_000)
    # THEN the screen says plainly that refreshing failed and from when its figures are, and names no later time
    expect(page.locator("p.error")).to_contain_text(f"Gagal memperbarui; angka dari {shown}.")
    assert _hint_time(page) == shown
    expect(page.locator("dl.totals")).to_have_class(re.compile("stale"))
    d.shot("pemantauan-gagal")
    # AND once the API answers again, the figures and their time are fresh and the warning is gone
    page.unroute(SUMMARY)
    page.clock.fast_forward(31_000)
    expect(page.locator("p.error")).to_have_text("")
    assert _hint_time(page) != shown
    assert d.page_errors == []


def test_only_a_failed_refresh_and_a_recovery_are_spoken(world: World, desk: Callable[..., Desk]) -> None:
    d = desk(fake_clock=True)
    page = d.page
    d.settled()
    # GIVEN the refresh line, which changes at every refresh ("· memuat…" and back): no live region speaks it
    line = _refresh_line(page)
    expect(line).to_contain_text("terakhir diperbarui")
    assert line.evaluate("e => e.closest('[aria-live], [role=status], [role=alert]') === null")
    status = page.get_by_role("status").filter(has_text=re.compile("^Pembaruan"))
    expect(status).to_have_count(0)
    # WHEN a refresh fails, THEN the alert says so
    busy = json.dumps({"error": {"code": "UNAVAILABLE", "message": "Layanan sedang sibuk."}})
    page.route(SUMMARY, lambda route: route.fulfill(status=503, content_type="application/json", body=busy))
    page.clock.fast_forward(31_000)
    expect(page.get_by_role("alert")).to_contain_text("Gagal memperbarui")
    # WHEN the next one works, THEN a status says that the figures are fresh again, and since when
    page.unroute(SUMMARY)
    page.clock.fast_forward(31_000)
    expect(status).to_have_text(re.compile(r"^Pembaruan berjalan lagi sejak \d\d\.\d\d\.$"))
    said = status.inner_text()
    # ... and the refreshes after it say nothing new
    page.clock.fast_forward(31_000)
    expect(line).not_to_contain_text("memuat")
    expect(status).to_have_text(said)
    assert d.page_errors == []


def _wait_for_reads(page: Any, reads: list[str], n: int) -> None:
    """Until `n` reads were sent (a read is sent on a timer's tick, outside any Playwright wait)."""
    for _ in range(50):
        if len(reads) >= n:
            break
        page.wait_for_timeout(100)
    assert len(reads) == n, reads


def test_the_refresh_can_be_paused(world: World, desk: Callable[..., Desk]) -> None:
    d = desk(fake_clock=True)
    page = d.page
    d.settled()
    reads = d.requests_to("/v1/admin/monitor/summary")
    # WHEN "Jeda pembaruan otomatis" is checked, THEN two minutes pass without a read, and the line says so
    page.get_by_label("Jeda pembaruan otomatis").check()
    expect(_refresh_line(page)).to_contain_text("Pembaruan otomatis dijeda · terakhir diperbarui")
    page.clock.fast_forward(120_000)
    page.wait_for_timeout(300)
    assert reads == []
    # WHEN it is unchecked, THEN the figures are read at once, and every 30 seconds again
    page.get_by_label("Jeda pembaruan otomatis").uncheck()
    _wait_for_reads(page, reads, 1)
    d.settled()
    page.clock.fast_forward(31_000)
    _wait_for_reads(page, reads, 2)
    expect(_refresh_line(page)).to_contain_text("Diperbarui otomatis setiap 30 detik")
    assert d.page_errors == []


def test_a_refresh_due_while_the_summary_is_on_its_way_leaves_it_to_arrive(
    world: World, desk: Callable[..., Desk]
) -> None:
    held: list[Any] = []
    sent: list[str] = []

    def hold(route: Any) -> None:
        sent.append(route.request.url)
        held.append(route)

    def slow_first_load(page: Any) -> None:
        page.on("requestfailed", lambda r: sent.append(f"cancelled {r.url}") if SUMMARY.match(r.url) else None)
        page.route(SUMMARY, hold)

    # GIVEN a regency summary slower than the refresh period (07:00, everyone checking in)
    d = desk(fake_clock=True, before=slow_first_load)
    page = d.page
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert held, "the summary was not asked for"
    # WHEN a refresh falls due while it is on its way, 45 s after it was asked for (the console waits 60 s at most)
    page.clock.fast_forward(31_000)
    page.clock.fast_forward(14_000)
    page.wait_for_timeout(500)
    # THEN it is neither cancelled nor asked for again, and shows once it arrives
    assert sent == [held[0].request.url], sent
    page.unroute(SUMMARY)  # the held read goes on unchanged
    expect(
        page.get_by_role("row").filter(has=page.get_by_role("link", name=world.units[0][1], exact=True))
    ).to_have_count(1)
    expect(_refresh_line(page)).to_contain_text("terakhir diperbarui")


def test_days_off_have_their_card_and_a_day_everyone_has_off_says_so(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a regency holiday next week
    holiday = _jakarta_today() + timedelta(days=7)
    _expect(
        world.admin.put(f"/v1/admin/holidays/{holiday.isoformat()}", {"name": "Hari Jadi Kabupaten"}), 200, "holiday"
    )
    try:
        d = desk()
        page = d.page
        # WHEN the admin picks that day
        # (the day's own answer waited for: until its read has started, nothing is busy and the table still holds
        # the earlier day, or none, as a CI run at 02:00 in Jakarta read it)
        with page.expect_response(lambda r: SUMMARY.match(r.url) and f"date={holiday.isoformat()}" in r.url):
            page.get_by_label("Tanggal").fill(holiday.isoformat())
        d.settled()
        # THEN the day says it is a holiday ...
        expect(page.locator(".notice")).to_contain_text("Hari libur")
        # ... and everyone counted is on the Libur card and in the Libur column
        totals = page.locator("dl.totals")
        expect(totals.locator(".total.off dt")).to_have_text("Libur")
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=world.units[0][1], exact=True))
        expect(row.locator('td[data-label="Libur"]')).to_have_text("2")
        employees = sum(int(n) for n in page.locator('td[data-label="Pegawai"]').all_inner_texts())
        assert employees >= 2, employees
        expect(totals.locator(".total.off dd")).to_have_text(str(employees))
        d.shot("pemantauan-libur")
    finally:
        world.admin.request("DELETE", f"/v1/admin/holidays/{holiday.isoformat()}")


def test_a_day_over_that_no_recap_stored_says_so_and_how_to_recap_it(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a working day last week, never recapped: the API says so of each unit (nobody of these units, brought
    # in today, is judged on it: decision 134)
    day = _jakarta_today() - timedelta(days=7)
    while day.weekday() > 4:
        day -= timedelta(days=1)
    answer = _expect(world.admin.get(f"/v1/admin/monitor/summary?date={day.isoformat()}"), 200, "summary")
    ours = {u["unor_id"]: u for u in answer["units"] if u["unor_id"] in dict(world.units)}
    assert {u["recapped"] for u in ours.values()} == {False} and all(u["employee_count"] == 0 for u in ours.values())
    # ... and, for the screen, a unit with people absent then (followed before that day, as real records are)
    unit, name = world.units[0]

    def with_absences(route: Any) -> None:
        body = route.fetch().json()
        for u in body["units"]:
            if u["unor_id"] == unit:
                u["employee_count"], u["counts"]["absent"] = 40, 40
        body["totals"]["absent"] = sum(u["counts"]["absent"] for u in body["units"])
        route.fulfill(json=body)

    d = desk()
    page = d.page
    page.route(SUMMARY, with_absences)
    # WHEN the admin picks that day
    page.get_by_label("Tanggal").fill(day.isoformat())
    d.settled()
    # THEN the screen says the day was not recapped, that its absences are not TK yet, and how to recap it
    note = page.locator(".notice")
    expect(note).to_contain_text("Tanggal ini belum direkap di 1 dari")
    expect(note).to_contain_text("40 pegawai yang tampil Tidak hadir belum tercatat TK")
    expect(note).to_contain_text("buka Rekap, pilih tanggal ini di Rekap harian, lalu tekan Hitung Ulang")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))
    expect(row).to_contain_text("belum direkap")
    d.shot("pemantauan-belum-direkap")
    page.unroute_all(behavior="wait")
    # AND today says nothing of a recap
    page.get_by_label("Tanggal").fill(_jakarta_today().isoformat())
    d.settled()
    expect(page.get_by_text("belum direkap")).to_have_count(0)


def test_units_sharing_a_zone_stand_apart_on_the_map_and_open_from_the_keyboard(
    world: World, desk: Callable[..., Desk]
) -> None:
    d = desk()
    page = d.page
    d.settled()
    the_map = page.get_by_role("region", name="Peta unit")
    the_map.scroll_into_view_if_needed()
    markers = [the_map.locator(f'path[role="link"][aria-label^="{name}:"]') for _, name in world.units]
    for marker in markers:
        expect(marker).to_have_count(1)
        expect(marker).to_have_attribute("tabindex", "0")
    # THEN the three markers of one zone are apart: none covers another (each is 18 px across)
    page.wait_for_timeout(300)  # placed after the map took its view
    centres = []
    for marker in markers:
        box = marker.bounding_box()
        centres.append((box["x"] + box["width"] / 2, box["y"] + box["height"] / 2))
    for i, a in enumerate(centres):
        for b in centres[i + 1 :]:
            assert ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 >= 18, centres
    d.shot("pemantauan-peta-kompleks")
    # AND a marker reached from the keyboard shows its unit's figures and Enter opens the unit
    markers[1].focus()
    expect(page.locator(".leaflet-tooltip")).to_contain_text(f"{world.units[1][1]}:")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=world.units[1][1])).to_be_visible()


def test_the_tables_fit_a_tablet_in_landscape(world: World, desk: Callable[..., Desk]) -> None:
    # GIVEN a unit's day recapped: Rekap's tables have rows (18-digit NIPs, long names)
    recap = {"date": _jakarta_today().isoformat(), "unor_id": world.units[0][0]}
    _expect(world.admin.post("/v1/admin/recaps/daily", recap), 200, "recap")
    d = desk(TABLET)
    page = d.page
    d.settled()
    overflow = "w => w.scrollWidth - w.clientWidth"
    # Pemantauan: every column in view (Cuti/Izin, Dinas luar, Libur) without a sideways scroll
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate(overflow) <= 0
    expect(page.get_by_role("columnheader", name="Dinas luar")).to_be_in_viewport()
    d.shot("pemantauan-1024")
    # Rekap: the daily and the monthly table of a unit
    d.open("Rekap")
    page.get_by_label("Unit", exact=True).select_option(world.units[0][0])
    d.settled()
    for caption in ("Rekap harian", "Rekap bulanan"):
        expect(page.get_by_role("table", name=re.compile(f"^{caption}")).get_by_role("row")).to_have_count(3)
    for wrap in page.locator(".table-wrap").all()[:2]:
        assert wrap.evaluate(overflow) <= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    d.shot("rekap-1024")
