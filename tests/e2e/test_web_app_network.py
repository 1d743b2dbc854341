"""The employee app (/app/) on the networks teachers at rural schools have, in a real browser: Debian's chromium,
headless, a 360 px phone whose webcam plays photos of the enrolled person, GPS in the unit's zone.

- A weak link (connected, answers never come): Home shows the day kept on the phone at once and reads SMART's in
  the background; a check-in whose challenge does not come within seconds is kept on the phone (the outbox), so
  a teacher at the gate is done in seconds; "Keluar" signs out at once, and SMART hears of it once the link
  carries again.
- A check-in being sent when the app is closed is not lost: it was kept on the phone before it left, and goes
  out (once) when SMART is opened again.
- A phone whose clock runs 10 minutes fast dates an offline capture by SMART's clock (learnt from the last
  answer), so SMART takes it instead of refusing it for good.
- A new version of the app reaches a phone that keeps SMART open: it takes over when the employee comes back to
  the app, never in the middle of a capture, and the offline shell is the new one.

The first three run against the session's stack (SMART_LIVENESS=required: a capture sent later, offline, is
judged without liveness). The last serves a copy of the built app (web/dist/app) from a small static server of
its own, so that a "new release" can be made by changing that copy while the phone keeps the app open; SMART's
answers there are stand-ins (the thing under test is the service worker and the page, not the API).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from infra.web_files import DIST_DIR
from tests.e2e.conftest import require_load_data
from tests.e2e.web_phone import KEPT_ON_PHONE, Phone
from tools import devstack_phone
from tools.devstack import StackUrls
from tools.devstack_http import ApiClient
from tools.devstack_phone import Employee, fake_camera_args, new_employee, phone_context, zoned_unit

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect

SAVED = "Tersimpan di ponsel, akan dikirim otomatis saat ada sinyal"  # UI.md's words


@pytest.fixture(scope="module")
def browser(launch: Callable[[Sequence[str]], Any]) -> Any:
    require_load_data()
    return launch(fake_camera_args())


@pytest.fixture
def zoned(admin: ApiClient) -> Iterator[ApiClient]:
    """The session's admin, the unit zoned; afterwards the enrolled person's face is released again (the session's
    other tests enrol the same photos for employees of their own, which SMART would refuse as a duplicate face)."""
    zoned_unit(admin)
    yield admin
    devstack_phone._release_enrolment_photo(admin)


def _phone(browser: Any, stack: StackUrls, admin: ApiClient) -> tuple[Employee, Phone]:
    """A new enrolled employee and their phone in the unit's zone, activated, on Home."""
    employee = new_employee(admin)
    context = phone_context(browser, stack.api)
    context.set_default_timeout(15_000)
    phone = Phone(context.new_page()).watch(stack.api)
    devstack_phone.activate(phone.page, employee)
    return employee, phone


def _is_checkin(request: Any) -> bool:
    return bool(request.method == "POST" and request.url.endswith("/v1/attendance"))


def _mine(stack: StackUrls, token: str) -> list[dict[str, Any]]:
    return list(ApiClient(stack.api, token=token).get("/v1/attendance/me").body["items"])


