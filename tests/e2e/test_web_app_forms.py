"""The employee app's forms and small screens on a cheap phone (360 px, Chromium's fake camera), against the local
stack: Daftar Wajah keeps the preview and its button on one 360×640 screen; Home and Rekap never scroll sideways
at 200 % text; "Batalkan" on a request asks first, is disabled while it is sent and takes a 409 after a lost answer
as done; a reason of spaces is refused in the app's words; a NIP typed with the spaces of civil-service documents
is kept whole; a busy button says "Memproses…"; a lockout says how long it lasts.

Skipped, with the reason, when chromium or the built app (`make web`) is missing: `make test` provides both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from tests.e2e.web_phone import Phone
from tools.devstack import StackUrls
from tools.devstack_http import ApiClient
from tools.devstack_phone import PASSWORD, Employee, activate, new_employee

WIDTH, HEIGHT = 360, 640
ZOOM_200 = "document.addEventListener('DOMContentLoaded', () => { document.documentElement.style.fontSize = '32px'; });"

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture(scope="module")
def browser(launch: Callable[[Sequence[str]], Any]) -> Any:
    # Chromium's own fake webcam (a test pattern): Daftar Wajah needs a playing preview, not a face
    return launch(["--use-fake-device-for-media-stream"])


@pytest.fixture
def phone(browser: Any, stack: StackUrls) -> Iterator[Phone]:
    context = browser.new_context(
        base_url=stack.api,
        viewport={"width": WIDTH, "height": HEIGHT},
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        is_mobile=True,
        has_touch=True,
        permissions=["camera"],
    )
    context.set_default_timeout(10_000)
    yield Phone(context.new_page()).watch(stack.api)
    context.close()


@pytest.fixture
def employee(admin: ApiClient) -> Employee:
    """A new employee (no face enrolled yet) with an activation code."""
    return new_employee(admin, enrolled=False)


def _held(page: Any, routes: list[Any], count: int = 1) -> None:
    """Waits (5 s at most) until `count` requests are held by a route handler, then a little more for any extra."""
    for _ in range(50):
        if len(routes) >= count:
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)
    assert len(routes) == count, routes


def _no_sideways_scroll(page: Any) -> None:
    """The page is no wider than the phone (a phone browser zooms out to show a wider page, so `innerWidth` would
    grow with it: the phone's own width is the measure); on failure, what sticks out."""
    wider = page.evaluate(
        """w => [document.documentElement.scrollWidth, [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > w + 0.5)
            .map(e => e.tagName + '.' + e.className).slice(0, 8)]""",
        WIDTH,
    )
    assert wider[0] <= WIDTH, wider


def test_enrolment_preview_and_its_button_fit_one_phone_screen(phone: Phone, employee: Employee) -> None:
    page = phone.page
    activate(page, employee)
    page.goto("/app/#/daftar-wajah")
    take = page.get_by_role("button", name="Ambil Foto 1 dari 3")
    expect(take).to_be_enabled()  # the preview plays
    video, button = page.locator("video").bounding_box(), take.bounding_box()
    # THEN without scrolling, the whole button and the preview above it are on the 640 px screen
    assert video["y"] >= 0 and button["y"] + button["height"] <= HEIGHT, (video, button)
    assert page.evaluate("window.scrollY") == 0
    # AND the back link is a target a thumb hits (at least 24 px; the bar's own height)
    back = page.get_by_role("link", name="‹ Beranda").bounding_box()
    assert back["height"] >= 40 and back["width"] >= 44, back
    phone.check_screen("daftar-wajah-360x640")
    phone.assert_clean()


def test_home_and_rekap_never_scroll_sideways_at_200_percent_text(phone: Phone, employee: Employee) -> None:
    page = phone.page
    activate(page, employee)
    days = [
        {
            "date": f"2026-12-{d:02d}",
            "status": ["H", "TL4 PSW4", "TK", "DL"][d % 4],
            "check_in": f"2026-12-{d:02d}T07:4{d % 10}:00+07:00",
            "check_out": f"2026-12-{d:02d}T15:0{d % 10}:00+07:00",
            "late_minutes": 0,
            "early_minutes": 0,
        }
        for d in range(1, 29)
    ]
    recap = {
        "month": "2026-12",
        "days": days,
        "counts": {"H": 7, "TL4": 7, "PSW4": 7, "TK": 7, "DL": 7},
        "deduction_percent": 12.5,
    }
    page.route(
        "**/v1/me/recap?*", lambda r: r.fulfill(status=200, content_type="application/json", body=json.dumps(recap))
    )
    page.add_init_script(ZOOM_200)  # the phone's text size at 200 %

    page.reload()
    expect(page.get_by_text(f"NIP {employee.nip}")).to_be_visible()
    _no_sideways_scroll(page)
    phone.shot("beranda-teks-200")

    page.goto("/app/#/rekap")
    expect(page.get_by_text("Potongan TPP: 12,5%")).to_be_visible()  # the Indonesian decimal comma
    _no_sideways_scroll(page)
    # the table scrolls inside its own named region instead
    expect(page.get_by_role("region", name="Status per hari")).to_be_visible()
    phone.check_screen("rekap-teks-200")
    phone.assert_clean()


def test_a_reason_of_spaces_is_refused_and_batalkan_asks_once_and_takes_a_lost_answer_as_done(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    activate(page, employee)
    page.goto("/app/#/pengajuan")
    expect(page.get_by_text("Belum ada pengajuan.")).to_be_visible()
    # WHEN the reason is spaces only, THEN the app says so in its words and sends nothing
    page.get_by_label("Alasan").fill("   ")
    page.get_by_role("button", name="Kirim Pengajuan").click()
    expect(page.get_by_role("alert").first).to_have_text("Alasan wajib diisi.")
    assert not [r for r in phone.responses if r.url.endswith("/v1/me/requests") and r.request.method == "POST"]
    page.get_by_label("Alasan").fill("Urusan keluarga")
    page.get_by_role("button", name="Kirim Pengajuan").click()
    expect(page.get_by_text("Pengajuan terkirim")).to_be_visible()

    # WHEN "Batalkan" is tapped twice, THEN it asks first and nothing is sent
    deletes: list[Any] = []
    page.route("**/v1/me/requests/*", lambda r: deletes.append(r) if r.request.method == "DELETE" else r.continue_())
    item = page.locator("ul.list li").first
    batalkan = item.get_by_role("button", name="Batalkan")
    batalkan.scroll_into_view_if_needed()
    spot = batalkan.bounding_box()
    for _ in range(2):
        page.mouse.click(spot["x"] + 10, spot["y"] + 5)
    expect(item.get_by_role("group", name="Batalkan pengajuan ini?")).to_be_visible()
    assert deletes == []
    phone.check_screen("pengajuan-batalkan-tanya")
    # WHEN confirmed, THEN the button says it is busy and cannot be tapped again while the DELETE is on its way
    item.get_by_role("button", name="Ya, batalkan").click()
    busy = item.get_by_role("button", name="Memproses…")
    expect(busy).to_be_disabled()
    busy.click(force=True)
    _held(page, deletes)
    # WHEN the withdrawal is done but its answer is lost on the way back (weak signal), THEN the phone says so
    deletes[0].fetch()
    deletes[0].abort()
    page.unroute("**/v1/me/requests/*")
    expect(page.get_by_role("alert").last).to_contain_text("Tidak ada koneksi")
    # AND tapping again (409: no longer pending) is taken as done: no error, the list reads "Dibatalkan"
    item.get_by_role("button", name="Batalkan").click()
    with page.expect_response(lambda r: r.request.method == "DELETE") as again:
        item.get_by_role("button", name="Ya, batalkan").click()
    assert again.value.status == 409
    expect(page.get_by_role("status").filter(has_text="Pengajuan dibatalkan.")).to_be_visible()
    expect(item).to_contain_text("Dibatalkan")
    expect(page.get_by_role("alert")).to_have_count(0)  # empty error lines are hidden
    phone.assert_clean(frozenset({(409, "/v1/" + again.value.url.split("/v1/", 1)[1])}))


def test_a_nip_typed_with_spaces_is_kept_whole_a_busy_login_says_so_and_a_lockout_says_how_long(
    phone: Phone, employee: Employee, api: ApiClient
) -> None:
    page = phone.page
    activate(page, employee)
    page.get_by_role("button", name="Keluar").click()
    nip = employee.nip
    # WHEN the NIP is typed as civil-service documents print it, THEN the field keeps its 18 digits
    page.get_by_label("NIP").press_sequentially(f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}")
    expect(page.get_by_label("NIP")).to_have_value(nip)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    # AND while the login is on its way the button says so
    held: list[Any] = []
    page.route("**/v1/auth/login", lambda route: held.append(route))  # noqa: PLW0108 (Playwright wraps the handler)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("button", name="Memproses…")).to_be_disabled()
    _held(page, held)
    held[0].continue_()
    page.unroute("**/v1/auth/login")
    expect(page.get_by_text(employee.nama)).to_be_visible()

    # WHEN the account is locked after wrong passwords, THEN the message says for how long
    page.get_by_role("button", name="Keluar").click()
    device = {"nip": nip, "password": "bukan-sandinya-1", "device_id": "uji-kunci-0001"}
    answers = [api.post("/v1/auth/login", device).status for _ in range(6)]
    assert answers[-1] == 429, answers
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("alert")).to_have_text(
        re.compile(r"^Terlalu banyak percobaan\. Coba lagi dalam 1[45] menit\.$")
    )
    phone.assert_clean(frozenset({(429, "/v1/auth/login")}))
