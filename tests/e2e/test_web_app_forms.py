"""The employee app's forms and small screens on a cheap phone (360 px, Chromium's fake camera), against the local
stack: Daftar Wajah keeps the preview and its button on one 360×640 screen; Home and Rekap never scroll sideways
at 200 % text; "Batalkan" on a request asks first, is disabled while it is sent and takes a 409 after a lost answer
as done; a reason of spaces is refused in the app's words; a NIP typed with the spaces of civil-service documents
is kept whole; a busy button says "Memproses…" and keeps the focus, sending once; a lockout says how long it
lasts; a request being filled in when the session ends by itself is there again for the same employee after the
login, never for another.

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


def test_a_field_the_form_s_own_check_refuses_is_marked_invalid_described_by_the_error_and_focused(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    # GIVEN the activation form with a NIP one digit short (typed from the card, or a QR cut short)
    page.goto(f"/app/#/aktivasi?nip={employee.nip[:17]}&kode={employee.code}")
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    # WHEN "Aktifkan" is tapped, THEN the NIP field is marked invalid, described by the error line, and focused (a
    # screen reader reads the field with its problem; the keyboard opens on it)
    page.get_by_role("button", name="Aktifkan").click()
    nip, code = page.get_by_label("NIP"), page.get_by_label("Kode aktivasi")
    expect(page.get_by_role("alert")).to_have_text("NIP harus 18 digit angka.")
    expect(nip).to_have_attribute("aria-invalid", "true")
    expect(nip).to_have_accessible_description("NIP harus 18 digit angka.")
    expect(nip).to_be_focused()
    # WHEN the NIP is put right but the code left empty, THEN the mark moves to the code
    nip.fill(employee.nip)
    code.fill("")
    page.get_by_role("button", name="Aktifkan").click()
    expect(code).to_be_focused()
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description("Kode aktivasi wajib diisi.")
    expect(nip).not_to_have_attribute("aria-invalid", "true")
    expect(nip).to_have_accessible_description("")
    phone.assert_clean()


def test_an_activation_code_not_8_digits_is_refused_on_the_phone_and_spends_no_try(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/v1/auth/activate") else None)
    # GIVEN the activation form typed from the card with a digit left out (SMART takes any text up to 20
    # characters: the typo would spend one of the account's 5 tries and one of the hall's shared address slots)
    page.goto("/app/#/aktivasi")
    nip, code = page.get_by_label("NIP"), page.get_by_label("Kode aktivasi")
    nip.fill(employee.nip)
    code.fill(employee.code[:7])
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    # WHEN "Aktifkan" is tapped, THEN the app says so in the form's words, the code field marked and focused,
    # and nothing is sent
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_role("alert")).to_have_text("Kode aktivasi harus 8 digit angka.")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_accessible_description("Kode aktivasi harus 8 digit angka.")
    expect(code).to_be_focused()
    phone.check_screen("aktivasi-kode-kurang")
    # ... nor for a digit too many
    code.fill(employee.code + "1")
    page.get_by_role("button", name="Aktifkan").click()
    expect(code).to_have_accessible_description("Kode aktivasi harus 8 digit angka.")
    page.wait_for_timeout(300)
    assert sent == []
    # AND the code as the card prints it, typed with a space in the middle, activates the phone at once: no try
    # was spent
    code.fill(f"{employee.code[:4]} {employee.code[4:]}")
    expect(code).to_have_value(employee.code)
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    assert len(sent) == 1
    phone.assert_clean()


def test_the_last_enrolment_photo_leaves_the_focus_on_the_wait_for_the_admin(phone: Phone, employee: Employee) -> None:
    page = phone.page
    activate(page, employee)
    # (SMART's stand-in takes every photo: the face check is not under test, and a test pattern is no face)
    page.route(
        "**/v1/me/faces", lambda route: route.fulfill(status=201, json={"template_id": "uji", "status": "pending"})
    )
    page.goto("/app/#/daftar-wajah")
    for n in (1, 2):
        page.get_by_role("button", name=f"Ambil Foto {n} dari 3").click()
        expect(page.get_by_text(f"Foto terkirim: {n} dari 3")).to_be_visible()
    # WHEN the third photo is sent, the camera and its button giving way to the wait (the route stays the same)
    page.get_by_role("button", name="Ambil Foto 3 dari 3").click()
    # THEN the focus is on what replaced them, not fallen to the page
    expect(page.locator(":focus")).to_have_text("Menunggu persetujuan admin")
    page.unroute("**/v1/me/faces")
    phone.assert_clean()


def test_pengajuan_says_it_was_sent_by_its_button_and_its_steps_in_place_keep_the_focus(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    page.add_init_script(ZOOM_200)  # the phone's text size at 200 %: the form is several screens long
    activate(page, employee)
    page.goto("/app/#/pengajuan")
    expect(page.get_by_text("Belum ada pengajuan.")).to_be_visible()
    # WHEN the letter's photo is asked for, THEN the focus goes to what the camera asks (the button is gone)
    page.get_by_role("button", name="Foto Surat", exact=True).click()
    expect(page.locator(":focus")).to_have_text("Arahkan kamera ke surat, seluruh halaman terlihat dan terbaca.")
    # AND the photo taken takes it, and once removed, "Foto Surat" again
    page.get_by_role("button", name="Ambil Foto Surat").click()
    expect(page.get_by_role("img", name="Foto surat yang akan dikirim")).to_be_focused()
    page.get_by_role("button", name="Hapus Foto Surat").click()
    expect(page.get_by_role("button", name="Foto Surat", exact=True)).to_be_focused()
    page.get_by_role("button", name="Foto Surat", exact=True).click()
    page.get_by_role("button", name="Ambil Foto Surat").click()

    # GIVEN the form filled in, the phone scrolled down at its button; its status line there before sending
    page.get_by_label("Alasan").fill("Mengantar anak berobat")
    said = page.locator("form").get_by_role("status")
    expect(said).to_have_count(1)
    expect(said).to_have_text("")
    line = said.element_handle()
    page.get_by_role("button", name="Kirim Pengajuan").scroll_into_view_if_needed()
    # WHEN it is sent, THEN the same line says so, in view (not at the top of the form, screens above)
    page.get_by_role("button", name="Kirim Pengajuan").click()
    expect(said).to_have_text("Pengajuan terkirim. Menunggu keputusan admin.")
    assert line.evaluate("e => e.isConnected")
    expect(said).to_be_in_viewport()
    # AND the photo cleared with the form (nobody tapped for it) takes no focus
    expect(page.get_by_role("button", name="Foto Surat", exact=True)).not_to_be_focused()

    # WHEN the request is withdrawn, its buttons going with it, THEN the focus is on what says so
    item = page.locator("ul.list li").first
    item.get_by_role("button", name="Batalkan").click()
    item.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_role("status").filter(has_text="Pengajuan dibatalkan.")).to_be_focused()
    expect(item).to_contain_text("Dibatalkan")
    phone.assert_clean()


def test_a_password_change_being_sent_keeps_the_focus_on_its_button_and_is_sent_once(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    activate(page, employee)
    page.get_by_role("link", name="Ubah Kata Sandi").click()
    page.get_by_label("Kata sandi lama").fill(PASSWORD)
    page.get_by_label("Kata sandi baru").fill(PASSWORD + "-Baru")
    held: list[Any] = []
    page.route("**/v1/me/password", lambda route: held.append(route))  # noqa: PLW0108 (Playwright wraps the handler)
    # WHEN the form is sent from the keyboard
    page.get_by_role("button", name="Simpan Kata Sandi").focus()
    page.keyboard.press("Enter")
    # THEN while it is on its way the button says so and is unavailable, and keeps the focus (it fell to the page:
    # a screen reader's next swipe, a keyboard's next Tab, started again at the top)
    busy = page.get_by_role("button", name="Memproses…")
    expect(busy).to_be_disabled()
    expect(busy).to_be_focused()
    phone.check_screen("sandi-dikirim")
    # AND sent again meanwhile, from a field or the button, it sends nothing more
    page.get_by_label("Kata sandi baru").press("Enter")
    busy.focus()
    page.keyboard.press("Enter")
    _held(page, held)
    held[0].continue_()
    page.unroute("**/v1/me/password")
    # AND once answered, the button is itself again, still focused, the answer said under it
    expect(page.locator("form").get_by_role("status")).to_have_text("Kata sandi berhasil diubah.")
    expect(page.get_by_role("button", name="Simpan Kata Sandi")).to_be_enabled()
    expect(page.get_by_role("button", name="Simpan Kata Sandi")).to_be_focused()
    phone.check_screen("sandi-terkirim")
    phone.assert_clean()


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


def _password_changed_elsewhere(stack: StackUrls, nip: str, device_id: str, current: str, new: str) -> None:
    """The employee changes their password on another browser (API.md: every other session of the account ends):
    the phone's token is refused from now on (401) as it is when its 30 days are over or the phone is reset."""
    signed_in = ApiClient(stack.api).post("/v1/auth/login", {"nip": nip, "password": current, "device_id": device_id})
    assert signed_in.status == 200, signed_in.raw
    changed = ApiClient(stack.api, token=signed_in.body["token"]).post(
        "/v1/me/password", {"current_password": current, "new_password": new}
    )
    assert changed.status == 200, changed.raw