def test_on_a_weak_link_home_opens_at_once_a_check_in_is_kept_in_seconds_and_keluar_does_not_wait(
    browser: Any, stack: StackUrls, zoned: ApiClient
) -> None:
    employee, phone = _phone(browser, stack, zoned)
    page = phone.page
    token = page.evaluate("localStorage.getItem('smart.token')")
    expect(page.get_by_role("button", name="Absen Masuk")).to_be_visible()
    # GIVEN a link that carries requests out but never brings an answer back (the phone stays "online")
    held: list[Any] = []

    def weak(route: Any) -> None:
        held.append(route)

    page.route("**/v1/**", weak)
    # WHEN the app is opened, THEN the day kept on the phone shows at once, with its button and the menu, while
    # SMART's is read in the background
    page.reload()
    expect(page.get_by_text(employee.nama)).to_be_visible(timeout=3_000)
    expect(page.get_by_text("Memperbarui…")).to_be_visible(timeout=3_000)
    expect(page.get_by_role("navigation", name="Menu")).to_be_visible(timeout=3_000)
    assert any(r.request.url.endswith("/v1/me") for r in held)
    phone.check_screen("beranda-sinyal-lemah")

    # WHEN the teacher checks in at the gate, THEN the capture is kept on the phone within seconds, not a minute
    page.get_by_role("button", name="Absen Masuk").click(timeout=3_000)
    button = page.get_by_role("button", name="Ambil Foto dan Kirim")
    expect(button).to_be_enabled()
    started = time.monotonic()
    button.click()
    expect(page.get_by_text(SAVED)).to_be_visible(timeout=13_000)
    took = time.monotonic() - started
    assert took < 12, took
    assert not any(_is_checkin(r.request) for r in held)  # no challenge came: nothing was sent live
    page.get_by_role("button", name="Kembali ke Beranda").click()
    expect(page.get_by_role("heading", name="Menunggu dikirim")).to_be_visible()
    expect(page.get_by_text(f"{SAVED}. Buka SMART saat ada sinyal agar terkirim.")).to_be_visible()

    # WHEN they sign out on the dead link, THEN the login screen shows at once and the session is gone
    page.get_by_role("button", name="Keluar").click()
    started = time.monotonic()
    page.get_by_role("button", name="Tetap Keluar").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible(timeout=3_000)
    assert time.monotonic() - started < 3
    assert page.evaluate("localStorage.getItem('smart.token')") is None
    # AND the login screen says a capture still waits on the phone for its owner, whose NIP it fills in
    expect(page.get_by_role("note")).to_contain_text("1 absen tersimpan di ponsel ini dan belum terkirim")
    expect(page.get_by_label("NIP")).to_have_value(employee.nip)
    # AND when the link drops what it held and then carries again, SMART hears of the logout when the app starts:
    # the token stops working
    for route in held:
        route.abort("internetdisconnected")
    page.wait_for_function("localStorage.getItem('smart.ended_sessions') !== null")
    page.unroute("**/v1/**")
    with page.expect_response(lambda r: r.url.endswith("/v1/auth/logout")) as told:
        page.reload()
    assert told.value.status == 204
    assert ApiClient(stack.api, token=token).get("/v1/me").status == 401
    phone.assert_clean()
    page.context.close()


def test_a_check_in_being_sent_when_the_app_is_closed_goes_out_once_when_it_opens_again(
    browser: Any, stack: StackUrls, zoned: ApiClient
) -> None:
    employee, phone = _phone(browser, stack, zoned)
    page, context = phone.page, phone.page.context
    token = page.evaluate("localStorage.getItem('smart.token')")
    # GIVEN the check-in on its way up a weak link: it has left, no answer yet
    page.get_by_role("button", name="Absen Masuk").click()
    expect(page.get_by_text("Lokasi ditemukan, akurasi ±12 m")).to_be_visible()
    held: list[Any] = []

    def never_answered(route: Any) -> None:  # the first try only: what the phone sends later goes through
        if held:
            route.continue_()
        else:
            held.append(route)

    context.route("**/v1/attendance", never_answered)
    page.get_by_role("button", name="Ambil Foto dan Kirim").click()
    for _ in range(100):  # the challenge, the liveness frames, then the send
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1
    sent_id = held[0].request.post_data_json["client_request_id"]
    # THEN it is already kept on the phone (in its offline form, under the same id)
    kept = page.evaluate(KEPT_ON_PHONE)
    assert [(k["id"], k["body"].get("offline")) for k in kept] == [(sent_id, True)], kept
    # WHEN the employee closes the app (Android kills it in the background), and opens it again with signal
    page.close()
    again = Phone(context.new_page()).watch(stack.api)
    with again.page.expect_response(lambda r: _is_checkin(r.request), timeout=20_000) as sent:
        again.page.goto("/app/")
    # THEN the outbox sends it, with the same id, and SMART holds it once: as an offline capture (reviewed), or,
    # when the try held on its way reached SMART as the app closed, as that try (the same id "used for another
    # request"), which SMART judged on its own: the phone says how SMART answered that try
    assert sent.value.request.post_data_json["client_request_id"] == sent_id
    answer = sent.value.json()
    first_refused = False
    if sent.value.status == 409:
        assert answer["error"]["code"] == "CONFLICT", answer
        first_try = answer["error"]["details"]["first"]
        first_refused = first_try["status"] == "refused"
        if first_refused:  # e.g. the fake camera made no head turn: shown as refused, in SMART's words
            expect(again.page.get_by_role("alert").filter(has_text="Ditolak")).to_contain_text(first_try["message"])
        else:
            words = {"accepted": "Absen diterima", "review": "Menunggu verifikasi admin"}[first_try["status"]]
            expect(again.page.get_by_role("heading", name="Sudah terkirim")).to_be_visible()
            expect(again.page.locator(".outbox li").filter(has_text=words)).to_have_count(1)
    else:
        assert sent.value.status == 201 and "OFFLINE_CAPTURE" in answer["warnings"], answer
        expect(again.page.get_by_role("heading", name="Sudah terkirim")).to_be_visible()
    events = _mine(stack, token)
    for _ in range(50):  # a try that reached SMART as the app closed may still be being judged there
        if events:
            break
        again.page.wait_for_timeout(200)
        events = _mine(stack, token)
    assert [e["type"] for e in events] == ["in"], (sent.value.status, answer, events)
    assert sent.value.status == 409 or events[0]["event_id"] == answer["event_id"]
    # AND Home offers what SMART's day says: the check-out once the arrival counts, else the arrival again
    again.page.reload()
    expect(again.page.get_by_text(employee.nama)).to_be_visible()
    counted = events[0]["status"] != "refused"
    expect(again.page.get_by_role("button", name="Absen Pulang" if counted else "Absen Masuk")).to_be_visible()
    if first_refused:  # a refusal of a waiting capture waits on Home until it is read
        again.page.get_by_role("button", name="Mengerti").click()
        expect(again.page.get_by_role("button", name="Mengerti")).to_have_count(0)
    assert again.page.evaluate(KEPT_ON_PHONE) == []
    again.assert_clean(frozenset({(409, "/v1/attendance")}))
    context.close()


