"""The check-in screen where SMART requires the liveness action (SMART_LIVENESS=required, the default, which the
session's stack runs with; test_web_checkin.py runs its own stack in `review` mode). A phone whose camera shows a
still picture (a photo held to the camera) cannot do the asked head movement: SMART refuses the check-in with
422 LIVENESS_FAILED, keeps the refusal as evidence, and the app says in words what to do next.

Skipped like the other browser tests when chromium, the built app or the face photos and models are missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from tests.e2e.conftest import require_load_data
from tests.e2e.web_phone import Phone
from tools import devstack_phone
from tools.devstack import StackUrls
from tools.devstack_http import ApiClient
from tools.devstack_phone import CAMERA_PHOTOS, fake_camera_args, new_employee, phone_context, zoned_unit

playwright_sync = pytest.importorskip("playwright.sync_api")
expect = playwright_sync.expect
ACTION_WORDS = re.compile("^(Tolehkan kepala ke (kiri|kanan)|Anggukkan kepala|Kedipkan mata)$")


@pytest.fixture(scope="module")
def still_browser(launch: Callable[[Sequence[str]], Any]) -> Any:
    """A phone's browser whose webcam shows one still photo of the enrolled person."""
    require_load_data()
    return launch(fake_camera_args(CAMERA_PHOTOS[:1], name="still"))


@pytest.fixture
def still_phone(still_browser: Any, stack: StackUrls, admin: ApiClient) -> Iterator[Phone]:
    """An enrolled, activated employee in their zone, on Home; the camera shows a still picture of them."""
    zoned_unit(admin)
    employee = new_employee(admin)
    context = phone_context(still_browser, stack.api)
    context.set_default_timeout(20_000)
    phone = Phone(context.new_page()).watch(stack.api)
    devstack_phone.activate(phone.page, employee)
    yield phone
    context.close()


def _recorded(stack: StackUrls, phone: Phone) -> list[tuple[str, str, list[str]]]:
    """The employee's own events, as (type, status, reasons)."""
    mine = ApiClient(stack.api, token=phone.page.evaluate("localStorage.getItem('smart.token')"))
    return [(e["type"], e["status"], e["reasons"]) for e in mine.get("/v1/attendance/me").body["items"]]


def test_a_still_picture_is_refused_as_not_live_and_the_app_says_what_to_do(
    still_phone: Phone, stack: StackUrls
) -> None:
    # GIVEN an enrolled, activated employee in their zone, the camera showing a still picture of them
    phone = still_phone
    page = phone.page
    page.get_by_role("button", name="Absen Masuk").click()
    expect(page.get_by_text("Lokasi ditemukan, akurasi ±12 m")).to_be_visible()

    # WHEN the employee sends: the app asks the head movement in words while it takes the frames
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/v1/attendance")) as sent:
        page.get_by_role("button", name="Ambil Foto dan Kirim").click()
        expect(page.get_by_text(ACTION_WORDS)).to_be_visible()

    # THEN SMART refuses it as not live, and the app shows SMART's words and what to do next
    assert sent.value.status == 422, sent.value.text()
    error = sent.value.json()["error"]
    assert error["code"] == "LIVENESS_FAILED", error
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Absen ditolak")
    expect(alert).to_contain_text(error["message"])
    # (the next step adds what the API's words do not say: slowly, the face in view, light, then the unit admin)
    expect(page.get_by_text("Tolehkan kepala perlahan ke arah yang diminta")).to_contain_text("hubungi admin unit")
    expect(page.get_by_role("button", name="Coba Lagi")).to_be_visible()
    phone.check_screen("absen-ditolak-liveness")
    # AND the refusal is kept as evidence; nothing that counts as attendance was recorded
    assert _recorded(stack, phone) == [("in", "refused", ["LIVENESS_FAILED"])]
    phone.assert_clean(frozenset({(422, "/v1/attendance")}))


def test_a_check_in_without_the_asked_frames_is_refused_and_the_app_says_to_follow_the_movement(
    still_phone: Phone, stack: StackUrls
) -> None:
    """An app that does not know the asked movement (an old version still cached on the phone) sends the selfie
    without frames: SMART refuses it with LIVENESS_REQUIRED, and the app says what to do."""
    phone = still_phone
    page = phone.page

    # GIVEN challenges that reach the app without their movement (the real answer, its `liveness` emptied)
    def without_movement(route: Any) -> None:
        answer = route.fetch()
        body = answer.json()
        assert body["liveness"]["action"], body  # SMART asked for one
        route.fulfill(response=answer, json={**body, "liveness": {"action": None, "frames": 0}})

    page.route("**/v1/attendance/challenge", without_movement)
    page.get_by_role("button", name="Absen Masuk").click()
    expect(page.get_by_text("Lokasi ditemukan, akurasi ±12 m")).to_be_visible()
    # WHEN the employee sends, THEN no movement is asked, and SMART refuses the selfie sent without frames
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/v1/attendance")) as sent:
        page.get_by_role("button", name="Ambil Foto dan Kirim").click()
    assert "frames" not in (sent.value.request.post_data_json or {})
    assert sent.value.status == 422, sent.value.text()
    error = sent.value.json()["error"]
    assert (error["code"], error["details"]) == ("LIVENESS_REQUIRED", {"reason": "no_frames"}), error
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(error["message"])
    expect(alert).to_contain_text("Ulangi absen dan ikuti petunjuk gerakan di layar.")
    expect(page.get_by_text(ACTION_WORDS)).to_have_count(0)
    assert _recorded(stack, phone) == [("in", "refused", ["LIVENESS_REQUIRED"])]
    phone.assert_clean(frozenset({(422, "/v1/attendance")}))
