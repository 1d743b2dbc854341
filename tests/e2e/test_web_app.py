"""The employee app (/app/) in a real browser against the local stack: Debian's chromium, headless, driven by
Playwright at a 360 px wide phone viewport. Activation from the QR link with a real activation code, Home with
the employee's name, logout and login again, the API's own message for a wrong password, no file input
anywhere, no page errors. Screenshots go to build/screenshots/ (gitignored) as test artefacts.

Skipped, with the reason, when chromium or the built app (`make web`) is missing: `make test` provides both.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import pytest

from infra.web_files import DIST_DIR
from tests.e2e.web_phone import Phone
from tools.devstack import StackUrls
from tools.devstack_http import ApiClient
from tools.devstack_phone import ENROLMENT_PHOTO, _release_enrolment_photo
from tools.nips import fresh_nip

PASSWORD = "Sawah-Hijau-Pagi-2026"
ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko)"
SAMSUNG_INTERNET = f"{ANDROID} SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
ANDROID_CHROME = f"{ANDROID} Chrome/124.0.0.0 Mobile Safari/537.36"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect


@pytest.fixture
def phone(browser: Any, stack: StackUrls) -> Iterator[Phone]:
    context = browser.new_context(
        base_url=stack.api, viewport={"width": 360, "height": 740}, locale="id-ID", is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    phone = Phone(context.new_page()).watch(stack.api)
    yield phone
    context.close()


@dataclass(frozen=True)
class Employee:
    nip: str
    nama: str
    code: str


@pytest.fixture
def employee(admin: ApiClient) -> Employee:
    """A new employee of a new unit (SIMPEG import, as the regency's data arrives), with an activation code."""
    nip = fresh_nip()
    nama = f"Siti Rahmawati {secrets.token_hex(2).upper()}"
    record = {
        "nip": nip,
        "nama": nama,
        "unor_id": "UJI-WEB",
        "unor_nama": "SD Negeri Uji Web",
        "jabatan": "Guru",
        "status": "aktif",
    }
    resp = admin.post("/v1/admin/simpeg/import", {"employees": [record]})
    assert resp.status == 200 and not resp.body["errors"], resp.raw
    resp = admin.post(f"/v1/admin/employees/{nip}/activation")
    assert resp.status == 201, resp.raw
    return Employee(nip, nama, str(resp.body["activation_code"]))


def _log_in(page: Any, nip: str, password: str = PASSWORD) -> None:
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def _activate(phone: Phone, employee: Employee) -> None:
    page = phone.page
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    expect(page.get_by_label("NIP")).to_have_value(employee.nip)
    expect(page.get_by_label("Kode aktivasi")).to_have_value(employee.code)
    expect(page.get_by_label("Kode aktivasi")).to_have_attribute("inputmode", "numeric")  # 8 digits: number pad
    phone.assert_no_file_input()
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    phone.check_screen("aktivasi")
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()


def test_activation_link_then_home_logout_and_login_again(phone: Phone, employee: Employee) -> None:
    page = phone.page
    # GIVEN the QR link of the activation sheet, WHEN the employee sets a password
    _activate(phone, employee)

    # THEN Home shows their name and today's schedule/status, at 360 px without horizontal scrolling
    expect(page.get_by_text(f"NIP {employee.nip}")).to_be_visible()
    expect(page.get_by_text("Status")).to_be_visible()
    # ... and, their unit having no work zone yet (fresh from SIMPEG), says so before any selfie is taken
    expect(page.get_by_role("note")).to_contain_text(
        "Unit Anda belum memiliki zona kerja, jadi lokasi absen belum dapat dinilai. Hubungi admin unit."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    phone.assert_no_file_input()
    phone.check_screen("beranda")
    device_id = page.evaluate("localStorage.getItem('smart.device_id')")
    assert UUID.match(device_id), device_id
    assert page.evaluate("localStorage.getItem('smart.token')")

    # WHEN they leave: the token is gone and the login screen shows
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    assert page.evaluate("localStorage.getItem('smart.token')") is None
    phone.assert_no_file_input()
    phone.check_screen("masuk")

    # THEN logging in again (same phone: the device id made once is kept, so the bound phone is accepted)
    page.reload()
    _log_in(page, employee.nip)
    expect(page.get_by_text(employee.nama)).to_be_visible()
    assert page.evaluate("localStorage.getItem('smart.device_id')") == device_id

    # AND signed out on Home's own address (#/: the login shows there too), logging in shows Home, not the form
    page.evaluate("localStorage.removeItem('smart.token')")
    page.goto("/app/#/")
    page.reload()
    _log_in(page, employee.nip)
    expect(page.get_by_text(employee.nama)).to_be_visible()
    phone.assert_clean()


def test_back_after_activation_or_login_shows_beranda_not_the_spent_form(phone: Phone, employee: Employee) -> None:
    page = phone.page
    # GIVEN the app opened, then the QR link of the activation sheet (Android Chrome keeps both in its history)
    page.goto("/app/")
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    # WHEN the employee presses Back on Beranda, THEN the activation form of the code just used is not shown
    page.go_back()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    expect(page.get_by_role("button", name="Aktifkan")).to_have_count(0)
    # AND after "Keluar" and a login, Back does not show the login form to the employee signed in
    page.get_by_role("button", name="Keluar").click()
    _log_in(page, employee.nip)
    expect(page.get_by_text(employee.nama)).to_be_visible()
    page.go_back()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    expect(page.get_by_role("button", name="Masuk")).to_have_count(0)
    # AND the login's address opened while signed in (a bookmark, an old link) shows Beranda, its address too
    page.goto("/app/#/masuk")
    expect(page.get_by_role("heading", name="Beranda")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/app/#/$"))
    phone.assert_clean()


def test_home_offers_coba_lagi_when_its_first_read_fails_and_nothing_is_kept(phone: Phone, employee: Employee) -> None:
    page = phone.page
    _activate(phone, employee)
    # GIVEN a phone that keeps no day (a first sign-in) on a link where GET /v1/me gets no answer
    page.evaluate("localStorage.removeItem('smart.profile')")
    page.route("**/v1/me", lambda route: route.abort("timedout"))
    page.reload()
    # THEN Beranda says so and offers "Coba Lagi" (the read ran again only when the connection came back)
    expect(page.get_by_role("alert").first).to_contain_text("Tidak ada koneksi")
    retry = page.get_by_role("button", name="Coba Lagi")
    expect(retry).to_be_visible()
    # WHEN the signal is better and the employee taps it, THEN the day is read and shown
    page.unroute("**/v1/me")
    retry.click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    expect(page.get_by_role("button", name="Coba Lagi")).to_have_count(0)
    expect(page.get_by_role("heading", name="Beranda")).to_be_focused()
    phone.assert_clean()


def test_activation_in_another_browser_offers_chrome_and_still_activates_here(
    browser: Any, stack: StackUrls, employee: Employee
) -> None:
    # GIVEN the card's QR link opened by the camera in Samsung Internet
    context = browser.new_context(
        base_url=stack.api, viewport={"width": 360, "height": 740}, user_agent=SAMSUNG_INTERNET, is_mobile=True
    )
    context.add_init_script(
        "window.persistAsked = 0; const ask = StorageManager.prototype.persist;"
        "StorageManager.prototype.persist = function () { window.persistAsked++; return ask.call(this); };"
    )
    phone = Phone(context.new_page()).watch(stack.api)
    page = phone.page
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    # THEN before the form the screen says to open SMART in Chrome, naming the browser
    note = page.get_by_role("note")
    expect(note).to_contain_text("Buka SMART di Google Chrome")
    expect(note).to_contain_text("Anda membuka halaman ini di Samsung Internet, bukan Chrome.")
    # AND its button opens the same page, NIP and code filled in, in Chrome (an Android intent link)
    host = stack.api.split("://", 1)[1].rstrip("/")
    scheme = stack.api.split("://", 1)[0]
    link = note.get_by_role("link", name="Buka di Chrome")
    expect(link).to_have_attribute(
        "href",
        f"intent://{host}/app/#/aktivasi?nip={employee.nip}&kode={employee.code}"
        f"#Intent;scheme={scheme};package=com.android.chrome;end",
    )
    assert page.evaluate("window.persistAsked") == 0  # nothing asked before the phone is activated
    phone.check_screen("aktivasi-browser-lain")
    # WHEN the employee has no Chrome and activates here anyway, THEN it works as in Chrome
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    # AND the app asked the browser to keep its storage (the phone's id, captures waiting) once activated
    assert page.evaluate("window.persistAsked") >= 1
    phone.assert_clean()
    context.close()

    # AND in Chrome on Android the activation screen has no such notice
    chrome = browser.new_context(base_url=stack.api, viewport={"width": 360, "height": 740}, user_agent=ANDROID_CHROME)
    page = chrome.new_page()
    page.goto("/app/#/aktivasi")
    expect(page.get_by_role("button", name="Aktifkan")).to_be_visible()
    expect(page.get_by_text("Buka SMART di Google Chrome")).to_have_count(0)
    chrome.close()


def test_home_says_why_the_face_photo_was_rejected(phone: Phone, employee: Employee, stack: StackUrls) -> None:
    page = phone.page
    _activate(phone, employee)
    expect(page.get_by_text("Wajah belum terdaftar")).to_be_visible()
    # GIVEN the employee's face photo, rejected by an admin with a note
    mine = ApiClient(stack.api, token=page.evaluate("localStorage.getItem('smart.token')"))
    photo = base64.b64encode(ENROLMENT_PHOTO.read_bytes()).decode()
    sent = mine.post("/v1/me/faces", {"photo": photo})
    if sent.status == 404:
        pytest.skip("POST /v1/me/faces is not in this tree yet")
    assert sent.status == 201, sent.raw
    admin = ApiClient(stack.api)
    assert admin.login_admin(stack.admin_username, stack.admin_password).status == 200
    decided = admin.post(f"/v1/admin/faces/{sent.body['template_id']}", {"decision": "reject", "note": "terlalu gelap"})
    assert decided.status == 200, decided.raw
    # WHEN Home opens again, THEN it says so with the admin's note and what to do, and offers to enrol again
    page.reload()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Foto wajah Anda ditolak admin: terlalu gelap")
    expect(alert).to_contain_text("Ambil foto lagi di tempat terang")
    expect(page.get_by_text("Wajah belum terdaftar")).to_have_count(0)
    phone.check_screen("beranda-wajah-ditolak")
    alert.get_by_role("button", name="Daftar Wajah Lagi").click()
    expect(page).to_have_url(re.compile(r"#/daftar-wajah$"))
    phone.assert_clean()


def _show(page: Any, state: str) -> None:
    """The app put in the background ("hidden": the phone's screen off, another app on top) or back ("visible")."""
    page.evaluate(
        """state => {
          Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
          Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_beranda_learns_of_the_face_approved_while_it_stays_open(
    phone: Phone, employee: Employee, stack: StackUrls, admin: ApiClient, request: pytest.FixtureRequest
) -> None:
    page = phone.page

    def reads() -> int:
        return sum(1 for r in phone.responses if r.request.method == "GET" and urlparse(r.url).path == "/v1/me")

    def is_read(r: Any) -> bool:
        return bool(r.request.method == "GET" and urlparse(r.url).path == "/v1/me")

    def none_read_in(ms: int) -> None:
        before = reads()
        page.clock.fast_forward(ms)
        page.wait_for_timeout(500)
        assert reads() == before

    said = page.locator("p.sr-only[aria-live=polite]")
    page.clock.install()  # the screen's timers are the test's to move
    _activate(phone, employee)
    expect(page.get_by_text("Wajah belum terdaftar")).to_be_visible()
    # GIVEN the employee's face sent from another screen (here through the API) while Beranda stays open
    _release_enrolment_photo(admin)  # the face is refused for a second employee holding it
    mine = ApiClient(stack.api, token=page.evaluate("localStorage.getItem('smart.token')"))
    sent = mine.post("/v1/me/faces", {"photo": base64.b64encode(ENROLMENT_PHOTO.read_bytes()).decode()})
    if sent.status == 404:
        pytest.skip("POST /v1/me/faces is not in this tree yet")
    assert sent.status == 201, sent.raw
    # (given back afterwards: approved below for this unit's employee, the camera's person would be refused as a
    # duplicate to the session's later tests, which release it from their own unit only)
    face = f"/v1/admin/employees/{employee.nip}/faces/{sent.body['template_id']}"
    request.addfinalizer(lambda: admin.request("DELETE", face))
    # WHEN a minute passes with the screen open, THEN Beranda has asked SMART again and shows the wait, with a
    # button to ask again now
    with page.expect_response(is_read):
        page.clock.fast_forward(61_000)
    notice = page.get_by_role("status").filter(has_text="Menunggu persetujuan admin")
    expect(notice).to_be_visible()
    again = page.get_by_role("button", name="Periksa lagi")
    expect(again).to_be_visible()
    expect(page.get_by_role("button", name="Absen Masuk")).to_have_count(0)
    phone.check_screen("beranda-menunggu-persetujuan")
    # AND "Periksa lagi" asks at once; still waiting, it says so politely and keeps the focus
    with page.expect_response(is_read):
        again.click()
    expect(said).to_contain_text("Belum disetujui admin.")
    expect(again).to_be_focused()
    # WHEN the phone is put away, THEN nothing is read however long it stays so
    _show(page, "hidden")
    none_read_in(5 * 61_000)
    # ... while an admin approves the face in the hall
    decided = admin.post(f"/v1/admin/faces/{sent.body['template_id']}", {"decision": "approve"})
    assert decided.status == 200, decided.raw
    # WHEN the phone is taken out again, THEN Beranda reads at once: the wait is gone, "Absen Masuk" is there, and a
    # screen reader hears it through the region that is always on the screen
    with page.expect_response(is_read):
        _show(page, "visible")
    expect(page.get_by_role("button", name="Absen Masuk")).to_be_visible()
    expect(page.get_by_text("Menunggu persetujuan admin")).to_have_count(0)
    expect(said).to_have_text("Wajah Anda sudah disetujui admin. Anda sudah dapat absen.")
    phone.check_screen("beranda-wajah-disetujui")
    # AND with a face approved it asks no more: neither each minute nor on the return to the screen
    none_read_in(3 * 61_000)
    _show(page, "hidden")
    _show(page, "visible")
    none_read_in(1_000)
    phone.assert_clean()


def test_periksa_lagi_that_finds_the_face_approved_takes_the_focus_to_absen_masuk(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    approved: list[bool] = []  # SMART's answer about the faces, as the test sets it (the face check is not under test)

    def me(route: Any) -> None:
        answer = route.fetch()
        body = answer.json()
        body["enrolled"] = bool(approved)
        faces = {"approved": len(approved), "pending": 0 if approved else 3, "last_rejection": None}
        body["onboarding"] = {"faces": faces}
        route.fulfill(response=answer, json=body)

    page.route(re.compile(r"/v1/me$"), me)
    _activate(phone, employee)
    # GIVEN Beranda waiting for the admin, WHEN the face is approved and the employee taps "Periksa lagi"
    again = page.get_by_role("button", name="Periksa lagi")
    expect(again).to_be_visible()
    approved.append(True)
    again.click()
    # THEN the check-in is offered and has the focus (the button tapped went with the waiting notice), and it is said
    expect(page.get_by_role("button", name="Absen Masuk")).to_be_focused()
    said = page.locator("p.sr-only[aria-live=polite]")
    expect(said).to_have_text("Wajah Anda sudah disetujui admin. Anda sudah dapat absen.")
    phone.assert_clean()


def _shows_what_was_typed(phone: Phone, fields: dict[str, str], screen: str) -> None:
    """On a screen with password fields (`fields`: label → id): "Tampilkan kata sandi" shows them all, and the
    field being typed in keeps the focus when a finger taps it; pressed again from the keyboard, hides them."""
    page = phone.page
    toggle = page.get_by_role("button", name="Tampilkan kata sandi")
    inputs = [page.get_by_label(label, exact=True) for label in fields]
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert toggle.get_attribute("aria-controls") == " ".join(fields.values())
    for field in inputs:
        expect(field).to_have_attribute("type", "password")
    inputs[0].focus()
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    for field in inputs:
        expect(field).to_have_attribute("type", "text")
    assert page.evaluate("document.activeElement.id") == next(iter(fields.values()))
    phone.check_screen(screen)
    toggle.focus()
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    for field in inputs:
        expect(field).to_have_attribute("type", "password")
    expect(toggle).to_be_focused()


def test_show_password_on_activation_password_change_and_login(phone: Phone, employee: Employee) -> None:
    page = phone.page
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    # the NIP is the username a password manager keeps the new password under, as on Masuk
    expect(page.get_by_label("NIP")).to_have_attribute("autocomplete", "username")
    expect(page.get_by_label("Kata sandi baru")).to_have_attribute("autocomplete", "new-password")
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    _shows_what_was_typed(phone, {"Kata sandi baru": "sandi-baru"}, "aktivasi-sandi-tampak")
    expect(page.get_by_label("Kata sandi baru")).to_have_value(PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()

    page.get_by_role("link", name="Ubah Kata Sandi").click()
    _shows_what_was_typed(
        phone, {"Kata sandi lama": "sandi-lama", "Kata sandi baru": "sandi-baru"}, "ubah-sandi-tampak"
    )

    page.get_by_role("link", name="Beranda").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("NIP")).to_have_attribute("autocomplete", "username")
    expect(page.get_by_label("Kata sandi")).to_have_attribute("autocomplete", "current-password")
    page.get_by_label("NIP").fill(employee.nip)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    _shows_what_was_typed(phone, {"Kata sandi": "sandi"}, "masuk-sandi-tampak")
    # ... and a password shown is sent as typed
    page.get_by_role("button", name="Tampilkan kata sandi").click()
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    phone.assert_clean()


def test_a_new_screen_takes_the_focus_to_its_heading_but_the_first_load_does_not(
    phone: Phone, employee: Employee
) -> None:
    """... and names the page after it (the browser tab's and the screen reader's page name)."""
    page = phone.page
    # GIVEN the app opened from the activation link: the page starts at its top, nothing focused
    page.goto(f"/app/#/aktivasi?nip={employee.nip}&kode={employee.code}")
    expect(page.get_by_role("heading", name="Aktivasi")).to_be_visible()
    expect(page).to_have_title("Aktivasi · SMART")
    assert page.evaluate("document.activeElement === document.body")
    # WHEN a step leads to another screen (a button, a link, the way back, signing out)
    page.get_by_label("Kata sandi baru").fill(PASSWORD)
    page.get_by_role("button", name="Aktifkan").click()
    # THEN the focus is on the new screen's heading, which a screen reader reads out
    expect(page.get_by_role("heading", name="Beranda")).to_be_focused()
    page.get_by_role("link", name="Ubah Kata Sandi").click()
    expect(page.get_by_role("heading", name="Ubah Kata Sandi")).to_be_focused()
    expect(page).to_have_title("Ubah Kata Sandi · SMART")
    phone.check_screen("ubah-sandi-fokus")
    page.get_by_role("link", name="Beranda").click()
    expect(page.get_by_role("heading", name="Beranda")).to_be_focused()
    # ... and, the day read, Tab goes on from the top of that screen
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('section.card') !== null")
    with page.expect_response(lambda r: r.url.endswith("/v1/auth/logout")):  # told in the background
        page.get_by_role("button", name="Keluar").click()
        expect(page.get_by_role("heading", name="Masuk")).to_be_focused()
    # AND a reload is a first load again: nothing takes the focus
    page.reload()
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    assert page.evaluate("document.activeElement === document.body")
    phone.assert_clean()


def test_wrong_password_shows_the_api_message(phone: Phone, employee: Employee, api: ApiClient) -> None:
    page = phone.page
    _activate(phone, employee)
    page.get_by_role("button", name="Keluar").click()
    # The API's own words for this refusal (what the app must show, not a text of its own)
    device_id = page.evaluate("localStorage.getItem('smart.device_id')")
    refused = api.post("/v1/auth/login", {"nip": employee.nip, "password": PASSWORD + "x", "device_id": device_id})
    assert refused.status == 401, refused.raw
    message = refused.body["error"]["message"]

    _log_in(page, employee.nip, "bukan-kata-sandinya")

    expect(page.get_by_role("alert")).to_have_text(message)
    assert page.evaluate("localStorage.getItem('smart.token')") is None
    phone.check_screen("sandi-salah")
    phone.assert_clean(frozenset({(401, "/v1/auth/login")}))


def test_a_wrong_current_password_keeps_the_session_and_a_change_keeps_the_answered_token(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    _activate(phone, employee)
    first = page.evaluate("localStorage.getItem('smart.token')")
    page.get_by_role("link", name="Ubah Kata Sandi").click()

    # WHEN the current password is wrong, THEN this screen says so in its own words (the API's INVALID_CREDENTIALS
    # message speaks of a login's NIP) and the session goes on
    page.get_by_label("Kata sandi lama").fill(PASSWORD + "x")
    page.get_by_label("Kata sandi baru").fill(PASSWORD + "-Baru")
    with page.expect_response(lambda r: r.url.endswith("/v1/me/password")) as refused:
        page.get_by_role("button", name="Simpan Kata Sandi").click()
    assert refused.value.status == 401
    assert refused.value.json()["error"]["code"] == "INVALID_CREDENTIALS"
    expect(page.get_by_role("alert")).to_have_text("Kata sandi lama salah.")
    expect(page.get_by_role("heading", name="Ubah Kata Sandi")).to_be_visible()
    assert page.evaluate("localStorage.getItem('smart.token')") == first

    # WHEN it is right, THEN the phone goes on with the token SMART answered
    page.get_by_label("Kata sandi lama").fill(PASSWORD)
    with page.expect_response(lambda r: r.url.endswith("/v1/me/password")) as changed:
        page.get_by_role("button", name="Simpan Kata Sandi").click()
    expect(page.get_by_text("Kata sandi berhasil diubah.")).to_be_visible()
    # (said by the button that was tapped, where the phone is scrolled, not at the top of the form)
    said = page.get_by_role("status").filter(has_text="Kata sandi berhasil diubah.").bounding_box()
    button = page.get_by_role("button", name="Simpan Kata Sandi").bounding_box()
    assert said is not None and button is not None and said["y"] > button["y"], (said, button)
    answered = changed.value.json()["token"]
    assert page.evaluate("localStorage.getItem('smart.token')") == answered != first
    page.get_by_role("link", name="Beranda").click()
    expect(page.get_by_text(employee.nama)).to_be_visible()
    phone.assert_clean(frozenset({(401, "/v1/me/password")}))


def test_home_reads_the_day_again_when_signal_returns_and_shows_a_refusal_in_the_api_s_words(
    phone: Phone, employee: Employee
) -> None:
    page = phone.page
    _activate(phone, employee)
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    stale = page.get_by_text("Tanpa sinyal: menampilkan data terakhir di ponsel.")
    # GIVEN Home opened without signal (the day kept on the phone), nothing waiting to be sent
    page.context.set_offline(True)
    page.reload()
    expect(stale).to_be_visible()
    # WHEN the signal returns, THEN the day is read again by itself
    page.context.set_offline(False)
    expect(stale).to_have_count(0)
    expect(page.get_by_text(employee.nama)).to_be_visible()

    # WHEN SMART refuses the read (the account deactivated meanwhile), THEN Home says so in the API's words, not
    # "no signal" with the day kept on the phone
    inactive = "Akun Anda tidak aktif. Hubungi BKPSDM bila ini keliru."
    body = {"error": {"code": "ACCOUNT_INACTIVE", "message": inactive, "details": {}}}
    page.route(re.compile(r".*/v1/me$"), lambda route: route.fulfill(status=403, json=body))
    page.reload()
    expect(page.get_by_role("alert")).to_have_text(inactive)
    expect(stale).to_have_count(0)
    expect(page.get_by_text(employee.nama)).to_have_count(0)
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    phone.check_screen("beranda-ditolak")
    phone.assert_clean(frozenset({(403, "/v1/me")}))


def test_login_from_another_phone_shows_device_mismatch(browser: Any, stack: StackUrls, employee: Employee) -> None:
    # GIVEN the account bound to a first phone
    context = browser.new_context(base_url=stack.api, viewport={"width": 360, "height": 740})
    first = Phone(context.new_page())
    _activate(first, employee)
    context.close()

    # WHEN a second phone (its own device id) logs in, THEN it is refused with the API's DEVICE_MISMATCH message
    other = browser.new_context(base_url=stack.api, viewport={"width": 360, "height": 740})
    page = other.new_page()
    page.goto("/app/")
    _log_in(page, employee.nip)
    expect(page.get_by_role("alert")).to_contain_text("Akun Anda terdaftar di ponsel lain")
    other.close()


def test_service_worker_keeps_the_shell_for_offline_starts(phone: Phone, browser: Any) -> None:
    page = phone.page
    page.goto("/app/")
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    # WHEN the service worker has installed (shell precached) and the phone loses its signal
    assert page.evaluate("navigator.serviceWorker.ready.then(r => r.active !== null)")
    page.context.set_offline(True)
    # THEN the app still opens, from the cache
    page.reload()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    expect(page.get_by_label("Kata sandi")).to_be_visible()
    page.context.set_offline(False)
    phone.assert_clean()


def test_app_is_served_same_origin_with_spa_fallback_and_404_for_unknown_assets(api: ApiClient) -> None:
    if not (DIST_DIR / "app" / "index.html").is_file():
        pytest.skip("the employee app is not built (`make web`)")
    index = api.request("GET", "/app/")
    assert index.status == 200 and index.headers["Content-Type"].startswith("text/html")
    assert b"<title>SMART</title>" in index.raw
    assert api.request("GET", "/app/aktivasi").raw == index.raw  # a route of the app, not a file
    manifest = api.request("GET", "/app/manifest.webmanifest")
    assert manifest.headers["Content-Type"].startswith("application/manifest+json")
    assert manifest.body["start_url"] == "/app/" and manifest.body["display"] == "standalone"
    assert api.request("GET", "/app/sw.js").headers["Content-Type"].startswith("text/javascript")
    missing = api.request("GET", "/app/assets/nope-123.js")
    assert missing.status == 404 and missing.error_code() == "NOT_FOUND"
    assert api.get("/v1/health").status == 200


def test_the_whole_app_stays_within_its_gzipped_budget() -> None:
    # UI.md: the whole app, fonts and icons included, at most 250 KB gzipped.
    import gzip

    app = DIST_DIR / "app"
    if not (app / "index.html").is_file():
        pytest.skip("the employee app is not built (`make web`)")
    total = sum(len(gzip.compress(f.read_bytes(), 9)) for f in app.rglob("*") if f.is_file())
    assert 0 < total <= 250 * 1024, total