def test_an_offline_capture_of_a_phone_ten_minutes_fast_is_dated_by_smart_s_clock(
    browser: Any, stack: StackUrls, zoned: ApiClient
) -> None:
    # GIVEN a phone whose clock runs 10 minutes fast (automatic time switched off), activated with signal
    employee = new_employee(zoned)
    context = phone_context(browser, stack.api)
    context.set_default_timeout(15_000)
    phone = Phone(context.new_page()).watch(stack.api)
    page = phone.page
    page.clock.install(time=datetime.now(UTC) + timedelta(minutes=10))
    devstack_phone.activate(page, employee)
    token = page.evaluate("localStorage.getItem('smart.token')")
    # WHEN the teacher checks in without signal, and the signal returns
    page.get_by_role("button", name="Absen Masuk").click()
    expect(page.get_by_text("Lokasi ditemukan, akurasi ±12 m")).to_be_visible()
    context.set_offline(True)
    page.get_by_role("button", name="Ambil Foto dan Kirim").click()
    expect(page.get_by_text(SAVED)).to_be_visible()
    page.get_by_role("button", name="Kembali ke Beranda").click()
    expect(page.get_by_role("heading", name="Menunggu dikirim")).to_be_visible()
    with page.expect_response(lambda r: _is_checkin(r.request), timeout=20_000) as sent:
        context.set_offline(False)
    # THEN it was dated by SMART's clock, and SMART takes it (to review, as every offline capture)
    captured = datetime.fromisoformat(sent.value.request.post_data_json["captured_at"])
    assert abs(captured - datetime.now(UTC)) < timedelta(minutes=1), captured
    assert sent.value.status == 201, sent.value.text()
    expect(page.get_by_role("heading", name="Sudah terkirim")).to_be_visible()
    expect(page.get_by_text("Ditolak")).to_have_count(0)
    assert [e["type"] for e in _mine(stack, token)] == ["in"]
    phone.assert_clean()
    context.close()


# --- a new release while the app stays open ----------------------------------------------------------------


class _NoStore(SimpleHTTPRequestHandler):
    """The built app as a CDN with a fresh release serves it: every file revalidated (here: never cached)."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def release(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A copy of the built employee app served at <origin>/app/, and the folder to change for a new release."""
    if not (DIST_DIR / "app" / "index.html").is_file():
        pytest.skip("the employee app is not built (`make web`)")
    shutil.copytree(DIST_DIR / "app", tmp_path / "app")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_NoStore, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path / "app"
    finally:
        server.shutdown()
        server.server_close()


def _new_release(app: Path) -> None:
    """Release 2: the page says so (a meta tag), and the service worker precaches it (a new revision)."""
    index = app / "index.html"
    index.write_text(index.read_text().replace("<head>", '<head><meta name="smart-release" content="2">', 1))
    worker = app / "sw.js"
    text, n = re.subn(r'(url:"index\.html",revision:)"[0-9a-f]+"', r'\1"release-2"', worker.read_text())
    assert n == 1, "the precache manifest of sw.js changed shape"
    worker.write_text(text)