def _log_in(page: Any, nip: str, password: str) -> None:
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_a_request_being_filled_in_when_the_session_ends_is_there_again_after_the_login_for_the_same_employee_only(
    phone: Phone, employee: Employee, admin: ApiClient, stack: StackUrls
) -> None:
    page = phone.page
    activate(page, employee)
    device_id = page.evaluate("localStorage.getItem('smart.device_id')")
    # GIVEN a teacher filling in a request: its type and reason typed
    page.goto("/app/#/pengajuan")
    expect(page.get_by_text("Belum ada pengajuan.")).to_be_visible()
    page.get_by_label("Jenis pengajuan").select_option(label="Sakit")
    reason = "Demam sejak semalam, surat dokter menyusul"
    page.get_by_label("Alasan").fill(reason)
    # WHEN the session ends meanwhile (here: the password changed on another phone) and "Kirim Pengajuan" is refused
    second_password = PASSWORD + "-Dua"
    _password_changed_elsewhere(stack, employee.nip, device_id, PASSWORD, second_password)
    with page.expect_response(lambda r: r.url.endswith("/v1/me/requests") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="Kirim Pengajuan").click()
    assert sent.value.status == 401
    # THEN the login shows, saying why, its heading focused, and nothing of the request shows; the address stays
    expect(page.get_by_role("heading", name="Masuk")).to_be_focused()
    expect(page.get_by_role("alert")).to_have_text("Sesi tidak valid atau sudah berakhir. Silakan masuk kembali.")
    expect(page.get_by_role("heading", name="Pengajuan", exact=True)).to_be_hidden()
    expect(page.get_by_label("Alasan")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/app/#/pengajuan$"))
    expect(page).to_have_title("Masuk · SMART")
    phone.check_screen("masuk-di-atas-pengajuan")

    # WHEN the same employee signs in again
    _log_in(page, employee.nip, second_password)
    # THEN the request is there as it was typed, on its own address, its heading focused; it says it was not sent
    expect(page.get_by_role("heading", name="Pengajuan", exact=True)).to_be_focused()
    expect(page).to_have_url(re.compile(r"/app/#/pengajuan$"))
    expect(page).to_have_title("Pengajuan · SMART")
    expect(page.get_by_label("Alasan")).to_have_value(reason)
    expect(page.get_by_label("Jenis pengajuan")).to_have_value("SAKIT")
    expect(page.get_by_role("alert").first).to_have_text("Belum terkirim karena sesi berakhir. Silakan kirim lagi.")
    expect(page.get_by_role("heading", name="Masuk")).to_have_count(0)
    # AND it goes out with the new session
    page.get_by_role("button", name="Kirim Pengajuan").click()
    expect(page.get_by_text("Pengajuan terkirim")).to_be_visible()
    expect(page.locator("ul.list li").first).to_contain_text("Sakit")

    # GIVEN a colleague with an account of their own (activated on another phone, since released)
    colleague = new_employee(admin, enrolled=False)
    activated = ApiClient(stack.api).post(
        "/v1/auth/activate",
        {"nip": colleague.nip, "activation_code": colleague.code, "password": PASSWORD, "device_id": "uji-lain-0001"},
    )
    assert activated.status == 200, activated.raw
    assert admin.post(f"/v1/admin/employees/{colleague.nip}/reset-device", {}).status == 200
    # AND the first employee's next request typed when their session ends again
    page.get_by_label("Alasan").fill("Draf yang tidak boleh terlihat orang lain")
    _password_changed_elsewhere(stack, employee.nip, device_id, second_password, PASSWORD + "-Tiga")
    page.get_by_role("button", name="Kirim Pengajuan").click()
    expect(page.get_by_role("heading", name="Masuk")).to_be_focused()
    # WHEN the admin releases the phone from the first employee and the colleague signs in on it
    assert admin.post(f"/v1/admin/employees/{employee.nip}/reset-device", {}).status == 200
    # THEN the colleague gets Beranda, and nothing of the first employee's draft
    _log_in(page, colleague.nip, PASSWORD)
    expect(page.get_by_text(colleague.nama)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/#/$"))
    expect(page.get_by_role("heading", name="Beranda")).to_be_focused()
    assert page.locator("textarea").count() == 0
    assert "Draf yang tidak boleh" not in page.content()

    # AND the activation from a QR is never left when a session ends (a phone handed on is activated while an old
    # session is kept, decision 160; its NIP, code and new password typed stay where they are): the app's sign-out
    # event, as `session.call` sends it on a 401 (nothing on this screen calls SMART with the kept token)
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode=12345678")
    page.get_by_label("Kata sandi baru").fill("Sandi-Yang-Diketik-1")
    page.evaluate(
        "window.dispatchEvent(new CustomEvent('smart:signed-out', {detail: 'Sesi tidak valid atau sudah berakhir.'}))"
    )
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/app/#/aktivasi\?nip="))
    expect(page.get_by_label("Kata sandi baru")).to_have_value("Sandi-Yang-Diketik-1")
    expect(page.get_by_label("NIP")).to_have_value(employee.nip)
    expect(page.get_by_label("Kode aktivasi")).to_have_value("12345678")
    phone.assert_clean(frozenset({(401, "/v1/me/requests")}))