def _stand_in_api(route: Any) -> None:
    """SMART's answers the app reads on Home and Riwayat (the phone's date in Jakarta)."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date().isoformat()
    profile = {
        "nip": "199001012020012001",
        "nama": "Rina Marlina",
        "jabatan": "Guru",
        "unit": {"unor_id": "U", "unor_nama": "SD Negeri Uji"},
        "today": {"date": today, "schedule": None, "check_in": None, "check_out": None},
        "enrolled": True,
        "zones": [{"zone_id": "z", "name": "SD Negeri Uji"}],
    }
    path = route.request.url.split("?", 1)[0]
    body: Any = profile if path.endswith("/v1/me") else {"items": [], "next": None}
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def _signed_in_phone(launch: Callable[[Sequence[str]], Any], origin: str, api: Callable[[Any], None]) -> Any:
    """A 360-px phone's browser context in Jakarta, signed in, whose API calls `api` answers."""
    context = launch(()).new_context(
        base_url=origin, viewport={"width": 360, "height": 740}, timezone_id="Asia/Jakarta"
    )
    context.set_default_timeout(10_000)
    context.route(re.compile(r".*/v1/.*"), api)
    context.add_init_script("localStorage.setItem('smart.token', 't'); localStorage.setItem('smart.nip', '1')")
    return context


def test_a_new_release_takes_over_the_open_app_when_it_loses_nothing(
    launch: Callable[[Sequence[str]], Any], release: tuple[str, Path]
) -> None:
    origin, app = release
    context = _signed_in_phone(launch, origin, _stand_in_api)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # GIVEN the app open on a phone, its service worker installed and in control
    page.goto("/app/")
    expect(page.get_by_text("Rina Marlina")).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.evaluate(
        "window.openedOnce = true;"
        "navigator.serviceWorker.addEventListener('controllerchange', () => (window.changed = true))"
    )
    # ... and the employee in the middle of a capture (the check-in screen), when release 2 is published
    page.evaluate("location.hash = '#/absen?jenis=in'")
    expect(page.get_by_role("heading", name="Absen Masuk")).to_be_visible()
    _new_release(app)
    # WHEN the app comes back to the screen (the app asks for a new version then)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    # THEN the new version takes over the service worker while the app stays open...
    page.wait_for_function("window.changed === true")
    # ... but the capture in progress is not cut off
    page.wait_for_timeout(500)
    assert page.evaluate("window.openedOnce") is True
    expect(page.get_by_role("heading", name="Absen Masuk")).to_be_visible()
    # WHEN the employee goes back to Beranda, THEN the page reloads into release 2
    page.get_by_role("link", name="‹ Beranda").click()
    expect(page.locator('meta[name="smart-release"]')).to_have_count(1)
    assert page.evaluate("window.openedOnce") is None
    expect(page.get_by_text("Rina Marlina")).to_be_visible()
    # AND the shell kept for offline starts is release 2's
    context.set_offline(True)
    page.reload()
    expect(page.get_by_text("Rina Marlina")).to_be_visible()
    expect(page.locator('meta[name="smart-release"]')).to_have_count(1)
    context.set_offline(False)
    assert errors == []
    context.close()


def test_riwayat_shows_why_an_admin_rejected_a_check_in(
    launch: Callable[[Sequence[str]], Any], release: tuple[str, Path]
) -> None:
    origin, _ = release
    at = datetime.now(ZoneInfo("Asia/Jakarta")).replace(hour=7, minute=20, second=0, microsecond=0).isoformat()
    rejected = {
        "event_id": "e-1", "type": "in", "status": "review", "attendance_time": at, "received_at": at, "zone": None,
        "face": None, "warnings": ["FACE_BORDERLINE"], "reasons": ["FACE_BORDERLINE"], "decision": "reject",
        "decision_note": "Foto bukan wajah Anda", "late_minutes": 0, "early_minutes": 0, "category": None,
    }  # fmt: skip

    def answer(route: Any) -> None:
        if route.request.url.split("?", 1)[0].endswith("/v1/attendance/me"):
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"items": [rejected]}))
        else:
            _stand_in_api(route)

    context = _signed_in_phone(launch, origin, answer)
    page = context.new_page()
    # GIVEN an arrival the unit's admin rejected with a note
    # WHEN the employee opens "Riwayat", THEN the rejection says why, in the admin's words
    page.goto("/app/#/riwayat")
    row = page.locator(".list li").filter(has_text="Masuk 07.20")
    expect(row).to_contain_text("Ditolak admin")
    expect(row).not_to_contain_text("Menunggu")
    expect(row).to_contain_text("Catatan admin: Foto bukan wajah Anda")
    context.close()
